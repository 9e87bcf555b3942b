//! The portal's root key: one Ed25519 key (ring), made on first start and
//! kept in the portal's store (sealed like every record), that signs the
//! receipt-signing key set (`GET /v1/keys`) and every catalog served
//! (`GET /v1/catalog/bundle`, deltas), so apps trust both by signature —
//! against a root key they were configured with or pinned on first use —
//! and not only by TLS. Its public half travels in `Hoso-Root-Key` and is
//! printed at start for operators to configure apps with.

use crate::db::{Db, DbError, Write};
use crate::PortalError;
use axum::http::{HeaderName, HeaderValue};
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64URL;
use base64::Engine;
use hoso_wire::signature::{ROOT_KEY_HEADER, SIGNATURE_HEADER};
use ring::rand::SystemRandom;
use ring::signature::{Ed25519KeyPair, KeyPair};
use serde::{Deserialize, Serialize};

const TREE: &str = "root_key";
const KEY: &str = "root";

/// Why the root key could not be made or loaded.
#[derive(Debug, thiserror::Error)]
pub enum RootKeyError {
    #[error("không tạo được khóa gốc / cannot generate the root key")]
    Generate,
    #[error("khóa gốc đã lưu không hợp lệ / the stored root key is malformed")]
    Malformed,
    #[error("{0}")]
    Db(#[from] DbError),
}

/// The key as stored.
#[derive(Serialize, Deserialize)]
struct RootRecord {
    /// PKCS#8 v2 document, base64url.
    pkcs8: String,
}

/// The portal's root signing key.
pub struct RootKey {
    pair: Ed25519KeyPair,
    public: String,
}

impl RootKey {
    /// Loads the root key, making it on first start.
    pub fn open(db: &Db) -> Result<RootKey, PortalError> {
        RootKey::load(db).map_err(|e| PortalError::Module {
            module: "root key",
            source: Box::new(e),
        })
    }

    fn load(db: &Db) -> Result<RootKey, RootKeyError> {
        let record = match db.get::<RootRecord>(TREE, KEY)? {
            Some(record) => record,
            None => {
                let pkcs8 = Ed25519KeyPair::generate_pkcs8(&SystemRandom::new())
                    .map_err(|_| RootKeyError::Generate)?;
                let record = RootRecord {
                    pkcs8: B64URL.encode(pkcs8.as_ref()),
                };
                db.commit(&[Write::put(TREE, KEY, &record)])?;
                record
            }
        };
        let pair = B64URL
            .decode(&record.pkcs8)
            .ok()
            .and_then(|der| Ed25519KeyPair::from_pkcs8(&der).ok())
            .ok_or(RootKeyError::Malformed)?;
        let public = B64URL.encode(pair.public_key().as_ref());
        Ok(RootKey { pair, public })
    }

    /// The public key, base64url (what apps configure or pin).
    pub fn public(&self) -> &str {
        &self.public
    }

    /// The root key and its signature of `statement`, as the two response
    /// headers that carry them.
    pub(crate) fn headers(&self, statement: &[u8]) -> [(HeaderName, HeaderValue); 2] {
        let signature = B64URL.encode(self.pair.sign(statement).as_ref());
        // Base64url text is always a valid header value.
        let value = |text: &str| {
            HeaderValue::from_str(text).unwrap_or_else(|_| HeaderValue::from_static(""))
        };
        [
            (
                HeaderName::from_static(ROOT_KEY_HEADER),
                value(&self.public),
            ),
            (HeaderName::from_static(SIGNATURE_HEADER), value(&signature)),
        ]
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ring::signature::{UnparsedPublicKey, ED25519};

    #[test]
    fn the_root_key_is_made_once_and_signs() {
        let dir = tempfile::tempdir().unwrap();
        let sealer = std::sync::Arc::new(crate::seal::Sealer::open(dir.path()).unwrap());
        let db = Db::open(dir.path(), sealer).unwrap();
        let first = RootKey::open(&db).unwrap();
        let again = RootKey::open(&db).unwrap();
        assert_eq!(first.public(), again.public());
        let [(_, key), (_, signature)] = first.headers(b"statement");
        let key = B64URL.decode(key.as_bytes()).unwrap();
        let signature = B64URL.decode(signature.as_bytes()).unwrap();
        UnparsedPublicKey::new(&ED25519, key)
            .verify(b"statement", &signature)
            .unwrap();
    }
}
