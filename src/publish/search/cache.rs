//! The search index in the build cache: the pages' parts (`.quire-cache/search-<lang>.cbor`),
//! by the hash of each page's language, URL, title and text, so the next `quire build`
//! splits, packs and compresses only the pages whose hash is new; and the compressed word
//! chunks (`search-<lang>-chunks.cbor`), by the hash of their uncompressed bytes, so it
//! compresses again only the chunks whose words changed.

use super::index::PagePart;
use crate::cache::{Cache, Pending};
use std::collections::HashMap;
use std::sync::Arc;

/// The cache file for `language`; none for a language name that is not plain letters and
/// digits (it comes from quire.toml and must not become a path).
fn file_name(language: &str) -> Option<String> {
    named(language, "")
}

/// `search-<language><suffix>.cbor`, for a plain language name only.
fn named(language: &str, suffix: &str) -> Option<String> {
    (!language.is_empty() && language.chars().all(|c| c.is_ascii_alphanumeric()))
        .then(|| format!("search-{language}{suffix}.cbor"))
}

/// The cache file of the compressed chunks for `language`.
fn chunks_file(language: &str) -> Option<String> {
    named(language, "-chunks")
}

/// The chunks the last build compressed, by the hash of their bytes; empty when there are
/// none or they cannot be read.
pub fn load_chunks(cache: &Cache, language: &str) -> hashbrown::HashMap<String, Vec<u8>> {
    chunks_file(language)
        .and_then(|name| cache.read(&name))
        .and_then(|bytes| minicbor::decode::<Vec<(String, minicbor::bytes::ByteVec)>>(&bytes).ok())
        .map(|entries| entries.into_iter().map(|(k, v)| (k, v.into())).collect())
        .unwrap_or_default()
}

/// Writes `chunks` (this index's, and only them) for the next build.
pub fn save_chunks(
    cache: &Cache,
    language: &str,
    chunks: &hashbrown::HashMap<String, Vec<u8>>,
) -> anyhow::Result<Option<Pending>> {
    let Some(name) = chunks_file(language) else {
        return Ok(None);
    };
    // Sorted, so that the same chunks make the same file.
    let mut entries: Vec<(&str, &minicbor::bytes::ByteSlice)> =
        chunks.iter().map(|(k, v)| (k.as_str(), v.as_slice().into())).collect();
    entries.sort_unstable_by_key(|(k, _)| *k);
    cache.write_cbor(&name, &entries).map(Some)
}

/// The parts the last build kept, by key, each with the CBOR it was read from.
#[derive(Default)]
pub struct Loaded {
    /// The parts, decoded.
    pub parts: HashMap<u64, Arc<PagePart>>,
    /// Where each part's bytes are in the file, written back as they are when the part is kept.
    pub raw: Raw,
}

/// The parts' bytes in the cache file as read: the file, and each part's range in it.
#[derive(Default)]
pub struct Raw {
    file: Vec<u8>,
    ranges: HashMap<u64, std::ops::Range<usize>>,
}

impl Raw {
    /// The bytes part `key` was read from.
    fn get(&self, key: u64) -> Option<&[u8]> {
        self.ranges.get(&key).and_then(|r| self.file.get(r.clone()))
    }
}

/// The parts the last build kept; empty when there are none or they cannot be read.
pub fn load(cache: &Cache, language: &str) -> Loaded {
    use rayon::prelude::*;
    let Some(bytes) = file_name(language).and_then(|name| cache.read(&name)) else {
        return Loaded::default();
    };
    let Ok(entries) = minicbor::decode::<Vec<(u64, &minicbor::bytes::ByteSlice)>>(&bytes) else {
        return Loaded::default();
    };
    // Each part is its own byte string, so they decode on every core.
    let start = bytes.as_ptr() as usize;
    let decoded: Option<Vec<(u64, PagePart, std::ops::Range<usize>)>> = entries
        .par_iter()
        .map(|(k, raw)| {
            let part = minicbor::decode::<PagePart>(raw).ok()?;
            let at = raw.as_ptr() as usize - start;
            Some((*k, part, at..at + raw.len()))
        })
        .collect();
    let Some(decoded) = decoded else {
        return Loaded::default();
    };
    drop(entries);
    let mut loaded = Loaded::default();
    for (k, part, range) in decoded {
        loaded.parts.insert(k, Arc::new(part));
        loaded.raw.ranges.insert(k, range);
    }
    loaded.raw.file = bytes;
    loaded
}

/// Writes `parts` (this build's pages, and only them) for the next build; they take the
/// place of the last build's when the returned write is committed. A part found in `raw`
/// is written as it was read; only new ones are encoded.
pub fn save(
    cache: &Cache,
    language: &str,
    parts: &[(u64, Arc<PagePart>)],
    raw: &Raw,
) -> anyhow::Result<Option<Pending>> {
    use rayon::prelude::*;
    let Some(name) = file_name(language) else {
        return Ok(None);
    };
    let encoded: Vec<(u64, std::borrow::Cow<[u8]>)> = parts
        .par_iter()
        .map(|(k, part)| {
            let bytes = match raw.get(*k) {
                Some(known) => std::borrow::Cow::Borrowed(known),
                None => std::borrow::Cow::Owned(minicbor::to_vec(&**part)?),
            };
            Ok((*k, bytes))
        })
        .collect::<Result<_, minicbor::encode::Error<std::convert::Infallible>>>()
        .map_err(|e| anyhow::anyhow!("cannot encode the search cache: {e}"))?;
    let entries: Vec<(u64, &minicbor::bytes::ByteSlice)> = encoded.iter().map(|(k, b)| (*k, (&**b).into())).collect();
    cache.write_cbor(&name, &entries).map(Some)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_plain_language_names_become_files() {
        assert_eq!(file_name("en").as_deref(), Some("search-en.cbor"));
        assert_eq!(chunks_file("zh").as_deref(), Some("search-zh-chunks.cbor"));
        for bad in ["", "../x", "en/..", "a.b", "é"] {
            assert_eq!(file_name(bad), None, "{bad}");
            assert_eq!(chunks_file(bad), None, "{bad}");
        }
    }

    #[test]
    fn chunks_survive_a_round_trip() {
        let dir = std::env::temp_dir().join(format!("quire-chunk-cache-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let cache = Cache::at(&dir);
        let chunks: hashbrown::HashMap<String, Vec<u8>> =
            [("en_b".to_string(), vec![0, 255, 7]), ("en_a".to_string(), Vec::new())].into();
        save_chunks(&cache, "en", &chunks).unwrap().unwrap().commit().unwrap();
        assert_eq!(load_chunks(&Cache::at(&dir), "en"), chunks);
        assert!(load_chunks(&Cache::at(&dir), "fr").is_empty());
        let _ = std::fs::remove_dir_all(&dir);
    }
}
