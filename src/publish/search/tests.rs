use super::*;

#[test]
fn version_matches_the_pinned_crate() {
    let manifest = include_str!("../../../Cargo.toml");
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

/// The bundle Pagefind's own indexer writes for the same records, through its API.
fn pagefind_reference(records: Records) -> BTreeMap<String, Vec<u8>> {
    use pagefind::api::PagefindIndex;
    use pagefind::options::PagefindServiceConfig;
    let Records { language, pages } = records;
    let runtime = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
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
        .unwrap();
    files
        .into_iter()
        .map(|f| (f.filename.to_string_lossy().replace('\\', "/"), f.contents))
        .filter(|(name, _)| !name.contains("-ui.") && !name.starts_with("pagefind-highlight"))
        .map(|(name, contents)| (format!("{BUNDLE_DIR}/{name}"), contents))
        .collect()
}

/// Texts that exercise every rule of the word splitting: stems, compound words, dotted
/// names, accents, emoji, numbers, repeated words, punctuation, katakana, CJK runs.
const TEXTS: &[(&str, &str)] = &[
    (
        "Computing power",
        "Computing power is the core. The computers compute; computing powers everything.",
    ),
    (
        "CPO",
        "Co-packaged optics (CPO) puts the optical engine beside the switch ASIC: co-packaged, not pluggable.",
    ),
    (
        "Code",
        "Call sysconfig.is_python_build() or std::collections::HashMap::new, then camelCaseWord and snake_case_word.",
    ),
    (
        "Accents",
        "Café, naïve résumé, Ångström and façade; the cafe again. Crème brûlée.",
    ),
    (
        "Emoji",
        "Ship it 🚀 today 👍🏽 and 🇨🇳 flags; 100% of 3.14 and 2024-02-29.",
    ),
    ("Kana", "コンピューター と データセンター の 算力"),
    ("中文", "其背后的根本是算力。国产替代 与 共封装光学（CPO）的机会。"),
    ("Empty", ""),
    ("Spaces", "  many   spaces\tand\nnew lines  "),
    ("Repeat", "word word word Word WORD words worded"),
    // Forms of one word are ordered by the first page each occurs on (façade before facäde,
    // though ä sorts before ç), and on a page, text before title (déjà before dèjà).
    ("Dèjà vu", "déjà vu, the facäde again"),
];

fn records(language: &str, copies: usize) -> Records {
    let mut pages = Vec::new();
    for i in 0..copies {
        for (n, (title, text)) in TEXTS.iter().enumerate() {
            pages.push(Record {
                url: format!("/p{i}-{n}/"),
                title: format!("{title} {i}"),
                text: format!("{text} page{i} {}", "filler ".repeat(i % 7)),
            });
        }
    }
    Records {
        language: language.into(),
        pages,
    }
}

/// A bundle file as the browser reads it: index files decompressed (Quire compresses them at
/// another level than Pagefind), the rest as they are.
fn as_read(name: &str, bytes: &[u8]) -> Vec<u8> {
    if !name.ends_with(".pf_index") && !name.ends_with(".pf_meta") && !name.ends_with(".pf_fragment") {
        return bytes.to_vec();
    }
    let mut plain = Vec::new();
    std::io::Read::read_to_end(&mut flate2::read::GzDecoder::new(bytes), &mut plain)
        .unwrap_or_else(|e| panic!("{name} is gzip: {e}"));
    assert!(plain.starts_with(b"pagefind_dcd"), "{name} has the signature");
    plain
}

#[test]
fn the_index_is_byte_identical_to_pagefinds() {
    // Many copies, so the words outgrow one index chunk and fragment names can collide.
    for (language, copies) in [("en", 60), ("fr", 3), ("zh", 3), ("ja", 2), ("xx", 2)] {
        let ours: BTreeMap<String, Vec<u8>> = index_records(records(language, copies)).unwrap().into_iter().collect();
        let theirs = pagefind_reference(records(language, copies));
        assert_eq!(
            ours.keys().collect::<Vec<_>>(),
            theirs.keys().collect::<Vec<_>>(),
            "{language}: the same files"
        );
        // The same bytes once decompressed; the names are hashes of those bytes.
        for (name, bytes) in &theirs {
            assert!(
                as_read(name, &ours[name]) == as_read(name, bytes),
                "{language}: {name} differs"
            );
        }
        if language == "en" {
            assert!(
                ours.keys().filter(|k| k.contains("/index/")).count() > 1,
                "several chunks"
            );
        }
    }
}

#[test]
fn a_build_cache_gives_back_every_page_part_and_the_same_bytes() {
    let dir = std::env::temp_dir().join(format!("quire-search-cache-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let cache = crate::cache::Cache::at(&dir);
    let fresh: BTreeMap<String, Vec<u8>> = index_records(records("en", 3)).unwrap().into_iter().collect();
    let cached_index = |records: Records| {
        let mut indexer = Indexer::cached(&cache, "en");
        let files: BTreeMap<String, Vec<u8>> = indexer.index(records).unwrap().into_iter().collect();
        let written = indexer.pending.len();
        for pending in indexer.pending.drain(..) {
            pending.commit().unwrap();
        }
        (files, indexer.reused, written)
    };
    let (first, reused, written) = cached_index(records("en", 3));
    assert_eq!((first.clone(), reused), (fresh.clone(), 0), "an empty cache");
    assert_eq!(written, 2, "the index and Pagefind's runtime are written");
    assert!(cache::load_runtime(&cache, "en").is_some(), "the runtime is kept");
    let (second, reused, written) = cached_index(records("en", 3));
    // The runtime's files (loader, worker, WebAssembly) come from the cache too.
    assert_eq!(second, fresh, "every part from the cache: the same bytes");
    assert_eq!(written, 1, "only the index is written again");
    assert_eq!(reused, records("en", 3).len(), "every page came from the cache");
    // Every compressed chunk kept is, byte for byte, one of the index's chunk files.
    let kept = cache::load(&cache, "en");
    let chunk_files: Vec<&Vec<u8>> = second
        .iter()
        .filter(|(name, _)| name.ends_with(".pf_index"))
        .map(|(_, bytes)| bytes)
        .collect();
    assert_eq!(
        kept.compressed_files().len(),
        chunk_files.len() + 1,
        "the chunks and the meta file"
    );
    assert!(chunk_files.iter().all(|c| kept.compressed_files().contains(c)));
    let mut edited = records("en", 3);
    edited.pages[4].text.push_str(" brandnewword");
    let (third, reused, _) = cached_index(edited.clone());
    assert_eq!(third, index_records(edited).unwrap().into_iter().collect());
    assert_eq!(reused, records("en", 3).len() - 1, "all but the edited page");
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn an_indexer_redoes_only_changed_pages_and_gives_the_same_bytes() {
    let mut indexer = Indexer::default();
    let first: BTreeMap<String, Vec<u8>> = indexer.index(records("en", 3)).unwrap().into_iter().collect();
    assert_eq!(first, index_records(records("en", 3)).unwrap().into_iter().collect());
    assert_eq!(indexer.reused, 0);
    let mut edited = records("en", 3);
    edited.pages[4].text.push_str(" brandnewword");
    let again: BTreeMap<String, Vec<u8>> = indexer.index(edited.clone()).unwrap().into_iter().collect();
    assert_eq!(
        again,
        index_records(edited).unwrap().into_iter().collect(),
        "same bytes as a fresh index"
    );
    assert_ne!(again, first);
    assert_eq!(
        indexer.reused,
        records("en", 3).len() - 1,
        "every page but the edited one was kept"
    );
}

/// One edit of a site's records, applied to the records in place.
type Edit = fn(&mut Vec<Record>);

/// Every kind of change a patched index must follow: text, titles, accented and title-only
/// forms, pages that come, go, move, lose every word or share a record.
const EDITS: &[(&str, Edit)] = &[
    ("a word added to a page", |p| p[4].text.push_str(" brandnewword")),
    ("a word only that page had is gone", |p| {
        p[4].text = p[4].text.replace(" brandnewword", "")
    }),
    ("an accented form appears first on a later page", |p| {
        p[20].text.push_str(" résumé Résumé naïve")
    }),
    ("an accented form appears on an earlier page", |p| {
        p[1].text.push_str(" résumé")
    }),
    ("the accented form goes from the earlier page", |p| {
        p[1].text = p[1].text.replace(" résumé", "")
    }),
    ("a form only in a title", |p| p[2].title.push_str(" Crème façade")),
    ("a form leaves the page it first occurred on", |p| {
        p[3].text = p[3].text.replace("façade", "front")
    }),
    ("a form leaves a title", |p| {
        p[2].title = p[2].title.replace(" Crème façade", "")
    }),
    ("a title changes", |p| p[0].title = "Another title".into()),
    ("a page is inserted", |p| {
        p.insert(
            3,
            Record {
                url: "/inserted/".into(),
                title: "Inserted".into(),
                text: "compute words café".into(),
            },
        )
    }),
    ("a page is removed", |p| {
        p.remove(10);
    }),
    ("two pages swap places", |p| p.swap(5, 30)),
    ("a page moves to the end", |p| {
        let page = p.remove(0);
        p.push(page);
    }),
    ("a page loses every word", |p| {
        p[7].title = String::new();
        p[7].text = String::new();
    }),
    ("the page gets words again", |p| p[7].text = "words again".into()),
    ("two pages with the same record", |p| {
        let copy = p[12].clone();
        p.push(copy);
    }),
    ("many pages at once", |p| {
        for (i, page) in p.iter_mut().enumerate().filter(|(i, _)| i % 3 == 0) {
            page.text.push_str(&format!(" extra{i} computing"));
        }
    }),
    ("every page goes", |p| p.clear()),
    ("pages come back", |p| *p = records("en", 2).pages),
];

#[test]
fn a_patched_index_is_the_index_made_from_scratch() {
    // Enough pages that the words fill several chunks, so chunk boundaries move.
    let mut site = records("en", 40);
    let mut indexer = Indexer::default();
    indexer.index(site.clone()).unwrap();
    for (what, edit) in EDITS {
        edit(&mut site.pages);
        let patched: BTreeMap<String, Vec<u8>> = indexer.index(site.clone()).unwrap().into_iter().collect();
        let fresh: BTreeMap<String, Vec<u8>> = index_records(site.clone()).unwrap().into_iter().collect();
        assert_eq!(
            patched.keys().collect::<Vec<_>>(),
            fresh.keys().collect::<Vec<_>>(),
            "{what}: the same files"
        );
        for (name, bytes) in &fresh {
            assert!(patched[name] == *bytes, "{what}: {name} differs");
        }
    }
}

#[test]
fn the_bundle_is_the_same_from_build_to_build() {
    assert_eq!(bundle("en"), bundle("en"));
}
