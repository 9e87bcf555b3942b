//! Sending and following through the binding: one sync pass on demand
//! (what a WorkManager worker or a BGTask runs), the background loop while
//! the app is open, the network the host reports, and the dossiers filed
//! from this device with their status history (readable offline).

use crate::error::HosoError;
use crate::events::{HosoEvent, StatusUpdate, SyncState, SyncSummary};
use crate::hoso::{lock, Hoso, State};
use crate::host::{network, policy, NetworkState};
use crate::to_i64;
use hoso_core::clock::unix_now;
use hoso_core::error::ErrorKind;
use hoso_core::filed::{linked_groups, LinkedGroup, LinkedState, TrackedDossier};
use hoso_core::residents::VolunteerRounds;
use hoso_core::sync::background::{Background, LoopEvent};
use hoso_core::sync::engine::{SyncError, SyncOptions};
use hoso_core::sync::report::RoundReport;
use hoso_core::sync::round::{round, RoundPolicy};
use std::sync::Arc;

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
    /// The linked filing this dossier is a part of (its group id), if any.
    pub linked_group_id: Option<String>,
    /// Its part in that group (`birth`, `residence`…).
    pub linked_part: Option<String>,
}

/// A linked filing ("một việc một lần làm") followed as one.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct LinkedFiling {
    pub group_id: String,
    /// The group procedure (`2.000986`).
    pub procedure_code: String,
    /// `needs_action` (an officer asked something of a part),
    /// `in_progress`, `done` (every part has its result) or `ended` (every
    /// part finished, some refused or stopped).
    pub state: String,
    /// Parts with their result (status 9 or 10).
    pub parts_done: i64,
    /// The parts, in filing order.
    pub parts: Vec<Dossier>,
}

impl From<LinkedGroup> for LinkedFiling {
    fn from(g: LinkedGroup) -> LinkedFiling {
        let state = match g.state {
            LinkedState::NeedsAction => "needs_action",
            LinkedState::InProgress => "in_progress",
            LinkedState::Done => "done",
            LinkedState::Ended => "ended",
        };
        LinkedFiling {
            group_id: g.group_id,
            procedure_code: g.procedure_code,
            state: state.into(),
            parts_done: i64::try_from(g.parts_done).unwrap_or(i64::MAX),
            parts: g.parts.into_iter().map(Into::into).collect(),
        }
    }
}

impl From<TrackedDossier> for Dossier {
    fn from(d: TrackedDossier) -> Dossier {
        Dossier {
            history: d
                .history
                .into_iter()
                .map(|h| HistoryEntry {
                    at: h.at,
                    status: i32::from(h.status),
                    agency_name: h.agency.name,
                    note: h.note,
                })
                .collect(),
            supplement_request: d.supplement_request.map(|s| SupplementRequest {
                due_date: s.due_date,
                note: s.note,
                slots: s.slots,
            }),
            fee_request: d.fee_request.map(|f| FeeRequest {
                amount_vnd: to_i64(f.amount_vnd),
                due_date: f.due_date,
                note: f.note,
            }),
            receipt_qr: d.receipt.map(|r| r.qr),
            linked_group_id: d.linked.as_ref().map(|l| l.group_id.clone()),
            linked_part: d.linked.map(|l| l.part),
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
    HosoError::of(
        ErrorKind::Network,
        "offline",
        "thiết bị đang ngoại tuyến".into(),
        "the device is offline".into(),
    )
}

impl Hoso {
    /// One core sync round with the saved session; its events go to the
    /// listener. A session that ended is `NotLoggedIn`; a status pull that
    /// failed is the error it failed with (what was sent stays sent, and
    /// was reported by events).
    async fn round(&self, policy: RoundPolicy) -> Result<RoundReport, HosoError> {
        self.spawn(move |state| async move {
            let client = state.logged_in()?;
            let events = state.events.clone();
            let heard = |e: LoopEvent| events.send(e.into());
            let report = match state.residents() {
                // A volunteer's round: their own outbox and every
                // resident's, then residents past their retention wiped.
                Some(residents) => {
                    residents
                        .sync(&client, &state.local, &policy, unix_now(), &heard)
                        .await?
                }
                None => round(&client, &state.local, &policy, unix_now(), &heard).await?,
            };
            if report.logged_out {
                return Err(SyncError::NotLoggedIn.into());
            }
            if let Some(f) = &report.pull_failure {
                return Err(HosoError::of(
                    f.kind,
                    &f.code,
                    f.message_vi.clone(),
                    f.message_en.clone(),
                ));
            }
            Ok(report)
        })
        .await
    }
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
        let policy = RoundPolicy::sync_now(retry_now, policy(net));
        let report = self.round(policy).await?;
        Ok(SyncSummary::from(report))
    }

    /// Pulls status changes of the dossiers filed from this device (and
    /// refreshes those followed by receipt), sending nothing.
    pub async fn refresh_status(&self) -> Result<Vec<StatusUpdate>, HosoError> {
        let report = self.round(RoundPolicy::status_only()).await?;
        Ok(report.status_changes.into_iter().map(Into::into).collect())
    }

    /// The dossiers filed from this device, as last seen (offline).
    pub fn dossiers(&self) -> Result<Vec<Dossier>, HosoError> {
        Ok(self
            .state
            .local
            .filed
            .all()?
            .into_iter()
            .map(Into::into)
            .collect())
    }

    /// The linked filings among the dossiers filed from this device, each
    /// with its parts, as last seen (offline; `sync_now` refreshes them).
    pub fn linked_filings(&self) -> Result<Vec<LinkedFiling>, HosoError> {
        let all = self.state.local.filed.all()?;
        Ok(linked_groups(&all).into_iter().map(Into::into).collect())
    }

    /// One dossier filed from this device, as last seen (offline).
    pub fn dossier(&self, code: String) -> Result<Option<Dossier>, HosoError> {
        let code = hoso_core::receipt::scan::canonical_code(&code);
        Ok(self.state.local.filed.get(&code)?.map(Into::into))
    }

    /// Starts the background loop (while the app is open): sends whenever
    /// something is due, pulls status every few minutes, refreshes followed
    /// receipts; its state and progress go to the event listener. Needs a
    /// login; starting it again restarts it.
    pub fn start_background_sync(&self) -> Result<(), HosoError> {
        let client = self.state.logged_in()?;
        let handle = self.handle()?;
        let background = Arc::new(Background::new(SyncOptions::default().concurrency));
        background.set_network(policy(network(self.state.network.as_ref())));
        if let Some(old) = lock(&self.state.background).replace(background.clone()) {
            old.stop();
        }
        let state: Arc<State> = self.state.clone();
        handle.spawn(async move {
            let events = state.events.clone();
            let send = move |e: LoopEvent| events.send(e.into());
            match state.residents() {
                Some(residents) => {
                    let rounds = VolunteerRounds {
                        residents: &residents,
                        own: &state.local,
                    };
                    background.run(&client, &rounds, &send).await;
                }
                None => background.run(&client, state.local.as_ref(), &send).await,
            }
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
