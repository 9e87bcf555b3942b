//! Vietnamese mobile phone numbers: accepted in the ways people write them,
//! returned as the 10-digit national form "0xxxxxxxxx".
//!
//! Which prefixes are mobile comes from the numbering plan's table
//! (`plan`, generated from libphonenumber's metadata by
//! `core/data/phone/generate.py`). A number in a block the plan reserves for
//! mobile (03, 05, 07, 08, 09) is never refused for its prefix: one not yet
//! allocated is accepted with the warning `phone_prefix_unallocated`, so a
//! new carrier's numbers do not lock anyone out. See docs/phones.md.
//!
//! Messages never contain the number itself, only its 3- or 4-digit prefix.

mod plan;

use super::problem::{show_char, Checked, Problem};

/// Old 11-digit prefixes (before 15 September–15 November 2018) → new ones.
const OLD_PREFIXES: [(&str, &str); 21] = [
    ("0120", "070"),
    ("0121", "079"),
    ("0122", "077"),
    ("0126", "076"),
    ("0128", "078"),
    ("0123", "083"),
    ("0124", "084"),
    ("0125", "085"),
    ("0127", "081"),
    ("0129", "082"),
    ("0162", "032"),
    ("0163", "033"),
    ("0164", "034"),
    ("0165", "035"),
    ("0166", "036"),
    ("0167", "037"),
    ("0168", "038"),
    ("0169", "039"),
    ("0186", "056"),
    ("0188", "058"),
    ("0199", "059"),
];

/// Normalizes a Vietnamese mobile number to "0xxxxxxxxx". Accepts `+84`,
/// `84`, `0084` or `0` in front (and a "(0)" after the country code), spaces,
/// dots, dashes and parentheses; nine digits without the leading 0 are taken
/// as a national number. Error codes: `empty`, `phone_invalid_chars`,
/// `phone_foreign`, `phone_old_prefix`, `phone_landline`, `phone_length`,
/// `phone_prefix_unknown` (a prefix outside the mobile blocks). Warning
/// code, with the number accepted: `phone_prefix_unallocated` (a prefix in
/// a mobile block that the plan's table does not list as allocated).
pub fn phone(raw: &str) -> Result<Checked, Problem> {
    let t = raw.trim();
    if t.is_empty() {
        return Err(Problem::empty("số điện thoại", "phone number"));
    }
    let plus = t.starts_with('+');
    let body = if plus { &t[1..] } else { t };
    if let Some(c) = body
        .chars()
        .find(|&c| !(c.is_ascii_digit() || c.is_whitespace() || matches!(c, '.' | '-' | '(' | ')')))
    {
        let shown = show_char(c);
        return Err(Problem::new(
            "phone_invalid_chars",
            format!("Số điện thoại chỉ gồm chữ số (có thể có dấu cách, chấm, gạch ngang); có ký tự {shown}."),
            format!("A phone number may contain only digits, spaces, dots and dashes; found {shown}."),
        ));
    }
    let digits: String = body.chars().filter(char::is_ascii_digit).collect();
    let national = national_form(&digits, plus)?;
    let warning = check_national(&national)?;
    Ok(Checked {
        value: national,
        warning,
    })
}

/// Turns the digits into the national form starting with 0.
fn national_form(digits: &str, plus: bool) -> Result<String, Problem> {
    let international = if plus {
        Some(digits)
    } else {
        digits.strip_prefix("00")
    };
    if let Some(intl) = international {
        return match intl.strip_prefix("84") {
            // "+84 (0) 912…": drop the redundant trunk 0.
            Some(rest) => Ok(format!("0{}", rest.strip_prefix('0').unwrap_or(rest))),
            None => Err(Problem::new(
                "phone_foreign",
                "Chỉ nhận số di động Việt Nam (mã quốc gia +84).",
                "Only Vietnamese mobile numbers (country code +84) are accepted.",
            )),
        };
    }
    if digits.starts_with('0') {
        return Ok(digits.to_string());
    }
    // "84 912 345 678" (11 digits) or an old "84 168 …" (12 digits).
    if let Some(rest) = digits.strip_prefix("84") {
        if rest.len() == 9 || (rest.len() == 10 && rest.starts_with('1')) {
            return Ok(format!("0{rest}"));
        }
    }
    // "912 345 678": the leading 0 left out.
    if digits.len() == 9 {
        return Ok(format!("0{digits}"));
    }
    Err(length_problem(digits.len()))
}

