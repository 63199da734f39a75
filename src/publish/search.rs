//! The search index, built in-process with Pagefind from the rendered pages.
//!
//! Pagefind splits the index into small fragments that the browser fetches on demand, so a
//! query downloads a few chunks instead of one index that grows with the site. Only what
//! the theme's own search box needs is kept: the loader, its worker, the WebAssembly and the
//! index files, all under `pagefind/`.

use crate::diagnostics::{BuildError, Diagnostic};
use crate::site::Site;
use pagefind::api::PagefindIndex;
use pagefind::options::PagefindServiceConfig;
use rayon::prelude::*;
use std::collections::BTreeMap;

mod text;
pub use text::plain_text;

/// Where the search bundle lives in the output.
pub const BUNDLE_DIR: &str = "pagefind";

/// The Pagefind release the bundle comes from (Cargo.toml pins it to exactly this). Its
/// loader has a fixed file name, so pages ask for it with this version in the query: a
/// redeploy with another release is never served a stale loader. The index files it then
/// fetches carry content hashes of their own.
pub const PAGEFIND_VERSION: &str = "1.6.0";

/// Pagefind's prebuilt UIs are left out: the theme brings its own. Everything else stays,
/// `wasm.unknown.pagefind` included: it is the WebAssembly the loader fetches for a language
/// Pagefind has no stemmer for (Chinese, Japanese, Korean…).
fn wanted(name: &str) -> bool {
    !(name.contains("-ui.") || name.starts_with("pagefind-highlight"))
}

/// Indexes every page's title and text and adds the bundle to `output`.
///
/// Pagefind is given each page's text as a record rather than the themed HTML page:
/// navigation is most of a page's bytes and none of its words, and parsing HTML is most
/// of Pagefind's indexing time.
pub fn index_files(site: &Site) -> Result<Vec<(String, Vec<u8>)>, BuildError> {
    index_records(records(site))
}

/// What Pagefind indexes of one page.
#[derive(Debug, Clone)]
pub struct Record {
    /// The page's URL, with the base path.
    pub url: String,
    /// The page's title.
    pub title: String,
    /// The page's text.
    pub text: String,
}

/// The records of a site: everything the index needs, detached from the [`Site`] so the dev
/// server can index them on another thread while it goes on serving and rebuilding.
#[derive(Debug, Clone)]
pub struct Records {
    language: String,
    pages: Vec<Record>,
}

/// Prepares each page's record (in parallel; Pagefind then needs no HTML parsing).
pub fn records(site: &Site) -> Records {
    let pages = site
        .content
        .reading_order
        .par_iter()
        .map(|&p| {
            let page = &site.content.pages[p];
            let mut text = plain_text(&site.bodies[p].html);
            // A term's page shows its other spellings above the definition: searching for
            // "co-packaged optics" must find the page of CPO even if its text never says it.
            if let Some(term) = site.glossary.by_page.get(&p).map(|&t| &site.glossary.terms[t])
                && !term.aliases.is_empty()
            {
                text = format!("Also: {}. {text}", term.aliases.join(", "));
            }
            Record {
                url: site.base.local(&page.path),
                title: page.title.clone(),
                text,
            }
        })
        .collect();
    let language = site
        .config
        .language
        .split(['-', '_'])
        .next()
        .unwrap_or("en")
        .to_lowercase();
    Records { language, pages }
}

/// Builds the index of `records`: the bundle's files as (output path, bytes).
pub fn index_records(records: Records) -> Result<Vec<(String, Vec<u8>)>, BuildError> {
    let fail = |e: anyhow::Error| {
        BuildError::single(
            Diagnostic::error(BUNDLE_DIR, 0, 0, format!("building the search index failed: {e:#}"))
                .with_hint("this is a bug in Quire or Pagefind; please report it with the site that triggers it"),
        )
    };
    let Records { language, pages } = records;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| fail(e.into()))?;
    let files = runtime
        .block_on(async {
            let options = PagefindServiceConfig::builder()
                .keep_index_url(true)
                .force_language(language.clone())
                .build();
            let mut index = PagefindIndex::new(Some(options))?;
            for Record { url, title, text } in pages {
                let meta = BTreeMap::from([("title".to_string(), title)]);
                index
                    .add_custom_record(url, text, language.clone(), Some(meta), None, None)
                    .await?;
            }
            index.get_files().await
        })
        .map_err(fail)?;
    Ok(files
        .into_iter()
        .map(|file| (file.filename.to_string_lossy().replace('\\', "/"), file.contents))
        .filter(|(name, _)| wanted(name))
        .map(|(name, contents)| (format!("{BUNDLE_DIR}/{name}"), contents))
        .collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn version_matches_the_pinned_crate() {
        let manifest = include_str!("../../Cargo.toml");
        assert!(manifest.contains(&format!("pagefind = {{ version = \"={PAGEFIND_VERSION}\"")));
    }

    fn bundle(language: &str) -> BTreeMap<String, Vec<u8>> {
        let pages = vec![Record {
            url: "/a/".into(),
            title: "A".into(),
            text: "Co-packaged optics 共封装光学".into(),
        }];
        index_records(Records {
            language: language.into(),
            pages,
        })
        .unwrap()
        .into_iter()
        .collect()
    }

    #[test]
    fn the_bundle_has_the_webassembly_the_loader_asks_for() {
        // A stemmed language gets its own WebAssembly; one without a stemmer gets the
        // generic one, which the loader then fetches: both must be in the bundle.
        for (language, wasm) in [
            ("en", "pagefind/wasm.en.pagefind"),
            ("zh", "pagefind/wasm.unknown.pagefind"),
        ] {
            let files = bundle(language);
            assert!(files.contains_key(wasm), "{language}: {:?}", files.keys());
            let entry = String::from_utf8(files["pagefind/pagefind-entry.json"].clone()).unwrap();
            let named = if wasm.contains("unknown") {
                "\"wasm\":null".to_string()
            } else {
                format!("\"wasm\":\"{language}\"")
            };
            assert!(entry.contains(&named), "{entry}");
            assert!(files.contains_key("pagefind/pagefind.js") && files.contains_key("pagefind/pagefind-worker.js"));
            assert!(
                !files.keys().any(|k| k.contains("-ui.")),
                "Pagefind's own UIs are left out"
            );
        }
    }

    #[test]
    fn the_bundle_is_the_same_from_build_to_build() {
        assert_eq!(bundle("en"), bundle("en"));
    }
}
