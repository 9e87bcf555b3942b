//! Whether the caller may act for a resident now (ADR 0013): a citizen
//! always acts for itself; a volunteer files, answers a supplement request
//! or withdraws for a resident only while its commune approves it, read
//! from the account as stored at that moment (a decision counts from its
//! answer on), else `403 volunteer_not_approved`. An approved filer comes
//! with its team, under which its dossier is indexed (`team`).

use crate::accounts::{self, AccountRecord, Caller};
use crate::error::ApiError;
use crate::team::TeamKey;
use crate::Portal;
use axum::http::StatusCode;
use hoso_wire::{AccountKind, ApprovalState, ErrorCode, VolunteerProfile};

/// An approved volunteer about to act for a resident, and its team.
pub(super) struct Filer {
    pub team: TeamKey,
}

/// `403 volunteer_not_approved`, saying which state the account is in.
pub(super) fn not_approved(state: ApprovalState) -> ApiError {
    ApiError::new(
        StatusCode::FORBIDDEN,
        ErrorCode::VolunteerNotApproved,
        "Tài khoản tình nguyện viên chưa được Ủy ban nhân dân xã duyệt hoặc đã bị thu hồi",
        "The commune has not approved this volunteer account, or has revoked it",
    )
    .with_detail("state", state.as_str())
}

/// The caller's account as stored now (not as it was when the token was
/// checked).
pub(super) fn current(portal: &Portal, caller: &Caller) -> Result<AccountRecord, ApiError> {
    accounts::account(portal, &caller.account_id)?.ok_or_else(ApiError::unauthorized)
}

/// A volunteer's team (its key and as registered), or `500` for a
/// volunteer record without one (registration refuses that, so the record
/// is damaged).
pub(super) fn team_of<'a>(
    portal: &Portal,
    account: &'a AccountRecord,
) -> Result<(TeamKey, &'a VolunteerProfile), ApiError> {
    account
        .volunteer
        .as_ref()
        .map(|v| (TeamKey::of(portal.db.sealer(), v), v))
        .ok_or_else(|| ApiError::internal(&"a volunteer account without its team (damaged record)"))
}

/// Before a submission: `None` for a citizen; for a volunteer, its team
/// when the commune approves it, else `403 volunteer_not_approved`.
pub(super) fn filer(portal: &Portal, caller: &Caller) -> Result<Option<Filer>, ApiError> {
    if caller.kind != AccountKind::Volunteer {
        return Ok(None);
    }
    let account = current(portal, caller)?;
    let approval = account.approval();
    if !approval.may_file() {
        return Err(not_approved(approval.state));
    }
    Ok(Some(Filer {
        team: team_of(portal, &account)?.0,
    }))
}

/// Before a supplement or a withdrawal: a citizen passes; a volunteer only
/// while approved.
pub(super) fn require_approved(portal: &Portal, caller: &Caller) -> Result<(), ApiError> {
    filer(portal, caller).map(|_| ())
}
