//! Zola's URLs: the path Zola 0.19 gives each file under `content/`, so that every old URL
//! of the site can be redirected to the page's new one, and Zola's heading ids, so that
//! anchors in links can be pointed at Quire's.

use regex::Regex;
use std::sync::LazyLock;

/// `[slugify] paths` / `anchors` in Zola's config.toml.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum Strategy {
    /// Lower case ASCII words joined by `-` (the default).
    #[default]
    On,
    /// Only the characters no file system takes are removed.
    Safe,
    /// Names are used as they are.
    Off,
}

impl Strategy {
    /// The strategy a config value names; `None` for an unknown one.
    pub fn parse(s: &str) -> Option<Strategy> {
        match s {
            "on" => Some(Strategy::On),
            "safe" => Some(Strategy::Safe),
            "off" => Some(Strategy::Off),
            _ => None,
        }
    }
}

/// What decides URLs in a Zola site's config.
#[derive(Debug, Clone, Default)]
pub struct Rules {
    /// `[slugify] paths`.
    pub paths: Strategy,
    /// `[slugify] anchors`.
    pub anchors: Strategy,
    /// `[slugify] paths_keep_dates`.
    pub keep_dates: bool,
    /// `default_language`.
    pub default_language: String,
    /// The codes of `[languages]` other than the default one.
    pub languages: Vec<String>,
}

/// Letters Unicode does not decompose into a base letter and marks, spelled the way Zola's
/// transliteration spells them.
const SPELLED: &[(char, &str)] = &[
    ('ß', "ss"),
    ('æ', "ae"),
    ('Æ', "AE"),
    ('œ', "oe"),
    ('Œ', "OE"),
    ('ø', "o"),
    ('Ø', "O"),
    ('đ', "d"),
    ('Đ', "D"),
    ('ł', "l"),
    ('Ł', "L"),
    ('þ', "th"),
    ('Þ', "TH"),
    ('ð', "d"),
    ('ı', "i"),
];

/// Zola's `slug::slugify`: ASCII letters and digits in lower case, every run of anything else
/// one `-`, none at either end. Accented Latin letters lose their accents, as in Zola; other
/// letters (Zola transliterates `日本` to `ri-ben`) are kept as they are, and the second value
/// says so, since the old URL is then only a guess.
pub fn slugify_on(s: &str) -> (String, bool) {
    use unicode_normalization::UnicodeNormalization;
    let mut out = String::with_capacity(s.len());
    let mut dash = true;
    let mut guessed = false;
    let push = |out: &mut String, c: char, dash: &mut bool| {
        if c.is_ascii_alphanumeric() || (!c.is_ascii() && c.is_alphanumeric()) {
            out.extend(c.to_lowercase());
            *dash = false;
        } else if !*dash {
            out.push('-');
            *dash = true;
        }
    };
    for c in s.chars() {
        if c.is_ascii() {
            push(&mut out, c, &mut dash);
        } else if let Some((_, spelled)) = SPELLED.iter().find(|(k, _)| *k == c) {
            for x in spelled.chars() {
                push(&mut out, x, &mut dash);
            }
        } else {
            for d in std::iter::once(c).nfd() {
                if unicode_normalization::char::is_combining_mark(d) {
                    continue;
                }
                if !d.is_ascii() && d.is_alphanumeric() {
                    guessed = true;
                }
                push(&mut out, d, &mut dash);
            }
        }
    }
    if out.ends_with('-') {
        out.pop();
    }
    (out, guessed)
}

