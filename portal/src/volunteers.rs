//! The commune's decisions on volunteer accounts (#19, ADR 0013; admin
//! token only: the reference portal has no commune-officer account): the
//! list of volunteer accounts by approval state and team, approving one as
//! a member or leader, and revoking an approval with a reason. A decision
//! is committed under the dossiers' lock, so once it is answered no
//! submission that read the old state is still running. What an approval
//! allows is checked where residents are acted for (`dossiers`).

use crate::accounts::{self, AccountRecord};
use crate::clock::rfc3339;
use crate::error::{ApiError, FieldIssue};
use crate::extract::{Admin, ApiJson};
use crate::team::TeamFilter;
use crate::Portal;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use hoso_wire::{
    AccountKind, AdminVolunteerPage, ApprovalState, ApproveVolunteer, RevokeVolunteer,
    VolunteerApproval,
};
use serde::Deserialize;
use std::sync::Arc;

/// How many index entries one page of the filtered list reads at most.
const SCAN_MAX: usize = 5_000;

pub(crate) fn routes() -> Router<Arc<Portal>> {
    Router::new()
        .route("/v1/admin/volunteers", get(list))
        .route("/v1/admin/volunteers/{account_id}/approve", post(approve))
        .route("/v1/admin/volunteers/{account_id}/revoke", post(revoke))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ListQuery {
    state: Option<String>,
    team: Option<String>,
    province: Option<String>,
    commune: Option<String>,
    cursor: Option<String>,
    limit: Option<String>,
}

fn bad_query() -> ApiError {
    ApiError::bad_request(
        "Tham số truy vấn không hợp lệ",
        "Malformed query parameters",
    )
}

/// A filter part: 1..=`max` characters.
fn filter_part(raw: Option<&str>, max: usize) -> Result<Option<&str>, ApiError> {
    match raw {
        Some(v) if v.is_empty() || v.chars().count() > max => Err(bad_query()),
        other => Ok(other),
    }
}

/// `GET /v1/admin/volunteers`.
async fn list(
    State(portal): State<Arc<Portal>>,
    _: Admin,
    query: Result<Query<ListQuery>, axum::extract::rejection::QueryRejection>,
) -> Result<Response, ApiError> {
    let Query(q) = query.map_err(|_| bad_query())?;
    let limit = crate::dossiers::limit_param(q.limit.as_deref())?;
    let mut after = crate::dossiers::cursor_param(q.cursor.as_deref())?;
    let state = match q.state.as_deref() {
        None => None,
        Some(s) => Some(ApprovalState::from_wire(s).ok_or_else(bad_query)?),
    };
    let filter = TeamFilter::new(
        filter_part(q.team.as_deref(), 200)?,
        filter_part(q.province.as_deref(), 100)?,
        filter_part(q.commune.as_deref(), 100)?,
    );
    let mut volunteers = Vec::new();
    let mut read = 0usize;
    let mut has_more = true;
    while has_more && volunteers.len() < limit && read < SCAN_MAX {
        let want = (limit - volunteers.len()).min(SCAN_MAX - read);
        let (ids, last, more) = accounts::volunteers_in_order(&portal.db, after, want)?;
        read += ids.len();
        after = Some(last);
        has_more = more;
        for id in ids {
            let Some(account) = accounts::account(&portal, &id)? else {
                continue;
            };
            let approval = account.approval();
            let in_team = account
                .volunteer
                .as_ref()
                .is_some_and(|v| filter.matches(v));
            if in_team && state.is_none_or(|s| s == approval.state) {
                volunteers.push(account.public());
            }
        }
    }
    Ok(axum::Json(AdminVolunteerPage {
        volunteers,
        next_cursor: format!("v_{:016x}", after.unwrap_or(0)),
        has_more,
    })
    .into_response())
}

/// A volunteer account by id, or 404 (also for a citizen's, and for an id
/// that is not a UUID).
fn volunteer(portal: &Portal, account_id: &str) -> Result<AccountRecord, ApiError> {
    if uuid::Uuid::parse_str(account_id).is_err() {
        return Err(ApiError::not_found());
    }
    match accounts::account(portal, account_id)? {
        Some(a) if a.kind == AccountKind::Volunteer => Ok(a),
        _ => Err(ApiError::not_found()),
    }
}

/// Applies `decide` to a volunteer's approval and stores the result when
/// it changed; answers the account.
async fn decide(
    portal: &Portal,
    account_id: &str,
    decide: impl FnOnce(&VolunteerApproval, String) -> Option<VolunteerApproval>,
) -> Result<Response, ApiError> {
    let _dossiers = portal.dossiers.exclusive().await;
    let _accounts = portal.accounts_lock.lock().await;
    let mut account = volunteer(portal, account_id)?;
    let now = rfc3339(portal.clock.now());
    if let Some(next) = decide(&account.approval(), now) {
        account.approval = Some(next);
        portal.db.commit(&[accounts::write(&account)])?;
    }
    Ok(axum::Json(account.public()).into_response())
}

/// `POST /v1/admin/volunteers/{account_id}/approve`.
async fn approve(
    State(portal): State<Arc<Portal>>,
    _: Admin,
    Path(account_id): Path<String>,
    ApiJson(body): ApiJson<ApproveVolunteer>,
) -> Result<Response, ApiError> {
    decide(&portal, &account_id, |current, now| {
        let same = current.may_file() && current.role == Some(body.role);
        (!same).then(|| VolunteerApproval::approved(body.role, now))
    })
    .await
}

/// `POST /v1/admin/volunteers/{account_id}/revoke`.
async fn revoke(
    State(portal): State<Arc<Portal>>,
    _: Admin,
    Path(account_id): Path<String>,
    ApiJson(body): ApiJson<RevokeVolunteer>,
) -> Result<Response, ApiError> {
    let reason = body.reason.trim().to_string();
    if reason.is_empty() || reason.chars().count() > 1000 {
        return Err(
            ApiError::bad_request("Yêu cầu không đúng định dạng", "Malformed request").with_issues(
                vec![FieldIssue::new(
                    "/reason",
                    "empty",
                    "Cần ghi lý do thu hồi (tối đa 1000 ký tự)",
                    "Give a reason for revoking (at most 1000 characters)",
                )],
            ),
        );
    }
    decide(&portal, &account_id, |current, now| {
        (current.state != ApprovalState::Revoked).then(|| VolunteerApproval::revoked(reason, now))
    })
    .await
}
