//! Stage 2: load the content folder into pages and sections, ordered and addressed.
//!
//! Nothing here renders Markdown; it reads files, parses front matter, decides
//! every page's URL and the reading order, so that later stages can resolve links
//! and draw navigation from one fixed tree.

mod assemble;
pub mod bundle;
pub mod date;
pub mod front_matter;
pub mod segment;
pub mod text;
pub mod walk;

use crate::diagnostics::{BuildError, Diagnostic, display_path, key_position};
use front_matter::FrontMatter;
use pulldown_cmark::{Event, HeadingLevel, Parser, Tag, TagEnd};
use rayon::prelude::*;
use std::collections::HashMap;
use std::ops::Range;
use std::path::{Path, PathBuf};

/// The content folder under the site root.
pub const CONTENT_DIR: &str = "site";
/// The file that makes a folder a section (and, at the top, the home page).
pub const SECTION_INDEX: &str = "_index.md";

/// Index of a page in [`Content::pages`].
pub type PageId = usize;
/// Index of a section in [`Content::sections`].
pub type SectionId = usize;

/// One Markdown file, read and addressed but not yet rendered.
#[derive(Debug)]
pub struct Page {
    /// Its index in [`Content::pages`].
    pub id: PageId,
    /// Path for messages, relative to the site root: `site/02-compute.md`.
    pub file: PathBuf,
    /// Path inside the content folder with `/` separators: `02-compute.md`.
    pub source: String,
    /// The whole file as read.
    pub text: String,
    /// Where the Markdown body starts (after the front matter).
    pub body_start: usize,
    /// The parsed front matter.
    pub front: FrontMatter,
    /// The resolved title.
    pub title: String,
    /// The byte range of the `# heading` the title was taken from; the renderer leaves it out.
    pub title_heading: Option<Range<usize>>,
    /// The site path, relative to the base URL, without a leading slash: `compute/` (home: ``).
    pub path: String,
    /// The section the page belongs to (for a section's index page: that section).
    pub section: SectionId,
    /// Whether this page is a section's index (`_index.md`, or an `index.md` or `README.md`
    /// beside other pages).
    pub is_index: bool,
    /// Whether this page is a leaf bundle: an `index.md` or `README.md` standing for a folder
    /// that holds only it and its assets.
    pub bundle: bool,
    /// The numeric prefix of the file or folder name (`02-…`), used for ordering.
    pub prefix: Option<u64>,
}

/// A folder with an `_index.md`.
#[derive(Debug)]
pub struct Section {
    /// Its index in [`Content::sections`].
    pub id: SectionId,
    /// Folder inside the content folder, `/`-separated; empty for the root.
    pub dir: String,
    /// The section's `_index.md`.
    pub index: PageId,
    /// The enclosing section (none for the root).
    pub parent: Option<SectionId>,
    /// Pages and subsections in reading order.
    pub children: Vec<Child>,
}

/// An entry of a section, in reading order.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Child {
    /// A page of the section.
    Page(PageId),
    /// A nested section.
    Section(SectionId),
}

/// A file in the content folder that is not Markdown, copied next to the pages.
#[derive(Debug, Clone)]
pub struct Asset {
    /// Absolute path on disk.
    pub disk: PathBuf,
    /// Path inside the content folder with `/` separators.
    pub source: String,
    /// Output path relative to the output root.
    pub path: String,
}

/// The loaded content folder.
#[derive(Debug)]
pub struct Content {
    /// Every page, in a stable order (sorted by source path).
    pub pages: Vec<Page>,
    /// Every section; `sections[0]` is the root (the home page's).
    pub sections: Vec<Section>,
    /// Co-located non-Markdown files.
    pub assets: Vec<Asset>,
    /// All pages in reading order (home first, depth-first), for prev/next links.
    pub reading_order: Vec<PageId>,
    /// Page lookup by source path (`02-compute.md`).
    pub by_source: HashMap<String, PageId>,
    /// Asset lookup by source path.
    pub assets_by_source: HashMap<String, usize>,
    /// The page standing for each folder (section index or leaf bundle), by its folder.
    pub by_dir: HashMap<String, PageId>,
}

