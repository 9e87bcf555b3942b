//! The one place hoso touches sled. Owns: the `Store` handle other modules
//! use (named trees, point reads, prefix scans, atomic durable commits) and
//! its errors. Opening and closing live in `registry` (one engine per
//! directory per process, under the directory lock of `lock`), the engine
//! and its schema in `sled_engine`.
//!
//! Other modules see only `Store` and its named trees; the engine can be
//! replaced behind this module without touching them.

mod lock;
mod registry;
mod sled_engine;

pub use lock::{DirectoryLock, LockError};
pub use sled_engine::{open_sled, SledOpenFailure};

use crate::error::{Classified, ErrorKind};
use std::path::{Path, PathBuf};
use std::sync::Arc;

const STORE_DIR: &str = "store";

/// Why the local store could not be used.
#[derive(Debug, thiserror::Error)]
pub enum StorageError {
    #[error(
        "không tạo được thư mục dữ liệu {path} / cannot create data directory {path}: {source}"
    )]
    CreateDir {
        path: String,
        source: std::io::Error,
    },
    #[error("kho dữ liệu đang được một tiến trình khác dùng / the store at {path} is in use by another process")]
    Locked { path: String },
    #[error("kho dữ liệu {path} vẫn đang được mở hoặc đóng trong ứng dụng này; hãy thử lại / the store at {path} is still being opened or closed in this process; try again")]
    Busy { path: String },
    #[error(
        "không khóa được thư mục dữ liệu {path} / cannot lock the data directory {path}: {source}"
    )]
    Lock {
        path: String,
        source: std::io::Error,
    },
    #[error("lỗi kho dữ liệu / storage error: {0}")]
    Engine(String),
    #[error("kho dữ liệu được tạo bởi phiên bản mới hơn (lược đồ {found}, bản này hỗ trợ {supported}) / the store was written by a newer hoso (schema {found}, this build supports {supported})")]
    NewerSchema { found: u32, supported: u32 },
    #[error(
        "không cách ly được kho hỏng {path} / cannot quarantine corrupt store {path}: {source}"
    )]
    Quarantine {
        path: String,
        source: std::io::Error,
    },
}

impl Classified for StorageError {
    fn kind(&self) -> ErrorKind {
        match self {
            StorageError::CreateDir { .. }
            | StorageError::Locked { .. }
            | StorageError::Busy { .. }
            | StorageError::Lock { .. }
            | StorageError::Engine(_)
            | StorageError::NewerSchema { .. }
            | StorageError::Quarantine { .. } => ErrorKind::Storage,
        }
    }

    fn error_code(&self) -> &'static str {
        "storage"
    }
}

impl From<sled::Error> for StorageError {
    fn from(e: sled::Error) -> Self {
        StorageError::Engine(e.to_string())
    }
}

/// A corrupt store that was moved aside when opening.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Quarantined {
    /// Where the corrupt store now lives.
    pub moved_to: PathBuf,
    /// What was wrong with it.
    pub reason: String,
}

/// What a storage engine must do for hoso: named key spaces, point reads,
/// ordered prefix scans, and atomic durable commits across spaces. sled
/// implements it today; another engine can replace it here without touching
/// any other module.
pub trait Engine: Send + Sync {
    fn get(&self, space: &str, key: &[u8]) -> Result<Option<Vec<u8>>, StorageError>;
    /// Calls `visit` for each entry whose key starts with `prefix`, in key
    /// order, until it returns `false`.
    fn scan(
        &self,
        space: &str,
        prefix: &[u8],
        visit: &mut dyn FnMut(&[u8], &[u8]) -> bool,
    ) -> Result<(), StorageError>;
    /// Applies every change at once (all or nothing, across spaces) and makes
    /// it durable before returning.
    fn commit(&self, changes: &Changes) -> Result<(), StorageError>;
}

/// Why a stored JSON record did not parse, without quoting any of its
/// content (serde's messages can quote values, which may be personal data).
pub fn json_error_reason(e: &serde_json::Error) -> String {
    format!(
        "{:?} at line {}, column {}",
        e.classify(),
        e.line(),
        e.column()
    )
}

/// A key and its value.
pub type Entry = (Vec<u8>, Vec<u8>);

/// A set of writes committed atomically by [`Store::commit`].
#[derive(Default)]
pub struct Changes {
    ops: Vec<(String, Vec<u8>, Option<Vec<u8>>)>,
}

impl Changes {
    pub fn put(&mut self, space: &str, key: impl Into<Vec<u8>>, value: impl Into<Vec<u8>>) {
        self.ops
            .push((space.to_string(), key.into(), Some(value.into())));
    }

    pub fn remove(&mut self, space: &str, key: impl Into<Vec<u8>>) {
        self.ops.push((space.to_string(), key.into(), None));
    }

    pub fn is_empty(&self) -> bool {
        self.ops.is_empty()
    }
}

/// A handle on the local store. Cheap to clone; all clones, and every
/// handle opened on the same directory in this process, share one engine.
/// The store closes, and the directory is free for another process, when
/// the last handle is dropped.
#[derive(Clone)]
pub struct Store {
    open: Arc<registry::OpenStore>,
}

