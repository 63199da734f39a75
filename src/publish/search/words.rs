//! The words of one page, as Pagefind's browser runtime expects to find them in the index.
//!
//! The runtime (Pagefind's WebAssembly) normalizes and stems the reader's query; the index
//! must hold the same normalized, stemmed forms, at the same positions, or queries miss.
//! So this follows Pagefind 1.6's indexing rules for plain text: words split at white space
//! (and, for Chinese, Japanese and Thai, by ICU4X's dictionary segmenter), lowercased,
//! stripped of punctuation and diacritics (the accented form kept as a variant), stemmed with
//! the language's Snowball stemmer (`pagefind_stem`, the crate Pagefind itself uses), plus the
//! parts of compound words (`multi-word`, `camelCase`, `a.b_c`), emoji, the pairs of
//! characters of segmented scripts, and katakana suffixes. The tests in `search::tests`
//! check that the index built from these words is byte-identical to Pagefind's own.
//!
//! Unlike Pagefind's HTML indexing, no text here is markup: Pagefind's private
//! `___PAGEFIND_…` markers are never interpreted, so an author's text cannot change weights.

use super::language::{Language, segment};
use convert_case::{Case, Casing};
use hashbrown::{HashMap, HashSet};
use pagefind_stem::Stemmer;
use std::sync::LazyLock;
use unicode_normalization::UnicodeNormalization;
use unicode_segmentation::UnicodeSegmentation;

/// Characters that count as part of a word: Unicode's "Punctuation, Connector" category,
/// which Pagefind's runtime keeps in query words too.
pub const WORD_SYMBOLS: [char; 10] = ['_', '‿', '⁀', '⁔', '︳', '︴', '﹍', '﹎', '﹏', '＿'];

/// The weight of ordinary text (Pagefind's 1.0 × 24).
const BASE_WEIGHT: u8 = 24;
const MAX_KATAKANA_SUFFIX_CHARS: usize = 16;
const MAX_DOTTED_TAIL_CHARS: usize = 64;

static EMOJI: LazyLock<regex::Regex> =
    LazyLock::new(|| regex::Regex::new("\\p{Emoji}").expect("the emoji pattern is valid"));

/// One occurrence of an indexed word in a page's text.
#[derive(Debug, Clone, PartialEq)]
pub struct Occurrence {
    /// The word's position among the page's words.
    pub position: u32,
    /// Its weight (24 for ordinary text; less for the parts of a compound word).
    pub weight: u8,
    /// The word before its diacritics were removed, when they were.
    pub original: Option<String>,
}

/// One occurrence of an indexed word in a metadata field (the title).
#[derive(Debug, Clone, PartialEq)]
pub struct MetaOccurrence {
    /// The field's number among the site's metadata fields.
    pub field: u16,
    /// The word's position in the field.
    pub position: u32,
    /// The word before its diacritics were removed, when they were.
    pub original: Option<String>,
}

/// What the index needs of one page's text.
#[derive(Debug, Clone, Default)]
pub struct PageWords {
    /// The text as the excerpts show it.
    pub content: String,
    /// How many words the text has.
    pub word_count: usize,
    /// Every indexed form with its occurrences.
    pub words: HashMap<String, Vec<Occurrence>>,
    /// The same for the metadata fields, by field number.
    pub meta_words: HashMap<String, Vec<MetaOccurrence>>,
}

