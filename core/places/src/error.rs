//! Why a table of administrative units was refused. Every table is read as
//! outside input (the bundled one too, and a newer one delivered with the
//! catalog): each failure names the line and what is wrong with it, in
//! Vietnamese then English, and no table is ever half used.

use crate::limits::LimitError;
use hoso_store::error::{Classified, ErrorKind};

/// A table of administrative units that cannot be used.
#[derive(Debug, thiserror::Error)]
pub enum UnitsError {
    /// Larger than the bounds (compressed or decompressed), or unreadable.
    #[error(transparent)]
    Limit(#[from] LimitError),
    /// Not valid gzip, or its checksum does not match (a damaged or cut
    /// file).
    #[error("bảng đơn vị hành chính bị hỏng, không giải nén được: {0} / the administrative units table is damaged and cannot be decompressed: {0}")]
    Compressed(String),
    /// Not UTF-8 text.
    #[error("bảng đơn vị hành chính không phải văn bản UTF-8 / the administrative units table is not UTF-8 text")]
    NotText,
    /// The first line is not this format's.
    #[error("đây không phải bảng đơn vị hành chính của hoso / this is not a hoso administrative units table")]
    NotATable,
    /// A later format this build cannot read.
    #[error("bảng đơn vị hành chính có định dạng {found}, phiên bản này chỉ đọc được định dạng {supported} / the administrative units table has format {found}; this build reads format {supported} only")]
    UnsupportedFormat {
        found: String,
        supported: &'static str,
    },
    /// A line that does not read as what it should be.
    #[error("bảng đơn vị hành chính hỏng ở dòng {line}: {vi} / the administrative units table is damaged at line {line}: {en}")]
    Malformed {
        line: usize,
        vi: &'static str,
        en: &'static str,
    },
    /// A unit's code given twice.
    #[error("bảng đơn vị hành chính có mã {code} hai lần ({vi}) / the administrative units table has code {code} twice ({en})")]
    Duplicate {
        code: String,
        vi: &'static str,
        en: &'static str,
    },
    /// A code that names no unit of the table.
    #[error("bảng đơn vị hành chính hỏng ở dòng {line}: mã {code} không có trong bảng ({vi}) / the administrative units table is damaged at line {line}: code {code} is not in the table ({en})")]
    Dangling {
        line: usize,
        code: String,
        vi: &'static str,
        en: &'static str,
    },
    /// The units counted differ from the counts the table declares.
    #[error("bảng đơn vị hành chính khai {declared} {vi} nhưng có {actual} / the administrative units table declares {declared} {en} but holds {actual}")]
    CountMismatch {
        vi: &'static str,
        en: &'static str,
        declared: usize,
        actual: usize,
    },
}

impl Classified for UnitsError {
    fn kind(&self) -> ErrorKind {
        match self {
            UnitsError::Limit(limit) => limit.kind(),
            UnitsError::Compressed(_)
            | UnitsError::NotText
            | UnitsError::NotATable
            | UnitsError::UnsupportedFormat { .. }
            | UnitsError::Malformed { .. }
            | UnitsError::Duplicate { .. }
            | UnitsError::Dangling { .. }
            | UnitsError::CountMismatch { .. } => ErrorKind::Damaged,
        }
    }

    fn error_code(&self) -> &'static str {
        match self {
            UnitsError::Limit(limit) => limit.error_code(),
            UnitsError::Compressed(_) => "units_compressed",
            UnitsError::NotText => "units_not_text",
            UnitsError::NotATable => "units_not_a_table",
            UnitsError::UnsupportedFormat { .. } => "units_unsupported_format",
            UnitsError::Malformed { .. } => "units_malformed",
            UnitsError::Duplicate { .. } => "units_duplicate",
            UnitsError::Dangling { .. } => "units_dangling",
            UnitsError::CountMismatch { .. } => "units_count_mismatch",
        }
    }
}
