//! Footnotes, collected at the end of the page with links back to each reference.
//!
//! Ids are `fn-LABEL` for a note and `fnref-LABEL` (then `fnref-LABEL-2`, …) for its
//! references. They are reserved before any heading gets an id, so a heading can never take
//! one (`[^summary]` and `## Summary` live side by side), and they are anchors the link
//! checker accepts (`page.md#fn-summary`).

use pulldown_cmark::{Event, Options, Parser, Tag, TagEnd};
use std::collections::HashMap;
use std::fmt::Write;

/// One footnote: its id, number, references and body.
struct Note<'a> {
    /// `LABEL` of `fn-LABEL`, unique on the page.
    slug: String,
    /// 1-based, in order of first reference; 0 until referenced.
    number: usize,
    /// How many references point at it so far.
    refs: usize,
    /// The definition's events, once seen.
    body: Option<Vec<Event<'a>>>,
}

/// A page's footnotes while it is rendered.
#[derive(Default)]
pub struct Footnotes<'a> {
    notes: Vec<Note<'a>>,
    by_key: HashMap<String, usize>,
    referenced: usize,
    /// The definition being collected: (note, events so far).
    open: Option<(usize, Vec<Event<'a>>)>,
}

/// Footnote labels match case-insensitively, as on GitHub.
fn key(label: &str) -> String {
    label.trim().to_lowercase()
}

/// An id-safe form of a label: letters, digits, `-` and `_` kept, anything else a `-`.
fn slug(label: &str) -> String {
    let s: String = key(label)
        .chars()
        .map(|c| {
            if c.is_alphanumeric() || c == '-' || c == '_' {
                c
            } else {
                '-'
            }
        })
        .collect();
    if s.is_empty() { "note".into() } else { s }
}

impl<'a> Footnotes<'a> {
    /// Reads the page's footnote definitions and references (only when `text` may have
    /// any), numbering nothing yet. Returns the footnotes and every id they will use.
    pub fn scan(text: &str, options: Options) -> (Self, Vec<String>) {
        let mut notes = Footnotes::default();
        if !text.contains("[^") {
            return (notes, Vec::new());
        }
        let mut ref_counts: HashMap<String, usize> = HashMap::new();
        let mut taken: std::collections::HashSet<String> = std::collections::HashSet::new();
        for event in Parser::new_ext(text, options) {
            match event {
                Event::Start(Tag::FootnoteDefinition(label)) => {
                    let k = key(&label);
                    if notes.by_key.contains_key(&k) {
                        continue;
                    }
                    let base = slug(&label);
                    let mut s = base.clone();
                    let mut n = 2;
                    while !taken.insert(s.clone()) {
                        s = format!("{base}-{n}");
                        n += 1;
                    }
                    notes.by_key.insert(k, notes.notes.len());
                    notes.notes.push(Note {
                        slug: s,
                        number: 0,
                        refs: 0,
                        body: None,
                    });
                }
                Event::FootnoteReference(label) => *ref_counts.entry(key(&label)).or_default() += 1,
                _ => {}
            }
        }
        let mut ids = Vec::new();
        for (k, &i) in &notes.by_key {
            let s = &notes.notes[i].slug;
            ids.push(format!("fn-{s}"));
            for r in 1..=ref_counts.get(k).copied().unwrap_or(0) {
                ids.push(ref_id(s, r));
            }
        }
        ids.sort();
        (notes, ids)
    }

