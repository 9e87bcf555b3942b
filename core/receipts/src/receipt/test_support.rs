//! Keys and receipts for the receipt module's unit tests.

use super::format::{ReceiptPayload, SignedReceipt};
use super::keys::PublicKey;
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64URL;
use base64::Engine;
use ring::signature::{Ed25519KeyPair, KeyPair};
use time::macros::{date, datetime};

fn pair_from_hex(hex: &str) -> Ed25519KeyPair {
    let seed: Vec<u8> = (0..32)
        .map(|i| u8::from_str_radix(&hex[2 * i..2 * i + 2], 16).unwrap())
        .collect();
    Ed25519KeyPair::from_seed_unchecked(&seed).unwrap()
}

/// RFC 8032 section 7.1, TEST 1.
pub(crate) fn test_pair() -> Ed25519KeyPair {
    pair_from_hex("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60")
}

/// RFC 8032 section 7.1, TEST 2.
pub(crate) fn other_pair() -> Ed25519KeyPair {
    pair_from_hex("4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb")
}

/// `pair`'s public key as the portal lists it, signing through 2026-11 to 2027-11.
pub(crate) fn key_for(pair: &Ed25519KeyPair, kid: &str) -> PublicKey {
    PublicKey {
        kid: kid.into(),
        kty: "OKP".into(),
        crv: "Ed25519".into(),
        alg: "EdDSA".into(),
        use_: "sig".into(),
        x: B64URL.encode(pair.public_key().as_ref()),
        not_before: "2026-11-01T00:00:00Z".into(),
        not_after: "2027-11-01T00:00:00Z".into(),
        revoked: false,
        revoked_at: None,
    }
}

/// Signs `payload` with `pair`.
pub fn signed(pair: &Ed25519KeyPair, payload: ReceiptPayload) -> SignedReceipt {
    let mut signature = [0u8; 64];
    signature.copy_from_slice(pair.sign(&payload.signed_message().unwrap()).as_ref());
    SignedReceipt { payload, signature }
}

/// A birth registration's receipt from H40.22, signed by `pair` as `kid`.
pub fn sample(pair: &Ed25519KeyPair, kid: &str) -> SignedReceipt {
    signed(
        pair,
        ReceiptPayload {
            kid: kid.into(),
            dossier_code: "H40.22-261123-0001".into(),
            procedure_code: "1.001193".into(),
            agency_code: "H40.22".into(),
            issued_at: datetime!(2026-11-23 02:15:42 UTC).unix_timestamp() as u64,
            appointment_date: date!(2026 - 11 - 24),
            fee_vnd: 0,
            lookup_token: [7; 16],
        },
    )
}

/// Keeps `set` as the key set of a test portal, signed by a fixed root key
/// (pinned on first use).
pub(crate) fn install_keys(
    receipts: &super::Receipts,
    set: &super::KeySet,
) -> super::KeysInstalled {
    let root = Ed25519KeyPair::from_seed_unchecked(&[42; 32]).unwrap();
    let body = serde_json::to_vec(set).unwrap();
    let statement = hoso_wire::signature::key_set_statement(&body);
    let signature = B64URL.encode(root.sign(&statement).as_ref());
    let public = B64URL.encode(root.public_key().as_ref());
    let signed = super::Signed {
        root_key: Some(&public),
        signature: Some(&signature),
    };
    receipts
        .install_signed_keys("https://portal.test", signed, &body, None)
        .unwrap()
}
