//! The sled engine behind [`Store`](super::Store): named trees, prefix
//! scans, atomic commits flushed before they return, and opening a store
//! directory — the schema-version key and its migrations, a damaged store
//! told apart from one that is merely in use, and the wait for a store this
//! process has just closed.

use super::{Changes, Engine, StorageError};
use std::collections::HashMap;
use std::path::Path;
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// The schema this build writes. Bump it and add a step to `migrate` when the
/// layout of any tree changes.
pub(super) const SCHEMA_VERSION: u32 = 1;
pub(super) const SCHEMA_KEY: &[u8] = b"hoso/schema_version";

/// The sled engine behind [`Store`].
pub(super) struct SledEngine {
    db: sled::Db,
    trees: Mutex<HashMap<String, sled::Tree>>,
}

impl SledEngine {
    pub(super) fn new(db: sled::Db) -> SledEngine {
        SledEngine {
            db,
            trees: Mutex::new(HashMap::new()),
        }
    }

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

/// Why sled did not open a store directory.
#[derive(Debug)]
pub enum SledOpenFailure {
    /// sled calls it corrupt (or panicked reading it): move it aside.
    Corrupt(String),
    /// Anything else, `StorageError::Locked` when its `db` file stayed
    /// busy: report it, move nothing.
    Other(StorageError),
}

pub(super) use SledOpenFailure as Failure;

impl Failure {
    pub(super) fn into_error(self) -> StorageError {
        match self {
            Failure::Corrupt(reason) => StorageError::Engine(reason),
            Failure::Other(e) => e,
        }
    }
}

/// Opens hoso's store at `path` (the directory lock already held) and
/// brings its schema up to date.
pub(super) fn open_checked(path: &Path, deadline: Instant) -> Result<sled::Db, Failure> {
    let db = open_sled(path, deadline)?;
    migrate(&db)?;
    Ok(db)
}

/// Opens the sled store at `path`, its directory lock already held — also
/// for hoso-portal, which keeps a store of its own.
///
/// sled takes its own lock on its `db` file, and a store this process has
/// just closed can keep that file open for a few milliseconds more: sled's
/// I/O thread pool finishes queued writes after the last `Db` handle is
/// gone, and there is no event to wait on for that. Since the caller holds
/// the directory lock, no other hoso process can be the holder, so a busy
/// file is retried with backoff until `deadline`, then reported as in use
/// (the holder is then a hoso build older than the directory lock).
pub fn open_sled(path: &Path, deadline: Instant) -> Result<sled::Db, SledOpenFailure> {
    let mut pause = Duration::from_millis(1);
    loop {
        match open_once(path) {
            Err(Failure::Other(StorageError::Locked { .. })) if Instant::now() < deadline => {
                std::thread::sleep(pause.min(deadline.saturating_duration_since(Instant::now())));
                pause = (pause * 2).min(Duration::from_millis(50));
            }
            other => return other,
        }
    }
}

fn open_once(path: &Path) -> Result<sled::Db, Failure> {
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
