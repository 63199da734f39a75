//! Redirects: old URLs of the site and the page each now leads to.
//!
//! A page lists its own old paths in `redirect_from`; `[redirects]` in `quire.toml` maps old
//! paths to a page's source file (with an optional `#anchor`) or to an absolute URL. Each old
//! path becomes a small HTML page (written by the publish stage) that sends readers on with a
//! meta refresh and tells search engines the new address with a canonical link. Old paths are
//! checked here, once the pages are known, so `check`, `build` and `serve` report them alike;
//! collisions with pages, files and each other are found with every other output path.

use crate::config::BaseUrl;
use crate::config::{CONFIG_FILE, Config};
use crate::content::{Content, PageId};
use crate::diagnostics::Diagnostic;
use crate::markdown::Rendered;
use crate::markdown::links::{self, Target};
use std::path::PathBuf;

/// One old path and where it leads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Redirect {
    /// The output file answering the old path: `ch01.html`, `old/page/index.html`.
    pub path: String,
    /// Where readers are sent.
    pub to: Destination,
    /// The file, line and column that asked for it, for messages.
    pub origin: (PathBuf, usize, usize),
}

/// Where a redirect leads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Destination {
    /// A page of the site, with an optional anchor (`#install`, kept as written).
    Page(PageId, Option<String>),
    /// An absolute URL elsewhere.
    Url(String),
}

/// The output file an old path is answered from: `old/a.html` (or `.htm`) as it is, `old/a/`
/// and `old/a` as `old/a/index.html`, so a server answers the old URL with or without the
/// slash. A leading `/` is optional: paths are relative to the site's root (`base_url`'s path).
pub fn output_path(from: &str) -> Result<String, String> {
    let raw = from.trim();
    if raw.contains("://") || raw.starts_with("//") {
        return Err(format!(
            "`{raw}` is a URL; redirects come from paths of this site, such as `/old/page.html`"
        ));
    }
    if let Some(c) = raw.chars().find(|c| matches!(c, '?' | '#' | '\\') || c.is_control()) {
        return Err(format!(
            "`{}` contains {c:?}: an old path is answered as a file, so it cannot hold a query, a fragment, a backslash or a control character",
            raw.escape_debug()
        ));
    }
    let decoded = links::percent_decode(raw);
    let trimmed = decoded.trim_start_matches('/');
    if trimmed.is_empty() {
        return Err("`/` is the home page itself; a redirect needs the old path of another page".into());
    }
    let is_folder = trimmed.ends_with('/');
    let segments: Vec<&str> = trimmed.trim_end_matches('/').split('/').collect();
    if let Some(bad) = segments.iter().find(|s| s.is_empty() || **s == "." || **s == "..") {
        let shown = if bad.is_empty() {
            "an empty segment (`//`)".to_string()
        } else {
            format!("a `{bad}` segment")
        };
        return Err(format!(
            "`{raw}` has {shown}: write the old path without `.`, `..` or `//`"
        ));
    }
    let joined = segments.join("/");
    let last = segments.last().copied().unwrap_or_default().to_ascii_lowercase();
    if !is_folder && (last.ends_with(".html") || last.ends_with(".htm")) {
        Ok(joined)
    } else {
        Ok(format!("{joined}/index.html"))
    }
}

/// Where an entry of a page's `redirect_from` list is written: the first line from the key
/// on that names it as a whole (not as the start of a longer path), else the key's own line.
fn entry_position(front: &str, from: &str) -> (usize, usize) {
    let (key_line, key_column) = crate::diagnostics::key_position(front, "redirect_from");
    let whole = |line: &str| {
        line.match_indices(from).find_map(|(at, _)| {
            let next = line[at + from.len()..].chars().next();
            let ends = next.is_none_or(|c| !(c.is_alphanumeric() || matches!(c, '/' | '.' | '-' | '_' | '%')));
            ends.then(|| line[..at].chars().count() + 1)
        })
    };
    front
        .lines()
        .enumerate()
        .skip(key_line.saturating_sub(1))
        .find_map(|(i, line)| whole(line).map(|column| (i + 1, column)))
        .unwrap_or((key_line, key_column))
}

