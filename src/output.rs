//! Stage 6: the rendered site in memory, and writing it to the output folder.
//!
//! Everything is rendered before anything is written, so a failed build leaves
//! the previous output as it was. Writing skips files whose bytes did not change
//! and removes files that an earlier build wrote and this one did not, which it
//! knows from a manifest; it never deletes anything it did not write.

use anyhow::{Context, Result, bail};
use rayon::prelude::*;
use std::collections::{BTreeMap, BTreeSet};
use std::path::{Component, Path, PathBuf};

/// The list of files the last build wrote, kept in the output folder.
pub const MANIFEST: &str = ".quire-manifest";

/// The content of one output file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FileSource {
    /// Rendered bytes, shared so that an output can be cloned cheaply (the dev server
    /// patches a copy of the last output after an incremental rebuild).
    Bytes(std::sync::Arc<Vec<u8>>),
    /// A file on disk copied as it is (static files, images).
    Copy(PathBuf),
}

/// Every file of a built site, by path relative to the output root (`/`-separated).
#[derive(Debug, Clone, Default)]
pub struct Output {
    /// The files, sorted by path so writing and listing are deterministic.
    pub files: BTreeMap<String, FileSource>,
}

/// What a write did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct WriteStats {
    /// Files created or changed.
    pub written: usize,
    /// Files left alone because their bytes were already right.
    pub unchanged: usize,
    /// Files of the previous build that no longer exist.
    pub removed: usize,
}

impl Output {
    /// Adds rendered bytes at `path`.
    pub fn insert(&mut self, path: String, bytes: Vec<u8>) {
        self.files.insert(path, FileSource::Bytes(std::sync::Arc::new(bytes)));
    }

    /// Adds a file to copy at `path`.
    pub fn copy(&mut self, path: String, from: PathBuf) {
        self.files.insert(path, FileSource::Copy(from));
    }

    /// Reads the bytes of one file (copied files are read from disk).
    pub fn read(&self, path: &str) -> Option<std::io::Result<Vec<u8>>> {
        self.files.get(path).map(|f| match f {
            FileSource::Bytes(b) => Ok(b.to_vec()),
            FileSource::Copy(p) => std::fs::read(p),
        })
    }

    /// Adds every file under `dir` (the site's `static/`), at the same relative path.
    pub fn add_dir(&mut self, dir: &Path) -> Result<()> {
        if !dir.is_dir() {
            return Ok(());
        }
        for entry in walkdir::WalkDir::new(dir).sort_by_file_name() {
            let entry = entry.with_context(|| format!("cannot read {}", dir.display()))?;
            let name = entry.file_name().to_string_lossy();
            if !entry.file_type().is_file() || crate::content::is_ignored_name(&name) {
                continue;
            }
            let rel = entry.path().strip_prefix(dir).unwrap_or(entry.path());
            let rel = rel.to_string_lossy().replace('\\', "/");
            self.copy(rel, entry.into_path());
        }
        Ok(())
    }
}

/// Refuses output folders whose cleaning could touch the site's own files.
fn check_output_dir(root: &Path, out: &Path) -> Result<()> {
    let canon = |p: &Path| p.canonicalize().unwrap_or_else(|_| p.to_path_buf());
    let root = canon(root);
    let out_abs = if out.exists() {
        canon(out)
    } else {
        std::path::absolute(out).unwrap_or_else(|_| out.to_path_buf())
    };
    if root.starts_with(&out_abs) {
        bail!(
            "the output folder {} contains the site itself; choose a folder of its own, such as public/",
            out.display()
        );
    }
    for source in ["site", "themes", "static"] {
        if out_abs.starts_with(root.join(source)) {
            bail!(
                "the output folder {} is inside the site's {source}/ folder; choose one outside it, such as public/",
                out.display()
            );
        }
    }
    Ok(())
}

/// Rejects output paths that could escape the output folder.
fn safe_relative(path: &str) -> Result<PathBuf> {
    let p = Path::new(path);
    if path.is_empty() || !p.components().all(|c| matches!(c, Component::Normal(_))) {
        bail!("refusing to write outside the output folder: `{path}`");
    }
    Ok(p.to_path_buf())
}

