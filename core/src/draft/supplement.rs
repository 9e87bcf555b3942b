//! Answering the portal after filing: an officer's supplement request
//! becomes a draft linked to the dossier (the requested documents to attach,
//! the filed values to correct), frozen and sent through the same outbox as
//! a new dossier; a withdrawal is queued the same way. Both get an
//! Idempotency-Key when queued, so retries act once.

use super::id::new_id;
use super::model::{AttachmentRef, Draft, SupplementLink};
use super::store::{now, DraftError, Drafts, ValidationReport};
use crate::form::FieldIssue;
use crate::storage::Changes;
use crate::sync::outbox::{Submission, SubmissionKind, SubmissionState};
use std::collections::BTreeMap;

/// The portal's status "supplement requested" (Yêu cầu bổ sung giấy tờ).
const SUPPLEMENT_REQUESTED: u8 = 5;
/// Longest withdrawal reason the portal takes.
const REASON_MAX: usize = 1000;
/// The note sent with a supplement when the user writes none.
const DEFAULT_NOTE: &str = "Công dân đã bổ sung giấy tờ theo yêu cầu";

/// Where a queued submission comes from.
pub(super) struct About<'a> {
    pub draft_id: &'a str,
    pub procedure_code: &'a str,
    pub procedure_name: &'a str,
}

impl<'a> About<'a> {
    pub fn draft(draft: &'a Draft) -> About<'a> {
        About {
            draft_id: &draft.id,
            procedure_code: &draft.procedure_code,
            procedure_name: &draft.procedure_name,
        }
    }
}

impl Drafts {
    /// The draft answering `dossier_code`'s open supplement request: the
    /// one already started, or a new one carrying the values as filed
    /// (known when the dossier was filed from this device).
    pub fn start_supplement(&self, dossier_code: &str) -> Result<Draft, DraftError> {
        let code = dossier_code.trim();
        let tracked = self
            .tracked(code)?
            .ok_or_else(|| DraftError::NoSupplementRequest(code.to_string()))?;
        let request = &tracked.supplement_request;
        if tracked.status != SUPPLEMENT_REQUESTED || !request.is_object() {
            return Err(DraftError::NoSupplementRequest(code.to_string()));
        }
        let submissions = self.submissions()?;
        let (drafts, _) = self.all_drafts()?;
        let unsent = drafts.into_iter().find(|d| {
            d.supplement
                .as_ref()
                .is_some_and(|l| l.dossier_code == code)
                && !submissions.iter().any(|s| s.draft_id == d.id)
        });
        if let Some(open) = unsent {
            return Ok(open);
        }
        let filed_values: BTreeMap<String, String> = submissions
            .into_iter()
            .find(|s| {
                s.kind == SubmissionKind::Dossier
                    && s.dossier.as_ref().and_then(|d| d["code"].as_str()) == Some(code)
            })
            .and_then(|s| serde_json::from_value(s.body["form_values"].clone()).ok())
            .unwrap_or_default();
        let procedure = self.catalog.procedure(&tracked.procedure_code)?;
        let schema = crate::form::schema_for(&procedure);
        let info = self
            .catalog
            .current()?
            .ok_or(crate::catalog::store::CatalogError::NoCatalog)?;
        let text = |k: &str| request[k].as_str().unwrap_or_default().to_string();
        let draft = Draft {
            values: filed_values.clone(),
            supplement: Some(SupplementLink {
                dossier_code: code.to_string(),
                slots: request["slots"]
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter_map(|s| s.as_str().map(str::to_string))
                    .collect(),
                due_date: text("due_date"),
                note: text("note"),
                filed_values,
            }),
            ..self.blank(&procedure, &schema, info.version)?
        };
        self.save_new(&draft, &schema)?;
        Ok(draft)
    }

    /// Narrows a complete check to what a supplement needs: a file in every
    /// requested slot, and every value still valid.
    pub(super) fn supplement_report(
        link: &SupplementLink,
        counts: &BTreeMap<String, u32>,
        report: &mut ValidationReport,
    ) {
        report.missing = link
            .slots
            .iter()
            .filter(|slot| counts.get(*slot).copied().unwrap_or(0) == 0)
            .map(|slot| FieldIssue {
                field: format!("documents.{slot}"),
                code: "document_missing".into(),
                message_vi: "Chưa đính kèm giấy tờ được yêu cầu bổ sung".into(),
                message_en: "A document the officer asked for is not attached".into(),
            })
            .collect();
        report.ready = report.missing.is_empty() && report.invalid.is_empty();
    }

    /// The queued answer to a supplement request, from a ready supplement
    /// draft: the documents attached and the values changed since filing.
    pub(super) fn freeze_supplement(
        &self,
        draft: &Draft,
        link: &SupplementLink,
    ) -> Result<Submission, DraftError> {
        let documents = draft.sendable_documents();
        let corrected: BTreeMap<&String, &String> = draft
            .values
            .iter()
            .filter(|(path, value)| link.filed_values.get(*path) != Some(*value))
            .collect();
        let files = documents.values().flatten().cloned().collect();
        let body = serde_json::json!({
            "documents": documents,
            "form_values": corrected,
            "note": DEFAULT_NOTE,
        });
        self.queue(
            SubmissionKind::Supplement {
                dossier_code: link.dossier_code.clone(),
            },
            About::draft(draft),
            body,
            files,
        )
    }

    /// Queues a withdrawal of `dossier_code` with the applicant's reason.
    pub fn queue_withdrawal(
        &self,
        dossier_code: &str,
        reason: &str,
    ) -> Result<Submission, DraftError> {
        let code = dossier_code.trim();
        let reason = reason.trim();
        if reason.is_empty() || reason.chars().count() > REASON_MAX {
            return Err(DraftError::BadReason);
        }
        let procedure_code = self
            .tracked(code)?
            .map(|t| t.procedure_code)
            .unwrap_or_default();
        let procedure_name = self
            .catalog
            .procedure(&procedure_code)
            .map(|p| p.name)
            .unwrap_or_default();
        self.queue(
            SubmissionKind::Withdrawal {
                dossier_code: code.to_string(),
            },
            About {
                draft_id: "",
                procedure_code: &procedure_code,
                procedure_name: &procedure_name,
            },
            serde_json::json!({ "reason": reason }),
            Vec::new(),
        )
    }

    /// Seals a new queued submission (with a reference on each file) in one
    /// commit.
    pub(super) fn queue(
        &self,
        kind: SubmissionKind,
        about: About<'_>,
        body: serde_json::Value,
        files: Vec<AttachmentRef>,
    ) -> Result<Submission, DraftError> {
        let submission = Submission {
            id: new_id(&self.rng).ok_or(DraftError::Randomness)?,
            kind,
            draft_id: about.draft_id.to_string(),
            procedure_code: about.procedure_code.to_string(),
            procedure_name: about.procedure_name.to_string(),
            idempotency_key: super::outbox::uuid_v4(&self.rng).ok_or(DraftError::Randomness)?,
            body,
            files,
            state: SubmissionState::Queued,
            attempts: 0,
            next_attempt_at: 0,
            last_error: None,
            dossier: None,
            created_at: now(),
            updated_at: now(),
        };
        let _guard = self.vault.store().edit_lock();
        let mut changes = Changes::default();
        self.add_refs(&mut changes, &submission.files, 1)?;
        self.stage_submission(&mut changes, &submission)?;
        self.commit(&changes)?;
        Ok(submission)
    }
}
