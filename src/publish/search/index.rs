//! The index files in Pagefind 1.6's format, built from every page's words in parallel.
//!
//! Pagefind's library API indexes one record at a time under one lock and compresses every
//! file on one thread; on a 10,000-page site that was three quarters of the build. The
//! format itself is simple: a CBOR meta file listing the pages and the word ranges of the
//! index chunks, CBOR chunks mapping each word to the pages and positions it occurs at, and
//! one JSON fragment per page with its text for excerpts, all gzipped behind a
//! `pagefind_dcd` signature and named by a SHA-1 prefix. Writing it here lets pages be split
//! into words, fragments be encoded and every file be compressed on all cores, while the
//! browser side stays Pagefind's own loader, worker and WebAssembly (see `runtime.rs`).

use super::words::{MetaOccurrence, Occurrence, PageWords};
use flate2::{Compression, write::GzEncoder};
use hashbrown::{HashMap, HashSet};
use minicbor::{Decode, Encode};
use rayon::prelude::*;
use serde::Serialize;
use sha1::{Digest, Sha1};
use std::borrow::Cow;
use std::collections::BTreeMap;
use std::io::Write;

/// How many locations an index chunk holds before the next one starts (Pagefind's default).
const CHUNK_SIZE: usize = 20_000;

#[derive(Encode)]
struct WordIndex {
    #[n(0)]
    words: Vec<PackedWord>,
}

#[derive(Encode, Decode, Clone, Debug)]
struct PackedWord {
    #[n(0)]
    word: String,
    #[n(1)]
    pages: Vec<PackedPage>,
    #[n(2)]
    additional_variants: Vec<PackedVariant>,
}

#[derive(Encode, Decode, Clone, Debug)]
struct PackedVariant {
    #[n(0)]
    form: String,
    #[n(1)]
    pages: Vec<PackedPage>,
}

#[derive(Encode, Decode, Clone, Debug)]
struct PackedPage {
    #[n(0)]
    page_number: u32,
    #[n(1)]
    locs: Box<[i32]>,
    #[n(2)]
    meta_locs: Box<[i32]>,
}

#[derive(Encode)]
struct MetaIndex {
    #[n(0)]
    version: String,
    #[n(1)]
    pages: Vec<MetaPage>,
    #[n(2)]
    index_chunks: Vec<MetaChunk>,
    /// Filters: Quire's pages have none.
    #[n(3)]
    filters: Vec<u32>,
    /// Sort orders: none either.
    #[n(4)]
    sorts: Vec<u32>,
    #[n(5)]
    meta_fields: Vec<String>,
}

#[derive(Encode, Debug, PartialEq)]
struct MetaChunk {
    #[n(0)]
    from: String,
    #[n(1)]
    to: String,
    #[n(2)]
    hash: String,
}

#[derive(Encode)]
struct MetaPage {
    #[n(0)]
    hash: String,
    #[n(1)]
    word_count: u32,
    #[n(2)]
    group_hash: String,
}

/// A page's fragment: what a search result shows.
#[derive(Serialize)]
struct Fragment<'a> {
    url: &'a str,
    content: &'a str,
    word_count: usize,
    filters: BTreeMap<String, Vec<String>>,
    meta: BTreeMap<&'a str, &'a str>,
    anchors: [(); 0],
}

/// One page to index: its URL, its metadata fields (by name) and its words.
pub struct IndexedPage {
    /// The page's URL, as the result links to it.
    pub url: String,
    /// Metadata fields shown with a result (`title`).
    pub meta: BTreeMap<String, String>,
    /// The words of its text and metadata.
    pub words: PageWords,
}

/// The index of one language: its files (path in the bundle, gzipped bytes), the meta
/// file's hash that the entry file names, and how many pages it holds.
pub struct LanguageIndex {
    /// The index's files.
    pub files: Vec<(String, Vec<u8>)>,
    /// The name part of `pagefind.<hash>.pf_meta`.
    pub meta_hash: String,
    /// Pages in the index.
    pub page_count: usize,
}

/// The hex SHA-1 digest as Pagefind writes it (each byte without a leading zero).
fn full_hash(bytes: &[u8]) -> String {
    Sha1::digest(bytes).iter().map(|b| format!("{b:x}")).collect()
}

/// Gzips `bytes` behind the signature Pagefind's runtime checks after decompressing.
pub fn compress(bytes: &[u8]) -> Vec<u8> {
    let mut gz = GzEncoder::new(Vec::with_capacity(bytes.len() / 3 + 64), Compression::best());
    // Writing into a Vec cannot fail.
    let _ = gz.write_all(b"pagefind_dcd");
    let _ = gz.write_all(bytes);
    gz.finish().unwrap_or_default()
}

