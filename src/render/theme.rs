//! The theme: tera templates compiled once per build, and static assets with content hashes.
//!
//! A site may carry its theme under `themes/<name>/` (the essay site does, so
//! the theme can be edited with live reload). The default theme is also compiled
//! into the binary, so `quire` works on a site without a `themes/` folder, and a
//! site theme only needs the files it changes.

use crate::diagnostics::{BuildError, Diagnostic, display_path};
use std::collections::BTreeMap;
use std::path::Path;
use tera::Tera;

/// The folder of themes under the site root.
pub const THEMES_DIR: &str = "themes";

/// The built-in theme's templates, by name.
const DEFAULT_TEMPLATES: &[(&str, &str)] = &[
    ("base.html", include_str!("../../themes/default/templates/base.html")),
    ("page.html", include_str!("../../themes/default/templates/page.html")),
    (
        "section.html",
        include_str!("../../themes/default/templates/section.html"),
    ),
    ("home.html", include_str!("../../themes/default/templates/home.html")),
    ("term.html", include_str!("../../themes/default/templates/term.html")),
    (
        "glossary.html",
        include_str!("../../themes/default/templates/glossary.html"),
    ),
    ("404.html", include_str!("../../themes/default/templates/404.html")),
];

/// The built-in theme's static files, by path under `static/`.
const DEFAULT_STATIC: &[(&str, &[u8])] = &[
    ("style.css", include_bytes!("../../themes/default/static/style.css")),
    ("quire.js", include_bytes!("../../themes/default/static/quire.js")),
    ("favicon.svg", include_bytes!("../../themes/default/static/favicon.svg")),
    ("search.js", include_bytes!("../../themes/default/static/search.js")),
];

/// A theme file copied to the output under a name that changes with its content.
#[derive(Debug, Clone)]
pub struct ThemeAsset {
    /// Path under the theme's `static/`: `style.css`.
    pub name: String,
    /// Output path: `assets/style.3f2a9c1e.css`.
    pub path: String,
    /// The file's bytes.
    pub bytes: Vec<u8>,
}

/// Compiled templates and hashed assets.
pub struct Theme {
    /// Every template, compiled.
    pub tera: Tera,
    /// Static files, with their hashed output paths.
    pub assets: Vec<ThemeAsset>,
    /// A hash of every template, when their output depends on nothing but what they are
    /// given: none when a template calls one of Tera's functions that read the clock, the
    /// environment or a random number, whose pages can then never be reused.
    pub fingerprint: Option<u64>,
}

/// Tera's functions whose result is not a function of the template's context.
const IMPURE_FUNCTIONS: &[&str] = &["now(", "get_env(", "get_random("];

/// See [`Theme::fingerprint`].
fn fingerprint<'a>(templates: impl Iterator<Item = (&'a String, &'a String)>) -> Option<u64> {
    let mut hasher = xxhash_rust::xxh3::Xxh3::new();
    for (name, text) in templates {
        if IMPURE_FUNCTIONS.iter().any(|f| text.contains(f)) {
            return None;
        }
        for part in [name.as_bytes(), &[0], text.as_bytes(), &[0]] {
            hasher.update(part);
        }
    }
    Some(hasher.digest())
}

/// `style.css` + hash → `assets/style.<hash>.css`, so a redeploy never serves stale files.
fn hashed_path(name: &str, bytes: &[u8]) -> String {
    let hash = xxhash_rust::xxh3::xxh3_64(bytes);
    let short = format!("{:08x}", hash as u32);
    match name.rsplit_once('.') {
        Some((stem, ext)) if !ext.contains('/') => format!("assets/{stem}.{short}.{ext}"),
        _ => format!("assets/{name}.{short}"),
    }
}

