//! Heading ids: GitHub's algorithm (what existing deep links into READMEs and mdBook books
//! expect) or Quire's older one, made unique on the page and kept clear of the theme's ids.

use crate::config::HeadingIds;
use crate::content::slugify;
use std::collections::{HashMap, HashSet};

/// Ids the default theme gives its own elements on every page (`<main id="content">`, the
/// sidebar, the search box, the table of contents' title, the term page's blocks). A heading
/// never takes one: `## Content` becomes `content-1`, so the skip link and the table of
/// contents still reach what they mean to.
pub const THEME_IDS: &[&str] = &[
    "content",
    "sidebar",
    "search-input",
    "search-results",
    "toc-title",
    "see-also",
    "backlinks",
];

/// Whether the theme uses `id` for an element of its own on every page.
pub fn is_theme_id(id: &str) -> bool {
    THEME_IDS.contains(&id)
}

/// GitHub's heading slug (as github-slugger does it): lower case, every character that is not
/// a letter, a digit, `-` or `_` dropped, each space turned into `-` (runs are not merged).
/// Quire parses with smart punctuation, which GitHub does not: the en and em dashes it makes
/// of `--` and `---` count as what was typed.
pub fn github_slug(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for c in text.trim().chars() {
        if c == '–' {
            out.push_str("--");
        } else if c == '—' {
            out.push_str("---");
        } else if c.is_alphanumeric() || c == '_' || c == '-' {
            out.extend(c.to_lowercase());
        } else if c == ' ' {
            out.push('-');
        }
    }
    out
}

/// The id a heading gets from its text, before being made unique.
pub fn base_id(text: &str, style: HeadingIds) -> String {
    let slug = match style {
        HeadingIds::Github => github_slug(text),
        HeadingIds::Quire => slugify(text),
    };
    if slug.is_empty() { "section".to_string() } else { slug }
}

/// Makes `base` unique against the ids taken so far, the explicit `{#id}`s of the page and the
/// `reserved` ones (the theme's, the glossary tooltips'): `base`, then `base-1`, `base-2`…
/// (GitHub's numbering).
pub fn unique(
    base: &str,
    taken: &HashSet<String>,
    explicit: &HashSet<String>,
    next_suffix: &mut HashMap<String, usize>,
    reserved: impl Fn(&str) -> bool,
) -> String {
    let free = |id: &str| !taken.contains(id) && !explicit.contains(id) && !reserved(id);
    if free(base) {
        return base.to_string();
    }
    // Each base remembers its next suffix, so 50,000 equal headings cost linear time.
    let n = next_suffix.entry(base.to_string()).or_insert(1);
    loop {
        let id = format!("{base}-{n}");
        *n += 1;
        if free(&id) {
            return id;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn github_algorithm() {
        assert_eq!(github_slug("Hello, World!"), "hello-world");
        assert_eq!(github_slug("Rust's `Box<T>` type"), "rusts-boxt-type");
        assert_eq!(github_slug("A -- B"), "a----b");
        assert_eq!(github_slug("A – B — C"), "a----b-----c", "smart dashes count as typed");
        assert_eq!(github_slug("snake_case and-dash"), "snake_case-and-dash");
        assert_eq!(github_slug("Ünïcode 算力 2.0"), "ünïcode-算力-20");
        assert_eq!(github_slug("Emoji 🎉 here"), "emoji--here");
        assert_eq!(base_id("?!", HeadingIds::Github), "section");
    }

    #[test]
    fn quire_algorithm_is_kept() {
        assert_eq!(base_id("A -- B", HeadingIds::Quire), "a-b");
        assert_eq!(base_id("Rust's Box", HeadingIds::Quire), slugify("Rust's Box"));
    }

    #[test]
    fn duplicates_and_theme_ids_are_numbered() {
        let mut taken = HashSet::new();
        let none = HashSet::new();
        assert_eq!(
            unique("intro", &taken, &none, &mut HashMap::new(), is_theme_id),
            "intro"
        );
        taken.insert("intro".to_string());
        assert_eq!(
            unique("intro", &taken, &none, &mut HashMap::new(), is_theme_id),
            "intro-1"
        );
        taken.insert("intro-1".to_string());
        assert_eq!(
            unique("intro", &taken, &none, &mut HashMap::new(), is_theme_id),
            "intro-2"
        );
        assert_eq!(
            unique("content", &taken, &none, &mut HashMap::new(), is_theme_id),
            "content-1"
        );
        assert_eq!(
            unique("sidebar", &taken, &none, &mut HashMap::new(), is_theme_id),
            "sidebar-1"
        );
        assert_eq!(
            unique("term-x", &taken, &none, &mut HashMap::new(), |id| id == "term-x"),
            "term-x-1"
        );
        let explicit: HashSet<String> = ["faq".to_string()].into();
        assert_eq!(
            unique("faq", &taken, &explicit, &mut HashMap::new(), is_theme_id),
            "faq-1"
        );
    }
}
