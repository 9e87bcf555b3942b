//! Checking a draft against its form: malformed values, required values and
//! documents still missing, cross-field rules (ID number vs date of birth and
//! sex, dates not in the future, minimum / maximum age, repeat-group entry
//! counts) and values whose path the schema no longer knows (e.g. after a
//! catalog update). Hidden groups and fields are neither required nor checked.

use super::condition::Answers;
use super::error::FormError;
use super::model::{Field, FieldKind, FormSchema, Group, Requirement};
use super::normalize::normalize;
use super::resolve::{field_path, value_paths, AddressPart, ResolvedField};
use crate::validate::{self, regions, Date, Problem, Sex};
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
/// or a repeat group's id for entry counts): the Portal API's own
/// `FieldIssue`, so what the device finds and what the portal answers are
/// one shape.
pub use hoso_wire::FieldIssue;

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
    let partly_filled_address = started && matches!(field.kind, FieldKind::Address);
    if !field.required && !partly_filled_address {
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
        if matches!(field.kind, FieldKind::Address) {
            return self.place_rules(field).into_iter().collect();
        }
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

    /// An address's province and commune, each well-formed, must name a
    /// unit of the table together (the finding sits on the commune), and a
    /// stored code must be that unit's.
    fn place_rules(&self, field: &Field) -> Option<FieldIssue> {
        let part = |p| field_path(&self.group.id, self.index, &field.id, Some(p));
        let at = |p| ResolvedField {
            path: part(p),
            group: self.group,
            field,
            index: self.index,
            part: Some(p),
        };
        let province = self.valid.get(&part(AddressPart::Province))?;
        let commune = self.valid.get(&part(AddressPart::Commune))?;
        let place = match regions::place(province, commune) {
            Ok(place) => place,
            Err(found) => return Some(problem_issue(&at(AddressPart::Commune), &found.problem)),
        };
        let code = self.valid.get(&part(AddressPart::Code))?;
        (*code != place.commune_code).then(|| {
            let problem = Problem::new(
                "commune_code_mismatch",
                format!("Mã xã/phường không phải mã của {}.", place.commune_name),
                format!(
                    "The commune code is not the code of {}.",
                    place.commune_name
                ),
            );
            problem_issue(&at(AddressPart::Code), &problem)
        })
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
            out.extend(validate::max_age(d, self.today, years));
        }
        out
    }

    fn id_rules(
        &self,
        id: &str,
        birth_field: Option<&str>,
        sex_field: Option<&str>,
    ) -> Vec<Problem> {
        let Ok(id) = validate::id_number_on(id, self.today) else {
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
        validate::id_matches_person_on(&id, birth, sex, self.today)
    }
}

fn too_few(group: &Group, min: u32, count: u32) -> FieldIssue {
    FieldIssue {
        field: group.id.clone(),
        code: "too_few_entries".into(),
        message_vi: format!("{}: cần ít nhất {min} mục, mới có {count}", group.label_vi),
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::form::model::{Condition, DocumentSlot, MediaType, DEFAULT_MAX_BYTES};
    use time::macros::date;

    fn field(id: &str, kind: FieldKind, required: bool) -> Field {
        Field {
            id: id.into(),
            label_vi: format!("Trường {id}"),
            label_en: format!("Field {id}"),
            kind,
            required,
            visible_when: None,
            help_vi: None,
        }
    }

    fn schema() -> FormSchema {
        let mut reason = field("lost_where", FieldKind::Text { max_chars: 20 }, true);
        reason.visible_when = Some(Condition::Equals {
            field: "lost".into(),
            value: "true".into(),
        });
        FormSchema {
            procedure_code: "x".into(),
            title_vi: "x".into(),
            title_en: "x".into(),
            builtin: true,
            version: 1,
            renamed: Vec::new(),
            parts: Vec::new(),
            groups: vec![Group {
                id: "g".into(),
                label_vi: "Nhóm".into(),
                label_en: "Group".into(),
                repeat: None,
                prefill: vec![],
                visible_when: None,
                fields: vec![
                    field("lost", FieldKind::Boolean, true),
                    reason,
                    field("old_address", FieldKind::Address, false),
                    field(
                        "dob",
                        FieldKind::Date {
                            not_future: true,
                            min_age: None,
                            max_age: Some(60),
                        },
                        false,
                    ),
                ],
            }],
            slots: vec![DocumentSlot {
                id: "doc01".into(),
                name: "Tờ khai".into(),
                group: String::new(),
                form: None,
                originals: 1,
                copies: 0,
                requirement: Requirement::Required,
                accepted: vec![MediaType::Pdf],
                max_bytes: DEFAULT_MAX_BYTES,
            }],
        }
    }

    fn run(pairs: &[(&str, &str)], docs: &[(&str, u32)]) -> CheckReport {
        let values = pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        let docs = docs.iter().map(|(k, v)| (k.to_string(), *v)).collect();
        check(
            &schema(),
            &values,
            &docs,
            CheckMode::Complete,
            date!(2025 - 11 - 20),
        )
    }

    fn fields(issues: &[FieldIssue]) -> Vec<(&str, &str)> {
        issues
            .iter()
            .map(|i| (i.field.as_str(), i.code.as_str()))
            .collect()
    }

    #[test]
    fn empty_draft_lists_required_values_and_documents() {
        let r = run(&[], &[]);
        assert!(!r.ready);
        assert_eq!(
            fields(&r.missing),
            [
                ("g.lost", "required"),
                ("documents.doc01", "document_missing")
            ]
        );
        assert_eq!(r.missing[0].message_vi, "Chưa nhập Trường lost (Nhóm)");
        assert_eq!(r.missing[0].message_en, "Field lost (Group) is required");
    }

    #[test]
    fn conditional_field_required_only_when_shown() {
        let r = run(&[("g.lost", "không")], &[("doc01", 1)]);
        assert!(r.ready, "{r:#?}");
        let r = run(&[("g.lost", "có")], &[("doc01", 1)]);
        assert_eq!(fields(&r.missing), [("g.lost_where", "required")]);
        // Whitespace-only counts as absent.
        let r = run(
            &[("g.lost", "có"), ("g.lost_where", "   ")],
            &[("doc01", 1)],
        );
        assert_eq!(fields(&r.missing), [("g.lost_where", "required")]);
    }

    #[test]
    fn optional_address_once_started_needs_every_part() {
        let r = run(
            &[("g.lost", "no"), ("g.old_address.province", "Hà Nội")],
            &[("doc01", 1)],
        );
        assert_eq!(
            fields(&r.missing),
            [
                ("g.old_address.commune", "required"),
                ("g.old_address.detail", "required")
            ]
        );
    }

    #[test]
    fn malformed_and_out_of_range_values_are_invalid() {
        let r = run(
            &[("g.lost", "maybe"), ("g.dob", "01/01/1950")],
            &[("doc01", 1), ("doc02", 1), ("doc03", 0)],
        );
        assert!(r.missing.is_empty(), "{r:#?}");
        assert_eq!(
            fields(&r.invalid),
            [
                ("g.lost", "boolean_invalid"),
                ("g.dob", "over_age"),
                ("documents.doc02", "unknown_document")
            ]
        );
        assert!(r.invalid[0].message_vi.starts_with("Trường lost (Nhóm): "));
    }
}
