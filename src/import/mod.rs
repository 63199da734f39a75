//! `quire import`: an mdBook book or a Zola site becomes a Quire site in one command.
//!
//! Each source format has a file of its own ([`mdbook`], [`zola`]) that reads the source and
//! makes a [`Plan`]: the configuration, the pages (front matter in Quire's keys and the body
//! with its links rewritten) and the files to copy. This module writes a plan the way a build
//! writes its output: into a stage beside the destination, through the output [`Guard`],
//! renamed into place only when complete, so a failed or killed import leaves nothing half
//! written and never touches the source. Old URLs become `redirect_from` entries once the
//! staged site's new URLs are known, and the import ends by checking the new site with the
//! same code as `quire check`.

pub mod mdbook;
pub mod rewrite;
mod write;
pub use write::write;
pub mod zola;

use crate::diagnostics::{Diagnostic, Severity};
use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};

/// The site configuration an import writes as `quire.toml`.
#[derive(Debug, Clone, Default)]
pub struct ConfigOut {
    /// The site's name.
    pub title: String,
    /// Default meta description.
    pub description: Option<String>,
    /// Authors, joined.
    pub author: Option<String>,
    /// The pages' language.
    pub language: Option<String>,
    /// Where the site is published.
    pub base_url: Option<String>,
    /// `Some(false)` turns the search index off.
    pub search: Option<bool>,
    /// Old paths and where they lead (targets with an anchor, or outside the site).
    pub redirects: BTreeMap<String, String>,
    /// Set when the source has broken links, so the imported site builds and lists them.
    pub links_warn: bool,
}

/// One page of the new site.
#[derive(Debug, Clone)]
pub struct PageOut {
    /// Where it goes under `site/`, `/`-separated: `ch04/_index.md`.
    pub path: String,
    /// Front matter in Quire's keys, in the order written.
    pub front: Vec<(String, toml::Value)>,
    /// The Markdown body, links already rewritten.
    pub body: String,
    /// The page's URLs in the old site (`/ch04-01-ownership.html`), redirected when they
    /// differ from the new one.
    pub old_urls: Vec<String>,
}

/// A file of the new site other than a page, by its path under the new site's root.
#[derive(Debug, Clone)]
pub enum FileOut {
    /// Copied as it is from the source.
    Copy(PathBuf),
    /// Written with this text.
    Text(String),
}

/// Counts for the report.
#[derive(Debug, Clone, Default)]
pub struct Counts {
    /// Links and images pointed at the new paths.
    pub links: usize,
    /// `{{#include}}` paths pointed at the new paths.
    pub includes: usize,
    /// Titles taken from the source's navigation because the page had none.
    pub titles: usize,
    /// Draft pages.
    pub drafts: usize,
    /// Files copied (images, listings).
    pub files: usize,
}

/// Everything an import writes, made by one source format.
#[derive(Debug, Default)]
pub struct Plan {
    /// `quire.toml`.
    pub config: ConfigOut,
    /// The pages.
    pub pages: Vec<PageOut>,
    /// Other files, by path under the new site's root (`site/img/a.png`, `listings/x.rs`).
    pub files: BTreeMap<String, FileOut>,
    /// What could not be carried over, each at its file and line with what to do.
    pub notes: Vec<Diagnostic>,
    /// Counts for the report.
    pub counts: Counts,
}

impl Plan {
    /// Records something the import could not carry over, at `file:line:column` of the source.
    pub fn note(
        &mut self,
        file: impl Into<PathBuf>,
        line: usize,
        column: usize,
        message: impl Into<String>,
        hint: impl Into<String>,
    ) {
        self.notes
            .push(Diagnostic::warning(file, line, column, message).with_hint(hint));
    }
}

/// What an import did, printed at its end.
#[derive(Debug)]
pub struct Report {
    /// The source format's name.
    pub format: &'static str,
    /// The new site's folder.
    pub into: PathBuf,
    /// Pages written (section indexes included).
    pub pages: usize,
    /// Old URLs answered by redirect pages.
    pub redirects: usize,
    /// Counts from the source format.
    pub counts: Counts,
    /// What could not be carried over.
    pub notes: Vec<Diagnostic>,
    /// What `quire check` says of the new site.
    pub check: Vec<Diagnostic>,
}

