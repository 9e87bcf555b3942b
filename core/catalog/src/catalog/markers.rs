//! The words that make one procedure a variant of a more general one
//! ("lại", "đổi", "gia hạn" …), as the catalog's own pages use them: in
//! names (the search ranks a name with a marker the query did not ask for
//! below the general procedure), and in the cases a page says a procedure
//! handles ("trường hợp cấp lại …" in its fee lines), which the search
//! entry carries as secondary text.

/// The markers, as written in names (lower case with diacritics). Diacritics matter on the
/// name side: "đổi" (change) is a marker, "đối" (towards) is not.
pub(crate) const MARKERS: &[&str] = &[
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

#[cfg(test)]
mod tests {
    use super::*;

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