impl Theme {
    /// Loads theme `name` from `root/themes/<name>/`, falling back file by file to the built-in theme.
    pub fn load(root: &Path, name: &str) -> Result<Theme, BuildError> {
        let dir = root.join(THEMES_DIR).join(name);
        if name != "default" && !dir.is_dir() {
            return Err(BuildError::single(
                Diagnostic::error("quire.toml", 0, 0, format!("the theme `{name}` does not exist")).with_hint(format!(
                    "create `{THEMES_DIR}/{name}/templates/`, or set theme = \"default\""
                )),
            ));
        }
        let mut templates: BTreeMap<String, (String, String)> = DEFAULT_TEMPLATES
            .iter()
            .map(|(n, t)| {
                (
                    n.to_string(),
                    (t.to_string(), format!("<built-in theme>/templates/{n}")),
                )
            })
            .collect();
        let mut statics: BTreeMap<String, Vec<u8>> = DEFAULT_STATIC
            .iter()
            .map(|(n, b)| (n.to_string(), b.to_vec()))
            .collect();
        let read_err = |p: &Path, e: std::io::Error| {
            BuildError::single(
                Diagnostic::error(display_path(root, p), 0, 0, format!("cannot read theme file: {e}"))
                    .with_hint("check that the theme's files are readable UTF-8 text"),
            )
        };
        for (sub, is_template) in [("templates", true), ("static", false)] {
            let base = dir.join(sub);
            if !base.is_dir() {
                continue;
            }
            for entry in walkdir::WalkDir::new(&base).sort_by_file_name() {
                let entry = entry.map_err(|e| {
                    BuildError::single(
                        Diagnostic::error(display_path(root, &base), 0, 0, format!("cannot read the theme: {e}"))
                            .with_hint("check the theme folder's permissions and symbolic links"),
                    )
                })?;
                let file_name = entry.file_name().to_string_lossy();
                if !entry.file_type().is_file() || crate::content::is_ignored_name(&file_name) {
                    continue;
                }
                let rel = entry
                    .path()
                    .strip_prefix(&base)
                    .unwrap_or(entry.path())
                    .to_string_lossy()
                    .replace('\\', "/");
                if is_template {
                    let text = std::fs::read_to_string(entry.path()).map_err(|e| read_err(entry.path(), e))?;
                    templates.insert(rel, (text, display_path(root, entry.path()).display().to_string()));
                } else {
                    let bytes = std::fs::read(entry.path()).map_err(|e| read_err(entry.path(), e))?;
                    statics.insert(rel, bytes);
                }
            }
        }
        let fingerprint = fingerprint(templates.iter().map(|(n, (t, _))| (n, t)));
        let mut tera = Tera::new();
        tera.autoescape_on(vec![".html", ".xml"]);
        tera.add_raw_templates(templates.iter().map(|(n, (t, _))| (n.as_str(), t.as_str())))
            .map_err(|e| {
                let text = e.to_string();
                // Tera names the template in its report; map it back to the file.
                let file = templates
                    .iter()
                    .find(|(n, _)| text.contains(n.as_str()))
                    .map_or_else(|| format!("{THEMES_DIR}/{name}/templates"), |(_, (_, f))| f.clone());
                BuildError::single(
                    Diagnostic::error(file, 0, 0, format!("template error: {}", full_error(&e)))
                        .with_hint("fix the template syntax; Tera's documentation lists tags and filters"),
                )
            })?;
        let assets = statics
            .into_iter()
            .map(|(name, bytes)| ThemeAsset {
                path: hashed_path(&name, &bytes),
                name,
                bytes,
            })
            .collect();
        Ok(Theme {
            tera,
            assets,
            fingerprint,
        })
    }
}

/// An error with all its causes, on one line each.
pub fn full_error(e: &dyn std::error::Error) -> String {
    let mut text = e.to_string();
    let mut cause = e.source();
    while let Some(c) = cause {
        let s = c.to_string();
        if !text.contains(&s) {
            text.push_str(": ");
            text.push_str(&s);
        }
        cause = c.source();
    }
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashed_names_change_with_content() {
        let a = hashed_path("style.css", b"body{}");
        let b = hashed_path("style.css", b"body{color:red}");
        assert!(a.starts_with("assets/style.") && a.ends_with(".css"), "{a}");
        assert_ne!(a, b);
        assert_eq!(a, hashed_path("style.css", b"body{}"));
    }

    #[test]
    fn templates_that_read_the_clock_or_environment_are_never_reused() {
        let pure = [("page.html".to_string(), "{{ page.title }}".to_string())];
        let a = fingerprint(pure.iter().map(|(n, t)| (n, t)));
        assert!(a.is_some());
        let edited = [("page.html".to_string(), "{{ page.url }}".to_string())];
        assert_ne!(a, fingerprint(edited.iter().map(|(n, t)| (n, t))));
        for call in ["{{ now() }}", "{{ get_env(name=\"HOME\") }}", "{{ get_random(end=9) }}"] {
            let impure = [("base.html".to_string(), call.to_string())];
            assert_eq!(fingerprint(impure.iter().map(|(n, t)| (n, t))), None, "{call}");
        }
    }

    #[test]
    fn built_in_theme_compiles() {
        let dir = std::env::temp_dir().join("quire-theme-test-none");
        let theme = Theme::load(&dir, "default").expect("built-in theme must compile");
        assert!(theme.assets.iter().any(|a| a.name == "style.css"));
        for (name, _) in DEFAULT_TEMPLATES {
            assert!(theme.tera.contains_template(name), "{name}");
        }
    }
}
