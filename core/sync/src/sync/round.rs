//! One sync round, the same for every caller — the background loop, `hoso
//! sync` and `hoso status`, the binding's `sync_now` and `refresh_status`,
//! the demo: the outbox's send pass; then, when asked or when something was
//! just sent, the status of the dossiers filed from this device (the
//! account's change feed) and of those followed by receipt (public lookup,
//! no account needed); then the portal session saved, since a refresh may
//! have rotated its tokens. What differs between callers is a
//! [`RoundPolicy`]. A failed pull never undoes what the pass sent: it is
//! reported beside it; only a failing device store ends a round early.

use super::engine::{sync_once, NetworkPolicy, SyncError, SyncEvent, SyncOptions};
use super::report::{LoopEvent, PullFailure, ReceiptFailure, RoundReport};
use super::status::{pull, StatusChange, StatusError};
use super::Local;
use crate::client::PortalClient;
use crate::receipt::online::refresh_followed;
use futures_util::future::BoxFuture;
use futures_util::StreamExt;

/// What a round does, where its callers differ.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RoundPolicy {
    /// Send what is due in the outbox (off: only refresh status).
    pub send: bool,
    /// Pull status even when nothing was sent (the user asked, or a pull
    /// is due).
    pub pull: bool,
    /// How the send pass runs.
    pub options: SyncOptions,
    /// Save the client's session afterwards (its tokens may have been
    /// rotated). Off for a client that is not this device's session (the
    /// demo's throwaway portal).
    pub keep_session: bool,
}

impl RoundPolicy {
    /// What the user asks for with "sync now": send what is due (every
    /// pending submission when `retry_now`), then refresh status.
    pub fn sync_now(retry_now: bool, network: NetworkPolicy) -> RoundPolicy {
        RoundPolicy {
            send: true,
            pull: true,
            options: SyncOptions {
                force: retry_now,
                network,
                ..SyncOptions::default()
            },
            keep_session: true,
        }
    }

    /// Refresh status only, sending nothing.
    pub fn status_only() -> RoundPolicy {
        RoundPolicy {
            send: false,
            pull: true,
            options: SyncOptions::default(),
            keep_session: true,
        }
    }
}

/// Something that hears a round's events (from any task).
pub type RoundEvents<'a> = &'a (dyn Fn(LoopEvent) + Send + Sync);

/// What runs one round for the background loop: a data directory's own
/// stores ([`Local`]), or a volunteer's with their residents' (implemented
/// by `residents`, above this module). The error is the round's message.
pub trait RoundRunner: Sync {
    fn run_round<'a>(
        &'a self,
        client: &'a PortalClient,
        policy: &'a RoundPolicy,
        now: i64,
        events: RoundEvents<'a>,
    ) -> BoxFuture<'a, Result<RoundReport, String>>;
}

impl RoundRunner for Local {
    fn run_round<'a>(
        &'a self,
        client: &'a PortalClient,
        policy: &'a RoundPolicy,
        now: i64,
        events: RoundEvents<'a>,
    ) -> BoxFuture<'a, Result<RoundReport, String>> {
        Box::pin(async move {
            round(client, self, policy, now, events)
                .await
                .map_err(|e| e.to_string())
        })
    }
}

/// Runs one round at `now` (Unix seconds) with `client` (logged in, or a
/// public client: then only receipts are refreshed and the report says
/// `logged_out`). Its events end with [`LoopEvent::Round`].
pub async fn round(
    client: &PortalClient,
    local: &Local,
    policy: &RoundPolicy,
    now: i64,
    events: RoundEvents<'_>,
) -> Result<RoundReport, SyncError> {
    round_with(client, local, &[], policy, now, events).await
}

