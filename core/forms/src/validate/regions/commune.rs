//! The commune-level part of an address as it stands since 1 July 2025, when
//! the district level (quận, huyện, thị xã, thành phố thuộc tỉnh) was
//! abolished and townships (thị trấn) became communes or wards: only xã
//! (commune), phường (ward) and đặc khu (special zone) remain.
//!
//! There is no bundled list of the 3,321 new commune-level units, so any
//! non-empty single name is accepted; what is rejected is text that is
//! clearly not one commune-level unit.

use super::lookup::province;
use crate::validate::plain::text;
use crate::validate::problem::Problem;
use unicode_normalization::UnicodeNormalization;

/// Longest accepted commune name, in characters.
const MAX_CHARS: usize = 100;

/// Checks a commune, ward or special-zone name and returns it NFC-normalized
/// with whitespace collapsed and a recognised unit word written canonically
/// ("phuong Ben Thanh", "P. Bến Thành" → "Phường Ben Thanh", "Phường Bến Thành").
/// Codes: `empty`, `text_too_long`, `text_control_chars`,
/// `address_has_district`, `commune_township`, `commune_has_province`,
/// `commune_multiple_parts`, `commune_name_missing`.
pub fn commune(raw: &str) -> Result<String, Problem> {
    let nfc: String = raw.nfc().collect();
    let collapsed = nfc.split_whitespace().collect::<Vec<_>>().join(" ");
    if collapsed.is_empty() {
        return Err(Problem::empty(
            "xã/phường/đặc khu",
            "commune, ward or special zone",
        ));
    }
    let checked = text(&collapsed, MAX_CHARS)?;
    let parts: Vec<&str> = checked
        .split([',', ';'])
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .collect();
    if parts.iter().any(|p| is_district(p)) {
        return Err(district_problem());
    }
    if parts.iter().any(|p| is_township(p)) {
        return Err(Problem::new(
            "commune_township",
            "Từ 1/7/2025 không còn thị trấn; thị trấn cũ nay thuộc một xã hoặc phường mới. \
             Hãy ghi tên xã, phường hoặc đặc khu mới.",
            "Townships (thị trấn) no longer exist since 1 July 2025; each is now part of a \
             new commune or ward. Enter the new commune, ward or special zone.",
        ));
    }
    if parts.is_empty() {
        return Err(Problem::empty(
            "xã/phường/đặc khu",
            "commune, ward or special zone",
        ));
    }
    let [single] = parts.as_slice() else {
        if parts.iter().skip(1).any(|p| names_province(p)) {
            return Err(province_problem());
        }
        return Err(Problem::new(
            "commune_multiple_parts",
            "Chỉ ghi tên một xã, phường hoặc đặc khu; số nhà, đường, thôn, tổ ghi ở ô địa chỉ \
             chi tiết.",
            "Enter a single commune, ward or special zone; house number, street, village or \
             group go in the address detail.",
        ));
    };
    if is_province_part(single) {
        return Err(province_problem());
    }
    canonical_unit_word(single)
}

/// The unit words that start a commune-level name, in lower case with and
/// without diacritics, with their canonical spelling. Matching is exact (not
/// folded) so that names like "Phương Liệt" or "Xà Phiên" are left alone.
const UNIT_WORDS: [(&[&str], &[&str], &str); 3] = [
    (&["đặc", "khu"], &["dac", "khu"], "Đặc khu"),
    (&["phường"], &["phuong"], "Phường"),
    (&["xã"], &["xa"], "Xã"),
];

fn canonical_unit_word(part: &str) -> Result<String, Problem> {
    let lower = part.to_lowercase();
    let words = split_words(&lower);
    let abbreviation = match words.first().copied() {
        Some("p") if abbreviated(&lower) => Some("Phường"),
        Some("x") if abbreviated(&lower) => Some("Xã"),
        _ => None,
    };
    let unit = abbreviation.map(|canonical| (1, canonical)).or_else(|| {
        UNIT_WORDS.iter().find_map(|(vi, ascii, canonical)| {
            let n = vi.len();
            let head = words.get(..n)?;
            (head == *vi || head == *ascii).then_some((n, *canonical))
        })
    });
    let Some((n, canonical)) = unit else {
        return Ok(part.to_string());
    };
    let rest = rest_after_words(part, n);
    if rest.is_empty() {
        return Err(Problem::new(
            "commune_name_missing",
            format!(
                "Thiếu tên {} sau chữ “{canonical}”.",
                canonical.to_lowercase()
            ),
            format!("The name after “{canonical}” is missing."),
        ));
    }
    Ok(format!("{canonical} {rest}"))
}

