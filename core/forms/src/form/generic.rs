//! The generic form every catalog procedure gets when no hand-written field
//! set exists: a standard applicant block (prefilled from the user's own
//! profile) plus one document slot per document row of the procedure.
//! Also the standard person fields the builtin forms share by id.

use super::model::{Field, FieldKind, FormSchema, Group, PrefillRule, Who};
use super::slots::derive_slots;
use crate::catalog::Procedure;

/// Id of the applicant group in every generic schema.
pub const APPLICANT: &str = "applicant";

/// The standard person field ids profile prefill maps by id.
pub const PERSON_FIELDS: [&str; 9] = [
    "full_name",
    "date_of_birth",
    "sex",
    "id_number",
    "phone",
    "email",
    "address",
    "nationality",
    "ethnicity",
];

/// The generic schema for `procedure`.
pub fn generic_schema(procedure: &Procedure) -> FormSchema {
    FormSchema {
        procedure_code: procedure.code.clone(),
        title_vi: procedure.name.clone(),
        title_en: format!("Administrative procedure {}", procedure.code),
        builtin: false,
        version: 0,
        renamed: Vec::new(),
        parts: Vec::new(),
        groups: vec![applicant_group()],
        slots: derive_slots(procedure),
    }
}

/// "Người nộp hồ sơ": the standard applicant block, prefilled from `self`.
pub fn applicant_group() -> Group {
    Group {
        id: APPLICANT.into(),
        label_vi: "Người nộp hồ sơ".into(),
        label_en: "Applicant".into(),
        repeat: None,
        prefill: vec![PrefillRule {
            who: Who::Self_,
            sex: None,
        }],
        visible_when: None,
        fields: vec![
            field(
                "full_name",
                "Họ, chữ đệm và tên",
                "Full name",
                FieldKind::PersonName,
            ),
            field(
                "date_of_birth",
                "Ngày, tháng, năm sinh",
                "Date of birth",
                FieldKind::Date {
                    not_future: true,
                    min_age: None,
                    max_age: None,
                },
            ),
            field("sex", "Giới tính", "Sex", FieldKind::Sex),
            Field {
                help_vi: Some("Số định danh cá nhân (12 số trên thẻ căn cước)".into()),
                ..field(
                    "id_number",
                    "Số định danh cá nhân",
                    "Personal ID number",
                    FieldKind::IdNumber {
                        birth_field: Some("date_of_birth".into()),
                        sex_field: Some("sex".into()),
                    },
                )
            },
            field("phone", "Số điện thoại", "Phone number", FieldKind::Phone),
            Field {
                required: false,
                ..field("email", "Thư điện tử", "Email", FieldKind::Email)
            },
            Field {
                help_vi: Some(
                    "Tỉnh/thành phố (34 đơn vị từ 1/7/2025), xã/phường/đặc khu, \
                     số nhà, đường, thôn/tổ"
                        .into(),
                ),
                ..field(
                    "address",
                    "Nơi thường trú",
                    "Permanent address",
                    FieldKind::Address,
                )
            },
        ],
    }
}

fn field(id: &str, label_vi: &str, label_en: &str, kind: FieldKind) -> Field {
    Field {
        id: id.into(),
        label_vi: label_vi.into(),
        label_en: label_en.into(),
        kind,
        required: true,
        visible_when: None,
        help_vi: None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn applicant_uses_standard_person_ids() {
        let g = applicant_group();
        for f in &g.fields {
            assert!(PERSON_FIELDS.contains(&f.id.as_str()), "{}", f.id);
        }
        assert!(!g.field("email").unwrap().required);
        assert_eq!(
            g.field("id_number").unwrap().kind,
            FieldKind::IdNumber {
                birth_field: Some("date_of_birth".into()),
                sex_field: Some("sex".into())
            }
        );
        assert_eq!(g.prefill[0].who, Who::Self_);
    }
}
