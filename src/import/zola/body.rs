//! A page's Markdown body: Zola's internal links (`@/docs/page.md#anchor`) and its URL links
//! (`../setup/`, `/docs/`) pointed at the files Quire links by, anchors moved to Quire's
//! heading ids, shortcodes noted, and escaped shortcodes shown the way Zola shows them.

use super::super::{Plan, parent_dir, relative, rewrite};
use super::urls::{Strategy, slugify_anchor, unique_anchor};
use crate::config::HeadingIds;
use crate::markdown::ids;
use crate::markdown::links::percent_decode;
use pulldown_cmark::{Event, Parser, Tag, TagEnd};
use regex::Regex;
use std::collections::{HashMap, HashSet};
use std::ops::Range;
use std::path::Path;
use std::sync::LazyLock;

/// A file of the Zola site that links may lead to.
#[derive(Debug, Clone, Default)]
pub struct Target {
    /// Its path under the new site's `site/`.
    pub out: String,
    /// For pages: Zola's heading ids that Quire spells differently, with Quire's.
    pub anchors: HashMap<String, String>,
}

/// What links are resolved against.
#[derive(Debug, Default)]
pub struct Links {
    /// Every Markdown file and other file, by its path under `content/`.
    pub files: HashMap<String, Target>,
    /// Every page and file by its Zola URL (`/blog/hello/`, `/blog/post/a.png`), to its path
    /// under `content/`.
    pub by_url: HashMap<String, String>,
    /// The path of the site's `base_url` (`/` or `/repo/`).
    pub base_path: String,
}

/// The page whose body is converted.
#[derive(Debug, Clone, Copy)]
pub struct Page<'a> {
    /// Its path under `content/`.
    pub rel: &'a str,
    /// Its path under the new `site/`.
    pub out: &'a str,
    /// Its URL in Zola.
    pub url: &'a str,
}

/// What a link destination becomes.
#[derive(Debug, PartialEq, Eq)]
enum Resolved {
    To(String),
    /// An `@/` link to a file that is not there.
    Missing(String),
    Keep,
}

/// Whether `url` starts with a scheme (`https:`, `mailto:`).
fn has_scheme(url: &str) -> bool {
    match url.find(':') {
        Some(i) if i > 0 => {
            let scheme = &url[..i];
            scheme.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
                && scheme
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
        }
        _ => false,
    }
}

/// The path from the page at `from_out` to the file at `to_out`, written so that it stays
/// one link destination (Quire decodes the escapes).
fn link_path(from_out: &str, to_out: &str) -> String {
    let mut out = String::new();
    for c in relative(parent_dir(from_out), to_out).chars() {
        match c {
            ' ' => out.push_str("%20"),
            '(' => out.push_str("%28"),
            ')' => out.push_str("%29"),
            '<' => out.push_str("%3C"),
            '>' => out.push_str("%3E"),
            c => out.push(c),
        }
    }
    out
}

/// `#fragment` pointed at Quire's id for the same heading of `target`.
fn fragment(frag: Option<&str>, target: &Target) -> String {
    match frag {
        None => String::new(),
        Some(f) => {
            let mapped = target.anchors.get(f).or_else(|| target.anchors.get(&percent_decode(f)));
            format!("#{}", mapped.map_or(f, String::as_str))
        }
    }
}

/// `rel` resolved against the folder URL `dir` (ending with `/`), as a URL path; `None` when
/// it climbs above the site's root.
fn join_url(dir: &str, rel: &str) -> Option<String> {
    let joined = crate::markdown::links::join(dir, rel)?;
    let folder = rel.ends_with('/') || rel.ends_with("/.") || rel.ends_with("/..") || rel == "." || rel == "..";
    let mut path = format!("/{joined}");
    if folder && !path.ends_with('/') {
        path.push('/');
    }
    Some(path)
}

