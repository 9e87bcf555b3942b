//! Value paths: how a draft names one value of a form — `group.field`,
//! `group[i].field` in repeat groups, and `group.field.province|commune|detail`
//! for the three parts of an address — and resolving them against a schema.

use super::error::FormError;
use super::model::{Field, FieldKind, FormSchema, Group};
use serde::Serialize;

/// One part of an address field.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum AddressPart {
    /// One of the 34 provinces / centrally-run cities.
    Province,
    /// Commune, ward or special zone (two-tier local government since 7/2025).
    Commune,
    /// House number, street, hamlet / residential group.
    Detail,
    /// The commune's 5-digit national code: not typed, written by the core
    /// when province and commune name a unit of the table together
    /// ([`super::place`]), removed when they stop doing so.
    Code,
}

impl AddressPart {
    /// The parts a person fills in.
    pub const ALL: [AddressPart; 3] = [
        AddressPart::Province,
        AddressPart::Commune,
        AddressPart::Detail,
    ];

    /// Every part a stored address may hold.
    pub const STORED: [AddressPart; 4] = [
        AddressPart::Province,
        AddressPart::Commune,
        AddressPart::Detail,
        AddressPart::Code,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            AddressPart::Province => "province",
            AddressPart::Commune => "commune",
            AddressPart::Detail => "detail",
            AddressPart::Code => "code",
        }
    }

    pub fn parse(s: &str) -> Option<AddressPart> {
        AddressPart::STORED.into_iter().find(|p| p.as_str() == s)
    }

    pub fn label_vi(self) -> &'static str {
        match self {
            AddressPart::Province => "tỉnh/thành phố",
            AddressPart::Commune => "xã/phường/đặc khu",
            AddressPart::Detail => "số nhà, đường, thôn/tổ",
            AddressPart::Code => "mã xã/phường",
        }
    }

    pub fn label_en(self) -> &'static str {
        match self {
            AddressPart::Province => "province/city",
            AddressPart::Commune => "commune/ward",
            AddressPart::Detail => "street address",
            AddressPart::Code => "commune code",
        }
    }
}

/// A value path resolved against a schema.
#[derive(Debug, Clone, PartialEq)]
pub struct ResolvedField<'a> {
    /// The canonical path (`members[2].full_name`, `applicant.address.province`).
    pub path: String,
    pub group: &'a Group,
    pub field: &'a Field,
    /// The entry of a repeat group; `None` for ordinary groups.
    pub index: Option<u32>,
    /// Which part, for address fields (always `Some` for them).
    pub part: Option<AddressPart>,
}

impl ResolvedField<'_> {
    /// The path of the sibling field `field_id` in the same group entry.
    pub fn sibling_path(&self, field_id: &str) -> String {
        field_path(&self.group.id, self.index, field_id, None)
    }

    /// "Họ và tên (Thành viên 2)" — the label people see, with the entry
    /// number of a repeat group and the address part.
    pub fn label_vi(&self) -> String {
        let mut s = self.field.label_vi.clone();
        if let Some(part) = self.part {
            s = format!("{s} — {}", part.label_vi());
        }
        match self.index {
            Some(i) => format!("{s} ({} {})", self.group.label_vi, u64::from(i) + 1),
            None => format!("{s} ({})", self.group.label_vi),
        }
    }

    /// English counterpart of [`ResolvedField::label_vi`].
    pub fn label_en(&self) -> String {
        let mut s = self.field.label_en.clone();
        if let Some(part) = self.part {
            s = format!("{s} — {}", part.label_en());
        }
        match self.index {
            Some(i) => format!("{s} ({} {})", self.group.label_en, u64::from(i) + 1),
            None => format!("{s} ({})", self.group.label_en),
        }
    }
}

/// Builds a value path.
pub fn field_path(
    group: &str,
    index: Option<u32>,
    field: &str,
    part: Option<AddressPart>,
) -> String {
    let mut s = String::from(group);
    if let Some(i) = index {
        s.push_str(&format!("[{i}]"));
    }
    s.push('.');
    s.push_str(field);
    if let Some(p) = part {
        s.push('.');
        s.push_str(p.as_str());
    }
    s
}

/// Every value path of one field in one group entry: one, or three for an
/// address.
pub fn value_paths(
    group: &Group,
    index: Option<u32>,
    field: &Field,
) -> Vec<(String, Option<AddressPart>)> {
    if matches!(field.kind, FieldKind::Address) {
        AddressPart::ALL
            .into_iter()
            .map(|p| (field_path(&group.id, index, &field.id, Some(p)), Some(p)))
            .collect()
    } else {
        vec![(field_path(&group.id, index, &field.id, None), None)]
    }
}

/// The group part of a path: `members[3]` → ("members", Some(3)).
/// `Err(())` when the brackets are malformed.
pub(crate) fn split_group_index(segment: &str) -> Result<(&str, Option<u64>), ()> {
    match segment.split_once('[') {
        None => Ok((segment, None)),
        Some((name, rest)) => {
            let digits = rest.strip_suffix(']').ok_or(())?;
            if digits.is_empty() || digits.len() > 9 || !digits.bytes().all(|b| b.is_ascii_digit())
            {
                return Err(());
            }
            let index = digits.parse::<u64>().map_err(|_| ())?;
            Ok((name, Some(index)))
        }
    }
}

