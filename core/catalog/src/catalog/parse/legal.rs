//! Legal basis ("Căn cứ pháp lý"): the table "Tên văn bản pháp lý | Mã văn
//! bản" flattened, e.g. "Luật Cư trú 202068/2020/QH14Thông tư 57/2021/TT-BCA
//! 57/2021/TT-BCA…" (without the space).
//!
//! Each row ends with a document number ("68/2020/QH14", "601/QĐ-BTC",
//! "66.7/2025/NQ-CP", "73-CP") glued to the next title. Titles often contain
//! numbers too; a number ends a row only when something other than running
//! text follows it (see `ends_row`). The number cell may carry a prefix glued
//! to the title ("…tiền mặtNghị định 52/2024/NĐ-CP", "…Luật số 32/2024/QH15").

use super::scan::{char_at, char_before, digit_run, is_blank, strip_bullet};
use super::Parsed;
use crate::catalog::LegalDocument;

const HEADER: &str = "Tên văn bản pháp lýMã văn bản";
/// Issuing-body and document-type codes seen in number suffixes. Used to cut
/// a suffix that runs into an all-capitals title ("NĐ-CPQUY ĐỊNH …") and to
/// keep a known code that a lower-case word follows ("TT-BCAngày").
const CODES: [&str; 44] = [
    "NĐ", "ND", "TT", "QĐ", "NQ", "TTLT", "PL", "CT", "L", "VBHN", "QH", "UBTVQH", "CP", "BTC",
    "NHNN", "BNNMT", "BCA", "BTP", "BGTVT", "BNNPTNT", "BXD", "BTNMT", "BLĐTBXH", "BKHĐT", "BHXH",
    "UBND", "BKHCN", "BNV", "HĐND", "VPCP", "BYT", "BCT", "BQP", "BNG", "BVHTTDL", "BTTTT",
    "TANDTC", "VKSNDTC", "VPQH", "NNMT", "TCT", "QLDA", "BGDĐT", "CTN",
];
/// Words that may precede the number inside the number cell.
const DOC_TYPES: [&str; 12] = [
    "Thông tư liên tịch",
    "Thông tư",
    "Nghị định",
    "Nghị quyết",
    "Quyết định",
    "Luật",
    "Pháp lệnh",
    "Văn bản hợp nhất",
    "NĐ",
    "TT",
    "QĐ",
    "NQ",
];
/// Lower-case words that continue a title after a number ("…/TT-BCAngày
/// 01/7/2025" is a missing space, not a new row).
const CONTINUATIONS: [&str; 5] = ["ngày", "của", "năm", "tháng", "và"];

pub(super) fn parse(text: &str) -> Parsed<LegalDocument> {
    let Some(body) = text.trim_start().strip_prefix(HEADER) else {
        return Parsed::new(Vec::new(), false);
    };
    let numbers = numbers(body);
    let mut items = Vec::new();
    let mut row_start = 0;
    for (k, num) in numbers.iter().enumerate() {
        if num.start < row_start || !ends_row(body, &numbers, k, row_start) {
            continue;
        }
        let cell_start = number_cell_start(body, row_start, num.start);
        let mut row_end = num.end;
        // "…/NĐ-CP.Nghị định …": full stops stay with the number cell.
        while char_at(body, row_end) == Some('.') {
            row_end += 1;
        }
        let title = strip_bullet(&body[row_start..cell_start]);
        let number = body[cell_start..row_end]
            .trim()
            .trim_end_matches(['.', ';'])
            .trim_end();
        items.push(LegalDocument {
            number: number.to_string(),
            title: title.to_string(),
        });
        row_start = row_end;
    }
    let complete = is_blank(&body[row_start..]);
    Parsed::new(items, complete)
}

/// A document number's byte span.
#[derive(Debug, Clone, Copy)]
struct Num {
    start: usize,
    end: usize,
}

/// Every document number in `s`, in order, not overlapping.
fn numbers(s: &str) -> Vec<Num> {
    let mut out = Vec::new();
    let mut i = 0;
    let mut last_end = usize::MAX;
    'scan: while i < s.len() {
        let run = digit_run(s, i);
        let run_start =
            run > 0 && (i == last_end || !char_before(s, i).is_some_and(|c| c.is_ascii_digit()));
        if !run_start {
            i += char_at(s, i).map_or(1, char::len_utf8);
            continue;
        }
        for start in serial_starts(s, i, run) {
            if let Some(end) = number_at(s, start) {
                out.push(Num { start, end });
                i = end;
                last_end = end;
                continue 'scan;
            }
        }
        i += run;
    }
    out
}

