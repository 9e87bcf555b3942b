//! The procedure's steps ("Trình tự thực hiện"): split at "Bước N" markers
//! when the page numbers its steps, otherwise one step per line.

use super::scan::{char_before, strip_bullet};
use super::Parsed;

pub(super) fn parse(text: &str) -> Parsed<String> {
    let markers = step_markers(text);
    if markers.len() < 2 {
        return Parsed::new(lines(text), true);
    }
    let mut items = Vec::new();
    let preamble = tidy(&text[..markers[0]]);
    if !preamble.is_empty() {
        items.push(preamble);
    }
    for (n, &start) in markers.iter().enumerate() {
        let end = markers.get(n + 1).copied().unwrap_or(text.len());
        let step = tidy(&text[start..end]);
        if !step.is_empty() {
            items.push(step);
        }
    }
    Parsed::new(items, true)
}

/// Byte offsets of "Bước N" markers that begin a step: at the start, after a
/// line break, or after the end of a sentence — not "theo Bước 2" mid-text.
fn step_markers(text: &str) -> Vec<usize> {
    const WORD: &str = "Bước";
    let mut out = Vec::new();
    for (i, _) in text.match_indices(WORD) {
        let after = text[i + WORD.len()..].trim_start_matches([' ', '\t', '\u{a0}']);
        if !after.starts_with(|c: char| c.is_ascii_digit()) {
            continue;
        }
        let before = text[..i].trim_end_matches([' ', '\t', '\u{a0}']);
        let at_boundary = match char_before(before, before.len()) {
            None => true,
            Some(c) => matches!(c, '\n' | '\r' | '.' | ';' | ':' | ')'),
        };
        if at_boundary {
            out.push(i);
        }
    }
    out
}

/// One item per non-empty line, list markers removed.
fn lines(text: &str) -> Vec<String> {
    text.lines()
        .map(strip_bullet)
        .filter(|l| !l.is_empty())
        .map(String::from)
        .collect()
}

/// Trims every line of a multi-line step and drops blank lines.
fn tidy(text: &str) -> String {
    text.lines()
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join("\n")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbered_steps_split_at_markers_only() {
        // From 1.004222, shortened: tabs around markers, a "Bước" reference mid-text.
        let text = "Bước 1: Chuẩn bị hồ sơ.\n Bước 2: Nộp hồ sơ theo Bước 1 tại Công an cấp xã.\n- Trường hợp hồ sơ đủ điều kiện.\t\n\tBước 3: Nộp lệ phí.";
        let p = parse(text);
        assert_eq!(
            p.items,
            [
                "Bước 1: Chuẩn bị hồ sơ.",
                "Bước 2: Nộp hồ sơ theo Bước 1 tại Công an cấp xã.\n- Trường hợp hồ sơ đủ điều kiện.",
                "Bước 3: Nộp lệ phí."
            ]
        );
    }

    #[test]
    fn unnumbered_steps_are_lines() {
        let p = parse("a) Đăng ký mới\n+ Gửi hồ sơ đến Bộ Tài chính.\n\n+ Bộ Tài chính kiểm tra.");
        assert_eq!(
            p.items,
            [
                "a) Đăng ký mới",
                "Gửi hồ sơ đến Bộ Tài chính.",
                "Bộ Tài chính kiểm tra."
            ]
        );
    }

    #[test]
    fn text_before_the_first_marker_is_kept() {
        let p = parse("Trường hợp nộp trực tiếp: Bước 1. Nộp hồ sơ. Bước 2. Nhận kết quả.");
        assert_eq!(
            p.items,
            [
                "Trường hợp nộp trực tiếp:",
                "Bước 1. Nộp hồ sơ.",
                "Bước 2. Nhận kết quả."
            ]
        );
    }
}
