//! Dossiers: idempotent submission with re-validation and a signed receipt,
//! the owner's view, supplements, withdrawal, the change feed, public
//! lookup by receipt token, a volunteer team's dossiers for its leader
//! (`team`), and the admin side (listing, moving a dossier, the processing
//! clock, stats) with the officer simulation. A volunteer acts for a
//! resident only while its commune approves it (`standing`).

mod admin;
mod files;
mod idempotency;
mod linked;
mod model;
mod payments;
mod schedule;
mod sim;
mod standing;
mod status;
mod store;
mod submit;
mod team;
mod validate;

use crate::accounts::Caller;
use crate::config::Config;
use crate::db::Db;
use crate::error::{ApiError, FieldIssue};
use crate::extract::{from_value, ApiJson};
use crate::{Portal, PortalError};
use axum::body::Body;
use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use hoso_wire::status::{status_name, PROCESSING, SUPPLEMENT_REQUESTED, WITHDRAWAL_REQUESTED};
use hoso_wire::{ErrorCode, FeedPage, HistoryActor, SupplementResponse, WithdrawalRequest};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::sync::Arc;

pub(crate) use sim::{run_in_background, Simulation};
pub(crate) use team::reindex as reindex_teams;

/// Dossier state shared by requests.
pub struct Dossiers {
    /// Serialises changes to dossiers (read, check, commit).
    lock: tokio::sync::Mutex<()>,
    in_flight: idempotency::InFlight,
    sim: Simulation,
}

impl Dossiers {
    pub fn open(_db: &Db, config: &Config) -> Result<Dossiers, PortalError> {
        Ok(Dossiers {
            lock: tokio::sync::Mutex::new(()),
            in_flight: idempotency::InFlight::default(),
            sim: Simulation::new(config),
        })
    }

    /// Holds off every change to dossiers (a commune's decision on a
    /// volunteer waits for submissions in flight and holds off new ones
    /// while it commits).
    pub(crate) async fn exclusive(&self) -> tokio::sync::MutexGuard<'_, ()> {
        self.lock.lock().await
    }
}

pub(crate) fn routes() -> Router<Arc<Portal>> {
    Router::new()
        .route("/v1/dossiers", post(submit_dossier))
        .route("/v1/dossiers/{code}", get(get_dossier))
        .route("/v1/linked-filings", post(submit_linked))
        .route("/v1/linked-filings/{group_id}", get(get_linked))
        .route("/v1/dossiers/{code}/supplements", post(supplement))
        .route("/v1/dossiers/{code}/withdrawal", post(withdraw))
        .route("/v1/feed", get(feed))
        .route("/v1/payments/notifications", post(payment_notification))
        .route("/v1/admin/payments", post(simulated_payment))
        .route("/v1/team/dossiers", get(team::list))
        .route("/v1/lookup/{code}", get(lookup))
        .merge(admin::routes())
        .merge(files::routes())
}

/// A dossier code from a path: malformed is simply not found.
fn code_param(code: &str) -> Result<String, ApiError> {
    crate::dossier_code::parse(code)
        .map(|_| code.to_string())
        .map_err(|_| ApiError::not_found())
}

fn no_store(response: impl IntoResponse) -> Response {
    let mut r = response.into_response();
    r.headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    r
}

/// `POST /v1/dossiers`.
async fn submit_dossier(
    State(portal): State<Arc<Portal>>,
    caller: Caller,
    headers: HeaderMap,
    body: Body,
) -> Result<Response, ApiError> {
    submit::idempotent(
        &portal,
        &caller,
        &headers,
        body,
        "/v1/dossiers",
        |value, key| submit::submit(&portal, &caller, value, key),
    )
    .await
}

/// `POST /v1/linked-filings`.
async fn submit_linked(
    State(portal): State<Arc<Portal>>,
    caller: Caller,
    headers: HeaderMap,
    body: Body,
) -> Result<Response, ApiError> {
    submit::idempotent(
        &portal,
        &caller,
        &headers,
        body,
        "/v1/linked-filings",
        |value, key| linked::submit(&portal, &caller, value, key),
    )
    .await
}

