//! Volunteer accounts' standing with their commune (#19, ADR 0013): the
//! approval a volunteer needs before acting for a resident (`pending` from
//! registration, `approved` as a member or leader, `revoked` with a
//! reason), the check every such act passes ([`filer`], [`require_approved`]),
//! the registration-order index of volunteer accounts the commune's list
//! pages through, its rebuild for a store written before approvals, the
//! commune's admin endpoints (`admin`) and how a team is identified
//! (`team`).
//!
//! Storage: `volunteer_order/{n:016x}` → account id (registration order),
//! the counter `volunteer_seq/order`. The approval itself is a field of the
//! sealed account record (`accounts`); a record without one (written
//! before approvals) reads as `pending` since registration.

mod admin;
pub(crate) mod team;

use crate::accounts::{self, AccountRecord, Caller};
use crate::db::{Db, DbError, Write};
use crate::error::ApiError;
use crate::Portal;
use axum::http::StatusCode;
use hoso_wire::{AccountKind, ApprovalState, ErrorCode, VolunteerApproval};

pub(crate) use admin::routes;

const ORDER: &str = "volunteer_order";
const SEQ: &str = "volunteer_seq";

/// An approved volunteer about to act for a resident, and its team.
pub(crate) struct Filer {
    pub team: team::TeamKey,
}

/// `403 volunteer_not_approved`, saying which state the account is in.
pub(crate) fn not_approved(state: ApprovalState) -> ApiError {
    ApiError::new(
        StatusCode::FORBIDDEN,
        ErrorCode::VolunteerNotApproved,
        "Tài khoản tình nguyện viên chưa được Ủy ban nhân dân xã duyệt hoặc đã bị thu hồi",
        "The commune has not approved this volunteer account, or has revoked it",
    )
    .with_detail("state", state.as_str())
}

/// The caller's account as stored now (not as it was when the token was
/// checked): a decision of the commune counts from its answer on.
fn current(portal: &Portal, caller: &Caller) -> Result<AccountRecord, ApiError> {
    accounts::account(portal, &caller.account_id)?.ok_or_else(ApiError::unauthorized)
}

/// A volunteer's approval, `pending` since registration when none is
/// stored.
pub(crate) fn approval_of(account: &AccountRecord) -> VolunteerApproval {
    account
        .approval
        .clone()
        .unwrap_or_else(|| VolunteerApproval::pending(account.created_at.clone()))
}

/// Before a submission: `None` for a citizen; for a volunteer, its team
/// when the commune approves it, else `403 volunteer_not_approved`.
pub(crate) fn filer(portal: &Portal, caller: &Caller) -> Result<Option<Filer>, ApiError> {
    if caller.kind != AccountKind::Volunteer {
        return Ok(None);
    }
    let account = current(portal, caller)?;
    let approval = approval_of(&account);
    if !approval.may_file() {
        return Err(not_approved(approval.state));
    }
    let profile = account.volunteer.as_ref().ok_or_else(|| {
        ApiError::internal(&"a volunteer account without its team (damaged record)")
    })?;
    Ok(Some(Filer {
        team: team::TeamKey::of(portal.db.sealer(), profile),
    }))
}

/// Before a supplement or a withdrawal: a citizen passes; a volunteer only
/// while approved.
pub(crate) fn require_approved(portal: &Portal, caller: &Caller) -> Result<(), ApiError> {
    filer(portal, caller).map(|_| ())
}

/// The write listing a new volunteer account in registration order.
pub(crate) fn order_write(db: &Db, account_id: &str) -> Result<Write, DbError> {
    let n = db.next(SEQ, "order")?;
    Ok(Write::put(ORDER, format!("{n:016x}"), &account_id))
}

/// A page of volunteer account ids in registration order after position
/// `after` (at most `limit`), the last position read, and whether more
/// follow.
fn in_order(
    db: &Db,
    after: Option<u64>,
    limit: usize,
) -> Result<(Vec<String>, u64, bool), DbError> {
    let after_key = after.map(|a| format!("{a:016x}"));
    let mut page: Vec<(String, String)> = db.scan(ORDER, "", after_key.as_deref(), limit + 1)?;
    let has_more = page.len() > limit;
    page.truncate(limit);
    let last = page
        .last()
        .and_then(|(k, _)| u64::from_str_radix(k, 16).ok())
        .or(after)
        .unwrap_or(0);
    Ok((page.into_iter().map(|(_, id)| id).collect(), last, has_more))
}

/// Rebuilds the registration-order index from the accounts (a store
/// written before approvals has none): volunteers by registration time,
/// then id. Idempotent: the index is replaced whole, in one commit.
pub(crate) fn reindex(db: &Db) -> Result<(), DbError> {
    let mut volunteers: Vec<(String, String)> = Vec::new();
    accounts::each(db, |a| {
        if a.kind == AccountKind::Volunteer {
            volunteers.push((a.created_at.clone(), a.id.clone()));
        }
    })?;
    volunteers.sort();
    let mut writes: Vec<Write> = db
        .keys(ORDER, "")?
        .into_iter()
        .map(|k| Write::Remove(ORDER, k))
        .collect();
    for (_, id) in &volunteers {
        writes.push(order_write(db, id)?);
    }
    db.commit(&writes)
}
