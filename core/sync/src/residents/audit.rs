//! The audit log: what the volunteer did for which resident (added them,
//! opened their data, created, edited, attached to or deleted a draft,
//! queued and filed a dossier, handed it over, wiped them), when, by
//! resident id, procedure, draft and dossier code — never a value, a name
//! or a file. Sealed in the volunteer's space and append-only: each entry
//! carries the SHA-256 of the one before and the head records the last,
//! so an entry changed, removed or reordered shows as a broken log. It
//! outlives the residents it names (their ids say nothing about them).
//! Successive edits of one draft make one entry.

use super::{ResidentError, Residents};
use crate::draft::{DraftChange, DraftEvent, DraftObserver};
use crate::storage::Changes;
use crate::vault::{Vault, VaultError, RESIDENTS_SPACE};
use serde::{Deserialize, Serialize};
use std::sync::Arc;

const HEAD: &[u8] = b"audit_head";
const PREFIX: &str = "audit/";

/// What was done.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Action {
    /// Added, with their consent.
    Created,
    /// Their data was opened (made the active resident).
    Opened,
    /// A new consent replaced the one before.
    ConsentRecorded,
    DraftCreated,
    Edited,
    Attached,
    Detached,
    DraftDeleted,
    /// A submission was queued for the portal.
    Queued,
    /// The portal gave the dossier its code.
    Filed,
    /// A handover sheet was made.
    HandedOver,
    /// Wiped by the volunteer.
    Wiped,
    /// Wiped when their consent's retention ended.
    Expired,
}

/// One entry of the log.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AuditEntry {
    /// 1, 2, … in order.
    pub seq: u64,
    /// Unix seconds.
    pub at: i64,
    /// The resident's id.
    pub resident: String,
    pub action: Action,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub procedure: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub draft: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dossier: Option<String>,
    /// Hex SHA-256 of the entry before (empty for the first).
    pub prev: String,
}

/// What an entry says, before it is numbered and chained.
#[derive(Debug, Clone, Default)]
pub(super) struct Note {
    pub procedure: Option<String>,
    pub draft: Option<String>,
    pub dossier: Option<String>,
}

/// The last entry, kept apart so an append reads one record.
#[derive(Debug, Clone, Serialize, Deserialize)]
struct Head {
    seq: u64,
    hash: String,
    resident: String,
    action: Action,
    draft: Option<String>,
}

fn entry_key(seq: u64) -> Vec<u8> {
    format!("{PREFIX}{seq:016x}").into_bytes()
}

fn hash(entry: &AuditEntry) -> Result<String, ResidentError> {
    let bytes = serde_json::to_vec(entry).map_err(|_| ResidentError::Damaged)?;
    Ok(crate::hex::encode(
        ring::digest::digest(&ring::digest::SHA256, &bytes).as_ref(),
    ))
}

fn head(vault: &Vault) -> Result<Option<Head>, ResidentError> {
    match vault.get(RESIDENTS_SPACE, HEAD)? {
        None => Ok(None),
        Some(b) => serde_json::from_slice(&b)
            .map(Some)
            .map_err(|_| ResidentError::AuditBroken),
    }
}

/// Appends an entry (under the volunteer's edit lock, which the caller
/// must not hold). A run of edits to one draft stays one entry.
pub(super) fn append(
    vault: &Vault,
    resident: &str,
    action: Action,
    note: Note,
) -> Result<(), ResidentError> {
    let _guard = vault.store().edit_lock();
    let before = head(vault)?;
    if let (Action::Edited, Some(h)) = (action, &before) {
        if h.action == Action::Edited && h.resident == resident && h.draft == note.draft {
            return Ok(());
        }
    }
    let (seq, prev) = match &before {
        Some(h) => (
            h.seq.checked_add(1).ok_or(ResidentError::AuditBroken)?,
            h.hash.clone(),
        ),
        None => (1, String::new()),
    };
    let entry = AuditEntry {
        seq,
        at: crate::clock::unix_now(),
        resident: resident.to_string(),
        action,
        procedure: note.procedure,
        draft: note.draft.clone(),
        dossier: note.dossier,
        prev,
    };
    let next = Head {
        seq,
        hash: hash(&entry)?,
        resident: resident.to_string(),
        action,
        draft: note.draft,
    };
    let mut changes = Changes::default();
    let bytes = serde_json::to_vec(&entry).map_err(|_| ResidentError::Damaged)?;
    vault.put(&mut changes, RESIDENTS_SPACE, &entry_key(seq), &bytes)?;
    let bytes = serde_json::to_vec(&next).map_err(|_| ResidentError::Damaged)?;
    vault.put(&mut changes, RESIDENTS_SPACE, HEAD, &bytes)?;
    vault
        .store()
        .commit(&changes)
        .map_err(|e| ResidentError::Vault(VaultError::Storage(e)))
}

/// The observer a resident's drafts report to: each change becomes an
/// entry. A failed append cannot undo the change already saved; it is
/// dropped (the log then misses one step, and says nothing false).
pub(super) fn observer(vault: Vault, resident: String) -> DraftObserver {
    Arc::new(move |e: &DraftEvent| {
        let action = match e.change {
            DraftChange::Created => Action::DraftCreated,
            DraftChange::Edited => Action::Edited,
            DraftChange::Attached => Action::Attached,
            DraftChange::Detached => Action::Detached,
            DraftChange::Deleted => Action::DraftDeleted,
        };
        let note = Note {
            procedure: Some(e.procedure_code.clone()),
            draft: Some(e.draft_id.clone()),
            dossier: None,
        };
        let _ = append(&vault, &resident, action, note);
    })
}

impl Residents {
    /// Records that the volunteer did `action` for resident `id`.
    pub(super) fn record(&self, id: &str, action: Action, note: Note) -> Result<(), ResidentError> {
        append(&self.vault, id, action, note)
    }

    /// The whole log, oldest first, checked link by link: an entry
    /// changed, removed or reordered fails with `audit_broken`.
    pub fn audit_log(&self) -> Result<Vec<AuditEntry>, ResidentError> {
        let mut entries = Vec::new();
        for (_, plain) in self.vault.scan_each(RESIDENTS_SPACE, PREFIX.as_bytes())? {
            let entry: AuditEntry = plain
                .ok()
                .and_then(|b| serde_json::from_slice(&b).ok())
                .ok_or(ResidentError::AuditBroken)?;
            entries.push(entry);
        }
        entries.sort_by_key(|e| e.seq);
        let mut prev = String::new();
        for (i, e) in entries.iter().enumerate() {
            if u64::try_from(i + 1).ok() != Some(e.seq) || e.prev != prev {
                return Err(ResidentError::AuditBroken);
            }
            prev = hash(e)?;
        }
        match head(&self.vault)? {
            Some(h) if h.hash == prev && Some(h.seq) == entries.last().map(|e| e.seq) => {
                Ok(entries)
            }
            None if entries.is_empty() => Ok(entries),
            _ => Err(ResidentError::AuditBroken),
        }
    }
}
