//! The form schema data model: what a dossier asks for (groups of fields,
//! visibility conditions, prefill rules) and which documents it needs
//! (document slots). Serialized as JSON both for the hand-written builtin
//! field sets in `core/data/forms/<code>.json` and for `hoso form show --json`.
//!
//! Defaults keep the JSON short: `required` is true unless said otherwise,
//! empty lists and absent options may be left out.

use crate::validate::Sex;
use serde::{Deserialize, Serialize};

/// The form for one procedure: fields to fill and document slots to attach.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FormSchema {
    pub procedure_code: String,
    pub title_vi: String,
    pub title_en: String,
    /// True for a hand-written field set, false for the generic one derived
    /// from the catalog.
    #[serde(default)]
    pub builtin: bool,
    /// The hand-written form's version (0 for the generic form).
    #[serde(default)]
    pub version: u32,
    pub groups: Vec<Group>,
    /// Fields renamed by a version of the form, for drafts started on an
    /// earlier one to follow (`docs/forms.md`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub renamed: Vec<Renamed>,
    /// The parts of a linked group ("một việc một lần làm"): a form with
    /// parts is drafted once and filed as one dossier per part
    /// (`docs/forms.md`); empty for an ordinary procedure.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub parts: Vec<LinkedPart>,
    #[serde(default)]
    pub slots: Vec<DocumentSlot>,
}

/// One part of a linked group: the dossier the portal files for it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LinkedPart {
    /// snake_case, unique in the form (`birth`, `residence`…).
    pub id: String,
    /// The procedure the part is, when the catalog has one of its own.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub procedure_code: Option<String>,
    pub label_vi: String,
    pub label_en: String,
}

/// A field that a version of the form renamed (or moved to another
/// group): `from` and `to` are `group.field` (no repeat index, no address
/// part: a value follows with its index and part).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Renamed {
    pub from: String,
    pub to: String,
    /// The version that renamed it: drafts on an earlier version follow.
    pub version: u32,
}

/// A block of fields about one subject ("applicant", "child", "father"…).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Group {
    pub id: String,
    pub label_vi: String,
    pub label_en: String,
    /// `Some` makes this a repeat group: values live at `group[i].field`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub repeat: Option<Repeat>,
    /// Whose profile may fill this group's person fields, in order of preference.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub prefill: Vec<PrefillRule>,
    /// When set, the group is shown (and checked) only while the condition holds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub visible_when: Option<Condition>,
    pub fields: Vec<Field>,
}

/// How many entries a repeat group may have.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Repeat {
    #[serde(default)]
    pub min: u32,
    pub max: u32,
}

/// One question on the form.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Field {
    pub id: String,
    pub label_vi: String,
    pub label_en: String,
    pub kind: FieldKind,
    #[serde(default = "default_true")]
    pub required: bool,
    /// When set, the field is shown (and checked) only while the condition holds.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub visible_when: Option<Condition>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub help_vi: Option<String>,
}

fn default_true() -> bool {
    true
}

fn default_max_chars() -> usize {
    DEFAULT_TEXT_MAX_CHARS
}

/// Longest free text accepted when a schema does not say.
pub const DEFAULT_TEXT_MAX_CHARS: usize = 500;
/// Longest address detail (house number, street, hamlet) accepted.
pub const ADDRESS_DETAIL_MAX_CHARS: usize = 200;

/// What kind of value a field takes; decides normalization and checks.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum FieldKind {
    Text {
        #[serde(default = "default_max_chars")]
        max_chars: usize,
    },
    Number {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        min: Option<f64>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        max: Option<f64>,
    },
    Date {
        /// Must not be after today (dates of birth, issue dates).
        #[serde(default)]
        not_future: bool,
        /// The person born on this date must be at least this old today.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        min_age: Option<u8>,
        /// … and at most this old.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        max_age: Option<u8>,
    },
    Choice {
        options: Vec<ChoiceOption>,
    },
    /// Stored as `true` / `false`.
    Boolean,
    /// A 12-digit personal identification number; checked against the birth
    /// date and sex held in the named sibling fields of the same group.
    IdNumber {
        #[serde(default, skip_serializing_if = "Option::is_none")]
        birth_field: Option<String>,
        #[serde(default, skip_serializing_if = "Option::is_none")]
        sex_field: Option<String>,
    },
    Phone,
    Email,
    /// A paper's number written as digits, of one of these lengths (the old
    /// 9-digit identity card, a 12-digit driving licence…); stored as digits.
    Digits {
        lengths: Vec<u8>,
    },
    /// A tax code: 10 digits with a check digit, 13 for a branch, or a
    /// person's 12-digit ID number.
    TaxCode,
    /// Three sub-values: `.province`, `.commune`, `.detail`.
    Address,
    PersonName,
    /// Stored as `male` / `female`.
    Sex,
}

