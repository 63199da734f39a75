//! `quire new`: skeletons for a site, a page and a glossary term. Never overwrites a file.

use crate::config::CONFIG_FILE;
use crate::content::{CONTENT_DIR, Content, LoadOptions, SECTION_INDEX, slugify, split_prefix};
use anyhow::{Context, Result, bail};
use std::path::{Path, PathBuf};

/// Writes `text` to `path`, refusing to replace an existing file.
fn create(path: &Path, text: &str) -> Result<()> {
    if path.exists() {
        bail!(
            "{} already exists; Quire never overwrites files (choose another name, or remove it first)",
            path.display()
        );
    }
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).with_context(|| format!("cannot create {}", parent.display()))?;
    }
    std::fs::write(path, text).with_context(|| format!("cannot write {}", path.display()))
}

/// The GitHub repository whose releases carry Quire's binaries (see
/// `.github/workflows/release.yml`); a new site's Pages workflow downloads Quire from it.
pub const RELEASE_REPOSITORY: &str = "quire-ssg/quire";

/// A new site's `.github/workflows/pages.yml`: builds with this version's released binary,
/// its checksum verified, and deploys to GitHub Pages.
pub fn pages_workflow() -> String {
    include_str!("scaffold/pages.yml")
        .replace("{version}", env!("CARGO_PKG_VERSION"))
        .replace("{repository}", RELEASE_REPOSITORY)
}

/// Creates a working site in `dir`: config, home page, a section with a page, and a glossary term.
pub fn new_site(dir: &Path) -> Result<Vec<PathBuf>> {
    if dir.join(CONFIG_FILE).exists() || dir.join(CONTENT_DIR).exists() {
        bail!("{} already holds a site; choose an empty or new folder", dir.display());
    }
    let name = dir
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| "My site".into());
    let files: Vec<(PathBuf, String)> = vec![
        (dir.join(CONFIG_FILE), format!("title = \"{}\"\ndescription = \"Documentation for {}.\"\nauthor = \"\"\nlanguage = \"en\"\nbase_url = \"/\"\n", name.replace('"', ""), name.replace('"', ""))),
        (dir.join(CONTENT_DIR).join(SECTION_INDEX), "---\ntitle: Welcome\n---\nThis is the home page. Start with the [guide](guide/).\n".into()),
        (dir.join(CONTENT_DIR).join("guide").join(SECTION_INDEX), "---\ntitle: Guide\nweight: 1\n---\nThe guide's pages are listed below.\n".into()),
        (dir.join(CONTENT_DIR).join("guide").join("01-getting-started.md"), "---\ntitle: Getting started\n---\n## Install\n\nWrite pages in Markdown under `site/`. Terms such as the glossary are linked for you.\n\n## Next\n\nBack to the [home page](../_index.md).\n".into()),
        (dir.join(CONTENT_DIR).join("glossary").join(SECTION_INDEX), "---\ntitle: Glossary\nweight: 100\n---\nEvery term used on this site.\n".into()),
        (dir.join(".github").join("workflows").join("pages.yml"), pages_workflow()),
        (dir.join(CONTENT_DIR).join("glossary").join("term.md"), "---\ntitle: Term\naliases: [\"terms\"]\nsummary: A word or phrase with a defined meaning.\n---\nA term is a word with a defined meaning. Quire links each use of a term to its definition.\n".into()),
    ];
    for (path, text) in &files {
        create(path, text)?;
    }
    Ok(files.into_iter().map(|(p, _)| p).collect())
}

/// The folder under `site/` of section `section` (`""` for the top level).
fn section_dir(root: &Path, section: Option<&str>) -> Result<PathBuf> {
    let base = root.join(CONTENT_DIR);
    let Some(section) = section.map(|s| s.trim_matches('/')).filter(|s| !s.is_empty()) else {
        return Ok(base);
    };
    let dir = base.join(section);
    if !dir.join(SECTION_INDEX).is_file() {
        bail!("`{section}` is not a section: {} has no {SECTION_INDEX}", dir.display());
    }
    Ok(dir)
}

/// What `quire new page` created.
#[derive(Debug, Clone)]
pub struct NewPage {
    /// The new file.
    pub path: PathBuf,
    /// Said when the title's own URL was taken and the page got the next free one.
    pub note: Option<String>,
}

/// The body a new page starts with, so that it shows something and says what to do.
const PLACEHOLDER_BODY: &str = "Write this page here: start with one sentence that says what it is about.\n";

