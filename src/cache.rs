//! The build cache: work one `quire build` can hand to the next, kept in one folder of the
//! site, `.quire-cache/`, which tells git to ignore it (it holds a `.gitignore` of `*`).
//!
//! Entries are keyed by hashes of their inputs, never by timestamps. Each file is written
//! beside its old version and renamed over it, so a killed build leaves the previous cache
//! or the new one, never half a file. Each file starts with Quire's version and ends with a
//! checksum of what it holds: a file of another version, a damaged one or one that cannot
//! be read counts as empty. The cache can only save work, never change what a build
//! writes, so `quire build --no-cache` and deleting the folder give the same bytes. File
//! names are fixed by Quire (or checked, see `publish/search/cache.rs`), so every path is
//! inside the folder.

use anyhow::{Context, Result};
use std::io::Write;
use std::path::{Path, PathBuf};

/// The cache folder, under the site root.
pub const CACHE_DIR: &str = ".quire-cache";

/// What ends the name of a cache file a commit replaced, until [`Cache::sweep`] removes it.
const REPLACED: &str = ".replaced";

/// What starts every cache file: files of another version, or of another format of the
/// same version, are not read. Raise the format number whenever what a file holds, or how
/// it is made, changes (the compression of the search index's chunks, say): the cache
/// would otherwise give back work a build would no longer do the same way.
const HEADER: &str = concat!("quire-cache ", env!("CARGO_PKG_VERSION"), " format 3\n");

/// The cache folder of one site.
#[derive(Debug, Clone)]
pub struct Cache {
    dir: PathBuf,
    /// Whether the folder was there when the build started: a failed build that created it
    /// removes it again.
    existed: bool,
}

impl Cache {
    /// The cache of the site at `root` (nothing is created until something is written).
    pub fn at(root: &Path) -> Cache {
        let dir = root.join(CACHE_DIR);
        Cache {
            existed: dir.exists(),
            dir,
        }
    }

    /// Removes the file `name`, which this version of Quire no longer writes (a cache
    /// could only save time, so it must not linger where nothing reads it).
    pub fn forget(&self, name: &str) {
        let _ = std::fs::remove_file(self.dir.join(name));
    }

    /// Removes the files earlier builds' commits replaced, on a thread of its own that the
    /// build does not wait for (what is left when it exits goes next time).
    pub fn sweep(&self) {
        let dir = self.dir.clone();
        std::thread::spawn(move || sweep(&dir));
    }

    /// The bytes last written under `name`, if they were written by this version of Quire.
    pub fn read(&self, name: &str) -> Option<Bytes> {
        let whole = std::fs::read(self.dir.join(name)).ok()?;
        let len = whole.len();
        if !whole.starts_with(HEADER.as_bytes()) || len < HEADER.len() + 8 {
            return None;
        }
        let body = HEADER.len()..len - 8;
        let sum = xxhash_rust::xxh3::xxh3_64(&whole[body.clone()]).to_le_bytes();
        (whole[len - 8..] == sum[..]).then_some(Bytes { whole, body })
    }

    /// Replaces the file `name` with `bytes` in one step.
    #[cfg(test)]
    fn write(&self, name: &str, bytes: &[u8]) -> Result<()> {
        self.write_with(name, |w| w.write_all(bytes))?.commit()
    }

    /// Writes `value` as CBOR to the file `name`, as [`Cache::write_with`] does.
    pub fn write_cbor<T: minicbor::Encode<()>>(&self, name: &str, value: &T) -> Result<Pending> {
        self.write_with(name, |w| {
            minicbor::encode(value, minicbor::encode::write::Writer::new(w))
                .map_err(|e| std::io::Error::other(format!("cannot encode {name}: {e}")))
        })
    }

    /// Writes what `fill` writes (streamed, so a large entry is never held in memory twice)
    /// beside the file `name`, which [`Pending::commit`] then replaces in one step; dropped
    /// uncommitted (the build failed), the new file goes and the folder is as before.
    pub fn write_with(&self, name: &str, fill: impl FnOnce(&mut dyn Write) -> std::io::Result<()>) -> Result<Pending> {
        let created_dir = (!self.existed).then(|| self.dir.clone());
        std::fs::create_dir_all(&self.dir).with_context(|| format!("cannot create {}", self.dir.display()))?;
        let pending = Pending {
            part: self.dir.join(format!(".{name}.{}.part", std::process::id())),
            file: self.dir.join(name),
            created_dir,
            committed: false,
        };
        let ignore = self.dir.join(".gitignore");
        if !ignore.exists() {
            std::fs::write(&ignore, "# Quire's build cache: safe to delete.\n*\n")
                .with_context(|| format!("cannot write {}", ignore.display()))?;
        }
        // Killed builds leave their part files behind (each named by its process).
        let leftover = format!(".{name}.");
        for entry in std::fs::read_dir(&self.dir).into_iter().flatten().flatten() {
            let n = entry.file_name().to_string_lossy().into_owned();
            if n.starts_with(&leftover) && n.ends_with(".part") && entry.path() != pending.part {
                let _ = std::fs::remove_file(entry.path());
            }
        }
        let written = (|| {
            let mut w = Summed {
                inner: std::io::BufWriter::new(std::fs::File::create(&pending.part)?),
                sum: xxhash_rust::xxh3::Xxh3::new(),
            };
            w.inner.write_all(HEADER.as_bytes())?;
            fill(&mut w)?;
            let sum = w.sum.digest().to_le_bytes();
            w.inner.write_all(&sum)?;
            // No fsync: a kill cannot tear a written file, and a power loss that does is
            // caught by the checksum, after which the file counts as empty.
            w.inner.into_inner().map_err(|e| e.into_error()).map(drop)
        })();
        written.with_context(|| format!("cannot write {}", pending.part.display()))?;
        Ok(pending)
    }
}

