//! The dossiers followed through a receipt or lookup link: code, lookup
//! token, the receipt and the last public status with when it was checked,
//! sealed under blinded keys (which dossiers someone follows is personal).
//! Every change re-reads the record under the store's edit lock, so a
//! refresh racing an unfollow or a new scan never writes back a stale copy;
//! a token is never replaced by one the portal has not answered for, unless
//! a verified receipt replaces an unverified link.

use super::request::{LookupRequest, ReceiptSummary};
use super::store::{ReceiptStoreError, Receipts};
use super::verify::{verify_text, Verdict};
use super::{KeySet, SignedReceipt};
use crate::storage::Changes;
use serde::{Deserialize, Serialize};

const SPACE: &str = crate::vault::RECEIPTS_SPACE;
const FOLLOWED: &[u8] = b"f/";

/// `PublicDossierStatus`: what anyone holding the receipt may see — no
/// names, ID numbers, notes or documents.
pub use hoso_wire::PublicDossierStatus as PublicStatus;

/// A dossier followed through its receipt. The lookup token is kept with
/// it but never serialized from here (it is a capability, not for show).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FollowedDossier {
    pub dossier_code: String,
    /// The receipt verifies against the key set held now.
    #[serde(skip_deserializing)]
    pub verified: bool,
    /// That verification's verdict, when there is a receipt.
    #[serde(skip_deserializing)]
    pub verdict: Option<Verdict>,
    pub receipt: Option<ReceiptSummary>,
    pub receipt_qr: Option<String>,
    /// A Portal API lookup link's portal, when it named one.
    pub portal_url: Option<String>,
    /// The last status the public lookup answered, and when (Unix seconds).
    pub status: Option<PublicStatus>,
    pub checked_at: Option<i64>,
    pub followed_at: i64,
    #[serde(skip)]
    pub token: String,
}

/// How a followed dossier is stored: the dossier and its token.
#[derive(Serialize, Deserialize)]
struct FollowedRecord {
    #[serde(flatten)]
    dossier: FollowedDossier,
    lookup_token: String,
}

impl FollowedDossier {
    fn from_request(request: &LookupRequest, token: String, now: i64) -> FollowedDossier {
        FollowedDossier {
            dossier_code: request.dossier_code.clone(),
            verified: request.verified,
            verdict: request.verdict.clone(),
            receipt: request.receipt.clone(),
            receipt_qr: request.receipt_qr.clone(),
            portal_url: match &request.source {
                super::scan::Source::LookupLink { base_url } => Some(base_url.clone()),
                _ => None,
            },
            status: None,
            checked_at: None,
            followed_at: now,
            token,
        }
    }

    /// `verified` and `verdict` as of the key set held now (a key revoked
    /// since the scan shows).
    fn checked(mut self, keys: &KeySet) -> FollowedDossier {
        self.verdict = self.receipt_qr.as_deref().map(|qr| verify_text(qr, keys).1);
        self.verified = self.verdict.as_ref().is_some_and(Verdict::is_valid);
        self
    }
}

impl Receipts {
    fn followed_key(&self, code: &str) -> Vec<u8> {
        let mut key = FOLLOWED.to_vec();
        // Prefixed: the drafts' followed dossiers blind the bare code.
        key.extend(
            self.vault
                .blind(&format!("receipt:{}", super::scan::canonical_code(code))),
        );
        key
    }

    fn read_followed(&self, code: &str) -> Result<Option<FollowedDossier>, ReceiptStoreError> {
        match self.vault.get(SPACE, &self.followed_key(code))? {
            None => Ok(None),
            Some(b) => serde_json::from_slice::<FollowedRecord>(&b)
                .map(|r| {
                    Some(FollowedDossier {
                        token: r.lookup_token,
                        ..r.dossier
                    })
                })
                .map_err(|_| ReceiptStoreError::Damaged("followed dossier")),
        }
    }