impl FormSchema {
    /// Resolves a value path, or says (in Vietnamese and English) why it does
    /// not name a value of this form.
    pub fn resolve(&self, path: &str) -> Result<ResolvedField<'_>, FormError> {
        let malformed = || FormError::MalformedPath {
            path: path.to_string(),
        };
        let mut segments = path.split('.');
        let head = segments.next().unwrap_or_default();
        let field_id = segments.next().ok_or_else(malformed)?;
        let sub = segments.next();
        if segments.next().is_some() {
            return Err(malformed());
        }
        let (group_id, index) = split_group_index(head).map_err(|_| malformed())?;
        if group_id.is_empty() || field_id.is_empty() {
            return Err(malformed());
        }
        let group = self
            .group(group_id)
            .ok_or_else(|| FormError::UnknownGroup {
                group: group_id.to_string(),
            })?;
        let index = match (group.repeat, index) {
            (Some(_), None) => {
                return Err(FormError::IndexRequired {
                    group: group.id.clone(),
                })
            }
            (None, Some(_)) => {
                return Err(FormError::IndexNotAllowed {
                    group: group.id.clone(),
                })
            }
            (None, None) => None,
            (Some(repeat), Some(i)) => {
                if i >= u64::from(repeat.max) {
                    return Err(FormError::BadIndex {
                        group: group.id.clone(),
                        index: i,
                        max: repeat.max,
                    });
                }
                // i < max ≤ u32::MAX.
                Some(u32::try_from(i).map_err(|_| malformed())?)
            }
        };
        let field = group
            .field(field_id)
            .ok_or_else(|| FormError::UnknownField {
                group: group.id.clone(),
                field: field_id.to_string(),
            })?;
        let part = match (&field.kind, sub) {
            (FieldKind::Address, None) => {
                return Err(FormError::AddressPartRequired {
                    path: path.to_string(),
                })
            }
            (FieldKind::Address, Some(s)) => {
                Some(
                    AddressPart::parse(s).ok_or_else(|| FormError::UnknownAddressPart {
                        part: s.to_string(),
                    })?,
                )
            }
            (_, Some(s)) => {
                return Err(FormError::NoSubValue {
                    path: field_path(&group.id, index, &field.id, None),
                    sub: s.to_string(),
                })
            }
            (_, None) => None,
        };
        Ok(ResolvedField {
            path: field_path(&group.id, index, &field.id, part),
            group,
            field,
            index,
            part,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::form::model::{Field, Repeat};

    fn schema() -> FormSchema {
        let f = |id: &str, kind| Field {
            id: id.into(),
            label_vi: id.into(),
            label_en: id.into(),
            kind,
            required: true,
            visible_when: None,
            help_vi: None,
        };
        let g = |id: &str, repeat, fields| Group {
            id: id.into(),
            label_vi: "Thành viên".into(),
            label_en: "Member".into(),
            repeat,
            prefill: vec![],
            visible_when: None,
            fields,
        };
        FormSchema {
            procedure_code: "x".into(),
            title_vi: "x".into(),
            title_en: "x".into(),
            builtin: true,
            version: 1,
            renamed: Vec::new(),
            parts: Vec::new(),
            groups: vec![
                g(
                    "applicant",
                    None,
                    vec![
                        f("full_name", FieldKind::PersonName),
                        f("address", FieldKind::Address),
                    ],
                ),
                g(
                    "members",
                    Some(Repeat { min: 0, max: 3 }),
                    vec![f("full_name", FieldKind::PersonName)],
                ),
            ],
            slots: vec![],
        }
    }

    #[test]
    fn resolves_plain_repeat_and_address_paths() {
        let s = schema();
        let r = s.resolve("applicant.full_name").unwrap();
        assert_eq!((r.index, r.part), (None, None));
        let r = s.resolve("members[2].full_name").unwrap();
        assert_eq!(r.index, Some(2));
        assert_eq!(r.path, "members[2].full_name");
        assert_eq!(r.sibling_path("x"), "members[2].x");
        assert_eq!(r.label_vi(), "full_name (Thành viên 3)");
        let r = s.resolve("applicant.address.commune").unwrap();
        assert_eq!(r.part, Some(AddressPart::Commune));
    }

    #[test]
    fn rejects_bad_paths_with_typed_errors() {
        let s = schema();
        let code = |p: &str| s.resolve(p).unwrap_err().code();
        assert!(matches!(
            s.resolve("child.full_name"),
            Err(FormError::UnknownGroup { .. })
        ));
        assert!(matches!(
            s.resolve("applicant.nick"),
            Err(FormError::UnknownField { .. })
        ));
        assert!(matches!(
            s.resolve("members.full_name"),
            Err(FormError::IndexRequired { .. })
        ));
        assert!(matches!(
            s.resolve("applicant[0].full_name"),
            Err(FormError::IndexNotAllowed { .. })
        ));
        assert!(matches!(
            s.resolve("members[3].full_name"),
            Err(FormError::BadIndex {
                index: 3,
                max: 3,
                ..
            })
        ));
        assert!(matches!(
            s.resolve("applicant.address"),
            Err(FormError::AddressPartRequired { .. })
        ));
        assert!(matches!(
            s.resolve("applicant.address.street"),
            Err(FormError::UnknownAddressPart { .. })
        ));
        assert!(matches!(
            s.resolve("applicant.full_name.first"),
            Err(FormError::NoSubValue { .. })
        ));
        for p in [
            "",
            "applicant",
            ".x",
            "members[].full_name",
            "members[x].full_name",
            "members[1.full_name",
            "a.b.c.d",
            "members[99999999999999999999].full_name",
        ] {
            assert_eq!(code(p), "malformed_path", "{p}");
        }
    }
}
