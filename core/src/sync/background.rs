//! The background loop a host runs while the app is alive: a submission
//! pass whenever something is due, a status pull every few minutes (and
//! right after something was sent), the portal session saved after every
//! round (a refresh may have rotated it), dossiers followed by receipt
//! refreshed with each pull (even without an account), and events for the host's UI
//! (the loop's state, upload progress, status changes). The host nudges it when the user queues
//! something or the network comes back, tells it the network policy, and
//! stops it. Phones that kill background apps lose nothing: every step is
//! already journaled by the pass itself.

use super::client::PortalClient;
use super::engine::{sync_once, NetworkPolicy, SyncError, SyncEvent, SyncOptions, SyncReport};
use super::session::Sessions;
use super::status::{pull, StatusChange};
use crate::clock::unix_now;
use crate::draft::Drafts;
use crate::receipt::online::refresh_followed;
use crate::receipt::Receipts;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Mutex;
use std::time::Duration;
use tokio::sync::Notify;

/// Seconds between status pulls while nothing else happens.
const STATUS_EVERY: i64 = 5 * 60;
/// Seconds before trying again after the network failed a pull.
const OFFLINE_RETRY: i64 = 60;

/// What the loop is doing, for the host's UI.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LoopState {
    /// A pass or a pull is running.
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

/// An event of the loop.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LoopEvent {
    State(LoopState),
    Sync(SyncEvent),
    /// A pass ended.
    Pass(SyncReport),
    StatusChanged(StatusChange),
}

/// The host's handle on the loop (share it in an `Arc`).
pub struct Background {
    wake: Notify,
    nudged: AtomicBool,
    stopped: AtomicBool,
    network: Mutex<NetworkPolicy>,
    concurrency: usize,
    /// Dossiers followed by receipt, refreshed with each status pull.
    receipts: Option<Receipts>,
}

impl Default for Background {
    fn default() -> Background {
        Background::new(SyncOptions::default().concurrency)
    }
}

impl Background {
    /// A loop sending `concurrency` submissions at once.
    pub fn new(concurrency: usize) -> Background {
        Background {
            wake: Notify::new(),
            nudged: AtomicBool::new(true),
            stopped: AtomicBool::new(false),
            network: Mutex::new(NetworkPolicy::default()),
            concurrency: concurrency.max(1),
            receipts: None,
        }
    }

    /// Also refreshes the dossiers followed through receipts (public
    /// lookup, no account needed) whenever status is pulled, reporting
    /// their changes as [`LoopEvent::StatusChanged`] too.
    pub fn with_receipts(mut self, receipts: Receipts) -> Background {
        self.receipts = Some(receipts);
        self
    }

    /// Refreshes followed receipts; their errors leave the cached status.
    async fn refresh_receipts(
        &self,
        client: &PortalClient,
        now: i64,
        events: &(dyn Fn(LoopEvent) + Send + Sync),
    ) {
        let Some(receipts) = &self.receipts else {
            return;
        };
        let Ok(done) = refresh_followed(client, receipts, now).await else {
            return;
        };
        for r in done.into_iter().filter(|r| r.changed) {
            if let Some(s) = r.status {
                events(LoopEvent::StatusChanged(StatusChange {
                    code: r.dossier_code,
                    status: s.status,
                    at: s.updated_at,
                }));
            }
        }
    }

    /// Run a pass now, backoff or not (something was queued, the network
    /// came back, the user pulled to refresh).
    pub fn nudge(&self) {
        self.nudged.store(true, Ordering::SeqCst);
        self.wake.notify_one();
    }

    /// The network changed (metered or not, and the host's size limit).
    pub fn set_network(&self, policy: NetworkPolicy) {
        if let Ok(mut n) = self.network.lock() {
            *n = policy;
        }
        self.nudge();
    }

    /// Ends [`Background::run`] after the step in progress.
    pub fn stop(&self) {
        self.stopped.store(true, Ordering::SeqCst);
        self.wake.notify_one();
    }

    fn options(&self, force: bool) -> SyncOptions {
        SyncOptions {
            concurrency: self.concurrency,
            force,
            network: self.network.lock().map(|n| *n).unwrap_or_default(),
        }
    }