/// `hash` cut to the shortest prefix not yet taken: the language, `_` and 7 digits, then
/// `step` more digits at a time (Pagefind lengthens fragment names by one, chunk names by two).
fn short_hash<'a>(hash: &'a str, language: &str, step: usize, taken: impl Fn(&str) -> bool) -> &'a str {
    let mut len = (language.len() + 8).min(hash.len());
    while taken(&hash[..len]) && len < hash.len() {
        len = (len + step).min(hash.len());
    }
    &hash[..len]
}

/// Location lists: positions delta-encoded, a negative number switching the weight.
fn packed_locations(mut occurrences: Vec<Occurrence>, page_number: u32) -> PackedPage {
    occurrences.sort_by_key(|o| (if o.weight == 25 { 0 } else { o.weight }, o.position));
    let mut weight = 25;
    let mut last = 0;
    let mut locs = Vec::with_capacity(occurrences.len() + 2);
    for o in occurrences {
        if o.weight != weight {
            locs.push(-i32::from(o.weight) - 1);
            locs.push(o.position as i32);
            weight = o.weight;
        } else {
            locs.push((o.position - last) as i32);
        }
        last = o.position;
    }
    PackedPage {
        page_number,
        locs: locs.into_boxed_slice(),
        meta_locs: Box::default(),
    }
}

/// Metadata locations: a negative number switching the field, then delta-encoded positions.
fn packed_meta_locations(mut occurrences: Vec<MetaOccurrence>) -> Vec<i32> {
    occurrences.sort_by_key(|o| (o.field, o.position));
    let mut field = None;
    let mut last = 0;
    let mut locs = Vec::with_capacity(occurrences.len() + 2);
    for o in occurrences {
        if Some(o.field) != field {
            locs.push(-i32::from(o.field) - 1);
            field = Some(o.field);
            last = 0;
        }
        locs.push((o.position - last) as i32);
        last = o.position;
    }
    locs
}

/// Adds a page's metadata locations to its entry in `pages` (or a new entry).
fn add_meta_locations(pages: &mut Vec<PackedPage>, page_number: u32, meta_locs: Vec<i32>) {
    let meta_locs = meta_locs.into_boxed_slice();
    match pages.iter_mut().find(|p| p.page_number == page_number) {
        Some(page) => page.meta_locs = meta_locs,
        None => pages.push(PackedPage {
            page_number,
            locs: Box::default(),
            meta_locs,
        }),
    }
}

fn word_entry(packed: &mut HashMap<String, PackedWord>, word: String) -> &mut PackedWord {
    packed.entry(word).or_insert_with_key(|word| PackedWord {
        word: word.clone(),
        pages: Vec::new(),
        additional_variants: Vec::new(),
    })
}

fn variant<'a>(word: &'a mut PackedWord, form: &str) -> &'a mut PackedVariant {
    let at = match word.additional_variants.iter().position(|v| v.form == form) {
        Some(at) => at,
        None => {
            word.additional_variants.push(PackedVariant {
                form: form.to_string(),
                pages: Vec::new(),
            });
            word.additional_variants.len() - 1
        }
    };
    &mut word.additional_variants[at]
}

/// Groups occurrences by the accented form they were written in (`None`: written plain).
fn by_original<T, K: Ord>(occurrences: Vec<T>, key: impl Fn(&T) -> Option<K>) -> (Vec<T>, BTreeMap<K, Vec<T>>) {
    let mut plain = Vec::new();
    let mut variants: BTreeMap<K, Vec<T>> = BTreeMap::new();
    for o in occurrences {
        match key(&o) {
            None => plain.push(o),
            Some(k) => variants.entry(k).or_default().push(o),
        }
    }
    (plain, variants)
}

/// One page's part of the index: its words packed (at page number 0: the number is given
/// when the index is assembled), its fragment encoded and compressed. It depends on nothing
/// but the page, so the dev server keeps it between rebuilds and redoes only changed pages.
///
/// It is also what the build cache keeps of a page (as CBOR: `publish/search/cache.rs`).
#[derive(Clone, Encode, Decode)]
pub struct PagePart {
    #[n(0)]
    words: Vec<PackedWord>,
    #[n(1)]
    meta_fields: Vec<String>,
    #[n(2)]
    fragment_hash: String,
    #[n(3)]
    #[cbor(with = "minicbor::bytes")]
    fragment: Vec<u8>,
    #[n(4)]
    word_count: usize,
}

