//! `quire import mdbook`: an mdBook book (`book.toml`, `src/SUMMARY.md`) as a Quire site.
//!
//! What maps to what (the README's migration section says the same for users):
//! - `SUMMARY.md` order → `weight`; a chapter with nested chapters → a section folder whose
//!   `_index.md` is the chapter; a part title → a section of its own; a draft chapter
//!   (`[Title]()`) → a page with `draft = true`; separators are dropped. The first chapter is
//!   the home page.
//! - A page without a `# ` heading gets the `SUMMARY.md` title as `title`; one whose heading
//!   differs from its `SUMMARY.md` title gets that as `nav_title`, so the sidebar reads as
//!   mdBook's did.
//! - Links to `x.html`, `x.md`, `dir/` and `dir/index.html` → the chapter's new source path;
//!   links to files → their path from the page's new folder. `{{#include}}` paths are
//!   re-pointed the same way, and included files outside `src/` are copied.
//! - Every chapter's old URL (`ch04-01-ownership.html`) → `redirect_from`;
//!   `[output.html.redirect]` → `redirect_from` or `[redirects]`; `print.html` → the home page.
//! - Files of `src/` that are not chapters: other files are copied to `site/` as they are (so
//!   image paths keep working); Markdown files mdBook never published go to `unlisted/`,
//!   where includes can still reach them.

pub mod summary;

use super::rewrite::{self, destinations};
use super::{ConfigOut, FileOut, PageOut, Plan, join_rel, parent_dir, relative};
use crate::content::CONTENT_DIR;
use crate::markdown::links::{encode_path, percent_decode};
use anyhow::{Context, Result, bail};
use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};
use summary::{Chapter, Item};

/// Where non-chapter Markdown files of `src/` go: outside `site/`, so they are not pages.
pub const UNLISTED: &str = "unlisted";

/// A chapter's place in the new site.
#[derive(Debug, Clone)]
struct Placed {
    title: String,
    /// Its file under `src/`; `None` for drafts and part titles.
    src: Option<String>,
    /// Its new file under `site/`.
    new: String,
    weight: i64,
    draft: bool,
    /// Its line in `SUMMARY.md`.
    line: usize,
}

/// Builds the new tree from `SUMMARY.md`'s entries.
#[derive(Default)]
struct Layout {
    placed: Vec<Placed>,
    by_src: HashMap<String, usize>,
    /// URL segments taken in each folder.
    taken: HashMap<String, HashSet<String>>,
    weights: HashMap<String, i64>,
    home: bool,
    duplicates: Vec<(usize, String)>,
}

/// A name that is a valid URL segment: the stem as written when it is one, else a slug.
fn segment_name(stem: &str) -> String {
    let fine = !stem.is_empty()
        && !stem.starts_with('.')
        && stem
            .chars()
            .all(|c| !c.is_control() && !matches!(c, ' ' | '/' | '\\' | '?' | '#' | '%'));
    if fine {
        stem.to_string()
    } else {
        let slug = crate::content::slugify(stem);
        if slug.is_empty() { "page".into() } else { slug }
    }
}

/// A URL segment made from a title: `Part II: Advanced` → `part-ii-advanced`.
fn slug_name(title: &str) -> String {
    let slug = crate::content::slugify(title);
    if slug.is_empty() { "part".into() } else { slug }
}

impl Layout {
    fn next_weight(&mut self, dir: &str) -> i64 {
        let w = self.weights.entry(dir.to_string()).or_insert(0);
        *w += 1;
        *w
    }

    /// A free name in `dir` for `wanted`, compared as Quire compares URLs (without the
    /// numeric prefix).
    fn free_name(&mut self, dir: &str, wanted: &str) -> String {
        let taken = self.taken.entry(dir.to_string()).or_default();
        let mut name = wanted.to_string();
        let mut n = 1;
        while taken.contains(crate::content::split_prefix(&name).1) || name == "glossary" && dir.is_empty() {
            n += 1;
            name = format!("{wanted}-{n}");
        }
        taken.insert(crate::content::split_prefix(&name).1.to_string());
        name
    }

