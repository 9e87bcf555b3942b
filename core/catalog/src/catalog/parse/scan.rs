//! Small text-scanning helpers shared by the section parsers: "no information"
//! detection, balanced parentheses, splitting outside parentheses, bullet
//! stripping and character classes. No section knowledge lives here.

/// What the portal prints when a section is empty.
pub(super) const NO_INFO: &str = "Không có thông tin";

/// True when a section carries nothing: blank, "Không có thông tin", only
/// dashes (the portal's "--" placeholder for an empty group heading), or a
/// bare "none" ("Không.", "Không có", "Không quy định").
pub(super) fn is_blank(s: &str) -> bool {
    let t = s.trim();
    if t.is_empty() || t == NO_INFO || t.chars().all(|c| c == '-' || c.is_whitespace()) {
        return true;
    }
    t.len() < 40
        && matches!(
            crate::text::fold(t).trim_end_matches('.'),
            "khong" | "khong co" | "khong quy dinh" | "khog quy dinh" | "khong co thong tin"
        )
}

/// Byte index just past the `)` matching the `(` at byte `open`, if balanced.
pub(super) fn paren_end(s: &str, open: usize) -> Option<usize> {
    let mut depth = 0usize;
    for (i, c) in s.get(open..)?.char_indices() {
        match c {
            '(' => depth += 1,
            ')' => {
                depth = depth.checked_sub(1)?;
                if depth == 0 {
                    return Some(open + i + 1);
                }
            }
            _ => {}
        }
        if depth == 0 {
            return None;
        }
    }
    None
}

/// Splits on `sep` except inside parentheses; pieces are trimmed, empty
/// pieces dropped.
pub(super) fn split_outside_parens(s: &str, sep: char) -> Vec<&str> {
    let mut out = Vec::new();
    let mut depth = 0i32;
    let mut start = 0;
    for (i, c) in s.char_indices() {
        match c {
            '(' => depth += 1,
            ')' => depth = (depth - 1).max(0),
            _ if c == sep && depth == 0 => {
                out.push(&s[start..i]);
                start = i + c.len_utf8();
            }
            _ => {}
        }
    }
    out.push(&s[start..]);
    out.into_iter()
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .collect()
}

/// Removes leading list markers ("-", "+", "*", "•", private-use glyphs) and
/// surrounding whitespace.
pub(super) fn strip_bullet(s: &str) -> &str {
    s.trim()
        .trim_start_matches(|c: char| {
            matches!(c, '-' | '+' | '*' | '•' | '–' | '·') || ('\u{e000}'..='\u{f8ff}').contains(&c)
        })
        .trim()
}

/// The character starting at byte `i`, if any.
pub(super) fn char_at(s: &str, i: usize) -> Option<char> {
    s.get(i..).and_then(|t| t.chars().next())
}

/// The character ending just before byte `i`, if any.
pub(super) fn char_before(s: &str, i: usize) -> Option<char> {
    s.get(..i).and_then(|t| t.chars().next_back())
}

/// Byte length of the run of ASCII digits starting at byte `i`.
pub(super) fn digit_run(s: &str, i: usize) -> usize {
    s.get(i..)
        .map(|t| t.bytes().take_while(u8::is_ascii_digit).count())
        .unwrap_or(0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blank_sections() {
        assert!(is_blank(""));
        assert!(is_blank(" Không có thông tin "));
        assert!(is_blank("----"));
        assert!(is_blank("Không."));
        assert!(is_blank("Khồng"));
        assert!(is_blank("không quy định."));
        assert!(!is_blank("Không phải trả kết quả"));
    }

    #[test]
    fn nested_parentheses_balance() {
        let s = "10 USD((Áp dụng (Năm) từ 2025). )sau";
        let open = s.find('(').unwrap_or_default();
        assert_eq!(paren_end(s, open).map(|e| &s[e..]), Some("sau"));
        assert_eq!(paren_end("(chưa đóng", 0), None);
    }

    #[test]
    fn commas_inside_parentheses_do_not_split() {
        assert_eq!(
            split_outside_parens(
                "Tổ chức (không bao gồm doanh nghiệp, HTX), Doanh nghiệp",
                ','
            ),
            ["Tổ chức (không bao gồm doanh nghiệp, HTX)", "Doanh nghiệp"]
        );
    }

    #[test]
    fn bullets_are_stripped() {
        assert_eq!(strip_bullet("  - Có vốn điều lệ;"), "Có vốn điều lệ;");
        assert_eq!(strip_bullet("\u{f0fc} Bản sao"), "Bản sao");
    }
}
