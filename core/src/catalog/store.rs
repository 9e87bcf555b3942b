//! The local catalog: versioned bundles kept in the store, one of them
//! current. Installing a version writes all its keys in one atomic batch and
//! then switches the `current` pointer — a single key — so a crash leaves
//! either the old catalog or the new one, never a mix. The previous version is
//! kept for rollback; older ones are collected.

use super::bundle::{Bundle, BundleInfo};
use super::Procedure;
use crate::search::{SearchEntry, SearchIndex};
use crate::storage::{Quarantined, StorageError, Store};
use std::path::Path;

const TREE: &str = "catalog";
const CURRENT: &[u8] = b"current";

/// Why the catalog could not be read or changed.
#[derive(Debug, thiserror::Error)]
pub enum CatalogError {
    #[error(transparent)]
    Storage(#[from] StorageError),
    #[error("chưa có danh mục thủ tục; hãy chạy `hoso catalog import` / no procedure catalog yet; run `hoso catalog import`")]
    NoCatalog,
    #[error("không tìm thấy thủ tục {0} / procedure {0} not found")]
    NotFound(String),
    #[error("dữ liệu danh mục bị hỏng ở khóa {key} / catalog data damaged at key {key}: {reason}")]
    Damaged { key: String, reason: String },
    #[error("gói phiên bản {offered} cũ hơn danh mục hiện tại (phiên bản {current}) / bundle version {offered} is older than the current catalog (version {current})")]
    Stale { offered: u64, current: u64 },
    #[error(transparent)]
    Bundle(#[from] super::bundle::BundleError),
    #[error(transparent)]
    Source(#[from] super::source::SourceError),
}

impl From<sled::Error> for CatalogError {
    fn from(e: sled::Error) -> Self {
        CatalogError::Storage(e.into())
    }
}

/// What installing a bundle did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Installed {
    /// The bundle is now the current catalog.
    Switched { from: Option<u64>, to: u64 },
    /// The current catalog already has this content; nothing changed.
    Unchanged { version: u64 },
}

/// The catalog kept under a data directory.
pub struct CatalogStore {
    store: Store,
    tree: sled::Tree,
}

fn version_prefix(version: u64) -> String {
    format!("v/{version:020}/")
}

impl CatalogStore {
    pub fn open(data_dir: &Path) -> Result<CatalogStore, CatalogError> {
        let store = Store::open(data_dir)?;
        let tree = store.tree(TREE)?;
        Ok(CatalogStore { store, tree })
    }

    /// Set when opening found a corrupt store and moved it aside.
    pub fn quarantined(&self) -> Option<&Quarantined> {
        self.store.quarantined()
    }

    /// The current catalog's identity, if any.
    pub fn current(&self) -> Result<Option<BundleInfo>, CatalogError> {
        let Some(version) = self.current_version()? else {
            return Ok(None);
        };
        self.read_json(&format!("{}info", version_prefix(version)))
            .map(Some)
    }

    fn current_version(&self) -> Result<Option<u64>, CatalogError> {
        match self.tree.get(CURRENT)? {
            None => Ok(None),
            Some(bytes) => {
                let arr: [u8; 8] =
                    bytes
                        .as_ref()
                        .try_into()
                        .map_err(|_| CatalogError::Damaged {
                            key: "current".into(),
                            reason: format!("{} bytes, expected 8", bytes.len()),
                        })?;
                Ok(Some(u64::from_be_bytes(arr)))
            }
        }
    }

    /// Makes `bundle` the current catalog (see the module doc for atomicity).
    pub fn install(&self, bundle: &Bundle) -> Result<Installed, CatalogError> {
        let current = self.current()?;
        if let Some(cur) = &current {
            if cur.content_hash == bundle.info.content_hash {
                return Ok(Installed::Unchanged {
                    version: cur.version,
                });
            }
            if bundle.info.version <= cur.version {
                return Err(CatalogError::Stale {
                    offered: bundle.info.version,
                    current: cur.version,
                });
            }
        }
        let prefix = version_prefix(bundle.info.version);
        let mut batch = sled::Batch::default();
        // Leftovers of an interrupted install of the same version go first.
        for key in self.tree.scan_prefix(prefix.as_bytes()).keys() {
            batch.remove(key?);
        }
        batch.insert(format!("{prefix}info").as_bytes(), to_json(&bundle.info));
        let entries: Vec<SearchEntry> = bundle.procedures.iter().map(SearchEntry::from).collect();
        batch.insert(format!("{prefix}entries").as_bytes(), to_json(&entries));
        for p in &bundle.procedures {
            batch.insert(format!("{prefix}p/{}", p.code).as_bytes(), to_json(p));
        }
        self.tree.apply_batch(batch)?;
        self.store.flush()?;
        self.tree
            .insert(CURRENT, &bundle.info.version.to_be_bytes())?;
        self.store.flush()?;
        let from = current.map(|c| c.version);
        self.collect_old(bundle.info.version, from)?;
        Ok(Installed::Switched {
            from,
            to: bundle.info.version,
        })
    }

    /// Removes every version except `keep` and `previous`.
    fn collect_old(&self, keep: u64, previous: Option<u64>) -> Result<(), CatalogError> {
        let keep = [Some(version_prefix(keep)), previous.map(version_prefix)];
        let mut batch = sled::Batch::default();
        let mut any = false;
        for key in self.tree.scan_prefix(b"v/").keys() {
            let key = key?;
            let owned = keep.iter().flatten().any(|p| key.starts_with(p.as_bytes()));
            if !owned {
                batch.remove(key);
                any = true;
            }
        }
        if any {
            self.tree.apply_batch(batch)?;
            self.store.flush()?;
        }
        Ok(())
    }

    /// One procedure of the current catalog.
    pub fn procedure(&self, code: &str) -> Result<Procedure, CatalogError> {
        let version = self.current_version()?.ok_or(CatalogError::NoCatalog)?;
        let key = format!("{}p/{}", version_prefix(version), code.trim());
        if self.tree.get(key.as_bytes())?.is_none() {
            return Err(CatalogError::NotFound(code.trim().to_string()));
        }
        self.read_json(&key)
    }

    /// Every procedure of the current catalog, in code order.
    pub fn procedures(&self) -> Result<Vec<Procedure>, CatalogError> {
        let version = self.current_version()?.ok_or(CatalogError::NoCatalog)?;
        let prefix = format!("{}p/", version_prefix(version));
        let mut out = Vec::new();
        for item in self.tree.scan_prefix(prefix.as_bytes()) {
            let (key, value) = item?;
            out.push(decode(&key, &value)?);
        }
        Ok(out)
    }

    /// The current catalog as a bundle (e.g. to serve or back up).
    pub fn bundle(&self) -> Result<Bundle, CatalogError> {
        let info = self.current()?.ok_or(CatalogError::NoCatalog)?;
        Ok(Bundle {
            info,
            procedures: self.procedures()?,
        })
    }

    /// Loads the current catalog's search index: reads only the compact
    /// search entries, not the procedures.
    pub fn search_index(&self) -> Result<SearchIndex, CatalogError> {
        let version = self.current_version()?.ok_or(CatalogError::NoCatalog)?;
        let entries: Vec<SearchEntry> =
            self.read_json(&format!("{}entries", version_prefix(version)))?;
        Ok(SearchIndex::build(&entries))
    }

    fn read_json<T: serde::de::DeserializeOwned>(&self, key: &str) -> Result<T, CatalogError> {
        let value = self
            .tree
            .get(key.as_bytes())?
            .ok_or_else(|| CatalogError::Damaged {
                key: key.to_string(),
                reason: "missing".into(),
            })?;
        decode(key.as_bytes(), &value)
    }
}

fn decode<T: serde::de::DeserializeOwned>(key: &[u8], value: &[u8]) -> Result<T, CatalogError> {
    serde_json::from_slice(value).map_err(|e| CatalogError::Damaged {
        key: String::from_utf8_lossy(key).into_owned(),
        reason: e.to_string(),
    })
}

fn to_json<T: serde::Serialize>(value: &T) -> Vec<u8> {
    // Our own model types always serialize; an empty value would surface as
    // `Damaged` on read rather than a panic here.
    serde_json::to_vec(value).unwrap_or_default()
}
