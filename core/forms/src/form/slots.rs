//! Document slots derived from a catalog procedure's "Thành phần hồ sơ" rows:
//! which rows are documents to attach (not notes or list headings), and
//! whether each is required, optional ("nếu có") or needed only in a case
//! ("Trường hợp …", "nếu …", "Đối với …"), keeping the case text.
//!
//! Slot ids are `docNN`, NN the row's 1-based position in the catalog list,
//! so a slot keeps its id whatever rows around it are skipped as notes.

use super::model::{
    DocumentSlot, MediaType, Requirement, DEFAULT_MAX_BYTES, PHOTO_MAX_BYTES, TECHNICAL_MAX_BYTES,
};
use crate::catalog::{Document, Procedure};
use crate::text::push_folded;
use std::collections::HashSet;
use unicode_normalization::UnicodeNormalization;

/// Longest case description kept in `Requirement::Conditional::when_vi`.
const MAX_WHEN_CHARS: usize = 220;

/// One slot per document row of the procedure, notes and headings left out.
pub fn derive_slots(procedure: &Procedure) -> Vec<DocumentSlot> {
    let cases = case_groups(&procedure.documents);
    procedure
        .documents
        .iter()
        .enumerate()
        .filter_map(|(i, doc)| {
            let requirement = classify_in(doc, cases.contains(doc.group.trim()))?;
            Some(DocumentSlot {
                id: slot_id(i),
                name: doc.name.trim().to_string(),
                group: doc.group.trim().to_string(),
                form: doc.form.clone(),
                originals: doc.originals,
                copies: doc.copies,
                requirement,
                accepted: accepted_types(&doc.name),
                max_bytes: max_bytes_for(&doc.name),
            })
        })
        .collect()
}

/// The largest file a document may be: a portrait photo 10 MiB, technical
/// documents that are big by nature (drawings, maps, design dossiers,
/// environmental impact reports) 2 GiB, anything else (a multi-page scan)
/// 50 MiB.
fn max_bytes_for(name: &str) -> u64 {
    let lower = name.trim().to_lowercase();
    let rest = lower.trim_start_matches(|c: char| {
        c.is_ascii_digit() || c.is_whitespace() || matches!(c, '+' | '-' | '–' | '.')
    });
    const TECHNICAL: [&str; 7] = [
        "bản vẽ",
        "các bản vẽ",
        "bộ bản vẽ",
        "bản đồ",
        "hồ sơ thiết kế",
        "thiết kế",
        "báo cáo đánh giá tác động môi trường",
    ];
    if rest.split_whitespace().next() == Some("ảnh") {
        PHOTO_MAX_BYTES
    } else if TECHNICAL.iter().any(|t| rest.starts_with(t)) {
        TECHNICAL_MAX_BYTES
    } else {
        DEFAULT_MAX_BYTES
    }
}

/// The file types a document may be sent as: a row that is a portrait
/// photo ("02 ảnh 4x6cm mới chụp …") only as an image; anything else as a
/// scan (PDF) or a photo of the paper.
fn accepted_types(name: &str) -> Vec<MediaType> {
    let lower = name.trim().to_lowercase();
    // "02 ảnh 4x6cm …", "Ảnh chân dung …", "+ 01 ảnh màu …": the row is the
    // photo itself, not a form that has a photo attached.
    let rest = lower.trim_start_matches(|c: char| {
        c.is_ascii_digit() || c.is_whitespace() || matches!(c, '+' | '-' | '–' | '.')
    });
    let photo = rest.split_whitespace().next() == Some("ảnh");
    if photo {
        vec![
            MediaType::Jpeg,
            MediaType::Png,
            MediaType::Heic,
            MediaType::Webp,
        ]
    } else {
        MediaType::ALL.to_vec()
    }
}

/// Group headings that name alternative cases: when a procedure's rows sit
/// under two or more distinct headings that are neither notes nor generic
/// ("Giấy tờ phải nộp", "Thành phần hồ sơ", "… bao gồm"), each heading is
/// taken as one case ("Đăng ký thường trú vào chỗ ở hợp pháp do thuê, mượn,
/// ở nhờ" …) and its rows are needed only in that case.
fn case_groups(documents: &[Document]) -> HashSet<&str> {
    let mut out = HashSet::new();
    for doc in documents {
        let group = doc.group.trim();
        if !group.is_empty() && !is_generic_heading(group) {
            out.insert(group);
        }
    }
    if out.len() < 2 {
        out.clear();
    }
    out
}

