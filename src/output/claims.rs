//! Which output path each part of a build asks for, checked before anything is rendered.
//!
//! Every page, copied file, static file and generated file claims its output path. Two
//! claims on one path, a file where another claim needs a folder (`slug: 404.html` against
//! the generated `404.html`), a path under a folder Quire reserves (`pagefind/`), or a path
//! no file system can hold (a segment over 255 bytes, a control character) is an error
//! naming both sides. `quire check` runs this too, so it fails wherever `build` would.

use crate::diagnostics::Diagnostic;
use std::collections::BTreeMap;
use std::path::PathBuf;

/// The longest file name (one path segment) common file systems accept, in bytes.
pub const MAX_SEGMENT_BYTES: usize = 255;

/// Who claims an output path, for messages about collisions.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Origin {
    /// A page; `line`/`column` point at its `slug` when it has one.
    Page {
        /// The page's source file, as shown to the user.
        file: PathBuf,
        /// Where its `slug` is written (0 when it has none).
        line: usize,
        /// Where its `slug` is written (0 when it has none).
        column: usize,
    },
    /// A file under `site/` copied beside the pages.
    Asset(PathBuf),
    /// A file under `static/` copied to the output root.
    Static(PathBuf),
    /// The page answering an old path (`redirect_from` or `[redirects]`).
    Redirect {
        /// The page or `quire.toml` listing the old path.
        file: PathBuf,
        /// Where the old path is written.
        line: usize,
        /// Where the old path is written.
        column: usize,
    },
    /// A file Quire generates, described for people: "the 404 page".
    Generated(String),
}

impl Origin {
    fn describe(&self) -> String {
        match self {
            Origin::Page { file, .. } | Origin::Asset(file) | Origin::Static(file) => file.display().to_string(),
            Origin::Redirect { file, line, .. } => format!("a redirect in {}:{line}", file.display()),
            Origin::Generated(what) => format!("{what}, which Quire generates"),
        }
    }

    fn is_generated(&self) -> bool {
        matches!(self, Origin::Generated(_))
    }

    /// An error at this origin (the user's side of a collision).
    fn error(&self, message: String) -> Diagnostic {
        let (file, line, column, hint) = match self {
            Origin::Page { file, line, column } => (
                file.clone(),
                *line,
                *column,
                "give the page another `slug` in its front matter, or rename its file",
            ),
            Origin::Asset(file) => (file.clone(), 0, 0, "rename the file or move it to another folder"),
            Origin::Redirect { file, line, column } => (
                file.clone(),
                *line,
                *column,
                "remove this old path: another page, file or redirect already answers it",
            ),
            Origin::Static(file) => (
                file.clone(),
                0,
                0,
                "rename or remove the file; to change a page Quire generates, edit the theme's template instead",
            ),
            Origin::Generated(_) => (
                PathBuf::from("quire.toml"),
                0,
                0,
                "two generated files collide: this is a bug in Quire's theme or generator; please report it",
            ),
        };
        Diagnostic::error(file, line, column, message).with_hint(hint)
    }
}

/// Every output path of a build and who claims it.
#[derive(Debug, Default)]
pub struct Claims {
    claims: Vec<(String, Origin)>,
    reserved: Vec<(String, String)>,
}

impl Claims {
    /// Records that `origin` will write `path`.
    pub fn claim(&mut self, path: impl Into<String>, origin: Origin) {
        self.claims.push((path.into(), origin));
    }

    /// Reserves a whole folder (`pagefind/`) for a generated part of the site.
    pub fn reserve(&mut self, folder: &str, what: &str) {
        self.reserved
            .push((folder.trim_end_matches('/').to_string(), what.to_string()));
    }