/// Where a number's serial may start inside the digit run at `i`. A title
/// ending in a year runs into the serial ("Luật Cư trú 2020" + "68/2020/QH14",
/// "ngày 29/6/2024" + "43/2024/QH15"); otherwise a run after "/" is part of a
/// date, not a serial.
fn serial_starts(s: &str, i: usize, run: usize) -> Vec<usize> {
    let year_first = run > 4 && (s[i..].starts_with("19") || s[i..].starts_with("20"));
    match (year_first, char_before(s, i)) {
        (true, _) => vec![i + 4, i],
        (false, Some('/')) => Vec::new(),
        _ => vec![i],
    }
}

/// The end of a document number whose serial starts at byte `i`:
/// `SERIAL[.N]/YEAR[/SUFFIX]`, `SERIAL/SUFFIX` or `SERIAL-CP`.
fn number_at(s: &str, i: usize) -> Option<usize> {
    let serial = digit_run(s, i);
    if serial == 0 || serial > 5 {
        return None;
    }
    let mut j = i + serial;
    // "30a/2008/NQ-CP"
    if char_at(s, j).is_some_and(|c| c.is_ascii_lowercase()) && char_at(s, j + 1) == Some('/') {
        j += 1;
    }
    // "66.7/2025/NQ-CP"; a four-digit run before "." is a year ending a sentence.
    if serial <= 3 && char_at(s, j) == Some('.') && digit_run(s, j + 1) > 0 {
        j += 1 + digit_run(s, j + 1);
    }
    if s[j..].starts_with("-CP") {
        return Some(j + 3);
    }
    if char_at(s, j) != Some('/') {
        return None;
    }
    j += 1;
    let is_year = digit_run(s, j) == 4 && (s[j..].starts_with("19") || s[j..].starts_with("20"));
    if !is_year {
        return suffix_end(s, j);
    }
    let year_end = j + 4;
    if char_at(s, year_end) == Some('/') {
        if let Some(end) = suffix_end(s, year_end + 1) {
            return Some(end);
        }
    }
    Some(year_end)
}

/// "NĐ-CP", "TTLT-BCA-BYT-BTC", "QĐ- TTg", "TT_BCA", "TTLT/BQP-BLĐTBXH",
/// "BNN&PTNT": capitalised codes joined by separators.
fn suffix_end(s: &str, i: usize) -> Option<usize> {
    let mut end = code_end(s, i)?;
    loop {
        let rest = &s[end..];
        let sep = ["- ", "-", "_", "/", "&"]
            .into_iter()
            .find(|p| rest.starts_with(p));
        match sep.and_then(|p| code_end(s, end + p.len())) {
            Some(next) => end = next,
            None => return Some(end),
        }
    }
}

/// One capitalised code at byte `i` ("NĐ", "BTC", "QH14", "TTg").
fn code_end(s: &str, i: usize) -> Option<usize> {
    let rest = s.get(i..)?;
    if rest.starts_with("TTg") {
        return Some(i + 3);
    }
    let mut end = i + rest
        .chars()
        .take_while(|c| c.is_uppercase())
        .map(char::len_utf8)
        .sum::<usize>();
    let next_is_lower = char_at(s, end).is_some_and(char::is_lowercase);
    // Nothing, or one capital starting a word ("…/QH12- Luật Chất lượng").
    if end == i || (next_is_lower && s[i..end].chars().count() == 1) {
        return None;
    }
    // Legislature numbers: "QH14", "UBTVQH11".
    if s[i..end].ends_with("QH") && digit_run(s, end) >= 2 {
        return Some(end + 2);
    }
    let known = |w: &str| CODES.contains(&w);
    let delimited = match char_at(s, end) {
        None => true,
        Some(c) => matches!(c, '-' | '_' | '/' | '&' | '.' | ',' | ';' | ')'),
    };
    // An unknown code is trusted when delimited ("NQLT-CP"); otherwise it may
    // have run into the next title.
    if !known(&s[i..end]) && !delimited {
        if next_is_lower {
            // "NĐ-CPNghị định": the last capital starts the next title.
            end -= char_before(s, end).map_or(0, char::len_utf8);
        }
        let word = &s[i..end];
        if let Some(prefix) = CODES
            .iter()
            .filter(|c| word.starts_with(*c))
            .max_by_key(|c| c.len())
        {
            end = i + prefix.len();
        }
    }
    (end > i).then_some(end)
}

