//! Appointment dates (ngày hẹn trả) and fees from the catalog: the chosen
//! channel's processing time counted in working days from the day the
//! dossier is received (the same day before 15:00 Vietnam time on a working
//! day, else the next working day), and the sum of its fee lines.

use crate::clock::vietnam;
use crate::workdays::{add_working_days, is_working_day};
use hoso_core::catalog::{ChannelKind, Procedure, TimeUnit};
use hoso_wire::DossierFee;
use time::{Date, Duration, OffsetDateTime};

/// Working days used when the catalog gives no usable processing time.
const DEFAULT_WORKING_DAYS: u32 = 15;

/// Hours of a working day, for times given in hours.
const HOURS_PER_DAY: f64 = 8.0;

/// The catalog's channel kind of an API channel.
pub(super) fn channel_kind(channel: hoso_wire::ChannelKind) -> ChannelKind {
    match channel {
        hoso_wire::ChannelKind::Online => ChannelKind::Online,
        hoso_wire::ChannelKind::InPerson => ChannelKind::InPerson,
        hoso_wire::ChannelKind::Postal => ChannelKind::Postal,
    }
}

/// The catalog's row for `channel`, if the procedure lists it.
pub fn channel_row(
    procedure: &Procedure,
    channel: hoso_wire::ChannelKind,
) -> Option<&hoso_core::catalog::Channel> {
    procedure
        .channels
        .iter()
        .find(|c| c.channel == channel_kind(channel))
}

/// The first working day at or after `day`.
fn working_on_or_after(mut day: Date) -> Date {
    for _ in 0..60 {
        if is_working_day(day) {
            return day;
        }
        match day.next_day() {
            Some(d) => day = d,
            None => break,
        }
    }
    day
}

/// The day counting starts from: the arrival day if it is a working day and
/// the dossier came before 15:00 Vietnam time, else the next working day.
fn counting_start(received_at: OffsetDateTime) -> Date {
    let local = received_at.to_offset(vietnam());
    let day = local.date();
    if is_working_day(day) && local.hour() < 15 {
        day
    } else {
        working_on_or_after(day.next_day().unwrap_or(day))
    }
}

/// The appointment date for a dossier received at `received_at`.
pub fn appointment(
    procedure: &Procedure,
    channel: hoso_wire::ChannelKind,
    received_at: OffsetDateTime,
) -> Date {
    let start = counting_start(received_at);
    let time = channel_row(procedure, channel)
        .or_else(|| procedure.channels.first())
        .map(|c| &c.processing_time);
    let value = time
        .and_then(|t| t.value)
        .filter(|v| v.is_finite() && *v > 0.0);
    let (Some(time), Some(value)) = (time, value) else {
        return add_working_days(start, DEFAULT_WORKING_DAYS);
    };
    let days = |v: f64| v.ceil().clamp(1.0, 3650.0) as u32;
    match time.unit {
        None | Some(TimeUnit::WorkingDay) => add_working_days(start, days(value)),
        Some(TimeUnit::Hour) => add_working_days(start, days(value / HOURS_PER_DAY)),
        Some(TimeUnit::Day) => working_on_or_after(start + Duration::days(i64::from(days(value)))),
        Some(TimeUnit::Month) => working_on_or_after(add_months(start, days(value))),
    }
}

/// The same day `months` months later (the month's last day when shorter).
fn add_months(day: Date, months: u32) -> Date {
    let total = day.year() * 12 + i32::from(u8::from(day.month())) - 1 + months as i32;
    let (year, month0) = (total.div_euclid(12), total.rem_euclid(12));
    let month = time::Month::try_from(month0 as u8 + 1).unwrap_or(time::Month::January);
    let last = time::util::days_in_month(month, year);
    Date::from_calendar_date(year, month, day.day().min(last)).unwrap_or(day)
}

/// The fee of a channel: the sum of its VND lines, with every line's text.
pub fn fee(procedure: &Procedure, channel: hoso_wire::ChannelKind) -> DossierFee {
    let Some(row) = channel_row(procedure, channel) else {
        return DossierFee {
            amount_vnd: 0,
            text: String::new(),
        };
    };
    let amount_vnd = row
        .fees
        .iter()
        .filter_map(|f| f.amount_vnd)
        .fold(0u64, u64::saturating_add);
    let text = row
        .fees
        .iter()
        .map(|f| f.text.trim())
        .filter(|t| !t.is_empty())
        .collect::<Vec<_>>()
        .join("; ");
    DossierFee { amount_vnd, text }
}

