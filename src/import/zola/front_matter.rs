//! Zola's front matter: TOML between `+++` lines or YAML between `---` lines, read with the
//! line of every key, and mapped to Quire's keys; each key Quire has no equivalent for is a
//! note at its line saying what to do instead.

use super::super::Plan;
use crate::content::front_matter::Date;
use crate::diagnostics::LineIndex;
use std::collections::BTreeMap;
use std::path::Path;

/// One top-level key of a page's front matter.
#[derive(Debug, Clone, PartialEq)]
pub struct Entry {
    /// The key.
    pub key: String,
    /// Its value (YAML's read as the same types).
    pub value: toml::Value,
    /// 1-based line of the key in the file.
    pub line: usize,
    /// 1-based column of the key.
    pub column: usize,
}

/// A Markdown file's front matter and where its body starts.
#[derive(Debug, Default)]
pub struct Block {
    /// The keys, in the order written.
    pub entries: Vec<Entry>,
    /// Byte offset of the body in the file: after the block, even one that cannot be read.
    pub body_start: usize,
    /// The front matter could not be read: line, column and why.
    pub error: Option<(usize, usize, String)>,
}

/// A line of `text` from `start`: without its line ending, and where the next one starts.
fn line_at(text: &str, start: usize) -> (&str, usize) {
    let rest = &text[start..];
    match rest.find('\n') {
        Some(i) => (rest[..i].trim_end_matches('\r'), start + i + 1),
        None => (rest.trim_end_matches('\r'), text.len()),
    }
}

/// Finds and reads the front matter: after optional blank lines, `+++` (TOML) or `---` (YAML)
/// up to the next such line. A file without one has an empty block.
pub fn split(text: &str) -> Block {
    let mut start = usize::from(text.starts_with('\u{feff}')) * 3;
    loop {
        let (line, next) = line_at(text, start);
        if !line.trim().is_empty() || next >= text.len() {
            break;
        }
        start = next;
    }
    let (first, content_start) = line_at(text, start);
    let toml = match first.trim() {
        "+++" => true,
        "---" => false,
        _ => {
            return Block {
                body_start: start.min(text.len()),
                ..Block::default()
            };
        }
    };
    let mut at = content_start;
    while at < text.len() {
        let (line, next) = line_at(text, at);
        let line = line.trim();
        if (toml && line == "+++") || (!toml && (line == "---" || line == "...")) {
            let source = &text[content_start..at];
            let line0 = LineIndex::new(text).position(content_start).0;
            let (entries, error) = if toml { read_toml(source) } else { read_yaml(source) };
            let shift = |(l, c): (usize, usize)| (line0 + l.saturating_sub(1), c);
            return Block {
                entries: entries
                    .into_iter()
                    .map(|e| {
                        let (line, column) = shift((e.line, e.column));
                        Entry { line, column, ..e }
                    })
                    .collect(),
                body_start: next,
                error: error.map(|(l, c, m)| {
                    let (l, c) = shift((l, c));
                    (l, c, m)
                }),
            };
        }
        at = next;
    }
    // Without its closing fence the block is read as text: only the opening fence goes.
    let (line, column) = LineIndex::new(text).position(start);
    Block {
        entries: Vec::new(),
        body_start: content_start,
        error: Some((
            line,
            column,
            "the block is not closed, so its lines are kept as text".into(),
        )),
    }
}

/// TOML front matter: values with `toml`, key positions from its spans.
fn read_toml(source: &str) -> (Vec<Entry>, Option<(usize, usize, String)>) {
    let index = LineIndex::new(source);
    let table = match toml::from_str::<toml::Table>(source) {
        Ok(t) => t,
        Err(e) => {
            let (l, c) = e.span().map_or((1, 0), |s| index.position(s.start));
            return (Vec::new(), Some((l, c, e.message().trim().to_string())));
        }
    };
    let spans: BTreeMap<String, usize> = toml::de::DeTable::parse(source)
        .map(|t| {
            t.get_ref()
                .iter()
                .map(|(k, _)| (k.get_ref().to_string(), k.span().start))
                .collect()
        })
        .unwrap_or_default();
    let mut entries: Vec<Entry> = table
        .into_iter()
        .map(|(key, value)| {
            let (line, column) = spans.get(&key).map_or((1, 1), |&at| index.position(at));
            Entry {
                key,
                value,
                line,
                column,
            }
        })
        .collect();
    entries.sort_by_key(|e| (e.line, e.column));
    (entries, None)
}

