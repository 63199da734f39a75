//! Front matter: the YAML (`---`) or TOML (`+++`) block at the top of a Markdown file.
//!
//! The block itself is found by pulldown-cmark's metadata-block extension, so
//! Quire agrees with the Markdown parser about where the body starts.

use crate::diagnostics::{Diagnostic, LineIndex};
use pulldown_cmark::{Event, MetadataBlockKind, Options, Parser, Tag, TagEnd};
use serde::{Deserialize, Deserializer, Serialize};
use std::fmt;
use std::ops::Range;
use std::path::Path;

/// Every key a page's front matter may have. Unknown keys are an error that names the key.
#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct FrontMatter {
    /// The page's title; without it the first `# heading`, then the file name.
    pub title: Option<String>,
    /// Meta description and the text under the link in section listings.
    pub description: Option<String>,
    /// Sort key among siblings: lower comes first; pages with a weight come before pages without.
    pub weight: Option<i64>,
    /// The last segment of the page's URL, instead of the one derived from the file name.
    pub slug: Option<String>,
    /// A draft is built only with `--drafts`.
    #[serde(default)]
    pub draft: bool,
    /// Publication date: `2024-05-01` or an RFC 3339 date-time.
    pub date: Option<Date>,
    /// A template of the theme to render this page with instead of the default one.
    pub template: Option<String>,
    /// Whether to show the table of contents (default: shown when the page has h2/h3 headings).
    pub toc: Option<bool>,
    /// `false` turns off automatic glossary links on this page.
    pub glossary: Option<bool>,
    /// Glossary terms only: other spellings and forms of the term.
    #[serde(default)]
    pub aliases: Vec<String>,
    /// Glossary terms only: one plain sentence shown in the preview.
    pub summary: Option<String>,
    /// Glossary terms only: whether matching respects case (default: only for all-caps terms).
    pub case_sensitive: Option<bool>,
    /// Glossary terms only: titles or aliases of related terms.
    #[serde(default)]
    pub see_also: Vec<String>,
}

/// A calendar date with an optional time, kept as written (normalised to RFC 3339).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize)]
pub struct Date {
    /// `YYYY-MM-DD`.
    pub day: String,
    /// Full RFC 3339 date-time (midnight UTC when only a day was given).
    pub rfc3339: String,
}

impl Date {
    /// Parses `YYYY-MM-DD`, optionally followed by `THH:MM:SS` and `Z` or an offset.
    pub fn parse(s: &str) -> Result<Date, String> {
        let s = s.trim();
        let bad = || format!("`{s}` is not a date: write it as YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ");
        let b = s.as_bytes();
        let digits = |r: Range<usize>| b.get(r.clone()).is_some_and(|d| d.iter().all(u8::is_ascii_digit));
        if !(digits(0..4) && b.get(4) == Some(&b'-') && digits(5..7) && b.get(7) == Some(&b'-') && digits(8..10)) {
            return Err(bad());
        }
        let month: u32 = s[5..7].parse().map_err(|_| bad())?;
        let day: u32 = s[8..10].parse().map_err(|_| bad())?;
        if !(1..=12).contains(&month) || !(1..=31).contains(&day) {
            return Err(bad());
        }
        let date = s[..10].to_string();
        let rest = &s[10..];
        let rfc3339 = if rest.is_empty() {
            format!("{date}T00:00:00Z")
        } else {
            let time = rest.strip_prefix(['T', ' ']).ok_or_else(bad)?;
            let tb = time.as_bytes();
            let ok = time.len() >= 8
                && tb[2] == b':'
                && tb[5] == b':'
                && [0..2, 3..5, 6..8]
                    .iter()
                    .all(|r| tb[r.clone()].iter().all(u8::is_ascii_digit));
            if !ok {
                return Err(bad());
            }
            let zone = time[8..].trim_start_matches(|c: char| c == '.' || c.is_ascii_digit());
            let zone = match zone {
                "" | "Z" | "z" => "Z".to_string(),
                // Bytes, not `&z[3..4]`: a multi-byte character there would panic on slicing.
                z if is_utc_offset(z) => z.to_string(),
                _ => return Err(bad()),
            };
            format!("{date}T{}{zone}", &time[..8])
        };
        Ok(Date { day: date, rfc3339 })
    }
}

