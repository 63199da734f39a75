//! Request handling for the dev server: URL to output file, content types, redirects, 404s.
//!
//! Files are served from the in-memory [`Output`] of the last good build, looked up by
//! their output path; no filesystem path is ever built from a URL. A request can only
//! ever name a file the build produced, so `..`, encoded separators or symlinks cannot
//! reach anything outside the site, by construction. Suspicious paths are still refused
//! early with 400, so a probe gets a clear answer.

use crate::output::Output;

/// What to answer a request with.
#[derive(Debug, PartialEq, Eq)]
pub enum Reply {
    /// A file of the output, with its content type.
    File {
        /// Its output path.
        path: String,
        /// Its `Content-Type`.
        content_type: &'static str,
    },
    /// A redirect (301 for `/dir` → `/dir/`, 302 from `/` to the base path).
    Redirect {
        /// 301 or 302.
        status: u16,
        /// Where to.
        location: String,
    },
    /// The site's 404 page.
    NotFound,
    /// A malformed or hostile path.
    BadRequest,
}

/// The content type of an output path, by its extension.
pub fn content_type(path: &str) -> &'static str {
    let ext = path
        .rsplit_once('.')
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default();
    match ext.as_str() {
        "html" | "htm" => "text/html; charset=utf-8",
        "css" => "text/css; charset=utf-8",
        "js" | "mjs" => "text/javascript; charset=utf-8",
        "json" => "application/json",
        "xml" => "application/xml",
        "txt" => "text/plain; charset=utf-8",
        "svg" => "image/svg+xml",
        "png" => "image/png",
        "jpg" | "jpeg" => "image/jpeg",
        "gif" => "image/gif",
        "webp" => "image/webp",
        "avif" => "image/avif",
        "ico" => "image/x-icon",
        "wasm" => "application/wasm",
        "woff2" => "font/woff2",
        "woff" => "font/woff",
        "pdf" => "application/pdf",
        _ => "application/octet-stream",
    }
}

/// Whether `path` is a theme asset whose name carries the hash of `bytes`
/// (`assets/style.3f2a9c1e.css`, see `render::theme`): such a name never serves other
/// bytes, so browsers may keep it for good.
pub fn content_named(path: &str, bytes: &[u8]) -> bool {
    let Some(name) = path.strip_prefix("assets/") else {
        return false;
    };
    let short = format!("{:08x}", xxhash_rust::xxh3::xxh3_64(bytes) as u32);
    name.ends_with(&format!(".{short}")) || name.contains(&format!(".{short}."))
}