/// A YAML value as the TOML value Zola would have read; `None` for null.
fn from_json(v: serde_json::Value) -> Option<toml::Value> {
    use serde_json::Value as J;
    Some(match v {
        J::Null => return None,
        J::Bool(b) => toml::Value::Boolean(b),
        J::Number(n) => match n.as_i64() {
            Some(i) => toml::Value::Integer(i),
            None => toml::Value::Float(n.as_f64().unwrap_or_default()),
        },
        J::String(s) => toml::Value::String(s),
        J::Array(a) => toml::Value::Array(a.into_iter().filter_map(from_json).collect()),
        J::Object(o) => toml::Value::Table(o.into_iter().filter_map(|(k, v)| Some((k, from_json(v)?))).collect()),
    })
}

/// YAML front matter: values with serde-saphyr, each key's line found by its name at the
/// start of a line.
fn read_yaml(source: &str) -> (Vec<Entry>, Option<(usize, usize, String)>) {
    if source.trim().is_empty() {
        return (Vec::new(), None);
    }
    let map = match serde_saphyr::from_str::<Option<BTreeMap<String, serde_json::Value>>>(source) {
        Ok(m) => m.unwrap_or_default(),
        Err(e) => {
            let (l, c) = e
                .location()
                .map_or((1, 0), |l| (l.line() as usize, l.column() as usize));
            let text = e.to_string();
            let first = text.lines().next().unwrap_or("invalid YAML").to_string();
            return (Vec::new(), Some((l.max(1), c, first)));
        }
    };
    let line_of = |key: &str| {
        source
            .lines()
            .position(|l| {
                let l = l.trim_start_matches(['"', '\'']);
                l.strip_prefix(key)
                    .is_some_and(|r| r.trim_start_matches(['"', '\'']).trim_start().starts_with(':'))
            })
            .map_or(1, |i| i + 1)
    };
    let mut entries: Vec<Entry> = map
        .into_iter()
        .filter_map(|(key, value)| {
            let value = from_json(value)?;
            Some(Entry {
                line: line_of(&key),
                column: 1,
                key,
                value,
            })
        })
        .collect();
    entries.sort_by_key(|e| (e.line, e.column));
    (entries, None)
}

/// A page's front matter in Quire's terms.
#[derive(Debug, Default)]
pub struct Mapped {
    /// `title`, `description`, `date`, `weight` and `draft`, as Quire writes them.
    pub front: Vec<(String, toml::Value)>,
    /// Zola's `slug`.
    pub slug: Option<String>,
    /// Zola's `path`.
    pub path: Option<String>,
    /// `aliases`: old URLs of the page.
    pub aliases: Vec<String>,
    /// Whether the page is a draft.
    pub draft: bool,
    /// Whether a date was carried over.
    pub dated: bool,
}

