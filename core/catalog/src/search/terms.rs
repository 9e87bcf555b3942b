//! Turning text into search terms: Vietnamese folding (no diacritics, `đ` →
//! `d`, lower case) plus the `y` → `i` spelling-variant rule (kí/ký, lí/lý),
//! split on anything that is not a letter or digit. Index and queries go
//! through the same function, so every rule applies to both sides.

use crate::text::push_folded;

/// The search terms of `text`, in order.
pub(crate) fn terms(text: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut current = String::new();
    let mut folded = String::with_capacity(4);
    for c in text.chars() {
        folded.clear();
        push_folded(c, &mut folded);
        for f in folded.chars() {
            if f.is_alphanumeric() {
                current.push(if f == 'y' { 'i' } else { f });
            } else if !current.is_empty() {
                out.push(std::mem::take(&mut current));
            }
        }
    }
    if !current.is_empty() {
        out.push(current);
    }
    out
}

/// A procedure code or code prefix as people type it (`1.004222`, `1.0042`,
/// `2.000`): digits, one dot, digits.
pub(crate) fn as_code(token: &str) -> Option<&str> {
    let (head, tail) = token.split_once('.')?;
    let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    (!head.is_empty() && head.len() <= 2 && digits(head) && digits(tail) && tail.len() <= 6)
        .then_some(token)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_diacritics_d_case_and_y_variant() {
        assert_eq!(terms("Đăng KÝ khai-sinh!"), ["dang", "ki", "khai", "sinh"]);
        assert_eq!(terms("đăng kí"), terms("dang ky"));
        assert_eq!(terms("Lý lịch tư pháp"), terms("li lich tu phap"));
        assert_eq!(terms("  "), Vec::<String>::new());
        assert_eq!(terms("Mẫu số 01/TK"), ["mau", "so", "01", "tk"]);
    }

    #[test]
    fn mixed_diacritics_fold_alike() {
        assert_eq!(terms("dăng ký khai sinh"), terms("đang ký khai sình"));
    }

    #[test]
    fn codes_are_recognised() {
        assert_eq!(as_code("1.004222"), Some("1.004222"));
        assert_eq!(as_code("1.00"), Some("1.00"));
        assert_eq!(as_code("1."), Some("1."));
        assert_eq!(as_code("abc.1"), None);
        assert_eq!(as_code("2025"), None);
        assert_eq!(as_code("1.0042229999"), None);
    }
}
