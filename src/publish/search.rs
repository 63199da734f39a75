//! The search index, built in-process with Pagefind from the rendered pages.
//!
//! Pagefind splits the index into small fragments that the browser fetches on demand, so a
//! query downloads a few chunks instead of one index that grows with the site. Only what
//! the theme's own search box needs is kept: the loader, its worker, the WebAssembly and the
//! index files, all under `pagefind/`.

use crate::diagnostics::{BuildError, Diagnostic};
use crate::site::Site;
use rayon::prelude::*;
use std::collections::BTreeMap;

mod cache;
mod index;
mod language;
mod postings;
mod runtime;
mod text;
mod words;
pub use text::plain_text;

/// Where the search bundle lives in the output.
pub const BUNDLE_DIR: &str = "pagefind";

/// The Pagefind release the bundle comes from (Cargo.toml pins it to exactly this). Its
/// loader has a fixed file name, so pages ask for it with this version in the query: a
/// redeploy with another release is never served a stale loader. The index files it then
/// fetches carry content hashes of their own.
pub const PAGEFIND_VERSION: &str = "1.6.0";

/// Indexes every page's title and text and adds the bundle to `output`.
///
/// Pagefind is given each page's text as a record rather than the themed HTML page:
/// navigation is most of a page's bytes and none of its words, and parsing HTML is most
/// of Pagefind's indexing time.
///
/// Each page's text is made, split and packed in one go and then dropped, so the texts of all
/// pages are never held at once.
///
/// With a `cache`, the pages' parts of the last build are taken from it where a page's
/// URL, title and text are unchanged, and this build's parts are written there for the
/// next: the returned write, to commit when the whole build has succeeded.
pub fn index_files(site: &Site, cache: Option<&crate::cache::Cache>) -> Result<super::Published, BuildError> {
    let language = language(site);
    // Keyed by what the record is made of, so that a page found in the cache needs no text.
    let pages = site
        .content
        .reading_order
        .par_iter()
        .map(|&p| (record_key(site, &language, p), move || record(site, p)));
    let mut indexer = match cache {
        Some(cache) => Indexer::cached(cache, &language),
        None => Indexer::once(),
    };
    let files = indexer.index_pages(&language, pages)?;
    Ok(super::Published {
        files,
        cache: std::mem::take(&mut indexer.pending),
    })
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

impl Records {
    /// How many pages there are.
    pub fn len(&self) -> usize {
        self.pages.len()
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.pages.is_empty()
    }

    /// Appends `text` to the text of page `n` (benchmarks of re-indexing after an edit).
    pub fn edit_text(&mut self, n: usize, text: &str) {
        if let Some(page) = self.pages.get_mut(n) {
            page.text.push_str(text);
        }
    }
}

/// Prepares each page's record (in parallel; Pagefind then needs no HTML parsing).
pub fn records(site: &Site) -> Records {
    let pages = site
        .content
        .reading_order
        .par_iter()
        .map(|&p| record(site, p))
        .collect();
    Records {
        language: language(site),
        pages,
    }
}

/// The xxh3 hash of `parts`, each ended by a NUL, so that text moved from one part to the
/// next changes it.
fn hash_parts(parts: &[&str]) -> u64 {
    let mut h = xxhash_rust::xxh3::Xxh3::new();
    for part in parts {
        h.update(part.as_bytes());
        h.update(&[0]);
    }
    h.digest()
}

/// The key of page `p`'s record: everything [`record`] makes it from (its URL, title, the
/// aliases of the term it defines and its HTML), marked apart from keys of finished records.
fn record_key(site: &Site, language: &str, p: crate::content::PageId) -> u64 {
    let page = &site.content.pages[p];
    let aliases = site
        .glossary
        .by_page
        .get(&p)
        .map(|&t| site.glossary.terms[t].aliases.join("\u{1f}"))
        .unwrap_or_default();
    let url = site.base.local(&page.path);
    hash_parts(&["page html", language, &url, &page.title, &aliases, &site.bodies[p].html])
}

/// What is indexed of page `p`.
fn record(site: &Site, p: crate::content::PageId) -> Record {
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
}

/// The index's language: the site's, without its region.
fn language(site: &Site) -> String {
    site.config
        .language
        .split(['-', '_'])
        .next()
        .unwrap_or("en")
        .to_lowercase()
}

/// The entry file the loader reads first: the version, and each language's meta file.
#[derive(serde::Serialize)]
struct Entry<'a> {
    version: &'static str,
    languages: BTreeMap<&'a str, EntryLanguage<'a>>,
    include_characters: &'static [char],
}

#[derive(serde::Serialize)]
struct EntryLanguage<'a> {
    hash: &'a str,
    wasm: Option<&'a str>,
    page_count: usize,
}

/// Builds the index of `records`: the bundle's files as (output path, bytes).
///
/// Pages are split into words, encoded and compressed on every core (`words.rs`,
/// `index.rs`); the files are those Pagefind itself would write for the same records (the
/// tests compare them byte for byte), so Pagefind's runtime (`runtime.rs`) runs the queries.
pub fn index_records(records: Records) -> Result<Vec<(String, Vec<u8>)>, BuildError> {
    Indexer::once().index(records)
}

