//! Stage 1: load `quire.toml`, the site's configuration.

use crate::content::text;
use crate::diagnostics::{BuildError, Diagnostic, LineIndex, key_position};
use serde::{Deserialize, Serialize};
use std::path::Path;

/// The name of the configuration file at the site root.
pub const CONFIG_FILE: &str = "quire.toml";

/// Everything `quire.toml` can say. Unknown keys are an error (every one is listed), so a
/// typo never goes unnoticed.
#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct Config {
    /// The site's name, shown in the header and in every `<title>`.
    pub title: String,
    /// Default meta description for pages that have none.
    #[serde(default)]
    pub description: String,
    /// Shown in the footer and in the feed.
    #[serde(default)]
    pub author: String,
    /// The `lang` attribute of every page.
    #[serde(default = "default_language")]
    pub language: String,
    /// Where the site will live: `https://user.github.io/repo/`, `https://example.com/` or just `/docs/`.
    #[serde(default = "default_base_url")]
    pub base_url: String,
    /// The folder under `themes/` to use; `default` falls back to the theme built into the binary.
    #[serde(default = "default_theme")]
    pub theme: String,
    /// How glossary terms are found and linked.
    #[serde(default)]
    pub glossary: GlossaryConfig,
    /// The built-in search.
    #[serde(default)]
    pub search: SearchConfig,
    /// How Markdown is turned into HTML.
    #[serde(default)]
    pub markdown: MarkdownConfig,
    /// How broken links are reported.
    #[serde(default)]
    pub links: LinksConfig,
    /// Old paths of the site and where each now leads: a page's source file
    /// (`guide/setup.md#install`) or an absolute URL.
    #[serde(default)]
    pub redirects: std::collections::BTreeMap<String, String>,
    /// Where each key of `[redirects]` is written, for messages.
    #[serde(skip)]
    pub redirect_positions: std::collections::BTreeMap<String, (usize, usize)>,
}

/// The `[markdown]` table.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct MarkdownConfig {
    /// How heading ids are made from heading text.
    #[serde(default)]
    pub heading_ids: HeadingIds,
}

/// The algorithm that turns a heading's text into its id.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum HeadingIds {
    /// GitHub's (and mdBook's): lower case, punctuation dropped, each space a `-`.
    #[default]
    Github,
    /// Quire's first one: words of letters and digits joined by single `-`.
    Quire,
}

/// The `[links]` table.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct LinksConfig {
    /// Whether a broken internal link stops the build or is only listed.
    #[serde(default)]
    pub internal: LinkLevel,
}

/// How a broken internal link (missing page, file or anchor) is reported.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, Serialize, clap::ValueEnum)]
#[serde(rename_all = "kebab-case")]
pub enum LinkLevel {
    /// An error: the build stops.
    #[default]
    Error,
    /// A warning: listed with its position, counted in the summary, and the build goes on.
    Warn,
}

/// The `[search]` table.
#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct SearchConfig {
    /// Build the search index (the largest part of a large site's build time).
    #[serde(default = "default_true")]
    pub enabled: bool,
}

impl Default for SearchConfig {
    fn default() -> Self {
        SearchConfig { enabled: true }
    }
}

fn default_true() -> bool {
    true
}

/// The `[glossary]` table.
#[derive(Debug, Clone, Deserialize, Serialize)]
pub struct GlossaryConfig {
    /// Which uses of a term are linked automatically.
    #[serde(default)]
    pub link: LinkPolicy,
    /// The content folder (under `site/`) whose pages are glossary terms.
    #[serde(default = "default_glossary_section")]
    pub section: String,
}

impl Default for GlossaryConfig {
    fn default() -> Self {
        GlossaryConfig {
            link: LinkPolicy::default(),
            section: default_glossary_section(),
        }
    }
}

/// Which occurrences of a glossary term become links.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum LinkPolicy {
    /// The first occurrence on each page.
    #[default]
    First,
    /// The first occurrence in each section, following the reading order.
    FirstPerSection,
    /// Every occurrence.
    All,
    /// Only explicit `[[term]]` links.
    None,
}

