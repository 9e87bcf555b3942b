//! The signed receipt (phiếu tiếp nhận và hẹn trả kết quả) in its JSON form
//! (`Receipt`, `ReceiptPayload`). The signature covers the payload's binary
//! encoding, not this JSON; encoding and verification are
//! `hoso_core::receipt`'s.

use crate::keys::Algorithm;
use crate::scalar::{AgencyCode, DossierCode, KeyId, LookupToken, ProcedureCode};
use serde::{Deserialize, Serialize};

/// The receipt format version (`payload.version`).
pub const RECEIPT_VERSION: u8 = 1;

/// `ReceiptPayload`: the signed fields.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReceiptPayload {
    /// [`RECEIPT_VERSION`].
    pub version: u8,
    pub kid: KeyId,
    pub dossier_code: DossierCode,
    pub procedure_code: ProcedureCode,
    pub agency_code: AgencyCode,
    /// RFC 3339, whole seconds.
    pub issued_at: String,
    /// `YYYY-MM-DD`.
    pub appointment_date: String,
    pub fee_vnd: u64,
    pub lookup_token: LookupToken,
}

/// `Receipt`: the payload, its Ed25519 signature and the QR text.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Receipt {
    pub payload: ReceiptPayload,
    pub alg: Algorithm,
    /// The 64-byte signature, base64url without padding.
    pub signature: String,
    /// `HS1:` + base45 of the binary payload and signature.
    pub qr: String,
}
