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
//!
//! This file holds the format and splits one page into its [`PagePart`]; `postings.rs` puts
//! the parts together into chunks and the meta file.

use super::words::{MetaOccurrence, Occurrence, PageWords};
use flate2::{Compression, write::GzEncoder};
use hashbrown::HashMap;
use minicbor::Encode;
use serde::Serialize;
use sha1::{Digest, Sha1};
use std::collections::BTreeMap;
use std::io::Write;

/// How many locations an index chunk holds before the next one starts (Pagefind's default).
pub(super) const CHUNK_SIZE: usize = 20_000;

#[derive(Encode, Clone, Debug)]
struct PackedWord {
    #[n(0)]
    word: String,
    #[n(1)]
    pages: Vec<PackedPage>,
    #[n(2)]
    additional_variants: Vec<PackedVariant>,
}

#[derive(Encode, Clone, Debug)]
struct PackedVariant {
    #[n(0)]
    form: String,
    #[n(1)]
    pages: Vec<PackedPage>,
}

#[derive(Encode, Clone, Debug)]
struct PackedPage {
    #[n(0)]
    page_number: u32,
    #[n(1)]
    locs: Box<[i32]>,
    #[n(2)]
    meta_locs: Box<[i32]>,
}

#[derive(Encode)]
pub(super) struct MetaIndex {
    #[n(0)]
    pub(super) version: String,
    #[n(1)]
    pub(super) pages: Vec<MetaPage>,
    #[n(2)]
    pub(super) index_chunks: Vec<MetaChunk>,
    /// Filters: Quire's pages have none.
    #[n(3)]
    pub(super) filters: Vec<u32>,
    /// Sort orders: none either.
    #[n(4)]
    pub(super) sorts: Vec<u32>,
    #[n(5)]
    pub(super) meta_fields: Vec<String>,
}

#[derive(Encode, Debug, PartialEq)]
pub(super) struct MetaChunk {
    #[n(0)]
    pub(super) from: String,
    #[n(1)]
    pub(super) to: String,
    #[n(2)]
    pub(super) hash: String,
}

#[derive(Encode)]
pub(super) struct MetaPage {
    #[n(0)]
    pub(super) hash: String,
    #[n(1)]
    pub(super) word_count: u32,
    #[n(2)]
    pub(super) group_hash: String,
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
pub(super) fn full_hash(bytes: &[u8]) -> String {
    Sha1::digest(bytes).iter().map(|b| format!("{b:x}")).collect()
}

/// Gzips an index file (a chunk, the meta file) behind the signature Pagefind's runtime
/// checks after decompressing.
///
/// At zlib's default level, where Pagefind's own indexer uses the best: on the 10,000-page
/// site the index chunks come out 1.6% larger (4.03 against 3.97 MB) and compress 3.7 times
/// faster (0.36 against 1.34 s of one core). A paragraph edited in the middle of a page
/// moves the positions of every word after it, so most chunks change: at the best level
/// their compression alone took a rebuild 0.2 s.
pub fn compress(bytes: &[u8]) -> Vec<u8> {
    gzip(bytes, Compression::default())
}

/// Gzips a page's fragment, at zlib's fastest level.
///
/// There is one fragment per page, and a query fetches only the few it shows, so their
/// compression is most of the index's cost and little of what a query downloads. On the
/// 10,000-page site the fragments compress in 125 ms of one core instead of 330 ms (default
/// level) and take 11.1 MB instead of 8.4 MB; the eight a query shows, about 2 KB more.
pub fn compress_fragment(bytes: &[u8]) -> Vec<u8> {
    gzip(bytes, Compression::fast())
}

fn gzip(bytes: &[u8], level: Compression) -> Vec<u8> {
    let mut gz = GzEncoder::new(Vec::with_capacity(bytes.len() / 2 + 64), level);
    // Writing into a Vec cannot fail.
    let _ = gz.write_all(b"pagefind_dcd");
    let _ = gz.write_all(bytes);
    gz.finish().unwrap_or_default()
}

/// `hash` cut to the shortest prefix not yet taken: the language, `_` and 7 digits, then
/// `step` more digits at a time (Pagefind lengthens fragment names by one, chunk names by two).
pub(super) fn short_hash<'a>(hash: &'a str, language: &str, step: usize, taken: impl Fn(&str) -> bool) -> &'a str {
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

