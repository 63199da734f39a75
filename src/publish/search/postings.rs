//! The assembled index, kept from one index to the next and patched where pages changed.
//!
//! After a one-page edit, putting the whole index together again from every page's words
//! was most of a rebuild's search time: each page's words decoded, merged and sorted, every
//! chunk encoded again. What the chunks are made of is kept instead ([`Kept`], in the build
//! cache and in the dev server's memory), in the form a chunk holds it: for each word, the
//! pages it occurs on, each page's locations as the CBOR bytes a chunk writes after the
//! page's number. A new index takes the changed pages' entries out, puts their new ones in,
//! renumbers the pages when some came, went or moved, and writes each chunk from those
//! bytes; a chunk whose bytes are those of a chunk of the last index is not compressed
//! again. A first index is the same code starting from nothing, so both give the same bytes
//! (the tests compare them with Pagefind's own, and patched indexes with fresh ones).

use super::index::{self, CHUNK_SIZE, LanguageIndex, Located, MetaIndex, MetaPage, PagePart, PartWord};
use hashbrown::{HashMap, HashSet};
use minicbor::encode::{Error, Write};
use minicbor::{Decode, Decoder, Encode, Encoder};
use rayon::prelude::*;
use std::convert::Infallible;

/// One page of the index, as the meta file and its fragment need it.
#[derive(Clone, Encode, Decode)]
pub struct Page {
    /// The key of what the page was made from (its record).
    #[n(0)]
    pub key: u64,
    #[n(1)]
    fragment_hash: String,
    #[n(2)]
    #[cbor(with = "minicbor::bytes")]
    fragment: Vec<u8>,
    #[n(3)]
    word_count: u32,
    #[n(4)]
    meta_fields: Vec<String>,
}

/// One page in a word's list: its number in the index, how many locations it has, whether
/// they are only in metadata, and where its encoded locations are in the list's bytes.
#[derive(Clone, Copy, Debug, PartialEq)]
struct Entry {
    page: u32,
    size: u32,
    meta_only: bool,
    start: u32,
    end: u32,
}

/// The pages a word (or one written form of it) occurs on, in page order.
#[derive(Clone, Default, Debug, PartialEq)]
struct Postings {
    entries: Vec<Entry>,
    bytes: Vec<u8>,
}

impl Postings {
    fn located(&self, e: &Entry) -> &[u8] {
        self.bytes.get(e.start as usize..e.end as usize).unwrap_or_default()
    }

    fn push(&mut self, page: u32, size: u32, meta_only: bool, located: &[u8]) {
        let start = self.bytes.len() as u32;
        self.bytes.extend_from_slice(located);
        self.entries.push(Entry {
            page,
            size,
            meta_only,
            start,
            end: self.bytes.len() as u32,
        });
    }

    /// Its share of a chunk's size: each page's locations, and one for the page.
    fn size(&self) -> usize {
        self.entries.iter().map(|e| e.size as usize + 1).sum()
    }

    /// The list for the pages renumbered by `renumber` (old number to new, `None` for a page
    /// that is gone) with `fresh` (new pages' entries, in page order) merged in; `None` when
    /// that is this list as it is.
    fn patched(&self, renumber: &[Option<u32>], fresh: &[(u32, &Located)]) -> Option<Postings> {
        let new_number = |e: &Entry| renumber.get(e.page as usize).copied().flatten();
        if fresh.is_empty() && self.entries.iter().all(|e| new_number(e) == Some(e.page)) {
            return None;
        }
        let mut kept: Vec<(u32, &Entry)> = self.entries.iter().filter_map(|e| Some((new_number(e)?, e))).collect();
        // Pages keep their order unless they were moved.
        if !kept.is_sorted_by_key(|(n, _)| *n) {
            kept.sort_by_key(|(n, _)| *n);
        }
        let mut out = Postings {
            entries: Vec::with_capacity(kept.len() + fresh.len()),
            bytes: Vec::with_capacity(self.bytes.len() + fresh.iter().map(|(_, l)| l.bytes.len()).sum::<usize>()),
        };
        let mut fresh = fresh.iter().peekable();
        for (n, e) in kept {
            while let Some((f, l)) = fresh.next_if(|(f, _)| *f < n) {
                out.push(*f, l.size, l.meta_only, &l.bytes);
            }
            out.push(n, e.size, e.meta_only, self.located(e));
        }
        for (f, l) in fresh {
            out.push(*f, l.size, l.meta_only, &l.bytes);
        }
        Some(out)
    }

