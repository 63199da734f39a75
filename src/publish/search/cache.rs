//! The pages' parts of the search index in the build cache (`.quire-cache/search-<lang>.cbor`),
//! by the hash of each page's language, URL, title and text: the next `quire build` splits,
//! packs and compresses only the pages whose hash is new.

use super::index::PagePart;
use crate::cache::{Cache, Pending};
use std::collections::HashMap;
use std::sync::Arc;

/// The cache file for `language`; none for a language name that is not plain letters and
/// digits (it comes from quire.toml and must not become a path).
fn file_name(language: &str) -> Option<String> {
    (!language.is_empty() && language.chars().all(|c| c.is_ascii_alphanumeric()))
        .then(|| format!("search-{language}.cbor"))
}

/// The parts the last build kept, by key; empty when there are none or they cannot be read.
pub fn load(cache: &Cache, language: &str) -> HashMap<u64, Arc<PagePart>> {
    file_name(language)
        .and_then(|name| cache.read(&name))
        .and_then(|bytes| minicbor::decode::<Vec<(u64, PagePart)>>(&bytes).ok())
        .map(|entries| entries.into_iter().map(|(k, p)| (k, Arc::new(p))).collect())
        .unwrap_or_default()
}

/// Writes `parts` (this build's pages, and only them) for the next build; they take the
/// place of the last build's when the returned write is committed.
pub fn save(cache: &Cache, language: &str, parts: &[(u64, Arc<PagePart>)]) -> anyhow::Result<Option<Pending>> {
    let Some(name) = file_name(language) else {
        return Ok(None);
    };
    let entries: Vec<(u64, &PagePart)> = parts.iter().map(|(k, p)| (*k, &**p)).collect();
    cache
        .write_with(&name, |w| {
            minicbor::encode(&entries, minicbor::encode::write::Writer::new(w))
                .map_err(|e| std::io::Error::other(format!("cannot encode the search cache: {e}")))
        })
        .map(Some)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_plain_language_names_become_files() {
        assert_eq!(file_name("en").as_deref(), Some("search-en.cbor"));
        for bad in ["", "../x", "en/..", "a.b", "é"] {
            assert_eq!(file_name(bad), None, "{bad}");
        }
    }
}
