//! The device's side of a sync round: the stores under one data directory,
//! opened together with one key — drafts (whose files are uploaded), the
//! outbox, the dossiers filed from this device, the portal session and the
//! dossiers followed by receipt.

use super::session::Sessions;
use crate::draft::{DraftError, Drafts};
use crate::filed::FiledDossiers;
use crate::outbox::Outbox;
use crate::receipt::Receipts;
use crate::vault::{KeyProvider, Vault};
use std::path::Path;

/// The stores a sync round reads and writes.
pub struct Local {
    pub drafts: Drafts,
    pub outbox: Outbox,
    pub filed: FiledDossiers,
    pub sessions: Sessions,
    pub receipts: Receipts,
}

impl Local {
    /// Opens every store of `data_dir` with the host's key.
    pub fn open(data_dir: &Path, keys: &dyn KeyProvider) -> Result<Local, DraftError> {
        Ok(Local::from_drafts(Drafts::open(data_dir, keys)?))
    }

    /// A resident's stores (ADR 0012): their drafts and outbox, with the
    /// volunteer's session, filed dossiers and followed receipts (`own`,
    /// the volunteer's vault), so their dossiers are followed, and kept
    /// for follow-up, in the volunteer's space, which holds no personal
    /// data of theirs.
    pub fn for_resident(drafts: Drafts, own: Vault) -> Local {
        Local {
            outbox: Outbox::new(&drafts),
            filed: FiledDossiers::with_vault(own.clone()),
            sessions: Sessions::with_vault(own.clone()),
            receipts: Receipts::with_vault(own),
            drafts,
        }
    }

    /// The other stores beside `drafts` (same directory, same key).
    pub fn from_drafts(drafts: Drafts) -> Local {
        let own = drafts.vault().clone();
        Local::for_resident(drafts, own)
    }
}