impl Store {
    /// Opens (creating if needed) the store under `data_dir`. Another
    /// process holding it is [`StorageError::Locked`]. A store that sled
    /// reports as corrupt, or whose schema key is unreadable, is moved
    /// aside to `store.corrupt-<unix-seconds>` and a fresh one is opened;
    /// the move is reported by [`Store::quarantined`]. Both happen only
    /// under the directory lock, so a store in use is never moved.
    pub fn open(data_dir: &Path) -> Result<Store, StorageError> {
        std::fs::create_dir_all(data_dir).map_err(|source| StorageError::CreateDir {
            path: data_dir.display().to_string(),
            source,
        })?;
        Ok(Store {
            open: registry::open(data_dir)?,
        })
    }

    /// Set when opening had to move a corrupt store aside.
    pub fn quarantined(&self) -> Option<&Quarantined> {
        self.open.quarantined.as_ref()
    }

    /// Serialises read-modify-write edits within this process (other
    /// processes are kept out by the directory lock).
    pub fn edit_lock(&self) -> std::sync::MutexGuard<'_, ()> {
        self.open
            .edits
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    pub fn get(&self, space: &str, key: &[u8]) -> Result<Option<Vec<u8>>, StorageError> {
        self.open.engine.get(space, key)
    }

    /// Every entry under `prefix`, in key order.
    pub fn scan(&self, space: &str, prefix: &[u8]) -> Result<Vec<Entry>, StorageError> {
        let mut out = Vec::new();
        self.open.engine.scan(space, prefix, &mut |k, v| {
            out.push((k.to_vec(), v.to_vec()));
            true
        })?;
        Ok(out)
    }

    /// Visits entries under `prefix` in key order without collecting them.
    pub fn visit(
        &self,
        space: &str,
        prefix: &[u8],
        visit: &mut dyn FnMut(&[u8], &[u8]) -> bool,
    ) -> Result<(), StorageError> {
        self.open.engine.scan(space, prefix, visit)
    }

    /// Every key under `prefix`, in key order.
    pub fn keys(&self, space: &str, prefix: &[u8]) -> Result<Vec<Vec<u8>>, StorageError> {
        let mut out = Vec::new();
        self.open.engine.scan(space, prefix, &mut |k, _| {
            out.push(k.to_vec());
            true
        })?;
        Ok(out)
    }

    /// Applies `changes` atomically and durably; only then may the caller
    /// acknowledge them.
    pub fn commit(&self, changes: &Changes) -> Result<(), StorageError> {
        if changes.is_empty() {
            return Ok(());
        }
        self.open.engine.commit(changes)
    }
}

#[cfg(test)]
mod tests {
    use super::sled_engine::{open_checked, Failure, SCHEMA_KEY, SCHEMA_VERSION};
    use super::*;
    use std::time::Instant;

    fn put(store: &Store, key: &str, value: &str) {
        let mut c = Changes::default();
        c.put("t", key, value);
        store.commit(&c).unwrap();
    }

