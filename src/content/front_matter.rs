//! Front matter: the YAML (`---`) or TOML (`+++`) block at the top of a Markdown file.
//!
//! The block is recognised only at the top of the file, after optional blank lines, and
//! the body is parsed without metadata-block extensions, so a `---` block further down is
//! ordinary Markdown (a thematic break or a setext heading), never hidden.
//! Unknown keys are found in a first pass over the block's keys, so every one is reported.

pub use super::date::Date;
use crate::diagnostics::{Diagnostic, LineIndex, key_position};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::ops::Range;
use std::path::Path;

/// Every key a page's front matter may have. Unknown keys are an error that names the key.
#[derive(Debug, Clone, Default, Deserialize, Serialize, PartialEq)]
pub struct FrontMatter {
    /// The page's title; without it the first `# heading`, then the file name.
    pub title: Option<String>,
    /// A short title for the sidebar, breadcrumbs and previous/next links; the page keeps `title`.
    pub nav_title: Option<String>,
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
    /// Old URLs of this page (`/ch04-01-ownership.html`, `/old/path/`): each becomes a small
    /// page that sends readers and search engines here.
    #[serde(default)]
    pub redirect_from: Vec<String>,
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

/// A Markdown file split into its front matter and body.
#[derive(Debug)]
pub struct Split {
    /// The parsed front matter (all defaults when the file has none, or when it cannot be read).
    pub front: FrontMatter,
    /// Byte offset in the file where the Markdown body starts.
    pub body_start: usize,
    /// Every problem found in the block: each unknown key, a syntax or type error.
    pub errors: Vec<Diagnostic>,
}

/// Every key [`FrontMatter`] knows, in the order the README lists them.
pub const KEYS: &[&str] = &[
    "title",
    "nav_title",
    "description",
    "weight",
    "slug",
    "draft",
    "date",
    "template",
    "toc",
    "glossary",
    "redirect_from",
    "aliases",
    "summary",
    "case_sensitive",
    "see_also",
];

/// Which syntax a front matter block is written in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    Yaml,
    Toml,
}

/// Where a front matter block sits in a file.
#[derive(Debug)]
struct Block {
    kind: Kind,
    /// The text between the fences.
    content: Range<usize>,
    /// Where the body starts (after the closing fence's line).
    body_start: usize,
}

/// A line of `text` from `start`: its text without the line ending, and where the next starts.
fn line_at(text: &str, start: usize) -> (&str, usize) {
    let rest = &text[start..];
    match rest.find('\n') {
        Some(i) => (rest[..i].trim_end_matches('\r'), start + i + 1),
        None => (rest.trim_end_matches('\r'), text.len()),
    }
}

/// Finds the front matter block: only at the top of the file, after optional blank lines.
/// `Err` holds where an opening fence that is never closed stands.
fn locate(text: &str) -> Result<Option<Block>, (usize, Kind)> {
    let mut start = 0;
    while start < text.len() {
        let (line, next) = line_at(text, start);
        if !line.trim().is_empty() {
            break;
        }
        start = next;
    }
    if start >= text.len() {
        return Ok(None);
    }
    let (first, content_start) = line_at(text, start);
    let kind = match first.trim_end() {
        "---" => Kind::Yaml,
        "+++" => Kind::Toml,
        _ => return Ok(None),
    };
    let mut at = content_start;
    while at < text.len() {
        let (line, next) = line_at(text, at);
        let line = line.trim_end();
        let closes = match kind {
            Kind::Yaml => line == "---" || line == "...",
            Kind::Toml => line == "+++",
        };
        if closes {
            return Ok(Some(Block {
                kind,
                content: content_start..at,
                body_start: next,
            }));
        }
        at = next;
    }
    Err((start, kind))
}

/// Finds and parses the front matter of `text`; `file` is used in error messages.
pub fn split(text: &str, file: &Path) -> Split {
    let block = match locate(text) {
        Ok(Some(block)) => block,
        Ok(None) => {
            return Split {
                front: FrontMatter::default(),
                body_start: 0,
                errors: Vec::new(),
            };
        }
        Err((start, kind)) => {
            let (what, close) = match kind {
                Kind::Yaml => ("YAML", "---"),
                Kind::Toml => ("TOML", "+++"),
            };
            let (line, column) = LineIndex::new(text).position(start);
            let error = Diagnostic::error(
                file,
                line,
                column,
                format!("this file starts like {what} front matter but the block is not closed"),
            )
            .with_hint(format!(
                "end the front matter with a line holding only `{close}`, or remove the opening `{close}`"
            ));
            return Split {
                front: FrontMatter::default(),
                body_start: 0,
                errors: vec![error],
            };
        }
    };
    let source = &text[block.content.clone()];
    let (line0, _) = LineIndex::new(text).position(block.content.start);
    // Lines inside the block are 1-based; shift them to the file's lines.
    let at_file_line = |(l, c, m): (usize, usize, String)| (line0 + l.saturating_sub(1), c, m);
    let mut problems: Vec<(usize, usize, String)> = Vec::new();
    let keys = match block.kind {
        Kind::Yaml => yaml_keys(source),
        Kind::Toml => toml_keys(source),
    };
    let front = match keys {
        Err(e) => {
            // The typed parse may stop earlier, at the key whose value is wrong, rather than
            // where the syntax finally broke; report whichever comes first.
            let typed = match block.kind {
                Kind::Yaml => parse_yaml(source).err(),
                Kind::Toml => None,
            };
            let first = typed.filter(|t| (t.0, t.1) < (e.0, e.1)).unwrap_or(e);
            problems.push(at_file_line(first));
            FrontMatter::default()
        }
        Ok(keys) => {
            for key in keys.iter().filter(|k| !KEYS.contains(&k.as_str())) {
                let (l, c) = key_position(source, key);
                problems.push(at_file_line((l, c, format!("unknown field `{key}`"))));
            }
            let parsed = match block.kind {
                Kind::Yaml => parse_yaml(source),
                Kind::Toml => toml::from_str::<FrontMatter>(source).map_err(|e| toml_problem(source, &e)),
            };
            parsed.unwrap_or_else(|e| {
                problems.push(at_file_line(e));
                FrontMatter::default()
            })
        }
    };
    let errors = problems
        .into_iter()
        .map(|(line, column, message)| {
            let hint = if message.starts_with("unknown field") {
                format!("remove or rename the key; valid keys: {}", KEYS.join(", "))
            } else {
                "fix the front matter; the README lists every key and its type".to_string()
            };
            Diagnostic::error(file, line, column, format!("invalid front matter: {message}")).with_hint(hint)
        })
        .collect();
    Split {
        front,
        body_start: block.body_start,
        errors,
    }
}

