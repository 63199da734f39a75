//! mdBook's includes: `{{#include file}}`, `{{#include file:10:20}}`, `{{#include file:name}}`
//! (between `ANCHOR: name` and `ANCHOR_END: name`) and `{{#rustdoc_include …}}`, expanded into
//! the page's Markdown before it is parsed.
//!
//! A [`SourceMap`] remembers where each piece of the expanded text came from, so an error in
//! the page still points at its own line, and one in included text at the include.

use crate::diagnostics::{Diagnostic, LineIndex};
use std::path::{Component, Path, PathBuf};

/// How deep includes may nest (mdBook's limit too); deeper is almost surely a mistake.
const MAX_DEPTH: usize = 10;

/// A run of the expanded text: copied from the page (`verbatim`) or put in by an include.
#[derive(Debug, Clone, Copy)]
struct Segment {
    out: usize,
    src: usize,
    len: usize,
    verbatim: bool,
}

/// Maps byte offsets between the expanded text and the page as written.
#[derive(Debug, Clone, Default)]
pub struct SourceMap {
    segments: Vec<Segment>,
}

impl SourceMap {
    /// The page offset an expanded offset comes from: itself shifted, or its include's start.
    pub fn to_source(&self, out: usize) -> usize {
        let i = self.segments.partition_point(|s| s.out <= out);
        match i.checked_sub(1).map(|i| self.segments[i]) {
            Some(s) if s.verbatim => s.src + (out - s.out).min(s.len),
            Some(s) => s.src,
            None => out,
        }
    }

    /// The expanded offset of a page offset (an offset inside an include maps to its start).
    pub fn to_output(&self, src: usize) -> usize {
        let mut last = src;
        for s in &self.segments {
            if s.src > src {
                break;
            }
            last = if s.verbatim && src <= s.src + s.len {
                s.out + (src - s.src)
            } else {
                s.out
            };
        }
        last
    }
}

/// A page's text with its includes put in.
#[derive(Debug, Default)]
pub struct Expanded {
    /// The text to parse.
    pub text: String,
    /// Where each part of `text` was written.
    pub map: SourceMap,
    /// Every file included, as `root/…` paths (what the dev server watches).
    pub files: Vec<PathBuf>,
    /// Every file read, as the include named it and as it resolved, with the hash of the
    /// bytes read (the build cache checks these before it reuses the page).
    pub read: Vec<IncludedFile>,
    /// Missing files, ranges and anchors, and cycles, at the include's position.
    pub errors: Vec<Diagnostic>,
}

/// A file an include read: the path it named (joined to the including file's folder), the
/// file that path led to (symbolic links resolved) and the xxh3 hash of the bytes read.
#[derive(Debug, Clone, PartialEq, Eq, minicbor::Encode, minicbor::Decode)]
pub struct IncludedFile {
    /// The path as the include names it.
    #[n(0)]
    pub named: PathBuf,
    /// Where it led.
    #[n(1)]
    pub resolved: PathBuf,
    /// The hash of the bytes read.
    #[n(2)]
    pub hash: u64,
}

impl IncludedFile {
    /// Whether the path still leads to the same file and the file holds the same bytes.
    pub fn unchanged(&self) -> bool {
        self.named.canonicalize().is_ok_and(|r| r == self.resolved)
            && std::fs::read(&self.resolved).is_ok_and(|b| xxhash_rust::xxh3::xxh3_64(&b) == self.hash)
    }
}

/// What part of a file an include asks for.
#[derive(Debug, PartialEq, Eq)]
enum Part<'a> {
    Whole,
    /// 1-based, inclusive; `None` is the file's start or end.
    Lines(Option<usize>, Option<usize>),
    Anchor(&'a str),
}

/// One `{{#include …}}` found in a text.
struct Directive<'a> {
    /// Byte range of the whole `{{#…}}`.
    start: usize,
    end: usize,
    path: &'a str,
    part: Part<'a>,
}

/// Where includes are resolved: the project root and the page that includes.
struct Ctx<'a> {
    root: &'a Path,
    canonical_root: PathBuf,
    page_file: &'a Path,
    text: &'a str,
    lines: LineIndex<'a>,
    out: Expanded,
}

