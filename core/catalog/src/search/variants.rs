//! Narrow-variant markers: words in an official name that make a procedure a
//! variant of a more general one (re-issue, change, extension, withdrawal,
//! mobile registration, foreign element …). A name with a marker the query
//! did not ask for ranks below the general procedure.

use super::terms::terms;

/// (as written in names, lower case with diacritics). Diacritics matter on the
/// name side: "đổi" (change) is a marker, "đối" (towards) is not.
const MARKERS: &[&str] = &[
    "lại",
    "đổi",
    "thay đổi",
    "điều chỉnh",
    "bổ sung",
    "gia hạn",
    "thu hồi",
    "xóa",
    "hủy",
    "tạm ngừng",
    "dừng",
    "chấm dứt",
    "hiệu đính",
    "cập nhật",
    "lưu động",
    "yếu tố nước ngoài",
    "trình báo mất",
    "khóa",
    "giải thể",
];

/// How much each unrequested marker costs, and the floor.
const PENALTY: f32 = 0.85;
const FLOOR: f32 = 0.6;

/// Bit set of the markers in an official name.
pub(crate) fn in_name(name: &str) -> u32 {
    let lower = name.to_lowercase();
    MARKERS
        .iter()
        .enumerate()
        .filter(|(_, m)| contains_words(&lower, m))
        .fold(0, |mask, (i, _)| mask | 1 << i)
}

/// Bit set of the markers a query asks for (folded, so "doi" asks for "đổi").
pub(crate) fn in_query(query_terms: &[String]) -> u32 {
    MARKERS
        .iter()
        .enumerate()
        .filter(|(_, m)| {
            let wanted = terms(m);
            query_terms
                .windows(wanted.len())
                .any(|w| w == wanted.as_slice())
        })
        .fold(0, |mask, (i, _)| mask | 1 << i)
}

/// Score multiplier for a name with `name_mask` answering a query with `query_mask`.
pub fn factor(name_mask: u32, query_mask: u32) -> f32 {
    let unrequested = (name_mask & !query_mask).count_ones();
    PENALTY.powi(unrequested as i32).max(FLOOR)
}

/// The variant cases a procedure's page says it handles, as secondary text
/// for the search: after each "trường hợp" (in the case of) in `texts`, the
/// words up to and including a marker within the next [`CASE_WORDS`]
/// ("trường hợp cấp lại do bị hư hỏng" → "cấp lại"); a case the page rules
/// out ("trường hợp không cấp lại") is not one it handles.
pub(crate) fn cases_named<'a>(texts: impl IntoIterator<Item = &'a str>) -> Vec<String> {
    let markers: Vec<Vec<String>> = MARKERS
        .iter()
        .map(|m| m.split(' ').map(String::from).collect())
        .collect();
    let mut found: Vec<String> = Vec::new();
    for text in texts {
        let lower = text.to_lowercase();
        for (at, m) in lower.match_indices("trường hợp") {
            let clause = lower[at + m.len()..]
                .split(|c: char| !(c.is_alphanumeric() || c.is_whitespace()))
                .next()
                .unwrap_or("");
            let words: Vec<&str> = clause.split_whitespace().take(CASE_WORDS).collect();
            if words.first().is_some_and(|w| NEGATIONS.contains(w)) {
                continue;
            }
            for marker in &markers {
                let Some(start) = words
                    .windows(marker.len())
                    .position(|w| w == marker.as_slice())
                else {
                    continue;
                };
                let phrase = words[..start + marker.len()].join(" ");
                if !found.contains(&phrase) {
                    found.push(phrase);
                }
            }
        }
    }
    found
}

/// How far after "trường hợp" a marker may start its case.
const CASE_WORDS: usize = 4;
/// Words that make a case one the procedure does not handle.
const NEGATIONS: &[&str] = &["không", "chưa"];

fn contains_words(haystack: &str, needle: &str) -> bool {
    haystack.match_indices(needle).any(|(at, _)| {
        let before = haystack[..at].chars().next_back();
        let after = haystack[at + needle.len()..].chars().next();
        !before.is_some_and(char::is_alphanumeric) && !after.is_some_and(char::is_alphanumeric)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markers_respect_diacritics_and_word_boundaries() {
        assert_ne!(in_name("Cấp lại thẻ căn cước"), 0);
        assert_eq!(in_name("Chính sách đối với người lao động"), 0);
        assert_ne!(in_name("Cấp đổi thẻ căn cước"), 0);
        assert_eq!(in_name("Thủ tục đăng ký khai sinh"), 0);
        assert_eq!(in_name("Khóa học lái xe"), in_name("khóa"));
        assert_eq!(in_name("Xóa đăng ký thường trú"), in_name("xóa"));
    }

    #[test]
    fn a_requested_marker_costs_nothing() {
        let name = in_name("Cấp lại thẻ căn cước");
        assert_eq!(factor(name, in_query(&terms("cap lai the can cuoc"))), 1.0);
        assert!(factor(name, in_query(&terms("the can cuoc"))) < 1.0);
        assert!(factor(u32::MAX, 0) >= FLOOR);
    }

    #[test]
    fn cases_are_the_words_up_to_a_marker_after_truong_hop() {
        let fee = "160.000/hộ chiếu, trường hợp cấp lại do bị hư hỏng hoặc bị mất: 320.000đ";
        let group = "Trường hợp đề nghị gia hạn giấy phép";
        assert_eq!(cases_named([fee, group]), ["cấp lại", "đề nghị gia hạn"]);
        // Once each, and nothing from a case the page rules out, one with
        // no marker, or a marker too far from "trường hợp".
        let ruled_out = "Trường hợp không cấp lại thì trả lời bằng văn bản";
        let plain = "Trường hợp nộp trực tuyến";
        let far = "trường hợp người nộp hồ sơ ủy quyền cấp lại";
        assert_eq!(cases_named([fee, fee, ruled_out, plain, far]), ["cấp lại"]);
        // A clause ends at punctuation.
        assert!(cases_named(["trường hợp mất, cấp lại"]).is_empty());
    }
}