/// Indexes one page: its text and its metadata fields (in the site's field order).
pub fn page_words(text: &str, meta: &[&str], language: &Language) -> PageWords {
    let mut page = PageWords::default();
    let mut position: usize = 0;
    let mut last_position = 0;
    let mut track = |page: &mut PageWords, word: &str, space_after: bool, previous: Option<&str>, segmented: bool| {
        if word.starts_with("___PAGEFIND_") || word.starts_with("___END_PAGEFIND_") {
            // Pagefind's own markers are not words (and, here, not instructions either).
            return;
        }
        let word = word.replace('\u{200B}', "");
        if word.is_empty() {
            return;
        }
        page.content.push_str(&word);
        if space_after {
            page.content.push(' ');
        }
        if language.segmented {
            page.content.push('\u{200B}');
        }
        let stemmer = language.stemmer.as_ref();
        let known = forms_of(&word, language);
        let cross = if segmented {
            cross_bigram(&word, previous, stemmer, &known.forms)
        } else {
            None
        };
        let parts = known.parts + usize::from(cross.is_some());
        let part_weight = if parts > 0 {
            (BASE_WEIGHT / u8::try_from(parts).unwrap_or(u8::MAX)).max(1)
        } else {
            0
        };
        let at = u32::try_from(position).unwrap_or(u32::MAX);
        for form in &known.forms {
            let occurrence = Occurrence {
                position: at,
                weight: if form.compound_part { part_weight } else { BASE_WEIGHT },
                original: form.original.clone(),
            };
            match page.words.get_mut(form.stemmed.as_str()) {
                Some(occurrences) => occurrences.push(occurrence),
                None => {
                    page.words.insert(form.stemmed.clone(), vec![occurrence]);
                }
            }
        }
        // The pair spanning two segments belongs to the segment it starts in.
        if let (Some(form), Some(before)) = (cross, at.checked_sub(1)) {
            let occurrences = page.words.entry(form.stemmed).or_default();
            if !occurrences.iter().any(|o| o.position == before) {
                occurrences.push(Occurrence {
                    position: before,
                    weight: part_weight,
                    original: form.original,
                });
            }
        }
        last_position = position;
        position += 1;
    };
    for chunk in text.split_whitespace() {
        if language.segmented && !chunk.starts_with("___") {
            let mut segments = segment(chunk).peekable();
            let mut previous: Option<&str> = None;
            while let Some(word) = segments.next() {
                track(&mut page, word, segments.peek().is_none(), previous, true);
                previous = word.graphemes(true).next_back();
            }
        } else {
            track(&mut page, chunk, true, None, false);
        }
    }
    if page.content.ends_with('\u{200B}') {
        page.content.pop();
    }
    if page.content.ends_with(' ') {
        page.content.pop();
    }
    page.word_count = last_position + 1;
    for (field, value) in meta.iter().enumerate() {
        let field = u16::try_from(field).unwrap_or(u16::MAX);
        for (at, word) in value.split_whitespace().enumerate() {
            for form in indexable_words(word, language.stemmer.as_ref()) {
                page.meta_words.entry(form.stemmed).or_default().push(MetaOccurrence {
                    field,
                    position: u32::try_from(at).unwrap_or(u32::MAX),
                    original: form.original,
                });
            }
        }
    }
    page
}

/// The forms a word is indexed under, and how many of them are parts of a compound word.
struct KnownForms {
    forms: Vec<Form>,
    parts: usize,
}

/// The most distinct words one thread remembers before it starts afresh.
const KNOWN_WORDS: usize = 200_000;

/// The forms of `word`, from a cache of this thread's: a site repeats its vocabulary on
/// every page, and normalizing, stemming and splitting a word is most of indexing's time.
fn forms_of(word: &str, language: &Language) -> std::rc::Rc<KnownForms> {
    thread_local! {
        static KNOWN: std::cell::RefCell<(String, HashMap<String, std::rc::Rc<KnownForms>>)> =
            Default::default();
    }
    KNOWN.with(|known| {
        let mut known = known.borrow_mut();
        let (code, words) = &mut *known;
        if *code != language.code || words.len() > KNOWN_WORDS {
            code.clone_from(&language.code);
            words.clear();
        }
        if let Some(forms) = words.get(word) {
            return forms.clone();
        }
        let stemmer = language.stemmer.as_ref();
        let mut forms = indexable_words(word, stemmer);
        let tails = dotted_tails(word, stemmer, &forms);
        forms.extend(tails);
        if language.segmented {
            let pairs = bigrams(word, stemmer, &forms);
            forms.extend(pairs);
        }
        let parts = forms.iter().filter(|f| f.compound_part).count();
        let forms = std::rc::Rc::new(KnownForms { forms, parts });
        words.insert(word.to_string(), forms.clone());
        forms
    })
}

/// One form of a word to index.
#[derive(Debug, Clone, PartialEq)]
struct Form {
    stemmed: String,
    compound_part: bool,
    original: Option<String>,
}