/// Words of `part`, splitting on spaces and after a dot ("P.Bến Thành").
pub(super) fn split_words(part: &str) -> Vec<&str> {
    part.split(|c: char| c.is_whitespace() || c == '.')
        .filter(|w| !w.is_empty())
        .collect()
}

/// The text after the first `n` words (and any dot or space after them).
pub(super) fn rest_after_words(part: &str, n: usize) -> &str {
    let is_sep = |c: char| c.is_whitespace() || c == '.';
    let mut rest = part;
    for _ in 0..n {
        rest = rest.trim_start_matches(is_sep);
        let end = rest.find(is_sep).unwrap_or(rest.len());
        rest = &rest[end..];
    }
    rest.trim_start_matches(is_sep).trim()
}

/// "P." / "X." / "P.1" — a one-letter word followed by a dot.
pub(super) fn abbreviated(part: &str) -> bool {
    let mut chars = part.chars();
    matches!((chars.next(), chars.next()), (Some(_), Some('.')))
}

/// Whether a comma-separated part names a district-level unit: "Huyện …",
/// "Quận …", "Thị xã …", "Thành phố …" (a provincial city), "TX. …",
/// "H. …", "Q. …", "Q1", "Quan 3" (without diacritics only with a number,
/// since "Quan …" can also be a place name).
pub(super) fn is_district(part: &str) -> bool {
    let lower = part.to_lowercase();
    let words = split_words(&lower);
    let more = |n: usize| words.len() > n;
    let number_follows = words
        .get(1)
        .is_some_and(|w| w.bytes().all(|b| b.is_ascii_digit()));
    match words.as_slice() {
        ["huyện" | "quận" | "huyen", ..] => more(1),
        ["quan", ..] => number_follows,
        ["thị", "xã", ..] | ["thi", "xa", ..] => more(2),
        ["thành", "phố", ..] | ["thanh", "pho", ..] => more(2) && !names_province(part),
        ["tx", ..] => more(1),
        ["tp", ..] => more(1) && !names_province(part),
        ["h" | "q", ..] if abbreviated(&lower) => more(1),
        [w, ..] => {
            // "Q1", "q10" written together.
            w.len() > 1 && w.starts_with('q') && w[1..].bytes().all(|b| b.is_ascii_digit())
        }
        [] => false,
    }
}

/// "Thị trấn …", "TT. …", "TT …".
fn is_township(part: &str) -> bool {
    let lower = part.to_lowercase();
    matches!(
        split_words(&lower).as_slice(),
        ["thị" | "thi", "trấn" | "tran", _, ..] | ["tt", _, ..]
    )
}

/// "Tỉnh …", "Thành phố …", "TP …" naming a province (current or former).
fn is_province_part(part: &str) -> bool {
    let lower = part.to_lowercase();
    let prefixed = matches!(
        split_words(&lower).as_slice(),
        ["tỉnh" | "tinh" | "tp", _, ..] | ["thành" | "thanh", "phố" | "pho", _, ..]
    );
    prefixed && names_province(part)
}

fn names_province(part: &str) -> bool {
    match province(part) {
        Ok(_) => true,
        Err(p) => p.code == "province_merged",
    }
}

fn province_problem() -> Problem {
    Problem::new(
        "commune_has_province",
        "Chỉ ghi tên xã, phường hoặc đặc khu ở đây; tỉnh/thành phố được chọn ở ô riêng.",
        "Enter only the commune, ward or special zone here; the province is chosen separately.",
    )
}

