//! Running an idempotent operation (submission, supplement) and the
//! submission itself: key, fingerprint, replay or 422/409, then the
//! operation, whose writes are committed in one transaction with the stored
//! answer, flushed before the answer is sent.

use super::idempotency::{self, Prior, Stored};
use super::model::DossierRecord;
use super::{schedule, store, validate};
use crate::accounts::Caller;
use crate::clock::{iso_date, rfc3339};
use crate::db::Write;
use crate::error::ApiError;
use crate::extract::{from_value, is_json, parse_value, read_body};
use crate::receipt::{self, ReceiptFields};
use crate::Portal;
use axum::body::Body;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use hoso_wire::status::REGISTERED;
use hoso_wire::{AccountKind, AgencyRef, DossierSubmission, ErrorCode, HistoryActor};

/// A final answer of an idempotent operation and the writes making it true.
pub struct Outcome {
    pub status: StatusCode,
    pub body: serde_json::Value,
    pub location: Option<String>,
    pub writes: Vec<Write>,
}

/// Runs `op` under the Idempotency-Key rules for `path`.
pub async fn idempotent<F>(
    portal: &Portal,
    caller: &Caller,
    headers: &HeaderMap,
    body: Body,
    path: &str,
    op: F,
) -> Result<Response, ApiError>
where
    F: FnOnce(serde_json::Value, &str) -> Result<Outcome, ApiError>,
{
    let key = idempotency::key(headers, &caller.account_id, path)?;
    if !is_json(headers) {
        return Err(ApiError::unsupported_media_type());
    }
    let bytes = read_body(
        body,
        portal.config.max_body_bytes,
        portal.config.body_timeout,
    )
    .await?;
    let value = parse_value(&bytes)?;
    let fingerprint = idempotency::fingerprint(&value)?;
    let now = portal.clock.now().unix_timestamp();
    if let Prior::Replay(stored) = idempotency::prior(&portal.db, &key, &fingerprint, now)? {
        return Ok(stored.replay(&key));
    }
    let _claim = portal.dossiers.in_flight.claim(&key)?;
    let _lock = portal.dossiers.lock.lock().await;
    // A twin request may have finished while this one waited.
    if let Prior::Replay(stored) = idempotency::prior(&portal.db, &key, &fingerprint, now)? {
        return Ok(stored.replay(&key));
    }
    let outcome = match op(value, &key.value) {
        Ok(o) => o,
        Err(e) if e.error.code == ErrorCode::ValidationFailed => Outcome {
            status: e.status,
            body: serde_json::to_value(&e.error).map_err(|e| ApiError::internal(&e))?,
            location: None,
            writes: Vec::new(),
        },
        Err(e) => return Err(e),
    };
    let stored = Stored {
        fingerprint,
        created_at: now,
        status: outcome.status.as_u16(),
        body: outcome.body,
        location: outcome.location,
    };
    let mut writes = outcome.writes;
    writes.push(idempotency::store(&key, &stored));
    portal.db.commit(&writes)?;
    let mut response = (outcome_status(&stored), axum::Json(&stored.body)).into_response();
    idempotency::echo(response.headers_mut(), &key);
    if let Some(l) = stored
        .location
        .as_deref()
        .and_then(|l| HeaderValue::from_str(l).ok())
    {
        response.headers_mut().insert(header::LOCATION, l);
    }
    response
        .headers_mut()
        .insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
    Ok(response)
}

fn outcome_status(stored: &Stored) -> StatusCode {
    StatusCode::from_u16(stored.status).unwrap_or(StatusCode::OK)
}

/// `POST /v1/dossiers`: validates and creates a dossier in status 1. A
/// group procedure (a form with parts) is filed at `/v1/linked-filings`.
pub fn submit(
    portal: &Portal,
    caller: &Caller,
    value: serde_json::Value,
    key: &str,
) -> Result<Outcome, ApiError> {
    let sub: DossierSubmission = from_value(value)?;
    // A volunteer the commune has not approved is refused before anything
    // else is checked, and the refusal is not stored under the key.
    let filer = super::standing::filer(portal, caller)?;
    let accepted = validate::submission(portal, caller, &sub)?;
    if !accepted.parts.is_empty() {
        return Err(ApiError::validation(vec![crate::error::FieldIssue::new(
            "procedure_code",
            "linked_filing_required",
            "Thủ tục liên thông: nộp tại /v1/linked-filings để cổng lập hồ sơ cho từng thủ tục",
            "A linked procedure: file it at /v1/linked-filings, which files a dossier per part",
        )]));
    }
    let now = portal.clock.now();
    let (record, writes) = file(
        portal,
        caller,
        filer.as_ref(),
        &sub,
        &Filing {
            procedure: &accepted.procedure,
            agency: accepted.agency,
            linked: None,
        },
        key,
        now,
    )?;
    let code = record.code.clone();
    Ok(Outcome {
        status: StatusCode::CREATED,
        body: serde_json::to_value(record.view()).map_err(|e| ApiError::internal(&e))?,
        location: Some(format!("/v1/dossiers/{code}")),
        writes,
    })
}

