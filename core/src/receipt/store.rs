//! What the device keeps for receipts: the portal's key set (public, kept
//! plain, taken only by the rules of [`super::keys`]) with its ETag, and the
//! dossiers followed through a receipt or lookup link — code, lookup token,
//! the receipt and the last public status with when it was checked — sealed
//! under blinded keys, since which dossiers someone follows is personal.

use super::format::SignedReceipt;
use super::keys::{KeySet, KeySetError, KeysInstalled};
use super::scan::{scan, ScanError, Scanned, Source};
use super::verify::{verify, Verdict};
use crate::storage::{Changes, Store};
use crate::vault::{KeyProvider, Vault, VaultError};
use serde::{Deserialize, Serialize};
use std::path::Path;

/// The key set: plain (public keys), one record.
const KEYS_SPACE: &str = "receipt_keys";
const KEY_SET: &[u8] = b"set";
const KEY_SET_ETAG: &[u8] = b"etag";
const SPACE: &str = crate::vault::RECEIPTS_SPACE;
const FOLLOWED: &[u8] = b"f/";

/// Why receipts or keys could not be read or kept.
#[derive(Debug, thiserror::Error)]
pub enum ReceiptStoreError {
    #[error(transparent)]
    Vault(#[from] VaultError),
    #[error(transparent)]
    KeySet(#[from] KeySetError),
    #[error(transparent)]
    Scan(#[from] ScanError),
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
            ReceiptStoreError::Vault(VaultError::WrongKey) => "wrong_key",
            ReceiptStoreError::Vault(VaultError::Damaged { .. }) => "damaged",
            ReceiptStoreError::Vault(VaultError::Key(_)) => "key_unavailable",
            ReceiptStoreError::Vault(VaultError::Storage(_)) => "storage",
            ReceiptStoreError::KeySet(KeySetError::Stale { .. }) => "stale_key_set",
            ReceiptStoreError::KeySet(_) => "bad_key_set",
            ReceiptStoreError::Scan(ScanError::BadReceipt(_)) => "malformed",
            ReceiptStoreError::Scan(_) => "unrecognised_qr",
            ReceiptStoreError::Damaged(_) => "damaged",
            ReceiptStoreError::NotFollowed(_) => "not_followed",
        }
    }
}

/// One entry of a public status history (`PublicDossierStatus.history`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PublicHistoryEntry {
    pub at: String,
    pub status: u8,
    #[serde(default)]
    pub agency: PublicAgency,
}

/// An agency as the public lookup names it.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PublicAgency {
    #[serde(default)]
    pub code: String,
    #[serde(default)]
    pub name: String,
}

/// `PublicDossierStatus`: what anyone holding the receipt may see — no
/// names, ID numbers, notes or documents.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PublicStatus {
    pub code: String,
    pub procedure_code: String,
    #[serde(default)]
    pub procedure_name: String,
    #[serde(default)]
    pub agency: PublicAgency,
    pub status: u8,
    #[serde(default)]
    pub submitted_at: String,
    #[serde(default)]
    pub appointment_date: String,
    #[serde(default)]
    pub updated_at: String,
    #[serde(default)]
    pub history: Vec<PublicHistoryEntry>,
}

/// The receipt's claims, shown with the verdict that says whether to trust
/// them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReceiptSummary {
    pub procedure_code: String,
    pub agency_code: String,
    /// Unix seconds.
    pub issued_at: u64,
    pub appointment_date: String,
    pub fee_vnd: u64,
    pub kid: String,
}

impl ReceiptSummary {
    fn of(r: &SignedReceipt) -> ReceiptSummary {
        let p = &r.payload;
        ReceiptSummary {
            procedure_code: p.procedure_code.clone(),
            agency_code: p.agency_code.clone(),
            issued_at: p.issued_at,
            appointment_date: super::json::date_text(p.appointment_date),
            fee_vnd: p.fee_vnd,
            kid: p.kid.clone(),
        }
    }
}

/// A scanned text made into something to look up.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LookupRequest {
    pub dossier_code: String,
    pub source: Source,
    /// Only a hoso receipt whose signature verified is verified.
    pub verified: bool,
    /// Offline verification, for a hoso receipt.
    pub verdict: Option<Verdict>,
    /// What the receipt claims (trust it only when `verified`).
    pub receipt: Option<ReceiptSummary>,
    /// The QR text, for a hoso receipt (to show it again).
    pub receipt_qr: Option<String>,
    /// Whether the public lookup can be asked (a token came with the scan).
    pub has_token: bool,
    #[serde(skip)]
    pub(crate) lookup_token: Option<[u8; 16]>,
}

