//! The `Site`: configuration, content, glossary and rendered Markdown, built once per build
//! and then handed, read-only, to the template stage.

use crate::config::{BaseUrl, Config, LinkLevel, LinkPolicy};
use crate::content::{Content, LoadOptions, PageId};
use crate::diagnostics::{BuildError, Diagnostic};
use crate::glossary::{Glossary, TermId};
use crate::markdown::{self, Env, Rendered, Settings};
use rayon::prelude::*;
use std::collections::{BTreeSet, HashSet};
use std::path::{Path, PathBuf};

pub mod bodies;
pub mod redirects;
pub use redirects::{Destination, Redirect};

/// What changes how a site is loaded.
#[derive(Debug, Clone, Default)]
pub struct SiteOptions {
    /// Include drafts.
    pub drafts: bool,
    /// Overrides `base_url` from `quire.toml` (`--base-url`).
    pub base_url: Option<String>,
    /// Overrides `[links] internal` from `quire.toml` (`--links`).
    pub links: Option<LinkLevel>,
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
    /// How Markdown was rendered (kept for incremental rebuilds).
    pub settings: Settings,
    /// Old paths that lead to pages (`redirect_from`, `[redirects]`).
    pub redirects: Vec<Redirect>,
}

impl Site {
    /// Loads, checks and renders the Markdown of the site at `root`.
    pub fn load(root: &Path, options: &SiteOptions) -> Result<Site, BuildError> {
        Site::load_cached(root, options, None).map(|(site, _)| site)
    }

    /// [`Site::load`], taking from `cache` the rendered Markdown of the pages whose inputs did
    /// not change; with a cache, also returns this build's bodies to keep for the next one.
    pub fn load_cached(
        root: &Path,
        options: &SiteOptions,
        cache: Option<&crate::cache::Cache>,
    ) -> Result<(Site, Option<bodies::Kept>), BuildError> {
        // Every stage that can run does, so one run reports the errors of every file: a bad
        // `quire.toml` falls back to defaults, a page with bad front matter still exists.
        let (loaded, mut errors) = Config::load_all(root, options.base_url.as_deref());
        let (mut config, base) = loaded.unwrap_or_else(Config::fallback);
        if let Some(level) = options.links {
            config.links.internal = level;
        }
        let load = LoadOptions {
            drafts: options.drafts,
            glossary: Some(config.glossary.section.trim_matches('/').to_string()),
        };
        let (content, content_errors) = Content::load_all(root, load);
        errors.extend(content_errors);
        let Some(content) = content else {
            return Err(BuildError::new(errors));
        };
        let (glossary, glossary_errors, mut warnings) = Glossary::build(&content, &config.glossary);
        errors.extend(glossary_errors);
        let settings = Settings {
            root: root.to_path_buf(),
            heading_ids: config.markdown.heading_ids,
            links: config.links.internal,
            glossary: content
                .section_by_dir(config.glossary.section.trim_matches('/'))
                .is_some(),
        };
        let inputs = bodies::Inputs {
            config: &config,
            content: &content,
            base: &base,
            glossary: &glossary,
            settings: &settings,
        };
        let (bodies, kept) = bodies::render(&inputs, cache);
        for body in &bodies {
            errors.extend(body.errors.iter().cloned());
            warnings.extend(body.warnings.iter().cloned());
        }
        let (anchor_errors, anchor_warnings) = split_level(check_anchors(&content, &bodies), settings.links);
        errors.extend(anchor_errors);
        warnings.extend(anchor_warnings);
        let (redirects, redirect_errors) = redirects::collect(&content, &config, &base, &bodies);
        errors.extend(redirect_errors);
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
        let site = Site {
            root: root.to_path_buf(),
            config,
            base,
            content,
            glossary,
            bodies,
            backlinks,
            warnings,
            settings,
            redirects,
        };
        Ok((site, kept))
    }

    /// Every file some page includes, as `root/…` paths (the dev server watches them).
    pub fn included_files(&self) -> Vec<PathBuf> {
        let mut files: Vec<PathBuf> = self.bodies.iter().flat_map(|b| b.includes.iter().cloned()).collect();
        files.sort();
        files.dedup();
        files
    }
}

/// Anchor problems are errors, or warnings under `[links] internal = "warn"`.
fn split_level(found: Vec<Diagnostic>, level: LinkLevel) -> (Vec<Diagnostic>, Vec<Diagnostic>) {
    match level {
        LinkLevel::Error => (found, Vec::new()),
        LinkLevel::Warn => (
            Vec::new(),
            found
                .into_iter()
                .map(|mut d| {
                    d.severity = crate::diagnostics::Severity::Warning;
                    d
                })
                .collect(),
        ),
    }
}

