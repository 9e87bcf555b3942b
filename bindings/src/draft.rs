//! Drafts through the binding: create one for a procedure (prefilled from
//! the profile), the form to draw with its values, set and clear fields
//! with feedback as the user types, validate, duplicate, delete, and adopt
//! a catalog update. Every change is saved before the call returns.

use crate::error::HosoError;
use crate::hoso::Hoso;
use crate::profile::ValueProblem;
use crate::{to_i32, to_i64};
use hoso_core::draft::{self, DraftView, ValueSource};
use hoso_core::form::CheckMode;
pub use hoso_core::form::FieldIssue;
use std::collections::HashMap;

/// A draft in a list.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct DraftSummary {
    pub id: String,
    pub procedure_code: String,
    pub procedure_name: String,
    pub created_at: i64,
    pub updated_at: i64,
    pub revision: i64,
    /// Fields with a value.
    pub filled: i64,
    /// The draft could not be read (the rest are fine).
    pub damaged: bool,
}

/// The officer's request a supplement draft answers.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct SupplementLink {
    pub dossier_code: String,
    /// Document slots that need (new) files.
    pub slots: Vec<String>,
    pub due_date: String,
    pub note: String,
}

/// A file attached to a document slot.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct AttachedFile {
    pub sha256: String,
    pub size: i64,
    pub media_type: String,
    pub file_name: String,
}

/// A draft: its values by field path, and where prefilled ones came from.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct Draft {
    pub id: String,
    pub procedure_code: String,
    pub procedure_name: String,
    /// The catalog version the draft follows.
    pub catalog_version: i64,
    pub created_at: i64,
    pub updated_at: i64,
    /// Grows with every saved change.
    pub revision: i64,
    /// Field path → value as typed.
    pub values: HashMap<String, String>,
    /// Field path → the profile person it was copied from (`me`, `m1` …).
    pub prefilled: HashMap<String, String>,
    /// Set when the draft answers a supplement request.
    pub supplement: Option<SupplementLink>,
}

/// One field of the form, with its value.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct FormField {
    /// What to pass to `set_draft_value` (`child.full_name`,
    /// `witnesses[0].id_number` …).
    pub path: String,
    pub label_vi: String,
    pub label_en: String,
    /// `text`, `date`, `id_number`, `phone`, `email`, `choice`, `address` …
    pub kind: String,
    pub required: bool,
    /// False when a condition hides it (e.g. fields of another case).
    pub visible: bool,
    pub value: Option<String>,
    /// The profile person the value was copied from, if it was.
    pub from_profile: Option<String>,
}

/// One entry of a group (repeating groups have several).
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct GroupEntry {
    /// The entry's index in a repeating group.
    pub index: Option<i32>,
    pub fields: Vec<FormField>,
}

/// A group of fields (the child, the mother, the declarant …).
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct FieldGroup {
    pub id: String,
    pub label_vi: String,
    pub label_en: String,
    pub repeat: bool,
    pub visible: bool,
    pub entries: Vec<GroupEntry>,
}

/// A document slot of the form, with its files.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct DocumentSlot {
    /// What to pass to `attach` (`doc01` …).
    pub id: String,
    pub name: String,
    pub group: String,
    /// `required`, `conditional` or `optional`.
    pub requirement: String,
    /// When a conditional document is needed, as the procedure says it.
    pub when_vi: Option<String>,
    pub originals: i32,
    pub copies: i32,
    pub files: Vec<AttachedFile>,
}

/// A draft with its form: everything a screen needs to draw it.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct DraftForm {
    pub draft: Draft,
    pub groups: Vec<FieldGroup>,
    pub documents: Vec<DocumentSlot>,
    /// Values for fields no longer on the form (kept, not lost).
    pub unknown_values: HashMap<String, String>,
}

/// A problem with one field in context.
#[uniffi::remote(Record)]
pub struct FieldIssue {
    pub field: String,
    pub code: String,
    pub message_vi: String,
    pub message_en: String,
}

