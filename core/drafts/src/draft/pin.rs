//! Files a data directory keeps for itself rather than for a draft (a
//! resident's signed consent form, which every dossier filed for them
//! uploads beside its documents): stored in the encrypted blob store like
//! attachments, under a name, holding one reference, and counted by the
//! garbage collector like a draft's files. Pinning again under the same
//! name replaces the file.

use super::attach::AttachError;
use super::model::AttachmentRef;
use super::store::{DraftError, Drafts};
use crate::attachment::refs::{self, BlobRecord};
use crate::form::MediaType;
use crate::storage::Changes;

const SPACE: &str = crate::vault::DRAFTS_SPACE;
const PREFIX: &str = "pin/";

fn key(name: &str) -> Vec<u8> {
    format!("{PREFIX}{name}").into_bytes()
}

impl Drafts {
    /// Keeps the file `reader` gives (at most `max_bytes`, of a type in
    /// `accepted`, read from its content) under `name`; returns its
    /// reference. The file it replaces, if any, loses its hold.
    pub fn pin(
        &self,
        name: &str,
        file_name: &str,
        reader: impl std::io::Read,
        max_bytes: u64,
        accepted: &[MediaType],
    ) -> Result<AttachmentRef, AttachError> {
        let (pending, media) = self.ingest_checked(reader, max_bytes, accepted, &mut |_| true)?;
        let sha = crate::attachment::blobs::hex(&pending.sha256);
        let pinned = AttachmentRef {
            sha256: sha.clone(),
            size: pending.size,
            media_type: media.mime().to_string(),
            file_name: file_name.to_string(),
        };
        // As in `attach`: visible and referenced under the edit lock, so
        // the collector never sees the blob without its reference.
        let _guard = self.vault.store().edit_lock();
        let before = self.pinned(name)?;
        if before.as_ref().is_some_and(|b| b.sha256 == sha) {
            self.blobs.discard(pending);
            return Ok(pinned);
        }
        let mut record = refs::get(&self.vault, &sha)?.unwrap_or_else(|| BlobRecord {
            sha256: sha.clone(),
            size: pinned.size,
            media_type: pinned.media_type.clone(),
            refs: 0,
            damaged: false,
        });
        if record.damaged {
            self.blobs.republish(pending)?;
        } else {
            self.blobs.publish(pending)?;
        }
        record.damaged = false;
        record.refs = record.refs.saturating_add(1);
        let mut changes = Changes::default();
        refs::put(&self.vault, &mut changes, &record)?;
        let emptied = match &before {
            Some(old) => self.add_refs(&mut changes, std::slice::from_ref(old), -1)?,
            None => Vec::new(),
        };
        let bytes = serde_json::to_vec(&pinned).map_err(|_| damaged(name))?;
        self.vault.put(&mut changes, SPACE, &key(name), &bytes)?;
        self.commit(&changes)?;
        self.drop_blobs(&emptied);
        Ok(pinned)
    }

    /// The file kept under `name`, if any.
    pub fn pinned(&self, name: &str) -> Result<Option<AttachmentRef>, DraftError> {
        match self.vault.get(SPACE, &key(name))? {
            None => Ok(None),
            Some(b) => serde_json::from_slice(&b)
                .map(Some)
                .map_err(|_| damaged(name)),
        }
    }

    /// Every readable pinned file (what the collector keeps besides
    /// drafts' files), and whether any was unreadable.
    pub(super) fn all_pinned(&self) -> Result<(Vec<AttachmentRef>, bool), DraftError> {
        let mut pinned = Vec::new();
        let mut unreadable = false;
        for (_, plain) in self.vault.scan_each(SPACE, PREFIX.as_bytes())? {
            match plain.ok().and_then(|b| serde_json::from_slice(&b).ok()) {
                Some(p) => pinned.push(p),
                None => unreadable = true,
            }
        }
        Ok((pinned, unreadable))
    }
}

fn damaged(name: &str) -> DraftError {
    DraftError::Damaged {
        id: format!("{PREFIX}{name}"),
        reason: "pinned file record".into(),
    }
}
