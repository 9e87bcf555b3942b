//! The catalog bundle: one catalog version as a single gzip-compressed JSON
//! file — the unit the portal serves and the local store switches between.
//! Owns the file format, the content hash (SHA-256 over the canonical JSON of
//! the procedures, so equal content has equal hash whatever its version), and
//! verification on read. Reading is bounded (`hoso_store::limits`): the
//! compressed file, the JSON inside, each procedure and their count, so a
//! gzip bomb or a hostile portal costs at most the limits, never memory the
//! size of what it claims.

use super::data::{self, Carried, DataError, DataItem};
use super::framed::{self, Framing, RawArray};
use super::Procedure;
use flate2::read::MultiGzDecoder;
use flate2::write::GzEncoder;
use hoso_store::limits::{self, LimitError};
use serde::{Deserialize, Serialize};
use std::io::{BufReader, BufWriter, Read, Write};
use std::path::Path;

/// Marks a file as a hoso catalog bundle.
pub const FORMAT: &str = "hoso-catalog-bundle";
/// The bundle format this build writes when the catalog carries data
/// (ADR 0023); one without data is written in format 1, which every build
/// reads. Both are read.
pub const FORMAT_VERSION: u32 = 2;
/// The format of a bundle without data.
const FORMAT_VERSION_PLAIN: u32 = 1;

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

/// One catalog version with its procedures and the data it carries.
#[derive(Debug, Clone, PartialEq)]
pub struct Bundle {
    pub info: BundleInfo,
    pub procedures: Vec<Procedure>,
    /// Sorted by name, each name once (ADR 0023).
    pub data: Vec<DataItem>,
}

#[derive(Serialize)]
struct BundleFile {
    format: String,
    format_version: u32,
    #[serde(flatten)]
    info: BundleInfo,
    procedures: Vec<Procedure>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    data: Vec<Carried>,
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
    #[error(transparent)]
    Limit(#[from] LimitError),
    #[error("gói chứa hơn {max} thủ tục / the bundle holds more than {max} procedures")]
    TooManyProcedures { max: usize },
    #[error(transparent)]
    Data(#[from] DataError),
}

impl From<Framing> for BundleError {
    fn from(f: Framing) -> BundleError {
        match f {
            Framing::Corrupt(reason) => BundleError::Corrupt(reason),
            Framing::Limit(limit) => BundleError::Limit(limit),
            Framing::Foreign => BundleError::NotABundle,
            Framing::Unsupported { found } => BundleError::UnsupportedFormat {
                found,
                supported: FORMAT_VERSION,
            },
            Framing::Data(e) => BundleError::Data(e),
        }
    }
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
            data: Vec::new(),
        }
    }

    /// The same catalog carrying `data` (any order; a name twice, a bad
    /// name, an item too large or a units table that does not read is
    /// refused), its content hash taken again.
    pub fn with_data(mut self, data: Vec<DataItem>) -> Result<Bundle, DataError> {
        let data = data::sorted(data);
        data::check(&data)?;
        self.info.content_hash = data::content_hash_of(content_hash(&self.procedures), &data);
        self.data = data;
        Ok(self)
    }

    /// The item named `name`, if the catalog carries one.
    pub fn data_item(&self, name: &str) -> Option<&DataItem> {
        self.data.iter().find(|item| item.name == name)
    }

    /// Writes the bundle as gzip JSON, atomically (temp file + rename).
    pub fn write_to(&self, path: &Path) -> Result<(), BundleError> {
        let io = |source| BundleError::Io {
            path: path.display().to_string(),
            source,
        };
        let tmp = path.with_extension("partial");
        let file = std::fs::File::create(&tmp).map_err(io)?;
        let mut inner = self.write_into(BufWriter::new(file)).map_err(io)?;
        inner.flush().map_err(io)?;
        let file = inner.into_inner().map_err(|e| io(e.into_error()))?;
        file.sync_all().map_err(io)?;
        std::fs::rename(&tmp, path).map_err(io)?;
        Ok(())
    }

