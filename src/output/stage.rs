//! Writing a build: everything goes into a stage folder beside the output folder, which
//! then replaces the output in one step.
//!
//! The stage (`.public.quire-stage`, on the same file system as `public/`) receives every
//! file of the new build: unchanged files as hard links to the previous ones (so their
//! inode and modification time stay), changed files written afresh, and every entry of the
//! output folder that Quire did not write (its manifest says which) carried over untouched.
//! On Linux `renameat2(RENAME_EXCHANGE)` then swaps the stage and the output atomically;
//! elsewhere two renames do it, and the next build repairs a kill between them. Whatever
//! moment a build is killed at, the output folder is exactly the previous build or exactly
//! the new one, and the next build removes the leftover stage.

use super::files::{create_parent, holds, link_or_copy, remove_if_there, symlink, verified};
use super::guard::Guard;
use super::previous::{Kind, Previous, conflicts, scan};
use super::spare;
use super::stamps::Stamps;
use super::{FileSource, WriteStats};
use crate::diagnostics::BuildError;
use anyhow::{Context, Result, bail};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

/// The list of files the last build wrote, kept in the output folder.
pub const MANIFEST: &str = ".quire-manifest";
/// Suffix of the stage folder beside the output.
const STAGE: &str = "quire-stage";
/// Suffix of the previous output while two plain renames swap (systems without an exchange).
const OLD: &str = "quire-old";
/// Temporary files of Quire versions that wrote in place; left behind only by a killed build.
pub(super) const LEGACY_TMP: &str = ".quire-tmp";

/// Whether a leftover stage is Quire's own: it has a manifest, or holds no file at all.
fn is_ours(dir: &Path) -> bool {
    dir.join(MANIFEST).is_file()
        || walkdir::WalkDir::new(dir)
            .into_iter()
            .all(|e| e.is_ok_and(|e| e.file_type().is_dir()))
}

/// Undoes what a killed build left: a stage, or an output moved aside mid-swap.
fn recover(guard: &Guard) -> Result<()> {
    let out = guard.out();
    let old = guard.sibling(OLD);
    if old.exists() {
        if !is_ours(&old) {
            bail!(
                "{} holds files Quire did not write; move them and delete the folder",
                old.display()
            );
        }
        if out.exists() {
            std::fs::remove_dir_all(&old).with_context(|| format!("cannot remove {}", old.display()))?;
        } else {
            // Killed between the two renames: the previous build goes back in place.
            std::fs::rename(&old, out).with_context(|| format!("cannot restore {}", out.display()))?;
        }
    }
    let stage = guard.sibling(STAGE);
    if stage.exists() {
        if !is_ours(&stage) {
            bail!(
                "{} is left from an earlier build but holds files Quire did not write (they appeared in the output folder during that build); move what you need and delete the folder",
                stage.display()
            );
        }
        std::fs::remove_dir_all(&stage).with_context(|| format!("cannot remove {}", stage.display()))?;
    }
    Ok(())
}

/// Writes one file of the build into the stage; `true` when its bytes are new. `spare` is
/// what the stage held from the spare: such a file may be the previous output's own (one
/// inode), so it is replaced, never written into.
fn stage_file(
    guard: &Guard,
    stage: &Path,
    previous: &Previous,
    spare: Option<&BTreeSet<String>>,
    stamps: Option<&Stamps>,
    rel: &str,
    source: &FileSource,
) -> Result<bool> {
    let target = guard.join(stage, rel)?;
    let bytes = match source {
        FileSource::Bytes(b) => std::borrow::Cow::Borrowed(b.as_slice()),
        FileSource::Copy(from) => {
            std::borrow::Cow::Owned(std::fs::read(from).with_context(|| format!("cannot read {}", from.display()))?)
        }
    };
    if previous.ours.contains(rel) {
        let old = guard.join(guard.out(), rel)?;
        let held = match stamps {
            Some(s) => {
                let (hash, len) = (xxhash_rust::xxh3::xxh3_64(&bytes), bytes.len() as u64);
                if staged_already(guard, stage, spare, s, rel, hash, len)? {
                    return Ok(false);
                }
                s.trusted(rel, &old, hash, len)
                    .or_else(|| holds(&old, &bytes).inspect(|meta| s.record(rel, hash, len, meta)))
            }
            None => holds(&old, &bytes),
        };
        if let Some(meta) = held {
            // A rebuild's common case: the stage, made from the spare, has this very file.
            let already = spare.is_some_and(|s| s.contains(rel))
                && std::fs::symlink_metadata(&target).is_ok_and(|t| t.is_file() && spare::same_inode(&t, &meta));
            if !already {
                let in_spare = prepare(guard, stage, spare, rel, &target)?;
                keep_previous(&old, &target, in_spare)?;
            }
            return Ok(false);
        }
    }
    if prepare(guard, stage, spare, rel, &target)? {
        remove_if_there(&target)?;
    }
    std::fs::write(&target, &bytes).with_context(|| format!("cannot write {}", target.display()))?;
    Ok(true)
}

