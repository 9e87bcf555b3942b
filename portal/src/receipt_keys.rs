//! The portal's receipt signing keys: Ed25519 (ring), each with a key id
//! derived from its public key, a validity window, and a revoked flag, so
//! clients can verify receipts offline against the published key set and
//! keys can rotate. The private key never leaves the portal's data
//! directory (PKCS#8 file, owner-only).

use ring::rand::SystemRandom;
use ring::signature::{Ed25519KeyPair, KeyPair, UnparsedPublicKey, ED25519};
use serde::{Deserialize, Serialize};

/// Why a signing key could not be made or loaded.
#[derive(Debug, thiserror::Error)]
pub enum KeyError {
    #[error("không tạo được khóa ký / cannot generate a signing key")]
    Generate,
    #[error("khóa ký đã lưu không hợp lệ / the stored signing key is malformed")]
    Malformed,
}

/// A public key as the portal publishes it (`GET /v1/keys`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PublishedKey {
    /// Short id carried in every receipt: the first 8 bytes of the SHA-256
    /// of the public key, hex.
    pub kid: String,
    /// Always `Ed25519`.
    pub alg: String,
    /// The 32-byte public key, base64url without padding.
    pub public_key: String,
    /// Unix seconds from which receipts signed by it are valid.
    pub not_before: i64,
    /// Unix seconds after which it signs no more receipts (`None`: current).
    pub not_after: Option<i64>,
    pub revoked: bool,
}

/// A signing key held by the portal.
pub struct SigningKey {
    pair: Ed25519KeyPair,
    pub published: PublishedKey,
}

fn b64url(bytes: &[u8]) -> String {
    const A: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let n = (u32::from(chunk[0]) << 16)
            | (u32::from(*chunk.get(1).unwrap_or(&0)) << 8)
            | u32::from(*chunk.get(2).unwrap_or(&0));
        let chars = chunk.len() + 1;
        for i in 0..chars {
            out.push(A[((n >> (18 - 6 * i)) & 63) as usize] as char);
        }
    }
    out
}

/// The key id of a public key.
pub fn key_id(public_key: &[u8]) -> String {
    let digest = ring::digest::digest(&ring::digest::SHA256, public_key);
    digest.as_ref()[..8]
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

impl SigningKey {
    /// A fresh key pair; returns it with its PKCS#8 bytes to store.
    pub fn generate(now: i64) -> Result<(SigningKey, Vec<u8>), KeyError> {
        let pkcs8 =
            Ed25519KeyPair::generate_pkcs8(&SystemRandom::new()).map_err(|_| KeyError::Generate)?;
        let bytes = pkcs8.as_ref().to_vec();
        let key = SigningKey::from_pkcs8(&bytes, now)?;
        Ok((key, bytes))
    }

    /// Loads a stored key.
    pub fn from_pkcs8(pkcs8: &[u8], not_before: i64) -> Result<SigningKey, KeyError> {
        let pair = Ed25519KeyPair::from_pkcs8(pkcs8).map_err(|_| KeyError::Malformed)?;
        let public = pair.public_key().as_ref().to_vec();
        Ok(SigningKey {
            published: PublishedKey {
                kid: key_id(&public),
                alg: "Ed25519".into(),
                public_key: b64url(&public),
                not_before,
                not_after: None,
                revoked: false,
            },
            pair,
        })
    }

    /// The 64-byte Ed25519 signature of `message`.
    pub fn sign(&self, message: &[u8]) -> [u8; 64] {
        let mut out = [0u8; 64];
        out.copy_from_slice(self.pair.sign(message).as_ref());
        out
    }

    pub fn public_key(&self) -> &[u8] {
        self.pair.public_key().as_ref()
    }
}

/// Checks an Ed25519 signature (what a client does offline).
pub fn verify(public_key: &[u8], message: &[u8], signature: &[u8]) -> bool {
    UnparsedPublicKey::new(&ED25519, public_key)
        .verify(message, signature)
        .is_ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sign_verify_reload_and_tamper() {
        let (key, pkcs8) = SigningKey::generate(1_700_000_000).unwrap();
        let msg = b"H40.22-261123-0001|1.001193|2026-11-30";
        let sig = key.sign(msg);
        assert!(verify(key.public_key(), msg, &sig));
        let mut bad = sig;
        bad[0] ^= 1;
        assert!(!verify(key.public_key(), msg, &bad));
        assert!(!verify(
            key.public_key(),
            b"H40.22-261123-0002|1.001193|2026-11-30",
            &sig
        ));
        let again = SigningKey::from_pkcs8(&pkcs8, 1_700_000_000).unwrap();
        assert_eq!(again.published, key.published);
        assert_eq!(key.published.kid.len(), 16);
        assert_eq!(key.published.public_key.len(), 43);
        assert!(matches!(
            SigningKey::from_pkcs8(b"not a key", 0),
            Err(KeyError::Malformed)
        ));
    }

    #[test]
    fn base64url_matches_rfc4648_vectors() {
        assert_eq!(b64url(b""), "");
        assert_eq!(b64url(b"f"), "Zg");
        assert_eq!(b64url(b"fo"), "Zm8");
        assert_eq!(b64url(b"foo"), "Zm9v");
        assert_eq!(b64url(b"foob"), "Zm9vYg");
        assert_eq!(b64url(&[0xfb, 0xff]), "-_8");
    }
}