/// Indexes a site again and again (the dev server, or one build after another through the
/// build cache), redoing only the pages whose URL, title or text changed since the last
/// time; the rest of their work is kept (see `postings.rs`).
#[derive(Default)]
pub struct Indexer {
    /// What the last index was made of.
    kept: postings::Kept,
    /// Where the index is kept for the next build (`quire build` without `--no-cache`).
    cache: Option<crate::cache::Cache>,
    /// How many pages the last index took from earlier work instead of splitting them.
    reused: usize,
    /// This index's work, written to the cache, to be put in place once the build succeeded.
    pending: Vec<crate::cache::Pending>,
}

impl Indexer {
    /// An indexer for one index only, keeping no work for a next one.
    fn once() -> Indexer {
        Indexer::default()
    }

    /// An indexer for one index, starting from the work `cache` kept for `language` and
    /// leaving this index's work there for the next build.
    fn cached(cache: &crate::cache::Cache, language: &str) -> Indexer {
        Indexer {
            kept: cache::load(cache, language),
            cache: Some(cache.clone()),
            ..Indexer::default()
        }
    }

    /// The bundle for `records`, as [`index_records`] gives it.
    pub fn index(&mut self, records: Records) -> Result<Vec<(String, Vec<u8>)>, BuildError> {
        let Records { language, pages } = records;
        let keyed = pages.into_par_iter().map(|r| {
            let key = hash_parts(&[&language, &r.url, &r.title, &r.text]);
            (key, move || r)
        });
        self.index_pages(&language, keyed)
    }

    /// The bundle for the pages `pages` yields in `language`, each as the key of everything
    /// its record is made of and a way to make the record (only called for a new key).
    fn index_pages<R: FnOnce() -> Record + Send>(
        &mut self,
        language: &str,
        pages: impl IndexedParallelIterator<Item = (u64, R)>,
    ) -> Result<Vec<(String, Vec<u8>)>, BuildError> {
        let language = language.to_string();
        let rules = language::Language::new(&language);
        let mut positions = self.kept.positions();
        let pages: Vec<(u64, R)> = pages.collect();
        // A page of the last index can stand for one page only: a second page with the same
        // record is split again.
        let kept: Vec<Option<usize>> = pages.iter().map(|(k, _)| positions.remove(k)).collect();
        // Pagefind's runtime, when the cache does not have it, takes a fixed 6 ms to tens of
        // milliseconds to produce: overlap it with the pages' words.
        let cached_runtime = self.cache.as_ref().and_then(|c| cache::load_runtime(c, &language));
        let (runtime, sources) = rayon::join(
            || match &cached_runtime {
                Some(files) => Ok(files.clone()),
                None => runtime::files(&language),
            },
            || -> Vec<(u64, postings::Source)> {
                pages
                    .into_par_iter()
                    .zip(kept)
                    .map(|((k, record), kept)| {
                        if let Some(at) = kept {
                            return (k, postings::Source::Kept(at));
                        }
                        let Record { url, title, text } = record();
                        let words = words::page_words(&text, &[title.as_str()], &rules);
                        let page = index::IndexedPage {
                            url,
                            meta: BTreeMap::from([("title".to_string(), title)]),
                            words,
                        };
                        (k, postings::Source::Fresh(Box::new(index::page_part(page, &language))))
                    })
                    .collect()
            },
        );
        let runtime = runtime.map_err(|e| {
            BuildError::single(
                Diagnostic::error(
                    BUNDLE_DIR,
                    0,
                    0,
                    format!("loading Pagefind's search runtime failed: {e:#}"),
                )
                .with_hint("this is a bug in Quire or Pagefind; please report it with the site that triggers it"),
            )
        })?;
        self.reused = sources
            .iter()
            .filter(|(_, s)| matches!(s, postings::Source::Kept(_)))
            .count();
        let built = self.kept.update(sources, &language, PAGEFIND_VERSION);
        if let Some(cache) = &self.cache {
            // A cache that cannot be written only costs the next build time.
            self.pending
                .extend(cache::save(cache, &language, &self.kept).ok().flatten());
            if cached_runtime.is_none() {
                self.pending.extend(cache::save_runtime(cache, &language, &runtime));
            }
        }
        let wasm = format!("wasm.{language}.pagefind");
        let has_wasm = runtime.iter().any(|(name, _)| *name == wasm);
        let mut languages = BTreeMap::new();
        // Pagefind writes no language when no page has a word.
        if built.page_count > 0 {
            languages.insert(
                language.as_str(),
                EntryLanguage {
                    hash: &built.meta_hash,
                    wasm: has_wasm.then_some(language.as_str()),
                    page_count: built.page_count,
                },
            );
        }
        let entry = serde_json::to_vec(&Entry {
            version: PAGEFIND_VERSION,
            languages,
            include_characters: &words::WORD_SYMBOLS,
        })
        .unwrap_or_default();
        let mut files: Vec<(String, Vec<u8>)> = runtime
            .iter()
            .filter(|(name, _)| has_wasm || *name != wasm)
            .cloned()
            .collect();
        files.push(("pagefind-entry.json".into(), entry));
        files.extend(built.files);
        Ok(files
            .into_iter()
            .map(|(name, contents)| (format!("{BUNDLE_DIR}/{name}"), contents))
            .collect())
    }
}

#[cfg(test)]
mod tests;
