//! Errors and warnings that point at a file, line and column, with a hint.
//!
//! Every mistake an author can make ends up as a [`Diagnostic`]; a failed build
//! carries all of them at once (as a [`BuildError`]) so that one run shows every
//! problem instead of one per run.

use serde::Serialize;
use std::fmt;
use std::path::{Path, PathBuf};

/// How bad a diagnostic is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, minicbor::Encode, minicbor::Decode)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    /// Does not stop the build (unless `--strict`).
    #[n(0)]
    Warning,
    /// Stops the build.
    #[n(1)]
    Error,
}

/// One problem in one file, at a 1-based line and column.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, minicbor::Encode, minicbor::Decode)]
pub struct Diagnostic {
    /// Path as shown to the user (relative to the site root when possible).
    #[n(0)]
    pub file: PathBuf,
    /// 1-based line; 0 when the problem concerns the whole file.
    #[n(1)]
    pub line: usize,
    /// 1-based column in characters; 0 when unknown.
    #[n(2)]
    pub column: usize,
    /// Error or warning.
    #[n(3)]
    pub severity: Severity,
    /// What is wrong.
    #[n(4)]
    pub message: String,
    /// What to do about it.
    #[n(5)]
    pub hint: Option<String>,
}

impl Diagnostic {
    /// An error at `file:line:column`.
    pub fn error(file: impl Into<PathBuf>, line: usize, column: usize, message: impl Into<String>) -> Self {
        Diagnostic {
            file: file.into(),
            line,
            column,
            severity: Severity::Error,
            message: message.into(),
            hint: None,
        }
    }

    /// A warning at `file:line:column`.
    pub fn warning(file: impl Into<PathBuf>, line: usize, column: usize, message: impl Into<String>) -> Self {
        Diagnostic {
            severity: Severity::Warning,
            ..Diagnostic::error(file, line, column, message)
        }
    }

    /// Adds the "what to do" line.
    pub fn with_hint(mut self, hint: impl Into<String>) -> Self {
        self.hint = Some(hint.into());
        self
    }

    /// The `file:line:column` prefix, leaving out unknown parts.
    pub fn location(&self) -> String {
        let file = self.file.display();
        match (self.line, self.column) {
            (0, _) => format!("{file}"),
            (l, 0) => format!("{file}:{l}"),
            (l, c) => format!("{file}:{l}:{c}"),
        }
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let kind = match self.severity {
            Severity::Error => "error",
            Severity::Warning => "warning",
        };
        write!(f, "{}: {kind}: {}", self.location(), self.message)?;
        if let Some(hint) = &self.hint {
            write!(f, "\n  hint: {hint}")?;
        }
        Ok(())
    }
}

/// The hint of a diagnostic that was made without one.
pub const FALLBACK_HINT: &str = "fix what the message describes in the file named, then run the command again";

/// A build that failed because of problems in the site's files.
#[derive(Debug, Clone)]
pub struct BuildError {
    /// Every error found, sorted by file and position.
    pub diagnostics: Vec<Diagnostic>,
}

impl BuildError {
    /// Wraps diagnostics, sorted so that output is stable from run to run. A diagnostic that
    /// came without a hint gets a general one, so every error says what to do.
    pub fn new(mut diagnostics: Vec<Diagnostic>) -> Self {
        for d in &mut diagnostics {
            d.hint.get_or_insert_with(|| FALLBACK_HINT.to_string());
        }
        diagnostics.sort();
        diagnostics.dedup();
        BuildError { diagnostics }
    }

    /// A build error made of one diagnostic.
    pub fn single(diagnostic: Diagnostic) -> Self {
        BuildError::new(vec![diagnostic])
    }
}

impl fmt::Display for BuildError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, d) in self.diagnostics.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "{d}")?;
        }
        let n = self.diagnostics.len();
        write!(
            f,
            "\n{n} error{} found; nothing was written",
            if n == 1 { "" } else { "s" }
        )
    }
}

impl std::error::Error for BuildError {}

/// Maps byte offsets in a text to 1-based line and column numbers.
pub struct LineIndex<'a> {
    text: &'a str,
    starts: Vec<usize>,
}

impl<'a> LineIndex<'a> {
    /// Indexes the starts of all lines of `text`.
    pub fn new(text: &'a str) -> Self {
        let mut starts = vec![0];
        starts.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        LineIndex { text, starts }
    }

    /// The 1-based (line, column) of a byte offset; the column counts characters.
    pub fn position(&self, offset: usize) -> (usize, usize) {
        let offset = offset.min(self.text.len());
        let line = self.starts.partition_point(|&s| s <= offset) - 1;
        let start = self.starts[line];
        let column = self
            .text
            .get(start..offset)
            .map_or(offset - start, |s| s.chars().count());
        (line + 1, column + 1)
    }
}

/// The 1-based line and column of `key:` or `key =` at the start of a line of `text` (a
/// config file or a front matter block), so that errors about a value point at it.
/// Falls back to (1, 1), the file's start, when the key is not written out.
pub fn key_position(text: &str, key: &str) -> (usize, usize) {
    text.lines()
        .enumerate()
        .find(|(_, l)| {
            l.trim_start()
                .strip_prefix(key)
                .is_some_and(|r| r.trim_start().starts_with('=') || r.starts_with(':'))
        })
        .map_or((1, 1), |(i, l)| (i + 1, l.len() - l.trim_start().len() + 1))
}

/// Shows `path` relative to `root` when it lies inside it.
pub fn display_path(root: &Path, path: &Path) -> PathBuf {
    path.strip_prefix(root)
        .map(Path::to_path_buf)
        .unwrap_or_else(|_| path.to_path_buf())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_index_counts_lines_and_characters() {
        let text = "ab\ncdé f\n\nx";
        let idx = LineIndex::new(text);
        assert_eq!(idx.position(0), (1, 1));
        assert_eq!(idx.position(3), (2, 1));
        // 'f' comes after a two-byte 'é': column counts characters, not bytes.
        assert_eq!(idx.position(text.find('f').unwrap()), (2, 5));
        assert_eq!(idx.position(text.find('x').unwrap()), (4, 1));
    }

    #[test]
    fn display_has_location_message_and_hint() {
        let d = Diagnostic::error("site/a.md", 3, 7, "link to missing page `b.md`").with_hint("create it");
        assert_eq!(
            d.to_string(),
            "site/a.md:3:7: error: link to missing page `b.md`\n  hint: create it"
        );
        let whole_file = Diagnostic::warning("quire.toml", 0, 0, "odd");
        assert_eq!(whole_file.to_string(), "quire.toml: warning: odd");
    }

    #[test]
    fn keys_are_found_in_toml_and_yaml() {
        assert_eq!(key_position("title = 1\n  base_url = 2\n", "base_url"), (2, 3));
        assert_eq!(key_position("---\ntitle: A\nslug: b\n---\n", "slug"), (3, 1));
        assert_eq!(
            key_position("slugs: x\n", "slug"),
            (1, 1),
            "a longer key is another key"
        );
        assert_eq!(key_position("", "slug"), (1, 1));
    }

    #[test]
    fn build_error_sorts_and_counts() {
        let e = BuildError::new(vec![
            Diagnostic::error("b.md", 1, 1, "second"),
            Diagnostic::error("a.md", 9, 1, "first"),
        ]);
        let text = e.to_string();
        assert!(text.find("first").unwrap() < text.find("second").unwrap());
        assert_eq!(
            text.matches(&format!("hint: {FALLBACK_HINT}")).count(),
            2,
            "every error has a hint"
        );
        assert!(text.ends_with("2 errors found; nothing was written"));
    }
}
