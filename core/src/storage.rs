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
use std::sync::{Arc, Mutex, OnceLock};

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

/// What a storage engine must do for hoso: named key spaces, point reads,
/// ordered prefix scans, and atomic durable commits across spaces. sled
/// implements it today; another engine can replace it here without touching
/// any other module.
pub(crate) trait Engine: Send + Sync {
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
pub(crate) fn json_error_reason(e: &serde_json::Error) -> String {
    format!(
        "{:?} at line {}, column {}",
        e.classify(),
        e.line(),
        e.column()
    )
}

/// A key and its value.
pub(crate) type Entry = (Vec<u8>, Vec<u8>);

/// A set of writes committed atomically by [`Store::commit`].
#[derive(Default)]
pub(crate) struct Changes {
    ops: Vec<(String, Vec<u8>, Option<Vec<u8>>)>,
}

impl Changes {
    pub(crate) fn put(&mut self, space: &str, key: impl Into<Vec<u8>>, value: impl Into<Vec<u8>>) {
        self.ops
            .push((space.to_string(), key.into(), Some(value.into())));
    }

    pub(crate) fn remove(&mut self, space: &str, key: impl Into<Vec<u8>>) {
        self.ops.push((space.to_string(), key.into(), None));
    }

    pub(crate) fn is_empty(&self) -> bool {
        self.ops.is_empty()
    }
}

/// A handle on the local store. Cheap to clone; all clones share one engine
/// (one `sled::Db` per directory per process).
#[derive(Clone)]
pub struct Store {
    engine: Arc<dyn Engine>,
    edits: Arc<Mutex<()>>,
    quarantined: Option<Quarantined>,
}

/// What the process keeps per open directory: the engine, the edit lock,
/// and the quarantine (if any) that opening it caused, so every handle —
/// not only the first — can tell the user.
type Opened = (Arc<SledEngine>, Arc<Mutex<()>>, Option<Quarantined>);

fn open_dbs() -> &'static Mutex<HashMap<PathBuf, Opened>> {
    static OPEN: OnceLock<Mutex<HashMap<PathBuf, Opened>>> = OnceLock::new();
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
        if let Some((engine, edits, quarantined)) = open.get(&key) {
            return Ok(Store {
                engine: engine.clone(),
                edits: edits.clone(),
                quarantined: quarantined.clone(),
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
        let engine = Arc::new(SledEngine {
            db,
            trees: Mutex::new(HashMap::new()),
        });
        let edits = Arc::new(Mutex::new(()));
        open.insert(key, (engine.clone(), edits.clone(), quarantined.clone()));
        Ok(Store {
            engine,
            edits,
            quarantined,
        })
    }

    /// Set when opening had to move a corrupt store aside.
    pub fn quarantined(&self) -> Option<&Quarantined> {
        self.quarantined.as_ref()
    }

    /// Serialises read-modify-write edits within this process (other
    /// processes are kept out by the engine's own lock on the directory).
    pub(crate) fn edit_lock(&self) -> std::sync::MutexGuard<'_, ()> {
        self.edits
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    pub(crate) fn get(&self, space: &str, key: &[u8]) -> Result<Option<Vec<u8>>, StorageError> {
        self.engine.get(space, key)
    }

    /// Every entry under `prefix`, in key order.
    pub(crate) fn scan(&self, space: &str, prefix: &[u8]) -> Result<Vec<Entry>, StorageError> {
        let mut out = Vec::new();
        self.engine.scan(space, prefix, &mut |k, v| {
            out.push((k.to_vec(), v.to_vec()));
            true
        })?;
        Ok(out)
    }

    /// Visits entries under `prefix` in key order without collecting them.
    pub(crate) fn visit(
        &self,
        space: &str,
        prefix: &[u8],
        visit: &mut dyn FnMut(&[u8], &[u8]) -> bool,
    ) -> Result<(), StorageError> {
        self.engine.scan(space, prefix, visit)
    }

    /// Every key under `prefix`, in key order.
    pub(crate) fn keys(&self, space: &str, prefix: &[u8]) -> Result<Vec<Vec<u8>>, StorageError> {
        let mut out = Vec::new();
        self.engine.scan(space, prefix, &mut |k, _| {
            out.push(k.to_vec());
            true
        })?;
        Ok(out)
    }

    /// Applies `changes` atomically and durably; only then may the caller
    /// acknowledge them.
    pub(crate) fn commit(&self, changes: &Changes) -> Result<(), StorageError> {
        if changes.is_empty() {
            return Ok(());
        }
        self.engine.commit(changes)
    }
}

/// The sled engine behind [`Store`].
struct SledEngine {
    db: sled::Db,
    trees: Mutex<HashMap<String, sled::Tree>>,
}

impl SledEngine {
    fn tree(&self, space: &str) -> Result<sled::Tree, StorageError> {
        let mut trees = self
            .trees
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        if let Some(t) = trees.get(space) {
            return Ok(t.clone());
        }
        let t = self.db.open_tree(space)?;
        trees.insert(space.to_string(), t.clone());
        Ok(t)
    }
}

impl Engine for SledEngine {
    fn get(&self, space: &str, key: &[u8]) -> Result<Option<Vec<u8>>, StorageError> {
        Ok(self.tree(space)?.get(key)?.map(|v| v.to_vec()))
    }

    fn scan(
        &self,
        space: &str,
        prefix: &[u8],
        visit: &mut dyn FnMut(&[u8], &[u8]) -> bool,
    ) -> Result<(), StorageError> {
        for item in self.tree(space)?.scan_prefix(prefix) {
            let (k, v) = item?;
            if !visit(&k, &v) {
                break;
            }
        }
        Ok(())
    }

    fn commit(&self, changes: &Changes) -> Result<(), StorageError> {
        let mut names: Vec<&str> = changes.ops.iter().map(|(s, _, _)| s.as_str()).collect();
        names.sort_unstable();
        names.dedup();
        if let [only] = names.as_slice() {
            let mut batch = sled::Batch::default();
            for (_, k, v) in &changes.ops {
                match v {
                    Some(v) => batch.insert(k.as_slice(), v.as_slice()),
                    None => batch.remove(k.as_slice()),
                }
            }
            self.tree(only)?.apply_batch(batch)?;
        } else {
            let trees = names
                .iter()
                .map(|n| self.tree(n))
                .collect::<Result<Vec<_>, _>>()?;
            let refs: Vec<&sled::Tree> = trees.iter().collect();
            use sled::transaction::{TransactionError, Transactional};
            refs.as_slice()
                .transaction(|view| {
                    for (space, k, v) in &changes.ops {
                        let i = names.binary_search(&space.as_str()).unwrap_or(0);
                        match v {
                            Some(v) => view[i].insert(k.as_slice(), v.as_slice())?,
                            None => view[i].remove(k.as_slice())?,
                        };
                    }
                    Ok::<(), sled::transaction::ConflictableTransactionError<()>>(())
                })
                .map_err(|e| match e {
                    TransactionError::Storage(e) => StorageError::from(e),
                    TransactionError::Abort(()) => {
                        StorageError::Engine("transaction aborted".into())
                    }
                })?;
        }
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
        // hoso has only ever written sled 0.34.7 (pinned), so "unsupported"
        // means a damaged config (sled reads garbage as a pre-0.29 store).
        // Either way the store is moved aside, never deleted: a future
        // engine change ships an explicit migration instead.
        sled::Error::Corruption { .. } | sled::Error::Unsupported(_) => {
            Failure::Corrupt(e.to_string())
        }
        // sled reports a directory held by another process as a plain I/O
        // error with this text.
        sled::Error::Io(io)
            if io.kind() == std::io::ErrorKind::Other
                && io.to_string().contains("could not acquire lock") =>
        {
            Failure::Other(StorageError::Locked {
                path: path.display().to_string(),
            })
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
        let mut c = Changes::default();
        c.put("t", "k", "v");
        a.commit(&c).unwrap();
        assert_eq!(b.get("t", b"k").unwrap().unwrap(), b"v");
    }

    #[test]
    fn a_store_held_by_another_process_is_locked_not_corrupt() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join(STORE_DIR);
        let _held = sled::Config::new().path(&path).open().unwrap();
        match open_checked(&path) {
            Err(Failure::Other(StorageError::Locked { .. })) => {}
            Err(Failure::Other(e)) => panic!("expected Locked, got {e}"),
            Err(Failure::Corrupt(r)) => panic!("a held store was called corrupt: {r}"),
            Ok(_) => panic!("opened a store held elsewhere"),
        }
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
        let mut c = Changes::default();
        c.put("t", "k", "v");
        store.commit(&c).unwrap();
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
        let mut c = Changes::default();
        c.put("t", "k", "v");
        store.commit(&c).unwrap();
    }
}
