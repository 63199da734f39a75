//! The small pages that answer old paths: a meta refresh to the new address for readers, a
//! canonical link for search engines, `noindex` so the old path is not listed, and a plain
//! link for anyone whose browser does not follow the refresh. They are in no sitemap, feed,
//! search index or navigation.

use super::xml_escape;
use crate::site::{Destination, Redirect, Site};

/// The redirect pages of `site`, as (output path, bytes).
pub fn files(site: &Site) -> Vec<(String, Vec<u8>)> {
    site.redirects
        .iter()
        .map(|r| (r.path.clone(), page(site, r).into_bytes()))
        .collect()
}

/// One redirect page.
pub fn page(site: &Site, redirect: &Redirect) -> String {
    let (local, absolute, title) = match &redirect.to {
        Destination::Page(id, anchor) => {
            let page = &site.content.pages[*id];
            let fragment = anchor.as_ref().map(|a| format!("#{a}")).unwrap_or_default();
            (
                format!("{}{fragment}", site.base.local(&page.path)),
                format!("{}{fragment}", site.base.absolute(&page.path)),
                page.title.as_str(),
            )
        }
        Destination::Url(url) => (url.clone(), url.clone(), url.as_str()),
    };
    let (local, absolute, title) = (xml_escape(&local), xml_escape(&absolute), xml_escape(title));
    format!(
        "<!DOCTYPE html>\n<html lang=\"{lang}\">\n<head>\n<meta charset=\"utf-8\">\n<title>Moved: {title}</title>\n\
         <meta http-equiv=\"refresh\" content=\"0; url={local}\">\n<link rel=\"canonical\" href=\"{absolute}\">\n\
         <meta name=\"robots\" content=\"noindex\">\n</head>\n<body>\n<p>This page has moved to <a href=\"{local}\">{title}</a>.</p>\n</body>\n</html>\n",
        lang = xml_escape(&site.config.language),
    )
}