fn default_language() -> String {
    "en".into()
}
fn default_base_url() -> String {
    "/".into()
}
fn default_theme() -> String {
    "default".into()
}
fn default_glossary_section() -> String {
    "glossary".into()
}

/// Where the site is published, split into the parts pages need.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BaseUrl {
    /// `https://example.com` without a trailing slash, or empty when only a path was given.
    pub origin: String,
    /// The path every internal URL starts with: `/` or `/repo/` (always ends with `/`).
    pub path: String,
}

impl BaseUrl {
    /// Parses `https://host/sub/`, `https://host`, `/sub` or `/`.
    pub fn parse(raw: &str) -> Result<BaseUrl, String> {
        let raw = raw.trim();
        // A control character would reach every link, the feed and the dev server's
        // `Location` header (found by the serve_path fuzz target).
        if let Some(c) = raw.chars().find(|c| c.is_control()) {
            return Err(format!("`{}` contains the control character {c:?}", raw.escape_debug()));
        }
        let (origin, path) = if let Some(rest) = raw.strip_prefix("https://").or_else(|| raw.strip_prefix("http://")) {
            let scheme_len = raw.len() - rest.len();
            let host_end = rest.find('/').unwrap_or(rest.len());
            if host_end == 0 {
                return Err(format!("`{raw}` has no host name"));
            }
            (raw[..scheme_len + host_end].to_string(), &rest[host_end..])
        } else if raw.starts_with('/') {
            (String::new(), raw)
        } else {
            return Err(format!(
                "`{raw}` is neither an absolute URL (https://example.com/docs/) nor a path starting with `/`"
            ));
        };
        if path.contains(['?', '#', ' ', '\\']) {
            return Err(format!(
                "the path of `{raw}` may not contain `?`, `#`, spaces or backslashes"
            ));
        }
        let trimmed = path.trim_matches('/');
        let path = if trimmed.is_empty() {
            "/".to_string()
        } else {
            format!("/{trimmed}/")
        };
        Ok(BaseUrl { origin, path })
    }

    /// The absolute URL of a site path such as `guide/` (empty origin gives a root-relative URL).
    pub fn absolute(&self, site_path: &str) -> String {
        format!("{}{}{}", self.origin, self.path, site_path)
    }

    /// The root-relative URL of a site path, including the base path: `/repo/guide/`.
    pub fn local(&self, site_path: &str) -> String {
        format!("{}{}", self.path, site_path)
    }
}

/// The keys of `quire.toml` outside any table.
pub const KEYS: &[&str] = &[
    "title",
    "description",
    "author",
    "language",
    "base_url",
    "theme",
    "glossary",
    "search",
    "markdown",
    "links",
    "redirects",
];
/// The keys of each table of `quire.toml`.
pub const TABLE_KEYS: &[(&str, &[&str])] = &[
    ("glossary", &["link", "section"]),
    ("search", &["enabled"]),
    ("markdown", &["heading_ids"]),
    ("links", &["internal"]),
];

/// Where `key` is written inside `[table]` (or before the first table when `table` is `None`);
/// falls back to the first line naming the key anywhere.
fn table_key_position(text: &str, table: Option<&str>, key: &str) -> (usize, usize) {
    let mut inside = table.is_none();
    for (i, line) in text.lines().enumerate() {
        let trimmed = line.trim_start();
        if let Some(header) = trimmed.strip_prefix('[').and_then(|l| l.trim_end().strip_suffix(']')) {
            inside = table == Some(header.trim());
            continue;
        }
        let names_key = trimmed
            .strip_prefix(key)
            .is_some_and(|r| r.trim_start().starts_with('='));
        if inside && names_key {
            return (i + 1, line.len() - trimmed.len() + 1);
        }
    }
    key_position(text, key)
}

/// Where the key `from` of `[redirects]` is written: keys are paths, so usually quoted.
fn redirect_key_position(text: &str, from: &str) -> (usize, usize) {
    let quoted = [format!("\"{from}\""), format!("'{from}'"), from.to_string()];
    let mut inside = false;
    for (i, line) in text.lines().enumerate() {
        let trimmed = line.trim_start();
        if let Some(header) = trimmed.strip_prefix('[').and_then(|l| l.trim_end().strip_suffix(']')) {
            inside = header.trim() == "redirects";
            continue;
        }
        if inside
            && quoted.iter().any(|q| {
                trimmed
                    .strip_prefix(q.as_str())
                    .is_some_and(|r| r.trim_start().starts_with('='))
            })
        {
            return (i + 1, line.len() - trimmed.len() + 1);
        }
    }
    table_key_position(text, Some("redirects"), from)
}