    fn name_for(chapter: &Chapter) -> String {
        match &chapter.path {
            Some(path) => {
                let file = path.rsplit('/').next().unwrap_or(path);
                let stem = file.strip_suffix(".md").unwrap_or(file);
                let folder_page = stem.eq_ignore_ascii_case("readme") || stem.eq_ignore_ascii_case("index");
                let parent = parent_dir(path).rsplit('/').next().unwrap_or_default();
                if folder_page && !parent.is_empty() {
                    segment_name(parent)
                } else if folder_page {
                    slug_name(&chapter.title)
                } else {
                    segment_name(stem)
                }
            }
            None => slug_name(&chapter.title),
        }
    }

    fn push(&mut self, placed: Placed) {
        if let Some(src) = &placed.src {
            self.by_src.insert(src.clone(), self.placed.len());
        }
        self.placed.push(placed);
    }

    fn place(&mut self, chapter: &Chapter, dir: &str) {
        if let Some(src) = &chapter.path
            && self.by_src.contains_key(src)
        {
            self.duplicates.push((chapter.line, src.clone()));
            return;
        }
        let draft = chapter.path.is_none();
        if !self.home && !draft {
            // The first chapter is the home page; its nested chapters follow it where it stood.
            self.home = true;
            self.push(Placed {
                title: chapter.title.clone(),
                src: chapter.path.clone(),
                new: crate::content::SECTION_INDEX.into(),
                weight: 0,
                draft: false,
                line: chapter.line,
            });
            for child in &chapter.children {
                self.place(child, dir);
            }
            return;
        }
        let weight = self.next_weight(dir);
        let name = self.free_name(dir, &Layout::name_for(chapter));
        let folder = if dir.is_empty() {
            name.clone()
        } else {
            format!("{dir}/{name}")
        };
        let new = if chapter.children.is_empty() {
            format!("{folder}.md")
        } else {
            format!("{folder}/{}", crate::content::SECTION_INDEX)
        };
        self.push(Placed {
            title: chapter.title.clone(),
            src: chapter.path.clone(),
            new,
            weight,
            // A draft with chapters under it stays, as mdBook shows those chapters.
            draft: draft && chapter.children.is_empty(),
            line: chapter.line,
        });
        for child in &chapter.children {
            self.place(child, &folder);
        }
    }

    fn part(&mut self, title: &str, line: usize) -> String {
        let weight = self.next_weight("");
        let name = self.free_name("", &slug_name(title));
        self.push(Placed {
            title: title.to_string(),
            src: None,
            new: format!("{name}/{}", crate::content::SECTION_INDEX),
            weight,
            draft: false,
            line,
        });
        name
    }
}

/// Where a file of the book (by its path from the book's folder) goes in the new site, by its
/// path from the new site's root.
struct Mapping<'a> {
    src_dir: &'a str,
    layout: &'a Layout,
    src_root: &'a Path,
}

