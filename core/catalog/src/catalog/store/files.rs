//! The catalog's directory (`DIR/catalog/`): the names of its files (one
//! `<version:020>.hcat` per kept version, derived files such as the search
//! index beside it as `<version:020>.<ext>`, temporary files starting with a
//! dot), writing a file so that it appears whole or not at all, and the one
//! lock that orders every change to the directory within the process (other
//! processes are kept out by the data directory's lock).

use std::fs::File;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, MutexGuard};

/// The directory under the data directory.
pub(crate) const DIR: &str = "catalog";
/// A version's catalog file.
pub(crate) const CATALOG_EXT: &str = "hcat";

/// Serialises installs, collection and derived-file writes of every catalog
/// directory in this process (they are rare and short; one lock is enough).
static CHANGES: Mutex<()> = Mutex::new(());

pub(crate) fn lock_changes() -> MutexGuard<'static, ()> {
    CHANGES
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// `<version:020>.<ext>`.
pub(crate) fn name(version: u64, ext: &str) -> String {
    format!("{version:020}.{ext}")
}

/// The version a kept file belongs to (`<20 digits>.<ext>`), if the name is
/// one of ours.
pub(crate) fn version_of(file_name: &str) -> Option<u64> {
    let (digits, ext) = file_name.split_once('.')?;
    if digits.len() != 20 || ext.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    digits.parse().ok()
}

/// A temporary file of ours (left by a write that did not finish).
pub(crate) fn is_temporary(file_name: &str) -> bool {
    file_name.starts_with('.') && file_name.contains(".tmp-")
}

/// Whether `file_name` is one of ours that is no longer needed when
/// `current` is the current version and `previous` the one kept for
/// rollback: another version's file, a derived file of the previous
/// version (rebuilt if it is ever rolled back to), a temporary file. A
/// name that is not ours is never collected.
pub(crate) fn is_collected(file_name: &str, current: u64, previous: Option<u64>) -> bool {
    match version_of(file_name) {
        Some(v) if v == current => false,
        Some(v) if Some(v) == previous => !file_name.ends_with(&format!(".{CATALOG_EXT}")),
        Some(_) => true,
        None => is_temporary(file_name),
    }
}

/// A temporary file left by a write that stopped before its rename, named so
/// that two writers of the same file never share one.
pub(crate) struct Temporary {
    pub(crate) path: PathBuf,
    file: Option<File>,
}

static TEMPORARIES: AtomicU64 = AtomicU64::new(0);

impl Temporary {
    /// Creates `.<final name>.tmp-<pid>-<n>` beside `target`.
    pub(crate) fn beside(target: &Path) -> std::io::Result<Temporary> {
        let dir = target.parent().unwrap_or(Path::new("."));
        let final_name = target
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        let n = TEMPORARIES.fetch_add(1, Ordering::Relaxed);
        let path = dir.join(format!(".{final_name}.tmp-{}-{n}", std::process::id()));
        let file = std::fs::OpenOptions::new()
            .write(true)
            .read(true)
            .create_new(true)
            .open(&path)?;
        Ok(Temporary {
            path,
            file: Some(file),
        })
    }

    pub(crate) fn file(&mut self) -> std::io::Result<&mut File> {
        self.file
            .as_mut()
            .ok_or_else(|| std::io::Error::other("temporary file already closed"))
    }

    /// Makes the written bytes durable and closes the file (still under its
    /// temporary name).
    pub(crate) fn sync(&mut self) -> std::io::Result<()> {
        let mut file = self
            .file
            .take()
            .ok_or_else(|| std::io::Error::other("temporary file already closed"))?;
        file.flush()?;
        file.sync_all()
    }

    /// Renames the (synced) file to `target` and makes the rename durable.
    pub(crate) fn publish(mut self, target: &Path) -> std::io::Result<()> {
        if self.file.is_some() {
            self.sync()?;
        }
        std::fs::rename(&self.path, target)?;
        // Renamed: nothing to remove on drop any more.
        self.path = PathBuf::new();
        sync_dir(target.parent().unwrap_or(Path::new(".")))
    }
}

impl Drop for Temporary {
    fn drop(&mut self) {
        if !self.path.as_os_str().is_empty() {
            drop(self.file.take());
            let _ = std::fs::remove_file(&self.path);
        }
    }
}

/// Writes `bytes` as `target`, whole or not at all: a temporary file,
/// synced, renamed, the directory synced.
pub(crate) fn write_whole(target: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let mut tmp = Temporary::beside(target)?;
    tmp.file()?.write_all(bytes)?;
    tmp.publish(target)
}

/// Makes a rename or removal in `dir` durable.
#[cfg(unix)]
pub(crate) fn sync_dir(dir: &Path) -> std::io::Result<()> {
    File::open(dir)?.sync_all()
}

/// Directories cannot be opened for syncing here; the rename is as durable
/// as the file system makes it.
#[cfg(not(unix))]
pub(crate) fn sync_dir(_dir: &Path) -> std::io::Result<()> {
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_round_trip_and_others_are_not_ours() {
        assert_eq!(name(7, "hcat"), "00000000000000000007.hcat");
        assert_eq!(version_of(&name(7, "hcat")), Some(7));
        assert_eq!(version_of(&name(u64::MAX, "idx")), Some(u64::MAX));
        assert_eq!(version_of("7.hcat"), None);
        assert_eq!(version_of("99999999999999999999.hcat"), None);
        assert_eq!(version_of("00000000000000000007"), None);
        assert_eq!(version_of("0000000000000000000x.hcat"), None);
        assert!(is_temporary(".00000000000000000007.hcat.tmp-1-2"));
        assert!(!is_temporary("00000000000000000007.hcat"));
    }

    #[test]
    fn the_current_version_and_the_previous_catalog_are_kept() {
        let kept = |name: &str| !is_collected(name, 7, Some(6));
        assert!(kept(&name(7, "hcat")) && kept(&name(7, "idx")));
        assert!(kept(&name(6, "hcat")) && !kept(&name(6, "idx")));
        assert!(!kept(&name(5, "hcat")) && !kept(&name(8, "hcat")));
        assert!(!kept(".00000000000000000008.hcat.tmp-1-2"));
        assert!(kept("notes.txt") && kept("7.hcat"));
        assert!(!is_collected(&name(7, "hcat"), 7, None));
        assert!(is_collected(&name(6, "hcat"), 7, None));
    }

    #[test]
    fn a_write_is_whole_or_absent() {
        let dir = tempfile::tempdir().unwrap();
        let target = dir.path().join(name(1, "x"));
        write_whole(&target, b"hello").unwrap();
        assert_eq!(std::fs::read(&target).unwrap(), b"hello");
        // A temporary dropped before publishing leaves nothing behind.
        let mut tmp = Temporary::beside(&target).unwrap();
        tmp.file().unwrap().write_all(b"partial").unwrap();
        drop(tmp);
        let names: Vec<_> = std::fs::read_dir(dir.path())
            .unwrap()
            .map(|e| e.unwrap().file_name())
            .collect();
        assert_eq!(names.len(), 1);
    }
}