/// Writes `output` into `out_dir`; see the module documentation for what is kept and removed.
pub fn write(output: &Output, root: &Path, out_dir: &Path) -> Result<WriteStats> {
    check_output_dir(root, out_dir)?;
    std::fs::create_dir_all(out_dir)
        .with_context(|| format!("cannot create the output folder {}", out_dir.display()))?;
    let results: Vec<Result<bool>> = output
        .files
        .par_iter()
        .map(|(path, source)| {
            let target = out_dir.join(safe_relative(path)?);
            let bytes = match source {
                FileSource::Bytes(b) => std::borrow::Cow::Borrowed(b.as_slice()),
                FileSource::Copy(from) => std::borrow::Cow::Owned(
                    std::fs::read(from).with_context(|| format!("cannot read {}", from.display()))?,
                ),
            };
            if let Ok(meta) = std::fs::symlink_metadata(&target) {
                if meta.is_file()
                    && meta.len() == bytes.len() as u64
                    && std::fs::read(&target).is_ok_and(|old| old == *bytes)
                {
                    return Ok(false);
                }
                if meta.is_dir() {
                    std::fs::remove_dir_all(&target).ok();
                }
            }
            if let Some(parent) = target.parent() {
                std::fs::create_dir_all(parent).with_context(|| format!("cannot create {}", parent.display()))?;
            }
            // Write beside the target and rename, so a reader never sees half a file.
            let tmp = target.with_file_name(format!(
                ".{}.quire-tmp",
                target.file_name().map(|n| n.to_string_lossy()).unwrap_or_default()
            ));
            std::fs::write(&tmp, &bytes).with_context(|| format!("cannot write {}", tmp.display()))?;
            std::fs::rename(&tmp, &target).with_context(|| format!("cannot write {}", target.display()))?;
            Ok(true)
        })
        .collect();
    let mut stats = WriteStats::default();
    for r in results {
        if r? {
            stats.written += 1;
        } else {
            stats.unchanged += 1;
        }
    }
    let manifest_path = out_dir.join(MANIFEST);
    let previous: BTreeSet<String> = std::fs::read_to_string(&manifest_path)
        .map(|t| t.lines().map(str::to_string).collect())
        .unwrap_or_default();
    for stale in previous.iter().filter(|p| !output.files.contains_key(*p)) {
        let Ok(rel) = safe_relative(stale) else { continue };
        let target = out_dir.join(&rel);
        if std::fs::symlink_metadata(&target).is_ok_and(|m| m.is_file() || m.is_symlink()) {
            std::fs::remove_file(&target).with_context(|| format!("cannot remove {}", target.display()))?;
            stats.removed += 1;
            // Remove folders the stale file leaves empty, never the output folder itself.
            let mut dir = target.parent();
            while let Some(d) = dir {
                if d == out_dir || std::fs::remove_dir(d).is_err() {
                    break;
                }
                dir = d.parent();
            }
        }
    }
    let manifest: String = output.files.keys().map(|k| format!("{k}\n")).collect();
    std::fs::write(&manifest_path, manifest).with_context(|| format!("cannot write {}", manifest_path.display()))?;
    Ok(stats)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn temp(name: &str) -> PathBuf {
        let d = std::env::temp_dir().join(format!("quire-output-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&d);
        std::fs::create_dir_all(&d).unwrap();
        d
    }

    #[test]
    fn writes_skips_unchanged_and_removes_only_its_own_stale_files() {
        let root = temp("root");
        let out = root.join("public");
        std::fs::create_dir_all(&out).unwrap();
        std::fs::write(out.join("keep-me.txt"), "user file").unwrap();
        let mut o = Output::default();
        o.insert("a/index.html".into(), b"A".to_vec());
        o.insert("b/index.html".into(), b"B".to_vec());
        let s = write(&o, &root, &out).unwrap();
        assert_eq!((s.written, s.unchanged, s.removed), (2, 0, 0));

        let mut o2 = Output::default();
        o2.insert("a/index.html".into(), b"A".to_vec());
        let s = write(&o2, &root, &out).unwrap();
        assert_eq!((s.written, s.unchanged, s.removed), (0, 1, 1));
        assert!(!out.join("b").exists(), "emptied folder is removed");
        assert!(out.join("keep-me.txt").exists(), "files Quire did not write are kept");
    }

    #[test]
    fn refuses_dangerous_output_folders() {
        let root = temp("danger");
        std::fs::create_dir_all(root.join("site")).unwrap();
        let o = Output::default();
        assert!(write(&o, &root, &root).is_err());
        assert!(write(&o, &root, &root.join("site/out")).is_err());
        assert!(write(&o, &root, root.parent().unwrap()).is_err());
    }

    #[test]
    fn rejects_escaping_paths() {
        assert!(safe_relative("../x").is_err());
        assert!(safe_relative("/etc/x").is_err());
        assert!(safe_relative("a/./b").is_ok());
        assert!(safe_relative("").is_err());
    }
}
