//! Visibility: evaluating `visible_when` conditions on the current answers.
//! A hidden group or field is neither required nor validated, and a hidden
//! field counts as unset in the conditions of others.

use super::model::{Condition, Field, FormSchema, Group};
use super::normalize::normalize;
use super::resolve::field_path;
use crate::text::fold;
use std::collections::BTreeMap;

/// Conditions may refer to fields that are themselves conditional; chains
/// longer than this (or cycles) are treated as hidden.
const MAX_DEPTH: u8 = 16;

/// A draft's values resolved against a schema: canonical path → normalized
/// value (the trimmed raw text when it does not normalize). Empty values and
/// paths the schema does not know are left out.
#[derive(Debug, Clone)]
pub struct Answers<'s> {
    schema: &'s FormSchema,
    values: BTreeMap<String, String>,
}

impl<'s> Answers<'s> {
    pub fn new(schema: &'s FormSchema, raw: &BTreeMap<String, String>) -> Self {
        let mut values = BTreeMap::new();
        for (path, value) in raw {
            let value = value.trim();
            if value.is_empty() {
                continue;
            }
            if let Ok(resolved) = schema.resolve(path) {
                let stored = normalize(&resolved, value).unwrap_or_else(|_| value.to_string());
                values.insert(resolved.path, stored);
            }
        }
        Answers { schema, values }
    }

    pub fn schema(&self) -> &'s FormSchema {
        self.schema
    }

    /// The value at a canonical path, visible or not.
    pub fn get(&self, path: &str) -> Option<&str> {
        self.values.get(path).map(String::as_str)
    }

    /// Entry numbers present in a repeat group (any non-empty value), sorted.
    pub fn indices(&self, group: &Group) -> Vec<u32> {
        let prefix = format!("{}[", group.id);
        let mut out: Vec<u32> = self
            .values
            .keys()
            .filter_map(|k| k.strip_prefix(&prefix))
            .filter_map(|rest| rest.split_once(']'))
            .filter_map(|(digits, _)| digits.parse().ok())
            .collect();
        out.sort_unstable();
        out.dedup();
        out
    }

    pub fn group_visible(&self, group: &Group) -> bool {
        self.group_visible_at(group, 0)
    }

    /// Whether a field of a group entry is shown (its group is shown too).
    pub fn field_visible(&self, group: &Group, index: Option<u32>, field: &Field) -> bool {
        self.field_visible_at(group, index, field, 0)
    }

    /// Whether `condition` holds, reading bare field ids in `group`'s entry `index`.
    pub fn holds(&self, condition: &Condition, group: &Group, index: Option<u32>) -> bool {
        self.holds_at(condition, group, index, 0)
    }

    /// The value at `path` when the field it belongs to is visible.
    pub fn visible_value(&self, path: &str) -> Option<&str> {
        self.visible_value_at(path, 0)
    }

    fn group_visible_at(&self, group: &Group, depth: u8) -> bool {
        match &group.visible_when {
            None => true,
            Some(_) if depth >= MAX_DEPTH => false,
            Some(c) => self.holds_at(c, group, None, depth + 1),
        }
    }

    fn field_visible_at(
        &self,
        group: &Group,
        index: Option<u32>,
        field: &Field,
        depth: u8,
    ) -> bool {
        if !self.group_visible_at(group, depth) {
            return false;
        }
        match &field.visible_when {
            None => true,
            Some(_) if depth >= MAX_DEPTH => false,
            Some(c) => self.holds_at(c, group, index, depth + 1),
        }
    }

    fn visible_value_at(&self, path: &str, depth: u8) -> Option<&str> {
        let resolved = self.schema.resolve(path).ok()?;
        let value = self.values.get(&resolved.path)?;
        self.field_visible_at(resolved.group, resolved.index, resolved.field, depth)
            .then_some(value.as_str())
    }

    fn lookup(&self, field: &str, group: &Group, index: Option<u32>, depth: u8) -> Option<&str> {
        let path = if field.contains('.') {
            field.to_string()
        } else {
            field_path(&group.id, index, field, None)
        };
        self.visible_value_at(&path, depth)
    }

    fn holds_at(&self, c: &Condition, group: &Group, index: Option<u32>, depth: u8) -> bool {
        if depth > MAX_DEPTH {
            return false;
        }
        match c {
            Condition::Equals { field, value } => self
                .lookup(field, group, index, depth)
                .is_some_and(|v| same(v, value)),
            Condition::NotEquals { field, value } => !self
                .lookup(field, group, index, depth)
                .is_some_and(|v| same(v, value)),
            Condition::IsSet { field } => self.lookup(field, group, index, depth).is_some(),
            Condition::All { conditions } => conditions
                .iter()
                .all(|c| self.holds_at(c, group, index, depth + 1)),
            Condition::Any { conditions } => conditions
                .iter()
                .any(|c| self.holds_at(c, group, index, depth + 1)),
        }
    }
}

