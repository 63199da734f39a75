//! Where each chapter of `SUMMARY.md` goes in the new site: its folder, file name and weight.

use super::summary::Chapter;
use crate::import::parent_dir;
use std::collections::{HashMap, HashSet};

/// A chapter's place in the new site.
#[derive(Debug, Clone)]
pub(super) struct Placed {
    pub(super) title: String,
    /// Its file under `src/`; `None` for drafts and part titles.
    pub(super) src: Option<String>,
    /// Its new file under `site/`.
    pub(super) new: String,
    pub(super) weight: i64,
    pub(super) draft: bool,
    /// Its line in `SUMMARY.md`.
    pub(super) line: usize,
}

/// Builds the new tree from `SUMMARY.md`'s entries.
#[derive(Default)]
pub(super) struct Layout {
    pub(super) placed: Vec<Placed>,
    pub(super) by_src: HashMap<String, usize>,
    /// URL segments taken in each folder.
    pub(super) taken: HashMap<String, HashSet<String>>,
    pub(super) weights: HashMap<String, i64>,
    pub(super) home: bool,
    pub(super) duplicates: Vec<(usize, String)>,
}

/// A name that is a valid URL segment: the stem as written when it is one, else a slug.
pub(super) fn segment_name(stem: &str) -> String {
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
pub(super) fn slug_name(title: &str) -> String {
    let slug = crate::content::slugify(title);
    if slug.is_empty() { "part".into() } else { slug }
}

impl Layout {
    pub(super) fn next_weight(&mut self, dir: &str) -> i64 {
        let w = self.weights.entry(dir.to_string()).or_insert(0);
        *w += 1;
        *w
    }

    /// A free name in `dir` for `wanted`, compared as Quire compares URLs (without the
    /// numeric prefix).
    pub(super) fn free_name(&mut self, dir: &str, wanted: &str) -> String {
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

    pub(super) fn name_for(chapter: &Chapter) -> String {
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

    pub(super) fn push(&mut self, placed: Placed) {
        if let Some(src) = &placed.src {
            self.by_src.insert(src.clone(), self.placed.len());
        }
        self.placed.push(placed);
    }

    pub(super) fn place(&mut self, chapter: &Chapter, dir: &str) {
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

    pub(super) fn part(&mut self, title: &str, line: usize) -> String {
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
