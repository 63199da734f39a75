//! The Atom feed of dated pages, newest first.

use super::{FEED, xml_escape};
use crate::site::Site;
use std::fmt::Write;

/// How many entries the feed keeps.
pub const FEED_ENTRIES: usize = 50;

/// The Atom document (RFC 4287) for the site's dated pages.
pub fn atom(site: &Site) -> String {
    let mut dated: Vec<_> = site.content.pages.iter().filter(|p| p.front.date.is_some()).collect();
    // Newest first; the source path breaks ties so the feed is the same from build to build.
    dated.sort_by(|a, b| b.front.date.cmp(&a.front.date).then_with(|| a.source.cmp(&b.source)));
    dated.truncate(FEED_ENTRIES);
    let updated = dated
        .first()
        .and_then(|p| p.front.date.as_ref())
        .map_or("1970-01-01T00:00:00Z", |d| d.rfc3339.as_str());
    let author = if site.config.author.is_empty() {
        &site.config.title
    } else {
        &site.config.author
    };
    let home = site.base.absolute("");
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"utf-8\"?>\n");
    let _ = writeln!(
        out,
        "<feed xmlns=\"http://www.w3.org/2005/Atom\" xml:lang=\"{}\">",
        xml_escape(&site.config.language)
    );
    let _ = writeln!(out, "  <title>{}</title>", xml_escape(&site.config.title));
    if !site.config.description.is_empty() {
        let _ = writeln!(out, "  <subtitle>{}</subtitle>", xml_escape(&site.config.description));
    }
    let _ = writeln!(
        out,
        "  <link href=\"{}\" rel=\"self\" type=\"application/atom+xml\"/>",
        xml_escape(&site.base.absolute(FEED))
    );
    let _ = writeln!(
        out,
        "  <link href=\"{}\" rel=\"alternate\" type=\"text/html\"/>",
        xml_escape(&home)
    );
    let _ = writeln!(out, "  <id>{}</id>\n  <updated>{updated}</updated>", xml_escape(&home));
    let _ = writeln!(out, "  <author><name>{}</name></author>", xml_escape(author));
    for page in dated {
        let url = xml_escape(&site.base.absolute(&page.path));
        let date = page.front.date.as_ref().map_or("", |d| d.rfc3339.as_str());
        let summary = page
            .front
            .description
            .clone()
            .unwrap_or_else(|| site.bodies[page.id].first_paragraph.clone());
        let _ = writeln!(out, "  <entry>\n    <title>{}</title>", xml_escape(&page.title));
        let _ = writeln!(
            out,
            "    <link href=\"{url}\" rel=\"alternate\" type=\"text/html\"/>\n    <id>{url}</id>"
        );
        let _ = writeln!(
            out,
            "    <updated>{date}</updated>\n    <summary>{}</summary>\n  </entry>",
            xml_escape(&summary)
        );
    }
    out.push_str("</feed>\n");
    out
}