    /// The events of a definition being collected, if one is open.
    pub fn collecting(&mut self) -> Option<&mut Vec<Event<'a>>> {
        self.open.as_mut().map(|(_, events)| events)
    }

    /// The HTML of a reference to `label`, or `None` for a label with no definition.
    pub fn reference(&mut self, label: &str) -> Option<String> {
        let &i = self.by_key.get(&key(label))?;
        let note = &mut self.notes[i];
        if note.number == 0 {
            self.referenced += 1;
            note.number = self.referenced;
        }
        note.refs += 1;
        Some(format!(
            "<sup class=\"footnote-ref\"><a href=\"#fn-{s}\" id=\"{r}\" role=\"doc-noteref\">{n}</a></sup>",
            s = note.slug,
            r = ref_id(&note.slug, note.refs),
            n = note.number
        ))
    }

    /// Starts collecting the definition of `label`.
    pub fn begin(&mut self, label: &str) {
        let i = self.by_key.get(&key(label)).copied();
        // A second definition of one label is dropped, as GitHub does: collect it nowhere.
        let i = i.filter(|&i| self.notes[i].body.is_none()).unwrap_or(usize::MAX);
        self.open = Some((i, Vec::new()));
    }

    /// Ends the definition being collected.
    pub fn end(&mut self) {
        if let Some((i, events)) = self.open.take()
            && let Some(note) = self.notes.get_mut(i)
        {
            note.body = Some(events);
        }
    }

    /// The `<section>` of every note, referenced ones first in order of reference, each with
    /// a back-link to each of its references; nothing when the page has no notes.
    pub fn section(mut self) -> Vec<Event<'a>> {
        let mut unreferenced = self.referenced;
        for note in &mut self.notes {
            if note.number == 0 && note.body.is_some() {
                unreferenced += 1;
                note.number = unreferenced;
            }
        }
        let mut notes: Vec<Note<'a>> = self.notes.into_iter().filter(|n| n.body.is_some()).collect();
        if notes.is_empty() {
            return Vec::new();
        }
        notes.sort_by_key(|n| n.number);
        let mut out = vec![Event::Html(
            "<section class=\"footnotes\" role=\"doc-endnotes\" aria-label=\"Footnotes\">\n<ol>\n".into(),
        )];
        for note in notes {
            out.push(Event::Html(format!("<li id=\"fn-{}\">\n", note.slug).into()));
            let mut body = note.body.unwrap_or_default();
            let mut back = String::new();
            for r in 1..=note.refs {
                let label = if note.refs == 1 {
                    "Back to the text".to_string()
                } else {
                    format!("Back to reference {r}")
                };
                let _ = write!(
                    back,
                    " <a href=\"#{}\" class=\"footnote-backref\" role=\"doc-backlink\" aria-label=\"{label}\">↩{}</a>",
                    ref_id(&note.slug, r),
                    if r > 1 {
                        format!("<sup>{r}</sup>")
                    } else {
                        String::new()
                    }
                );
            }
            // The back-links end the note's last paragraph, as on GitHub.
            if back.is_empty() {
                // A note nothing refers to has nothing to go back to.
            } else {
                match body.iter().rposition(|e| matches!(e, Event::End(TagEnd::Paragraph))) {
                    Some(p) if p + 1 == body.len() => body.insert(p, Event::InlineHtml(back.into())),
                    _ => body.push(Event::Html(back.into())),
                }
            }
            out.extend(body);
            out.push(Event::Html("</li>\n".into()));
        }
        out.push(Event::Html("</ol>\n</section>\n".into()));
        out
    }
}

/// The id of the `n`th reference (1-based) to the note `slug`.
fn ref_id(slug: &str, n: usize) -> String {
    if n == 1 {
        format!("fnref-{slug}")
    } else {
        format!("fnref-{slug}-{n}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn labels_become_safe_unique_ids() {
        let text = "A[^Big Note] b[^big note] c[^x].\n\n[^big note]: One.\n\n[^x]: Two.\n";
        let (_, ids) = Footnotes::scan(text, Options::ENABLE_FOOTNOTES);
        assert_eq!(
            ids,
            ["fn-big-note", "fn-x", "fnref-big-note", "fnref-big-note-2", "fnref-x"]
        );
    }

    #[test]
    fn no_footnotes_no_scan() {
        let (notes, ids) = Footnotes::scan("plain text", Options::ENABLE_FOOTNOTES);
        assert!(ids.is_empty());
        assert!(notes.section().is_empty());
    }
}
