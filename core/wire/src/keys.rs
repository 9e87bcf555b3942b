//! The portal's receipt-signing public keys (`GET /v1/keys`): the key set
//! with its version (`KeySet`) and each key, JWK-like (`PublicKey`), with
//! the fixed values of an Ed25519 signing key as one-value enums.

use crate::scalar::KeyId;
use serde::{Deserialize, Serialize};

string_enum! {
    /// `kty`: an octet key pair (RFC 8037).
    pub enum KeyType {
        Okp = "OKP",
    }
}

string_enum! {
    /// `crv`.
    pub enum Curve {
        Ed25519 = "Ed25519",
    }
}

string_enum! {
    /// `alg` of a key and of a receipt: Ed25519 signatures (RFC 8032).
    pub enum Algorithm {
        EdDsa = "EdDSA",
    }
}

string_enum! {
    /// `use`: the key signs.
    pub enum KeyUse {
        Sig = "sig",
    }
}

/// `KeySet`: every key that has signed or may sign receipts, retired and
/// revoked ones included.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct KeySet {
    /// Grows with every change (also in `CatalogInfo`).
    pub key_set_version: u64,
    pub keys: Vec<PublicKey>,
}

/// `PublicKey`: an Ed25519 receipt-signing key with its signing period and
/// revocation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PublicKey {
    pub kid: KeyId,
    pub kty: KeyType,
    pub crv: Curve,
    pub alg: Algorithm,
    #[serde(rename = "use")]
    pub use_: KeyUse,
    /// The 32-byte public key, base64url without padding.
    pub x: String,
    /// Start of the signing period (RFC 3339).
    pub not_before: String,
    /// End of the signing period, planned or the rotation time (RFC 3339);
    /// receipts issued within the period stay valid after it.
    pub not_after: String,
    pub revoked: bool,
    /// When it was revoked; `null` unless revoked.
    pub revoked_at: Option<String>,
}
