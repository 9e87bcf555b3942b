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

/// Appends the folded form of one character as search reads it: as
/// [`push_folded`], and `y` read as `i` — Vietnamese writes many words
/// either way (kí/ký, lí/lý, Mỹ/Mĩ), so the catalog search and the address
/// picker treat the two alike.
pub fn push_search_folded(c: char, out: &mut String) {
    let from = out.len();
    push_folded(c, out);
    if out[from..].contains('y') {
        let tail = out.split_off(from).replace('y', "i");
        out.push_str(&tail);
    }
}

/// `s` folded as search reads it ([`push_search_folded`]).
pub fn search_fold(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        push_search_folded(c, &mut out);
    }
    out
}

/// Appends one character lower-cased and canonically decomposed, keeping
/// its diacritics (and `đ`): the form that tells "cần" from "cán" and "chợ"
/// from "cho" once both fold to the same letters.
pub fn push_marked(c: char, out: &mut String) {
    if c.is_ascii() {
        out.push(c.to_ascii_lowercase());
        return;
    }
    match c {
        'Đ' => out.push('đ'),
        _ => decompose_canonical(c, |d| out.extend(d.to_lowercase())),
    }
}

/// `text` if it reads like an identifier or value path (`full_name`,
/// `members[0].address.province`, `m1`, a procedure code `1.001193`), else
/// `…`. Error messages echo
/// what the user passed as a name through this, so a value typed in the
/// wrong place (an ID number, a name) is never shown or logged.
pub fn shown_if_identifier(text: &str) -> String {
    let identifier = !text.is_empty()
        && text.len() <= 80
        && text
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '[' | ']' | '-'))
        && !text
            .split(|c: char| !c.is_ascii_digit())
            .any(|run| run.len() >= 7);
    if identifier {
        text.to_string()
    } else {
        "…".to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::{fold, search_fold, shown_if_identifier};

    #[test]
    fn search_folding_reads_y_as_i() {
        assert_eq!(search_fold("Đăng KÝ"), "dang ki");
        assert_eq!(search_fold("Mỹ Yên"), search_fold("mi ien"));
        assert_eq!(search_fold("lý"), "li");
        assert_eq!(search_fold("Y"), "i");
        assert_eq!(search_fold("12 ,."), "12 ,.");
    }

    #[test]
    fn identifiers_shown_typed_values_not() {
        for ok in [
            "child.full_name",
            "members[0].address.province",
            "m1",
            "1.001193",
            "5zxq",
        ] {
            assert_eq!(shown_if_identifier(ok), ok);
        }
        for hidden in [
            "079301234567",
            "0912345678",
            "0912 345 678",
            "Nguyễn Văn An",
            "",
            "a@b.vn",
        ] {
            assert_eq!(shown_if_identifier(hidden), "…", "{hidden}");
        }
    }

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
