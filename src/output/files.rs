//! The file operations a build's stage is made of: reading a previous file back to see
//! whether it still holds what Quire wrote, linking, copying and removing. Every path given
//! here was made by the output's [`Guard`](super::guard::Guard).

use anyhow::{Context, Result};
use std::path::Path;

/// Makes `to` hold the same file as `from`: a hard link where the file system allows it.
pub(super) fn link_or_copy(from: &Path, to: &Path) -> Result<()> {
    if std::fs::hard_link(from, to).is_err() {
        std::fs::copy(from, to).with_context(|| format!("cannot copy {} to {}", from.display(), to.display()))?;
    }
    Ok(())
}

/// Creates the folders `path` needs.
pub(super) fn create_parent(path: &Path) -> Result<()> {
    if let Some(parent) = path.parent() {
        std::fs::create_dir_all(parent).with_context(|| format!("cannot create {}", parent.display()))?;
    }
    Ok(())
}

/// Opens `path` for reading without waiting: a FIFO put where a file of Quire's was must not
/// block the build (the caller then finds it is not a regular file).
fn open_nonblocking(path: &Path) -> Option<std::fs::File> {
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    #[cfg(target_os = "linux")]
    std::os::unix::fs::OpenOptionsExt::custom_flags(&mut options, libc::O_NONBLOCK);
    options.open(path).ok()
}

/// The metadata of the file at `path` when it is a regular file holding exactly `bytes`.
pub(super) fn holds(path: &Path, bytes: &[u8]) -> Option<std::fs::Metadata> {
    use std::io::Read;
    let mut file = open_nonblocking(path)?;
    let meta = file
        .metadata()
        .ok()
        .filter(|m| m.is_file() && m.len() == bytes.len() as u64)?;
    let mut held = Vec::with_capacity(bytes.len());
    file.read_to_end(&mut held).ok()?;
    (held == bytes).then_some(meta)
}

/// Removes the file at `path`, if there is one.
pub(super) fn remove_if_there(path: &Path) -> Result<()> {
    match std::fs::remove_file(path) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => {
            Err(e).with_context(|| format!("cannot remove {}", path.display()))
        }
        _ => Ok(()),
    }
}

/// The metadata of the file at `path` when it is a regular file of `len` bytes that hash to
/// `hash`: opened once, read in pieces into a buffer each thread keeps (a fresh buffer per
/// file costs the kernel a page clearing per page read).
pub(super) fn verified(path: &Path, hash: u64, len: u64) -> Option<std::fs::Metadata> {
    use std::io::Read;
    thread_local! {
        static BUFFER: std::cell::RefCell<Vec<u8>> = std::cell::RefCell::new(vec![0; 64 * 1024]);
    }
    let mut file = open_nonblocking(path)?;
    let meta = file.metadata().ok().filter(|m| m.is_file() && m.len() == len)?;
    BUFFER.with_borrow_mut(|buffer| {
        let mut hasher = xxhash_rust::xxh3::Xxh3::new();
        loop {
            match file.read(buffer) {
                Ok(0) => return (hasher.digest() == hash).then_some(meta),
                Ok(n) => hasher.update(&buffer[..n]),
                Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
                Err(_) => return None,
            }
        }
    })
}

/// Makes `link` a symbolic link to `target` (a user's link, carried over).
#[cfg(unix)]
pub(super) fn symlink(target: &Path, link: &Path) -> std::io::Result<()> {
    std::os::unix::fs::symlink(target, link)
}

/// Makes `link` a symbolic link to `target` (a user's link, carried over).
#[cfg(windows)]
pub(super) fn symlink(target: &Path, link: &Path) -> std::io::Result<()> {
    std::os::windows::fs::symlink_file(target, link)
}
