//! The portal clock: real time, run `speed` times faster and moved forward
//! by the admin (`POST /v1/admin/clock/advance`) so tests and demos can see
//! days of processing in seconds. The offset is stored, so a restart keeps
//! the advanced time. Also the API's time formats: RFC 3339 UTC with whole
//! seconds, and calendar dates in Vietnam (UTC+07:00).

use crate::db::{Db, DbError};
use std::sync::Mutex;
use time::{Date, OffsetDateTime, UtcOffset};

const OFFSET_KEY: &str = "clock_offset";

/// The portal's processing clock.
pub struct Clock {
    started: OffsetDateTime,
    speed: f64,
    offset: Mutex<i64>,
    db: Db,
}

impl Clock {
    pub fn open(db: Db, speed: f64) -> Result<Clock, DbError> {
        let offset: i64 = db.get("meta", OFFSET_KEY)?.unwrap_or(0);
        Ok(Clock {
            started: OffsetDateTime::now_utc(),
            speed: if speed.is_finite() && speed > 0.0 {
                speed
            } else {
                1.0
            },
            offset: Mutex::new(offset),
            db,
        })
    }

    fn offset(&self) -> i64 {
        self.offset.lock().map(|o| *o).unwrap_or(0)
    }

    /// Now on the portal clock, whole seconds, UTC.
    pub fn now(&self) -> OffsetDateTime {
        let real = OffsetDateTime::now_utc();
        let elapsed = (real - self.started).as_seconds_f64();
        let fast = (elapsed * (self.speed - 1.0)) as i64;
        let t = real + time::Duration::seconds(self.offset() + fast);
        t.replace_nanosecond(0).unwrap_or(t)
    }

    /// Seconds the clock has been moved past real time by the admin.
    pub fn offset_seconds(&self) -> i64 {
        self.offset()
    }

    pub fn speed(&self) -> f64 {
        self.speed
    }

    /// Moves the clock forward (durably); returns the new time.
    pub fn advance(&self, seconds: i64) -> Result<OffsetDateTime, DbError> {
        let mut guard = self
            .offset
            .lock()
            .map_err(|_| DbError::Damaged("clock".into()))?;
        let new = guard.saturating_add(seconds.max(0));
        self.db.put("meta", OFFSET_KEY, &new)?;
        *guard = new;
        drop(guard);
        Ok(self.now())
    }
}

/// `2026-11-23T02:15:42Z`.
pub fn rfc3339(t: OffsetDateTime) -> String {
    let t = t.to_offset(UtcOffset::UTC);
    let t = t.replace_nanosecond(0).unwrap_or(t);
    t.format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default()
}

/// Parses an RFC 3339 time.
pub fn parse_rfc3339(s: &str) -> Option<OffsetDateTime> {
    OffsetDateTime::parse(s, &time::format_description::well_known::Rfc3339).ok()
}

/// Vietnam's offset, UTC+07:00.
pub fn vietnam() -> UtcOffset {
    UtcOffset::from_hms(7, 0, 0).unwrap_or(UtcOffset::UTC)
}

/// The calendar date in Vietnam at `t`.
pub fn vn_date(t: OffsetDateTime) -> Date {
    t.to_offset(vietnam()).date()
}

/// `2026-11-23`.
pub fn iso_date(d: Date) -> String {
    format!("{:04}-{:02}-{:02}", d.year(), u8::from(d.month()), d.day())
}

/// Parses `2026-11-23`.
pub fn parse_iso_date(s: &str) -> Option<Date> {
    let fmt = time::macros::format_description!("[year]-[month]-[day]");
    Date::parse(s, &fmt).ok()
}

/// An IMF-fixdate HTTP date (`Upload-Expires`).
pub fn http_date(t: OffsetDateTime) -> String {
    let fmt = time::macros::format_description!(
        "[weekday repr:short], [day] [month repr:short] [year] [hour]:[minute]:[second] GMT"
    );
    t.to_offset(UtcOffset::UTC).format(&fmt).unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::datetime;

    #[test]
    fn formats() {
        let t = datetime!(2026-11-23 19:15:42.5 UTC);
        assert_eq!(rfc3339(t), "2026-11-23T19:15:42Z");
        assert_eq!(iso_date(vn_date(t)), "2026-11-24");
        assert_eq!(http_date(t), "Mon, 23 Nov 2026 19:15:42 GMT");
        assert_eq!(parse_iso_date("2026-11-24"), Some(vn_date(t)));
        assert_eq!(
            parse_rfc3339("2026-11-23T19:15:42Z")
                .map(rfc3339)
                .as_deref(),
            Some("2026-11-23T19:15:42Z")
        );
    }

    #[test]
    fn advance_persists() {
        let dir = tempfile::tempdir().unwrap();
        let sealer = std::sync::Arc::new(crate::seal::Sealer::open(dir.path()).unwrap());
        let db = Db::open(dir.path(), sealer).unwrap();
        let clock = Clock::open(db.clone(), 1.0).unwrap();
        let before = clock.now();
        let after = clock.advance(86_400).unwrap();
        assert!(after - before >= time::Duration::seconds(86_400));
        let again = Clock::open(db, 1.0).unwrap();
        assert_eq!(again.offset_seconds(), 86_400);
    }
}
