//! Server-side re-validation of a submission: everything the client checked
//! offline, checked again against the portal's current catalog — procedure,
//! agency, channel, the form values (same rules as `hoso draft validate`,
//! complete mode), required documents, and every file being a blob the
//! account holds with the same size and type — plus who may file for whom.

use super::schedule::channel_row;
use crate::accounts::Caller;
use crate::agencies::{self, Agency};
use crate::clock::vn_date;
use crate::error::{problem_issue, ApiError, FieldIssue};
use crate::Portal;
use hoso_core::catalog::Procedure;
use hoso_core::form::{check, CheckMode, FormSchema, LinkedPart, MediaType};
use hoso_wire::{AccountKind, AttachmentRef, ConsentMethod, DossierSubmission};
use std::collections::BTreeMap;

/// Most files one dossier may name.
const MAX_FILES: usize = 200;

/// A submission that passed: its procedure, agency, and the parts of its
/// form (a linked group's; empty for an ordinary procedure).
pub struct Accepted {
    pub procedure: Procedure,
    pub agency: &'static Agency,
    pub parts: Vec<LinkedPart>,
}

/// Checks a whole submission; `422 validation_failed` lists every problem.
pub fn submission(
    portal: &Portal,
    caller: &Caller,
    sub: &DossierSubmission,
) -> Result<Accepted, ApiError> {
    let mut issues = Vec::new();
    let catalog = portal.catalog();
    if sub.catalog_version > catalog.info.version {
        issues.push(FieldIssue::new(
            "catalog_version",
            "catalog_version_unknown",
            "Phiên bản danh mục không tồn tại trên cổng",
            "The portal does not know this catalog version",
        ));
    }
    let procedure = catalog.procedure(&sub.procedure_code).cloned();
    let agency = agencies::find(&sub.agency_code);
    if agency.is_none() {
        issues.push(FieldIssue::new(
            "agency_code",
            "agency_unknown",
            "Cơ quan tiếp nhận không tồn tại",
            "Unknown receiving agency",
        ));
    }
    filed_for(portal, caller, sub, &mut issues)?;
    let Some(procedure) = procedure else {
        issues.push(FieldIssue::new(
            "procedure_code",
            "procedure_unknown",
            "Thủ tục không có trong danh mục hiện hành",
            "The procedure is not in the current catalog",
        ));
        return Err(ApiError::validation(issues));
    };
    if let Some(a) = agency {
        if !agencies::receives(a, &procedure) {
            issues.push(FieldIssue::new(
                "agency_code",
                "agency_level_mismatch",
                "Cơ quan này không tiếp nhận thủ tục này",
                "This agency does not receive this procedure",
            ));
        }
    }
    if !procedure.channels.is_empty() && channel_row(&procedure, sub.channel).is_none() {
        issues.push(FieldIssue::new(
            "channel",
            "channel_unavailable",
            "Thủ tục không nhận hồ sơ theo hình thức này",
            "The procedure is not offered through this channel",
        ));
    }
    let schema = catalog.schema(&procedure);
    let counts: BTreeMap<String, u32> = sub
        .documents
        .iter()
        .map(|(slot, files)| (slot.clone(), u32::try_from(files.len()).unwrap_or(u32::MAX)))
        .collect();
    let report = check(
        &schema,
        &sub.form_values,
        &counts,
        CheckMode::Complete,
        vn_date(portal.clock.now()),
    );
    // The form check's issues are the API's own shape.
    issues.extend(report.missing.into_iter().chain(report.invalid));
    documents(portal, caller, &schema, &sub.documents, &mut issues)?;
    match agency {
        Some(agency) if issues.is_empty() => Ok(Accepted {
            procedure,
            agency,
            parts: schema.parts.clone(),
        }),
        _ => Err(ApiError::validation(issues)),
    }
}