/// A TOML error as a 1-based line and column within `source`, and its message.
fn toml_problem(source: &str, e: &toml::de::Error) -> (usize, usize, String) {
    let (l, c) = e.span().map_or((1, 0), |s| LineIndex::new(source).position(s.start));
    (l, c, e.message().to_string())
}

/// The top-level keys of a TOML block, in the order written.
fn toml_keys(source: &str) -> Result<Vec<String>, (usize, usize, String)> {
    let table: toml::Table = toml::from_str(source).map_err(|e| toml_problem(source, &e))?;
    let mut keys: Vec<String> = table.keys().cloned().collect();
    keys.sort_by_key(|k| key_position(source, k));
    Ok(keys)
}

/// The top-level keys of a YAML block, in the order written.
fn yaml_keys(source: &str) -> Result<Vec<String>, (usize, usize, String)> {
    if source.trim().is_empty() {
        return Ok(Vec::new());
    }
    let map = serde_saphyr::from_str::<Option<BTreeMap<String, serde::de::IgnoredAny>>>(source)
        .map_err(|e| yaml_problem(&e))?;
    let mut keys: Vec<String> = map.unwrap_or_default().into_keys().collect();
    keys.sort_by_key(|k| key_position(source, k));
    Ok(keys)
}

/// Parses YAML front matter; errors carry a 1-based line and column within the YAML text.
fn parse_yaml(yaml: &str) -> Result<FrontMatter, (usize, usize, String)> {
    if yaml.trim().is_empty() {
        return Ok(FrontMatter::default());
    }
    serde_saphyr::from_str::<Option<FrontMatter>>(yaml)
        .map(Option::unwrap_or_default)
        .map_err(|e| yaml_problem(&e))
}

/// A YAML error as a 1-based line and column within the block, and its message.
fn yaml_problem(e: &serde_saphyr::Error) -> (usize, usize, String) {
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
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Split, Diagnostic> {
        let s = split(text, Path::new("site/x.md"));
        match s.errors.first() {
            Some(e) => Err(e.clone()),
            None => Ok(s),
        }
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
    fn blank_lines_before_the_block_are_allowed() {
        let text = "\n  \n---\ntitle: After blanks\n---\nBody\n";
        let s = parse(text).unwrap();
        assert_eq!(s.front.title.as_deref(), Some("After blanks"));
        assert_eq!(&text[s.body_start..], "Body\n");
        let t = parse("\r\n+++\r\ntitle = \"T\"\r\n+++\r\nBody").unwrap();
        assert_eq!(t.front.title.as_deref(), Some("T"));
    }

    #[test]
    fn empty_block_gives_defaults() {
        let s = parse("---\n---\nBody\n").unwrap();
        assert_eq!(s.front, FrontMatter::default());
        assert_eq!(s.body_start, 8);
        let t = parse("+++\n+++\n").unwrap();
        assert_eq!(t.front, FrontMatter::default());
    }

    #[test]
    fn a_block_after_text_is_not_front_matter() {
        let s = parse("Intro\n---\ntitle: no\n---\n").unwrap();
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
    fn every_unknown_key_is_reported_and_the_rest_is_kept() {
        let s = split("---\ntitel: A\nweight: 2\nwieght: 3\nslgu: x\n---\n", Path::new("a.md"));
        let lines: Vec<usize> = s.errors.iter().map(|e| e.line).collect();
        assert_eq!(lines, [2, 4, 5], "{:?}", s.errors);
        assert!(
            s.errors
                .iter()
                .all(|e| e.hint.as_deref().is_some_and(|h| h.contains("valid keys")))
        );
        assert_eq!(s.front.weight, Some(2));
        let t = split("+++\na = 1\nb = 2\n+++\n", Path::new("a.md"));
        assert_eq!(t.errors.len(), 2);
    }

    #[test]
    fn a_broken_value_is_reported_at_its_key() {
        let e = parse("---\ntitle: [unclosed\ndescription: d\n---\n").unwrap_err();
        assert_eq!(e.line, 2, "{e}");
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
        let e = parse("\n\n+++\ntitle = 1").unwrap_err();
        assert_eq!(e.line, 3);
    }

    #[test]
    fn multibyte_character_in_the_utc_offset_is_an_error_not_a_panic() {
        // Found by the front_matter fuzz target: `é` straddles the offset's fourth byte.
        assert!(Date::parse("2024-01-01T00:00:00+0é00").is_err());
        let e = parse("---\ndate: 2024-01-01T00:00:00+0é00\n---\n").unwrap_err();
        assert_eq!(e.line, 2, "{e}");
    }
}
