//! Reading the crawled national-portal data: one JSON object a line with
//! Vietnamese keys, optionally gzip-compressed. Owns the raw record type and
//! the typed errors for unreadable input; parsing the page text into a
//! `Procedure` lives in `parse`. Reading is bounded
//! (`hoso_store::limits`): the decompressed total, each line and the number
//! of records, and only a regular file is opened.

use flate2::read::MultiGzDecoder;
use hoso_store::limits::{self, Bounded, LimitError};
use serde::Deserialize;
use std::io::{BufRead, BufReader, Read};
use std::path::Path;

/// One crawled procedure page, with the source's own keys.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct SourceRecord {
    pub ma_thu_tuc: String,
    pub detail_url: String,
    pub formality_id: String,
    pub ten_thu_tuc: String,
    pub so_quyet_dinh: String,
    pub cap_thuc_hien: String,
    pub loai_thu_tuc: String,
    pub linh_vuc: String,
    pub doi_tuong_thuc_hien: String,
    pub co_quan_co_tham_quyen: String,
    pub dia_chi_tiep_nhan: String,
    pub co_quan_duoc_uy_quyen: String,
    pub co_quan_phoi_hop: String,
    pub thu_tuc_lien_quan: String,
    pub trinh_tu_thuc_hien: String,
    pub cach_thuc_thuc_hien: String,
    pub thanh_phan_ho_so: String,
    pub can_cu_phap_ly: String,
    pub co_quan_thuc_hien: String,
    pub yeu_cau_dieu_kien: String,
    pub ket_qua_xu_ly: String,
    pub raw_text: String,
    #[serde(rename = "_ministry_folder")]
    pub ministry_folder: String,
}

/// Why a source file could not be read.
#[derive(Debug, thiserror::Error)]
pub enum SourceError {
    #[error("không mở được tệp nguồn {path} / cannot open source file {path}: {source}")]
    Open {
        path: String,
        source: std::io::Error,
    },
    #[error("tệp nguồn bị cắt cụt hoặc hỏng ở dòng {line} / source file truncated or corrupt at line {line}: {source}")]
    Read { line: usize, source: std::io::Error },
    #[error("dòng {line} không phải JSON hợp lệ / line {line} is not valid JSON: {message}")]
    Json { line: usize, message: String },
    #[error("dòng {line} thiếu mã thủ tục / line {line} has no procedure code (ma_thu_tuc)")]
    MissingCode { line: usize },
    #[error(
        "mã thủ tục {code} lặp lại ở dòng {line} / procedure code {code} repeated at line {line}"
    )]
    DuplicateCode { code: String, line: usize },
    #[error("tệp nguồn không có bản ghi nào / source file holds no records")]
    Empty,
    #[error("dòng {line} dài hơn giới hạn {limit} byte / line {line} is longer than the {limit}-byte limit")]
    LineTooLong { line: usize, limit: u64 },
    #[error("tệp nguồn có hơn {max} bản ghi / the source file holds more than {max} records")]
    TooManyRecords { max: usize },
    #[error("tệp nguồn có hơn {max} dòng / the source file has more than {max} lines")]
    TooManyLines { max: usize },
    #[error(transparent)]
    Limit(#[from] LimitError),
}

/// Reads every record of a `.jsonl` or `.jsonl.gz` file (detected by the gzip
/// magic bytes, not the name). Fails as a whole on the first bad line so a
/// truncated download never replaces a good catalog.
pub fn read_records(path: &Path) -> Result<Vec<SourceRecord>, SourceError> {
    let file = limits::open_regular(path, limits::CATALOG_SOURCE).map_err(|e| match e {
        LimitError::Io { source, .. } => SourceError::Open {
            path: path.display().to_string(),
            source,
        },
        other => SourceError::Limit(other),
    })?;
    let mut file = BufReader::new(file);
    // The first read fails as opening the file does; `read_records_from`
    // then looks at what is buffered.
    file.fill_buf().map_err(|source| SourceError::Open {
        path: path.display().to_string(),
        source,
    })?;
    read_records_from(file)
}

/// Reads every record of crawled source lines from `reader`, plain or
/// gzip-compressed (detected by the gzip magic bytes), within
/// [`limits::CATALOG_SOURCE_BYTES`] decompressed,
/// [`limits::CATALOG_PROCEDURE_BYTES`] a line,
/// [`limits::CATALOG_SOURCE_LINES_MAX`] lines and
/// [`limits::CATALOG_PROCEDURES_MAX`] records. Fails as a whole on the first
/// bad line; what it gives back is never empty and has unique, non-blank
/// codes.
pub fn read_records_from(mut reader: impl BufRead) -> Result<Vec<SourceRecord>, SourceError> {
    let is_gzip = reader
        .fill_buf()
        .map_err(|source| SourceError::Read { line: 1, source })?
        .starts_with(&[0x1f, 0x8b]);
    let reader: Box<dyn Read + '_> = if is_gzip {
        Box::new(MultiGzDecoder::new(reader))
    } else {
        Box::new(reader)
    };
    let bounded = Bounded::new(reader, limits::CATALOG_SOURCE_BYTES, limits::CATALOG_SOURCE);
    parse_lines(BufReader::new(bounded))
}

