//! The portal's persistence: the one place hoso-portal touches sled. One
//! `Db` per data directory, a schema-version key, JSON records in named
//! trees sealed with the portal's data key (bound to tree and key, so no
//! personal data reaches disk in clear), multi-record changes in one
//! transaction flushed before the request is answered, and a corrupt store
//! quarantined (moved aside) rather than a crash.
//!
//! Schema versions: 1, the first; 2 adds the volunteer and team indexes
//! (ADR 0013). A store of an older version opens with
//! [`Db::upgrade_from`] set; the portal rebuilds what the new version adds
//! and then calls [`Db::upgraded`]. A store of a newer version is refused,
//! so an older portal never writes to a store whose indexes it would not
//! keep.

use crate::seal::Sealer;
use hoso_core::{open_sled, DirectoryLock, LockError, SledOpenFailure, StorageError};
use serde::de::DeserializeOwned;
use serde::Serialize;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

const SCHEMA_VERSION: u32 = 2;
const SCHEMA_KEY: &[u8] = b"hoso-portal/schema_version";
const STORE_DIR: &str = "portal.sled";
/// Beside the store, so moving a damaged store aside never moves the lock.
const LOCK_FILE: &str = "portal.lock";

/// Why the portal's store failed.
#[derive(Debug, thiserror::Error)]
pub enum DbError {
    #[error("lỗi kho dữ liệu cổng / portal store error: {0}")]
    Engine(#[from] sled::Error),
    #[error("kho dữ liệu cổng được tạo bởi phiên bản mới hơn (lược đồ {0}) / the portal store was written by a newer version (schema {0})")]
    NewerSchema(u32),
    #[error("bản ghi {0} bị hỏng / record {0} is damaged")]
    Damaged(String),
    #[error("không cách ly được kho hỏng / cannot move the corrupt store aside: {0}")]
    Quarantine(std::io::Error),
    #[error("kho dữ liệu cổng {0} đang được một tiến trình khác dùng / the portal store {0} is in use by another process")]
    InUse(String),
    #[error("không khóa được thư mục dữ liệu cổng / cannot lock the portal's data directory: {0}")]
    Lock(std::io::Error),
    #[error(transparent)]
    Storage(StorageError),
}

impl From<StorageError> for DbError {
    fn from(e: StorageError) -> DbError {
        match e {
            StorageError::Locked { path } => DbError::InUse(path),
            other => DbError::Storage(other),
        }
    }
}

impl From<SledOpenFailure> for DbError {
    fn from(e: SledOpenFailure) -> DbError {
        match e {
            SledOpenFailure::Corrupt(reason) => DbError::Storage(StorageError::Engine(reason)),
            SledOpenFailure::Other(e) => e.into(),
        }
    }
}

/// One change of a [`Db::commit`].
pub enum Write {
    Put(&'static str, String, serde_json::Value),
    Remove(&'static str, String),
}

impl Write {
    /// A record to store; a value that cannot be serialised is a bug in the
    /// caller's types and is reported, not stored.
    pub fn put<T: Serialize>(tree: &'static str, key: impl Into<String>, value: &T) -> Write {
        Write::Put(
            tree,
            key.into(),
            serde_json::to_value(value).unwrap_or(serde_json::Value::Null),
        )
    }

    fn tree(&self) -> &'static str {
        match self {
            Write::Put(t, _, _) | Write::Remove(t, _) => t,
        }
    }
}

/// The portal's store.
#[derive(Clone)]
pub struct Db {
    db: sled::Db,
    sealer: Arc<Sealer>,
    /// Where a corrupt store found at start-up was moved.
    pub quarantined: Option<PathBuf>,
    /// The schema version of a store written by an older portal, until
    /// [`Db::upgraded`].
    pub upgrade_from: Option<u32>,
    /// The data directory's lock, held while any clone lives; declared after
    /// `db` so the engine closes first.
    _lock: Arc<DirectoryLock>,
}

/// How long opening waits for sled's own file lock once the directory lock
/// is held: a store this process has just closed keeps its `db` file for a
/// few milliseconds while sled's I/O threads finish. There is no event to
/// wait on for that, so it is polled with backoff, bounded.
const SETTLE: Duration = Duration::from_secs(10);

fn context(tree: &str, key: &str) -> Vec<u8> {
    let mut c = Vec::with_capacity(tree.len() + key.len() + 1);
    c.extend_from_slice(tree.as_bytes());
    c.push(0);
    c.extend_from_slice(key.as_bytes());
    c
}

impl Db {
    pub fn open(dir: &Path, sealer: Arc<Sealer>) -> Result<Db, DbError> {
        let path = dir.join(STORE_DIR);
        let deadline = Instant::now() + SETTLE;
        // The directory lock comes before sled reads anything: a damaged
        // store is moved aside only by the process that owns the directory,
        // never under a portal that has it open.
        let lock_path = dir.join(LOCK_FILE);
        let lock = DirectoryLock::try_acquire(&lock_path).map_err(|e| match e {
            LockError::Held => DbError::InUse(path.display().to_string()),
            LockError::Io(e) => DbError::Lock(e),
        })?;
        let (db, quarantined) = match open_sled(&path, deadline) {
            Ok(db) => (db, None),
            Err(SledOpenFailure::Corrupt(reason)) => {
                let stamp = hoso_core::clock::unix_now();
                let target = dir.join(format!("{STORE_DIR}.corrupt-{stamp}"));
                std::fs::rename(&path, &target).map_err(DbError::Quarantine)?;
                eprintln!(
                    "hoso-portal: kho hỏng đã được cách ly / corrupt store moved aside to {} ({reason})",
                    target.display()
                );
                (open_sled(&path, deadline)?, Some(target))
            }
            Err(SledOpenFailure::Other(e)) => return Err(e.into()),
        };
        let upgrade_from = match db.get(SCHEMA_KEY)? {
            Some(v) => {
                let found = <[u8; 4]>::try_from(v.as_ref())
                    .map(u32::from_be_bytes)
                    .map_err(|_| DbError::Damaged("schema_version".into()))?;
                if found > SCHEMA_VERSION {
                    return Err(DbError::NewerSchema(found));
                }
                (found < SCHEMA_VERSION).then_some(found)
            }
            None => {
                db.insert(SCHEMA_KEY, &SCHEMA_VERSION.to_be_bytes())?;
                db.flush()?;
                None
            }
        };
        Ok(Db {
            db,
            sealer,
            quarantined,
            upgrade_from,
            _lock: Arc::new(lock),
        })
    }

