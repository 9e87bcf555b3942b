//! Person names: full names as written on Vietnamese civil-status papers,
//! including ethnic-minority names with hyphens and apostrophes
//! ("Ksor H'Hen", "Y-Moan", "Rơ Chăm Pheo").

use super::problem::{show_char, Problem};
use unicode_normalization::char::is_combining_mark;
use unicode_normalization::UnicodeNormalization;

/// Longest accepted full name, in characters.
pub const MAX_NAME_CHARS: usize = 100;

/// Checks a full name and returns it NFC-normalized with whitespace collapsed
/// and apostrophe variants (’ ‘ ʼ ´ `) written as `'`. Letters must be Latin
/// (the script of Vietnamese, ethnic-minority and romanised foreign names on
/// Vietnamese papers), with any diacritics; spaces, hyphens and apostrophes
/// are allowed between letters. Codes: `empty`, `name_invalid_chars`,
/// `name_too_long`. Letter case is kept as typed.
pub fn person_name(raw: &str) -> Result<String, Problem> {
    let nfc: String = raw.nfc().map(unify_apostrophe).collect();
    let name = nfc.split_whitespace().collect::<Vec<_>>().join(" ");
    if name.is_empty() {
        return Err(Problem::empty("họ và tên", "full name"));
    }
    let mut previous: Option<char> = None;
    for c in name.chars() {
        let ok = match c {
            ' ' | '-' | '\'' => true,
            c if is_combining_mark(c) => {
                previous.is_some_and(|p| is_latin_letter(p) || is_combining_mark(p))
            }
            c => is_latin_letter(c),
        };
        if !ok {
            return Err(invalid_char(c));
        }
        previous = Some(c);
    }
    if !name.chars().any(is_latin_letter) {
        return Err(Problem::new(
            "name_invalid_chars",
            "Họ và tên phải có chữ cái.",
            "The full name must contain letters.",
        ));
    }
    let len = name.chars().count();
    if len > MAX_NAME_CHARS {
        return Err(Problem::new(
            "name_too_long",
            format!("Họ và tên quá dài: tối đa {MAX_NAME_CHARS} ký tự (hiện có {len})."),
            format!(
                "The full name is too long: at most {MAX_NAME_CHARS} characters (it has {len})."
            ),
        ));
    }
    Ok(name)
}

fn unify_apostrophe(c: char) -> char {
    match c {
        '\u{2019}' | '\u{2018}' | '\u{02BC}' | '\u{00B4}' | '`' => '\'',
        c => c,
    }
}

/// Latin letters: ASCII, Latin-1 Supplement and Latin Extended-A/B
/// (U+00C0–U+024F), plus Latin Extended Additional (U+1E00–U+1EFF), where
/// most precomposed Vietnamese letters (ấ, ặ, ữ, ỳ …) live.
fn is_latin_letter(c: char) -> bool {
    c.is_alphabetic()
        && (c.is_ascii_alphabetic()
            || matches!(c, '\u{00C0}'..='\u{024F}' | '\u{1E00}'..='\u{1EFF}'))
}

