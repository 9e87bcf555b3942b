//! Offline verification of a receipt against the key set the device holds,
//! answering one of six typed verdicts (valid, unknown key, bad signature,
//! expired key, revoked key, malformed), each with a Vietnamese and an
//! English message for the screen.

use super::format::{FormatError, SignedReceipt};
use super::keys::{KeySet, TrustedKey};
use ring::signature::{UnparsedPublicKey, ED25519};
use serde::Serialize;

/// What offline verification concluded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "result", rename_all = "snake_case")]
pub enum Verdict {
    /// Signed by a listed key within its signing period; not tampered with.
    Valid { kid: String },
    /// The signing key is not in the key set held (refresh the keys online,
    /// or the receipt is not from this portal).
    UnknownKey { kid: String },
    /// The signature does not match the contents: altered or forged.
    BadSignature { kid: String },
    /// Issued outside the key's signing period (the key had expired, or was
    /// not yet in use).
    ExpiredKey {
        kid: String,
        not_before: i64,
        not_after: i64,
    },
    /// The key was revoked: no receipt it signed can be trusted offline.
    RevokedKey { kid: String },
    /// Not a well-formed receipt.
    Malformed { reason: FormatError },
}

impl Verdict {
    /// Can the receipt's contents be trusted?
    pub fn is_valid(&self) -> bool {
        matches!(self, Verdict::Valid { .. })
    }

    /// A stable code apps and scripts switch on.
    pub fn code(&self) -> &'static str {
        match self {
            Verdict::Valid { .. } => "valid",
            Verdict::UnknownKey { .. } => "unknown_key",
            Verdict::BadSignature { .. } => "bad_signature",
            Verdict::ExpiredKey { .. } => "expired_key",
            Verdict::RevokedKey { .. } => "revoked_key",
            Verdict::Malformed { .. } => "malformed",
        }
    }

    /// The message in Vietnamese.
    pub fn message_vi(&self) -> String {
        match self {
            Verdict::Valid { kid } => format!("Phiếu hợp lệ, được cổng ký bằng khóa {kid}."),
            Verdict::UnknownKey { kid } => format!(
                "Phiếu được ký bằng khóa {kid} mà máy chưa biết: hãy cập nhật bộ khóa khi có mạng, hoặc phiếu không phải của cổng này."
            ),
            Verdict::BadSignature { .. } => {
                "Chữ ký không khớp nội dung: phiếu đã bị sửa hoặc giả.".to_string()
            }
            Verdict::ExpiredKey { kid, .. } => format!(
                "Phiếu được ký ngoài thời hạn của khóa {kid} (khóa đã hết hạn hoặc chưa có hiệu lực)."
            ),
            Verdict::RevokedKey { kid } => format!(
                "Khóa {kid} đã bị thu hồi: không thể tin phiếu khi không có mạng; hãy tra cứu trực tuyến."
            ),
            Verdict::Malformed { reason } => {
                format!("Không phải phiếu hợp lệ: {}.", reason.message_vi())
            }
        }
    }

    /// The message in English.
    pub fn message_en(&self) -> String {
        match self {
            Verdict::Valid { kid } => format!("Valid receipt, signed by the portal with key {kid}."),
            Verdict::UnknownKey { kid } => format!(
                "Signed with key {kid}, which this device does not know: refresh the key set when online, or the receipt is not from this portal."
            ),
            Verdict::BadSignature { .. } => {
                "The signature does not match the contents: the receipt was altered or forged."
                    .to_string()
            }
            Verdict::ExpiredKey { kid, .. } => format!(
                "Signed outside key {kid}'s signing period (the key had expired or was not yet in use)."
            ),
            Verdict::RevokedKey { kid } => format!(
                "Key {kid} was revoked: the receipt cannot be trusted offline; look it up online."
            ),
            Verdict::Malformed { reason } => {
                format!("Not a well-formed receipt: {}.", reason.message_en())
            }
        }
    }
}

/// Verifies `receipt` against trusted keys (see [`verify`]).
fn verify_with(receipt: &SignedReceipt, keys: &[TrustedKey]) -> Verdict {
    let p = &receipt.payload;
    let key = match signing_key(keys, &p.kid) {
        Ok(key) => key,
        Err(verdict) => return verdict,
    };
    let Ok(issued) = i64::try_from(p.issued_at) else {
        return Verdict::Malformed {
            reason: FormatError::Field("issued_at"),
        };
    };
    let message = match p.signed_message() {
        Ok(m) => m,
        Err(reason) => return Verdict::Malformed { reason },
    };
    signed_within(key, &message, &receipt.signature, issued)
}

/// The listed, unrevoked key `kid` names, or the verdict saying why not
/// (unknown key, revoked key). Shared with electronic payment receipts.
pub(crate) fn signing_key<'a>(
    keys: &'a [TrustedKey],
    kid: &str,
) -> Result<&'a TrustedKey, Verdict> {
    let Some(key) = keys.iter().find(|k| k.kid == kid) else {
        return Err(Verdict::UnknownKey {
            kid: kid.to_string(),
        });
    };
    if key.revoked {
        return Err(Verdict::RevokedKey {
            kid: key.kid.clone(),
        });
    }
    Ok(key)
}

