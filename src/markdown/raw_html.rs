//! Raw HTML inside Markdown, read with a real HTML tokenizer (lol_html, which the search
//! indexer already brings in): its `id`s and `<a name>`s are anchors like headings, and its
//! `href`, `src` and `srcset` are links, resolved and checked like Markdown's. An obsolete
//! `<a name="x">` is written as `<a id="x">`, the valid HTML for the same anchor.

use lol_html::{RewriteStrSettings, element, rewrite_str};

/// What scanning a piece of raw HTML found.
#[derive(Debug, Default, PartialEq, Eq)]
pub struct Scanned {
    /// The HTML with its links rewritten, when any changed.
    pub html: Option<String>,
    /// Anchors it defines (`id` on any element, `name` on `<a>`).
    pub ids: Vec<String>,
}

/// Whether `html` may hold anything this module cares about; most raw HTML does not, and
/// skipping the tokenizer for it keeps pages without raw links free.
fn worth_scanning(html: &str) -> bool {
    let bytes = html.as_bytes();
    ["id", "name", "href", "src"]
        .iter()
        .any(|key| bytes.windows(key.len()).any(|w| w.eq_ignore_ascii_case(key.as_bytes())))
}

/// The attributes that hold one URL each.
const URL_ATTRIBUTES: [&str; 2] = ["href", "src"];

/// Scans `html`. `resolve(url, offset)` gets every URL with its byte offset in `html` and
/// returns what to write instead (it records errors itself).
pub fn scan(html: &str, mut resolve: impl FnMut(&str, usize) -> String) -> Scanned {
    if !worth_scanning(html) {
        return Scanned::default();
    }
    let mut ids = Vec::new();
    let mut changed = false;
    let result = rewrite_str(
        html,
        RewriteStrSettings::new().append_element_content_handler(element!("*", |el| {
            let tag = el.source_location().bytes();
            let tag_start = tag.start;
            let tag_text = html.get(tag).unwrap_or_default();
            // Where a value is written in the tag, so an error points at it.
            let at = |value: &str| tag_start + tag_text.find(value).unwrap_or(0);
            if let Some(id) = el.get_attribute("id").filter(|v| !v.is_empty()) {
                ids.push(id);
            }
            if el.tag_name() == "a"
                && let Some(name) = el.get_attribute("name").filter(|v| !v.is_empty())
            {
                // `<a name>` is obsolete HTML (an `a` without `href` must not have it), but
                // older books set their anchors that way: it becomes the `id` it stands for.
                if !el.has_attribute("id") {
                    el.remove_attribute("name");
                    el.set_attribute("id", &name)?;
                    changed = true;
                }
                ids.push(name);
            }
            for attr in URL_ATTRIBUTES {
                if let Some(url) = el.get_attribute(attr) {
                    let new = resolve(&url, at(&url));
                    if new != url {
                        el.set_attribute(attr, &new)?;
                        changed = true;
                    }
                }
            }
            if let Some(set) = el.get_attribute("srcset") {
                let base = at(&set);
                let new = rewrite_srcset(&set, |url, offset| resolve(url, base + offset));
                if new != set {
                    el.set_attribute("srcset", &new)?;
                    changed = true;
                }
            }
            Ok(())
        })),
    );
    // The tokenizer does not fail on HTML as such; if it ever does, the HTML is kept as written.
    let html = result.ok().filter(|_| changed);
    Scanned { html, ids }
}

/// Rewrites each URL of a `srcset` (`a.png 1x, b.png 2x`), keeping its descriptor.
fn rewrite_srcset(set: &str, mut resolve: impl FnMut(&str, usize) -> String) -> String {
    let mut out = Vec::new();
    let mut offset = 0;
    for candidate in set.split(',') {
        let lead = candidate.len() - candidate.trim_start().len();
        let trimmed = candidate.trim();
        let (url, descriptor) = match trimmed.split_once(char::is_whitespace) {
            Some((u, d)) => (u, Some(d.trim())),
            None => (trimmed, None),
        };
        if url.is_empty() {
            offset += candidate.len() + 1;
            continue;
        }
        let new = resolve(url, offset + lead);
        out.push(match descriptor {
            Some(d) => format!("{new} {d}"),
            None => new,
        });
        offset += candidate.len() + 1;
    }
    out.join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn upper(url: &str, _: usize) -> String {
        url.to_uppercase()
    }

    #[test]
    fn ids_and_names_are_anchors() {
        let s = scan(
            r#"<div id="intro"><a name="old-anchor"></a><span name="not-an-anchor"></span></div>"#,
            upper,
        );
        assert_eq!(s.ids, ["intro", "old-anchor"]);
        assert_eq!(
            s.html.as_deref(),
            Some(r#"<div id="intro"><a id="old-anchor"></a><span name="not-an-anchor"></span></div>"#),
            "the obsolete `name` anchor becomes an `id`"
        );
        let kept = scan(r#"<a id="a" name="b"></a>"#, upper);
        assert_eq!(kept.ids, ["a", "b"]);
        assert_eq!(kept.html, None, "an element with an id keeps its name");
    }

    #[test]
    fn href_src_and_srcset_are_rewritten_with_their_offsets() {
        let html = "<p>\n<img src=\"img/x.svg\" srcset=\"img/a.png 1x, img/b.png 2x\"> <a href='b.md#s'>b</a></p>";
        let mut seen = Vec::new();
        let s = scan(html, |url, offset| {
            seen.push((url.to_string(), offset));
            format!("/docs/{url}")
        });
        let offsets: Vec<(String, usize)> = ["img/x.svg", "img/a.png", "img/b.png", "b.md#s"]
            .iter()
            .map(|u| (u.to_string(), html.find(u).unwrap()))
            .collect();
        assert_eq!(seen, offsets);
        let out = s.html.unwrap();
        assert!(out.contains(r#"src="/docs/img/x.svg""#), "{out}");
        assert!(
            out.contains(r#"srcset="/docs/img/a.png 1x, /docs/img/b.png 2x""#),
            "{out}"
        );
        assert!(out.contains(r#"href="/docs/b.md#s""#), "{out}");
    }

    #[test]
    fn plain_html_is_not_tokenized() {
        assert!(!worth_scanning("<br><hr><em>x</em>"));
        assert!(worth_scanning("<IMG SRC=x>"));
        assert_eq!(scan("<em>x</em>", upper), Scanned::default());
    }
}
