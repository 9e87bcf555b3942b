//! The device's wall clock, as the records store it: Unix seconds (0 if
//! the clock is set before 1970, rather than a panic).

/// Seconds since the Unix epoch.
pub fn unix_now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}

/// Unix seconds as RFC 3339 (UTC), e.g. `2026-11-23T02:15:42Z`; the
/// number itself when it is out of range.
pub fn rfc3339(unix: i64) -> String {
    time::OffsetDateTime::from_unix_timestamp(unix)
        .ok()
        .and_then(|t| {
            t.format(&time::format_description::well_known::Rfc3339)
                .ok()
        })
        .unwrap_or_else(|| unix.to_string())
}

/// RFC 3339 text (as the portal writes times) as Unix seconds; `None`
/// when it does not parse.
pub fn parse_rfc3339(text: &str) -> Option<i64> {
    time::OffsetDateTime::parse(text, &time::format_description::well_known::Rfc3339)
        .ok()
        .map(|t| t.unix_timestamp())
}

/// The calendar day in Vietnam (UTC+7 all year) at Unix seconds `unix`,
/// as `YYYY-MM-DD`; `None` out of range.
pub fn vietnam_day(unix: i64) -> Option<String> {
    let t = time::OffsetDateTime::from_unix_timestamp(unix.checked_add(7 * 60 * 60)?).ok()?;
    Some(format!(
        "{:04}-{:02}-{:02}",
        t.year(),
        u8::from(t.month()),
        t.day()
    ))
}