impl Config {
    /// Reads and checks `quire.toml` in `root`; `base_url_override` comes from `--base-url`.
    pub fn load(root: &Path, base_url_override: Option<&str>) -> Result<(Config, BaseUrl), BuildError> {
        match Config::load_all(root, base_url_override) {
            (Some(config), errors) if errors.is_empty() => Ok(config),
            (_, errors) => Err(BuildError::new(errors)),
        }
    }

    /// Like [`Config::load`], but returns every problem, and the configuration when it could be read.
    pub fn load_all(root: &Path, base_url_override: Option<&str>) -> (Option<(Config, BaseUrl)>, Vec<Diagnostic>) {
        let path = root.join(CONFIG_FILE);
        let bytes = match std::fs::read(&path) {
            Ok(bytes) => bytes,
            Err(e) => {
                let error = Diagnostic::error(CONFIG_FILE, 0, 0, format!("cannot read the site configuration: {e}"))
                    .with_hint(format!(
                        "run quire in a site folder (one with `{CONFIG_FILE}`), or pass --root DIR"
                    ));
                return (None, vec![error]);
            }
        };
        let decoded = text::decode(bytes, Path::new(CONFIG_FILE));
        let (config, mut errors) = Config::parse_all(&decoded.text, base_url_override);
        errors.extend(decoded.errors);
        (config, errors)
    }

    /// What the later stages use when `quire.toml` cannot be read, so they still report their errors.
    pub fn fallback() -> (Config, BaseUrl) {
        let config = Config {
            title: String::new(),
            description: String::new(),
            author: String::new(),
            language: default_language(),
            base_url: default_base_url(),
            theme: default_theme(),
            glossary: GlossaryConfig::default(),
            search: SearchConfig::default(),
            markdown: MarkdownConfig::default(),
            links: LinksConfig::default(),
            redirects: Default::default(),
            redirect_positions: Default::default(),
        };
        let base = BaseUrl {
            origin: String::new(),
            path: "/".into(),
        };
        (config, base)
    }

    /// Parses the text of `quire.toml`.
    pub fn parse(text: &str, base_url_override: Option<&str>) -> Result<(Config, BaseUrl), BuildError> {
        match Config::parse_all(text, base_url_override) {
            (Some(config), errors) if errors.is_empty() => Ok(config),
            (_, errors) => Err(BuildError::new(errors)),
        }
    }

