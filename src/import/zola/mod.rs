//! Importing a Zola site (`quire import zola`).
//!
//! Zola and Quire lay a site out alike: `content/` becomes `site/` file for file (sections'
//! `_index.md`, pages, page bundles with their assets) and `static/` stays `static/`. What
//! differs is converted: front matter keys ([`front_matter`]), the URLs Zola gave pages
//! ([`urls`]; kept with `slug` where Quire would spell them otherwise, else redirected),
//! `@/` internal links and URL links ([`body`]) and the configuration ([`config`]). Templates,
//! Sass, themes, taxonomies and shortcodes have no equivalent: each is a note at its
//! `file:line` saying what to do instead.

mod body;
mod config;
mod front_matter;
mod urls;

use super::{FileOut, PageOut, Plan};
use crate::content::{segment, slugify, split_prefix};
use anyhow::{Context, Result, bail};
use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

/// One Markdown file of `content/`, read.
struct Source {
    /// Path under `content/`.
    rel: String,
    /// Path under the new `site/`.
    out: String,
    /// The path shown in notes.
    file: PathBuf,
    text: String,
    body_start: usize,
    mapped: front_matter::Mapped,
    zola: urls::ZolaUrl,
}

/// Files found by [`walk`]: each file's `/`-separated relative path and its path on disk, and
/// what was left out.
type Walked = (Vec<(String, PathBuf)>, Vec<PathBuf>);

/// Every file under `dir`, by `/`-separated relative path, sorted, and the dot-files and
/// dot-folders left out (Quire ignores them everywhere).
fn walk(dir: &Path) -> Result<Walked> {
    let mut files = Vec::new();
    let mut hidden = Vec::new();
    let walker = walkdir::WalkDir::new(dir)
        .follow_links(true)
        .sort_by_file_name()
        .into_iter()
        .filter_entry(|e| {
            let dot = e.depth() > 0 && e.file_name().to_string_lossy().starts_with('.');
            if dot {
                hidden.push(e.path().to_path_buf());
            }
            !dot
        });
    for entry in walker {
        let entry = entry.with_context(|| format!("cannot read {}", dir.display()))?;
        if !entry.file_type().is_file() {
            continue;
        }
        let rel = entry
            .path()
            .strip_prefix(dir)
            .expect("walkdir stays under its root")
            .to_string_lossy()
            .replace('\\', "/");
        files.push((rel, entry.path().to_path_buf()));
    }
    Ok((files, hidden))
}

/// Where a file of `content/` goes under the new `site/`: the same path, except that
/// `README.md`, an ordinary page in Zola, is `readme.md` (Quire reads `README.md` as its
/// folder's page).
fn out_path(rel: &str) -> String {
    match rel.rsplit_once('/') {
        Some((dir, "README.md")) => format!("{dir}/readme.md"),
        None if rel == "README.md" => "readme.md".into(),
        _ => rel.to_string(),
    }
}

/// The URL segment Quire derives from a file stem or folder name.
fn quire_segment(name: &str) -> String {
    let slug = slugify(split_prefix(name).1);
    if slug.is_empty() { slugify(name) } else { slug }
}

/// The `slug` that keeps the page at its Zola URL, when Quire would spell the last segment
/// otherwise and Zola's spelling is a segment Quire takes.
fn keep_slug(src: &Source) -> Option<String> {
    if src.zola.language.is_some() || src.mapped.path.is_some() || src.zola.segment.is_empty() {
        return None;
    }
    let mut parts: Vec<&str> = src.out.split('/').collect();
    let name = parts.pop().unwrap_or_default();
    let stem = name.strip_suffix(".md").unwrap_or(name);
    let derived = match stem {
        "_index" | "index" => quire_segment(parts.last().copied().unwrap_or_default()),
        _ => quire_segment(stem),
    };
    let wanted = &src.zola.segment;
    (*wanted != derived && segment::problem(wanted).is_none()).then(|| wanted.clone())
}

