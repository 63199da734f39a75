//! Writing a [`Plan`]: into a stage beside the destination, through the output guard; old
//! URLs turned into `redirect_from` once the new site's URLs are known; the new site checked
//! with the code of `quire check`; then the stage renamed into place.

use super::{ConfigOut, FileOut, PageOut, Plan, Report};
use crate::config::CONFIG_FILE;
use crate::content::{CONTENT_DIR, Content, LoadOptions};
use crate::diagnostics::{BuildError, Diagnostic, Severity};
use crate::output::guard::Guard;
use anyhow::{Context, Result, bail};
use std::collections::BTreeSet;
use std::path::Path;

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
    let put_page = |page: &PageOut| {
        put(
            &guard,
            &stage,
            &format!("{CONTENT_DIR}/{}", page.path),
            &FileOut::Text(page_text(page)),
        )
    };
    let write_all = |plan: &Plan| -> Result<()> {
        put(&guard, &stage, CONFIG_FILE, &FileOut::Text(config_text(&plan.config)))?;
        for page in &plan.pages {
            put_page(page)?;
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
                put_page(page)?;
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

#[cfg(test)]
mod tests {
    use super::*;

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
