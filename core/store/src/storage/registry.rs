//! The stores open in this process. Owns: one engine per data directory,
//! shared by every handle; opening it under the directory lock (taken
//! before the engine reads anything, so a damaged store is only ever moved
//! aside by the process that owns the directory); closing it — engine
//! first, then the lock — when the last handle drops; and making a second
//! open of the same directory wait, bounded, for an open or a close that is
//! under way in another thread instead of failing as "in use".
//!
//! Closing needs sled's own lock on its `db` file to know when sled's I/O
//! threads have let go of it, and sled 0.34.7 takes that lock only on
//! Linux, macOS and Windows. Elsewhere (Android, iOS) a store, once opened,
//! stays open for the life of the process — as the app's one `Hoso` object
//! keeps it anyway — so two engines never share a file.

use super::lock::{DirectoryLock, LockError};
use super::sled_engine::{open_checked, Failure, SledEngine};
use super::{Engine, Quarantined, StorageError, STORE_DIR};
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Condvar, Mutex, MutexGuard, OnceLock, Weak};
use std::time::{Duration, Instant};

/// The lock file, beside (not inside) the store directory, so that moving a
/// damaged store aside never moves the lock with it.
const LOCK_FILE: &str = "store.lock";

/// How long an open may wait for another thread of this process to finish
/// opening or closing the same store. Opening can replay a long log and
/// closing flushes and joins sled's threads; both normally take
/// milliseconds, and the bound only matters if something is badly stuck.
const IN_PROCESS_WAIT: Duration = Duration::from_secs(60);

/// How long sled's own lock on its `db` file may stay busy once this
/// process holds the directory lock (see `open_checked`).
const SLED_RELEASE_WAIT: Duration = Duration::from_secs(10);

/// Whether a store closes with its last handle: only where sled locks its
/// `db` file, the one sign that a closed engine's threads are done with it.
const CLOSES_WITH_LAST_HANDLE: bool = cfg!(any(
    target_os = "linux",
    target_os = "macos",
    target_os = "windows"
));

/// One open store, shared by every [`Store`](super::Store) handle of its
/// directory in this process.
pub(super) struct OpenStore {
    pub(super) engine: Box<dyn Engine>,
    pub(super) edits: Mutex<()>,
    pub(super) quarantined: Option<Quarantined>,
    /// Declared last: fields drop in order, so the directory is released
    /// only once the engine has closed.
    _release: Release,
}

impl Drop for OpenStore {
    fn drop(&mut self) {
        // Closing flushes and syncs; sled 0.34 panics if the final sync
        // fails. Whoever dropped the last handle (a finalizer, an async
        // task) must not crash for it: every commit was already flushed.
        let engine = std::mem::replace(&mut self.engine, Box::new(Closed));
        let _ = std::panic::catch_unwind(std::panic::AssertUnwindSafe(move || drop(engine)));
    }
}

/// Stands in for the engine while an `OpenStore` is being dropped.
struct Closed;

impl Engine for Closed {
    fn get(&self, _: &str, _: &[u8]) -> Result<Option<Vec<u8>>, StorageError> {
        Err(StorageError::Engine("store closed".into()))
    }

    fn scan(
        &self,
        _: &str,
        _: &[u8],
        _: &mut dyn FnMut(&[u8], &[u8]) -> bool,
    ) -> Result<(), StorageError> {
        Err(StorageError::Engine("store closed".into()))
    }

    fn commit(&self, _: &super::Changes) -> Result<(), StorageError> {
        Err(StorageError::Engine("store closed".into()))
    }
}

/// What the registry knows of a directory.
enum Slot {
    /// A thread is opening it; others wait.
    Opening,
    /// Open while any handle lives; a dead `Weak` means a close under way.
    /// `_kept` holds it open for the life of the process where a store
    /// cannot close safely (see the module doc).
    Open {
        weak: Weak<OpenStore>,
        _kept: Option<Arc<OpenStore>>,
    },
}

struct Registry {
    slots: Mutex<HashMap<PathBuf, Slot>>,
    changed: Condvar,
}

fn registry() -> &'static Registry {
    static REGISTRY: OnceLock<Registry> = OnceLock::new();
    REGISTRY.get_or_init(|| Registry {
        slots: Mutex::new(HashMap::new()),
        changed: Condvar::new(),
    })
}

impl Registry {
    fn slots(&self) -> MutexGuard<'_, HashMap<PathBuf, Slot>> {
        self.slots
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    /// Forgets `key` if `done` says so, and wakes every waiting open.
    fn settle(&self, key: &Path, done: impl Fn(&Slot) -> bool) {
        let mut slots = self.slots();
        if slots.get(key).is_some_and(done) {
            slots.remove(key);
        }
        drop(slots);
        self.changed.notify_all();
    }
}

