//! Which portals this device trusts, and with what (issue #18 item 3): per
//! portal (its base URL in one form), the root public key — configured by
//! the app, or pinned the first time the portal's signed answer verifies —
//! and the receipt-signing key set that root signed, sealed at rest. A key
//! set or a catalog is taken only with a valid signature of the portal's
//! root key (`hoso_wire::signature`); a portal whose root key changes is
//! refused until the app is configured with the new one. Offline receipt
//! verification uses the key sets of every trusted portal together.

use super::keys::{KeySet, KeySetError, KeysInstalled};
use super::signed::{root_bytes, verify, Signed, TrustError};
use super::store::{ReceiptStoreError, Receipts};
use crate::storage::Changes;
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64URL;
use base64::Engine;
use hoso_wire::signature::{catalog_statement, key_set_statement};
use serde::{Deserialize, Serialize};

const SPACE: &str = crate::vault::RECEIPTS_SPACE;
const TRUST: &[u8] = b"trust/";

/// How a portal's root key came to be trusted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Pinned {
    /// The app (or the user) configured it.
    Configured,
    /// Taken from the portal's first signed answer that verified under it.
    FirstUse,
}

/// What is trusted of one portal.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PortalTrust {
    /// The portal's base URL in one form ([`portal_id`]).
    pub portal: String,
    /// The root public key, base64url (32 bytes).
    pub root_key: String,
    pub pinned: Pinned,
    /// The receipt-signing keys this root signed (empty until fetched).
    pub key_set: KeySet,
    /// The ETag of the key set last fetched.
    pub etag: Option<String>,
}

/// A portal's base URL in one form (scheme and host lower case, default
/// port dropped, no trailing slash), so two spellings name one portal.
pub fn portal_id(url: &str) -> String {
    url::Url::parse(url)
        .map(|u| u.as_str().trim_end_matches('/').to_string())
        .unwrap_or_else(|_| url.trim_end_matches('/').to_string())
}

impl Receipts {
    fn trust_key(&self, portal: &str) -> Vec<u8> {
        let mut key = TRUST.to_vec();
        key.extend(self.vault.blind(&format!("portal-trust:{portal}")));
        key
    }

    /// What is trusted of the portal at `url`, if anything.
    pub fn portal_trust(&self, url: &str) -> Result<Option<PortalTrust>, ReceiptStoreError> {
        let portal = portal_id(url);
        match self.vault.get(SPACE, &self.trust_key(&portal))? {
            None => Ok(None),
            Some(bytes) => serde_json::from_slice(&bytes)
                .map(Some)
                .map_err(|_| ReceiptStoreError::Damaged("portal trust")),
        }
    }

    /// Every trusted portal; a damaged record is left out (its portal is
    /// trusted again only through a configured or re-pinned root).
    pub fn trusted_portals(&self) -> Result<Vec<PortalTrust>, ReceiptStoreError> {
        Ok(self
            .vault
            .scan_each(SPACE, TRUST)?
            .into_iter()
            .filter_map(|(_, plain)| serde_json::from_slice(&plain.ok()?).ok())
            .collect())
    }

    fn write_trust(&self, trust: &PortalTrust) -> Result<(), ReceiptStoreError> {
        let bytes =
            serde_json::to_vec(trust).map_err(|_| ReceiptStoreError::Damaged("portal trust"))?;
        let mut changes = Changes::default();
        self.vault
            .put(&mut changes, SPACE, &self.trust_key(&trust.portal), &bytes)?;
        // A key set kept before signing existed was never verified: gone.
        super::store::drop_unsigned_key_set(&mut changes);
        self.store().commit(&changes)?;
        Ok(())
    }

