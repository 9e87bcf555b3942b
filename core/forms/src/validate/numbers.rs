//! Numbers written as digits that are not arithmetic: a paper's number of a
//! fixed length ([`digits`]: the old 9-digit identity card, a 12-digit
//! driving licence, a 10-digit social-insurance code) and the tax code
//! ([`tax_code`]: 10 digits with a check digit, 13 for a branch, or since
//! 1 July 2025 the personal ID number). No message repeats the number.

use super::id_number::id_number;
use super::problem::{show_char, Problem};

/// The most digits a `digits` field may ask for.
pub const MAX_DIGITS: u8 = 40;

/// The digits of `raw`, spaces, dots and dashes between them dropped, when
/// `raw` has nothing else; the first other character otherwise.
fn only_digits(raw: &str) -> Result<String, char> {
    let mut out = String::new();
    for c in raw.trim().chars() {
        if c.is_ascii_digit() {
            out.push(c);
        } else if !(c == ' ' || c == '.' || c == '-') {
            return Err(c);
        }
    }
    Ok(out)
}

/// A number of one of the given lengths, digits only (spaces, dots and
/// dashes between digits are dropped); stored as its digits. Codes:
/// `empty`, `digits_not_digits`, `digits_length`.
pub fn digits(raw: &str, lengths: &[u8]) -> Result<String, Problem> {
    let d = only_digits(raw).map_err(|c| {
        let shown = show_char(c);
        Problem::new(
            "digits_not_digits",
            format!("Số này chỉ gồm chữ số; có ký tự {shown}."),
            format!("This number has digits only; it contains {shown}."),
        )
    })?;
    if d.is_empty() {
        return Err(Problem::empty("số", "number"));
    }
    if lengths.iter().any(|&n| usize::from(n) == d.len()) {
        return Ok(d);
    }
    let (vi, en) = lengths_text(lengths);
    Err(Problem::new(
        "digits_length",
        format!("Số này phải gồm {vi} chữ số (đã nhập {}).", d.len()),
        format!("This number has {en} digits ({} entered).", d.len()),
    ))
}

/// "9 hoặc 12" / "9 or 12".
fn lengths_text(lengths: &[u8]) -> (String, String) {
    let parts: Vec<String> = lengths.iter().map(u8::to_string).collect();
    (parts.join(" hoặc "), parts.join(" or "))
}

/// A tax code (mã số thuế): 10 digits whose last is the check digit of the
/// first nine (weights 31, 29, 23, 19, 17, 13, 7, 5, 3: the check digit is
/// 10 minus the weighted sum modulo 11), a branch's 13 (the parent's 10, a
/// dash, 3 digits other than 000; stored as `0123456789-001`), or a person's
/// 12-digit ID number, which replaced personal tax codes on 1 July 2025
/// (Circular 86/2024/TT-BTC), checked as an ID number. Codes: `empty`,
/// `tax_code_format`, `tax_code_check_digit`, and an ID number's codes.
pub fn tax_code(raw: &str) -> Result<String, Problem> {
    let format = || {
        Problem::new(
            "tax_code_format",
            "Mã số thuế gồm 10 chữ số, 13 chữ số (chi nhánh: 10 số, dấu gạch, 3 số) hoặc là số định danh cá nhân 12 chữ số.",
            "A tax code has 10 digits, 13 for a branch (10 digits, a dash, 3 digits), or is the 12-digit personal ID number.",
        )
    };
    let d = only_digits(raw).map_err(|_| format())?;
    match d.len() {
        0 => Err(Problem::empty("mã số thuế", "tax code")),
        12 => id_number(&d).map(|id| id.digits),
        10 | 13 => {
            let (main, branch) = d.split_at(10);
            if &main[2..9] == "0000000" || branch == "000" {
                return Err(format());
            }
            if !check_digit_holds(main) {
                return Err(Problem::new(
                    "tax_code_check_digit",
                    "Mã số thuế không đúng (chữ số kiểm tra không khớp); hãy xem lại từng chữ số.",
                    "The tax code is wrong (its check digit does not match); check each digit.",
                ));
            }
            Ok(if branch.is_empty() {
                main.to_string()
            } else {
                format!("{main}-{branch}")
            })
        }
        _ => Err(format()),
    }
}

/// Whether the tenth digit of `main` (10 ASCII digits) is the check digit
/// of the first nine.
fn check_digit_holds(main: &str) -> bool {
    const WEIGHTS: [u32; 9] = [31, 29, 23, 19, 17, 13, 7, 5, 3];
    let b = main.as_bytes();
    let sum: u32 = WEIGHTS
        .iter()
        .zip(b)
        .map(|(w, d)| w * u32::from(d.saturating_sub(b'0')))
        .sum();
    let check = 10 - sum % 11;
    b.get(9)
        .is_some_and(|&last| u32::from(last.saturating_sub(b'0')) == check)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn digits_of_the_lengths_asked() {
        assert_eq!(digits(" 012 345.678 ", &[9]).unwrap(), "012345678");
        assert_eq!(digits("012345678901", &[9, 12]).unwrap(), "012345678901");
        let p = digits("0123456789", &[9, 12]).unwrap_err();
        assert_eq!(p.code, "digits_length");
        assert_eq!(
            p.message_vi,
            "Số này phải gồm 9 hoặc 12 chữ số (đã nhập 10)."
        );
        assert!(!p.message_en.contains("0123"));
        assert_eq!(digits("12a4", &[4]).unwrap_err().code, "digits_not_digits");
        assert_eq!(digits(" - ", &[4]).unwrap_err().code, "empty");
    }

    #[test]
    fn tax_codes_with_their_check_digit() {
        assert_eq!(tax_code("0100233488").unwrap(), "0100233488");
        assert_eq!(tax_code("01.00.233.488").unwrap(), "0100233488");
        assert_eq!(tax_code("0314409058 - 002").unwrap(), "0314409058-002");
        assert_eq!(
            tax_code("0100233480").unwrap_err().code,
            "tax_code_check_digit"
        );
        assert_eq!(
            tax_code("0314409058-000").unwrap_err().code,
            "tax_code_format"
        );
        assert_eq!(tax_code("0100000008").unwrap_err().code, "tax_code_format");
        assert_eq!(tax_code("12345").unwrap_err().code, "tax_code_format");
        assert_eq!(
            tax_code("MST0100233488").unwrap_err().code,
            "tax_code_format"
        );
        assert_eq!(tax_code("").unwrap_err().code, "empty");
    }

    #[test]
    fn a_personal_id_number_is_a_tax_code() {
        assert_eq!(tax_code("001099012345").unwrap(), "001099012345");
        assert_eq!(
            tax_code("999099012345").unwrap_err().code,
            "id_province_unknown"
        );
    }

    /// A check digit of "10" (weighted sum divisible by 11) is never issued:
    /// no tenth digit matches it.
    #[test]
    fn a_sum_divisible_by_eleven_has_no_check_digit() {
        let nine = (0..1_000_000_000u32)
            .step_by(7919)
            .map(|n| format!("{n:09}"))
            .find(|s| {
                let w = [31u32, 29, 23, 19, 17, 13, 7, 5, 3];
                let sum: u32 = w
                    .iter()
                    .zip(s.bytes())
                    .map(|(w, d)| w * u32::from(d - b'0'))
                    .sum();
                sum % 11 == 0 && &s[2..9] != "0000000"
            })
            .unwrap();
        for last in 0..10 {
            assert!(!check_digit_holds(&format!("{nine}{last}")));
        }
    }
}
