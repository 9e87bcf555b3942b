//! The outbox's storage: a draft frozen into an immutable submission (its
//! values and files as they were, the receiving agency and channel, and an
//! Idempotency-Key fixed now, so every retry is the same request), sealed in
//! the vault like drafts, holding a reference on each file so deleting the
//! draft never removes a file still to be uploaded. The sync engine
//! (`crate::sync::engine`) moves submissions through their states.

use super::model::AttachmentRef;
use super::store::{DraftError, Drafts};
use super::supplement::About;
use crate::catalog::ChannelKind;
use crate::form::CheckMode;
use crate::storage::Changes;
use crate::sync::outbox::{Submission, SubmissionKind};
use ring::rand::SecureRandom;

const SPACE: &str = crate::vault::OUTBOX_SPACE;

fn key(id: &str) -> Vec<u8> {
    format!("s/{id}").into_bytes()
}

/// A UUID v4 (RFC 9562) from the system's random source: the bytes from
/// ring (a failing source is an error, where `Uuid::new_v4` would panic),
/// the version, variant and text from the `uuid` crate.
pub(super) fn uuid_v4(rng: &ring::rand::SystemRandom) -> Option<String> {
    let mut b = [0u8; 16];
    rng.fill(&mut b).ok()?;
    Some(uuid::Builder::from_random_bytes(b).into_uuid().to_string())
}

impl Drafts {
    /// Freezes a complete draft into a queued submission for the receiving
    /// agency `agency_code` through `channel`. A new dossier needs an agency
    /// (`agency_required` when it is missing or blank); a draft that is not
    /// ready is refused with its report's counts. A supplement draft (see
    /// [`Drafts::start_supplement`]) is queued as the answer to its
    /// dossier's request; `agency_code` and `channel` do not apply.
    pub fn freeze(
        &self,
        id_or_prefix: &str,
        agency_code: Option<&str>,
        channel: ChannelKind,
    ) -> Result<Submission, DraftError> {
        let draft = self.get(id_or_prefix)?;
        let agency_code = match agency_code.map(str::trim).filter(|a| !a.is_empty()) {
            Some(agency) => agency,
            None if draft.supplement.is_some() => "",
            None => return Err(DraftError::AgencyRequired),
        };
        let report = self.check_draft(&draft, CheckMode::Complete)?;
        if !report.ready {
            return Err(DraftError::NotReady {
                missing: report.missing.len(),
                invalid: report.invalid.len(),
            });
        }
        if let Some(link) = &draft.supplement {
            return self.freeze_supplement(&draft, link);
        }
        let documents = draft.sendable_documents();
        let files: Vec<AttachmentRef> = documents.values().flatten().cloned().collect();
        let body = serde_json::json!({
            "procedure_code": draft.procedure_code,
            "catalog_version": draft.catalog_version,
            "agency_code": agency_code,
            "channel": channel.as_str(),
            "form_values": draft.values,
            "documents": documents,
        });
        self.queue(SubmissionKind::Dossier, About::draft(&draft), body, files)
    }

    pub(super) fn stage_submission(
        &self,
        changes: &mut Changes,
        s: &Submission,
    ) -> Result<(), DraftError> {
        let bytes =
            serde_json::to_vec(s).map_err(|_| DraftError::SubmissionDamaged(s.id.clone()))?;
        self.vault.put(changes, SPACE, &key(&s.id), &bytes)?;
        Ok(())
    }

    /// Saves a submission's new state, durably (the engine journals every
    /// step through this). Once it is submitted, its files' references are
    /// released.
    pub fn save_submission(&self, s: &Submission) -> Result<(), DraftError> {
        let _guard = self.vault.store().edit_lock();
        let before = self.submission(&s.id)?;
        let mut changes = Changes::default();
        let mut emptied = Vec::new();
        let releasing = s.state.files_released() && !before.state.files_released();
        if releasing {
            emptied = self.add_refs(&mut changes, &s.files, -1)?;
        }
        self.stage_submission(&mut changes, s)?;
        self.commit(&changes)?;
        self.drop_blobs(&emptied);
        Ok(())
    }

    /// A submission by id.
    pub fn submission(&self, id: &str) -> Result<Submission, DraftError> {
        let bytes = self
            .vault
            .get(SPACE, &key(id))?
            .ok_or_else(|| DraftError::NoSubmission(id.to_string()))?;
        serde_json::from_slice(&bytes).map_err(|_| DraftError::SubmissionDamaged(id.to_string()))
    }

