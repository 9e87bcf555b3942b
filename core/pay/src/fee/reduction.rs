//! Time-limited reductions as fee lines state them: "Kể từ ngày 01/7/2025
//! đến hết ngày 31/12/2026 mức thu lệ phí … bằng 50% mức thu …", for every
//! channel, or only for filing online when the clause says "trực tuyến"
//! (the national pages sometimes misspell it "trực tuyển"). Read from
//! bounded text without regular expressions; a clause that does not read
//! cleanly states nothing.

use hoso_catalog::catalog::ChannelKind;
use serde::Serialize;
use time::{Date, Month};

/// A reduction to a percentage of the fee, in force from one day to
/// another (both included).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Reduction {
    /// The share of the fee still paid, 1–99 %.
    pub percent: u8,
    /// `YYYY-MM-DD`.
    pub from: String,
    /// `YYYY-MM-DD`, the last day in force.
    pub until: String,
    /// Only when filing online.
    pub online_only: bool,
    #[serde(skip)]
    start: Date,
    #[serde(skip)]
    end: Date,
}

/// The longest fee text read for clauses (the pages' longest is ~2 KB).
const MAX_TEXT_BYTES: usize = 16 * 1024;

impl Reduction {
    pub(super) fn new(percent: u8, start: Date, end: Date, online_only: bool) -> Option<Reduction> {
        ((1..=99).contains(&percent) && start <= end).then(|| Reduction {
            percent,
            from: start.to_string(),
            until: end.to_string(),
            online_only,
            start,
            end,
        })
    }

    /// `base` reduced, rounded down to the đồng.
    pub fn apply(&self, base: u64) -> u64 {
        let paid = u128::from(base) * u128::from(self.percent) / 100;
        u64::try_from(paid).unwrap_or(base)
    }

    fn covers(&self, day: Date) -> bool {
        self.start <= day && day <= self.end
    }
}

/// The reduction in force on `day` among `stated` (the lowest share when
/// several are: reductions are not stacked).
pub(super) fn in_force(stated: impl Iterator<Item = Reduction>, day: Date) -> Option<Reduction> {
    stated.filter(|r| r.covers(day)).min_by_key(|r| r.percent)
}

/// The reductions a fee line's text states for `channel`.
pub(super) fn stated(text: &str, channel: ChannelKind) -> Vec<Reduction> {
    if text.len() > MAX_TEXT_BYTES {
        return Vec::new();
    }
    let lower = text.to_lowercase();
    let mut out = Vec::new();
    let mut rest = lower.as_str();
    while let Some(at) = rest.find("kể từ ngày") {
        let clause_start = &rest[at + "kể từ ngày".len()..];
        // The clause runs to the next one (or the end).
        let end = clause_start
            .find("kể từ ngày")
            .unwrap_or(clause_start.len());
        let clause = &clause_start[..end];
        if let Some(r) = read_clause(clause) {
            if !r.online_only || channel == ChannelKind::Online {
                out.push(r);
            }
        }
        rest = &clause_start[end..];
    }
    out
}

/// "01/7/2025 đến hết ngày 31/12/2026 mức thu … bằng 50% mức thu …".
fn read_clause(clause: &str) -> Option<Reduction> {
    let (start, after) = date_at(clause.trim_start())?;
    let after = after.trim_start();
    let after = after
        .strip_prefix("đến hết ngày")
        .or_else(|| after.strip_prefix("đến ngày"))?;
    let (end, after) = date_at(after.trim_start())?;
    let at = after.find("bằng")?;
    let percent_text = after[at + "bằng".len()..].trim_start();
    let digits: String = percent_text
        .chars()
        .take_while(char::is_ascii_digit)
        .take(3)
        .collect();
    let percent: u8 = digits.parse().ok()?;
    if !percent_text[digits.len()..].trim_start().starts_with('%') {
        return None;
    }
    let scope = &after[..at];
    let online_only = scope.contains("trực tuyến") || scope.contains("trực tuyển");
    Reduction::new(percent, start, end, online_only)
}

