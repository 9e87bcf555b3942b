//! What changed in a procedure's document requirements between the catalog
//! version a draft was made against and the current one. A snapshot of each
//! procedure's requirements is kept per catalog version the drafts use —
//! shared by those drafts rather than copied into each, sealed under a
//! blinded key — and compared on validation.

use crate::form::{FormSchema, Requirement};
use crate::text::fold;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// One document requirement as it stood when the draft was made.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RequirementSnapshot {
    pub slot: String,
    #[serde(default)]
    pub group: String,
    pub name: String,
    pub originals: u32,
    pub copies: u32,
    /// `required`, `optional` or `conditional`.
    pub requirement: String,
}

/// One difference between the draft's requirements and the current ones.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RequirementChange {
    /// `document_added`, `document_removed`, `document_changed`,
    /// `requirements_changed` or `procedure_removed`.
    pub code: &'static str,
    /// The document concerned (empty for `procedure_removed`).
    pub document: String,
    pub message_vi: String,
    pub message_en: String,
}

fn requirement_name(r: &Requirement) -> &'static str {
    match r {
        Requirement::Required => "required",
        Requirement::Optional => "optional",
        Requirement::Conditional { .. } => "conditional",
    }
}

/// The document requirements of `schema`, to keep for its catalog version.
pub fn snapshot(schema: &FormSchema) -> Vec<RequirementSnapshot> {
    schema
        .slots
        .iter()
        .map(|s| RequirementSnapshot {
            slot: s.id.clone(),
            group: s.group.clone(),
            name: s.name.clone(),
            originals: s.originals,
            copies: s.copies,
            requirement: requirement_name(&s.requirement).to_string(),
        })
        .collect()
}

fn identity(r: &RequirementSnapshot) -> String {
    format!("{}\u{1}{}", fold(&r.group), fold(&r.name))
}

fn counts(r: &RequirementSnapshot) -> String {
    format!("{} bản chính, {} bản sao", r.originals, r.copies)
}

fn counts_en(r: &RequirementSnapshot) -> String {
    format!("{} original(s), {} copy(ies)", r.originals, r.copies)
}

/// The differences from `then` to `now`, in the order of `now` (additions
/// and changes) followed by removals.
pub fn diff(then: &[RequirementSnapshot], now: &[RequirementSnapshot]) -> Vec<RequirementChange> {
    let before: BTreeMap<String, &RequirementSnapshot> =
        then.iter().map(|r| (identity(r), r)).collect();
    let after: BTreeMap<String, &RequirementSnapshot> =
        now.iter().map(|r| (identity(r), r)).collect();
    let mut out = Vec::new();
    for r in now {
        match before.get(&identity(r)) {
            None => out.push(RequirementChange {
                code: "document_added",
                document: r.name.clone(),
                message_vi: format!(
                    "Thủ tục nay yêu cầu thêm giấy tờ: {} ({})",
                    r.name,
                    counts(r)
                ),
                message_en: format!(
                    "The procedure now also asks for: {} ({})",
                    r.name,
                    counts_en(r)
                ),
            }),
            Some(old) => {
                if old.originals != r.originals
                    || old.copies != r.copies
                    || old.requirement != r.requirement
                {
                    out.push(RequirementChange {
                        code: "document_changed",
                        document: r.name.clone(),
                        message_vi: format!(
                            "Yêu cầu về {} đã đổi: trước {} ({}), nay {} ({})",
                            r.name,
                            counts(old),
                            old.requirement,
                            counts(r),
                            r.requirement
                        ),
                        message_en: format!(
                            "The requirement for {} changed: was {} ({}), now {} ({})",
                            r.name,
                            counts_en(old),
                            old.requirement,
                            counts_en(r),
                            r.requirement
                        ),
                    });
                }
            }
        }
    }
    for r in then {
        if !after.contains_key(&identity(r)) {
            out.push(RequirementChange {
                code: "document_removed",
                document: r.name.clone(),
                message_vi: format!("Thủ tục không còn yêu cầu giấy tờ: {}", r.name),
                message_en: format!("The procedure no longer asks for: {}", r.name),
            });
        }
    }
    out
}

