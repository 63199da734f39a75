//! Helpers shared by the integration tests: temp copies of fixture sites, running the
//! `quire` binary, and reading the built output.
#![allow(dead_code)]

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use std::sync::atomic::{AtomicUsize, Ordering};

/// The repository root.
pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A fresh, empty temp folder unique to this test process and call.
pub fn temp_dir(name: &str) -> PathBuf {
    static N: AtomicUsize = AtomicUsize::new(0);
    let d = std::env::temp_dir().join(format!(
        "quire-it-{name}-{}-{}",
        std::process::id(),
        N.fetch_add(1, Ordering::SeqCst)
    ));
    let _ = std::fs::remove_dir_all(&d);
    std::fs::create_dir_all(&d).unwrap();
    d
}

/// Copies a folder recursively (skipping `public/`, `target/` and `node_modules/`); symbolic
/// links are copied as links, so fixtures can hold link loops and links that leave the site.
pub fn copy_dir(from: &Path, to: &Path) {
    for entry in walkdir::WalkDir::new(from).into_iter().filter_entry(|e| {
        let n = e.file_name().to_string_lossy();
        e.depth() == 0 || !matches!(n.as_ref(), "public" | "target" | "node_modules" | ".git")
    }) {
        let entry = entry.unwrap();
        let rel = entry.path().strip_prefix(from).unwrap();
        let dest = to.join(rel);
        if entry.file_type().is_symlink() {
            let target = std::fs::read_link(entry.path()).unwrap();
            #[cfg(unix)]
            std::os::unix::fs::symlink(&target, &dest).unwrap();
            #[cfg(not(unix))]
            let _ = target;
        } else if entry.file_type().is_dir() {
            std::fs::create_dir_all(&dest).unwrap();
        } else {
            std::fs::copy(entry.path(), &dest).unwrap();
        }
    }
}

/// One entry of a [`snapshot`]: a file's bytes, a folder, or a symbolic link's target.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Entry {
    /// A regular file and its bytes.
    File(Vec<u8>),
    /// A folder.
    Dir,
    /// A symbolic link and where it points.
    Link(PathBuf),
}

/// Every file, folder and link under `dir` (not following links), by relative path: two
/// equal snapshots mean nothing under `dir` was created, changed or removed.
pub fn snapshot(dir: &Path) -> BTreeMap<String, Entry> {
    walkdir::WalkDir::new(dir)
        .min_depth(1)
        .into_iter()
        .map(Result::unwrap)
        .map(|e| {
            let rel = e.path().strip_prefix(dir).unwrap().to_string_lossy().replace('\\', "/");
            let entry = if e.file_type().is_symlink() {
                Entry::Link(std::fs::read_link(e.path()).unwrap())
            } else if e.file_type().is_dir() {
                Entry::Dir
            } else {
                Entry::File(std::fs::read(e.path()).unwrap())
            };
            (rel, entry)
        })
        .collect()
}

/// The paths on which two snapshots differ, for failure messages.
pub fn snapshot_diff(before: &BTreeMap<String, Entry>, after: &BTreeMap<String, Entry>) -> Vec<String> {
    let mut diff = Vec::new();
    for (path, entry) in before {
        match after.get(path) {
            None => diff.push(format!("removed {path}")),
            Some(e) if e != entry => diff.push(format!("changed {path}")),
            _ => {}
        }
    }
    diff.extend(
        after
            .keys()
            .filter(|p| !before.contains_key(*p))
            .map(|p| format!("added {p}")),
    );
    diff
}

/// A temp copy of `tests/fixtures/<name>`.
pub fn fixture(name: &str) -> PathBuf {
    let d = temp_dir(name);
    copy_dir(&repo().join("tests/fixtures").join(name), &d);
    d
}

/// Runs the quire binary with `args`.
pub fn quire(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_quire"))
        .args(args)
        .output()
        .expect("run quire")
}

