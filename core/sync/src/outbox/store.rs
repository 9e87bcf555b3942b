//! The outbox's storage: a draft frozen into an immutable submission (its
//! values and files as they were, the receiving agency and channel, and an
//! Idempotency-Key fixed now, so every retry is the same request), sealed in
//! the vault like drafts, holding a reference on each file so deleting the
//! draft never removes a file still to be uploaded.

use super::error::OutboxError;
use super::model::{Submission, SubmissionKind, SubmissionState};
use crate::catalog::ChannelKind;
use crate::draft::{AttachError, AttachmentRef, Draft, Drafts, FileHolds};
use crate::form::CheckMode;
use crate::storage::Changes;
use crate::vault::{Vault, VaultError};
use hoso_wire::{DossierSubmission, FiledFor};
use ring::rand::{SecureRandom, SystemRandom};

/// Where submissions have always been kept.
const SPACE: &str = crate::vault::OUTBOX_SPACE;

fn key(id: &str) -> Vec<u8> {
    format!("s/{id}").into_bytes()
}

/// A UUID v4 (RFC 9562) from the system's random source: the bytes from
/// ring (a failing source is an error, where `Uuid::new_v4` would panic),
/// the version, variant and text from the `uuid` crate.
fn uuid_v4(rng: &SystemRandom) -> Option<String> {
    let mut b = [0u8; 16];
    rng.fill(&mut b).ok()?;
    Some(uuid::Builder::from_random_bytes(b).into_uuid().to_string())
}

/// The channel as the Portal API spells it.
fn wire_channel(channel: ChannelKind) -> hoso_wire::ChannelKind {
    match channel {
        ChannelKind::Online => hoso_wire::ChannelKind::Online,
        ChannelKind::InPerson => hoso_wire::ChannelKind::InPerson,
        ChannelKind::Postal => hoso_wire::ChannelKind::Postal,
    }
}

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

/// The submissions queued under a data directory (the drafts' directory
/// and key).
#[derive(Clone)]
pub struct Outbox {
    vault: Vault,
    holds: FileHolds,
    rng: SystemRandom,
}

impl Outbox {
    /// The outbox beside `drafts` (same directory, same key).
    pub fn new(drafts: &Drafts) -> Outbox {
        Outbox {
            vault: drafts.vault().clone(),
            holds: drafts.file_holds(),
            rng: SystemRandom::new(),
        }
    }

    /// Freezes a complete draft into a queued submission for the receiving
    /// agency `agency_code` through `channel`. A new dossier needs an agency
    /// (`agency_required` when it is missing or blank); a draft that is not
    /// ready is refused with its report's counts. A supplement draft (see
    /// [`Outbox::start_supplement`]) is queued as the answer to its
    /// dossier's request; `agency_code` and `channel` do not apply.
    pub fn freeze(
        &self,
        drafts: &Drafts,
        id_or_prefix: &str,
        agency_code: Option<&str>,
        channel: ChannelKind,
    ) -> Result<Submission, OutboxError> {
        self.freeze_for(drafts, id_or_prefix, agency_code, channel, None)
    }

    /// [`Outbox::freeze`] for someone else: a new dossier carries
    /// `filed_for` (the resident and their consent) and uploads `files`
    /// (the consent form's scan) with its documents.
    pub fn freeze_for(
        &self,
        drafts: &Drafts,
        id_or_prefix: &str,
        agency_code: Option<&str>,
        channel: ChannelKind,
        filing: Option<(FiledFor, Vec<AttachmentRef>)>,
    ) -> Result<Submission, OutboxError> {
        let draft = drafts.get(id_or_prefix)?;
        let agency_code = match agency_code.map(str::trim).filter(|a| !a.is_empty()) {
            Some(agency) => agency,
            None if draft.supplement.is_some() => "",
            None => return Err(OutboxError::AgencyRequired),
        };
        let report = drafts.validate(&draft.id, CheckMode::Complete)?;
        // The check read the values along the form in effect; what is
        // sent is the values as stored, so they must be there already.
        if !report.form_changes.is_empty() {
            return Err(OutboxError::FormChanged {
                changes: report.form_changes.len(),
            });
        }
        if !report.ready {
            return Err(OutboxError::NotReady {
                missing: report.missing.len(),
                invalid: report.invalid.len(),
            });
        }
        if let Some(link) = &draft.supplement {
            return self.freeze_supplement(&draft, link);
        }
        let documents = draft.sendable_documents();
        let mut files: Vec<AttachmentRef> = documents.values().flatten().cloned().collect();
        let (filed_for, extra) = filing.map_or((None, Vec::new()), |(f, x)| (Some(f), x));
        for f in extra {
            if !files.iter().any(|g| g.sha256 == f.sha256) {
                files.push(f);
            }
        }
        // A linked group's form names its parts: the portal files one
        // dossier per part from this one submission.
        let kind = if drafts.schema(&draft)?.parts.is_empty() {
            SubmissionKind::Dossier
        } else {
            SubmissionKind::LinkedFiling
        };
        let body = DossierSubmission {
            procedure_code: draft.procedure_code.clone(),
            catalog_version: draft.catalog_version,
            agency_code: agency_code.to_string(),
            channel: wire_channel(channel),
            form_values: draft.values.clone(),
            documents,
            filed_for,
        };
        self.queue(kind, About::draft(&draft), &body, files)
    }

