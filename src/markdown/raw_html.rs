//! Raw HTML in Markdown (placeholder, filled in below).
