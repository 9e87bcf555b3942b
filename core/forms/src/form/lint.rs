//! Schema sanity checks (`FormSchema::lint`): ids well-formed and unique,
//! labels present, choices non-empty, ID-number sibling fields of the right
//! kind, conditions pointing at real fields and real option values, sane
//! repeat/number/age bounds, usable document slots. Run by tests over every
//! builtin form and every generic schema of the catalog.

use super::model::{Condition, Field, FieldKind, FormSchema, Group};
use super::resolve::field_path;
use std::collections::HashSet;

/// The most parts a linked group may have (the portal's limit too).
pub const MAX_PARTS: usize = 10;

/// `1.001193`: digits, a dot, digits (at most 20 characters).
fn is_procedure_code(code: &str) -> bool {
    let Some((a, b)) = code.split_once('.') else {
        return false;
    };
    code.len() <= 20
        && !a.is_empty()
        && !b.is_empty()
        && a.bytes().chain(b.bytes()).all(|c| c.is_ascii_digit())
}

impl FormSchema {
    /// Everything wrong with this schema, one English sentence each; empty
    /// when the schema is usable.
    pub fn lint(&self) -> Vec<String> {
        let mut out = Vec::new();
        if self.procedure_code.trim().is_empty() {
            out.push("procedure_code is empty".into());
        }
        if self.title_vi.trim().is_empty() || self.title_en.trim().is_empty() {
            out.push("a title is empty".into());
        }
        let mut group_ids = HashSet::new();
        for group in &self.groups {
            if !group_ids.insert(group.id.as_str()) {
                out.push(format!("group `{}` is defined twice", group.id));
            }
            self.lint_group(group, &mut out);
        }
        let mut targets = HashSet::new();
        for r in &self.renamed {
            if !targets.insert((r.version, r.to.as_str())) {
                out.push(format!(
                    "two fields renamed to `{}` at version {}",
                    r.to, r.version
                ));
            }
            let names_a_field =
                r.to.split_once('.')
                    .and_then(|(g, f)| self.group(g)?.fields.iter().find(|x| x.id == f))
                    .is_some();
            if !names_a_field || r.from == r.to || !r.from.contains('.') {
                out.push(format!("renamed `{}` → `{}` names no field", r.from, r.to));
            }
            if r.version == 0 || r.version > self.version {
                out.push(format!(
                    "renamed `{}` at version {}, the form is at {}",
                    r.from, r.version, self.version
                ));
            }
        }
        self.lint_parts(&mut out);
        let mut slot_ids = HashSet::new();
        for slot in &self.slots {
            if !slot_ids.insert(slot.id.as_str()) {
                out.push(format!("slot `{}` is defined twice", slot.id));
            }
            if !is_id(&slot.id) || slot.name.trim().is_empty() {
                out.push(format!("slot `{}` has a bad id or an empty name", slot.id));
            }
            if slot.accepted.is_empty() || slot.max_bytes == 0 {
                out.push(format!("slot `{}` accepts no file", slot.id));
            }
            if let super::model::Requirement::Conditional { when_vi } = &slot.requirement {
                if when_vi.trim().is_empty() {
                    out.push(format!("slot `{}` has an empty condition", slot.id));
                }
            }
        }
        out
    }

    /// A linked group's parts: none, or 2 to [`MAX_PARTS`] with distinct
    /// snake_case ids, both labels, and a procedure code (when given) that
    /// looks like one and is not the group's own.
    fn lint_parts(&self, out: &mut Vec<String>) {
        if self.parts.len() == 1 || self.parts.len() > MAX_PARTS {
            out.push(format!(
                "a linked group has 2 to {MAX_PARTS} parts, not {}",
                self.parts.len()
            ));
        }
        let mut ids = HashSet::new();
        for part in &self.parts {
            if !is_id(&part.id) || part.id.len() > 64 || !ids.insert(part.id.as_str()) {
                out.push(format!("part `{}` has a bad or repeated id", part.id));
            }
            if part.label_vi.trim().is_empty() || part.label_en.trim().is_empty() {
                out.push(format!("part `{}` lacks a label", part.id));
            }
            if let Some(code) = &part.procedure_code {
                if !is_procedure_code(code) || *code == self.procedure_code {
                    out.push(format!("part `{}` names procedure `{code}`", part.id));
                }
            }
        }
    }