/// Every redirect of the site, with the problems found in their paths and destinations.
pub fn collect(
    content: &Content,
    config: &Config,
    base: &BaseUrl,
    bodies: &[Rendered],
) -> (Vec<Redirect>, Vec<Diagnostic>) {
    let mut redirects = Vec::new();
    let mut errors = Vec::new();
    for page in &content.pages {
        for from in &page.front.redirect_from {
            let (line, column) = entry_position(&page.text[..page.body_start], from);
            match output_path(from) {
                Ok(path) => redirects.push(Redirect {
                    path,
                    to: Destination::Page(page.id, None),
                    origin: (page.file.clone(), line, column),
                }),
                Err(message) => errors.push(
                    Diagnostic::error(&page.file, line, column, format!("invalid redirect_from: {message}"))
                        .with_hint("list the page's old paths as they were published, such as `/ch04-01-ownership.html` or `/old/page/`"),
                ),
            }
        }
    }
    let home = &content.pages[content.sections[0].index];
    for (from, to) in &config.redirects {
        let (line, column) = config.redirect_positions.get(from).copied().unwrap_or((0, 0));
        let error = |message: String, hint: &str| {
            Diagnostic::error(CONFIG_FILE, line, column, message).with_hint(hint.to_string())
        };
        let path = match output_path(from) {
            Ok(path) => path,
            Err(message) => {
                errors.push(error(
                    format!("invalid redirect: {message}"),
                    "write the old path as it was published, such as \"/ch04-01-ownership.html\" = \"guide/ownership.md\"",
                ));
                continue;
            }
        };
        let to = to.trim();
        let destination = if to.contains("://") {
            Destination::Url(to.to_string())
        } else {
            match links::resolve(to, home, content, base) {
                Ok(Target::Url {
                    check: Some((page, anchor)),
                    ..
                }) => {
                    if !bodies[page].ids.contains(&anchor) {
                        errors.push(error(
                            format!(
                                "the redirect to `{to}` names the anchor `#{anchor}`, which does not exist on {}",
                                content.pages[page].file.display()
                            ),
                            "name a heading id of that page, or leave the anchor out",
                        ));
                        continue;
                    }
                    Destination::Page(page, Some(anchor))
                }
                Ok(Target::Url { url, check: None }) => match content.pages.iter().find(|p| base.local(&p.path) == url)
                {
                    Some(page) => Destination::Page(page.id, None),
                    None => {
                        errors.push(error(
                            format!("the redirect to `{to}` does not lead to a page"),
                            "name a page by its source file under site/ (`guide/setup.md`), or write an absolute URL (https://…)",
                        ));
                        continue;
                    }
                },
                Ok(Target::Keep) => {
                    errors.push(error(
                        format!("the redirect to `{to}` does not lead to a page"),
                        "name a page by its source file under site/ (`guide/setup.md`), or write an absolute URL (https://…)",
                    ));
                    continue;
                }
                Err(e) => {
                    errors.push(error(format!("invalid redirect target: {}", e.message), &e.hint));
                    continue;
                }
            }
        };
        redirects.push(Redirect {
            path,
            to: destination,
            origin: (PathBuf::from(CONFIG_FILE), line, column),
        });
    }
    (redirects, errors)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn old_paths_become_files() {
        assert_eq!(
            output_path("/ch04-01-ownership.html").unwrap(),
            "ch04-01-ownership.html"
        );
        assert_eq!(output_path("docs/old.HTM").unwrap(), "docs/old.HTM");
        assert_eq!(output_path("/old/page/").unwrap(), "old/page/index.html");
        assert_eq!(output_path("/old/page").unwrap(), "old/page/index.html");
        assert_eq!(output_path("/v1.2").unwrap(), "v1.2/index.html");
        assert_eq!(output_path("/a%20b.html").unwrap(), "a b.html");
    }

    #[test]
    fn bad_old_paths_say_why() {
        for (from, says) in [
            ("/", "home page"),
            ("", "home page"),
            ("https://example.com/a.html", "is a URL"),
            ("//cdn/a", "is a URL"),
            ("/a.html?x=1", "query"),
            ("/a.html#top", "fragment"),
            ("/a/../b.html", "`..`"),
            ("/a//b", "empty segment"),
            ("/a\\b", "backslash"),
        ] {
            let message = output_path(from).unwrap_err();
            assert!(message.contains(says), "{from}: {message}");
        }
    }

    #[test]
    fn entries_are_found_on_their_lines() {
        let block = "---\ntitle: T\nredirect_from:\n  - /a.html\n  - /b.html\n---\n";
        assert_eq!(entry_position(block, "/b.html"), (5, 5));
        let toml = "+++\nredirect_from = [\"/b/c/\", \"/b/\"]\n+++\n";
        assert_eq!(entry_position(toml, "/b/"), (2, 28));
    }
}
