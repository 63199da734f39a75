//! Stage 5: render every page of a [`Site`] through the theme's templates, in memory.
//!
//! Data shared by all pages (site settings, asset URLs) goes into Tera's global
//! context once; each page gets only its own small context, so the cost per page
//! does not grow with the size of the site.

pub mod cache;
mod cards;
mod glossary;
use cards::{ChildContext, children_heading, toc_with_children};
use glossary::LetterGroup;
pub mod lang;
mod sidebar;
pub mod theme;

use crate::content::front_matter::Date;
use crate::content::{Child, PageId, SectionId};
use crate::diagnostics::{BuildError, Diagnostic};
use crate::markdown::TocEntry;
use crate::output::{Collect, Output, Sink};
use crate::site::Site;
use rayon::prelude::*;
use serde::Serialize;
use std::borrow::Cow;
use std::collections::BTreeMap;
use theme::{Theme, full_error};

/// The most pages of one section the sidebar lists around the current page.
pub const SIDEBAR_WINDOW: usize = 50;

/// Site-wide values, in every template as `site`.
#[derive(Serialize)]
struct SiteContext<'a> {
    title: &'a str,
    description: &'a str,
    author: &'a str,
    language: &'a str,
    /// Absolute base URL (or the base path when the config gives no host).
    base_url: String,
    /// The path every internal URL starts with: `/` or `/repo/`.
    base_path: &'a str,
    /// The Atom feed's URL, when the site has dated pages.
    feed_url: Option<String>,
    /// Whether the search index is built (the theme shows the search box then).
    search: bool,
    /// The search bundle's version, for its loader's URL.
    search_version: &'static str,
}

/// A link to another page.
#[derive(Serialize, Clone)]
struct LinkContext<'a> {
    title: &'a str,
    url: String,
}

/// A glossary alias with the language of its script when that is not the site's.
#[derive(Serialize)]
struct AliasContext<'a> {
    text: &'a str,
    lang: Option<&'static str>,
}

#[derive(Serialize)]
struct TermTip<'a> {
    anchor: &'a str,
    title: &'a str,
    summary: &'a str,
}

#[derive(Serialize)]
struct BacklinkContext<'a> {
    title: &'a str,
    url: String,
    sentence: &'a str,
}

#[derive(Serialize)]
struct TermContext<'a> {
    aliases: Vec<AliasContext<'a>>,
    summary: &'a str,
    see_also: Vec<LinkContext<'a>>,
    backlinks: Vec<BacklinkContext<'a>>,
}

/// Everything a template knows about the page it renders, as `page`.
#[derive(Serialize)]
struct PageContext<'a> {
    kind: &'static str,
    title: &'a str,
    /// The id of the `<h1>`: the id the title's `# heading` would have had, when it had one.
    title_id: Option<&'a str>,
    /// The short title navigation shows (`nav_title`, else `title`); the `<h1>` keeps `title`.
    nav_title: &'a str,
    description: String,
    url: String,
    permalink: String,
    source: String,
    date: Option<&'a Date>,
    content: &'a str,
    toc: Cow<'a, [TocEntry]>,
    breadcrumbs: Vec<LinkContext<'a>>,
    prev: Option<LinkContext<'a>>,
    next: Option<LinkContext<'a>>,
    children: Vec<ChildContext<'a>>,
    /// The heading over the cards: "Contents" on the home page, "In this section" elsewhere.
    children_title: &'static str,
    terms: Vec<TermTip<'a>>,
    term: Option<TermContext<'a>>,
    glossary: Vec<LetterGroup<'a>>,
}

/// Shortens text to about `max` characters at a word boundary.
fn truncate_words(text: &str, max: usize) -> String {
    if text.chars().count() <= max {
        return text.to_string();
    }
    let cut: String = text.chars().take(max).collect();
    let cut = cut.rsplit_once(' ').map_or(cut.as_str(), |(a, _)| a);
    format!("{}…", cut.trim_end_matches([',', ';', ':', '.']))
}

/// A built sidebar as the Tera value pages share, with the hash of what it shows (part of
/// each page's cache key; none if it could not be serialized, which disables the cache).
type BuiltSidebar = (tera::Value, Option<u64>);

struct Renderer<'a> {
    site: &'a Site,
    theme: &'a Theme,
    /// Position of each page in the reading order.
    order_pos: Vec<usize>,
    /// For each page, which window of its section's pages its sidebar shows (0 for short sections).
    window: Vec<usize>,
    /// Sidebars already built, by (section, window), as Tera values that pages share.
    sidebars: std::sync::Mutex<std::collections::HashMap<(SectionId, usize), BuiltSidebar>>,
    /// [`Templates::fingerprint`].
    fingerprint: Option<u64>,
}

impl<'a> Renderer<'a> {
    fn url(&self, page: PageId) -> String {
        self.site.base.local(&self.site.content.pages[page].path)
    }