/// A heading that only introduces the list of documents, or a note.
fn is_generic_heading(group: &str) -> bool {
    let folded = Folded::new(group).folded;
    let g = strip_enumerator(&folded).trim_end_matches([':', ' ', '.', ';']);
    const STARTS: [&str; 14] = [
        "luu y",
        "ghi chu",
        "chu y",
        "giay to phai",
        "cac giay to phai",
        "thanh phan ho so",
        "thanh phan",
        "bao gom",
        "gom",
        "ho so gom",
        "ho so bao gom",
        "so luong ho so",
        "ho so cua ",
        "giay to, tai lieu phai",
    ];
    const ENDS: [&str; 4] = ["bao gom", " gom", "gom co", "cac giay to sau"];
    g.is_empty() || STARTS.iter().any(|p| g.starts_with(p)) || ENDS.iter().any(|p| g.ends_with(p))
}

/// `doc01`, `doc02`, … for the row at 0-based position `index`.
pub fn slot_id(index: usize) -> String {
    format!("doc{:02}", index + 1)
}

/// The requirement of one catalog row on its own (its group not known to be
/// one of several cases), or `None` when the row is a note or a heading
/// rather than a document.
pub fn classify(doc: &Document) -> Option<Requirement> {
    classify_in(doc, false)
}

/// [`classify`], with `group_is_case` set when the row's group heading is one
/// of several alternative cases of its procedure.
fn classify_in(doc: &Document, group_is_case: bool) -> Option<Requirement> {
    let name = Folded::new(doc.name.trim());
    let group = Folded::new(doc.group.trim());
    if is_note(doc, &name, &group) {
        return None;
    }
    let conditional = |when_vi| Some(Requirement::Conditional { when_vi });
    if let Some(when_vi) = leading_case(&name) {
        return conditional(when_vi);
    }
    if is_optional(head(&name.folded)) {
        return Some(Requirement::Optional);
    }
    if let Some(when_vi) = inner_case(&name) {
        return conditional(when_vi);
    }
    if is_optional(head(&group.folded)) {
        return Some(Requirement::Optional);
    }
    let group_head = head(&group.folded);
    let names_case = ["truong hop ", "doi voi "]
        .iter()
        .any(|w| find_word(group_head, w).is_some())
        || find_conditional_neu(&group, group_head).is_some();
    if names_case || group_is_case {
        return conditional(clause_from(strip_enumerator(group.original), HEADING_STOPS));
    }
    Some(Requirement::Required)
}

/// Notes ("Lưu ý"), list headings ending in ":", "không quy định", and
/// zero-count rows that only say when something need not be submitted.
fn is_note(doc: &Document, name: &Folded, group: &Folded) -> bool {
    let n = name
        .folded
        .trim_start_matches(|c: char| !c.is_alphanumeric());
    let g = group
        .folded
        .trim_start_matches(|c: char| !c.is_alphanumeric());
    if n.is_empty() {
        return true;
    }
    if ["luu y", "ghi chu", "chu y"]
        .iter()
        .any(|p| g.starts_with(p) || n.starts_with(p))
    {
        return true;
    }
    if n.starts_with("khong quy dinh") || n == "khong" || n == "khong co" {
        return true;
    }
    if name.original.ends_with(':') {
        return true;
    }
    let no_counts = doc.originals == 0 && doc.copies == 0;
    no_counts
        && [
            "thi khong phai nop",
            "thi khong phai tai len",
            "thi khong phai xuat trinh",
            "thi khong phai gui",
            "khong yeu cau nop",
        ]
        .iter()
        .any(|p| n.contains(p))
}

/// "(nếu có)" and the like: the document exists only for some applicants
/// and is then simply attached.
fn is_optional(folded: &str) -> bool {
    folded
        .match_indices("neu co")
        .any(|(at, _)| is_neu_co_at(&folded[at..]))
}