/// Zola's `slugify_paths`.
pub fn slugify_path(s: &str, strategy: Strategy) -> (String, bool) {
    match strategy {
        Strategy::On => slugify_on(s),
        Strategy::Safe => {
            let trimmed = s.trim_end_matches([' ', '.']);
            (
                trimmed.chars().filter(|c| !r#"<>:"/\|?*"#.contains(*c)).collect(),
                false,
            )
        }
        Strategy::Off => (s.to_string(), false),
    }
}

/// Zola's `slugify_anchors`: a heading's id from its text.
pub fn slugify_anchor(s: &str, strategy: Strategy) -> String {
    match strategy {
        Strategy::On => slugify_on(s).0,
        Strategy::Safe | Strategy::Off => s.replace(|c: char| c.is_ascii_whitespace(), "_"),
    }
}

/// Zola's pattern for a file name that starts with a date (or an RFC 3339 date-time),
/// optionally followed by `_` or `-` and the page's slug.
static DATED: LazyLock<Regex> = LazyLock::new(|| {
    Regex::new(
        r"^(?P<datetime>(\d{4})-(0[1-9]|1[0-2])-(0[1-9]|[12][0-9]|3[01])(T([01][0-9]|2[0-3]):([0-5][0-9]):([0-5][0-9]|60)(\.[0-9]+)?(Z|(\+|-)([01][0-9]|2[0-3]):([0-5][0-9])))?)(\s?(_|-)(?P<slug>.+$))?",
    )
    .expect("the date pattern is valid")
});

/// The date a file name starts with, and the rest of the name after it, as Zola reads them.
pub fn dated(name: &str) -> Option<(&str, Option<&str>)> {
    let caps = DATED.captures(name)?;
    let date = caps.name("datetime")?.as_str();
    Some((date, caps.name("slug").map(|m| m.as_str())))
}

/// Where one Markdown file of `content/` is published by Zola.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ZolaUrl {
    /// The page's path, starting and ending with `/`: `/blog/hello/`.
    pub url: String,
    /// The date of a dated file name (`2024-01-15-hello.md`), used when front matter has none.
    pub date: Option<String>,
    /// The page's last URL segment (sections: the folder's name; the home page: empty).
    pub segment: String,
    /// The translation's language, when the file name carries one of `[languages]`.
    pub language: Option<String>,
    /// Whether the URL is a guess (a name Zola transliterates).
    pub guessed: bool,
}

/// The URL Zola 0.19 gives the Markdown file at `rel` (a `/`-separated path under `content/`),
/// given its front matter's `slug` and `path`.
pub fn zola_url(rel: &str, slug: Option<&str>, path: Option<&str>, rules: &Rules) -> ZolaUrl {
    let mut components: Vec<&str> = rel.split('/').collect();
    let file = components.pop().unwrap_or_default();
    let mut name = file.strip_suffix(".md").unwrap_or(file);
    let mut language = None;
    if !rules.languages.is_empty()
        && let Some((stem, lang)) = name.split_once('.')
        && lang != rules.default_language
        && rules.languages.iter().any(|l| l == lang)
    {
        name = stem;
        language = Some(lang.to_string());
    }
    let prefix = |path: String| match &language {
        Some(lang) => format!("/{lang}{path}"),
        None => path,
    };
    if name == "_index" {
        let url = if components.is_empty() {
            "/".to_string()
        } else {
            format!("/{}/", components.join("/"))
        };
        return ZolaUrl {
            url: prefix(url),
            date: None,
            segment: components.last().copied().unwrap_or_default().to_string(),
            language,
            guessed: false,
        };
    }
    let bundle = name == "index" && !components.is_empty();
    let for_slug = if bundle {
        components.pop().unwrap_or_default()
    } else {
        name
    };
    let mut date = None;
    let mut from_dated = None;
    if let Some((d, rest)) = dated(for_slug) {
        date = Some(d.to_string());
        if !rules.keep_dates {
            from_dated = rest;
        }
    }
    let (segment, guessed) = slugify_path(slug.or(from_dated).unwrap_or(for_slug), rules.paths);
    let url = if let Some(p) = path {
        let p = p.trim();
        if p.starts_with('/') {
            p.to_string()
        } else {
            format!("/{p}")
        }
    } else if components.is_empty() {
        if name == "index" {
            prefix("/".into())
        } else {
            prefix(format!("/{segment}"))
        }
    } else {
        prefix(format!("/{}/{segment}", components.join("/")))
    };
    let url = if url.ends_with('/') { url } else { format!("{url}/") };
    ZolaUrl {
        url,
        date,
        segment,
        language,
        guessed,
    }
}

