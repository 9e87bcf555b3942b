//! Required documents ("Thành phần hồ sơ"). The page shows one table per
//! group: an optional heading ("* Giấy tờ phải nộp:", a case such as "Đăng ký
//! thường trú vào chỗ ở hợp pháp…", or "--" for none), the header "Tên giấy
//! tờMẫu đơn, tờ khaiSố lượng", then rows "name | form | count" flattened.
//!
//! A row ends at its count ("1 bản chính", "0 bản chính,1 bản sao", "1 bản
//! sao") when the count is glued to what follows; a count followed by a space
//! or punctuation is, with one exception (see `ends_row`), part of the name
//! ("nộp 02 bản chính Danh mục…"). Text after a group's last count is the
//! next group's heading. The form column holds attachment file names
//! ("Mẫu số 01.docx") glued to the name; several are joined with "; ".

use super::scan::{char_at, char_before, is_blank, strip_bullet};
use super::Parsed;
use crate::catalog::Document;

const HEADER: &str = "Tên giấy tờMẫu đơn, tờ khaiSố lượng";
const ORIGINAL: &str = " bản chính";
const COPY: &str = " bản sao";
/// Attachment extensions, longest first so ".docx" wins over ".doc".
const EXTENSIONS: [&str; 5] = [".docx", ".doc", ".xlsx", ".xls", ".pdf"];
/// Longest plausible attachment file name.
const MAX_FILE_NAME_CHARS: usize = 100;

pub(super) fn parse(text: &str) -> Parsed<Document> {
    let mut groups = text.split(HEADER);
    let Some(first) = groups.next() else {
        return Parsed::new(Vec::new(), false);
    };
    let tables: Vec<&str> = groups.collect();
    if tables.is_empty() {
        return Parsed::new(Vec::new(), false);
    }
    let mut heading = clean_heading(first);
    let mut items = Vec::new();
    let mut complete = true;
    for (n, table) in tables.iter().enumerate() {
        let counts = counts(table);
        if counts.is_empty() && !is_blank(table) {
            complete = false;
        }
        let mut pos = 0;
        for count in &counts {
            let cell = strip_bullet(&table[pos..count.start]);
            pos = count.end;
            if cell.is_empty() {
                complete = false;
                continue;
            }
            let (name, form) = split_form(cell);
            items.push(Document {
                group: heading.clone(),
                name,
                form,
                originals: count.originals,
                copies: count.copies,
            });
        }
        let tail = &table[pos..];
        if n + 1 == tables.len() {
            // Trailing text after the last row (a heading with no table, a
            // note) has no place in the structure.
            if !is_blank(tail) {
                complete = false;
            }
        } else {
            heading = clean_heading(tail);
        }
    }
    Parsed::new(items, complete)
}

/// One "Số lượng" cell: where it sits in the table text and what it says.
struct Count {
    start: usize,
    end: usize,
    originals: u32,
    copies: u32,
}

/// The count cells of one table, in order.
fn counts(table: &str) -> Vec<Count> {
    let mut out: Vec<Count> = Vec::new();
    for count in table.char_indices().filter_map(|(i, _)| count_at(table, i)) {
        // "0 bản chính,1 bản sao" also contains the count "1 bản sao".
        let overlaps = out.last().is_some_and(|prev| count.start < prev.end);
        if !overlaps && ends_row(table, &count) {
            out.push(count);
        }
    }
    out
}

/// A count at byte `i`: "N bản chính", "N bản chính,M bản sao" or "N bản
/// sao", N a single digit (the digit before it belongs to the name: "Mẫu số
/// 181 bản chính" is "Mẫu số 18" + "1 bản chính").
fn count_at(s: &str, i: usize) -> Option<Count> {
    let n = char_at(s, i)?.to_digit(10)?;
    let rest = &s[i + 1..];
    if let Some(after) = rest.strip_prefix(ORIGINAL) {
        let mut end = s.len() - after.len();
        let mut copies = 0;
        let more = after
            .strip_prefix(',')
            .map(|m| m.strip_prefix(' ').unwrap_or(m));
        if let Some(m) = more {
            if let Some(c) = char_at(m, 0).and_then(|c| c.to_digit(10)) {
                if let Some(tail) = m[1..].strip_prefix(COPY) {
                    copies = c;
                    end = s.len() - tail.len();
                }
            }
        }
        return Some(Count {
            start: i,
            end,
            originals: n,
            copies,
        });
    }
    let after = rest.strip_prefix(COPY)?;
    Some(Count {
        start: i,
        end: s.len() - after.len(),
        originals: 0,
        copies: n,
    })
}

