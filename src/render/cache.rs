//! Rendered pages in the build cache (`.quire-cache/pages.cbor`): for each output path, a
//! hash of everything its template was given and a hash of the bytes it made.
//!
//! A page whose inputs hash the same as in the last build is not rendered again: the
//! previous output file is taken over, after checking that it still holds those bytes
//! (see [`crate::output::Sink::reuse`]). The inputs are the templates, the values every
//! page shares and the page's own context with its sidebar, serialized exactly as the
//! template sees them; so a title edited on one page changes the key of every page whose
//! sidebar, breadcrumbs or previous/next links show it, and nothing else.

use crate::cache::{Cache, Pending};
use std::collections::HashMap;
use std::sync::Mutex;

/// The cache file.
const FILE: &str = "pages.cbor";

/// One rendered page: the key of its inputs and what they made.
#[derive(Debug, Clone, Copy, PartialEq, Eq, minicbor::Encode, minicbor::Decode)]
pub struct Entry {
    /// The hash of the template's inputs.
    #[n(0)]
    pub key: u64,
    /// [`crate::output::content_hash`] of the page's bytes.
    #[n(1)]
    pub hash: u64,
    /// The page's length in bytes.
    #[n(2)]
    pub len: u64,
}

/// The last build's pages and this build's, as they are rendered.
#[derive(Default)]
pub struct Pages {
    previous: HashMap<String, Entry>,
    current: Mutex<Vec<(String, Entry)>>,
}

impl Pages {
    /// The pages the last build kept; none when there are none or they cannot be read.
    pub fn load(cache: &Cache) -> Pages {
        let previous = cache
            .read(FILE)
            .and_then(|bytes| minicbor::decode::<Vec<(String, Entry)>>(&bytes).ok())
            .map(|entries| entries.into_iter().collect())
            .unwrap_or_default();
        Pages {
            previous,
            current: Mutex::default(),
        }
    }

    /// The last build's entry for `path`, if its inputs had the same `key`.
    pub fn hit(&self, path: &str, key: u64) -> Option<Entry> {
        self.previous.get(path).filter(|e| e.key == key).copied()
    }

    /// Records this build's `entry` for `path`.
    pub fn keep(&self, path: String, entry: Entry) {
        self.current
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .push((path, entry));
    }

    /// Writes this build's pages (and only them), to replace the last build's when committed.
    pub fn save(self, cache: &Cache) -> anyhow::Result<Pending> {
        let mut entries = self
            .current
            .into_inner()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        entries.sort_unstable_by(|a, b| a.0.cmp(&b.0));
        cache.write_cbor(FILE, &entries)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every page of the fixture (dates, a glossary, sections, drafts) gets a key: a context
    /// that could not be hashed would leave its page out of the cache, only ever slower.
    #[test]
    fn every_page_of_the_fixture_is_keyed() {
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/basic");
        let site = crate::Site::load(&root, &crate::site::SiteOptions::default()).expect("the fixture loads");
        let templates = crate::render::Templates::new(&site).expect("the theme compiles");
        let dir = std::env::temp_dir().join(format!("quire-page-keys-{}", std::process::id()));
        let pages = Pages::load(&Cache::at(&dir));
        crate::render::render_site_into(&site, &templates, Some(&pages), &crate::output::Discard).expect("renders");
        let kept = pages.current.into_inner().unwrap();
        assert_eq!(kept.len(), site.content.pages.len(), "{kept:?}");
    }

    #[test]
    fn entries_survive_a_round_trip_and_only_matching_keys_hit() {
        let dir = std::env::temp_dir().join(format!("quire-page-cache-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let cache = Cache::at(&dir);
        let pages = Pages::load(&cache);
        assert_eq!(pages.hit("a/index.html", 1), None, "an empty cache hits nothing");
        let entry = Entry {
            key: 7,
            hash: 9,
            len: 3,
        };
        pages.keep("a/index.html".into(), entry);
        pages.save(&cache).unwrap().commit().unwrap();
        let again = Pages::load(&cache);
        assert_eq!(again.hit("a/index.html", 7), Some(entry));
        assert_eq!(again.hit("a/index.html", 8), None, "other inputs");
        assert_eq!(again.hit("b/index.html", 7), None, "another page");
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