/// Whether number `k` ends its row rather than sitting inside a title.
fn ends_row(s: &str, numbers: &[Num], k: usize, row_start: usize) -> bool {
    let Num { start, end } = numbers[k];
    // Repeated: "Thông tư 57/2021/TT-BCA57/2021/TT-BCA" or "…/TT-NHNNsố
    // 50/2025/TT-NHNN" — the first copy belongs to the title.
    if let Some(next) = numbers.get(k + 1) {
        let gap = &s[end..next.start];
        if is_cell_prefix(gap) && same_number(&s[start..end], &s[next.start..next.end]) {
            return false;
        }
    }
    if s[end..].trim().is_empty() {
        return true;
    }
    match char_at(s, end) {
        None => true,
        // "…ngân hàng.24/2026/NQ-CP Hướng dẫn …": a number glued to the text
        // before it and followed by a capitalised word is a number cell; a
        // reference inside a title has a space before it.
        Some(c) if c.is_whitespace() => {
            glued_left(s, row_start, start) && s[end..].trim_start().starts_with(char::is_uppercase)
        }
        // Another number follows at once: "…bởi Nghị định số 232/2025/NĐ-CP"
        // + "34/2025/TT-NHNN" ends the title with a reference, while
        // "…tín dụngLuật số 32/2024/QH15" + "50/2025/TT-NHNN…" is a cell.
        // Also after a full stop: "…số 123/2020/NĐ-CP." + "32/2025/TT-BTC".
        Some(c)
            if numbers
                .get(k + 1)
                .is_some_and(|n| n.start == end || (c == '.' && n.start == end + 1)) =>
        {
            glued_left(s, row_start, start)
        }
        Some(',' | ';' | ':' | ')' | '(' | '/') => false,
        Some(c) if c.is_lowercase() => {
            let word = s[end..]
                .split(|c: char| !c.is_alphabetic())
                .next()
                .unwrap_or_default();
            !CONTINUATIONS.contains(&word)
        }
        Some(_) => true,
    }
}

/// A number cell glued to the text before it (possibly through a prefix:
/// "…tiền mặtNghị định 52/…"), unlike a reference inside a title, which has
/// a space before it.
fn glued_left(s: &str, row_start: usize, start: usize) -> bool {
    number_cell_start(s, row_start, start) < start
        || char_before(s, start)
            .is_some_and(|p| !(p.is_whitespace() || p.is_ascii_digit() || matches!(p, '(' | '/')))
}

/// True for "", ".", "số ", "Nghị định số ", "NĐ " …: what may sit between a
/// title's copy of a number and the number cell.
fn is_cell_prefix(gap: &str) -> bool {
    let g = gap.trim().trim_start_matches('.').trim_start();
    let g = g
        .strip_suffix("số")
        .or_else(|| g.strip_suffix("Số"))
        .unwrap_or(g)
        .trim();
    g.is_empty() || DOC_TYPES.contains(&g)
}

/// Equal numbers, or one a shortened copy of the other ("46/2020/NĐ-CP" and
/// "46/2020").
fn same_number(a: &str, b: &str) -> bool {
    let norm = |s: &str| s.chars().filter(|c| !c.is_whitespace()).collect::<String>();
    let (a, b) = (norm(a), norm(b));
    let (short, long) = if a.len() <= b.len() { (a, b) } else { (b, a) };
    long.starts_with(&short) && (short == long || long[short.len()..].starts_with('/'))
}

