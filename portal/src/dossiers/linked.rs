//! Linked filings (`/v1/linked-filings`): one validated submission for a
//! group procedure filed as one dossier per part of its form, each an
//! ordinary dossier (code, appointment, fee, receipt, feed) that names the
//! group (`DossierLink`); the group record (`linked_filings/{id}`, sealed)
//! lists the parts' codes for `GET /v1/linked-filings/{id}`.

use super::submit::{self, Filing, Outcome};
use super::{store, validate};
use crate::accounts::Caller;
use crate::clock::rfc3339;
use crate::db::Write;
use crate::error::{ApiError, FieldIssue};
use crate::extract::from_value;
use crate::Portal;
use axum::http::StatusCode;
use hoso_wire::{DossierLink, DossierSubmission, LinkedFiling};
use serde::{Deserialize, Serialize};

const LINKED: &str = "linked_filings";

/// A linked filing as the portal stores it (sealed).
#[derive(Debug, Clone, Serialize, Deserialize)]
struct LinkedRecord {
    group_id: String,
    account_id: String,
    procedure_code: String,
    procedure_name: String,
    submitted_at: String,
    /// The parts' dossier codes, in the form's order.
    parts: Vec<String>,
}

/// `POST /v1/linked-filings`: validates the group's submission and files a
/// dossier per part.
pub fn submit(
    portal: &Portal,
    caller: &Caller,
    value: serde_json::Value,
    key: &str,
) -> Result<Outcome, ApiError> {
    let sub: DossierSubmission = from_value(value)?;
    let filer = super::standing::filer(portal, caller)?;
    let accepted = validate::submission(portal, caller, &sub)?;
    if accepted.parts.is_empty() {
        return Err(ApiError::validation(vec![FieldIssue::new(
            "procedure_code",
            "not_linked",
            "Thủ tục này không phải thủ tục liên thông: nộp tại /v1/dossiers",
            "This procedure is not a linked group: file it at /v1/dossiers",
        )]));
    }
    let now = portal.clock.now();
    let group_id = uuid::Uuid::new_v4().hyphenated().to_string();
    let catalog = portal.catalog();
    let mut writes = Vec::new();
    let mut parts = Vec::with_capacity(accepted.parts.len());
    for part in &accepted.parts {
        // A part that is a procedure of its own is filed as that one (its
        // name, appointment and fee); one without is filed under the group.
        let own = part
            .procedure_code
            .as_deref()
            .and_then(|code| catalog.procedure(code));
        let mut named;
        let procedure = match own {
            Some(p) => p,
            None => {
                named = accepted.procedure.clone();
                named.name = format!("{} — {}", accepted.procedure.name, part.label_vi);
                &named
            }
        };
        let (record, w) = submit::file(
            portal,
            caller,
            filer.as_ref(),
            &sub,
            &Filing {
                procedure,
                agency: accepted.agency,
                linked: Some(DossierLink {
                    group_id: group_id.clone(),
                    group_procedure_code: accepted.procedure.code.clone(),
                    part: part.id.clone(),
                }),
            },
            key,
            now,
        )?;
        writes.extend(w);
        parts.push(record);
    }
    let record = LinkedRecord {
        group_id: group_id.clone(),
        account_id: caller.account_id.clone(),
        procedure_code: accepted.procedure.code.clone(),
        procedure_name: accepted.procedure.name.clone(),
        submitted_at: rfc3339(now),
        parts: parts.iter().map(|p| p.code.clone()).collect(),
    };
    writes.push(Write::put(LINKED, group_id.clone(), &record));
    let filing = LinkedFiling {
        group_id: group_id.clone(),
        procedure_code: record.procedure_code,
        procedure_name: record.procedure_name,
        submitted_at: record.submitted_at,
        parts: parts.iter().map(|p| p.view()).collect(),
    };
    Ok(Outcome {
        status: StatusCode::CREATED,
        body: serde_json::to_value(&filing).map_err(|e| ApiError::internal(&e))?,
        location: Some(format!("/v1/linked-filings/{group_id}")),
        writes,
    })
}

/// `GET /v1/linked-filings/{id}`: the caller's group with its parts as
/// they are now; 404 for someone else's as for none.
pub fn get(portal: &Portal, caller: &Caller, group_id: &str) -> Result<LinkedFiling, ApiError> {
    if uuid::Uuid::parse_str(group_id).is_err() {
        return Err(ApiError::not_found());
    }
    let record: LinkedRecord = match portal.db.get(LINKED, group_id)? {
        Some(r) => r,
        None => return Err(ApiError::not_found()),
    };
    if record.account_id != caller.account_id {
        return Err(ApiError::not_found());
    }
    let mut parts = Vec::with_capacity(record.parts.len());
    for code in &record.parts {
        parts.push(store::owned(&portal.db, caller, code)?.view());
    }
    Ok(LinkedFiling {
        group_id: record.group_id,
        procedure_code: record.procedure_code,
        procedure_name: record.procedure_name,
        submitted_at: record.submitted_at,
        parts,
    })
}