/// Expands the includes of `text`, the page `file` (relative to `root`, the folder holding
/// `quire.toml`). `None` when the page has no include, which is the common, free case.
pub fn expand(text: &str, file: &Path, root: &Path) -> Option<Expanded> {
    if !text.contains("{{#") {
        return None;
    }
    let page_disk = root.join(file);
    let mut ctx = Ctx {
        root,
        canonical_root: root.canonicalize().unwrap_or_else(|_| root.to_path_buf()),
        page_file: file,
        text,
        lines: LineIndex::new(text),
        out: Expanded::default(),
    };
    let stack = vec![page_disk.canonicalize().unwrap_or(page_disk.clone())];
    let mut pos = 0;
    let dir = page_disk.parent().unwrap_or(root).to_path_buf();
    for (escaped, d) in directives(text) {
        ctx.verbatim(pos, escaped.unwrap_or(d.start));
        pos = d.start;
        if escaped.is_some() {
            continue;
        }
        match ctx.resolve(&d, &dir, &stack, 1) {
            Ok(included) => {
                ctx.out.map.segments.push(Segment {
                    out: ctx.out.text.len(),
                    src: d.start,
                    len: d.end - d.start,
                    verbatim: false,
                });
                ctx.out.text.push_str(&included);
                pos = d.end;
            }
            Err((message, hint)) => {
                let (line, column) = ctx.lines.position(d.start);
                ctx.out
                    .errors
                    .push(Diagnostic::error(file, line, column, message).with_hint(hint));
            }
        }
    }
    ctx.verbatim(pos, text.len());
    ctx.out.files.sort();
    ctx.out.files.dedup();
    Some(ctx.out)
}

impl Ctx<'_> {
    /// Copies `start..end` of the page as it is.
    fn verbatim(&mut self, start: usize, end: usize) {
        if end <= start {
            return;
        }
        let piece = &self.text[start..end];
        self.out.map.segments.push(Segment {
            out: self.out.text.len(),
            src: start,
            len: end - start,
            verbatim: true,
        });
        self.out.text.push_str(piece);
    }

    /// The text `d` stands for, with the includes inside it expanded, or (message, hint).
    fn resolve(
        &mut self,
        d: &Directive,
        dir: &Path,
        stack: &[PathBuf],
        depth: usize,
    ) -> Result<String, (String, String)> {
        let written = format!("{{{{#include {}}}}}", d.path);
        let target = normalize(&dir.join(d.path));
        let shown = target
            .strip_prefix(self.root)
            .or_else(|_| target.strip_prefix(&self.canonical_root))
            .unwrap_or(&target)
            .display()
            .to_string();
        let escape_hint = "or escape it as `\\{{#include …}}` to show it as text";
        let canonical = target.canonicalize().map_err(|e| {
            (
                format!("`{written}`: cannot read `{shown}`: {e}"),
                format!(
                    "paths are relative to the including file ({}); fix the path, {escape_hint}",
                    self.page_file.display()
                ),
            )
        })?;
        if !canonical.starts_with(&self.canonical_root) {
            return Err((
                format!("`{written}` reaches `{}`, outside the project", canonical.display()),
                "include only files inside the folder holding quire.toml (copy or link the file in)".into(),
            ));
        }
        if let Some(first) = stack.iter().position(|p| *p == canonical) {
            let chain: Vec<String> = stack[first..]
                .iter()
                .chain(std::iter::once(&canonical))
                .map(|p| p.strip_prefix(&self.canonical_root).unwrap_or(p).display().to_string())
                .collect();
            return Err((
                format!("include cycle: {}", chain.join(" → ")),
                "a file may not include itself, directly or through other files; remove one of the includes".into(),
            ));
        }
        let text = std::fs::read_to_string(&canonical).map_err(|e| {
            (
                format!("`{written}`: cannot read `{shown}`: {e}"),
                "include a UTF-8 text file".to_string(),
            )
        })?;
        self.out.files.push(
            self.root
                .join(canonical.strip_prefix(&self.canonical_root).unwrap_or(&canonical)),
        );
        self.out.read.push(IncludedFile {
            named: target.clone(),
            hash: xxhash_rust::xxh3::xxh3_64(text.as_bytes()),
            resolved: canonical.clone(),
        });
        let selected = select(&text, &d.part).map_err(|(m, h)| (format!("`{shown}`: {m}"), h))?;
        if depth >= MAX_DEPTH || !selected.contains("{{#") {
            return Ok(unescape(&selected));
        }
        // Includes inside included text resolve against the included file's folder.
        let mut nested_stack = stack.to_vec();
        nested_stack.push(canonical.clone());
        let nested_dir = canonical.parent().unwrap_or(self.root).to_path_buf();
        let mut out = String::with_capacity(selected.len());
        let mut pos = 0;
        for (escaped, n) in directives(&selected) {
            out.push_str(&selected[pos..escaped.unwrap_or(n.start)]);
            pos = n.start;
            if escaped.is_some() {
                continue;
            }
            let inner = self
                .resolve(&n, &nested_dir, &nested_stack, depth + 1)
                .map_err(|(m, h)| (format!("in `{shown}`: {m}"), h))?;
            out.push_str(&inner);
            pos = n.end;
        }
        out.push_str(&selected[pos..]);
        Ok(out)
    }
}

/// Drops the `\` of escaped directives (`\{{#include x}}` shows `{{#include x}}`).
fn unescape(text: &str) -> String {
    if !text.contains("\\{{#") {
        return text.to_string();
    }
    text.replace("\\{{#", "{{#")
}

