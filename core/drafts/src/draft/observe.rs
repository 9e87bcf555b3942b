//! What a draft store tells its observer after each change it saved (the
//! residents' audit log listens): which draft, of which procedure, and
//! what kind of change — never a value or a file.

use super::model::Draft;
use super::store::Drafts;
use std::sync::Arc;

/// The kind of change saved.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DraftChange {
    Created,
    Edited,
    Attached,
    Detached,
    Deleted,
}

/// One saved change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DraftEvent {
    pub change: DraftChange,
    pub draft_id: String,
    pub procedure_code: String,
}

/// Hears every change a draft store saved, after it is durable.
pub type DraftObserver = Arc<dyn Fn(&DraftEvent) + Send + Sync>;

impl Drafts {
    /// Tells `observer` of every change saved from now on.
    pub fn observe(&mut self, observer: DraftObserver) {
        self.observer = Some(observer);
    }

    pub(super) fn tell(&self, change: DraftChange, draft: &Draft) {
        if let Some(observer) = &self.observer {
            observer(&DraftEvent {
                change,
                draft_id: draft.id.clone(),
                procedure_code: draft.procedure_code.clone(),
            });
        }
    }
}
