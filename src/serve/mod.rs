//! `quire serve`: the site from the same build code as `quire build`, served from memory,
//! rebuilt when a source changes, and pushed to open pages over Server-Sent Events.
//!
//! The output is never written to disk while serving. After a successful rebuild the new
//! [`Output`] replaces the old one in one step, and only then are pages told to reload.
//! After a failed rebuild the last good output stays and every page shows the errors.

pub mod guard;
pub mod http;
pub mod reload;
mod respond;
pub mod watch;
pub mod wire;

use crate::build::render_output_with;
use crate::diagnostics::{BuildError, Diagnostic};
use crate::output::{FileSource, Output};
use crate::publish::search;
use crate::render::{self, Templates};
use crate::site::{Site, SiteOptions};
use anyhow::{Context, Result, bail};
use reload::{Event, Hub};
use std::io::Write;
use std::net::IpAddr;
use std::path::{Path, PathBuf};
use std::sync::mpsc::RecvTimeoutError;
use std::sync::{Arc, RwLock};
use std::time::{Duration, Instant};

/// What `quire serve` is asked to do.
#[derive(Debug, Clone)]
pub struct ServeOptions {
    /// The site root.
    pub root: PathBuf,
    /// The address to listen on (127.0.0.1 unless told otherwise).
    pub bind: IpAddr,
    /// The port; 0 picks a free one.
    pub port: u16,
    /// Open a browser at the site's URL.
    pub open: bool,
    /// Include drafts.
    pub drafts: bool,
    /// Overrides `[links] internal` (`--links`).
    pub links: Option<crate::config::LinkLevel>,
}

/// What the HTTP threads read: the last good output and the current errors.
struct Shared {
    output: Arc<Output>,
    /// The search bundle, kept apart so the search thread can replace it on its own.
    search: Arc<Output>,
    build: u64,
    base_path: String,
    errors: Option<Vec<Diagnostic>>,
}

/// A successful build kept for incremental rebuilds.
struct Built {
    site: Site,
    templates: Templates,
}

/// What a rebuild did, for the one-line report.
enum Outcome {
    Changed { what: String, event: Event },
    Unchanged,
    Failed(BuildError),
}

/// Watches the files the pages include, wherever they are in the project.
fn watch_included(watcher: &mut watch::Watcher, state: &Server) {
    if let Some(built) = &state.built
        && let Err(e) = watcher.watch_files(&built.site.included_files())
    {
        eprintln!("warning: {e:#}");
    }
}

/// Builds the whole site in memory, without the search index: that is built on the search
/// thread (see [`spawn_search_indexer`]) so that pages never wait for it.
fn full_build(root: &Path, options: &SiteOptions) -> Result<(Built, Output), BuildError> {
    let site = Site::load(root, options)?;
    let templates = Templates::new(&site)?;
    let output = render_output_with(&site, &templates, false)?;
    Ok((Built { site, templates }, output))
}

/// How long edits must pause before the dev server re-indexes search.
const SEARCH_QUIET: Duration = Duration::from_millis(400);

/// Indexes the newest records it is sent, on a thread of its own, and puts the index in
/// place for the HTTP threads; older requests still waiting are skipped.
fn spawn_search_indexer(shared: Arc<RwLock<Shared>>) -> std::sync::mpsc::Sender<search::Records> {
    let (tx, rx) = std::sync::mpsc::channel::<search::Records>();
    std::thread::spawn(move || {
        // Keeps every page's indexed words, so an edit re-indexes only the pages it changed.
        let mut indexer = search::Indexer::default();
        // Indexing runs on a pool of one thread of its own: on rayon's global pool its jobs
        // would queue in front of the rebuild of the page the author just saved.
        let pool = rayon::ThreadPoolBuilder::new()
            .num_threads(1)
            .thread_name(|_| "quire-search".into())
            .build()
            .ok();
        while let Ok(mut records) = rx.recv() {
            while let Ok(newer) = rx.try_recv() {
                records = newer;
            }
            let indexed = match &pool {
                Some(pool) => pool.install(|| indexer.index(records)),
                None => indexer.index(records),
            };
            match indexed {
                Ok(files) => {
                    let index: Output = Output {
                        files: files
                            .into_iter()
                            .map(|(p, b)| (p, FileSource::Bytes(Arc::new(b))))
                            .collect(),
                    };
                    if let Ok(mut s) = shared.write() {
                        s.search = Arc::new(index);
                    }
                }
                Err(e) => eprintln!("warning: the search index was not updated: {e}"),
            }
        }
    });
    tx
}

