//! The spare: the output a build replaced, kept beside the output folder
//! (`.public.quire-spare`) to be the next build's stage.
//!
//! Without it every build creates a folder and a link for each of its files in a fresh
//! stage and then removes the whole previous tree: on a 10,000-page site most of a rebuild
//! goes to the file system. The spare already holds a tree one build older than the
//! output, so a build only replaces the files that differ and removes the ones that went.
//!
//! The spare is Quire's only while it holds nothing but the files its manifest lists
//! (Quire's) and the user's files it carried over (listed in `.quire-carried`); it carries a
//! `.gitignore` of `*`, so git does not show it. A spare holding anything else is never
//! used or removed: the build stops and says so, like a foreign leftover stage. A build
//! killed while it uses the spare leaves an ordinary stage, which the next build clears.

use super::guard::Guard;
use super::stage::{Kind, LEGACY_TMP, MANIFEST};
use anyhow::{Context, Result, bail};
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// Suffix of the spare beside the output.
pub const SPARE: &str = "quire-spare";
/// The list of the user's files the spare holds (carried over into the output it was).
const CARRIED: &str = ".quire-carried";
/// Keeps the spare out of `git status`.
const IGNORE: &str = ".gitignore";
const IGNORE_TEXT: &str = "# Quire's previous output, kept to make the next build faster: safe to delete.\n*\n";

/// Every file and link under `dir` (not folders), relative and `/`-separated.
fn files_under(dir: &Path) -> Result<Vec<String>> {
    let mut files = Vec::new();
    for entry in walkdir::WalkDir::new(dir).min_depth(1) {
        let entry = entry.with_context(|| format!("cannot read {}", dir.display()))?;
        if entry.file_type().is_dir() {
            continue;
        }
        let rel = entry.path().strip_prefix(dir).unwrap_or(entry.path());
        files.push(rel.to_string_lossy().replace('\\', "/"));
    }
    Ok(files)
}

/// Removes a file; one already gone (or whose folder became a file) is no error.
fn remove_file(path: &Path) -> Result<()> {
    use std::io::ErrorKind::{NotADirectory, NotFound};
    match std::fs::remove_file(path) {
        Err(e) if ![NotFound, NotADirectory].contains(&e.kind()) => {
            Err(e).with_context(|| format!("cannot remove {}", path.display()))
        }
        _ => Ok(()),
    }
}

/// Removes the folders above `rel` in `base` that are left empty.
pub(super) fn remove_empty_parents(base: &Path, rel: &str) {
    let mut dir = rel;
    while let Some((parent, _)) = dir.rsplit_once('/') {
        if std::fs::remove_dir(base.join(parent)).is_err() {
            return;
        }
        dir = parent;
    }
}

/// Makes the previous output at `old`, just swapped out, the spare. `ours` are the files
/// Quire wrote there and `carried` what it carried over. Returns `false`, changing nothing,
/// when `old` holds anything else (a file that appeared in the output during the build),
/// when Quire wrote a `.gitignore` there itself, or when a spare is already in the way.
pub(super) fn keep(guard: &Guard, old: &Path, ours: &BTreeSet<String>, carried: &[(String, Kind)]) -> Result<bool> {
    let spare = guard.sibling(SPARE);
    if spare.exists() || ours.contains(IGNORE) {
        return Ok(false);
    }
    let carried_files: BTreeSet<&str> = carried
        .iter()
        .filter(|(_, k)| *k != Kind::EmptyDir)
        .map(|(r, _)| r.as_str())
        .collect();
    let mut leftovers = Vec::new();
    for rel in files_under(old)? {
        if rel == MANIFEST || ours.contains(&rel) || carried_files.contains(rel.as_str()) {
            continue;
        }
        if rel.ends_with(LEGACY_TMP) {
            leftovers.push(rel);
            continue;
        }
        return Ok(false);
    }
    for rel in leftovers {
        remove_file(&guard.join(old, &rel)?)?;
    }
    // The user's own `.gitignore`, carried over, is a link to theirs: unlinked, not written.
    remove_file(&old.join(IGNORE))?;
    std::fs::write(old.join(IGNORE), IGNORE_TEXT).with_context(|| format!("cannot write {}", old.display()))?;
    let list: String = carried
        .iter()
        .map(|(rel, kind)| format!("{}\t{rel}\n", if *kind == Kind::EmptyDir { "dir" } else { "file" }))
        .collect();
    std::fs::write(old.join(CARRIED), list).with_context(|| format!("cannot write {}", old.display()))?;
    let manifest: String = ours.iter().map(|k| format!("{k}\n")).collect();
    std::fs::write(old.join(MANIFEST), manifest).with_context(|| format!("cannot write {}", old.display()))?;
    std::fs::rename(old, &spare).with_context(|| format!("cannot move {} to {}", old.display(), spare.display()))?;
    Ok(true)
}

