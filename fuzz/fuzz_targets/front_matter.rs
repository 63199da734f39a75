//! Front matter on arbitrary UTF-8: splitting a file into front matter and body, the
//! title taken from the first `# heading` (the loader's whole-file path), and dates.
//! None of it may panic; every failure must be a `Diagnostic`.
#![no_main]

use libfuzzer_sys::fuzz_target;
use quire::content::front_matter::{Date, split};
use quire::content::{first_h1, slugify};
use std::path::Path;

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    // Dates are parsed from front matter values; feed them the raw text (and each line) too.
    let _ = Date::parse(text);
    for line in text.lines().take(8) {
        let _ = Date::parse(line);
    }
    let _ = slugify(text);
    let s = split(text, Path::new("site/fuzz.md"));
    for d in &s.errors {
        assert!(d.hint.is_some(), "front-matter error without a hint: {d}");
    }
    assert!(text.is_char_boundary(s.body_start), "body_start {} inside a character", s.body_start);
    if s.front.title.is_none()
        && let Some((_, range)) = first_h1(text, s.body_start)
    {
        assert!(range.start >= s.body_start && range.end <= text.len(), "{range:?}");
        assert!(text.is_char_boundary(range.start) && text.is_char_boundary(range.end));
    }
});