/// Stylesheets that changed name between two outputs, when nothing else changed.
fn css_only_swap(old: &Output, new: &Output, base_path: &str) -> Option<Vec<(String, String)>> {
    let same = |a: &FileSource, b: &FileSource| match (a, b) {
        (FileSource::Bytes(x), FileSource::Bytes(y)) => Arc::ptr_eq(x, y) || x == y,
        (FileSource::Copy(x), FileSource::Copy(y)) => x == y,
        _ => false,
    };
    let removed: Vec<&String> = old.files.keys().filter(|k| !new.files.contains_key(*k)).collect();
    let added: Vec<&String> = new.files.keys().filter(|k| !old.files.contains_key(*k)).collect();
    let modified = new
        .files
        .iter()
        .any(|(k, v)| old.files.get(k).is_some_and(|o| !same(o, v)));
    // Every page links the hashed stylesheet, so its new name changes every page's bytes;
    // compare pages with the stylesheet names swapped back before deciding.
    if removed.is_empty() || removed.len() != added.len() || !removed.iter().chain(&added).all(|p| p.ends_with(".css"))
    {
        return None;
    }
    let pairs: Vec<(String, String)> = removed
        .iter()
        .zip(&added)
        .map(|(o, n)| (format!("{base_path}{o}"), format!("{base_path}{n}")))
        .collect();
    if modified {
        for (k, v) in &new.files {
            let Some(o) = old.files.get(k) else { continue };
            if same(o, v) {
                continue;
            }
            let (FileSource::Bytes(o), FileSource::Bytes(v)) = (o, v) else {
                return None;
            };
            let mut text = String::from_utf8_lossy(v).into_owned();
            for (old_url, new_url) in &pairs {
                text = text.replace(new_url.as_str(), old_url);
            }
            if text.as_bytes() != o.as_slice() {
                return None;
            }
        }
    }
    Some(pairs)
}

fn describe(paths: &[PathBuf], root: &Path) -> String {
    let names: Vec<String> = paths
        .iter()
        .map(|p| crate::diagnostics::display_path(root, p).display().to_string())
        .collect();
    match names.len() {
        0 => "nothing".into(),
        1..=3 => names.join(", "),
        n => format!("{}, … ({n} files)", names[..2].join(", ")),
    }
}

struct Server {
    root: PathBuf,
    site_options: SiteOptions,
    shared: Arc<RwLock<Shared>>,
    hub: Hub,
    built: Option<Built>,
    /// Where to send a site's search records to be indexed (none when search is off).
    indexer: Option<std::sync::mpsc::Sender<search::Records>>,
}

impl Server {
    /// Asks the search thread to index the current site.
    fn reindex(&self) {
        if let (Some(indexer), Some(built)) = (&self.indexer, &self.built)
            && built.site.config.search.enabled
        {
            let _ = indexer.send(search::records(&built.site));
        }
    }

    /// Rebuilds after `changed`: incrementally when only page bodies changed, else in full.
    fn rebuild(&mut self, changed: &[PathBuf]) -> Outcome {
        let only_pages = changed
            .iter()
            .all(|p| p.extension().is_some_and(|e| e == "md") && p.is_file());
        if let (true, Some(built)) = (only_pages, self.built.as_mut()) {
            match built.site.update_pages(changed) {
                Ok(Some(pages)) => return self.patch(&pages),
                Ok(None) => {}
                Err(e) => return Outcome::Failed(e),
            }
        }
        let old = self.shared.read().map(|s| s.output.clone()).unwrap_or_default();
        match full_build(&self.root, &self.site_options) {
            Ok((built, output)) => {
                let base_path = built.site.base.path.clone();
                self.built = Some(built);
                let swap = css_only_swap(&old, &output, &base_path);
                let unchanged = old.files.len() == output.files.len()
                    && old
                        .files
                        .iter()
                        .zip(&output.files)
                        .all(|((ka, a), (kb, b))| ka == kb && a == b);
                if unchanged && self.shared.read().is_ok_and(|s| s.errors.is_none()) {
                    return Outcome::Unchanged;
                }
                let build = self.install(output, base_path);
                let pages = self.built.as_ref().map_or(0, |b| b.site.content.pages.len());
                match swap {
                    Some(swap) => Outcome::Changed {
                        what: "stylesheet swapped in place".into(),
                        event: Event::Css { build, swap },
                    },
                    None => Outcome::Changed {
                        what: format!("full rebuild, {pages} pages"),
                        event: Event::Reload { build },
                    },
                }
            }
            Err(e) => Outcome::Failed(e),
        }
    }

