//! The outbox's model: a submission frozen from a draft, and the states the
//! sync engine moves it through — queued → uploading → submitting →
//! submitted, with failed-retryable (waits for its next attempt) and
//! failed-needs-user (the portal refused it; its message says why). The
//! Idempotency-Key is fixed when the draft is frozen, so a retry after any
//! crash or cut is the same request and the portal creates the dossier
//! once.

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

/// Why a submission last failed, as the portal (or the network) said.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SubmissionProblem {
    pub code: String,
    pub message_vi: String,
    pub message_en: String,
    #[serde(default)]
    pub issues: Vec<crate::sync::client::ApiIssue>,
}

/// A draft frozen for the portal.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Submission {
    pub id: String,
    pub draft_id: String,
    pub procedure_code: String,
    pub procedure_name: String,
    /// Fixed at freeze time; every attempt sends it.
    pub idempotency_key: String,
    /// The `DossierSubmission` body, as frozen.
    pub body: serde_json::Value,
    /// Every file the body names.
    pub files: Vec<AttachmentRef>,
    pub state: SubmissionState,
    pub attempts: u32,
    /// Unix seconds before which the engine leaves it alone.
    pub next_attempt_at: i64,
    pub last_error: Option<SubmissionProblem>,
    /// The portal's `Dossier` once submitted (code, receipt, status).
    pub dossier: Option<serde_json::Value>,
    pub created_at: i64,
    pub updated_at: i64,
}
