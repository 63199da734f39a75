//! The `Site`: configuration, content, glossary and rendered Markdown, built once per build
//! and then handed, read-only, to the template stage.

use crate::config::{BaseUrl, Config, LinkPolicy};
use crate::content::{Child, Content, LoadOptions, PageId};
use crate::diagnostics::{BuildError, Diagnostic};
use crate::glossary::{Glossary, TermId};
use crate::markdown::{self, Env, Rendered};
use rayon::prelude::*;
use std::collections::HashSet;
use std::path::{Path, PathBuf};

/// What changes how a site is loaded.
#[derive(Debug, Clone, Default)]
pub struct SiteOptions {
    /// Include drafts.
    pub drafts: bool,
    /// Overrides `base_url` from `quire.toml` (`--base-url`).
    pub base_url: Option<String>,
}

/// A page that uses a glossary term, with the sentence of the use.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Backlink {
    /// The page using the term.
    pub page: PageId,
    /// The sentence it is used in.
    pub sentence: String,
}

/// A whole site, loaded, checked and with every page's Markdown rendered.
#[derive(Debug)]
pub struct Site {
    /// The site root (the folder holding `quire.toml`).
    pub root: PathBuf,
    /// `quire.toml`.
    pub config: Config,
    /// Where the site is published.
    pub base: BaseUrl,
    /// Pages and sections.
    pub content: Content,
    /// The glossary terms.
    pub glossary: Glossary,
    /// The rendered Markdown of each page, indexed by page id.
    pub bodies: Vec<Rendered>,
    /// For each term, the pages that use it, in reading order.
    pub backlinks: Vec<Vec<Backlink>>,
    /// Problems that do not stop the build.
    pub warnings: Vec<Diagnostic>,
}

impl Site {
    /// Loads, checks and renders the Markdown of the site at `root`.
    pub fn load(root: &Path, options: &SiteOptions) -> Result<Site, BuildError> {
        let (config, base) = Config::load(root, options.base_url.as_deref())?;
        let content = Content::load(root, LoadOptions { drafts: options.drafts })?;
        let (glossary, mut errors, mut warnings) = Glossary::build(&content, &config.glossary);
        let bodies = render_bodies(&content, &base, &glossary, config.glossary.link);
        for body in &bodies {
            errors.extend(body.errors.iter().cloned());
        }
        errors.extend(check_anchors(&content, &bodies));
        if !errors.is_empty() {
            return Err(BuildError::new(errors));
        }
        let backlinks = collect_backlinks(&content, &glossary, &bodies);
        for (term, links) in glossary.terms.iter().zip(&backlinks) {
            if links.is_empty() {
                warnings.push(
                    Diagnostic::warning(
                        &content.pages[term.page].file,
                        1,
                        1,
                        format!("glossary term `{}` is never used", term.title),
                    )
                    .with_hint("use it in a page, add the spelling the pages use as an alias, or remove the term"),
                );
            }
        }
        warnings.sort();
        Ok(Site {
            root: root.to_path_buf(),
            config,
            base,
            content,
            glossary,
            bodies,
            backlinks,
            warnings,
        })
    }
}

/// Renders every page's Markdown in parallel. With `first-per-section`, the pages of one
/// section share which terms are already linked, so a section is rendered in reading order.
fn render_bodies(content: &Content, base: &BaseUrl, glossary: &Glossary, policy: LinkPolicy) -> Vec<Rendered> {
    let env = Env {
        content,
        base,
        glossary,
        policy,
    };
    if policy != LinkPolicy::FirstPerSection {
        return content
            .pages
            .par_iter()
            .map(|page| markdown::render(&env, page, &mut HashSet::new()))
            .collect();
    }
    let groups: Vec<Vec<PageId>> = content
        .sections
        .iter()
        .map(|s| {
            std::iter::once(s.index)
                .chain(s.children.iter().filter_map(|c| match c {
                    Child::Page(p) => Some(*p),
                    Child::Section(_) => None,
                }))
                .collect()
        })
        .collect();
    let rendered: Vec<Vec<(PageId, Rendered)>> = groups
        .par_iter()
        .map(|group| {
            let mut linked: HashSet<TermId> = HashSet::new();
            group
                .iter()
                .map(|&p| (p, markdown::render(&env, &content.pages[p], &mut linked)))
                .collect()
        })
        .collect();
    let mut bodies: Vec<Option<Rendered>> = (0..content.pages.len()).map(|_| None).collect();
    for (p, r) in rendered.into_iter().flatten() {
        bodies[p] = Some(r);
    }
    bodies.into_iter().map(Option::unwrap_or_default).collect()
}

/// Every `page.md#anchor` must name a heading (or footnote) id of its target.
fn check_anchors(content: &Content, bodies: &[Rendered]) -> Vec<Diagnostic> {
    let mut errors = Vec::new();
    for (page, body) in content.pages.iter().zip(bodies) {
        for check in &body.anchor_checks {
            let target = &bodies[check.target];
            if !target.ids.contains(&check.anchor) {
                let target_page = &content.pages[check.target];
                let mut known: Vec<&str> = target.ids.iter().map(String::as_str).collect();
                known.sort_unstable();
                let hint = if known.is_empty() {
                    format!("{} has no headings to link to", target_page.file.display())
                } else {
                    format!("anchors on {}: {}", target_page.file.display(), known.join(", "))
                };
                errors.push(
                    Diagnostic::error(
                        &page.file,
                        check.line,
                        check.column,
                        format!(
                            "the anchor `#{}` does not exist on {}",
                            check.anchor,
                            target_page.file.display()
                        ),
                    )
                    .with_hint(hint),
                );
            }
        }
    }
    errors
}

/// Turns each page's term uses into per-term lists, in reading order.
fn collect_backlinks(content: &Content, glossary: &Glossary, bodies: &[Rendered]) -> Vec<Vec<Backlink>> {
    let mut backlinks = vec![Vec::new(); glossary.terms.len()];
    for &p in &content.reading_order {
        for u in &bodies[p].term_uses {
            backlinks[u.term].push(Backlink {
                page: p,
                sentence: u.sentence.clone(),
            });
        }
    }
    backlinks
}