impl Mapping<'_> {
    /// The new site path of a file under `src/` given by its path from `src/`.
    fn of_src(&self, rel: &str) -> String {
        match self.layout.by_src.get(rel) {
            Some(&i) => format!("{CONTENT_DIR}/{}", self.layout.placed[i].new),
            None if rel.ends_with(".md") => format!("{UNLISTED}/{rel}"),
            None => format!("{CONTENT_DIR}/{rel}"),
        }
    }

    /// The chapter a link's path (from `src/`) names, as mdBook's output names it or as its source.
    fn chapter(&self, target: &str, folder_link: bool) -> Option<&Placed> {
        let mut candidates = Vec::new();
        let (dir, file) = (parent_dir(target), target.rsplit('/').next().unwrap_or(target));
        let in_dir = |name: &str| {
            if dir.is_empty() {
                name.to_string()
            } else {
                format!("{dir}/{name}")
            }
        };
        if folder_link {
            let folder = target.trim_end_matches('/');
            for name in ["README.md", "index.md"] {
                candidates.push(if folder.is_empty() {
                    name.to_string()
                } else {
                    format!("{folder}/{name}")
                });
            }
        } else if let Some(stem) = file.strip_suffix(".html") {
            candidates.push(in_dir(&format!("{stem}.md")));
            if stem == "index" {
                candidates.push(in_dir("README.md"));
            }
        } else if file.ends_with(".md") {
            candidates.push(target.to_string());
        }
        candidates
            .iter()
            .find_map(|c| self.layout.by_src.get(c))
            .map(|&i| &self.layout.placed[i])
    }

    /// A link written on the chapter `from` (its file under `src/`) pointed at its new place,
    /// from the chapter's new file `new`; `Err` says why it cannot be.
    fn link(&self, dest: &str, from: &str, new: &str) -> Result<Option<String>, String> {
        let has_scheme = dest.split_once(':').is_some_and(|(s, _)| {
            s.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
                && s.chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
        });
        if dest.is_empty() || dest.starts_with('#') || dest.starts_with("//") || has_scheme {
            return Ok(None);
        }
        let (before, fragment) = dest.split_once('#').map_or((dest, None), |(p, f)| (p, Some(f)));
        let (path, query) = before.split_once('?').map_or((before, None), |(p, q)| (p, Some(q)));
        let decoded = percent_decode(path);
        let target = if let Some(rooted) = decoded.strip_prefix('/') {
            Some(rooted.to_string())
        } else {
            join_rel(parent_dir(from), &decoded)
        };
        // Above `src/`: Quire's check explains such links; leave them as written.
        let Some(target) = target else { return Ok(None) };
        let folder_link = decoded.ends_with('/') || target.is_empty();
        let new_target = if let Some(chapter) = self.chapter(&target, folder_link) {
            chapter.new.clone()
        } else if !folder_link && !target.ends_with(".html") && self.src_root.join(&target).is_file() {
            if target.ends_with(".md") {
                return Err(format!(
                    "the link `{dest}` points to src/{target}, which is not in SUMMARY.md, so mdBook never published it"
                ));
            }
            target.clone()
        } else if target == "print.html" {
            return Err(format!(
                "the link `{dest}` points to mdBook's print page, which Quire does not make"
            ));
        } else {
            // A missing target: `quire check` of the new site reports it where it now is.
            return Ok(None);
        };
        let mut url = encode_path(&relative(parent_dir(new), &new_target));
        if folder_link && new_target.ends_with(crate::content::SECTION_INDEX) {
            // Keep folder links folder links where the folder is a section.
            url = encode_path(&relative(parent_dir(new), &new_target));
        }
        if let Some(q) = query {
            url.push('?');
            url.push_str(q);
        }
        if let Some(f) = fragment {
            url.push('#');
            url.push_str(f);
        }
        Ok(Some(url))
    }
}

/// The values and key positions of `book.toml`.
struct BookToml {
    table: toml::Table,
    positions: BTreeMap<String, (usize, usize)>,
    file: PathBuf,
}

impl BookToml {
    fn read(source: &Path) -> Result<Option<BookToml>> {
        let file = source.join("book.toml");
        if !file.exists() {
            return Ok(None);
        }
        let text = std::fs::read_to_string(&file).with_context(|| format!("cannot read {}", file.display()))?;
        let table: toml::Table = toml::from_str(&text).map_err(|e| {
            let (line, column) = e
                .span()
                .map_or((0, 0), |s| crate::diagnostics::LineIndex::new(&text).position(s.start));
            anyhow::anyhow!("{}:{line}:{column}: {}", file.display(), e.message().trim_end())
        })?;
        Ok(Some(BookToml {
            table,
            positions: super::toml_positions(&text),
            file,
        }))
    }

