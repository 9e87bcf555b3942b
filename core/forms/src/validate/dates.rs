//! Calendar dates as Vietnamese forms write them (day first), today's date in
//! Vietnam, ages, and the checks on dates of birth.

use super::problem::{quote_if_safe, Problem};
use time::{Date, Duration, Month, OffsetDateTime};

/// Today's date in Vietnam (UTC+7, no daylight saving).
pub fn today_vn() -> Date {
    (OffsetDateTime::now_utc() + Duration::hours(7)).date()
}

/// Parses a date written day first — `dd/mm/yyyy`, `d/m/yyyy`, `dd-mm-yyyy`,
/// `dd.mm.yyyy`, spaces around separators allowed — or ISO `yyyy-mm-dd`, or
/// the written form "ngày 5 tháng 9 năm 1990". Years need four digits (a two
/// digit year is ambiguous); impossible dates such as 31/02 are rejected.
pub fn date(raw: &str) -> Result<Date, Problem> {
    let t = raw.trim();
    if t.is_empty() {
        return Err(Problem::empty("ngày", "date"));
    }
    let parts = written_form(t)
        .or_else(|| numeric_parts(t))
        .ok_or_else(|| format_problem(t))?;
    let [a, b, c] = parts;
    // ISO order when the first part is the year; day first otherwise.
    let (d, m, y) = if a.len() == 4 { (c, b, a) } else { (a, b, c) };
    if d.len() > 2 || m.len() > 2 {
        return Err(format_problem(t));
    }
    if y.len() <= 2 {
        return Err(Problem::new(
            "date_two_digit_year",
            format!("Năm cần ghi đủ 4 chữ số (ví dụ 19{y:0>2} hoặc 20{y:0>2}, không ghi {y})."),
            format!("Write the year with all 4 digits (e.g. 19{y:0>2} or 20{y:0>2}, not {y})."),
        ));
    }
    if y.len() != 4 {
        return Err(format_problem(t));
    }
    // Each part is 1–4 ASCII digits here, so these parses cannot fail.
    let (day, month, year) = (num(d), num(m), num(y));
    let shown = format!("{day:02}/{month:02}/{year:04}");
    let Some(month) = u8::try_from(month)
        .ok()
        .and_then(|m| Month::try_from(m).ok())
    else {
        let (hint_vi, hint_en) = if day <= 12 {
            (
                " Có phải bạn đã ghi tháng trước ngày? Hãy ghi theo thứ tự ngày/tháng/năm.",
                " Did you write the month first? Write day/month/year.",
            )
        } else {
            ("", "")
        };
        return Err(Problem::new(
            "date_invalid",
            format!("Ngày {shown} không có thật: không có tháng {month}.{hint_vi}"),
            format!("{shown} is not a real date: there is no month {month}.{hint_en}"),
        ));
    };
    if year == 0 {
        return Err(Problem::new(
            "date_invalid",
            "Năm 0000 không có thật.",
            "Year 0000 does not exist.",
        ));
    }
    let year = year as i32; // at most 9999
    let last = month.length(year);
    if day == 0 || day > u32::from(last) {
        let m = u8::from(month);
        return Err(Problem::new(
            "date_invalid",
            format!("Ngày {shown} không có thật: tháng {m} năm {year} chỉ có {last} ngày."),
            format!("{shown} is not a real date: {month} {year} has only {last} days."),
        ));
    }
    Date::from_calendar_date(year, month, day as u8).map_err(|_| format_problem(t))
}

/// Formats a date the Vietnamese way: `dd/mm/yyyy`.
pub fn format_date(d: Date) -> String {
    format!("{:02}/{:02}/{:04}", d.day(), u8::from(d.month()), d.year())
}

/// Checks a date that must have already happened and be plausible for a
/// person: `date_in_future` after `today`, `date_too_old` before 1900.
pub fn birth_date(d: Date, today: Date) -> Vec<Problem> {
    let mut problems = Vec::new();
    let shown = format_date(d);
    if d > today {
        let now = format_date(today);
        problems.push(Problem::new(
            "date_in_future",
            format!("Ngày {shown} chưa đến (hôm nay là {now})."),
            format!("{shown} is in the future (today is {now})."),
        ));
    }
    if d.year() < 1900 {
        problems.push(Problem::new(
            "date_too_old",
            format!("Ngày {shown} trước năm 1900; hãy kiểm tra lại năm."),
            format!("{shown} is before 1900; please check the year."),
        ));
    }
    problems
}

/// Age in completed years on date `on` (negative when `on` is before birth).
/// Someone born on 29 February completes a year on 1 March in common years.
pub fn age_on(birth: Date, on: Date) -> i32 {
    let before_birthday = (u8::from(on.month()), on.day()) < (u8::from(birth.month()), birth.day());
    on.year() - birth.year() - i32::from(before_birthday)
}