    /// Writes the bundle as gzip JSON (what `write_to` puts in the file and
    /// `from_reader` reads) into `writer`, and gives the writer back,
    /// unflushed.
    pub fn write_into<W: Write>(&self, writer: W) -> std::io::Result<W> {
        let mut gz = GzEncoder::new(writer, flate2::Compression::default());
        let body = BundleFile {
            format: FORMAT.to_string(),
            format_version: if self.data.is_empty() {
                FORMAT_VERSION_PLAIN
            } else {
                FORMAT_VERSION
            },
            info: self.info.clone(),
            procedures: self.procedures.clone(),
            data: self.data.iter().map(Carried::of).collect(),
        };
        serde_json::to_writer(&mut gz, &body)?;
        gz.finish()
    }

    /// Reads and fully verifies a bundle file (format, count, content
    /// hash); only a regular file is read.
    pub fn read_from(path: &Path) -> Result<Bundle, BundleError> {
        let file = limits::open_regular(path, limits::CATALOG_BUNDLE).map_err(|e| match e {
            LimitError::Io { source, .. } => BundleError::Io {
                path: path.display().to_string(),
                source,
            },
            other => BundleError::Limit(other),
        })?;
        Bundle::from_reader(BufReader::new(file))
    }

    /// Reads and verifies a bundle from gzip JSON bytes, within
    /// [`limits::CATALOG_BUNDLE_BYTES`] compressed and
    /// [`limits::CATALOG_BUNDLE_JSON_BYTES`] decompressed.
    pub fn from_reader(reader: impl Read) -> Result<Bundle, BundleError> {
        let json = framed::gunzip_json(
            reader,
            (limits::CATALOG_BUNDLE_BYTES, limits::CATALOG_BUNDLE),
            (
                limits::CATALOG_BUNDLE_JSON_BYTES,
                limits::CATALOG_BUNDLE_JSON,
            ),
        )?;
        Bundle::from_json(&json)
    }

    /// Verifies a bundle's decompressed JSON. Procedures stay raw text
    /// until the head is checked, and each is bounded before it is parsed.
    fn from_json(json: &[u8]) -> Result<Bundle, BundleError> {
        framed::check_format(json, FORMAT, FORMAT_VERSION_PLAIN, FORMAT_VERSION)?;
        let file: Incoming<'_> =
            serde_json::from_slice(json).map_err(|e| BundleError::Corrupt(e.to_string()))?;
        if file.procedures.total > limits::CATALOG_PROCEDURES_MAX {
            return Err(BundleError::TooManyProcedures {
                max: limits::CATALOG_PROCEDURES_MAX,
            });
        }
        if file.procedures.total != file.procedure_count {
            return Err(BundleError::CountMismatch {
                declared: file.procedure_count,
                actual: file.procedures.total,
            });
        }
        let procedures = framed::procedures(&file.procedures.raw)?;
        let data = framed::data(&file.data)?;
        let actual = data::content_hash_of(content_hash(&procedures), &data);
        if actual != file.content_hash {
            return Err(BundleError::HashMismatch {
                declared: file.content_hash,
                actual,
            });
        }
        Ok(Bundle {
            info: BundleInfo {
                version: file.version,
                content_hash: file.content_hash,
                procedure_count: file.procedure_count,
                created_at: file.created_at,
            },
            procedures,
            data,
        })
    }
}

/// A bundle as read: the head parsed, procedures still raw JSON text
/// borrowed from the input. (`BundleInfo` is not flattened in: a flattened
/// struct cannot borrow raw values.)
#[derive(Deserialize)]
struct Incoming<'a> {
    version: u64,
    content_hash: String,
    procedure_count: usize,
    created_at: u64,
    #[serde(borrow)]
    procedures: RawArray<'a>,
    #[serde(borrow, default)]
    data: RawArray<'a>,
}