    /// Writes the list as `Vec<PackedPage>` derives it: `[page delta, locations, metadata
    /// locations]` for each page, the numbers as differences from the page before.
    fn encode_into<W: Write>(&self, e: &mut Encoder<W>) -> Result<(), Error<W::Error>> {
        e.array(self.entries.len() as u64)?;
        let mut last = 0;
        for entry in &self.entries {
            e.array(3)?.u32(entry.page.wrapping_sub(last))?;
            last = entry.page;
            e.writer_mut().write_all(self.located(entry)).map_err(Error::write)?;
        }
        Ok(())
    }
}

/// In the cache, a list is two byte strings: its entries packed (page, size with the
/// metadata-only flag in its top bit, end), and the locations.
impl<C> Encode<C> for Postings {
    fn encode<W: Write>(&self, e: &mut Encoder<W>, _: &mut C) -> Result<(), Error<W::Error>> {
        let mut packed = Vec::with_capacity(self.entries.len() * 12);
        let mut at = 0;
        for entry in &self.entries {
            // Written contiguous, whatever gaps a patch left.
            at += entry.end - entry.start;
            let size = entry.size & 0x7fff_ffff | (u32::from(entry.meta_only) << 31);
            for n in [entry.page, size, at] {
                packed.extend_from_slice(&n.to_le_bytes());
            }
        }
        e.array(2)?.bytes(&packed)?;
        e.bytes_len(u64::from(at))?;
        for entry in &self.entries {
            e.writer_mut().write_all(self.located(entry)).map_err(Error::write)?;
        }
        Ok(())
    }
}

impl<'b, C> Decode<'b, C> for Postings {
    fn decode(d: &mut Decoder<'b>, _: &mut C) -> Result<Self, minicbor::decode::Error> {
        let bad = || minicbor::decode::Error::message("a damaged list of pages");
        if d.array()? != Some(2) {
            return Err(bad());
        }
        let packed = d.bytes()?;
        let bytes = d.bytes()?.to_vec();
        if packed.len() % 12 != 0 {
            return Err(bad());
        }
        let mut entries = Vec::with_capacity(packed.len() / 12);
        let mut start = 0;
        for raw in packed.chunks_exact(12) {
            let n = |i: usize| u32::from_le_bytes([raw[i], raw[i + 1], raw[i + 2], raw[i + 3]]);
            let (page, size, end) = (n(0), n(4), n(8));
            if end < start || end as usize > bytes.len() || entries.last().is_some_and(|e: &Entry| e.page >= page) {
                return Err(bad());
            }
            entries.push(Entry {
                page,
                size: size & 0x7fff_ffff,
                meta_only: size >> 31 == 1,
                start,
                end,
            });
            start = end;
        }
        Ok(Postings { entries, bytes })
    }
}

/// An indexed word: the pages it occurs on written plainly, and on which in each accented form.
#[derive(Clone, Encode, Decode, Debug, PartialEq)]
struct Word {
    #[n(0)]
    word: String,
    #[n(1)]
    plain: Postings,
    #[n(2)]
    variants: Vec<Variant>,
}

#[derive(Clone, Encode, Decode, Debug, PartialEq)]
struct Variant {
    #[n(0)]
    form: String,
    #[n(1)]
    postings: Postings,
}

impl Word {
    /// A word no page has yet.
    fn new(word: &str) -> Word {
        Word {
            word: word.to_string(),
            plain: Postings::default(),
            variants: Vec::new(),
        }
    }

    fn is_empty(&self) -> bool {
        self.plain.entries.is_empty() && self.variants.is_empty()
    }

    /// Its share of a chunk's size.
    fn size(&self) -> usize {
        self.plain.size() + self.variants.iter().map(|v| v.postings.size() + 1).sum::<usize>()
    }

