//! Stage 5: render every page of a [`Site`] through the theme's templates, in memory.
//!
//! Data shared by all pages (site settings, asset URLs) goes into Tera's global
//! context once; each page gets only its own small context, so the cost per page
//! does not grow with the size of the site.

pub mod cache;
mod cards;
mod context;
mod glossary;
use context::{PageContext, SiteContext};
pub mod lang;
mod sidebar;
pub mod theme;

use crate::content::{Child, PageId, SectionId};
use crate::diagnostics::{BuildError, Diagnostic};
use crate::output::{Collect, Output, Sink};
use crate::site::Site;
use rayon::prelude::*;
use std::borrow::Cow;
use std::collections::BTreeMap;
use theme::{Theme, full_error};

/// The most pages of one section the sidebar lists around the current page.
pub const SIDEBAR_WINDOW: usize = 50;

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