    fn write_followed(&self, f: &FollowedDossier) -> Result<(), ReceiptStoreError> {
        let record = FollowedRecord {
            dossier: f.clone(),
            lookup_token: f.token.clone(),
        };
        let bytes = serde_json::to_vec(&record)
            .map_err(|_| ReceiptStoreError::Damaged("followed dossier"))?;
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

    /// A followed dossier (the code as typed; case does not matter).
    pub fn followed(&self, code: &str) -> Result<Option<FollowedDossier>, ReceiptStoreError> {
        let keys = self.key_set()?;
        Ok(self.read_followed(code)?.map(|f| f.checked(&keys)))
    }

    /// The receipt QR text of a dossier (the code as typed): the signed
    /// receipt of one filed from this device (`filed`) if the portal gave one, else the receipt
    /// it is followed through.
    pub fn receipt_qr(
        &self,
        filed: &crate::filed::FiledDossiers,
        code: &str,
    ) -> Result<Option<String>, ReceiptStoreError> {
        let code = &super::scan::canonical_code(code);
        let own = filed
            .get(code)?
            .and_then(|t| t.receipt)
            .and_then(|r| SignedReceipt::from_wire(&r).ok())
            .and_then(|r| r.qr_text().ok());
        match own {
            Some(qr) => Ok(Some(qr)),
            None => Ok(self.followed(code)?.and_then(|f| f.receipt_qr)),
        }
    }

    /// Every followed dossier as stored, by code, not verified (a damaged
    /// record is skipped, not fatal to the others).
    pub(crate) fn followed_records(&self) -> Result<Vec<FollowedDossier>, ReceiptStoreError> {
        let mut all: Vec<FollowedDossier> = self
            .vault
            .scan_each(SPACE, FOLLOWED)?
            .into_iter()
            .filter_map(|(_, plain)| plain.ok())
            .filter_map(|b| serde_json::from_slice::<FollowedRecord>(&b).ok())
            .map(|r| FollowedDossier {
                token: r.lookup_token,
                ..r.dossier
            })
            .collect();
        all.sort_by(|a, b| a.dossier_code.cmp(&b.dossier_code));
        Ok(all)
    }

    /// Every followed dossier, by code, with its verdict as of now.
    pub fn followed_all(&self) -> Result<Vec<FollowedDossier>, ReceiptStoreError> {
        let keys = self.key_set()?;
        Ok(self
            .followed_records()?
            .into_iter()
            .map(|f| f.checked(&keys))
            .collect())
    }

    /// Follows a request that carries a token, offline (or before the
    /// portal answered). An entry already followed keeps its token unless
    /// this is a verified receipt and the entry was not verified; with the
    /// same token, a verified receipt is added to it. Answers the entry as
    /// followed now (`None` without a token).
    pub fn follow(
        &self,
        request: &LookupRequest,
        now: i64,
    ) -> Result<Option<FollowedDossier>, ReceiptStoreError> {
        let Some(token) = request.lookup_token else {
            return Ok(None);
        };
        let token = super::json::token_text(&token);
        let _guard = self.store().edit_lock();
        let keys = self.key_set()?;
        let entry = match self.read_followed(&request.dossier_code)? {
            Some(f) => {
                let f = f.checked(&keys);
                let upgrade = request.verified && !f.verified;
                match (f.token == token, upgrade) {
                    (true, true) => FollowedDossier {
                        verified: true,
                        verdict: request.verdict.clone(),
                        receipt: request.receipt.clone(),
                        receipt_qr: request.receipt_qr.clone(),
                        ..f
                    },
                    (false, true) => FollowedDossier::from_request(request, token, now),
                    (_, false) => return Ok(Some(f)),
                }
            }
            None => FollowedDossier::from_request(request, token, now),
        };
        self.write_followed(&entry)?;
        Ok(Some(entry))
    }

    /// The portal answered `request`'s token with `status`: follow it (its
    /// token now proven, it replaces another) and cache the status.
    pub(crate) fn record_lookup(
        &self,
        request: &LookupRequest,
        token: &str,
        status: PublicStatus,
        now: i64,
    ) -> Result<FollowedDossier, ReceiptStoreError> {
        let _guard = self.store().edit_lock();
        let keys = self.key_set()?;
        let mut entry = match self.read_followed(&request.dossier_code)? {
            Some(f) if f.token == token => f.checked(&keys),
            _ => FollowedDossier::from_request(request, token.to_string(), now),
        };
        if request.verified && !entry.verified {
            entry.verified = true;
            entry.verdict = request.verdict.clone();
            entry.receipt = request.receipt.clone();
            entry.receipt_qr = request.receipt_qr.clone();
        }
        entry.status = Some(status);
        entry.checked_at = Some(now);
        self.write_followed(&entry)?;
        Ok(entry)
    }

    /// A refresh's answer for `code` under `token`: cached unless the
    /// dossier was unfollowed or its token replaced meanwhile. Answers
    /// whether the status changed.
    pub(crate) fn record_status(
        &self,
        code: &str,
        token: &str,
        status: PublicStatus,
        now: i64,
    ) -> Result<bool, ReceiptStoreError> {
        let _guard = self.store().edit_lock();
        let Some(mut entry) = self.read_followed(code)? else {
            return Ok(false);
        };
        if entry.token != token {
            return Ok(false);
        }
        let changed = entry.status.as_ref() != Some(&status);
        entry.status = Some(status);
        entry.checked_at = Some(now);
        self.write_followed(&entry)?;
        Ok(changed)
    }

    /// Stops following a dossier.
    pub fn unfollow(&self, code: &str) -> Result<(), ReceiptStoreError> {
        let _guard = self.store().edit_lock();
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
    use crate::receipt::test_support::{install_keys, key_for, sample, test_pair};
    use crate::vault::FixedKey;

    const CODE: &str = "H40.22-261123-0001";
    const FORGED_LINK: &str =
        "https://portal.example.vn/v1/lookup/H40.22-261123-0001?token=AAAAAAAAAAAAAAAAAAAAAA";

    fn status(n: u8) -> PublicStatus {
        PublicStatus {
            code: CODE.into(),
            procedure_code: "1.001193".into(),
            procedure_name: String::new(),
            agency: hoso_wire::AgencyRef {
                code: String::new(),
                name: String::new(),
            },
            status: n,
            submitted_at: String::new(),
            appointment_date: String::new(),
            updated_at: String::new(),
            history: Vec::new(),
            payments: Vec::new(),
        }
    }

    /// A store holding the sample's key, and the sample's QR text.
    fn set_up(dir: &std::path::Path) -> (Receipts, String) {
        let receipts = Receipts::open(dir, &FixedKey([3; 32])).unwrap();
        let pair = test_pair();
        install_keys(
            &receipts,
            &KeySet {
                key_set_version: 1,
                keys: vec![key_for(&pair, "portal-2026-11")],
            },
        );
        (receipts, sample(&pair, "portal-2026-11").qr_text().unwrap())
    }

    #[test]
    fn following_reading_back_and_unfollowing() {
        let dir = tempfile::tempdir().unwrap();
        let (receipts, text) = set_up(dir.path());
        let request = receipts.request(&text).unwrap();
        assert!(request.verified);
        let f = receipts.follow(&request, 100).unwrap().unwrap();
        assert!(f.verified && f.followed_at == 100);
        assert_eq!(receipts.followed_all().unwrap(), vec![f.clone()]);
        // Serialized for show, the token is not there.
        assert!(!serde_json::to_string(&f).unwrap().contains("lookup_token"));
        // A bare code has no token: nothing to follow.
        let bare = receipts.request("H40.22-261123-0002").unwrap();
        assert_eq!(receipts.follow(&bare, 100).unwrap(), None);
        // Reopened with the key, it reads back; codes are found whatever
        // their case.
        let again = Receipts::open(dir.path(), &FixedKey([3; 32])).unwrap();
        assert_eq!(again.followed(&CODE.to_lowercase()).unwrap(), Some(f));
        again.unfollow(" h40.22-261123-0001 ").unwrap();
        assert!(matches!(
            again.unfollow(CODE),
            Err(ReceiptStoreError::NotFollowed(_))
        ));
    }

    #[test]
    fn a_revocation_since_the_scan_shows_when_read() {
        let dir = tempfile::tempdir().unwrap();
        let (receipts, text) = set_up(dir.path());
        receipts
            .follow(&receipts.request(&text).unwrap(), 1)
            .unwrap();
        let mut revoked = key_for(&test_pair(), "portal-2026-11");
        revoked.revoked = true;
        install_keys(
            &receipts,
            &KeySet {
                key_set_version: 2,
                keys: vec![revoked],
            },
        );
        let f = receipts.followed(CODE).unwrap().unwrap();
        assert!(!f.verified);
        assert_eq!(f.verdict.unwrap().code(), "revoked_key");
    }

    #[test]
    fn a_forged_link_never_replaces_a_verified_receipt() {
        let dir = tempfile::tempdir().unwrap();
        let (receipts, text) = set_up(dir.path());
        let genuine = receipts.request(&text).unwrap();
        let token = super::super::json::token_text(&genuine.lookup_token.unwrap());
        receipts
            .record_lookup(&genuine, &token, status(1), 10)
            .unwrap();
        let forged = receipts.request(FORGED_LINK).unwrap();
        let kept = receipts.follow(&forged, 20).unwrap().unwrap();
        assert!(kept.verified);
        assert_eq!(kept.token, token);
        assert_eq!(kept.status, Some(status(1)));
        // A refresh under another token is not cached.
        assert!(!receipts
            .record_status(CODE, "AAAAAAAAAAAAAAAAAAAAAA", status(9), 30)
            .unwrap());
        assert_eq!(
            receipts.followed(CODE).unwrap().unwrap().status,
            Some(status(1))
        );
    }

    #[test]
    fn a_verified_receipt_replaces_a_link_and_a_refresh_never_resurrects() {
        let dir = tempfile::tempdir().unwrap();
        let (receipts, text) = set_up(dir.path());
        let link = receipts.request(FORGED_LINK).unwrap();
        assert!(!receipts.follow(&link, 1).unwrap().unwrap().verified);
        let genuine = receipts.request(&text).unwrap();
        let upgraded = receipts.follow(&genuine, 2).unwrap().unwrap();
        assert!(upgraded.verified);
        assert_eq!(
            upgraded.token,
            super::super::json::token_text(&genuine.lookup_token.unwrap())
        );
        // Unfollowed while a refresh was in flight: its answer is dropped.
        let token = upgraded.token.clone();
        receipts.unfollow(CODE).unwrap();
        assert!(!receipts.record_status(CODE, &token, status(2), 3).unwrap());
        assert!(receipts.followed(CODE).unwrap().is_none());
    }
}
