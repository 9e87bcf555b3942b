//! The data directory's lock: which process owns a store. Taken (an
//! exclusive `flock` on a lock file beside the store) before the engine
//! reads anything and before a damaged store is moved aside, and held until
//! the last handle in the process is dropped; the kernel releases it when
//! the process dies, so a crash never leaves it stuck.
//!
//! sled locks its own `db` file too, but only after it has read its config:
//! a process that found a damaged config would move a store that another
//! process has open. This lock comes first, so that cannot happen.

use fs4::{FileExt, TryLockError};
use std::fs::{File, OpenOptions};
use std::path::{Path, PathBuf};

/// Why the lock was not taken.
#[derive(Debug)]
pub enum LockError {
    /// Another process (or another open file in this one) holds it.
    Held,
    /// The lock file could not be created or locked.
    Io(std::io::Error),
}

/// An exclusive lock on one lock file; released when dropped.
#[derive(Debug)]
pub struct DirectoryLock {
    file: File,
    path: PathBuf,
}

impl DirectoryLock {
    /// Takes the lock at `path` (creating the empty lock file if needed)
    /// without waiting. The file holds nothing; only its lock matters.
    pub fn try_acquire(path: &Path) -> Result<DirectoryLock, LockError> {
        let file = OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(path)
            .map_err(LockError::Io)?;
        // `fs4::FileExt::try_lock`, not std's inherent method of the same
        // name (Rust 1.89+): the workspace supports older toolchains, and
        // fs4 covers Android as well.
        match FileExt::try_lock(&file) {
            Ok(()) => Ok(DirectoryLock {
                file,
                path: path.to_path_buf(),
            }),
            Err(TryLockError::WouldBlock) => Err(LockError::Held),
            Err(TryLockError::Error(e)) if e.kind() == std::io::ErrorKind::WouldBlock => {
                Err(LockError::Held)
            }
            Err(TryLockError::Error(e)) => Err(LockError::Io(e)),
        }
    }

    /// The lock file.
    pub fn path(&self) -> &Path {
        &self.path
    }
}

impl Drop for DirectoryLock {
    fn drop(&mut self) {
        // Closing the file releases the lock as well; unlocking first makes
        // the release explicit and independent of other copies of the fd.
        let _ = FileExt::unlock(&self.file);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_second_lock_on_the_same_file_is_refused_until_the_first_drops() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("x.lock");
        let first = DirectoryLock::try_acquire(&path).unwrap();
        assert!(matches!(
            DirectoryLock::try_acquire(&path),
            Err(LockError::Held)
        ));
        drop(first);
        let again = DirectoryLock::try_acquire(&path).unwrap();
        assert_eq!(again.path(), path);
    }

    #[test]
    fn a_missing_directory_is_an_io_error() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("missing").join("x.lock");
        assert!(matches!(
            DirectoryLock::try_acquire(&path),
            Err(LockError::Io(_))
        ));
    }
}
