//! The whole pipeline: load and check a site, then render it into the output's stage.

use crate::diagnostics::{BuildError, Diagnostic, Severity};
use crate::output::{self, Claims, FileSource, Origin, Output, WriteStats};
use crate::render;
use crate::site::{Site, SiteOptions};
use anyhow::Result;
use rayon::prelude::*;
use std::path::PathBuf;
use std::time::{Duration, Instant};

/// The folder of site-wide files copied to the output root as they are.
pub const STATIC_DIR: &str = "static";
/// The default output folder, under the site root.
pub const DEFAULT_OUTPUT: &str = "public";

/// What `quire build` and `quire check` are asked to do.
#[derive(Debug, Clone)]
pub struct BuildOptions {
    /// The site root (holding `quire.toml`).
    pub root: PathBuf,
    /// Where to write; `public/` under the root by default.
    pub output: Option<PathBuf>,
    /// Overrides `base_url`.
    pub base_url: Option<String>,
    /// Include drafts.
    pub drafts: bool,
    /// Treat warnings as errors.
    pub strict: bool,
    /// Overrides `[links] internal` (`--links`).
    pub links: Option<crate::config::LinkLevel>,
    /// Reuse and keep work in the site's build cache (`.quire-cache/`); `--no-cache` turns
    /// it off. The output is the same either way.
    pub cache: bool,
}

impl BuildOptions {
    /// Options for the site at `root` with everything else at its default.
    pub fn new(root: impl Into<PathBuf>) -> Self {
        BuildOptions {
            root: root.into(),
            output: None,
            base_url: None,
            drafts: false,
            strict: false,
            links: None,
            cache: true,
        }
    }

    /// The output folder these options write to.
    pub fn output_dir(&self) -> PathBuf {
        self.output.clone().unwrap_or_else(|| self.root.join(DEFAULT_OUTPUT))
    }

    fn site_options(&self) -> SiteOptions {
        SiteOptions {
            drafts: self.drafts,
            base_url: self.base_url.clone(),
            links: self.links,
        }
    }
}

/// What a build did, for the one-line summary.
#[derive(Debug, Clone)]
pub struct BuildReport {
    /// Pages rendered (including section index pages).
    pub pages: usize,
    /// Sections, including the root.
    pub sections: usize,
    /// Glossary terms.
    pub terms: usize,
    /// Warnings (not fatal unless `--strict`).
    pub warnings: Vec<Diagnostic>,
    /// What writing did (all zero for `check`).
    pub written: WriteStats,
    /// Wall time of the whole build.
    pub elapsed: Duration,
}

impl BuildReport {
    fn new(site: &Site, written: WriteStats, started: Instant) -> Self {
        BuildReport {
            pages: site.content.pages.len(),
            sections: site.content.sections.len(),
            terms: site.glossary.terms.len(),
            warnings: site.warnings.clone(),
            written,
            elapsed: started.elapsed(),
        }
    }
}

/// Renders a loaded site and gathers every file of its output, in memory.
pub fn render_output(site: &Site) -> Result<Output, BuildError> {
    render_output_with(site, &render::Templates::new(site)?, site.config.search.enabled)
}

/// [`render_output`] with templates already compiled (the dev server keeps them between rebuilds).
/// `search` builds the search index (when the site enables it); the dev server passes
/// `false` on rebuilds and keeps the index of its first build.
pub fn render_output_with(site: &Site, templates: &render::Templates, search: bool) -> Result<Output, BuildError> {
    let sink = output::Collect::default();
    render_into(site, templates, search, None, &sink)?;
    Ok(sink.into_output())
}

/// Renders every file of the site into `sink`: pages, the search index (reusing `cache`'s
/// work when given) and the other published files, then the content's assets and `static/`.
///
/// Every output path is claimed and checked first; when that fails the templates still
/// render (into nothing), so one run reports collisions and template errors together.
/// Returns the build cache's pending writes, to commit once the output is in place.
pub fn render_into(
    site: &Site,
    templates: &render::Templates,
    search: bool,
    cache: Option<&crate::cache::Cache>,
    sink: &dyn output::Sink,
) -> Result<Vec<crate::cache::Pending>, BuildError> {
    let static_dir = site.root.join(STATIC_DIR);
    let statics = output::static_files(&static_dir).map_err(|e| {
        BuildError::single(
            Diagnostic::error(STATIC_DIR, 0, 0, format!("{e:#}"))
                .with_hint("check the folder's permissions and that its symbolic links lead somewhere"),
        )
    })?;
    let mut errors = claims(site, templates, &statics).check();
    let sink = if errors.is_empty() { sink } else { &output::Discard };
    let pages = cache.map(render::cache::Pages::load);
    // The search index needs only the site, so it is built while the templates render.
    // A thread of its own: in a rayon job it could wait behind the template jobs.
    let (rendered, published) = std::thread::scope(|scope| {
        let published = scope.spawn(|| crate::publish::published_files(site, search && errors.is_empty(), cache));
        let rendered = render::render_site_into(site, templates, pages.as_ref(), sink);
        (
            rendered,
            published.join().unwrap_or_else(|_| {
                Err(BuildError::single(
                    Diagnostic::error("pagefind", 0, 0, "the search index builder crashed")
                        .with_hint("build with `[search] enabled = false` and report the problem"),
                ))
            }),
        )
    });
    for result in [rendered.as_ref().err(), published.as_ref().err()]
        .into_iter()
        .flatten()
    {
        errors.extend(result.diagnostics.iter().cloned());
    }
    if !errors.is_empty() {
        return Err(BuildError::new(errors));
    }
    let copies = site
        .content
        .assets
        .iter()
        .map(|a| (a.path.clone(), a.disk.clone()))
        .chain(statics);
    let crate::publish::Published {
        files: published,
        cache: search_pending,
    } = published?;
    let mut pending: Vec<crate::cache::Pending> = search_pending;
    if let (Some(pages), Some(cache)) = (pages, cache) {
        // A cache that cannot be written only costs the next build time.
        pending.extend(pages.save(cache).ok());
    }
    let written: Vec<Diagnostic> = published
        .into_par_iter()
        .map(|(path, bytes)| (path, FileSource::Bytes(std::sync::Arc::new(bytes))))
        .chain(
            copies
                .map(|(path, disk)| (path, FileSource::Copy(disk)))
                .collect::<Vec<_>>(),
        )
        .filter_map(|(path, source)| sink.put(path, source).err())
        .collect();
    if written.is_empty() {
        Ok(pending)
    } else {
        Err(BuildError::new(written))
    }
}

