//! Submission channels ("Cách thức thực hiện"): the table "Hình thức nộp |
//! Thời gian | Phí, lệ phí | Mô tả" flattened into one string, e.g.
//! "Trực tuyến7 Ngày làm việc10,000 Việt Nam Đồng(…)Trực tiếp…".
//!
//! A row starts where a channel name is directly followed by a processing
//! time *and* a fee token; that rules out descriptions such as "Trực tuyến:
//! nộp hồ sơ…". The fee may carry a parenthesised explanation; the rest of
//! the row is the description. Rows of one channel with the same time (fee
//! tiers) merge into one `Channel` with several fees.

use super::scan::{char_at, digit_run, paren_end, NO_INFO};
use super::Parsed;
use crate::catalog::{Channel, ChannelKind, Fee, ForeignAmount, ProcessingTime, TimeUnit};

const HEADER: &str = "Hình thức nộpThời gianPhí, lệ phíMô tả";
const KINDS: [(&str, ChannelKind); 3] = [
    ("Trực tuyến", ChannelKind::Online),
    ("Trực tiếp", ChannelKind::InPerson),
    ("Dịch vụ bưu chính", ChannelKind::Postal),
];
/// Longest first, so "Ngày làm việc" wins over "Ngày".
const UNITS: [(&str, TimeUnit); 4] = [
    ("Ngày làm việc", TimeUnit::WorkingDay),
    ("Ngày", TimeUnit::Day),
    ("Giờ", TimeUnit::Hour),
    ("Tháng", TimeUnit::Month),
];
/// Currency words after an amount; `None` means Vietnamese đồng.
const CURRENCIES: [(&str, Option<&str>); 6] = [
    ("Việt Nam Đồng", None),
    ("VNĐ", None),
    ("đồng", None),
    ("Đồng", None),
    ("USD", Some("USD")),
    ("EUR", Some("EUR")),
];
const FREE: &str = "Miễn phí";
/// How far a free-text processing time ("Không phải trả kết quả cho người
/// nộp thuế") may run before its fee.
const MAX_FREE_TIME: usize = 300;
/// The longest bare number tried as a processing time where digits run on
/// into an amount ("Trực tuyến120 VNĐ"): every split is a candidate, so
/// without a bound a long run of digits costs its length squared (a 60 KB
/// run took 28 s and 2 GB in fuzzing).
const MAX_BARE_TIME_DIGITS: usize = 6;

pub(super) fn parse(text: &str) -> Parsed<Channel> {
    let Some(body) = text.trim_start().strip_prefix(HEADER) else {
        return Parsed::new(Vec::new(), false);
    };
    let body = body.trim_start();
    let heads: Vec<(usize, RowHead)> = body
        .char_indices()
        .filter_map(|(i, _)| row_head(body, i).map(|h| (i, h)))
        .collect();
    // Text before the first row belongs to no row.
    let complete = heads.first().is_some_and(|(i, _)| *i == 0);
    let mut channels: Vec<Channel> = Vec::new();
    for (n, (_, head)) in heads.iter().enumerate() {
        let end = heads.get(n + 1).map_or(body.len(), |(i, _)| *i);
        let row = finish_row(body, head, end);
        merge(&mut channels, row);
    }
    Parsed::new(channels, complete)
}

/// A recognised row start: channel, time and where the fee begins.
struct RowHead {
    kind: ChannelKind,
    time: ProcessingTime,
    fee_at: usize,
}

/// Recognises a row starting at byte `i`: channel name, time, fee token.
fn row_head(s: &str, i: usize) -> Option<RowHead> {
    let (name, kind) = KINDS.iter().find(|(name, _)| s[i..].starts_with(name))?;
    let at = i + name.len();
    time_candidates(s, at)
        .into_iter()
        .find(|(end, _)| fee_token(s, *end).is_some())
        .map(|(fee_at, time)| RowHead {
            kind: *kind,
            time,
            fee_at,
        })
}

