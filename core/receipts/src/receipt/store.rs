//! What the device keeps for receipts, and how it is opened: the portal's
//! key set (public, kept plain, taken only by the rules of
//! [`super::keys`]) with its ETag. The sealed followed list is
//! [`super::followed`]'s; turning scans into requests is
//! [`super::request`]'s.

use super::format::SignedReceipt;
use super::keys::{KeySet, KeySetError, KeysInstalled};
use super::scan::ScanError;
use super::verify::Verdict;
use crate::storage::{Changes, Store};
use crate::vault::{KeyProvider, Vault, VaultError};
use hoso_store::error::{Classified, ErrorKind};
use std::path::Path;

/// The key set: plain (public keys), one record.
const KEYS_SPACE: &str = "receipt_keys";
const KEY_SET: &[u8] = b"set";
const KEY_SET_ETAG: &[u8] = b"etag";

/// Why receipts or keys could not be read or kept.
#[derive(Debug, thiserror::Error)]
pub enum ReceiptStoreError {
    #[error(transparent)]
    Vault(#[from] VaultError),
    #[error(transparent)]
    KeySet(#[from] KeySetError),
    #[error(transparent)]
    Scan(#[from] ScanError),
    #[error(transparent)]
    Filed(#[from] crate::filed::FiledError),
    #[error("dữ liệu phiếu đã lưu bị hỏng ({0}) / saved receipt data is damaged ({0})")]
    Damaged(&'static str),
    #[error("không theo dõi hồ sơ {shown} / not following dossier {shown}", shown = crate::text::shown_if_identifier(.0))]
    NotFollowed(String),
}

impl From<crate::storage::StorageError> for ReceiptStoreError {
    fn from(e: crate::storage::StorageError) -> Self {
        ReceiptStoreError::Vault(VaultError::Storage(e))
    }
}

impl ReceiptStoreError {
    /// A stable machine code for the error.
    pub fn code(&self) -> &'static str {
        match self {
            ReceiptStoreError::Vault(e) => e.code(),
            ReceiptStoreError::Filed(e) => e.code(),
            ReceiptStoreError::KeySet(KeySetError::Stale { .. }) => "stale_key_set",
            ReceiptStoreError::KeySet(KeySetError::VersionJump { .. }) => "key_set_version_jump",
            ReceiptStoreError::KeySet(_) => "bad_key_set",
            ReceiptStoreError::Scan(ScanError::BadReceipt(_)) => "malformed",
            ReceiptStoreError::Scan(_) => "unrecognised_qr",
            ReceiptStoreError::Damaged(_) => "damaged",
            ReceiptStoreError::NotFollowed(_) => "not_followed",
        }
    }
}

impl Classified for ReceiptStoreError {
    fn kind(&self) -> ErrorKind {
        match self {
            ReceiptStoreError::Vault(e) => e.kind(),
            ReceiptStoreError::Filed(e) => e.kind(),
            ReceiptStoreError::KeySet(_) | ReceiptStoreError::Scan(_) => ErrorKind::Receipt,
            ReceiptStoreError::Damaged(_) => ErrorKind::Damaged,
            ReceiptStoreError::NotFollowed(_) => ErrorKind::NotFound,
        }
    }

    fn error_code(&self) -> &'static str {
        self.code()
    }
}

/// Receipts and keys kept under a data directory.
#[derive(Clone)]
pub struct Receipts {
    pub(super) vault: Vault,
}

impl Receipts {
    pub fn open(data_dir: &Path, keys: &dyn KeyProvider) -> Result<Receipts, ReceiptStoreError> {
        let store = Store::open(data_dir)?;
        Ok(Receipts {
            vault: Vault::open(store, keys)?,
        })
    }

    pub fn with_vault(vault: Vault) -> Receipts {
        Receipts { vault }
    }

    pub(super) fn store(&self) -> &Store {
        self.vault.store()
    }

    /// The key set held (empty before the first refresh).
    pub fn key_set(&self) -> Result<KeySet, ReceiptStoreError> {
        match self.store().get(KEYS_SPACE, KEY_SET)? {
            None => Ok(KeySet::default()),
            Some(bytes) => {
                serde_json::from_slice(&bytes).map_err(|_| ReceiptStoreError::Damaged("key set"))
            }
        }
    }

    /// The key set to work with: a damaged record counts as none held (so
    /// verdicts say `unknown_key` and the next set fetched replaces it —
    /// the portal's list is the only source of keys); a storage failure is
    /// an error.
    pub fn usable_key_set(&self) -> Result<KeySet, ReceiptStoreError> {
        match self.key_set() {
            Err(ReceiptStoreError::Damaged(_)) => Ok(KeySet::default()),
            other => other,
        }
    }

    /// The ETag of the key set last fetched.
    pub fn key_set_etag(&self) -> Result<Option<String>, ReceiptStoreError> {
        Ok(self
            .store()
            .get(KEYS_SPACE, KEY_SET_ETAG)?
            .and_then(|b| String::from_utf8(b).ok()))
    }

    /// Takes a newer key set (rotation and revocation; see
    /// [`super::keys`]). A refused set changes nothing.
    pub fn install_keys(
        &self,
        offered: &KeySet,
        etag: Option<&str>,
    ) -> Result<KeysInstalled, ReceiptStoreError> {
        let _guard = self.store().edit_lock();
        let held = self.usable_key_set()?;
        let (merged, report) = held.merged(offered)?;
        let mut changes = Changes::default();
        if report.changed {
            let bytes =
                serde_json::to_vec(&merged).map_err(|_| ReceiptStoreError::Damaged("key set"))?;
            changes.put(KEYS_SPACE, KEY_SET, bytes);
        }
        if let Some(etag) = etag {
            changes.put(KEYS_SPACE, KEY_SET_ETAG, etag.as_bytes());
        }
        if !changes.is_empty() {
            self.store().commit(&changes)?;
        }
        Ok(report)
    }

    /// Verifies a receipt's QR text offline against the key set held.
    pub fn verify_text(
        &self,
        text: &str,
    ) -> Result<(Option<SignedReceipt>, Verdict), ReceiptStoreError> {
        Ok(super::verify::verify_text(text, &self.key_set()?))
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::receipt::test_support::{key_for, test_pair};
    use crate::vault::FixedKey;

    #[test]
    fn a_refused_key_set_changes_nothing_and_a_damaged_one_is_replaced() {
        let dir = tempfile::tempdir().unwrap();
        let receipts = Receipts::open(dir.path(), &FixedKey([3; 32])).unwrap();
        let good = KeySet {
            key_set_version: 2,
            keys: vec![key_for(&test_pair(), "portal-2026-11")],
        };
        let installed = receipts.install_keys(&good, Some("\"keys-2\"")).unwrap();
        assert!(installed.changed);
        assert_eq!(
            receipts.key_set_etag().unwrap().as_deref(),
            Some("\"keys-2\"")
        );
        let older = KeySet {
            key_set_version: 1,
            keys: vec![],
        };
        assert!(matches!(
            receipts.install_keys(&older, None),
            Err(ReceiptStoreError::KeySet(KeySetError::Stale { .. }))
        ));
        assert_eq!(receipts.key_set().unwrap(), good);

        let mut changes = Changes::default();
        changes.put(KEYS_SPACE, KEY_SET, b"{not json".to_vec());
        receipts.store().commit(&changes).unwrap();
        assert!(matches!(
            receipts.key_set(),
            Err(ReceiptStoreError::Damaged(_))
        ));
        receipts.install_keys(&good, None).unwrap();
        assert_eq!(receipts.key_set().unwrap(), good);
    }
}
