//! The key a unit's name is looked up by: folded like the catalog's search
//! text (`text::search_fold`: no diacritics, `đ` → `d`, lower case, `y`
//! read as `i`), apostrophes dropped ("H'Leo", "H’Leo" and "Hleo" alike),
//! other punctuation a space, spaces collapsed, and leading zeros of a
//! number dropped ("Phường 01" is "Phường 1").

use crate::text::search_fold;

/// The lookup key of `name`.
pub(crate) fn key(name: &str) -> String {
    let folded = search_fold(name);
    let mut spaced = String::with_capacity(folded.len());
    for c in folded.chars() {
        match c {
            '\'' | '\u{2019}' | '\u{2018}' | '`' => {}
            c if c.is_alphanumeric() => spaced.push(c),
            _ => spaced.push(' '),
        }
    }
    let mut out = String::with_capacity(spaced.len());
    for word in spaced.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        let trimmed = word.trim_start_matches('0');
        if word.chars().all(|c| c.is_ascii_digit()) && !trimmed.is_empty() {
            out.push_str(trimmed);
        } else {
            out.push_str(word);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::key;

    #[test]
    fn folds_the_way_people_type() {
        assert_eq!(key("Phường Ba Đình"), "phuong ba dinh");
        assert_eq!(key("  phuong   ba dinh "), "phuong ba dinh");
        assert_eq!(key("Xã Ea H'Leo"), key("xa ea h’leo"));
        assert_eq!(key("Xã Ea H'Leo"), "xa ea hleo");
        assert_eq!(key("Tỉnh Bà Rịa - Vũng Tàu"), "tinh ba ria vung tau");
        assert_eq!(key("Phường 01"), "phuong 1");
        assert_eq!(key("Phường 10"), "phuong 10");
        assert_eq!(key("0"), "0");
        assert_eq!(key("Xã Mỹ An"), key("xa mi an"));
        assert_eq!(key("Thuỵ"), key("Thụy"));
        assert_eq!(key(""), "");
    }
}