/// Where the number cell starts: at the number, or earlier when a document
/// type and/or "số" sits glued to the title ("…tiền mặtNghị định 52/…",
/// "…NHNNsố 50/…"). Never swallows the whole title.
fn number_cell_start(s: &str, row_start: usize, num_start: usize) -> usize {
    let before = &s[row_start..num_start];
    let mut t = before.trim_end();
    let mut has_prefix = false;
    if let Some(rest) = t.strip_suffix("số").or_else(|| t.strip_suffix("Số")) {
        t = rest.trim_end();
        has_prefix = true;
    }
    if let Some(doc) = DOC_TYPES.iter().find(|d| t.ends_with(*d)) {
        t = &t[..t.len() - doc.len()];
        has_prefix = true;
    }
    let glued = t.chars().next_back().is_some_and(|c| !c.is_whitespace());
    if has_prefix && glued && !strip_bullet(t).is_empty() {
        row_start + t.len()
    } else {
        num_start
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rows(body: &str) -> Vec<(String, String)> {
        let p = parse(&format!("{HEADER}{body}"));
        assert!(p.complete, "incomplete: {body}");
        p.items.into_iter().map(|d| (d.title, d.number)).collect()
    }

    fn pairs(v: &[(String, String)]) -> Vec<(&str, &str)> {
        v.iter().map(|(t, n)| (t.as_str(), n.as_str())).collect()
    }

    #[test]
    fn titles_ending_in_a_year_or_a_repeated_number() {
        let got = rows("Luật Cư trú 202068/2020/QH14Luật 60/2014/QH1360/2014/QH13Thông tư 57/2021/TT-BCA57/2021/TT-BCA");
        assert_eq!(
            pairs(&got),
            [
                ("Luật Cư trú 2020", "68/2020/QH14"),
                ("Luật 60/2014/QH13", "60/2014/QH13"),
                ("Thông tư 57/2021/TT-BCA", "57/2021/TT-BCA"),
            ]
        );
    }

    #[test]
    fn numbers_inside_titles_and_odd_shapes() {
        // 1.004222, shortened.
        let got = rows("Nghị quyết số 66.7/2025/NQ-CP của Chính phủ: Quy định cắt giảm thủ tục66.7/2025/NQ-CPThông tư số 53/2025/TT-BCAngày 01/7/2025 của Bộ Công an sửa đổi Thông tư số 55/2021/TT-BCA ngày 15 tháng 5 năm 2021.53/2025/TT-BCASỬA ĐỔI MỘT SỐ ĐIỀU CỦA CÁC NGHỊ ĐỊNH VỀ CƯ TRÚ, LUẬT CĂN CƯỚC58/2026/NĐ-CP");
        assert_eq!(
            pairs(&got),
            [
                ("Nghị quyết số 66.7/2025/NQ-CP của Chính phủ: Quy định cắt giảm thủ tục", "66.7/2025/NQ-CP"),
                (
                    "Thông tư số 53/2025/TT-BCAngày 01/7/2025 của Bộ Công an sửa đổi Thông tư số 55/2021/TT-BCA ngày 15 tháng 5 năm 2021.",
                    "53/2025/TT-BCA"
                ),
                ("SỬA ĐỔI MỘT SỐ ĐIỀU CỦA CÁC NGHỊ ĐỊNH VỀ CƯ TRÚ, LUẬT CĂN CƯỚC", "58/2026/NĐ-CP"),
            ]
        );
    }

    #[test]
    fn number_cells_with_prefixes_and_dates_before_numbers() {
        let got = rows("Luật Các tổ chức tín dụngLuật số 32/2024/QH1550/2025/TT-NHNNsố 50/2025/TT-NHNNQuy định về thanh toán không dùng tiền mặtNghị định 52/2024/NĐ-CPLuật Đất đai ngày 18/01/2024;31/2024/QH15Luật số 43/2024/QH15 ngày 29/6/202443/2024/QH15");
        assert_eq!(
            pairs(&got),
            [
                ("Luật Các tổ chức tín dụng", "Luật số 32/2024/QH15"),
                ("50/2025/TT-NHNN", "số 50/2025/TT-NHNN"),
                (
                    "Quy định về thanh toán không dùng tiền mặt",
                    "Nghị định 52/2024/NĐ-CP"
                ),
                ("Luật Đất đai ngày 18/01/2024;", "31/2024/QH15"),
                ("Luật số 43/2024/QH15 ngày 29/6/2024", "43/2024/QH15"),
            ]
        );
    }

    #[test]
    fn suffixes_running_into_the_next_title() {
        let got = rows("Nghị định 73/NĐ-CP ngày 30/7/1994 của Chính phủ.73-CPThông tư 93/2018/TT-BTC93/2018/TT-BTCQuyết định 601/QĐ-BTC601/QĐ-BTCQuyết định 01/2012/QĐ- TTg01/2012/QĐ- TTgquy định chi tiết thi hành Luật Đất đai102/2024/NĐ-CPQUY ĐỊNH VIỆC HÀNH NGHỀ KHOAN NƯỚC54/2024/NĐ-CP");
        assert_eq!(
            pairs(&got),
            [
                ("Nghị định 73/NĐ-CP ngày 30/7/1994 của Chính phủ.", "73-CP"),
                ("Thông tư 93/2018/TT-BTC", "93/2018/TT-BTC"),
                ("Quyết định 601/QĐ-BTC", "601/QĐ-BTC"),
                ("Quyết định 01/2012/QĐ- TTg", "01/2012/QĐ- TTg"),
                ("quy định chi tiết thi hành Luật Đất đai", "102/2024/NĐ-CP"),
                ("QUY ĐỊNH VIỆC HÀNH NGHỀ KHOAN NƯỚC", "54/2024/NĐ-CP"),
            ]
        );
    }

    #[test]
    fn unusual_serials_and_codes() {
        let got = rows("về chương trình hỗ trợ giảm nghèo nhanhNghị quyết số 30a/2008/NQ-CPHướng dẫn phối hợp về hòa giải ở cơ sở01/2014/NQLT-CP-UBTƯMTTQVNNghị định quy định về quản lý phân bón.Nghị định 84/2019/NĐ-CP..");
        assert_eq!(
            pairs(&got),
            [
                (
                    "về chương trình hỗ trợ giảm nghèo nhanh",
                    "Nghị quyết số 30a/2008/NQ-CP"
                ),
                (
                    "Hướng dẫn phối hợp về hòa giải ở cơ sở",
                    "01/2014/NQLT-CP-UBTƯMTTQVN"
                ),
                (
                    "Nghị định quy định về quản lý phân bón.",
                    "Nghị định 84/2019/NĐ-CP"
                ),
            ]
        );
        let got = rows("Luật Chất lượng sản phẩm, hàng hoá05/2007/QH12- Luật Chất lượng sản phẩm số 05/2007/QH12 74/2018/NĐ-CP");
        assert_eq!(
            pairs(&got),
            [
                ("Luật Chất lượng sản phẩm, hàng hoá", "05/2007/QH12"),
                ("Luật Chất lượng sản phẩm số 05/2007/QH12", "74/2018/NĐ-CP"),
            ]
        );
    }

    #[test]
    fn chains_of_glued_numbers() {
        // "…NĐ-CP" ends a row; the next row's title is its own number.
        let got = rows("Nghị định 23/2026/NĐ-CP về tài nguyên nước.NĐ 23/2026/NĐ-CP14/2025/TT-BNNMT14/2025/TT-BNNMTNghị định số 46/2020/NĐ-CP46/2020");
        assert_eq!(
            pairs(&got),
            [
                (
                    "Nghị định 23/2026/NĐ-CP về tài nguyên nước.",
                    "NĐ 23/2026/NĐ-CP"
                ),
                ("14/2025/TT-BNNMT", "14/2025/TT-BNNMT"),
                ("Nghị định số 46/2020/NĐ-CP", "46/2020"),
            ]
        );
        let got = rows("Thông tư hướng dẫn được sửa đổi, bổ sung bởi Nghị định số 232/2025/NĐ-CP34/2025/TT-NHNNLuật 35/2018/QH14.35/2018/QH14.Thông tư sửa đổi Nghị định số 123/2020/NĐ-CP.32/2025/TT-BTC");
        assert_eq!(
            pairs(&got),
            [
                (
                    "Thông tư hướng dẫn được sửa đổi, bổ sung bởi Nghị định số 232/2025/NĐ-CP",
                    "34/2025/TT-NHNN"
                ),
                ("Luật 35/2018/QH14.", "35/2018/QH14"),
                (
                    "Thông tư sửa đổi Nghị định số 123/2020/NĐ-CP.",
                    "32/2025/TT-BTC"
                ),
            ]
        );
        let got = rows("ngoại giao, tư pháp, ngân hàng.24/2026/NQ-CP Hướng dẫn về quản lý ngoại hối10/2017/TT-NHNNthực hiện Nghị định 52/2024/NĐ-CP Về kinh doanh casino03/2017/NĐ-CP");
        assert_eq!(
            pairs(&got),
            [
                ("ngoại giao, tư pháp, ngân hàng.", "24/2026/NQ-CP"),
                ("Hướng dẫn về quản lý ngoại hối", "10/2017/TT-NHNN"),
                (
                    "thực hiện Nghị định 52/2024/NĐ-CP Về kinh doanh casino",
                    "03/2017/NĐ-CP"
                ),
            ]
        );
    }

    #[test]
    fn a_trailing_title_without_number_is_incomplete() {
        let p = parse(&format!(
            "{HEADER}Luật Quản lý thuế38/2019/QH14Thông tư hướng dẫn"
        ));
        assert_eq!(p.items.len(), 1);
        assert!(!p.complete);
        assert!(!parse("Không có thông tinCơ quan thực hiệnTòa án nhân dân").complete);
    }
}