/// Possible processing times at byte `at`, each with where it ends.
fn time_candidates(s: &str, at: usize) -> Vec<(usize, ProcessingTime)> {
    let mut out = Vec::new();
    let digits = digit_run(s, at);
    if digits > 0 {
        let mut num_end = at + digits;
        // A decimal part: "1.5 Ngày làm việc".
        if matches!(char_at(s, num_end), Some('.' | ',')) && digit_run(s, num_end + 1) > 0 {
            num_end += 1 + digit_run(s, num_end + 1);
        }
        let value = number(&s[at..num_end].replace(',', "."));
        let after = &s[num_end..];
        let spaced = after.strip_prefix(' ').unwrap_or(after);
        if let Some((unit_text, unit)) = UNITS.iter().find(|(u, _)| spaced.starts_with(u)) {
            let end = num_end + (after.len() - spaced.len()) + unit_text.len();
            out.push((end, time(value, Some(*unit), &s[at..end])));
        } else {
            // A bare number. Its digits may run into an amount ("Trực
            // tuyến120 VNĐ" is 1 + "20 VNĐ"), so try every split, shortest
            // time first (the first `MAX_BARE_TIME_DIGITS`).
            for end in at + 1..=at + digits.min(MAX_BARE_TIME_DIGITS) {
                let value = number(&s[at..end]);
                out.push((end, time(value, None, &s[at..end])));
            }
        }
    }
    if s[at..].starts_with(NO_INFO) {
        out.push((at + NO_INFO.len(), time(None, None, "")));
    }
    if let Some(end) = free_time_end(s, at) {
        out.push((end, time(None, None, s[at..end].trim())));
    }
    out
}

/// A decimal number as printed, if finite: a run of 310 digits parses as
/// infinity, which JSON has no number for (serde_json writes `null`, which a
/// bundle then cannot read back as an amount).
fn number(text: &str) -> Option<f64> {
    text.parse::<f64>().ok().filter(|v| v.is_finite())
}

fn time(value: Option<f64>, unit: Option<TimeUnit>, text: &str) -> ProcessingTime {
    ProcessingTime {
        value,
        unit,
        text: text.to_string(),
    }
}

/// A processing time given as words ("Không quy định", "Hệ thống … phản hồi
/// tự động …"): starts with a capital, stays on one line, holds no channel
/// name, and ends where the first fee token begins.
fn free_time_end(s: &str, at: usize) -> Option<usize> {
    if !char_at(s, at)?.is_uppercase() {
        return None;
    }
    let mut taken = 0;
    for (off, c) in s[at..].char_indices().skip(1) {
        taken += 1;
        let i = at + off;
        if c == '\n' || taken > MAX_FREE_TIME || KINDS.iter().any(|(n, _)| s[i..].starts_with(n)) {
            return None;
        }
        if fee_token(s, i).is_some() {
            return Some(i);
        }
    }
    None
}

/// A fee token at byte `at`: its end and the fee (`None` for "Không có thông
/// tin", which gives no fee entry).
fn fee_token(s: &str, at: usize) -> Option<(usize, Option<Fee>)> {
    let rest = &s[at..];
    if rest.starts_with(FREE) {
        return Some((at + FREE.len(), Some(fee(Some(0), None, FREE))));
    }
    if rest.starts_with(NO_INFO) {
        return Some((at + NO_INFO.len(), None));
    }
    let amount_len = rest
        .bytes()
        .take_while(|b| b.is_ascii_digit() || matches!(b, b',' | b'.'))
        .count();
    let amount = rest[..amount_len].trim_end_matches([',', '.']);
    // No leading zero: "0,000 VNĐ" is the tail of a longer number.
    if amount.is_empty() || (amount.starts_with('0') && amount.len() > 1) {
        return None;
    }
    let after = &rest[amount.len()..];
    let spaced = after.strip_prefix(' ').unwrap_or(after);
    let (word, foreign) = CURRENCIES.iter().find(|(w, _)| spaced.starts_with(w))?;
    let end = at + amount.len() + (after.len() - spaced.len()) + word.len();
    let text = &s[at..end];
    let fee = match foreign {
        None => fee(amount.replace([',', '.'], "").parse().ok(), None, text),
        Some(currency) => {
            let value = number(&amount.replace(',', ""));
            let foreign = value.map(|amount| ForeignAmount {
                amount,
                currency: currency.to_string(),
            });
            fee(None, foreign, text)
        }
    };
    Some((end, Some(fee)))
}