    fn get(&self, path: &str) -> Option<&toml::Value> {
        let mut parts = path.split('.');
        let mut value = self.table.get(parts.next()?)?;
        for part in parts {
            value = value.get(part)?;
        }
        Some(value)
    }

    fn str(&self, path: &str) -> Option<String> {
        self.get(path).and_then(|v| v.as_str()).map(str::to_string)
    }

    fn at(&self, path: &str) -> (usize, usize) {
        self.positions.get(path).copied().unwrap_or((1, 1))
    }
}

/// The `book.toml` keys Quire maps; any other is reported.
const MAPPED: &[&str] = &[
    "book.title",
    "book.authors",
    "book.description",
    "book.language",
    "book.src",
    "book.multilingual",
    "build.build-dir",
    "output.html.site-url",
    "output.html.cname",
    "output.html.redirect",
    "output.html.search",
    "output.html.search.enable",
    "output.html.print",
    "output.html.print.enable",
    "preprocessor.links",
    "preprocessor.index",
];

/// What to tell the user about a `book.toml` key Quire has no equivalent for.
fn unmapped_hint(key: &str) -> &'static str {
    match key {
        k if k.starts_with("preprocessor.") => {
            "Quire does not run mdBook preprocessors: what the preprocessor adds is missing, and its syntax stays in the pages as written"
        }
        "output.html.mathjax-support" => {
            "Quire renders `$…$` and `$$…$$` as MathML at build time; rewrite `\\\\( \\\\)` and `\\\\[ \\\\]` math in those delimiters"
        }
        "output.html.additional-css" | "output.html.additional-js" | "output.html.theme" => {
            "copy what it adds into a theme of your own (themes/NAME/, `theme = \"NAME\"` in quire.toml)"
        }
        "output.html.git-repository-url" | "output.html.edit-url-template" => {
            "add the link to the theme's templates, or to the pages"
        }
        "output.html.playground" | "rust.edition" => "Quire shows code as it is written and does not run it",
        k if k.starts_with("output.") && !k.starts_with("output.html") => {
            "Quire writes HTML only; keep building this output with mdBook if you need it"
        }
        _ => "Quire has no equivalent; its own default applies",
    }
}