    /// Every problem with the claimed paths, one diagnostic per offending claim.
    pub fn check(&self) -> Vec<Diagnostic> {
        let mut errors = Vec::new();
        let mut by_path: BTreeMap<&str, &Origin> = BTreeMap::new();
        // Generated files first, so a user's file is the one reported when both collide.
        let mut ordered: Vec<&(String, Origin)> = self.claims.iter().collect();
        ordered.sort_by_key(|(_, o)| !o.is_generated());
        for (path, origin) in ordered {
            if let Some(problem) = unfit_path(path) {
                errors.push(origin.error(format!("the output path `{path}` {problem}")));
                continue;
            }
            if let Some(first) = by_path.get(path.as_str()) {
                errors.push(origin.error(format!(
                    "the output path `{path}` is also claimed by {}",
                    first.describe()
                )));
                continue;
            }
            if !origin.is_generated()
                && let Some((folder, what)) = self
                    .reserved
                    .iter()
                    .find(|(f, _)| path == f || path.starts_with(&format!("{f}/")))
            {
                errors.push(origin.error(format!(
                    "the output path `{path}` is inside `{folder}/`, which is reserved for {what}"
                )));
                continue;
            }
            by_path.insert(path, origin);
        }
        // A file where another claim needs a folder: `a` against `a/index.html`.
        for (path, origin) in &by_path {
            let folder = format!("{path}/");
            if let Some((inner, inner_origin)) = by_path.range(folder.as_str()..).next()
                && inner.starts_with(&folder)
            {
                let (user, other, user_path, other_path) = if origin.is_generated() {
                    (inner_origin, origin, inner, path)
                } else {
                    (origin, inner_origin, path, inner)
                };
                errors.push(user.error(format!(
                    "the output path `{user_path}` clashes with `{other_path}` of {}: `{path}` cannot be both a file and a folder",
                    other.describe()
                )));
            }
        }
        errors
    }
}

/// Why `path` cannot be written on common file systems, if it cannot.
fn unfit_path(path: &str) -> Option<String> {
    for segment in path.split('/') {
        if segment.is_empty() || segment == "." || segment == ".." {
            return Some("has an empty, `.` or `..` segment".to_string());
        }
        if segment.len() > MAX_SEGMENT_BYTES {
            return Some(format!(
                "has a segment of {} bytes; file systems allow at most {MAX_SEGMENT_BYTES}",
                segment.len()
            ));
        }
        if let Some(c) = segment.chars().find(|c| c.is_control() || *c == '\\') {
            return Some(format!(
                "contains the character {c:?}, which a URL or file name cannot hold"
            ));
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn page(name: &str) -> Origin {
        Origin::Page {
            file: PathBuf::from(format!("site/{name}.md")),
            line: 2,
            column: 1,
        }
    }

    #[test]
    fn duplicates_name_both_sides() {
        let mut c = Claims::default();
        c.claim("404.html", Origin::Generated("the 404 page".into()));
        c.claim("404.html", Origin::Static("static/404.html".into()));
        let e = c.check();
        assert_eq!(e.len(), 1);
        assert_eq!(e[0].file, PathBuf::from("static/404.html"));
        assert!(e[0].message.contains("the 404 page, which Quire generates"), "{}", e[0]);
    }

    #[test]
    fn a_file_against_a_folder() {
        let mut c = Claims::default();
        c.claim("404.html/index.html", page("a"));
        c.claim("404.html", Origin::Generated("the 404 page".into()));
        let e = c.check();
        assert_eq!(e.len(), 1, "{e:?}");
        assert_eq!((e[0].line, e[0].column), (2, 1), "points at the slug");
        assert!(e[0].message.contains("cannot be both a file and a folder"), "{}", e[0]);
    }

    #[test]
    fn reserved_folders_and_unfit_paths() {
        let mut c = Claims::default();
        c.reserve("pagefind/", "the search index");
        c.claim("pagefind/pagefind.js", Origin::Generated("the search index".into()));
        c.claim("pagefind/x.js", Origin::Static("static/pagefind/x.js".into()));
        c.claim(format!("{}/index.html", "a".repeat(300)), page("long"));
        c.claim("a\0b/index.html", page("nul"));
        let e = c.check();
        assert_eq!(e.len(), 3, "{e:?}");
        assert!(e.iter().all(|d| d.hint.is_some()));
    }

    #[test]
    fn distinct_paths_pass() {
        let mut c = Claims::default();
        c.claim("a/index.html", page("a"));
        c.claim("a-b/index.html", page("a-b"));
        c.claim("a.html", Origin::Static("static/a.html".into()));
        assert!(c.check().is_empty());
    }
}