    fn lint_group(&self, group: &Group, out: &mut Vec<String>) {
        let g = &group.id;
        if !is_id(g) {
            out.push(format!("group id `{g}` is not snake_case"));
        }
        if group.label_vi.trim().is_empty() || group.label_en.trim().is_empty() {
            out.push(format!("group `{g}` lacks a label"));
        }
        if group.fields.is_empty() {
            out.push(format!("group `{g}` has no fields"));
        }
        if let Some(r) = group.repeat {
            if r.max == 0 || r.min > r.max || r.max > 1000 {
                out.push(format!("group `{g}` repeats {}..{}", r.min, r.max));
            }
        }
        if let Some(c) = &group.visible_when {
            self.lint_condition(c, group, true, out);
        }
        let mut field_ids = HashSet::new();
        for field in &group.fields {
            if !field_ids.insert(field.id.as_str()) {
                out.push(format!("field `{g}.{}` is defined twice", field.id));
            }
            self.lint_field(group, field, out);
        }
    }

    fn lint_field(&self, group: &Group, field: &Field, out: &mut Vec<String>) {
        let at = format!("{}.{}", group.id, field.id);
        if !is_id(&field.id) {
            out.push(format!("field id `{at}` is not snake_case"));
        }
        if field.label_vi.trim().is_empty() || field.label_en.trim().is_empty() {
            out.push(format!("field `{at}` lacks a label"));
        }
        match &field.kind {
            FieldKind::Text { max_chars } if *max_chars == 0 => {
                out.push(format!("field `{at}` allows no characters"))
            }
            FieldKind::Number {
                min: Some(lo),
                max: Some(hi),
            } if lo > hi => out.push(format!("field `{at}` has min > max")),
            FieldKind::Date {
                min_age: Some(lo),
                max_age: Some(hi),
                ..
            } if lo > hi => out.push(format!("field `{at}` has min_age > max_age")),
            FieldKind::Digits { lengths } => {
                let mut seen = HashSet::new();
                let bad = lengths.is_empty()
                    || lengths
                        .iter()
                        .any(|&n| n == 0 || n > crate::validate::MAX_DIGITS || !seen.insert(n));
                if bad {
                    out.push(format!(
                        "digits `{at}` needs distinct lengths from 1 to {}",
                        crate::validate::MAX_DIGITS
                    ));
                }
            }
            FieldKind::Choice { options } => {
                if options.is_empty() {
                    out.push(format!("choice `{at}` has no options"));
                }
                let mut values = HashSet::new();
                for o in options {
                    if o.value.trim().is_empty() || !values.insert(o.value.as_str()) {
                        out.push(format!("choice `{at}` has an empty or repeated value"));
                    }
                    if o.label_vi.trim().is_empty() || o.label_en.trim().is_empty() {
                        out.push(format!("choice `{at}` option `{}` lacks a label", o.value));
                    }
                }
            }
            FieldKind::IdNumber {
                birth_field,
                sex_field,
            } => {
                let sibling_kind = |id: &Option<String>| {
                    id.as_deref()
                        .map(|id| group.field(id).map(|f| f.kind.name()))
                };
                if let Some(kind) = sibling_kind(birth_field) {
                    if kind != Some("date") {
                        out.push(format!("`{at}` birth_field is not a date sibling"));
                    }
                }
                if let Some(kind) = sibling_kind(sex_field) {
                    if kind != Some("sex") {
                        out.push(format!("`{at}` sex_field is not a sex sibling"));
                    }
                }
            }
            _ => {}
        }
        if let Some(c) = &field.visible_when {
            self.lint_condition(c, group, false, out);
        }
    }

