//! The local catalog: versioned bundles kept in the store, one of them
//! current. Installing a version writes all its keys in one atomic batch and
//! then switches the `current` pointer — a single key — so a crash leaves
//! either the old catalog or the new one, never a mix. The previous version is
//! kept for rollback; older ones are collected.

use super::bundle::{Bundle, BundleInfo};
use super::Procedure;
use super::SearchEntry;
use crate::storage::{Changes, Quarantined, StorageError, Store};
use hoso_store::error::{Classified, ErrorKind};
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
    #[error("không tìm thấy thủ tục {shown} / procedure {shown} not found", shown = crate::text::shown_if_identifier(.0))]
    NotFound(String),
    #[error("dữ liệu danh mục bị hỏng ở khóa {key} / catalog data damaged at key {key}: {reason}")]
    Damaged { key: String, reason: String },
    #[error("gói phiên bản {offered} cũ hơn danh mục hiện tại (phiên bản {current}) / bundle version {offered} is older than the current catalog (version {current})")]
    Stale { offered: u64, current: u64 },
    #[error("gói phiên bản {offered} nhảy quá xa so với danh mục hiện tại (phiên bản {current}, tối đa thêm {max}) / bundle version {offered} jumps too far past the current catalog (version {current}, at most {max} more)", max = hoso_store::limits::CATALOG_VERSION_JUMP_MAX)]
    VersionJump { offered: u64, current: u64 },
    #[error("danh mục hiện tại đã ở phiên bản lớn nhất ({current}), không thể đánh số phiên bản tiếp theo / the current catalog is at the largest version ({current}); no next version can be numbered")]
    VersionExhausted { current: u64 },
    #[error(transparent)]
    Bundle(#[from] super::bundle::BundleError),
    #[error(transparent)]
    Source(#[from] super::source::SourceError),
}

impl CatalogError {
    /// A stable machine code for the error.
    pub fn code(&self) -> &'static str {
        use super::bundle::BundleError as B;
        use super::source::SourceError as S;
        match self {
            CatalogError::Storage(_) => "storage",
            CatalogError::NoCatalog => "no_catalog",
            CatalogError::NotFound(_) => "not_found",
            CatalogError::Damaged { .. } => "catalog_damaged",
            CatalogError::Stale { .. } => "stale_bundle",
            CatalogError::VersionJump { .. } => "version_jump",
            CatalogError::VersionExhausted { .. } => "version_exhausted",
            CatalogError::Source(S::Limit(limit)) => limit.error_code(),
            CatalogError::Source(
                S::LineTooLong { .. } | S::TooManyRecords { .. } | S::TooManyLines { .. },
            ) => "too_large",
            CatalogError::Source(_) => "bad_source",
            CatalogError::Bundle(B::Io { .. }) => "io",
            CatalogError::Bundle(B::Limit(limit)) => limit.error_code(),
            CatalogError::Bundle(B::TooManyProcedures { .. }) => "too_large",
            CatalogError::Bundle(_) => "bad_bundle",
        }
    }
}

impl Classified for CatalogError {
    fn kind(&self) -> ErrorKind {
        match self {
            CatalogError::Storage(e) => e.kind(),
            CatalogError::NoCatalog => ErrorKind::NoCatalog,
            CatalogError::NotFound(_) => ErrorKind::NotFound,
            CatalogError::Damaged { .. } => ErrorKind::Damaged,
            CatalogError::Stale { .. }
            | CatalogError::VersionJump { .. }
            | CatalogError::VersionExhausted { .. }
            | CatalogError::Source(_)
            | CatalogError::Bundle(_) => ErrorKind::InvalidInput,
        }
    }