/// Reads the book at `source` and plans the Quire site.
pub fn plan(source: &Path) -> Result<Plan> {
    let mut plan = Plan::default();
    let book = BookToml::read(source)?;
    let src_dir = book
        .as_ref()
        .and_then(|b| b.str("book.src"))
        .unwrap_or_else(|| "src".into())
        .trim_matches('/')
        .to_string();
    let src_root = source.join(&src_dir);
    let summary_file = src_root.join("SUMMARY.md");
    if !summary_file.is_file() {
        bail!(
            "{} does not exist: is {} an mdBook book (the folder holding book.toml)?",
            summary_file.display(),
            source.display()
        );
    }
    let summary_text =
        std::fs::read_to_string(&summary_file).with_context(|| format!("cannot read {}", summary_file.display()))?;
    let summary = summary::parse(&summary_text);
    for (line, message) in &summary.problems {
        plan.note(
            &summary_file,
            *line,
            1,
            message.clone(),
            "mdBook ignores it too; make it a link `[Title](file.md)` to import it as a page",
        );
    }
    plan.config = config(source, book.as_ref(), &mut plan);

    // Where each chapter goes.
    let mut layout = Layout::default();
    let mut part = String::new();
    let mut separators = 0;
    for item in &summary.items {
        match item {
            Item::Chapter(chapter) => layout.place(chapter, &part),
            Item::Affix(chapter) => layout.place(chapter, ""),
            Item::Part { title, line } => part = layout.part(title, *line),
            Item::Separator => separators += 1,
        }
    }
    if separators > 0 {
        plan.note(
            &summary_file,
            1,
            1,
            format!("{separators} separators (`---`) are not carried over"),
            "Quire's sidebar has no separators; part titles become sections",
        );
    }
    for (line, src) in &layout.duplicates {
        plan.note(
            &summary_file,
            *line,
            1,
            format!("`{src}` is listed a second time; it is imported once, where it is listed first"),
            "link to the chapter from the page instead of listing it twice",
        );
    }
    if !layout.home {
        // mdBook builds such a book (an empty one); so does the import, around a home page.
        plan.note(
            &summary_file,
            1,
            1,
            "SUMMARY.md lists no chapter with a file; the home page is empty",
            "write the home page in site/_index.md",
        );
        layout.home = true;
        layout.placed.insert(
            0,
            Placed {
                title: String::new(),
                src: None,
                new: crate::content::SECTION_INDEX.into(),
                weight: 0,
                draft: false,
                line: 1,
            },
        );
        layout.by_src = layout
            .placed
            .iter()
            .enumerate()
            .filter_map(|(i, p)| p.src.clone().map(|s| (s, i)))
            .collect();
    }

    // Every file of `src/`: chapters are read below, the rest copied.
    let mut chapter_files = Vec::new();
    for entry in walkdir::WalkDir::new(&src_root)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| e.depth() == 0 || !crate::content::is_ignored_name(&e.file_name().to_string_lossy()))
    {
        let entry = entry.with_context(|| format!("cannot read {}", src_root.display()))?;
        if !entry.file_type().is_file() {
            continue;
        }
        let rel = entry
            .path()
            .strip_prefix(&src_root)
            .unwrap_or(entry.path())
            .to_string_lossy()
            .replace('\\', "/");
        if rel == "SUMMARY.md" {
            continue;
        }
        if layout.by_src.contains_key(&rel) {
            chapter_files.push(rel);
            continue;
        }
        let to = if rel.ends_with(".md") {
            let hint = if rel == "404.md" {
                "Quire writes its own 404 page from the theme (templates/404.html); move what it says there"
            } else {
                "add it to a section folder under site/ if it should be a page; includes still find it in unlisted/"
            };
            plan.note(
                entry.path(),
                0,
                0,
                format!("src/{rel} is not in SUMMARY.md, so mdBook never published it; copied to {UNLISTED}/{rel}"),
                hint,
            );
            format!("{UNLISTED}/{rel}")
        } else {
            format!("{CONTENT_DIR}/{rel}")
        };
        plan.files.insert(to, FileOut::Copy(entry.path().to_path_buf()));
        plan.counts.files += 1;
    }
    for dir in ["theme"] {
        if source.join(dir).is_dir() {
            plan.note(
                source.join(dir),
                0,
                0,
                "mdBook's theme overrides are not carried over",
                "Quire has its own theme; copy what you changed into themes/NAME/ and set `theme = \"NAME\"`",
            );
        }
    }

    let mapping = Mapping {
        src_dir: &src_dir,
        layout: &layout,
        src_root: &src_root,
    };
    for placed in &layout.placed {
        let mut front: Vec<(String, toml::Value)> = Vec::new();
        let string = |s: &str| toml::Value::String(s.to_string());
        let mut old_urls = Vec::new();
        let body = match &placed.src {
            Some(src) if chapter_files.contains(src) => {
                let disk = src_root.join(src);
                let text = std::fs::read_to_string(&disk).with_context(|| format!("cannot read {}", disk.display()))?;
                let body = chapter_body(&text, src, placed, &mapping, &disk, &mut plan);
                let stem = src.strip_suffix(".md").unwrap_or(src);
                let old = match stem.rsplit_once('/') {
                    Some((dir, "README")) => format!("/{dir}/index.html"),
                    None if stem == "README" => "/index.html".to_string(),
                    _ => format!("/{stem}.html"),
                };
                old_urls.push(encode_path(&old));
                match crate::content::first_h1(&body, 0) {
                    None => {
                        front.push(("title".into(), string(&placed.title)));
                        plan.counts.titles += 1;
                    }
                    Some((h1, _)) if h1 != placed.title && !placed.title.is_empty() => {
                        front.push(("nav_title".into(), string(&placed.title)));
                    }
                    Some(_) => {}
                }
                body
            }
            Some(src) => {
                plan.note(
                    &summary_file,
                    placed.line,
                    1,
                    format!("the chapter `{}` names src/{src}, which does not exist", placed.title),
                    "create the file or remove the line; mdBook would create an empty file with `create-missing`",
                );
                front.push(("title".into(), string(&placed.title)));
                String::new()
            }
            None if placed.title.is_empty() => {
                front.push(("title".into(), string(&plan.config.title)));
                String::new()
            }
            None => {
                front.push(("title".into(), string(&placed.title)));
                String::new()
            }
        };
        if placed.weight > 0 {
            front.push(("weight".into(), toml::Value::Integer(placed.weight)));
        }
        if placed.draft {
            front.push(("draft".into(), toml::Value::Boolean(true)));
            plan.counts.drafts += 1;
        }
        plan.pages.push(PageOut {
            path: placed.new.clone(),
            front,
            body,
            old_urls,
        });
    }
    redirects(book.as_ref(), &mapping, &mut plan);
    Ok(plan)
}