fn fee(amount_vnd: Option<u64>, amount_foreign: Option<ForeignAmount>, text: &str) -> Fee {
    Fee {
        amount_vnd,
        text: text.to_string(),
        amount_foreign,
    }
}

/// Builds the channel of one row ending at byte `end`: the fee with its
/// "(…)" explanation, then the description.
fn finish_row(s: &str, head: &RowHead, end: usize) -> Channel {
    let (mut fee_end, mut fee) = fee_token(s, head.fee_at).unwrap_or((head.fee_at, None));
    if let Some(f) = fee.as_mut().filter(|_| char_at(s, fee_end) == Some('(')) {
        // Balanced when possible; the portal's own wrapping parentheses
        // sometimes hold an unclosed "(" — then the explanation runs to the
        // row's last ")" (or the row's end).
        let close = paren_end(&s[..end], fee_end)
            .or_else(|| s[fee_end..end].rfind(')').map(|i| fee_end + i + 1))
            .unwrap_or(end);
        let explanation = &s[fee_end..close];
        // "Miễn phí(1) Cách thức …": a list marker starts the description.
        if !is_list_marker(explanation) {
            f.text.push_str(explanation);
            fee_end = close;
        }
    }
    let note = s[fee_end..end].trim();
    Channel {
        channel: head.kind,
        processing_time: head.time.clone(),
        fees: fee.into_iter().collect(),
        note: (!note.is_empty()).then(|| note.to_string()),
    }
}

/// "(1)", "(a)", "(ii)": an enumerator, not an explanation.
fn is_list_marker(paren: &str) -> bool {
    let inner = paren.trim_start_matches('(').trim_end_matches(')');
    !inner.is_empty() && inner.len() <= 4 && inner.chars().all(|c| c.is_ascii_alphanumeric())
}