/// [`round`], sending first the outboxes of `others` (the residents a
/// volunteer files for, each a space of its own that shares `local`'s
/// session and filed dossiers): one round, one report, one status pull.
pub async fn round_with(
    client: &PortalClient,
    local: &Local,
    others: &[&Local],
    policy: &RoundPolicy,
    now: i64,
    events: RoundEvents<'_>,
) -> Result<RoundReport, SyncError> {
    let result = steps(client, local, others, policy, now, events).await;
    // Whatever happened, a refresh may have rotated the tokens.
    let remembered = match policy.keep_session {
        true => local.sessions.remember(client),
        false => Ok(()),
    };
    let mut report = result?;
    remembered?;
    let mut next = None;
    for space in others.iter().copied().chain([local]) {
        let due = space
            .outbox
            .all()?
            .iter()
            .filter(|s| s.state.pending() && s.next_attempt_at > now)
            .map(|s| s.next_attempt_at)
            .min();
        next = next.into_iter().chain(due).min();
    }
    report.next_attempt_at = next;
    events(LoopEvent::Round {
        report: report.clone(),
    });
    Ok(report)
}

async fn steps(
    client: &PortalClient,
    local: &Local,
    others: &[&Local],
    policy: &RoundPolicy,
    now: i64,
    events: RoundEvents<'_>,
) -> Result<RoundReport, SyncError> {
    let mut report = RoundReport::default();
    if policy.send {
        let on_sync = |e: SyncEvent| events(LoopEvent::Sync(e));
        // Several outboxes at once (a volunteer's residents each hold one
        // or two submissions): a slow network is waited on in parallel.
        let mut passes = Vec::new();
        for space in others.iter().copied().chain([local]) {
            passes.push(sync_once(client, space, now, &policy.options, &on_sync));
        }
        let passes: Vec<_> = futures_util::stream::iter(passes)
            .buffer_unordered(policy.options.concurrency.max(1))
            .collect()
            .await;
        for pass in passes {
            match pass {
                Ok(pass) => report.pass.add(pass),
                Err(SyncError::NotLoggedIn) => report.logged_out = true,
                Err(e) => return Err(e),
            }
        }
    }
    if !policy.pull && report.pass.submitted.is_empty() {
        return Ok(report);
    }
    if client.tokens().is_none() {
        report.logged_out = true;
    }
    if !report.logged_out {
        match pull(client, local, now).await {
            Ok(changes) => {
                report.pulled = true;
                report.status_changes = changes.status;
                report.payment_changes = changes.payments;
            }
            Err(StatusError::Filed(e)) => return Err(e.into()),
            Err(StatusError::Portal(e))
                if e.error_code() == "not_logged_in" || client.tokens().is_none() =>
            {
                report.logged_out = true;
            }
            Err(StatusError::Portal(e)) => report.pull_failure = Some(PullFailure::from(&e)),
        }
    }
    let mut receipt_changes = refresh_receipts(client, local, now, &mut report).await;
    for c in report.status_changes.iter().chain(&receipt_changes) {
        events(LoopEvent::StatusChanged(c.clone()));
    }
    for c in &report.payment_changes {
        events(LoopEvent::PaymentChanged(c.clone()));
    }
    report.status_changes.append(&mut receipt_changes);
    Ok(report)
}

/// Refreshes the dossiers followed by receipt; returns their status
/// changes. A failure leaves their cached status (and is reported).
async fn refresh_receipts(
    client: &PortalClient,
    local: &Local,
    now: i64,
    report: &mut RoundReport,
) -> Vec<StatusChange> {
    let done = match refresh_followed(client, &local.receipts, now).await {
        Ok(done) => done,
        Err(e) => {
            report.receipt_failures.push(ReceiptFailure::of("", &e));
            return Vec::new();
        }
    };
    let mut changes = Vec::new();
    for r in done {
        if let Some(e) = &r.error {
            report
                .receipt_failures
                .push(ReceiptFailure::of(&r.dossier_code, e));
        }
        if let (true, Some(s)) = (r.changed, r.status) {
            changes.push(StatusChange {
                code: r.dossier_code,
                status: s.status,
                at: s.updated_at,
            });
        }
    }
    changes
}
