//! `sitemap.xml` (every built page, absolute URLs) and the `robots.txt` that points at it.

use super::xml_escape;
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
