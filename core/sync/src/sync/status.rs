//! Status tracking: pull the account's change feed from the saved cursor,
//! keep each dossier's history on the device (readable offline, with when
//! it was last checked), and report what changed. A cursor the portal no
//! longer keeps (`410 cursor_expired`) re-reads every followed dossier and
//! starts the feed again.

use super::Local;
use crate::client::{Method, PortalClient, PortalError};
use crate::filed::{FiledError, TrackedDossier};
use hoso_store::error::{Classified, ErrorKind};
use hoso_wire::{Dossier, FeedPage, PaymentKind, PaymentRequest, PaymentStatus};

/// Why a status pull stopped.
#[derive(Debug, thiserror::Error)]
pub enum StatusError {
    #[error(transparent)]
    Portal(#[from] PortalError),
    #[error(transparent)]
    Filed(#[from] FiledError),
}

impl Classified for StatusError {
    fn kind(&self) -> ErrorKind {
        match self {
            StatusError::Portal(e) => e.kind(),
            StatusError::Filed(e) => e.kind(),
        }
    }

    fn error_code(&self) -> &'static str {
        match self {
            StatusError::Portal(e) => e.error_code(),
            StatusError::Filed(e) => e.code(),
        }
    }
}

/// One status change seen in a pull.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct StatusChange {
    pub code: String,
    pub status: u8,
    pub at: String,
}

/// A payment request whose state or received money changed in a pull (or
/// that the pull brought first).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct PaymentChange {
    /// The dossier.
    pub code: String,
    pub reference: String,
    pub kind: PaymentKind,
    pub status: PaymentStatus,
    pub amount_vnd: u64,
    pub paid_vnd: u64,
}

/// What a pull saw change, in order.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Pulled {
    pub status: Vec<StatusChange>,
    pub payments: Vec<PaymentChange>,
}

/// The requests of `after` that are new or moved since `before`.
fn payment_changes(
    code: &str,
    before: &[PaymentRequest],
    after: &[PaymentRequest],
) -> Vec<PaymentChange> {
    after
        .iter()
        .filter(|a| {
            !before.iter().any(|b| {
                b.reference == a.reference && b.status == a.status && b.paid_vnd == a.paid_vnd
            })
        })
        .map(|a| PaymentChange {
            code: code.to_string(),
            reference: a.reference.clone(),
            kind: a.kind,
            status: a.status,
            amount_vnd: a.amount_vnd,
            paid_vnd: a.paid_vnd,
        })
        .collect()
}

/// Pulls every change since the saved cursor; returns them in order.
pub async fn pull(client: &PortalClient, local: &Local, now: i64) -> Result<Pulled, StatusError> {
    let mut cursor = local.filed.feed_cursor()?;
    let mut changes = Pulled::default();
    loop {
        let path = match &cursor {
            Some(c) => format!("/v1/feed?limit=200&cursor={c}"),
            None => "/v1/feed?limit=200".to_string(),
        };
        let page: FeedPage = match client.authed(|c| c.request(Method::GET, &path)).await {
            Ok(a) => a.json()?,
            Err(e) if e.code() == Some("cursor_expired") => {
                refresh_all(client, local, now).await?;
                local.filed.save_with_cursor(&[], None)?;
                cursor = None;
                continue;
            }
            Err(e) => return Err(e.into()),
        };
        let mut touched: Vec<TrackedDossier> = Vec::new();
        for e in &page.entries {
            let code = e.dossier_code.as_str();
            let known = match touched.iter().position(|d| d.code == code) {
                Some(i) => Some(touched.remove(i)),
                None => local.filed.get(code)?,
            };
            let mut d = known.unwrap_or_else(|| TrackedDossier::first_seen(&e.dossier, now));
            let before = d.payments.clone();
            if d.apply(e) {
                changes.status.push(StatusChange {
                    code: code.to_string(),
                    status: e.entry.status,
                    at: e.entry.at.clone(),
                });
            }
            changes
                .payments
                .extend(payment_changes(code, &before, &d.payments));
            touched.push(d);
        }
        let next = Some(page.next_cursor.clone()).filter(|c| !c.is_empty());
        let more = page.has_more;
        // Mark everything checked now, then save with the cursor.
        if !more {
            for mut d in local.filed.all()? {
                if !touched.iter().any(|t| t.code == d.code) {
                    d.checked_at = now;
                    touched.push(d);
                }
            }
        }
        for d in &mut touched {
            d.checked_at = now;
        }
        local
            .filed
            .save_with_cursor(&touched, next.as_deref().or(cursor.as_deref()))?;
        cursor = next.or(cursor);
        if !more {
            break;
        }
    }
    Ok(changes)
}

/// Re-reads every followed dossier in full.
async fn refresh_all(client: &PortalClient, local: &Local, now: i64) -> Result<(), StatusError> {
    let mut fresh = Vec::new();
    for d in local.filed.all()? {
        let path = format!("/v1/dossiers/{}", d.code);
        let answer = client.authed(|c| c.request(Method::GET, &path)).await?;
        let dossier: Dossier = answer.json()?;
        fresh.push(d.refreshed(&dossier, now));
    }
    local.filed.save(&fresh)?;
    Ok(())
}