/// Splits, packs and compresses one page (the expensive part of indexing; see [`assemble`]).
pub fn page_part(page: IndexedPage, language: &str) -> PagePart {
    let page_number = 0;
    let IndexedPage { url, meta, words } = page;
    let mut packed: HashMap<String, PackedWord> = HashMap::with_capacity(words.words.len());
    for (word, occurrences) in words.words {
        let (plain, variants) = by_original(occurrences, |o| o.original.clone());
        let target = word_entry(&mut packed, word);
        if !plain.is_empty() {
            target.pages.push(packed_locations(plain, page_number));
        }
        for (form, occurrences) in variants {
            variant(target, &form)
                .pages
                .push(packed_locations(occurrences, page_number));
        }
    }
    for (word, occurrences) in words.meta_words {
        let (plain, variants) = by_original(occurrences, |o| o.original.clone());
        let target = word_entry(&mut packed, word);
        if !plain.is_empty() {
            add_meta_locations(&mut target.pages, page_number, packed_meta_locations(plain));
        }
        for (form, occurrences) in variants {
            let locs = packed_meta_locations(occurrences);
            add_meta_locations(&mut variant(target, &form).pages, page_number, locs);
        }
    }
    let fragment = Fragment {
        url: &url,
        content: &words.content,
        word_count: words.word_count,
        filters: BTreeMap::new(),
        meta: meta.iter().map(|(k, v)| (k.as_str(), v.as_str())).collect(),
        anchors: [],
    };
    let json = serde_json::to_string(&fragment).unwrap_or_default();
    PagePart {
        words: packed.into_values().collect(),
        meta_fields: meta.keys().cloned().collect(),
        fragment_hash: format!("{language}_{}", full_hash(json.as_bytes())),
        fragment: compress(json.as_bytes()),
        word_count: words.word_count,
    }
}

/// Groups the words, sorted, into chunks of about [`CHUNK_SIZE`] locations.
fn chunks(mut words: Vec<PackedWord>) -> Vec<Vec<PackedWord>> {
    words.sort_by(|a, b| a.word.cmp(&b.word));
    let mut chunks = Vec::new();
    let mut chunk = Vec::new();
    let mut size = 0;
    for word in words {
        size += word
            .pages
            .iter()
            .chain(word.additional_variants.iter().flat_map(|v| &v.pages))
            .map(|p| p.locs.len() + p.meta_locs.len() + 1)
            .sum::<usize>()
            + word.additional_variants.len();
        chunk.push(word);
        if size >= CHUNK_SIZE {
            chunks.push(std::mem::take(&mut chunk));
            size = 0;
        }
    }
    if !chunk.is_empty() {
        chunks.push(chunk);
    }
    chunks
}

/// The shortest prefixes that still tell the last word of one chunk from the first of the next.
fn prefixes(a: &str, b: &str) -> (String, String) {
    let common = b.chars().zip(a.chars()).take_while(|(x, y)| x == y).count();
    (
        a.chars().take(common + 1).collect(),
        b.chars().take(common + 1).collect(),
    )
}

fn chunk_ranges(chunks: &[Vec<PackedWord>]) -> Vec<MetaChunk> {
    let mut ranges: Vec<MetaChunk> = chunks
        .iter()
        .map(|c| MetaChunk {
            from: c.first().map_or(String::new(), |w| w.word.clone()),
            to: c.last().map_or(String::new(), |w| w.word.clone()),
            hash: String::new(),
        })
        .collect();
    for i in 1..ranges.len() {
        let (to, from) = prefixes(&ranges[i - 1].to, &ranges[i].from);
        if to >= ranges[i - 1].from {
            ranges[i - 1].to = to;
        }
        ranges[i].from = from;
    }
    ranges
}

fn cbor<T: Encode<()>>(value: T) -> Vec<u8> {
    let mut bytes = Vec::new();
    // Encoding into a Vec cannot fail.
    let _ = minicbor::encode(value, &mut bytes);
    bytes
}

/// A part's page entries, renumbered as page `n` of the index.
fn numbered(pages: Vec<PackedPage>, n: u32) -> impl Iterator<Item = PackedPage> {
    pages.into_iter().map(move |p| PackedPage { page_number: n, ..p })
}