/// Who writes which output path: pages, copied files, static files and generated files.
fn claims(site: &Site, templates: &render::Templates, statics: &[(String, PathBuf)]) -> Claims {
    let mut claims = Claims::default();
    for page in &site.content.pages {
        let (line, column) = if page.front.slug.is_some() {
            page.key_position("slug")
        } else {
            (0, 0)
        };
        let origin = Origin::Page {
            file: page.file.clone(),
            line,
            column,
        };
        claims.claim(format!("{}index.html", page.path), origin);
    }
    for asset in &site.content.assets {
        let file = PathBuf::from(crate::content::CONTENT_DIR).join(&asset.source);
        claims.claim(asset.path.clone(), Origin::Asset(file));
    }
    for (path, _) in statics {
        claims.claim(path.clone(), Origin::Static(PathBuf::from(STATIC_DIR).join(path)));
    }
    for redirect in &site.redirects {
        let (file, line, column) = redirect.origin.clone();
        claims.claim(redirect.path.clone(), Origin::Redirect { file, line, column });
    }
    claims.claim("404.html", Origin::Generated("the 404 page".into()));
    for asset in templates.assets() {
        claims.claim(
            asset.path.clone(),
            Origin::Generated(format!("the theme's {}", asset.name)),
        );
    }
    for (path, what) in crate::publish::generated_paths(site) {
        claims.claim(path, Origin::Generated(what.into()));
    }
    for (folder, what) in crate::publish::reserved_folders(site) {
        claims.reserve(folder, what);
    }
    claims
}

fn strict_failure(site: &Site, strict: bool) -> Option<BuildError> {
    (strict && !site.warnings.is_empty()).then(|| {
        BuildError::new(
            site.warnings
                .iter()
                .cloned()
                .map(|mut d| {
                    d.severity = Severity::Error;
                    d
                })
                .collect(),
        )
    })
}

/// Loads, checks, renders and writes the site; writes nothing if anything fails.
pub fn build(options: &BuildOptions) -> Result<BuildReport> {
    let started = Instant::now();
    let cache = options.cache.then(|| crate::cache::Cache::at(&options.root));
    if let Some(cache) = &cache {
        cache.sweep();
    }
    let (site, bodies) = Site::load_cached(&options.root, &options.site_options(), cache.as_ref())?;
    if let Some(e) = strict_failure(&site, options.strict) {
        return Err(e.into());
    }
    let templates = render::Templates::new(&site)?;
    let guard = output::Guard::new(&options.root, &options.output_dir()).map_err(BuildError::single)?;
    // The bodies are written to the cache while the pages render and the stage is swapped
    // in: nothing waits for the write, and a failed build drops it uncommitted.
    let (built, bodies) = std::thread::scope(|scope| {
        let saved = scope.spawn(|| match (bodies, &cache) {
            // A cache that cannot be written only costs the next build time.
            (Some(bodies), Some(cache)) => bodies.save(cache, &site.bodies).ok(),
            _ => None,
        });
        let built = (|| -> Result<_> {
            // Each file goes into the stage as it is rendered; the stage replaces the output
            // only once everything succeeded (dropped on an error, it is removed).
            let stage = output::Streamed::open(&guard, options.cache)?.stamped(cache.as_ref());
            let pending = render_into(&site, &templates, site.config.search.enabled, cache.as_ref(), &stage)?;
            Ok((stage.finish()?, pending))
        })();
        (built, saved.join().ok().flatten())
    });
    let (written, mut pending) = built?;
    pending.extend(bodies.into_iter().flatten());
    // Only a build that succeeded updates the cache (one that cannot only costs time later).
    for pending in pending {
        let _ = pending.commit();
    }
    let mut report = BuildReport::new(&site, written, started);
    // Only `build` publishes, so only `build` says the URLs it wrote are relative.
    report.warnings.extend(crate::publish::sitemap::relative_base_warning(
        &site,
        options.base_url.is_some(),
    ));
    Ok(report)
}

/// Everything `build` checks, rendering in memory and writing nothing.
pub fn check(options: &BuildOptions) -> Result<BuildReport> {
    let started = Instant::now();
    let site = Site::load(&options.root, &options.site_options())?;
    if let Some(e) = strict_failure(&site, options.strict) {
        return Err(e.into());
    }
    // Everything that can fail on a bad site is checked; the search index cannot, so skip it.
    render_into(&site, &render::Templates::new(&site)?, false, None, &output::Discard)?;
    Ok(BuildReport::new(&site, WriteStats::default(), started))
}