/// `GET /v1/linked-filings/{group_id}`.
async fn get_linked(
    State(portal): State<Arc<Portal>>,
    caller: Caller,
    Path(group_id): Path<String>,
) -> Result<Response, ApiError> {
    Ok(no_store(axum::Json(linked::get(
        &portal, &caller, &group_id,
    )?)))
}

/// `POST /v1/payments/notifications`: the bank's word that money arrived,
/// signed; the first answer again for a transaction id seen before.
async fn payment_notification(
    State(portal): State<Arc<Portal>>,
    headers: HeaderMap,
    body: Body,
) -> Result<Response, ApiError> {
    if !crate::extract::is_json(&headers) {
        return Err(ApiError::unsupported_media_type());
    }
    let bytes = crate::extract::read_body(
        body,
        portal.config.max_body_bytes,
        portal.config.body_timeout,
    )
    .await?;
    payments::check_signature(&portal, &headers, &bytes)?;
    let value = crate::extract::parse_value(&bytes)?;
    let note: hoso_wire::PaymentNotification = from_value(value)?;
    payments::check_notification(&note)?;
    let (result, replayed) = payments::notified(&portal, note).await?;
    let mut response = no_store(axum::Json(result));
    if replayed {
        response
            .headers_mut()
            .insert("idempotent-replayed", HeaderValue::from_static("true"));
    }
    Ok(response)
}

/// `POST /v1/admin/payments`: the reference portal plays the bank.
async fn simulated_payment(
    State(portal): State<Arc<Portal>>,
    _: crate::extract::Admin,
    ApiJson(sim): ApiJson<hoso_wire::SimulatedPayment>,
) -> Result<Response, ApiError> {
    if sim.reference.is_empty() {
        return Err(ApiError::bad_request(
            "Thiếu nội dung chuyển khoản",
            "The transfer's reference is empty",
        ));
    }
    let transaction_id = match sim.transaction_id {
        Some(id) => id,
        None => {
            let random: [u8; 8] = portal
                .db
                .sealer()
                .random()
                .map_err(|e| ApiError::internal(&e))?;
            format!(
                "SIM{}",
                hoso_core::hex::encode(&random).to_ascii_uppercase()
            )
        }
    };
    let account = &portal.config.collecting_account;
    let note = hoso_wire::PaymentNotification {
        transaction_id,
        reference: sim.reference,
        amount_vnd: sim.amount_vnd,
        paid_at: crate::clock::rfc3339(portal.clock.now()),
        bin: account.bin.clone(),
        account_number: account.account_number.clone(),
    };
    payments::check_notification(&note)?;
    let (result, _) = payments::notified(&portal, note).await?;
    Ok(no_store(axum::Json(result)))
}

/// `GET /v1/dossiers/{code}`.
async fn get_dossier(
    State(portal): State<Arc<Portal>>,
    caller: Caller,
    Path(code): Path<String>,
) -> Result<Response, ApiError> {
    let code = code_param(&code)?;
    let record = store::owned(&portal.db, &caller, &code)?;
    Ok(no_store(axum::Json(record.view())))
}

/// `POST /v1/dossiers/{code}/supplements`.
async fn supplement(
    State(portal): State<Arc<Portal>>,
    caller: Caller,
    Path(code): Path<String>,
    headers: HeaderMap,
    body: Body,
) -> Result<Response, ApiError> {
    let code = code_param(&code)?;
    // Ownership first: someone else's dossier is not found, key or not.
    store::owned(&portal.db, &caller, &code)?;
    let path = format!("/v1/dossiers/{code}/supplements");
    submit::idempotent(&portal, &caller, &headers, body, &path, |value, _| {
        answer_supplement(&portal, &caller, &code, from_value(value)?)
    })
    .await
}

