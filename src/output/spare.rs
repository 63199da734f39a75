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
use super::previous::Kind;
use super::stage::{LEGACY_TMP, MANIFEST};
use anyhow::{Context, Result, bail};
use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

/// Suffix of the spare beside the output.
pub const SPARE: &str = "quire-spare";
/// The list of the user's files the spare holds (carried over into the output it was).
const CARRIED: &str = ".quire-carried";
/// Keeps the spare out of `git status`.
const IGNORE: &str = ".gitignore";
const IGNORE_TEXT: &str = "# Quire's previous output, kept to make the next build faster. It may be deleted,\n# unless a build said it holds a file Quire did not write: that file is yours.\n*\n";

/// What a tree holds, relative and `/`-separated: regular files, everything else that is
/// not a folder (symbolic links), and folders.
#[derive(Default)]
struct Tree {
    files: Vec<String>,
    others: Vec<String>,
    folders: Vec<String>,
}

/// The [`Tree`] under `dir`, links not followed.
fn tree_under(dir: &Path) -> Result<Tree> {
    let mut tree = Tree::default();
    for entry in walkdir::WalkDir::new(dir).min_depth(1) {
        let entry = entry.with_context(|| format!("cannot read {}", dir.display()))?;
        let rel = entry.path().strip_prefix(dir).unwrap_or(entry.path());
        let rel = rel.to_string_lossy().replace('\\', "/");
        let kind = entry.file_type();
        if kind.is_dir() {
            tree.folders.push(rel);
        } else if kind.is_file() {
            tree.files.push(rel);
        } else {
            tree.others.push(rel);
        }
    }
    Ok(tree)
}