    /// The word with pages renumbered and `fresh` pages' occurrences (in page order) added;
    /// `None` when that is the word as it is.
    fn patched(&self, renumber: &[Option<u32>], fresh: &[(u32, &PartWord)]) -> Option<Word> {
        let plain_fresh: Vec<(u32, &Located)> = fresh
            .iter()
            .filter_map(|(n, w)| Some((*n, w.plain.as_ref()?)))
            .collect();
        let mut forms: Vec<(&str, Vec<(u32, &Located)>)> = Vec::new();
        for (n, w) in fresh {
            for (form, located) in &w.variants {
                match forms.iter_mut().find(|(f, _)| f == form) {
                    Some((_, list)) => list.push((*n, located)),
                    None => forms.push((form, vec![(*n, located)])),
                }
            }
        }
        let plain = self.plain.patched(renumber, &plain_fresh);
        let mut changed = plain.is_some();
        let mut variants = Vec::with_capacity(self.variants.len() + forms.len());
        for v in &self.variants {
            let fresh = forms
                .iter()
                .position(|(f, _)| *f == v.form)
                .map(|at| forms.swap_remove(at).1)
                .unwrap_or_default();
            match v.postings.patched(renumber, &fresh) {
                Some(postings) => {
                    changed = true;
                    variants.push(Variant {
                        form: v.form.clone(),
                        postings,
                    });
                }
                None => variants.push(v.clone()),
            }
        }
        for (form, fresh) in forms {
            changed = true;
            let postings = Postings::default().patched(renumber, &fresh).unwrap_or_default();
            variants.push(Variant {
                form: form.to_string(),
                postings,
            });
        }
        if !changed {
            return None;
        }
        variants.retain(|v| !v.postings.entries.is_empty());
        // The order Pagefind gives the forms: by the first page each occurs on, and on that
        // page those in the text (sorted) before those only in the title (sorted).
        variants.sort_by(|a, b| {
            let key = |v: &Variant| v.postings.entries.first().map(|e| (e.page, e.meta_only));
            key(a).cmp(&key(b)).then_with(|| a.form.cmp(&b.form))
        });
        Some(Word {
            word: self.word.clone(),
            plain: plain.unwrap_or_else(|| self.plain.clone()),
            variants,
        })
    }

    fn encode_into<W: Write>(&self, e: &mut Encoder<W>) -> Result<(), Error<W::Error>> {
        e.array(3)?.str(&self.word)?;
        self.plain.encode_into(e)?;
        e.array(self.variants.len() as u64)?;
        for v in &self.variants {
            e.array(2)?.str(&v.form)?;
            v.postings.encode_into(e)?;
        }
        Ok(())
    }
}

/// A compressed file of the last index, by the xxh3 hash of its bytes before compression.
#[derive(Clone, Encode, Decode)]
struct Compressed {
    #[n(0)]
    key: u64,
    /// The SHA-1 of those bytes, which names the file.
    #[n(1)]
    digest: String,
    #[n(2)]
    #[cbor(with = "minicbor::bytes")]
    bytes: Vec<u8>,
}

/// What an index is made of, to make the next one from: its pages in order, its words
/// sorted, and its compressed chunks and meta file.
#[derive(Default, Encode, Decode)]
pub struct Kept {
    #[n(0)]
    pages: Vec<Page>,
    #[n(1)]
    words: Vec<Word>,
    #[n(2)]
    compressed: Vec<Compressed>,
}

/// Where a page of a new index comes from.
pub enum Source {
    /// The page at this position of the last index, unchanged.
    Kept(usize),
    /// A page split anew.
    Fresh(Box<PagePart>),
}

/// Writes `words` as `WordIndex { words: Vec<PackedWord> }` derives it.
fn chunk_bytes(words: &[Word]) -> Vec<u8> {
    let mut bytes = Vec::with_capacity(words.iter().map(|w| w.word.len() + w.plain.bytes.len() + 8).sum());
    let mut e = Encoder::new(&mut bytes);
    let written: Result<(), Error<Infallible>> = (|| {
        e.array(1)?.array(words.len() as u64)?;
        for word in words {
            word.encode_into(&mut e)?;
        }
        Ok(())
    })();
    // Writing into a Vec cannot fail.
    let _ = written;
    bytes
}

