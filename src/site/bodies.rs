//! Every page's Markdown rendered, on every core, and kept in the build cache
//! (`.quire-cache/bodies.cbor`) so that the next `quire build` renders only what changed.
//!
//! A page's rendered Markdown depends on its own file and on what its links and glossary
//! terms reach elsewhere in the site. So its key is a hash of the page's file (name and
//! text) and of one fingerprint of the rest, taken once per build: `quire.toml`, the
//! rendering settings, the base URL, every page's source file and URL, every section and
//! content file, and every glossary term. Other pages' text is not in it: the only thing a
//! page takes from another page's text, the ids its anchors point at, is checked after
//! rendering (`check_anchors`), from the cached ids as from fresh ones. The files a page
//! includes are checked each build: each path must still lead to the file it led to, and
//! that file must hold the bytes the page was rendered from (hashed as they were read, so
//! a file saved during a build is never paired with a body made from its older bytes).
//! Under the `first-per-section` glossary policy a page's links depend on the pages before
//! it, so nothing is cached.
//!
//! The bodies are kept in two files: `bodies.cbor`, every body as of its last full write,
//! and `bodies-recent.cbor`, those rendered since. A rebuild that changed a few pages writes
//! only the recent file: rewriting 60 MB for a one-page edit of a 10,000-page site took
//! longer than the rest of the cache's work. The full file is written again when the recent
//! one would outgrow an eighth of it, or when a quarter of it is bodies no page uses any
//! more. Either file may hold any body: an entry is used only where its key matches.

use crate::cache::{Cache, Pending};
use crate::config::{BaseUrl, Config, LinkPolicy};
use crate::content::{Child, Content, PageId};
use crate::glossary::{Glossary, TermId};
use crate::markdown::include::IncludedFile;
use crate::markdown::{self, Env, Rendered, Settings};
use minicbor::bytes::ByteSlice;
use rayon::prelude::*;
use std::collections::{HashMap, HashSet};
use xxhash_rust::xxh3::Xxh3;

/// The cache file of every body, as of its last full write.
const FILE: &str = "bodies.cbor";
/// The cache file of the bodies rendered since.
const RECENT: &str = "bodies-recent.cbor";
/// Which of the two files a body was read from.
const FULL: usize = 0;
const SINCE: usize = 1;

/// Everything rendering reads beyond the page itself.
pub struct Inputs<'a> {
    /// `quire.toml`.
    pub config: &'a Config,
    /// Every page, section and content file (for links).
    pub content: &'a Content,
    /// Where the site is published.
    pub base: &'a BaseUrl,
    /// The terms to link.
    pub glossary: &'a Glossary,
    /// Includes, heading ids, link level, glossary presence.
    pub settings: &'a Settings,
}

/// One page's cached Markdown, as the cache file holds it.
#[derive(minicbor::Encode, minicbor::Decode)]
struct Stored<'b> {
    /// The page's source file, inside the content folder.
    #[b(0)]
    source: &'b str,
    /// The hash of its inputs.
    #[n(1)]
    key: u64,
    /// The files its includes read: where each path led and the hash of the bytes read.
    #[n(2)]
    includes: Vec<IncludedFile>,
    /// The rendered body as CBOR.
    #[b(3)]
    body: &'b ByteSlice,
}

/// The last build's bodies, by page source, as read from the two cache files.
struct Previous<'b> {
    /// The files' bytes, which every entry borrows from.
    files: [&'b [u8]; 2],
    /// The entries of each file.
    entries: [HashMap<&'b str, Stored<'b>>; 2],
}

/// A page's body as CBOR: where it is in a cache file read ([`FULL`] or [`SINCE`]), or new
/// (encoded from the site's body when the cache is written, so that it is never held twice).
enum Body {
    Read(usize, std::ops::Range<usize>),
    New,
}

/// One page to keep: its source, key, included files and body.
type Keep = (String, u64, Vec<IncludedFile>, Body);

/// What this build rendered or took from the cache, ready to be kept for the next one.
pub struct Kept {
    /// The cache files as read, holding the bodies that were taken from them.
    files: [crate::cache::Bytes; 2],
    /// The bytes of the bodies in the full file, if it could be read.
    full: Option<usize>,
    /// Per page, `None` for a page that must not be cached (it includes a file whose name is
    /// not UTF-8).
    entries: Vec<Option<Keep>>,
}

