//! The search index in the build cache (`.quire-cache/search-<lang>.cbor`): what the last
//! index was made of ([`Kept`]: its pages by the hash of each page's record, every word's
//! encoded locations, its compressed files), so the next `quire build` splits only the pages
//! whose hash is new, patches the words and compresses only the chunks that changed.

use super::postings::Kept;
use crate::cache::{Cache, Pending};

/// The cache file for `language`; none for a language name that is not plain letters and
/// digits (it comes from quire.toml and must not become a path).
fn file_name(language: &str) -> Option<String> {
    (!language.is_empty() && language.chars().all(|c| c.is_ascii_alphanumeric()))
        .then(|| format!("search-{language}.cbor"))
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
