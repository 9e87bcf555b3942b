//! What the host hears from sync: a round's report (the send pass, the
//! status pulled, what could not be refreshed and why, whether the session
//! ended, when something is next due) and the events of a round and of the
//! background loop around rounds. Every type serializes to the JSON the CLI
//! prints (`"event"` names the event).

use super::engine::{SyncEvent, SyncReport};
use super::status::{PaymentChange, StatusChange};
use crate::client::PortalError;
use hoso_store::error::{Classified, ErrorKind};
use serde::Serialize;

/// Why status could not be refreshed this round (what was saved stays).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PullFailure {
    /// What kind of failure, for a surface to show it as it shows others.
    #[serde(skip)]
    pub kind: ErrorKind,
    /// The failure's stable code (`network`, `portal_error` …).
    pub code: String,
    pub message_vi: String,
    pub message_en: String,
    /// The portal could not be reached: worth trying again soon.
    pub offline: bool,
}

impl From<&PortalError> for PullFailure {
    fn from(e: &PortalError) -> PullFailure {
        let (message_vi, message_en) = e.messages();
        PullFailure {
            kind: e.kind(),
            code: e.error_code().to_string(),
            message_vi,
            message_en,
            offline: e.is_transient(),
        }
    }
}

/// A dossier followed by receipt whose status could not be refreshed (its
/// cached status stays).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ReceiptFailure {
    pub dossier_code: String,
    pub code: String,
    pub message_vi: String,
    pub message_en: String,
}

impl ReceiptFailure {
    pub(crate) fn of(dossier_code: &str, e: &dyn Classified) -> ReceiptFailure {
        let (message_vi, message_en) = e.messages();
        ReceiptFailure {
            dossier_code: dossier_code.to_string(),
            code: e.error_code().to_string(),
            message_vi,
            message_en,
        }
    }
}

/// What one round did.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct RoundReport {
    /// The send pass (all zero when nothing was due or sending was off).
    #[serde(flatten)]
    pub pass: SyncReport,
    /// The account's change feed was pulled this round.
    pub pulled: bool,
    /// Status changes seen: the dossiers filed from this device, then
    /// those followed by receipt.
    pub status_changes: Vec<StatusChange>,
    /// Payment requests that arrived or moved (paid, partly paid,
    /// expired) in the account's feed.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub payment_changes: Vec<PaymentChange>,
    /// Why the account's status could not be pulled, when it could not.
    pub pull_failure: Option<PullFailure>,
    /// Dossiers followed by receipt that could not be refreshed.
    pub receipt_failures: Vec<ReceiptFailure>,
    /// No portal session, or it ended: the user must log in (dossiers
    /// followed by receipt were still refreshed).
    pub logged_out: bool,
    /// Unix seconds of the earliest retry a pending submission waits for.
    pub next_attempt_at: Option<i64>,
    /// Residents wiped after the round because their consent's retention
    /// ended (a volunteer's round only).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub residents_erased: Vec<String>,
    /// Residents with something to send whose space could not be opened
    /// this round (they wait for the next).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub residents_waiting: Vec<String>,
}

/// What the background loop is doing, for the host's UI.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum LoopState {
    /// A round is running.
    Syncing,
    /// Nothing to do until `next_at` (Unix seconds) or a nudge.
    Idle { next_at: i64 },
    /// The portal cannot be reached; trying again at `retry_at`.
    Offline { retry_at: i64 },
    /// The session ended; the user must log in again (then nudge).
    LoggedOut,
    /// The device store failed; the message says why.
    Failed { message: String },
}

/// An event of a round or of the loop.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "event", rename_all = "snake_case")]
pub enum LoopEvent {
    /// The loop's state changed.
    State(LoopState),
    /// A dossier's status changed.
    StatusChanged(StatusChange),
    /// A payment request of a dossier arrived or moved.
    PaymentChanged(PaymentChange),
    /// A round ended.
    Round { report: RoundReport },
    /// Upload progress and submissions' states (named by their own
    /// `event`).
    #[serde(untagged)]
    Sync(SyncEvent),
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// The JSON `hoso sync --watch --json` prints, one object a line.
    #[test]
    fn events_serialize_flat_with_their_name() {
        let state = LoopEvent::State(LoopState::Idle { next_at: 5 });
        assert_eq!(
            serde_json::to_value(state).unwrap(),
            json!({"event": "state", "state": "idle", "next_at": 5})
        );
        let logged_out = LoopEvent::State(LoopState::LoggedOut);
        assert_eq!(
            serde_json::to_value(logged_out).unwrap(),
            json!({"event": "state", "state": "logged_out"})
        );
        let upload = LoopEvent::Sync(SyncEvent::WaitingForUnmetered {
            submission: "s1".into(),
            size: 9,
        });
        assert_eq!(
            serde_json::to_value(upload).unwrap(),
            json!({"event": "waiting_for_unmetered", "submission": "s1", "size": 9})
        );
        let moved = LoopEvent::Sync(SyncEvent::StateChanged {
            submission: "s1".into(),
            state: crate::outbox::SubmissionState::Submitting,
        });
        assert_eq!(
            serde_json::to_value(moved).unwrap(),
            json!({"event": "submission_state", "submission": "s1", "state": "submitting"})
        );
        let change = LoopEvent::StatusChanged(StatusChange {
            code: "H40.22-261206-0001".into(),
            status: 2,
            at: "2026-12-06T10:00:00+07:00".into(),
        });
        assert_eq!(
            serde_json::to_value(change).unwrap(),
            json!({"event": "status_changed", "code": "H40.22-261206-0001", "status": 2,
                "at": "2026-12-06T10:00:00+07:00"})
        );
        let round = serde_json::to_value(LoopEvent::Round {
            report: RoundReport::default(),
        })
        .unwrap();
        assert_eq!(round["event"], "round");
        assert_eq!(round["report"]["submitted"], json!([]));
        assert_eq!(round["report"]["pulled"], false);
    }
}
