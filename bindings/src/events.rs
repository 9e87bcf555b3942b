//! The events the core sends the host's [`crate::host::EventListener`]:
//! attachment and upload progress, submissions sent and their states,
//! status changes, and the sync loop's state; converted from the core's
//! own events here, with the records they carry (a submission's kind and
//! state, a status change, a sync's summary).

use crate::{to_i32, to_i64};
pub use hoso_core::outbox::{SubmissionKind, SubmissionState};
use hoso_core::sync::background::{LoopEvent, LoopState};
use hoso_core::sync::engine::SyncEvent;
use hoso_core::sync::report::RoundReport;
use hoso_core::sync::status::StatusChange;

/// Something the core did, for the app's screens.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Enum)]
pub enum HosoEvent {
    /// `done` of `total` bytes of a file being attached were read, hashed
    /// and sealed.
    AttachProgress {
        draft_id: String,
        slot: String,
        done: i64,
        total: i64,
    },
    /// Page `page` of `pages` of a document being made of photos is done
    /// (`attachPhotos`).
    PhotoPageMade {
        draft_id: String,
        slot: String,
        page: i32,
        pages: i32,
    },
    /// File `file_index` (from 0) of `files` has `done` of `total` bytes at
    /// the portal; the submission as a whole `dossier_done` of
    /// `dossier_total`.
    UploadProgress {
        submission_id: String,
        file_index: i32,
        files: i32,
        done: i64,
        total: i64,
        dossier_done: i64,
        dossier_total: i64,
    },
    /// The portal has the submission; `dossier_code` is its dossier.
    Submitted {
        submission_id: String,
        kind: SubmissionKind,
        dossier_code: String,
    },
    /// A submission moved to another state.
    SubmissionStateChanged {
        submission_id: String,
        state: SubmissionState,
    },
    /// A file of `size` bytes waits for an unmetered network.
    WaitingForUnmetered { submission_id: String, size: i64 },
    /// A followed dossier has a new status (`at`: RFC 3339).
    StatusChanged {
        dossier_code: String,
        status: i32,
        at: String,
    },
    /// A payment request of a dossier filed from this device arrived or
    /// moved: `status` is `pending`, `partly_paid`, `paid` or `expired`;
    /// `kind` is `filing` or `fee_request`. `payments(dossier_code)` has
    /// the whole, with the electronic receipt once paid.
    PaymentChanged {
        dossier_code: String,
        reference: String,
        kind: String,
        status: String,
        amount_vnd: i64,
        paid_vnd: i64,
    },
    /// The background sync loop's state changed.
    SyncStateChanged { state: SyncState },
    /// A sync pass ended.
    SyncPassFinished { summary: SyncSummary },
}

/// What the background sync loop is doing.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Enum)]
pub enum SyncState {
    /// A pass or a status pull is running.
    Syncing,
    /// Nothing to do until `next_at` (Unix seconds) or a nudge.
    Idle { next_at: i64 },
    /// The portal cannot be reached; trying again at `retry_at`.
    Offline { retry_at: i64 },
    /// The session ended: log in again.
    LoggedOut,
    /// The device store failed; `message` says why.
    Failed { message: String },
    /// The loop is not running.
    Stopped,
}

impl From<SyncEvent> for HosoEvent {
    fn from(e: SyncEvent) -> HosoEvent {
        match e {
            SyncEvent::Uploading {
                submission,
                file,
                files,
                done,
                total,
                dossier_done,
                dossier_total,
            } => HosoEvent::UploadProgress {
                submission_id: submission,
                file_index: to_i32(file),
                files: to_i32(files),
                done: to_i64(done),
                total: to_i64(total),
                dossier_done: to_i64(dossier_done),
                dossier_total: to_i64(dossier_total),
            },
            SyncEvent::Submitted {
                submission,
                kind,
                code,
            } => HosoEvent::Submitted {
                submission_id: submission,
                kind,
                dossier_code: code,
            },
            SyncEvent::StateChanged { submission, state } => HosoEvent::SubmissionStateChanged {
                submission_id: submission,
                state,
            },
            SyncEvent::WaitingForUnmetered { submission, size } => HosoEvent::WaitingForUnmetered {
                submission_id: submission,
                size: to_i64(size),
            },
        }
    }
}