/// Moves the spare to `stage` (which must not exist) with only Quire's files left in it,
/// and returns them; `None` when there is no spare.
pub(super) fn take(guard: &Guard, stage: &Path) -> Result<Option<BTreeSet<String>>> {
    let spare = guard.sibling(SPARE);
    if !spare.exists() {
        return Ok(None);
    }
    let foreign = || {
        anyhow::anyhow!(
            "{} holds files Quire did not write; move what you need and delete the folder (it only makes builds faster)",
            spare.display()
        )
    };
    let manifest = std::fs::read_to_string(spare.join(MANIFEST)).map_err(|_| foreign())?;
    let carried_text = std::fs::read_to_string(spare.join(CARRIED)).map_err(|_| foreign())?;
    let ours: BTreeSet<String> = manifest.lines().map(str::to_string).collect();
    let mut carried: BTreeMap<String, bool> = BTreeMap::new();
    for line in carried_text.lines() {
        match line.split_once('\t') {
            Some(("dir", rel)) => carried.insert(rel.to_string(), true),
            Some(("file", rel)) => carried.insert(rel.to_string(), false),
            _ => bail!(foreign()),
        };
    }
    for rel in files_under(&spare)? {
        let known = [MANIFEST, CARRIED, IGNORE].contains(&rel.as_str())
            || ours.contains(&rel)
            || carried.get(&rel) == Some(&false);
        if !known {
            bail!(foreign());
        }
    }
    std::fs::rename(&spare, stage)
        .with_context(|| format!("cannot move {} to {}", spare.display(), stage.display()))?;
    // From here on it is a stage: a kill leaves it for the next build to clear.
    std::fs::write(stage.join(MANIFEST), "").with_context(|| format!("cannot write {}", stage.display()))?;
    remove_file(&stage.join(IGNORE))?;
    remove_file(&stage.join(CARRIED))?;
    // The user's files are carried over again from the output when the build finishes.
    for (rel, is_dir) in carried.iter().rev() {
        let path = guard.join(stage, rel)?;
        if *is_dir {
            let _ = std::fs::remove_dir(&path);
        } else {
            remove_file(&path)?;
        }
        remove_empty_parents(stage, rel);
    }
    Ok(Some(ours))
}

/// Whether two paths are the same file (one inode), so nothing needs doing to make one the other.
#[cfg(unix)]
pub(super) fn same_file(a: &Path, b: &Path) -> bool {
    use std::os::unix::fs::MetadataExt;
    match (std::fs::metadata(a), std::fs::metadata(b)) {
        (Ok(a), Ok(b)) => a.dev() == b.dev() && a.ino() == b.ino(),
        _ => false,
    }
}

#[cfg(not(unix))]
pub(super) fn same_file(_a: &Path, _b: &Path) -> bool {
    false
}

/// Clears the way in a stage made from the spare for the file `rel`: a file of the spare
/// where `rel` needs a folder, or a folder where it is a file.
pub(super) fn clear_way(guard: &Guard, stage: &Path, spare: &BTreeSet<String>, rel: &str) -> Result<()> {
    let mut end = 0;
    while let Some(i) = rel[end..].find('/') {
        end += i;
        let ancestor = &rel[..end];
        if spare.contains(ancestor) {
            remove_file(&guard.join(stage, ancestor)?)?;
        }
        end += 1;
    }
    let folder = format!("{rel}/");
    if spare
        .range(folder.clone()..)
        .next()
        .is_some_and(|k| k.starts_with(&folder))
    {
        let path = guard.join(stage, rel)?;
        if path.is_dir() {
            std::fs::remove_dir_all(&path).with_context(|| format!("cannot remove {}", path.display()))?;
        }
    }
    Ok(())
}

/// Removes a file the spare had that this build does not write.
pub(super) fn remove_stale(guard: &Guard, stage: &Path, rel: &str) -> Result<()> {
    remove_file(&guard.join(stage, rel)?)?;
    remove_empty_parents(stage, rel);
    Ok(())
}