fn same(a: &str, b: &str) -> bool {
    a == b.trim() || fold(a) == fold(b.trim())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::form::model::{FieldKind, Repeat};

    fn field(id: &str, kind: FieldKind, visible_when: Option<Condition>) -> Field {
        Field {
            id: id.into(),
            label_vi: id.into(),
            label_en: id.into(),
            kind,
            required: true,
            visible_when,
            help_vi: None,
        }
    }

    fn eq(field: &str, value: &str) -> Condition {
        Condition::Equals {
            field: field.into(),
            value: value.into(),
        }
    }

    fn schema() -> FormSchema {
        FormSchema {
            procedure_code: "x".into(),
            title_vi: "x".into(),
            title_en: "x".into(),
            builtin: true,
            version: 1,
            renamed: Vec::new(),
            parts: Vec::new(),
            groups: vec![
                Group {
                    id: "child".into(),
                    label_vi: "Con".into(),
                    label_en: "Child".into(),
                    repeat: None,
                    prefill: vec![],
                    visible_when: None,
                    fields: vec![
                        field("father_known", FieldKind::Boolean, None),
                        field(
                            "note",
                            FieldKind::Text { max_chars: 10 },
                            Some(eq("father_known", "false")),
                        ),
                    ],
                },
                Group {
                    id: "father".into(),
                    label_vi: "Cha".into(),
                    label_en: "Father".into(),
                    repeat: None,
                    prefill: vec![],
                    visible_when: Some(eq("child.father_known", "true")),
                    fields: vec![field("full_name", FieldKind::PersonName, None)],
                },
                Group {
                    id: "members".into(),
                    label_vi: "Thành viên".into(),
                    label_en: "Member".into(),
                    repeat: Some(Repeat { min: 0, max: 5 }),
                    prefill: vec![],
                    visible_when: None,
                    fields: vec![
                        field("sex", FieldKind::Sex, None),
                        field(
                            "maiden_name",
                            FieldKind::PersonName,
                            Some(eq("sex", "female")),
                        ),
                        // A cycle: each visible only when the other is set.
                        field(
                            "a",
                            FieldKind::Boolean,
                            Some(Condition::IsSet { field: "b".into() }),
                        ),
                        field(
                            "b",
                            FieldKind::Boolean,
                            Some(Condition::IsSet { field: "a".into() }),
                        ),
                    ],
                },
            ],
            slots: vec![],
        }
    }

    fn values(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
        pairs
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect()
    }

    #[test]
    fn group_and_field_visibility_follow_answers() {
        let s = schema();
        let father = s.group("father").unwrap();
        let child = s.group("child").unwrap();
        let note = child.field("note").unwrap();
        let a = Answers::new(&s, &values(&[("child.father_known", "có")]));
        assert!(a.group_visible(father));
        assert!(!a.field_visible(child, None, note));
        let a = Answers::new(
            &s,
            &values(&[("child.father_known", "không"), ("father.full_name", "An")]),
        );
        assert!(!a.group_visible(father));
        assert!(a.field_visible(child, None, note));
        // The hidden father's name counts as unset.
        assert_eq!(a.visible_value("father.full_name"), None);
        assert_eq!(a.get("father.full_name"), Some("An"));
        let a = Answers::new(&s, &values(&[]));
        assert!(!a.group_visible(father));
    }

    #[test]
    fn bare_ids_read_the_same_repeat_entry() {
        let s = schema();
        let members = s.group("members").unwrap();
        let maiden = members.field("maiden_name").unwrap();
        let a = Answers::new(
            &s,
            &values(&[
                ("members[0].sex", "nữ"),
                ("members[3].sex", "nam"),
                ("members[3].a", ""),
            ]),
        );
        assert!(a.field_visible(members, Some(0), maiden));
        assert!(!a.field_visible(members, Some(3), maiden));
        assert_eq!(a.indices(members), vec![0, 3]);
    }

    #[test]
    fn cycles_end_hidden() {
        let s = schema();
        let members = s.group("members").unwrap();
        let fa = members.field("a").unwrap();
        let a = Answers::new(
            &s,
            &values(&[("members[0].a", "có"), ("members[0].b", "có")]),
        );
        assert!(!a.field_visible(members, Some(0), fa));
    }
}