/// `+HH:MM` or `-HH:MM`.
fn is_utc_offset(z: &str) -> bool {
    matches!(z.as_bytes(), [b'+' | b'-', h1, h2, b':', m1, m2] if [h1, h2, m1, m2].iter().all(|d| d.is_ascii_digit()))
}

impl<'de> Deserialize<'de> for Date {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct V;
        impl<'de> serde::de::Visitor<'de> for V {
            type Value = Date;
            fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
                f.write_str("a date such as 2024-05-01")
            }
            fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Date, E> {
                Date::parse(v).map_err(E::custom)
            }
            // TOML's native dates arrive as a one-entry map holding their text.
            fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Date, A::Error> {
                let (_, v): (String, String) = map
                    .next_entry()?
                    .ok_or_else(|| serde::de::Error::custom("empty date"))?;
                Date::parse(&v).map_err(serde::de::Error::custom)
            }
        }
        d.deserialize_any(V)
    }
}

/// A Markdown file split into its front matter and body.
#[derive(Debug)]
pub struct Split {
    /// The parsed front matter (all defaults when the file has none).
    pub front: FrontMatter,
    /// Byte offset in the file where the Markdown body starts.
    pub body_start: usize,
}

/// Options for the metadata-block scan: only what is needed to recognise the block.
fn metadata_options() -> Options {
    Options::ENABLE_YAML_STYLE_METADATA_BLOCKS | Options::ENABLE_PLUSES_DELIMITED_METADATA_BLOCKS
}

/// Finds and parses the front matter of `text`; `file` is used in error messages.
pub fn split(text: &str, file: &Path) -> Result<Split, Diagnostic> {
    // Only a block at the very start is front matter; skip the parser entirely otherwise.
    if !(text.starts_with("---") || text.starts_with("+++")) {
        return Ok(Split {
            front: FrontMatter::default(),
            body_start: 0,
        });
    }
    let mut kind = None;
    let mut content: Option<Range<usize>> = None;
    let mut body_start = 0;
    for (event, range) in Parser::new_ext(text, metadata_options()).into_offset_iter() {
        match event {
            Event::Start(Tag::MetadataBlock(k)) if range.start == 0 => kind = Some(k),
            Event::Text(_) if kind.is_some() && content.is_none() => content = Some(range),
            Event::End(TagEnd::MetadataBlock(_)) => {
                body_start = range.end;
                break;
            }
            _ if kind.is_none() => break,
            _ => {}
        }
    }
    let Some(kind) = kind else {
        let (what, close) = if text.starts_with("---") {
            ("YAML", "---")
        } else {
            ("TOML", "+++")
        };
        return Err(Diagnostic::error(
            file,
            1,
            1,
            format!("this file starts like {what} front matter but the block is not closed or is empty"),
        )
        .with_hint(format!(
            "end the front matter with a line holding only `{close}`, or remove the opening `{close}`"
        )));
    };
    let content = content.unwrap_or(body_start..body_start);
    let yaml = &text[content.clone()];
    let index = LineIndex::new(text);
    let (line0, _) = index.position(content.start);
    let front = match kind {
        MetadataBlockKind::YamlStyle => parse_yaml(yaml).map_err(|(l, c, m)| (line0 + l.saturating_sub(1), c, m)),
        MetadataBlockKind::PlusesStyle => toml::from_str::<FrontMatter>(yaml).map_err(|e| {
            let (l, c) = e.span().map_or((0, 0), |s| LineIndex::new(yaml).position(s.start));
            (line0 + l.saturating_sub(1), c, e.message().to_string())
        }),
    };
    let front = front.map_err(|(line, column, message)| {
        let hint = if message.contains("unknown field") {
            "remove or rename the key; valid keys: title, description, weight, slug, draft, date, template, toc, glossary, aliases, summary, case_sensitive, see_also"
        } else {
            "fix the front matter; the README lists every key and its type"
        };
        Diagnostic::error(file, line, column, format!("invalid front matter: {message}")).with_hint(hint)
    })?;
    Ok(Split { front, body_start })
}

