//! Results of processing ("Kết quả xử lý"): "Name" + "Mã: CODE" pairs run
//! together, followed by page furniture ("Từ khóa…", "Mô tả…", "Chọn cơ quan
//! thực hiện…Nộp hồ sơ") that is not part of the results.

use super::scan::{char_at, is_blank};
use super::Parsed;
use crate::catalog::ProcedureResult;

const CODE_LABEL: &str = "Mã:";
/// Where the results end and the portal's search/submit widgets begin.
const FURNITURE: [&str; 2] = ["Từ khóa", "Chọn cơ quan thực hiện"];

pub(super) fn parse(text: &str) -> Parsed<ProcedureResult> {
    let cut = FURNITURE.iter().filter_map(|f| text.find(f)).min();
    // Without a code or the furniture this is not the results widget (some
    // crawled pages carry another section's text here).
    if cut.is_none() && !text.contains(CODE_LABEL) {
        return Parsed::new(Vec::new(), false);
    }
    let body = &text[..cut.unwrap_or(text.len())];
    let mut items = Vec::new();
    let mut complete = true;
    let mut rest = body;
    while let Some(at) = rest.find(CODE_LABEL) {
        let name = rest[..at].trim();
        let after = rest[at + CODE_LABEL.len()..].trim_start();
        let code_len = code_len(after);
        let code = after[..code_len].trim_end_matches('.');
        if name.is_empty() {
            complete = false;
        }
        items.push(ProcedureResult {
            name: name.to_string(),
            code: (!code.is_empty()).then(|| code.to_string()),
        });
        rest = &after[code_len..];
    }
    if !is_blank(rest) {
        items.push(ProcedureResult {
            name: rest.trim().to_string(),
            code: None,
        });
    }
    Parsed::new(items, complete)
}

/// Byte length of the result code at the start of `s`: capitals, digits and
/// ".-_" ("KQ.G01.000064", "000.00.00.G04-KQ3347", "VBTT"). The next name
/// follows without a space, so a capital directly followed by a lower-case
/// letter ("…KQ3347Văn bản") starts the name, not the code.
fn code_len(s: &str) -> usize {
    let len = s
        .bytes()
        .take_while(|b| {
            b.is_ascii_uppercase() || b.is_ascii_digit() || matches!(b, b'.' | b'-' | b'_')
        })
        .count();
    let next_is_lower = char_at(s, len).is_some_and(char::is_lowercase);
    let last_is_upper = s[..len]
        .bytes()
        .last()
        .is_some_and(|b| b.is_ascii_uppercase());
    if len > 1 && next_is_lower && last_is_upper {
        len - 1
    } else {
        len
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(p: &Parsed<ProcedureResult>) -> Vec<(&str, Option<&str>)> {
        p.items
            .iter()
            .map(|r| (r.name.as_str(), r.code.as_deref()))
            .collect()
    }

    #[test]
    fn names_and_codes_before_the_furniture() {
        // 1.004222, shortened.
        let text = "Cập nhật thông tin trong Cơ sở dữ liệu quốc gia về dân cưMã: KQ.G01.000064Thông báo kết quả giải quyết thủ tục về cư trúMã: KQ.G01.000065Từ khóaKhông có thông tinMô tảKhông có thông tinChọn cơ quan thực hiệnTỉnh/ Thành phốBộ ngành-- Chọn Tỉnh/ Thành phố --Nộp hồ sơ";
        let p = parse(text);
        assert!(p.complete);
        assert_eq!(
            pairs(&p),
            [
                (
                    "Cập nhật thông tin trong Cơ sở dữ liệu quốc gia về dân cư",
                    Some("KQ.G01.000064")
                ),
                (
                    "Thông báo kết quả giải quyết thủ tục về cư trú",
                    Some("KQ.G01.000065")
                ),
            ]
        );
    }

    #[test]
    fn odd_codes_and_a_result_without_code() {
        let text = "Văn bản thỏa thuậnMã: 000.00.00.G04-KQ3328Văn bản chấp thuận.Mã: VBTTGiấy phép tạm thờiTừ khóaKhông có thông tin";
        assert_eq!(
            pairs(&parse(text)),
            [
                ("Văn bản thỏa thuận", Some("000.00.00.G04-KQ3328")),
                ("Văn bản chấp thuận.", Some("VBTT")),
                ("Giấy phép tạm thời", None),
            ]
        );
    }

    #[test]
    fn another_sections_text_is_not_results() {
        let p = parse("hợp đồng đã ký với khách hàng.1 bản chính");
        assert!(p.items.is_empty() && !p.complete);
    }
}
