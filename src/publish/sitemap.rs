//! `sitemap.xml` (every built page, absolute URLs) and the `robots.txt` that points at it,
//! and the warning when `base_url` gives no host to make them absolute.

use super::xml_escape;
use crate::config::CONFIG_FILE;
use crate::diagnostics::{Diagnostic, key_position};
use crate::site::Site;
use std::fmt::Write;

/// The sitemap: one `<url>` per page in reading order, with `lastmod` from `date`.
pub fn sitemap(site: &Site) -> String {
    let mut out = String::from(
        "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset xmlns=\"http://www.sitemaps.org/schemas/sitemap/0.9\">\n",
    );
    for &p in &site.content.reading_order {
        let page = &site.content.pages[p];
        let _ = write!(out, "  <url><loc>{}</loc>", xml_escape(&site.base.absolute(&page.path)));
        if let Some(date) = &page.front.date {
            let _ = write!(out, "<lastmod>{}</lastmod>", date.day);
        }
        out.push_str("</url>\n");
    }
    out.push_str("</urlset>\n");
    out
}

/// Allows everything and names the sitemap.
pub fn robots(site: &Site) -> String {
    format!(
        "User-agent: *\nAllow: /\n\nSitemap: {}\n",
        site.base.absolute("sitemap.xml")
    )
}

/// A warning when `base_url` is only a path: the sitemap, `robots.txt`, the feed and the
/// pages' canonical and `og:url` links are then relative, which search engines and feed
/// readers do not accept. `from_flag` says the base came from `--base-url`.
pub fn relative_base_warning(site: &Site, from_flag: bool) -> Option<Diagnostic> {
    if !site.base.origin.is_empty() {
        return None;
    }
    let (file, line, column) = if from_flag {
        ("--base-url", 0, 0)
    } else {
        let text = std::fs::read_to_string(site.root.join(CONFIG_FILE)).unwrap_or_default();
        let (line, column) = key_position(&text, "base_url");
        (CONFIG_FILE, line, column)
    };
    let published = if crate::publish::has_feed(site) {
        "the sitemap, robots.txt, the feed"
    } else {
        "the sitemap, robots.txt"
    };
    Some(
        Diagnostic::warning(
            file,
            line,
            column,
            format!(
                "base_url `{}` is only a path, so {published} and the canonical links hold relative URLs",
                site.base.path
            ),
        )
        .with_hint(
            "to publish, set base_url to the full address, such as https://user.github.io/repo/ (or pass --base-url)",
        ),
    )
}