/// A `d/m/yyyy` date at the start of `text`, and what follows it.
fn date_at(text: &str) -> Option<(Date, &str)> {
    let mut parts = [0u32; 3];
    let mut rest = text;
    for (i, part) in parts.iter_mut().enumerate() {
        let digits = rest.bytes().take_while(u8::is_ascii_digit).count();
        if digits == 0 || digits > 4 {
            return None;
        }
        *part = rest[..digits].parse().ok()?;
        rest = &rest[digits..];
        if i < 2 {
            rest = rest.strip_prefix('/')?;
        }
    }
    let month = Month::try_from(u8::try_from(parts[1]).ok()?).ok()?;
    let day = u8::try_from(parts[0]).ok()?;
    let year = i32::try_from(parts[2]).ok()?;
    Some((Date::from_calendar_date(year, month, day).ok()?, rest))
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    /// 1.014064's fee line as the national page prints it.
    const ID_CARD: &str = "70,000 Việt Nam Đồng(- Cấp lại thẻ căn cước đối với các trường hợp quy định tại khoản 2 Điều 24 Luật Căn cước: 70.000 đồng/thẻ căn cước. Kể từ ngày 01/01/2025 đến hết ngày 31/12/2025, mức thu lệ phí khi công dân nộp hồ sơ cấp đổi, cấp lại thẻ căn cước theo hình thức trực tuyển bằng 50% mức thu lệ phí quy định. - Kể từ ngày 01/7/2025 đến hết ngày 31/12/2026 mức thu lệ phí cấp đổi, cấp lại thẻ căn cước bằng 50% mức thu nêu trên theo quy định tại Thông tư số 64/2025/TT-BTC ngày 30/6/2025 của Bộ Tài chính.)";

    #[test]
    fn the_id_card_reductions_are_read_per_channel() {
        let online = stated(ID_CARD, ChannelKind::Online);
        assert_eq!(online.len(), 2);
        assert!(online[0].online_only && !online[1].online_only);
        assert_eq!(
            (online[1].from.as_str(), online[1].until.as_str()),
            ("2025-07-01", "2026-12-31")
        );
        let in_person = stated(ID_CARD, ChannelKind::InPerson);
        assert_eq!(in_person.len(), 1);
        let on = |day| in_force(stated(ID_CARD, ChannelKind::InPerson).into_iter(), day);
        assert_eq!(on(date!(2025 - 03 - 01)), None);
        assert_eq!(
            on(date!(2026 - 12 - 31)).map(|r| r.apply(70_000)),
            Some(35_000)
        );
        assert_eq!(on(date!(2027 - 01 - 01)), None);
        let online_early = in_force(online.into_iter(), date!(2025 - 03 - 01));
        assert_eq!(online_early.map(|r| r.apply(70_000)), Some(35_000));
    }

    #[test]
    fn clauses_that_do_not_read_cleanly_state_nothing() {
        for text in [
            "Kể từ ngày 31/02/2025 đến hết ngày 31/12/2026 bằng 50% mức thu",
            "Kể từ ngày 01/7/2025 đến hết ngày 31/12/2024 bằng 50% mức thu",
            "Kể từ ngày 01/7/2025 đến hết ngày 31/12/2026 bằng 150% mức thu",
            "Kể từ ngày 01/7/2025 đến hết ngày 31/12/2026 bằng 0% mức thu",
            "Kể từ ngày 01/7/2025 đến hết ngày 31/12/2026 bằng năm mươi phần trăm",
            "Kể từ ngày 1/7/99999 đến hết ngày 31/12/2026 bằng 50%",
            "Kể từ ngày",
            "Kể từ ngày 01/7/2025 đến hết ngày",
        ] {
            assert!(stated(text, ChannelKind::Online).is_empty(), "{text}");
        }
        assert!(stated(&"kể từ ngày ".repeat(5000), ChannelKind::Online).is_empty());
    }

    #[test]
    fn reductions_round_down_and_never_overflow() {
        let r = Reduction::new(50, date!(2025 - 01 - 01), date!(2025 - 12 - 31), false).unwrap();
        assert_eq!(r.apply(15_001), 7_500);
        assert_eq!(r.apply(u64::MAX), u64::MAX / 2);
    }
}