/// Resolves `.` and `..` without touching the disk, so the message names the path as meant.
fn normalize(path: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in path.components() {
        match c {
            Component::CurDir => {}
            Component::ParentDir => {
                out.pop();
            }
            c => out.push(c),
        }
    }
    out
}

/// The directives of `text`, in order. An escaped one (`\{{#…}}`) comes with the offset of
/// its backslash, which is dropped while the rest is kept as text.
fn directives(text: &str) -> Vec<(Option<usize>, Directive<'_>)> {
    let mut found = Vec::new();
    let mut from = 0;
    while let Some(i) = text[from..].find("{{#").map(|i| i + from) {
        from = i + 3;
        let line_end = text[i..].find('\n').map_or(text.len(), |n| i + n);
        let Some(close) = text[i..line_end].find("}}").map(|c| i + c) else {
            continue;
        };
        let inner = &text[i + 3..close];
        let (kind, rest) = inner.split_once(char::is_whitespace).unwrap_or((inner, ""));
        if kind != "include" && kind != "rustdoc_include" {
            continue;
        }
        let rest = rest.trim();
        let (path, spec) = match rest.split_once(':') {
            Some((p, s)) => (p.trim(), Some(s.trim())),
            None => (rest, None),
        };
        if path.is_empty() {
            continue;
        }
        let escaped = (i > 0 && text.as_bytes()[i - 1] == b'\\').then(|| i - 1);
        found.push((
            escaped,
            Directive {
                start: i,
                end: close + 2,
                path,
                part: parse_part(spec),
            },
        ));
        from = close + 2;
    }
    found
}

/// `10:20`, `10:`, `:20`, `10` (one line) or an anchor name.
fn parse_part(spec: Option<&str>) -> Part<'_> {
    let Some(spec) = spec.filter(|s| !s.is_empty()) else {
        return Part::Whole;
    };
    let number = |s: &str| s.trim().parse::<usize>().ok();
    match spec.split_once(':') {
        Some((a, b))
            if (a.trim().is_empty() || number(a).is_some()) && (b.trim().is_empty() || number(b).is_some()) =>
        {
            Part::Lines(number(a), number(b))
        }
        None if number(spec).is_some() => Part::Lines(number(spec), number(spec)),
        _ => Part::Anchor(spec.trim()),
    }
}

/// The name of an `ANCHOR: name` (or, with `end`, `ANCHOR_END: name`) marker on `line`.
fn marker(line: &str, end: bool) -> Option<&str> {
    let key = if end { "ANCHOR_END:" } else { "ANCHOR:" };
    let at = line.find(key)?;
    let rest = line[at + key.len()..].trim_start();
    let len = rest
        .find(|c: char| !(c.is_alphanumeric() || c == '_' || c == '-'))
        .unwrap_or(rest.len());
    Some(&rest[..len])
}

fn is_marker(line: &str) -> bool {
    marker(line, false).is_some() || marker(line, true).is_some()
}

/// The lines `part` asks for, anchor markers left out, joined without a final newline (as
/// mdBook does, so an include on its own line in a code block adds no blank line).
fn select(text: &str, part: &Part) -> Result<String, (String, String)> {
    let lines: Vec<&str> = text.lines().collect();
    let n = lines.len();
    let picked: &[&str] = match *part {
        Part::Whole => &lines,
        Part::Lines(start, end) => {
            let first = start.unwrap_or(1);
            let last = end.unwrap_or(n);
            let hint = || format!("the file has {n} lines; lines count from 1 and the range is `first:last`");
            if first == 0 || first > n || last > n || first > last {
                let range = format!(
                    "{}:{}",
                    start.map_or(String::new(), |s| s.to_string()),
                    end.map_or(String::new(), |s| s.to_string())
                );
                return Err((format!("the line range `{range}` is not inside the file"), hint()));
            }
            &lines[first - 1..last]
        }
        Part::Anchor(name) => {
            let Some(open) = lines.iter().position(|l| marker(l, false) == Some(name)) else {
                let mut names: Vec<&str> = lines.iter().filter_map(|l| marker(l, false)).collect();
                names.dedup();
                let hint = if names.is_empty() {
                    "mark the lines with `ANCHOR: name` and `ANCHOR_END: name` comments".to_string()
                } else {
                    format!("anchors in the file: {}", names.join(", "))
                };
                return Err((format!("no `ANCHOR: {name}` in the file"), hint));
            };
            let Some(close) = lines[open + 1..]
                .iter()
                .position(|l| marker(l, true) == Some(name))
                .map(|c| open + 1 + c)
            else {
                return Err((
                    format!("`ANCHOR: {name}` is never closed"),
                    format!("add an `ANCHOR_END: {name}` comment after the anchored lines"),
                ));
            };
            &lines[open + 1..close]
        }
    };
    let kept: Vec<&str> = picked.iter().copied().filter(|l| !is_marker(l)).collect();
    Ok(kept.join("\n"))
}

#[cfg(test)]
mod tests;
