//! Finds every link destination a Markdown page writes — inline links and images, reference
//! definitions, and `href`/`src`/`srcset` in raw HTML — with its byte range in the source, so
//! an importer can point each one at the page's or file's new path and leave every other
//! byte as it was. Code spans and code blocks are never touched (pulldown-cmark knows where
//! they are); raw HTML is read with lol_html, as the Markdown stage reads it.

use pulldown_cmark::{Event, LinkType, Options, Parser, Tag};
use std::ops::Range;

/// One destination as written in the source.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Destination {
    /// Where the destination's text is, in bytes.
    pub range: Range<usize>,
    /// The destination as written (`ch01.html#x`).
    pub url: String,
}

/// The Markdown options importers parse with: those of the sources (and of Quire).
fn options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_HEADING_ATTRIBUTES
        | Options::ENABLE_DEFINITION_LIST
}

/// The range of `dest` inside `text[span]` after the last `](` or `]:` (the destination of an
/// inline link or a definition), if it is written there as it reads.
fn locate(text: &str, span: Range<usize>, dest: &str, after: &str) -> Option<Range<usize>> {
    let slice = text.get(span.clone())?;
    let from = slice.rfind(after).map_or(0, |i| i + after.len());
    let at = slice[from..].find(dest)? + from;
    Some(span.start + at..span.start + at + dest.len())
}

/// Every destination of `text`, in source order. Destinations written with escapes (so that
/// the source differs from what they mean) are not listed: they are rare, and are left as
/// they are rather than guessed at.
pub fn destinations(text: &str) -> Vec<Destination> {
    let mut found = Vec::new();
    let parser = Parser::new_ext(text, options());
    for (_, def) in parser.reference_definitions().iter() {
        if let Some(range) = locate(text, def.span.clone(), &def.dest, "]:") {
            found.push(Destination {
                range,
                url: def.dest.to_string(),
            });
        }
    }
    let mut html: Option<Range<usize>> = None;
    let flush = |html: &mut Option<Range<usize>>, found: &mut Vec<Destination>| {
        if let Some(range) = html.take() {
            found.extend(html_destinations(text, range));
        }
    };
    for (event, range) in Parser::new_ext(text, options()).into_offset_iter() {
        match event {
            Event::Start(
                Tag::Link {
                    link_type, dest_url, ..
                }
                | Tag::Image {
                    link_type, dest_url, ..
                },
            ) if matches!(link_type, LinkType::Inline) && !dest_url.is_empty() => {
                flush(&mut html, &mut found);
                if let Some(r) = locate(text, range, &dest_url, "](") {
                    found.push(Destination {
                        range: r,
                        url: dest_url.to_string(),
                    });
                }
            }
            Event::Html(_) | Event::InlineHtml(_) => {
                // A block of HTML comes one line at a time: read it as one piece.
                html = Some(match html.take() {
                    Some(open) if text[open.end..range.start].trim().is_empty() => open.start..range.end,
                    Some(open) => {
                        found.extend(html_destinations(text, open));
                        range
                    }
                    None => range,
                });
            }
            _ => flush(&mut html, &mut found),
        }
    }
    flush(&mut html, &mut found);
    found.sort_by_key(|d| d.range.start);
    found.dedup_by_key(|d| d.range.start);
    found
}

/// `href`, `src` and each URL of `srcset` in a piece of raw HTML.
fn html_destinations(text: &str, range: Range<usize>) -> Vec<Destination> {
    let piece = &text[range.clone()];
    let mut found = Vec::new();
    let settings = lol_html::RewriteStrSettings::new().append_element_content_handler(lol_html::element!(
        "[href], [src], [srcset]",
        |el| {
            let tag = el.source_location().bytes();
            let tag_text = piece.get(tag.clone()).unwrap_or_default();
            let mut values = Vec::new();
            for name in ["href", "src"] {
                values.extend(el.get_attribute(name));
            }
            if let Some(set) = el.get_attribute("srcset") {
                values.extend(
                    set.split(',')
                        .filter_map(|c| c.split_whitespace().next())
                        .map(str::to_string),
                );
            }
            // Each value where it is written in the tag, after the previous one.
            let mut from = 0;
            for v in values.into_iter().filter(|v| !v.is_empty()) {
                if let Some(at) = tag_text[from..].find(&v) {
                    let start = range.start + tag.start + from + at;
                    found.push(Destination {
                        range: start..start + v.len(),
                        url: v.clone(),
                    });
                    from += at + v.len();
                }
            }
            Ok(())
        }
    ));
    if lol_html::rewrite_str(piece, settings).is_err() {
        return Vec::new();
    }
    found
}

/// `text` with each destination for which `new` gives a value replaced by it; returns the
/// new text and how many were replaced.
pub fn apply(text: &str, destinations: &[Destination], mut new: impl FnMut(&str) -> Option<String>) -> (String, usize) {
    let mut out = String::with_capacity(text.len());
    let mut last = 0;
    let mut count = 0;
    for d in destinations {
        if d.range.start < last {
            continue;
        }
        if let Some(replacement) = new(&d.url).filter(|r| r != &d.url) {
            out.push_str(&text[last..d.range.start]);
            out.push_str(&replacement);
            last = d.range.end;
            count += 1;
        }
    }
    out.push_str(&text[last..]);
    (out, count)
}

/// 1-based line and column of byte `offset` in `text`.
pub fn position(text: &str, offset: usize) -> (usize, usize) {
    crate::diagnostics::LineIndex::new(text).position(offset)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn urls(text: &str) -> Vec<String> {
        destinations(text).into_iter().map(|d| d.url).collect()
    }

    #[test]
    fn finds_links_images_definitions_and_html() {
        let text = "See [a](ch01.html#x) and ![i](img/a.png \"t\").\n\n[r]: ../b.md\n\n\
                    Use [ref][r], <a href=\"c.html\">c</a>.\n\n<div>\n<img src=\"d.png\" srcset=\"d2.png 2x, d3.png 3x\">\n</div>\n";
        assert_eq!(
            urls(text),
            [
                "ch01.html#x",
                "img/a.png",
                "../b.md",
                "c.html",
                "d.png",
                "d2.png",
                "d3.png"
            ]
        );
        for d in destinations(text) {
            assert_eq!(&text[d.range.clone()], d.url);
        }
    }

    #[test]
    fn code_is_left_alone() {
        let text = "`[a](x.html)`\n\n```md\n[b](y.html)\n<a href=\"z.html\">\n```\n\n    [c](w.html)\n";
        assert!(urls(text).is_empty(), "{:?}", urls(text));
    }

    #[test]
    fn apply_replaces_only_what_changes() {
        let text = "[a](one.html) [b](two.html) [c](https://x.org/)";
        let ds = destinations(text);
        let (out, n) = apply(text, &ds, |u| u.strip_suffix(".html").map(|s| format!("{s}.md")));
        assert_eq!(out, "[a](one.md) [b](two.md) [c](https://x.org/)");
        assert_eq!(n, 2);
    }

    #[test]
    fn same_destination_text_earlier_in_the_link_is_not_confused() {
        // The link text holds the destination too; the destination after `](` is the one.
        let text = "[x.html](x.html)";
        let d = &destinations(text)[0];
        assert_eq!(d.range, 9..15);
    }
}
