//! How each language is indexed: its Snowball stemmer, and for Chinese, Japanese and Thai a
//! dictionary segmenter, since their text does not separate words with spaces.

use pagefind_stem::{Algorithm, Stemmer};
#[cfg(feature = "cjk")]
use std::sync::LazyLock;
#[cfg(feature = "cjk")]
use unicode_segmentation::UnicodeSegmentation;

/// How a language is indexed: its stemmer, and whether its text is split into words by a
/// dictionary (Chinese, Japanese and Thai do not separate words with spaces).
pub struct Language {
    pub(super) code: String,
    pub(super) stemmer: Option<Stemmer>,
    pub(super) segmented: bool,
}

impl Language {
    /// The rules for an ISO 639-1 language code (`en`, `zh-CN`…).
    pub fn new(code: &str) -> Language {
        let base = code.split('-').next().unwrap_or(code);
        Language {
            code: code.to_string(),
            stemmer: stemmer(base),
            segmented: cfg!(feature = "cjk") && matches!(base, "zh" | "ja" | "th"),
        }
    }
}

/// Splits a run of text without spaces into words (ICU4X's dictionary segmenter, which agrees
/// closely with the browser's `Intl.Segmenter` that splits the query). A break inside a
/// grapheme cluster is dropped: a word cannot start with a dangling vowel or tone mark.
#[cfg(feature = "cjk")]
pub(super) fn segment(input: &str) -> impl Iterator<Item = &str> {
    static SEGMENTER: LazyLock<icu_segmenter::WordSegmenterBorrowed<'static>> =
        LazyLock::new(|| icu_segmenter::WordSegmenter::new_dictionary(Default::default()));
    let mut clusters = input.grapheme_indices(true).map(|(i, _)| i).peekable();
    let mut start = 0;
    SEGMENTER
        .segment_str(input)
        .skip(1)
        .filter(move |&end| {
            while clusters.next_if(|&g| g < end).is_some() {}
            end == input.len() || clusters.peek() == Some(&end)
        })
        .map(move |end| {
            let word = &input[start..end];
            start = end;
            word
        })
}

#[cfg(not(feature = "cjk"))]
pub(super) fn segment(input: &str) -> impl Iterator<Item = &str> {
    std::iter::once(input)
}

/// The Snowball stemmer Pagefind ships a runtime for, by base language code.
fn stemmer(base: &str) -> Option<Stemmer> {
    let algorithm = match base {
        "ar" => Algorithm::Arabic,
        "hy" => Algorithm::Armenian,
        "eu" => Algorithm::Basque,
        "ca" => Algorithm::Catalan,
        "da" => Algorithm::Danish,
        "nl" => Algorithm::Dutch,
        "en" => Algorithm::English,
        "eo" => Algorithm::Esperanto,
        "et" => Algorithm::Estonian,
        "fi" => Algorithm::Finnish,
        "fr" => Algorithm::French,
        "de" => Algorithm::German,
        "el" => Algorithm::Greek,
        "hi" => Algorithm::Hindi,
        "hu" => Algorithm::Hungarian,
        "id" => Algorithm::Indonesian,
        "ga" => Algorithm::Irish,
        "it" => Algorithm::Italian,
        "lt" => Algorithm::Lithuanian,
        "nb" | "nn" | "no" => Algorithm::Norwegian,
        "ne" => Algorithm::Nepali,
        "pt" => Algorithm::Portuguese,
        "ro" => Algorithm::Romanian,
        "ru" => Algorithm::Russian,
        "sr" => Algorithm::Serbian,
        "pl" => Algorithm::Polish,
        "es" => Algorithm::Spanish,
        "sv" => Algorithm::Swedish,
        "ta" => Algorithm::Tamil,
        "tr" => Algorithm::Turkish,
        "yi" => Algorithm::Yiddish,
        _ => return None,
    };
    Some(Stemmer::create(algorithm))
}