fn district_problem() -> Problem {
    Problem::new(
        "address_has_district",
        "Từ 1/7/2025 không còn cấp huyện (quận, huyện, thị xã, thành phố thuộc tỉnh). \
         Chỉ ghi tên xã, phường hoặc đặc khu mới.",
        "District-level units (urban and rural districts, towns and provincial cities) were \
         abolished on 1 July 2025. Enter only the new commune, ward or special zone.",
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ok(s: &str) -> String {
        commune(s).unwrap_or_else(|p| panic!("{s}: {p:?}"))
    }
    fn code(s: &str) -> &'static str {
        commune(s).expect_err(s).code
    }

    #[test]
    fn accepts_communes_wards_and_special_zones() {
        assert_eq!(ok("Phường Bến Thành"), "Phường Bến Thành");
        assert_eq!(ok("  xã   Tân  Lập "), "Xã Tân Lập");
        assert_eq!(ok("phuong Ben Thanh"), "Phường Ben Thanh");
        assert_eq!(ok("P. Bến Thành"), "Phường Bến Thành");
        assert_eq!(ok("P.Bến Thành"), "Phường Bến Thành");
        assert_eq!(ok("X. Đông Anh"), "Xã Đông Anh");
        assert_eq!(ok("đặc khu Phú Quốc"), "Đặc khu Phú Quốc");
        assert_eq!(ok("Dac khu Con Dao"), "Đặc khu Con Dao");
        // A bare name is accepted as typed.
        assert_eq!(ok("Bến Thành"), "Bến Thành");
        // Names that merely start like unit words are left alone.
        assert_eq!(ok("Quan Hoa"), "Quan Hoa");
        assert_eq!(ok("Phong Điền"), "Phong Điền");
        assert_eq!(ok("Xuân Phương"), "Xuân Phương");
        assert_eq!(ok("Tân Thành phố"), "Tân Thành phố");
        assert_eq!(ok("Phương Liệt"), "Phương Liệt");
        assert_eq!(ok("Xà Phiên"), "Xà Phiên");
        assert_eq!(ok("Huyền Hội"), "Huyền Hội");
        assert_eq!(ok("P Bến Thành"), "P Bến Thành");
        // Decomposed input comes back composed.
        assert_eq!(
            ok("Phu\u{31b}o\u{31b}\u{300}ng Ba\u{301}ch Ma\u{323}i"),
            "Phường Bách Mại"
        );
    }

    #[test]
    fn district_level_units_are_rejected() {
        for s in [
            "Huyện Cần Giờ",
            "Quận 1",
            "quan 3",
            "Q1",
            "Q.10",
            "Q. Ba Đình",
            "H. Đông Anh",
            "Thị xã Sơn Tây",
            "thi xa Son Tay",
            "TX. Sơn Tây",
            "Thành phố Thủ Đức",
            "TP Thủ Đức",
            "huyen Nha Be",
            "Phường Bến Thành, Quận 1",
            "Xã Tân Lập; Huyện Đan Phượng",
        ] {
            assert_eq!(code(s), "address_has_district", "{s}");
        }
        let p = commune("Quận 1").unwrap_err();
        assert!(p.message_vi.contains("1/7/2025"), "{}", p.message_vi);
        assert!(p.message_en.contains("1 July 2025"), "{}", p.message_en);
    }

    #[test]
    fn townships_province_and_extra_parts() {
        assert_eq!(code("Thị trấn Đông Anh"), "commune_township");
        assert_eq!(code("TT. Đông Anh"), "commune_township");
        assert_eq!(
            code("Phường Bến Thành, TP Hồ Chí Minh"),
            "commune_has_province"
        );
        assert_eq!(code("Xã Tân Lập, Hà Nội"), "commune_has_province");
        assert_eq!(code("Thành phố Hồ Chí Minh"), "commune_has_province");
        assert_eq!(code("Tỉnh Lâm Đồng"), "commune_has_province");
        assert_eq!(code("TT Đông Anh"), "commune_township");
        assert_eq!(code("Phường Dĩ An, Bình Dương"), "commune_has_province");
        assert_eq!(code("Thôn 3, Xã Tân Lập"), "commune_multiple_parts");
        assert_eq!(code("Xã"), "commune_name_missing");
        assert_eq!(code("Phường ."), "commune_name_missing");
        assert_eq!(code("Đặc khu"), "commune_name_missing");
    }

    #[test]
    fn generic_text_rules_apply() {
        assert_eq!(code(""), "empty");
        assert_eq!(code(" \t "), "empty");
        assert_eq!(code(&format!("Xã {}", "a".repeat(100))), "text_too_long");
        assert_eq!(code("Xã Tân\u{7}Lập"), "text_control_chars");
        assert_eq!(code(",,,"), "empty");
    }
}
