//! Normalization: turns what a person typed into the canonical stored form
//! of a field (dates `dd/mm/yyyy`, phones `0xxxxxxxxx`, sex `male`/`female`,
//! a choice's option value, booleans `true`/`false`, names in NFC, provinces
//! by their official name), using `crate::validate` for every check. A
//! malformed value comes back as the validator's `Problem`; a value
//! accepted with a warning (a mobile prefix not yet allocated) comes back
//! from [`normalize_checked`] with it.

use super::model::{ChoiceOption, FieldKind, ADDRESS_DETAIL_MAX_CHARS};
use super::resolve::{AddressPart, ResolvedField};
use crate::text::fold;
use crate::validate::{self, regions, Checked, Problem, Sex};

/// The canonical stored form of `raw` for the resolved field.
pub fn normalize(field: &ResolvedField, raw: &str) -> Result<String, Problem> {
    normalize_checked(field, raw).map(|c| c.value)
}

/// The canonical stored form of `raw` for the resolved field, and what is
/// doubtful about it (to show while saving it all the same).
pub fn normalize_checked(field: &ResolvedField, raw: &str) -> Result<Checked, Problem> {
    if let Some(part) = field.part {
        return normalize_address_part(part, raw).map(Checked::plain);
    }
    match field.field.kind {
        FieldKind::Phone => validate::phone(raw),
        ref kind => normalize_kind(kind, raw).map(Checked::plain),
    }
}

/// Normalization by field kind (an address needs a part: see [`normalize`]).
pub fn normalize_kind(kind: &FieldKind, raw: &str) -> Result<String, Problem> {
    match kind {
        FieldKind::Text { max_chars } => validate::text(raw, *max_chars),
        FieldKind::Number { min, max } => {
            let n = validate::number(raw, *min, *max)?;
            if !n.is_finite() {
                return Err(not_a_number());
            }
            Ok(format_number(n))
        }
        FieldKind::Date { .. } => validate::date(raw).map(validate::format_date),
        FieldKind::Choice { options } => choice(options, raw).map(|o| o.value.clone()),
        FieldKind::Boolean => boolean(raw).map(|b| b.to_string()),
        FieldKind::IdNumber { .. } => validate::id_number(raw).map(|id| id.digits),
        FieldKind::Phone => validate::phone(raw).map(|c| c.value),
        FieldKind::Email => validate::email(raw),
        FieldKind::Digits { lengths } => validate::digits(raw, lengths),
        FieldKind::TaxCode => validate::tax_code(raw),
        FieldKind::PersonName => validate::person_name(raw),
        FieldKind::Sex => Sex::parse(raw).map(|s| s.as_str().to_string()),
        FieldKind::Address => Err(problem(
            "address_part_required",
            "Địa chỉ cần nhập theo từng phần: tỉnh/thành phố, xã/phường, số nhà/đường.",
            "An address is entered by part: province, commune, street address.",
        )),
    }
}

/// One address part: the province's official name, the commune as the
/// validator canonicalises it, the detail as trimmed NFC text.
pub fn normalize_address_part(part: AddressPart, raw: &str) -> Result<String, Problem> {
    match part {
        AddressPart::Province => regions::province(raw).map(|p| p.name.to_string()),
        AddressPart::Commune => regions::commune(raw),
        AddressPart::Detail => validate::text(raw, ADDRESS_DETAIL_MAX_CHARS),
        AddressPart::Code => regions::commune_code(raw),
    }
}

/// The option `raw` names: its value, or its Vietnamese or English label,
/// compared without case, diacritics or extra spaces.
pub fn choice<'a>(options: &'a [ChoiceOption], raw: &str) -> Result<&'a ChoiceOption, Problem> {
    let wanted = loose(raw);
    if wanted.is_empty() {
        return Err(problem("empty", "Chưa chọn.", "Nothing chosen."));
    }
    if let Some(o) = options.iter().find(|o| o.value == raw.trim()) {
        return Ok(o);
    }
    options
        .iter()
        .find(|o| loose(&o.value) == wanted)
        .or_else(|| options.iter().find(|o| loose(&o.label_vi) == wanted))
        .or_else(|| options.iter().find(|o| loose(&o.label_en) == wanted))
        .or_else(|| only_option_containing(options, &wanted))
        .ok_or_else(|| {
            let vi: Vec<&str> = options.iter().map(|o| o.label_vi.as_str()).collect();
            let en: Vec<&str> = options.iter().map(|o| o.label_en.as_str()).collect();
            problem(
                "choice_unknown",
                format!("Không có lựa chọn này. Chọn một trong: {}.", vi.join("; ")),
                format!("Not one of the choices: {}.", en.join("; ")),
            )
        })
}

/// The one option whose label contains `wanted` as whole words ("bi hu
/// hong" for "Thẻ căn cước bị hư hỏng không sử dụng được"); none when the
/// words are too short or fit several options.
fn only_option_containing<'a>(
    options: &'a [ChoiceOption],
    wanted: &str,
) -> Option<&'a ChoiceOption> {
    if wanted.chars().count() < 3 {
        return None;
    }
    let needle = format!(" {wanted} ");
    let mut hits = options.iter().filter(|o| {
        [&o.label_vi, &o.label_en]
            .iter()
            .any(|label| format!(" {} ", loose(label)).contains(&needle))
    });
    let first = hits.next()?;
    hits.next().is_none().then_some(first)
}

