//! The stored dossier and the shapes the API answers with: `Dossier`
//! (owner's view), `DossierState` (feed), `PublicDossierStatus` (lookup),
//! history entries, supplement and fee requests, and the national status
//! codes with their Vietnamese names.

use crate::accounts::AccountKind;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The ten national dossier status codes.
pub const REGISTERED: u8 = 1;
pub const ACCEPTED: u8 = 2;
pub const NOT_ACCEPTED: u8 = 3;
pub const PROCESSING: u8 = 4;
pub const SUPPLEMENT_REQUESTED: u8 = 5;
pub const FEE_REQUESTED: u8 = 6;
pub const WITHDRAWAL_REQUESTED: u8 = 7;
pub const STOPPED: u8 = 8;
pub const PROCESSED: u8 = 9;
pub const RESULT_RETURNED: u8 = 10;

/// The Vietnamese name of a status code.
pub fn status_name(status: u8) -> &'static str {
    match status {
        REGISTERED => "Mới đăng ký",
        ACCEPTED => "Được tiếp nhận",
        NOT_ACCEPTED => "Không được tiếp nhận",
        PROCESSING => "Đang xử lý",
        SUPPLEMENT_REQUESTED => "Yêu cầu bổ sung giấy tờ",
        FEE_REQUESTED => "Yêu cầu thực hiện nghĩa vụ tài chính",
        WITHDRAWAL_REQUESTED => "Công dân yêu cầu rút hồ sơ",
        STOPPED => "Dừng xử lý",
        PROCESSED => "Đã xử lý xong",
        RESULT_RETURNED => "Đã trả kết quả",
        _ => "Không rõ",
    }
}

/// Statuses nothing moves a dossier out of.
pub fn is_final(status: u8) -> bool {
    matches!(status, NOT_ACCEPTED | STOPPED | RESULT_RETURNED)
}

/// A file attached to a slot.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AttachmentRef {
    pub sha256: String,
    pub size: u64,
    pub media_type: String,
    pub file_name: String,
}

/// How a resident agreed to a volunteer filing for them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Consent {
    pub method: ConsentMethod,
    pub reference: String,
    pub given_at: String,
    #[serde(
        default,
        deserialize_with = "crate::extract::not_null",
        skip_serializing_if = "Option::is_none"
    )]
    pub document: Option<AttachmentRef>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ConsentMethod {
    SignedForm,
    Vneid,
    WitnessedVerbal,
}

/// The resident a volunteer files for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FiledFor {
    pub full_name: String,
    #[serde(
        default,
        deserialize_with = "crate::extract::not_null",
        skip_serializing_if = "Option::is_none"
    )]
    pub phone: Option<String>,
    pub consent: Consent,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Channel {
    Online,
    InPerson,
    Postal,
}

/// `DossierSubmission`.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Submission {
    pub procedure_code: String,
    pub catalog_version: u64,
    pub agency_code: String,
    pub channel: Channel,
    pub form_values: BTreeMap<String, String>,
    pub documents: BTreeMap<String, Vec<AttachmentRef>>,
    #[serde(default, deserialize_with = "crate::extract::not_null")]
    pub filed_for: Option<FiledFor>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AgencyRef {
    pub code: String,
    pub name: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Actor {
    Applicant,
    Officer,
    System,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HistoryEntry {
    pub seq: u32,
    pub at: String,
    pub status: u8,
    pub agency: AgencyRef,
    pub note: String,
    pub actor: Actor,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SupplementRequest {
    pub requested_at: String,
    pub due_date: String,
    pub note: String,
    pub slots: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FeeRequest {
    pub requested_at: String,
    pub amount_vnd: u64,
    pub due_date: String,
    pub note: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Fee {
    pub amount_vnd: u64,
    pub text: String,
}

/// A dossier as the portal stores it (sealed).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct DossierRecord {
    pub code: String,
    /// Position in submission order (admin listing).
    pub order: u64,
    pub account_id: String,
    pub filed_by_kind: AccountKind,
    pub idempotency_key: String,
    pub procedure_code: String,
    pub procedure_name: String,
    pub catalog_version: u64,
    pub receiving_agency: AgencyRef,
    pub agency: AgencyRef,
    pub channel: Channel,
    pub status: u8,
    pub submitted_at: String,
    pub updated_at: String,
    pub appointment_date: String,
    pub fee: Fee,
    pub filed_for: Option<FiledFor>,
    pub form_values: BTreeMap<String, String>,
    pub documents: BTreeMap<String, Vec<AttachmentRef>>,
    pub history: Vec<HistoryEntry>,
    pub supplement_request: Option<SupplementRequest>,
    pub fee_request: Option<FeeRequest>,
    pub receipt: serde_json::Value,
    pub lookup_token: String,
}

impl DossierRecord {
    /// The owner's view (`Dossier`).
    pub fn view(&self) -> serde_json::Value {
        serde_json::json!({
            "code": self.code,
            "procedure_code": self.procedure_code,
            "procedure_name": self.procedure_name,
            "catalog_version": self.catalog_version,
            "agency": self.agency,
            "channel": self.channel,
            "status": self.status,
            "submitted_at": self.submitted_at,
            "updated_at": self.updated_at,
            "appointment_date": self.appointment_date,
            "fee": self.fee,
            "filed_by": {"account_id": self.account_id, "kind": self.filed_by_kind},
            "filed_for": self.filed_for,
            "documents": self.documents,
            "history": self.history,
            "supplement_request": self.supplement_request,
            "fee_request": self.fee_request,
            "receipt": self.receipt,
        })
    }

    /// The state after a change (`DossierState`, in feed entries).
    pub fn state(&self) -> serde_json::Value {
        serde_json::json!({
            "code": self.code,
            "procedure_code": self.procedure_code,
            "status": self.status,
            "updated_at": self.updated_at,
            "appointment_date": self.appointment_date,
            "supplement_request": self.supplement_request,
            "fee_request": self.fee_request,
        })
    }

    /// What anyone with the lookup token sees (`PublicDossierStatus`): no
    /// names, notes or documents.
    pub fn public(&self) -> serde_json::Value {
        let history: Vec<serde_json::Value> = self
            .history
            .iter()
            .map(|h| serde_json::json!({"at": h.at, "status": h.status, "agency": h.agency}))
            .collect();
        serde_json::json!({
            "code": self.code,
            "procedure_code": self.procedure_code,
            "procedure_name": self.procedure_name,
            "agency": self.agency,
            "status": self.status,
            "submitted_at": self.submitted_at,
            "appointment_date": self.appointment_date,
            "updated_at": self.updated_at,
            "history": history,
        })
    }

    /// Every file the dossier names (documents and the consent scan).
    pub fn files(&self) -> Vec<&AttachmentRef> {
        let mut files: Vec<&AttachmentRef> = self.documents.values().flatten().collect();
        if let Some(doc) = self
            .filed_for
            .as_ref()
            .and_then(|f| f.consent.document.as_ref())
        {
            files.push(doc);
        }
        files
    }
}
