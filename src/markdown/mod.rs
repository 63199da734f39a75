//! Stage 3: render one page's Markdown to HTML.
//!
//! A single pass over pulldown-cmark's events gives headings their ids and
//! permalinks, gathers the table of contents, rewrites links between source
//! files into site URLs (recording anchors to check once every page is known),
//! and links glossary terms in running text.

pub mod admonition;
pub mod footnotes;
pub mod hidelines;
pub mod highlight;
pub mod ids;
pub mod include;
pub mod links;
pub mod math;
pub mod raw_html;
mod renderer;

pub use renderer::render;

use crate::config::{BaseUrl, HeadingIds, LinkLevel, LinkPolicy};
use crate::content::{Content, PageId};
use crate::diagnostics::Diagnostic;
use crate::glossary::{Glossary, TermUse};
use pulldown_cmark::Options;
use serde::Serialize;
use std::collections::HashSet;
use std::path::PathBuf;

/// The Markdown extensions every page body is parsed with. No metadata-block extensions:
/// front matter is cut off before parsing, and a `---` block further down is plain Markdown.
pub fn parser_options() -> Options {
    Options::ENABLE_TABLES
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_SMART_PUNCTUATION
        | Options::ENABLE_HEADING_ATTRIBUTES
        | Options::ENABLE_DEFINITION_LIST
        | Options::ENABLE_WIKILINKS
        | Options::ENABLE_GFM
        | Options::ENABLE_MATH
}

/// An entry of a page's table of contents (h2, with its h3 children).
#[derive(Debug, Clone, Serialize, PartialEq, Eq, minicbor::Encode, minicbor::Decode)]
pub struct TocEntry {
    /// Heading level, 2 or 3.
    #[n(0)]
    pub level: u8,
    /// The heading's id (link target).
    #[n(1)]
    pub id: String,
    /// The heading's plain text.
    #[n(2)]
    pub title: String,
    /// h3 entries under an h2.
    #[n(3)]
    pub children: Vec<TocEntry>,
}

/// A link to an anchor whose existence can only be checked once every page is rendered.
#[derive(Debug, Clone, minicbor::Encode, minicbor::Decode)]
pub struct AnchorCheck {
    /// The page linked to.
    #[n(0)]
    pub target: PageId,
    /// The anchor (without `#`).
    #[n(1)]
    pub anchor: String,
    /// Where the link is written.
    #[n(2)]
    pub line: usize,
    /// Where the link is written.
    #[n(3)]
    pub column: usize,
}

/// What rendering one page's Markdown yields.
#[derive(Debug, Clone, Default, minicbor::Encode, minicbor::Decode)]
pub struct Rendered {
    /// The body as HTML.
    #[n(0)]
    pub html: String,
    /// h2/h3 headings, nested.
    #[n(1)]
    pub toc: Vec<TocEntry>,
    /// Every id an anchor may point at on this page.
    #[n(2)]
    pub ids: HashSet<String>,
    /// Anchors on other pages (or this one) to verify.
    #[n(3)]
    pub anchor_checks: Vec<AnchorCheck>,
    /// Glossary terms used, in order of first use, each once.
    #[n(4)]
    pub term_uses: Vec<TermUse>,
    /// The first paragraph as plain text (a fallback description).
    #[n(5)]
    pub first_paragraph: String,
    /// Problems found (bad links, unknown terms).
    #[n(6)]
    pub errors: Vec<Diagnostic>,
    /// Broken internal links, when `[links] internal = "warn"`.
    #[n(7)]
    pub warnings: Vec<Diagnostic>,
    /// The files the page includes (`{{#include …}}`), as `root/…` paths.
    #[n(8)]
    pub includes: Vec<PathBuf>,
    /// The id of the `# heading` that became the page's title, which the theme puts on the
    /// page's `<h1>`, so links to it (`page.html#title`, common in books) keep working.
    #[n(9)]
    pub title_id: Option<String>,
    /// The files the includes read, with the hash of what was read (see [`include::IncludedFile`]).
    #[n(10)]
    pub included: Vec<include::IncludedFile>,
}

/// Site-wide settings of Markdown rendering, from `quire.toml` and the command line.
#[derive(Debug, Clone, Default)]
pub struct Settings {
    /// The folder holding `quire.toml`: includes resolve inside it.
    pub root: PathBuf,
    /// How heading ids are made.
    pub heading_ids: HeadingIds,
    /// Whether a broken internal link is an error or a warning.
    pub links: LinkLevel,
    /// Whether the site has a glossary section: only then is `[[x]]` a glossary link.
    pub glossary: bool,
}

/// Everything rendering needs to know beyond the page itself.
pub struct Env<'a> {
    /// The loaded content (for link resolution).
    pub content: &'a Content,
    /// Where the site is published.
    pub base: &'a BaseUrl,
    /// The terms to link.
    pub glossary: &'a Glossary,
    /// Which uses to link automatically.
    pub policy: LinkPolicy,
    /// Includes, heading ids, link level, glossary presence.
    pub settings: &'a Settings,
}

/// Escapes text for an HTML attribute or element.
pub fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    pulldown_cmark_escape::escape_html(&mut out, s).ok();
    out
}

#[cfg(test)]
mod tests;