/// Errors refuse the number; `Ok(Some(_))` accepts it with a warning.
fn check_national(n: &str) -> Result<Option<Problem>, Problem> {
    if n.starts_with("01") && n.len() == 11 {
        return Err(old_prefix_problem(n.get(..4).unwrap_or(n)));
    }
    if n.starts_with("02") {
        return Err(Problem::new(
            "phone_landline",
            "Đây là số điện thoại cố định (bắt đầu bằng 02); hãy nhập số di động.",
            "This is a landline number (starting with 02); enter a mobile number.",
        ));
    }
    if allocated(n) {
        return Ok(None);
    }
    if n.len() != plan::MOBILE_LENGTH {
        return Err(length_problem(n.len()));
    }
    let prefix = n.get(..3).unwrap_or(n);
    if !plan::MOBILE_BLOCKS.iter().any(|b| n.starts_with(b)) {
        return Err(Problem::new(
            "phone_prefix_unknown",
            format!("Đầu số {prefix} không phải đầu số di động Việt Nam; hãy kiểm tra lại."),
            format!("{prefix} is not a Vietnamese mobile prefix; please check the number."),
        ));
    }
    let prefix = unallocated_prefix(n);
    Ok(Some(Problem::new(
        "phone_prefix_unallocated",
        format!(
            "Đầu số {prefix} thuộc dải số di động nhưng chưa thấy cấp cho nhà mạng nào; \
             số vẫn được lưu, hãy kiểm tra lại."
        ),
        format!(
            "{prefix} is in a mobile block but not known to be allocated to a carrier; \
             the number is kept, please check it."
        ),
    )))
}

/// Is `n` (national form) in a prefix allocated to mobile, at its length?
fn allocated(n: &str) -> bool {
    plan::MOBILE
        .iter()
        .any(|(prefix, len)| n.len() == *len && n.starts_with(prefix))
}

/// The shortest prefix of `n` (3 or 4 digits) in which nothing is
/// allocated: "053" when all of 053 is free, "0524" when 052 is partly
/// allocated (0522, 0523, 0528).
fn unallocated_prefix(n: &str) -> &str {
    let three = n.get(..3).unwrap_or(n);
    let partly = plan::MOBILE.iter().any(|(p, _)| p.starts_with(three));
    if partly {
        n.get(..4).unwrap_or(n)
    } else {
        three
    }
}

fn old_prefix_problem(old: &str) -> Problem {
    match OLD_PREFIXES.iter().find(|(o, _)| *o == old) {
        Some((old, new)) => Problem::new(
            "phone_old_prefix",
            format!(
                "Đầu số {old} (11 số) đã đổi thành {new} từ năm 2018; hãy thay {old} bằng {new} \
                 và giữ nguyên 7 số cuối."
            ),
            format!(
                "The 11-digit prefix {old} became {new} in 2018; replace {old} with {new} and \
                 keep the last 7 digits."
            ),
        ),
        None => Problem::new(
            "phone_old_prefix",
            "Số di động 11 số (đầu 01…) đã chuyển sang 10 số từ năm 2018; hãy nhập số mới.",
            "11-digit mobile numbers (starting 01…) changed to 10 digits in 2018; enter the new number.",
        ),
    }
}

