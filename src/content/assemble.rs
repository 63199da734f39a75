//! Assembling the loaded files into pages and sections: each folder's page, URLs, the order
//! of every section's entries and the reading order, and the assets beside the pages.

use super::bundle::{self, Folders};
use super::{
    Asset, CONTENT_DIR, Child, Content, LoadOptions, Loaded, Page, PageId, SECTION_INDEX, Section, SectionId, humanize,
    parent_dir, segment, slugify, split_prefix,
};
use crate::diagnostics::{Diagnostic, key_position};
use std::collections::HashMap;
use std::path::PathBuf;

/// Builds sections, URLs and order from the loaded files.
pub(super) fn assemble(
    mut loaded: Vec<Loaded>,
    other: Vec<(PathBuf, String)>,
    options: LoadOptions,
    errors: &mut Vec<Diagnostic>,
) -> Option<Content> {
    // Drafts go first, and with them every page under a draft folder page (a draft section
    // takes its pages along; a draft bundle has none but its assets).
    if !options.drafts {
        let has_section_index = |dir: &str| {
            loaded
                .iter()
                .any(|l| bundle::file_name(&l.source) == SECTION_INDEX && parent_dir(&l.source) == dir)
        };
        let draft_dirs: Vec<String> = loaded
            .iter()
            .filter(|l| l.front.draft && bundle::may_stand_for_folder(&l.source, options.glossary.as_deref()))
            .filter(|l| bundle::file_name(&l.source) == SECTION_INDEX || !has_section_index(parent_dir(&l.source)))
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

    // Each folder's own page: `_index.md` makes a section, `index.md` or `README.md` a leaf
    // bundle or (beside other pages) a section too. The root must have one.
    let sources: Vec<&str> = loaded.iter().map(|l| l.source.as_str()).collect();
    let folders: Folders = bundle::classify(&sources, options.glossary.as_deref(), errors);
    let section_dirs = &folders.sections;
    if !section_dirs.contains_key("") {
        errors.push(
            Diagnostic::error(
                format!("{CONTENT_DIR}/{SECTION_INDEX}"),
                0,
                0,
                "the site has no home page",
            )
            .with_hint(format!(
                "create `{CONTENT_DIR}/{SECTION_INDEX}` (or `{CONTENT_DIR}/index.md`, `{CONTENT_DIR}/README.md`) with the home page's text"
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
    // The nearest enclosing section of a folder (other folders are transparent).
    let enclosing = |mut dir: &str| -> SectionId {
        loop {
            if let Some(&s) = section_of_dir.get(dir) {
                return s;
            }
            dir = parent_dir(dir);
        }
    };

    // URL segment of each folder: its page (section index or bundle) may set `slug`; otherwise
    // the folder name, so a bundle's assets follow its slug.
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
            let from_index = folders.page(dir).and_then(|i| loaded[i].front.slug.clone());
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
                        .with_hint("rename the folder, or give its `_index.md` or `index.md` a `slug`"),
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
        let file_name = bundle::file_name(&l.source);
        let stem = file_name.trim_end_matches(".md");
        let dir = parent_dir(&l.source);
        // Whether this file stands for its folder, as a section index or a leaf bundle.
        let folder_page = folders.page(dir) == Some(id);
        let is_index = folder_page && section_dirs.contains_key(dir);
        let (prefix, bare) = if folder_page {
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
        let path = if folder_page {
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
        let section = if is_index {
            section_of_dir[dir]
        } else if folder_page {
            // A bundle belongs where its folder sits.
            enclosing(parent_dir(dir))
        } else {
            enclosing(dir)
        };
        pages.push(Page {
            id,
            file: l.file,
            section,
            source: l.source,
            text: l.text,
            body_start: l.body_start,
            front: l.front,
            title,
            title_heading,
            path,
            is_index,
            bundle: folder_page && !is_index,
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
    let by_dir = section_dirs
        .iter()
        .chain(&folders.bundles)
        .map(|(dir, &page)| (dir.clone(), page))
        .collect();
    let assets_by_source = assets.iter().enumerate().map(|(i, a)| (a.source.clone(), i)).collect();
    Some(Content {
        pages,
        sections,
        assets,
        reading_order,
        by_source,
        assets_by_source,
        by_dir,
    })
}
