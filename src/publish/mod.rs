//! Stage 7: what a published site needs beyond its pages — `sitemap.xml`, `robots.txt`, an
//! Atom feed when pages carry dates, the pages answering old paths, and the search index.

pub mod feed;
pub mod redirects;
pub mod search;
pub mod sitemap;

use crate::diagnostics::BuildError;
use crate::output::Output;
use crate::site::Site;

/// The feed's path in the output (present only when some page has a `date`).
pub const FEED: &str = "feed.xml";

/// Escapes text for XML content and attributes.
pub fn xml_escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&apos;"),
            c => out.push(c),
        }
    }
    out
}

/// The sitemap's path in the output.
pub const SITEMAP: &str = "sitemap.xml";
/// The robots file's path in the output.
pub const ROBOTS: &str = "robots.txt";

/// The files this stage generates for `site`, as (output path, what it is for people).
pub fn generated_paths(site: &Site) -> Vec<(&'static str, &'static str)> {
    let mut paths = vec![(SITEMAP, "the sitemap"), (ROBOTS, "robots.txt")];
    if has_feed(site) {
        paths.push((FEED, "the Atom feed"));
    }
    paths
}

/// Folders this stage fills on its own for `site`, as (folder, what it holds).
pub fn reserved_folders(site: &Site) -> Vec<(&'static str, &'static str)> {
    if site.config.search.enabled {
        vec![(search::BUNDLE_DIR, "the search index")]
    } else {
        Vec::new()
    }
}

/// Whether the site gets a feed.
pub fn has_feed(site: &Site) -> bool {
    site.content.pages.iter().any(|p| p.front.date.is_some())
}

/// The sitemap, robots.txt, the feed and the search index, as (output path, bytes).
///
/// Needs only the [`Site`], not the rendered pages, so the build runs it alongside the
/// templates.
/// With `cache`, the search index's write to it comes back too, to commit once the build
/// has succeeded.
pub fn published_files(
    site: &Site,
    search: bool,
    cache: Option<&crate::cache::Cache>,
) -> Result<Published, BuildError> {
    let mut files = vec![
        (SITEMAP.to_string(), sitemap::sitemap(site).into_bytes()),
        (ROBOTS.to_string(), sitemap::robots(site).into_bytes()),
    ];
    if has_feed(site) {
        files.push((FEED.into(), feed::atom(site).into_bytes()));
    }
    files.extend(redirects::files(site));
    if search && site.config.search.enabled {
        let index = search::index_files(site, cache)?;
        files.extend(index.files);
        return Ok(Published {
            files,
            cache: index.cache,
        });
    }
    Ok(Published {
        files,
        cache: Vec::new(),
    })
}

/// Files to publish (output path, bytes), and a write to the build cache that waits for the
/// build to succeed.
pub struct Published {
    /// The files.
    pub files: Vec<(String, Vec<u8>)>,
    /// The search index's parts and chunks, written to the cache but not yet in place.
    pub cache: Vec<crate::cache::Pending>,
}

/// Adds [`published_files`] to `output`.
pub fn add_published_files(site: &Site, output: &mut Output) -> Result<(), BuildError> {
    for (path, bytes) in published_files(site, true, None)?.files {
        output.insert(path, bytes);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_xml() {
        assert_eq!(
            xml_escape("a<b & \"c\" 'd'>"),
            "a&lt;b &amp; &quot;c&quot; &apos;d&apos;&gt;"
        );
    }
}