/// `base` made unique among `taken` the way Zola numbers repeated heading ids: `base`,
/// `base-1`, `base-2`…
pub fn unique_anchor(base: &str, taken: &[String]) -> String {
    if !taken.iter().any(|t| t == base) {
        return base.to_string();
    }
    (1..)
        .map(|n| format!("{base}-{n}"))
        .find(|id| !taken.contains(id))
        .expect("some suffix is free")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn url(rel: &str) -> String {
        zola_url(rel, None, None, &Rules::default()).url
    }

    #[test]
    fn slugs_are_zolas() {
        assert_eq!(slugify_on("Hello World").0, "hello-world");
        assert_eq!(slugify_on(" file with space").0, "file-with-space");
        assert_eq!(slugify_on("test (hey)").0, "test-hey");
        assert_eq!(slugify_on("dot. ").0, "dot");
        assert_eq!(slugify_on("héhé"), ("hehe".to_string(), false));
        assert_eq!(slugify_on("Straße").0, "strasse");
        assert_eq!(slugify_on("my_page--2").0, "my-page-2");
        assert!(slugify_on("日本").1, "a transliteration is only guessed");
        assert_eq!(slugify_path("test (hey)", Strategy::Safe).0, "test (hey)");
        assert_eq!(slugify_path("dot. ", Strategy::Safe).0, "dot");
        assert_eq!(slugify_anchor("What's new?", Strategy::On), "what-s-new");
        assert_eq!(slugify_anchor("a b", Strategy::Safe), "a_b");
    }

    #[test]
    fn dated_file_names() {
        assert_eq!(dated("2024-01-15-hello"), Some(("2024-01-15", Some("hello"))));
        assert_eq!(dated("2024-01-15_hello"), Some(("2024-01-15", Some("hello"))));
        assert_eq!(
            dated("2024-01-15T10:00:00Z-hello"),
            Some(("2024-01-15T10:00:00Z", Some("hello")))
        );
        assert_eq!(dated("2024-01-15"), Some(("2024-01-15", None)));
        assert_eq!(dated("2024-13-15-x"), None);
        assert_eq!(dated("hello"), None);
    }

    #[test]
    fn urls_are_zolas() {
        assert_eq!(url("_index.md"), "/");
        assert_eq!(url("docs/_index.md"), "/docs/");
        assert_eq!(url("docs/My Guide/_index.md"), "/docs/My Guide/");
        assert_eq!(url("docs/Getting Started.md"), "/docs/getting-started/");
        assert_eq!(url("blog/2024-01-15-hello.md"), "/blog/hello/");
        assert_eq!(url("blog/post/index.md"), "/blog/post/");
        assert_eq!(url("blog/2024-02-01_trip/index.md"), "/blog/trip/");
        assert_eq!(url("about.md"), "/about/");
        let rules = Rules::default();
        assert_eq!(
            zola_url("docs/a.md", Some("Other Name"), None, &rules).url,
            "/docs/other-name/"
        );
        assert_eq!(zola_url("docs/a.md", None, Some("x/y"), &rules).url, "/x/y/");
        assert_eq!(zola_url("docs/a.md", None, Some("/z.html"), &rules).url, "/z.html/");
        let d = zola_url("blog/2024-01-15-hello.md", None, None, &rules);
        assert_eq!(d.date.as_deref(), Some("2024-01-15"));
        assert_eq!(d.segment, "hello");
        let keep = Rules {
            keep_dates: true,
            ..Rules::default()
        };
        assert_eq!(
            zola_url("blog/2024-01-15-hello.md", None, None, &keep).url,
            "/blog/2024-01-15-hello/"
        );
        let fr = Rules {
            default_language: "en".into(),
            languages: vec!["fr".into()],
            ..Rules::default()
        };
        assert_eq!(zola_url("docs/a.fr.md", None, None, &fr).url, "/fr/docs/a/");
        assert_eq!(zola_url("docs/_index.fr.md", None, None, &fr).url, "/fr/docs/");
        assert_eq!(zola_url("docs/a.en.md", None, None, &fr).url, "/docs/a-en/");
    }

    #[test]
    fn repeated_anchors_are_numbered() {
        let taken = vec!["a".to_string(), "a-1".to_string()];
        assert_eq!(unique_anchor("a", &taken), "a-2");
        assert_eq!(unique_anchor("b", &taken), "b");
    }
}