/// Whether the stage, made from the spare, holds at `rel` the very file its stamp vouches for
/// as `len` bytes hashing to `hash`, untouched since: the common case of a rebuild, where
/// the file is one inode with the previous output's and nothing needs doing, not even a
/// look at the output.
fn staged_already(
    guard: &Guard,
    stage: &Path,
    spare: Option<&BTreeSet<String>>,
    stamps: &Stamps,
    rel: &str,
    hash: u64,
    len: u64,
) -> Result<bool> {
    if !spare.is_some_and(|s| s.contains(rel)) {
        return Ok(false);
    }
    Ok(stamps.trusted(rel, &guard.join(stage, rel)?, hash, len).is_some())
}

/// Readies `target` (the stage's `rel`) to be written; `true` when the spare left a file there.
fn prepare(guard: &Guard, stage: &Path, spare: Option<&BTreeSet<String>>, rel: &str, target: &Path) -> Result<bool> {
    let Some(spare) = spare else {
        create_parent(target)?;
        return Ok(false);
    };
    spare::clear_way(guard, stage, spare, rel)?;
    create_parent(target)?;
    // Not `is_file`, which follows links: only a regular file the spare left is Quire's.
    Ok(spare.contains(rel) && std::fs::symlink_metadata(target).is_ok_and(|m| m.is_file()))
}

/// Makes the stage's `target` the previous output's file `old`.
fn keep_previous(old: &Path, target: &Path, in_spare: bool) -> Result<()> {
    if in_spare {
        if spare::same_file(old, target) {
            return Ok(());
        }
        remove_if_there(target)?;
    }
    link_or_copy(old, target)
}

/// Carries one entry Quire did not write from the output into the stage.
fn carry_over(guard: &Guard, stage: &Path, rel: &str, kind: Kind) -> Result<()> {
    let from = guard.join(guard.out(), rel)?;
    let to = guard.join(stage, rel)?;
    create_parent(&to)?;
    match kind {
        Kind::EmptyDir => std::fs::create_dir_all(&to).with_context(|| format!("cannot create {}", to.display())),
        Kind::File => link_or_copy(&from, &to),
        Kind::Link => {
            let target = std::fs::read_link(&from).with_context(|| format!("cannot read {}", from.display()))?;
            symlink(&target, &to).with_context(|| format!("cannot create {}", to.display()))
        }
    }
}

/// Swaps the finished stage with the output folder. Returns where the previous output now is.
fn swap(guard: &Guard, stage: &Path) -> Result<Option<PathBuf>> {
    let out = guard.out();
    if !out.exists() {
        std::fs::rename(stage, out).with_context(|| format!("cannot move the build into {}", out.display()))?;
        return Ok(None);
    }
    if exchange(stage, out)? {
        return Ok(Some(stage.to_path_buf()));
    }
    let old = guard.sibling(OLD);
    std::fs::rename(out, &old).with_context(|| format!("cannot move {} aside", out.display()))?;
    std::fs::rename(stage, out).with_context(|| format!("cannot move the build into {}", out.display()))?;
    Ok(Some(old))
}

/// Atomically exchanges two folders; `false` where the system cannot.
#[cfg(target_os = "linux")]
fn exchange(a: &Path, b: &Path) -> Result<bool> {
    use std::os::unix::ffi::OsStrExt;
    let a_c = std::ffi::CString::new(a.as_os_str().as_bytes())?;
    let b_c = std::ffi::CString::new(b.as_os_str().as_bytes())?;
    // SAFETY: both are valid NUL-terminated paths, resolved against the current directory.
    let rc = unsafe {
        libc::renameat2(
            libc::AT_FDCWD,
            a_c.as_ptr(),
            libc::AT_FDCWD,
            b_c.as_ptr(),
            libc::RENAME_EXCHANGE,
        )
    };
    if rc == 0 {
        return Ok(true);
    }
    let err = std::io::Error::last_os_error();
    match err.raw_os_error() {
        // Kernels or file systems without the flag: fall back to two renames.
        Some(libc::EINVAL) | Some(libc::ENOSYS) | Some(libc::EOPNOTSUPP) => Ok(false),
        _ => Err(err).with_context(|| format!("cannot swap {} into {}", a.display(), b.display())),
    }
}

#[cfg(not(target_os = "linux"))]
fn exchange(_a: &Path, _b: &Path) -> Result<bool> {
    Ok(false)
}

