//! Vietnamese mobile phone numbers: accepted in the ways people write them,
//! returned as the 10-digit national form "0xxxxxxxxx".
//!
//! Messages never contain the number itself, only its 3- or 4-digit prefix.

use super::problem::{show_char, Problem};

/// The 3-digit mobile prefixes in use since the 11→10 digit conversion of
/// 2018 (Ministry of Information and Communications Decision 798/QĐ-BTTTT;
/// Circular 22/2014/TT-BTTTT numbering plan). Carriers shown for reference
/// only — numbers can be ported between networks since 2019:
/// - 032–039: Viettel (from 0162–0169), 086, 096–098: Viettel
/// - 052, 056, 058: Vietnamobile (056/058 from 0186/0188), 092: Vietnamobile
/// - 055: Reddi (Mobicast); 059: Gmobile (from 0199), 099: Gmobile
/// - 070, 076–079: MobiFone (from 0120/0126/0122/0128/0121), 089, 090, 093: MobiFone
/// - 081–085: VinaPhone (from 0127/0129/0123/0124/0125), 088, 091, 094: VinaPhone
/// - 087: Itel
///
/// Not public mobile: 02x (landlines, area codes renumbered in 2017), 069
/// (police and army network), 095 (former S-Fone, withdrawn), and the 03x,
/// 05x, 07x, 08x prefixes not listed (unallocated).
const MOBILE_PREFIXES: [&str; 36] = [
    "032", "033", "034", "035", "036", "037", "038", "039", // Viettel
    "052", "055", "056", "058", "059", // Vietnamobile, Reddi, Gmobile
    "070", "076", "077", "078", "079", // MobiFone
    "081", "082", "083", "084", "085", "086", "087", "088", "089", // mixed
    "090", "091", "092", "093", "094", // mixed
    "096", "097", "098", "099", // Viettel, Gmobile
];

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
/// as a national number. Codes: `empty`, `phone_invalid_chars`,
/// `phone_foreign`, `phone_old_prefix`, `phone_landline`, `phone_length`,
/// `phone_prefix_unknown`.
pub fn phone(raw: &str) -> Result<String, Problem> {
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
    check_national(&national)?;
    Ok(national)
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

fn check_national(n: &str) -> Result<(), Problem> {
    if n.starts_with("01") && n.len() == 11 {
        return Err(old_prefix_problem(&n[..4]));
    }
    if n.starts_with("02") {
        return Err(Problem::new(
            "phone_landline",
            "Đây là số điện thoại cố định (bắt đầu bằng 02); hãy nhập số di động.",
            "This is a landline number (starting with 02); enter a mobile number.",
        ));
    }
    if n.len() != 10 {
        return Err(length_problem(n.len()));
    }
    let prefix = &n[..3];
    if !MOBILE_PREFIXES.contains(&prefix) {
        return Err(Problem::new(
            "phone_prefix_unknown",
            format!("Đầu số {prefix} không phải đầu số di động Việt Nam; hãy kiểm tra lại."),
            format!("{prefix} is not a Vietnamese mobile prefix; please check the number."),
        ));
    }
    Ok(())
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

    fn ok(s: &str) -> String {
        phone(s).unwrap_or_else(|p| panic!("{s}: {p:?}"))
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
        for prefix in MOBILE_PREFIXES {
            let n = format!("{prefix}1234567");
            assert_eq!(ok(&n), n);
            assert_eq!(ok(&format!("+84{}", &n[1..])), n);
        }
        for (_, new) in OLD_PREFIXES {
            assert!(MOBILE_PREFIXES.contains(&new), "{new}");
        }
    }

    #[test]
    fn unallocated_prefixes_are_refused() {
        for prefix in [
            "030", "031", "050", "051", "053", "054", "057", "060", "069", "071", "075", "080",
            "095",
        ] {
            let p = phone(&format!("{prefix}1234567")).unwrap_err();
            assert_eq!(p.code, "phone_prefix_unknown", "{prefix}");
            assert!(p.message_vi.contains(prefix));
        }
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
        let inputs = [
            "0912345678",
            "091234567",
            "01681234567",
            "0241234567",
            "+1 4155550100",
            "0301234567",
            "0912a45678",
        ];
        for s in inputs {
            if let Err(p) = phone(s) {
                for text in [&p.message_vi, &p.message_en] {
                    assert!(!text.contains("1234567"), "{s}: {text}");
                    assert!(!text.contains("4555"), "{s}: {text}");
                }
            }
        }
    }
}
