//! Zola's `config.toml`: the keys Quire has (title, description, base URL, language,
//! author) go to `quire.toml`; the rules that made Zola's URLs are kept for computing the old
//! URLs; every other key is a note at its line saying what Quire does instead.

use super::super::Plan;
use super::urls::{Rules, Strategy};
use crate::config::BaseUrl;
use crate::diagnostics::LineIndex;
use anyhow::{Context, Result, bail};
use std::path::Path;

/// What the rest of the import needs from the config.
#[derive(Debug, Default)]
pub struct Site {
    /// How Zola made URLs and heading ids.
    pub rules: Rules,
    /// The path of `base_url` (`/` or `/repo/`).
    pub base_path: String,
}

/// A config key's value, where it is written (1-based line and column) and its sub-keys.
struct Key<'a> {
    name: String,
    value: &'a toml::Value,
    at: (usize, usize),
    /// The positions of a table's own keys.
    children: Vec<(String, (usize, usize))>,
}

/// What Quire does instead of a Zola setting, and what to do about it.
fn instead(key: &str) -> (&'static str, &'static str) {
    match key {
        "theme" => (
            "Quire renders every page with its own theme",
            "copy what the Zola theme adds (analytics, a footer, styles) into a Quire theme under themes/",
        ),
        "compile_sass" => (
            "Quire does not compile Sass; a theme's CSS is plain CSS",
            "compile the Sass once and put the CSS in a Quire theme's static/ folder",
        ),
        "minify_html" => ("Quire writes its HTML as its templates make it", "nothing to do"),
        "generate_feeds" | "feed_filenames" | "feed_limit" | "generate_feed" | "feed_filename" => (
            "Quire always writes an Atom feed, feed.xml, of the newest 50 pages that have a `date`",
            "nothing to do; if the feed's URL changed, tell subscribers the new one",
        ),
        "generate_sitemap" | "generate_robots_txt" => {
            ("Quire always writes sitemap.xml and robots.txt", "nothing to do")
        }
        "taxonomies" => (
            "Quire has no taxonomies (tag and category pages)",
            "list the tags in the pages' text or make a section per category",
        ),
        "ignored_content" | "ignored_static" => (
            "the import copied every file, and Quire publishes every file under site/ and static/",
            "delete the imported files that should not be published",
        ),
        "hard_link_static" | "output_dir" | "preserve_dotfiles_in_output" | "mode" => (
            "Quire has no such setting",
            "nothing to do (`quire build --output DIR` chooses the output folder)",
        ),
        "translations" => (
            "Quire's theme has strings of its own",
            "translate them in a Quire theme's templates",
        ),
        "languages" => (
            "Quire builds a site in one language; the translations (`page.fr.md`) were imported as pages of their own",
            "make a Quire site per language",
        ),
        "extra" => (
            "Zola's `[extra]` is read by its templates; Quire's theme reads only quire.toml's own keys",
            "move what the templates used into the pages or into a Quire theme",
        ),
        "link_checker" => (
            "Quire checks internal links and anchors on every build, and does not fetch external links",
            "nothing to do",
        ),
        "slugify" => (
            "Quire makes URLs from file names its own way; the import computed the old URLs with these rules and kept them (with `slug`) or redirected them",
            "nothing to do",
        ),
        "search" => ("Quire builds its own search index of every page", "nothing to do"),
        "highlight_code"
        | "highlight_theme"
        | "highlight_themes_css"
        | "extra_syntaxes_and_themes"
        | "highlighting" => (
            "Quire highlights code at build time with its own CSS classes, which its theme colours in light and dark",
            "nothing to do",
        ),
        "render_emoji" => ("Quire leaves `:emoji:` codes as text", "write the emoji itself"),
        "external_links_target_blank" | "external_links_no_follow" | "external_links_no_referrer" => (
            "Quire writes external links as they are",
            "write such links as raw HTML (`<a href=\"…\" rel=\"…\">`) where the attributes matter",
        ),
        "smart_punctuation" => ("Quire always makes typographic quotes and dashes", "nothing to do"),
        "definition_list" | "github_alerts" | "bottom_footnotes" => (
            "Quire always reads definition lists and GitHub alerts and puts footnotes at the end of the page",
            "nothing to do",
        ),
        "insert_anchor_links" => ("Quire gives every heading a `#` permalink", "nothing to do"),
        "lazy_async_image" => ("Quire writes images as they are", "nothing to do"),
        _ => (
            "Quire has no equivalent",
            "nothing to do; the README lists quire.toml's keys",
        ),
    }
}