/// One page's part of the index: its words with their locations already encoded as a chunk
/// holds them, its fragment encoded and compressed. It depends on nothing but the page, so
/// only pages that changed are split again (`postings.rs` puts the parts together).
pub struct PagePart {
    pub(super) words: Vec<PartWord>,
    pub(super) meta_fields: Vec<String>,
    pub(super) fragment_hash: String,
    pub(super) fragment: Vec<u8>,
    pub(super) word_count: usize,
}

/// One word of one page: where it occurs written plainly, and in each accented form.
pub struct PartWord {
    pub(super) word: String,
    pub(super) plain: Option<Located>,
    pub(super) variants: Vec<(String, Located)>,
}

/// A word's locations on one page, as the CBOR a chunk holds after the page's number.
pub struct Located {
    /// How many locations there are (chunks are cut by this count).
    pub(super) size: u32,
    /// Whether they are all in metadata (the title), none in the text.
    pub(super) meta_only: bool,
    /// The text locations and the metadata locations, each a CBOR array.
    pub(super) bytes: Vec<u8>,
}

impl Located {
    fn of(page: PackedPage) -> Located {
        let mut bytes = Vec::with_capacity(page.locs.len() + page.meta_locs.len() + 4);
        // Encoding into a Vec cannot fail.
        let _ = minicbor::Encoder::new(&mut bytes)
            .encode(&page.locs)
            .and_then(|e| e.encode(&page.meta_locs));
        Located {
            size: u32::try_from(page.locs.len() + page.meta_locs.len()).unwrap_or(u32::MAX),
            meta_only: page.locs.is_empty(),
            bytes,
        }
    }
}

impl PartWord {
    /// The word of a part, which holds at most one page (its own) per list.
    fn of(word: PackedWord) -> PartWord {
        PartWord {
            word: word.word,
            plain: word.pages.into_iter().next().map(Located::of),
            variants: word
                .additional_variants
                .into_iter()
                .filter_map(|v| Some((v.form, Located::of(v.pages.into_iter().next()?))))
                .collect(),
        }
    }
}

/// Splits, packs and compresses one page (the expensive part of indexing).
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
        words: packed.into_values().map(PartWord::of).collect(),
        meta_fields: meta.keys().cloned().collect(),
        fragment_hash: format!("{language}_{}", full_hash(json.as_bytes())),
        fragment: compress_fragment(json.as_bytes()),
        word_count: words.word_count,
    }
}

/// The shortest prefixes that still tell the last word of one chunk from the first of the next.
fn prefixes(a: &str, b: &str) -> (String, String) {
    let common = b.chars().zip(a.chars()).take_while(|(x, y)| x == y).count();
    (
        a.chars().take(common + 1).collect(),
        b.chars().take(common + 1).collect(),
    )
}

/// The meta file's word ranges of chunks given as (first word, last word), cut to prefixes.
pub fn chunk_ranges(chunks: &[(&str, &str)]) -> Vec<MetaChunk> {
    let mut ranges: Vec<MetaChunk> = chunks
        .iter()
        .map(|(first, last)| MetaChunk {
            from: first.to_string(),
            to: last.to_string(),
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

/// `value` as CBOR.
pub fn cbor<T: Encode<()>>(value: T) -> Vec<u8> {
    let mut bytes = Vec::new();
    // Encoding into a Vec cannot fail.
    let _ = minicbor::encode(value, &mut bytes);
    bytes
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chunk_ranges_are_cut_to_prefixes() {
        let ranges = chunk_ranges(&[("apple", "apple"), ("apricot", "banana"), ("peach", "peach")]);
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