/// The contents of a cache file without its header and checksum.
///
/// Read, not mapped into memory: a mapped file truncated in place by someone else (a `cp`
/// over it, a sync client) would crash the build, and bytes checked once at reading could
/// change before they are used.
#[derive(Default)]
pub struct Bytes {
    whole: Vec<u8>,
    body: std::ops::Range<usize>,
}

impl std::ops::Deref for Bytes {
    type Target = [u8];

    fn deref(&self) -> &[u8] {
        &self.whole[self.body.clone()]
    }
}

impl std::fmt::Debug for Bytes {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Bytes({} bytes)", self.len())
    }
}

impl PartialEq for Bytes {
    fn eq(&self, other: &Bytes) -> bool {
        **self == **other
    }
}

/// A cache file written but not yet in place: the build that wrote it has not finished.
#[derive(Debug)]
pub struct Pending {
    part: PathBuf,
    file: PathBuf,
    /// The cache folder, when this write created it (removed again if never committed).
    created_dir: Option<PathBuf>,
    committed: bool,
}

impl Pending {
    /// Puts the file in place: the build succeeded. The file it replaces keeps a second
    /// name for [`Cache::sweep`] to remove: freeing a large file takes tens of milliseconds,
    /// which a rebuild should not wait for.
    pub fn commit(mut self) -> Result<()> {
        self.committed = true;
        let mut aside = self.part.clone().into_os_string();
        aside.push(REPLACED);
        // A second name keeps the old file's data alive through the rename, so that it is
        // freed by the sweep; there is no file on a first build.
        let _ = std::fs::hard_link(&self.file, &aside);
        std::fs::rename(&self.part, &self.file).with_context(|| format!("cannot replace {}", self.file.display()))
    }
}

/// Removes the replaced files in `dir`.
fn sweep(dir: &Path) {
    for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
        if entry.file_name().to_string_lossy().ends_with(REPLACED) {
            let _ = std::fs::remove_file(entry.path());
        }
    }
}

impl Drop for Pending {
    fn drop(&mut self) {
        if self.committed {
            return;
        }
        let _ = std::fs::remove_file(&self.part);
        // The last of a failed build's writes to drop removes the folder the build created.
        if let Some(dir) = &self.created_dir {
            let only_ignore =
                std::fs::read_dir(dir).is_ok_and(|entries| entries.flatten().all(|e| e.file_name() == ".gitignore"));
            if only_ignore {
                let _ = std::fs::remove_file(dir.join(".gitignore"));
                let _ = std::fs::remove_dir(dir);
            }
        }
    }
}

/// A writer that keeps the checksum of what passes through it.
struct Summed<W: Write> {
    inner: W,
    sum: xxhash_rust::xxh3::Xxh3,
}

impl<W: Write> Write for Summed<W> {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        let n = self.inner.write(buf)?;
        self.sum.update(&buf[..n]);
        Ok(n)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        self.inner.flush()
    }
}

/// A [`std::io::Write`] that only hashes what is written: a context is serialized into it
/// to key the page without holding the serialization.
pub struct Hasher(pub xxhash_rust::xxh3::Xxh3);

impl Hasher {
    /// A hasher that starts with `parts` (each ended by a zero byte).
    pub fn with(parts: &[&[u8]]) -> Hasher {
        let mut h = xxhash_rust::xxh3::Xxh3::new();
        for part in parts {
            h.update(part);
            h.update(&[0]);
        }
        Hasher(h)
    }
}

