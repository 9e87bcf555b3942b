//! Checking a draft against its form: malformed values, required values and
//! documents still missing, cross-field rules (ID number vs date of birth and
//! sex, dates not in the future, minimum / maximum age, repeat-group entry
//! counts) and values whose path the schema no longer knows (e.g. after a
//! catalog update). Hidden groups and fields are neither required nor checked.

use super::condition::Answers;
use super::error::FormError;
use super::model::{Field, FieldKind, FormSchema, Group, Requirement};
use super::normalize::normalize;
use super::resolve::{field_path, value_paths, ResolvedField};
use crate::validate::{self, Date, Problem, Sex};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Which check a caller wants.
///
/// Both modes report the same `missing` and `invalid` lists and `ready` is
/// true only when both are empty: `Partial` is the check run while a draft
/// is being filled (show what is wrong and what is left), `Complete` the one
/// run before submission. The mode is echoed in the report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CheckMode {
    Partial,
    Complete,
}

/// One thing missing or wrong, located by value path (or `documents.<slot>`,
/// or a repeat group's id for entry counts).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FieldIssue {
    pub field: String,
    pub code: String,
    pub message_vi: String,
    pub message_en: String,
}

/// The result of [`check`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CheckReport {
    pub ready: bool,
    pub missing: Vec<FieldIssue>,
    pub invalid: Vec<FieldIssue>,
    pub mode: CheckMode,
}

/// Checks `values` (value path → what the person typed, or its normalized
/// form) and `documents` (slot id → number of files attached) against
/// `schema`, as of `today`.
pub fn check(
    schema: &FormSchema,
    values: &BTreeMap<String, String>,
    documents: &BTreeMap<String, u32>,
    mode: CheckMode,
    today: Date,
) -> CheckReport {
    let answers = Answers::new(schema, values);
    let mut missing = Vec::new();
    let mut invalid = Vec::new();

    // Each value on its own: does its path resolve, is it well-formed?
    let mut valid: BTreeMap<String, String> = BTreeMap::new();
    for (path, raw) in values {
        if raw.trim().is_empty() {
            continue;
        }
        match schema.resolve(path) {
            Err(e) => invalid.push(path_issue(path, &e)),
            Ok(r) => {
                if !answers.field_visible(r.group, r.index, r.field) {
                    continue;
                }
                match normalize(&r, raw) {
                    Ok(v) => {
                        valid.insert(r.path, v);
                    }
                    Err(p) => invalid.push(problem_issue(&r, &p)),
                }
            }
        }
    }

    // Schema order: required values, entry counts, cross-field rules.
    for group in &schema.groups {
        if !answers.group_visible(group) {
            continue;
        }
        let entries: Vec<Option<u32>> = match group.repeat {
            None => vec![None],
            Some(repeat) => {
                let indices = answers.indices(group);
                let count = u32::try_from(indices.len()).unwrap_or(u32::MAX);
                if count < repeat.min {
                    missing.push(too_few(group, repeat.min, count));
                }
                indices.into_iter().map(Some).collect()
            }
        };
        for index in entries {
            for field in &group.fields {
                if !answers.field_visible(group, index, field) {
                    continue;
                }
                missing.extend(missing_parts(&answers, group, index, field));
                let ctx = Entry {
                    group,
                    index,
                    valid: &valid,
                    today,
                };
                invalid.extend(ctx.cross_field(field));
            }
        }
    }

    // Documents.
    for slot in &schema.slots {
        let attached = documents.get(&slot.id).copied().unwrap_or(0);
        if slot.requirement == Requirement::Required && attached == 0 {
            let name = short(&slot.name, 120);
            missing.push(FieldIssue {
                field: format!("documents.{}", slot.id),
                code: "document_missing".into(),
                message_vi: format!("Chưa đính kèm giấy tờ: {name}"),
                message_en: format!("Document not attached: {name}"),
            });
        }
    }
    for (id, &attached) in documents {
        if attached > 0 && schema.slot(id).is_none() {
            invalid.push(FieldIssue {
                field: format!("documents.{id}"),
                code: "unknown_document".into(),
                message_vi: format!(
                    "Biểu mẫu không còn mục giấy tờ `{id}` (danh mục thủ tục đã thay đổi?)"
                ),
                message_en: format!(
                    "The form no longer has document slot `{id}` (catalog updated?)"
                ),
            });
        }
    }

    CheckReport {
        ready: missing.is_empty() && invalid.is_empty(),
        missing,
        invalid,
        mode,
    }
}