    /// Runs until [`Background::stop`].
    pub async fn run(
        &self,
        client: &PortalClient,
        drafts: &Drafts,
        sessions: &Sessions,
        events: &(dyn Fn(LoopEvent) + Send + Sync),
    ) {
        let mut next_pull = 0i64;
        while !self.stopped.load(Ordering::SeqCst) {
            let force = self.nudged.swap(false, Ordering::SeqCst);
            events(LoopEvent::State(LoopState::Syncing));
            let now = unix_now();
            let stepped = self
                .step(client, drafts, now, force, &mut next_pull, events)
                .await;
            // Whatever happened, a refresh may have rotated the tokens.
            let state = match (stepped, sessions.remember(client)) {
                (_, Err(e)) => LoopState::Failed {
                    message: e.to_string(),
                },
                (Ok(next_at), Ok(())) => LoopState::Idle { next_at },
                (Err(state), Ok(())) => state,
            };
            let wake_at = match &state {
                LoopState::Idle { next_at } => *next_at,
                LoopState::Offline { retry_at } => *retry_at,
                // Followed receipts need no account: their next refresh.
                LoopState::LoggedOut if self.receipts.is_some() => next_pull,
                // Only a nudge (a new login, a retry) helps.
                LoopState::LoggedOut | LoopState::Failed { .. } => i64::MAX,
                LoopState::Syncing => now,
            };
            events(LoopEvent::State(state));
            if self.stopped.load(Ordering::SeqCst) {
                break;
            }
            let wait = u64::try_from(wake_at.saturating_sub(unix_now())).unwrap_or(0);
            if wait > 0 && !self.nudged.load(Ordering::SeqCst) {
                let _ = tokio::time::timeout(Duration::from_secs(wait), self.wake.notified()).await;
            }
        }
    }

    /// One round: a pass, then a pull when one is due; when to come back.
    async fn step(
        &self,
        client: &PortalClient,
        drafts: &Drafts,
        now: i64,
        force: bool,
        next_pull: &mut i64,
        events: &(dyn Fn(LoopEvent) + Send + Sync),
    ) -> Result<i64, LoopState> {
        let failed = |e: &dyn std::fmt::Display| LoopState::Failed {
            message: e.to_string(),
        };
        let on_sync = |e: SyncEvent| events(LoopEvent::Sync(e));
        let pass = sync_once(client, drafts, now, &self.options(force), &on_sync).await;
        let report = match pass {
            Ok(r) => r,
            Err(SyncError::NotLoggedIn) => {
                // Followed receipts need no account.
                if force || now >= *next_pull {
                    self.refresh_receipts(client, now, events).await;
                    *next_pull = now + STATUS_EVERY;
                }
                return Err(LoopState::LoggedOut);
            }
            Err(e) => return Err(failed(&e)),
        };
        let sent = !report.submitted.is_empty();
        events(LoopEvent::Pass(report));
        if force || sent || now >= *next_pull {
            self.refresh_receipts(client, now, events).await;
            match pull(client, drafts, now).await {
                Ok(changes) => {
                    for c in changes {
                        events(LoopEvent::StatusChanged(c));
                    }
                    *next_pull = now + STATUS_EVERY;
                }
                Err(super::status::StatusError::Portal(e)) if e.is_transient() => {
                    return Err(LoopState::Offline {
                        retry_at: now + OFFLINE_RETRY,
                    });
                }
                Err(super::status::StatusError::Portal(
                    super::client::PortalError::NotLoggedIn,
                )) => return Err(LoopState::LoggedOut),
                Err(e) => {
                    // A refused pull (the session ended) or a store
                    // failure: say so, keep the outbox going.
                    if client.tokens().is_none() {
                        return Err(LoopState::LoggedOut);
                    }
                    return Err(failed(&e));
                }
            }
        }
        let next_attempt = drafts
            .submissions()
            .map_err(|e| failed(&e))?
            .iter()
            // Due now but not sent (waiting for an unmetered network):
            // the next pull or a nudge brings them up again.
            .filter(|s| s.state.pending() && s.next_attempt_at > now)
            .map(|s| s.next_attempt_at)
            .min();
        Ok(next_attempt.map_or(*next_pull, |a| a.min(*next_pull)))
    }
}