fn length_problem(len: usize) -> Problem {
    Problem::new(
        "phone_length",
        format!("Số di động phải có 10 chữ số, kể cả số 0 ở đầu (đang có {len})."),
        format!("A mobile number has 10 digits including the leading 0 (this has {len})."),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Accepted without a warning.
    fn ok(s: &str) -> String {
        let c = phone(s).unwrap_or_else(|p| panic!("{s}: {p:?}"));
        assert_eq!(c.warning, None, "{s}");
        c.value
    }
    /// Accepted with a warning: the number and the warning's code.
    fn warned(s: &str) -> (String, &'static str) {
        let c = phone(s).unwrap_or_else(|p| panic!("{s}: {p:?}"));
        let w = c.warning.unwrap_or_else(|| panic!("{s}: no warning"));
        (c.value, w.code)
    }
    fn code(s: &str) -> &'static str {
        phone(s).expect_err(s).code
    }

    #[test]
    fn accepts_the_usual_ways_of_writing() {
        for s in [
            "0912345678",
            "0912 345 678",
            "0912.345.678",
            "0912-345-678",
            "(091) 234 5678",
            "+84912345678",
            "+84 912 345 678",
            "+84 (0) 912 345 678",
            "84912345678",
            "84 912 345 678",
            "0084 912 345 678",
            "912345678",
            "  0912345678\t",
        ] {
            assert_eq!(ok(s), "0912345678", "{s}");
        }
    }

    #[test]
    fn every_allocated_prefix_is_accepted() {
        for (prefix, len) in plan::MOBILE {
            let n = format!("{prefix}{}", &"12345678"[..len - prefix.len()]);
            assert_eq!(ok(&n), n);
            assert_eq!(ok(&format!("+84{}", &n[1..])), n);
        }
        // The prefixes the 2018 conversion moved 11-digit numbers to.
        for (_, new) in OLD_PREFIXES {
            assert!(allocated(&format!("{new}1234567")), "{new}");
        }
        // Numbers people have, in prefixes the old hand list lacked.
        for n in ["0301234567", "0311234567", "0511234567", "0951234567"] {
            assert_eq!(ok(n), n);
        }
    }

    #[test]
    fn unallocated_prefixes_in_mobile_blocks_are_kept_with_a_warning() {
        for (prefix, shown) in [
            ("050", "050"),
            ("053", "053"),
            ("054", "054"),
            ("057", "057"),
            ("071", "071"),
            ("075", "075"),
            ("080", "080"),
            ("0524", "0524"),
            ("0550", "0550"),
            ("0891", "0891"),
            ("0992", "0992"),
        ] {
            let n = format!("{prefix}{}", &"1234567"[..10 - prefix.len()]);
            assert_eq!(warned(&n), (n.clone(), "phone_prefix_unallocated"));
            let w = phone(&n).unwrap().warning.unwrap();
            assert!(
                w.message_vi.contains(&format!("Đầu số {shown} ")),
                "{}",
                w.message_vi
            );
            assert!(
                w.message_en.starts_with(&format!("{shown} is")),
                "{}",
                w.message_en
            );
        }
        // International forms too.
        assert_eq!(
            warned("+84 53 123 4567"),
            ("0531234567".into(), "phone_prefix_unallocated")
        );
    }

    #[test]
    fn prefixes_outside_the_mobile_blocks_are_refused() {
        for prefix in [
            "040", "041", "060", "062", "069", "010", "011", "0141", "0161",
        ] {
            let n = format!("{prefix}{}", &"1234567"[..10 - prefix.len()]);
            let p = phone(&n).unwrap_err();
            assert_eq!(p.code, "phone_prefix_unknown", "{prefix}");
            assert!(p.message_vi.contains(&prefix[..3]));
        }
        // 10-digit numbers libphonenumber gives to mobile outside the blocks.
        for n in ["0140123456", "0160123456", "0121012345", "0121312345"] {
            assert_eq!(ok(n), n);
        }
        assert_eq!(code("0121412345"), "phone_prefix_unknown");
    }

    #[test]
    fn old_eleven_digit_numbers_name_the_new_prefix() {
        for (old, new) in OLD_PREFIXES {
            let p = phone(&format!("{old}1234567")).unwrap_err();
            assert_eq!(p.code, "phone_old_prefix", "{old}");
            assert!(
                p.message_vi
                    .contains(&format!("{old} (11 số) đã đổi thành {new}")),
                "{}",
                p.message_vi
            );
            assert!(
                p.message_en.contains(&format!("{old} became {new}")),
                "{}",
                p.message_en
            );
        }
        assert_eq!(code("+84 168 123 4567"), "phone_old_prefix");
        assert_eq!(code("84 168 123 4567"), "phone_old_prefix");
        let p = phone("01301234567").unwrap_err();
        assert_eq!(p.code, "phone_old_prefix");
        assert!(p.message_vi.contains("10 số"), "{}", p.message_vi);
    }

    #[test]
    fn landlines_lengths_and_other_countries() {
        for s in [
            "024 3825 1234",
            "02838251234",
            "+84 24 3825 1234",
            "0236 123 456",
        ] {
            assert_eq!(code(s), "phone_landline", "{s}");
        }
        for s in [
            "091234567",
            "09123456789",
            "0912",
            "12345",
            "84912",
            "1234567890123",
        ] {
            assert_eq!(code(s), "phone_length", "{s}");
        }
        let p = phone("091234567").unwrap_err();
        assert!(p.message_vi.contains("đang có 9"), "{}", p.message_vi);
        for s in ["+1 415 555 0100", "0044 20 7946 0958", "+855 12 345 678"] {
            assert_eq!(code(s), "phone_foreign", "{s}");
        }
        for s in [
            "0912a45678",
            "0912/345/678",
            "+84+912345678",
            "0912,345,678",
            "số 0912345678",
        ] {
            assert_eq!(code(s), "phone_invalid_chars", "{s}");
        }
        assert_eq!(code(""), "empty");
        assert_eq!(code(" - "), "phone_length");
    }

    #[test]
    fn messages_never_contain_the_number() {
        // Warnings included.
        let inputs = [
            "0912345678",
            "091234567",
            "01681234567",
            "0241234567",
            "+1 4155550100",
            "0301234567",
            "0531234567",
            "0524123456",
            "0401234567",
            "0912a45678",
        ];
        for s in inputs {
            let problem = match phone(s) {
                Ok(c) => c.warning,
                Err(p) => Some(p),
            };
            if let Some(p) = problem {
                let digits: String = s.chars().filter(char::is_ascii_digit).collect();
                let tail = &digits[digits.len().saturating_sub(6)..];
                for text in [&p.message_vi, &p.message_en] {
                    assert!(!text.contains(tail), "{s}: {text}");
                    assert!(!text.contains("1234567"), "{s}: {text}");
                    assert!(!text.contains("4555"), "{s}: {text}");
                }
            }
        }
    }
}