/// Whether a `[markdown]` setting asks for what Quire does anyway, so there is nothing to say.
fn same_as_quire(key: &str, value: Option<&toml::Value>) -> bool {
    let on = value.and_then(toml::Value::as_bool);
    match key {
        "highlight_code" | "smart_punctuation" | "definition_list" | "bottom_footnotes" | "github_alerts" => {
            on == Some(true)
        }
        "render_emoji"
        | "external_links_target_blank"
        | "external_links_no_follow"
        | "external_links_no_referrer"
        | "lazy_async_image" => on == Some(false),
        _ => false,
    }
}

/// Reads `file` (the site's config.toml, shown as written), fills `plan.config` and notes what
/// is not carried over. `source` names the site's folder, for a title when there is none.
pub fn read(source: &Path, file: &Path, plan: &mut Plan) -> Result<Site> {
    let text = std::fs::read_to_string(file).with_context(|| format!("cannot read {}", file.display()))?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
    let index = LineIndex::new(text);
    let table: toml::Table = match toml::from_str(text) {
        Ok(t) => t,
        Err(e) => {
            let (line, column) = e.span().map_or((0, 0), |s| index.position(s.start));
            bail!(
                "{}:{line}:{column}: this is not valid TOML: {}",
                file.display(),
                e.message().trim()
            );
        }
    };
    let spans = toml::de::DeTable::parse(text).ok();
    let position = |at: usize| index.position(at);
    let mut keys: Vec<Key> = table
        .iter()
        .map(|(name, value)| {
            let entry = spans
                .as_ref()
                .and_then(|t| t.get_ref().iter().find(|(k, _)| k.get_ref() == name));
            let at = entry.map_or((1, 1), |(k, _)| position(k.span().start));
            let children = entry
                .and_then(|(_, v)| v.get_ref().as_table())
                .map(|t| {
                    let mut c: Vec<(String, (usize, usize))> = t
                        .iter()
                        .map(|(k, _)| (k.get_ref().to_string(), position(k.span().start)))
                        .collect();
                    c.sort_by_key(|(_, at)| *at);
                    c
                })
                .unwrap_or_default();
            Key {
                name: name.clone(),
                value,
                at,
                children,
            }
        })
        .collect();
    keys.sort_by_key(|k| k.at);
    let mut site = Site {
        base_path: "/".into(),
        ..Site::default()
    };
    site.rules.default_language = "en".into();
    let config = &mut plan.config;
    let mut notes: Vec<(usize, usize, String, String)> = Vec::new();
    let mut note =
        |at: (usize, usize), message: String, hint: &str| notes.push((at.0, at.1, message, hint.to_string()));
    for key in &keys {
        let string = key.value.as_str().map(str::trim).filter(|s| !s.is_empty());
        match key.name.as_str() {
            "title" => config.title = string.unwrap_or_default().to_string(),
            "description" => config.description = string.map(str::to_string),
            "author" => config.author = string.map(str::to_string),
            "default_language" => {
                if let Some(lang) = string {
                    config.language = Some(lang.to_string());
                    site.rules.default_language = lang.to_string();
                }
            }
            "base_url" => match string.map(|s| (s, BaseUrl::parse(s))) {
                Some((raw, Ok(base))) => {
                    site.base_path = base.path;
                    if raw != "/" {
                        config.base_url = Some(raw.to_string());
                    }
                }
                Some((raw, Err(why))) => note(
                    key.at,
                    format!("`base_url = \"{raw}\"` is not carried over: {why}"),
                    "set `base_url` in quire.toml to where the site is published, such as https://example.com/",
                ),
                None => {}
            },
            // Zola's default is off and Quire's on; Quire's search costs nothing to keep.
            "build_search_index" => {}
            "markdown" if !key.children.is_empty() => {
                for (child, at) in &key.children {
                    let value = key.value.as_table().and_then(|t| t.get(child));
                    if same_as_quire(child, value) {
                        continue;
                    }
                    let (why, hint) = instead(child);
                    note(*at, format!("`[markdown] {child}` is not carried over: {why}"), hint);
                }
            }
            name => {
                if name == "languages" {
                    site.rules.languages = key
                        .value
                        .as_table()
                        .map(|t| t.keys().cloned().collect())
                        .unwrap_or_default();
                }
                if name == "slugify"
                    && let Some(t) = key.value.as_table()
                {
                    let strategy = |k: &str| t.get(k).and_then(|v| v.as_str()).and_then(Strategy::parse);
                    site.rules.paths = strategy("paths").unwrap_or_default();
                    site.rules.anchors = strategy("anchors").unwrap_or_default();
                    site.rules.keep_dates = t.get("paths_keep_dates").and_then(|v| v.as_bool()) == Some(true);
                }
                let shown = if key.value.is_table() {
                    format!("`[{name}]`")
                } else {
                    format!("`{name}`")
                };
                let (why, hint) = instead(name);
                note(key.at, format!("{shown} is not carried over: {why}"), hint);
            }
        }
    }
    site.rules.languages.retain(|l| *l != site.rules.default_language);
    if config.title.is_empty() {
        let name = std::path::absolute(source)
            .ok()
            .and_then(|p| p.file_name().map(|n| n.to_string_lossy().into_owned()))
            .unwrap_or_else(|| "Site".into());
        config.title = name.clone();
        note(
            keys.iter().find(|k| k.name == "title").map_or((0, 0), |k| k.at),
            format!("the site has no `title`, so the imported one is called `{name}`, after its folder"),
            "set `title` in quire.toml",
        );
    }
    for (line, column, message, hint) in notes {
        plan.note(file, line, column, message, hint);
    }
    Ok(site)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read_text(text: &str) -> (Plan, Site) {
        let dir = std::env::temp_dir().join(format!("quire-zola-config-{}-{}", std::process::id(), text.len()));
        std::fs::create_dir_all(&dir).unwrap();
        let file = dir.join("config.toml");
        std::fs::write(&file, text).unwrap();
        let mut plan = Plan::default();
        let site = read(&dir, &file, &mut plan).unwrap();
        std::fs::remove_dir_all(&dir).unwrap();
        (plan, site)
    }

    #[test]
    fn maps_what_quire_has_and_notes_the_rest_at_their_lines() {
        let (plan, site) = read_text(
            "base_url = \"https://example.com/blog\"\ntitle = \"My site\"\ndefault_language = \"fr\"\ncompile_sass = true\nbuild_search_index = true\ntaxonomies = [{ name = \"tags\" }]\n\n[markdown]\nhighlight_code = true\nrender_emoji = false\nhighlight_theme = \"css\"\n\n[slugify]\npaths = \"safe\"\n\n[extra]\nmenu = []\n",
        );
        assert_eq!(plan.config.title, "My site");
        assert_eq!(plan.config.base_url.as_deref(), Some("https://example.com/blog"));
        assert_eq!(plan.config.language.as_deref(), Some("fr"));
        assert_eq!(site.base_path, "/blog/");
        assert_eq!(site.rules.paths, Strategy::Safe);
        let at: Vec<(usize, usize)> = plan.notes.iter().map(|n| (n.line, n.column)).collect();
        // `highlight_code = true` and `render_emoji = false` are what Quire does anyway.
        assert_eq!(at, [(4, 1), (6, 1), (11, 1), (13, 2), (16, 2)], "{:#?}", plan.notes);
        assert!(plan.notes[1].message.contains("`taxonomies`"));
        assert!(plan.notes[2].message.contains("`[markdown] highlight_theme`"));
        assert!(plan.notes[4].message.contains("`[extra]`"));
    }

    #[test]
    fn a_site_without_a_title_is_named_after_its_folder() {
        let (plan, _) = read_text("base_url = \"/\"\n");
        assert!(!plan.config.title.is_empty());
        assert_eq!(plan.config.base_url, None);
        assert_eq!(plan.notes.len(), 1);
        assert!(plan.notes[0].message.contains("no `title`"));
    }
}
