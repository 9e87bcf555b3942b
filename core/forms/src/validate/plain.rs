//! Free text and numbers: [`text`] (trimmed, NFC, no control characters, a
//! length limit), [`value_length`] (the bound on any value as typed) and
//! [`number`] (Vietnamese or English separators).

use super::problem::{is_invisible_format, show_char, Problem};
use unicode_normalization::UnicodeNormalization;

/// Trims and NFC-normalizes `raw`; rejects empty text, control characters
/// (line breaks and tabs are kept: long answers may have several lines;
/// CR LF becomes LF), invisible direction-changing characters, and text
/// longer than `max_chars` characters.
pub fn text(raw: &str, max_chars: usize) -> Result<String, Problem> {
    let unified = raw.replace("\r\n", "\n");
    let t: String = unified.trim().nfc().collect();
    if t.is_empty() {
        return Err(Problem::empty("nội dung", "text"));
    }
    if let Some(c) = t
        .chars()
        .find(|&c| (c.is_control() && c != '\n' && c != '\t') || is_invisible_format(c))
    {
        let shown = show_char(c);
        return Err(Problem::new(
            "text_control_chars",
            format!("Nội dung có ký tự điều khiển hoặc ký tự ẩn {shown}; hãy xóa và gõ lại."),
            format!("The text contains a control or invisible character {shown}; delete it and type again."),
        ));
    }
    let len = t.chars().count();
    if len > max_chars {
        return Err(Problem::new(
            "text_too_long",
            format!("Nội dung quá dài: tối đa {max_chars} ký tự (hiện có {len})."),
            format!("The text is too long: at most {max_chars} characters (it has {len})."),
        ));
    }
    Ok(t)
}

/// Any value as typed, before it is checked or saved: at most
/// [`FORM_VALUE_CHARS`](hoso_store::limits::FORM_VALUE_CHARS) characters
/// (counted no further than one past the limit). Code: `value_too_long`.
pub fn value_length(raw: &str) -> Result<(), Problem> {
    let max = hoso_store::limits::FORM_VALUE_CHARS;
    if raw.chars().take(max + 1).count() > max {
        return Err(Problem::new(
            "value_too_long",
            format!("Giá trị quá dài: tối đa {max} ký tự."),
            format!("The value is too long: at most {max} characters."),
        ));
    }
    Ok(())
}

/// Parses a number written the Vietnamese way ("1.500.000", "2,5") or the
/// English way ("1,500,000", "2.5"); spaces between digit groups are allowed.
/// A single separator followed by exactly three digits ("1.500") could be
/// either, so it is refused with `number_ambiguous` rather than guessed.
/// Codes: `empty`, `number_invalid`, `number_ambiguous`, `number_too_small`,
/// `number_too_large`.
pub fn number(raw: &str, min: Option<f64>, max: Option<f64>) -> Result<f64, Problem> {
    let t: String = raw.chars().filter(|c| !c.is_whitespace()).collect();
    if t.is_empty() {
        return Err(Problem::empty("số", "number"));
    }
    let n = parse_number(&t)?;
    if let Some(min) = min.filter(|&m| n < m) {
        return Err(Problem::new(
            "number_too_small",
            format!("Số phải từ {} trở lên.", show_vi(min)),
            format!("The number must be at least {}.", show_en(min)),
        ));
    }
    if let Some(max) = max.filter(|&m| n > m) {
        return Err(Problem::new(
            "number_too_large",
            format!("Số không được lớn hơn {}.", show_vi(max)),
            format!("The number must be at most {}.", show_en(max)),
        ));
    }
    Ok(n)
}

fn parse_number(t: &str) -> Result<f64, Problem> {
    let (sign, body) = match t.strip_prefix('-') {
        Some(rest) => ("-", rest),
        None => ("", t.strip_prefix('+').unwrap_or(t)),
    };
    if body.is_empty()
        || !body
            .chars()
            .all(|c| c.is_ascii_digit() || c == '.' || c == ',')
    {
        return Err(invalid());
    }
    let dots = body.matches('.').count();
    let commas = body.matches(',').count();
    let (thousands, decimal) = match (dots, commas) {
        (0, 0) => (None, None),
        (_, 0) | (0, _) => {
            let sep = if dots > 0 { '.' } else { ',' };
            if dots + commas > 1 {
                (Some(sep), None)
            } else {
                let (before, after) = body.split_once(sep).unwrap_or((body, ""));
                let looks_grouped = after.len() == 3 && (1..=3).contains(&before.len());
                if looks_grouped && before != "0" {
                    return Err(ambiguous(body, sep));
                }
                (None, Some(sep))
            }
        }
        _ => {
            // Both kinds: the last one is the decimal mark and appears once.
            let last = body.rfind(['.', ',']).unwrap_or(0);
            let decimal = if body[last..].starts_with('.') {
                '.'
            } else {
                ','
            };
            let thousands = if decimal == '.' { ',' } else { '.' };
            if body.matches(decimal).count() != 1 {
                return Err(invalid());
            }
            (Some(thousands), Some(decimal))
        }
    };
    let (int_part, frac_part) = match decimal {
        Some(d) => body.split_once(d).unwrap_or((body, "")),
        None => (body, ""),
    };
    if decimal.is_some() && (frac_part.is_empty() || int_part.is_empty()) {
        return Err(invalid());
    }
    let int_digits = match thousands {
        Some(sep) => {
            let groups: Vec<&str> = int_part.split(sep).collect();
            let well_grouped = groups.first().is_some_and(|g| (1..=3).contains(&g.len()))
                && groups.iter().skip(1).all(|g| g.len() == 3);
            if !well_grouped {
                return Err(invalid());
            }
            groups.concat()
        }
        None => int_part.to_string(),
    };
    let canonical = format!(
        "{sign}{int_digits}.{}",
        if frac_part.is_empty() { "0" } else { frac_part }
    );
    canonical
        .parse::<f64>()
        .ok()
        .filter(|n| n.is_finite())
        .ok_or_else(invalid)
}

