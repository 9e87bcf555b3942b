//! Team statistics for the team leader's report: the dossiers filed from
//! this device counted per day filed (Vietnam time), procedure and current
//! status — counts only, nothing about anyone — as rows for JSON and as
//! CSV.

use crate::filed::{FiledDossiers, FiledError};
use serde::Serialize;
use std::collections::BTreeMap;

/// One row: how many dossiers filed on `day` for `procedure_code` are now
/// in `status`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StatsRow {
    /// `YYYY-MM-DD`, Vietnam time.
    pub day: String,
    pub procedure_code: String,
    pub status: u8,
    /// The status's name (`Đã tiếp nhận` …).
    pub status_name: String,
    pub count: u64,
}

/// The day (Vietnam time) of RFC 3339 `at`, or `None`.
fn vietnam_day(at: &str) -> Option<String> {
    crate::clock::vietnam_day(crate::clock::parse_rfc3339(at)?)
}

/// The rows, by day, procedure and status.
pub fn team_stats(filed: &FiledDossiers) -> Result<Vec<StatsRow>, FiledError> {
    let mut counts: BTreeMap<(String, String, u8), u64> = BTreeMap::new();
    for d in filed.all()? {
        // Filed when the first history entry (status 1) was written.
        let first = d.history.first().map_or(d.updated_at.as_str(), |h| &h.at);
        let day = vietnam_day(first).unwrap_or_else(|| "unknown".into());
        let n = counts
            .entry((day, d.procedure_code.clone(), d.status))
            .or_default();
        *n = n.saturating_add(1);
    }
    Ok(counts
        .into_iter()
        .map(|((day, procedure_code, status), count)| StatsRow {
            day,
            procedure_code,
            status,
            status_name: hoso_wire::status::status_name(status).to_string(),
            count,
        })
        .collect())
}

/// The rows as CSV (RFC 4180, a header line first).
pub fn stats_csv(rows: &[StatsRow]) -> String {
    let mut out = String::from("day,procedure_code,status,status_name,count\r\n");
    for r in rows {
        out.push_str(&format!(
            "{},{},{},{},{}\r\n",
            csv_field(&r.day),
            csv_field(&r.procedure_code),
            r.status,
            csv_field(&r.status_name),
            r.count
        ));
    }
    out
}

/// A field quoted when it must be (a comma, a quote or a line break).
fn csv_field(s: &str) -> String {
    if s.contains([',', '"', '\r', '\n']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn days_are_vietnam_days_and_fields_are_quoted() {
        assert_eq!(vietnam_day("2026-11-23T18:30:00Z").unwrap(), "2026-11-24");
        assert_eq!(vietnam_day("2026-11-23T02:15:42Z").unwrap(), "2026-11-23");
        assert!(vietnam_day("yesterday").is_none());
        assert_eq!(csv_field("a,b"), "\"a,b\"");
        assert_eq!(csv_field("say \"hi\""), "\"say \"\"hi\"\"\"");
        let rows = [StatsRow {
            day: "2026-11-23".into(),
            procedure_code: "1.001193".into(),
            status: 1,
            status_name: "Mới đăng ký".into(),
            count: 3,
        }];
        assert_eq!(
            stats_csv(&rows),
            "day,procedure_code,status,status_name,count\r\n2026-11-23,1.001193,1,Mới đăng ký,3\r\n"
        );
    }
}
