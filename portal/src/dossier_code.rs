//! Dossier codes in the real national format `{receiving agency
//! code}-{yyMMdd}-{NNNN}`: a per-agency daily sequence, e.g.
//! `H40.22-261123-0001`, zero-padded to four digits and wider past 9999. The next number is kept by the caller's storage;
//! this module owns the format and its parsing.

use time::Date;

/// Why a dossier code could not be made or read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CodeError {
    #[error("mã cơ quan tiếp nhận không hợp lệ / malformed receiving agency code")]
    Agency,
    #[error("đã hết số thứ tự trong ngày (999999) / the day's sequence is exhausted (999999)")]
    Exhausted,
    #[error("mã hồ sơ không đúng định dạng CQ-yyMMdd-NNNN / a dossier code has the form AGENCY-yyMMdd-NNNN")]
    Format,
}

/// Agency codes look like `H40.22`, `G01.000`, `000.00.21.H40`: upper-case
/// letters, digits and dots.
fn valid_agency(agency: &str) -> bool {
    !agency.is_empty()
        && agency.len() <= 32
        && agency
            .bytes()
            .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'.')
}

/// The code of the `sequence`-th dossier an agency received on `day`.
pub fn format(agency: &str, day: Date, sequence: u32) -> Result<String, CodeError> {
    if !valid_agency(agency) {
        return Err(CodeError::Agency);
    }
    if sequence == 0 || sequence > 999_999 {
        return Err(CodeError::Exhausted);
    }
    Ok(format!("{}-{sequence:04}", day_prefix(agency, day)))
}

/// `{agency}-{yyMMdd}`: a code without its sequence number, which is also
/// the key of that agency's sequence for the day (not checked).
pub fn day_prefix(agency: &str, day: Date) -> String {
    format!(
        "{agency}-{:02}{:02}{:02}",
        day.year().rem_euclid(100),
        u8::from(day.month()),
        day.day()
    )
}

/// A dossier code's parts: agency, day, sequence.
pub fn parse(code: &str) -> Result<(String, Date, u32), CodeError> {
    let mut parts = code.rsplitn(3, '-');
    let (Some(seq), Some(day), Some(agency)) = (parts.next(), parts.next(), parts.next()) else {
        return Err(CodeError::Format);
    };
    if !valid_agency(agency) || !(4..=6).contains(&seq.len()) || day.len() != 6 {
        return Err(CodeError::Format);
    }
    let num = |s: &str| s.parse::<u32>().map_err(|_| CodeError::Format);
    let sequence = num(seq)?;
    let (yy, mm, dd) = (num(&day[0..2])?, num(&day[2..4])?, num(&day[4..6])?);
    let month = u8::try_from(mm)
        .ok()
        .and_then(|m| time::Month::try_from(m).ok())
        .ok_or(CodeError::Format)?;
    let date = Date::from_calendar_date(2000 + yy as i32, month, dd as u8)
        .map_err(|_| CodeError::Format)?;
    if sequence == 0 {
        return Err(CodeError::Format);
    }
    Ok((agency.to_string(), date, sequence))
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn real_format_round_trips() {
        let code = format("H40.22", date!(2026 - 11 - 23), 1).unwrap();
        assert_eq!(code, "H40.22-261123-0001");
        assert_eq!(
            parse(&code).unwrap(),
            ("H40.22".to_string(), date!(2026 - 11 - 23), 1)
        );
        assert_eq!(
            format("H56.14", date!(2024 - 08 - 15), 1).unwrap(),
            "H56.14-240815-0001"
        );
        assert_eq!(parse("000.00.21.H40-261123-0042").unwrap().2, 42);
        assert_eq!(
            format("H40.22", date!(2026 - 11 - 23), 10_000).unwrap(),
            "H40.22-261123-10000"
        );
    }

    #[test]
    fn bad_input_is_a_typed_error() {
        assert_eq!(
            format("h40", date!(2026 - 01 - 01), 1),
            Err(CodeError::Agency)
        );
        assert_eq!(
            format("H40", date!(2026 - 01 - 01), 1_000_000),
            Err(CodeError::Exhausted)
        );
        for bad in [
            "",
            "H40",
            "H40-261323-0001",
            "H40-261123-01",
            "h40-261123-0001",
            "H40-261123-0000",
            "H40-2611x3-0001",
        ] {
            assert_eq!(parse(bad), Err(CodeError::Format), "{bad}");
        }
    }
}
