//! A draft laid out along its form, as a screen (or `hoso draft show`)
//! presents it: each group and repeat entry, each field with its label,
//! whether it is required and currently visible, its value and where the
//! value came from; each document slot with the files attached; and any
//! value the form no longer has a field for.

use super::model::{AttachmentRef, Draft, ValueSource};
use crate::form::{self, FormSchema, Requirement};
use serde::Serialize;
use std::collections::BTreeSet;

/// A draft and its form, ready to display.
#[derive(Debug, Clone, Serialize)]
pub struct DraftView {
    pub draft: Draft,
    pub groups: Vec<GroupView>,
    pub documents: Vec<SlotView>,
    /// Values whose path the current form does not have (kept, never
    /// dropped; `hoso draft clear` removes them).
    pub unknown_values: Vec<(String, String)>,
}

#[derive(Debug, Clone, Serialize)]
pub struct GroupView {
    pub id: String,
    pub label_vi: String,
    pub label_en: String,
    pub repeat: bool,
    pub visible: bool,
    pub entries: Vec<EntryView>,
}

/// One entry of a group: the only one, or one of a repeat group's.
#[derive(Debug, Clone, Serialize)]
pub struct EntryView {
    pub index: Option<u32>,
    pub fields: Vec<FieldView>,
}

#[derive(Debug, Clone, Serialize)]
pub struct FieldView {
    pub path: String,
    pub label_vi: String,
    pub label_en: String,
    /// The field type (`text`, `date`, `id_number`, …).
    pub kind: &'static str,
    pub required: bool,
    pub visible: bool,
    pub value: Option<String>,
    pub source: Option<ValueSource>,
}

#[derive(Debug, Clone, Serialize)]
pub struct SlotView {
    pub id: String,
    pub name: String,
    pub group: String,
    /// `required`, `optional` or `conditional`.
    pub requirement: &'static str,
    pub when_vi: Option<String>,
    pub originals: u32,
    pub copies: u32,
    pub files: Vec<AttachmentRef>,
}

/// Lays `draft` out along `schema`.
pub fn view(draft: &Draft, schema: &FormSchema) -> DraftView {
    let answers = form::Answers::new(schema, &draft.values);
    let mut known = BTreeSet::new();
    let mut groups = Vec::new();
    for group in &schema.groups {
        let indices: Vec<Option<u32>> = match group.repeat {
            None => vec![None],
            Some(r) => {
                let mut present: BTreeSet<u32> = answers.indices(group).into_iter().collect();
                present.extend(0..r.min);
                present.into_iter().map(Some).collect()
            }
        };
        let group_visible = answers.group_visible(group);
        let mut entries = Vec::new();
        for index in indices {
            let mut fields = Vec::new();
            for field in &group.fields {
                let visible = answers.field_visible(group, index, field);
                if matches!(field.kind, form::FieldKind::Address) {
                    // The commune's code is written by the core, not shown:
                    // it belongs to the form all the same.
                    let code = form::field_path(
                        &group.id,
                        index,
                        &field.id,
                        Some(form::AddressPart::Code),
                    );
                    known.insert(code);
                }
                for (path, part) in form::value_paths(group, index, field) {
                    known.insert(path.clone());
                    let (label_vi, label_en) = match part {
                        Some(p) => (
                            format!("{} — {}", field.label_vi, p.label_vi()),
                            format!("{} — {}", field.label_en, p.label_en()),
                        ),
                        None => (field.label_vi.clone(), field.label_en.clone()),
                    };
                    fields.push(FieldView {
                        value: draft.values.get(&path).cloned(),
                        source: draft.source_of(&path),
                        path,
                        label_vi,
                        label_en,
                        kind: field.kind.name(),
                        required: field.required,
                        visible,
                    });
                }
            }
            entries.push(EntryView { index, fields });
        }
        groups.push(GroupView {
            id: group.id.clone(),
            label_vi: group.label_vi.clone(),
            label_en: group.label_en.clone(),
            repeat: group.repeat.is_some(),
            visible: group_visible,
            entries,
        });
    }
    let documents = schema
        .slots
        .iter()
        .map(|s| {
            let (requirement, when_vi) = match &s.requirement {
                Requirement::Required => ("required", None),
                Requirement::Optional => ("optional", None),
                Requirement::Conditional { when_vi } => ("conditional", Some(when_vi.clone())),
            };
            SlotView {
                id: s.id.clone(),
                name: s.name.clone(),
                group: s.group.clone(),
                requirement,
                when_vi,
                originals: s.originals,
                copies: s.copies,
                files: draft.documents.get(&s.id).cloned().unwrap_or_default(),
            }
        })
        .collect();
    let unknown_values = draft
        .values
        .iter()
        .filter(|(k, _)| !known.contains(*k))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    DraftView {
        draft: draft.clone(),
        groups,
        documents,
        unknown_values,
    }
}
