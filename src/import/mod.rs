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
pub mod zola;

use crate::config::CONFIG_FILE;
use crate::content::{CONTENT_DIR, Content, LoadOptions};
use crate::diagnostics::{BuildError, Diagnostic, Severity};
use crate::output::guard::Guard;
use anyhow::{Context, Result, bail};
use std::collections::{BTreeMap, BTreeSet};
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

/// Checks that `into` can be written without touching `source`, and returns its guard.
fn destination(source: &Path, into: &Path) -> Result<Guard> {
    let source_real = source
        .canonicalize()
        .with_context(|| format!("cannot read the source folder {}", source.display()))?;
    if !source_real.is_dir() {
        bail!("{} is not a folder", source.display());
    }
    let resolved = crate::output::guard::resolve(into)?;
    if resolved.starts_with(&source_real) {
        bail!(
            "the destination {} is inside the source {}: an import never writes into its source; pass --into a folder elsewhere",
            into.display(),
            source.display()
        );
    }
    if resolved.is_file() {
        bail!("the destination {} is a file; pass --into a new folder", into.display());
    }
    if resolved.is_dir()
        && std::fs::read_dir(&resolved)
            .with_context(|| format!("cannot read {}", into.display()))?
            .next()
            .is_some()
    {
        bail!(
            "the destination {} is not empty; pass --into a new folder (an import never overwrites files)",
            into.display()
        );
    }
    Guard::new(&source_real, &resolved).map_err(|d| anyhow::anyhow!("{}", d.message))
}

/// TOML front matter for a page, keys in the order given.
fn front_matter(front: &[(String, toml::Value)]) -> String {
    let mut out = String::from("+++\n");
    for (key, value) in front {
        out.push_str(&format!("{key} = {value}\n"));
    }
    out.push_str("+++\n");
    out
}

/// `quire.toml` for the new site.
fn config_text(config: &ConfigOut) -> String {
    let s = |v: &str| toml::Value::String(v.to_string()).to_string();
    let mut out = format!("title = {}\n", s(&config.title));
    for (key, value) in [
        ("description", &config.description),
        ("author", &config.author),
        ("language", &config.language),
        ("base_url", &config.base_url),
    ] {
        if let Some(v) = value.as_deref().filter(|v| !v.is_empty()) {
            out.push_str(&format!("{key} = {}\n", s(v)));
        }
    }
    if let Some(enabled) = config.search {
        out.push_str(&format!("\n[search]\nenabled = {enabled}\n"));
    }
    if config.links_warn {
        out.push_str(
            "\n# The imported source has broken links (listed by the import and by every build):\n# fix them, then remove this table so a broken link stops the build again.\n[links]\ninternal = \"warn\"\n",
        );
    }
    if !config.redirects.is_empty() {
        out.push_str("\n[redirects]\n");
        for (from, to) in &config.redirects {
            out.push_str(&format!("{} = {}\n", s(from), s(to)));
        }
    }
    out
}

/// Writes `text` or copies a file to `rel` under the stage, creating folders.
fn put(guard: &Guard, stage: &Path, rel: &str, file: &FileOut) -> Result<()> {
    let path = guard.join(stage, rel)?;
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).with_context(|| format!("cannot create {}", parent.display()))?;
    }
    match file {
        FileOut::Text(text) => std::fs::write(&path, text).with_context(|| format!("cannot write {}", path.display())),
        FileOut::Copy(from) => std::fs::copy(from, &path)
            .map(|_| ())
            .with_context(|| format!("cannot copy {} to {}", from.display(), path.display())),
    }
}

fn page_text(page: &PageOut) -> String {
    format!("{}{}", front_matter(&page.front), page.body)
}

/// Turns each page's old URLs into `redirect_from` entries where the new URL differs; an old
/// URL that another page or file of the new site now answers is noted instead.
fn add_redirects(plan: &mut Plan, content: &Content) -> usize {
    let taken: BTreeSet<String> = content
        .pages
        .iter()
        .map(|p| format!("{}index.html", p.path))
        .chain(content.assets.iter().map(|a| a.path.clone()))
        .collect();
    let mut made = BTreeSet::new();
    let mut notes = Vec::new();
    for page in &mut plan.pages {
        let Some(&id) = content.by_source.get(&page.path) else {
            continue;
        };
        let new = format!("{}index.html", content.pages[id].path);
        let mut from = Vec::new();
        for old in &page.old_urls {
            let Ok(path) = crate::site::redirects::output_path(old) else {
                continue;
            };
            if path == new || made.contains(&path) {
                continue;
            }
            if taken.contains(&path) {
                notes.push(
                    Diagnostic::warning(
                        Path::new(CONTENT_DIR).join(&page.path),
                        1,
                        1,
                        format!("the old URL `{old}` of this page is now another page's or file's URL, so it cannot redirect here"),
                    )
                    .with_hint("links from outside to the old URL now reach that page; add a note to it if readers need one"),
                );
                continue;
            }
            made.insert(path);
            from.push(toml::Value::String(old.clone()));
        }
        if !from.is_empty() {
            page.front.push(("redirect_from".into(), toml::Value::Array(from)));
        }
    }
    plan.notes.extend(notes);
    made.len()
}

