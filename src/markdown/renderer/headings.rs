//! Headings: explicit and automatic ids, permalinks and the table of contents.

use super::Renderer;
use crate::markdown::{TocEntry, escape, ids, parser_options};
use pulldown_cmark::{Event, Parser, Tag};
use std::collections::HashSet;
use std::fmt::Write;
use std::ops::Range;

/// Explicit `{#id}`s of a page, gathered first so automatic ids never take them.
pub(super) fn explicit_heading_ids(text: &str) -> HashSet<String> {
    Parser::new_ext(text, parser_options())
        .filter_map(|e| match e {
            Event::Start(Tag::Heading { id: Some(id), .. }) => Some(id.to_string()),
            _ => None,
        })
        .collect()
}

impl Renderer<'_, '_> {
    /// Ids the theme uses on this page: its fixed ones and the glossary tooltips'.
    pub(super) fn is_reserved(&self, id: &str) -> bool {
        ids::is_theme_id(id) || (id.starts_with("term-") && self.env.glossary.terms.iter().any(|t| t.anchor == id))
    }

    /// The id of the `# heading` taken as the page's title: its `{#id}`, else one made from
    /// its text like any heading's, taken first so later headings count after it, as on GitHub.
    pub(super) fn title_id(&mut self, explicit: Option<&str>, title: &str) -> String {
        if let Some(id) = explicit.filter(|id| !self.is_reserved(id)) {
            self.ids.insert(id.to_string());
            return id.to_string();
        }
        let base = ids::base_id(title, self.env.settings.heading_ids);
        let mut next_suffix = std::mem::take(&mut self.next_suffix);
        let id = ids::unique(&base, &self.ids, &self.explicit_ids, &mut next_suffix, |id| {
            self.is_reserved(id)
        });
        self.next_suffix = next_suffix;
        self.ids.insert(id.clone());
        id
    }

    pub(super) fn close_heading(&mut self, range: Range<usize>) {
        let Some(h) = self.heading.take() else { return };
        let title = h.text.trim().to_string();
        let id = match &h.id {
            Some(id) => {
                if !self.ids.insert(id.to_string()) {
                    self.error(
                        range.start,
                        format!("the heading id `{id}` is used twice on this page"),
                        "give each heading a different {#id}",
                    );
                } else if self.is_reserved(id) {
                    self.error(
                        range.start,
                        format!("the heading id `{id}` is one the theme gives its own elements"),
                        "choose another {#id}; the README lists the theme's ids",
                    );
                }
                id.to_string()
            }
            None => {
                let base = ids::base_id(&title, self.env.settings.heading_ids);
                let mut next_suffix = std::mem::take(&mut self.next_suffix);
                let id = ids::unique(&base, &self.ids, &self.explicit_ids, &mut next_suffix, |id| {
                    self.is_reserved(id)
                });
                self.next_suffix = next_suffix;
                self.ids.insert(id.clone());
                id
            }
        };
        let level = h.level as usize;
        let mut open = format!("<h{level} id=\"{}\"", escape(&id));
        if !h.classes.is_empty() {
            let classes: Vec<&str> = h.classes.iter().map(|c| c.as_ref()).collect();
            let _ = write!(open, " class=\"{}\"", escape(&classes.join(" ")));
        }
        for (k, v) in &h.attrs {
            let _ = write!(open, " {}=\"{}\"", escape(k), escape(v.as_deref().unwrap_or("")));
        }
        open.push('>');
        self.out.push(Event::Html(open.into()));
        self.out.extend(h.events);
        self.out.push(Event::Html(
            format!(
                "<a class=\"anchor\" href=\"#{}\" aria-label=\"Permalink to this section\">#</a></h{level}>\n",
                escape(&id)
            )
            .into(),
        ));
        let entry = TocEntry {
            level: level as u8,
            id,
            title,
            children: Vec::new(),
        };
        match level {
            2 => self.toc.push(entry),
            3 => match self.toc.last_mut() {
                Some(parent) => parent.children.push(entry),
                None => self.toc.push(entry),
            },
            _ => {}
        }
    }
}
