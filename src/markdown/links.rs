//! Link resolution: authors link source files (`02-compute.md#anchor`), readers get site URLs.

use crate::config::BaseUrl;
use crate::content::{Content, Page, PageId, SECTION_INDEX};

/// What a link destination becomes.
#[derive(Debug, PartialEq, Eq)]
pub enum Target {
    /// Left as written (external URLs, `mailto:` and the like).
    Keep,
    /// Rewritten; `check` is an anchor to verify once every page is rendered.
    Url {
        /// The URL to write in the HTML.
        url: String,
        /// The page and anchor the link points at, if it names an anchor.
        check: Option<(PageId, String)>,
    },
}

/// Why a link cannot be resolved, and what to do.
#[derive(Debug, PartialEq, Eq)]
pub struct LinkError {
    /// What is wrong.
    pub message: String,
    /// What to do.
    pub hint: String,
}

fn has_scheme(dest: &str) -> bool {
    let Some(colon) = dest.find(':') else { return false };
    let scheme = &dest[..colon];
    !scheme.is_empty()
        && scheme.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
        && scheme
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
}

/// Decodes `%XX` escapes; invalid escapes are kept as written.
pub fn percent_decode(s: &str) -> String {
    percent_encoding::percent_decode_str(s).decode_utf8_lossy().into_owned()
}

/// What must be escaped in a URL path so that the browser asks for exactly the file named:
/// controls, space, the characters that end a path (`?`, `#`), `%` itself, and those a URL
/// may not hold as they are. Non-ASCII is always escaped (as UTF-8).
const PATH: &percent_encoding::AsciiSet = &percent_encoding::CONTROLS
    .add(b' ')
    .add(b'"')
    .add(b'#')
    .add(b'%')
    .add(b'<')
    .add(b'>')
    .add(b'?')
    .add(b'\\')
    .add(b'^')
    .add(b'`')
    .add(b'{')
    .add(b'|')
    .add(b'}')
    .add(b'[')
    .add(b']');

/// Percent-encodes an output path (`images/a b#1.png`) for use in a URL, keeping `/`.
pub fn encode_path(path: &str) -> String {
    percent_encoding::utf8_percent_encode(path, PATH).to_string()
}

/// Joins a relative path onto a folder of the content tree, resolving `.` and `..`.
/// Returns `None` when the path climbs out of the content folder.
pub fn join(dir: &str, rel: &str) -> Option<String> {
    let mut parts: Vec<&str> = dir.split('/').filter(|p| !p.is_empty()).collect();
    for seg in rel.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            s => parts.push(s),
        }
    }
    Some(parts.join("/"))
}

/// A relative link that climbs above `site/` (`../std/…`): it only works where the site is
/// hosted beside those files, so say so and suggest an absolute URL.
fn climbs_above_root(dest: &str) -> LinkError {
    let rest = dest.trim_start_matches("./").trim_start_matches("../");
    let rest = rest.trim_start_matches(['.', '/']);
    LinkError {
        message: format!(
            "the link `{dest}` points outside the content folder: it climbs above site/, the root of the site"
        ),
        hint: format!(
            "such a link only works where the site is served beside those files; write an absolute URL (https://example.com/{rest}), or link to a file under site/"
        ),
    }
}

