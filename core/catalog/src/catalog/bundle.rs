//! The catalog bundle: one catalog version as a single gzip-compressed JSON
//! file — the unit the portal serves and the local store switches between.
//! Owns the file format, the content hash (SHA-256 over the canonical JSON of
//! the procedures, so equal content has equal hash whatever its version), and
//! verification on read.

use super::Procedure;
use flate2::read::MultiGzDecoder;
use flate2::write::GzEncoder;
use serde::{Deserialize, Serialize};
use std::io::{BufReader, BufWriter, Read, Write};
use std::path::Path;

/// Marks a file as a hoso catalog bundle.
pub const FORMAT: &str = "hoso-catalog-bundle";
/// The bundle format this build reads and writes.
pub const FORMAT_VERSION: u32 = 1;

/// A bundle's identity, without its procedures.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BundleInfo {
    /// Monotonic catalog version; a newer catalog has a larger number.
    pub version: u64,
    /// Lower-case hex SHA-256 of the canonical procedures JSON.
    pub content_hash: String,
    pub procedure_count: usize,
    /// Unix seconds when the bundle was made.
    pub created_at: u64,
}

/// One catalog version with its procedures.
#[derive(Debug, Clone, PartialEq)]
pub struct Bundle {
    pub info: BundleInfo,
    pub procedures: Vec<Procedure>,
}

#[derive(Serialize, Deserialize)]
struct BundleFile {
    format: String,
    format_version: u32,
    #[serde(flatten)]
    info: BundleInfo,
    procedures: Vec<Procedure>,
}

/// Why a bundle could not be read or written.
#[derive(Debug, thiserror::Error)]
pub enum BundleError {
    #[error("không đọc/ghi được tệp gói danh mục {path} / cannot read or write catalog bundle {path}: {source}")]
    Io {
        path: String,
        source: std::io::Error,
    },
    #[error("tệp gói danh mục hỏng hoặc bị cắt cụt / catalog bundle is corrupt or truncated: {0}")]
    Corrupt(String),
    #[error("không phải gói danh mục hoso / not a hoso catalog bundle")]
    NotABundle,
    #[error("định dạng gói {found} chưa được hỗ trợ (hỗ trợ {supported}) / bundle format {found} is not supported (this build reads {supported})")]
    UnsupportedFormat { found: u32, supported: u32 },
    #[error("mã băm nội dung không khớp: gói ghi {declared}, thực tế {actual} / content hash mismatch: bundle declares {declared}, content hashes to {actual}")]
    HashMismatch { declared: String, actual: String },
    #[error("gói khai báo {declared} thủ tục nhưng chứa {actual} / bundle declares {declared} procedures but holds {actual}")]
    CountMismatch { declared: usize, actual: usize },
}

impl Bundle {
    /// Makes a bundle of `procedures` (sorted by code) at `version`.
    pub fn new(version: u64, mut procedures: Vec<Procedure>) -> Bundle {
        procedures.sort_by(|a, b| a.code.cmp(&b.code));
        let content_hash = content_hash(&procedures);
        let created_at = std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_secs())
            .unwrap_or(0);
        Bundle {
            info: BundleInfo {
                version,
                content_hash,
                procedure_count: procedures.len(),
                created_at,
            },
            procedures,
        }
    }

    /// Writes the bundle as gzip JSON, atomically (temp file + rename).
    pub fn write_to(&self, path: &Path) -> Result<(), BundleError> {
        let io = |source| BundleError::Io {
            path: path.display().to_string(),
            source,
        };
        let tmp = path.with_extension("partial");
        let file = std::fs::File::create(&tmp).map_err(io)?;
        let mut gz = GzEncoder::new(BufWriter::new(file), flate2::Compression::default());
        let body = BundleFile {
            format: FORMAT.to_string(),
            format_version: FORMAT_VERSION,
            info: self.info.clone(),
            procedures: self.procedures.clone(),
        };
        serde_json::to_writer(&mut gz, &body).map_err(|e| io(e.into()))?;
        let mut inner = gz.finish().map_err(io)?;
        inner.flush().map_err(io)?;
        let file = inner.into_inner().map_err(|e| io(e.into_error()))?;
        file.sync_all().map_err(io)?;
        std::fs::rename(&tmp, path).map_err(io)?;
        Ok(())
    }

    /// Reads and fully verifies a bundle file (format, count, content hash).
    pub fn read_from(path: &Path) -> Result<Bundle, BundleError> {
        let file = std::fs::File::open(path).map_err(|source| BundleError::Io {
            path: path.display().to_string(),
            source,
        })?;
        Bundle::from_reader(BufReader::new(file))
    }

    /// Reads and verifies a bundle from gzip JSON bytes.
    pub fn from_reader(reader: impl Read) -> Result<Bundle, BundleError> {
        let mut json = Vec::new();
        MultiGzDecoder::new(reader)
            .read_to_end(&mut json)
            .map_err(|e| BundleError::Corrupt(e.to_string()))?;
        let head: serde_json::Value =
            serde_json::from_slice(&json).map_err(|e| BundleError::Corrupt(e.to_string()))?;
        if head.get("format").and_then(|f| f.as_str()) != Some(FORMAT) {
            return Err(BundleError::NotABundle);
        }
        let found = head
            .get("format_version")
            .and_then(|v| v.as_u64())
            .unwrap_or(0);
        if found != u64::from(FORMAT_VERSION) {
            return Err(BundleError::UnsupportedFormat {
                found: u32::try_from(found).unwrap_or(u32::MAX),
                supported: FORMAT_VERSION,
            });
        }
        let file: BundleFile =
            serde_json::from_value(head).map_err(|e| BundleError::Corrupt(e.to_string()))?;
        if file.procedures.len() != file.info.procedure_count {
            return Err(BundleError::CountMismatch {
                declared: file.info.procedure_count,
                actual: file.procedures.len(),
            });
        }
        let actual = content_hash(&file.procedures);
        if actual != file.info.content_hash {
            return Err(BundleError::HashMismatch {
                declared: file.info.content_hash,
                actual,
            });
        }
        Ok(Bundle {
            info: file.info,
            procedures: file.procedures,
        })
    }
}

