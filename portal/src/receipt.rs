//! Signed receipts. (Stub on main while the keys/catalog branch is built.)

use crate::{ApiError, Portal};

pub(crate) struct ReceiptFields {
    pub dossier_code: String,
    pub procedure_code: String,
    pub agency_code: String,
    pub issued_at: time::OffsetDateTime,
    pub appointment_date: time::Date,
    pub fee_vnd: u64,
}

pub(crate) struct IssuedReceipt {
    pub json: serde_json::Value,
    pub lookup_token: String,
}

pub(crate) fn issue(portal: &Portal, fields: &ReceiptFields) -> Result<IssuedReceipt, ApiError> {
    use base64::Engine;
    let token: [u8; 16] = portal
        .db
        .sealer()
        .random()
        .map_err(|e| ApiError::internal(&e))?;
    let lookup_token = base64::engine::general_purpose::URL_SAFE_NO_PAD.encode(token);
    Ok(IssuedReceipt {
        json: serde_json::json!({
            "payload": {
                "version": 1, "kid": "stub", "dossier_code": fields.dossier_code,
                "procedure_code": fields.procedure_code, "agency_code": fields.agency_code,
                "issued_at": crate::clock::rfc3339(fields.issued_at),
                "appointment_date": crate::clock::iso_date(fields.appointment_date),
                "fee_vnd": fields.fee_vnd, "lookup_token": lookup_token,
            },
            "alg": "EdDSA", "signature": "", "qr": "HS1:",
        }),
        lookup_token,
    })
}