impl Site {
    /// Takes in edits to the bodies of existing pages without reloading the site. Returns the
    /// pages whose output changed (the edited pages and the glossary terms whose backlinks
    /// changed), or `None` when the edit reaches further (front matter, title, a glossary term,
    /// a new or deleted file) and only a full rebuild is correct. On error the site is unchanged.
    pub fn update_pages(&mut self, changed: &[PathBuf]) -> Result<Option<Vec<PageId>>, BuildError> {
        if self.config.glossary.link == LinkPolicy::FirstPerSection {
            return Ok(None);
        }
        let content_dir = self.root.join(crate::content::CONTENT_DIR);
        // A file some page includes changes that page too: rebuild in full.
        let included = self.included_files();
        if changed.iter().any(|p| included.contains(p)) {
            return Ok(None);
        }
        // A redirect to an anchor is checked against the page's headings: recheck it in full.
        let anchored: HashSet<PageId> = self
            .redirects
            .iter()
            .filter_map(|r| match r.to {
                Destination::Page(page, Some(_)) => Some(page),
                _ => None,
            })
            .collect();
        let mut edits = Vec::new();
        for path in changed {
            let Some(source) = path.strip_prefix(&content_dir).ok().and_then(|p| p.to_str()) else {
                return Ok(None);
            };
            let source = source.replace('\\', "/");
            let Some(&id) = self.content.by_source.get(&source) else {
                return Ok(None);
            };
            if self.glossary.by_page.contains_key(&id) || anchored.contains(&id) {
                return Ok(None);
            }
            let Ok(bytes) = std::fs::read(path) else {
                return Ok(None);
            };
            let page = &self.content.pages[id];
            let decoded = crate::content::text::decode(bytes, &page.file);
            let split = crate::content::front_matter::split(&decoded.text, &page.file);
            let problems: Vec<Diagnostic> = decoded.errors.into_iter().chain(split.errors).collect();
            if !problems.is_empty() {
                return Err(BuildError::new(problems));
            }
            let text = decoded.text;
            if split.front != page.front {
                return Ok(None);
            }
            let h1 = if split.front.title.is_none() {
                crate::content::first_h1(&text, split.body_start)
            } else {
                None
            };
            if page.front.title.is_none()
                && h1.as_ref().map(|(t, _)| t) != page.title_heading.as_ref().map(|_| &page.title)
            {
                return Ok(None);
            }
            edits.push((id, text, split.body_start, h1.map(|(_, r)| r)));
        }
        // Apply, render, and check; undo everything if the new text has errors.
        let mut undo = Vec::new();
        for (id, text, body_start, heading) in edits {
            let page = &mut self.content.pages[id];
            undo.push((
                id,
                std::mem::replace(&mut page.text, text),
                page.body_start,
                page.title_heading.clone(),
            ));
            page.body_start = body_start;
            page.title_heading = heading;
        }
        let env = Env {
            content: &self.content,
            base: &self.base,
            glossary: &self.glossary,
            policy: self.config.glossary.link,
            settings: &self.settings,
        };
        let ids: Vec<PageId> = undo.iter().map(|u| u.0).collect();
        let fresh: Vec<Rendered> = ids
            .par_iter()
            .map(|&p| markdown::render(&env, &self.content.pages[p], &mut HashSet::new()))
            .collect();
        let mut old_bodies = Vec::new();
        for (&p, body) in ids.iter().zip(fresh) {
            old_bodies.push(std::mem::replace(&mut self.bodies[p], body));
        }
        let mut errors: Vec<Diagnostic> = ids.iter().flat_map(|&p| self.bodies[p].errors.clone()).collect();
        let (anchor_errors, anchor_warnings) =
            split_level(check_anchors(&self.content, &self.bodies), self.settings.links);
        errors.extend(anchor_errors);
        // Link warnings (`[links] internal = "warn"`) are listed and counted by a full build.
        let warned = !anchor_warnings.is_empty()
            || ids
                .iter()
                .zip(&old_bodies)
                .any(|(&p, old)| !self.bodies[p].warnings.is_empty() || !old.warnings.is_empty());
        if !errors.is_empty() || warned {
            for ((id, text, body_start, heading), body) in undo.into_iter().zip(old_bodies) {
                let page = &mut self.content.pages[id];
                page.text = text;
                page.body_start = body_start;
                page.title_heading = heading;
                self.bodies[id] = body;
            }
            if errors.is_empty() {
                // New warnings: the full build lists and counts them.
                return Ok(None);
            }
            return Err(BuildError::new(errors));
        }
        // Only the terms the edited pages used before or use now can have new backlinks;
        // the others keep theirs (re-collecting all of a big site's takes tens of ms).
        let touched: BTreeSet<TermId> = ids
            .iter()
            .zip(&old_bodies)
            .flat_map(|(&p, old)| old.term_uses.iter().chain(&self.bodies[p].term_uses))
            .map(|u| u.term)
            .collect();
        let mut pages = ids.clone();
        let mut used_changed = false;
        if !touched.is_empty() {
            let mut position = vec![usize::MAX; self.content.pages.len()];
            for (i, &p) in self.content.reading_order.iter().enumerate() {
                position[p] = i;
            }
            let mut edited_in_order: Vec<PageId> = ids.iter().copied().filter(|&p| position[p] != usize::MAX).collect();
            edited_in_order.sort_by_key(|&p| position[p]);
            // A term's backlinks are in reading order, so a page's entries are one run:
            // replace that run in place, and only where it differs.
            for &term in &touched {
                let list = &mut self.backlinks[term];
                let was_empty = list.is_empty();
                let mut changed_term = false;
                for &p in &edited_in_order {
                    let start = list.partition_point(|b| position[b.page] < position[p]);
                    let end = start + list[start..].iter().take_while(|b| b.page == p).count();
                    let uses: Vec<_> = self.bodies[p].term_uses.iter().filter(|u| u.term == term).collect();
                    let same = end - start == uses.len()
                        && list[start..end]
                            .iter()
                            .zip(&uses)
                            .all(|(b, u)| b.sentence == u.sentence);
                    if !same {
                        let new: Vec<Backlink> = uses
                            .iter()
                            .map(|u| Backlink {
                                page: p,
                                sentence: u.sentence.clone(),
                            })
                            .collect();
                        list.splice(start..end, new);
                        changed_term = true;
                    }
                }
                if changed_term {
                    pages.push(self.glossary.terms[term].page);
                    // A term that became used or unused changes the warnings too.
                    used_changed |= list.is_empty() != was_empty;
                }
            }
        }
        if used_changed {
            return Ok(None);
        }
        pages.sort_unstable();
        pages.dedup();
        Ok(Some(pages))
    }
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