/// `có/không`, `yes/no`, `true/false`, `1/0` (any case, with or without
/// diacritics).
pub fn boolean(raw: &str) -> Result<bool, Problem> {
    match loose(raw).as_str() {
        "co" | "yes" | "y" | "true" | "1" | "dung" | "x" => Ok(true),
        "khong" | "no" | "n" | "false" | "0" | "sai" => Ok(false),
        "" => Err(problem(
            "empty",
            "Chưa trả lời có/không.",
            "No yes/no answer given.",
        )),
        _ => Err(problem(
            "boolean_invalid",
            "Cần trả lời “có” hoặc “không”.",
            "Answer “yes” or “no”.",
        )),
    }
}

/// Canonical number text: integers without a decimal part, others as Rust
/// prints them (shortest round-tripping form, `.` as decimal point).
pub fn format_number(n: f64) -> String {
    if n.fract() == 0.0 && n.abs() < 1e15 {
        format!("{}", n as i64)
    } else {
        format!("{n}")
    }
}

/// A `Problem` built from its parts (the contract fixes only its fields).
pub fn problem(code: &'static str, vi: impl Into<String>, en: impl Into<String>) -> Problem {
    Problem {
        code,
        message_vi: vi.into(),
        message_en: en.into(),
    }
}

fn not_a_number() -> Problem {
    problem("number_invalid", "Không phải là số.", "Not a number.")
}

/// Folded, with runs of whitespace collapsed.
fn loose(s: &str) -> String {
    fold(s).split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn opts() -> Vec<ChoiceOption> {
        let o = |v: &str, vi: &str, en: &str| ChoiceOption {
            value: v.into(),
            label_vi: vi.into(),
            label_en: en.into(),
        };
        vec![
            o("lost", "Bị mất", "Lost"),
            o("damaged", "Bị hư hỏng", "Damaged"),
        ]
    }

    #[test]
    fn choices_match_values_and_labels_forgivingly() {
        let o = opts();
        assert_eq!(choice(&o, "lost").unwrap().value, "lost");
        assert_eq!(choice(&o, "  BI  HU HONG ").unwrap().value, "damaged");
        assert_eq!(choice(&o, "bị mất").unwrap().value, "lost");
        assert_eq!(choice(&o, "Damaged").unwrap().value, "damaged");
        assert_eq!(choice(&o, "hư hỏng").unwrap().value, "damaged");
        // "bị" is in both labels: ambiguous.
        assert_eq!(choice(&o, "bị").unwrap_err().code, "choice_unknown");
        let p = choice(&o, "stolen").unwrap_err();
        assert_eq!(p.code, "choice_unknown");
        assert!(p.message_vi.contains("Bị mất"));
        assert_eq!(choice(&o, " ").unwrap_err().code, "empty");
    }

    #[test]
    fn booleans() {
        for t in ["có", "Co", "YES", "true", "1", "đúng"] {
            assert_eq!(boolean(t), Ok(true), "{t}");
        }
        for f in ["không", "khong", "No", "false", "0"] {
            assert_eq!(boolean(f), Ok(false), "{f}");
        }
        assert_eq!(boolean("maybe").unwrap_err().code, "boolean_invalid");
    }

    #[test]
    fn kinds_normalize_through_validate() {
        let date = FieldKind::Date {
            not_future: true,
            min_age: None,
            max_age: None,
        };
        assert_eq!(normalize_kind(&date, "1/2/2020").unwrap(), "01/02/2020");
        assert_eq!(normalize_kind(&date, "2020-02-01").unwrap(), "01/02/2020");
        assert!(normalize_kind(&date, "31/02/2020").is_err());
        assert_eq!(normalize_kind(&FieldKind::Sex, "Nữ").unwrap(), "female");
        assert_eq!(
            normalize_kind(&FieldKind::Phone, "+84 912 345 678").unwrap(),
            "0912345678"
        );
        assert_eq!(
            normalize_kind(&FieldKind::PersonName, "  Nguyễn Văn An ").unwrap(),
            "Nguyễn Văn An"
        );
        let number = FieldKind::Number {
            min: Some(0.0),
            max: None,
        };
        assert_eq!(normalize_kind(&number, "12").unwrap(), "12");
        assert_eq!(normalize_kind(&number, "2.5").unwrap(), "2.5");
        assert!(normalize_kind(&number, "-1").is_err());
        assert!(normalize_kind(&number, "inf").is_err());
        assert!(normalize_kind(&number, "NaN").is_err());
        assert_eq!(normalize_kind(&FieldKind::Boolean, "có").unwrap(), "true");
        assert_eq!(
            normalize_kind(&FieldKind::Address, "x").unwrap_err().code,
            "address_part_required"
        );
    }

    #[test]
    fn address_parts() {
        assert_eq!(
            normalize_address_part(AddressPart::Province, "ha noi").unwrap(),
            "Thành phố Hà Nội"
        );
        assert!(normalize_address_part(AddressPart::Detail, "   ").is_err());
        assert_eq!(
            normalize_address_part(AddressPart::Detail, " Số 5, ngõ 10 ").unwrap(),
            "Số 5, ngõ 10"
        );
    }
}
