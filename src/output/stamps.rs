//! What a build saw of each output file it kept, so that the next build can trust an
//! unchanged file from one `stat` instead of reading it back whole.
//!
//! A stamp is a file's content hash and length, as Quire last read them back, with what
//! `stat` said of the file then: device, inode, size, modification and change time. A file
//! whose `stat` still says the same holds the same bytes: writing to it, or renaming
//! another file over it, gives it a new change time, which no program can set back (only
//! the system clock can). Timestamps are coarse, so a file is stamped only if its change
//! time is more than two seconds older than the build: otherwise a write in the same tick
//! as the read could leave every time as it was (git's "racily clean" files). A file without
//! a stamp, or whose `stat` differs, is read back whole, as every file is with `--no-cache`.
//! Stamps are used only on file systems whose change times are the kernel's own (on Linux:
//! ext2/3/4, XFS, Btrfs, tmpfs, ZFS, F2FS, overlayfs); FAT keeps none, and FUSE file systems such as
//! sshfs report what they are given, so there, and on other systems, every file is read.
//!
//! Stamps are kept in the build cache (`.quire-cache/output.cbor`). Reading 10,000 pages
//! back took a one-page rebuild of a 10,000-page site about a quarter of its CPU.

use crate::cache::Cache;
use std::collections::HashMap;
use std::sync::Mutex;

/// The cache file.
const FILE: &str = "output.cbor";

/// One file's stamp.
#[derive(Clone, Copy, Debug, PartialEq, Eq, minicbor::Encode, minicbor::Decode)]
struct Stamp {
    #[n(0)]
    hash: u64,
    #[n(1)]
    len: u64,
    #[n(2)]
    seen: Seen,
}

/// What `stat` says of a file, as far as a stamp compares it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, minicbor::Encode, minicbor::Decode)]
struct Seen {
    #[n(0)]
    dev: u64,
    #[n(1)]
    ino: u64,
    #[n(2)]
    size: u64,
    #[n(3)]
    mtime: (i64, i64),
    #[n(4)]
    ctime: (i64, i64),
}

impl Seen {
    #[cfg(unix)]
    fn of(meta: &std::fs::Metadata) -> Option<Seen> {
        use std::os::unix::fs::MetadataExt;
        meta.is_file().then(|| Seen {
            dev: meta.dev(),
            ino: meta.ino(),
            size: meta.size(),
            mtime: (meta.mtime(), meta.mtime_nsec()),
            ctime: (meta.ctime(), meta.ctime_nsec()),
        })
    }

    /// Elsewhere nothing is stamped: every file is read back.
    #[cfg(not(unix))]
    fn of(_meta: &std::fs::Metadata) -> Option<Seen> {
        None
    }
}

/// The last build's stamps, and this build's for the next.
pub(super) struct Stamps {
    cache: Cache,
    known: HashMap<String, Stamp>,
    next: Mutex<Vec<(String, Stamp)>>,
    /// Files changed after this (two seconds before the build started) are not stamped.
    settled: (i64, i64),
}

impl Stamps {
    /// The stamps `cache` holds (none when it holds none this version can read).
    pub(super) fn load(cache: &Cache) -> Stamps {
        let known = cache
            .read(FILE)
            .and_then(|bytes| minicbor::decode::<Vec<(String, Stamp)>>(&bytes).ok())
            .map(|list| list.into_iter().collect())
            .unwrap_or_default();
        let since = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .unwrap_or_default()
            .saturating_sub(std::time::Duration::from_secs(2));
        Stamps {
            cache: cache.clone(),
            known,
            next: Mutex::default(),
            settled: (since.as_secs() as i64, i64::from(since.subsec_nanos())),
        }
    }

    /// The metadata of the file at `path` (the output's `rel`) when its stamp says it holds
    /// `len` bytes hashing to `hash` and `stat` still says what it said then.
    pub(super) fn trusted(&self, rel: &str, path: &std::path::Path, hash: u64, len: u64) -> Option<std::fs::Metadata> {
        let stamp = self.known.get(rel).filter(|s| s.hash == hash && s.len == len)?;
        let meta = std::fs::symlink_metadata(path).ok()?;
        (Seen::of(&meta)? == stamp.seen).then(|| {
            self.keep(rel, *stamp);
            meta
        })
    }

    /// Stamps the output's `rel`, just read back whole as `len` bytes hashing to `hash`
    /// with `meta` (taken before the read), unless it changed too recently to be sure of.
    pub(super) fn record(&self, rel: &str, hash: u64, len: u64, meta: &std::fs::Metadata) {
        if let Some(seen) = Seen::of(meta).filter(|s| s.ctime < self.settled && s.size == len) {
            self.keep(rel, Stamp { hash, len, seen });
        }
    }

    fn keep(&self, rel: &str, stamp: Stamp) {
        self.next
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
            .push((rel.to_string(), stamp));
    }

    /// Writes this build's stamps for the next build, once its output is in place. A cache
    /// that cannot be written only costs the next build time.
    pub(super) fn save(self) {
        let mut next = self
            .next
            .into_inner()
            .unwrap_or_else(std::sync::PoisonError::into_inner);
        next.sort_unstable_by(|a, b| a.0.cmp(&b.0));
        if let Ok(pending) = self.cache.write_cbor(FILE, &next) {
            let _ = pending.commit();
        }
    }
}