    /// Records that the store now holds everything the current schema
    /// version has (durably), once the upgrade's own commits are done.
    pub fn upgraded(&mut self) -> Result<(), DbError> {
        self.db.insert(SCHEMA_KEY, &SCHEMA_VERSION.to_be_bytes())?;
        self.db.flush()?;
        self.upgrade_from = None;
        Ok(())
    }

    fn decode<T: DeserializeOwned>(&self, tree: &str, key: &str, raw: &[u8]) -> Result<T, DbError> {
        let plain = self
            .sealer
            .open_sealed(&context(tree, key), raw)
            .map_err(|_| DbError::Damaged(format!("{tree}/{key}")))?;
        serde_json::from_slice(&plain).map_err(|_| DbError::Damaged(format!("{tree}/{key}")))
    }

    fn encode(&self, tree: &str, key: &str, value: &serde_json::Value) -> Result<Vec<u8>, DbError> {
        let plain =
            serde_json::to_vec(value).map_err(|_| DbError::Damaged(format!("{tree}/{key}")))?;
        self.sealer
            .seal(&context(tree, key), &plain)
            .map_err(|_| DbError::Damaged(format!("{tree}/{key}")))
    }

    /// A record.
    pub fn get<T: DeserializeOwned>(&self, tree: &str, key: &str) -> Result<Option<T>, DbError> {
        match self.db.open_tree(tree)?.get(key)? {
            None => Ok(None),
            Some(raw) => self.decode(tree, key, &raw).map(Some),
        }
    }

    /// Applies every change atomically and durably (flushed before return).
    pub fn commit(&self, writes: &[Write]) -> Result<(), DbError> {
        use sled::transaction::{ConflictableTransactionError, TransactionError, Transactional};
        let mut names: Vec<&str> = writes.iter().map(Write::tree).collect();
        names.sort_unstable();
        names.dedup();
        let mut sealed = Vec::with_capacity(writes.len());
        for w in writes {
            match w {
                Write::Put(tree, key, value) => {
                    sealed.push((*tree, key.as_str(), Some(self.encode(tree, key, value)?)))
                }
                Write::Remove(tree, key) => sealed.push((*tree, key.as_str(), None)),
            }
        }
        let trees = names
            .iter()
            .map(|n| self.db.open_tree(n))
            .collect::<Result<Vec<_>, _>>()?;
        let refs: Vec<&sled::Tree> = trees.iter().collect();
        refs.as_slice()
            .transaction(|view| {
                for (tree, key, value) in &sealed {
                    let i = names.binary_search(tree).unwrap_or(0);
                    match value {
                        Some(v) => view[i].insert(key.as_bytes(), v.as_slice())?,
                        None => view[i].remove(key.as_bytes())?,
                    };
                }
                Ok::<(), ConflictableTransactionError<()>>(())
            })
            .map_err(|e| match e {
                TransactionError::Storage(e) => DbError::Engine(e),
                TransactionError::Abort(()) => DbError::Damaged("transaction".into()),
            })?;
        self.db.flush()?;
        Ok(())
    }