/// Releases a directory when its store closes: the lock first, then the
/// registry entry, so a waiting open finds the lock free.
struct Release {
    key: PathBuf,
    lock: Option<DirectoryLock>,
}

impl Drop for Release {
    fn drop(&mut self) {
        drop(self.lock.take());
        registry().settle(&self.key, |slot| match slot {
            Slot::Open { weak, .. } => weak.strong_count() == 0,
            Slot::Opening => false,
        });
    }
}

/// Clears an `Opening` slot if the opening thread leaves without an open
/// store (an error, or a panic unwinding through it).
struct Opening<'a> {
    key: &'a Path,
    finished: bool,
}

impl Drop for Opening<'_> {
    fn drop(&mut self) {
        if !self.finished {
            registry().settle(self.key, |slot| matches!(slot, Slot::Opening));
        }
    }
}

/// The store under `data_dir` (which exists), opened once per process.
pub(super) fn open(data_dir: &Path) -> Result<Arc<OpenStore>, StorageError> {
    let store_dir = data_dir.join(STORE_DIR);
    let key = std::fs::canonicalize(data_dir)
        .unwrap_or_else(|_| data_dir.to_path_buf())
        .join(STORE_DIR);
    let deadline = Instant::now() + IN_PROCESS_WAIT;
    let registry = registry();
    let mut slots = registry.slots();
    loop {
        match slots.get(&key) {
            None => break,
            Some(Slot::Open { weak, .. }) => {
                if let Some(open) = weak.upgrade() {
                    return Ok(open);
                }
            }
            Some(Slot::Opening) => {}
        }
        // Another thread of this process is opening or closing it.
        let left = deadline.saturating_duration_since(Instant::now());
        if left.is_zero() {
            return Err(StorageError::Busy {
                path: store_dir.display().to_string(),
            });
        }
        slots = registry
            .changed
            .wait_timeout(slots, left)
            .unwrap_or_else(|poisoned| poisoned.into_inner())
            .0;
    }
    slots.insert(key.clone(), Slot::Opening);
    drop(slots);
    let mut opening = Opening {
        key: &key,
        finished: false,
    };
    let open = Arc::new(open_locked(data_dir, &store_dir, &key)?);
    let mut slots = registry.slots();
    slots.insert(
        key.clone(),
        Slot::Open {
            weak: Arc::downgrade(&open),
            _kept: (!CLOSES_WITH_LAST_HANDLE).then(|| open.clone()),
        },
    );
    opening.finished = true;
    drop(slots);
    registry.changed.notify_all();
    Ok(open)
}

/// Takes the directory lock, then opens the engine, moving a damaged store
/// aside. Nothing is read or moved before the lock is held.
fn open_locked(data_dir: &Path, store_dir: &Path, key: &Path) -> Result<OpenStore, StorageError> {
    let lock_path = data_dir.join(LOCK_FILE);
    let lock = DirectoryLock::try_acquire(&lock_path).map_err(|e| match e {
        LockError::Held => StorageError::Locked {
            path: store_dir.display().to_string(),
        },
        LockError::Io(source) => StorageError::Lock {
            path: lock_path.display().to_string(),
            source,
        },
    })?;
    let (db, quarantined) = match open_checked(store_dir, Instant::now() + SLED_RELEASE_WAIT) {
        Ok(db) => (db, None),
        Err(Failure::Corrupt(reason)) => {
            let moved_to = quarantine(store_dir)?;
            (
                open_checked(store_dir, Instant::now() + SLED_RELEASE_WAIT)
                    .map_err(Failure::into_error)?,
                Some(Quarantined { moved_to, reason }),
            )
        }
        Err(other) => return Err(other.into_error()),
    };
    Ok(OpenStore {
        engine: Box::new(SledEngine::new(db)),
        edits: Mutex::new(()),
        quarantined,
        _release: Release {
            key: key.to_path_buf(),
            lock: Some(lock),
        },
    })
}

/// Moves a damaged store to `store.corrupt-<unix-seconds>[-n]` beside it.
fn quarantine(path: &Path) -> Result<PathBuf, StorageError> {
    let stamp = crate::clock::unix_now();
    let mut target = path.with_file_name(format!("{STORE_DIR}.corrupt-{stamp}"));
    let mut n = 1;
    while target.exists() {
        target = path.with_file_name(format!("{STORE_DIR}.corrupt-{stamp}-{n}"));
        n += 1;
    }
    std::fs::rename(path, &target).map_err(|source| StorageError::Quarantine {
        path: path.display().to_string(),
        source,
    })?;
    Ok(target)
}
