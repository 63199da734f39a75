//! Stage 6: where rendered files go, and publishing them to the output folder.
//!
//! Every output path is claimed before anything renders ([`claims`]), so collisions are
//! errors of `check` too. Rendered files then go to a [`Sink`]: `quire build` writes each
//! one through the one path [`guard`] into a stage beside the output folder as soon as it
//! is rendered (so memory does not grow with the site), and the stage replaces the output
//! in one step only when the whole build succeeded ([`stage`]); a failed or killed build
//! leaves the previous output exactly as it was. The dev server and `check` keep files in
//! memory ([`Collect`]) or drop them ([`Discard`]).

pub mod claims;
mod files;
pub mod guard;
mod previous;
mod spare;
pub mod stage;
mod stamps;

use crate::diagnostics::{BuildError, Diagnostic};
use anyhow::{Context, Result};
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

pub use claims::{Claims, Origin};
pub use guard::Guard;
pub use stage::MANIFEST;

/// The content of one output file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FileSource {
    /// Rendered bytes, shared so that an output can be cloned cheaply (the dev server
    /// patches a copy of the last output after an incremental rebuild).
    Bytes(std::sync::Arc<Vec<u8>>),
    /// A file on disk copied as it is (static files, images).
    Copy(PathBuf),
}

/// Where the files of a build go as they are rendered.
pub trait Sink: Sync {
    /// Takes one file of the build at `path` (relative to the output root, `/`-separated).
    fn put(&self, path: String, source: FileSource) -> Result<(), Diagnostic>;

    /// Takes the previous build's file at `path` again, if it is still there as Quire wrote
    /// it (`len` bytes hashing to `hash`, see [`content_hash`]). `Ok(false)` when this sink
    /// has no such file: the caller renders it and calls [`Sink::put`].
    fn reuse(&self, _path: &str, _hash: u64, _len: u64) -> Result<bool, Diagnostic> {
        Ok(false)
    }

    /// Takes rendered bytes at `path`.
    fn bytes(&self, path: String, bytes: Vec<u8>) -> Result<(), Diagnostic> {
        self.put(path, FileSource::Bytes(std::sync::Arc::new(bytes)))
    }
}

/// The hash [`Sink::reuse`] compares files by.
pub fn content_hash(bytes: &[u8]) -> u64 {
    xxhash_rust::xxh3::xxh3_64(bytes)
}

/// A sink that keeps every file in memory, as an [`Output`].
#[derive(Default)]
pub struct Collect(std::sync::Mutex<Output>);

impl Collect {
    /// The files collected.
    pub fn into_output(self) -> Output {
        self.0.into_inner().unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

impl Sink for Collect {
    fn put(&self, path: String, source: FileSource) -> Result<(), Diagnostic> {
        let mut output = self.0.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        output.files.insert(path, source);
        Ok(())
    }
}

/// A sink that drops every file: `check` renders everything to find errors, and keeps nothing.
pub struct Discard;

impl Sink for Discard {
    fn put(&self, _path: String, _source: FileSource) -> Result<(), Diagnostic> {
        Ok(())
    }
}

/// The sink of `quire build`: each file goes straight into the stage beside the output.
pub struct Streamed<'g> {
    stage: stage::Stage<'g>,
}

impl<'g> Streamed<'g> {
    /// Opens the stage beside the guarded output folder (clearing what a killed build left),
    /// from the last build's spare when `use_spare` (see `output/spare.rs`).
    pub fn open(guard: &'g Guard, use_spare: bool) -> Result<Streamed<'g>, BuildError> {
        let stage = stage::Stage::open(guard, use_spare).map_err(|e| write_error(e, guard.out()))?;
        Ok(Streamed { stage })
    }

    /// With stamps from `cache`, unchanged previous files are trusted from one `stat` each
    /// instead of being read back (see `output/stamps.rs`).
    pub fn stamped(mut self, cache: Option<&crate::cache::Cache>) -> Self {
        if let Some(cache) = cache {
            self.stage.use_stamps(cache);
        }
        self
    }

    /// Swaps the finished stage in; see [`stage::Stage::finish`].
    pub fn finish(self) -> Result<WriteStats, BuildError> {
        let out = self.stage.out().to_path_buf();
        self.stage.finish().map_err(|e| write_error(e, &out))
    }
}

impl Sink for Streamed<'_> {
    fn put(&self, path: String, source: FileSource) -> Result<(), Diagnostic> {
        self.stage
            .put(&path, &source)
            .map_err(|e| write_diagnostic(&e, self.stage.out()))
    }

    fn reuse(&self, path: &str, hash: u64, len: u64) -> Result<bool, Diagnostic> {
        self.stage
            .reuse(path, hash, len)
            .map_err(|e| write_diagnostic(&e, self.stage.out()))
    }
}

fn write_diagnostic(e: &anyhow::Error, out_dir: &Path) -> Diagnostic {
    Diagnostic::error(out_dir, 0, 0, format!("{e:#}")).with_hint(
        "check the free space and permissions of the output folder and its parent; the previous output is unchanged",
    )
}

fn write_error(e: anyhow::Error, out_dir: &Path) -> BuildError {
    match e.downcast::<BuildError>() {
        Ok(b) => b,
        Err(e) => BuildError::single(write_diagnostic(&e, out_dir)),
    }
}

/// Every file of a built site, by path relative to the output root (`/`-separated).
#[derive(Debug, Clone, Default)]
pub struct Output {
    /// The files, sorted by path so writing and listing are deterministic.
    pub files: BTreeMap<String, FileSource>,
}

/// What a write did.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct WriteStats {
    /// Files created or changed.
    pub written: usize,
    /// Files left alone because their bytes were already right.
    pub unchanged: usize,
    /// Files of the previous build that no longer exist.
    pub removed: usize,
    /// Where files that appeared in the output folder during the build were kept, if any.
    pub kept_aside: Option<PathBuf>,
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
}

/// Every file under `dir` (the site's `static/`) as (output path, file on disk), following
/// symbolic links; editor leftovers are skipped.
pub fn static_files(dir: &Path) -> Result<Vec<(String, PathBuf)>> {
    let mut files = Vec::new();
    if !dir.is_dir() {
        return Ok(files);
    }
    for entry in walkdir::WalkDir::new(dir).follow_links(true).sort_by_file_name() {
        let entry = entry.with_context(|| format!("cannot read {}", dir.display()))?;
        let name = entry.file_name().to_string_lossy();
        if !entry.file_type().is_file() || crate::content::is_ignored_name(&name) {
            continue;
        }
        let rel = entry.path().strip_prefix(dir).unwrap_or(entry.path());
        let rel = rel.to_string_lossy().replace('\\', "/");
        files.push((rel, entry.into_path()));
    }
    Ok(files)
}

#[cfg(test)]
mod tests;
