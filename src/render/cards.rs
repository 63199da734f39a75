//! The cards of an index page (its section's entries, each under a heading of its own) and
//! their entries in the page's table of contents.

use super::Renderer;
use crate::content::{Child, PageId};
use crate::markdown::TocEntry;
use serde::Serialize;
use std::borrow::Cow;
use std::collections::HashSet;

/// A card of a section's index page: an entry of the section, with a heading of its own.
#[derive(Serialize)]
pub(super) struct ChildContext<'a> {
    title: &'a str,
    url: String,
    description: &'a str,
    /// The id of the card's heading, unique on the page, for the table of contents.
    anchor: String,
}

/// The id of the heading over a section's cards.
const CHILDREN_ANCHOR: &str = "section-contents";

/// Ids the theme gives elements of every page, which card headings must not take.
const THEME_IDS: &[&str] = &[
    "content",
    "sidebar",
    "search-input",
    "search-results",
    "toc-title",
    CHILDREN_ANCHOR,
];

impl<'a> Renderer<'a> {
    /// The cards of an index page: its section's entries, each with a heading id that no
    /// other element of the page has.
    pub(super) fn children(&self, page: PageId) -> Vec<ChildContext<'a>> {
        let content = &self.site.content;
        let p = &content.pages[page];
        let mut taken: HashSet<String> = self.site.bodies[page].ids.clone();
        taken.extend(THEME_IDS.iter().map(|s| s.to_string()));
        content.sections[p.section]
            .children
            .iter()
            .map(|c| {
                let id = match *c {
                    Child::Page(id) => id,
                    Child::Section(s) => content.sections[s].index,
                };
                let child = &content.pages[id];
                let slug = child.path.trim_end_matches('/').rsplit('/').next().unwrap_or("");
                let base = if slug.is_empty() {
                    "page".to_string()
                } else {
                    slug.to_string()
                };
                let mut anchor = base.clone();
                let mut n = 0;
                while !taken.insert(anchor.clone()) {
                    n += 1;
                    anchor = format!("{base}-{n}");
                }
                ChildContext {
                    title: &child.title,
                    url: self.url(id),
                    description: child.front.description.as_deref().unwrap_or(""),
                    anchor,
                }
            })
            .collect()
    }
}

/// The page's table of contents, with an entry for its cards (and one under it for each card)
/// when it is an index page with entries.
pub(super) fn toc_with_children<'a>(toc: &'a [TocEntry], children: &[ChildContext], kind: &str) -> Cow<'a, [TocEntry]> {
    // Only the home and section templates show the cards (the glossary shows its A–Z).
    if children.is_empty() || !matches!(kind, "home" | "section") {
        return Cow::Borrowed(toc);
    }
    let mut full = toc.to_vec();
    full.push(TocEntry {
        level: 2,
        id: CHILDREN_ANCHOR.to_string(),
        title: children_heading(kind).to_string(),
        children: children
            .iter()
            .map(|c| TocEntry {
                level: 3,
                id: c.anchor.clone(),
                title: c.title.to_string(),
                children: Vec::new(),
            })
            .collect(),
    });
    Cow::Owned(full)
}

/// The heading over an index page's cards.
pub(super) fn children_heading(kind: &str) -> &'static str {
    if kind == "home" { "Contents" } else { "In this section" }
}
