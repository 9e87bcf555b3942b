//! Reference counts of stored blobs: one sealed record per blob (under a
//! blinded key), saying its SHA-256, size, sniffed type, how many document
//! slots refer to it, and whether verification found it damaged. Changes are
//! staged into the caller's commit, so a draft and the counts it implies
//! always change together.

use crate::storage::Changes;
use crate::vault::{Vault, VaultError};
use serde::{Deserialize, Serialize};

/// Where blob records live.
pub const SPACE: &str = crate::vault::BLOBS_SPACE;

/// What is known about one stored blob.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BlobRecord {
    /// Hex SHA-256 of the plaintext.
    pub sha256: String,
    pub size: u64,
    /// MIME type sniffed from the content.
    pub media_type: String,
    /// Document slots (across all drafts) that refer to the blob.
    pub refs: u64,
    /// Set when verification found the stored file damaged.
    #[serde(default)]
    pub damaged: bool,
}

fn key(vault: &Vault, sha256_hex: &str) -> Vec<u8> {
    vault.blind(&format!("blob:{sha256_hex}"))
}

/// The record of a blob, if any.
pub fn get(vault: &Vault, sha256_hex: &str) -> Result<Option<BlobRecord>, VaultError> {
    let key = key(vault, sha256_hex);
    match vault.get(SPACE, &key)? {
        None => Ok(None),
        // An unreadable count must stop the caller, never read as "none".
        Some(bytes) => serde_json::from_slice(&bytes)
            .map(Some)
            .map_err(|_| VaultError::Damaged {
                space: SPACE.to_string(),
                key: String::from_utf8_lossy(&key).into_owned(),
            }),
    }
}

/// Stages `record` (written whole) into `changes`.
pub fn put(vault: &Vault, changes: &mut Changes, record: &BlobRecord) -> Result<(), VaultError> {
    let key = key(vault, &record.sha256);
    let bytes = serde_json::to_vec(record).map_err(|_| VaultError::Damaged {
        space: SPACE.to_string(),
        key: String::from_utf8_lossy(&key).into_owned(),
    })?;
    vault.put(changes, SPACE, &key, &bytes)
}

/// Stages the removal of a blob's record.
pub fn remove(vault: &Vault, changes: &mut Changes, sha256_hex: &str) {
    changes.remove(SPACE, key(vault, sha256_hex));
}

/// Every blob record. Fails if any record does not open or parse: callers
/// decide what may be deleted from this list, so a damaged record must stop
/// them rather than make a still-referenced blob look unreferenced.
pub fn all(vault: &Vault) -> Result<Vec<BlobRecord>, VaultError> {
    vault
        .scan_each(SPACE, b"")?
        .into_iter()
        .map(|(key, opened)| {
            let bytes = opened?;
            serde_json::from_slice(&bytes).map_err(|_| VaultError::Damaged {
                space: SPACE.to_string(),
                key: String::from_utf8_lossy(&key).into_owned(),
            })
        })
        .collect()
}
