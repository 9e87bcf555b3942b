//! What a draft store tells its observer after each change it saved (the
//! residents' audit log listens): which draft, of which procedure, and
//! what kind of change — never a value or a file. `Drafts::observe` sets
//! the observer.

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