impl Kept {
    /// Writes this build's bodies (and only them; `bodies` are the site's, by page), to
    /// replace the last build's when committed: only those not in the full file when few
    /// are, else all of them. The bodies taken from the cache are written as the bytes they
    /// were read from, the others encoded now, one at a time as the file is written (so a
    /// first build never holds its bodies twice).
    pub fn save(self, cache: &Cache, bodies: &[Rendered]) -> anyhow::Result<Vec<Pending>> {
        let size = |which: usize| -> usize {
            self.entries
                .iter()
                .flatten()
                .filter_map(|(.., body)| match body {
                    Body::Read(w, range) if *w == which => Some(range.len()),
                    _ => None,
                })
                .sum()
        };
        let new: usize = self
            .entries
            .iter()
            .zip(bodies)
            .filter(|(e, _)| matches!(e, Some((.., Body::New))))
            .map(|(_, b)| b.html.len())
            .sum();
        if let Some(full) = self.full
            && size(FULL) * 4 >= full * 3
            && (size(SINCE) + new) * 8 <= full
        {
            let since = |body: &Body| !matches!(body, Body::Read(FULL, _));
            return Ok(vec![self.write(cache, RECENT, bodies, since)?]);
        }
        Ok(vec![
            self.write(cache, FILE, bodies, |_| true)?,
            self.write(cache, RECENT, bodies, |_| false)?,
        ])
    }

    /// Writes the file `name` holding the bodies `take` picks.
    fn write(
        &self,
        cache: &Cache,
        name: &str,
        bodies: &[Rendered],
        take: impl Fn(&Body) -> bool,
    ) -> anyhow::Result<Pending> {
        let picked = || {
            self.entries
                .iter()
                .zip(bodies)
                .filter_map(|(entry, body)| entry.as_ref().filter(|(.., b)| take(b)).map(|e| (e, body)))
        };
        let count = picked().count();
        cache.write_with(name, |w| {
            let error = |e: minicbor::encode::Error<std::io::Error>| std::io::Error::other(e.to_string());
            let mut encoder = minicbor::Encoder::new(minicbor::encode::write::Writer::new(w));
            encoder.array(count as u64).map_err(error)?;
            let mut encoded = Vec::new();
            for ((source, key, includes, kept), body) in picked() {
                let bytes = match kept {
                    Body::Read(which, range) => self.files[*which].get(range.clone()).unwrap_or_default(),
                    Body::New => {
                        encoded.clear();
                        minicbor::encode(body, &mut encoded).map_err(|e| std::io::Error::other(e.to_string()))?;
                        encoded.as_slice()
                    }
                };
                let stored = Stored {
                    source,
                    key: *key,
                    includes: includes.clone(),
                    body: bytes.into(),
                };
                encoder.encode(&stored).map_err(error)?;
            }
            Ok(())
        })
    }
}

/// Renders every page's Markdown, taking from `cache` the bodies whose inputs did not change.
/// With a cache, also returns what to keep for the next build.
pub fn render(inputs: &Inputs, cache: Option<&Cache>) -> (Vec<Rendered>, Option<Kept>) {
    let policy = inputs.config.glossary.link;
    let env = Env {
        content: inputs.content,
        base: inputs.base,
        glossary: inputs.glossary,
        policy,
        settings: inputs.settings,
    };
    let fingerprint = fingerprint(inputs);
    let (Some(cache), Some(site)) = (cache.filter(|_| policy != LinkPolicy::FirstPerSection), fingerprint) else {
        return (render_all(&env), None);
    };
    let files = [FILE, RECENT].map(|name| cache.read(name).unwrap_or_default());
    let (previous, full) = decode(&files);
    let done: Vec<(Rendered, Option<Keep>)> = inputs
        .content
        .pages
        .par_iter()
        .map(|page| {
            let key = page_key(site, page);
            if let Some(hit) = previous.hit(&page.source, key) {
                return hit;
            }
            let body = markdown::render(&env, page, &mut HashSet::new());
            let keep = cacheable(&body).then(|| (page.source.clone(), key, body.included.clone(), Body::New));
            (body, keep)
        })
        .collect();
    drop(previous);
    let (bodies, entries) = done.into_iter().unzip();
    (bodies, Some(Kept { files, full, entries }))
}

impl Previous<'_> {
    /// The cached body of `source` when its key matches and its includes are as they were,
    /// with the entry to keep.
    fn hit(&self, source: &str, key: u64) -> Option<(Rendered, Option<Keep>)> {
        // A page edited since the full file was written has its newer body in the recent one.
        let (which, Stored { includes, body, .. }) = [SINCE, FULL]
            .into_iter()
            .find_map(|w| self.entries[w].get(source).filter(|s| s.key == key).map(|s| (w, s)))?;
        if !includes.iter().all(IncludedFile::unchanged) {
            return None;
        }
        let rendered: Rendered = minicbor::decode(body).ok()?;
        // A body that was an error is never written, but a damaged file must not turn into one.
        if !rendered.errors.is_empty() {
            return None;
        }
        let at = body.as_ptr() as usize - self.files[which].as_ptr() as usize;
        let range = at..at + body.len();
        Some((
            rendered,
            Some((source.to_string(), key, includes.clone(), Body::Read(which, range))),
        ))
    }
}