/// `[book]` and `[output.html]` as `quire.toml`, and a note for every other key.
fn config(source: &Path, book: Option<&BookToml>, plan: &mut Plan) -> ConfigOut {
    let name = std::path::absolute(source)
        .ok()
        .and_then(|p| p.file_name().map(|n| n.to_string_lossy().into_owned()))
        .unwrap_or_else(|| "Book".into());
    let Some(book) = book else {
        plan.note(
            source.join("book.toml"),
            0,
            0,
            format!("there is no book.toml; the site is titled `{name}`"),
            "set `title` in quire.toml",
        );
        return ConfigOut {
            title: name,
            ..Default::default()
        };
    };
    let authors = book
        .get("book.authors")
        .and_then(|a| a.as_array())
        .map(|a| a.iter().filter_map(|v| v.as_str()).collect::<Vec<_>>().join(", "));
    let site_url = book.str("output.html.site-url");
    let base_url = match (book.str("output.html.cname"), &site_url) {
        (Some(host), path) => Some(format!(
            "https://{}{}",
            host.trim_end_matches('/'),
            path.as_deref().unwrap_or("/")
        )),
        (None, Some(path)) => {
            let (line, column) = book.at("output.html.site-url");
            plan.note(&book.file, line, column, format!("`site-url = \"{path}\"` is only a path; Quire's sitemap, feed and canonical links need the full address"), "set base_url in quire.toml to the address the book is published at (https://user.github.io/repo/)");
            Some(path.clone())
        }
        (None, None) => None,
    };
    let search = match book.get("output.html.search.enable").and_then(|v| v.as_bool()) {
        Some(false) => Some(false),
        _ => None,
    };
    if book.get("book.multilingual").and_then(|v| v.as_bool()) == Some(true) {
        let (line, column) = book.at("book.multilingual");
        plan.note(
            &book.file,
            line,
            column,
            "`multilingual` has no Quire equivalent",
            "import each language's book into a site of its own",
        );
    }
    let title = book.str("book.title").unwrap_or_else(|| {
        plan.note(
            &book.file,
            1,
            1,
            format!("book.toml has no [book] title; the site is titled `{name}`"),
            "set `title` in quire.toml",
        );
        name.clone()
    });
    // Every key Quire does not map, with its line: a table of settings (`[preprocessor.x]`,
    // `[output.html.fold]`) once, by its own name.
    let mut reported = std::collections::BTreeSet::new();
    for key in book.positions.keys() {
        let segments: Vec<&str> = key.splitn(4, '.').collect();
        let depth = match segments[0] {
            "output" if segments.get(1) == Some(&"html") => 3,
            "preprocessor" | "output" | "book" | "build" | "rust" => 2,
            _ => 1,
        };
        if segments.len() < depth {
            continue;
        }
        let shown = segments[..depth].join(".");
        let mapped = MAPPED
            .iter()
            .any(|m| shown == *m || key == m || key.starts_with(&format!("{m}.")));
        if !mapped {
            reported.insert(shown);
        }
    }
    for key in reported {
        let (line, column) = book.at(&key);
        plan.note(
            &book.file,
            line,
            column,
            format!("`{key}` is not carried over"),
            unmapped_hint(&key),
        );
    }
    ConfigOut {
        title,
        description: book.str("book.description"),
        author: authors,
        language: book.str("book.language"),
        base_url,
        search,
        ..Default::default()
    }
}