impl FieldKind {
    /// The snake_case name used in JSON (`"text"`, `"id_number"`…).
    pub fn name(&self) -> &'static str {
        match self {
            FieldKind::Text { .. } => "text",
            FieldKind::Number { .. } => "number",
            FieldKind::Date { .. } => "date",
            FieldKind::Choice { .. } => "choice",
            FieldKind::Boolean => "boolean",
            FieldKind::IdNumber { .. } => "id_number",
            FieldKind::Phone => "phone",
            FieldKind::Email => "email",
            FieldKind::Digits { .. } => "digits",
            FieldKind::TaxCode => "tax_code",
            FieldKind::Address => "address",
            FieldKind::PersonName => "person_name",
            FieldKind::Sex => "sex",
        }
    }
}

/// One allowed answer of a choice field. `value` is what gets stored.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ChoiceOption {
    pub value: String,
    pub label_vi: String,
    pub label_en: String,
}

/// A visibility condition over the current values.
///
/// `field` is a value path. A bare field id (no `.`) names a sibling in the
/// same group — and the same entry of a repeat group; otherwise it is a full
/// path such as `child.father_known` or `request.delivery_address.province`.
/// Values are compared in their normalized form (`true`, `male`, a choice's
/// `value`…). `not_equals` holds when the field is unset.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum Condition {
    Equals { field: String, value: String },
    NotEquals { field: String, value: String },
    IsSet { field: String },
    All { conditions: Vec<Condition> },
    Any { conditions: Vec<Condition> },
}

/// Whose profile a group's person fields may be filled from.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum Who {
    /// The user themself.
    #[serde(rename = "self")]
    Self_,
    #[serde(rename = "spouse")]
    Spouse,
    #[serde(rename = "father")]
    Father,
    #[serde(rename = "mother")]
    Mother,
    #[serde(rename = "child")]
    Child,
}

impl Who {
    pub const ALL: [Who; 5] = [
        Who::Self_,
        Who::Spouse,
        Who::Father,
        Who::Mother,
        Who::Child,
    ];

    /// The JSON name (`self`, `spouse`, `father`, `mother`, `child`).
    pub fn as_str(self) -> &'static str {
        match self {
            Who::Self_ => "self",
            Who::Spouse => "spouse",
            Who::Father => "father",
            Who::Mother => "mother",
            Who::Child => "child",
        }
    }

    pub fn label_vi(self) -> &'static str {
        match self {
            Who::Self_ => "Bản thân",
            Who::Spouse => "Vợ/chồng",
            Who::Father => "Cha",
            Who::Mother => "Mẹ",
            Who::Child => "Con",
        }
    }
}

/// "Fill this group from `who`'s profile, if that person's sex is `sex`."
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PrefillRule {
    pub who: Who,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub sex: Option<Sex>,
}

/// One document to attach, derived from a row of the catalog's
/// "Thành phần hồ sơ".
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DocumentSlot {
    /// `docNN`, NN = the row's 1-based position in the catalog's document list.
    pub id: String,
    pub name: String,
    /// The row's group heading (often the case it applies to); may be empty.
    #[serde(default)]
    pub group: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub form: Option<String>,
    #[serde(default)]
    pub originals: u32,
    #[serde(default)]
    pub copies: u32,
    pub requirement: Requirement,
    pub accepted: Vec<MediaType>,
    pub max_bytes: u64,
}

/// Whether a document slot must be filled.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum Requirement {
    Required,
    Optional,
    /// Needed only in the case described (Vietnamese text from the catalog).
    Conditional {
        when_vi: String,
    },
}

/// File types accepted for an attached document.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MediaType {
    Pdf,
    Jpeg,
    Png,
    Heic,
    Webp,
}

impl MediaType {
    pub const ALL: [MediaType; 5] = [
        MediaType::Pdf,
        MediaType::Jpeg,
        MediaType::Png,
        MediaType::Heic,
        MediaType::Webp,
    ];