/// The next line of `reader` without its end, within
/// [`limits::CATALOG_PROCEDURE_BYTES`]; `false` at the end.
fn next_line(
    reader: &mut impl BufRead,
    line_no: usize,
    line: &mut Vec<u8>,
) -> Result<bool, SourceError> {
    limits::read_line_into(
        reader,
        limits::CATALOG_PROCEDURE_BYTES,
        limits::CATALOG_PROCEDURE,
        line,
    )
    .map_err(|e| match e {
        LimitError::TooLarge {
            what: limits::CATALOG_PROCEDURE,
            limit,
        } => SourceError::LineTooLong {
            line: line_no,
            limit,
        },
        LimitError::Io { source, .. } => SourceError::Read {
            line: line_no,
            source,
        },
        // The whole source past its limit (raised by `Bounded`).
        other => SourceError::Limit(other),
    })
}

fn parse_lines(mut reader: impl BufRead) -> Result<Vec<SourceRecord>, SourceError> {
    let mut records = Vec::new();
    let mut seen = std::collections::HashSet::new();
    let mut line = Vec::new();
    let mut line_no = 0usize;
    loop {
        line_no = line_no.saturating_add(1);
        if !next_line(&mut reader, line_no, &mut line)? {
            break;
        }
        if line_no > limits::CATALOG_SOURCE_LINES_MAX {
            return Err(SourceError::TooManyLines {
                max: limits::CATALOG_SOURCE_LINES_MAX,
            });
        }
        if line.iter().all(u8::is_ascii_whitespace) {
            continue;
        }
        if records.len() >= limits::CATALOG_PROCEDURES_MAX {
            return Err(SourceError::TooManyRecords {
                max: limits::CATALOG_PROCEDURES_MAX,
            });
        }
        let record: SourceRecord =
            serde_json::from_slice(&line).map_err(|e| SourceError::Json {
                line: line_no,
                message: e.to_string(),
            })?;
        let code = record.ma_thu_tuc.trim().to_string();
        if code.is_empty() {
            return Err(SourceError::MissingCode { line: line_no });
        }
        if !seen.insert(code.clone()) {
            return Err(SourceError::DuplicateCode {
                code,
                line: line_no,
            });
        }
        records.push(record);
    }
    if records.is_empty() {
        return Err(SourceError::Empty);
    }
    Ok(records)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bad_json_line_is_reported_with_its_number() {
        let input = "{\"ma_thu_tuc\":\"1.000001\"}\n{\"ma_thu_tuc\": \"1.0";
        let err = parse_lines(input.as_bytes()).unwrap_err();
        assert!(matches!(err, SourceError::Json { line: 2, .. }), "{err}");
    }

    #[test]
    fn records_read_from_memory_plain_or_gzip() {
        use std::io::Write;
        let plain = "{\"ma_thu_tuc\":\"1.1\"}\r\n\n{\"ma_thu_tuc\":\" 1.2 \"}\n";
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        gz.write_all(plain.as_bytes()).unwrap();
        let gz = gz.finish().unwrap();
        for input in [plain.as_bytes(), &gz[..]] {
            let records = read_records_from(input).unwrap();
            let codes: Vec<&str> = records.iter().map(|r| r.ma_thu_tuc.trim()).collect();
            assert_eq!(codes, ["1.1", "1.2"]);
        }
        let cut = &gz[..gz.len() - 4];
        assert!(matches!(
            read_records_from(cut),
            Err(SourceError::Read { .. })
        ));
    }

    #[test]
    fn duplicate_and_missing_codes_are_rejected() {
        let dup = "{\"ma_thu_tuc\":\"1.1\"}\n{\"ma_thu_tuc\":\"1.1\"}";
        assert!(matches!(
            parse_lines(dup.as_bytes()),
            Err(SourceError::DuplicateCode { line: 2, .. })
        ));
        let missing = "{\"ten_thu_tuc\":\"x\"}";
        assert!(matches!(
            parse_lines(missing.as_bytes()),
            Err(SourceError::MissingCode { line: 1 })
        ));
        assert!(matches!(
            parse_lines("\n".as_bytes()),
            Err(SourceError::Empty)
        ));
    }

    #[test]
    fn lines_and_records_are_bounded() {
        let long = format!(
            "{{\"ma_thu_tuc\":\"1.1\"}}\n{{\"ten_thu_tuc\":\"{}\"}}",
            "a".repeat(3 * 1024 * 1024)
        );
        let e = parse_lines(long.as_bytes()).unwrap_err();
        assert!(matches!(e, SourceError::LineTooLong { line: 2, .. }), "{e}");

        let mut many = String::new();
        for n in 0..=limits::CATALOG_PROCEDURES_MAX {
            many.push_str(&format!("{{\"ma_thu_tuc\":\"{n}\"}}\n"));
        }
        let e = parse_lines(many.as_bytes()).unwrap_err();
        assert!(matches!(e, SourceError::TooManyRecords { .. }), "{e}");

        // Endless blank lines stop at the line count, not at the end of time.
        let e = parse_lines(BufReader::new(std::io::repeat(b'\n'))).unwrap_err();
        assert!(matches!(e, SourceError::TooManyLines { .. }), "{e}");
        // And endless spaces at the total.
        let spaces = Bounded::new(std::io::repeat(b' '), 1024, limits::CATALOG_SOURCE);
        let e = parse_lines(BufReader::new(spaces)).unwrap_err();
        assert!(
            matches!(
                e,
                SourceError::Limit(LimitError::TooLarge { limit: 1024, .. })
            ),
            "{e}"
        );
    }

    #[test]
    fn only_regular_files_are_read() {
        let dir = tempfile::tempdir().unwrap();
        let e = read_records(dir.path()).unwrap_err();
        assert!(
            matches!(e, SourceError::Limit(LimitError::NotAFile { .. })),
            "{e}"
        );
        let e = read_records(Path::new("/dev/zero")).unwrap_err();
        assert!(
            matches!(e, SourceError::Limit(LimitError::NotAFile { .. })),
            "{e}"
        );
    }
}