    /// One record, durably.
    pub fn put<T: Serialize>(
        &self,
        tree: &'static str,
        key: &str,
        value: &T,
    ) -> Result<(), DbError> {
        self.commit(&[Write::put(tree, key, value)])
    }

    /// Removes one record, durably.
    pub fn remove(&self, tree: &'static str, key: &str) -> Result<(), DbError> {
        self.commit(&[Write::Remove(tree, key.to_string())])
    }

    /// Records whose key starts with `prefix` and sorts after `after`, in
    /// key order, at most `limit`.
    pub fn scan<T: DeserializeOwned>(
        &self,
        tree: &str,
        prefix: &str,
        after: Option<&str>,
        limit: usize,
    ) -> Result<Vec<(String, T)>, DbError> {
        let t = self.db.open_tree(tree)?;
        let mut out = Vec::new();
        let iter = match after {
            Some(a) => {
                let mut start = a.as_bytes().to_vec();
                start.push(0);
                t.range(start..)
            }
            None => t.range(prefix.as_bytes()..),
        };
        for item in iter {
            if out.len() >= limit {
                break;
            }
            let (k, v) = item?;
            if !k.starts_with(prefix.as_bytes()) {
                break;
            }
            let key = String::from_utf8(k.to_vec())
                .map_err(|_| DbError::Damaged(format!("{tree}/<key>")))?;
            let value = self.decode(tree, &key, &v)?;
            out.push((key, value));
        }
        Ok(out)
    }

    /// Keys of a tree starting with `prefix` (no records opened).
    pub fn keys(&self, tree: &str, prefix: &str) -> Result<Vec<String>, DbError> {
        let t = self.db.open_tree(tree)?;
        let mut out = Vec::new();
        for item in t.scan_prefix(prefix.as_bytes()) {
            let (k, _) = item?;
            out.push(String::from_utf8_lossy(&k).into_owned());
        }
        Ok(out)
    }

    /// How many records a tree holds.
    pub fn len(&self, tree: &str) -> Result<usize, DbError> {
        Ok(self.db.open_tree(tree)?.len())
    }

    /// Atomically increments a counter and returns its new value. Not
    /// flushed on its own: every caller writes the value in a [`Db::commit`],
    /// whose flush persists the counter with it (sled flushes the whole
    /// store), and a crash before that loses both together.
    pub fn next(&self, tree: &str, key: &str) -> Result<u64, DbError> {
        let t = self.db.open_tree(tree)?;
        let new = t.update_and_fetch(key, |old| {
            let n = old
                .and_then(|b| <[u8; 8]>::try_from(b).ok())
                .map(u64::from_be_bytes)
                .unwrap_or(0);
            Some((n + 1).to_be_bytes().to_vec())
        })?;
        new.and_then(|b| <[u8; 8]>::try_from(b.as_ref()).ok())
            .map(u64::from_be_bytes)
            .ok_or_else(|| DbError::Damaged(format!("{tree}/{key}")))
    }