/// True when `path` starts like a bundle (gzip whose JSON opens with the
/// bundle's format marker) rather than crawled source lines.
pub fn looks_like_bundle(path: &Path) -> bool {
    let Ok(file) = limits::open_regular(path, limits::CATALOG_BUNDLE) else {
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

/// SHA-256 over the canonical JSON of the procedures, in order: the
/// content hash of a catalog without data (`data::content_hash_with` adds
/// the data's).
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
    use crate::catalog::{Channel, ChannelKind, Fee, ForeignAmount, ProcessingTime};

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
    fn write_into_writes_what_write_to_does_and_from_reader_reads() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("catalog.bundle");
        let bundle = Bundle::new(7, vec![sample("1.1", "A"), sample("2.2", "Bê")]);
        bundle.write_to(&path).unwrap();
        let bytes = bundle.write_into(Vec::new()).unwrap();
        assert_eq!(bytes, std::fs::read(&path).unwrap());
        assert_eq!(Bundle::from_reader(&bytes[..]).unwrap(), bundle);
    }

    #[test]
    fn every_float_survives_the_bundle() {
        // Found by the catalog_reader fuzz target: without serde_json's
        // `float_roundtrip`, 14 of 300 random amounts (these among them)
        // read back one bit off, and the bundle failed its own hash check.
        let mut p = sample("1.1", "A");
        p.channels = [
            6.471561653193026e-21,
            7.864443854425286e-10,
            0.1,
            1.5,
            1e300,
        ]
        .into_iter()
        .map(|value| Channel {
            channel: ChannelKind::Online,
            processing_time: ProcessingTime {
                value: Some(value),
                unit: None,
                text: String::new(),
            },
            fees: vec![Fee {
                amount_vnd: None,
                text: String::new(),
                amount_foreign: Some(ForeignAmount {
                    amount: value,
                    currency: "USD".into(),
                }),
            }],
            note: None,
        })
        .collect();
        let bundle = Bundle::new(1, vec![p]);
        let bytes = bundle.write_into(Vec::new()).unwrap();
        assert_eq!(Bundle::from_reader(&bytes[..]).unwrap(), bundle);
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

    fn gzip(bytes: &[u8]) -> Vec<u8> {
        let mut gz = GzEncoder::new(Vec::new(), flate2::Compression::fast());
        gz.write_all(bytes).unwrap();
        gz.finish().unwrap()
    }

    fn head(procedures: &str, count: usize) -> String {
        format!(
            "{{\"format\":\"{FORMAT}\",\"format_version\":1,\"version\":1,\"content_hash\":\"x\",\"procedure_count\":{count},\"created_at\":0,\"procedures\":{procedures}}}"
        )
    }

    fn too_large(e: &BundleError) -> Option<u64> {
        match e {
            BundleError::Limit(LimitError::TooLarge { limit, .. }) => Some(*limit),
            _ => None,
        }
    }

    #[test]
    fn a_gzip_bomb_stops_at_the_json_limit() {
        // 41 MiB of zeros compress to about 40 KB.
        let zeros = vec![0u8; 41 * 1024 * 1024];
        let e = Bundle::from_reader(&gzip(&zeros)[..]).unwrap_err();
        assert_eq!(
            too_large(&e),
            Some(limits::CATALOG_BUNDLE_JSON_BYTES),
            "{e}"
        );
    }

    #[test]
    fn a_compressed_bundle_past_its_limit_is_refused() {
        // Incompressible: 9 MiB of gzip for 9 MiB of content.
        let mut noise = vec![0u8; 9 * 1024 * 1024];
        let mut state = 0x2545_f491_4f6c_dd1d_u64;
        for b in noise.iter_mut() {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            *b = (state >> 24) as u8;
        }
        let e = Bundle::from_reader(&gzip(&noise)[..]).unwrap_err();
        assert_eq!(too_large(&e), Some(limits::CATALOG_BUNDLE_BYTES), "{e}");
    }

    #[test]
    fn procedures_are_bounded_in_count_and_size() {
        let many = format!("[{}1]", "1,".repeat(limits::CATALOG_PROCEDURES_MAX));
        let e = Bundle::from_reader(&gzip(head(&many, 3).as_bytes())[..]).unwrap_err();
        assert!(matches!(e, BundleError::TooManyProcedures { .. }), "{e}");

        let huge = format!("[\"{}\"]", "a".repeat(3 * 1024 * 1024));
        let e = Bundle::from_reader(&gzip(head(&huge, 1).as_bytes())[..]).unwrap_err();
        assert_eq!(too_large(&e), Some(limits::CATALOG_PROCEDURE_BYTES), "{e}");

        let e = Bundle::from_reader(&gzip(head("[1]", 2).as_bytes())[..]).unwrap_err();
        assert!(
            matches!(
                e,
                BundleError::CountMismatch {
                    declared: 2,
                    actual: 1
                }
            ),
            "{e}"
        );
        let e = Bundle::from_reader(&gzip(head("[1]", 1).as_bytes())[..]).unwrap_err();
        assert!(matches!(e, BundleError::Corrupt(_)), "{e}");
        let e = Bundle::from_reader(&gzip(b"[1,2]")[..]).unwrap_err();
        assert!(matches!(e, BundleError::NotABundle), "{e}");
    }

    #[test]
    fn only_regular_files_are_read() {
        let dir = tempfile::tempdir().unwrap();
        let e = Bundle::read_from(dir.path()).unwrap_err();
        assert!(
            matches!(e, BundleError::Limit(LimitError::NotAFile { .. })),
            "{e}"
        );
        assert!(!looks_like_bundle(dir.path()));
    }

    #[test]
    fn a_bundle_carries_its_data_under_its_content_hash() {
        let plain = Bundle::new(3, vec![sample("1.1", "A")]);
        let bytes = plain.write_into(Vec::new()).unwrap();
        let mut json = String::new();
        MultiGzDecoder::new(&bytes[..])
            .read_to_string(&mut json)
            .unwrap();
        assert!(json.contains("\"format_version\":1"), "{json}");
        assert!(!json.contains("\"data\""), "{json}");

        let with = plain
            .clone()
            .with_data(vec![DataItem::new("notes/a", &b"hello"[..])])
            .unwrap();
        assert_ne!(with.info.content_hash, plain.info.content_hash);
        let bytes = with.write_into(Vec::new()).unwrap();
        assert_eq!(Bundle::from_reader(&bytes[..]).unwrap(), with);
        assert_eq!(
            with.data_item("notes/a").map(|i| i.bytes.as_ref()),
            Some(&b"hello"[..])
        );
        let mut json = String::new();
        MultiGzDecoder::new(&bytes[..])
            .read_to_string(&mut json)
            .unwrap();
        assert!(json.contains("\"format_version\":2"), "{json}");

        // Other bytes with their own item hash still fail the content hash.
        let other = DataItem::new("notes/a", &b"howdy"[..]);
        let carried = serde_json::to_string(&Carried::of(&other)).unwrap();
        let start = json.find("{\"name\":\"notes/a\"").unwrap();
        let end = start + json[start..].find('}').unwrap() + 1;
        let edited = format!("{}{}{}", &json[..start], carried, &json[end..]);
        let e = Bundle::from_reader(&gzip(edited.as_bytes())[..]).unwrap_err();
        assert!(matches!(e, BundleError::HashMismatch { .. }), "{e}");

        // A units item that is not a units table is refused.
        let e = plain
            .with_data(vec![DataItem::new(data::UNITS, &b"no"[..])])
            .unwrap_err();
        assert!(matches!(e, DataError::Units(_)), "{e}");
    }
}