    /// A navigation link (breadcrumbs, previous/next), titled with the page's `nav_title`.
    fn link(&self, page: PageId) -> LinkContext<'a> {
        LinkContext {
            title: self.site.content.pages[page].nav_title(),
            url: self.url(page),
        }
    }

    fn description(&self, page: PageId) -> String {
        let p = &self.site.content.pages[page];
        match &p.front.description {
            Some(d) => d.clone(),
            None if !self.site.bodies[page].first_paragraph.is_empty() => {
                truncate_words(&self.site.bodies[page].first_paragraph, 160)
            }
            None => self.site.config.description.clone(),
        }
    }

    fn kind_and_template(&self, page: PageId) -> (&'static str, &'a str) {
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

    fn page_context(&self, page: PageId) -> PageContext<'a> {
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

    /// The template page `page` renders with, which must exist.
    fn template_of(&self, page: PageId) -> Result<&'a str, Diagnostic> {
        let p = &self.site.content.pages[page];
        let (_, template) = self.kind_and_template(page);
        if self.theme.tera.contains_template(template) {
            return Ok(template);
        }
        let (line, column) = p.key_position("template");
        Err(Diagnostic::error(
            &p.file,
            line,
            column,
            format!("the template `{template}` does not exist in the theme"),
        )
        .with_hint("name a template of the theme (page.html, section.html…) or add it to the theme's templates/"))
    }

    /// Renders `page` with its context and sidebar.
    fn render_with(
        &self,
        page: PageId,
        template: &str,
        ctx: &PageContext,
        sidebar: tera::Value,
    ) -> Result<Vec<u8>, Diagnostic> {
        let mut map = tera::Value::from_serializable(ctx).into_map().unwrap_or_default();
        map.insert("sidebar".into(), sidebar);
        let mut context = tera::Context::new();
        context.insert_value("page", tera::Value::from(map));
        let html = self.theme.tera.render(template, &context).map_err(|e| {
            Diagnostic::error(
                &self.site.content.pages[page].file,
                0,
                0,
                format!("rendering with template `{template}` failed: {}", full_error(&e)),
            )
            .with_hint("fix the template, or the front matter value it uses")
        })?;
        Ok(html.into_bytes())
    }

    fn render_page(&self, page: PageId) -> Result<(String, Vec<u8>), Diagnostic> {
        let template = self.template_of(page)?;
        let (sidebar, _) = self.sidebar_value(Some(page));
        let bytes = self.render_with(page, template, &self.page_context(page), sidebar)?;
        Ok((format!("{}index.html", self.site.content.pages[page].path), bytes))
    }

    /// Renders `page` into `sink`, or hands the sink the previous build's file when `pages`
    /// knows it was made from the same inputs (see `render/cache.rs`).
    fn render_page_into(&self, page: PageId, pages: Option<&cache::Pages>, sink: &dyn Sink) -> Result<(), Diagnostic> {
        let template = self.template_of(page)?;
        let path = format!("{}index.html", self.site.content.pages[page].path);
        let ctx = self.page_context(page);
        let (sidebar, sidebar_hash) = self.sidebar_value(Some(page));
        let key = match (pages, self.fingerprint, sidebar_hash) {
            (Some(_), Some(fingerprint), Some(sidebar)) => crate::cache::value_hash(
                &ctx,
                &[&fingerprint.to_le_bytes(), &sidebar.to_le_bytes(), template.as_bytes()],
            ),
            _ => None,
        };
        if let (Some(pages), Some(key)) = (pages, key)
            && let Some(entry) = pages.hit(&path, key)
            && sink.reuse(&path, entry.hash, entry.len)?
        {
            pages.keep(path, entry);
            return Ok(());
        }
        let bytes = self.render_with(page, template, &ctx, sidebar)?;
        if let (Some(pages), Some(key)) = (pages, key) {
            let entry = cache::Entry {
                key,
                hash: crate::output::content_hash(&bytes),
                len: bytes.len() as u64,
            };
            pages.keep(path.clone(), entry);
        }
        sink.bytes(path, bytes)
    }

    fn render_404(&self) -> Result<Vec<u8>, Diagnostic> {
        let ctx = PageContext {
            kind: "404",
            title: "Page not found",
            title_id: None,
            nav_title: "Page not found",
            description: self.site.config.description.clone(),
            url: self.site.base.local("404.html"),
            permalink: self.site.base.absolute("404.html"),
            source: String::new(),
            date: None,
            content: "",
            toc: Cow::Borrowed(&[]),
            breadcrumbs: Vec::new(),
            prev: None,
            next: None,
            children: Vec::new(),
            children_title: "",
            terms: Vec::new(),
            term: None,
            glossary: Vec::new(),
        };
        let mut map = tera::Value::from_serializable(&ctx).into_map().unwrap_or_default();
        map.insert("sidebar".into(), self.sidebar_value(None).0);
        let mut context = tera::Context::new();
        context.insert_value("page", tera::Value::from(map));
        self.theme
            .tera
            .render("404.html", &context)
            .map(String::into_bytes)
            .map_err(|e| {
                Diagnostic::error(
                    "404.html",
                    0,
                    0,
                    format!("rendering the 404 page failed: {}", full_error(&e)),
                )
                .with_hint("fix the theme's 404.html template, or delete it to use the built-in one")
            })
    }
}