/// True when `path` starts like a bundle (gzip whose JSON opens with the
/// bundle's format marker) rather than crawled source lines.
pub fn looks_like_bundle(path: &Path) -> bool {
    let Ok(file) = std::fs::File::open(path) else {
        return false;
    };
    let mut head = [0u8; 64];
    let mut decoder = MultiGzDecoder::new(BufReader::new(file));
    let mut filled = 0;
    while filled < head.len() {
        match decoder.read(&mut head[filled..]) {
            Ok(0) | Err(_) => break,
            Ok(n) => filled += n,
        }
    }
    let text = String::from_utf8_lossy(&head[..filled]);
    text.contains(&format!("\"format\":\"{FORMAT}\""))
}

/// SHA-256 over the canonical JSON of the procedures, in order.
pub fn content_hash(procedures: &[Procedure]) -> String {
    let mut ctx = ring::digest::Context::new(&ring::digest::SHA256);
    for p in procedures {
        // Serializing our own model types cannot fail (no maps with non-string
        // keys, no non-finite floats from the parser); hash what we can.
        if let Ok(bytes) = serde_json::to_vec(p) {
            ctx.update(&bytes);
        }
        ctx.update(b"\n");
    }
    crate::hex::encode(ctx.finish().as_ref())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::{parse::parse_record, source::SourceRecord};

    fn sample(code: &str, name: &str) -> Procedure {
        parse_record(&SourceRecord {
            ma_thu_tuc: code.into(),
            ten_thu_tuc: name.into(),
            cap_thuc_hien: "Cấp xã".into(),
            ..Default::default()
        })
    }

    #[test]
    fn round_trip_keeps_content_and_hash() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("catalog.bundle");
        let bundle = Bundle::new(3, vec![sample("2.2", "B"), sample("1.1", "A")]);
        bundle.write_to(&path).unwrap();
        assert!(looks_like_bundle(&path));
        let back = Bundle::read_from(&path).unwrap();
        assert_eq!(back, bundle);
        assert_eq!(back.procedures[0].code, "1.1");
    }

    #[test]
    fn same_content_same_hash_whatever_the_version() {
        let a = Bundle::new(1, vec![sample("1.1", "A")]);
        let b = Bundle::new(9, vec![sample("1.1", "A")]);
        assert_eq!(a.info.content_hash, b.info.content_hash);
        let c = Bundle::new(1, vec![sample("1.1", "A2")]);
        assert_ne!(a.info.content_hash, c.info.content_hash);
    }

    #[test]
    fn truncated_and_tampered_bundles_are_rejected() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("b");
        Bundle::new(1, vec![sample("1.1", "A"), sample("1.2", "B")])
            .write_to(&path)
            .unwrap();
        let bytes = std::fs::read(&path).unwrap();
        let cut = &bytes[..bytes.len() / 2];
        assert!(matches!(
            Bundle::from_reader(cut),
            Err(BundleError::Corrupt(_))
        ));

        // Re-encode with an edited name but the old hash.
        let mut json = String::new();
        MultiGzDecoder::new(&bytes[..])
            .read_to_string(&mut json)
            .unwrap();
        let edited = json.replace("\"name\":\"B\"", "\"name\":\"X\"");
        let mut gz = GzEncoder::new(Vec::new(), flate2::Compression::fast());
        gz.write_all(edited.as_bytes()).unwrap();
        let tampered = gz.finish().unwrap();
        assert!(matches!(
            Bundle::from_reader(&tampered[..]),
            Err(BundleError::HashMismatch { .. })
        ));

        let mut gz = GzEncoder::new(Vec::new(), flate2::Compression::fast());
        gz.write_all(b"{\"hello\":1}").unwrap();
        assert!(matches!(
            Bundle::from_reader(&gz.finish().unwrap()[..]),
            Err(BundleError::NotABundle)
        ));
    }
}