/// What one dossier is filed as: its procedure (its name, appointment and
/// fee), the receiving agency, and the linked filing it is a part of.
pub(super) struct Filing<'a> {
    pub procedure: &'a hoso_core::catalog::Procedure,
    pub agency: &'static crate::agencies::Agency,
    pub linked: Option<hoso_wire::DossierLink>,
}

/// Files one dossier of a validated submission in status 1, with its code,
/// appointment, fee and signed receipt; the record and the writes making
/// it true (record, order, feed, team, uploads named, simulation).
pub(super) fn file(
    portal: &Portal,
    caller: &Caller,
    filer: Option<&super::standing::Filer>,
    sub: &DossierSubmission,
    filing: &Filing<'_>,
    key: &str,
    now: time::OffsetDateTime,
) -> Result<(DossierRecord, Vec<Write>), ApiError> {
    let day = crate::clock::vn_date(now);
    let agency = AgencyRef {
        code: filing.agency.code.to_string(),
        name: filing.agency.name.to_string(),
    };
    let day_key = crate::dossier_code::day_prefix(&agency.code, day);
    let sequence = portal.db.next("dossier_seq", &day_key)?;
    let code = crate::dossier_code::format(
        &agency.code,
        day,
        u32::try_from(sequence).unwrap_or(u32::MAX),
    )
    .map_err(|e| ApiError::internal(&e))?;
    let procedure = filing.procedure;
    let appointment = schedule::appointment(procedure, sub.channel, now);
    let mut fee = schedule::fee(procedure, sub.channel);
    // What is owed on the filing day (a reduction in force applied).
    let channel = schedule::channel_kind(sub.channel);
    let due = hoso_core::pay::fee::fee_due(procedure, channel, day);
    if let Some(amount) = due.amount_vnd {
        fee.amount_vnd = amount;
    }
    let receipt = receipt::issue(
        portal,
        &ReceiptFields {
            dossier_code: code.clone(),
            procedure_code: procedure.code.clone(),
            agency_code: agency.code.clone(),
            issued_at: now,
            appointment_date: appointment,
            fee_vnd: fee.amount_vnd,
        },
    )?;
    let mut record = DossierRecord {
        code: code.clone(),
        order: store::next_order(&portal.db)?,
        account_id: caller.account_id.clone(),
        filed_by_kind: caller.kind,
        idempotency_key: key.to_string(),
        procedure_code: procedure.code.clone(),
        procedure_name: procedure.name.clone(),
        catalog_version: sub.catalog_version,
        receiving_agency: agency.clone(),
        agency: agency.clone(),
        channel: sub.channel,
        status: REGISTERED,
        submitted_at: rfc3339(now),
        updated_at: rfc3339(now),
        appointment_date: iso_date(appointment),
        fee,
        filed_for: sub.filed_for.clone(),
        form_values: sub.form_values.clone(),
        documents: sub.documents.clone(),
        history: Vec::new(),
        supplement_request: None,
        fee_request: None,
        receipt: receipt.receipt,
        lookup_token: receipt.lookup_token,
        linked: filing.linked.clone(),
        payments: Vec::new(),
    };
    let note = match caller.kind {
        AccountKind::Citizen => "Hồ sơ đăng ký trực tuyến qua ứng dụng hoso",
        AccountKind::Volunteer => "Hồ sơ do tổ công nghệ số cộng đồng nộp hộ qua ứng dụng hoso",
    };
    super::status::apply(
        &mut record,
        REGISTERED,
        note.into(),
        HistoryActor::Applicant,
        None,
        now,
    );
    let mut writes = super::payments::at_filing(portal, &mut record, &due, now);
    writes.extend(store::changed(&portal.db, &record)?);
    writes.push(store::order_write(&record));
    if let Some(filer) = filer {
        writes.push(super::team::filed(&filer.team, &record));
    }
    for file in record.files() {
        writes.extend(portal.uploads.name_by_dossier(
            &portal.db,
            &caller.account_id,
            &file.sha256,
            &code,
        )?);
    }
    writes.extend(super::sim::schedule(portal, &record)?);
    Ok((record, writes))
}
