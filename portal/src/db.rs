//! The portal's persistence: the one place hoso-portal touches sled. One
//! `Db` per data directory, a schema-version key, JSON records in named
//! trees, and multi-record changes in one transaction, flushed before the
//! request is answered.

use serde::de::DeserializeOwned;
use serde::Serialize;
use std::path::Path;

const SCHEMA_VERSION: u32 = 1;
const SCHEMA_KEY: &[u8] = b"hoso-portal/schema_version";

/// Why the portal's store failed.
#[derive(Debug, thiserror::Error)]
pub enum DbError {
    #[error("lỗi kho dữ liệu cổng / portal store error: {0}")]
    Engine(#[from] sled::Error),
    #[error("kho dữ liệu cổng được tạo bởi phiên bản mới hơn (lược đồ {0}) / the portal store was written by a newer version (schema {0})")]
    NewerSchema(u32),
    #[error("bản ghi {0} bị hỏng / record {0} is damaged")]
    Damaged(String),
}

/// The portal's store.
#[derive(Clone)]
pub struct Db {
    db: sled::Db,
}

impl Db {
    pub fn open(dir: &Path) -> Result<Db, DbError> {
        let db = sled::Config::new().path(dir.join("portal.sled")).open()?;
        match db.get(SCHEMA_KEY)? {
            Some(v) => {
                let found = <[u8; 4]>::try_from(v.as_ref())
                    .map(u32::from_be_bytes)
                    .map_err(|_| DbError::Damaged("schema_version".into()))?;
                if found > SCHEMA_VERSION {
                    return Err(DbError::NewerSchema(found));
                }
            }
            None => {
                db.insert(SCHEMA_KEY, &SCHEMA_VERSION.to_be_bytes())?;
                db.flush()?;
            }
        }
        Ok(Db { db })
    }

    /// A JSON record.
    pub fn get<T: DeserializeOwned>(&self, tree: &str, key: &str) -> Result<Option<T>, DbError> {
        match self.db.open_tree(tree)?.get(key)? {
            None => Ok(None),
            Some(bytes) => serde_json::from_slice(&bytes)
                .map(Some)
                .map_err(|_| DbError::Damaged(format!("{tree}/{key}"))),
        }
    }

    /// Writes JSON records (tree, key, value) atomically and durably.
    pub fn put_all(&self, records: &[(&str, String, serde_json::Value)]) -> Result<(), DbError> {
        use sled::transaction::{ConflictableTransactionError, TransactionError, Transactional};
        let mut names: Vec<&str> = records.iter().map(|(t, _, _)| *t).collect();
        names.sort_unstable();
        names.dedup();
        let trees = names
            .iter()
            .map(|n| self.db.open_tree(n))
            .collect::<Result<Vec<_>, _>>()?;
        let refs: Vec<&sled::Tree> = trees.iter().collect();
        refs.as_slice()
            .transaction(|view| {
                for (tree, key, value) in records {
                    let i = names.binary_search(tree).unwrap_or(0);
                    let bytes = serde_json::to_vec(value).unwrap_or_default();
                    view[i].insert(key.as_bytes(), bytes)?;
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

    /// One JSON record, durably.
    pub fn put<T: Serialize>(&self, tree: &str, key: &str, value: &T) -> Result<(), DbError> {
        let v =
            serde_json::to_value(value).map_err(|_| DbError::Damaged(format!("{tree}/{key}")))?;
        self.put_all(&[(tree, key.to_string(), v)])
    }

    /// Atomically increments a counter and returns its new value.
    pub fn next(&self, tree: &str, key: &str) -> Result<u64, DbError> {
        let t = self.db.open_tree(tree)?;
        let new = t.update_and_fetch(key, |old| {
            let n = old
                .and_then(|b| <[u8; 8]>::try_from(b).ok())
                .map(u64::from_be_bytes)
                .unwrap_or(0);
            Some((n + 1).to_be_bytes().to_vec())
        })?;
        self.db.flush()?;
        new.and_then(|b| <[u8; 8]>::try_from(b.as_ref()).ok())
            .map(u64::from_be_bytes)
            .ok_or_else(|| DbError::Damaged(format!("{tree}/{key}")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn records_counters_and_reopen() {
        let dir = tempfile::tempdir().unwrap();
        {
            let db = Db::open(dir.path()).unwrap();
            db.put("accounts", "a1", &serde_json::json!({"name": "x"}))
                .unwrap();
            assert_eq!(db.next("seq", "H40.22-261123").unwrap(), 1);
            assert_eq!(db.next("seq", "H40.22-261123").unwrap(), 2);
            db.put_all(&[
                ("a", "k".into(), serde_json::json!(1)),
                ("b", "k".into(), serde_json::json!(2)),
            ])
            .unwrap();
        }
        let db = Db::open(dir.path()).unwrap();
        let v: serde_json::Value = db.get("accounts", "a1").unwrap().unwrap();
        assert_eq!(v["name"], "x");
        assert_eq!(db.next("seq", "H40.22-261123").unwrap(), 3);
        assert_eq!(db.get::<i32>("b", "k").unwrap(), Some(2));
    }
}
