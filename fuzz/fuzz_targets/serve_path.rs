//! The dev server's request-path resolution: `route(url, base_path, &output)` with a fixed
//! small output and arbitrary request URLs and `base_url`s.
//!
//! Input: `base_url` bytes, a 0xFF byte (never part of UTF-8), then the request URL.
//! The base path reaches `route` the way the server gets it, through `BaseUrl::parse`;
//! a `base_url` that does not parse is still passed raw, then only "no panic" is checked.
#![no_main]

use libfuzzer_sys::fuzz_target;
use quire::config::BaseUrl;
use quire::output::Output;
use quire::serve::http::{Reply, route};
use std::sync::OnceLock;

fn output() -> &'static Output {
    static OUTPUT: OnceLock<Output> = OnceLock::new();
    OUTPUT.get_or_init(|| {
        let mut o = Output::default();
        for path in [
            "index.html",
            "404.html",
            "guide/index.html",
            "guide/setup/index.html",
            "guide/logo.svg",
            "glossary/cpo/index.html",
            "assets/style.1.css",
            "a b/index.html",
            "é/index.html",
            "sitemap.xml",
        ] {
            o.insert(path.to_string(), path.as_bytes().to_vec());
        }
        o
    })
}

fuzz_target!(|data: &[u8]| {
    let (base, url) = match data.iter().position(|&b| b == 0xFF) {
        Some(i) => (&data[..i], &data[i + 1..]),
        None => (&b"/"[..], data),
    };
    let (Ok(base), Ok(url)) = (std::str::from_utf8(base), std::str::from_utf8(url)) else {
        return;
    };
    let output = output();
    let Ok(parsed) = BaseUrl::parse(base) else {
        let _ = route(url, base, output);
        return;
    };
    let base_path = parsed.path;
    assert!(base_path.starts_with('/') && base_path.ends_with('/'), "{base_path:?}");
    match route(url, &base_path, output) {
        Reply::File { path, content_type } => {
            assert!(output.files.contains_key(&path), "{url:?} served {path:?}, not an output file");
            assert!(!content_type.is_empty());
        }
        Reply::Redirect { status, location } => {
            assert!(status == 301 || status == 302, "{status}");
            assert!(
                !location.contains(|c: char| c.is_control()),
                "{url:?} redirects to {location:?}, with a control character"
            );
            assert!(
                location.starts_with('/') && !location.starts_with("//"),
                "{url:?} redirects off the site to {location:?}"
            );
        }
        Reply::NotFound | Reply::BadRequest => {}
    }
});