/// `under_age` when the person is not yet `years` old on `today`.
pub fn min_age(birth: Date, today: Date, years: u8) -> Option<Problem> {
    let age = age_on(birth, today);
    if age >= i32::from(years) {
        return None;
    }
    let (now_vi, now_en) = if age >= 0 {
        (format!(" (hiện {age} tuổi)"), format!(" (currently {age})"))
    } else {
        (String::new(), String::new())
    };
    Some(Problem::new(
        "under_age",
        format!("Phải đủ {years} tuổi trở lên{now_vi}."),
        format!("Must be at least {years} years old{now_en}."),
    ))
}

/// `over_age` when the person is already older than `years` on `today`
/// (being exactly `years` old is still allowed).
pub fn max_age(birth: Date, today: Date, years: u8) -> Option<Problem> {
    let age = age_on(birth, today);
    (age > i32::from(years)).then(|| {
        Problem::new(
            "over_age",
            format!("Không được quá {years} tuổi (hiện {age} tuổi)."),
            format!("Must be at most {years} years old (currently {age})."),
        )
    })
}

/// "ngày 5 tháng 9 năm 1990" (diacritics optional) → ["5", "9", "1990"].
fn written_form(t: &str) -> Option<[&str; 3]> {
    let words: Vec<&str> = t
        .split(|c: char| c.is_whitespace() || c == ',')
        .filter(|w| !w.is_empty())
        .collect();
    let [w1, d, w2, m, w3, y] = words.as_slice() else {
        return None;
    };
    let labels = [w1, w2, w3].map(|w| crate::text::fold(w));
    (labels == ["ngay", "thang", "nam"] && [d, m, y].iter().all(|p| is_digits(p)))
        .then_some([*d, *m, *y])
}

/// Three runs of digits joined by one kind of separator (`/`, `-`, `.`), or by
/// spaces alone when no separator is used.
fn numeric_parts(t: &str) -> Option<[&str; 3]> {
    let seps: Vec<char> = t.chars().filter(|c| matches!(c, '/' | '-' | '.')).collect();
    let parts: Vec<&str> = match seps.first() {
        Some(&sep) if seps.iter().all(|&c| c == sep) => t.split(sep).map(str::trim).collect(),
        Some(_) => return None,
        None => t.split_whitespace().collect(),
    };
    match parts.as_slice() {
        [a, b, c] if [a, b, c].iter().all(|p| is_digits(p)) => Some([*a, *b, *c]),
        _ => None,
    }
}

fn is_digits(s: &str) -> bool {
    !s.is_empty() && s.len() <= 4 && s.bytes().all(|b| b.is_ascii_digit())
}

fn num(s: &str) -> u32 {
    s.parse().unwrap_or(0)
}