/// Creates the next numbered page in a section, weighted after its last page, at a URL no
/// other page has: `02-test-page.md` beside `01-test-page.md` would share `/test-page/`.
pub fn new_page(root: &Path, title: &str, section: Option<&str>) -> Result<NewPage> {
    let dir = section_dir(root, section)?;
    let slug = slugify(title);
    if slug.is_empty() {
        bail!("the title `{title}` gives an empty file name; use letters or digits");
    }
    let mut max_prefix = 0;
    let mut width = 2;
    // URL segments in use in the folder, by file and folder name.
    let mut taken: Vec<String> = Vec::new();
    for entry in std::fs::read_dir(&dir).with_context(|| format!("cannot read {}", dir.display()))? {
        let name = entry?.file_name().to_string_lossy().into_owned();
        let stem = name.trim_end_matches(".md");
        let digits = stem.bytes().take_while(u8::is_ascii_digit).count();
        let (prefix, rest) = split_prefix(stem);
        if let Some(n) = prefix {
            max_prefix = max_prefix.max(n);
            width = width.max(digits);
        }
        taken.push(slugify(rest));
    }
    // Weight after the heaviest sibling, read from the loaded site when it loads.
    let rel_dir = dir
        .strip_prefix(root.join(CONTENT_DIR))
        .unwrap_or(Path::new(""))
        .to_string_lossy()
        .replace('\\', "/");
    let options = LoadOptions {
        drafts: true,
        ..LoadOptions::default()
    };
    let content = Content::load(root, options).ok();
    let last_weight = content
        .as_ref()
        .and_then(|c| {
            c.pages
                .iter()
                .filter(|p| !p.is_index && p.source.rsplit_once('/').map_or("", |(d, _)| d) == rel_dir)
                .filter_map(|p| p.front.weight)
                .max()
        })
        .unwrap_or(0);
    // Page URLs as the site resolves them (a `slug:` in front matter included).
    let url_of = |slug: &str| {
        let section_path = content
            .as_ref()
            .and_then(|c| {
                c.pages
                    .iter()
                    .find(|p| p.is_index && p.source.rsplit_once('/').map_or("", |(d, _)| d) == rel_dir)
            })
            .map_or_else(|| format!("{rel_dir}/"), |p| p.path.clone());
        format!("{}{slug}/", section_path.trim_start_matches('/'))
    };
    let used = |slug: &str| {
        taken.iter().any(|t| t == slug)
            || content
                .as_ref()
                .is_some_and(|c| c.pages.iter().any(|p| p.path == url_of(slug)))
    };
    let Some(free) = std::iter::once(slug.clone())
        .chain((2..=99).map(|n| format!("{slug}-{n}")))
        .find(|s| !used(s))
    else {
        bail!(
            "`/{}` and its next 98 numbered variants are all taken; choose another title",
            url_of(&slug)
        );
    };
    let note = (free != slug).then(|| {
        format!(
            "`/{}` is taken by another page; the new page is at `/{}` (rename the file to change it)",
            url_of(&slug),
            url_of(&free)
        )
    });
    let path = dir.join(format!("{:0width$}-{free}.md", max_prefix + 1));
    let text = format!(
        "---\ntitle: {}\nweight: {}\n---\n{PLACEHOLDER_BODY}",
        serde_json::to_string(title)?,
        last_weight + 1
    );
    create(&path, &text)?;
    Ok(NewPage { path, note })
}

/// Creates a glossary term skeleton under `site/glossary/`.
pub fn new_term(root: &Path, name: &str) -> Result<PathBuf> {
    let slug = slugify(name);
    if slug.is_empty() {
        bail!("the term `{name}` gives an empty file name; use letters or digits");
    }
    let dir = root.join(CONTENT_DIR).join("glossary");
    if !dir.join(SECTION_INDEX).exists() {
        create(&dir.join(SECTION_INDEX), "---\ntitle: Glossary\nweight: 100\n---\n")?;
    }
    let path = dir.join(format!("{slug}.md"));
    let text = format!(
        "---\ntitle: {}\naliases: []\nsummary: \"One plain sentence that defines {}.\"\nsee_also: []\n---\nThe full definition of {}.\n",
        serde_json::to_string(name)?,
        name.replace('"', ""),
        name
    );
    create(&path, &text)?;
    Ok(path)
}
