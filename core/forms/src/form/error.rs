//! `FormError`: why a value path does not name a fillable value of a schema
//! (unknown group or field, bad repeat index, missing or stray address part,
//! hidden field). Every message is Vietnamese, then English.

use hoso_store::error::{Classified, ErrorKind};
use thiserror::Error;

/// A value path that does not resolve against a form schema.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[error("{} / {}", self.message_vi(), self.message_en())]
pub enum FormError {
    MalformedPath { path: String },
    UnknownGroup { group: String },
    UnknownField { group: String, field: String },
    IndexRequired { group: String },
    IndexNotAllowed { group: String },
    BadIndex { group: String, index: u64, max: u32 },
    AddressPartRequired { path: String },
    UnknownAddressPart { part: String },
    NoSubValue { path: String, sub: String },
    Hidden { path: String },
}

impl FormError {
    /// Stable snake_case code for the error.
    pub fn code(&self) -> &'static str {
        match self {
            FormError::MalformedPath { .. } => "malformed_path",
            FormError::UnknownGroup { .. } | FormError::UnknownField { .. } => "unknown_field",
            FormError::IndexRequired { .. }
            | FormError::IndexNotAllowed { .. }
            | FormError::BadIndex { .. } => "bad_index",
            FormError::AddressPartRequired { .. }
            | FormError::UnknownAddressPart { .. }
            | FormError::NoSubValue { .. } => "bad_sub_value",
            FormError::Hidden { .. } => "hidden_field",
        }
    }

    /// The same error with every piece of user text that might be personal
    /// data (a value typed where a path belongs, such as an ID number) left
    /// out, so messages can be shown and logged safely.
    fn redacted(&self) -> FormError {
        let s = |v: &String| crate::text::shown_if_identifier(v);
        match self {
            FormError::MalformedPath { path } => FormError::MalformedPath { path: s(path) },
            FormError::UnknownGroup { group } => FormError::UnknownGroup { group: s(group) },
            FormError::UnknownField { group, field } => FormError::UnknownField {
                group: s(group),
                field: s(field),
            },
            FormError::IndexRequired { group } => FormError::IndexRequired { group: s(group) },
            FormError::IndexNotAllowed { group } => FormError::IndexNotAllowed { group: s(group) },
            FormError::BadIndex { group, index, max } => FormError::BadIndex {
                group: s(group),
                index: *index,
                max: *max,
            },
            FormError::AddressPartRequired { path } => {
                FormError::AddressPartRequired { path: s(path) }
            }
            FormError::UnknownAddressPart { part } => {
                FormError::UnknownAddressPart { part: s(part) }
            }
            FormError::NoSubValue { path, sub } => FormError::NoSubValue {
                path: s(path),
                sub: s(sub),
            },
            FormError::Hidden { path } => FormError::Hidden { path: s(path) },
        }
    }

    /// The Vietnamese message.
    pub fn message_vi(&self) -> String {
        match self.redacted() {
            FormError::MalformedPath { path } => {
                format!("đường dẫn trường không hợp lệ: `{path}`")
            }
            FormError::UnknownGroup { group } => {
                format!("không có nhóm `{group}` trong biểu mẫu")
            }
            FormError::UnknownField { group, field } => {
                format!("nhóm `{group}` không có trường `{field}`")
            }
            FormError::IndexRequired { group } => {
                format!("nhóm `{group}` có thể lặp lại, cần chỉ số như `{group}[0]`")
            }
            FormError::IndexNotAllowed { group } => {
                format!("nhóm `{group}` không lặp lại, không dùng chỉ số")
            }
            FormError::BadIndex { group, index, max } => {
                format!("chỉ số {index} vượt quá số mục tối đa ({max}) của nhóm `{group}`")
            }
            FormError::AddressPartRequired { path } => {
                format!("địa chỉ `{path}` cần ghi rõ phần: .province, .commune hoặc .detail")
            }
            FormError::UnknownAddressPart { part } => {
                format!("`{part}` không phải là phần của địa chỉ (province, commune, detail)")
            }
            FormError::NoSubValue { path, sub } => {
                format!("trường `{path}` không có giá trị con `{sub}`")
            }
            FormError::Hidden { path } => {
                format!("trường `{path}` đang bị ẩn theo các câu trả lời hiện tại")
            }
        }
    }

    /// The English message.
    pub fn message_en(&self) -> String {
        match self.redacted() {
            FormError::MalformedPath { path } => format!("malformed field path: `{path}`"),
            FormError::UnknownGroup { group } => format!("the form has no group `{group}`"),
            FormError::UnknownField { group, field } => {
                format!("group `{group}` has no field `{field}`")
            }
            FormError::IndexRequired { group } => {
                format!("group `{group}` repeats: use an index such as `{group}[0]`")
            }
            FormError::IndexNotAllowed { group } => {
                format!("group `{group}` does not repeat: no index allowed")
            }
            FormError::BadIndex { group, index, max } => {
                format!("index {index} is beyond the {max} entries group `{group}` allows")
            }
            FormError::AddressPartRequired { path } => {
                format!("address `{path}` needs a part: .province, .commune or .detail")
            }
            FormError::UnknownAddressPart { part } => {
                format!("`{part}` is not an address part (province, commune, detail)")
            }
            FormError::NoSubValue { path, sub } => {
                format!("field `{path}` has no sub-value `{sub}`")
            }
            FormError::Hidden { path } => {
                format!("field `{path}` is hidden by the current answers")
            }
        }
    }
}

impl Classified for FormError {
    fn kind(&self) -> ErrorKind {
        ErrorKind::InvalidInput
    }

    fn error_code(&self) -> &'static str {
        self.code()
    }

    fn messages(&self) -> (String, String) {
        (self.message_vi(), self.message_en())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn typed_values_in_place_of_paths_are_not_echoed() {
        for value in ["079301234567", "Nguyễn Văn An", "0912 345 678", "a@b.vn"] {
            let e = FormError::MalformedPath { path: value.into() };
            assert!(!e.to_string().contains(value), "{e}");
        }
        let e = FormError::MalformedPath {
            path: "child..name".into(),
        };
        assert!(e.to_string().contains("child..name"));
    }

    #[test]
    fn messages_in_two_languages() {
        let e = FormError::UnknownField {
            group: "child".into(),
            field: "nickname".into(),
        };
        assert_eq!(e.code(), "unknown_field");
        assert_eq!(e.message_vi(), "nhóm `child` không có trường `nickname`");
        assert_eq!(e.message_en(), "group `child` has no field `nickname`");
        assert_eq!(
            e.to_string(),
            "nhóm `child` không có trường `nickname` / group `child` has no field `nickname`"
        );
        let e = FormError::BadIndex {
            group: "members".into(),
            index: 25,
            max: 20,
        };
        assert_eq!(e.code(), "bad_index");
        assert!(e.message_en().contains("index 25"));
        assert!(e.message_vi().contains("tối đa (20)"));
    }
}
