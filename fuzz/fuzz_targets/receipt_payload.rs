//! Fuzzes the signed receipt's payload parsers (issue #7): the version-1
//! binary layout (`SignedReceipt::from_bytes`), the `HS1:` + base45 QR text
//! (`SignedReceipt::from_qr_text`, `verify_text`) and the JSON receipt
//! (`SignedReceipt::from_json`), and offline verification of whatever
//! decodes against a fixed key set: the spec's `portal-2026-11` key
//! (`KeySetRotated` in `docs/portal-api.yaml`).
//!
//! Every input is tried three ways, and besides "no panic" it checks:
//!
//! * as bytes: a decoded receipt encodes back to exactly the input
//!   (`to_bytes` is the canonical form, one byte string per receipt), its QR
//!   text decodes to the same receipt, its JSON form (when it has one: an
//!   `issued_at` past year 9999 has none) reads back to the same receipt,
//!   and `verify` answers a verdict about the receipt's own `kid`; `Valid`
//!   only for the spec receipt itself (anything else verifying under the
//!   spec key would be a forgery), `Malformed` only for an `issued_at` past
//!   `i64::MAX`;
//! * as text (lossy UTF-8): when `from_qr_text` decodes it, `qr_text()` gives
//!   back the input without the trailing CR/LF a scanner may add (base45 is
//!   canonical), and `verify_text` agrees with `from_qr_text` + `verify`;
//! * as JSON (when it parses): a receipt `from_json` accepts has a binary
//!   form that decodes to the same receipt.

#![no_main]

use hoso_core::receipt::{verify, verify_text, KeySet, PublicKey, SignedReceipt, Verdict};
use libfuzzer_sys::fuzz_target;
use std::sync::OnceLock;

/// The spec's receipt vector (`ReceiptH4022`), the only input that may
/// verify as valid.
const SPEC_QR: &str = "HS1:060S9E5LEAEC5W58469%6%960E2+Q6 $5KF6TF6%96QF63W5646.86Z96646%96IA7XZ0+Q6 $5KE6000H20TK0W3Q0V5000000000F30Y5BMXQKD3WHC2CW2EG/TRU5TZ$VZW46K9J2V:Y3BZ2R/81:CPTSX IV7GO$3YNNFIUWSPAVBKH8RB4V*LM4D9QOH85XWG1QKL:POY0Q2BTJ8+J4I302NL90";

fn keys() -> &'static KeySet {
    static KEYS: OnceLock<KeySet> = OnceLock::new();
    KEYS.get_or_init(|| KeySet {
        key_set_version: 3,
        keys: vec![PublicKey {
            kid: "portal-2026-11".into(),
            kty: "OKP".into(),
            crv: "Ed25519".into(),
            alg: "EdDSA".into(),
            use_: "sig".into(),
            x: "IgNKtLdKhv5eNH9j1n8i9YzrH5Vjw0LFdT5MZex5H24".into(),
            not_before: "2026-11-01T00:00:00Z".into(),
            not_after: "2027-11-01T00:00:00Z".into(),
            revoked: false,
            revoked_at: None,
        }],
    })
}

fn spec_bytes() -> &'static [u8] {
    static BYTES: OnceLock<Vec<u8>> = OnceLock::new();
    BYTES.get_or_init(|| {
        SignedReceipt::from_qr_text(SPEC_QR)
            .and_then(|r| r.to_bytes())
            .expect("the spec vector decodes")
    })
}

/// What `verify` may answer about a receipt that decoded.
fn check_verdict(receipt: &SignedReceipt, verdict: &Verdict) {
    let p = &receipt.payload;
    match verdict {
        Verdict::Valid { kid } => {
            assert_eq!(kid, &p.kid);
            assert_eq!(
                receipt.to_bytes().as_deref(),
                Ok(spec_bytes()),
                "a receipt other than the spec vector verifies under the spec key"
            );
        }
        Verdict::UnknownKey { kid }
        | Verdict::BadSignature { kid }
        | Verdict::RevokedKey { kid }
        | Verdict::ExpiredKey { kid, .. } => assert_eq!(kid, &p.kid),
        Verdict::Malformed { reason } => assert!(
            p.issued_at > i64::MAX as u64,
            "a decoded receipt was judged malformed: {reason:?}"
        ),
    }
    // Every verdict can be shown.
    assert!(!verdict.message_vi().is_empty() && !verdict.message_en().is_empty());
    assert!(!verdict.code().is_empty());
}

fn as_bytes(data: &[u8]) {
    let Ok(receipt) = SignedReceipt::from_bytes(data) else {
        return;
    };
    assert_eq!(
        receipt.to_bytes().as_deref(),
        Ok(data),
        "decoded bytes do not encode back to themselves"
    );
    let text = receipt
        .qr_text()
        .expect("a receipt that encodes has a QR text");
    assert_eq!(SignedReceipt::from_qr_text(&text).as_ref(), Ok(&receipt));
    if let Ok(json) = receipt.to_json() {
        assert_eq!(json["qr"].as_str(), Some(text.as_str()));
        assert_eq!(SignedReceipt::from_json(&json).as_ref(), Ok(&receipt));
    }
    check_verdict(&receipt, &verify(&receipt, keys()));
}

fn as_text(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let decoded = SignedReceipt::from_qr_text(&text);
    let (got, verdict) = verify_text(&text, keys());
    match decoded {
        Ok(receipt) => {
            assert_eq!(
                receipt.qr_text().as_deref(),
                Ok(text.trim_end_matches(['\r', '\n'])),
                "the QR text is not the canonical text of what it decodes to"
            );
            assert_eq!(got.as_ref(), Some(&receipt));
            assert_eq!(verdict, verify(&receipt, keys()));
            check_verdict(&receipt, &verdict);
        }
        Err(reason) => {
            assert_eq!(got, None);
            assert_eq!(verdict, Verdict::Malformed { reason });
        }
    }
}

fn as_json(data: &[u8]) {
    let Ok(value) = serde_json::from_slice::<serde_json::Value>(data) else {
        return;
    };
    let Ok(receipt) = SignedReceipt::from_json(&value) else {
        return;
    };
    let bytes = receipt
        .to_bytes()
        .expect("from_json only accepts what the binary form carries");
    assert_eq!(SignedReceipt::from_bytes(&bytes).as_ref(), Ok(&receipt));
    check_verdict(&receipt, &verify(&receipt, keys()));
}

fuzz_target!(|data: &[u8]| {
    as_bytes(data);
    as_text(data);
    as_json(data);
});