/// The result of setting a field: saved as typed, with what is wrong.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct FieldChange {
    pub draft: Draft,
    pub field: String,
    /// The value as saved (normalised where the field asks for it).
    pub value: String,
    /// What is wrong with the value's format, if anything.
    pub problem: Option<ValueProblem>,
    /// What is doubtful about a value saved normalised (a mobile number
    /// whose prefix is not yet allocated), if anything.
    pub warning: Option<ValueProblem>,
    /// What the draft's check now finds wrong with this field in context.
    pub issues: Vec<FieldIssue>,
}

/// A change in what the procedure asks for since the draft was made.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct RequirementChange {
    pub code: String,
    pub document: String,
    pub message_vi: String,
    pub message_en: String,
}

/// A value that needs attention because the procedure's form changed
/// since the draft was started.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct FormChange {
    /// `field_renamed`, `field_removed` or `field_retyped`.
    pub code: String,
    /// The value's path on the draft's form.
    pub field: String,
    /// Its path on the new form, for a renamed field.
    pub to: Option<String>,
    pub message_vi: String,
    pub message_en: String,
}

/// What validating a draft found.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct ValidationReport {
    /// True when the draft can be submitted as it is.
    pub ready: bool,
    pub missing: Vec<FieldIssue>,
    pub invalid: Vec<FieldIssue>,
    pub draft_catalog_version: i64,
    pub current_catalog_version: i64,
    pub requirement_changes: Vec<RequirementChange>,
    /// The form version the values were entered on, and the one now.
    pub draft_form_version: u32,
    pub current_form_version: u32,
    /// What `upgradeDraft` will do to the values: renamed fields follow,
    /// removed and retyped ones are kept and need the user's attention.
    pub form_changes: Vec<FormChange>,
}

impl From<draft::AttachmentRef> for AttachedFile {
    fn from(a: draft::AttachmentRef) -> AttachedFile {
        AttachedFile {
            sha256: a.sha256,
            size: to_i64(a.size),
            media_type: a.media_type,
            file_name: a.file_name,
        }
    }
}

impl From<draft::Draft> for Draft {
    fn from(d: draft::Draft) -> Draft {
        Draft {
            id: d.id,
            procedure_code: d.procedure_code,
            procedure_name: d.procedure_name,
            catalog_version: to_i64(d.catalog_version),
            created_at: d.created_at,
            updated_at: d.updated_at,
            revision: to_i64(d.revision),
            values: d.values.into_iter().collect(),
            prefilled: d.prefilled.into_iter().collect(),
            supplement: d.supplement.map(|s| SupplementLink {
                dossier_code: s.dossier_code,
                slots: s.slots,
                due_date: s.due_date,
                note: s.note,
            }),
        }
    }
}

impl From<DraftView> for DraftForm {
    fn from(v: DraftView) -> DraftForm {
        DraftForm {
            draft: v.draft.into(),
            groups: v
                .groups
                .into_iter()
                .map(|g| FieldGroup {
                    id: g.id,
                    label_vi: g.label_vi,
                    label_en: g.label_en,
                    repeat: g.repeat,
                    visible: g.visible,
                    entries: g
                        .entries
                        .into_iter()
                        .map(|e| GroupEntry {
                            index: e.index.map(to_i32),
                            fields: e
                                .fields
                                .into_iter()
                                .map(|f| FormField {
                                    path: f.path,
                                    label_vi: f.label_vi,
                                    label_en: f.label_en,
                                    kind: f.kind.to_string(),
                                    required: f.required,
                                    visible: f.visible,
                                    value: f.value,
                                    from_profile: match f.source {
                                        Some(ValueSource::Profile { person }) => Some(person),
                                        _ => None,
                                    },
                                })
                                .collect(),
                        })
                        .collect(),
                })
                .collect(),
            documents: v
                .documents
                .into_iter()
                .map(|s| DocumentSlot {
                    id: s.id,
                    name: s.name,
                    group: s.group,
                    requirement: s.requirement.to_string(),
                    when_vi: s.when_vi,
                    originals: to_i32(s.originals),
                    copies: to_i32(s.copies),
                    files: s.files.into_iter().map(Into::into).collect(),
                })
                .collect(),
            unknown_values: v.unknown_values.into_iter().collect(),
        }
    }
}

impl Hoso {
    fn form(&self, draft: &draft::Draft) -> Result<DraftForm, HosoError> {
        Ok(self.state.space()?.drafts.view(draft)?.into())
    }
}