/// Decodes `%XX` once; `None` for escapes that decode to separators or NUL, or invalid UTF-8.
fn decode_path(raw: &str) -> Option<String> {
    let bytes = raw.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = |b: u8| (b as char).to_digit(16);
            let (h, l) = (hex(*bytes.get(i + 1)?)?, hex(*bytes.get(i + 2)?)?);
            let b = (h * 16 + l) as u8;
            if matches!(b, b'/' | b'\\' | 0) {
                return None;
            }
            out.push(b);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

/// Decides the answer to `url` (path and query) for a site served under `base_path`.
pub fn route(url: &str, base_path: &str, output: &Output) -> Reply {
    let raw = url.split(['?', '#']).next().unwrap_or("");
    if !raw.starts_with('/') || raw.starts_with("//") {
        return Reply::BadRequest;
    }
    let Some(path) = decode_path(raw) else {
        return Reply::BadRequest;
    };
    let segments: Vec<&str> = path.split('/').skip(1).collect();
    // Control characters (CR/LF above all) would end up in a Location header.
    let hostile = path.contains(|c: char| c == '\\' || c.is_control())
        || segments
            .iter()
            .any(|s| *s == ".." || *s == "." || (s.len() >= 2 && s.as_bytes()[1] == b':'))
        || segments.iter().rev().skip(1).any(|s| s.is_empty());
    if hostile {
        return Reply::BadRequest;
    }
    let Some(rel) = path.strip_prefix(base_path) else {
        // The site lives under a subpath: send the bare root there, as GitHub Pages users expect.
        if path == "/" || format!("{path}/") == base_path {
            return Reply::Redirect {
                status: 302,
                location: base_path.to_string(),
            };
        }
        return Reply::NotFound;
    };
    let file = if rel.is_empty() || rel.ends_with('/') {
        format!("{rel}index.html")
    } else {
        rel.to_string()
    };
    if output.files.contains_key(&file) {
        return Reply::File {
            content_type: content_type(&file),
            path: file,
        };
    }
    if !rel.is_empty() && output.files.contains_key(&format!("{rel}/index.html")) {
        // Redirect to the path as the client wrote it (still percent-encoded), plus the slash.
        return Reply::Redirect {
            status: 301,
            location: format!("{raw}/"),
        };
    }
    Reply::NotFound
}

#[cfg(test)]
mod tests {
    use super::*;

    fn output() -> Output {
        let mut o = Output::default();
        o.insert("index.html".into(), b"home".to_vec());
        o.insert("guide/index.html".into(), b"guide".to_vec());
        o.insert("assets/style.1.css".into(), b"css".to_vec());
        o.insert("404.html".into(), b"nf".to_vec());
        o
    }

    #[test]
    fn routes_files_directories_and_redirects() {
        let o = output();
        assert_eq!(
            route("/", "/", &o),
            Reply::File {
                path: "index.html".into(),
                content_type: "text/html; charset=utf-8"
            }
        );
        assert_eq!(
            route("/guide/?x=1", "/", &o),
            Reply::File {
                path: "guide/index.html".into(),
                content_type: "text/html; charset=utf-8"
            }
        );
        assert_eq!(
            route("/guide", "/", &o),
            Reply::Redirect {
                status: 301,
                location: "/guide/".into()
            }
        );
        assert_eq!(
            route("/assets/style.1.css", "/", &o),
            Reply::File {
                path: "assets/style.1.css".into(),
                content_type: "text/css; charset=utf-8"
            }
        );
        assert_eq!(route("/nope/", "/", &o), Reply::NotFound);
        assert_eq!(route("/assets/", "/", &o), Reply::NotFound, "no directory listings");
    }

    #[test]
    fn theme_assets_are_content_named() {
        let root = std::env::temp_dir().join(format!("quire-content-named-{}", std::process::id()));
        let theme = crate::render::theme::Theme::load(&root, "default").unwrap();
        assert!(!theme.assets.is_empty());
        for asset in &theme.assets {
            assert!(content_named(&asset.path, &asset.bytes), "{}", asset.path);
            let mut changed = asset.bytes.clone();
            changed.push(b' ');
            assert!(!content_named(&asset.path, &changed), "{}", asset.path);
        }
        assert!(!content_named("index.html", b""));
        assert!(!content_named("guide/logo.svg", b"<svg/>"));
    }

    #[test]
    fn subpath_sites() {
        let o = output();
        assert_eq!(
            route("/", "/repo/", &o),
            Reply::Redirect {
                status: 302,
                location: "/repo/".into()
            }
        );
        assert_eq!(
            route("/repo", "/repo/", &o),
            Reply::Redirect {
                status: 302,
                location: "/repo/".into()
            }
        );
        assert!(matches!(route("/repo/guide/", "/repo/", &o), Reply::File { .. }));
        assert_eq!(route("/guide/", "/repo/", &o), Reply::NotFound);
    }

    #[test]
    fn hostile_paths_are_refused() {
        let o = output();
        for p in [
            "/../Cargo.toml",
            "/%2e%2e/%2e%2e/etc/passwd",
            "/..%2fCargo.toml",
            "/%2e%2e%5cCargo.toml",
            "/guide/..%2f..%2f..%2fCargo.toml",
            "/%00",
            "//etc/passwd",
            "/C:/Windows/win.ini",
            "/guide/%2e%2e/%2e%2e/quire.toml",
            "/a\\..\\b",
            "/guide%0d%0aSet-Cookie:%20x",
            "/%7f",
            "/guide//index.html",
            "relative",
        ] {
            assert!(matches!(route(p, "/", &o), Reply::BadRequest | Reply::NotFound), "{p}");
        }
    }
}