    /// The portal's data key (for modules that seal files, not records).
    pub fn sealer(&self) -> &Arc<Sealer> {
        &self.sealer
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sealer(dir: &Path) -> Arc<Sealer> {
        Arc::new(Sealer::open(dir).unwrap())
    }

    #[test]
    fn records_counters_scans_and_reopen() {
        let dir = tempfile::tempdir().unwrap();
        {
            let db = Db::open(dir.path(), sealer(dir.path())).unwrap();
            db.put(
                "accounts",
                "a1",
                &serde_json::json!({"name": "Nguyễn Văn An"}),
            )
            .unwrap();
            assert_eq!(db.next("seq", "H40.22-261123").unwrap(), 1);
            assert_eq!(db.next("seq", "H40.22-261123").unwrap(), 2);
            db.commit(&[
                Write::put("a", "k1", &1),
                Write::put("a", "k2", &2),
                Write::put("a", "z", &3),
                Write::put("b", "k", &2),
            ])
            .unwrap();
        }
        let db = Db::open(dir.path(), sealer(dir.path())).unwrap();
        let v: serde_json::Value = db.get("accounts", "a1").unwrap().unwrap();
        assert_eq!(v["name"], "Nguyễn Văn An");
        assert_eq!(db.next("seq", "H40.22-261123").unwrap(), 3);
        assert_eq!(db.get::<i32>("b", "k").unwrap(), Some(2));
        let all: Vec<(String, i32)> = db.scan("a", "k", None, 10).unwrap();
        assert_eq!(all, vec![("k1".into(), 1), ("k2".into(), 2)]);
        let after: Vec<(String, i32)> = db.scan("a", "", Some("k1"), 1).unwrap();
        assert_eq!(after, vec![("k2".into(), 2)]);
        db.remove("a", "k1").unwrap();
        assert_eq!(db.len("a").unwrap(), 2);
        // Nothing personal on disk in clear.
        drop(db);
        let mut found = false;
        for entry in walk(&dir.path().join(STORE_DIR)) {
            let bytes = std::fs::read(entry).unwrap();
            found |= bytes.windows(6).any(|w| w == "Nguyễn".as_bytes());
        }
        assert!(!found);
    }

    fn walk(dir: &Path) -> Vec<PathBuf> {
        let mut out = Vec::new();
        for e in std::fs::read_dir(dir).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                out.extend(walk(&p));
            } else {
                out.push(p);
            }
        }
        out
    }

    #[test]
    fn an_older_store_opens_for_upgrade_until_upgraded() {
        let dir = tempfile::tempdir().unwrap();
        {
            let db = Db::open(dir.path(), sealer(dir.path())).unwrap();
            assert_eq!(db.upgrade_from, None, "a new store is current");
            db.db.insert(SCHEMA_KEY, &1u32.to_be_bytes()).unwrap();
        }
        {
            let mut db = Db::open(dir.path(), sealer(dir.path())).unwrap();
            assert_eq!(db.upgrade_from, Some(1));
            db.upgraded().unwrap();
            assert_eq!(db.upgrade_from, None);
        }
        let db = Db::open(dir.path(), sealer(dir.path())).unwrap();
        assert_eq!(db.upgrade_from, None);
        db.db
            .insert(SCHEMA_KEY, &(SCHEMA_VERSION + 1).to_be_bytes())
            .unwrap();
        drop(db);
        assert!(matches!(
            Db::open(dir.path(), sealer(dir.path())),
            Err(DbError::NewerSchema(_))
        ));
    }

    #[test]
    fn a_corrupt_store_is_moved_aside() {
        let dir = tempfile::tempdir().unwrap();
        let store = dir.path().join(STORE_DIR);
        std::fs::create_dir_all(&store).unwrap();
        std::fs::write(store.join("conf"), b"\xff\xfe garbage").unwrap();
        std::fs::write(store.join("db"), vec![0xAB; 4096]).unwrap();
        let db = Db::open(dir.path(), sealer(dir.path())).unwrap();
        assert!(db.quarantined.as_ref().is_some_and(|p| p.exists()));
        db.put("a", "k", &1).unwrap();
    }

    #[test]
    fn a_store_in_use_is_never_moved_aside() {
        let dir = tempfile::tempdir().unwrap();
        let db = Db::open(dir.path(), sealer(dir.path())).unwrap();
        db.put("a", "k", &1).unwrap();
        let conf = dir.path().join(STORE_DIR).join("conf");
        let good = std::fs::read(&conf).unwrap();
        std::fs::write(&conf, b"\xff\xfe garbage").unwrap();
        match Db::open(dir.path(), sealer(dir.path())) {
            Err(DbError::InUse(_)) => {}
            Err(e) => panic!("expected InUse, got {e}"),
            Ok(_) => panic!("opened a store in use"),
        }
        let moved = std::fs::read_dir(dir.path())
            .unwrap()
            .filter(|e| {
                e.as_ref()
                    .unwrap()
                    .file_name()
                    .to_string_lossy()
                    .contains("corrupt")
            })
            .count();
        assert_eq!(moved, 0);
        assert_eq!(db.get::<i32>("a", "k").unwrap(), Some(1));
        std::fs::write(&conf, good).unwrap();
        drop(db);
        let again = Db::open(dir.path(), sealer(dir.path())).unwrap();
        assert!(again.quarantined.is_none());
        assert_eq!(again.get::<i32>("a", "k").unwrap(), Some(1));
    }
}
