//! The background loop a host runs while the app is alive: a sync round
//! ([`super::round`]) whenever something is due — a submission's retry, a
//! status pull every few minutes, a nudge — and the loop's state for the
//! host's UI between rounds. The host nudges it when the user queues
//! something or the network comes back, tells it the network policy, and
//! stops it. Phones that kill background apps lose nothing: every step is
//! already journaled by the round itself.

use super::engine::{NetworkPolicy, SyncOptions};
pub use super::report::{LoopEvent, LoopState};
use super::round::{RoundPolicy, RoundRunner};
use crate::client::PortalClient;
use crate::clock::unix_now;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Mutex;
use std::time::Duration;
use tokio::sync::Notify;

/// Seconds between status pulls while nothing else happens.
const STATUS_EVERY: i64 = 5 * 60;
/// Seconds before trying again after the network failed a pull.
const OFFLINE_RETRY: i64 = 60;

/// The host's handle on the loop (share it in an `Arc`).
pub struct Background {
    wake: Notify,
    nudged: AtomicBool,
    stopped: AtomicBool,
    network: Mutex<NetworkPolicy>,
    concurrency: usize,
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
        local: &dyn RoundRunner,
        events: &(dyn Fn(LoopEvent) + Send + Sync),
    ) {
        let mut next_pull = 0i64;
        while !self.stopped.load(Ordering::SeqCst) {
            let force = self.nudged.swap(false, Ordering::SeqCst);
            events(LoopEvent::State(LoopState::Syncing));
            let now = unix_now();
            let state = match self
                .step(client, local, now, force, &mut next_pull, events)
                .await
            {
                Ok(next_at) => LoopState::Idle { next_at },
                Err(state) => state,
            };
            let wake_at = match &state {
                LoopState::Idle { next_at } => *next_at,
                LoopState::Offline { retry_at } => *retry_at,
                // Followed receipts need no account: their next refresh.
                LoopState::LoggedOut => next_pull,
                // Only a nudge (a retry) helps.
                LoopState::Failed { .. } => i64::MAX,
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

    /// One round (a pull when one is due or asked for); when to come back.
    async fn step(
        &self,
        client: &PortalClient,
        local: &dyn RoundRunner,
        now: i64,
        force: bool,
        next_pull: &mut i64,
        events: &(dyn Fn(LoopEvent) + Send + Sync),
    ) -> Result<i64, LoopState> {
        let policy = RoundPolicy {
            send: true,
            pull: force || now >= *next_pull,
            options: self.options(force),
            keep_session: true,
        };
        let report = local
            .run_round(client, &policy, now, events)
            .await
            .map_err(|message| LoopState::Failed { message })?;
        let asked = policy.pull || !report.pass.submitted.is_empty();
        if asked && report.pull_failure.is_none() {
            *next_pull = now.saturating_add(STATUS_EVERY);
        }
        if report.logged_out {
            return Err(LoopState::LoggedOut);
        }
        match report.pull_failure {
            Some(f) if f.offline => Err(LoopState::Offline {
                retry_at: now.saturating_add(OFFLINE_RETRY),
            }),
            // A refused pull: say so; the outbox keeps going.
            Some(f) => Err(LoopState::Failed {
                message: format!("{} / {}", f.message_vi, f.message_en),
            }),
            None => Ok(report
                .next_attempt_at
                .map_or(*next_pull, |a| a.min(*next_pull))),
        }
    }
}