/// Reads one Markdown file and maps its front matter.
fn read_page(content: &Path, rel: &str, abs: &Path, rules: &urls::Rules, plan: &mut Plan) -> Result<Source> {
    let file = content.join(rel);
    let text = std::fs::read_to_string(abs).with_context(|| format!("cannot read {}", file.display()))?;
    let block = front_matter::split(&text);
    if let Some((line, column, why)) = &block.error {
        plan.note(
            &file,
            *line,
            *column,
            format!("the front matter cannot be read ({why}), so the page is imported without it"),
            "fix the front matter in the Zola site and import again, or write it in the imported page",
        );
    }
    let section = rel == "_index.md" || rel.ends_with("/_index.md");
    let mapped = front_matter::map(&block.entries, section, &file, plan);
    let zola = urls::zola_url(rel, mapped.slug.as_deref(), mapped.path.as_deref(), rules);
    if zola.guessed {
        plan.note(
            &file,
            0,
            0,
            format!(
                "Zola spelled this name's letters in ASCII in its URL; the old URL is taken to be `{}`",
                zola.url
            ),
            "check that the old URL is redirected; if not, add it to the page's `redirect_from`",
        );
    }
    if let Some(lang) = &zola.language {
        plan.note(
            &file,
            0,
            0,
            format!(
                "this is the `{lang}` translation of a page; Quire builds a site in one language, so it is imported as a page of its own"
            ),
            "move it to a Quire site of its own for that language",
        );
    }
    Ok(Source {
        rel: rel.to_string(),
        out: out_path(rel),
        file,
        body_start: block.body_start,
        text,
        mapped,
        zola,
    })
}

/// The URL Zola gives a file that is not a page: inside a page bundle, under the page's URL;
/// elsewhere at its path under `content/`.
fn asset_url(rel: &str, bundles: &BTreeMap<String, String>) -> String {
    let mut dir = super::parent_dir(rel);
    while !dir.is_empty() {
        if let Some(url) = bundles.get(dir) {
            return format!("{url}{}", &rel[dir.len() + 1..]);
        }
        dir = super::parent_dir(dir);
    }
    format!("/{rel}")
}

/// Notes a folder of the Zola site that the import does not carry over.
fn note_folder(source: &Path, name: &str, message: &str, hint: &str, plan: &mut Plan) {
    let dir = source.join(name);
    if dir.is_dir() {
        plan.note(dir, 0, 0, message, hint);
    }
}