#[uniffi::export]
impl Hoso {
    /// Starts a draft for a procedure, prefilled from the profile when
    /// `prefill` is true; returns it with its form.
    pub fn create_draft(
        &self,
        procedure_code: String,
        prefill: bool,
    ) -> Result<DraftForm, HosoError> {
        let draft = self
            .state
            .space()?
            .drafts
            .create(&procedure_code, prefill)?;
        self.form(&draft)
    }

    /// A draft with its form (`id` may be a unique prefix).
    pub fn draft(&self, id: String) -> Result<DraftForm, HosoError> {
        let draft = self.state.space()?.drafts.get(&id)?;
        self.form(&draft)
    }

    /// Every draft, newest change first.
    pub fn drafts(&self) -> Result<Vec<DraftSummary>, HosoError> {
        Ok(self
            .state
            .space()?
            .drafts
            .list()?
            .into_iter()
            .map(|d| DraftSummary {
                id: d.id,
                procedure_code: d.procedure_code,
                procedure_name: d.procedure_name,
                created_at: d.created_at,
                updated_at: d.updated_at,
                revision: to_i64(d.revision),
                filled: to_i64(d.filled),
                damaged: d.damaged,
            })
            .collect())
    }

    /// Sets a field. The value is saved as typed even when malformed (so
    /// nothing the user entered is lost); `problem` and `issues` say what
    /// is wrong, `warning` what is doubtful in a value saved normalised, for
    /// feedback as they type. An unknown or hidden field is
    /// `InvalidInput`.
    pub fn set_draft_value(
        &self,
        id: String,
        field: String,
        value: String,
    ) -> Result<FieldChange, HosoError> {
        let o = self.state.space()?.drafts.set(&id, &field, &value)?;
        Ok(FieldChange {
            draft: o.draft.into(),
            field: o.field,
            value: o.value,
            problem: o.problem.map(Into::into),
            warning: o.warning.map(Into::into),
            issues: o.issues,
        })
    }

    /// Clears a field.
    pub fn clear_draft_value(&self, id: String, field: String) -> Result<Draft, HosoError> {
        Ok(self.state.space()?.drafts.clear(&id, &field)?.into())
    }

    /// A copy of a draft (values and attachments), for a similar dossier.
    pub fn duplicate_draft(&self, id: String) -> Result<DraftForm, HosoError> {
        let draft = self.state.space()?.drafts.duplicate(&id)?;
        self.form(&draft)
    }

    /// Deletes a draft; returns its full id.
    pub fn delete_draft(&self, id: String) -> Result<String, HosoError> {
        Ok(self.state.space()?.drafts.delete(&id)?)
    }

    /// Checks a draft: `complete` for submission (every required field and
    /// document), else only the values present.
    pub fn validate_draft(
        &self,
        id: String,
        complete: bool,
    ) -> Result<ValidationReport, HosoError> {
        let mode = if complete {
            CheckMode::Complete
        } else {
            CheckMode::Partial
        };
        let r = self.state.space()?.drafts.validate(&id, mode)?;
        Ok(ValidationReport {
            ready: r.ready,
            missing: r.missing,
            invalid: r.invalid,
            draft_catalog_version: to_i64(r.draft_catalog_version),
            current_catalog_version: to_i64(r.current_catalog_version),
            requirement_changes: r
                .requirement_changes
                .into_iter()
                .map(|c| RequirementChange {
                    code: c.code.to_string(),
                    document: c.document,
                    message_vi: c.message_vi,
                    message_en: c.message_en,
                })
                .collect(),
            draft_form_version: r.draft_form_version,
            current_form_version: r.current_form_version,
            form_changes: r
                .form_changes
                .into_iter()
                .map(|c| FormChange {
                    code: c.code.to_string(),
                    field: c.field,
                    to: c.to,
                    message_vi: c.message_vi,
                    message_en: c.message_en,
                })
                .collect(),
        })
    }

    /// Moves a draft onto the installed catalog version and its form (after
    /// reviewing its `requirement_changes` and `form_changes`): values of
    /// renamed fields follow them, removed and retyped ones are kept.
    pub fn upgrade_draft(&self, id: String) -> Result<DraftForm, HosoError> {
        let draft = self.state.space()?.drafts.accept_catalog_update(&id)?;
        self.form(&draft)
    }
}