/// mdBook's `{{#…}}` directives: the name and the argument.
fn directives() -> &'static regex::Regex {
    static RE: std::sync::OnceLock<regex::Regex> = std::sync::OnceLock::new();
    RE.get_or_init(|| regex::Regex::new(r"\{\{\s*#([a-z_]+)\s*([^}]*?)\s*\}\}").expect("a valid pattern"))
}

/// A chapter's text with its links and include paths pointed at their new places.
fn chapter_body(text: &str, src: &str, placed: &Placed, mapping: &Mapping, disk: &Path, plan: &mut Plan) -> String {
    let found = destinations(text);
    let mut problems = Vec::new();
    let (text, links) = rewrite::apply(text, &found, |dest| match mapping.link(dest, src, &placed.new) {
        Ok(new) => new,
        Err(message) => {
            problems.push((dest.to_string(), message));
            None
        }
    });
    plan.counts.links += links;
    for (dest, message) in problems {
        let at = found.iter().find(|d| d.url == dest).map_or(0, |d| d.range.start);
        // Positions are in the text as written; the rewrite only changed other links' lengths,
        // so look the position up in the original.
        let (line, column) = rewrite::position(&std::fs::read_to_string(disk).unwrap_or_default(), at);
        plan.note(
            disk,
            line,
            column,
            message,
            "fix the link in the source (mdBook would show a broken link too)",
        );
    }
    // Includes: paths relative to the chapter's old folder, re-pointed from its new one.
    let new_dir = format!("{CONTENT_DIR}/{}", parent_dir(&placed.new));
    let old_dir = join_rel(mapping.src_dir, parent_dir(src)).unwrap_or_default();
    let mut out = String::with_capacity(text.len());
    let mut last = 0;
    for caps in directives().captures_iter(&text) {
        let whole = caps.get(0).expect("the whole match");
        if text[..whole.start()].ends_with('\\') {
            continue;
        }
        let (name, arg) = (&caps[1], caps.get(2).expect("the argument"));
        let (line, column) = rewrite::position(&text, whole.start());
        match name {
            "include" | "rustdoc_include" => {
                let (path, spec) = arg
                    .as_str()
                    .split_once(':')
                    .map_or((arg.as_str(), None), |(p, s)| (p, Some(s)));
                let Some(book_rel) = join_rel(&old_dir, path) else {
                    plan.note(
                        disk,
                        line,
                        column,
                        format!("the include `{path}` is outside the book's folder"),
                        "copy the file into the book, or into the new site, and fix the path",
                    );
                    continue;
                };
                let new_path = match book_rel
                    .strip_prefix(&format!("{}/", mapping.src_dir))
                    .filter(|_| !mapping.src_dir.is_empty())
                {
                    Some(in_src) => mapping.of_src(in_src),
                    None if mapping.src_dir.is_empty() => mapping.of_src(&book_rel),
                    None => {
                        let from = mapping.src_root.parent().unwrap_or(Path::new(".")).join(&book_rel);
                        if from.is_file() {
                            if !plan.files.contains_key(&book_rel) {
                                plan.files.insert(book_rel.clone(), FileOut::Copy(from));
                                plan.counts.files += 1;
                            }
                        } else {
                            plan.note(
                                disk,
                                line,
                                column,
                                format!("the included file `{path}` does not exist"),
                                "fix the path; Quire reports it at every build",
                            );
                        }
                        book_rel.clone()
                    }
                };
                let rel = relative(&new_dir, &new_path);
                if rel != path {
                    out.push_str(&text[last..arg.start()]);
                    out.push_str(&rel);
                    if let Some(spec) = spec {
                        out.push(':');
                        out.push_str(spec);
                    }
                    last = arg.end();
                    plan.counts.includes += 1;
                }
            }
            "title" => plan.note(
                disk,
                line,
                column,
                "`{{#title}}` is not carried over",
                "put the title in the page's front matter (`title = \"…\"`)",
            ),
            other => plan.note(
                disk,
                line,
                column,
                format!("`{{{{#{other}}}}}` is not carried over"),
                "Quire has `{{#include}}` and `{{#rustdoc_include}}` only; paste the content or use an include",
            ),
        }
    }
    out.push_str(&text[last..]);
    out
}