    /// Re-renders `pages` through the kept templates and patches a copy of the output.
    fn patch(&mut self, pages: &[crate::content::PageId]) -> Outcome {
        let Some(built) = self.built.as_ref() else {
            return Outcome::Unchanged;
        };
        match render::render_pages(&built.site, &built.templates, pages) {
            Ok(files) => {
                let (mut output, base_path) = match self.shared.read() {
                    Ok(s) => ((*s.output).clone(), s.base_path.clone()),
                    Err(_) => return Outcome::Unchanged,
                };
                for (path, bytes) in files {
                    output.insert(path, bytes);
                }
                let build = self.install(output, base_path);
                Outcome::Changed {
                    what: format!("{} page(s) re-rendered", pages.len()),
                    event: Event::Reload { build },
                }
            }
            Err(e) => Outcome::Failed(e),
        }
    }

    /// Puts a new output in place and clears errors; returns the new build number.
    fn install(&self, output: Output, base_path: String) -> u64 {
        let mut s = match self.shared.write() {
            Ok(s) => s,
            Err(p) => p.into_inner(),
        };
        s.output = Arc::new(output);
        s.build += 1;
        s.base_path = base_path;
        s.errors = None;
        s.build
    }

    fn fail(&self, error: &BuildError) -> u64 {
        let mut s = match self.shared.write() {
            Ok(s) => s,
            Err(p) => p.into_inner(),
        };
        s.errors = Some(error.diagnostics.clone());
        s.build
    }
}

/// Works around a lost wake-up in tiny_http 0.12's connection pool: when connections arrive
/// in a burst while a pool thread is idle, a connection can be queued with no thread left to
/// take it, and every other thread may be held by an open event stream. A throw-away
/// connection to ourselves makes the pool start a fresh thread, which then takes the queued
/// connection. Only needed while streams are open; the kick costs one loopback connect.
fn spawn_pool_kicker(addr: Option<std::net::SocketAddr>, hub: Hub) {
    let Some(mut addr) = addr else { return };
    if addr.ip().is_unspecified() {
        addr.set_ip(if addr.is_ipv6() {
            std::net::Ipv6Addr::LOCALHOST.into()
        } else {
            std::net::Ipv4Addr::LOCALHOST.into()
        });
    }
    std::thread::spawn(move || {
        loop {
            std::thread::sleep(std::time::Duration::from_millis(50));
            if !hub.is_empty() {
                drop(std::net::TcpStream::connect_timeout(
                    &addr,
                    std::time::Duration::from_millis(200),
                ));
            }
        }
    });
}