/// Runs quire and panics with its output unless it succeeded.
pub fn quire_ok(args: &[&str]) -> String {
    let out = quire(args);
    assert!(
        out.status.success(),
        "quire {args:?} failed:\n{}\n{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Builds `root` into `out`, with extra arguments.
pub fn build(root: &Path, out: &Path, extra: &[&str]) -> String {
    let mut args = vec![
        "build",
        "--root",
        root.to_str().unwrap(),
        "--output",
        out.to_str().unwrap(),
    ];
    args.extend_from_slice(extra);
    quire_ok(&args)
}

/// Every file under `dir` with its bytes, by `/`-separated relative path.
pub fn read_tree(dir: &Path) -> BTreeMap<String, Vec<u8>> {
    walkdir::WalkDir::new(dir)
        .into_iter()
        .map(Result::unwrap)
        .filter(|e| e.file_type().is_file())
        .map(|e| {
            let rel = e.path().strip_prefix(dir).unwrap().to_string_lossy().replace('\\', "/");
            (rel, std::fs::read(e.path()).unwrap())
        })
        .collect()
}

/// Values of attribute `attr` (`href`, `src`, `id`) in an HTML text, entity `&amp;` decoded.
pub fn attr_values(html: &str, attr: &str) -> Vec<String> {
    let needle = format!(" {attr}=\"");
    let mut out = Vec::new();
    let mut rest = html;
    while let Some(i) = rest.find(&needle) {
        rest = &rest[i + needle.len()..];
        if let Some(end) = rest.find('"') {
            out.push(rest[..end].replace("&amp;", "&"));
            rest = &rest[end..];
        }
    }
    out
}

/// The output file a root-relative URL maps to, under `base_path` (`/` or `/repo/`).
pub fn url_to_file(url: &str, base_path: &str) -> Option<String> {
    let path = url.split(['#', '?']).next()?;
    let rel = path.strip_prefix(base_path)?;
    let rel = quire::markdown::links::percent_decode(rel);
    Some(if rel.is_empty() || rel.ends_with('/') {
        format!("{rel}index.html")
    } else {
        rel
    })
}

/// Checks that every internal link, asset and anchor of every HTML page in `tree` resolves.
/// Returns the broken ones as "page -> url" lines.
pub fn broken_links(tree: &BTreeMap<String, Vec<u8>>, base_path: &str, origin: &str) -> Vec<String> {
    let ids: BTreeMap<&str, BTreeSet<String>> = tree
        .iter()
        .filter(|(p, _)| p.ends_with(".html"))
        .map(|(p, b)| {
            let html = String::from_utf8_lossy(b);
            // `<a name>` is a fragment target too (HTML's "indicated part of the document").
            let names: Vec<String> = html
                .split("<a ")
                .skip(1)
                .filter_map(|tag| attr_values(&format!(" {}", &tag[..tag.find('>')?]), "name").pop())
                .collect();
            (p.as_str(), attr_values(&html, "id").into_iter().chain(names).collect())
        })
        .collect();
    let mut broken = Vec::new();
    for (page, bytes) in tree.iter().filter(|(p, _)| p.ends_with(".html")) {
        let html = String::from_utf8_lossy(bytes);
        for url in attr_values(&html, "href").into_iter().chain(attr_values(&html, "src")) {
            let local = if let Some(rest) = url.strip_prefix(origin).filter(|_| !origin.is_empty()) {
                rest.to_string()
            } else if url.starts_with("http:") || url.starts_with("https:") || url.starts_with("mailto:") {
                continue;
            } else {
                url.clone()
            };
            let (target, fragment) = if let Some(frag) = local.strip_prefix('#') {
                (Some(page.clone()), Some(frag.to_string()))
            } else {
                (
                    url_to_file(&local, base_path),
                    local.split_once('#').map(|(_, f)| f.to_string()),
                )
            };
            let Some(target) = target else {
                broken.push(format!("{page} -> {url} (outside the base path {base_path})"));
                continue;
            };
            if !tree.contains_key(&target) {
                broken.push(format!("{page} -> {url} (no file {target})"));
                continue;
            }
            // Browsers match the percent-decoded fragment (`#%E7%AE%97` finds `id="算"`).
            if let Some(frag) = fragment
                .filter(|f| !f.is_empty())
                .map(|f| quire::markdown::links::percent_decode(&f))
                && !ids.get(target.as_str()).is_some_and(|s| s.contains(&frag))
            {
                broken.push(format!("{page} -> {url} (no id #{frag} in {target})"));
            }
        }
    }
    broken
}

/// The text of an HTML document with tags removed and common entities decoded.
pub fn visible_text(html: &str) -> String {
    let mut out = String::with_capacity(html.len());
    let mut in_tag = false;
    for c in html.chars() {
        match c {
            '<' => in_tag = true,
            '>' => in_tag = false,
            c if !in_tag => out.push(c),
            _ => {}
        }
    }
    out.replace("&amp;", "&")
        .replace("&quot;", "\"")
        .replace("&#39;", "'")
        .replace("&lt;", "<")
        .replace("&gt;", ">")
}

/// Where the redirect page answering the old site path `old` leads (its meta refresh URL),
/// if `tree` holds one; `base_path` is `/` or `/repo/`.
pub fn redirect_target(tree: &BTreeMap<String, Vec<u8>>, base_path: &str, old: &str) -> Option<String> {
    let file = url_to_file(&format!("{base_path}{}", old.trim_start_matches('/')), base_path)?;
    let html = String::from_utf8_lossy(tree.get(&file)?).into_owned();
    let marker = "content=\"0; url=";
    let at = html.find(marker)? + marker.len();
    Some(html[at..at + html[at..].find('"')?].replace("&amp;", "&"))
}