/// `s` starts with "neu co" followed by punctuation or the end.
fn is_neu_co_at(s: &str) -> bool {
    s.strip_prefix("neu co").is_some_and(|after| {
        after
            .chars()
            .next()
            .is_none_or(|c| matches!(c, ')' | ',' | ';' | '.' | ':' | ']'))
    })
}

/// The case a row starts with: "Trường hợp …", "Đối với …", "Nếu …"
/// (after any list marker).
fn leading_case(text: &Folded) -> Option<String> {
    let head = head(&text.folded);
    let body = strip_enumerator(head);
    let at = head.len() - body.len();
    let starts = ["truong hop ", "doi voi "]
        .iter()
        .any(|w| body.starts_with(w))
        || (body.starts_with("neu ") && !is_neu_co_at(body) && text.is_neu_at(at));
    starts.then(|| clause_at(text, at))
}

/// A case named inside a row's first clause: "… trong trường hợp …",
/// "… nếu …", or a channel ("… khi làm thủ tục trực tiếp …").
fn inner_case(text: &Folded) -> Option<String> {
    const CHANNELS: [&str; 3] = [
        "khi lam thu tuc truc tiep",
        "khi nop ho so truc tiep",
        "khi nop truc tiep",
    ];
    let head = head(&text.folded);
    let at = find_word(head, "truong hop ")
        .or_else(|| find_conditional_neu(text, head))
        .or_else(|| CHANNELS.iter().find_map(|w| find_word(head, w)))?;
    Some(clause_at(text, at))
}

/// The case phrase starting at folded byte `at`.
fn clause_at(text: &Folded, at: usize) -> String {
    clause_from(&text.original[text.original_offset(at)..], ROW_STOPS)
}

/// The first clause of folded text.
fn head(folded: &str) -> &str {
    &folded[..first_clause_end(folded)]
}

/// Byte length of the first clause of folded text: up to the first `;` or
/// sentence end (". " or "." at the end).
fn first_clause_end(folded: &str) -> usize {
    let bytes = folded.as_bytes();
    for (i, &b) in bytes.iter().enumerate() {
        if b == b';' {
            return i;
        }
        if b == b'.' && (i + 1 == bytes.len() || bytes[i + 1] == b' ' || bytes[i + 1] == b'\n') {
            // "số 104/2022/NĐ-CP." ends a sentence; "1.3.1" does not (no space).
            return i;
        }
    }
    folded.len()
}

/// Drops leading list markers: "(1.3) ", "a) ", "1.3.1.2. ", "2/ ", "- ",
/// "(*)", private-use bullet glyphs.
fn strip_enumerator(s: &str) -> &str {
    let mut t = s.trim_start();
    loop {
        let before = t;
        t = t.trim_start_matches(|c: char| {
            matches!(c, '-' | '+' | '*' | '•' | '(' | ')' | '.' | ':' | '/')
                || c.is_whitespace()
                || ('\u{e000}'..='\u{f8ff}').contains(&c)
        });
        let marker_len = t
            .find([')', '.', ' ', '/'])
            .filter(|&end| {
                let short_number = end <= 2 && t[..end].bytes().all(|b| b.is_ascii_digit());
                end > 0
                    && end <= 8
                    && is_marker(&t[..end])
                    && (t[end..].starts_with([')', '.', '/'])
                        || (short_number && t[end..].starts_with(' ') && end < t.len() - 1))
            })
            .map(|end| end + 1);
        if let Some(len) = marker_len {
            t = &t[len..];
        }
        if t.len() == before.len() {
            return t.trim_start();
        }
    }
}

/// "1", "1.3", "a", "iii", "IV", "B": a list marker before ")" or ".".
fn is_marker(s: &str) -> bool {
    let numeric = s.chars().all(|c| c.is_ascii_digit() || c == '.');
    let lower = s.len() <= 3 && s.chars().all(|c| c.is_ascii_lowercase());
    let roman = s.len() <= 4 && s.chars().all(|c| matches!(c, 'I' | 'V' | 'X'));
    let letter = s.len() == 1 && s.chars().all(|c| c.is_ascii_uppercase());
    numeric || lower || roman || letter
}

