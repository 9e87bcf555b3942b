//! The one place hoso touches sled. Owns: opening the store under a data
//! directory (one `sled::Db` per directory per process, shared by every
//! handle), the schema-version key and its migrations, durable writes (every
//! multi-key change is one atomic batch, flushed before it is acknowledged),
//! and quarantining a corrupt store instead of crashing.
//!
//! Other modules see only `Store` and its named trees; the engine can be
//! replaced behind this module without touching them.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::{Mutex, OnceLock};

/// The schema this build writes. Bump it and add a step to `migrate` when the
/// layout of any tree changes.
const SCHEMA_VERSION: u32 = 1;
const SCHEMA_KEY: &[u8] = b"hoso/schema_version";
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

/// A handle on the local store. Cheap to clone; all clones share one `Db`.
#[derive(Clone)]
pub struct Store {
    db: sled::Db,
    quarantined: Option<Quarantined>,
}

fn open_dbs() -> &'static Mutex<HashMap<PathBuf, sled::Db>> {
    static OPEN: OnceLock<Mutex<HashMap<PathBuf, sled::Db>>> = OnceLock::new();
    OPEN.get_or_init(|| Mutex::new(HashMap::new()))
}

impl Store {
    /// Opens (creating if needed) the store under `data_dir`. A store that
    /// sled reports as corrupt, or whose schema key is unreadable, is moved
    /// aside to `store.corrupt-<unix-seconds>` and a fresh one is opened; the
    /// move is reported by [`Store::quarantined`].
    pub fn open(data_dir: &Path) -> Result<Store, StorageError> {
        std::fs::create_dir_all(data_dir).map_err(|source| StorageError::CreateDir {
            path: data_dir.display().to_string(),
            source,
        })?;
        let path = data_dir.join(STORE_DIR);
        let key = std::fs::canonicalize(data_dir)
            .unwrap_or_else(|_| data_dir.to_path_buf())
            .join(STORE_DIR);
        let mut open = open_dbs()
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        if let Some(db) = open.get(&key) {
            return Ok(Store {
                db: db.clone(),
                quarantined: None,
            });
        }
        let (db, quarantined) = match open_checked(&path) {
            Ok(db) => (db, None),
            Err(Failure::Corrupt(reason)) => {
                let moved_to = quarantine(&path)?;
                (
                    open_checked(&path).map_err(Failure::into_error)?,
                    Some(Quarantined { moved_to, reason }),
                )
            }
            Err(other) => return Err(other.into_error()),
        };
        open.insert(key, db.clone());
        Ok(Store { db, quarantined })
    }

    /// Set when opening had to move a corrupt store aside.
    pub fn quarantined(&self) -> Option<&Quarantined> {
        self.quarantined.as_ref()
    }

    /// A named key space.
    pub fn tree(&self, name: &str) -> Result<sled::Tree, StorageError> {
        Ok(self.db.open_tree(name)?)
    }

    /// Makes every write so far durable. Call before acknowledging a change.
    pub fn flush(&self) -> Result<(), StorageError> {
        self.db.flush()?;
        Ok(())
    }
}

enum Failure {
    Corrupt(String),
    Other(StorageError),
}

impl Failure {
    fn into_error(self) -> StorageError {
        match self {
            Failure::Corrupt(reason) => StorageError::Engine(reason),
            Failure::Other(e) => e,
        }
    }
}

fn open_checked(path: &Path) -> Result<sled::Db, Failure> {
    // sled 0.34 can panic while recovering a damaged log; that is corruption
    // to quarantine, never a crash of the app.
    let opened =
        std::panic::catch_unwind(|| sled::Config::new().path(path).open()).map_err(|panic| {
            let what = panic
                .downcast_ref::<String>()
                .cloned()
                .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
                .unwrap_or_else(|| "panic while opening".to_string());
            Failure::Corrupt(what)
        })?;
    let db = opened.map_err(|e| match e {
        sled::Error::Corruption { .. } | sled::Error::Unsupported(_) => {
            Failure::Corrupt(e.to_string())
        }
        sled::Error::Io(io) if io.kind() == std::io::ErrorKind::WouldBlock => {
            Failure::Other(StorageError::Locked {
                path: path.display().to_string(),
            })
        }
        sled::Error::Io(io) if io.kind() == std::io::ErrorKind::InvalidData => {
            Failure::Corrupt(io.to_string())
        }
        other => Failure::Other(other.into()),
    })?;
    migrate(&db)?;
    Ok(db)
}

/// Brings the store's schema to `SCHEMA_VERSION`, or refuses a newer one.
fn migrate(db: &sled::Db) -> Result<(), Failure> {
    let found = match db.get(SCHEMA_KEY).map_err(|e| Failure::Other(e.into()))? {
        None => None,
        Some(bytes) => {
            let arr: [u8; 4] = bytes.as_ref().try_into().map_err(|_| {
                Failure::Corrupt(format!("unreadable schema version ({} bytes)", bytes.len()))
            })?;
            Some(u32::from_be_bytes(arr))
        }
    };
    match found {
        Some(v) if v > SCHEMA_VERSION => Err(Failure::Other(StorageError::NewerSchema {
            found: v,
            supported: SCHEMA_VERSION,
        })),
        Some(v) if v == SCHEMA_VERSION => Ok(()),
        // New store, or an older schema: future migrations run here in order.
        _ => {
            db.insert(SCHEMA_KEY, &SCHEMA_VERSION.to_be_bytes())
                .map_err(|e| Failure::Other(e.into()))?;
            db.flush().map_err(|e| Failure::Other(e.into()))?;
            Ok(())
        }
    }
}

fn quarantine(path: &Path) -> Result<PathBuf, StorageError> {
    let stamp = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs())
        .unwrap_or(0);
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn same_directory_shares_one_db() {
        let dir = tempfile::tempdir().unwrap();
        let a = Store::open(dir.path()).unwrap();
        let b = Store::open(dir.path()).unwrap();
        a.tree("t").unwrap().insert("k", "v").unwrap();
        assert_eq!(b.tree("t").unwrap().get("k").unwrap().unwrap(), "v");
    }

    #[test]
    fn schema_version_is_written() {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::open(dir.path()).unwrap();
        let v = store.db.get(SCHEMA_KEY).unwrap().unwrap();
        assert_eq!(v.as_ref(), &SCHEMA_VERSION.to_be_bytes());
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
        store.tree("t").unwrap().insert("k", "v").unwrap();
    }

    #[test]
    fn damaged_log_is_quarantined_or_recovered_never_a_panic() {
        let dir = tempfile::tempdir().unwrap();
        let sub = dir.path().join("d");
        {
            let store = Store::open(&sub).unwrap();
            let t = store.tree("t").unwrap();
            for i in 0..2000u32 {
                t.insert(i.to_be_bytes(), vec![7u8; 100]).unwrap();
            }
            store.flush().unwrap();
            // Forget this store's cached handle so the next open reads from disk.
            let key = std::fs::canonicalize(&sub).unwrap().join(STORE_DIR);
            open_dbs().lock().unwrap().remove(&key);
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
        store.tree("t").unwrap().insert("k", "v").unwrap();
    }
}