/// Writes `plan` to `into` (a new or empty folder) and checks the new site; `source` is
/// never written. `format` names the source format in the report.
pub fn write(mut plan: Plan, format: &'static str, source: &Path, into: &Path) -> Result<Report> {
    let guard = destination(source, into)?;
    let stage = guard.sibling("quire-import");
    if stage.exists() {
        // A killed import's leftover: ours by name, and never the destination itself.
        std::fs::remove_dir_all(&stage).with_context(|| format!("cannot remove the leftover {}", stage.display()))?;
    }
    std::fs::create_dir_all(&stage).with_context(|| format!("cannot create {}", stage.display()))?;
    let write_all = |plan: &Plan| -> Result<()> {
        put(&guard, &stage, CONFIG_FILE, &FileOut::Text(config_text(&plan.config)))?;
        for page in &plan.pages {
            put(
                &guard,
                &stage,
                &format!("{CONTENT_DIR}/{}", page.path),
                &FileOut::Text(page_text(page)),
            )?;
        }
        for (rel, file) in &plan.files {
            put(&guard, &stage, rel, file)?;
        }
        Ok(())
    };
    write_all(&plan)?;
    let loaded = Content::load(
        &stage,
        LoadOptions {
            drafts: true,
            glossary: None,
        },
    );
    let redirects = match &loaded {
        Ok(content) => {
            let made = add_redirects(&mut plan, content);
            for page in plan
                .pages
                .iter()
                .filter(|p| p.front.iter().any(|(k, _)| k == "redirect_from"))
            {
                put(
                    &guard,
                    &stage,
                    &format!("{CONTENT_DIR}/{}", page.path),
                    &FileOut::Text(page_text(page)),
                )?;
            }
            made + plan.config.redirects.len()
        }
        Err(_) => 0,
    };
    let mut check = check_site(&stage);
    let link_warnings = check
        .iter()
        .any(|d| d.severity == Severity::Warning && is_link_problem(d));
    if link_warnings {
        plan.config.links_warn = true;
        put(&guard, &stage, CONFIG_FILE, &FileOut::Text(config_text(&plan.config)))?;
    }
    // Messages name the new site's files as they will be: relative to `into`.
    for d in &mut check {
        if let Ok(rel) = d.file.strip_prefix(&stage) {
            d.file = rel.to_path_buf();
        }
    }
    if guard.out().exists() {
        std::fs::remove_dir(guard.out())
            .with_context(|| format!("cannot replace the empty folder {}", into.display()))?;
    }
    std::fs::rename(&stage, guard.out()).with_context(|| format!("cannot move the import into {}", into.display()))?;
    Ok(Report {
        format,
        into: into.to_path_buf(),
        pages: plan.pages.len(),
        redirects,
        counts: plan.counts,
        notes: plan.notes,
        check,
    })
}

/// Whether a diagnostic is about a link or anchor (the kind `[links] internal = "warn"` lowers).
fn is_link_problem(d: &Diagnostic) -> bool {
    d.message.starts_with("the link ")
        || d.message.starts_with("the anchor ")
        || d.message.contains("points outside the content folder")
}

/// `quire check` of the staged site with broken links as warnings, as diagnostics.
fn check_site(root: &Path) -> Vec<Diagnostic> {
    let options = crate::BuildOptions {
        links: Some(crate::config::LinkLevel::Warn),
        ..crate::BuildOptions::new(root)
    };
    match crate::check(&options) {
        Ok(report) => report.warnings,
        Err(e) => match e.downcast::<BuildError>() {
            Ok(b) => b.diagnostics,
            Err(e) => vec![Diagnostic::error(root, 0, 0, format!("{e:#}"))],
        },
    }
}

/// `rel` (a `/`-separated path from a folder) joined onto `dir`, with `.` and `..` resolved;
/// `None` when it climbs above the top.
pub fn join_rel(dir: &str, rel: &str) -> Option<String> {
    let mut parts: Vec<&str> = dir.split('/').filter(|p| !p.is_empty()).collect();
    for seg in rel.split('/') {
        match seg {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            s => parts.push(s),
        }
    }
    Some(parts.join("/"))
}

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

    #[test]
    fn front_matter_is_toml_that_quire_reads() {
        let front = vec![
            ("title".to_string(), toml::Value::String("A \"quoted\" title".into())),
            ("weight".to_string(), toml::Value::Integer(3)),
            (
                "redirect_from".to_string(),
                toml::Value::Array(vec![toml::Value::String("/a.html".into())]),
            ),
        ];
        let text = format!("{}Body\n", front_matter(&front));
        let split = crate::content::front_matter::split(&text, Path::new("x.md"));
        assert!(split.errors.is_empty(), "{:?}", split.errors);
        assert_eq!(split.front.title.as_deref(), Some("A \"quoted\" title"));
        assert_eq!(split.front.weight, Some(3));
        assert_eq!(split.front.redirect_from, ["/a.html"]);
    }

    #[test]
    fn config_is_what_quire_reads() {
        let config = ConfigOut {
            title: "Book \"one\"".into(),
            base_url: Some("https://example.com/book/".into()),
            search: Some(false),
            links_warn: true,
            redirects: [("/old.html".to_string(), "a.md#x".to_string())].into(),
            ..Default::default()
        };
        let (parsed, _) = crate::config::Config::parse(&config_text(&config), None).expect("parses");
        assert_eq!(parsed.title, "Book \"one\"");
        assert!(!parsed.search.enabled);
        assert_eq!(parsed.links.internal, crate::config::LinkLevel::Warn);
        assert_eq!(parsed.redirects["/old.html"], "a.md#x");
    }
}