/// The compiled theme with the site-wide values already in Tera's global context.
/// Built once per full build; the dev server keeps it to re-render single pages.
pub struct Templates {
    theme: Theme,
    /// A hash of the templates and the values every page shares; none when the templates'
    /// output is not a function of their context (see [`Theme::fingerprint`]).
    fingerprint: Option<u64>,
}

impl Templates {
    /// The theme's static files, with their hashed output paths.
    pub fn assets(&self) -> &[theme::ThemeAsset] {
        &self.theme.assets
    }

    /// Loads and compiles the site's theme and fills in the values every page shares.
    pub fn new(site: &Site) -> Result<Templates, BuildError> {
        let Theme {
            mut tera,
            assets,
            fingerprint,
        } = Theme::load(&site.root, &site.config.theme)?;
        let base_url = if site.base.origin.is_empty() {
            site.base.path.clone()
        } else {
            site.base.absolute("")
        };
        let site_context = SiteContext {
            title: &site.config.title,
            description: &site.config.description,
            author: &site.config.author,
            language: &site.config.language,
            base_url,
            base_path: &site.base.path,
            feed_url: crate::publish::has_feed(site).then(|| site.base.local(crate::publish::FEED)),
            search: site.config.search.enabled,
            search_version: crate::publish::search::PAGEFIND_VERSION,
        };
        let asset_urls: BTreeMap<&str, String> = assets
            .iter()
            .map(|a| (a.name.as_str(), site.base.local(&a.path)))
            .collect();
        let fingerprint =
            fingerprint.and_then(|f| crate::cache::value_hash(&(&site_context, &asset_urls), &[&f.to_le_bytes()]));
        let global = tera.global_context();
        global.insert("site", &site_context);
        global.insert("assets", &asset_urls);
        Ok(Templates {
            theme: Theme {
                tera,
                assets,
                fingerprint: None,
            },
            fingerprint,
        })
    }

    fn renderer<'a>(&'a self, site: &'a Site) -> Renderer<'a> {
        let mut order_pos = vec![0; site.content.pages.len()];
        for (i, &p) in site.content.reading_order.iter().enumerate() {
            order_pos[p] = i;
        }
        let mut window = vec![0; site.content.pages.len()];
        for section in &site.content.sections {
            let pages = section.children.iter().filter_map(|c| match c {
                Child::Page(p) => Some(*p),
                Child::Section(_) => None,
            });
            if pages.clone().count() > SIDEBAR_WINDOW {
                for (i, p) in pages.enumerate() {
                    window[p] = i / SIDEBAR_WINDOW;
                }
            }
        }
        Renderer {
            site,
            theme: &self.theme,
            order_pos,
            window,
            sidebars: Default::default(),
            fingerprint: self.fingerprint,
        }
    }
}

/// Renders the given pages through the templates: (output path, bytes) for each.
pub fn render_pages(
    site: &Site,
    templates: &Templates,
    pages: &[PageId],
) -> Result<Vec<(String, Vec<u8>)>, BuildError> {
    let renderer = templates.renderer(site);
    let results: Vec<Result<(String, Vec<u8>), Diagnostic>> =
        pages.par_iter().map(|&p| renderer.render_page(p)).collect();
    let mut rendered = Vec::with_capacity(pages.len());
    let mut errors = Vec::new();
    for r in results {
        match r {
            Ok(file) => rendered.push(file),
            Err(d) => errors.push(d),
        }
    }
    if errors.is_empty() {
        Ok(rendered)
    } else {
        Err(BuildError::new(errors))
    }
}

/// Renders every page, the 404 page and the theme's assets into `sink`, each page as soon
/// as it is rendered. Every page is rendered even after an error, so one run reports them all.
/// With `pages`, a page made from the same inputs as in the last build is taken from it.
pub fn render_site_into(
    site: &Site,
    templates: &Templates,
    pages: Option<&cache::Pages>,
    sink: &dyn Sink,
) -> Result<(), BuildError> {
    let renderer = templates.renderer(site);
    let mut errors: Vec<Diagnostic> = (0..site.content.pages.len())
        .into_par_iter()
        .filter_map(|p| renderer.render_page_into(p, pages, sink).err())
        .collect();
    match renderer.render_404() {
        Ok(not_found) => errors.extend(sink.bytes("404.html".to_string(), not_found).err()),
        Err(d) => errors.push(d),
    }
    for a in &templates.theme.assets {
        errors.extend(sink.bytes(a.path.clone(), a.bytes.clone()).err());
    }
    if errors.is_empty() {
        Ok(())
    } else {
        Err(BuildError::new(errors))
    }
}

/// Renders every page, the 404 page and the theme's assets into an in-memory [`Output`].
pub fn render_site_with(site: &Site, templates: &Templates) -> Result<Output, BuildError> {
    let sink = Collect::default();
    render_site_into(site, templates, None, &sink)?;
    Ok(sink.into_output())
}

/// Compiles the theme and renders the whole site (see [`render_site_with`]).
pub fn render_site(site: &Site) -> Result<Output, BuildError> {
    render_site_with(site, &Templates::new(site)?)
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