/// Parses YAML front matter; errors carry a 1-based line and column within the YAML text.
fn parse_yaml(yaml: &str) -> Result<FrontMatter, (usize, usize, String)> {
    if yaml.trim().is_empty() {
        return Ok(FrontMatter::default());
    }
    serde_saphyr::from_str::<Option<FrontMatter>>(yaml)
        .map(Option::unwrap_or_default)
        .map_err(|e| {
            let (line, column) = e
                .location()
                .map_or((1, 0), |l| (l.line() as usize, l.column() as usize));
            // The crate's Display repeats the location and a snippet; keep only the first line.
            let text = e.to_string();
            let first = text.lines().next().unwrap_or("invalid YAML");
            // It also prefixes "error: line N column M: ", which our own location replaces.
            let first = first.strip_prefix("error: ").unwrap_or(first);
            let message = match first.strip_prefix("line ").and_then(|r| r.split_once(": ")) {
                Some((_, rest)) => rest.to_string(),
                None => first.to_string(),
            };
            (line.max(1), column, message)
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Split, Diagnostic> {
        split(text, Path::new("site/x.md"))
    }

    #[test]
    fn yaml_and_toml_front_matter() {
        let s = parse("---\ntitle: Hello\nweight: 3\ndraft: true\n---\nBody\n").unwrap();
        assert_eq!(s.front.title.as_deref(), Some("Hello"));
        assert_eq!(s.front.weight, Some(3));
        assert!(s.front.draft);
        assert!("---\ntitle: Hello\nweight: 3\ndraft: true\n---\nBody\n"[s.body_start..].contains("Body"));
        let t = parse("+++\ntitle = \"T\"\ndate = 2024-05-01\n+++\n\n# H\n").unwrap();
        assert_eq!(t.front.title.as_deref(), Some("T"));
        assert_eq!(t.front.date.unwrap().rfc3339, "2024-05-01T00:00:00Z");
    }

    #[test]
    fn no_front_matter() {
        let s = parse("# Just a heading\n").unwrap();
        assert_eq!(s.body_start, 0);
        assert_eq!(s.front, FrontMatter::default());
    }

    #[test]
    fn unknown_key_points_at_its_line() {
        let e = parse("---\ntitle: A\ntitel: B\n---\n").unwrap_err();
        assert_eq!(e.line, 3, "{e}");
        assert!(e.message.contains("titel"), "{e}");
        let e = parse("+++\ntitle = \"A\"\n\nwieght = 2\n+++\n").unwrap_err();
        assert_eq!(e.line, 4, "{e}");
    }

    #[test]
    fn wrong_type_points_at_its_line() {
        let e = parse("---\ntitle: A\nweight: heavy\n---\n").unwrap_err();
        assert_eq!(e.line, 3, "{e}");
    }

    #[test]
    fn unclosed_block_is_an_error() {
        let e = parse("---\ntitle: A\n\nno end").unwrap_err();
        assert_eq!(e.line, 1);
        assert!(e.message.contains("not closed"));
    }

    #[test]
    fn dates() {
        assert_eq!(Date::parse("2024-02-03").unwrap().day, "2024-02-03");
        assert_eq!(
            Date::parse("2024-02-03T04:05:06+08:00").unwrap().rfc3339,
            "2024-02-03T04:05:06+08:00"
        );
        assert_eq!(
            Date::parse("2024-02-03 04:05:06.123Z").unwrap().rfc3339,
            "2024-02-03T04:05:06Z"
        );
        assert!(Date::parse("2024-13-03").is_err());
        assert!(Date::parse("yesterday").is_err());
        assert!(Date::parse("2024-02-03T4:05").is_err());
        assert!(Date::parse("2024-02-03T04:05:06+ab:cd").is_err());
    }

    #[test]
    fn multibyte_character_in_the_utc_offset_is_an_error_not_a_panic() {
        // Found by the front_matter fuzz target: `é` straddles the offset's fourth byte.
        assert!(Date::parse("2024-01-01T00:00:00+0é00").is_err());
        let e = parse("---\ndate: 2024-01-01T00:00:00+0é00\n---\n").unwrap_err();
        assert_eq!(e.line, 2, "{e}");
    }
}