/// Whether change times on the file system holding `dir` are the kernel's own, set on every
/// write and rename (see the module's comment).
#[cfg(target_os = "linux")]
pub(super) fn trustworthy_times(dir: &std::path::Path) -> bool {
    use std::os::unix::ffi::OsStrExt;
    /// ext2/3/4, XFS, Btrfs, tmpfs, ZFS, F2FS, and overlayfs (containers), whose times are
    /// those of the file system under it.
    const KNOWN: [i64; 7] = [
        0xEF53,
        0x5846_5342,
        0x9123_683E,
        0x0102_1994,
        0x2FC1_2FC1,
        0xF2F5_2010,
        0x794C_7630,
    ];
    let Ok(path) = std::ffi::CString::new(dir.as_os_str().as_bytes()) else {
        return false;
    };
    // SAFETY: `statfs` only writes into the zeroed struct it is given.
    let mut fs: libc::statfs = unsafe { std::mem::zeroed() };
    // SAFETY: a valid NUL-terminated path and a struct to fill.
    if unsafe { libc::statfs(path.as_ptr(), &mut fs) } != 0 {
        return false;
    }
    #[allow(clippy::unnecessary_cast)]
    KNOWN.contains(&(fs.f_type as i64))
}

/// Elsewhere every file is read back.
#[cfg(not(target_os = "linux"))]
pub(super) fn trustworthy_times(_dir: &std::path::Path) -> bool {
    false
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;

    fn temp(name: &str) -> std::path::PathBuf {
        let d = std::env::temp_dir().join(format!("quire-stamps-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&d);
        std::fs::create_dir_all(&d).unwrap();
        d
    }

    /// A stamp as a build a while ago would have left it for `path`.
    fn stamped(dir: &std::path::Path, rel: &str, hash: u64) {
        let stamps = Stamps::load(&Cache::at(dir));
        let meta = std::fs::symlink_metadata(dir.join(rel)).unwrap();
        let seen = Seen::of(&meta).unwrap();
        stamps.keep(
            rel,
            Stamp {
                hash,
                len: seen.size,
                seen,
            },
        );
        stamps.save();
    }

    #[test]
    fn a_stamp_holds_while_stat_says_the_same() {
        let dir = temp("same");
        std::fs::write(dir.join("a"), "abc").unwrap();
        stamped(&dir, "a", 7);
        let stamps = Stamps::load(&Cache::at(&dir));
        assert!(stamps.trusted("a", &dir.join("a"), 7, 3).is_some());
        assert!(stamps.trusted("a", &dir.join("a"), 8, 3).is_none(), "another hash");
        assert!(
            stamps.trusted("b", &dir.join("a"), 7, 3).is_none(),
            "another file's stamp"
        );
        // The same length written again: new times.
        std::thread::sleep(std::time::Duration::from_millis(20));
        std::fs::write(dir.join("a"), "abd").unwrap();
        assert!(stamps.trusted("a", &dir.join("a"), 7, 3).is_none(), "written since");
        // Another file renamed over it, with the first file's times copied.
        std::fs::write(dir.join("c"), "abc").unwrap();
        stamped(&dir, "c", 7);
        let stamps = Stamps::load(&Cache::at(&dir));
        std::fs::write(dir.join("d"), "xyz").unwrap();
        let c = std::fs::metadata(dir.join("c")).unwrap();
        std::fs::File::options()
            .write(true)
            .open(dir.join("d"))
            .unwrap()
            .set_modified(c.modified().unwrap())
            .unwrap();
        std::fs::rename(dir.join("d"), dir.join("c")).unwrap();
        assert!(stamps.trusted("c", &dir.join("c"), 7, 3).is_none(), "another inode");
        // A link where the file was.
        std::fs::remove_file(dir.join("a")).unwrap();
        std::os::unix::fs::symlink(dir.join("c"), dir.join("a")).unwrap();
        assert!(stamps.trusted("a", &dir.join("a"), 7, 3).is_none(), "a link");
        std::fs::remove_dir_all(&dir).unwrap();
    }

    #[test]
    #[cfg(target_os = "linux")]
    fn change_times_are_trusted_on_the_usual_linux_file_systems_only() {
        // /proc's change times are made up on every look.
        assert!(!trustworthy_times(std::path::Path::new("/proc")));
        assert!(!trustworthy_times(std::path::Path::new("/no/such/folder")));
        // tmpfs, where there is one.
        let shm = std::path::Path::new("/dev/shm");
        if shm.is_dir() {
            assert!(trustworthy_times(shm));
        }
    }

    #[test]
    fn only_files_settled_before_the_build_are_stamped() {
        let dir = temp("settled");
        std::fs::write(dir.join("new"), "abc").unwrap();
        let stamps = Stamps::load(&Cache::at(&dir));
        let meta = std::fs::symlink_metadata(dir.join("new")).unwrap();
        stamps.record("new", 7, 3, &meta);
        assert!(
            stamps.next.lock().unwrap().is_empty(),
            "changed less than two seconds ago"
        );
        let mut old = Stamps::load(&Cache::at(&dir));
        old.settled = (i64::MAX, 0);
        old.record("new", 7, 3, &meta);
        old.record("wrong-length", 7, 4, &meta);
        assert_eq!(old.next.lock().unwrap().len(), 1);
        old.save();
        let again = Stamps::load(&Cache::at(&dir));
        assert!(
            again.trusted("new", &dir.join("new"), 7, 3).is_some(),
            "saved and read back"
        );
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