/// Reads the Zola site at `source` and plans the Quire site.
pub fn plan(source: &Path) -> Result<Plan> {
    let config_file = source.join("config.toml");
    let content = source.join("content");
    if !config_file.is_file() {
        bail!(
            "{} has no config.toml: `quire import zola` reads a Zola site's folder, the one holding config.toml and content/",
            source.display()
        );
    }
    if !content.is_dir() {
        bail!(
            "{} has no content/ folder: there is nothing to import",
            source.display()
        );
    }
    let mut plan = Plan::default();
    let site = config::read(source, &config_file, &mut plan)?;
    let (files, _) = walk(&content)?;
    let mut pages = Vec::new();
    let mut assets = Vec::new();
    for (rel, abs) in files {
        if rel.ends_with(".md") {
            pages.push(read_page(&content, &rel, &abs, &site.rules, &mut plan)?);
        } else {
            assets.push((rel, abs));
        }
    }

    // What links can lead to: every page and file, by path and by Zola URL.
    let bundles: BTreeMap<String, String> = pages
        .iter()
        .filter(|p| p.rel.ends_with("/index.md"))
        .map(|p| (super::parent_dir(&p.rel).to_string(), p.zola.url.clone()))
        .collect();
    let mut links = body::Links {
        base_path: site.base_path.clone(),
        ..body::Links::default()
    };
    for p in &pages {
        let target = body::Target {
            out: p.out.clone(),
            anchors: body::anchors(&p.text[p.body_start..], site.rules.anchors),
        };
        links.files.insert(p.rel.clone(), target);
        links.by_url.entry(p.zola.url.clone()).or_insert_with(|| p.rel.clone());
    }
    for (rel, _) in &assets {
        links.files.insert(
            rel.clone(),
            body::Target {
                out: rel.clone(),
                anchors: HashMap::new(),
            },
        );
        links
            .by_url
            .entry(asset_url(rel, &bundles))
            .or_insert_with(|| rel.clone());
    }

    for src in &pages {
        let page = body::Page {
            rel: &src.rel,
            out: &src.out,
            url: &src.zola.url,
        };
        let text = body::convert(&src.text, src.body_start, page, &links, &src.file, &mut plan);
        let mut front = src.mapped.front.clone();
        if !src.mapped.dated
            && let Some(date) = &src.zola.date
            && let Ok(d) = crate::content::front_matter::Date::parse(date)
        {
            let at = front.iter().position(|(k, _)| k == "weight" || k == "draft");
            let value = toml::Value::String(if date.len() == 10 { d.day } else { d.rfc3339 });
            front.insert(at.unwrap_or(front.len()), ("date".into(), value));
        }
        if let Some(slug) = keep_slug(src) {
            front.push(("slug".into(), toml::Value::String(slug)));
        }
        if src.mapped.draft {
            plan.counts.drafts += 1;
        }
        let mut old_urls: Vec<String> = vec![src.zola.url.clone()];
        old_urls.extend(src.mapped.aliases.iter().cloned());
        old_urls.retain(|u| !u.trim_matches('/').is_empty());
        old_urls.dedup();
        plan.pages.push(PageOut {
            path: src.out.clone(),
            front,
            body: text,
            old_urls,
        });
    }
    if !pages.iter().any(|p| p.rel == "_index.md" || p.rel == "index.md") {
        let title = plan.config.title.clone();
        plan.pages.insert(
            0,
            PageOut {
                path: "_index.md".into(),
                front: vec![("title".into(), toml::Value::String(title.clone()))],
                body: format!("Welcome to {title}. The pages of the site are in the menu.\n"),
                old_urls: Vec::new(),
            },
        );
        plan.note(
            &content,
            0,
            0,
            "the site has no content/_index.md, so the import wrote a home page (site/_index.md) with the site's title",
            "write the home page's text in site/_index.md",
        );
    }
    for (rel, abs) in assets {
        plan.files.insert(format!("site/{rel}"), FileOut::Copy(abs));
        plan.counts.files += 1;
    }
    let static_dir = source.join("static");
    if static_dir.is_dir() {
        let (files, hidden) = walk(&static_dir)?;
        for (rel, abs) in files {
            plan.files.insert(format!("static/{rel}"), FileOut::Copy(abs));
            plan.counts.files += 1;
        }
        for path in hidden {
            plan.note(
                path,
                0,
                0,
                "this is not imported: Quire ignores files and folders whose names start with `.`",
                "publish it another way (your host's settings or the deployment step)",
            );
        }
    }
    if content.join("glossary").is_dir() {
        plan.note(
            content.join("glossary"),
            0,
            0,
            "Quire reads site/glossary/ as the site's glossary: each of its pages becomes a term, linked from every page that uses it",
            "rename the folder if it is not a glossary, or set `[glossary] section` in quire.toml to another folder",
        );
    }
    note_folder(
        source,
        "templates",
        "Zola's templates are not carried over: Quire renders every page with its own theme",
        "copy what the templates add (analytics, a custom footer, extra markup) into a Quire theme under themes/",
        &mut plan,
    );
    note_folder(
        source,
        "sass",
        "Zola's Sass is not carried over: Quire does not compile Sass, and its theme's CSS is plain CSS",
        "compile the Sass once and put the CSS in a Quire theme's static/ folder",
        &mut plan,
    );
    note_folder(
        source,
        "themes",
        "Zola themes are not carried over: Quire renders every page with its own theme",
        "copy what the Zola theme adds into a Quire theme under themes/",
        &mut plan,
    );
    plan.notes.sort();
    Ok(plan)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn readme_is_an_ordinary_page() {
        assert_eq!(out_path("docs/README.md"), "docs/readme.md");
        assert_eq!(out_path("README.md"), "readme.md");
        assert_eq!(out_path("docs/a.md"), "docs/a.md");
    }

    #[test]
    fn assets_follow_their_bundle() {
        let bundles: BTreeMap<String, String> =
            [("blog/2024-01-01-trip".to_string(), "/blog/trip/".to_string())].into();
        assert_eq!(
            asset_url("blog/2024-01-01-trip/img/a.png", &bundles),
            "/blog/trip/img/a.png"
        );
        assert_eq!(asset_url("docs/a.png", &bundles), "/docs/a.png");
    }

    #[test]
    fn slugs_keep_zola_urls() {
        let src = |rel: &str| Source {
            rel: rel.into(),
            out: out_path(rel),
            file: PathBuf::from(rel),
            text: String::new(),
            body_start: 0,
            mapped: front_matter::Mapped::default(),
            zola: urls::zola_url(rel, None, None, &urls::Rules::default()),
        };
        assert_eq!(keep_slug(&src("blog/2024-01-15-hello.md")).as_deref(), Some("hello"));
        assert_eq!(keep_slug(&src("docs/01-intro.md")).as_deref(), Some("01-intro"));
        assert_eq!(keep_slug(&src("docs/01-guide/_index.md")).as_deref(), Some("01-guide"));
        assert_eq!(keep_slug(&src("docs/intro.md")), None);
        assert_eq!(
            keep_slug(&src("docs/My Guide/_index.md")),
            None,
            "a space is no segment"
        );
        assert_eq!(keep_slug(&src("_index.md")), None);
    }
}
