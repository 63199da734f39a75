//! Collecting the files of the content folder: symbolic links are followed, but a link that
//! loops or leads out of the project is an error naming it; one unreadable entry is reported
//! and the walk goes on, so a single run lists every problem.

use super::is_ignored_name;
use crate::diagnostics::{Diagnostic, display_path};
use std::path::{Path, PathBuf};

/// The files found under the content folder.
#[derive(Debug, Default)]
pub struct Files {
    /// Markdown files: (path on disk, path inside the content folder with `/`).
    pub markdown: Vec<(PathBuf, String)>,
    /// Every other file, the same way.
    pub other: Vec<(PathBuf, String)>,
    /// Entries that could not be read or may not be followed.
    pub errors: Vec<Diagnostic>,
}

/// Walks `dir` (the content folder under `root`) in file-name order.
pub fn collect(root: &Path, dir: &Path) -> Files {
    let mut files = Files::default();
    let project = root.canonicalize().unwrap_or_else(|_| root.to_path_buf());
    let mut walker = walkdir::WalkDir::new(dir)
        .follow_links(true)
        .sort_by_file_name()
        .into_iter();
    while let Some(entry) = walker.next() {
        let entry = match entry {
            Ok(entry) => entry,
            Err(e) => {
                files.errors.push(walk_error(root, &e));
                continue;
            }
        };
        let is_dir = entry.file_type().is_dir();
        if entry.depth() > 0 && is_ignored_name(&entry.file_name().to_string_lossy()) {
            if is_dir {
                walker.skip_current_dir();
            }
            continue;
        }
        if entry.path_is_symlink()
            && let Ok(target) = entry.path().canonicalize()
            && !target.starts_with(&project)
        {
            files.errors.push(
                Diagnostic::error(
                    display_path(root, entry.path()),
                    0,
                    0,
                    format!(
                        "this symbolic link points to `{}`, outside the project",
                        target.display()
                    ),
                )
                .with_hint("copy the files into the project, or point the link at a folder inside it"),
            );
            if is_dir {
                walker.skip_current_dir();
            }
            continue;
        }
        if !entry.file_type().is_file() {
            continue;
        }
        let Some(rel) = entry.path().strip_prefix(dir).ok().and_then(|p| p.to_str()) else {
            files.errors.push(
                Diagnostic::error(
                    display_path(root, entry.path()),
                    0,
                    0,
                    "this file's name is not valid UTF-8",
                )
                .with_hint("rename the file using UTF-8 characters"),
            );
            continue;
        };
        let rel = rel.replace('\\', "/");
        if rel.ends_with(".md") {
            files.markdown.push((entry.into_path(), rel));
        } else {
            files.other.push((entry.into_path(), rel));
        }
    }
    files
}

/// A walk error as a diagnostic naming the entry.
fn walk_error(root: &Path, e: &walkdir::Error) -> Diagnostic {
    let path = e
        .path()
        .map(|p| display_path(root, p))
        .unwrap_or_else(|| PathBuf::from(super::CONTENT_DIR));
    if let Some(ancestor) = e.loop_ancestor() {
        return Diagnostic::error(
            path,
            0,
            0,
            format!(
                "this symbolic link loops: it leads back to `{}`, which contains it",
                display_path(root, ancestor).display()
            ),
        )
        .with_hint("remove the link, or point it at a folder that does not contain it");
    }
    let broken = e.io_error().is_some_and(|io| io.kind() == std::io::ErrorKind::NotFound);
    if broken {
        return Diagnostic::error(path, 0, 0, "this symbolic link points to nothing")
            .with_hint("remove the link or fix its target");
    }
    let reason = e
        .io_error()
        .map_or_else(|| e.to_string(), std::string::ToString::to_string);
    Diagnostic::error(path, 0, 0, format!("cannot read this entry: {reason}"))
        .with_hint("check the entry's permissions, or move it out of site/")
}
