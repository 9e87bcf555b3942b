//! Answering the portal after filing: an officer's supplement request on a
//! followed dossier becomes a draft linked to it (the requested documents
//! to attach, the filed values to correct), frozen and sent through the
//! same outbox as a new dossier; a withdrawal is queued the same way. Both
//! get an Idempotency-Key when queued, so retries act once.

use super::error::OutboxError;
use super::model::{Submission, SubmissionKind};
use super::store::{About, Outbox};
use crate::draft::{Draft, Drafts, SupplementLink};
use crate::filed::FiledDossiers;
use hoso_wire::{SupplementResponse, WithdrawalRequest};
use std::collections::BTreeMap;

/// The portal's status "supplement requested" (Yêu cầu bổ sung giấy tờ).
const SUPPLEMENT_REQUESTED: u8 = 5;
/// Longest withdrawal reason the portal takes.
const REASON_MAX: usize = 1000;
/// The note sent with a supplement when the user writes none.
const DEFAULT_NOTE: &str = "Công dân đã bổ sung giấy tờ theo yêu cầu";

impl Outbox {
    /// The draft answering `dossier_code`'s open supplement request: the
    /// one already started and not yet queued, or a new one carrying the
    /// values as filed (known when the dossier was filed from this device).
    pub fn start_supplement(
        &self,
        drafts: &Drafts,
        filed: &FiledDossiers,
        dossier_code: &str,
    ) -> Result<Draft, OutboxError> {
        let code = dossier_code.trim();
        let tracked = filed
            .get(code)?
            .ok_or_else(|| OutboxError::NoSupplementRequest(code.to_string()))?;
        let request = match &tracked.supplement_request {
            Some(r) if tracked.status == SUPPLEMENT_REQUESTED => r,
            _ => return Err(OutboxError::NoSupplementRequest(code.to_string())),
        };
        let submissions = self.all()?;
        let unsent = drafts
            .supplement_drafts(code)?
            .into_iter()
            .find(|d| !submissions.iter().any(|s| s.draft_id == d.id));
        if let Some(open) = unsent {
            return Ok(open);
        }
        let filed_values: BTreeMap<String, String> = submissions
            .iter()
            .find(|s| s.submitted_codes().contains(&code))
            .and_then(|s| s.filed_values())
            .unwrap_or_default();
        let link = SupplementLink {
            dossier_code: code.to_string(),
            slots: request.slots.clone(),
            due_date: request.due_date.clone(),
            note: request.note.clone(),
            filed_values,
        };
        // A linked filing's part was filed with the group's values and
        // documents: its answer is drafted on the group's form.
        let procedure = tracked
            .linked
            .as_ref()
            .map_or(tracked.procedure_code.as_str(), |l| {
                l.group_procedure_code.as_str()
            });
        Ok(drafts.create_supplement(procedure, link)?)
    }

    /// The queued answer to a supplement request, from a ready supplement
    /// draft: the documents attached and the values changed since filing.
    pub(super) fn freeze_supplement(
        &self,
        draft: &Draft,
        link: &SupplementLink,
    ) -> Result<Submission, OutboxError> {
        let documents = draft.sendable_documents();
        let corrected: BTreeMap<String, String> = draft
            .values
            .iter()
            .filter(|(path, value)| link.filed_values.get(*path) != Some(*value))
            .map(|(path, value)| (path.clone(), value.clone()))
            .collect();
        let files = documents.values().flatten().cloned().collect();
        let body = SupplementResponse {
            documents,
            form_values: Some(corrected),
            note: Some(DEFAULT_NOTE.to_string()),
        };
        self.queue(
            SubmissionKind::Supplement {
                dossier_code: link.dossier_code.clone(),
            },
            About::draft(draft),
            &body,
            files,
        )
    }

    /// Queues a withdrawal of `dossier_code` with the applicant's reason.
    pub fn queue_withdrawal(
        &self,
        drafts: &Drafts,
        filed: &FiledDossiers,
        dossier_code: &str,
        reason: &str,
    ) -> Result<Submission, OutboxError> {
        let code = dossier_code.trim();
        let reason = reason.trim();
        if reason.is_empty() || reason.chars().count() > REASON_MAX {
            return Err(OutboxError::BadReason);
        }
        let procedure_code = filed
            .get(code)?
            .map(|t| t.procedure_code)
            .unwrap_or_default();
        let procedure_name = drafts
            .catalog()
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
            &WithdrawalRequest {
                reason: reason.to_string(),
            },
            Vec::new(),
        )
    }
}