    /// Parses the text of `quire.toml`, listing every unknown key and every other problem.
    pub fn parse_all(text: &str, base_url_override: Option<&str>) -> (Option<(Config, BaseUrl)>, Vec<Diagnostic>) {
        let toml_error = |e: toml::de::Error| {
            let (line, column) = e.span().map_or((0, 0), |s| LineIndex::new(text).position(s.start));
            Diagnostic::error(CONFIG_FILE, line, column, e.message().trim_end().to_string())
                .with_hint("fix the TOML syntax or value; the README's configuration reference lists every key")
        };
        let table: toml::Table = match toml::from_str(text) {
            Ok(table) => table,
            Err(e) => return (None, vec![toml_error(e)]),
        };
        let mut errors = Vec::new();
        let mut unknown = |table_name: Option<&str>, keys: &mut dyn Iterator<Item = &String>, known: &[&str]| {
            for key in keys.filter(|k| !known.contains(&k.as_str())) {
                let (line, column) = table_key_position(text, table_name, key);
                let shown = table_name.map_or(key.clone(), |t| format!("{t}.{key}"));
                errors.push(
                    Diagnostic::error(CONFIG_FILE, line, column, format!("unknown field `{shown}`")).with_hint(
                        format!("remove or rename the key; valid keys here: {}", known.join(", ")),
                    ),
                );
            }
        };
        unknown(None, &mut table.keys(), KEYS);
        for (name, keys) in TABLE_KEYS {
            if let Some(toml::Value::Table(t)) = table.get(*name) {
                unknown(Some(name), &mut t.keys(), keys);
            }
        }
        let mut config: Config = match toml::from_str(text) {
            Ok(config) => config,
            Err(e) => {
                errors.push(toml_error(e));
                return (None, errors);
            }
        };
        config.redirect_positions = config
            .redirects
            .keys()
            .map(|from| (from.clone(), redirect_key_position(text, from)))
            .collect();
        let raw = base_url_override.unwrap_or(&config.base_url);
        let base = match BaseUrl::parse(raw) {
            Ok(base) => base,
            Err(msg) => {
                let (line, column) = match base_url_override {
                    Some(_) => (0, 0),
                    None => key_position(text, "base_url"),
                };
                let file = if base_url_override.is_some() {
                    "--base-url"
                } else {
                    CONFIG_FILE
                };
                errors.push(
                    Diagnostic::error(file, line, column, format!("invalid base_url: {msg}")).with_hint(
                        "use the full address where the site will live, such as https://user.github.io/repo/",
                    ),
                );
                return (None, errors);
            }
        };
        (Some((config, base)), errors)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn base_url_forms() {
        let b = BaseUrl::parse("https://user.github.io/repo").unwrap();
        assert_eq!(b.origin, "https://user.github.io");
        assert_eq!(b.path, "/repo/");
        assert_eq!(b.absolute("a/"), "https://user.github.io/repo/a/");
        assert_eq!(b.local("a/"), "/repo/a/");
        let root = BaseUrl::parse("https://example.com").unwrap();
        assert_eq!(root.path, "/");
        assert_eq!(BaseUrl::parse("/docs").unwrap().path, "/docs/");
        assert_eq!(
            BaseUrl::parse("/").unwrap(),
            BaseUrl {
                origin: String::new(),
                path: "/".into()
            }
        );
        assert!(BaseUrl::parse("example.com").is_err());
        assert!(BaseUrl::parse("https:///x").is_err());
    }

    #[test]
    fn control_characters_in_base_url_are_refused() {
        for raw in [
            "/\u{1}/9/",
            "/docs\r\nSet-Cookie: x/",
            "https://exa\nmple.com/",
            "/a\u{7f}b/",
        ] {
            let e = BaseUrl::parse(raw).unwrap_err();
            assert!(e.contains("control character"), "{raw:?}: {e}");
        }
    }

    #[test]
    fn unknown_key_is_named_with_its_line() {
        let err = Config::parse("title = \"x\"\ntitel = \"y\"\n", None).unwrap_err();
        let d = &err.diagnostics[0];
        assert_eq!((d.line, d.column), (2, 1));
        assert!(d.message.contains("titel"), "{}", d.message);
    }

    #[test]
    fn every_unknown_key_is_listed_with_its_line() {
        let text = "titel = \"x\"\ntitle = \"t\"\nauthr = \"a\"\n[glossary]\nlnk = \"all\"\n[search]\nenable = true\n";
        let err = Config::parse(text, None).unwrap_err();
        let found: Vec<(usize, &str)> = err.diagnostics.iter().map(|d| (d.line, d.message.as_str())).collect();
        assert_eq!(
            found,
            [
                (1, "unknown field `titel`"),
                (3, "unknown field `authr`"),
                (5, "unknown field `glossary.lnk`"),
                (7, "unknown field `search.enable`"),
            ]
        );
    }

    #[test]
    fn unknown_link_policy_is_rejected() {
        let err = Config::parse("title = \"x\"\n[glossary]\nlink = \"sometimes\"\n", None).unwrap_err();
        assert_eq!(err.diagnostics[0].line, 3);
    }

    #[test]
    fn bad_base_url_points_at_the_key() {
        let err = Config::parse("title = \"x\"\n  base_url = \"nope\"\n", None).unwrap_err();
        assert_eq!((err.diagnostics[0].line, err.diagnostics[0].column), (2, 3));
        let (_, base) = Config::parse("title = \"x\"\nbase_url = \"nope\"\n", Some("https://a.b/c/")).unwrap();
        assert_eq!(base.path, "/c/");
    }
}
