//! Hand-written field sets for the most-filed procedures, kept as JSON in
//! `core/data/forms/<code>.json` and embedded at build time. A builtin file
//! gives the groups and fields; document slots still come from the catalog
//! rows (so a catalog update keeps them current), optionally adjusted by
//! `slot_overrides` matched on the row text. The format (unknown keys are
//! rejected, so a typo fails the tests instead of being ignored):
//!
//! ```json
//! { "version": 1, "procedure_code": "1.014064", "title_vi": "Cấp lại thẻ căn cước", "title_en": "ID card reissue",
//!   "groups": [
//!     { "id": "applicant", "label_vi": "…", "label_en": "…", "prefill": [{"who": "self"}],
//!       "fields": [
//!         {"id": "full_name", "label_vi": "Họ, chữ đệm và tên", "label_en": "Full name", "kind": {"type": "person_name"}},
//!         {"id": "email", "label_vi": "Thư điện tử", "label_en": "Email", "kind": {"type": "email"}, "required": false} ] },
//!     { "id": "members", "label_vi": "…", "label_en": "…", "repeat": {"min": 0, "max": 20},
//!       "visible_when": {"type": "equals", "field": "request.for_minor", "value": "true"}, "fields": [ … ] } ],
//!   "slot_overrides": [{"name_contains": "nguoi duoi 14 tuoi", "requirement": {"type": "conditional", "when_vi": "…"}},
//!                      {"name_contains": "phieu nay la bieu mau", "skip": true}] }
//! ```

use super::model::{DocumentSlot, Group, LinkedPart, Renamed, Requirement};
use crate::text::fold;
use serde::{Deserialize, Serialize};
use std::sync::OnceLock;

/// (procedure code, embedded JSON) for every builtin form, each read from
/// `core/data/forms/<code>.json`.
macro_rules! forms {
    ($($code:literal,)+) => {
        [$(($code, include_str!(concat!("../../../data/forms/", $code, ".json"))),)+]
    };
}

const SOURCES: [(&str, &str); 31] = forms![
    "1.000656", "1.000894", "1.001193", "1.001456", "1.001471", "1.001612", "1.001939", "1.003197",
    "1.003677", "1.004194", "1.004222", "1.008498", "1.008503", "1.008504", "1.008505", "1.012566",
    "1.012575", "1.013066", "1.013067", "1.013833", "1.014063", "1.014064", "2.000821", "2.000986",
    "2.001159", "2.001403", "2.001410", "3.000330", "3.000333", "3.000347", "3.000348",
];

const CODES: [&str; SOURCES.len()] = {
    let mut codes = [""; SOURCES.len()];
    let mut i = 0;
    while i < SOURCES.len() {
        codes[i] = SOURCES[i].0;
        i += 1;
    }
    codes
};

/// Codes of the procedures with a hand-written field set.
pub fn builtin_codes() -> &'static [&'static str] {
    &CODES
}

/// The embedded JSON of a builtin form.
pub fn builtin_source(code: &str) -> Option<&'static str> {
    SOURCES
        .iter()
        .find(|(c, _)| *c == code)
        .map(|(_, json)| *json)
}

/// One builtin form file.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct BuiltinForm {
    /// The form's version, from 1; a catalog's form replaces the built-in
    /// one from a newer version on (`delivered`, ADR 0023).
    pub version: u32,
    pub procedure_code: String,
    pub title_vi: String,
    pub title_en: String,
    pub groups: Vec<Group>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub slot_overrides: Vec<SlotOverride>,
    /// Fields this form's versions renamed (`FormSchema::renamed`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub renamed: Vec<Renamed>,
    /// The parts of a linked group (`FormSchema::parts`).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub parts: Vec<LinkedPart>,
}

/// Adjusts the catalog-derived slots whose name contains `name_contains`
/// (compared folded: no case, no diacritics).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SlotOverride {
    pub name_contains: String,
    /// Replaces the derived requirement.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub requirement: Option<Requirement>,
    /// Drops the slot (a row that is guidance, not a document).
    #[serde(default)]
    pub skip: bool,
}

impl BuiltinForm {
    /// Reads a form file. Unknown keys are refused everywhere, also in a
    /// field kind or a slot requirement without options (`{"type":
    /// "phone", "max_chars": 3}`), which serde's tagged enums would let
    /// through.
    pub fn from_json(json: &str) -> Result<BuiltinForm, serde_json::Error> {
        let form: BuiltinForm = serde_json::from_str(json)?;
        let raw: serde_json::Value = serde_json::from_str(json)?;
        match form.stray_key(&raw) {
            Some(at) => Err(serde::de::Error::custom(format!("unknown key at {at}"))),
            None => Ok(form),
        }
    }