/// Required values of one visible field entry that are absent. An optional
/// address with some parts filled needs the others too.
fn missing_parts(
    answers: &Answers,
    group: &Group,
    index: Option<u32>,
    field: &Field,
) -> Vec<FieldIssue> {
    let paths = value_paths(group, index, field);
    let started = paths.iter().any(|(p, _)| answers.get(p).is_some());
    if !field.required && !(started && matches!(field.kind, FieldKind::Address)) {
        return Vec::new();
    }
    paths
        .into_iter()
        .filter(|(p, _)| answers.get(p).is_none())
        .map(|(path, part)| {
            let r = ResolvedField {
                path: path.clone(),
                group,
                field,
                index,
                part,
            };
            FieldIssue {
                field: path,
                code: "required".into(),
                message_vi: format!("Chưa nhập {}", r.label_vi()),
                message_en: format!("{} is required", r.label_en()),
            }
        })
        .collect()
}

/// One group entry, for rules that read several of its fields.
struct Entry<'a> {
    group: &'a Group,
    index: Option<u32>,
    valid: &'a BTreeMap<String, String>,
    today: Date,
}

impl Entry<'_> {
    fn value(&self, field_id: &str) -> Option<&str> {
        let path = field_path(&self.group.id, self.index, field_id, None);
        self.valid.get(&path).map(String::as_str)
    }

    fn cross_field(&self, field: &Field) -> Vec<FieldIssue> {
        let Some(value) = self.value(&field.id) else {
            return Vec::new();
        };
        let r = ResolvedField {
            path: field_path(&self.group.id, self.index, &field.id, None),
            group: self.group,
            field,
            index: self.index,
            part: None,
        };
        let problems = match &field.kind {
            FieldKind::Date {
                not_future,
                min_age,
                max_age,
            } => match validate::date(value) {
                Ok(d) => self.date_rules(d, *not_future, *min_age, *max_age),
                Err(_) => Vec::new(),
            },
            FieldKind::IdNumber {
                birth_field,
                sex_field,
            } => self.id_rules(value, birth_field.as_deref(), sex_field.as_deref()),
            _ => Vec::new(),
        };
        problems.iter().map(|p| problem_issue(&r, p)).collect()
    }

    fn date_rules(
        &self,
        d: Date,
        not_future: bool,
        min_age: Option<u8>,
        max_age: Option<u8>,
    ) -> Vec<Problem> {
        let mut out = Vec::new();
        if not_future {
            out.extend(validate::birth_date(d, self.today));
        }
        if let Some(years) = min_age {
            out.extend(validate::min_age(d, self.today, years));
        }
        if let Some(years) = max_age {
            if validate::age_on(d, self.today) > i32::from(years) {
                out.push(super::normalize::problem(
                    "over_age",
                    format!("Người này phải không quá {years} tuổi."),
                    format!("This person must be at most {years} years old."),
                ));
            }
        }
        out
    }

    fn id_rules(&self, id: &str, birth_field: Option<&str>, sex_field: Option<&str>) -> Vec<Problem> {
        let Ok(id) = validate::id_number(id) else {
            return Vec::new();
        };
        let birth = birth_field
            .and_then(|f| self.value(f))
            .and_then(|v| validate::date(v).ok());
        let sex = sex_field
            .and_then(|f| self.value(f))
            .and_then(|v| Sex::parse(v).ok())
            .or_else(|| self.group.implied_sex());
        if birth.is_none() && sex.is_none() {
            return Vec::new();
        }
        validate::id_matches_person(&id, birth, sex)
    }
}

fn too_few(group: &Group, min: u32, count: u32) -> FieldIssue {
    FieldIssue {
        field: group.id.clone(),
        code: "too_few_entries".into(),
        message_vi: format!(
            "{}: cần ít nhất {min} mục, mới có {count}",
            group.label_vi
        ),
        message_en: format!(
            "{}: at least {min} entries needed, {count} given",
            group.label_en
        ),
    }
}

fn path_issue(path: &str, e: &FormError) -> FieldIssue {
    let code = match e {
        FormError::BadIndex { .. } => "too_many_entries",
        _ => "unknown_field",
    };
    FieldIssue {
        field: path.to_string(),
        code: code.into(),
        message_vi: e.message_vi(),
        message_en: e.message_en(),
    }
}

fn problem_issue(r: &ResolvedField, p: &Problem) -> FieldIssue {
    FieldIssue {
        field: r.path.clone(),
        code: p.code.to_string(),
        message_vi: format!("{}: {}", r.label_vi(), p.message_vi),
        message_en: format!("{}: {}", r.label_en(), p.message_en),
    }
}

fn short(s: &str, max_chars: usize) -> String {
    if s.chars().count() <= max_chars {
        s.to_string()
    } else {
        let mut out: String = s.chars().take(max_chars).collect();
        out.push('…');
        out
    }
}