impl From<StatusChange> for HosoEvent {
    fn from(c: StatusChange) -> HosoEvent {
        HosoEvent::StatusChanged {
            dossier_code: c.code,
            status: i32::from(c.status),
            at: c.at,
        }
    }
}

impl From<LoopState> for SyncState {
    fn from(s: LoopState) -> SyncState {
        match s {
            LoopState::Syncing => SyncState::Syncing,
            LoopState::Idle { next_at } => SyncState::Idle { next_at },
            LoopState::Offline { retry_at } => SyncState::Offline { retry_at },
            LoopState::LoggedOut => SyncState::LoggedOut,
            LoopState::Failed { message } => SyncState::Failed { message },
        }
    }
}

impl From<LoopEvent> for HosoEvent {
    fn from(e: LoopEvent) -> HosoEvent {
        match e {
            LoopEvent::State(s) => HosoEvent::SyncStateChanged { state: s.into() },
            LoopEvent::Sync(e) => e.into(),
            LoopEvent::Round { report } => HosoEvent::SyncPassFinished {
                summary: report.into(),
            },
            LoopEvent::StatusChanged(c) => c.into(),
            LoopEvent::PaymentChanged(c) => HosoEvent::PaymentChanged {
                dossier_code: c.code,
                reference: c.reference,
                kind: c.kind.as_str().to_string(),
                status: c.status.as_str().to_string(),
                amount_vnd: to_i64(c.amount_vnd),
                paid_vnd: to_i64(c.paid_vnd),
            },
        }
    }
}

// The core's own types, exposed as they are: `#[uniffi::remote]` restates
// their shape (the compiler holds it to the core's: a missing, extra or
// misnamed variant or field does not build) and implements uniffi's traits
// for them here, so no mirror type or `From` impl is needed.

/// Where a submission is.
#[uniffi::remote(Enum)]
pub enum SubmissionState {
    Queued,
    Uploading,
    Submitting,
    /// The portal has it (see `dossier_code`).
    Submitted,
    /// Tried and failed for a reason that may pass; tried again later.
    FailedRetryable,
    /// The portal refused it: `last_error` says why; the user must act.
    FailedNeedsUser,
}

/// What a submission is.
#[uniffi::remote(Enum)]
pub enum SubmissionKind {
    /// A new dossier.
    Dossier,
    /// A linked group filed as one dossier per part.
    LinkedFiling,
    /// Documents an officer asked for.
    Supplement { dossier_code: String },
    /// A withdrawal of a dossier.
    Withdrawal { dossier_code: String },
}

/// A status change seen by a sync.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct StatusUpdate {
    pub dossier_code: String,
    pub status: i32,
    /// RFC 3339.
    pub at: String,
}

/// What a sync did.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct SyncSummary {
    /// Dossier codes sent (new dossiers, supplements, withdrawals).
    pub submitted: Vec<String>,
    /// Submissions to be tried again later.
    pub retry_later: i64,
    /// Submissions the portal refused (see the outbox's `last_error`).
    pub needs_user: i64,
    /// Submissions holding a file too large for a metered network.
    pub waiting_for_unmetered: i64,
    pub bytes_sent: i64,
    /// Status changes pulled after sending.
    pub status_changes: Vec<StatusUpdate>,
    /// Residents wiped because their consent's retention ended.
    pub residents_erased: Vec<String>,
}

impl From<RoundReport> for SyncSummary {
    fn from(r: RoundReport) -> SyncSummary {
        SyncSummary {
            submitted: r.pass.submitted,
            retry_later: to_i64(r.pass.retry_later),
            needs_user: to_i64(r.pass.needs_user),
            waiting_for_unmetered: to_i64(r.pass.waiting_for_unmetered),
            bytes_sent: to_i64(r.pass.bytes_sent),
            status_changes: r.status_changes.into_iter().map(Into::into).collect(),
            residents_erased: r.residents_erased,
        }
    }
}

impl From<StatusChange> for StatusUpdate {
    fn from(c: StatusChange) -> StatusUpdate {
        StatusUpdate {
            dossier_code: c.code,
            status: i32::from(c.status),
            at: c.at,
        }
    }
}