/// Removes a file; one already gone, whose folder became a file, or that is a folder by now
/// (another thread wrote under it) is no error.
fn remove_file(path: &Path) -> Result<()> {
    use std::io::ErrorKind::{IsADirectory, NotADirectory, NotFound};
    match std::fs::remove_file(path) {
        Err(e) if ![NotFound, NotADirectory, IsADirectory].contains(&e.kind()) => {
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
/// Quire wrote there and `carried` what it carried over. Returns `false` when it cannot be
/// kept, leaving `old` as it was for the ordinary removal: when a name would clash with the
/// spare's own files or cannot be listed, when a spare is already in the way, or on an error.
///
/// `old` is not listed here: the next build lists the spare before it uses it ([`take`]),
/// and stops, naming the file, if it holds anything but what its lists say. A file written
/// into the output while this build ran ends there; listing `old` here as well would cost
/// every build of a 10,000-page site some 60 ms after its output is in place.
pub(super) fn keep(guard: &Guard, old: &Path, ours: &BTreeSet<String>, carried: &[(String, Kind)]) -> bool {
    match try_keep(guard, old, ours, carried) {
        Ok(kept) => kept,
        Err(_) => {
            // What `try_keep` wrote; the user's own `.gitignore`, if any, is in the new output.
            for name in [IGNORE, CARRIED] {
                if let Ok(path) = guard.join(old, name) {
                    let _ = std::fs::remove_file(path);
                }
            }
            false
        }
    }
}

fn try_keep(guard: &Guard, old: &Path, ours: &BTreeSet<String>, carried: &[(String, Kind)]) -> Result<bool> {
    let spare = guard.sibling(SPARE);
    let listable = |rel: &str| !rel.contains(['\n', '\r']);
    if spare.exists()
        || ours.contains(IGNORE)
        || ours.contains(CARRIED)
        || !ours.iter().all(|r| listable(r))
        || carried.iter().any(|(r, _)| r == CARRIED || !listable(r))
    {
        return Ok(false);
    }
    // The spare's own files must not replace one that appeared in the output meanwhile.
    let ignore = guard.join(old, IGNORE)?;
    let ignore_carried = carried.iter().any(|(r, _)| r == IGNORE);
    if guard.join(old, CARRIED)?.symlink_metadata().is_ok() || (ignore.symlink_metadata().is_ok() && !ignore_carried) {
        return Ok(false);
    }
    // The user's own `.gitignore`, carried over, is a link to theirs: unlinked, not written.
    remove_file(&ignore)?;
    std::fs::write(&ignore, IGNORE_TEXT).with_context(|| format!("cannot write {}", ignore.display()))?;
    let list: String = carried
        .iter()
        .map(|(rel, kind)| format!("{}\t{rel}\n", if *kind == Kind::EmptyDir { "dir" } else { "file" }))
        .collect();
    let list_path = guard.join(old, CARRIED)?;
    std::fs::write(&list_path, list).with_context(|| format!("cannot write {}", list_path.display()))?;
    let manifest: String = ours.iter().map(|k| format!("{k}\n")).collect();
    let manifest_path = guard.join(old, MANIFEST)?;
    std::fs::write(&manifest_path, manifest).with_context(|| format!("cannot write {}", manifest_path.display()))?;
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
    let foreign = |what: &str| {
        anyhow::anyhow!(
            "{} {what}; move what you need and delete the folder, or build with --no-cache (the folder only makes builds faster)",
            spare.display()
        )
    };
    let manifest = std::fs::read_to_string(spare.join(MANIFEST))
        .map_err(|_| foreign("is not a spare Quire kept: it has no list of Quire's files"))?;
    let carried_text = std::fs::read_to_string(spare.join(CARRIED))
        .map_err(|_| foreign("is not a spare Quire kept: it has no list of the files it carried"))?;
    let ours: BTreeSet<String> = manifest.lines().map(str::to_string).collect();
    let mut carried: BTreeMap<String, bool> = BTreeMap::new();
    for line in carried_text.lines() {
        match line.split_once('\t') {
            Some(("dir", rel)) => carried.insert(rel.to_string(), true),
            Some(("file", rel)) => carried.insert(rel.to_string(), false),
            _ => bail!(foreign(&format!("has a damaged {CARRIED}"))),
        };
    }
    let tree = tree_under(&spare)?;
    // Temporary files of Quire versions that wrote in place, left in the output by a kill.
    let leftovers: Vec<&String> = tree.files.iter().filter(|rel| rel.ends_with(LEGACY_TMP)).collect();
    for rel in &tree.files {
        let known = [MANIFEST, CARRIED, IGNORE].contains(&rel.as_str())
            || ours.contains(rel)
            || carried.get(rel) == Some(&false)
            || rel.ends_with(LEGACY_TMP);
        if !known {
            bail!(foreign(&format!("holds {rel}, which Quire did not write")));
        }
    }
    // Quire writes only regular files; a link is only there as a carried file of the user's.
    if let Some(rel) = tree.others.iter().find(|rel| carried.get(*rel) != Some(&false)) {
        bail!(foreign(&format!("holds {rel}, a link Quire did not make")));
    }
    std::fs::rename(&spare, stage)
        .with_context(|| format!("cannot move {} to {}", spare.display(), stage.display()))?;
    // From here on it is a stage: a kill leaves it for the next build to clear.
    std::fs::write(guard.join(stage, MANIFEST)?, "").with_context(|| format!("cannot write {}", stage.display()))?;
    remove_file(&guard.join(stage, IGNORE)?)?;
    remove_file(&guard.join(stage, CARRIED)?)?;
    for rel in leftovers {
        remove_file(&guard.join(stage, rel)?)?;
    }
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
    // Folders that hold none of Quire's files go, deepest first, as a fresh stage has none.
    let needed: BTreeSet<&str> = ours
        .iter()
        .flat_map(|rel| rel.match_indices('/').map(move |(i, _)| &rel[..i]))
        .collect();
    for rel in tree.folders.iter().rev() {
        if !needed.contains(rel.as_str()) {
            let _ = std::fs::remove_dir(guard.join(stage, rel)?);
        }
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

/// Whether two files' metadata name one inode.
#[cfg(unix)]
pub(super) fn same_inode(a: &std::fs::Metadata, b: &std::fs::Metadata) -> bool {
    use std::os::unix::fs::MetadataExt;
    a.dev() == b.dev() && a.ino() == b.ino()
}

#[cfg(not(unix))]
pub(super) fn same_inode(_a: &std::fs::Metadata, _b: &std::fs::Metadata) -> bool {
    false
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
        // Once a first file went under it, another thread finds a folder there already.
        if spare.contains(ancestor) {
            let path = guard.join(stage, ancestor)?;
            if std::fs::symlink_metadata(&path).is_ok_and(|m| !m.is_dir()) {
                remove_file(&path)?;
            }
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
        if std::fs::symlink_metadata(&path).is_ok_and(|m| m.is_dir()) {
            std::fs::remove_dir_all(&path).with_context(|| format!("cannot remove {}", path.display()))?;
        }
    }
    Ok(())
}

/// Removes a file the spare had that this build does not write.
pub(super) fn remove_stale(guard: &Guard, stage: &Path, rel: &str) -> Result<()> {
    let path = guard.join(stage, rel)?;
    // A file of the spare that became a folder of this build stays.
    if std::fs::symlink_metadata(&path).is_ok_and(|m| m.is_dir()) {
        return Ok(());
    }
    remove_file(&path)?;
    remove_empty_parents(stage, rel);
    Ok(())
}
