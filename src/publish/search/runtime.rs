//! Pagefind's browser runtime: the loader, its worker and the WebAssembly that run queries.
//!
//! The pagefind crate ships them inside its library and hands them out only with an index it
//! built, so they are taken from an index of one placeholder record in the site's language
//! (a few milliseconds), once per language and process, and every index file of that
//! placeholder is left out.

use pagefind::api::PagefindIndex;
use pagefind::options::PagefindServiceConfig;
use std::collections::{BTreeMap, HashMap};
use std::sync::{Arc, Mutex, OnceLock};

/// The runtime files of one language, as (path in the bundle, bytes).
pub type RuntimeFiles = Arc<Vec<(String, Vec<u8>)>>;

/// Whether a file of Pagefind's bundle belongs to the runtime (not to its index, and not one
/// of its prebuilt UIs, since the theme brings its own search box).
fn is_runtime(name: &str) -> bool {
    let index = name.ends_with(".pf_meta")
        || name.ends_with(".pf_fragment")
        || name.ends_with(".pf_index")
        || name.ends_with(".pf_filter")
        || name == "pagefind-entry.json";
    !index && !name.contains("-ui.") && !name.starts_with("pagefind-highlight")
}

/// The runtime for `language`: `pagefind.js`, `pagefind-worker.js`, the generic
/// `wasm.unknown.pagefind`, and `wasm.<language>.pagefind` when Pagefind has a stemmer for it.
pub fn files(language: &str) -> anyhow::Result<RuntimeFiles> {
    static CACHE: OnceLock<Mutex<HashMap<String, RuntimeFiles>>> = OnceLock::new();
    let cache = CACHE.get_or_init(Default::default);
    if let Some(files) = cache.lock().ok().and_then(|c| c.get(language).cloned()) {
        return Ok(files);
    }
    let runtime = tokio::runtime::Builder::new_current_thread().enable_all().build()?;
    let files = runtime.block_on(async {
        let options = PagefindServiceConfig::builder()
            .keep_index_url(true)
            .force_language(language.to_string())
            .build();
        let mut index = PagefindIndex::new(Some(options))?;
        let meta = BTreeMap::from([("title".to_string(), "placeholder".to_string())]);
        index
            .add_custom_record(
                "/".into(),
                "placeholder".into(),
                language.into(),
                Some(meta),
                None,
                None,
            )
            .await?;
        index.get_files().await
    })?;
    let files: RuntimeFiles = Arc::new(
        files
            .into_iter()
            .map(|f| (f.filename.to_string_lossy().replace('\\', "/"), f.contents))
            .filter(|(name, _)| is_runtime(name))
            .collect(),
    );
    if let Ok(mut c) = cache.lock() {
        c.insert(language.to_string(), files.clone());
    }
    Ok(files)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_runtime_has_the_loader_worker_and_webassembly_and_no_index() {
        let en: Vec<String> = files("en").unwrap().iter().map(|(n, _)| n.clone()).collect();
        for name in [
            "pagefind.js",
            "pagefind-worker.js",
            "wasm.unknown.pagefind",
            "wasm.en.pagefind",
        ] {
            assert!(en.contains(&name.to_string()), "{name} in {en:?}");
        }
        assert!(en.iter().all(|n| is_runtime(n)), "{en:?}");
        let zh: Vec<String> = files("zh").unwrap().iter().map(|(n, _)| n.clone()).collect();
        assert!(
            !zh.iter().any(|n| n == "wasm.zh.pagefind"),
            "no stemmer for Chinese: {zh:?}"
        );
    }
}