/// The `filed_for` rules: required from volunteers (with a consent whose
/// signed form is attached), refused from citizens.
fn filed_for(
    portal: &Portal,
    caller: &Caller,
    sub: &DossierSubmission,
    issues: &mut Vec<FieldIssue>,
) -> Result<(), ApiError> {
    match (caller.kind, &sub.filed_for) {
        (AccountKind::Volunteer, None) => issues.push(FieldIssue::new(
            "filed_for",
            "filed_for_required",
            "Tình nguyện viên cần ghi rõ người dân được hỗ trợ và sự đồng ý của họ",
            "A volunteer must name the resident and their consent",
        )),
        (AccountKind::Citizen, Some(_)) => issues.push(FieldIssue::new(
            "filed_for",
            "filed_for_not_allowed",
            "Tài khoản công dân không nộp hộ người khác qua trường này",
            "A citizen account does not file on behalf of others",
        )),
        (AccountKind::Volunteer, Some(f)) => {
            if let Err(p) = hoso_core::validate::person_name(&f.full_name) {
                issues.push(problem_issue("filed_for.full_name", p));
            }
            if let Some(Err(p)) = f.phone.as_deref().map(hoso_core::validate::phone) {
                issues.push(problem_issue("filed_for.phone", p));
            }
            if crate::clock::parse_rfc3339(&f.consent.given_at).is_none() {
                issues.push(FieldIssue::new(
                    "filed_for.consent.given_at",
                    "date_format",
                    "Thời điểm đồng ý không đúng định dạng",
                    "The consent time is malformed",
                ));
            }
            if f.consent.reference.trim().is_empty() || f.consent.reference.chars().count() > 64 {
                issues.push(FieldIssue::new(
                    "filed_for.consent.reference",
                    "empty",
                    "Chưa ghi số tham chiếu của sự đồng ý",
                    "The consent's reference is empty or too long",
                ));
            }
            match (&f.consent.method, &f.consent.document) {
                (ConsentMethod::SignedForm, None) => issues.push(FieldIssue::new(
                    "filed_for.consent",
                    "consent_document_missing",
                    "Cần đính kèm bản chụp giấy đồng ý đã ký",
                    "Attach the scan of the signed consent form",
                )),
                (_, Some(doc)) => file(
                    portal,
                    caller,
                    "filed_for.consent.document",
                    doc,
                    None,
                    issues,
                )?,
                _ => {}
            }
        }
        (AccountKind::Citizen, None) => {}
    }
    Ok(())
}

/// Every slot known to the form, every file held by the account.
pub fn documents(
    portal: &Portal,
    caller: &Caller,
    schema: &FormSchema,
    documents: &BTreeMap<String, Vec<AttachmentRef>>,
    issues: &mut Vec<FieldIssue>,
) -> Result<(), ApiError> {
    let total: usize = documents.values().map(Vec::len).sum();
    if total > MAX_FILES {
        issues.push(FieldIssue::new(
            "documents",
            "too_many_documents",
            format!("Một hồ sơ có tối đa {MAX_FILES} tệp"),
            format!("A dossier names at most {MAX_FILES} files"),
        ));
    }
    for (slot_id, files) in documents {
        let Some(slot) = schema.slot(slot_id) else {
            issues.push(FieldIssue::new(
                format!("documents.{slot_id}"),
                "unknown_document",
                "Thủ tục không có giấy tờ này",
                "The procedure has no such document",
            ));
            continue;
        };
        for (i, f) in files.iter().enumerate() {
            let field = format!("documents.{slot_id}[{i}]");
            file(
                portal,
                caller,
                &field,
                f,
                Some((&slot.accepted, slot.max_bytes)),
                issues,
            )?;
        }
    }
    Ok(())
}

/// One file: held by the account with the same size and type, of a type
/// and size the slot accepts.
fn file(
    portal: &Portal,
    caller: &Caller,
    field: &str,
    f: &AttachmentRef,
    slot: Option<(&Vec<MediaType>, u64)>,
    issues: &mut Vec<FieldIssue>,
) -> Result<(), ApiError> {
    let name = hoso_core::text::shown_if_identifier(&f.file_name);
    let held = if crate::uploads::is_sha256_hex(&f.sha256) {
        portal
            .uploads
            .held(&portal.db, &caller.account_id, &f.sha256)?
    } else {
        None
    };
    match held {
        None => issues.push(FieldIssue::new(
            field,
            "blob_unknown",
            format!("Máy chủ chưa có tệp {name}; hãy tải lên trước khi nộp"),
            format!("The portal does not hold {name}; upload it before submitting"),
        )),
        Some(h) if h.size != f.size || h.media_type != f.media_type => {
            issues.push(FieldIssue::new(
                field,
                "blob_mismatch",
                format!("Kích thước hoặc loại tệp {name} khác với tệp đã tải lên"),
                format!("The size or type of {name} differs from the uploaded file"),
            ))
        }
        Some(_) => {}
    }
    if let Some((accepted, max_bytes)) = slot {
        if !accepted.iter().any(|m| m.mime() == f.media_type) {
            issues.push(FieldIssue::new(
                field,
                "media_type_not_accepted",
                format!("Giấy tờ này không nhận loại tệp của {name}"),
                format!("This document does not accept the type of {name}"),
            ));
        }
        if f.size > max_bytes {
            issues.push(FieldIssue::new(
                field,
                "document_too_large",
                format!("Tệp {name} vượt quá dung lượng cho phép của giấy tờ này"),
                format!("{name} is over this document's size limit"),
            ));
        }
    }
    Ok(())
}
