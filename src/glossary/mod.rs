//! Stage 4: the glossary. Terms are the pages of one section (`site/glossary/`);
//! every other page's text is searched for them and their uses become links.
//!
//! This module knows the terms and finds them; the Markdown stage asks it which
//! words to link while it renders, so matching happens in the same single pass.

pub mod matcher;

use crate::config::GlossaryConfig;
use crate::content::{Content, PageId};
use crate::diagnostics::Diagnostic;
use matcher::{Matcher, Pattern};
use std::collections::{HashMap, HashSet};

/// Index of a term in [`Glossary::terms`].
pub type TermId = usize;

/// One defined term.
#[derive(Debug, Clone)]
pub struct Term {
    /// Its index in [`Glossary::terms`].
    pub id: TermId,
    /// The page that defines it.
    pub page: PageId,
    /// The term as readers see it (the page title).
    pub title: String,
    /// Other spellings.
    pub aliases: Vec<String>,
    /// One plain sentence for the preview (empty when missing; `check` warns).
    pub summary: String,
    /// Related terms.
    pub see_also: Vec<TermId>,
    /// A stable id for HTML (`aria-describedby`) derived from the term's URL.
    pub anchor: String,
    /// The page's `case_sensitive` (unset: spellings in capitals only are case-sensitive).
    pub case_sensitive: Option<bool>,
}

/// A use of a term on some page, with the sentence it stands in.
#[derive(Debug, Clone, PartialEq, Eq, minicbor::Encode, minicbor::Decode)]
pub struct TermUse {
    /// The term used.
    #[n(0)]
    pub term: TermId,
    /// The sentence around the use, as plain text.
    #[n(1)]
    pub sentence: String,
}

/// All terms and the automaton that finds them.
#[derive(Debug, Clone, Default)]
pub struct Glossary {
    /// The terms, in the glossary section's reading order.
    pub terms: Vec<Term>,
    /// Term lookup by page.
    pub by_page: HashMap<PageId, TermId>,
    names: HashMap<String, TermId>,
    matcher: Option<Matcher>,
}

/// Whether a spelling is written in capitals only (`CPO`, `GPU`), which makes it case-sensitive by default.
fn is_all_caps(s: &str) -> bool {
    s.chars().any(char::is_uppercase) && !s.chars().any(char::is_lowercase)
}

/// The key used to look a name up: case and surrounding space do not matter.
fn name_key(s: &str) -> String {
    s.trim().to_lowercase()
}

impl Glossary {
    /// Collects the terms of the glossary section. Errors (bad `see_also`) and warnings (clashes,
    /// missing summaries) are returned separately; a site without a glossary section has no terms.
    pub fn build(content: &Content, config: &GlossaryConfig) -> (Glossary, Vec<Diagnostic>, Vec<Diagnostic>) {
        let mut errors = Vec::new();
        let mut warnings = Vec::new();
        let section = content.section_by_dir(config.section.trim_matches('/'));
        let mut term_pages = Vec::new();
        if let Some(s) = section {
            // Reading order keeps the list stable and the way authors arranged it.
            for &p in &content.reading_order {
                let page = &content.pages[p];
                if !page.is_index && content.ancestry(page.section).contains(&s) {
                    term_pages.push(p);
                }
            }
        }
        let is_term_page: HashSet<PageId> = term_pages.iter().copied().collect();
        for page in &content.pages {
            let f = &page.front;
            let is_term = is_term_page.contains(&page.id);
            if !is_term
                && (!f.aliases.is_empty()
                    || f.summary.is_some()
                    || f.case_sensitive.is_some()
                    || !f.see_also.is_empty())
            {
                let present = [
                    ("aliases", !f.aliases.is_empty()),
                    ("summary", f.summary.is_some()),
                    ("case_sensitive", f.case_sensitive.is_some()),
                    ("see_also", !f.see_also.is_empty()),
                ];
                let key = present
                    .into_iter()
                    .filter(|(_, here)| *here)
                    .map(|(k, _)| page.key_position(k))
                    .min()
                    .unwrap_or((1, 1));
                errors.push(
                    Diagnostic::error(
                        &page.file,
                        key.0,
                        key.1,
                        "`aliases`, `summary`, `case_sensitive` and `see_also` only apply to glossary terms",
                    )
                    .with_hint(format!(
                        "move this page under `site/{}/`, or remove those keys",
                        config.section
                    )),
                );
            }
        }

        let mut glossary = Glossary::default();
        let mut patterns = Vec::new();
        let mut owner: HashMap<String, (TermId, String)> = HashMap::new();
        for (id, &p) in term_pages.iter().enumerate() {
            let page = &content.pages[p];
            let summary = page.front.summary.clone().unwrap_or_default();
            if summary.trim().is_empty() {
                warnings.push(
                    Diagnostic::warning(
                        &page.file,
                        1,
                        1,
                        format!("glossary term `{}` has no summary", page.title),
                    )
                    .with_hint("add `summary:` with one plain sentence; it is what the preview shows"),
                );
            }
            let anchor = format!(
                "term-{}",
                page.path.trim_end_matches('/').rsplit('/').next().unwrap_or("x")
            );
            for spelling in std::iter::once(&page.title).chain(&page.front.aliases) {
                let key = name_key(spelling);
                if key.is_empty() {
                    continue;
                }
                if let Some((other, other_spelling)) = owner.get(&key) {
                    if *other != id {
                        let at = page.key_position(if spelling == &page.title { "title" } else { "aliases" });
                        warnings.push(
                            Diagnostic::warning(
                                &page.file,
                                at.0,
                                at.1,
                                format!(
                                    "`{spelling}` is defined twice: here and as `{other_spelling}` of `{}` ({})",
                                    content.pages[term_pages[*other]].title,
                                    content.pages[term_pages[*other]].file.display()
                                ),
                            )
                            .with_hint("keep each spelling on one term only; the first one wins for linking"),
                        );
                    }
                    continue;
                }
                owner.insert(key.clone(), (id, spelling.clone()));
                glossary.names.insert(key, id);
                patterns.push(Pattern {
                    text: spelling.trim().to_string(),
                    term: id,
                    case_sensitive: page.front.case_sensitive.unwrap_or_else(|| is_all_caps(spelling)),
                });
            }
            glossary.by_page.insert(p, id);
            glossary.terms.push(Term {
                id,
                page: p,
                title: page.title.clone(),
                aliases: page.front.aliases.clone(),
                summary,
                see_also: Vec::new(),
                anchor,
                case_sensitive: page.front.case_sensitive,
            });
        }
        for term in 0..glossary.terms.len() {
            let page = &content.pages[glossary.terms[term].page];
            for name in &page.front.see_also {
                match glossary.resolve(name) {
                    Some(t) if t != term => glossary.terms[term].see_also.push(t),
                    Some(_) => {}
                    None => errors.push(
                        Diagnostic::error(
                            &page.file,
                            page.key_position("see_also").0,
                            page.key_position("see_also").1,
                            format!("`see_also` names `{name}`, which is not a glossary term"),
                        )
                        .with_hint("use the title or an alias of a term under the glossary folder"),
                    ),
                }
            }
        }
        glossary.matcher = Some(Matcher::new(patterns));
        (glossary, errors, warnings)
    }

