//! The admin side of dossiers (admin token only): every dossier in
//! submission order (optionally re-hashing their files), moving one by hand
//! along the officer transitions, the processing clock and advancing it
//! with the simulation, and counts.

use super::{idempotency, sim, status, store};
use crate::clock::{parse_iso_date, rfc3339};
use crate::error::{ApiError, FieldIssue};
use crate::extract::{Admin, ApiJson};
use crate::workdays::add_working_days;
use crate::Portal;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use hoso_wire::status::{FEE_REQUESTED, SUPPLEMENT_REQUESTED};
use hoso_wire::{
    AdminDossierPage, AdminDossierSummary, AdminStats, AgencyRef, Clock, ClockAdvance,
    ClockAdvanced, FeeRequest, HistoryActor, StatusChange, SupplementRequest,
};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::sync::Arc;

pub(super) fn routes() -> Router<Arc<Portal>> {
    Router::new()
        .route("/v1/admin/dossiers", get(list))
        .route("/v1/admin/dossiers/{code}/status", post(set_status))
        .route("/v1/admin/clock", get(clock))
        .route("/v1/admin/clock/advance", post(advance))
        .route("/v1/admin/stats", get(stats))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ListQuery {
    cursor: Option<String>,
    limit: Option<String>,
    verify: Option<String>,
}

/// `GET /v1/admin/dossiers`.
async fn list(
    State(portal): State<Arc<Portal>>,
    _: Admin,
    query: Result<Query<ListQuery>, axum::extract::rejection::QueryRejection>,
) -> Result<Response, ApiError> {
    let Query(q) = query.map_err(|_| {
        ApiError::bad_request(
            "Tham số truy vấn không hợp lệ",
            "Malformed query parameters",
        )
    })?;
    let limit = super::limit_param(q.limit.as_deref())?;
    let after = super::cursor_param(q.cursor.as_deref())?;
    let verify = match q.verify.as_deref() {
        None | Some("false") => false,
        Some("true") => true,
        Some(_) => {
            return Err(ApiError::bad_request(
                "verify phải là true hoặc false",
                "verify must be true or false",
            ))
        }
    };
    let (records, last, has_more) = store::in_order(&portal.db, after, limit)?;
    let mut dossiers = Vec::with_capacity(records.len());
    for r in &records {
        let files = r.files();
        let verified = if verify {
            let hashes: Vec<String> = files.iter().map(|f| f.sha256.clone()).collect();
            let p = portal.clone();
            let all = tokio::task::spawn_blocking(move || {
                hashes
                    .iter()
                    .try_fold(true, |all, h| p.uploads.verify(h).map(|ok| all && ok))
            })
            .await
            .map_err(|e| ApiError::internal(&e))??;
            Some(all)
        } else {
            None
        };
        dossiers.push(AdminDossierSummary {
            code: r.code.clone(),
            account_id: r.account_id.clone(),
            filed_by_kind: r.filed_by_kind,
            procedure_code: r.procedure_code.clone(),
            status: r.status,
            submitted_at: r.submitted_at.clone(),
            idempotency_key: r.idempotency_key.clone(),
            document_count: u32::try_from(files.len()).unwrap_or(u32::MAX),
            documents_verified: verified,
        });
    }
    Ok(axum::Json(AdminDossierPage {
        dossiers,
        next_cursor: format!("a_{last:016x}"),
        has_more,
    })
    .into_response())
}

fn due(field: &str, raw: &str, issues: &mut Vec<FieldIssue>) -> Option<String> {
    match parse_iso_date(raw) {
        Some(d) => Some(crate::clock::iso_date(d)),
        None => {
            issues.push(FieldIssue::new(
                field,
                "date_format",
                "Ngày không đúng định dạng YYYY-MM-DD",
                "The date is not YYYY-MM-DD",
            ));
            None
        }
    }
}

/// `POST /v1/admin/dossiers/{code}/status`.
async fn set_status(
    State(portal): State<Arc<Portal>>,
    _: Admin,
    Path(code): Path<String>,
    ApiJson(change): ApiJson<StatusChange>,
) -> Result<Response, ApiError> {
    let code = super::code_param(&code)?;
    if !(1..=10).contains(&change.status) {
        return Err(ApiError::bad_request(
            "Mã trạng thái phải từ 1 đến 10",
            "The status code must be 1 to 10",
        ));
    }
    let _lock = portal.dossiers.lock.lock().await;
    let Some(mut record) = store::get(&portal.db, &code)? else {
        return Err(ApiError::not_found());
    };
    if !status::officer_may(record.status, change.status) {
        return Err(status::invalid_transition(record.status, change.status));
    }
    let now = portal.clock.now();
    let mut issues = Vec::new();
    let mut payment_writes = Vec::new();
    let agency = match change.agency_code.as_deref() {
        None => None,
        Some(c) => match crate::agencies::find(c) {
            Some(a) => Some(AgencyRef {
                code: a.code.to_string(),
                name: a.name.to_string(),
            }),
            None => {
                issues.push(FieldIssue::new(
                    "agency_code",
                    "agency_unknown",
                    "Cơ quan không tồn tại",
                    "Unknown agency",
                ));
                None
            }
        },
    };
    match (
        change.status,
        &change.supplement_request,
        &change.fee_request,
    ) {
        (SUPPLEMENT_REQUESTED, Some(ask), _) => {
            if ask.slots.is_empty() {
                issues.push(FieldIssue::new(
                    "supplement_request.slots",
                    "required",
                    "Cần nêu ít nhất một giấy tờ",
                    "Name at least one document",
                ));
            }
            if let Some(due_date) = due("supplement_request.due_date", &ask.due_date, &mut issues) {
                record.supplement_request = Some(SupplementRequest {
                    requested_at: rfc3339(now),
                    due_date,
                    note: change.note.clone(),
                    slots: ask.slots.clone(),
                });
            }
        }
        (SUPPLEMENT_REQUESTED, None, _) => issues.push(FieldIssue::new(
            "supplement_request",
            "supplement_request_required",
            "Cần nêu giấy tờ cần bổ sung và hạn bổ sung",
            "Name the documents needed and the due date",
        )),
        (FEE_REQUESTED, _, Some(ask)) => {
            if ask.amount_vnd == 0 {
                issues.push(FieldIssue::new(
                    "fee_request.amount_vnd",
                    "amount_zero",
                    "Số tiền phải lớn hơn 0",
                    "The amount must be more than 0",
                ));
            }
            if let Some(due_date) = due("fee_request.due_date", &ask.due_date, &mut issues) {
                if let Some(day) = parse_iso_date(&due_date).filter(|_| ask.amount_vnd > 0) {
                    payment_writes.push(super::payments::at_fee_request(
                        &portal,
                        &mut record,
                        ask.amount_vnd,
                        day,
                        now,
                    ));
                }
                record.fee_request = Some(FeeRequest {
                    requested_at: rfc3339(now),
                    amount_vnd: ask.amount_vnd,
                    due_date,
                    note: change.note.clone(),
                });
            }
        }
        (FEE_REQUESTED, _, None) => issues.push(FieldIssue::new(
            "fee_request",
            "fee_request_required",
            "Cần nêu số tiền và hạn nộp",
            "Give the amount and the due date",
        )),
        _ => {}
    }
    if !issues.is_empty() {
        return Err(ApiError::validation(issues));
    }
    status::apply(
        &mut record,
        change.status,
        change.note,
        HistoryActor::Officer,
        agency,
        now,
    );
    let mut writes = payment_writes;
    writes.extend(store::changed(&portal.db, &record)?);
    writes.extend(sim::schedule(&portal, &record)?);
    portal.db.commit(&writes)?;
    Ok(axum::Json(record.view()).into_response())
}

fn clock_json(portal: &Portal) -> Clock {
    let sim = &portal.dossiers.sim;
    Clock {
        now: rfc3339(portal.clock.now()),
        // The clock only moves forward: the offset is never negative.
        offset_seconds: u64::try_from(portal.clock.offset_seconds()).unwrap_or(0),
        speed: portal.clock.speed(),
        simulation: sim.enabled(),
        seed: sim.enabled().then(|| sim.seed()),
    }
}

/// `GET /v1/admin/clock`.
async fn clock(State(portal): State<Arc<Portal>>, _: Admin) -> Response {
    axum::Json(clock_json(&portal)).into_response()
}

/// `POST /v1/admin/clock/advance`.
async fn advance(
    State(portal): State<Arc<Portal>>,
    _: Admin,
    ApiJson(body): ApiJson<ClockAdvance>,
) -> Result<Response, ApiError> {
    let now = portal.clock.now();
    let seconds = match (body.seconds, body.working_days) {
        (Some(s), None) if (1..=31_536_000).contains(&s) => s,
        (None, Some(d)) if (1..=365).contains(&d) => {
            // The same time of day, `d` working days later.
            let local = now.to_offset(crate::clock::vietnam());
            (add_working_days(local.date(), d) - local.date()).whole_seconds()
        }
        _ => {
            return Err(ApiError::bad_request(
                "Cần đúng một trong seconds (1–31536000) hoặc working_days (1–365)",
                "Give exactly one of seconds (1–31536000) or working_days (1–365)",
            ))
        }
    };
    let _lock = portal.dossiers.lock.lock().await;
    let target = now + time::Duration::seconds(seconds);
    let transitions = sim::run_until(&portal, target)?;
    portal.clock.advance(seconds)?;
    Ok(axum::Json(ClockAdvanced {
        clock: clock_json(&portal),
        transitions,
    })
    .into_response())
}

/// `GET /v1/admin/stats`.
async fn stats(State(portal): State<Arc<Portal>>, _: Admin) -> Result<Response, ApiError> {
    let mut by_status: BTreeMap<String, u64> = BTreeMap::new();
    let mut dossiers = 0u64;
    let mut after = None;
    loop {
        let (page, last, more) = store::in_order(&portal.db, after, 500)?;
        for r in &page {
            dossiers += 1;
            *by_status.entry(r.status.to_string()).or_default() += 1;
        }
        if !more {
            break;
        }
        after = Some(last);
    }
    let uploads = portal.uploads.stats(&portal.db, portal.clock.now())?;
    Ok((
        StatusCode::OK,
        axum::Json(AdminStats {
            accounts: crate::accounts::count(&portal)? as u64,
            dossiers,
            dossiers_by_status: by_status,
            blobs: uploads.blobs,
            blob_bytes: uploads.blob_bytes,
            uploads_in_progress: uploads.uploads_in_progress,
            idempotency_keys: idempotency::count(&portal.db)? as u64,
        }),
    )
        .into_response())
}
