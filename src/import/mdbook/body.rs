//! A chapter's text with its links and include paths pointed at their new places.

use super::UNLISTED;
use super::layout::{Layout, Placed};
use crate::content::CONTENT_DIR;
use crate::import::rewrite::{self, destinations};
use crate::import::{FileOut, Plan, join_rel, parent_dir, relative};
use crate::markdown::links::{encode_path, percent_decode};
use std::path::Path;

/// Where a file of the book (by its path from the book's folder) goes in the new site, by its
/// path from the new site's root.
pub(super) struct Mapping<'a> {
    pub(super) src_dir: &'a str,
    pub(super) layout: &'a Layout,
    pub(super) src_root: &'a Path,
}

impl Mapping<'_> {
    /// The new site path of a file under `src/` given by its path from `src/`.
    pub(super) fn of_src(&self, rel: &str) -> String {
        match self.layout.by_src.get(rel) {
            Some(&i) => format!("{CONTENT_DIR}/{}", self.layout.placed[i].new),
            None if rel.ends_with(".md") => format!("{UNLISTED}/{rel}"),
            None => format!("{CONTENT_DIR}/{rel}"),
        }
    }

    /// The chapter a link's path (from `src/`) names, as mdBook's output names it or as its source.
    pub(super) fn chapter(&self, target: &str, folder_link: bool) -> Option<&Placed> {
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
    pub(super) fn link(&self, dest: &str, from: &str, new: &str) -> Result<Option<String>, String> {
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

/// mdBook's `{{#…}}` directives: the name and the argument.
pub(super) fn directives() -> &'static regex::Regex {
    static RE: std::sync::OnceLock<regex::Regex> = std::sync::OnceLock::new();
    RE.get_or_init(|| regex::Regex::new(r"\{\{\s*#([a-z_]+)\s*([^}]*?)\s*\}\}").expect("a valid pattern"))
}

/// A chapter's text with its links and include paths pointed at their new places.
pub(super) fn chapter_body(
    text: &str,
    src: &str,
    placed: &Placed,
    mapping: &Mapping,
    disk: &Path,
    plan: &mut Plan,
) -> String {
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
