//! The public lookup (`GET /v1/lookup/{code}?token=…`): a dossier's status
//! and status history for anyone holding its receipt's token, with no
//! personal data (`PublicDossierStatus`, `PublicHistoryEntry`).

use crate::agency::AgencyRef;
use crate::payment::{PaymentKind, PaymentStatus};
use crate::scalar::{DossierCode, ProcedureCode};
use crate::status::StatusCode;
use serde::{Deserialize, Serialize};

/// `PublicHistoryEntry`: a change of status, without its note.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PublicHistoryEntry {
    /// RFC 3339.
    pub at: String,
    pub status: StatusCode,
    pub agency: AgencyRef,
}

/// `PublicDossierStatus`: what the public lookup reveals.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PublicDossierStatus {
    pub code: DossierCode,
    pub procedure_code: ProcedureCode,
    pub procedure_name: String,
    pub agency: AgencyRef,
    pub status: StatusCode,
    /// RFC 3339.
    pub submitted_at: String,
    /// `YYYY-MM-DD`.
    pub appointment_date: String,
    /// RFC 3339.
    pub updated_at: String,
    pub history: Vec<PublicHistoryEntry>,
    /// Each payment asked of the dossier: its kind, amount and status (no
    /// account, reference or receipt); absent when none.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub payments: Vec<PublicPayment>,
}

/// `PublicPayment`: a payment request as the public lookup shows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PublicPayment {
    pub kind: PaymentKind,
    pub amount_vnd: u64,
    pub status: PaymentStatus,
}
