//! What a template sees: the `site` and `page` values, built from a page of the [`Site`].

use super::cards::{ChildContext, children_heading, toc_with_children};
use super::glossary::LetterGroup;
use super::{Renderer, lang};
use crate::content::PageId;
use crate::content::front_matter::Date;
use crate::markdown::TocEntry;
use serde::Serialize;
use std::borrow::Cow;

/// Site-wide values, in every template as `site`.
#[derive(Serialize)]
pub(super) struct SiteContext<'a> {
    pub(super) title: &'a str,
    pub(super) description: &'a str,
    pub(super) author: &'a str,
    pub(super) language: &'a str,
    /// Absolute base URL (or the base path when the config gives no host).
    pub(super) base_url: String,
    /// The path every internal URL starts with: `/` or `/repo/`.
    pub(super) base_path: &'a str,
    /// The Atom feed's URL, when the site has dated pages.
    pub(super) feed_url: Option<String>,
    /// Whether the search index is built (the theme shows the search box then).
    pub(super) search: bool,
    /// The search bundle's version, for its loader's URL.
    pub(super) search_version: &'static str,
}

/// A link to another page.
#[derive(Serialize, Clone)]
pub(super) struct LinkContext<'a> {
    pub(super) title: &'a str,
    pub(super) url: String,
}

/// A glossary alias with the language of its script when that is not the site's.
#[derive(Serialize)]
pub(super) struct AliasContext<'a> {
    pub(super) text: &'a str,
    pub(super) lang: Option<&'static str>,
}

#[derive(Serialize)]
pub(super) struct TermTip<'a> {
    pub(super) anchor: &'a str,
    pub(super) title: &'a str,
    pub(super) summary: &'a str,
}

#[derive(Serialize)]
pub(super) struct BacklinkContext<'a> {
    pub(super) title: &'a str,
    pub(super) url: String,
    pub(super) sentence: &'a str,
}

#[derive(Serialize)]
pub(super) struct TermContext<'a> {
    pub(super) aliases: Vec<AliasContext<'a>>,
    pub(super) summary: &'a str,
    pub(super) see_also: Vec<LinkContext<'a>>,
    pub(super) backlinks: Vec<BacklinkContext<'a>>,
}

/// Everything a template knows about the page it renders, as `page`.
#[derive(Serialize)]
pub(super) struct PageContext<'a> {
    pub(super) kind: &'static str,
    pub(super) title: &'a str,
    /// The id of the `<h1>`: the id the title's `# heading` would have had, when it had one.
    pub(super) title_id: Option<&'a str>,
    /// The short title navigation shows (`nav_title`, else `title`); the `<h1>` keeps `title`.
    pub(super) nav_title: &'a str,
    pub(super) description: String,
    pub(super) url: String,
    pub(super) permalink: String,
    pub(super) source: String,
    pub(super) date: Option<&'a Date>,
    pub(super) content: &'a str,
    pub(super) toc: Cow<'a, [TocEntry]>,
    pub(super) breadcrumbs: Vec<LinkContext<'a>>,
    pub(super) prev: Option<LinkContext<'a>>,
    pub(super) next: Option<LinkContext<'a>>,
    pub(super) children: Vec<ChildContext<'a>>,
    /// The heading over the cards: "Contents" on the home page, "In this section" elsewhere.
    pub(super) children_title: &'static str,
    pub(super) terms: Vec<TermTip<'a>>,
    pub(super) term: Option<TermContext<'a>>,
    pub(super) glossary: Vec<LetterGroup<'a>>,
}

/// Shortens text to about `max` characters at a word boundary.
pub(super) fn truncate_words(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_string();
    }
    let cut: String = text.chars().take(max).collect();
    let cut = cut.rsplit_once(' ').map_or(cut.as_str(), |(a, _)| a);
    format!("{}…", cut.trim_end_matches([',', ';', ':', '.']))
}

impl<'a> Renderer<'a> {
    pub(super) fn url(&self, page: PageId) -> String {
        self.site.base.local(&self.site.content.pages[page].path)
    }