    /// The term a name or alias stands for (case does not matter).
    pub fn resolve(&self, name: &str) -> Option<TermId> {
        self.names.get(&name_key(name)).copied()
    }

    /// Every use of a term in `text`.
    pub fn find(&self, text: &str) -> Vec<matcher::Hit> {
        self.matcher.as_ref().map(|m| m.find(text)).unwrap_or_default()
    }
}

/// The sentence of `text` that contains the byte range `start..end`, trimmed.
pub fn sentence_around(text: &str, start: usize, end: usize) -> String {
    let is_stop = |c: char| matches!(c, '.' | '!' | '?' | '。' | '！' | '？' | '\n');
    // "U.S." or "e.g." end in a period that does not end a sentence.
    let abbreviation = |i: usize| {
        let word = text[..i].rsplit(char::is_whitespace).next().unwrap_or("");
        word.contains('.') || (word.chars().count() == 1 && word.chars().all(char::is_uppercase))
    };
    let mut from = 0;
    for (i, c) in text[..start].char_indices().rev() {
        if is_stop(c) {
            let next = i + c.len_utf8();
            // "2.5" or "U.S." is not the end of a sentence: require a space (or CJK stop) after it.
            let spaced = (text[next..].starts_with(char::is_whitespace) && !(c == '.' && abbreviation(i)))
                || c as u32 > 0x3000
                || c == '\n';
            if spaced {
                from = next;
                break;
            }
        }
    }
    let mut to = text.len();
    for (i, c) in text[end..].char_indices() {
        if is_stop(c) {
            let after = end + i + c.len_utf8();
            if c == '\n' {
                to = end + i;
                break;
            }
            let spaced = after >= text.len() || text[after..].starts_with(char::is_whitespace);
            if (spaced && !(c == '.' && abbreviation(end + i))) || c as u32 > 0x3000 {
                to = after;
                break;
            }
        }
    }
    text[from..to].trim().to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sentence_is_cut_at_stops() {
        let t = "First one. The U.S. market uses CPO a lot! Last.";
        let s = t.find("CPO").unwrap();
        assert_eq!(sentence_around(t, s, s + 3), "The U.S. market uses CPO a lot!");
        let c = "前一句。算力是核心。后一句";
        let s = c.find("算力").unwrap();
        assert_eq!(sentence_around(c, s, s + "算力".len()), "算力是核心。");
    }

    #[test]
    fn all_caps_detection() {
        assert!(is_all_caps("CPO"));
        assert!(is_all_caps("AR/VR"));
        assert!(!is_all_caps("Compute"));
        assert!(!is_all_caps("算力"));
    }
}