fn invalid() -> Problem {
    Problem::new(
        "number_invalid",
        "Không phải là số; chỉ dùng chữ số, dấu chấm hoặc dấu phẩy (ví dụ 1.500.000 hoặc 2,5).",
        "Not a number; use only digits with dots or commas (e.g. 1,500,000 or 2.5).",
    )
}

fn ambiguous(body: &str, sep: char) -> Problem {
    let (int, frac) = body.split_once(sep).unwrap_or((body, ""));
    Problem::new(
        "number_ambiguous",
        format!(
            "Không rõ “{body}” là {int}{frac} hay {int},{frac}; hãy viết {int}{frac} (không có dấu \
             phân cách) hoặc {int},{frac}."
        ),
        format!(
            "“{body}” could mean {int}{frac} or {int}.{frac}; write {int}{frac} (no separator) or \
             {int}.{frac}."
        ),
    )
}

fn show_en(x: f64) -> String {
    format!("{x}")
}

fn show_vi(x: f64) -> String {
    show_en(x).replace('.', ",")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_trimmed_and_composed() {
        assert_eq!(text("  Xin chào  ", 20), Ok("Xin chào".into()));
        assert_eq!(text("Vie\u{323}\u{302}t", 10), Ok("Việt".into()));
        assert_eq!(
            text("dòng 1\r\ndòng 2\tcột", 50),
            Ok("dòng 1\ndòng 2\tcột".into())
        );
        assert_eq!(text("a  b", 4), Ok("a  b".into()));
    }

    #[test]
    fn text_problems() {
        assert_eq!(text("", 5).unwrap_err().code, "empty");
        assert_eq!(text(" \n\t ", 5).unwrap_err().code, "empty");
        let p = text("abc\u{0}d", 10).unwrap_err();
        assert_eq!(p.code, "text_control_chars");
        assert!(p.message_vi.contains("U+0000"), "{}", p.message_vi);
        assert_eq!(
            text("abc\u{202E}d", 10).unwrap_err().code,
            "text_control_chars"
        );
        assert_eq!(
            text("a\u{200B}b", 10).unwrap_err().code,
            "text_control_chars"
        );
        // Length counts characters after composition, not bytes.
        assert_eq!(text("Việt Nam", 8), Ok("Việt Nam".into()));
        assert_eq!(text("Vie\u{323}\u{302}t Nam", 8), Ok("Việt Nam".into()));
        let p = text("Việt Nam!", 8).unwrap_err();
        assert_eq!(p.code, "text_too_long");
        assert!(
            p.message_vi.contains("tối đa 8 ký tự (hiện có 9)"),
            "{}",
            p.message_vi
        );
        assert_eq!(text("a", 0).unwrap_err().code, "text_too_long");
    }

    #[test]
    fn numbers_in_either_convention() {
        let n = |s: &str| number(s, None, None).unwrap_or_else(|p| panic!("{s}: {p:?}"));
        assert_eq!(n("42"), 42.0);
        assert_eq!(n(" -7 "), -7.0);
        assert_eq!(n("+7"), 7.0);
        assert_eq!(n("2,5"), 2.5);
        assert_eq!(n("2.5"), 2.5);
        assert_eq!(n("0,500"), 0.5);
        assert_eq!(n("0.500"), 0.5);
        assert_eq!(n("1234,5"), 1234.5);
        assert_eq!(n("1.500.000"), 1_500_000.0);
        assert_eq!(n("1,500,000"), 1_500_000.0);
        assert_eq!(n("1.500.000,75"), 1_500_000.75);
        assert_eq!(n("1,500,000.75"), 1_500_000.75);
        assert_eq!(n("1 500 000"), 1_500_000.0);
        assert_eq!(n("12.34"), 12.34);
        assert_eq!(n("1.5000"), 1.5);
    }

    #[test]
    fn number_problems() {
        let code = |s: &str| number(s, None, None).unwrap_err().code;
        for s in [
            "abc",
            "1.2.3,4,5",
            "1,2,3",
            "12a",
            "1..2",
            ".5",
            "5.",
            "--1",
            "1e5",
            "NaN",
            "inf",
            "1.500,000.5",
            "1.50.000",
            "1,5.5",
        ] {
            assert_eq!(code(s), "number_invalid", "{s}");
        }
        assert_eq!(code(""), "empty");
        let p = number("1.500", None, None).unwrap_err();
        assert_eq!(p.code, "number_ambiguous");
        assert!(p.message_vi.contains("1500 hay 1,500"), "{}", p.message_vi);
        assert_eq!(code("1,500"), "number_ambiguous");
        assert_eq!(code("-1,500"), "number_ambiguous");
        let p = number("5", Some(10.0), None).unwrap_err();
        assert_eq!(p.code, "number_too_small");
        assert!(p.message_vi.contains("từ 10 trở lên"), "{}", p.message_vi);
        let p = number("2,75", None, Some(2.5)).unwrap_err();
        assert_eq!(p.code, "number_too_large");
        assert!(p.message_vi.contains("2,5"), "{}", p.message_vi);
        assert!(p.message_en.contains("2.5"), "{}", p.message_en);
        assert_eq!(number("10", Some(10.0), Some(10.0)), Ok(10.0));
        assert_eq!(code(&"9".repeat(400)), "number_invalid");
    }
}
