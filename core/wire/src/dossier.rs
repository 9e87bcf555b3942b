//! A dossier as its owner sees it (`Dossier`): its code, agency, status,
//! appointment, fee, files, full history (`HistoryEntry`), the officer's open
//! supplement or fee request, and its signed receipt.

use crate::account::AccountKind;
use crate::agency::AgencyRef;
use crate::payment::PaymentRequest;
use crate::receipt::Receipt;
use crate::scalar::{CatalogVersion, ChannelKind, DossierCode, ProcedureCode};
use crate::status::StatusCode;
use crate::submission::{DocumentMap, FiledFor};
use serde::{Deserialize, Serialize};

/// `Dossier` (response): a dossier as it is now.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Dossier {
    pub code: DossierCode,
    pub procedure_code: ProcedureCode,
    pub procedure_name: String,
    pub catalog_version: CatalogVersion,
    /// The agency now holding the dossier.
    pub agency: AgencyRef,
    pub channel: ChannelKind,
    pub status: StatusCode,
    /// RFC 3339.
    pub submitted_at: String,
    /// RFC 3339.
    pub updated_at: String,
    /// The current appointment, `YYYY-MM-DD` (recomputed after a supplement;
    /// the receipt keeps the original).
    pub appointment_date: String,
    pub fee: DossierFee,
    pub filed_by: FiledBy,
    /// The resident a volunteer filed for; `null` for a citizen's dossier.
    pub filed_for: Option<FiledFor>,
    /// Every file of the dossier, supplements included.
    pub documents: DocumentMap,
    /// Oldest first; at least the submission.
    pub history: Vec<HistoryEntry>,
    /// The open supplement request (status 5), else `null`.
    pub supplement_request: Option<SupplementRequest>,
    /// The open fee request (status 6), else `null`.
    pub fee_request: Option<FeeRequest>,
    pub receipt: Receipt,
    /// The linked filing this dossier is a part of; absent otherwise.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub linked: Option<DossierLink>,
    /// Payments asked of the dossier, oldest first; absent when none.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub payments: Vec<PaymentRequest>,
}

/// `DossierFee`: the fee of the chosen channel.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DossierFee {
    pub amount_vnd: u64,
    /// The fee lines as printed in the catalog.
    pub text: String,
}

/// `FiledBy`: the account that submitted the dossier.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FiledBy {
    /// A UUID.
    pub account_id: String,
    pub kind: AccountKind,
}

string_enum! {
    /// `HistoryActor`: who made a change.
    pub enum HistoryActor {
        /// The citizen or volunteer.
        Applicant = "applicant",
        /// An officer, or the simulation.
        Officer = "officer",
        System = "system",
    }
}

/// `HistoryEntry`: one change of status.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HistoryEntry {
    /// Position in the dossier's history, from 1.
    pub seq: u32,
    /// RFC 3339.
    pub at: String,
    pub status: StatusCode,
    pub agency: AgencyRef,
    /// Free text in Vietnamese; may be empty.
    pub note: String,
    pub actor: HistoryActor,
}

/// `SupplementRequest`: what an officer asked for (status 5).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SupplementRequest {
    /// RFC 3339.
    pub requested_at: String,
    /// `YYYY-MM-DD`.
    pub due_date: String,
    pub note: String,
    /// Document slots (`docNN`) that need new files; at least one.
    pub slots: Vec<String>,
}

/// `FeeRequest`: a payment asked for (status 6).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FeeRequest {
    /// RFC 3339.
    pub requested_at: String,
    pub amount_vnd: u64,
    /// `YYYY-MM-DD`.
    pub due_date: String,
    pub note: String,
}

/// `DossierLink`: the linked filing a dossier is a part of.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DossierLink {
    /// The group's id (a UUID).
    pub group_id: String,
    /// The group procedure the filing was made for (`2.000986`).
    pub group_procedure_code: ProcedureCode,
    /// This part's id in the group's form (`birth`, `residence`…).
    pub part: String,
}