impl Kept {
    /// Whether it is as this code writes it: words sorted and unique, each with pages.
    pub fn is_sound(&self) -> bool {
        // Names are cut from these hashes by byte: they must be plain ASCII.
        let plain = |h: &str| h.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'_');
        self.pages.iter().all(|p| plain(&p.fragment_hash))
            && self.compressed.iter().all(|c| plain(&c.digest))
            && self.words.windows(2).all(|w| w[0].word < w[1].word)
            && self.words.iter().all(|w| !w.is_empty())
            && self.words.iter().all(|w| {
                w.variants.iter().all(|v| !v.postings.entries.is_empty())
                    && w.variants.windows(2).all(|v| v[0].form != v[1].form)
            })
            && self.words.iter().all(|w| {
                std::iter::once(&w.plain)
                    .chain(w.variants.iter().map(|v| &v.postings))
                    .flat_map(|p| &p.entries)
                    .all(|e| (e.page as usize) < self.pages.len())
            })
    }

    /// Each page's position in the index, by its key.
    pub fn positions(&self) -> HashMap<u64, usize> {
        self.pages.iter().enumerate().map(|(i, p)| (p.key, i)).collect()
    }

    /// Makes the index of `pages` (in page order, each with its key) in `language`, from
    /// this one, which then becomes it. Each [`Source::Kept`] position must come once at most.
    /// Pages without a word are left out, as Pagefind leaves them out.
    pub fn update(&mut self, pages: Vec<(u64, Source)>, language: &str, version: &str) -> LanguageIndex {
        let mut old: Vec<Option<Page>> = std::mem::take(&mut self.pages).into_iter().map(Some).collect();
        let mut renumber: Vec<Option<u32>> = vec![None; old.len()];
        let mut fresh: Vec<(u32, Vec<PartWord>)> = Vec::new();
        for (key, source) in pages {
            let n = self.pages.len() as u32;
            match source {
                Source::Kept(at) => {
                    if let Some(page) = old.get_mut(at).and_then(Option::take) {
                        renumber[at] = Some(n);
                        self.pages.push(page);
                    }
                }
                Source::Fresh(part) if !part.words.is_empty() => {
                    let PagePart {
                        words,
                        meta_fields,
                        fragment_hash,
                        fragment,
                        word_count,
                    } = *part;
                    fresh.push((n, words));
                    self.pages.push(Page {
                        key,
                        fragment_hash,
                        fragment,
                        word_count: u32::try_from(word_count).unwrap_or(u32::MAX),
                        meta_fields,
                    });
                }
                Source::Fresh(_) => {}
            }
        }
        drop(old);
        self.update_words(&renumber, &fresh);
        self.files(language, version)
    }

    /// Renumbers the words' pages and adds the `fresh` pages' words.
    fn update_words(&mut self, renumber: &[Option<u32>], fresh: &[(u32, Vec<PartWord>)]) {
        let mut by_word: HashMap<&str, Vec<(u32, &PartWord)>> = HashMap::new();
        for (n, words) in fresh {
            for word in words {
                by_word.entry(word.word.as_str()).or_default().push((*n, word));
            }
        }
        let known = &self.words;
        let unknown: Vec<(&&str, &Vec<(u32, &PartWord)>)> = by_word
            .iter()
            .filter(|(word, _)| known.binary_search_by(|w| w.word.as_str().cmp(word)).is_err())
            .collect();
        let new: Vec<Word> = unknown
            .into_par_iter()
            .filter_map(|(word, fresh)| Word::new(word).patched(renumber, fresh))
            .collect();
        let mut words: Vec<Word> = std::mem::take(&mut self.words)
            .into_par_iter()
            .filter_map(|word| {
                let fresh = by_word.get(word.word.as_str()).map_or(&[][..], Vec::as_slice);
                match word.patched(renumber, fresh) {
                    None => Some(word),
                    Some(patched) => (!patched.is_empty()).then_some(patched),
                }
            })
            .collect();
        if !new.is_empty() {
            words.extend(new);
            words.par_sort_unstable_by(|a, b| a.word.cmp(&b.word));
        }
        self.words = words;
    }

    /// The index's files, compressing only what the last index did not have.
    fn files(&mut self, language: &str, version: &str) -> LanguageIndex {
        let known: HashMap<u64, Compressed> = std::mem::take(&mut self.compressed)
            .into_iter()
            .map(|c| (c.key, c))
            .collect();
        let compressed = |bytes: Vec<u8>| -> Compressed {
            let key = xxhash_rust::xxh3::xxh3_64(&bytes);
            match known.get(&key) {
                Some(c) => c.clone(),
                None => Compressed {
                    key,
                    digest: index::full_hash(&bytes),
                    bytes: index::compress(&bytes),
                },
            }
        };
        // Chunks of about CHUNK_SIZE locations, a word never split.
        let mut bounds = Vec::new();
        let (mut start, mut size) = (0, 0);
        for (i, word) in self.words.iter().enumerate() {
            size += word.size();
            if size >= CHUNK_SIZE {
                bounds.push(start..i + 1);
                (start, size) = (i + 1, 0);
            }
        }
        if start < self.words.len() {
            bounds.push(start..self.words.len());
        }
        let chunks: Vec<Compressed> = bounds
            .par_iter()
            .map(|range| compressed(chunk_bytes(&self.words[range.clone()])))
            .collect();
        let firsts_lasts: Vec<(&str, &str)> = bounds
            .iter()
            .map(|r| (self.words[r.start].word.as_str(), self.words[r.end - 1].word.as_str()))
            .collect();
        let mut ranges = index::chunk_ranges(&firsts_lasts);

        let mut files = Vec::with_capacity(self.pages.len() + chunks.len() + 1);
        let mut fragment_names: HashSet<String> = HashSet::with_capacity(self.pages.len());
        let mut meta_pages = Vec::with_capacity(self.pages.len());
        for page in &self.pages {
            let name = index::short_hash(&page.fragment_hash, language, 1, |h| fragment_names.contains(h)).to_string();
            fragment_names.insert(name.clone());
            files.push((format!("fragment/{name}.pf_fragment"), page.fragment.clone()));
            meta_pages.push(MetaPage {
                hash: name,
                word_count: page.word_count,
                group_hash: String::new(),
            });
        }
        let mut chunk_names: HashSet<String> = HashSet::with_capacity(chunks.len());
        for (chunk, range) in chunks.iter().zip(&mut ranges) {
            let hash = format!("{language}_{}", chunk.digest);
            let name = index::short_hash(&hash, language, 2, |h| chunk_names.contains(h)).to_string();
            chunk_names.insert(name.clone());
            files.push((format!("index/{name}.pf_index"), chunk.bytes.clone()));
            range.hash = name;
        }
        let meta_fields: Vec<String> = self
            .pages
            .iter()
            .flat_map(|p| p.meta_fields.iter().cloned())
            .collect::<std::collections::BTreeSet<_>>()
            .into_iter()
            .collect();
        let meta = compressed(index::cbor(MetaIndex {
            version: version.to_string(),
            pages: meta_pages,
            index_chunks: ranges,
            filters: Vec::new(),
            sorts: Vec::new(),
            meta_fields,
        }));
        let meta_hash = format!(
            "{language}_{}",
            &meta.digest[..(language.len() + 8).min(meta.digest.len())]
        );
        files.push((format!("pagefind.{meta_hash}.pf_meta"), meta.bytes.clone()));
        self.compressed = chunks;
        self.compressed.push(meta);
        LanguageIndex {
            files,
            meta_hash,
            page_count: self.pages.len(),
        }
    }
}

#[cfg(test)]
impl Kept {
    /// The compressed files it holds (tests).
    pub fn compressed_files(&self) -> Vec<&Vec<u8>> {
        self.compressed.iter().map(|c| &c.bytes).collect()
    }
}