    fn error_code(&self) -> &'static str {
        self.code()
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

/// The catalog kept under a data directory (a clone shares it).
#[derive(Clone)]
pub struct CatalogStore {
    store: Store,
}

fn version_prefix(version: u64) -> String {
    format!("v/{version:020}/")
}

impl CatalogStore {
    pub fn open(data_dir: &Path) -> Result<CatalogStore, CatalogError> {
        Ok(CatalogStore {
            store: Store::open(data_dir)?,
        })
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

    /// The current catalog's version alone (an 8-byte read, for caches).
    pub fn current_version(&self) -> Result<Option<u64>, CatalogError> {
        match self.store.get(TREE, CURRENT)? {
            None => Ok(None),
            Some(bytes) => {
                let arr: [u8; 8] =
                    bytes
                        .as_slice()
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
    /// A bundle must be newer than the current catalog and at most
    /// [`CATALOG_VERSION_JUMP_MAX`](hoso_store::limits::CATALOG_VERSION_JUMP_MAX)
    /// versions newer.
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
            if bundle.info.version - cur.version > hoso_store::limits::CATALOG_VERSION_JUMP_MAX {
                return Err(CatalogError::VersionJump {
                    offered: bundle.info.version,
                    current: cur.version,
                });
            }
        }
        let prefix = version_prefix(bundle.info.version);
        let mut batch = Changes::default();
        // Leftovers of an interrupted install of the same version go first.
        for key in self.store.keys(TREE, prefix.as_bytes())? {
            batch.remove(TREE, key);
        }
        batch.put(TREE, format!("{prefix}info"), to_json(&bundle.info));
        let entries: Vec<SearchEntry> = bundle.procedures.iter().map(SearchEntry::from).collect();
        batch.put(TREE, format!("{prefix}entries"), to_json(&entries));
        for p in &bundle.procedures {
            batch.put(TREE, format!("{prefix}p/{}", p.code), to_json(p));
        }
        self.store.commit(&batch)?;
        let mut switch = Changes::default();
        switch.put(TREE, CURRENT, bundle.info.version.to_be_bytes());
        self.store.commit(&switch)?;
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
        let mut batch = Changes::default();
        for key in self.store.keys(TREE, b"v/")? {
            let owned = keep.iter().flatten().any(|p| key.starts_with(p.as_bytes()));
            if !owned {
                batch.remove(TREE, key);
            }
        }
        self.store.commit(&batch)?;
        Ok(())
    }

    /// One procedure of the current catalog.
    pub fn procedure(&self, code: &str) -> Result<Procedure, CatalogError> {
        let version = self.current_version()?.ok_or(CatalogError::NoCatalog)?;
        let key = format!("{}p/{}", version_prefix(version), code.trim());
        if self.store.get(TREE, key.as_bytes())?.is_none() {
            return Err(CatalogError::NotFound(code.trim().to_string()));
        }
        self.read_json(&key)
    }

    /// Every procedure of the current catalog, in code order.
    pub fn procedures(&self) -> Result<Vec<Procedure>, CatalogError> {
        let version = self.current_version()?.ok_or(CatalogError::NoCatalog)?;
        let prefix = format!("{}p/", version_prefix(version));
        let mut out = Vec::new();
        let mut damaged = None;
        self.store
            .visit(TREE, prefix.as_bytes(), &mut |key, value| {
                match decode(key, value) {
                    Ok(p) => out.push(p),
                    Err(e) => damaged = Some(e),
                }
                damaged.is_none()
            })?;
        match damaged {
            Some(e) => Err(e),
            None => Ok(out),
        }
    }

    /// The current catalog as a bundle (e.g. to serve or back up).
    pub fn bundle(&self) -> Result<Bundle, CatalogError> {
        let info = self.current()?.ok_or(CatalogError::NoCatalog)?;
        Ok(Bundle {
            info,
            procedures: self.procedures()?,
        })
    }

    /// The current catalog's compact search entries (not the procedures).
    pub fn search_entries(&self) -> Result<Vec<SearchEntry>, CatalogError> {
        let version = self.current_version()?.ok_or(CatalogError::NoCatalog)?;
        self.read_json(&format!("{}entries", version_prefix(version)))
    }

    fn read_json<T: serde::de::DeserializeOwned>(&self, key: &str) -> Result<T, CatalogError> {
        let value = self
            .store
            .get(TREE, key.as_bytes())?
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
