//! Stage 2: load the content folder into pages and sections, ordered and addressed.
//!
//! Nothing here renders Markdown; it reads files, parses front matter, decides
//! every page's URL and the reading order, so that later stages can resolve links
//! and draw navigation from one fixed tree.

pub mod front_matter;
pub mod segment;
pub mod text;
pub mod walk;

use crate::diagnostics::{BuildError, Diagnostic, display_path, key_position};
use front_matter::FrontMatter;
use pulldown_cmark::{Event, HeadingLevel, Parser, Tag, TagEnd};
use rayon::prelude::*;
use std::collections::{BTreeMap, HashMap};
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
    /// Whether this page is a section's `_index.md`.
    pub is_index: bool,
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
#[derive(Debug, Clone, Copy, Default)]
pub struct LoadOptions {
    /// Include pages marked `draft: true`.
    pub drafts: bool,
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
        let content = assemble(loaded, files.other, options, &mut errors);
        (content, errors)
    }
}

/// The folder part of a content path: `a/b.md` → `a`, `b.md` → ``.
fn parent_dir(source: &str) -> &str {
    source.rfind('/').map_or("", |i| &source[..i])
}

/// Builds sections, URLs and order from the loaded files.
fn assemble(
    mut loaded: Vec<Loaded>,
    other: Vec<(PathBuf, String)>,
    options: LoadOptions,
    errors: &mut Vec<Diagnostic>,
) -> Option<Content> {
    // Drafts go first, and with them every page under a draft section.
    if !options.drafts {
        let draft_dirs: Vec<String> = loaded
            .iter()
            .filter(|l| l.front.draft && l.source.ends_with(SECTION_INDEX))
            .map(|l| parent_dir(&l.source).to_string())
            .collect();
        loaded.retain(|l| {
            !l.front.draft
                && !draft_dirs
                    .iter()
                    .any(|d| !d.is_empty() && (l.source.starts_with(&format!("{d}/"))))
        });
    }
    loaded.sort_by(|a, b| a.source.cmp(&b.source));

    // Sections: every folder with an _index.md; the root must have one.
    let mut section_dirs: BTreeMap<String, usize> = BTreeMap::new();
    for (i, l) in loaded.iter().enumerate() {
        if l.source == SECTION_INDEX || l.source.ends_with(&format!("/{SECTION_INDEX}")) {
            section_dirs.insert(parent_dir(&l.source).to_string(), i);
        }
    }
    if !section_dirs.contains_key("") {
        errors.push(
            Diagnostic::error(
                format!("{CONTENT_DIR}/{SECTION_INDEX}"),
                0,
                0,
                "the site has no home page",
            )
            .with_hint(format!(
                "create `{CONTENT_DIR}/{SECTION_INDEX}` with the home page's text"
            )),
        );
        return None;
    }
    let sections_list: Vec<(String, usize)> = section_dirs.iter().map(|(d, i)| (d.clone(), *i)).collect();
    let section_of_dir: HashMap<&str, SectionId> = sections_list
        .iter()
        .enumerate()
        .map(|(sid, (d, _))| (d.as_str(), sid))
        .collect();
    // The nearest enclosing section of a folder (folders without _index.md are transparent).
    let enclosing = |mut dir: &str| -> SectionId {
        loop {
            if let Some(&s) = section_of_dir.get(dir) {
                return s;
            }
            dir = parent_dir(dir);
        }
    };

    // URL segment of each folder: a section's index may set `slug`; otherwise the folder name.
    // Folders holding only assets get one too, so their files keep their place in the URL.
    let mut dir_segment: HashMap<String, String> = HashMap::new();
    let dirs = loaded
        .iter()
        .map(|l| l.source.as_str())
        .chain(other.iter().map(|(_, s)| s.as_str()));
    for source in dirs {
        let mut dir = parent_dir(source);
        while !dir.is_empty() && !dir_segment.contains_key(dir) {
            let name = dir.rsplit('/').next().unwrap_or(dir);
            let from_index = section_dirs.get(dir).and_then(|&i| loaded[i].front.slug.clone());
            let seg = from_index.unwrap_or_else(|| {
                let slug = slugify(split_prefix(name).1);
                let slug = if slug.is_empty() { slugify(name) } else { slug };
                let seg = if slug.is_empty() { name.to_string() } else { slug };
                if let Some(why) = segment::problem(&seg) {
                    errors.push(
                        Diagnostic::error(
                            format!("{CONTENT_DIR}/{dir}"),
                            0,
                            0,
                            format!(
                                "this folder's name gives the URL segment `{}`, which cannot be used: {why}",
                                segment::shown(&seg)
                            ),
                        )
                        .with_hint("rename the folder, or add an `_index.md` with a `slug`"),
                    );
                }
                seg
            });
            dir_segment.insert(dir.to_string(), seg);
            dir = parent_dir(dir);
        }
    }
    let dir_path = |dir: &str| -> String {
        let mut parts = Vec::new();
        let mut d = dir;
        while !d.is_empty() {
            parts.push(dir_segment.get(d).cloned().unwrap_or_default());
            d = parent_dir(d);
        }
        parts.reverse();
        parts.iter().map(|p| format!("{p}/")).collect()
    };

    let mut pages = Vec::with_capacity(loaded.len());
    for (id, l) in loaded.into_iter().enumerate() {
        let dir = parent_dir(&l.source);
        let file_name = l.source.rsplit('/').next().unwrap_or(&l.source);
        let is_index = file_name == SECTION_INDEX;
        let stem = file_name.trim_end_matches(".md");
        let (prefix, bare) = if is_index {
            split_prefix(dir.rsplit('/').next().unwrap_or(""))
        } else {
            split_prefix(stem)
        };
        if let Some(slug) = &l.front.slug
            && let Some(why) = segment::problem(slug)
        {
            let (line, column) = key_position(&l.text[..l.body_start], "slug");
            errors.push(
                Diagnostic::error(&l.file, line, column, format!("invalid slug `{}`: {why}", segment::shown(slug)))
                    .with_hint("a slug is one URL segment of at most 255 bytes: letters, digits, dashes and dots, no `/`, `\\`, `?`, `#`, `%`, spaces or control characters"),
            );
        }
        let path = if is_index {
            dir_path(dir)
        } else {
            let seg = match &l.front.slug {
                Some(slug) => slug.clone(),
                None => {
                    let seg = slugify(bare);
                    let seg = if seg.is_empty() { slugify(stem) } else { seg };
                    if let Some(why) = segment::problem(&seg).filter(|_| !seg.is_empty()) {
                        errors.push(
                            Diagnostic::error(
                                &l.file,
                                0,
                                0,
                                format!(
                                    "this file's name gives the URL segment `{}`, which cannot be used: {why}",
                                    segment::shown(&seg)
                                ),
                            )
                            .with_hint("rename the file, or set a shorter `slug` in its front matter"),
                        );
                    }
                    seg
                }
            };
            format!("{}{seg}/", dir_path(dir))
        };
        let (title, title_heading) = match (&l.front.title, l.h1) {
            (Some(t), _) => (t.clone(), None),
            (None, Some((t, range))) => (t, Some(range)),
            (None, None) if is_index && dir.is_empty() => ("Home".to_string(), None),
            (None, None) => (humanize(bare), None),
        };
        pages.push(Page {
            id,
            file: l.file,
            section: if is_index { section_of_dir[dir] } else { enclosing(dir) },
            source: l.source,
            text: l.text,
            body_start: l.body_start,
            front: l.front,
            title,
            title_heading,
            path,
            is_index,
            prefix,
        });
    }

    // Two files must never claim one URL.
    let mut by_path: HashMap<&str, PageId> = HashMap::new();
    for p in &pages {
        if let Some(&first) = by_path.get(p.path.as_str()) {
            errors.push(
                Diagnostic::error(
                    &p.file,
                    p.key_position("slug").0,
                    p.key_position("slug").1,
                    format!(
                        "this page's URL `/{}` is already used by {}",
                        p.path,
                        pages[first].file.display()
                    ),
                )
                .with_hint("give one of them a different `slug` in its front matter, or rename the file"),
            );
        } else {
            by_path.insert(&p.path, p.id);
        }
    }

    let mut sections: Vec<Section> = sections_list
        .iter()
        .enumerate()
        .map(|(id, (dir, index))| Section {
            id,
            dir: dir.clone(),
            index: *index,
            parent: if dir.is_empty() {
                None
            } else {
                Some(enclosing(parent_dir(dir)))
            },
            children: Vec::new(),
        })
        .collect();
    // Children of each section, then sorted: weight, numeric prefix, title, source path.
    let sort_key = |p: &Page| {
        (
            p.front.weight.is_none(),
            p.front.weight,
            p.prefix.is_none(),
            p.prefix,
            p.title.to_lowercase(),
            p.source.clone(),
        )
    };
    for p in &pages {
        if !p.is_index {
            sections[p.section].children.push(Child::Page(p.id));
        }
    }
    for s in 1..sections.len() {
        if let Some(parent) = sections[s].parent {
            sections[parent].children.push(Child::Section(s));
        }
    }
    let index_of: Vec<PageId> = sections.iter().map(|s| s.index).collect();
    for s in &mut sections {
        s.children.sort_by_cached_key(|c| match c {
            Child::Page(p) => sort_key(&pages[*p]),
            Child::Section(sec) => sort_key(&pages[index_of[*sec]]),
        });
    }

    let mut reading_order = Vec::with_capacity(pages.len());
    fn walk(sections: &[Section], s: SectionId, out: &mut Vec<PageId>) {
        out.push(sections[s].index);
        for c in &sections[s].children {
            match *c {
                Child::Page(p) => out.push(p),
                Child::Section(sub) => walk(sections, sub, out),
            }
        }
    }
    walk(&sections, 0, &mut reading_order);

    let mut assets = Vec::new();
    for (disk, source) in other {
        let dir = parent_dir(&source);
        let name = source.rsplit('/').next().unwrap_or(&source);
        let path = format!("{}{name}", dir_path(dir));
        if let Some(&page) = by_path.get(format!("{path}/").as_str()) {
            errors.push(
                Diagnostic::error(
                    CONTENT_DIR.to_string() + "/" + &source,
                    0,
                    0,
                    format!(
                        "this file's output path `{path}` collides with {}",
                        pages[page].file.display()
                    ),
                )
                .with_hint("rename the file or the page, or give the page a different `slug`"),
            );
        }
        assets.push(Asset { disk, source, path });
    }

    let by_source = pages.iter().map(|p| (p.source.clone(), p.id)).collect();
    let assets_by_source = assets.iter().enumerate().map(|(i, a)| (a.source.clone(), i)).collect();
    Some(Content {
        pages,
        sections,
        assets,
        reading_order,
        by_source,
        assets_by_source,
    })
}

impl Page {
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