#[cfg(test)]
mod tests {
    use super::*;
    use hoso_core::catalog::ProcessingTime;
    use time::macros::{date, datetime};

    fn procedure(value: Option<f64>, unit: Option<TimeUnit>) -> Procedure {
        let mut p: Procedure = serde_json::from_value(serde_json::json!({
            "code": "1.001193", "name": "x", "decision_number": "", "kind": "", "field": "",
            "source_url": "", "ministry": "", "levels": ["commune"], "target_groups": [],
            "agencies": {"competent": [], "implementing": [], "authorized": [], "coordinating": []},
            "receiving_address": "", "channels": [], "documents": [], "steps": [],
            "legal_basis": [], "results": [], "conditions": [], "related": [], "online": true
        }))
        .unwrap();
        p.channels.push(hoso_core::catalog::Channel {
            channel: ChannelKind::Online,
            processing_time: ProcessingTime {
                value,
                unit,
                text: String::new(),
            },
            fees: vec![
                hoso_core::catalog::Fee {
                    amount_vnd: Some(8_000),
                    text: "Lệ phí: 8.000 Đồng".into(),
                    amount_foreign: None,
                },
                hoso_core::catalog::Fee {
                    amount_vnd: None,
                    text: "Phí: 10 USD".into(),
                    amount_foreign: None,
                },
                hoso_core::catalog::Fee {
                    amount_vnd: Some(0),
                    text: "Miễn phí".into(),
                    amount_foreign: None,
                },
            ],
            note: None,
        });
        p
    }

    #[test]
    fn appointments_follow_the_spec() {
        // Monday 09:15 in Vietnam (02:15 UTC): counting starts that day.
        let monday_morning = datetime!(2026-11-23 02:15:42 UTC);
        let p = procedure(Some(1.0), None);
        assert_eq!(
            appointment(&p, hoso_wire::ChannelKind::Online, monday_morning),
            date!(2026 - 11 - 24)
        );
        // After 15:00: counting starts Tuesday.
        let monday_late = datetime!(2026-11-23 08:30:00 UTC);
        assert_eq!(
            appointment(&p, hoso_wire::ChannelKind::Online, monday_late),
            date!(2026 - 11 - 25)
        );
        // Saturday: counting starts Monday.
        let saturday = datetime!(2026-11-28 02:00:00 UTC);
        assert_eq!(
            appointment(&p, hoso_wire::ChannelKind::Online, saturday),
            date!(2026 - 12 - 01)
        );
        // Fractions round up; hours are ⌈h/8⌉ working days.
        let p = procedure(Some(2.5), Some(TimeUnit::WorkingDay));
        assert_eq!(
            appointment(&p, hoso_wire::ChannelKind::Online, monday_morning),
            date!(2026 - 11 - 26)
        );
        let p = procedure(Some(12.0), Some(TimeUnit::Hour));
        assert_eq!(
            appointment(&p, hoso_wire::ChannelKind::Online, monday_morning),
            date!(2026 - 11 - 25)
        );
        // Calendar days landing on a Sunday move to Monday.
        let p = procedure(Some(13.0), Some(TimeUnit::Day));
        assert_eq!(
            appointment(&p, hoso_wire::ChannelKind::Online, monday_morning),
            date!(2026 - 12 - 07)
        );
        // Months: same day later, then the next working day.
        let p = procedure(Some(3.0), Some(TimeUnit::Month));
        assert_eq!(
            appointment(&p, hoso_wire::ChannelKind::Online, monday_morning),
            date!(2027 - 02 - 23)
        );
        // No usable time: 15 working days.
        let p = procedure(None, None);
        assert_eq!(
            appointment(&p, hoso_wire::ChannelKind::Online, monday_morning),
            date!(2026 - 12 - 14)
        );
        assert_eq!(add_months(date!(2027 - 01 - 31), 1), date!(2027 - 02 - 28));
    }

    #[test]
    fn fee_sums_vnd_lines_and_keeps_every_text() {
        let f = fee(&procedure(Some(1.0), None), hoso_wire::ChannelKind::Online);
        assert_eq!(f.amount_vnd, 8_000);
        assert_eq!(f.text, "Lệ phí: 8.000 Đồng; Phí: 10 USD; Miễn phí");
        assert_eq!(
            fee(&procedure(Some(1.0), None), hoso_wire::ChannelKind::Postal).amount_vnd,
            0
        );
    }
}