/// What to say about a key Quire has no equivalent for: the message's reason and the hint.
fn unsupported(key: &str, value: &toml::Value, section: bool) -> Option<(String, String)> {
    let s = |a: &str, b: &str| Some((a.to_string(), b.to_string()));
    match key {
        "updated" => s(
            "Quire shows and feeds only `date`",
            "mention the update in the text if readers need it",
        ),
        "template" | "page_template" => s(
            "Quire renders every page with its theme's templates",
            "copy what the template adds into the page or into a Quire theme under themes/",
        ),
        "sort_by" => match value.as_str() {
            Some("weight" | "title" | "none") => None,
            _ => s(
                "Quire orders a section's pages by `weight`, then the file name's number prefix, then the title",
                "give the pages weights (or number prefixes) in the order you want",
            ),
        },
        "paginate_by" | "paginate_path" | "paginate_reversed" => s(
            "Quire lists all of a section's pages on its page, without pagination",
            "nothing to do; split the section into subsections if it is too long",
        ),
        "insert_anchor_links" => s("Quire gives every heading a `#` permalink", "nothing to do"),
        "in_search_index" => s(
            "Quire's search indexes every page",
            "nothing to do, unless the page must stay out of search: then leave it out of the site",
        ),
        "render" if value.as_bool() == Some(true) => None,
        "render" => s(
            "Quire renders every page and section",
            "delete the page if it should not be published, or make it a draft (`draft = true`)",
        ),
        "transparent" if value.as_bool() == Some(false) => None,
        "transparent" => s(
            "Quire lists a subsection's pages under the subsection, not its parent",
            "move the pages into the parent section's folder if they should be listed there",
        ),
        "generate_feeds" => s(
            "Quire writes one feed for the whole site, of the pages that have a `date`",
            "nothing to do",
        ),
        "authors" => s(
            "Quire has one author for the whole site (`author` in quire.toml)",
            "name the authors in the page's text",
        ),
        "taxonomies" => s(
            "Quire has no taxonomies",
            "list the tags in the page body or make a section per category",
        ),
        "extra" => s(
            "Zola's `[extra]` values are read by its templates; Quire's theme reads only its own keys",
            "move what the page needs into its text",
        ),
        "redirect_to" => s(
            "a Quire section is a page of its own and cannot redirect",
            "point links at the target page; add the section's old URL to that page's `redirect_from`",
        ),
        "path" => s(
            "Quire makes every page's URL from its file (and `slug`)",
            "nothing to do: the page gets its Quire URL and its old path is redirected there",
        ),
        "slug" if section => s(
            "a Zola section's URL is its folder's name",
            "rename the folder if the URL should change",
        ),
        _ => s(
            "neither Zola nor Quire has this key",
            "remove it, or keep its value in the page's text",
        ),
    }
}