impl Report {
    /// Whether the new site builds.
    pub fn builds(&self) -> bool {
        !self.check.iter().any(|d| d.severity == Severity::Error)
    }
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for note in &self.notes {
            writeln!(f, "{note}")?;
        }
        if !self.check.is_empty() {
            writeln!(f, "`quire check` of the imported site:")?;
            for d in &self.check {
                writeln!(f, "{d}")?;
            }
        }
        let c = &self.counts;
        writeln!(
            f,
            "imported {} pages from {} into {}: {} links and {} includes rewritten, {} titles from the navigation, {} drafts, {} files copied, {} redirects",
            self.pages,
            self.format,
            self.into.display(),
            c.links,
            c.includes,
            c.titles,
            c.drafts,
            c.files,
            self.redirects
        )?;
        let fatal = self.check.iter().filter(|d| d.severity == Severity::Error).count();
        if fatal > 0 {
            write!(
                f,
                "the imported site does not build yet: fix the {fatal} errors above, then run `quire serve --root {}`",
                self.into.display()
            )
        } else {
            write!(
                f,
                "{} constructs not carried over (listed above); next: `quire serve --root {}`",
                self.notes.len(),
                self.into.display()
            )
        }
    }
}

/// The folder an import writes to when `--into` is not given: `<source name>-quire` in the
/// current folder.
pub fn default_into(source: &Path) -> PathBuf {
    let name = std::path::absolute(source)
        .ok()
        .and_then(|p| p.file_name().map(|n| n.to_string_lossy().into_owned()))
        .unwrap_or_else(|| "site".into());
    PathBuf::from(format!("{name}-quire"))
}

/// `rel` (a `/`-separated path from a folder) joined onto `dir`, with `.` and `..` resolved;
/// `None` when it climbs above the top: the Markdown stage's own join.
pub use crate::markdown::links::join as join_rel;

/// The relative path from the folder `from_dir` to `to` (both `/`-separated, from one root).
pub fn relative(from_dir: &str, to: &str) -> String {
    let from: Vec<&str> = from_dir.split('/').filter(|p| !p.is_empty()).collect();
    let target: Vec<&str> = to.split('/').filter(|p| !p.is_empty()).collect();
    let common = from.iter().zip(&target).take_while(|(a, b)| a == b).count();
    let mut parts: Vec<&str> = vec![".."; from.len() - common];
    parts.extend(&target[common..]);
    let joined = parts.join("/");
    if joined.is_empty() { ".".into() } else { joined }
}

/// Every key of a TOML document by its dotted path (`output.html.site-url`), with the line
/// and column where it is written, so notes about a source's configuration point at it.
pub fn toml_positions(text: &str) -> BTreeMap<String, (usize, usize)> {
    fn walk(
        table: &toml::de::DeTable<'_>,
        prefix: &str,
        lines: &crate::diagnostics::LineIndex,
        out: &mut BTreeMap<String, (usize, usize)>,
    ) {
        for (key, value) in table {
            let path = if prefix.is_empty() {
                key.get_ref().to_string()
            } else {
                format!("{prefix}.{}", key.get_ref())
            };
            out.entry(path.clone())
                .or_insert_with(|| lines.position(key.span().start));
            if let Some(inner) = value.get_ref().as_table() {
                walk(inner, &path, lines, out);
            }
        }
    }
    let mut out = BTreeMap::new();
    if let Ok(doc) = toml::de::DeTable::parse(text) {
        walk(doc.get_ref(), "", &crate::diagnostics::LineIndex::new(text), &mut out);
    }
    out
}

/// The folder part of a `/`-separated path (`a/b.md` → `a`).
pub fn parent_dir(path: &str) -> &str {
    path.rfind('/').map_or("", |i| &path[..i])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn relative_paths() {
        assert_eq!(relative("a/b", "a/c.md"), "../c.md");
        assert_eq!(relative("", "x/y.md"), "x/y.md");
        assert_eq!(relative("x/y", "x/y/z.png"), "z.png");
        assert_eq!(relative("a", "b/c.md"), "../b/c.md");
        assert_eq!(join_rel("a/b", "../c.md").as_deref(), Some("a/c.md"));
        assert_eq!(join_rel("", "../c.md"), None);
        assert_eq!(parent_dir("a/b.md"), "a");
        assert_eq!(parent_dir("b.md"), "");
    }

    #[test]
    fn toml_keys_have_their_lines() {
        let p = toml_positions("[book]\ntitle = \"x\"\n\n[output.html]\nfold.enable = true\n[preprocessor.katex]\n");
        assert_eq!(p["book.title"], (2, 1));
        assert_eq!(p["output.html.fold.enable"], (5, 6));
        assert_eq!(p["preprocessor.katex"], (6, 15));
    }
}
