// ANCHOR: setup
let a = 1;
// ANCHOR_END: setup
