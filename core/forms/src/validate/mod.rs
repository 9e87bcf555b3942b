//! Validation and normalization of what people type into Vietnamese
//! administrative forms — pure functions, no I/O. Each check returns the
//! canonical value or a [`Problem`]: a stable snake_case `code` plus a
//! Vietnamese and an English message. A check that can accept a value while
//! doubting it returns a [`Checked`]: the value and an optional warning
//! `Problem` (saved all the same, the warning shown). Messages may be logged, so none of
//! them repeats an ID number or phone number.
//!
//! | submodule | owns |
//! | --- | --- |
//! | `problem` | [`Problem`], [`Checked`] and safe message helpers |
//! | `sex` | [`Sex`] |
//! | `dates` | [`date`] parsing (day first), [`today_vn`], ages, birth-date checks |
//! | `id_number` | the 12-digit personal ID number ([`IdNumber`]) and its agreement with the person |
//! | `phone` | Vietnamese mobile numbers (the numbering plan's mobile blocks, from libphonenumber's metadata) |
//! | `email` | e-mail addresses |
//! | `names` | full names |
//! | `plain` | free [`text`] and [`number`]s |
//! | `numbers` | numbers written as [`digits`] of fixed lengths, and the [`tax_code`] |
//! | [`regions`] | the 34 provinces since 12 June 2025, the 63 before, communes, and the two checked together against the unit table |
//!
//! Problem codes: `empty` (shared by every check), `sex_invalid`,
//! `date_format`, `date_two_digit_year`, `date_invalid`, `date_in_future`,
//! `date_too_old`, `under_age`, `over_age`, `id_not_digits`, `id_length`,
//! `id_province_unknown`, `id_birth_year_future`, `id_birth_year_mismatch`,
//! `id_century_mismatch`, `id_sex_mismatch`, `phone_invalid_chars`,
//! `phone_foreign`, `phone_old_prefix`, `phone_landline`, `phone_length`,
//! `phone_prefix_unknown`, `phone_prefix_unallocated` (a warning: the number
//! is accepted), `email_format`, `email_has_diacritics`,
//! `email_domain`, `email_domain_typo`, `email_too_long`,
//! `name_invalid_chars`, `name_too_long`, `text_control_chars`,
//! `text_too_long`, `number_invalid`, `number_ambiguous`, `number_too_small`,
//! `number_too_large`, `digits_not_digits`, `digits_length`,
//! `tax_code_format`, `tax_code_check_digit`, `province_unknown`, `province_merged`,
//! `address_has_district`, `commune_township`, `commune_has_province`,
//! `commune_multiple_parts`, `commune_name_missing`, and for a province and
//! commune checked together against the unit table (`regions::place`):
//! `commune_ambiguous`, `commune_former`, `commune_other_province`,
//! `commune_unknown`, `commune_code_unknown`, `units_unavailable`.

mod dates;
mod email;
mod id_number;
mod names;
mod numbers;
mod phone;
mod plain;
mod problem;
pub mod regions;
mod sex;

pub use dates::{age_on, birth_date, date, format_date, max_age, min_age, today_vn};
pub use email::email;
pub use id_number::{id_matches_person, id_matches_person_on, id_number, id_number_on, IdNumber};
pub use names::{person_name, MAX_NAME_CHARS};
pub use numbers::{digits, tax_code, MAX_DIGITS};
pub use phone::phone;
pub use plain::{number, text, value_length};
pub use problem::{Checked, Problem};
pub use sex::Sex;
pub use time::Date;

#[cfg(test)]
mod tests {
    //! Cross-module checks on the public surface.
    use super::*;