    fn corrupt_dirs(dir: &Path) -> Vec<PathBuf> {
        std::fs::read_dir(dir)
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.to_string_lossy().contains(".corrupt-"))
            .collect()
    }

    #[test]
    fn same_directory_shares_one_db() {
        let dir = tempfile::tempdir().unwrap();
        let a = Store::open(dir.path()).unwrap();
        let b = Store::open(dir.path()).unwrap();
        put(&a, "k", "v");
        assert_eq!(b.get("t", b"k").unwrap().unwrap(), b"v");
    }

    #[test]
    fn a_held_directory_is_in_use_and_a_damaged_config_is_left_alone() {
        let dir = tempfile::tempdir().unwrap();
        drop(Store::open(dir.path()).unwrap());
        // Another holder of the directory lock (a second open file behaves
        // as another process does: flock is per open file).
        let _held = DirectoryLock::try_acquire(&dir.path().join("store.lock")).unwrap();
        let conf = dir.path().join(STORE_DIR).join("conf");
        std::fs::write(&conf, b"\xff\xfe not a sled config").unwrap();
        match Store::open(dir.path()) {
            Err(StorageError::Locked { .. }) => {}
            Err(e) => panic!("expected Locked, got {e}"),
            Ok(_) => panic!("opened a store held elsewhere"),
        }
        assert!(corrupt_dirs(dir.path()).is_empty());
        assert_eq!(std::fs::read(&conf).unwrap(), b"\xff\xfe not a sled config");
    }

    // sled locks its `db` file only on these targets.
    #[cfg(any(target_os = "linux", target_os = "macos", target_os = "windows"))]
    #[test]
    fn a_sled_lock_held_past_the_deadline_is_in_use_not_corrupt() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(STORE_DIR);
        let _held = sled::Config::new().path(&path).open().unwrap();
        match open_checked(&path, Instant::now()) {
            Err(Failure::Other(StorageError::Locked { .. })) => {}
            Err(Failure::Other(e)) => panic!("expected Locked, got {e}"),
            Err(Failure::Corrupt(r)) => panic!("a held store was called corrupt: {r}"),
            Ok(_) => panic!("opened a store held elsewhere"),
        }
    }

    // A store closes with its last handle only where sled locks its files.
    #[cfg(any(target_os = "linux", target_os = "macos", target_os = "windows"))]
    #[test]
    fn a_failed_open_leaves_the_directory_free_for_the_next() {
        let dir = tempfile::tempdir().unwrap();
        {
            let store = Store::open(dir.path()).unwrap();
            let mut c = Changes::default();
            c.put("__sled__default", SCHEMA_KEY, 99u32.to_be_bytes());
            store.commit(&c).unwrap();
        }
        for _ in 0..2 {
            let started = Instant::now();
            match Store::open(dir.path()) {
                Err(StorageError::NewerSchema { found: 99, .. }) => {}
                Err(e) => panic!("expected NewerSchema, got {e}"),
                Ok(_) => panic!("opened a newer schema"),
            }
            // Refused on the spot, not after waiting for a stuck slot.
            assert!(started.elapsed() < std::time::Duration::from_secs(30));
        }
        DirectoryLock::try_acquire(&dir.path().join("store.lock")).unwrap();
        assert!(corrupt_dirs(dir.path()).is_empty());
    }

    // A store closes with its last handle only where sled locks its files.
    #[cfg(any(target_os = "linux", target_os = "macos", target_os = "windows"))]
    #[test]
    fn the_last_handle_dropped_frees_the_directory_at_once() {
        let dir = tempfile::tempdir().unwrap();
        let a = Store::open(dir.path()).unwrap();
        let b = a.clone();
        drop(a);
        assert!(matches!(
            DirectoryLock::try_acquire(&dir.path().join("store.lock")),
            Err(LockError::Held)
        ));
        drop(b);
        // Released synchronously by the drop: no wait needed.
        DirectoryLock::try_acquire(&dir.path().join("store.lock")).unwrap();
    }

    #[test]
    fn reopening_right_after_the_last_handle_dropped_works() {
        let dir = tempfile::tempdir().unwrap();
        for i in 0..30u32 {
            let store = Store::open(dir.path()).unwrap();
            if i > 0 {
                let prev = (i - 1).to_string();
                assert_eq!(store.get("t", prev.as_bytes()).unwrap().unwrap(), b"v");
            }
            put(&store, &i.to_string(), "v");
        }
    }

    #[test]
    fn threads_opening_and_dropping_one_directory_never_see_it_in_use() {
        let dir = tempfile::tempdir().unwrap();
        std::thread::scope(|scope| {
            for t in 0..4 {
                let dir = dir.path();
                scope.spawn(move || {
                    for i in 0..15 {
                        let store = Store::open(dir).unwrap();
                        put(&store, &format!("{t}-{i}"), "v");
                    }
                });
            }
        });
        let store = Store::open(dir.path()).unwrap();
        assert_eq!(store.keys("t", b"").unwrap().len(), 60);
    }

    #[test]
    fn schema_version_is_written() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).unwrap();
        let v = store.get("__sled__default", SCHEMA_KEY).unwrap().unwrap();
        assert_eq!(v.as_slice(), &SCHEMA_VERSION.to_be_bytes());
    }

    #[test]
    fn corrupt_store_is_quarantined_not_fatal() {
        let dir = tempfile::tempdir().unwrap();
        let store_dir = dir.path().join(STORE_DIR);
        std::fs::create_dir_all(&store_dir).unwrap();
        // Garbage where sled expects its config and log.
        std::fs::write(store_dir.join("conf"), b"\xff\xfe not a sled config").unwrap();
        std::fs::write(store_dir.join("db"), vec![0xA5u8; 4096]).unwrap();
        let store = Store::open(dir.path()).unwrap();
        let q = store.quarantined().expect("corrupt store reported");
        assert!(q.moved_to.exists());
        put(&store, "k", "v");
    }

    #[test]
    fn damaged_log_is_quarantined_or_recovered_never_a_panic() {
        let dir = tempfile::tempdir().unwrap();
        let sub = dir.path().join("d");
        {
            let store = Store::open(&sub).unwrap();
            let mut c = Changes::default();
            for i in 0..2000u32 {
                c.put("t", i.to_be_bytes(), vec![7u8; 100]);
            }
            store.commit(&c).unwrap();
            // The last handle drops here: the store closes, so the next open
            // reads from disk.
        }
        let db_file = sub.join(STORE_DIR).join("db");
        let mut bytes = std::fs::read(&db_file).unwrap();
        let mid = bytes.len() / 2;
        for b in &mut bytes[mid..mid + 64] {
            *b ^= 0xFF;
        }
        std::fs::write(&db_file, &bytes).unwrap();
        // Either sled recovers up to the damage, or the store is moved aside.
        let store = Store::open(&sub).unwrap();
        put(&store, "k", "v");
    }
}