/// Files that editors and systems leave beside real content.
pub fn is_ignored_name(name: &str) -> bool {
    name.starts_with('.')
        || name.starts_with('#')
        || name.ends_with('~')
        || name.ends_with(".swp")
        || name.ends_with(".swx")
        || name.ends_with(".tmp")
        || name == "4913" // vim's write test file
}

/// Splits `02-compute` into (Some(2), "compute"); names without a numeric prefix are kept whole.
pub fn split_prefix(stem: &str) -> (Option<u64>, &str) {
    let digits = stem.bytes().take_while(u8::is_ascii_digit).count();
    if digits == 0 || digits > 18 {
        return (None, stem);
    }
    let rest = &stem[digits..];
    let rest = rest.strip_prefix(['-', '_', '.', ' ']).unwrap_or(rest);
    if rest.is_empty() {
        return (None, stem);
    }
    (stem[..digits].parse().ok(), rest)
}

/// Turns text into a URL segment or heading id: lower case, words joined by `-`, any script kept.
pub fn slugify(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut dash = false;
    for c in text.chars() {
        if c.is_alphanumeric() {
            if dash && !out.is_empty() {
                out.push('-');
            }
            dash = false;
            out.extend(c.to_lowercase());
        } else if c == '_' || c == '-' || c.is_whitespace() || c == '/' || c == '.' {
            dash = true;
        }
    }
    out
}

/// Turns a file stem like `getting-started` into `Getting started`.
fn humanize(stem: &str) -> String {
    let words = stem.replace(['-', '_'], " ");
    let mut chars = words.trim().chars();
    match chars.next() {
        Some(c) => c.to_uppercase().chain(chars).collect(),
        None => stem.to_string(),
    }
}

/// What a raw Markdown file yields before the tree is assembled.
struct Loaded {
    file: PathBuf,
    source: String,
    text: String,
    body_start: usize,
    front: FrontMatter,
    h1: Option<(String, Range<usize>)>,
}

/// Finds the first `# heading` of the body, its text and its byte range.
pub fn first_h1(text: &str, body_start: usize) -> Option<(String, Range<usize>)> {
    let body = &text[body_start..];
    // Cheap pre-check: no line starting with '#' or followed by '===' means no h1.
    if !body
        .lines()
        .any(|l| l.trim_start().starts_with('#') || l.trim_start().starts_with("=="))
    {
        return None;
    }
    let mut title: Option<(String, usize)> = None;
    for (event, range) in Parser::new_ext(body, crate::markdown::parser_options()).into_offset_iter() {
        match event {
            Event::Start(Tag::Heading {
                level: HeadingLevel::H1,
                ..
            }) => title = Some((String::new(), range.start)),
            Event::End(TagEnd::Heading(HeadingLevel::H1)) => {
                if let Some((t, start)) = title {
                    return Some((t.trim().to_string(), body_start + start..body_start + range.end));
                }
            }
            Event::Text(t) | Event::Code(t) => {
                if let Some((s, _)) = title.as_mut() {
                    s.push_str(&t);
                }
            }
            _ => {}
        }
    }
    None
}

/// Reads one Markdown file. Problems are reported but the page is kept (with default front
/// matter when the block is unusable), so links to it still resolve and other files' errors show.
fn read_markdown(root: &Path, disk: &Path, source: String) -> (Loaded, Vec<Diagnostic>) {
    let file = display_path(root, disk);
    let decoded = text::read(disk, &file);
    let mut errors = decoded.errors;
    let text = decoded.text;
    let split = front_matter::split(&text, &file);
    errors.extend(split.errors);
    let h1 = if split.front.title.is_none() {
        first_h1(&text, split.body_start)
    } else {
        None
    };
    let loaded = Loaded {
        file,
        source,
        text,
        body_start: split.body_start,
        front: split.front,
        h1,
    };
    (loaded, errors)
}

/// Options that change which pages are loaded.
#[derive(Debug, Clone, Default)]
pub struct LoadOptions {
    /// Include pages marked `draft: true`.
    pub drafts: bool,
    /// The glossary's folder (`glossary`): every file in it is a term, so an `index.md` or
    /// `README.md` there is the term "index" or "readme", never the folder's page.
    pub glossary: Option<String>,
}