    /// Conditions must name an existing field (a bare id: a sibling; a
    /// group's own condition may not use bare ids) and compare with a value
    /// that field can take.
    fn lint_condition(&self, c: &Condition, group: &Group, on_group: bool, out: &mut Vec<String>) {
        let (field, value) = match c {
            Condition::Equals { field, value } | Condition::NotEquals { field, value } => {
                (field, Some(value))
            }
            Condition::IsSet { field } => (field, None),
            Condition::All { conditions } | Condition::Any { conditions } => {
                if conditions.is_empty() {
                    out.push(format!(
                        "an empty all/any condition in group `{}`",
                        group.id
                    ));
                }
                for c in conditions {
                    self.lint_condition(c, group, on_group, out);
                }
                return;
            }
        };
        let path = if field.contains('.') {
            field.clone()
        } else if on_group {
            out.push(format!(
                "group `{}` condition uses a bare id `{field}`",
                group.id
            ));
            return;
        } else {
            field_path(&group.id, group.repeat.map(|_| 0), field, None)
        };
        let target = match self.resolve(&path) {
            Ok(r) => r,
            Err(e) => {
                out.push(format!(
                    "condition in group `{}`: {}",
                    group.id,
                    e.message_en()
                ));
                return;
            }
        };
        if target.group.repeat.is_some() && target.group.id != group.id {
            out.push(format!(
                "condition in group `{}` reads repeat group `{}`",
                group.id, target.group.id
            ));
        }
        let Some(value) = value else { return };
        let ok = match &target.field.kind {
            FieldKind::Choice { options } => options.iter().any(|o| &o.value == value),
            FieldKind::Boolean => value == "true" || value == "false",
            FieldKind::Sex => value == "male" || value == "female",
            _ => true,
        };
        if !ok {
            out.push(format!(
                "condition in group `{}` compares `{field}` with `{value}`, which it never holds",
                group.id
            ));
        }
    }
}

/// snake_case ASCII: `[a-z0-9_]+`, starting with a letter.
fn is_id(s: &str) -> bool {
    s.chars().next().is_some_and(|c| c.is_ascii_lowercase())
        && s.chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::form::generic::applicant_group;
    use crate::form::model::{ChoiceOption, Repeat};

    fn schema(groups: Vec<Group>) -> FormSchema {
        FormSchema {
            procedure_code: "1.000000".into(),
            title_vi: "Thử".into(),
            title_en: "Test".into(),
            builtin: true,
            version: 1,
            renamed: Vec::new(),
            parts: Vec::new(),
            groups,
            slots: vec![],
        }
    }

    #[test]
    fn the_applicant_block_is_clean() {
        assert_eq!(schema(vec![applicant_group()]).lint(), Vec::<String>::new());
    }

    #[test]
    fn finds_broken_references() {
        let mut g = applicant_group();
        g.fields.push(Field {
            id: "reason".into(),
            label_vi: "Lý do".into(),
            label_en: "Reason".into(),
            kind: FieldKind::Choice {
                options: vec![ChoiceOption {
                    value: "lost".into(),
                    label_vi: "Mất".into(),
                    label_en: "Lost".into(),
                }],
            },
            required: true,
            visible_when: None,
            help_vi: None,
        });
        g.fields.push(Field {
            id: "where_lost".into(),
            label_vi: "Nơi mất".into(),
            label_en: "Where".into(),
            kind: FieldKind::Text { max_chars: 10 },
            required: true,
            visible_when: Some(Condition::Equals {
                field: "reason".into(),
                value: "stolen".into(),
            }),
            help_vi: None,
        });
        g.fields[3].kind = FieldKind::IdNumber {
            birth_field: Some("sex".into()),
            sex_field: Some("nope".into()),
        };
        let mut other = applicant_group();
        other.id = "Bad-Id".into();
        other.repeat = Some(Repeat { min: 3, max: 2 });
        other.visible_when = Some(Condition::IsSet {
            field: "reason".into(),
        });
        let problems = schema(vec![g, other]).lint();
        let all = problems.join("\n");
        assert!(all.contains("never holds"), "{all}");
        assert!(all.contains("birth_field"), "{all}");
        assert!(all.contains("sex_field"), "{all}");
        assert!(all.contains("not snake_case"), "{all}");
        assert!(all.contains("repeats 3..2"), "{all}");
        assert!(all.contains("bare id"), "{all}");
    }
}