fn answer_supplement(
    portal: &Portal,
    caller: &Caller,
    code: &str,
    response: SupplementResponse,
) -> Result<submit::Outcome, ApiError> {
    let mut record = store::owned(&portal.db, caller, code)?;
    standing::require_approved(portal, caller)?;
    let request = match &record.supplement_request {
        Some(request) if record.status == SUPPLEMENT_REQUESTED => request,
        _ => {
            return Err(ApiError::invalid_state(
                record.status,
                "Hồ sơ không ở trạng thái yêu cầu bổ sung giấy tờ",
                "The dossier is not awaiting supplementary documents",
            ))
        }
    };
    let form_values = response.form_values.unwrap_or_default();
    let mut issues = Vec::new();
    for slot in &request.slots {
        if response.documents.get(slot).is_none_or(Vec::is_empty) {
            issues.push(FieldIssue::new(
                format!("documents.{slot}"),
                "document_missing",
                "Chưa đính kèm giấy tờ được yêu cầu bổ sung",
                "A document the officer asked for is not attached",
            ));
        }
    }
    let catalog = portal.catalog();
    let procedure = catalog.procedure(&record.procedure_code);
    // A linked filing's part holds the group's values and documents: it is
    // answered along the group's form.
    let form_of = match &record.linked {
        Some(link) => catalog.procedure(&link.group_procedure_code),
        None => procedure,
    };
    if let Some(form_of) = form_of {
        let schema = catalog.schema(form_of);
        validate::documents(portal, caller, &schema, &response.documents, &mut issues)?;
        if !form_values.is_empty() {
            let mut values = record.form_values.clone();
            values.extend(form_values.clone());
            let counts = BTreeMap::new();
            let report = hoso_core::form::check(
                &schema,
                &values,
                &counts,
                hoso_core::form::CheckMode::Partial,
                crate::clock::vn_date(portal.clock.now()),
            );
            issues.extend(report.invalid);
        }
    }
    if !issues.is_empty() {
        return Err(ApiError::validation(issues));
    }
    let now = portal.clock.now();
    record.form_values.extend(form_values);
    let mut writes = Vec::new();
    for (slot, files) in response.documents {
        for f in &files {
            writes.extend(portal.uploads.name_by_dossier(
                &portal.db,
                &caller.account_id,
                &f.sha256,
                code,
            )?);
        }
        record.documents.entry(slot).or_default().extend(files);
    }
    if let Some(procedure) = procedure {
        let date = schedule::appointment(procedure, record.channel, now);
        record.appointment_date = crate::clock::iso_date(date);
    }
    let note = response
        .note
        .filter(|n| !n.trim().is_empty())
        .unwrap_or_else(|| "Công dân đã bổ sung giấy tờ".into());
    status::apply(
        &mut record,
        PROCESSING,
        note,
        HistoryActor::Applicant,
        None,
        now,
    );
    writes.extend(store::changed(&portal.db, &record)?);
    writes.extend(sim::schedule(portal, &record)?);
    Ok(submit::Outcome {
        status: StatusCode::OK,
        body: serde_json::to_value(record.view()).map_err(|e| ApiError::internal(&e))?,
        location: None,
        writes,
    })
}

