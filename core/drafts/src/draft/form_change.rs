//! A draft started on one version of its form, read along a newer one
//! (issue #22 item 4): values whose fields remain are kept; a value whose
//! field a later version renamed follows it (with its repeat index and
//! address part); a value whose field is gone is kept as it is and
//! reported (the draft lists it among its unknown values); a value its
//! field no longer accepts is kept as typed and reported. Nothing is
//! dropped. Pure: the store shows the changes before the user accepts the
//! catalog update (`validate`) and applies them when they do.

use crate::form::{normalize_checked, FormSchema};
use serde::Serialize;
use std::collections::BTreeMap;

/// One value that needs the user's attention after a form change.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FormChange {
    /// `field_renamed`, `field_removed` or `field_retyped`.
    pub code: &'static str,
    /// The value's path on the draft's form.
    pub field: String,
    /// Its path on the new form, for a renamed field.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub to: Option<String>,
    pub message_vi: String,
    pub message_en: String,
}

/// The draft's values along the new form, and what changed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Moved {
    pub values: BTreeMap<String, String>,
    /// Paths that moved, old → new (for the prefill record).
    pub renamed: BTreeMap<String, String>,
    pub changes: Vec<FormChange>,
}

/// Reads `values` (entered on form version `from`) along `schema`.
pub fn along(values: &BTreeMap<String, String>, from: u32, schema: &FormSchema) -> Moved {
    let mut moved = Moved {
        values: BTreeMap::new(),
        renamed: BTreeMap::new(),
        changes: Vec::new(),
    };
    for (path, value) in values {
        let target = match schema.resolve(path) {
            Ok(_) => path.clone(),
            Err(_) => match renamed_path(path, from, schema) {
                // Never onto a value already there (entered on the new path,
                // or moved there by another rename): that one stays where it
                // was, reported.
                Some(to) if !values.contains_key(&to) && !moved.values.contains_key(&to) => {
                    moved.changes.push(renamed(path, &to));
                    moved.renamed.insert(path.clone(), to.clone());
                    to
                }
                _ => {
                    moved.changes.push(removed(path));
                    moved.values.insert(path.clone(), value.clone());
                    continue;
                }
            },
        };
        if let Ok(field) = schema.resolve(&target) {
            if let Err(problem) = normalize_checked(&field, value) {
                moved.changes.push(FormChange {
                    code: "field_retyped",
                    field: path.clone(),
                    to: (target != *path).then(|| target.clone()),
                    message_vi: format!(
                        "Trường {target} đã đổi trên mẫu mới; giá trị đã nhập cần sửa: {}",
                        problem.message_vi
                    ),
                    message_en: format!(
                        "Field {target} changed on the new form; the value entered needs correcting: {}",
                        problem.message_en
                    ),
                });
            }
        }
        moved.values.insert(target, value.clone());
    }
    moved
}

/// The path `path` has on `schema` after the renames of versions later
/// than `from`, applied in version order.
fn renamed_path(path: &str, from: u32, schema: &FormSchema) -> Option<String> {
    let (head, rest) = path.split_once('.')?;
    let (field, part) = match rest.split_once('.') {
        Some((f, p)) => (f, Some(p)),
        None => (rest, None),
    };
    let (group, index) = match head.split_once('[') {
        Some((g, i)) => (g, Some(i)),
        None => (head, None),
    };
    let mut renames: Vec<_> = schema.renamed.iter().filter(|r| r.version > from).collect();
    renames.sort_by_key(|r| r.version);
    let mut now = format!("{group}.{field}");
    let mut changed = false;
    for r in renames {
        if r.from == now {
            now = r.to.clone();
            changed = true;
        }
    }
    if !changed {
        return None;
    }
    let (group, field) = now.split_once('.')?;
    let mut out = group.to_string();
    if let Some(index) = index {
        out.push('[');
        out.push_str(index);
    }
    out.push('.');
    out.push_str(field);
    if let Some(part) = part {
        out.push('.');
        out.push_str(part);
    }
    schema.resolve(&out).ok().map(|_| out)
}

fn renamed(path: &str, to: &str) -> FormChange {
    FormChange {
        code: "field_renamed",
        field: path.to_string(),
        to: Some(to.to_string()),
        message_vi: format!("Trường {path} nay là {to} trên mẫu mới; giá trị đã chuyển theo."),
        message_en: format!("Field {path} is {to} on the new form; its value moved with it."),
    }
}

fn removed(path: &str) -> FormChange {
    FormChange {
        code: "field_removed",
        field: path.to_string(),
        to: None,
        message_vi: format!(
            "Mẫu mới không còn trường {path}; giá trị đã nhập vẫn được giữ để bạn xem lại."
        ),
        message_en: format!(
            "The new form no longer has field {path}; the value entered is kept for you to review."
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::form::{Field, FieldKind, Group, Renamed};

    fn schema(renamed: Vec<Renamed>) -> FormSchema {
        let field = |id: &str| Field {
            id: id.into(),
            label_vi: id.into(),
            label_en: id.into(),
            kind: FieldKind::Text { max_chars: 50 },
            required: false,
            visible_when: None,
            help_vi: None,
        };
        FormSchema {
            procedure_code: "1.1".into(),
            title_vi: "t".into(),
            title_en: "t".into(),
            builtin: true,
            version: 2,
            renamed,
            parts: Vec::new(),
            groups: vec![Group {
                id: "a".into(),
                label_vi: "a".into(),
                label_en: "a".into(),
                repeat: None,
                prefill: vec![],
                visible_when: None,
                fields: vec![field("name")],
            }],
            slots: vec![],
        }
    }

    #[test]
    fn two_values_renamed_onto_one_field_keep_both() {
        let renames = ["a.first", "a.given"]
            .into_iter()
            .map(|from| Renamed {
                from: from.into(),
                to: "a.name".into(),
                version: 2,
            })
            .collect();
        let values: BTreeMap<String, String> = [("a.first", "An"), ("a.given", "Bình")]
            .into_iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        let moved = along(&values, 1, &schema(renames));
        assert_eq!(moved.values.len(), 2, "{moved:?}");
        assert_eq!(moved.values["a.name"], "An");
        assert_eq!(moved.values["a.given"], "Bình");
        let codes: Vec<_> = moved.changes.iter().map(|c| c.code).collect();
        assert_eq!(codes, ["field_renamed", "field_removed"]);
    }
}