fn resolve(url: &str, page: Page, links: &Links) -> Resolved {
    let split_fragment = |s: &str| match s.split_once('#') {
        Some((p, f)) => (p.to_string(), Some(f.to_string())),
        None => (s.to_string(), None),
    };
    if let Some(rest) = url.strip_prefix("@/") {
        let (path, frag) = split_fragment(rest);
        let decoded = percent_decode(&path);
        return match links.files.get(&path).or_else(|| links.files.get(&decoded)) {
            Some(t) => Resolved::To(format!(
                "{}{}",
                link_path(page.out, &t.out),
                fragment(frag.as_deref(), t)
            )),
            None => Resolved::Missing(decoded),
        };
    }
    if let Some(frag) = url.strip_prefix('#') {
        return match links.files.get(page.rel).and_then(|t| t.anchors.get(frag)) {
            Some(id) => Resolved::To(format!("#{id}")),
            None => Resolved::Keep,
        };
    }
    if has_scheme(url) || url.starts_with("//") {
        return Resolved::Keep;
    }
    let (before, frag) = split_fragment(url);
    let (path, query) = match before.split_once('?') {
        Some((p, q)) => (p.to_string(), Some(q)),
        None => (before.clone(), None),
    };
    if path.is_empty() {
        return Resolved::Keep;
    }
    let decoded = percent_decode(&path);
    let Some(absolute) = (if decoded.starts_with('/') {
        Some(decoded.clone())
    } else {
        join_url(page.url, &decoded)
    }) else {
        return Resolved::Keep;
    };
    let mut candidates = vec![absolute.clone()];
    if links.base_path != "/"
        && let Some(rest) = absolute.strip_prefix(links.base_path.trim_end_matches('/'))
        && rest.starts_with('/')
    {
        candidates.push(rest.to_string());
    }
    for c in candidates.clone() {
        if !c.ends_with('/') {
            candidates.push(format!("{c}/"));
        }
    }
    let Some(target) = candidates
        .iter()
        .find_map(|c| links.by_url.get(c))
        .and_then(|rel| links.files.get(rel))
    else {
        return Resolved::Keep;
    };
    let query = query.map(|q| format!("?{q}")).unwrap_or_default();
    Resolved::To(format!(
        "{}{query}{}",
        link_path(page.out, &target.out),
        fragment(frag.as_deref(), target)
    ))
}

/// Byte ranges of code blocks and code spans: shortcodes shown there are not reported.
fn code_ranges(body: &str) -> Vec<Range<usize>> {
    Parser::new_ext(body, crate::markdown::parser_options())
        .into_offset_iter()
        .filter_map(|(e, r)| match e {
            Event::Start(Tag::CodeBlock(_)) | Event::Code(_) => Some(r),
            _ => None,
        })
        .collect()
}

