//! Sending and following through the binding: one sync pass on demand
//! (what a WorkManager worker or a BGTask runs), the background loop while
//! the app is open, the network the host reports, and the dossiers filed
//! from this device with their status history (readable offline).

use crate::error::HosoError;
use crate::events::{HosoEvent, SyncState};
use crate::hoso::{lock, Hoso, State};
use crate::host::{network, policy, NetworkState};
use crate::to_i64;
use hoso_core::clock::unix_now;
use hoso_core::draft::TrackedDossier;
use hoso_core::receipt::online::refresh_followed;
use hoso_core::sync::background::{Background, LoopEvent};
use hoso_core::sync::engine::{sync_once, SyncOptions, SyncReport};
use hoso_core::sync::status::{pull, StatusChange};
use std::sync::Arc;

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
}

impl SyncSummary {
    pub(crate) fn new(r: SyncReport, changes: Vec<StatusChange>) -> SyncSummary {
        SyncSummary {
            submitted: r.submitted,
            retry_later: to_i64(r.retry_later),
            needs_user: to_i64(r.needs_user),
            waiting_for_unmetered: to_i64(r.waiting_for_unmetered),
            bytes_sent: to_i64(r.bytes_sent),
            status_changes: changes.into_iter().map(Into::into).collect(),
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

/// One step of a dossier's history.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct HistoryEntry {
    /// RFC 3339.
    pub at: String,
    pub status: i32,
    pub agency_name: String,
    /// The officer's note (Vietnamese), may be empty.
    pub note: String,
}

/// Documents an officer asked for (status 5).
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct SupplementRequest {
    pub due_date: String,
    pub note: String,
    /// Document slots that need (new) files.
    pub slots: Vec<String>,
}

/// A payment asked for (status 6).
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct FeeRequest {
    pub amount_vnd: i64,
    pub due_date: String,
    pub note: String,
}

/// A dossier filed from this device, as last seen from the portal.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct Dossier {
    pub code: String,
    pub procedure_code: String,
    pub status: i32,
    pub appointment_date: String,
    /// RFC 3339.
    pub updated_at: String,
    pub history: Vec<HistoryEntry>,
    pub supplement_request: Option<SupplementRequest>,
    pub fee_request: Option<FeeRequest>,
    /// The signed receipt's QR text.
    pub receipt_qr: Option<String>,
    /// Unix seconds of the last check with the portal.
    pub checked_at: i64,
}

fn text(v: &serde_json::Value) -> String {
    v.as_str().unwrap_or_default().to_string()
}

fn status_of(v: &serde_json::Value) -> i32 {
    v.as_i64()
        .and_then(|s| i32::try_from(s).ok())
        .unwrap_or_default()
}

impl From<TrackedDossier> for Dossier {
    fn from(d: TrackedDossier) -> Dossier {
        let s = &d.supplement_request;
        let f = &d.fee_request;
        Dossier {
            history: d
                .history
                .iter()
                .map(|h| HistoryEntry {
                    at: text(&h["at"]),
                    status: status_of(&h["status"]),
                    agency_name: text(&h["agency"]["name"]),
                    note: text(&h["note"]),
                })
                .collect(),
            supplement_request: s.is_object().then(|| SupplementRequest {
                due_date: text(&s["due_date"]),
                note: text(&s["note"]),
                slots: s["slots"]
                    .as_array()
                    .map(|a| a.iter().map(text).collect())
                    .unwrap_or_default(),
            }),
            fee_request: f.is_object().then(|| FeeRequest {
                amount_vnd: f["amount_vnd"].as_i64().unwrap_or_default(),
                due_date: text(&f["due_date"]),
                note: text(&f["note"]),
            }),
            receipt_qr: d.receipt["qr"].as_str().map(str::to_string),
            code: d.code,
            procedure_code: d.procedure_code,
            status: i32::from(d.status),
            appointment_date: d.appointment_date,
            updated_at: d.updated_at,
            checked_at: d.checked_at,
        }
    }
}

/// The offline error `sync_now` gives when the host says there is no
/// network.
fn offline() -> HosoError {
    HosoError::with_messages(
        "offline",
        "thiết bị đang ngoại tuyến".into(),
        "the device is offline".into(),
    )
}

#[uniffi::export(async_runtime = "tokio")]
impl Hoso {
    /// One sync: sends what is due in the outbox (files resumable, each
    /// dossier exactly once), pulls status changes, refreshes followed
    /// receipts, and keeps the (possibly refreshed) session. `retry_now`
    /// ignores backoff. Progress goes to the event listener. What a
    /// WorkManager worker or a BGTask runs.
    pub async fn sync_now(&self, retry_now: bool) -> Result<SyncSummary, HosoError> {
        let net = network(self.state.network.as_ref());
        if net == NetworkState::Offline {
            return Err(offline());
        }
        self.spawn(move |state| async move {
            let client = state.logged_in()?;
            let options = SyncOptions {
                force: retry_now,
                network: policy(net),
                ..SyncOptions::default()
            };
            let now = unix_now();
            let events = state.events.clone();
            let sent = sync_once(&client, &state.drafts, now, &options, &|e| {
                events.send(e.into())
            })
            .await;
            let pulled = match &sent {
                Ok(_) => Some(pull(&client, &state.drafts, now).await),
                Err(_) => None,
            };
            // Receipts followed need no account; their errors keep the cache.
            let _ = refresh_followed(&client, &state.receipts, now).await;
            // Tokens may have been refreshed (rotated) even if a step failed.
            state.sessions.remember(&client)?;
            let report = sent?;
            let changes = pulled.transpose()?.unwrap_or_default();
            for c in &changes {
                state.events.send(c.clone().into());
            }
            let summary = SyncSummary::new(report, changes);
            state.events.send(HosoEvent::SyncPassFinished {
                summary: summary.clone(),
            });
            Ok(summary)
        })
        .await
    }

