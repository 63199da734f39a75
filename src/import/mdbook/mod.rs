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

mod body;
mod config;
mod layout;
pub mod summary;

use super::{FileOut, PageOut, Plan};
use crate::content::CONTENT_DIR;
use crate::markdown::links::encode_path;
use anyhow::{Context, Result, bail};
use body::{Mapping, chapter_body};
use config::{BookToml, map_config, redirects};
use layout::{Layout, Placed};
use std::path::Path;
use summary::Item;

/// Where non-chapter Markdown files of `src/` go: outside `site/`, so they are not pages.
pub const UNLISTED: &str = "unlisted";

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
    plan.config = map_config(source, book.as_ref(), &mut plan);

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