/// Removes the previous output once swapped out: only what Quire wrote or carried over
/// (and the manifest last, so a build killed now still finds the folder is its own).
fn remove_previous(guard: &Guard, old: &Path, previous: &Previous) -> Result<()> {
    let entries = previous.ours.iter().map(String::as_str).chain(
        previous
            .theirs
            .iter()
            .filter(|(_, k)| *k != Kind::EmptyDir)
            .map(|(r, _)| r.as_str()),
    );
    for rel in entries {
        let path = guard.join(old, rel)?;
        std::fs::remove_file(&path).with_context(|| format!("cannot remove {}", path.display()))?;
    }
    for entry in walkdir::WalkDir::new(old).min_depth(1).into_iter().flatten() {
        if entry.file_type().is_file() && entry.file_name().to_string_lossy().ends_with(LEGACY_TMP) {
            let _ = std::fs::remove_file(entry.path());
        }
    }
    let _ = std::fs::remove_file(old.join(MANIFEST));
    for entry in walkdir::WalkDir::new(old).contents_first(true).into_iter().flatten() {
        if entry.file_type().is_dir() {
            // Only empty folders go; anything that appeared meanwhile stays.
            let _ = std::fs::remove_dir(entry.path());
        }
    }
    Ok(())
}

/// A build being written: files go into the stage as they are rendered, so a build never
/// holds its whole output in memory, and [`Stage::finish`] swaps the stage in. Dropped
/// unfinished (an error anywhere in the build), it removes the stage again, so the output
/// folder and its parent are as before.
pub struct Stage<'g> {
    guard: &'g Guard,
    dir: PathBuf,
    previous: Previous,
    /// Every path written so far: the new manifest, and what conflicts are checked against.
    paths: Mutex<BTreeSet<String>>,
    /// Quire's files the stage already held, when it was made from the spare.
    spare: Option<BTreeSet<String>>,
    /// Whether the replaced output becomes the next build's spare (else it is removed).
    keep_spare: bool,
    written: AtomicUsize,
    unchanged: AtomicUsize,
    finished: bool,
    /// What the last build saw of its files, to trust unchanged ones without reading them.
    stamps: Option<Stamps>,
}