    /// Pulls status changes of the dossiers filed from this device.
    pub async fn refresh_status(&self) -> Result<Vec<StatusUpdate>, HosoError> {
        self.spawn(|state| async move {
            let client = state.logged_in()?;
            let pulled = pull(&client, &state.drafts, unix_now()).await;
            state.sessions.remember(&client)?;
            Ok(pulled?.into_iter().map(Into::into).collect())
        })
        .await
    }

    /// The dossiers filed from this device, as last seen (offline).
    pub fn dossiers(&self) -> Result<Vec<Dossier>, HosoError> {
        Ok(self
            .state
            .drafts
            .tracked_all()?
            .into_iter()
            .map(Into::into)
            .collect())
    }

    /// One dossier filed from this device, as last seen (offline).
    pub fn dossier(&self, code: String) -> Result<Option<Dossier>, HosoError> {
        let code = hoso_core::receipt::scan::canonical_code(&code);
        Ok(self.state.drafts.tracked(&code)?.map(Into::into))
    }

    /// Starts the background loop (while the app is open): sends whenever
    /// something is due, pulls status every few minutes, refreshes followed
    /// receipts; its state and progress go to the event listener. Needs a
    /// login; starting it again restarts it.
    pub fn start_background_sync(&self) -> Result<(), HosoError> {
        let client = self.state.logged_in()?;
        let handle = self.handle()?;
        let background = Arc::new(
            Background::new(SyncOptions::default().concurrency)
                .with_receipts(self.state.receipts.clone()),
        );
        background.set_network(policy(network(self.state.network.as_ref())));
        if let Some(old) = lock(&self.state.background).replace(background.clone()) {
            old.stop();
        }
        let state: Arc<State> = self.state.clone();
        handle.spawn(async move {
            let events = state.events.clone();
            let send = move |e: LoopEvent| events.send(e.into());
            background
                .run(&client, &state.drafts, &state.sessions, &send)
                .await;
            state.events.send(HosoEvent::SyncStateChanged {
                state: SyncState::Stopped,
            });
        });
        Ok(())
    }

    /// Stops the background loop after the step in progress (nothing is
    /// lost: every step is journaled).
    pub fn stop_background_sync(&self) {
        if let Some(b) = lock(&self.state.background).take() {
            b.stop();
        }
    }

    /// Asks the background loop to run now (the user pulled to refresh).
    pub fn nudge_sync(&self) {
        if let Some(b) = lock(&self.state.background).as_ref() {
            b.nudge();
        }
    }

    /// The host's network changed: the loop reads the monitor again and
    /// runs now if it is online.
    pub fn network_changed(&self) {
        let net = network(self.state.network.as_ref());
        if let Some(b) = lock(&self.state.background).as_ref() {
            b.set_network(policy(net));
        }
    }
}

impl Hoso {
    /// After a login: a running loop carries on with the new session.
    pub(crate) fn restart_background_sync(&self) {
        let running = lock(&self.state.background).is_some();
        if running {
            // It was running, so it can start again; a failure leaves it
            // stopped, which the next start reports.
            let _ = self.start_background_sync();
        }
    }
}
