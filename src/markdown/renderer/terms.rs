//! Glossary terms in running text: linking the uses the policy allows and recording the
//! sentence of each use for backlinks.

use super::Renderer;
use crate::config::LinkPolicy;
use crate::glossary::{TermUse, sentence_around};
use crate::markdown::escape;
use pulldown_cmark::{CowStr, Event};

impl<'a> Renderer<'a, '_> {
    /// Turns the uses found in the block just ended into (term, sentence) pairs.
    pub(super) fn flush_sentences(&mut self) {
        for (term, start, end) in std::mem::take(&mut self.pending) {
            if self.used_set.insert(term) {
                self.used.push(TermUse {
                    term,
                    sentence: sentence_around(&self.block_text, start, end),
                });
            }
        }
        self.block_text.clear();
    }

    /// Splits running text around glossary terms and links the ones the policy allows.
    pub(super) fn link_terms(&mut self, text: CowStr<'a>) {
        let hits = self.env.glossary.find(&text);
        if hits.is_empty() {
            self.emit(Event::Text(text));
            return;
        }
        let mut last = 0;
        let mut pieces: Vec<Event<'a>> = Vec::new();
        for hit in hits {
            if Some(hit.term) == self.own_term {
                continue;
            }
            let base = self.block_text.len() - text.len();
            self.pending.push((hit.term, base + hit.start, base + hit.end));
            let link = self.auto_link
                && match self.env.policy {
                    LinkPolicy::All => true,
                    LinkPolicy::None => false,
                    LinkPolicy::First | LinkPolicy::FirstPerSection => !self.linked.contains(&hit.term),
                };
            if !link {
                continue;
            }
            self.linked.insert(hit.term);
            let t = &self.env.glossary.terms[hit.term];
            let url = self.env.base.local(&self.env.content.pages[t.page].path);
            if hit.start > last {
                pieces.push(Event::Text(CowStr::from(text[last..hit.start].to_string())));
            }
            pieces.push(Event::InlineHtml(
                format!(
                    "<a class=\"term\" href=\"{}\" aria-describedby=\"{}\">{}</a>",
                    escape(&url),
                    escape(&t.anchor),
                    escape(&text[hit.start..hit.end])
                )
                .into(),
            ));
            last = hit.end;
        }
        if last == 0 {
            self.emit(Event::Text(text));
            return;
        }
        if last < text.len() {
            pieces.push(Event::Text(CowStr::from(text[last..].to_string())));
        }
        for p in pieces {
            self.emit(p);
        }
    }
}