    /// The MIME type, e.g. `application/pdf`.
    pub fn mime(self) -> &'static str {
        match self {
            MediaType::Pdf => "application/pdf",
            MediaType::Jpeg => "image/jpeg",
            MediaType::Png => "image/png",
            MediaType::Heic => "image/heic",
            MediaType::Webp => "image/webp",
        }
    }
}

/// Largest file accepted for an ordinary document (a multi-page scan): 50 MiB.
pub const DEFAULT_MAX_BYTES: u64 = 50 * 1024 * 1024;
/// Largest portrait photo accepted: 10 MiB.
pub const PHOTO_MAX_BYTES: u64 = 10 * 1024 * 1024;
/// Largest technical document (drawings, maps, design dossiers) accepted: 2 GiB.
pub const TECHNICAL_MAX_BYTES: u64 = 2 * 1024 * 1024 * 1024;

impl FormSchema {
    /// The group with this id.
    pub fn group(&self, id: &str) -> Option<&Group> {
        self.groups.iter().find(|g| g.id == id)
    }

    /// The document slot with this id.
    pub fn slot(&self, id: &str) -> Option<&DocumentSlot> {
        self.slots.iter().find(|s| s.id == id)
    }
}

impl Group {
    /// The field with this id.
    pub fn field(&self, id: &str) -> Option<&Field> {
        self.fields.iter().find(|f| f.id == id)
    }

    /// The sex every prefill rule of this group names, when they all agree
    /// (a "father" group prefilled only from male persons is about a man).
    pub fn implied_sex(&self) -> Option<Sex> {
        let first = self.prefill.first()?.sex?;
        self.prefill
            .iter()
            .all(|r| r.sex == Some(first))
            .then_some(first)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn short_json_fills_defaults() {
        let f: Field = serde_json::from_str(
            r#"{"id":"note","label_vi":"Ghi chú","label_en":"Note","kind":{"type":"text"}}"#,
        )
        .unwrap();
        assert!(f.required);
        assert_eq!(
            f.kind,
            FieldKind::Text {
                max_chars: DEFAULT_TEXT_MAX_CHARS
            }
        );
        let k: FieldKind =
            serde_json::from_str(r#"{"type":"date","not_future":true,"min_age":18}"#).unwrap();
        assert_eq!(
            k,
            FieldKind::Date {
                not_future: true,
                min_age: Some(18),
                max_age: None
            }
        );
    }

    #[test]
    fn conditions_and_prefill_round_trip() {
        let c = Condition::All {
            conditions: vec![
                Condition::Equals {
                    field: "request.reason".into(),
                    value: "lost".into(),
                },
                Condition::IsSet {
                    field: "note".into(),
                },
            ],
        };
        let json = serde_json::to_string(&c).unwrap();
        assert!(json.starts_with(r#"{"type":"all","conditions":[{"type":"equals""#));
        assert_eq!(serde_json::from_str::<Condition>(&json).unwrap(), c);
        let rule: PrefillRule = serde_json::from_str(r#"{"who":"self","sex":"male"}"#).unwrap();
        assert_eq!(rule.who, Who::Self_);
        assert_eq!(rule.sex, Some(Sex::Male));
        assert_eq!(serde_json::to_string(&Who::Self_).unwrap(), "\"self\"");
    }

    #[test]
    fn requirement_and_media_json() {
        let r: Requirement =
            serde_json::from_str(r#"{"type":"conditional","when_vi":"Trường hợp ủy quyền"}"#)
                .unwrap();
        assert_eq!(
            r,
            Requirement::Conditional {
                when_vi: "Trường hợp ủy quyền".into()
            }
        );
        assert_eq!(serde_json::to_string(&MediaType::Jpeg).unwrap(), "\"jpeg\"");
    }

    #[test]
    fn implied_sex_needs_agreement() {
        let mut g = Group {
            id: "father".into(),
            label_vi: "Cha".into(),
            label_en: "Father".into(),
            repeat: None,
            prefill: vec![
                PrefillRule {
                    who: Who::Self_,
                    sex: Some(Sex::Male),
                },
                PrefillRule {
                    who: Who::Spouse,
                    sex: Some(Sex::Male),
                },
            ],
            visible_when: None,
            fields: vec![],
        };
        assert_eq!(g.implied_sex(), Some(Sex::Male));
        g.prefill[1].sex = None;
        assert_eq!(g.implied_sex(), None);
        g.prefill.clear();
        assert_eq!(g.implied_sex(), None);
    }
}
