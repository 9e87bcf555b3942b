//! The admin endpoints' bodies (officer simulation and test support, admin
//! token only): moving a dossier by hand (`StatusChange`), the processing
//! clock (`Clock`, `ClockAdvance`, `ClockAdvanced`), counts (`AdminStats`),
//! the listing of every dossier (`AdminDossierPage`), and the commune's
//! decisions on volunteer accounts (`ApproveVolunteer`, `RevokeVolunteer`,
//! `AdminVolunteerPage`).

use crate::account::{Account, AccountKind, VolunteerRole};
use crate::scalar::{AgencyCode, Cursor, DossierCode, ProcedureCode};
use crate::status::StatusCode;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// `StatusChange` (request): one officer transition.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct StatusChange {
    pub status: StatusCode,
    /// At most 1000 characters.
    pub note: String,
    /// Hands the dossier to another agency (default: the one holding it).
    #[serde(
        default,
        deserialize_with = "crate::not_null",
        skip_serializing_if = "Option::is_none"
    )]
    pub agency_code: Option<AgencyCode>,
    /// Required when `status` is 5.
    #[serde(
        default,
        deserialize_with = "crate::not_null",
        skip_serializing_if = "Option::is_none"
    )]
    pub supplement_request: Option<SupplementAsk>,
    /// Required when `status` is 6.
    #[serde(
        default,
        deserialize_with = "crate::not_null",
        skip_serializing_if = "Option::is_none"
    )]
    pub fee_request: Option<FeeAsk>,
}

/// `StatusChange.supplement_request`: the documents to ask for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SupplementAsk {
    /// Document slots (`docNN`); at least one.
    pub slots: Vec<String>,
    /// `YYYY-MM-DD`.
    pub due_date: String,
}

/// `StatusChange.fee_request`: the payment to ask for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FeeAsk {
    pub amount_vnd: u64,
    /// `YYYY-MM-DD`.
    pub due_date: String,
}

/// `Clock`: the portal's processing clock.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Clock {
    /// RFC 3339.
    pub now: String,
    /// How far the clock has been advanced past real time.
    pub offset_seconds: u64,
    /// Portal seconds per real second (`--clock-speed`).
    pub speed: f64,
    /// Whether the officer simulation runs.
    pub simulation: bool,
    /// The simulation's seed; `null` when it is off.
    pub seed: Option<u64>,
}

/// `ClockAdvance` (request): exactly one of `seconds` (1–31,536,000) and
/// `working_days` (1–365).
///
/// One shape with two optional fields rather than an enum: the server reads
/// both and answers anything but exactly one in range with its own `400`.
/// [`ClockAdvance::seconds`] and [`ClockAdvance::working_days`] build what
/// the schema allows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClockAdvance {
    #[serde(
        default,
        deserialize_with = "crate::not_null",
        skip_serializing_if = "Option::is_none"
    )]
    pub seconds: Option<i64>,
    #[serde(
        default,
        deserialize_with = "crate::not_null",
        skip_serializing_if = "Option::is_none"
    )]
    pub working_days: Option<u32>,
}

impl ClockAdvance {
    /// Forward by `seconds`.
    pub fn seconds(seconds: i64) -> ClockAdvance {
        ClockAdvance {
            seconds: Some(seconds),
            working_days: None,
        }
    }

    /// Forward to the same time of day `days` working days later.
    pub fn working_days(days: u32) -> ClockAdvance {
        ClockAdvance {
            seconds: None,
            working_days: Some(days),
        }
    }
}

/// `ClockAdvanced` (response): the clock after an advance and how many
/// status changes the simulation made over the interval.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ClockAdvanced {
    pub clock: Clock,
    pub transitions: u32,
}

/// `AdminStats`: counts across all accounts.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AdminStats {
    pub accounts: u64,
    pub dossiers: u64,
    /// Status code (as a string, `"1"`–`"10"`) → count; statuses with no
    /// dossier are absent.
    pub dossiers_by_status: BTreeMap<String, u64>,
    pub blobs: u64,
    pub blob_bytes: u64,
    pub uploads_in_progress: u64,
    pub idempotency_keys: u64,
}

/// `AdminDossierSummary`: one dossier in the admin listing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AdminDossierSummary {
    pub code: DossierCode,
    /// A UUID.
    pub account_id: String,
    pub filed_by_kind: AccountKind,
    pub procedure_code: ProcedureCode,
    pub status: StatusCode,
    /// RFC 3339.
    pub submitted_at: String,
    /// The key the dossier was created with (unquoted).
    pub idempotency_key: String,
    pub document_count: u32,
    /// With `verify=true`, whether every named blob re-hashed to its
    /// SHA-256; else `null`.
    pub documents_verified: Option<bool>,
}

/// `AdminDossierPage`: every dossier in submission order, a page at a time.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AdminDossierPage {
    pub dossiers: Vec<AdminDossierSummary>,
    pub next_cursor: Cursor,
    pub has_more: bool,
}

/// `ApproveVolunteer` (request): the commune approves a volunteer account
/// (or changes its role).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ApproveVolunteer {
    pub role: VolunteerRole,
}

/// `RevokeVolunteer` (request): the commune withdraws a volunteer's
/// approval (or refuses a pending one).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RevokeVolunteer {
    /// 1–1000 characters, not only whitespace; shown to the volunteer.
    pub reason: String,
}

/// `AdminVolunteerPage`: volunteer accounts in registration order, a page
/// at a time (with a filter, a page may hold fewer than `limit` while
/// `has_more` is true).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AdminVolunteerPage {
    pub volunteers: Vec<Account>,
    pub next_cursor: Cursor,
    pub has_more: bool,
}
