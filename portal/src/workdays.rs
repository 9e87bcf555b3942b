//! Appointment dates: a processing time in working days, counted from the
//! day after receipt, skipping weekends and Vietnam's public holidays
//! (Labour Code 2019, art. 112): 1 January; Tết (five days around the lunar
//! new year); the Hùng Kings' day (10th day of the 3rd lunar month); 30
//! April; 1 May; National Day 2 September and the day before it.
//!
//! The lunar dates are a table for 2024–2030 (first day of Tết, Hùng Kings'
//! day). The exact Tết days off are set each year by the government; the
//! table uses the usual split (the last day of the old year and the first
//! four of the new one). Where a year is outside the table only the solar
//! holidays are skipped.

use time::{Date, Duration, Month, Weekday};

/// A (month, day) in a given year.
type MonthDay = (u8, u8);

/// (first day of the lunar new year, Hùng Kings' day) by year.
const LUNAR: [(i32, MonthDay, MonthDay); 7] = [
    (2024, (2, 10), (4, 18)),
    (2025, (1, 29), (4, 7)),
    (2026, (2, 17), (4, 26)),
    (2027, (2, 6), (4, 16)),
    (2028, (1, 26), (4, 4)),
    (2029, (2, 13), (4, 23)),
    (2030, (2, 3), (4, 12)),
];

fn date(year: i32, (month, day): MonthDay) -> Option<Date> {
    Date::from_calendar_date(year, Month::try_from(month).ok()?, day).ok()
}

/// Is `day` a public holiday?
pub fn is_holiday(day: Date) -> bool {
    let (m, d) = (u8::from(day.month()), day.day());
    if matches!((m, d), (1, 1) | (4, 30) | (5, 1) | (9, 1) | (9, 2)) {
        return true;
    }
    // Tết can fall in late January of the same year or belong to the next
    // year's table entry only by its eve (31 Dec never is).
    LUNAR
        .iter()
        .filter(|(year, _, _)| *year == day.year())
        .any(|(year, tet, hung)| {
            let hung_day = date(*year, *hung) == Some(day);
            let tet_days = date(*year, *tet).is_some_and(|first| {
                let from = first - Duration::days(1);
                let to = first + Duration::days(3);
                day >= from && day <= to
            });
            hung_day || tet_days
        })
}

/// Is `day` a working day for a one-stop office?
pub fn is_working_day(day: Date) -> bool {
    !matches!(day.weekday(), Weekday::Saturday | Weekday::Sunday) && !is_holiday(day)
}

/// The date `working_days` working days after `received` (the appointment
/// for a procedure taking that long). Zero days: the next working day.
pub fn add_working_days(received: Date, working_days: u32) -> Date {
    let mut day = received;
    let mut left = working_days.max(1);
    while left > 0 {
        match day.next_day() {
            Some(next) => day = next,
            None => return day,
        }
        if is_working_day(day) {
            left -= 1;
        }
    }
    day
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn weekends_and_holidays_are_skipped() {
        // Monday 23 Nov 2026 + 7 working days = Wednesday 2 Dec 2026.
        assert_eq!(
            add_working_days(date!(2026 - 11 - 23), 7),
            date!(2026 - 12 - 02)
        );
        // Received on a Friday: 1 working day is the Monday.
        assert_eq!(
            add_working_days(date!(2026 - 11 - 27), 1),
            date!(2026 - 11 - 30)
        );
        // 29 April 2026 (Wed) + 1: 30/4 and 1/5 are holidays, then the weekend.
        assert_eq!(
            add_working_days(date!(2026 - 04 - 29), 1),
            date!(2026 - 05 - 04)
        );
        // Across Tết 2026 (first day 17 Feb): 16–20 Feb are off.
        assert_eq!(
            add_working_days(date!(2026 - 02 - 13), 1),
            date!(2026 - 02 - 23)
        );
        assert!(is_holiday(date!(2026 - 04 - 26)));
        assert!(is_holiday(date!(2026 - 09 - 02)));
        assert!(!is_holiday(date!(2026 - 11 - 23)));
        // Zero days still gives the next working day.
        assert_eq!(
            add_working_days(date!(2026 - 11 - 23), 0),
            date!(2026 - 11 - 24)
        );
    }
}