/// `[output.html.redirect]` (old path → new page relative to it) and `print.html`.
fn redirects(book: Option<&BookToml>, mapping: &Mapping, plan: &mut Plan) {
    let print = book
        .and_then(|b| b.get("output.html.print.enable"))
        .and_then(|v| v.as_bool())
        .unwrap_or(true);
    // A chapter of its own at `print.html` (mdBook refuses that name, but a source may have it).
    let print_taken = plan.pages.iter().any(|p| p.old_urls.iter().any(|u| u == "/print.html"));
    if print && !print_taken {
        plan.config
            .redirects
            .insert("/print.html".into(), crate::content::SECTION_INDEX.into());
    }
    let Some(book) = book else { return };
    let Some(table) = book.get("output.html.redirect").and_then(|v| v.as_table()) else {
        return;
    };
    for (key, to) in table {
        let (line, column) = book.at(&format!("output.html.redirect.{key}"));
        let Some(to) = to.as_str() else { continue };
        // `/old.html#part`: mdBook sends a fragment of an old page elsewhere with a script.
        // Quire's redirects answer paths; the fragment's own target is lost, so say so, and
        // redirect the page itself when nothing else does.
        let from = match key.split_once('#') {
            Some((page, fragment)) => {
                plan.note(
                    &book.file,
                    line,
                    column,
                    format!("the redirect of the fragment `#{fragment}` of `{page}` is not carried over"),
                    "Quire redirects whole paths; link to the new place from the page that had the fragment",
                );
                let plain = table.contains_key(page);
                let chapter = plan.pages.iter().any(|p| p.old_urls.iter().any(|u| u == page));
                if plain || chapter || plan.config.redirects.contains_key(page) {
                    continue;
                }
                page
            }
            None => key.as_str(),
        };
        let from = &from.to_string();
        if to.contains("://") {
            plan.config.redirects.insert(from.clone(), to.to_string());
            continue;
        }
        // The target is relative to the old path's folder, in mdBook's output.
        let from_src = format!("{}.md", from.trim_start_matches('/').trim_end_matches(".html"));
        match mapping.link(to, &from_src, crate::content::SECTION_INDEX) {
            Ok(Some(new)) => {
                let (path, fragment) = new.split_once('#').map_or((new.as_str(), None), |(p, f)| (p, Some(f)));
                let page = plan.pages.iter_mut().find(|p| p.path == percent_decode(path));
                match (page, fragment) {
                    (Some(page), None) => page.old_urls.push(from.clone()),
                    _ => {
                        plan.config.redirects.insert(from.clone(), percent_decode(&new));
                    }
                }
            }
            Ok(None) => {
                plan.note(
                    &book.file,
                    line,
                    column,
                    format!("the redirect to `{to}` leads outside the book"),
                    "add it to [redirects] in quire.toml with the full URL",
                );
            }
            Err(message) => plan.note(
                &book.file,
                line,
                column,
                format!("redirect `{from}`: {message}"),
                "fix or remove the redirect",
            ),
        }
    }
}