    /// Every submission, oldest first (damaged records are skipped).
    pub fn submissions(&self) -> Result<Vec<Submission>, DraftError> {
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

    /// Files the outbox still needs (kept by the garbage collector).
    pub(crate) fn outbox_files(&self) -> Result<Vec<AttachmentRef>, DraftError> {
        Ok(self
            .submissions()?
            .into_iter()
            .filter(|s| !s.state.files_released())
            .flat_map(|s| s.files)
            .collect())
    }
}

/// A dossier this device follows, as the portal last reported it (sealed:
/// its history is about a person).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct TrackedDossier {
    pub code: String,
    pub procedure_code: String,
    pub status: u8,
    pub appointment_date: String,
    pub updated_at: String,
    /// Every history entry received, in order.
    pub history: Vec<serde_json::Value>,
    /// The open supplement or fee request, if any.
    pub supplement_request: serde_json::Value,
    pub fee_request: serde_json::Value,
    /// The signed receipt (`Receipt` JSON) the portal issued on submission.
    #[serde(default)]
    pub receipt: serde_json::Value,
    /// Unix seconds of the last successful check with the portal.
    pub checked_at: i64,
}

const CURSOR_KEY: &[u8] = b"p/feed_cursor";

impl Drafts {
    /// The store key of a followed dossier: blinded, since which agency a
    /// person filed with, and when, is personal.
    fn dossier_key(&self, code: &str) -> Vec<u8> {
        let mut key = b"d/".to_vec();
        key.extend(self.vault.blind(code));
        key
    }

    /// A followed dossier.
    pub fn tracked(&self, code: &str) -> Result<Option<TrackedDossier>, DraftError> {
        match self.vault.get(SPACE, &self.dossier_key(code))? {
            None => Ok(None),
            Some(b) => serde_json::from_slice(&b)
                .map(Some)
                .map_err(|_| DraftError::SubmissionDamaged(code.to_string())),
        }
    }

    /// The QR text of the signed receipt of a dossier filed from this
    /// device, if the portal gave one.
    pub fn receipt_qr(&self, code: &str) -> Result<Option<String>, DraftError> {
        Ok(self
            .tracked(code)?
            .and_then(|t| crate::receipt::SignedReceipt::from_json(&t.receipt).ok())
            .and_then(|r| r.qr_text().ok()))
    }

    /// Every followed dossier, by code.
    pub fn tracked_all(&self) -> Result<Vec<TrackedDossier>, DraftError> {
        Ok(self
            .vault
            .scan_each(SPACE, b"d/")?
            .into_iter()
            .filter_map(|(_, plain)| plain.ok())
            .filter_map(|b| serde_json::from_slice(&b).ok())
            .collect())
    }

    /// Saves followed dossiers and the feed cursor in one commit.
    pub fn save_tracked(
        &self,
        dossiers: &[TrackedDossier],
        cursor: Option<&str>,
    ) -> Result<(), DraftError> {
        self.commit_tracked(dossiers, Some(cursor))
    }

    /// Saves followed dossiers, the feed cursor left as it is.
    pub fn follow(&self, dossiers: &[TrackedDossier]) -> Result<(), DraftError> {
        self.commit_tracked(dossiers, None)
    }

    /// `cursor`: `None` keeps the saved one, `Some(None)` forgets it.
    fn commit_tracked(
        &self,
        dossiers: &[TrackedDossier],
        cursor: Option<Option<&str>>,
    ) -> Result<(), DraftError> {
        let _guard = self.vault.store().edit_lock();
        let mut changes = Changes::default();
        for d in dossiers {
            let bytes =
                serde_json::to_vec(d).map_err(|_| DraftError::SubmissionDamaged(d.code.clone()))?;
            self.vault
                .put(&mut changes, SPACE, &self.dossier_key(&d.code), &bytes)?;
        }
        match cursor {
            None => {}
            Some(Some(c)) => self
                .vault
                .put(&mut changes, SPACE, CURSOR_KEY, c.as_bytes())?,
            Some(None) => changes.remove(SPACE, CURSOR_KEY.to_vec()),
        }
        self.commit(&changes)
    }

    /// The change-feed cursor last saved.
    pub fn feed_cursor(&self) -> Result<Option<String>, DraftError> {
        Ok(self
            .vault
            .get(SPACE, CURSOR_KEY)?
            .and_then(|b| String::from_utf8(b).ok()))
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