/// Runs the dev server until Ctrl-C.
pub fn serve(options: &ServeOptions) -> Result<()> {
    // Watch events carry absolute paths; compare them against an absolute root.
    let root = options
        .root
        .canonicalize()
        .with_context(|| format!("cannot open the site folder {}", options.root.display()))?;
    let options = &ServeOptions {
        root,
        ..options.clone()
    };
    let site_options = SiteOptions {
        drafts: options.drafts,
        base_url: None,
        links: options.links,
    };
    let started = Instant::now();
    let first = full_build(&options.root, &site_options);
    let (built, output, errors) = match first {
        Ok((built, output)) => (Some(built), output, None),
        Err(e) => (None, Output::default(), Some(e)),
    };
    let base_path = match &built {
        Some(b) => b.site.base.path.clone(),
        None => crate::config::Config::load(&options.root, None)
            .map(|(_, b)| b.path)
            .unwrap_or_else(|_| "/".into()),
    };
    // Build numbers start from the clock, so a page left open across a server restart
    // sees a different number in the new server's hello and reloads.
    let first_build = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map_or(1, |d| d.as_millis() as u64);
    let shared = Arc::new(RwLock::new(Shared {
        output: Arc::new(output),
        search: Arc::new(Output::default()),
        build: first_build,
        base_path: base_path.clone(),
        errors: errors.as_ref().map(|e| e.diagnostics.clone()),
    }));
    let addr = std::net::SocketAddr::new(options.bind, options.port);
    let listener = match wire::listen(addr) {
        Ok(l) => l,
        Err(e) => {
            if options.port != 0 && std::net::TcpListener::bind(addr).is_err() {
                bail!(
                    "port {} on {} is already in use: stop the other server, or pass --port N (--port 0 picks a free one)",
                    options.port,
                    options.bind
                );
            }
            return Err(e);
        }
    };
    let server = match tiny_http::Server::from_listener(listener, None) {
        Ok(s) => Arc::new(s),
        Err(e) => bail!("cannot listen on {addr}: {e}"),
    };
    let port = server.server_addr().to_ip().map_or(options.port, |a| a.port());
    let host = if options.bind.is_ipv6() {
        format!("[{}]", options.bind)
    } else {
        options.bind.to_string()
    };
    // Watching starts before the URL is printed, so an edit made as soon as the URL is
    // known is seen.
    let mut watcher = watch::watch(&options.root)?;
    let url = format!("http://{host}:{port}{base_path}");
    // Tests and scripts read the URL from the first line.
    println!("{url}");
    let _ = std::io::stdout().flush();
    if !options.bind.is_loopback() {
        eprintln!(
            "warning: listening on {} — the dev server is not hardened for untrusted networks",
            options.bind
        );
    }
    match (&built, &errors) {
        (Some(b), _) => eprintln!(
            "built {} pages in {:.0?}; watching for changes (Ctrl-C stops)",
            b.site.content.pages.len(),
            started.elapsed()
        ),
        (None, Some(e)) => eprintln!("{e}\nserving an error page until the site builds; watching for changes"),
        _ => {}
    }
    if options.open {
        let opener = if cfg!(target_os = "macos") { "open" } else { "xdg-open" };
        let _ = std::process::Command::new(opener).arg(&url).spawn();
    }

    let hub = Hub::default();
    {
        let server = server.clone();
        ctrlc::set_handler(move || server.unblock()).context("cannot install the Ctrl-C handler")?;
    }
    let mut state = Server {
        root: options.root.clone(),
        site_options,
        shared: shared.clone(),
        hub: hub.clone(),
        built,
        indexer: Some(spawn_search_indexer(shared.clone())),
    };
    // The first index is built while the first pages are already being served.
    state.reindex();
    watch_included(&mut watcher, &state);
    std::thread::spawn(move || {
        // The search index is rebuilt once edits pause, so that indexing a large site never
        // competes for the CPU with the rebuild of the next save.
        let mut index_pending = false;
        loop {
            let wait = if index_pending {
                SEARCH_QUIET
            } else {
                Duration::from_secs(3600)
            };
            let mut changed = match watcher.changes.recv_timeout(wait) {
                Ok(changed) => changed,
                Err(RecvTimeoutError::Timeout) => {
                    if index_pending {
                        state.reindex();
                        index_pending = false;
                    }
                    continue;
                }
                Err(RecvTimeoutError::Disconnected) => break,
            };
            // Take in whatever else arrived meanwhile, so one rebuild covers it all.
            while let Ok(more) = watcher.changes.try_recv() {
                changed.extend(more);
            }
            changed.sort();
            changed.dedup();
            if let Err(e) = watcher.watch_new_folders(&changed) {
                eprintln!("warning: {e:#}");
            }
            let t = Instant::now();
            let outcome = state.rebuild(&changed);
            watch_included(&mut watcher, &state);
            match outcome {
                Outcome::Changed { what, event } => {
                    state.hub.broadcast(&event);
                    index_pending = true;
                    eprintln!("{}: {what} in {:.1?}", describe(&changed, &state.root), t.elapsed());
                }
                Outcome::Unchanged => {
                    eprintln!(
                        "{}: output unchanged ({:.1?})",
                        describe(&changed, &state.root),
                        t.elapsed()
                    )
                }
                Outcome::Failed(e) => {
                    let build = state.fail(&e);
                    state.hub.broadcast(&Event::Error {
                        build,
                        diagnostics: e.diagnostics.clone(),
                    });
                    eprintln!("{e}\n(still serving the last good build)");
                }
            }
        }
    });

    spawn_pool_kicker(server.server_addr().to_ip(), hub.clone());
    // One thread per request: event streams stay open for as long as a tab does, and
    // must never hold up the requests of other pages.
    let allowed = Arc::new(guard::Allowed {
        bind: options.bind,
        port,
    });
    for request in server.incoming_requests() {
        let shared = shared.clone();
        let hub = hub.clone();
        let allowed = allowed.clone();
        std::thread::spawn(move || respond::respond(request, &shared, &hub, &allowed));
    }
    eprintln!("stopped");
    Ok(())
}