/// Byte offset of `word` in `s` at a word start.
fn find_word(s: &str, word: &str) -> Option<usize> {
    let mut from = 0;
    while let Some(rel) = s[from..].find(word) {
        let at = from + rel;
        let word_start = s[..at]
            .chars()
            .next_back()
            .is_none_or(|c| !c.is_alphanumeric());
        if word_start {
            return Some(at);
        }
        from = at + word.len();
    }
    None
}

/// "nếu …" introducing a condition in `head` (a prefix of `text.folded`):
/// not "nếu có" (= optional), not "nêu" (= state), and not after a comma
/// outside parentheses ("Giấy miễn thị thực, nếu mất phải có đơn trình
/// báo": an alternative; "(do người yêu cầu cung cấp …, nếu … trực tuyến)"
/// is a condition).
fn find_conditional_neu(text: &Folded, head: &str) -> Option<usize> {
    let mut from = 0;
    while let Some(rel) = find_word(&head[from..], "neu ") {
        let at = from + rel;
        let in_parens = head[..at].matches('(').count() > head[..at].matches(')').count();
        let after_comma = head[..at].trim_end().ends_with(',') && !in_parens;
        if !is_neu_co_at(&head[at..]) && text.is_neu_at(at) && !after_comma {
            return Some(at);
        }
        from = at + "neu ".len();
    }
    None
}

/// Where a case phrase inside a row ends.
const ROW_STOPS: &[&str] = &[
    " thì ",
    " phải có ",
    " phải nộp ",
    " phải gửi ",
    ", kèm theo ",
    ", hồ sơ",
    " hồ sơ gồm",
    " hồ sơ bao gồm",
    ", gồm",
    " bao gồm",
    ":",
    ";",
    ". ",
];

/// Where a case heading ends ("… gồm:", "… thì hồ sơ phải kèm theo …").
const HEADING_STOPS: &[&str] = &[
    " thì ",
    ", hồ sơ",
    " hồ sơ gồm",
    " hồ sơ bao gồm",
    ", gồm",
    " gồm các",
    " bao gồm",
    ":",
    ";",
    ". ",
];

/// The case phrase starting at `s`: up to the first of `stops` or an
/// unmatched ")", capitalised and at most `MAX_WHEN_CHARS` characters.
fn clause_from(s: &str, stops: &[&str]) -> String {
    let mut end = s.len();
    for stop in stops {
        if let Some(at) = s.find(stop) {
            end = end.min(at);
        }
    }
    let mut depth = 0i32;
    for (i, c) in s[..end].char_indices() {
        match c {
            '(' => depth += 1,
            ')' if depth == 0 => {
                end = i;
                break;
            }
            ')' => depth -= 1,
            _ => {}
        }
    }
    let clause = s[..end]
        .trim()
        .trim_end_matches(['.', ',', ' '])
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    let clause = if clause.is_empty() {
        // Nothing before the first stop: keep the whole text, shortened.
        s.split_whitespace().collect::<Vec<_>>().join(" ")
    } else {
        clause
    };
    capitalize(&truncate_words(&clause, MAX_WHEN_CHARS))
}

fn truncate_words(s: &str, max_chars: usize) -> String {
    if s.chars().count() <= max_chars {
        return s.to_string();
    }
    let mut out = String::new();
    for word in s.split(' ') {
        if out.chars().count() + word.chars().count() + 2 > max_chars {
            break;
        }
        if !out.is_empty() {
            out.push(' ');
        }
        out.push_str(word);
    }
    out.push('…');
    out
}

fn capitalize(s: &str) -> String {
    let mut chars = s.chars();
    match chars.next() {
        Some(first) => first.to_uppercase().chain(chars).collect(),
        None => String::new(),
    }
}

/// Text folded with `crate::text` rules, remembering where each folded byte
/// came from so a match in folded text can be cut out of the original.
struct Folded<'a> {
    original: &'a str,
    folded: String,
    /// For each byte of `folded`, the byte offset of its source character.
    origin: Vec<usize>,
}

impl<'a> Folded<'a> {
    fn new(original: &'a str) -> Self {
        let mut folded = String::with_capacity(original.len());
        let mut origin = Vec::with_capacity(original.len());
        for (at, c) in original.char_indices() {
            let before = folded.len();
            push_folded(c, &mut folded);
            origin.extend(std::iter::repeat_n(at, folded.len() - before));
        }
        Folded {
            original,
            folded,
            origin,
        }
    }