/// Whether `signature` is `key`'s over `message`, made at `at` (Unix
/// seconds) inside the key's signing period. The signature first: a forged
/// receipt is "bad signature" whatever period it claims.
pub(crate) fn signed_within(
    key: &TrustedKey,
    message: &[u8],
    signature: &[u8],
    at: i64,
) -> Verdict {
    if UnparsedPublicKey::new(&ED25519, &key.public)
        .verify(message, signature)
        .is_err()
    {
        return Verdict::BadSignature {
            kid: key.kid.clone(),
        };
    }
    if at < key.not_before || at > key.not_after {
        return Verdict::ExpiredKey {
            kid: key.kid.clone(),
            not_before: key.not_before,
            not_after: key.not_after,
        };
    }
    Verdict::Valid {
        kid: key.kid.clone(),
    }
}

/// Verifies a decoded receipt offline against `keys`. Keys that do not pass
/// their own checks are left out (a receipt they signed is "unknown key").
pub fn verify(receipt: &SignedReceipt, keys: &KeySet) -> Verdict {
    let trusted: Vec<TrustedKey> = keys.keys.iter().filter_map(|k| k.trusted().ok()).collect();
    verify_with(receipt, &trusted)
}

/// Decodes a QR text and verifies it: the receipt (when it decoded) and the
/// verdict.
pub fn verify_text(text: &str, keys: &KeySet) -> (Option<SignedReceipt>, Verdict) {
    match SignedReceipt::from_qr_text(text) {
        Ok(r) => {
            let verdict = verify(&r, keys);
            (Some(r), verdict)
        }
        Err(reason) => (None, Verdict::Malformed { reason }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::receipt::test_support::{key_for, other_pair, sample, test_pair};

    fn keys(list: Vec<super::super::keys::PublicKey>) -> KeySet {
        KeySet {
            key_set_version: 1,
            keys: list,
        }
    }

    #[test]
    fn every_verdict_is_reached() {
        let pair = test_pair();
        let r = sample(&pair, "portal-2026-11");
        let good = key_for(&pair, "portal-2026-11");
        assert!(verify(&r, &keys(vec![good.clone()])).is_valid());
        assert_eq!(
            verify(&r, &keys(vec![])),
            Verdict::UnknownKey {
                kid: "portal-2026-11".into()
            }
        );
        let mut revoked = good.clone();
        revoked.revoked = true;
        assert_eq!(verify(&r, &keys(vec![revoked])).code(), "revoked_key");
        let mut later = good.clone();
        later.not_before = "2026-11-24T00:00:00Z".into();
        assert_eq!(verify(&r, &keys(vec![later])).code(), "expired_key");
        let mut ended = good.clone();
        ended.not_after = "2026-11-23T02:15:41Z".into();
        assert_eq!(verify(&r, &keys(vec![ended])).code(), "expired_key");
        // A foreign key under the same name: bad signature.
        let foreign = key_for(&other_pair(), "portal-2026-11");
        assert_eq!(verify(&r, &keys(vec![foreign])).code(), "bad_signature");
        assert_eq!(
            verify_text("HS1:", &keys(vec![good])).1,
            Verdict::Malformed {
                reason: FormatError::Truncated
            }
        );
    }

    #[test]
    fn every_flipped_bit_fails() {
        let pair = test_pair();
        let r = sample(&pair, "portal-2026-11");
        let held = keys(vec![key_for(&pair, "portal-2026-11")]);
        let bytes = r.to_bytes().unwrap();
        for i in 0..bytes.len() {
            for bit in 0..8 {
                let mut bad = bytes.clone();
                bad[i] ^= 1 << bit;
                let verdict = match SignedReceipt::from_bytes(&bad) {
                    Ok(t) => verify(&t, &held),
                    Err(reason) => Verdict::Malformed { reason },
                };
                assert!(!verdict.is_valid(), "byte {i} bit {bit} still verifies");
            }
        }
    }

    #[test]
    fn messages_are_bilingual_and_distinct() {
        let all = [
            Verdict::Valid { kid: "k".into() },
            Verdict::UnknownKey { kid: "k".into() },
            Verdict::BadSignature { kid: "k".into() },
            Verdict::ExpiredKey {
                kid: "k".into(),
                not_before: 0,
                not_after: 1,
            },
            Verdict::RevokedKey { kid: "k".into() },
            Verdict::Malformed {
                reason: FormatError::Base45,
            },
        ];
        let codes: std::collections::BTreeSet<_> = all.iter().map(Verdict::code).collect();
        assert_eq!(codes.len(), 6);
        let vi: std::collections::BTreeSet<_> = all.iter().map(Verdict::message_vi).collect();
        let en: std::collections::BTreeSet<_> = all.iter().map(Verdict::message_en).collect();
        assert_eq!((vi.len(), en.len()), (6, 6), "one message per verdict");
        // Each message in one language only (English words never in the
        // Vietnamese one, Vietnamese letters never in the English one).
        for v in &all {
            let (m_vi, m_en) = (v.message_vi(), v.message_en());
            assert!(
                !m_vi.contains(" the ") && !m_vi.contains("receipt"),
                "{m_vi}"
            );
            assert!(m_en.is_ascii(), "{m_en}");
        }
    }
}
