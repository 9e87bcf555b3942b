//! The electronic receipt of a paid fee (biên lai điện tử, issue #23):
//! what the portal signs — `hoso-payment-receipt/1` and a line feed, then
//! the payload's canonical JSON (RFC 8785) — with the key that signs
//! dossier receipts, and its offline verification against the key set the
//! catalog update brought, to the same verdicts as a dossier receipt.

use super::format::FormatError;
use super::keys::{KeySet, TrustedKey};
use super::verify::{signed_within, signing_key, Verdict};
use base64::engine::general_purpose::URL_SAFE_NO_PAD;
use base64::Engine;
use hoso_wire::{PaymentReceipt, PaymentReceiptPayload};
use time::format_description::well_known::Rfc3339;
use time::OffsetDateTime;

/// What an electronic receipt's signature covers, before the payload.
pub const PAYMENT_SIGNING_CONTEXT: &[u8] = b"hoso-payment-receipt/1\n";

/// The bytes signed for `payload`.
pub fn signed_message(payload: &PaymentReceiptPayload) -> Result<Vec<u8>, FormatError> {
    let json = serde_json::to_value(payload).map_err(|_| FormatError::Field("payload"))?;
    let canonical =
        serde_json_canonicalizer::to_vec(&json).map_err(|_| FormatError::Field("payload"))?;
    let mut message = PAYMENT_SIGNING_CONTEXT.to_vec();
    message.extend(canonical);
    Ok(message)
}

/// Verifies an electronic receipt offline against `keys`.
pub fn verify_payment(receipt: &PaymentReceipt, keys: &KeySet) -> Verdict {
    let trusted: Vec<TrustedKey> = keys.keys.iter().filter_map(|k| k.trusted().ok()).collect();
    let p = &receipt.payload;
    let key = match signing_key(&trusted, &p.kid) {
        Ok(key) => key,
        Err(verdict) => return verdict,
    };
    if p.version != hoso_wire::payment::PAYMENT_RECEIPT_VERSION {
        return Verdict::Malformed {
            reason: FormatError::Version(p.version),
        };
    }
    let Ok(paid_at) = OffsetDateTime::parse(&p.paid_at, &Rfc3339) else {
        return Verdict::Malformed {
            reason: FormatError::Field("paid_at"),
        };
    };
    let signature = match URL_SAFE_NO_PAD.decode(receipt.signature.as_bytes()) {
        Ok(s) if s.len() == 64 => s,
        _ => {
            return Verdict::Malformed {
                reason: FormatError::Field("signature"),
            }
        }
    };
    let message = match signed_message(p) {
        Ok(m) => m,
        Err(reason) => return Verdict::Malformed { reason },
    };
    signed_within(key, &message, &signature, paid_at.unix_timestamp())
}
