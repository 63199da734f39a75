//! Finds glossary terms in running text in one pass, whatever the glossary's size.
//!
//! One Aho-Corasick automaton holds every term and alias (leftmost-longest, so
//! "domestic substitution" wins over "substitution"); each hit is then checked
//! for case (for case-sensitive terms), English plural and possessive endings,
//! and word boundaries. Boundaries are script-aware: scripts written without
//! spaces (Han, kana, Hangul, Thai…) match inside running text.

use aho_corasick::{AhoCorasick, AhoCorasickBuilder, Input, MatchKind};

/// One spelling to look for and the term it stands for.
#[derive(Debug, Clone)]
pub struct Pattern {
    /// The spelling as written in the glossary.
    pub text: String,
    /// The term (index into the glossary's terms).
    pub term: usize,
    /// Whether the case must match exactly.
    pub case_sensitive: bool,
}

/// A found use of a term: byte range in the searched text.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Hit {
    /// Start byte.
    pub start: usize,
    /// End byte (after any plural or possessive ending).
    pub end: usize,
    /// The term found.
    pub term: usize,
}

/// The compiled automaton over every spelling of every term.
#[derive(Debug, Clone)]
pub struct Matcher {
    automaton: Option<AhoCorasick>,
    patterns: Vec<Pattern>,
}

/// Scripts written without spaces between words, so terms in them need no word boundary.
pub fn is_unspaced_script(c: char) -> bool {
    matches!(c as u32,
        0x2E80..=0x2FDF   // CJK radicals
        | 0x3000..=0x303F // CJK punctuation
        | 0x3040..=0x30FF // Hiragana, Katakana
        | 0x3100..=0x31BF // Bopomofo
        | 0x3400..=0x4DBF // CJK extension A
        | 0x4E00..=0x9FFF // CJK unified
        | 0xAC00..=0xD7AF // Hangul syllables
        | 0xF900..=0xFAFF // CJK compatibility
        | 0xFF00..=0xFFEF // full-width forms
        | 0x0E00..=0x0EFF // Thai, Lao
        | 0x1000..=0x109F // Myanmar
        | 0x1780..=0x17FF // Khmer
        | 0x20000..=0x2FA1F)
}

fn is_word_char(c: char) -> bool {
    c.is_alphanumeric() && !is_unspaced_script(c)
}

/// Endings an English term may take in running text, longest first.
const ENDINGS: [&str; 7] = ["'s", "\u{2019}s", "s'", "s\u{2019}", "es", "s", ""];

impl Matcher {
    /// Compiles the automaton; patterns that are empty after trimming are skipped.
    pub fn new(patterns: Vec<Pattern>) -> Matcher {
        let patterns: Vec<Pattern> = patterns.into_iter().filter(|p| !p.text.trim().is_empty()).collect();
        let automaton = if patterns.is_empty() {
            None
        } else {
            AhoCorasickBuilder::new()
                .match_kind(MatchKind::LeftmostLongest)
                .ascii_case_insensitive(true)
                .build(patterns.iter().map(|p| p.text.as_str()))
                .ok()
        };
        Matcher { automaton, patterns }
    }

    /// Every use of a term in `text`, left to right, not overlapping.
    pub fn find(&self, text: &str) -> Vec<Hit> {
        let mut hits = Vec::new();
        let Some(ac) = &self.automaton else { return hits };
        let mut pos = 0;
        while pos < text.len() {
            let Some(m) = ac.find(Input::new(text).range(pos..)) else {
                break;
            };
            let pattern = &self.patterns[m.pattern().as_usize()];
            match self.accept(text, m.start(), m.end(), pattern) {
                Some(end) => {
                    hits.push(Hit {
                        start: m.start(),
                        end,
                        term: pattern.term,
                    });
                    pos = end;
                }
                // Not a word here: look again from the next character, so a shorter
                // spelling starting inside this one still gets its chance.
                None => pos = m.start() + text[m.start()..].chars().next().map_or(1, char::len_utf8),
            }
        }
        hits
    }

