//! The short list-like sections: levels ("Cấp thực hiện"), target groups
//! ("Đối tượng thực hiện"), agencies ("Cơ quan …"), conditions ("Yêu cầu,
//! điều kiện") and related procedures ("Thủ tục hành chính liên quan").

use super::scan::{split_outside_parens, strip_bullet};
use super::Parsed;
use crate::catalog::Level;

/// "Cấp bộ, Cấp tỉnh, Cấp xã, Cơ quan khác" → levels; unknown labels make the
/// section incomplete (kept in raw).
pub(super) fn levels(text: &str) -> Parsed<Level> {
    let mut out = Vec::new();
    let mut complete = true;
    for part in text.split(',').map(str::trim).filter(|p| !p.is_empty()) {
        match Level::parse(part) {
            Some(level) if !out.contains(&level) => out.push(level),
            Some(_) => {}
            None => complete = false,
        }
    }
    Parsed::new(out, complete)
}

/// Comma-joined target groups, e.g. "Tổ chức (không bao gồm doanh nghiệp,
/// HTX), Cán bộ, công chức, viên chức".
pub(super) fn target_groups(text: &str) -> Parsed<String> {
    Parsed::new(names(text), true)
}

/// Comma-joined agency names, e.g. "Cục cảnh sát quản lý hành chính về trật
/// tự, xã hội, Công an tỉnh".
pub(super) fn agencies(text: &str) -> Parsed<String> {
    let items = names(text)
        .into_iter()
        .map(|n| n.trim_end_matches('.').trim_end().to_string())
        .filter(|n| !n.is_empty())
        .collect();
    Parsed::new(items, true)
}

/// Splits a portal list on commas outside parentheses. The portal joins items
/// with ", " but names themselves contain commas ("trật tự, xã hội",
/// "Cán bộ, công chức, viên chức"): a piece that starts in lower case
/// continues the previous name, as does the one known capitalised
/// continuation ("Bộ Văn hóa, Thể thao và Du lịch").
fn names(text: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for piece in split_outside_parens(text, ',') {
        let piece = collapse_spaces(piece);
        let continues = piece.chars().next().is_some_and(|c| !c.is_uppercase())
            || piece.starts_with("Thể thao và Du lịch");
        match out.last_mut() {
            Some(prev) if continues => {
                prev.push_str(", ");
                prev.push_str(&piece);
            }
            _ => out.push(piece),
        }
    }
    out.dedup();
    out
}

/// Conditions: one item per line, list markers removed.
pub(super) fn conditions(text: &str) -> Parsed<String> {
    let items = text
        .lines()
        .map(strip_bullet)
        .filter(|l| !l.is_empty())
        .map(collapse_spaces)
        .collect();
    Parsed::new(items, true)
}

/// Related procedures. The portal renders them as a table ("#Tên thủ tục1…")
/// followed by one card per procedure ("#1Tên thủ tục…"); the cards give
/// clean names. Plain text falls back to one item per line.
pub(super) fn related(text: &str) -> Parsed<String> {
    const LABEL: &str = "Tên thủ tục";
    if !text.contains(LABEL) {
        let items = text
            .lines()
            .map(strip_bullet)
            .filter(|l| !l.is_empty())
            .map(String::from)
            .collect();
        return Parsed::new(items, true);
    }
    let mut items: Vec<String> = Vec::new();
    for card in text.split('#').skip(1) {
        let number_len = card.bytes().take_while(u8::is_ascii_digit).count();
        if number_len == 0 {
            continue; // the table header "#Tên thủ tục…", duplicated by the cards
        }
        if let Some(name) = card[number_len..].strip_prefix(LABEL) {
            let name = name.trim();
            if !name.is_empty() && !items.iter().any(|i| i == name) {
                items.push(name.to_string());
            }
        }
    }
    Parsed::new(items, true)
}

/// Collapses runs of whitespace (including no-break spaces) to one space.
fn collapse_spaces(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn levels_keep_order_and_flag_unknown_labels() {
        let p = levels("Cấp bộ, Cấp tỉnh, Cấp xã, Cơ quan khác");
        assert_eq!(p.items, Level::ALL);
        assert!(p.complete);
        let p = levels("Cấp tỉnh, Cấp huyện");
        assert_eq!(p.items, [Level::Province]);
        assert!(!p.complete);
    }

    #[test]
    fn target_groups_respect_parentheses_and_comma_names() {
        let p = target_groups("Tổ chức (không bao gồm doanh nghiệp, HTX), Công dân Việt Nam, Cán bộ, công chức, viên chức");
        assert_eq!(
            p.items,
            [
                "Tổ chức (không bao gồm doanh nghiệp, HTX)",
                "Công dân Việt Nam",
                "Cán bộ, công chức, viên chức"
            ]
        );
    }

    #[test]
    fn agencies_with_commas_in_their_names() {
        let p = agencies("Cục cảnh sát quản lý hành chính về trật tự, xã hội, Công an tỉnh");
        assert_eq!(
            p.items,
            [
                "Cục cảnh sát quản lý hành chính về trật tự, xã hội",
                "Công an tỉnh"
            ]
        );
        let p = agencies("Bộ Quốc phòng, Bộ Văn hóa, Thể thao và Du lịch, Sở Xây dựng");
        assert_eq!(
            p.items,
            [
                "Bộ Quốc phòng",
                "Bộ Văn hóa, Thể thao và Du lịch",
                "Sở Xây dựng"
            ]
        );
        let p = agencies("Ủy ban Nhân dân\u{a0}xã,\u{a0}phường,\u{a0}thị trấn.");
        assert_eq!(p.items, ["Ủy ban Nhân dân xã, phường, thị trấn"]);
    }

    #[test]
    fn conditions_one_per_line() {
        let p = conditions("- Có vốn điều lệ;\n\n - Có đề án thành lập.");
        assert_eq!(p.items, ["Có vốn điều lệ;", "Có đề án thành lập."]);
    }

    #[test]
    fn related_procedures_from_cards() {
        let text = "#Tên thủ tục1Hướng dẫn quy hoạch đô thị#1Tên thủ tụcHướng dẫn quy hoạch đô thị";
        assert_eq!(related(text).items, ["Hướng dẫn quy hoạch đô thị"]);
    }
}