/// Maps the front matter `entries` of the file shown as `file` to Quire's keys, noting each
/// key that is not carried over at its line.
pub fn map(entries: &[Entry], section: bool, file: &Path, plan: &mut Plan) -> Mapped {
    let mut out = Mapped::default();
    let mut title = None;
    let mut description = None;
    let mut date = None;
    let mut weight = None;
    for e in entries {
        let wrong_type = |plan: &mut Plan, want: &str| {
            plan.note(
                file,
                e.line,
                e.column,
                format!("`{}` is not {want}, so it is not carried over", e.key),
                format!(
                    "fix `{}` in the Zola site and import again, or set it in the imported page",
                    e.key
                ),
            );
        };
        match (e.key.as_str(), &e.value) {
            ("title", toml::Value::String(s)) => title = Some(s.clone()),
            ("description", toml::Value::String(s)) => description = Some(s.clone()),
            ("weight", toml::Value::Integer(i)) => weight = Some(*i),
            ("draft", toml::Value::Boolean(b)) => out.draft = *b,
            ("slug", toml::Value::String(s)) if !section => out.slug = Some(s.clone()),
            ("path", toml::Value::String(s)) if !section => {
                out.path = Some(s.clone());
                plan.note(
                    file,
                    e.line,
                    e.column,
                    format!(
                        "`path = \"{s}\"` is not carried over: Quire makes every page's URL from its file (and `slug`)"
                    ),
                    "nothing to do: the page gets its Quire URL and its old path is redirected there",
                );
            }
            ("date", v @ (toml::Value::Datetime(_) | toml::Value::String(_))) => {
                let raw = match v {
                    toml::Value::String(s) => s.clone(),
                    other => other.to_string(),
                };
                match Date::parse(&raw) {
                    Ok(d) => {
                        date = Some(if raw.trim().len() == 10 { d.day } else { d.rfc3339 });
                    }
                    Err(why) => plan.note(
                        file,
                        e.line,
                        e.column,
                        format!("the date is not carried over: {why}"),
                        "write the date as YYYY-MM-DD or RFC 3339 (2024-05-01T10:00:00Z) in the imported page",
                    ),
                }
            }
            ("aliases", toml::Value::Array(items)) => {
                for item in items {
                    match item.as_str() {
                        Some(a) => out.aliases.push(a.to_string()),
                        None => wrong_type(plan, "a list of paths"),
                    }
                }
            }
            ("title" | "description", _) => wrong_type(plan, "a string"),
            ("weight", _) => wrong_type(plan, "an integer"),
            ("draft", _) => wrong_type(plan, "true or false"),
            ("date", _) => wrong_type(plan, "a date"),
            ("aliases", _) => wrong_type(plan, "a list of paths"),
            ("slug" | "path", _) if !section => wrong_type(plan, "a string"),
            (key, value) => {
                if let Some((why, hint)) = unsupported(key, value, section) {
                    let shown = match value {
                        toml::Value::Table(_) => format!("`[{key}]`"),
                        _ => format!("`{key}`"),
                    };
                    plan.note(
                        file,
                        e.line,
                        e.column,
                        format!("{shown} is not carried over: {why}"),
                        hint,
                    );
                }
            }
        }
    }
    let s = |v: String| toml::Value::String(v);
    out.front.extend(title.map(|t| ("title".to_string(), s(t))));
    out.front.extend(description.map(|d| ("description".to_string(), s(d))));
    out.dated = date.is_some();
    out.front.extend(date.map(|d| ("date".to_string(), s(d))));
    out.front
        .extend(weight.map(|w| ("weight".to_string(), toml::Value::Integer(w))));
    if out.draft {
        out.front.push(("draft".into(), toml::Value::Boolean(true)));
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn toml_after_blank_lines_with_key_lines() {
        let text = "\n\n+++\ntitle = \"Home\"\n\n[extra]\nhero = true\n\n[taxonomies]\ntags = [\"a\"]\n+++\nBody\n";
        let b = split(text);
        assert!(b.error.is_none());
        let keys: Vec<(&str, usize)> = b.entries.iter().map(|e| (e.key.as_str(), e.line)).collect();
        assert_eq!(keys, [("title", 4), ("extra", 6), ("taxonomies", 9)]);
        assert_eq!(&text[b.body_start..], "Body\n");
    }

    #[test]
    fn yaml_front_matter() {
        let text = "---\ntitle: Hi\nweight: 2\naliases:\n  - /old/\ndate: 2024-01-15\n---\nBody";
        let b = split(text);
        assert!(b.error.is_none(), "{:?}", b.error);
        let keys: Vec<(&str, usize)> = b.entries.iter().map(|e| (e.key.as_str(), e.line)).collect();
        assert_eq!(keys, [("title", 2), ("weight", 3), ("aliases", 4), ("date", 6)]);
        let mut plan = Plan::default();
        let m = map(&b.entries, false, Path::new("x.md"), &mut plan);
        assert_eq!(m.aliases, ["/old/"]);
        assert!(plan.notes.is_empty(), "{:?}", plan.notes);
        assert_eq!(
            m.front[1],
            ("date".to_string(), toml::Value::String("2024-01-15".into()))
        );
    }

    #[test]
    fn no_front_matter_and_errors() {
        let b = split("# Title\n");
        assert!(b.entries.is_empty() && b.error.is_none());
        assert_eq!(b.body_start, 0);
        let b = split("+++\ntitle = \n+++\n");
        assert_eq!(b.error.as_ref().map(|e| e.0), Some(2));
        let text = "+++\ntitle = \"x\"\n";
        let b = split(text);
        assert!(b.error.is_some());
        assert_eq!(&text[b.body_start..], "title = \"x\"\n", "the text is kept");
    }

    #[test]
    fn keys_are_mapped_or_noted_at_their_line() {
        let text = "+++\ntitle = \"T\"\ndate = 2024-01-15T10:00:00\nupdated = 2024-02-01\ntemplate = \"x.html\"\nweight = 3\ndraft = true\nmystery = 1\n[extra]\na = 1\n+++\n";
        let b = split(text);
        let mut plan = Plan::default();
        let m = map(&b.entries, false, Path::new("p.md"), &mut plan);
        let keys: Vec<&str> = m.front.iter().map(|(k, _)| k.as_str()).collect();
        assert_eq!(keys, ["title", "date", "weight", "draft"]);
        assert_eq!(m.front[1].1.as_str(), Some("2024-01-15T10:00:00Z"));
        let lines: Vec<usize> = plan.notes.iter().map(|n| n.line).collect();
        assert_eq!(lines, [4, 5, 8, 9]);
        assert!(plan.notes[3].message.contains("`[extra]`"));
    }
}
