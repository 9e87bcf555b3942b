//! The draft record: which procedure and catalog version it was made
//! against, the raw values the user entered keyed by field path, where each
//! prefilled value came from, and the documents attached per slot.

use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// One draft dossier. Sealed as a whole in the vault.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Draft {
    pub id: String,
    pub procedure_code: String,
    pub procedure_name: String,
    /// Catalog version the draft was made (or last upgraded) against.
    pub catalog_version: u64,
    /// True when the procedure has a hand-written field set.
    pub builtin_schema: bool,
    /// The version of the form the values were entered on (0: the generic
    /// form, or a draft from before forms had versions, all of them 1).
    #[serde(default)]
    pub form_version: u32,
    /// Unix seconds.
    pub created_at: i64,
    pub updated_at: i64,
    /// Incremented by every saved change.
    pub revision: u64,
    /// Field path → value, as normalised when it was valid, else as typed.
    pub values: BTreeMap<String, String>,
    /// Field path → where a prefilled value came from (`profile:me`,
    /// `profile:m1`). A path leaves this map once the user changes it.
    #[serde(default)]
    pub prefilled: BTreeMap<String, String>,
    /// Document slot id → files attached to it.
    #[serde(default)]
    pub documents: BTreeMap<String, Vec<AttachmentRef>>,
    /// Set when the draft answers an officer's supplement request rather
    /// than starting a new dossier.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub supplement: Option<SupplementLink>,
}

/// The dossier a supplement draft answers, and what the officer asked.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SupplementLink {
    pub dossier_code: String,
    /// Document slots the officer asked for; each needs a file.
    pub slots: Vec<String>,
    /// `YYYY-MM-DD`, when given.
    pub due_date: String,
    /// The officer's note.
    pub note: String,
    /// The dossier's values as filed; only changed values are sent.
    pub filed_values: BTreeMap<String, String>,
}

/// A file attached to a document slot (filled in by the attachment store):
/// the Portal API's `AttachmentRef`, as a submission names it.
pub use hoso_wire::AttachmentRef;

/// Where a draft value came from.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ValueSource {
    User,
    Profile { person: String },
}

/// A draft in a list.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct DraftSummary {
    pub id: String,
    pub procedure_code: String,
    pub procedure_name: String,
    pub created_at: i64,
    pub updated_at: i64,
    pub revision: u64,
    /// How many values are filled.
    pub filled: usize,
    /// True when the draft's record is damaged and cannot be opened (only
    /// `id` is meaningful then); the other drafts are listed all the same.
    pub damaged: bool,
}

impl Draft {
    pub fn source_of(&self, path: &str) -> Option<ValueSource> {
        self.values.get(path)?;
        Some(match self.prefilled.get(path) {
            Some(p) => ValueSource::Profile {
                person: p.trim_start_matches("profile:").to_string(),
            },
            None => ValueSource::User,
        })
    }

    pub fn summary(&self) -> DraftSummary {
        DraftSummary {
            id: self.id.clone(),
            procedure_code: self.procedure_code.clone(),
            procedure_name: self.procedure_name.clone(),
            created_at: self.created_at,
            updated_at: self.updated_at,
            revision: self.revision,
            filled: self.values.len(),
            damaged: false,
        }
    }

    /// The list entry of a draft whose record cannot be opened.
    pub(crate) fn damaged_summary(id: String) -> DraftSummary {
        DraftSummary {
            id,
            procedure_code: String::new(),
            procedure_name: String::new(),
            created_at: 0,
            updated_at: 0,
            revision: 0,
            filled: 0,
            damaged: true,
        }
    }

    /// The documents to send, by slot: slots with files, not the
    /// `-removed` holding slots.
    pub fn sendable_documents(&self) -> BTreeMap<String, Vec<AttachmentRef>> {
        self.documents
            .iter()
            .filter(|(slot, files)| !slot.ends_with("-removed") && !files.is_empty())
            .map(|(slot, files)| (slot.clone(), files.clone()))
            .collect()
    }

    /// Every attached file, all slots together.
    pub fn attached(&self) -> Vec<AttachmentRef> {
        self.documents.values().flatten().cloned().collect()
    }
}