/// A count ends a row when the next name follows without a space, and is not
/// itself followed by another count (": 01 bản chính1 bản chính" — the first
/// one is part of the name). After a space, only a count glued to the name
/// before it and followed by a capitalised word or "(" ends a row ("…chấp
/// thuận;1 bản chính (2). Đối với…"), not "nộp 02 bản chính Danh mục…".
fn ends_row(s: &str, count: &Count) -> bool {
    match char_at(s, count.end) {
        None => true,
        Some(c) if c.is_whitespace() => {
            let glued_left = char_before(s, count.start)
                .is_some_and(|p| !p.is_whitespace() && !p.is_ascii_digit());
            let next = s[count.end..].trim_start();
            glued_left && next.starts_with(|c: char| c.is_uppercase() || c == '(')
        }
        Some(',' | ';' | '.' | ')' | ':') => false,
        Some(_) => count_at(s, count.end).is_none(),
    }
}

/// Separates the form column (attachment file names) from the document name.
/// The file names start at a "glue point" — a letter or digit directly after
/// sentence punctuation or a lower-case letter — and look like file names
/// (short, no sentence punctuation). Without one, the whole cell is the name.
fn split_form(cell: &str) -> (String, Option<String>) {
    if !ends_with_extension(cell) {
        return (cell.to_string(), None);
    }
    for (g, _) in cell
        .char_indices()
        .filter(|&(g, _)| g > 0 && is_glue_point(cell, g))
    {
        let (name, form) = cell.split_at(g);
        let name = name.trim();
        if !name.is_empty() && looks_like_file_names(form) {
            return (name.to_string(), Some(separate_files(form)));
        }
    }
    (cell.to_string(), None)
}

fn ends_with_extension(s: &str) -> bool {
    let lower = s.to_lowercase();
    EXTENSIONS.iter().any(|e| lower.ends_with(e))
}

fn is_glue_point(s: &str, g: usize) -> bool {
    let (Some(prev), Some(cur)) = (char_before(s, g), char_at(s, g)) else {
        return false;
    };
    if !cur.is_alphanumeric() {
        return false;
    }
    // "…BNNPTNTPhụ lục 1.docx", "…năm 2026Mẫu số 11.docx": a capitalised
    // word glued to a code or a number.
    let word_starts =
        cur.is_uppercase() && char_at(s, g + cur.len_utf8()).is_some_and(char::is_lowercase);
    match prev {
        // Not an extension ("….docxMẫu 02.docx").
        '.' if EXTENSIONS
            .iter()
            .any(|e| starts_with_ignore_case(&s[g..], &e[1..])) =>
        {
            false
        }
        // Not a decimal point or a date ("1.5", "02.7.2025", "1,5").
        '.' | ',' => {
            !(cur.is_ascii_digit() && char_before(s, g - 1).is_some_and(|c| c.is_ascii_digit()))
        }
        ';' | ')' | ':' => true,
        _ if prev.is_lowercase() => cur.is_uppercase() || cur.is_ascii_digit(),
        _ => (prev.is_uppercase() || prev.is_ascii_digit()) && word_starts,
    }
}

/// A run of file names: ends with an extension after a non-empty stem, holds
/// no character a file name cannot ("/" is in every date and document number
/// of the name text) and no clause break, and each file name is short.
fn looks_like_file_names(form: &str) -> bool {
    const NOT_IN_FILE_NAMES: [char; 8] = ['/', '\\', ':', '*', '?', '"', '<', '>'];
    let lower = form.to_lowercase();
    let has_stem = EXTENSIONS
        .iter()
        .any(|e| lower.ends_with(e) && lower.len() > e.len());
    has_stem
        && !form.contains(NOT_IN_FILE_NAMES)
        && !form.contains("; ")
        && separate_files(form)
            .split("; ")
            .all(|f| f.chars().count() <= MAX_FILE_NAME_CHARS)
}

fn starts_with_ignore_case(s: &str, prefix: &str) -> bool {
    s.get(..prefix.len())
        .is_some_and(|p| p.eq_ignore_ascii_case(prefix))
}