/// The entries of the full and the recent cache file (none of a file that cannot be
/// decoded), and the bytes of the full one's bodies if it could be.
fn decode(files: &[crate::cache::Bytes; 2]) -> (Previous<'_>, Option<usize>) {
    let [full, recent] = files.each_ref().map(|f| minicbor::decode::<Vec<Stored>>(f).ok());
    let read = full.as_ref().map(|list| list.iter().map(|s| s.body.len()).sum());
    let entries = [full, recent].map(|list| {
        list.map(|l| l.into_iter().map(|s| (s.source, s)).collect())
            .unwrap_or_default()
    });
    let previous = Previous {
        files: files.each_ref().map(|f| &**f),
        entries,
    };
    (previous, read)
}

/// Whether `body` can be kept: the cache names included files as UTF-8 paths.
fn cacheable(body: &Rendered) -> bool {
    body.included
        .iter()
        .all(|f| f.named.to_str().is_some() && f.resolved.to_str().is_some())
}

/// The key of one page: the site's fingerprint, the page's file name and its text.
fn page_key(site: u64, page: &crate::content::Page) -> u64 {
    let mut h = Xxh3::new();
    h.update(&site.to_le_bytes());
    h.update(page.file.as_os_str().as_encoded_bytes());
    h.update(&[0]);
    h.update(page.text.as_bytes());
    h.digest()
}

/// A hash of everything outside a page that rendering its Markdown reads; `None` when
/// `quire.toml` cannot be hashed (then nothing is cached).
fn fingerprint(inputs: &Inputs) -> Option<u64> {
    let mut h = Xxh3::new();
    let mut part = |bytes: &[u8]| {
        h.update(&(bytes.len() as u64).to_le_bytes());
        h.update(bytes);
    };
    part(b"quire bodies 1");
    part(&crate::cache::value_hash(inputs.config, &[])?.to_le_bytes());
    let s = inputs.settings;
    part(s.root.as_os_str().as_encoded_bytes());
    part(format!("{:?} {:?} {}", s.heading_ids, s.links, s.glossary).as_bytes());
    part(inputs.base.origin.as_bytes());
    part(inputs.base.path.as_bytes());
    for page in &inputs.content.pages {
        part(page.source.as_bytes());
        part(page.path.as_bytes());
        part(format!("{} {} {} {:?}", page.is_index, page.bundle, page.section, page.prefix).as_bytes());
    }
    for section in &inputs.content.sections {
        part(format!("{section:?}").as_bytes());
    }
    for asset in &inputs.content.assets {
        part(format!("{asset:?}").as_bytes());
    }
    for term in &inputs.glossary.terms {
        part(format!("{term:?}").as_bytes());
    }
    Some(h.digest())
}

/// Renders every page's Markdown in parallel. With `first-per-section`, the pages of one
/// section share which terms are already linked, so a section is rendered in reading order.
fn render_all(env: &Env) -> Vec<Rendered> {
    let content = env.content;
    if env.policy != LinkPolicy::FirstPerSection {
        return content
            .pages
            .par_iter()
            .map(|page| markdown::render(env, page, &mut HashSet::new()))
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
                .map(|&p| (p, markdown::render(env, &content.pages[p], &mut linked)))
                .collect()
        })
        .collect();
    let mut bodies: Vec<Option<Rendered>> = (0..content.pages.len()).map(|_| None).collect();
    for (p, r) in rendered.into_iter().flatten() {
        bodies[p] = Some(r);
    }
    bodies.into_iter().map(Option::unwrap_or_default).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The key of every page depends on the fingerprint: a configuration that could not be
    /// hashed would turn the cache off, so the bundled essay's and the fixtures' must hash.
    #[test]
    fn the_configurations_of_the_repository_sites_hash() {
        let repo = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
        for root in [repo.to_path_buf(), repo.join("tests/fixtures/basic")] {
            let (loaded, errors) = Config::load_all(&root, None);
            assert!(errors.is_empty(), "{errors:?}");
            let (config, _) = loaded.expect("the configuration loads");
            assert!(crate::cache::value_hash(&config, &[]).is_some(), "{}", root.display());
        }
    }
}
