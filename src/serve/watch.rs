//! Watching the site's sources with notify and a short debounce.

use crate::content::is_ignored_name;
use anyhow::{Context, Result};
use notify::event::ModifyKind;
use notify::{EventKind, RecursiveMode};
use notify_debouncer_full::{DebounceEventResult, Debouncer, RecommendedCache, new_debouncer};
use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::mpsc::Receiver;
use std::sync::{Arc, RwLock};
use std::time::Duration;

/// How long the debouncer waits for related events (an editor's write-temp-then-rename
/// arrives as several) before reporting them as one batch.
pub const DEBOUNCE: Duration = Duration::from_millis(25);

/// The live watcher; dropping it stops watching.
pub struct Watcher {
    debouncer: Debouncer<notify::RecommendedWatcher, RecommendedCache>,
    root: PathBuf,
    watched: Vec<PathBuf>,
    /// Files outside the source folders that pages include (`{{#include ../listings/x.rs}}`).
    extra: Arc<RwLock<HashSet<PathBuf>>>,
    /// Batches of changed paths.
    pub changes: Receiver<Vec<PathBuf>>,
}

/// The folders watched recursively, when they exist.
const SOURCE_DIRS: [&str; 3] = ["site", "themes", "static"];

impl Watcher {
    /// Starts watching source folders created since the last call (a new `themes/`, say),
    /// and watches anew those that `changed` names themselves: a folder moved away and
    /// back, or deleted and written again, is another directory than the one watched, and
    /// a watch that followed it away would keep reporting it under the wrong path.
    pub fn watch_new_folders(&mut self, changed: &[PathBuf]) -> Result<()> {
        for dir in SOURCE_DIRS {
            let d = self.root.join(dir);
            if changed.contains(&d) && self.watched.contains(&d) {
                // The old watch may be gone with the old directory already.
                let _ = self.debouncer.unwatch(&d);
                self.watched.retain(|w| w != &d);
            }
            if d.is_dir() && !self.watched.contains(&d) {
                self.debouncer
                    .watch(&d, RecursiveMode::Recursive)
                    .with_context(|| format!("cannot watch {}", d.display()))?;
                self.watched.push(d);
            }
        }
        Ok(())
    }

    /// Also watches `files` (what pages include) that lie outside the watched folders. Their
    /// folders are watched, not the files, since editors replace a file when saving it.
    pub fn watch_files(&mut self, files: &[PathBuf]) -> Result<()> {
        for file in files {
            if relevant(&self.root, file) {
                continue;
            }
            if let Ok(mut extra) = self.extra.write() {
                extra.insert(file.clone());
            }
            let Some(dir) = file.parent() else { continue };
            if !self.watched.iter().any(|w| w == dir) && dir.is_dir() {
                self.debouncer
                    .watch(dir, RecursiveMode::NonRecursive)
                    .with_context(|| format!("cannot watch {}", dir.display()))?;
                self.watched.push(dir.to_path_buf());
            }
        }
        Ok(())
    }
}

/// Whether a changed path matters to the build: editor leftovers and the output do not.
fn relevant(root: &Path, path: &Path) -> bool {
    let Ok(rel) = path.strip_prefix(root) else { return false };
    let mut parts = rel.components().map(|c| c.as_os_str().to_string_lossy().into_owned());
    let Some(first) = parts.next() else { return false };
    let in_tree = matches!(first.as_str(), "site" | "themes" | "static") || first == crate::config::CONFIG_FILE;
    in_tree
        && !rel
            .components()
            .any(|c| is_ignored_name(&c.as_os_str().to_string_lossy()))
}

/// Watches `quire.toml`, `site/`, `themes/` and `static/` under `root`.
pub fn watch(root: &Path) -> Result<Watcher> {
    let (tx, rx) = std::sync::mpsc::channel();
    let root_owned = root.to_path_buf();
    let extra: Arc<RwLock<HashSet<PathBuf>>> = Arc::default();
    let extra_seen = extra.clone();
    let mut debouncer = new_debouncer(DEBOUNCE, None, move |result: DebounceEventResult| {
        let Ok(events) = result else { return };
        // Reading a file (as every build does) reports access events: only changes count.
        let mut paths: Vec<PathBuf> = events
            .iter()
            .filter(|e| match e.kind {
                EventKind::Create(_) | EventKind::Remove(_) | EventKind::Any => true,
                EventKind::Modify(m) => !matches!(m, ModifyKind::Metadata(_)),
                EventKind::Access(_) | EventKind::Other => false,
            })
            .flat_map(|e| e.paths.iter())
            .filter(|p| relevant(&root_owned, p) || extra_seen.read().is_ok_and(|x| x.contains(*p)))
            .cloned()
            .collect();
        paths.sort();
        paths.dedup();
        if !paths.is_empty() {
            let _ = tx.send(paths);
        }
    })
    .context("cannot start the file watcher")?;
    // The root itself non-recursively (for quire.toml, and folders created later); the
    // source folders recursively. The output folder is never watched.
    debouncer
        .watch(root, RecursiveMode::NonRecursive)
        .with_context(|| format!("cannot watch {}", root.display()))?;
    let mut watcher = Watcher {
        debouncer,
        root: root.to_path_buf(),
        watched: Vec::new(),
        extra,
        changes: rx,
    };
    watcher.watch_new_folders(&[])?;
    Ok(watcher)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_sources_matter() {
        let root = Path::new("/s");
        assert!(relevant(root, Path::new("/s/site/a.md")));
        assert!(relevant(root, Path::new("/s/quire.toml")));
        assert!(relevant(root, Path::new("/s/themes/default/static/style.css")));
        assert!(!relevant(root, Path::new("/s/public/index.html")));
        assert!(!relevant(root, Path::new("/s/site/.a.md.swp")));
        assert!(!relevant(root, Path::new("/s/site/a.md~")));
        assert!(!relevant(root, Path::new("/s/target/x")));
    }
}