impl Content {
    /// Reads every page under `root/site/` and assembles sections, URLs and reading order.
    pub fn load(root: &Path, options: LoadOptions) -> Result<Content, BuildError> {
        match Content::load_all(root, options) {
            (Some(content), errors) if errors.is_empty() => Ok(content),
            (_, errors) => Err(BuildError::new(errors)),
        }
    }

    /// Like [`Content::load`], but keeps going past problems: every error of every file is
    /// returned, with the content whenever it could be assembled (it cannot without a home page).
    pub fn load_all(root: &Path, options: LoadOptions) -> (Option<Content>, Vec<Diagnostic>) {
        let dir = root.join(CONTENT_DIR);
        if !dir.is_dir() {
            let error = Diagnostic::error(CONTENT_DIR, 0, 0, "the content folder does not exist")
                .with_hint(format!("create `{CONTENT_DIR}/{SECTION_INDEX}` for the home page"));
            return (None, vec![error]);
        }
        let files = walk::collect(root, &dir);
        let mut errors = files.errors;
        let results: Vec<(Loaded, Vec<Diagnostic>)> = files
            .markdown
            .into_par_iter()
            .map(|(disk, rel)| read_markdown(root, &disk, rel))
            .collect();
        let mut loaded = Vec::with_capacity(results.len());
        for (l, errs) in results {
            errors.extend(errs);
            loaded.push(l);
        }
        let content = assemble::assemble(loaded, files.other, options, &mut errors);
        (content, errors)
    }
}

/// The folder part of a content path: `a/b.md` → `a`, `b.md` → ``.
fn parent_dir(source: &str) -> &str {
    source.rfind('/').map_or("", |i| &source[..i])
}

impl Page {
    /// The title the sidebar, breadcrumbs and previous/next links show: `nav_title` or `title`.
    pub fn nav_title(&self) -> &str {
        match self.front.nav_title.as_deref().map(str::trim) {
            Some(short) if !short.is_empty() => short,
            _ => &self.title,
        }
    }

    /// Where `key` is written in this page's front matter (1:1 when it is not).
    pub fn key_position(&self, key: &str) -> (usize, usize) {
        key_position(&self.text[..self.body_start], key)
    }
}

impl Content {
    /// The chain of sections from the root down to `s`.
    pub fn ancestry(&self, s: SectionId) -> Vec<SectionId> {
        let mut chain = vec![s];
        let mut cur = s;
        while let Some(p) = self.sections[cur].parent {
            chain.push(p);
            cur = p;
        }
        chain.reverse();
        chain
    }

    /// The page a link to a folder (`guide/`) leads to: its section index or leaf bundle.
    pub fn folder_page(&self, dir: &str) -> Option<PageId> {
        self.by_dir.get(dir).copied()
    }

    /// The section a folder of the content tree belongs to, by its `dir`.
    pub fn section_by_dir(&self, dir: &str) -> Option<SectionId> {
        self.sections.iter().position(|s| s.dir == dir)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prefixes_and_slugs() {
        assert_eq!(split_prefix("02-compute"), (Some(2), "compute"));
        assert_eq!(split_prefix("10_intro"), (Some(10), "intro"));
        assert_eq!(split_prefix("2024"), (None, "2024"));
        assert_eq!(split_prefix("intro"), (None, "intro"));
        assert_eq!(slugify("Why is AI different?"), "why-is-ai-different");
        assert_eq!(slugify("  A-shares & CPO  "), "a-shares-cpo");
        assert_eq!(slugify("算力 基础"), "算力-基础");
        assert_eq!(humanize("getting-started"), "Getting started");
    }

    #[test]
    fn ignored_editor_files() {
        for name in [".hidden.md", "page.md~", ".page.md.swp", "#page.md#", "4913"] {
            assert!(is_ignored_name(name), "{name}");
        }
        assert!(!is_ignored_name("page.md"));
    }

    #[test]
    fn first_h1_is_found_after_other_blocks() {
        let text = "Intro para\n\n# The *Title*\n\nBody";
        let (t, r) = first_h1(text, 0).unwrap();
        assert_eq!(t, "The Title");
        assert!(text[r].starts_with("# The"));
        assert!(first_h1("## Only h2\n", 0).is_none());
    }
}