    /// Trusts `root_key` (base64url) as the root of the portal at `url`.
    /// A different root than the one held drops the key set it signed.
    pub fn configure_root_key(&self, url: &str, root_key: &str) -> Result<(), ReceiptStoreError> {
        let root = B64URL.encode(root_bytes(root_key)?);
        let portal = portal_id(url);
        let _guard = self.store().edit_lock();
        let trust = match self.portal_trust(&portal).ok().flatten() {
            Some(held) if held.root_key == root => PortalTrust {
                pinned: Pinned::Configured,
                ..held
            },
            _ => PortalTrust {
                portal,
                root_key: root,
                pinned: Pinned::Configured,
                key_set: KeySet::default(),
                etag: None,
            },
        };
        self.write_trust(&trust)
    }

    /// The root to check the portal's answer with: the one held, or the
    /// one offered when none is (not yet saved: it is pinned only once a
    /// signature verifies under it; `true` says it is new).
    fn root_for(
        &self,
        portal: &str,
        signed: Signed<'_>,
    ) -> Result<(PortalTrust, [u8; 32], bool), ReceiptStoreError> {
        let held = match self.portal_trust(portal) {
            Err(ReceiptStoreError::Damaged(_)) => None,
            other => other?,
        };
        let new = held.is_none();
        let trust = match held {
            Some(held) => {
                let offered = signed.root_key.map(root_bytes).transpose()?;
                if offered.is_some_and(|o| B64URL.encode(o) != held.root_key) {
                    return Err(TrustError::RootKeyChanged {
                        portal: portal.to_string(),
                    }
                    .into());
                }
                held
            }
            None => {
                let offered = signed.root_key.ok_or(TrustError::Unsigned)?;
                PortalTrust {
                    portal: portal.to_string(),
                    root_key: B64URL.encode(root_bytes(offered)?),
                    pinned: Pinned::FirstUse,
                    key_set: KeySet::default(),
                    etag: None,
                }
            }
        };
        let root = root_bytes(&trust.root_key)?;
        Ok((trust, root, new))
    }

    /// Checks the root signature of a catalog (`version`, `content_hash`)
    /// the portal at `url` sent; pins its root on first use.
    pub fn accept_signed_catalog(
        &self,
        url: &str,
        signed: Signed<'_>,
        version: u64,
        content_hash: &str,
    ) -> Result<(), ReceiptStoreError> {
        let portal = portal_id(url);
        let _guard = self.store().edit_lock();
        let (trust, root, new) = self.root_for(&portal, signed)?;
        verify(&root, &catalog_statement(version, content_hash), signed)?;
        if new {
            self.write_trust(&trust)?;
        }
        Ok(())
    }

    /// Takes the key set the portal at `url` answered with (`body`, as
    /// received) if its root signature verifies, by the rotation and
    /// revocation rules over this portal's set; pins the root on first
    /// use. A refused set changes nothing.
    pub fn install_signed_keys(
        &self,
        url: &str,
        signed: Signed<'_>,
        body: &[u8],
        etag: Option<&str>,
    ) -> Result<KeysInstalled, ReceiptStoreError> {
        let portal = portal_id(url);
        let _guard = self.store().edit_lock();
        let (mut trust, root, _) = self.root_for(&portal, signed)?;
        verify(&root, &key_set_statement(body), signed)?;
        let offered: KeySet = serde_json::from_slice(body).map_err(|_| KeySetError::Malformed)?;
        let (merged, report) = trust.key_set.merged(&offered)?;
        trust.key_set = merged;
        trust.etag = etag.map(str::to_string).or(trust.etag);
        self.write_trust(&trust)?;
        Ok(report)
    }

    /// The key set held for the portal at `url` (empty if none).
    pub fn key_set_for(&self, url: &str) -> Result<KeySet, ReceiptStoreError> {
        Ok(match self.portal_trust(url) {
            Err(ReceiptStoreError::Damaged(_)) => None,
            other => other?,
        }
        .map(|t| t.key_set)
        .unwrap_or_default())
    }

    /// The ETag of the key set last fetched from the portal at `url`.
    pub fn key_set_etag_for(&self, url: &str) -> Result<Option<String>, ReceiptStoreError> {
        Ok(self.portal_trust(url).ok().flatten().and_then(|t| t.etag))
    }
}
