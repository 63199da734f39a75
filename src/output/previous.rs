//! The output folder as the previous build left it: the files Quire wrote there (its
//! manifest says which) and everything else, which a build carries over untouched and never
//! writes over.

use super::stage::{LEGACY_TMP, MANIFEST};
use crate::diagnostics::Diagnostic;
use anyhow::{Context, Result, bail};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

/// What the output folder held before this build.
#[derive(Default)]
pub(super) struct Previous {
    /// Files the previous build wrote (listed in its manifest and present).
    pub(super) ours: BTreeSet<String>,
    /// Files, links and empty folders that Quire did not write: carried over untouched.
    pub(super) theirs: Vec<(String, Kind)>,
    /// Folders holding something of theirs.
    pub(super) their_dirs: BTreeSet<String>,
    /// Every manifest entry, present or not (to count removals).
    pub(super) manifest: BTreeSet<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Kind {
    File,
    Link,
    EmptyDir,
}

/// Reads the previous output: what Quire wrote, and everything else.
pub(super) fn scan(out: &Path) -> Result<Previous> {
    let mut previous = Previous::default();
    if !out.exists() {
        return Ok(previous);
    }
    if !out.is_dir() {
        bail!("the output path {} is a file, not a folder", out.display());
    }
    if let Ok(text) = std::fs::read_to_string(out.join(MANIFEST)) {
        previous.manifest = text.lines().map(str::to_string).collect();
    }
    // A folder is empty when the walk's next entry is not inside it (folders come before
    // what they hold), which saves opening every folder twice.
    let mut last_dir: Option<(PathBuf, String)> = None;
    let empty_dir = |previous: &mut Previous, last: Option<(PathBuf, String)>, next: Option<&Path>| {
        if let Some((path, rel)) = last
            && next.is_none_or(|n| n.parent() != Some(path.as_path()))
            && !previous.manifest.iter().any(|m| m.starts_with(&format!("{rel}/")))
        {
            previous.theirs.push((rel, Kind::EmptyDir));
        }
    };
    for entry in walkdir::WalkDir::new(out).min_depth(1).sort_by_file_name() {
        let entry = entry.with_context(|| format!("cannot read the output folder {}", out.display()))?;
        empty_dir(&mut previous, last_dir.take(), Some(entry.path()));
        let rel = entry.path().strip_prefix(out).unwrap_or(entry.path());
        let rel = rel.to_string_lossy().replace('\\', "/");
        let kind = entry.file_type();
        if rel == MANIFEST || (kind.is_file() && rel.ends_with(LEGACY_TMP)) {
            continue;
        }
        if kind.is_dir() {
            last_dir = Some((entry.path().to_path_buf(), rel));
            continue;
        }
        if kind.is_file() && previous.manifest.contains(&rel) {
            previous.ours.insert(rel);
            continue;
        }
        previous
            .theirs
            .push((rel, if kind.is_symlink() { Kind::Link } else { Kind::File }));
    }
    empty_dir(&mut previous, last_dir, None);
    for (rel, _) in &previous.theirs {
        let mut dir = rel.as_str();
        while let Some((parent, _)) = dir.rsplit_once('/') {
            previous.their_dirs.insert(parent.to_string());
            dir = parent;
        }
    }
    Ok(previous)
}

/// Paths where the new build and the files Quire did not write would overlap.
pub(super) fn conflicts(paths: &BTreeSet<String>, previous: &Previous, out: &Path) -> Vec<Diagnostic> {
    let mut found = Vec::new();
    let hint = "Quire never replaces what it did not write: move or delete it, or build into another folder";
    for (rel, kind) in &previous.theirs {
        let folder = format!("{rel}/");
        let inside = paths.range(folder.clone()..).next().filter(|k| k.starts_with(&folder));
        let clash = match (paths.contains(rel), inside) {
            (true, _) => Some(format!(
                "the build writes `{rel}`, where the output folder holds a {} that Quire did not write",
                describe(*kind)
            )),
            (_, Some(k)) if *kind != Kind::EmptyDir => Some(format!(
                "the build writes `{k}`, which needs `{rel}` to be a folder, but it is a {} that Quire did not write",
                describe(*kind)
            )),
            _ => None,
        };
        if let Some(message) = clash {
            found.push(Diagnostic::error(out.join(rel), 0, 0, message).with_hint(hint));
        }
    }
    for dir in &previous.their_dirs {
        if paths.contains(dir) {
            found.push(
                Diagnostic::error(
                    out.join(dir),
                    0,
                    0,
                    format!("the build writes the file `{dir}`, where the output folder holds a folder with files Quire did not write"),
                )
                .with_hint(hint),
            );
        }
    }
    found
}

fn describe(kind: Kind) -> &'static str {
    match kind {
        Kind::File => "file",
        Kind::Link => "symbolic link",
        Kind::EmptyDir => "folder",
    }
}
