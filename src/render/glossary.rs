//! The glossary's own page: every term A–Z, grouped by first letter.

use super::Renderer;
use serde::Serialize;
use std::collections::BTreeMap;

#[derive(Serialize)]
struct GlossaryEntry<'a> {
    title: &'a str,
    url: String,
    summary: &'a str,
}

#[derive(Serialize)]
pub(super) struct LetterGroup<'a> {
    letter: String,
    anchor: String,
    terms: Vec<GlossaryEntry<'a>>,
}

impl<'a> Renderer<'a> {
    pub(super) fn glossary_index(&self) -> Vec<LetterGroup<'a>> {
        let mut groups: BTreeMap<String, Vec<GlossaryEntry<'a>>> = BTreeMap::new();
        for t in &self.site.glossary.terms {
            let first = t.title.chars().next().unwrap_or('#');
            let letter = if first.is_alphabetic() {
                first.to_uppercase().collect()
            } else {
                "#".to_string()
            };
            groups.entry(letter).or_default().push(GlossaryEntry {
                title: &t.title,
                url: self.url(t.page),
                summary: &t.summary,
            });
        }
        groups
            .into_iter()
            .map(|(letter, mut terms)| {
                terms.sort_by_key(|t| t.title.to_lowercase());
                let anchor = if letter == "#" {
                    "other".to_string()
                } else {
                    crate::content::slugify(&letter)
                };
                LetterGroup { letter, anchor, terms }
            })
            .collect()
    }
}