/// Moves attached files from each slot of `then` to the slot of `now` that
/// holds the same document (same group and name), when its id changed.
/// Files of a document that is gone move to `<old id>-removed`, a slot no
/// form has, where the check reports them (never under an id another
/// document now uses).
pub(crate) fn remap_documents<T>(
    documents: &mut BTreeMap<String, Vec<T>>,
    then: &[RequirementSnapshot],
    now: &[RequirementSnapshot],
) {
    let new_ids: BTreeMap<String, &str> =
        now.iter().map(|r| (identity(r), r.slot.as_str())).collect();
    let mut moved: BTreeMap<String, Vec<T>> = BTreeMap::new();
    let old = std::mem::take(documents);
    for (slot, files) in old {
        let known_then = then.iter().find(|r| r.slot == slot);
        let target = match known_then.map(|r| new_ids.get(&identity(r))) {
            Some(Some(id)) => id.to_string(),
            Some(None) => format!("{slot}-removed"),
            // Not a slot of the old form either: leave it as it is.
            None => slot,
        };
        moved.entry(target).or_default().extend(files);
    }
    *documents = moved;
}

/// The change reported when the requirements of the draft's catalog version
/// were not kept (the catalog changed, but what changed cannot be told).
pub(crate) fn requirements_unknown(version: u64) -> RequirementChange {
    RequirementChange {
        code: "requirements_changed",
        document: String::new(),
        message_vi: format!(
            "Danh mục đã được cập nhật từ phiên bản {version}; hãy kiểm tra lại thành phần hồ sơ"
        ),
        message_en: format!(
            "The catalog was updated since version {version}; check the required documents again"
        ),
    }
}

/// The change reported when the draft's procedure left the catalog.
pub(crate) fn procedure_removed(code: &str) -> RequirementChange {
    RequirementChange {
        code: "procedure_removed",
        document: String::new(),
        message_vi: format!(
            "Thủ tục {code} không còn trong danh mục hiện hành; không thể nộp bản nháp này"
        ),
        message_en: format!(
            "Procedure {code} is no longer in the current catalog; this draft cannot be submitted"
        ),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn req(name: &str, originals: u32, copies: u32) -> RequirementSnapshot {
        RequirementSnapshot {
            slot: String::new(),
            group: "Giấy tờ phải nộp".into(),
            name: name.into(),
            originals,
            copies,
            requirement: "required".into(),
        }
    }

    #[test]
    fn attached_files_follow_their_document_to_its_new_slot() {
        let mut then = vec![req("Tờ khai", 1, 0), req("Giấy chứng sinh", 1, 0)];
        then[0].slot = "doc01".into();
        then[1].slot = "doc02".into();
        let mut now = vec![req("Giấy chứng sinh", 1, 0), req("Giấy mới", 1, 0)];
        now[0].slot = "doc01".into();
        now[1].slot = "doc02".into();
        let mut docs: BTreeMap<String, Vec<&str>> = BTreeMap::new();
        docs.insert("doc01".into(), vec!["to-khai.pdf"]);
        docs.insert("doc02".into(), vec!["chung-sinh.pdf"]);
        remap_documents(&mut docs, &then, &now);
        // The birth certificate moved to doc01; the form, whose row is gone,
        // is set aside where the check reports it.
        assert_eq!(docs["doc01"], vec!["chung-sinh.pdf"]);
        assert_eq!(docs["doc01-removed"], vec!["to-khai.pdf"]);
        assert_eq!(docs.len(), 2);
    }

    #[test]
    fn added_removed_and_changed_are_named() {
        let then = vec![req("Tờ khai", 1, 0), req("Giấy chứng sinh", 1, 0)];
        let now = vec![req("Tờ khai", 1, 1), req("Văn bản ủy quyền", 1, 0)];
        let d = diff(&then, &now);
        let codes: Vec<_> = d.iter().map(|c| (c.code, c.document.as_str())).collect();
        assert_eq!(
            codes,
            vec![
                ("document_changed", "Tờ khai"),
                ("document_added", "Văn bản ủy quyền"),
                ("document_removed", "Giấy chứng sinh"),
            ]
        );
        assert!(diff(&then, &then).is_empty());
    }
}
