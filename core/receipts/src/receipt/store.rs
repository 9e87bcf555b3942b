//! What the device keeps for receipts, and how it is opened: the key set
//! offline verification uses (every trusted portal's together; each is
//! kept sealed with its root key by [`super::trust`]). The sealed followed
//! list is [`super::followed`]'s; turning scans into requests is
//! [`super::request`]'s.

use super::format::SignedReceipt;
use super::keys::{KeySet, KeySetError};
use super::scan::ScanError;
use super::verify::Verdict;
use crate::storage::{Changes, Store};
use crate::vault::{KeyProvider, Vault, VaultError};
use hoso_store::error::{Classified, ErrorKind};
use std::path::Path;

/// Where a key set was kept plain and unsigned before key sets were tied
/// to their portal's root key: never read, removed when a signed one is
/// kept.
const KEYS_SPACE: &str = "receipt_keys";
const KEY_SET: &[u8] = b"set";
const KEY_SET_ETAG: &[u8] = b"etag";

/// Adds the removal of the old unsigned key set to `changes`.
pub(super) fn drop_unsigned_key_set(changes: &mut Changes) {
    changes.remove(KEYS_SPACE, KEY_SET);
    changes.remove(KEYS_SPACE, KEY_SET_ETAG);
}

/// Why receipts or keys could not be read or kept.
#[derive(Debug, thiserror::Error)]
pub enum ReceiptStoreError {
    #[error(transparent)]
    Vault(#[from] VaultError),
    #[error(transparent)]
    KeySet(#[from] KeySetError),
    #[error(transparent)]
    Trust(#[from] super::signed::TrustError),
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
            ReceiptStoreError::Trust(e) => e.code(),
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
            ReceiptStoreError::Trust(super::signed::TrustError::BadRootKey) => {
                ErrorKind::InvalidInput
            }
            // The portal's answer cannot be trusted.
            ReceiptStoreError::Trust(_) => ErrorKind::Portal,
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

    /// The key set offline verification uses: every trusted portal's
    /// together (see [`KeySet::union`]); empty before the first signed
    /// set is kept.
    pub fn key_set(&self) -> Result<KeySet, ReceiptStoreError> {
        let portals = self.trusted_portals()?;
        Ok(KeySet::union(portals.iter().map(|p| &p.key_set)))
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
    use crate::receipt::signed::{Signed, TrustError};
    use crate::receipt::test_support::{key_for, test_pair};
    use crate::vault::FixedKey;
    use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64URL;
    use base64::Engine;
    use hoso_wire::signature::{catalog_statement, key_set_statement};
    use ring::signature::{Ed25519KeyPair, KeyPair};

    const PORTAL: &str = "https://portal.example.vn/";

    /// A root key and signature as two headers would carry them.
    fn both<'a>(root_key: &'a str, signature: &'a str) -> Signed<'a> {
        Signed {
            root_key: Some(root_key),
            signature: Some(signature),
        }
    }

    struct Root(Ed25519KeyPair);

    impl Root {
        fn new(seed: u8) -> Root {
            Root(Ed25519KeyPair::from_seed_unchecked(&[seed; 32]).unwrap())
        }
        fn public(&self) -> String {
            B64URL.encode(self.0.public_key().as_ref())
        }
        fn sign(&self, statement: &[u8]) -> String {
            B64URL.encode(self.0.sign(statement).as_ref())
        }
    }

    fn signed_keys(root: &Root, set: &KeySet) -> (Vec<u8>, String) {
        let body = serde_json::to_vec(set).unwrap();
        let signature = root.sign(&key_set_statement(&body));
        (body, signature)
    }

    fn good() -> KeySet {
        KeySet {
            key_set_version: 2,
            keys: vec![key_for(&test_pair(), "portal-2026-11")],
        }
    }

    #[test]
    fn a_key_set_is_taken_only_under_its_portals_root() {
        let dir = tempfile::tempdir().unwrap();
        let receipts = Receipts::open(dir.path(), &FixedKey([3; 32])).unwrap();
        let root = Root::new(1);
        let (body, signature) = signed_keys(&root, &good());
        let public = root.public();
        let with = |root_key: Option<&'static str>, sig: &'static str| Signed {
            root_key,
            signature: Some(sig),
        };
        let leak = |s: String| -> &'static str { Box::leak(s.into_boxed_str()) };
        let (public, signature) = (leak(public), leak(signature));

        // Unsigned, or signed by another key than the one offered: refused.
        let unsigned = Signed {
            root_key: Some(public),
            signature: None,
        };
        let e = receipts
            .install_signed_keys(PORTAL, unsigned, &body, None)
            .unwrap_err();
        assert!(matches!(e, ReceiptStoreError::Trust(TrustError::Unsigned)));
        let forged = leak(Root::new(9).sign(&key_set_statement(&body)));
        let e = receipts
            .install_signed_keys(PORTAL, with(Some(public), forged), &body, None)
            .unwrap_err();
        assert!(matches!(
            e,
            ReceiptStoreError::Trust(TrustError::BadSignature)
        ));
        assert!(receipts.portal_trust(PORTAL).unwrap().is_none());
        assert!(receipts.key_set().unwrap().keys.is_empty());

        // Signed: taken, and the root pinned on first use.
        let installed = receipts
            .install_signed_keys(PORTAL, with(Some(public), signature), &body, Some("\"k2\""))
            .unwrap();
        assert!(installed.changed);
        let trust = receipts
            .portal_trust("https://PORTAL.example.vn")
            .unwrap()
            .unwrap();
        assert_eq!(trust.pinned, super::super::trust::Pinned::FirstUse);
        assert_eq!(trust.root_key, public);
        assert_eq!(receipts.key_set().unwrap(), good());
        assert_eq!(
            receipts.key_set_etag_for(PORTAL).unwrap().as_deref(),
            Some("\"k2\"")
        );

        // Another root offered later: refused, the set held unchanged.
        let other = Root::new(2);
        let (body2, sig2) = signed_keys(
            &other,
            &KeySet {
                key_set_version: 3,
                keys: vec![],
            },
        );
        let e = receipts
            .install_signed_keys(
                PORTAL,
                with(Some(leak(other.public())), leak(sig2)),
                &body2,
                None,
            )
            .unwrap_err();
        assert!(matches!(
            e,
            ReceiptStoreError::Trust(TrustError::RootKeyChanged { .. })
        ));
        assert_eq!(receipts.key_set().unwrap(), good());

        // A second portal's keys are its own; the union verifies both.
        let second = "https://other.example.vn";
        let their = KeySet {
            key_set_version: 1,
            keys: vec![key_for(&test_pair(), "portal-2026-12")],
        };
        let (body3, sig3) = signed_keys(&other, &their);
        receipts
            .install_signed_keys(
                second,
                with(Some(leak(other.public())), leak(sig3)),
                &body3,
                None,
            )
            .unwrap();
        assert_eq!(receipts.key_set_for(PORTAL).unwrap(), good());
        assert_eq!(receipts.key_set_for(second).unwrap(), their);
        assert_eq!(receipts.key_set().unwrap().keys.len(), 2);
    }

    #[test]
    fn a_configured_root_decides_and_catalogs_are_checked_by_it() {
        let dir = tempfile::tempdir().unwrap();
        let receipts = Receipts::open(dir.path(), &FixedKey([3; 32])).unwrap();
        let real = Root::new(1);
        let impostor = Root::new(2);
        let e = receipts
            .configure_root_key(PORTAL, "not base64!")
            .unwrap_err();
        assert!(matches!(
            e,
            ReceiptStoreError::Trust(TrustError::BadRootKey)
        ));
        receipts.configure_root_key(PORTAL, &real.public()).unwrap();

        let statement = catalog_statement(4, "ab");
        let by = |root: &Root| (root.public(), root.sign(&statement));
        let (p, s) = by(&impostor);
        let e = receipts
            .accept_signed_catalog(PORTAL, both(&p, &s), 4, "ab")
            .unwrap_err();
        assert!(matches!(
            e,
            ReceiptStoreError::Trust(TrustError::RootKeyChanged { .. })
        ));
        // Without the root header, the configured root still decides.
        let e = receipts
            .accept_signed_catalog(
                PORTAL,
                Signed {
                    root_key: None,
                    signature: Some(&s),
                },
                4,
                "ab",
            )
            .unwrap_err();
        assert!(matches!(
            e,
            ReceiptStoreError::Trust(TrustError::BadSignature)
        ));
        let (p, s) = by(&real);
        receipts
            .accept_signed_catalog(PORTAL, both(&p, &s), 4, "ab")
            .unwrap();
        // The same signature for another version or hash: refused.
        let e = receipts
            .accept_signed_catalog(PORTAL, both(&p, &s), 5, "ab")
            .unwrap_err();
        assert!(matches!(
            e,
            ReceiptStoreError::Trust(TrustError::BadSignature)
        ));
        let trust = receipts.portal_trust(PORTAL).unwrap().unwrap();
        assert_eq!(trust.pinned, super::super::trust::Pinned::Configured);
    }

    #[test]
    fn an_old_unsigned_key_set_is_never_used_and_goes_away() {
        let dir = tempfile::tempdir().unwrap();
        let receipts = Receipts::open(dir.path(), &FixedKey([3; 32])).unwrap();
        let mut changes = Changes::default();
        changes.put(KEYS_SPACE, KEY_SET, serde_json::to_vec(&good()).unwrap());
        receipts.store().commit(&changes).unwrap();
        assert!(receipts.key_set().unwrap().keys.is_empty());
        receipts
            .configure_root_key(PORTAL, &Root::new(1).public())
            .unwrap();
        assert!(receipts.store().get(KEYS_SPACE, KEY_SET).unwrap().is_none());
    }
}