/// "Mẫu số 01.docxMẫu số 02.docx" → "Mẫu số 01.docx; Mẫu số 02.docx".
fn separate_files(form: &str) -> String {
    let mut files = Vec::new();
    let mut start = 0;
    for (i, _) in form.char_indices() {
        if i < start {
            continue;
        }
        let ext = EXTENSIONS
            .iter()
            .find(|e| starts_with_ignore_case(&form[i..], e));
        let Some(end) = ext.map(|e| i + e.len()) else {
            continue;
        };
        // Glued to the next name ("….docxMẫu"), not "….docx (1).doc".
        if char_at(form, end).is_some_and(|c| c.is_alphanumeric() && !c.is_ascii_lowercase()) {
            files.push(form[start..end].trim());
            start = end;
        }
    }
    files.push(form[start..].trim());
    files.retain(|f| !f.is_empty());
    files.join("; ")
}

/// "* Giấy tờ phải nộp:" → "Giấy tờ phải nộp"; "--" → "".
fn clean_heading(s: &str) -> String {
    if is_blank(s) {
        return String::new();
    }
    s.trim()
        .trim_start_matches(|c: char| matches!(c, '*' | '-' | '+' | '•') || c.is_whitespace())
        .trim_end_matches(|c: char| c == ':' || c.is_whitespace())
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rows(p: &Parsed<Document>) -> Vec<(&str, &str, Option<&str>, u32, u32)> {
        p.items
            .iter()
            .map(|d| {
                (
                    d.group.as_str(),
                    d.name.as_str(),
                    d.form.as_deref(),
                    d.originals,
                    d.copies,
                )
            })
            .collect()
    }

    #[test]
    fn groups_with_headings_and_zero_counts() {
        // 1.001193, shortened.
        let text = format!(
            "* Giấy tờ phải nộp:{HEADER}- Giấy chứng sinh.1 bản chínhTrường hợp đã nộp bản điện tử Giấy chứng sinh thì không phải nộp bản giấy.0 bản chính* Giấy tờ phải xuất trình:{HEADER}Hộ chiếu còn giá trị0 bản chính,1 bản sao"
        );
        let p = parse(&text);
        assert!(p.complete);
        assert_eq!(
            rows(&p),
            [
                ("Giấy tờ phải nộp", "Giấy chứng sinh.", None, 1, 0),
                (
                    "Giấy tờ phải nộp",
                    "Trường hợp đã nộp bản điện tử Giấy chứng sinh thì không phải nộp bản giấy.",
                    None,
                    0,
                    0
                ),
                (
                    "Giấy tờ phải xuất trình",
                    "Hộ chiếu còn giá trị",
                    None,
                    0,
                    1
                ),
            ]
        );
    }

    #[test]
    fn case_headings_and_no_heading() {
        // 1.004222 and 1.007664, shortened.
        let text = format!(
            "--{HEADER}Tờ khai thay đổi thông tin cư trú.1 bản chínhĐăng ký thường trú tại cơ sở tín ngưỡng{HEADER}Văn bản xác nhận của Ủy ban nhân dân cấp xã.1 bản chính--{HEADER}Hồ sơ hải quan.1 bản sao----"
        );
        let p = parse(&text);
        assert!(p.complete);
        let groups: Vec<_> = p.items.iter().map(|d| d.group.as_str()).collect();
        assert_eq!(groups, ["", "Đăng ký thường trú tại cơ sở tín ngưỡng", ""]);
        assert_eq!((p.items[2].originals, p.items[2].copies), (0, 1));
    }

    #[test]
    fn counts_inside_names_and_digits_glued_to_counts() {
        let text = format!(
            "--{HEADER}Chủ dự án nộp 02 bản chính Danh mục miễn thuế; Giấy chứng nhận (01 bản chính) (khoản 1).1 bản chínhĐơn theo Mẫu số 181 bản chính,1 bản saoGiấy tờ nhập khẩu: 01 bản chính1 bản chính(i) Bản sao hợp đồng1 bản sao"
        );
        let p = parse(&text);
        let got: Vec<_> = rows(&p).into_iter().map(|r| (r.1, r.3, r.4)).collect();
        assert_eq!(
            got,
            [
                ("Chủ dự án nộp 02 bản chính Danh mục miễn thuế; Giấy chứng nhận (01 bản chính) (khoản 1).", 1, 0),
                ("Đơn theo Mẫu số 18", 1, 1),
                ("Giấy tờ nhập khẩu: 01 bản chính", 1, 0),
                ("(i) Bản sao hợp đồng", 0, 1),
            ]
        );
    }

    #[test]
    fn a_count_before_a_spaced_heading_ends_its_row() {
        // 1.007956, shortened.
        let text = format!(
            "--{HEADER}- Danh mục các nội dung hoạt động, các văn bản chấp thuận;1 bản chính (2). Đối với trường hợp cấp bổ sung{HEADER}Đơn đề nghị1 bản chính"
        );
        let p = parse(&text);
        assert!(p.complete);
        assert_eq!(
            p.items[0].name,
            "Danh mục các nội dung hoạt động, các văn bản chấp thuận;"
        );
        assert_eq!(p.items[1].group, "(2). Đối với trường hợp cấp bổ sung");
    }

    #[test]
    fn forms_are_separated_from_names() {
        let cases = [
            (
                "Đơn đề nghị chuyển đổi Giấy phép theo Mẫu số 08 ban hành kèm theo Nghị định số 121/2021/NĐ-CP;Mus08.docx",
                "Đơn đề nghị chuyển đổi Giấy phép theo Mẫu số 08 ban hành kèm theo Nghị định số 121/2021/NĐ-CP;",
                Some("Mus08.docx"),
            ),
            (
                "Đơn đề nghị cấp đổi thẻ bảo hiểm y tếMau01-ĐN(BHYT) (1).doc",
                "Đơn đề nghị cấp đổi thẻ bảo hiểm y tế",
                Some("Mau01-ĐN(BHYT) (1).doc"),
            ),
            (
                "Bản khai cá nhân (Mẫu số 03).Mẫu 03.TT41.doc",
                "Bản khai cá nhân (Mẫu số 03).",
                Some("Mẫu 03.TT41.doc"),
            ),
            (
                "Biên bản họp (nếu vắng mặt thì lấy ý kiến bằng văn bản).Mẫu số 01.docxMẫu số 02 NĐ 152.docx",
                "Biên bản họp (nếu vắng mặt thì lấy ý kiến bằng văn bản).",
                Some("Mẫu số 01.docx; Mẫu số 02 NĐ 152.docx"),
            ),
            // No glue point: the name runs straight into a lower-case file name.
            (
                "Đơn đề nghị cấp lại chứng chỉ về giao thông đường bộvăn bản đề nghị.docx",
                "Đơn đề nghị cấp lại chứng chỉ về giao thông đường bộvăn bản đề nghị.docx",
                None,
            ),
            ("Quy chế quản lý nội bộ;", "Quy chế quản lý nội bộ;", None),
            // "01.NT" and dates are not where the file name starts; a file name has no "/".
            (
                "Đơn đề nghị theo Mẫu số 01.NT Phụ lục I ban hành kèm theo Nghị định số 41/2026/NĐ-CPMẫu số 01.docx",
                "Đơn đề nghị theo Mẫu số 01.NT Phụ lục I ban hành kèm theo Nghị định số 41/2026/NĐ-CP",
                Some("Mẫu số 01.docx"),
            ),
            (
                "Đơn (mẫu TK07) ban hành kèm theo Quyết định số 09/2023/QĐ-TTg ngày 12/4/2023 của Thủ tướng Chính phủ.Đơn trình báo mất thẻ ABTC (mẫu TK07) (1).pdf",
                "Đơn (mẫu TK07) ban hành kèm theo Quyết định số 09/2023/QĐ-TTg ngày 12/4/2023 của Thủ tướng Chính phủ.",
                Some("Đơn trình báo mất thẻ ABTC (mẫu TK07) (1).pdf"),
            ),
            (
                "Đơn theo Thông tư số 01/2026/TT-BNNMT ngày 01/01/2026.Mau 2a. Don dang ky kiem dich dong vat xuat khau.docxMau 2b. Don dang ky kiem dich san pham.docx",
                "Đơn theo Thông tư số 01/2026/TT-BNNMT ngày 01/01/2026.",
                Some("Mau 2a. Don dang ky kiem dich dong vat xuat khau.docx; Mau 2b. Don dang ky kiem dich san pham.docx"),
            ),
            ("Báo cáo tình hình hoạt động.Mau 04.docx (1).doc", "Báo cáo tình hình hoạt động.", Some("Mau 04.docx (1).doc")),
        ];
        for (cell, name, form) in cases {
            let (n, f) = split_form(cell);
            assert_eq!((n.as_str(), f.as_deref()), (name, form), "{cell}");
        }
    }

    #[test]
    fn text_without_table_or_after_the_last_row_is_incomplete() {
        assert!(!parse("Bước 2. Cơ quan BHXH tiếp nhận hồ sơ").complete);
        let p = parse(&format!(
            "--{HEADER}Đơn đề nghị1 bản chínhTrường hợp nộp trực tuyến thì kê khai trên giao diện."
        ));
        assert_eq!(p.items.len(), 1);
        assert!(!p.complete);
    }
}