    /// Seals a new queued submission (with a hold on each file) in one
    /// commit.
    pub(super) fn queue(
        &self,
        kind: SubmissionKind,
        about: About<'_>,
        body: &impl serde::Serialize,
        files: Vec<AttachmentRef>,
    ) -> Result<Submission, OutboxError> {
        let now = crate::clock::unix_now();
        let body = serde_json::to_value(body).map_err(|_| OutboxError::Unsendable)?;
        let submission = Submission {
            id: crate::draft::new_id(&self.rng).ok_or(OutboxError::Randomness)?,
            kind,
            draft_id: about.draft_id.to_string(),
            procedure_code: about.procedure_code.to_string(),
            procedure_name: about.procedure_name.to_string(),
            idempotency_key: uuid_v4(&self.rng).ok_or(OutboxError::Randomness)?,
            body,
            files,
            state: SubmissionState::Queued,
            attempts: 0,
            next_attempt_at: 0,
            last_error: None,
            dossier: None,
            linked: None,
            created_at: now,
            updated_at: now,
        };
        let _guard = self.vault.store().edit_lock();
        let mut changes = Changes::default();
        self.holds.hold(&mut changes, &submission.files)?;
        self.stage(&mut changes, &submission)?;
        self.commit(&changes)?;
        Ok(submission)
    }

    fn stage(&self, changes: &mut Changes, s: &Submission) -> Result<(), OutboxError> {
        let bytes =
            serde_json::to_vec(s).map_err(|_| OutboxError::SubmissionDamaged(s.id.clone()))?;
        self.vault.put(changes, SPACE, &key(&s.id), &bytes)?;
        Ok(())
    }

    fn commit(&self, changes: &Changes) -> Result<(), OutboxError> {
        self.vault
            .store()
            .commit(changes)
            .map_err(VaultError::from)?;
        Ok(())
    }

    /// Saves a submission's new state, durably (the engine journals every
    /// step through this). Once it is submitted, its files' holds are
    /// released.
    pub fn save(&self, s: &Submission) -> Result<(), OutboxError> {
        let _guard = self.vault.store().edit_lock();
        let before = self.get(&s.id)?;
        let mut changes = Changes::default();
        let mut emptied = Vec::new();
        if s.state.files_released() && !before.state.files_released() {
            emptied = self.holds.release(&mut changes, &s.files)?;
        }
        self.stage(&mut changes, s)?;
        self.commit(&changes)?;
        self.holds.drop_blobs(&emptied);
        Ok(())
    }

    /// A submission by id.
    pub fn get(&self, id: &str) -> Result<Submission, OutboxError> {
        let bytes = self
            .vault
            .get(SPACE, &key(id))?
            .ok_or_else(|| OutboxError::NoSubmission(id.to_string()))?;
        serde_json::from_slice(&bytes).map_err(|_| OutboxError::SubmissionDamaged(id.to_string()))
    }

    /// Every submission, oldest first (damaged records are skipped).
    pub fn all(&self) -> Result<Vec<Submission>, OutboxError> {
        Ok(self.read_all()?)
    }

    fn read_all(&self) -> Result<Vec<Submission>, VaultError> {
        let mut out: Vec<Submission> = self
            .vault
            .scan_each(SPACE, b"s/")?
            .into_iter()
            .filter_map(|(_, plain)| plain.ok())
            .filter_map(|b| serde_json::from_slice(&b).ok())
            .collect();
        out.sort_by(|a: &Submission, b| (a.created_at, &a.id).cmp(&(b.created_at, &b.id)));
        Ok(out)
    }

    /// Files the outbox still needs.
    fn held_files(&self) -> Result<Vec<AttachmentRef>, VaultError> {
        Ok(self
            .read_all()?
            .into_iter()
            .filter(|s| !s.state.files_released())
            .flat_map(|s| s.files)
            .collect())
    }

    /// Deletes files neither a draft nor a submission still to send refers
    /// to, and sets every reference count right (see
    /// [`Drafts::collect_garbage`]). Returns how many files were removed.
    pub fn collect_garbage(&self, drafts: &Drafts) -> Result<usize, AttachError> {
        let held = self.held_files()?;
        drafts.collect_garbage(&held)
    }
}

#[cfg(test)]
mod tests {
    #[test]
    fn idempotency_keys_are_distinct_uuid_v4s() {
        let rng = ring::rand::SystemRandom::new();
        let a = super::uuid_v4(&rng).unwrap();
        let b = super::uuid_v4(&rng).unwrap();
        assert_ne!(a, b);
        let parsed = uuid::Uuid::parse_str(&a).unwrap();
        assert_eq!(parsed.get_version_num(), 4);
        assert_eq!(parsed.get_variant(), uuid::Variant::RFC4122);
        assert_eq!(a, parsed.hyphenated().to_string());
    }
}
