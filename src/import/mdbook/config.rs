//! `book.toml` as `quire.toml`, its redirects, and a note for every key Quire has no equivalent for.

use super::body::Mapping;
use crate::import::{ConfigOut, Plan};
use crate::markdown::links::percent_decode;
use anyhow::{Context, Result};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

/// The values and key positions of `book.toml`.
pub(super) struct BookToml {
    pub(super) table: toml::Table,
    pub(super) positions: BTreeMap<String, (usize, usize)>,
    pub(super) file: PathBuf,
}

impl BookToml {
    pub(super) fn read(source: &Path) -> Result<Option<BookToml>> {
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
            positions: crate::import::toml_positions(&text),
            file,
        }))
    }

    pub(super) fn get(&self, path: &str) -> Option<&toml::Value> {
        let mut parts = path.split('.');
        let mut value = self.table.get(parts.next()?)?;
        for part in parts {
            value = value.get(part)?;
        }
        Some(value)
    }

    pub(super) fn str(&self, path: &str) -> Option<String> {
        self.get(path).and_then(|v| v.as_str()).map(str::to_string)
    }

    pub(super) fn at(&self, path: &str) -> (usize, usize) {
        self.positions.get(path).copied().unwrap_or((1, 1))
    }
}

/// The `book.toml` keys Quire maps; any other is reported.
pub(super) const MAPPED: &[&str] = &[
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
pub(super) fn unmapped_hint(key: &str) -> &'static str {
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

/// `[book]` and `[output.html]` as `quire.toml`, and a note for every other key.
pub(super) fn map_config(source: &Path, book: Option<&BookToml>, plan: &mut Plan) -> ConfigOut {
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

/// `[output.html.redirect]` (old path → new page relative to it) and `print.html`.
pub(super) fn redirects(book: Option<&BookToml>, mapping: &Mapping, plan: &mut Plan) {
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
