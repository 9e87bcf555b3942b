//! The outbox's model: what is queued for the portal (a new dossier frozen
//! from a draft, the answer to a supplement request, a withdrawal), and the
//! states the sync engine moves it through — queued → uploading →
//! submitting → submitted, with failed-retryable (waits for its next
//! attempt) and failed-needs-user (the portal refused it; its message says
//! why). The Idempotency-Key is fixed when it is queued, so a retry after
//! any crash or cut is the same request and the portal acts on it once.

use crate::draft::AttachmentRef;
use serde::{Deserialize, Serialize};

/// Where a submission is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SubmissionState {
    Queued,
    Uploading,
    Submitting,
    Submitted,
    FailedRetryable,
    FailedNeedsUser,
}

impl SubmissionState {
    /// Done with its files (the portal has the dossier, or the user must
    /// act before anything is sent again).
    pub fn files_released(self) -> bool {
        matches!(self, SubmissionState::Submitted)
    }

    /// Will the engine work on it?
    pub fn pending(self) -> bool {
        matches!(
            self,
            SubmissionState::Queued
                | SubmissionState::Uploading
                | SubmissionState::Submitting
                | SubmissionState::FailedRetryable
        )
    }
}

/// What a submission asks of the portal.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SubmissionKind {
    /// A new dossier (`POST /v1/dossiers`).
    #[default]
    Dossier,
    /// A linked group drafted once, filed as one dossier per part
    /// (`POST /v1/linked-filings`).
    LinkedFiling,
    /// Documents (and corrections) an officer asked for
    /// (`POST /v1/dossiers/{code}/supplements`).
    Supplement { dossier_code: String },
    /// Withdraw a dossier (`POST /v1/dossiers/{code}/withdrawal`).
    Withdrawal { dossier_code: String },
}

impl SubmissionKind {
    /// The API path it is sent to.
    pub fn path(&self) -> String {
        match self {
            SubmissionKind::Dossier => "/v1/dossiers".into(),
            SubmissionKind::LinkedFiling => "/v1/linked-filings".into(),
            SubmissionKind::Supplement { dossier_code } => {
                format!("/v1/dossiers/{dossier_code}/supplements")
            }
            SubmissionKind::Withdrawal { dossier_code } => {
                format!("/v1/dossiers/{dossier_code}/withdrawal")
            }
        }
    }

    /// Whether it files new dossiers (one, or a linked group's parts).
    pub fn files_dossiers(&self) -> bool {
        matches!(self, SubmissionKind::Dossier | SubmissionKind::LinkedFiling)
    }

    /// The dossier it is about, when it already exists.
    pub fn dossier_code(&self) -> Option<&str> {
        match self {
            SubmissionKind::Dossier | SubmissionKind::LinkedFiling => None,
            SubmissionKind::Supplement { dossier_code }
            | SubmissionKind::Withdrawal { dossier_code } => Some(dossier_code),
        }
    }
}

/// Why a submission last failed, as the portal (or the network) said.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SubmissionProblem {
    pub code: String,
    pub message_vi: String,
    pub message_en: String,
    #[serde(default)]
    pub issues: Vec<crate::client::ApiIssue>,
}

/// A draft frozen for the portal.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Submission {
    pub id: String,
    /// What it asks (records from before kinds existed are dossiers).
    #[serde(default)]
    pub kind: SubmissionKind,
    /// The draft it was frozen from (empty for a withdrawal).
    pub draft_id: String,
    pub procedure_code: String,
    pub procedure_name: String,
    /// Fixed at freeze time; every attempt sends it.
    pub idempotency_key: String,
    /// The request body, as frozen (a `DossierSubmission`,
    /// `SupplementResponse` or `WithdrawalRequest`, by `kind`), sent as it
    /// is on every attempt.
    pub body: serde_json::Value,
    /// Every file the body names.
    pub files: Vec<AttachmentRef>,
    pub state: SubmissionState,
    pub attempts: u32,
    /// Unix seconds before which the engine leaves it alone.
    pub next_attempt_at: i64,
    pub last_error: Option<SubmissionProblem>,
    /// The portal's `Dossier` once submitted (code, receipt, status); of a
    /// linked filing, its first part.
    pub dossier: Option<hoso_wire::Dossier>,
    /// A linked filing's group once submitted (every part's dossier).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub linked: Option<hoso_wire::LinkedFiling>,
    pub created_at: i64,
    pub updated_at: i64,
}

impl Submission {
    /// The code the portal gave the dossier, once submitted.
    pub fn submitted_code(&self) -> Option<&str> {
        self.dossier.as_ref().map(|d| d.code.as_str())
    }

    /// Every code the portal gave it: a linked filing's parts, else the
    /// one dossier's.
    pub fn submitted_codes(&self) -> Vec<&str> {
        match &self.linked {
            Some(group) => group.parts.iter().map(|d| d.code.as_str()).collect(),
            None => self.submitted_code().into_iter().collect(),
        }
    }

    /// The form values a new dossier was filed with (`None` for a
    /// supplement or a withdrawal, or a body that is not a submission).
    pub fn filed_values(&self) -> Option<hoso_wire::FormValues> {
        if !self.kind.files_dossiers() {
            return None;
        }
        serde_json::from_value::<hoso_wire::DossierSubmission>(self.body.clone())
            .ok()
            .map(|b| b.form_values)
    }
}