/// The forms of one word: the word itself, the parts of a compound word, emoji, katakana
/// suffixes.
fn indexable_words(raw: &str, stemmer: Option<&Stemmer>) -> Vec<Form> {
    let mut forms = Vec::new();
    let normalized = normalize_word(raw);
    if !normalized.is_empty() {
        forms.push(stem_word(&normalized, stemmer, false));
    }
    for suffix in katakana_suffixes(raw) {
        let plain = normalize_diacritics(suffix);
        forms.push(Form {
            stemmed: plain.clone().unwrap_or_else(|| suffix.to_string()),
            original: plain.map(|_| suffix.to_string()),
            compound_part: true,
        });
    }
    let possibly_compound = raw.chars().any(|c| !c.is_alphanumeric()) || raw.chars().skip(1).any(char::is_uppercase);
    if !possibly_compound {
        return forms;
    }
    let (parts, emoji) = discrete_words(raw);
    if !normalized.is_empty() && (parts.contains(char::is_whitespace) || !normalized.starts_with(&parts)) {
        for part in parts.split_whitespace().filter(|w| w.len() > 1) {
            let plain = normalize_diacritics(part);
            let stemmed = match stemmer {
                Some(s) => s.stem(plain.as_deref().unwrap_or(part)).into_owned(),
                None => plain.clone().unwrap_or_else(|| part.to_string()),
            };
            forms.push(Form {
                stemmed,
                original: plain.map(|_| part.to_string()),
                compound_part: true,
            });
        }
    }
    forms.extend(emoji.into_iter().map(|e| Form {
        stemmed: e,
        original: None,
        compound_part: false,
    }));
    forms
}

/// The compound tails of a dotted word, so `is_python_build` of `sysconfig.is_python_build`
/// is found without taking the word apart entirely.
fn dotted_tails(raw: &str, stemmer: Option<&Stemmer>, existing: &[Form]) -> Vec<Form> {
    let mut tails = Vec::new();
    if !raw.contains('.') {
        return tails;
    }
    let seen: HashSet<&str> = existing.iter().map(|w| w.stemmed.as_str()).collect();
    let mut seen_tails = HashSet::new();
    for (i, _) in raw.match_indices('.') {
        let rest = &raw[i + 1..];
        let tail = match rest.char_indices().nth(MAX_DOTTED_TAIL_CHARS) {
            Some((end, _)) => &rest[..end],
            None => rest,
        };
        let compound = tail.chars().any(|c| !c.is_alphanumeric()) || tail.chars().skip(1).any(char::is_uppercase);
        if !compound {
            continue;
        }
        let normalized = normalize_word(tail);
        if normalized.chars().count() < 2 {
            continue;
        }
        let form = stem_word(&normalized, stemmer, true);
        if !seen.contains(form.stemmed.as_str()) && seen_tails.insert(form.stemmed.clone()) {
            tails.push(form);
        }
    }
    tails
}

/// The pairs of adjacent characters of a segment in a segmented script.
fn bigrams(raw: &str, stemmer: Option<&Stemmer>, existing: &[Form]) -> Vec<Form> {
    let mut seen: HashSet<String> = existing.iter().map(|w| w.stemmed.clone()).collect();
    let mut pairs = Vec::new();
    let mut previous: Option<&str> = None;
    for cluster in raw.graphemes(true) {
        if !is_segmented_cluster(cluster) {
            previous = None;
            continue;
        }
        if let Some(previous) = previous {
            let form = stem_word(&format!("{previous}{cluster}"), stemmer, true);
            if seen.insert(form.stemmed.clone()) {
                pairs.push(form);
            }
        }
        previous = Some(cluster);
    }
    pairs
}

/// The pair spanning the boundary between the previous segment and this one, if new.
fn cross_bigram(raw: &str, previous: Option<&str>, stemmer: Option<&Stemmer>, existing: &[Form]) -> Option<Form> {
    let previous = previous.filter(|c| is_segmented_cluster(c))?;
    let first = raw.graphemes(true).next().filter(|c| is_segmented_cluster(c))?;
    let form = stem_word(&format!("{previous}{first}"), stemmer, true);
    (!existing.iter().any(|w| w.stemmed == form.stemmed)).then_some(form)
}

fn is_segmented_cluster(cluster: &str) -> bool {
    matches!(
        cluster.chars().next().map(u32::from),
        Some(
            0x3400..=0x4DBF
            | 0x4E00..=0x9FFF
            | 0xF900..=0xFAFF
            | 0x20000..=0x2FA1F
            | 0x30000..=0x323AF
            | 0x3041..=0x30FF
            | 0x31F0..=0x31FF
            | 0xFF66..=0xFF9F
            | 0x0E00..=0x0EFF
            | 0x1000..=0x109F
            | 0x1780..=0x17FF,
        )
    )
}

/// Letters and digits (and connector punctuation), lowercased.
fn normalize_word(raw: &str) -> String {
    let mut word = String::with_capacity(raw.len());
    for mut c in raw.chars() {
        if c.is_alphanumeric() || WORD_SYMBOLS.contains(&c) {
            c.make_ascii_lowercase();
            if c.is_uppercase() {
                word.extend(c.to_lowercase());
            } else {
                word.push(c);
            }
        }
    }
    word
}