/// `POST /v1/dossiers/{code}/withdrawal`.
async fn withdraw(
    State(portal): State<Arc<Portal>>,
    caller: Caller,
    Path(code): Path<String>,
    ApiJson(request): ApiJson<WithdrawalRequest>,
) -> Result<Response, ApiError> {
    let code = code_param(&code)?;
    let reason = request.reason.trim().to_string();
    if reason.is_empty() || reason.chars().count() > 1000 {
        return Err(
            ApiError::bad_request("Yêu cầu không đúng định dạng", "Malformed request").with_issues(
                vec![FieldIssue::new(
                    "/reason",
                    "empty",
                    "Cần ghi lý do rút hồ sơ (tối đa 1000 ký tự)",
                    "Give a reason for withdrawing (at most 1000 characters)",
                )],
            ),
        );
    }
    let _lock = portal.dossiers.lock.lock().await;
    let mut record = store::owned(&portal.db, &caller, &code)?;
    standing::require_approved(&portal, &caller)?;
    if record.status == WITHDRAWAL_REQUESTED {
        return Ok(no_store(axum::Json(record.view())));
    }
    if !status::may_withdraw(record.status) {
        return Err(ApiError::invalid_state(
            record.status,
            format!(
                "Hồ sơ đang ở trạng thái {} ({}), không thể rút",
                record.status,
                status_name(record.status)
            ),
            format!(
                "The dossier is in status {}; it cannot be withdrawn",
                record.status
            ),
        ));
    }
    status::apply(
        &mut record,
        WITHDRAWAL_REQUESTED,
        reason,
        HistoryActor::Applicant,
        None,
        portal.clock.now(),
    );
    let mut writes = store::changed(&portal.db, &record)?;
    writes.extend(sim::schedule(&portal, &record)?);
    portal.db.commit(&writes)?;
    Ok(no_store(axum::Json(record.view())))
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FeedQuery {
    cursor: Option<String>,
    limit: Option<String>,
}

/// A page size in 1..=500 (default 100).
pub(crate) fn limit_param(raw: Option<&str>) -> Result<usize, ApiError> {
    match raw {
        None => Ok(100),
        Some(s) => match s.parse::<usize>() {
            Ok(n) if (1..=500).contains(&n) => Ok(n),
            _ => Err(ApiError::bad_request(
                "Tham số limit phải từ 1 đến 500",
                "limit must be between 1 and 500",
            )),
        },
    }
}

/// A cursor: a letter, `_`, 16 hex digits (`f_…` feed, `a_…` admin list).
pub(crate) fn cursor_param(raw: Option<&str>) -> Result<Option<u64>, ApiError> {
    let Some(raw) = raw else { return Ok(None) };
    // Cursors are opaque: any `x_` + 16 hex digits is read as a position.
    raw.split_once('_')
        .filter(|(p, _)| p.len() == 1)
        .map(|(_, h)| h)
        .filter(|h| h.len() == 16 && h.bytes().all(|b| b.is_ascii_hexdigit()))
        .and_then(|h| u64::from_str_radix(h, 16).ok())
        .map(Some)
        .ok_or_else(|| {
            ApiError::new(
                StatusCode::BAD_REQUEST,
                ErrorCode::CursorInvalid,
                "Dấu mốc đồng bộ không hợp lệ",
                "The cursor is malformed",
            )
        })
}

/// `GET /v1/feed`.
async fn feed(
    State(portal): State<Arc<Portal>>,
    caller: Caller,
    query: Result<Query<FeedQuery>, axum::extract::rejection::QueryRejection>,
) -> Result<Response, ApiError> {
    let Query(query) = query.map_err(|_| {
        ApiError::bad_request(
            "Tham số truy vấn không hợp lệ",
            "Malformed query parameters",
        )
    })?;
    let limit = limit_param(query.limit.as_deref())?;
    let cursor = cursor_param(query.cursor.as_deref())?;
    let (entries, last, has_more) =
        store::feed_page(&portal.db, &caller.account_id, cursor, limit)?;
    Ok(no_store(axum::Json(FeedPage {
        entries,
        next_cursor: format!("f_{last:016x}"),
        has_more,
    })))
}

#[derive(Deserialize)]
struct LookupQuery {
    token: Option<String>,
}

/// The header that carries a lookup token out of the URL (and so out of
/// access logs and browser history).
pub(crate) const LOOKUP_TOKEN_HEADER: &str = "x-lookup-token";

/// `GET /v1/lookup/{code}` with the token in `X-Lookup-Token` (preferred)
/// or `?token=` (the QR receipt's link): the same 404 for an unknown code
/// and a missing or wrong token; tokens compared in constant time.
async fn lookup(
    State(portal): State<Arc<Portal>>,
    Path(code): Path<String>,
    headers: axum::http::HeaderMap,
    query: Result<Query<LookupQuery>, axum::extract::rejection::QueryRejection>,
) -> Result<Response, ApiError> {
    let header = headers
        .get(LOOKUP_TOKEN_HEADER)
        .map(|v| v.to_str().unwrap_or_default().trim().to_string());
    let token = header
        .or_else(|| query.ok().and_then(|Query(q)| q.token))
        .unwrap_or_default();
    let record = crate::dossier_code::parse(&code)
        .ok()
        .map(|_| store::get(&portal.db, &code))
        .transpose()?
        .flatten();
    match record {
        Some(r) if crate::extract::same_secret(token.as_bytes(), r.lookup_token.as_bytes()) => {
            Ok(no_store(axum::Json(r.public())))
        }
        _ => Err(ApiError::not_found()),
    }
}