/// Adds a row, merging it into an earlier row of the same channel and time.
fn merge(channels: &mut Vec<Channel>, row: Channel) {
    let same = channels
        .iter_mut()
        .find(|c| c.channel == row.channel && c.processing_time == row.processing_time);
    let Some(existing) = same else {
        channels.push(row);
        return;
    };
    for fee in row.fees {
        if !existing.fees.contains(&fee) {
            existing.fees.push(fee);
        }
    }
    match (&mut existing.note, row.note) {
        (Some(note), Some(more)) if !note.contains(more.as_str()) => {
            note.push('\n');
            note.push_str(&more);
        }
        (note @ None, more) => *note = more,
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rows(body: &str) -> Parsed<Channel> {
        parse(&format!("{HEADER}{body}"))
    }

    fn summary(c: &Channel) -> (ChannelKind, Option<f64>, Option<TimeUnit>, Vec<Option<u64>>) {
        let fees = c.fees.iter().map(|f| f.amount_vnd).collect();
        (
            c.channel,
            c.processing_time.value,
            c.processing_time.unit,
            fees,
        )
    }

    #[test]
    fn dang_ky_thuong_tru() {
        // 1.004222, notes shortened.
        let p = rows("Trực tuyến7 Ngày làm việc10,000 Việt Nam Đồng(Trường hợp công dân nộp hồ sơ qua cổng dịch vụ công trực tuyến thu 10.000 đồng/lần đăng ký.)Trực tiếp7 Ngày làm việc20,000 Việt Nam Đồng(Trường hợp công dân thuộc diện được miễn phí theo quy định tại Điều 4 Thông tư số 75/2022/TT-BTC)");
        assert!(p.complete);
        let got: Vec<_> = p.items.iter().map(summary).collect();
        assert_eq!(
            got,
            [
                (
                    ChannelKind::Online,
                    Some(7.0),
                    Some(TimeUnit::WorkingDay),
                    vec![Some(10000)]
                ),
                (
                    ChannelKind::InPerson,
                    Some(7.0),
                    Some(TimeUnit::WorkingDay),
                    vec![Some(20000)]
                ),
            ]
        );
        assert_eq!(p.items[0].processing_time.text, "7 Ngày làm việc");
        assert!(p.items[0].fees[0]
            .text
            .starts_with("10,000 Việt Nam Đồng(Trường hợp"));
        assert!(p.items[0].fees[0].text.ends_with("đăng ký.)"));
        assert_eq!(p.items[0].note, None);
    }

    #[test]
    fn fee_tiers_merge_but_other_times_stay_apart() {
        // 1.013067/1.005103 style: several rows per channel.
        let p = rows("Trực tuyến1.5 Ngày làm việc40,000 Việt Nam Đồng(- Xe ô tô trên 10 chỗ)- Thời hạn: ngay trong ngày.Trực tuyến1.5 Ngày làm việc20,000 Việt Nam Đồng(- Xe mô tô)- Thời hạn: ngay trong ngày.Trực tiếp1 GiờMiễn phíTrực tiếp7 Ngày làm việcMiễn phí");
        let got: Vec<_> = p.items.iter().map(summary).collect();
        assert_eq!(
            got,
            [
                (
                    ChannelKind::Online,
                    Some(1.5),
                    Some(TimeUnit::WorkingDay),
                    vec![Some(40000), Some(20000)]
                ),
                (
                    ChannelKind::InPerson,
                    Some(1.0),
                    Some(TimeUnit::Hour),
                    vec![Some(0)]
                ),
                (
                    ChannelKind::InPerson,
                    Some(7.0),
                    Some(TimeUnit::WorkingDay),
                    vec![Some(0)]
                ),
            ]
        );
        assert_eq!(
            p.items[0].note.as_deref(),
            Some("- Thời hạn: ngay trong ngày.")
        );
    }

    #[test]
    fn usd_fee_and_months() {
        // 1.001010
        let p = rows("Trực tiếp6 Tháng100 USD(100 USD/thẻ.)");
        let fee = &p.items[0].fees[0];
        assert_eq!(fee.amount_vnd, None);
        assert_eq!(fee.text, "100 USD(100 USD/thẻ.)");
        let foreign = fee
            .amount_foreign
            .as_ref()
            .map(|f| (f.amount, f.currency.as_str()));
        assert_eq!(foreign, Some((100.0, "USD")));
        assert_eq!(p.items[0].processing_time.unit, Some(TimeUnit::Month));
    }

    #[test]
    fn bare_number_time_and_glued_amount() {
        let p = rows("Trực tuyến1Miễn phíDịch vụ bưu chính120 VNĐ(20.000 đ/tờ khai)");
        let t = &p.items[0].processing_time;
        assert_eq!((t.value, t.unit, t.text.as_str()), (Some(1.0), None, "1"));
        assert_eq!(p.items[1].processing_time.text, "1");
        assert_eq!(p.items[1].fees[0].amount_vnd, Some(20));
        assert_eq!(p.items[1].fees[0].text, "20 VNĐ(20.000 đ/tờ khai)");
    }

    #[test]
    fn numbers_past_f64_are_no_numbers() {
        // Found by the catalog_reader fuzz target: 400 digits parse as
        // infinity, which a bundle wrote as `null` and could not read back.
        let digits = "9".repeat(400);
        let p = rows(&format!(
            "Trực tuyến{digits} NgàyMiễn phíTrực tiếp5 Ngày{digits} USD"
        ));
        assert_eq!(p.items[0].processing_time.value, None);
        assert_eq!(p.items[0].processing_time.unit, Some(TimeUnit::Day));
        assert_eq!(p.items[1].fees[0].amount_foreign, None);
        assert_eq!(p.items[1].fees[0].text, format!("{digits} USD"));
    }

    #[test]
    fn a_long_run_of_digits_is_read_in_linear_time() {
        // Found by the catalog_reader fuzz target: every split of a bare
        // number was a candidate time (a 60 KB run: 28 s and 2 GB).
        let p = rows(&format!("Trực tuyến1{}", "2".repeat(1_000_000)));
        assert!(p.items.is_empty());
        let p = rows(&format!("Trực tuyến1{} VNĐ", "2".repeat(100_000)));
        assert_eq!(p.items[0].processing_time.value, Some(1.0));
        assert_eq!(p.items[0].fees[0].amount_vnd, None);
    }

    #[test]
    fn descriptions_naming_channels_are_not_rows() {
        let p = rows("Trực tuyến15 NgàyMiễn phí- Trực tuyến: nộp trực tuyến qua Cổng dịch vụ công.\n+ Trực tiếp: nộp hồ sơ trực tiếp tại trụ sở Cục.Trực tiếp15 NgàyKhông có thông tinNộp tại Bộ phận Một cửa");
        assert_eq!(p.items.len(), 2);
        assert_eq!(
            p.items[0].note.as_deref(),
            Some("- Trực tuyến: nộp trực tuyến qua Cổng dịch vụ công.\n+ Trực tiếp: nộp hồ sơ trực tiếp tại trụ sở Cục.")
        );
        assert!(
            p.items[1].fees.is_empty(),
            "no information gives no fee entry"
        );
        assert_eq!(p.items[1].note.as_deref(), Some("Nộp tại Bộ phận Một cửa"));
    }

    #[test]
    fn no_information_time_and_worded_time() {
        let p = rows("Trực tiếpKhông có thông tinMiễn phíĐổi ngayTrực tuyếnKhông phải trả kết quả cho người nộp thuếMiễn phíQua Cổng DVC");
        assert_eq!(p.items[0].processing_time, time(None, None, ""));
        assert_eq!(
            p.items[1].processing_time.text,
            "Không phải trả kết quả cho người nộp thuế"
        );
        assert_eq!(p.items[1].note.as_deref(), Some("Qua Cổng DVC"));
    }

    #[test]
    fn nested_and_unclosed_parentheses_stay_in_the_fee() {
        // 1.008886 (nested) and 1.002903 (unclosed "(").
        let p = rows("Trực tuyến30 Ngày làm việc10,000,000 Việt Nam Đồng((Áp dụng mức phí: 5.000.000 đồng (Năm triệu đồng) đến hết ngày 31/12/2026). )Trực tiếp30 Ngày10,000,000 VNĐ(đồng (Miễn phí kể từ ngày 07/4/2026 theo Thông tư số 40/2026/TT-BTC)30 ngày kể từ ngày nhận hồ sơ");
        assert_eq!(p.items[0].fees[0].amount_vnd, Some(10_000_000));
        assert!(p.items[0].fees[0].text.ends_with("31/12/2026). )"));
        assert_eq!(p.items[0].note, None);
        assert!(p.items[1].fees[0].text.ends_with("40/2026/TT-BTC)"));
        assert_eq!(
            p.items[1].note.as_deref(),
            Some("30 ngày kể từ ngày nhận hồ sơ")
        );
    }

    #[test]
    fn a_numbered_description_is_not_a_fee_explanation() {
        let p = rows("Trực tiếpKhông có thông tinKhông có thông tin(1) Cách thức nộp: trực tiếp.Trực tuyến5 NgàyMiễn phí(a) Nộp qua Cổng.");
        assert!(p.items[0].fees.is_empty());
        assert_eq!(
            p.items[0].note.as_deref(),
            Some("(1) Cách thức nộp: trực tiếp.")
        );
        assert_eq!(p.items[1].fees[0].text, "Miễn phí");
        assert_eq!(p.items[1].note.as_deref(), Some("(a) Nộp qua Cổng."));
    }

    #[test]
    fn missing_header_is_incomplete() {
        let p = parse("Trực tuyến1Miễn phí");
        assert!(!p.complete && p.items.is_empty());
    }
}