fn stem_word(normalized: &str, stemmer: Option<&Stemmer>, compound_part: bool) -> Form {
    let plain = normalize_diacritics(normalized);
    let stemmed = match stemmer {
        Some(s) => s.stem(plain.as_deref().unwrap_or(normalized)).into_owned(),
        None => plain.clone().unwrap_or_else(|| normalized.to_string()),
    };
    Form {
        stemmed,
        original: plain.map(|_| normalized.to_string()),
        compound_part,
    }
}

fn is_katakana(c: char) -> bool {
    matches!(c as u32, 0x30A1..=0x30FA | 0x30FC..=0x30FF | 0x31F0..=0x31FF | 0xFF66..=0xFF9F)
}

/// Every suffix of a katakana word: the segmenter's dictionary has no katakana, and prefix
/// matching then finds a word inside one.
fn katakana_suffixes(word: &str) -> Vec<&str> {
    if word.chars().count() < 3 || !word.chars().all(is_katakana) {
        return Vec::new();
    }
    let mut seen = HashSet::new();
    let mut suffixes = Vec::new();
    for (i, _) in word.char_indices().skip(1) {
        let rest = &word[i..];
        let suffix = match rest.char_indices().nth(MAX_KATAKANA_SUFFIX_CHARS) {
            Some((end, _)) => &rest[..end],
            None => rest,
        };
        if suffix.chars().count() >= 2 && seen.insert(suffix) {
            suffixes.push(suffix);
        }
    }
    suffixes
}

/// The word without its diacritics ("café" → "cafe"), if it had any. The kana sound marks
/// distinguish words, so they stay (recomposed); Hangul stays decomposed, so a partly typed
/// syllable is a prefix of the indexed word.
fn normalize_diacritics(word: &str) -> Option<String> {
    if word.is_ascii() || !has_decomposition(word) {
        return None;
    }
    let stripped: String = word
        .nfd()
        .filter(|c| !unicode_normalization::char::is_combining_mark(*c) || matches!(*c, '\u{3099}' | '\u{309A}'))
        .collect();
    let normalized = if stripped.chars().any(|c| matches!(c, '\u{3099}' | '\u{309A}')) {
        stripped.nfc().collect::<String>()
    } else {
        stripped
    };
    (normalized != word).then_some(normalized)
}

fn has_decomposition(word: &str) -> bool {
    word.chars().any(|c| {
        unicode_normalization::char::is_combining_mark(c) || {
            let mut decomposes = false;
            unicode_normalization::char::decompose_canonical(c, |part| decomposes = decomposes || part != c);
            decomposes
        }
    })
}

/// The parts of a compound word, lowercased and space-separated, and its emoji.
fn discrete_words(s: &str) -> (String, Vec<String>) {
    let words = s
        .replace(|c: char| c.is_ascii_punctuation(), " ")
        .to_case(Case::Lower)
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    let emoji = if EMOJI.is_match(s) {
        s.graphemes(true)
            .filter(|g| emojis::get(g).is_some())
            .map(str::to_string)
            .collect()
    } else {
        Vec::new()
    };
    (words, emoji)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(text: &str, lang: &str) -> Vec<String> {
        let mut w: Vec<String> = page_words(text, &[], &Language::new(lang)).words.into_keys().collect();
        w.sort();
        w
    }

    #[test]
    fn stems_and_lowercases() {
        assert_eq!(words("Running Computers", "en"), ["comput", "run"]);
    }

    #[test]
    fn compound_words_index_their_parts() {
        let w = words("co-packaged camelCase", "en");
        for part in ["copackag", "co", "packag", "camelcas", "camel", "case"] {
            assert!(w.contains(&part.to_string()), "{part} in {w:?}");
        }
    }

    #[test]
    fn accents_are_variants() {
        let page = page_words("café", &[], &Language::new("fr"));
        let (word, occ) = page.words.iter().next().unwrap();
        assert_eq!(word, "caf");
        assert_eq!(occ[0].original.as_deref(), Some("café"));
    }

    #[test]
    fn markers_are_not_instructions() {
        let page = page_words("a ___PAGEFIND_WEIGHT___9 b", &[], &Language::new("en"));
        assert_eq!(page.content, "a b");
        assert!(page.words.values().flatten().all(|o| o.weight == BASE_WEIGHT));
    }

    #[cfg(feature = "cjk")]
    #[test]
    fn chinese_is_segmented() {
        let w = words("其背后的根本是算力。", "zh");
        assert!(w.contains(&"算力".to_string()), "{w:?}");
    }
}