    /// The first key of `raw` (this form as read) inside a field kind or a
    /// slot requirement that the value read does not have: one the reader
    /// ignored.
    fn stray_key(&self, raw: &serde_json::Value) -> Option<String> {
        let stray = |read: serde_json::Result<serde_json::Value>, raw: &serde_json::Value| {
            let read = read.ok()?;
            raw.as_object()?
                .keys()
                .find(|k| read.get(k.as_str()).is_none())
                .cloned()
        };
        for (g, group) in self.groups.iter().enumerate() {
            for (f, field) in group.fields.iter().enumerate() {
                let raw_kind = &raw["groups"][g]["fields"][f]["kind"];
                if let Some(key) = stray(serde_json::to_value(&field.kind), raw_kind) {
                    return Some(format!("{}.{}.kind.{key}", group.id, field.id));
                }
            }
        }
        for (i, rule) in self.slot_overrides.iter().enumerate() {
            let raw_rule = &raw["slot_overrides"][i]["requirement"];
            if let Some(key) = stray(serde_json::to_value(&rule.requirement), raw_rule) {
                return Some(format!("slot_overrides[{i}].requirement.{key}"));
            }
        }
        None
    }

    /// Applies the overrides to slots derived from the catalog.
    pub fn adjust_slots(&self, slots: Vec<DocumentSlot>) -> Vec<DocumentSlot> {
        let rules: Vec<(String, &SlotOverride)> = self
            .slot_overrides
            .iter()
            .map(|o| (fold(&o.name_contains), o))
            .collect();
        slots
            .into_iter()
            .filter_map(|mut slot| {
                let name = fold(&slot.name);
                if let Some((_, rule)) = rules.iter().find(|(needle, _)| name.contains(needle)) {
                    if rule.skip {
                        return None;
                    }
                    if let Some(r) = &rule.requirement {
                        slot.requirement = r.clone();
                    }
                }
                Some(slot)
            })
            .collect()
    }
}

/// The parsed builtin form for `code`. A file that fails to parse (caught by
/// the tests) counts as absent, so the procedure falls back to the generic form.
pub fn builtin_form(code: &str) -> Option<&'static BuiltinForm> {
    // One slot per form, each parsed on its first use: opening one
    // procedure never parses the other forms.
    static PARSED: [OnceLock<Option<BuiltinForm>>; SOURCES.len()] =
        [const { OnceLock::new() }; SOURCES.len()];
    let at = SOURCES.iter().position(|(c, _)| *c == code)?;
    PARSED[at]
        .get_or_init(|| BuiltinForm::from_json(SOURCES[at].1).ok())
        .as_ref()
        .filter(|f| f.procedure_code == code)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::form::model::{MediaType, DEFAULT_MAX_BYTES};

    #[test]
    fn every_builtin_parses_under_its_own_code() {
        for (code, json) in SOURCES {
            let form = BuiltinForm::from_json(json).unwrap_or_else(|e| panic!("{code}: {e}"));
            assert_eq!(form.procedure_code, code);
            assert!(builtin_form(code).is_some());
        }
        assert_eq!(builtin_codes().len(), SOURCES.len());
        assert!(builtin_form("9.999999").is_none());
    }

    #[test]
    fn a_stray_key_in_a_kind_is_refused() {
        let mut form: serde_json::Value =
            serde_json::from_str(builtin_source("1.001193").unwrap()).unwrap();
        assert!(BuiltinForm::from_json(&form.to_string()).is_ok());
        form["groups"][0]["fields"][0]["kind"] =
            serde_json::json!({"type": "phone", "max_chars": 3});
        let e = BuiltinForm::from_json(&form.to_string()).unwrap_err();
        assert!(e.to_string().contains("kind.max_chars"), "{e}");
    }

    #[test]
    fn overrides_match_folded_names() {
        let slot = |id: &str, name: &str| DocumentSlot {
            id: id.into(),
            name: name.into(),
            group: String::new(),
            form: None,
            originals: 1,
            copies: 0,
            requirement: Requirement::Required,
            accepted: MediaType::ALL.to_vec(),
            max_bytes: DEFAULT_MAX_BYTES,
        };
        let form = BuiltinForm {
            version: 1,
            procedure_code: "x".into(),
            title_vi: "x".into(),
            title_en: "x".into(),
            groups: vec![],
            renamed: vec![],
            parts: vec![],
            slot_overrides: vec![
                SlotOverride {
                    name_contains: "NGƯỜI DƯỚI 14 tuổi".into(),
                    requirement: Some(Requirement::Optional),
                    skip: false,
                },
                SlotOverride {
                    name_contains: "phieu nay la bieu mau".into(),
                    requirement: None,
                    skip: true,
                },
            ],
        };
        let out = form.adjust_slots(vec![
            slot("doc01", "Phiếu này là biểu mẫu điện tử"),
            slot(
                "doc02",
                "Giấy tờ chứng minh đại diện của người dưới 14 tuổi",
            ),
            slot("doc03", "Tờ khai"),
        ]);
        assert_eq!(out.len(), 2);
        assert_eq!(out[0].requirement, Requirement::Optional);
        assert_eq!(out[1].requirement, Requirement::Required);
    }
}
