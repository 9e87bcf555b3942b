//! Vietnamese text folding shared by search and parsing: lower case, no
//! diacritics, `đ` → `d`. Search adds its own spelling-variant rules on top.

use unicode_normalization::char::{decompose_canonical, is_combining_mark};

/// Folds `s` to lower-case ASCII-ish text: diacritics removed, `đ`/`Đ` → `d`.
/// Characters with no decomposition (digits, punctuation, other scripts) are
/// lower-cased and kept.
pub fn fold(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        push_folded(c, &mut out);
    }
    out
}

/// Appends the folded form of one character to `out`.
pub fn push_folded(c: char, out: &mut String) {
    if c.is_ascii() {
        out.push(c.to_ascii_lowercase());
        return;
    }
    match c {
        'đ' | 'Đ' => out.push('d'),
        _ => decompose_canonical(c, |d| {
            if !is_combining_mark(d) {
                out.extend(d.to_lowercase());
            }
        }),
    }
}

#[cfg(test)]
mod tests {
    use super::fold;

    #[test]
    fn strips_every_vietnamese_diacritic() {
        assert_eq!(fold("Đăng ký khai sinh"), "dang ky khai sinh");
        assert_eq!(fold("ĐƯỜNG Bộ"), "duong bo");
        assert_eq!(fold("Ủy ban nhân dân Xã"), "uy ban nhan dan xa");
        assert_eq!(fold("ắằẳẵặấầẩẫậéèẻẽẹếềểễệ"), "aaaaaaaaaaeeeeeeeeee");
        assert_eq!(
            fold("ỉịĩìíòóỏõọồốổỗộờớởỡợùúủũụừứửữựỳýỷỹỵ"),
            "iiiiiooooooooooooooouuuuuuuuuuyyyyy"
        );
    }

    #[test]
    fn composed_and_decomposed_input_fold_alike() {
        // "ế" as one code point vs e + circumflex + acute.
        assert_eq!(fold("h\u{1ebf}t"), fold("he\u{302}\u{301}t"));
        assert_eq!(fold("he\u{302}\u{301}t"), "het");
    }
}