impl<'g> Stage<'g> {
    /// Clears what a killed build left, reads the previous output and creates the stage.
    /// With `use_spare`, the stage is made from the spare (see `spare.rs`) when there is one,
    /// and the output it replaces becomes the next spare.
    pub fn open(guard: &'g Guard, use_spare: bool) -> Result<Stage<'g>> {
        recover(guard)?;
        let dir = guard.sibling(STAGE);
        // Two trees, read apart: each walk is a thread's worth of system calls.
        let (previous, spare) = std::thread::scope(|scope| {
            let previous = scope.spawn(|| scan(guard.out()));
            let spare = if use_spare { spare::take(guard, &dir) } else { Ok(None) };
            let previous = previous
                .join()
                .unwrap_or_else(|_| Err(anyhow::anyhow!("reading the output folder crashed")));
            (previous, spare)
        });
        let previous = previous?;
        let spare = spare?;
        let stage = Stage {
            guard,
            dir,
            previous,
            paths: Mutex::default(),
            spare,
            keep_spare: use_spare,
            written: AtomicUsize::new(0),
            unchanged: AtomicUsize::new(0),
            finished: false,
            stamps: None,
        };
        if stage.spare.is_none() {
            std::fs::create_dir_all(&stage.dir).with_context(|| format!("cannot create {}", stage.dir.display()))?;
        }
        // The output keeps its folder's permissions, whichever tree becomes it.
        if let Ok(meta) = std::fs::metadata(guard.out()) {
            let _ = std::fs::set_permissions(&stage.dir, meta.permissions());
        }
        if stage.spare.is_some() {
            return Ok(stage);
        }
        // The manifest goes first, empty: it marks the stage as Quire's for the next build to
        // clear. `finish` writes the full list.
        std::fs::write(stage.dir.join(MANIFEST), "")
            .with_context(|| format!("cannot write {}", stage.dir.display()))?;
        Ok(stage)
    }

    /// The output folder this stage will replace.
    pub fn out(&self) -> &Path {
        self.guard.out()
    }

    /// Writes one file of the build into the stage (unchanged bytes as a hard link to the
    /// previous file).
    pub fn put(&self, rel: &str, source: &FileSource) -> Result<()> {
        let new = stage_file(
            self.guard,
            &self.dir,
            &self.previous,
            self.spare.as_ref(),
            self.stamps.as_ref(),
            rel,
            source,
        )?;
        let counter = if new { &self.written } else { &self.unchanged };
        counter.fetch_add(1, Ordering::Relaxed);
        self.paths
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .insert(rel.to_string());
        Ok(())
    }

    /// Puts the previous build's file at `rel` into the stage unchanged, if it is still the
    /// file Quire wrote: `len` bytes whose xxh3 hash is `hash` (so a file edited in the
    /// output since is never kept). `false` when it is not; the caller then renders it.
    pub fn reuse(&self, rel: &str, hash: u64, len: u64) -> Result<bool> {
        if !self.previous.ours.contains(rel) {
            return Ok(false);
        }
        let stamps = self.stamps.as_ref();
        if let Some(s) = stamps
            && staged_already(self.guard, &self.dir, self.spare.as_ref(), s, rel, hash, len)?
        {
            self.kept_unchanged(rel);
            return Ok(true);
        }
        let old = self.guard.join(self.guard.out(), rel)?;
        let meta = match stamps.and_then(|s| s.trusted(rel, &old, hash, len)) {
            Some(meta) => meta,
            None => {
                let Some(meta) = verified(&old, hash, len) else {
                    return Ok(false);
                };
                if let Some(s) = stamps {
                    s.record(rel, hash, len, &meta);
                }
                meta
            }
        };
        let target = self.guard.join(&self.dir, rel)?;
        // The common case of a rebuild: the stage, made from the spare, holds this very file
        // already (one inode with the output's), so there is nothing to do.
        let already = self.spare.as_ref().is_some_and(|s| s.contains(rel))
            && std::fs::symlink_metadata(&target).is_ok_and(|t| t.is_file() && spare::same_inode(&t, &meta));
        if !already {
            let in_spare = prepare(self.guard, &self.dir, self.spare.as_ref(), rel, &target)?;
            keep_previous(&old, &target, in_spare)?;
        }
        self.kept_unchanged(rel);
        Ok(true)
    }

    /// Counts `rel` as the previous build's file, kept unchanged, and lists it as this build's.
    fn kept_unchanged(&self, rel: &str) {
        self.unchanged.fetch_add(1, Ordering::Relaxed);
        self.paths
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .insert(rel.to_string());
    }

    /// Trusts the previous output's files that `cache`'s stamps vouch for (see `stamps.rs`),
    /// and leaves stamps there for the next build.
    pub fn use_stamps(&mut self, cache: &crate::cache::Cache) {
        let out = self.guard.out();
        let probe = if out.exists() { out } else { out.parent().unwrap_or(out) };
        if super::stamps::trustworthy_times(probe) {
            self.stamps = Some(Stamps::load(cache));
        }
    }

    /// Checks the build against what Quire did not write, carries that over, swaps the stage
    /// in and removes the previous output.
    pub fn finish(mut self) -> Result<WriteStats> {
        let paths = std::mem::take(self.paths.get_mut().unwrap_or_else(std::sync::PoisonError::into_inner));
        let out = self.guard.out();
        let clashes = conflicts(&paths, &self.previous, out);
        if !clashes.is_empty() {
            return Err(BuildError::new(clashes).into());
        }
        let manifest: String = paths.iter().map(|k| format!("{k}\n")).collect();
        std::fs::write(self.dir.join(MANIFEST), manifest)
            .with_context(|| format!("cannot write {}", self.dir.display()))?;
        if let Some(spare) = &self.spare {
            for rel in spare.difference(&paths) {
                spare::remove_stale(self.guard, &self.dir, rel)?;
            }
        }
        for (rel, kind) in &self.previous.theirs {
            carry_over(self.guard, &self.dir, rel, *kind)?;
        }
        let mut stats = WriteStats {
            written: self.written.load(Ordering::Relaxed),
            unchanged: self.unchanged.load(Ordering::Relaxed),
            removed: self.previous.manifest.iter().filter(|m| !paths.contains(*m)).count(),
            kept_aside: None,
        };
        // From the swap on, the stage is the output: nothing may remove it any more.
        self.finished = true;
        let swapped = swap(self.guard, &self.dir)?;
        if let Some(stamps) = self.stamps.take() {
            stamps.save();
        }
        if let Some(old) = swapped {
            if self.keep_spare && spare::keep(self.guard, &old, &self.previous.ours, &self.previous.theirs) {
                return Ok(stats);
            }
            remove_previous(self.guard, &old, &self.previous)?;
            if std::fs::remove_dir(&old).is_err() && old.exists() {
                stats.kept_aside = Some(old);
            }
        }
        Ok(stats)
    }
}

impl Drop for Stage<'_> {
    fn drop(&mut self) {
        if !self.finished {
            let _ = std::fs::remove_dir_all(&self.dir);
        }
    }
}