fn format_problem(t: &str) -> Problem {
    let (vi, en) = match quote_if_safe(t).filter(|_| t.chars().count() <= 20) {
        Some(q) => (
            format!("Không hiểu ngày {q}"),
            format!("Could not read the date {q}"),
        ),
        None => (
            "Không hiểu ngày đã nhập".into(),
            "Could not read the date".into(),
        ),
    };
    Problem::new(
        "date_format",
        format!("{vi}; hãy ghi theo dạng ngày/tháng/năm, ví dụ 05/09/1990."),
        format!("{en}; write it as day/month/year, e.g. 05/09/1990."),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    fn ok(s: &str) -> Date {
        date(s).unwrap_or_else(|p| panic!("{s}: {p:?}"))
    }
    fn code(s: &str) -> &'static str {
        date(s).expect_err(s).code
    }

    #[test]
    fn accepts_every_documented_format() {
        let want = date!(1990 - 09 - 05);
        for s in [
            "05/09/1990",
            "5/9/1990",
            "05-09-1990",
            "05.09.1990",
            "1990-09-05",
            "1990/9/5",
            " 05 / 09 / 1990 ",
            "05 09 1990",
            "ngày 5 tháng 9 năm 1990",
            "Ngay 05 thang 09 nam 1990",
            "ngày 5, tháng 9, năm 1990",
        ] {
            assert_eq!(ok(s), want, "{s}");
        }
    }

    #[test]
    fn impossible_dates_are_named_and_explained() {
        let p = date("31/02/2023").unwrap_err();
        assert_eq!(p.code, "date_invalid");
        assert!(p.message_vi.contains("31/02/2023"), "{}", p.message_vi);
        assert!(p.message_vi.contains("chỉ có 28 ngày"), "{}", p.message_vi);
        assert!(
            p.message_en.contains("February 2023 has only 28 days"),
            "{}",
            p.message_en
        );
        assert!(date("30/02/2024")
            .unwrap_err()
            .message_vi
            .contains("29 ngày"));
        assert_eq!(ok("29/02/2024"), date!(2024 - 02 - 29));
        assert_eq!(code("29/02/2023"), "date_invalid");
        assert_eq!(code("31/04/2020"), "date_invalid");
        assert_eq!(code("00/01/2020"), "date_invalid");
        assert_eq!(code("01/00/2020"), "date_invalid");
        assert_eq!(code("01/01/0000"), "date_invalid");
        let us = date("13/25/2000").unwrap_err();
        assert_eq!(us.code, "date_invalid");
        assert!(
            !us.message_en.contains("month first"),
            "day 13 cannot be a month: no hint"
        );
        let us = date("05/25/2000").unwrap_err();
        assert!(
            us.message_vi.contains("tháng trước ngày"),
            "{}",
            us.message_vi
        );
    }

    #[test]
    fn two_digit_years_are_ambiguous() {
        let p = date("05/09/90").unwrap_err();
        assert_eq!(p.code, "date_two_digit_year");
        assert!(p.message_vi.contains("1990 hoặc 2090"), "{}", p.message_vi);
        assert_eq!(code("5/9/05"), "date_two_digit_year");
        assert_eq!(code("5/9/5"), "date_two_digit_year");
    }

    #[test]
    fn unreadable_text_is_a_format_problem() {
        for s in [
            "hôm qua",
            "05/09",
            "05/09/1990/1",
            "05/09-1990",
            "1990",
            "05091990",
            "5/9/19900",
            "5/9/190",
            "005/09/1990",
            "a5/09/1990",
            "٥/٩/١٩٩٠",
            "05//1990",
            "ngày 5 tháng chín năm 1990",
        ] {
            assert_eq!(code(s), "date_format", "{s}");
        }
        assert_eq!(code(""), "empty");
        assert_eq!(code("   "), "empty");
        let p = date("hôm qua").unwrap_err();
        assert!(p.message_vi.contains("“hôm qua”"), "{}", p.message_vi);
        // A pasted ID number is not echoed.
        let p = date("001099012345").unwrap_err();
        assert!(!p.message_vi.contains("001099012345"));
    }

    #[test]
    fn formats_day_first_with_padding() {
        assert_eq!(format_date(date!(1990 - 09 - 05)), "05/09/1990");
        assert_eq!(format_date(date!(2024 - 12 - 31)), "31/12/2024");
        let d = date!(2001 - 01 - 02);
        assert_eq!(ok(&format_date(d)), d);
    }

    #[test]
    fn birth_date_checks() {
        let today = date!(2025 - 07 - 01);
        assert!(birth_date(date!(1990 - 09 - 05), today).is_empty());
        assert!(birth_date(today, today).is_empty());
        assert!(birth_date(date!(1900 - 01 - 01), today).is_empty());
        let p = birth_date(date!(2025 - 07 - 02), today);
        assert_eq!(p.len(), 1);
        assert_eq!(p[0].code, "date_in_future");
        assert!(p[0].message_vi.contains("02/07/2025"));
        assert!(p[0].message_vi.contains("01/07/2025"));
        let p = birth_date(date!(1899 - 12 - 31), today);
        assert_eq!(p.len(), 1);
        assert_eq!(p[0].code, "date_too_old");
    }

    #[test]
    fn age_counts_completed_years() {
        let b = date!(2000 - 06 - 15);
        assert_eq!(age_on(b, date!(2018 - 06 - 14)), 17);
        assert_eq!(age_on(b, date!(2018 - 06 - 15)), 18);
        assert_eq!(age_on(b, date!(2018 - 12 - 31)), 18);
        assert_eq!(age_on(b, b), 0);
        assert_eq!(age_on(b, date!(2000 - 01 - 01)), -1);
        let leap = date!(2004 - 02 - 29);
        assert_eq!(age_on(leap, date!(2022 - 02 - 28)), 17);
        assert_eq!(age_on(leap, date!(2022 - 03 - 01)), 18);
        assert_eq!(age_on(leap, date!(2024 - 02 - 29)), 20);
    }

    #[test]
    fn min_and_max_age() {
        let b = date!(2007 - 09 - 01);
        assert_eq!(min_age(b, date!(2025 - 09 - 01), 18), None);
        let p = min_age(b, date!(2025 - 08 - 31), 18).unwrap();
        assert_eq!(p.code, "under_age");
        assert!(p.message_vi.contains("18 tuổi"), "{}", p.message_vi);
        assert!(p.message_vi.contains("hiện 17 tuổi"), "{}", p.message_vi);
        assert!(p.message_en.contains("at least 18"), "{}", p.message_en);
        let p = min_age(date!(2030 - 01 - 01), date!(2025 - 01 - 01), 1).unwrap();
        assert!(!p.message_vi.contains('-'), "{}", p.message_vi);
        assert_eq!(max_age(b, date!(2013 - 09 - 01), 6), None);
        let p = max_age(b, date!(2014 - 09 - 01), 6).unwrap();
        assert_eq!(p.code, "over_age");
        assert!(p.message_vi.contains("hiện 7 tuổi"), "{}", p.message_vi);
    }

    #[test]
    fn today_in_vietnam_is_utc_plus_seven() {
        let utc = OffsetDateTime::now_utc();
        let vn = today_vn();
        let diff = vn - utc.date();
        assert!(
            diff == Duration::ZERO || diff == Duration::days(1),
            "{diff}"
        );
    }
}
