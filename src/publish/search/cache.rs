//! The search index in the build cache (`.quire-cache/search-<lang>.cbor`): what the last
//! index was made of ([`Kept`]: its pages by the hash of each page's record, every word's
//! encoded locations, its compressed files), so the next `quire build` splits only the pages
//! whose hash is new, patches the words and compresses only the chunks that changed; and
//! Pagefind's runtime (`.quire-cache/search-runtime-<lang>.cbor`), which never changes
//! between two builds of one Quire.

use super::postings::Kept;
use crate::cache::{Cache, Pending};

/// The cache file for `language`; none for a language name that is not plain letters and
/// digits (it comes from quire.toml and must not become a path).
fn file_name(language: &str) -> Option<String> {
    named("search", language)
}

/// `<what>-<language>.cbor`, when `language` is plain letters and digits.
fn named(what: &str, language: &str) -> Option<String> {
    (!language.is_empty() && language.chars().all(|c| c.is_ascii_alphanumeric()))
        .then(|| format!("{what}-{language}.cbor"))
}

/// What the last build kept for `language`; empty when there is nothing, or nothing this
/// version can use.
pub fn load(cache: &Cache, language: &str) -> Kept {
    file_name(language)
        .and_then(|name| cache.read(&name))
        .and_then(|bytes| minicbor::decode::<Kept>(&bytes).ok())
        .filter(Kept::is_sound)
        .unwrap_or_default()
}

/// Writes `kept` for the next build; it takes the place of the last build's when the
/// returned write is committed.
pub fn save(cache: &Cache, language: &str, kept: &Kept) -> anyhow::Result<Option<Pending>> {
    let Some(name) = file_name(language) else {
        return Ok(None);
    };
    // Where earlier versions kept the compressed chunks apart.
    cache.forget(&format!("search-{language}-chunks.cbor"));
    cache.write_cbor(&name, kept).map(Some)
}

/// The cache file of Pagefind's runtime for `language` (see [`load_runtime`]).
fn runtime_file_name(language: &str) -> Option<String> {
    named("search-runtime", language)
}

/// Pagefind's runtime as the cache keeps it, with the Pagefind version that made it.
#[derive(minicbor::Encode, minicbor::Decode)]
struct StoredRuntime {
    #[n(0)]
    pagefind: String,
    #[n(1)]
    files: Vec<StoredFile>,
}

/// One file of the runtime: its name in the bundle and its bytes.
#[derive(minicbor::Encode, minicbor::Decode)]
struct StoredFile {
    #[n(0)]
    name: String,
    #[n(1)]
    #[cbor(with = "minicbor::bytes")]
    bytes: Vec<u8>,
}

/// Pagefind's runtime for `language` as the last build made it, when the same Pagefind did.
///
/// Making it takes 6 ms, and up to tens of milliseconds when the kernel is slow to hand out
/// memory (Pagefind minifies its JavaScript every time), for files that never change
/// between two builds of one Quire: on a book-sized site that was a fifth of a build's CPU.
pub fn load_runtime(cache: &Cache, language: &str) -> Option<super::runtime::RuntimeFiles> {
    let bytes = cache.read(&runtime_file_name(language)?)?;
    let stored: StoredRuntime = minicbor::decode(&bytes).ok()?;
    let sound = stored.pagefind == super::PAGEFIND_VERSION && !stored.files.is_empty();
    sound.then(|| std::sync::Arc::new(stored.files.into_iter().map(|f| (f.name, f.bytes)).collect()))
}

/// Keeps Pagefind's runtime for `language` for the next build, once the write is committed.
pub fn save_runtime(cache: &Cache, language: &str, files: &super::runtime::RuntimeFiles) -> Option<Pending> {
    let stored = StoredRuntime {
        pagefind: super::PAGEFIND_VERSION.to_string(),
        files: files
            .iter()
            .map(|(name, bytes)| StoredFile {
                name: name.clone(),
                bytes: bytes.clone(),
            })
            .collect(),
    };
    cache.write_cbor(&runtime_file_name(language)?, &stored).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_runtime_comes_back_from_the_cache_only_for_the_same_pagefind() {
        let dir = std::env::temp_dir().join(format!("quire-search-runtime-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        let cache = Cache::at(&dir);
        assert!(load_runtime(&cache, "en").is_none(), "nothing kept yet");
        let files: super::super::runtime::RuntimeFiles = std::sync::Arc::new(vec![
            ("pagefind.js".into(), b"js".to_vec()),
            ("wasm.en.pagefind".into(), vec![0, 1, 2]),
        ]);
        save_runtime(&cache, "en", &files).unwrap().commit().unwrap();
        assert_eq!(load_runtime(&cache, "en").as_deref(), Some(&*files));
        assert!(load_runtime(&cache, "fr").is_none(), "another language's runtime");
        let other = StoredRuntime {
            pagefind: "0.0.1".into(),
            files: vec![StoredFile {
                name: "pagefind.js".into(),
                bytes: b"old".to_vec(),
            }],
        };
        cache
            .write_cbor("search-runtime-en.cbor", &other)
            .unwrap()
            .commit()
            .unwrap();
        assert!(load_runtime(&cache, "en").is_none(), "made by another Pagefind");
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn only_plain_language_names_become_files() {
        assert_eq!(file_name("en").as_deref(), Some("search-en.cbor"));
        for bad in ["", "../x", "en/..", "a.b", "é"] {
            assert_eq!(file_name(bad), None, "{bad}");
        }
    }
}
