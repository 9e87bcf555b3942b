//! A scanned or pasted text made into a lookup request: what it names,
//! where it came from, whether it is a verified hoso receipt (checked
//! offline against the key set held) and whether it carries the token the
//! public lookup needs.

use super::format::SignedReceipt;
use super::scan::{scan, Scanned, Source};
use super::store::{ReceiptStoreError, Receipts};
use super::verify::{verify, Verdict};
use serde::{Deserialize, Serialize};

/// The receipt's claims, shown with the verdict that says whether to trust
/// them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ReceiptSummary {
    pub procedure_code: String,
    pub agency_code: String,
    /// Unix seconds.
    pub issued_at: u64,
    pub appointment_date: String,
    pub fee_vnd: u64,
    pub kid: String,
}

impl ReceiptSummary {
    /// What a receipt says, for showing (the lookup token left out).
    pub fn of(r: &SignedReceipt) -> ReceiptSummary {
        let p = &r.payload;
        ReceiptSummary {
            procedure_code: p.procedure_code.clone(),
            agency_code: p.agency_code.clone(),
            issued_at: p.issued_at,
            appointment_date: super::json::date_text(p.appointment_date),
            fee_vnd: p.fee_vnd,
            kid: p.kid.clone(),
        }
    }
}

/// A scanned text made into something to look up.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LookupRequest {
    pub dossier_code: String,
    pub source: Source,
    /// Only a hoso receipt whose signature verified is verified.
    pub verified: bool,
    /// Offline verification, for a hoso receipt.
    pub verdict: Option<Verdict>,
    /// What the receipt claims (trust it only when `verified`).
    pub receipt: Option<ReceiptSummary>,
    /// The QR text, for a hoso receipt (to show it again).
    pub receipt_qr: Option<String>,
    /// Whether the public lookup can be asked (a token came with the scan).
    pub has_token: bool,
    #[serde(skip)]
    pub lookup_token: Option<[u8; 16]>,
}

impl Receipts {
    /// Reads a scanned text into a lookup request, verifying a hoso receipt
    /// offline on the way.
    pub fn request(&self, text: &str) -> Result<LookupRequest, ReceiptStoreError> {
        let scanned = scan(text)?;
        let (verdict, receipt, receipt_qr) = match &scanned {
            Scanned::Receipt(r) => (
                Some(verify(r, &self.key_set()?)),
                Some(ReceiptSummary::of(r)),
                r.qr_text().ok(),
            ),
            _ => (None, None, None),
        };
        Ok(LookupRequest {
            dossier_code: scanned.dossier_code().to_string(),
            source: scanned.source(),
            verified: verdict.as_ref().is_some_and(Verdict::is_valid),
            verdict,
            receipt,
            receipt_qr,
            has_token: scanned.lookup_token().is_some(),
            lookup_token: scanned.lookup_token(),
        })
    }
}
