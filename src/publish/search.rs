//! The search index, built in-process with Pagefind from the rendered pages.
//!
//! Pagefind splits the index into small fragments that the browser fetches on demand, so a
//! query downloads a few chunks instead of one index that grows with the site. Only what
//! the theme's own search box needs is kept: the loader, its worker, the WebAssembly and the
//! index files, all under `pagefind/`.

use crate::diagnostics::{BuildError, Diagnostic};
use crate::output::{FileSource, Output};
use crate::site::Site;
use pagefind::api::PagefindIndex;
use pagefind::options::PagefindServiceConfig;

/// Where the search bundle lives in the output.
pub const BUNDLE_DIR: &str = "pagefind";

/// Pagefind's prebuilt UIs; the theme brings its own.
fn wanted(name: &str) -> bool {
    !(name.contains("-ui.") || name.starts_with("pagefind-highlight") || name.starts_with("wasm.unknown"))
}

/// Indexes every page of `output` (the `data-pagefind-body` part of each) and adds the bundle.
pub fn add_index(site: &Site, output: &mut Output) -> Result<(), BuildError> {
    let fail = |e: anyhow::Error| {
        BuildError::single(
            Diagnostic::error(BUNDLE_DIR, 0, 0, format!("building the search index failed: {e:#}"))
                .with_hint("this is a bug in Quire or Pagefind; please report it with the site that triggers it"),
        )
    };
    let pages: Vec<(String, String)> = site
        .content
        .reading_order
        .iter()
        .filter_map(|&p| {
            let path = &site.content.pages[p].path;
            match output.files.get(&format!("{path}index.html")) {
                Some(FileSource::Bytes(b)) => Some((site.base.local(path), String::from_utf8_lossy(b).into_owned())),
                _ => None,
            }
        })
        .collect();
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(|e| fail(e.into()))?;
    let language = site
        .config
        .language
        .split(['-', '_'])
        .next()
        .unwrap_or("en")
        .to_lowercase();
    let files = runtime
        .block_on(async {
            let options = PagefindServiceConfig::builder()
                .keep_index_url(true)
                .force_language(language)
                .build();
            let mut index = PagefindIndex::new(Some(options))?;
            for (url, html) in pages {
                index.add_html_file(None, Some(url), html).await?;
            }
            index.get_files().await
        })
        .map_err(fail)?;
    for file in files {
        let name = file.filename.to_string_lossy().replace('\\', "/");
        if wanted(&name) {
            output.insert(format!("{BUNDLE_DIR}/{name}"), file.contents);
        }
    }
    Ok(())
}