    /// Every code a validator can return, as listed in the module docs.
    const CODES: [&str; 53] = [
        "empty",
        "sex_invalid",
        "date_format",
        "date_two_digit_year",
        "date_invalid",
        "date_in_future",
        "date_too_old",
        "under_age",
        "over_age",
        "id_not_digits",
        "id_length",
        "id_province_unknown",
        "id_birth_year_future",
        "id_birth_year_mismatch",
        "id_century_mismatch",
        "id_sex_mismatch",
        "phone_invalid_chars",
        "phone_foreign",
        "phone_old_prefix",
        "phone_landline",
        "phone_length",
        "phone_prefix_unknown",
        "phone_prefix_unallocated",
        "email_format",
        "email_has_diacritics",
        "email_domain",
        "email_domain_typo",
        "email_too_long",
        "name_invalid_chars",
        "name_too_long",
        "text_control_chars",
        "text_too_long",
        "number_invalid",
        "number_ambiguous",
        "number_too_small",
        "number_too_large",
        "digits_not_digits",
        "digits_length",
        "tax_code_format",
        "tax_code_check_digit",
        "province_unknown",
        "province_merged",
        "address_has_district",
        "commune_township",
        "commune_ambiguous",
        "commune_former",
        "commune_other_province",
        "commune_unknown",
        "commune_code_unknown",
        "units_unavailable",
        "commune_has_province",
        "commune_multiple_parts",
        "commune_name_missing",
    ];

    #[test]
    fn codes_are_snake_case_unique_and_documented() {
        let docs = include_str!("mod.rs");
        let mut seen = std::collections::HashSet::new();
        for code in CODES {
            assert!(seen.insert(code), "{code} twice");
            assert!(
                code.bytes().all(|b| b.is_ascii_lowercase() || b == b'_'),
                "{code}"
            );
            assert!(
                docs.contains(&format!("//! {code}")) || docs.contains(&format!("`{code}`")),
                "{code}"
            );
        }
    }

    /// Garbage of every kind never panics and any problem has a known code
    /// and two non-empty messages.
    #[test]
    fn no_input_panics() {
        let samples = [
            "",
            " ",
            "\u{0}",
            "\u{FEFF}",
            "ﬁ",
            "ǅ",
            "İ",
            "ẞ",
            "٣",
            "+",
            "++84",
            "0",
            "00",
            "84",
            "@",
            ".",
            ",",
            "-",
            "--",
            "'",
            "()",
            "Q",
            "Q.",
            "P.",
            "TT",
            "Thị trấn",
            "ngày tháng năm",
            "31/12/9999",
            "01/01/10000",
            "9999-99-99",
            "18446744073709551616",
            "1.7976931348623157e309",
            "a@b",
            "\u{301}",
            "😀",
            "ŉ",
            "Ǆ",
            "ȷ",
        ];
        let long = "ă".repeat(10_000);
        let today = Date::MIN;
        for s in samples.iter().copied().chain([long.as_str()]) {
            let mut problems = Vec::new();
            problems.extend(Sex::parse(s).err());
            problems.extend(date(s).err());
            problems.extend(id_number(s).err());
            problems.extend(id_number_on(s, today).err());
            match phone(s) {
                Ok(c) => problems.extend(c.warning),
                Err(p) => problems.push(p),
            }
            problems.extend(email(s).err());
            problems.extend(person_name(s).err());
            problems.extend(text(s, 5).err());
            problems.extend(number(s, Some(0.0), Some(1.0)).err());
            problems.extend(digits(s, &[1, 9, 12]).err());
            problems.extend(tax_code(s).err());
            problems.extend(regions::province(s).err());
            problems.extend(regions::commune(s).err());
            problems.extend(regions::commune_code(s).err());
            problems.extend(regions::place(s, s).err().map(|p| p.problem));
            problems.extend(regions::place("Hà Nội", s).err().map(|p| p.problem));
            for p in problems {
                assert!(CODES.contains(&p.code), "{s:?}: {}", p.code);
                assert!(!p.message_vi.is_empty() && !p.message_en.is_empty());
            }
        }
        for d in [Date::MIN, Date::MAX] {
            let _ = birth_date(d, Date::MAX);
            let _ = age_on(d, Date::MIN);
            let _ = min_age(d, Date::MAX, u8::MAX);
            let _ = max_age(d, Date::MIN, 0);
            let _ = format_date(d);
        }
    }
}