/// A dossier followed through its receipt (sealed).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FollowedDossier {
    pub dossier_code: String,
    /// base64url; lets anyone holding it read the public status.
    #[serde(rename = "lookup_token")]
    pub(crate) token: String,
    pub verified: bool,
    pub receipt: Option<ReceiptSummary>,
    pub receipt_qr: Option<String>,
    /// A Portal API lookup link's portal, when it named one.
    pub portal_url: Option<String>,
    /// The last status the public lookup answered, and when (Unix seconds).
    pub status: Option<PublicStatus>,
    pub checked_at: Option<i64>,
    pub followed_at: i64,
}

/// Receipts and keys kept under a data directory.
#[derive(Clone)]
pub struct Receipts {
    vault: Vault,
}

impl Receipts {
    pub fn open(data_dir: &Path, keys: &dyn KeyProvider) -> Result<Receipts, ReceiptStoreError> {
        let store = Store::open(data_dir)?;
        Ok(Receipts {
            vault: Vault::open(store, keys)?,
        })
    }

    fn store(&self) -> &Store {
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
        // A damaged set on disk is replaced by a good one rather than
        // blocking every refresh.
        let held = self.key_set().unwrap_or_default();
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

    /// Reads a scanned text into a lookup request, verifying a hoso receipt
    /// offline on the way.
    pub fn request(&self, text: &str) -> Result<LookupRequest, ReceiptStoreError> {
        let scanned = scan(text)?;
        let (verdict, receipt, receipt_qr) = match &scanned {
            Scanned::Receipt(r) => (
                Some(verify(r, &self.key_set()?)),
                Some(ReceiptSummary::of(r)),
                r.qr_text().ok(),
            ),
            _ => (None, None, None),
        };
        Ok(LookupRequest {
            dossier_code: scanned.dossier_code().to_string(),
            source: scanned.source(),
            verified: verdict.as_ref().is_some_and(Verdict::is_valid),
            verdict,
            receipt,
            receipt_qr,
            has_token: scanned.lookup_token().is_some(),
            lookup_token: scanned.lookup_token(),
        })
    }

    fn followed_key(&self, code: &str) -> Vec<u8> {
        let mut key = FOLLOWED.to_vec();
        key.extend(self.vault.blind(code));
        key
    }

    /// A followed dossier.
    pub fn followed(&self, code: &str) -> Result<Option<FollowedDossier>, ReceiptStoreError> {
        match self.vault.get(SPACE, &self.followed_key(code))? {
            None => Ok(None),
            Some(b) => serde_json::from_slice(&b)
                .map(Some)
                .map_err(|_| ReceiptStoreError::Damaged("followed dossier")),
        }
    }

    /// Every followed dossier, by code (a damaged record is skipped, not
    /// fatal to the others).
    pub fn followed_all(&self) -> Result<Vec<FollowedDossier>, ReceiptStoreError> {
        let mut all: Vec<FollowedDossier> = self
            .vault
            .scan_each(SPACE, FOLLOWED)?
            .into_iter()
            .filter_map(|(_, plain)| plain.ok())
            .filter_map(|b| serde_json::from_slice(&b).ok())
            .collect();
        all.sort_by(|a, b| a.dossier_code.cmp(&b.dossier_code));
        Ok(all)
    }

    /// Adds a request that carries a token to the followed list (or updates
    /// it, keeping the status already cached); answers the entry.
    pub fn follow(
        &self,
        request: &LookupRequest,
        now: i64,
    ) -> Result<Option<FollowedDossier>, ReceiptStoreError> {
        let Some(token) = request.lookup_token else {
            return Ok(None);
        };
        let _guard = self.store().edit_lock();
        let before = self.followed(&request.dossier_code)?;
        let token = super::json::token_text(&token);
        let entry = match before {
            // Same dossier, same capability: keep what is known, upgrade
            // to the verified receipt if this scan brought one.
            Some(mut f) if f.token == token => {
                if request.verified || f.receipt.is_none() {
                    f.verified = request.verified;
                    f.receipt = request.receipt.clone();
                    f.receipt_qr = request.receipt_qr.clone();
                }
                f
            }
            _ => FollowedDossier {
                dossier_code: request.dossier_code.clone(),
                token,
                verified: request.verified,
                receipt: request.receipt.clone(),
                receipt_qr: request.receipt_qr.clone(),
                portal_url: match &request.source {
                    Source::LookupLink { base_url } => Some(base_url.clone()),
                    _ => None,
                },
                status: None,
                checked_at: None,
                followed_at: now,
            },
        };
        self.save_followed(&entry)?;
        Ok(Some(entry))
    }

    /// Saves a followed dossier as it is.
    pub(crate) fn save_followed(&self, f: &FollowedDossier) -> Result<(), ReceiptStoreError> {
        let bytes =
            serde_json::to_vec(f).map_err(|_| ReceiptStoreError::Damaged("followed dossier"))?;
        let mut changes = Changes::default();
        self.vault.put(
            &mut changes,
            SPACE,
            &self.followed_key(&f.dossier_code),
            &bytes,
        )?;
        self.store().commit(&changes)?;
        Ok(())
    }

    /// Stops following a dossier.
    pub fn unfollow(&self, code: &str) -> Result<(), ReceiptStoreError> {
        let key = self.followed_key(code);
        if self.store().get(SPACE, &key)?.is_none() {
            return Err(ReceiptStoreError::NotFollowed(code.to_string()));
        }
        let mut changes = Changes::default();
        changes.remove(SPACE, key);
        self.store().commit(&changes)?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::receipt::test_support::{key_for, sample, test_pair};
    use crate::vault::FixedKey;

    fn receipts(dir: &Path) -> Receipts {
        Receipts::open(dir, &FixedKey([3; 32])).unwrap()
    }

    #[test]
    fn keys_then_requests_then_following() {
        let dir = tempfile::tempdir().unwrap();
        let receipts = receipts(dir.path());
        let pair = test_pair();
        let text = sample(&pair, "portal-2026-11").qr_text().unwrap();
        let before = receipts.request(&text).unwrap();
        assert_eq!(before.verdict.as_ref().unwrap().code(), "unknown_key");
        assert!(!before.verified && before.has_token);

        let set = KeySet {
            key_set_version: 1,
            keys: vec![key_for(&pair, "portal-2026-11")],
        };
        let installed = receipts.install_keys(&set, Some("\"keys-1\"")).unwrap();
        assert!(installed.changed);
        assert_eq!(
            receipts.key_set_etag().unwrap().as_deref(),
            Some("\"keys-1\"")
        );
        let request = receipts.request(&text).unwrap();
        assert!(request.verified);
        assert_eq!(
            request.receipt.as_ref().unwrap().appointment_date,
            "2026-11-24"
        );

        let f = receipts.follow(&request, 100).unwrap().unwrap();
        assert_eq!(f.followed_at, 100);
        assert_eq!(receipts.followed_all().unwrap(), vec![f.clone()]);
        // A bare code has no token: nothing to follow.
        let bare = receipts.request("H40.22-261123-0002").unwrap();
        assert!(!bare.verified && !bare.has_token);
        assert_eq!(receipts.follow(&bare, 100).unwrap(), None);

        // Sealed (the CLI test checks the disk): reopened with the key, it reads back.
        let again = Receipts::open(dir.path(), &FixedKey([3; 32])).unwrap();
        assert_eq!(again.followed("H40.22-261123-0001").unwrap(), Some(f));
        again.unfollow("H40.22-261123-0001").unwrap();
        assert!(matches!(
            again.unfollow("H40.22-261123-0001"),
            Err(ReceiptStoreError::NotFollowed(_))
        ));
    }

    #[test]
    fn a_refused_key_set_changes_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let receipts = receipts(dir.path());
        let good = KeySet {
            key_set_version: 2,
            keys: vec![key_for(&test_pair(), "portal-2026-11")],
        };
        receipts.install_keys(&good, None).unwrap();
        let older = KeySet {
            key_set_version: 1,
            keys: vec![],
        };
        assert!(matches!(
            receipts.install_keys(&older, None),
            Err(ReceiptStoreError::KeySet(KeySetError::Stale { .. }))
        ));
        assert_eq!(receipts.key_set().unwrap(), good);
    }
}