/// Resolves a link or image destination written on `from`.
pub fn resolve(dest: &str, from: &Page, content: &Content, base: &BaseUrl) -> Result<Target, LinkError> {
    if dest.is_empty() || has_scheme(dest) || dest.starts_with("//") {
        return Ok(Target::Keep);
    }
    let (before_fragment, fragment) = match dest.split_once('#') {
        Some((p, f)) => (p, Some(f)),
        None => (dest, None),
    };
    let (path, query) = match before_fragment.split_once('?') {
        Some((p, q)) => (p, Some(q)),
        None => (before_fragment, None),
    };
    let suffix = |url: String| -> String {
        let mut url = url;
        if let Some(q) = query {
            url.push('?');
            url.push_str(q);
        }
        if let Some(f) = fragment {
            url.push('#');
            url.push_str(f);
        }
        url
    };
    if path.is_empty() {
        // `#anchor` on this page.
        let check = fragment.filter(|f| !f.is_empty()).map(|f| (from.id, percent_decode(f)));
        return Ok(Target::Url {
            url: suffix(String::new()),
            check,
        });
    }
    if let Some(rooted) = path.strip_prefix('/') {
        // Site-absolute: make it honour the base path, so it works under /repo/ too.
        return Ok(Target::Url {
            url: suffix(base.local(rooted)),
            check: None,
        });
    }
    let dir = from.source.rfind('/').map_or("", |i| &from.source[..i]);
    let decoded = percent_decode(path);
    let Some(joined) = join(dir, &decoded) else {
        return Err(climbs_above_root(dest));
    };
    let page_target = if decoded.ends_with(".md") {
        Some(joined.clone())
    } else if decoded.ends_with('/') || decoded == "." || decoded == ".." {
        Some(if joined.is_empty() {
            SECTION_INDEX.to_string()
        } else {
            format!("{joined}/{SECTION_INDEX}")
        })
    } else {
        None
    };
    if let Some(source) = page_target {
        // A folder link leads to the folder's page, whichever file stands for it.
        let folder = source.strip_suffix(SECTION_INDEX).filter(|_| !decoded.ends_with(".md"));
        let folder_page = folder.and_then(|f| content.folder_page(f.trim_end_matches('/')));
        let Some(page) = folder_page.or_else(|| content.by_source.get(&source).copied()) else {
            return Err(LinkError {
                message: format!("the link `{dest}` points to `site/{source}`, which does not exist (or is a draft)"),
                hint: "link to an existing page by its file path relative to this file, e.g. `02-compute.md#anchor`"
                    .into(),
            });
        };
        let check = fragment.filter(|f| !f.is_empty()).map(|f| (page, percent_decode(f)));
        return Ok(Target::Url {
            url: suffix(base.local(&content.pages[page].path)),
            check,
        });
    }
    if let Some(&asset) = content.assets_by_source.get(&joined) {
        return Ok(Target::Url {
            url: suffix(base.local(&encode_path(&content.assets[asset].path))),
            check: None,
        });
    }
    if content.by_source.contains_key(&format!("{joined}.md")) {
        return Err(LinkError {
            message: format!("the link `{dest}` names a page without its `.md` extension"),
            hint: format!("write `{decoded}.md` so Quire can check and rewrite it"),
        });
    }
    Err(LinkError {
        message: format!("the link `{dest}` points to `site/{joined}`, which does not exist"),
        hint: "link to a page (`page.md`), a file under site/, or a full URL; files in static/ are linked as `/name`"
            .into(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn schemes() {
        assert!(has_scheme("https://x"));
        assert!(has_scheme("mailto:a@b"));
        assert!(!has_scheme("02-a.md"));
        assert!(!has_scheme("a.md#x:y"));
        assert!(!has_scheme(":x"));
    }

    #[test]
    fn joining() {
        assert_eq!(join("a/b", "../c.md").as_deref(), Some("a/c.md"));
        assert_eq!(join("", "./x/y.md").as_deref(), Some("x/y.md"));
        assert_eq!(join("", "../x.md"), None);
    }

    #[test]
    fn encoding_keeps_slashes_and_escapes_what_breaks_urls() {
        assert_eq!(encode_path("img/a b#1?.png"), "img/a%20b%231%3F.png");
        assert_eq!(encode_path("100%.png"), "100%25.png");
        assert_eq!(encode_path("算.png"), "%E7%AE%97.png");
        assert_eq!(encode_path("plain-name_1.png"), "plain-name_1.png");
        for name in ["a b#c?d%e.png", "é/ü.jpg", "x%41.png"] {
            assert_eq!(percent_decode(&encode_path(name)), name);
        }
    }

    #[test]
    fn decoding() {
        assert_eq!(percent_decode("a%20b.md"), "a b.md");
        assert_eq!(percent_decode("100%"), "100%");
        assert_eq!(percent_decode("%zz%é"), "%zz%é");
        assert_eq!(percent_decode("%e7%ae%97"), "算");
    }
}