    /// Checks case and boundaries of a raw hit and returns its end including any ending.
    fn accept(&self, text: &str, start: usize, end: usize, pattern: &Pattern) -> Option<usize> {
        if pattern.case_sensitive && text[start..end] != pattern.text {
            return None;
        }
        let first = text[start..end].chars().next()?;
        let last = text[start..end].chars().next_back()?;
        if is_word_char(first) && text[..start].chars().next_back().is_some_and(is_word_char) {
            return None;
        }
        if !is_word_char(last) {
            return Some(end);
        }
        let endings: &[&str] = if last.is_ascii_alphabetic() {
            &ENDINGS
        } else {
            &["'s", "\u{2019}s", ""]
        };
        endings.iter().find_map(|ending| {
            let rest = &text[end..];
            let matches = rest.len() >= ending.len()
                && rest.is_char_boundary(ending.len())
                && rest[..ending.len()].eq_ignore_ascii_case(ending);
            let after = end + ending.len();
            (matches && !text[after..].chars().next().is_some_and(is_word_char)).then_some(after)
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn matcher(specs: &[(&str, usize, bool)]) -> Matcher {
        Matcher::new(
            specs
                .iter()
                .map(|&(text, term, case_sensitive)| Pattern {
                    text: text.into(),
                    term,
                    case_sensitive,
                })
                .collect(),
        )
    }

    fn found<'a>(m: &Matcher, text: &'a str) -> Vec<(&'a str, usize)> {
        m.find(text).iter().map(|h| (&text[h.start..h.end], h.term)).collect()
    }

    #[test]
    fn longest_match_wins() {
        let m = matcher(&[("substitution", 0, false), ("domestic substitution", 1, false)]);
        assert_eq!(
            found(&m, "the market for domestic substitution is large"),
            vec![("domestic substitution", 1)]
        );
        assert_eq!(found(&m, "substitution alone"), vec![("substitution", 0)]);
    }

    #[test]
    fn word_boundaries() {
        let m = matcher(&[("compute", 0, false), ("AI", 1, true)]);
        assert!(found(&m, "a computer and recomputed values").is_empty());
        assert_eq!(found(&m, "(compute), compute."), vec![("compute", 0), ("compute", 0)]);
        assert!(found(&m, "said MAIL and FAIR").is_empty());
        assert_eq!(found(&m, "AI-driven"), vec![("AI", 1)]);
    }

    #[test]
    fn case_rules() {
        let m = matcher(&[("CPO", 0, true), ("metaverse", 1, false)]);
        assert_eq!(found(&m, "the CPO sector"), vec![("CPO", 0)]);
        assert!(found(&m, "the cpo sector").is_empty());
        assert_eq!(
            found(&m, "The Metaverse and the METAVERSE"),
            vec![("Metaverse", 1), ("METAVERSE", 1)]
        );
    }

    #[test]
    fn plurals_and_possessives() {
        let m = matcher(&[
            ("CPO", 0, true),
            ("compute", 1, false),
            ("large model", 2, false),
            ("A-share", 3, false),
        ]);
        assert_eq!(found(&m, "two CPOs"), vec![("CPOs", 0)]);
        assert_eq!(found(&m, "compute's role"), vec![("compute's", 1)]);
        assert_eq!(found(&m, "compute\u{2019}s role"), vec![("compute\u{2019}s", 1)]);
        assert_eq!(found(&m, "various large models."), vec![("large models", 2)]);
        assert_eq!(found(&m, "and A-shares are"), vec![("A-shares", 3)]);
        assert!(found(&m, "computesx").is_empty());
        assert!(found(&m, "computers").is_empty());
    }

    #[test]
    fn cjk_matches_inside_running_text() {
        let m = matcher(&[("算力", 0, false), ("CPO", 1, true)]);
        assert_eq!(found(&m, "未来的核心是算力基础设施"), vec![("算力", 0)]);
        assert_eq!(found(&m, "光模块CPO板块"), vec![("CPO", 1)]);
    }

    #[test]
    fn a_failed_long_hit_does_not_hide_a_later_one() {
        let m = matcher(&[("power", 0, false)]);
        assert_eq!(found(&m, "powerful power"), vec![("power", 0)]);
    }

    #[test]
    fn empty_glossary_finds_nothing() {
        assert!(Matcher::new(Vec::new()).find("anything").is_empty());
    }
}