impl std::io::Write for Hasher {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.update(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// The hash of everything `value` serializes (what Tera receives, before it becomes JSON).
/// Serialized with bincode: strings go in as their bytes with their length, which is several
/// times faster than escaping them into JSON, and as exact.
pub fn value_hash(value: &impl serde::Serialize, seed: &[&[u8]]) -> Option<u64> {
    let mut hasher = Hasher::with(seed);
    bincode::serialize_into(&mut hasher, value).ok()?;
    Some(hasher.0.digest())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn temp(name: &str) -> PathBuf {
        let d = std::env::temp_dir().join(format!("quire-cache-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&d);
        std::fs::create_dir_all(&d).unwrap();
        d
    }

    #[test]
    fn the_hash_follows_every_value_and_the_seed() {
        let a = value_hash(&("title", 1), &[b"t"]);
        assert_eq!(a, value_hash(&("title", 1), &[b"t"]));
        assert_ne!(a, value_hash(&("title", 2), &[b"t"]));
        assert_ne!(a, value_hash(&("title", 1), &[b"u"]));
    }

    #[test]
    fn what_is_written_is_read_back_and_the_folder_ignores_itself() {
        let root = temp("roundtrip");
        let cache = Cache::at(&root);
        assert_eq!(cache.read("x"), None);
        cache.write("x", b"abc").unwrap();
        assert_eq!(cache.read("x").as_deref(), Some(&b"abc"[..]));
        cache.write("x", b"de").unwrap();
        assert_eq!(cache.read("x").as_deref(), Some(&b"de"[..]));
        let ignore = std::fs::read_to_string(root.join(CACHE_DIR).join(".gitignore")).unwrap();
        assert!(ignore.lines().any(|l| l == "*"), "{ignore}");
        let names: Vec<String> = std::fs::read_dir(root.join(CACHE_DIR))
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect();
        assert!(!names.iter().any(|n| n.ends_with(".part")), "{names:?}");
        std::fs::remove_dir_all(&root).unwrap();
    }

    #[test]
    fn a_replaced_file_is_set_aside_and_swept() {
        let root = temp("sweep");
        let cache = Cache::at(&root);
        cache.write("x", b"old").unwrap();
        let before = cache.read("x").unwrap();
        cache.write("x", b"new").unwrap();
        assert_eq!(cache.read("x").as_deref(), Some(&b"new"[..]));
        assert_eq!(&*before, b"old");
        let names = || -> Vec<String> {
            std::fs::read_dir(root.join(CACHE_DIR))
                .unwrap()
                .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
                .collect()
        };
        assert_eq!(
            names().iter().filter(|n| n.ends_with(REPLACED)).count(),
            1,
            "{:?}",
            names()
        );
        sweep(&root.join(CACHE_DIR));
        let mut left = names();
        left.sort();
        assert_eq!(left, [".gitignore", "x"]);
        std::fs::remove_dir_all(&root).unwrap();
    }

    #[test]
    fn a_file_of_another_version_or_damaged_is_not_read() {
        let root = temp("foreign");
        let cache = Cache::at(&root);
        cache.write("x", b"abc").unwrap();
        std::fs::write(root.join(CACHE_DIR).join("x"), "quire-cache 0.0.0-old\nabc").unwrap();
        assert_eq!(cache.read("x"), None);
        std::fs::write(root.join(CACHE_DIR).join("x"), [0xff, 0x00]).unwrap();
        assert_eq!(cache.read("x"), None);
        // One byte changed inside an otherwise good file.
        cache.write("x", b"abcdef").unwrap();
        let path = root.join(CACHE_DIR).join("x");
        let mut bytes = std::fs::read(&path).unwrap();
        let at = HEADER.len() + 2;
        bytes[at] ^= 1;
        std::fs::write(&path, bytes).unwrap();
        assert_eq!(cache.read("x"), None);
        // An uncommitted write leaves the folder as it was.
        let fresh = temp("uncommitted");
        let other = Cache::at(&fresh);
        drop(other.write_with("y", |w| w.write_all(b"lost")).unwrap());
        assert!(!fresh.join(CACHE_DIR).exists(), "the folder it created is gone");
        // Two writes of one failed build (pages and search), dropped in either order.
        for first_dropped in [0, 1] {
            let other = Cache::at(&fresh);
            let mut writes = vec![
                other.write_with("y", |w| w.write_all(b"lost")).unwrap(),
                other.write_with("z", |w| w.write_all(b"lost")).unwrap(),
            ];
            drop(writes.remove(first_dropped));
            assert!(fresh.join(CACHE_DIR).exists(), "the other write is still pending");
            drop(writes);
            assert!(!fresh.join(CACHE_DIR).exists(), "the folder the build created is gone");
        }
        cache.write("x", b"kept").unwrap();
        drop(cache.write_with("x", |w| w.write_all(b"lost")).unwrap());
        assert_eq!(
            cache.read("x").as_deref(),
            Some(&b"kept"[..]),
            "an uncommitted write changes nothing"
        );
        // A killed build's part file is cleared by the next write.
        std::fs::write(root.join(CACHE_DIR).join(".x.1.part"), "half").unwrap();
        cache.write("x", b"abc").unwrap();
        assert!(!root.join(CACHE_DIR).join(".x.1.part").exists());
        assert_eq!(cache.read("x").as_deref(), Some(&b"abc"[..]));
        std::fs::remove_dir_all(&root).unwrap();
    }
}