    /// A navigation link (breadcrumbs, previous/next), titled with the page's `nav_title`.
    pub(super) fn link(&self, page: PageId) -> LinkContext<'a> {
        LinkContext {
            title: self.site.content.pages[page].nav_title(),
            url: self.url(page),
        }
    }

    pub(super) fn description(&self, page: PageId) -> String {
        let p = &self.site.content.pages[page];
        match &p.front.description {
            Some(d) => d.clone(),
            None if !self.site.bodies[page].first_paragraph.is_empty() => {
                truncate_words(&self.site.bodies[page].first_paragraph, 160)
            }
            None => self.site.config.description.clone(),
        }
    }

    pub(super) fn kind_and_template(&self, page: PageId) -> (&'static str, &'a str) {
        let site = self.site;
        let p = &site.content.pages[page];
        let glossary_dir = site.config.glossary.section.trim_matches('/');
        let (kind, default) = if page == site.content.sections[0].index {
            ("home", "home.html")
        } else if p.is_index && site.content.sections[p.section].dir == glossary_dir {
            ("glossary", "glossary.html")
        } else if p.is_index {
            ("section", "section.html")
        } else if site.glossary.by_page.contains_key(&page) {
            ("term", "term.html")
        } else {
            ("page", "page.html")
        };
        (kind, p.front.template.as_deref().unwrap_or(default))
    }

    pub(super) fn page_context(&self, page: PageId) -> PageContext<'a> {
        let site = self.site;
        let content = &site.content;
        let p = &content.pages[page];
        let body = &site.bodies[page];
        let (kind, _) = self.kind_and_template(page);
        let pos = self.order_pos[page];
        let order = &content.reading_order;
        let prev = pos.checked_sub(1).map(|i| self.link(order[i]));
        let next = order.get(pos + 1).map(|&i| self.link(i));
        // Breadcrumbs: the index pages of the enclosing sections, not the page itself.
        let mut breadcrumbs: Vec<LinkContext> = content
            .ancestry(p.section)
            .into_iter()
            .map(|s| self.link(content.sections[s].index))
            .collect();
        if p.is_index {
            breadcrumbs.pop();
        }
        let children = if p.is_index { self.children(page) } else { Vec::new() };
        let terms = body
            .term_uses
            .iter()
            .map(|u| {
                let t = &site.glossary.terms[u.term];
                TermTip {
                    anchor: &t.anchor,
                    title: &t.title,
                    summary: &t.summary,
                }
            })
            .collect();
        let term = site.glossary.by_page.get(&page).map(|&t| {
            let term = &site.glossary.terms[t];
            TermContext {
                aliases: term
                    .aliases
                    .iter()
                    .map(|a| AliasContext {
                        text: a,
                        lang: lang::lang_of(a, &site.config.language),
                    })
                    .collect(),
                summary: &term.summary,
                see_also: term
                    .see_also
                    .iter()
                    // A related term is named in full, like the term itself.
                    .map(|&s| LinkContext {
                        title: &content.pages[site.glossary.terms[s].page].title,
                        url: self.url(site.glossary.terms[s].page),
                    })
                    .collect(),
                backlinks: site.backlinks[t]
                    .iter()
                    .map(|b| BacklinkContext {
                        title: &content.pages[b.page].title,
                        url: self.url(b.page),
                        sentence: &b.sentence,
                    })
                    .collect(),
            }
        });
        let glossary = if kind == "glossary" {
            self.glossary_index()
        } else {
            Vec::new()
        };
        let show_toc = p.front.toc.unwrap_or(true);
        PageContext {
            kind,
            title: &p.title,
            title_id: body.title_id.as_deref(),
            nav_title: p.nav_title(),
            description: self.description(page),
            url: self.url(page),
            permalink: site.base.absolute(&p.path),
            source: p.file.display().to_string().replace('\\', "/"),
            date: p.front.date.as_ref(),
            content: &body.html,
            toc: if show_toc {
                toc_with_children(&body.toc, &children, kind)
            } else {
                Cow::Borrowed(&[])
            },
            breadcrumbs,
            prev,
            next,
            children,
            children_title: children_heading(kind),
            terms,
            term,
            glossary,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn truncation_cuts_at_words() {
        assert_eq!(truncate_words("short", 10), "short");
        assert_eq!(truncate_words("one two three four", 10), "one two…");
    }
}