static INLINE: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\{\{-?\s*([A-Za-z_][A-Za-z0-9_]*)\s*\(([^{}]*?)\)\s*-?\}\}").expect("the shortcode pattern is valid")
});
static BLOCK: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(r"\{%-?\s*([A-Za-z_][A-Za-z0-9_]*)\s*\(([^{}]*?)\)\s*-?%\}").expect("the shortcode pattern is valid")
});
static ESCAPED: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r"(?s)\{\{/\*(.*?)\*/\}\}|\{%/\*(.*?)\*/%\}").expect("the escape pattern is valid"));
static ARG: LazyLock<Regex> =
    LazyLock::new(|| Regex::new(r#"\b(id|url)\s*=\s*["']([^"']*)["']"#).expect("the argument pattern is valid"));

/// What to write instead of the shortcode `name` called with `args`.
fn shortcode_hint(name: &str, args: &str) -> String {
    let arg = |which: &str| {
        ARG.captures_iter(args)
            .find(|c| &c[1] == which)
            .map_or_else(|| which.to_uppercase(), |c| c[2].to_string())
    };
    let base = "Quire has no shortcodes: replace it with Markdown or raw HTML";
    match name {
        "youtube" => format!(
            "{base}, for this video: <iframe src=\"https://www.youtube-nocookie.com/embed/{}\" title=\"The video's title\" allowfullscreen></iframe>",
            arg("id")
        ),
        "vimeo" => format!(
            "{base}, for this video: <iframe src=\"https://player.vimeo.com/video/{}\" title=\"The video's title\" allowfullscreen></iframe>",
            arg("id")
        ),
        "streamable" => format!(
            "{base}, for this video: <iframe src=\"https://streamable.com/e/{}\" title=\"The video's title\" allowfullscreen></iframe>",
            arg("id")
        ),
        "gist" => format!(
            "{base}, for the gist: a link, [the code]({0}), or <script src=\"{0}.js\"></script>",
            arg("url")
        ),
        _ => format!("{base} (what templates/shortcodes/{name}.html made of it)"),
    }
}

/// Notes every shortcode call outside code, at its line.
fn note_shortcodes(text: &str, body_start: usize, file: &Path, plan: &mut Plan) {
    let body = &text[body_start..];
    let code = code_ranges(body);
    let mut found: Vec<(usize, String, String)> = Vec::new();
    for (re, kind) in [(&*INLINE, "shortcode"), (&*BLOCK, "block shortcode")] {
        for caps in re.captures_iter(body) {
            let whole = caps.get(0).expect("a match has a range");
            if code.iter().any(|r| r.contains(&whole.start())) {
                continue;
            }
            let shown: String = whole.as_str().chars().take(80).collect();
            found.push((
                whole.start(),
                format!("the {kind} `{shown}` is not carried over; it is left as text"),
                shortcode_hint(&caps[1], &caps[2]),
            ));
        }
    }
    found.sort();
    for (at, message, hint) in found {
        let (line, column) = rewrite::position(text, body_start + at);
        plan.note(file, line, column, message, hint);
    }
}

/// The body of `text` (from `body_start`) for the new site: links rewritten, shortcodes noted,
/// escaped shortcodes unescaped. Notes name `file` at the lines of `text`.
pub fn convert(text: &str, body_start: usize, page: Page, links: &Links, file: &Path, plan: &mut Plan) -> String {
    let body = &text[body_start..];
    note_shortcodes(text, body_start, file, plan);
    let found = rewrite::destinations(body);
    for d in &found {
        if let Resolved::Missing(target) = resolve(&d.url, page, links) {
            let (line, column) = rewrite::position(text, body_start + d.range.start);
            plan.note(
                file,
                line,
                column,
                format!(
                    "the link `{}` points to a missing page: content/{target} does not exist",
                    d.url
                ),
                "the link is left as written: point it at an existing page's file in the imported site",
            );
        }
    }
    let (linked, count) = rewrite::apply(body, &found, |url| match resolve(url, page, links) {
        Resolved::To(new) => Some(new),
        _ => None,
    });
    plan.counts.links += count;
    ESCAPED
        .replace_all(&linked, |caps: &regex::Captures| match (caps.get(1), caps.get(2)) {
            (Some(inner), _) => format!("{{{{{}}}}}", inner.as_str()),
            (_, Some(inner)) => format!("{{%{}%}}", inner.as_str()),
            _ => caps[0].to_string(),
        })
        .into_owned()
}

/// Zola's heading ids of a page's `body` that Quire spells differently, with Quire's: Zola
/// slugifies heading text (`What's new` → `what-s-new`), Quire follows GitHub (`whats-new`).
pub fn anchors(body: &str, strategy: Strategy) -> HashMap<String, String> {
    let mut headings: Vec<(Option<String>, String)> = Vec::new();
    let mut current: Option<(Option<String>, String)> = None;
    for event in Parser::new_ext(body, crate::markdown::parser_options()) {
        match event {
            Event::Start(Tag::Heading { id, .. }) => current = Some((id.map(|s| s.to_string()), String::new())),
            Event::End(TagEnd::Heading(_)) => headings.extend(current.take()),
            Event::Text(t) | Event::Code(t) => {
                if let Some((_, text)) = current.as_mut() {
                    text.push_str(&t);
                }
            }
            _ => {}
        }
    }
    let explicit: HashSet<String> = headings.iter().filter_map(|h| h.0.clone()).collect();
    let mut zola: Vec<String> = explicit.iter().cloned().collect();
    let mut quire: Vec<String> = Vec::new();
    let mut taken = HashSet::new();
    let mut next = HashMap::new();
    let mut pairs = Vec::new();
    for (id, text) in &headings {
        let (z, q) = match id {
            Some(id) => (id.clone(), id.clone()),
            None => {
                let z = unique_anchor(&slugify_anchor(text.trim(), strategy), &zola);
                zola.push(z.clone());
                let base = ids::base_id(text.trim(), HeadingIds::Github);
                let q = ids::unique(&base, &taken, &explicit, &mut next, ids::is_theme_id);
                (z, q)
            }
        };
        taken.insert(q.clone());
        quire.push(q.clone());
        pairs.push((z, q));
    }
    pairs
        .into_iter()
        .filter(|(z, q)| z != q && !quire.contains(z))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn links() -> Links {
        let mut files = HashMap::new();
        let mut by_url = HashMap::new();
        for (rel, url) in [
            ("_index.md", "/"),
            ("docs/_index.md", "/docs/"),
            ("docs/intro.md", "/docs/intro/"),
            ("blog/post/index.md", "/blog/post/"),
            ("blog/post/shot.png", "/blog/post/shot.png"),
            ("docs/README.md", "/docs/readme/"),
        ] {
            let out = rel.replace("README.md", "readme.md");
            let anchors = if rel == "docs/intro.md" {
                [("what-s-new".to_string(), "whats-new".to_string())].into()
            } else {
                HashMap::new()
            };
            files.insert(rel.to_string(), Target { out, anchors });
            by_url.insert(url.to_string(), rel.to_string());
        }
        Links {
            files,
            by_url,
            base_path: "/".into(),
        }
    }

    #[test]
    fn internal_links_become_relative_file_paths() {
        let l = links();
        let page = Page {
            rel: "blog/post/index.md",
            out: "blog/post/index.md",
            url: "/blog/post/",
        };
        let r = |u: &str| resolve(u, page, &l);
        assert_eq!(
            r("@/docs/intro.md#what-s-new"),
            Resolved::To("../../docs/intro.md#whats-new".into())
        );
        assert_eq!(
            r("@/docs/intro.md#other"),
            Resolved::To("../../docs/intro.md#other".into())
        );
        assert_eq!(r("@/_index.md"), Resolved::To("../../_index.md".into()));
        assert_eq!(r("@/docs/README.md"), Resolved::To("../../docs/readme.md".into()));
        assert_eq!(r("@/nope.md"), Resolved::Missing("nope.md".into()));
        assert_eq!(r("shot.png"), Resolved::To("shot.png".into()));
        assert_eq!(r("/docs/intro/"), Resolved::To("../../docs/intro.md".into()));
        assert_eq!(
            r("/docs/intro#what-s-new"),
            Resolved::To("../../docs/intro.md#whats-new".into())
        );
        assert_eq!(r("../../docs/"), Resolved::To("../../docs/_index.md".into()));
        assert_eq!(r("https://example.com/docs/"), Resolved::Keep);
        assert_eq!(r("/favicon.ico"), Resolved::Keep);
        assert_eq!(r("mailto:a@b.c"), Resolved::Keep);
    }

    #[test]
    fn shortcodes_are_noted_outside_code_and_unescaped_everywhere() {
        let text = "+++\n+++\n{{ youtube(id=\"abc\") }}\n\n`{{ gist(url=\"x\") }}`\n\n```\n{{ vimeo(id=\"1\") }}\n{{/* youtube(id=\"x\") */}}\n```\n\n{% note(kind=\"a\") %}\nHi\n{% end %}\n\n{{/* inline() */}} {%/* block() */%}\n";
        let mut plan = Plan::default();
        let page = Page {
            rel: "a.md",
            out: "a.md",
            url: "/a/",
        };
        let out = convert(text, 8, page, &links(), Path::new("content/a.md"), &mut plan);
        let lines: Vec<usize> = plan.notes.iter().map(|n| n.line).collect();
        assert_eq!(lines, [3, 12], "{:?}", plan.notes);
        assert!(
            plan.notes[0]
                .hint
                .as_deref()
                .unwrap()
                .contains("youtube-nocookie.com/embed/abc")
        );
        assert!(out.contains("{{ youtube(id=\"x\") }}"), "{out}");
        assert!(out.contains("{{ inline() }} {% block() %}"), "{out}");
        assert!(out.starts_with("{{ youtube(id=\"abc\") }}"));
    }

    #[test]
    fn zola_and_quire_heading_ids() {
        let a = anchors(
            "# What's new?\n\n## Setup\n\n## Setup\n\n## Plain words\n\n## Custom {#mine}\n\n## A -- B\n",
            Strategy::On,
        );
        assert_eq!(a.get("what-s-new").map(String::as_str), Some("whats-new"));
        assert_eq!(a.get("a-b").map(String::as_str), Some("a----b"));
        assert!(!a.contains_key("setup") && !a.contains_key("setup-1") && !a.contains_key("mine"));
        assert!(!a.contains_key("plain-words"));
    }
}
