//! The one guard every path Quire writes or deletes goes through.
//!
//! The output folder is resolved the way the kernel will resolve it: `..` after an existing
//! folder goes to that folder's real parent (through symbolic links), `..` after a folder
//! that does not exist yet is taken lexically (creating it and climbing back lands there
//! too). The resolved folder must not be `/`, the home folder, the site root or any of its
//! ancestors, or lie inside `site/`, `themes/`, `static/` or `.git/`. Once resolved, every
//! path under it is built from checked relative paths, so nothing can leave it.

use crate::diagnostics::Diagnostic;
use anyhow::{Result, bail};
use std::path::{Component, Path, PathBuf};

/// Folders of a site that an output folder must never be, contain or lie inside (the build
/// cache among them: the stage swap would replace it).
pub const SOURCE_FOLDERS: [&str; 5] = ["site", "themes", "static", ".git", crate::cache::CACHE_DIR];

/// A resolved, checked output folder; the only way to get paths to write or delete.
#[derive(Debug, Clone)]
pub struct Guard {
    out: PathBuf,
}

/// `path` made absolute and resolved through existing symbolic links, component by component.
pub fn resolve(path: &Path) -> Result<PathBuf> {
    let absolute = std::path::absolute(path)?;
    let mut resolved = PathBuf::new();
    for component in absolute.components() {
        match component {
            Component::Prefix(_) | Component::RootDir => resolved.push(component.as_os_str()),
            Component::CurDir => {}
            Component::ParentDir => {
                if resolved.exists() {
                    resolved = resolved.canonicalize()?;
                }
                resolved.pop();
            }
            Component::Normal(name) => {
                resolved.push(name);
                if resolved.symlink_metadata().is_ok_and(|m| m.file_type().is_symlink()) {
                    // A dangling link resolves to nothing we could check: refuse it.
                    resolved = resolved.canonicalize().map_err(|e| {
                        anyhow::anyhow!("{} is a symbolic link that cannot be followed: {e}", resolved.display())
                    })?;
                }
            }
        }
    }
    Ok(resolved)
}

fn home() -> Option<PathBuf> {
    std::env::var_os("HOME")
        .filter(|h| !h.is_empty())
        .map(PathBuf::from)
        .and_then(|h| resolve(&h).ok())
}

impl Guard {
    /// Resolves and checks the output folder `out` of the site at `root`; an error is a
    /// diagnostic about the folder, with a hint.
    pub fn new(root: &Path, out: &Path) -> Result<Guard, Diagnostic> {
        Guard::resolve_and_check(root, out).map_err(|e| {
            Diagnostic::error(out, 0, 0, format!("{e:#}"))
                .with_hint("pass another folder with --output (a folder of its own, such as public/ beside quire.toml)")
        })
    }

    fn resolve_and_check(root: &Path, out: &Path) -> Result<Guard> {
        let shown = out.display();
        let resolved = resolve(out)?;
        let root = resolve(root)?;
        if resolved.parent().is_none() {
            bail!("the output folder {shown} is the file system's root");
        }
        if home().is_some_and(|h| h.starts_with(&resolved)) {
            bail!(
                "the output folder {shown} ({}) is your home folder or contains it",
                resolved.display()
            );
        }
        if root.starts_with(&resolved) {
            bail!(
                "the output folder {shown} ({}) contains the site itself",
                resolved.display()
            );
        }
        for source in SOURCE_FOLDERS {
            let folder = resolve(&root.join(source))?;
            if resolved.starts_with(&folder) {
                bail!(
                    "the output folder {shown} ({}) is inside the site's {source}/ folder",
                    resolved.display()
                );
            }
        }
        Ok(Guard { out: resolved })
    }

    /// The resolved output folder.
    pub fn out(&self) -> &Path {
        &self.out
    }

    /// A sibling of the output folder for its staging, named after it: `.public.quire-stage`.
    pub fn sibling(&self, suffix: &str) -> PathBuf {
        let name = self.out.file_name().map(|n| n.to_string_lossy()).unwrap_or_default();
        self.out.with_file_name(format!(".{name}.{suffix}"))
    }

    /// `rel` (an output path, `/`-separated) under `base`, which must be the output folder or
    /// one of its [`Guard::sibling`]s; refuses anything that could climb out.
    pub fn join(&self, base: &Path, rel: &str) -> Result<PathBuf> {
        let ours = base == self.out || base.parent() == self.out.parent() && is_sibling_name(&self.out, base);
        if !ours {
            bail!("refusing to write to {}: it is not the output folder", base.display());
        }
        Ok(base.join(safe_relative(rel)?))
    }
}

fn is_sibling_name(out: &Path, base: &Path) -> bool {
    let (Some(o), Some(b)) = (out.file_name(), base.file_name()) else {
        return false;
    };
    b.to_string_lossy()
        .starts_with(&format!(".{}.quire-", o.to_string_lossy()))
}

/// Rejects output paths that could escape the output folder.
pub fn safe_relative(path: &str) -> Result<PathBuf> {
    let p = Path::new(path);
    if path.is_empty() || !p.components().all(|c| matches!(c, Component::Normal(_))) {
        bail!("refusing to write outside the output folder: `{path}`");
    }
    Ok(p.to_path_buf())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn temp(name: &str) -> PathBuf {
        let d = std::env::temp_dir().join(format!("quire-guard-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&d);
        std::fs::create_dir_all(d.join("site")).unwrap();
        d.canonicalize().unwrap()
    }

    #[test]
    fn parent_steps_after_missing_folders_are_resolved() {
        let root = temp("dotdot");
        // The reproductions of the issue: each of these used to write into the project.
        for out in ["nonexistent/..", "nonexistent/../site/out", "a/b/../../site", "./."] {
            assert!(Guard::new(&root, &root.join(out)).is_err(), "{out} must be refused");
        }
        assert!(
            Guard::new(&root, Path::new("/nonexistent/..")).is_err(),
            "/ must be refused"
        );
        let ok = Guard::new(&root, &root.join("nonexistent/../public")).unwrap();
        assert_eq!(ok.out(), root.join("public"));
    }

    #[test]
    fn symbolic_links_are_followed() {
        let root = temp("links");
        std::os::unix::fs::symlink(root.join("site"), root.join("public")).unwrap();
        assert!(
            Guard::new(&root, &root.join("public")).is_err(),
            "a link into site/ is site/"
        );
        std::os::unix::fs::symlink(root.parent().unwrap(), root.join("up")).unwrap();
        assert!(Guard::new(&root, &root.join("up")).is_err(), "a link to an ancestor");
        assert!(
            Guard::new(&root, &root.join("up/..")).is_err(),
            "`..` after a link is physical"
        );
    }

    #[test]
    fn home_and_ancestors_are_refused() {
        let root = temp("home");
        assert!(Guard::new(&root, root.parent().unwrap()).is_err());
        if let Some(h) = home() {
            assert!(Guard::new(&root, &h).is_err());
        }
    }

    #[test]
    fn joins_stay_inside() {
        let root = temp("join");
        let g = Guard::new(&root, &root.join("public")).unwrap();
        let stage = g.sibling("quire-stage");
        assert_eq!(stage, root.join(".public.quire-stage"));
        assert!(g.join(&stage, "a/index.html").is_ok());
        assert!(g.join(&stage, "../x").is_err());
        assert!(g.join(&root, "x").is_err(), "only the output folder and its stage");
        assert!(safe_relative("/etc/x").is_err());
        assert!(safe_relative("").is_err());
    }
}