    /// Whether the folded "neu" at `folded_at` is "nếu" (if) in the
    /// original, not "nêu" (state).
    fn is_neu_at(&self, folded_at: usize) -> bool {
        let start = self.original_offset(folded_at);
        let word: String = self.original[start..].chars().take(8).nfc().collect();
        word.to_lowercase().starts_with("nếu")
    }

    fn original_offset(&self, folded_at: usize) -> usize {
        self.origin
            .get(folded_at)
            .copied()
            .unwrap_or(self.original.len())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn doc(group: &str, name: &str, originals: u32) -> Document {
        Document {
            group: group.into(),
            name: name.into(),
            form: None,
            originals,
            copies: 0,
        }
    }

    fn cond(s: &str) -> Option<Requirement> {
        Some(Requirement::Conditional { when_vi: s.into() })
    }

    #[test]
    fn case_rows_keep_their_condition() {
        assert_eq!(
            classify(&doc("Giấy tờ phải nộp", "Trường hợp trẻ em bị bỏ rơi thì phải có biên bản về việc trẻ bị bỏ rơi do cơ quan có thẩm quyền lập.", 1)),
            cond("Trường hợp trẻ em bị bỏ rơi")
        );
        assert_eq!(
            classify(&doc("Giấy tờ phải nộp", "Văn bản ủy quyền (được chứng thực) theo quy định của pháp luật trong trường hợp ủy quyền thực hiện việc đăng ký khai sinh. Trường hợp người được ủy quyền là ông, bà thì không phải chứng thực.", 1)),
            cond("Trường hợp ủy quyền thực hiện việc đăng ký khai sinh")
        );
        assert_eq!(
            classify(&doc("", "Trường hợp khai sinh cho trẻ em sinh ra do mang thai hộ phải có văn bản xác nhận của cơ sở y tế", 1)),
            cond("Trường hợp khai sinh cho trẻ em sinh ra do mang thai hộ")
        );
        assert_eq!(
            classify(&doc("", "Tờ khai đăng ký khai sinh theo mẫu  (nếu người có yêu cầu lựa chọn nộp hồ sơ theo hình thức trực tiếp hoặc gửi hồ sơ qua hệ thống bưu chính);", 1)),
            cond("Nếu người có yêu cầu lựa chọn nộp hồ sơ theo hình thức trực tiếp hoặc gửi hồ sơ qua hệ thống bưu chính")
        );
        assert_eq!(
            classify(&doc(
                "",
                "Đối với Quân đội nhân dân: Giấy giới thiệu đăng ký thường trú",
                1
            )),
            cond("Đối với Quân đội nhân dân")
        );
    }

    #[test]
    fn cases_before_if_any_and_channels() {
        assert_eq!(
            classify(&doc("", "Trường hợp bên bảo đảm gồm nhiều người thì phải có đầy đủ chữ ký, con dấu (nếu có) của các bên", 1)),
            cond("Trường hợp bên bảo đảm gồm nhiều người")
        );
        // "(nếu có)" outside the first clause does not make the row optional.
        assert_eq!(
            classify(&doc(
                "",
                "Danh sách cổ đông. Kèm theo giấy tờ khác (nếu có)",
                1
            )),
            Some(Requirement::Required)
        );
        assert_eq!(
            classify(&doc("Giấy tờ phải xuất trình", "Hộ chiếu/Thẻ căn cước công dân/Thẻ căn cước để chứng minh về nhân thân khi làm thủ tục trực tiếp tại cơ quan đăng ký hộ tịch. Trường hợp khác", 1)),
            cond("Khi làm thủ tục trực tiếp tại cơ quan đăng ký hộ tịch")
        );
        assert_eq!(
            classify(&doc(
                "3) Hồ sơ đối với tàu được mua bán, tặng cho, gồm:",
                "Giấy chứng nhận đăng ký tàu cá cũ",
                1
            )),
            cond("Hồ sơ đối với tàu được mua bán, tặng cho")
        );
    }

    #[test]
    fn neu_is_if_but_neu_is_not() {
        // "Nêu rõ" (state clearly) folds like "nếu" (if).
        assert_eq!(
            classify(&doc(
                "",
                "Nêu rõ các nghiệp vụ bảo hiểm dự kiến triển khai",
                1
            )),
            Some(Requirement::Required)
        );
        assert_eq!(
            classify(&doc(
                "",
                "Giấy miễn thị thực, nếu mất phải có đơn trình báo.",
                1
            )),
            Some(Requirement::Required)
        );
        assert_eq!(
            classify(&doc("", "Nếu là tổ chức: bản sao quyết định thành lập", 1)),
            cond("Nếu là tổ chức")
        );
        assert_eq!(
            classify(&doc(
                "Các giấy tờ phải nộp đối với tàu biển, tàu công vụ:",
                "Nhật ký tàu",
                1
            )),
            cond("Các giấy tờ phải nộp đối với tàu biển, tàu công vụ")
        );
    }

    #[test]
    fn alternatives_after_the_first_clause_stay_required() {
        assert_eq!(
            classify(&doc("Giấy tờ phải nộp", "Giấy chứng sinh; trường hợp không có Giấy chứng sinh thì nộp văn bản của người làm chứng xác nhận về việc sinh.", 1)),
            Some(Requirement::Required)
        );
        assert_eq!(
            classify(&doc("", "Giấy đề nghị đăng ký hộ kinh doanh;", 1)),
            Some(Requirement::Required)
        );
    }

    #[test]
    fn groups_name_cases() {
        assert_eq!(
            classify(&doc("Trường hợp ủy quyền thực hiện thủ tục thì hồ sơ phải kèm theo một trong những giấy tờ sau", "Bản sao thẻ Căn cước của người ủy quyền.", 0)),
            cond("Trường hợp ủy quyền thực hiện thủ tục")
        );
        assert_eq!(
            classify(&doc(
                "(1.3) Đối với công trình tôn giáo",
                "Bản vẽ thiết kế",
                1
            )),
            cond("Đối với công trình tôn giáo")
        );
        assert_eq!(
            classify(&doc(
                "Đăng ký thường trú vào chỗ ở hợp pháp do thuê, mượn, ở nhờ",
                "Hợp đồng cho thuê",
                1
            )),
            Some(Requirement::Required)
        );
    }

    #[test]
    fn optional_rows() {
        assert_eq!(
            classify(&doc(
                "",
                "Các giấy tờ để chứng minh đối tượng miễn, hoặc giảm phí (nếu có).",
                1
            )),
            Some(Requirement::Optional)
        );
        assert_eq!(
            classify(&doc("Giấy tờ khác (nếu có)", "Giấy xác nhận", 1)),
            Some(Requirement::Optional)
        );
        // "nếu có yêu cầu" is a condition, not "if any".
        assert!(matches!(
            classify(&doc("", "Bản dịch nếu có yêu cầu của cơ quan", 1)),
            Some(Requirement::Conditional { .. })
        ));
    }

    #[test]
    fn notes_and_headings_are_not_slots() {
        assert_eq!(
            classify(&doc(
                "Lưu ý",
                "Người tiếp nhận có trách nhiệm tiếp nhận đúng, đủ hồ sơ",
                0
            )),
            None
        );
        assert_eq!(
            classify(&doc(
                "",
                "Người có yêu cầu thực hiện việc nộp các giấy tờ sau:",
                0
            )),
            None
        );
        assert_eq!(
            classify(&doc("Thành phần hồ sơ", "không quy định", 0)),
            None
        );
        assert_eq!(
            classify(&doc("", "Trường hợp các thông tin cá nhân đã có trong Cơ sở dữ liệu quốc gia về dân cư thì không phải tải lên", 0)),
            None
        );
        assert_eq!(classify(&doc("", "  ", 1)), None);
    }

    #[test]
    fn ids_come_from_positions() {
        let p = Procedure {
            code: "9.999999".into(),
            name: "Thử".into(),
            documents: vec![
                doc("Lưu ý", "Ghi chú", 0),
                doc("", "Tờ khai", 1),
                doc("", "Bản sao giấy tờ (nếu có)", 1),
            ],
            ..Default::default()
        };
        let slots = derive_slots(&p);
        let ids: Vec<_> = slots.iter().map(|s| s.id.as_str()).collect();
        assert_eq!(ids, ["doc02", "doc03"]);
        assert_eq!(slots[0].requirement, Requirement::Required);
        assert_eq!(slots[0].accepted.len(), 5);
        assert!(
            !accepted_types("02 ảnh mới chụp, cỡ 4cm x 6cm, phông nền trắng")
                .contains(&MediaType::Pdf)
        );
        assert!(accepted_types("Giấy khai sinh (bản sao)").contains(&MediaType::Pdf));
        assert!(accepted_types("Bản sao giấy tờ có dán ảnh").contains(&MediaType::Pdf));
        assert!(accepted_types("Đơn đề nghị kèm theo 02 ảnh màu").contains(&MediaType::Pdf));
        assert_eq!(max_bytes_for("02 ảnh 4x6"), PHOTO_MAX_BYTES);
        assert_eq!(
            max_bytes_for("Bản vẽ mặt bằng tổng thể"),
            TECHNICAL_MAX_BYTES
        );
        assert_eq!(
            max_bytes_for("Hồ sơ thiết kế tàu (03 bộ)"),
            TECHNICAL_MAX_BYTES
        );
        assert_eq!(max_bytes_for("Giấy chứng sinh"), DEFAULT_MAX_BYTES);
        assert_eq!(slots[0].max_bytes, DEFAULT_MAX_BYTES);
    }

    #[test]
    fn several_case_headings_make_their_rows_conditional() {
        let docs = [
            doc(
                "Đăng ký thường trú vào chỗ ở hợp pháp thuộc quyền sở hữu của mình",
                "Giấy tờ chứng minh chỗ ở hợp pháp",
                1,
            ),
            doc(
                "Đăng ký thường trú vào chỗ ở hợp pháp do thuê, mượn, ở nhờ",
                "Hợp đồng cho thuê",
                1,
            ),
            doc("Giấy tờ phải nộp", "Tờ khai", 1),
            doc("", "Bản sao giấy khai sinh", 1),
        ];
        let cases = case_groups(&docs);
        assert_eq!(cases.len(), 2);
        assert_eq!(
            classify_in(&docs[1], cases.contains(docs[1].group.as_str())),
            cond("Đăng ký thường trú vào chỗ ở hợp pháp do thuê, mượn, ở nhờ")
        );
        assert_eq!(
            classify_in(&docs[2], cases.contains(docs[2].group.as_str())),
            Some(Requirement::Required)
        );
        // One non-generic heading alone is a part of the dossier, not a case.
        assert!(case_groups(&docs[1..]).is_empty());
        assert!(is_generic_heading(
            "Các giấy tờ phải nộp (bản chính), mỗi loại 01 bản, gồm"
        ));
        assert!(is_generic_heading("a) Thành phần hồ sơ"));
        assert!(is_generic_heading("Hồ sơ của người nhận con nuôi"));
        assert_eq!(
            strip_enumerator("(iii). Đăng ký thay đổi"),
            "Đăng ký thay đổi"
        );
        assert_eq!(strip_enumerator("1.3.1.2. Quy định"), "Quy định");
        assert_eq!(clause_from(": rồi", ROW_STOPS), ": rồi");
        assert_eq!(strip_enumerator("(*) Trường hợp"), "Trường hợp");
        assert_eq!(strip_enumerator("II. Đối với"), "Đối với");
        assert_eq!(strip_enumerator("\u{f0d8} Trường hợp 1"), "Trường hợp 1");
        assert_eq!(strip_enumerator("2/ Hồ sơ"), "Hồ sơ");
        assert_eq!(strip_enumerator("1 Trường hợp"), "Trường hợp");
        assert_eq!(strip_enumerator("3"), "3");
        assert_eq!(strip_enumerator("02 ảnh màu"), "ảnh màu");
    }

    #[test]
    fn truncates_long_cases_on_words() {
        let long = format!("Trường hợp {}", "rất dài ".repeat(60));
        let Some(Requirement::Conditional { when_vi }) = classify(&doc("", &long, 1)) else {
            panic!("conditional expected");
        };
        assert!(when_vi.chars().count() <= MAX_WHEN_CHARS);
        assert!(when_vi.ends_with('…'));
    }
}