fn invalid_char(c: char) -> Problem {
    let shown = show_char(c);
    let (vi, en) = if c.is_ascii_digit() {
        (
            format!("Họ và tên không được có chữ số (có {shown})."),
            format!("The full name must not contain digits (found {shown})."),
        )
    } else if c.is_alphabetic() {
        (
            format!("Họ và tên chỉ dùng chữ cái tiếng Việt hoặc chữ Latin (có {shown})."),
            format!("The full name must use Vietnamese or Latin letters (found {shown})."),
        )
    } else {
        (
            format!(
                "Họ và tên chỉ gồm chữ cái, dấu cách, dấu gạch nối và dấu nháy đơn (có {shown})."
            ),
            format!(
                "The full name may contain only letters, spaces, hyphens and apostrophes (found {shown})."
            ),
        )
    };
    Problem::new("name_invalid_chars", vi, en)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(s: &str) -> String {
        person_name(s).unwrap_or_else(|p| panic!("{s}: {p:?}"))
    }
    fn code(s: &str) -> &'static str {
        person_name(s).expect_err(s).code
    }

    #[test]
    fn vietnamese_names_with_every_letter() {
        assert_eq!(ok("Nguyễn Văn An"), "Nguyễn Văn An");
        assert_eq!(ok("  Trần   Thị\tBích  Ngọc "), "Trần Thị Bích Ngọc");
        assert_eq!(ok("ĐẶNG THỊ HỒNG NHUNG"), "ĐẶNG THỊ HỒNG NHUNG");
        let all = "aàảãáạăằẳẵắặâầẩẫấậbcdđeèẻẽéẹêềểễếệghiìỉĩíịklmnoòỏõóọôồổỗốộơờởỡớợpqrstuùủũúụưừửữứựvxyỳỷỹýỵ";
        assert_eq!(ok(all), all);
        assert_eq!(ok(&all.to_uppercase()), all.to_uppercase());
    }

    #[test]
    fn decomposed_input_is_composed() {
        // "Nguyễn" typed as NFD: e + circumflex + tilde.
        let nfd = "Nguye\u{302}\u{303}n Thi\u{323}";
        assert_eq!(ok(nfd), "Nguyễn Thị");
        assert_eq!(ok(nfd).chars().count(), 10);
    }

    #[test]
    fn ethnic_minority_and_foreign_names() {
        assert_eq!(ok("Ksor H'Hen"), "Ksor H'Hen");
        assert_eq!(ok("Ksor H’Hen"), "Ksor H'Hen");
        assert_eq!(ok("Y-Moan Niê"), "Y-Moan Niê");
        assert_eq!(ok("Rơ Chăm Pheo"), "Rơ Chăm Pheo");
        assert_eq!(ok("Hờ A Dính"), "Hờ A Dính");
        assert_eq!(ok("Müller Zoë"), "Müller Zoë");
        assert_eq!(ok("Łukasz Şahin"), "Łukasz Şahin");
        // A combining mark with no precomposed form stays, after a letter.
        assert_eq!(ok("Ŋ\u{301}a"), "Ŋ\u{301}a");
    }

    #[test]
    fn digits_symbols_and_other_scripts_are_refused() {
        for s in [
            "Nguyễn Văn 2",
            "An@",
            "Lê.Văn",
            "Trần (Tí)",
            "Nguyễn_An",
            "Phạm, An",
            "Ngô\u{7}",
            "😀 An",
        ] {
            assert_eq!(code(s), "name_invalid_chars", "{s}");
        }
        let p = person_name("Nguyễn Văn 2").unwrap_err();
        assert!(p.message_vi.contains("chữ số"), "{}", p.message_vi);
        assert!(p.message_vi.contains("“2”"), "{}", p.message_vi);
        let p = person_name("王小明").unwrap_err();
        assert_eq!(p.code, "name_invalid_chars");
        assert!(p.message_en.contains("Latin"), "{}", p.message_en);
        assert_eq!(code("Иван"), "name_invalid_chars");
        assert_eq!(code("- '"), "name_invalid_chars");
        assert_eq!(code("\u{301}An"), "name_invalid_chars");
        assert_eq!(code("×"), "name_invalid_chars");
    }

    #[test]
    fn empty_and_too_long() {
        assert_eq!(code(""), "empty");
        assert_eq!(code(" \t\n "), "empty");
        let long = "Nguyễn ".repeat(15); // 104 characters once trimmed
        let p = person_name(&long).unwrap_err();
        assert_eq!(p.code, "name_too_long");
        assert!(p.message_vi.contains("tối đa 100"), "{}", p.message_vi);
        let exactly = format!("{}n", "a".repeat(99));
        assert_eq!(ok(&exactly).chars().count(), 100);
    }
}
