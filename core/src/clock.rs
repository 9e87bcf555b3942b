//! The device's wall clock, as the records store it: Unix seconds (0 if
//! the clock is set before 1970, rather than a panic).

/// Seconds since the Unix epoch.
pub fn unix_now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}
