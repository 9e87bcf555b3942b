//! The change feed (`GET /v1/feed`): a page of history entries of the
//! caller's dossiers, oldest first (`FeedPage`, `FeedEntry`), each with the
//! dossier's state after the change (`DossierState`).

use crate::dossier::{DossierLink, FeeRequest, HistoryEntry, SupplementRequest};
use crate::payment::PaymentRequest;
use crate::scalar::{Cursor, DossierCode, ProcedureCode};
use crate::status::StatusCode;
use serde::{Deserialize, Serialize};

/// `DossierState`: a dossier's state after a change.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DossierState {
    pub code: DossierCode,
    pub procedure_code: ProcedureCode,
    pub status: StatusCode,
    /// RFC 3339.
    pub updated_at: String,
    /// `YYYY-MM-DD`.
    pub appointment_date: String,
    pub supplement_request: Option<SupplementRequest>,
    pub fee_request: Option<FeeRequest>,
    /// The linked filing the dossier is a part of; absent otherwise.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub linked: Option<DossierLink>,
    /// Payments asked of the dossier as they are now; absent when none.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub payments: Vec<PaymentRequest>,
}

/// `FeedEntry`: one change.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FeedEntry {
    pub dossier_code: DossierCode,
    pub entry: HistoryEntry,
    pub dossier: DossierState,
}

/// `FeedPage`: the changes after a cursor.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FeedPage {
    pub entries: Vec<FeedEntry>,
    /// Pass it next time; present even when the page is empty.
    pub next_cursor: Cursor,
    /// Another page is ready now.
    pub has_more: bool,
}