/// Puts the pages' parts together into the index: page numbers, word chunks, names, the
/// meta file. Pages without a word are left out, as Pagefind leaves them out.
///
/// `compressed` holds chunks compressed before, by their name's full hash: a rebuild after an
/// edit compresses only the chunks whose words changed. It is left holding this index's chunks.
pub fn assemble<'a>(
    parts: impl Iterator<Item = Cow<'a, PagePart>>,
    language: &str,
    version: &str,
    compressed: &mut HashMap<String, Vec<u8>>,
) -> LanguageIndex {
    let parts: Vec<Cow<'a, PagePart>> = parts.filter(|p| !p.words.is_empty()).collect();
    let meta_fields: Vec<String> = parts
        .iter()
        .flat_map(|p| p.meta_fields.iter().cloned())
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .collect();
    let mut words: HashMap<String, PackedWord> = HashMap::new();
    let mut files = Vec::with_capacity(parts.len() + 64);
    let mut fragment_names: HashSet<String> = HashSet::with_capacity(parts.len());
    let mut meta_pages = Vec::with_capacity(parts.len());
    for (n, part) in parts.into_iter().enumerate() {
        let n = u32::try_from(n).unwrap_or(u32::MAX);
        let (part_words, fragment_hash, fragment, word_count) = match part {
            // Owned (one index only): the page's words move into the index.
            Cow::Owned(p) => (p.words, p.fragment_hash, p.fragment, p.word_count),
            Cow::Borrowed(p) => (
                p.words.clone(),
                p.fragment_hash.clone(),
                p.fragment.clone(),
                p.word_count,
            ),
        };
        for packed in part_words {
            let existing = words.entry(packed.word).or_insert_with_key(|word| PackedWord {
                word: word.clone(),
                pages: Vec::new(),
                additional_variants: Vec::new(),
            });
            existing.pages.extend(numbered(packed.pages, n));
            for v in packed.additional_variants {
                variant(existing, &v.form).pages.extend(numbered(v.pages, n));
            }
        }
        let name = short_hash(&fragment_hash, language, 1, |h| fragment_names.contains(h)).to_string();
        fragment_names.insert(name.clone());
        files.push((format!("fragment/{name}.pf_fragment"), fragment));
        meta_pages.push(MetaPage {
            hash: name,
            word_count: u32::try_from(word_count).unwrap_or(u32::MAX),
            group_hash: String::new(),
        });
    }
    let page_count = meta_pages.len();

    let chunks = chunks(words.into_values().collect());
    let mut ranges = chunk_ranges(&chunks);
    let encoded: Vec<(Vec<u8>, String)> = chunks
        .into_par_iter()
        .map(|chunk| {
            let words: Vec<PackedWord> = chunk
                .into_iter()
                .map(|mut word| {
                    let delta = |pages: &mut Vec<PackedPage>| {
                        let mut last = 0;
                        for page in pages {
                            let n = page.page_number;
                            page.page_number = n - last;
                            last = n;
                        }
                    };
                    delta(&mut word.pages);
                    for v in &mut word.additional_variants {
                        delta(&mut v.pages);
                    }
                    word
                })
                .collect();
            let bytes = cbor(WordIndex { words });
            let hash = format!("{language}_{}", full_hash(&bytes));
            let compressed = match compressed.get(&hash) {
                Some(known) => known.clone(),
                None => compress(&bytes),
            };
            (compressed, hash)
        })
        .collect();
    let mut chunk_names: HashSet<String> = HashSet::new();
    compressed.clear();
    for ((bytes, hash), range) in encoded.into_iter().zip(&mut ranges) {
        let name = short_hash(&hash, language, 2, |h| chunk_names.contains(h)).to_string();
        chunk_names.insert(name.clone());
        compressed.insert(hash, bytes.clone());
        files.push((format!("index/{name}.pf_index"), bytes));
        range.hash = name;
    }

    let meta = cbor(MetaIndex {
        version: version.to_string(),
        pages: meta_pages,
        index_chunks: ranges,
        filters: Vec::new(),
        sorts: Vec::new(),
        meta_fields,
    });
    let digest = full_hash(&meta);
    let meta_hash = format!("{language}_{}", &digest[..(language.len() + 8).min(digest.len())]);
    files.push((format!("pagefind.{meta_hash}.pf_meta"), compress(&meta)));
    LanguageIndex {
        files,
        meta_hash,
        page_count,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chunk_ranges_are_cut_to_prefixes() {
        let word = |w: &str| PackedWord {
            word: w.into(),
            pages: vec![],
            additional_variants: vec![],
        };
        let ranges = chunk_ranges(&[
            vec![word("apple")],
            vec![word("apricot"), word("banana")],
            vec![word("peach")],
        ]);
        let pairs: Vec<(&str, &str)> = ranges.iter().map(|r| (r.from.as_str(), r.to.as_str())).collect();
        assert_eq!(pairs, [("apple", "apple"), ("apr", "b"), ("p", "peach")]);
    }

    #[test]
    fn locations_switch_weight_with_a_negative_marker() {
        let o = |position, weight| Occurrence {
            position,
            weight,
            original: None,
        };
        let packed = packed_locations(vec![o(7, 24), o(3, 24), o(5, 12)], 0);
        assert_eq!(*packed.locs, [-13, 5, -25, 3, 4]);
    }

    #[test]
    fn hashes_are_written_without_leading_zeros() {
        // SHA-1 of "" is da39a3ee5e6b4b0d3255bfef95601890afd80709: its 0d and 09 lose a zero.
        assert_eq!(full_hash(b""), "da39a3ee5e6b4bd3255bfef95601890afd879");
    }
}
