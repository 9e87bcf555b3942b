//! How bundles and deltas are read, the part they share: gzip JSON within a
//! compressed and a decompressed limit, the format marker checked before
//! anything else is parsed, arrays kept as raw text (up to
//! [`limits::CATALOG_PROCEDURES_MAX`] items borrowed from the input, the rest
//! only counted, so a huge array of tiny values cannot allocate a slot
//! each), and procedures each bounded before they are parsed. Each format
//! maps [`Framing`] into its own error.

use super::data::{self, Carried, DataError, DataItem, DATA_ITEMS_MAX};
use super::Procedure;
use flate2::read::MultiGzDecoder;
use hoso_store::limits::{self, Bounded, LimitError};
use serde::de::{IgnoredAny, SeqAccess, Visitor};
use serde::{Deserialize, Deserializer};
use serde_json::value::RawValue;
use std::io::Read;

/// Why a bundle's or a delta's framing was refused.
pub(crate) enum Framing {
    /// Not gzip, cut short, or not JSON of the expected shape.
    Corrupt(String),
    Limit(LimitError),
    /// Another format (or none).
    Foreign,
    /// The right format in a version this build does not read.
    Unsupported {
        found: u32,
    },
    /// Data items that cannot be used.
    Data(DataError),
}

/// The decompressed JSON of a gzip body, within `compressed` and `json`
/// bytes (each limit with the name it is reported under).
pub(crate) fn gunzip_json(
    reader: impl Read,
    compressed: (u64, limits::What),
    json: (u64, limits::What),
) -> Result<Vec<u8>, Framing> {
    let bounded = Bounded::new(reader, compressed.0, compressed.1);
    let mut out = Vec::new();
    limits::read_bounded_into(MultiGzDecoder::new(bounded), json.0, json.1, &mut out).map_err(
        |e| match e {
            // Not gzip, or cut short: the decoder's own error.
            LimitError::Io { source, .. } => Framing::Corrupt(source.to_string()),
            over => Framing::Limit(over),
        },
    )?;
    Ok(out)
}

/// Checks that `json` declares `format` at a version from `oldest` to
/// `newest` (the marker alone is read; everything else is skipped without
/// being kept); returns it.
pub(crate) fn check_format(
    json: &[u8],
    format: &str,
    oldest: u32,
    newest: u32,
) -> Result<u32, Framing> {
    let marker: Marker = serde_json::from_slice(json).map_err(|e| match e.classify() {
        serde_json::error::Category::Data => Framing::Foreign,
        _ => Framing::Corrupt(e.to_string()),
    })?;
    if marker.format.as_deref() != Some(format) {
        return Err(Framing::Foreign);
    }
    let found = u32::try_from(marker.format_version.unwrap_or(0)).unwrap_or(u32::MAX);
    if !(oldest..=newest).contains(&found) {
        return Err(Framing::Unsupported { found });
    }
    Ok(found)
}

/// The format fields alone.
#[derive(Deserialize)]
struct Marker {
    #[serde(default)]
    format: Option<String>,
    #[serde(default)]
    format_version: Option<u64>,
}

/// Parses raw procedures, each within [`limits::CATALOG_PROCEDURE_BYTES`].
pub(crate) fn procedures(raw: &[&RawValue]) -> Result<Vec<Procedure>, Framing> {
    raw.iter()
        .map(|raw| {
            let text = raw.get();
            if u64::try_from(text.len()).unwrap_or(u64::MAX) > limits::CATALOG_PROCEDURE_BYTES {
                return Err(Framing::Limit(LimitError::TooLarge {
                    what: limits::CATALOG_PROCEDURE,
                    limit: limits::CATALOG_PROCEDURE_BYTES,
                }));
            }
            serde_json::from_str::<Procedure>(text).map_err(|e| Framing::Corrupt(e.to_string()))
        })
        .collect()
}

/// Parses raw data items: at most [`DATA_ITEMS_MAX`], each bounded before
/// it is parsed, decoded and checked against its hash (`Carried::item`),
/// sorted by name, then checked as a set (`data::check`).
pub(crate) fn data(raw: &RawArray<'_>) -> Result<Vec<DataItem>, Framing> {
    if raw.total > DATA_ITEMS_MAX {
        return Err(Framing::Data(DataError::TooMany {
            max: DATA_ITEMS_MAX,
        }));
    }
    // Base64 of the largest item, and room for its name and hash.
    let max = limits::CATALOG_DATA_ITEM_BYTES / 3 * 4 + 1024;
    let items = raw
        .raw
        .iter()
        .map(|raw| {
            let text = raw.get();
            if u64::try_from(text.len()).unwrap_or(u64::MAX) > max {
                return Err(Framing::Data(DataError::TooLarge {
                    name: "…".into(),
                    max: limits::CATALOG_DATA_ITEM_BYTES,
                }));
            }
            let carried: Carried =
                serde_json::from_str(text).map_err(|e| Framing::Corrupt(e.to_string()))?;
            carried.item().map_err(Framing::Data)
        })
        .collect::<Result<Vec<_>, _>>()?;
    let items = data::sorted(items);
    data::check(&items).map_err(Framing::Data)?;
    Ok(items)
}

/// The items kept, and how many the array held (none when the field is
/// absent).
#[derive(Default)]
pub(crate) struct RawArray<'a> {
    pub raw: Vec<&'a RawValue>,
    pub total: usize,
}

impl<'de: 'a, 'a> Deserialize<'de> for RawArray<'a> {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        struct Items;
        impl<'de> Visitor<'de> for Items {
            type Value = RawArray<'de>;

            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("an array")
            }

            fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> Result<Self::Value, A::Error> {
                let mut raw = Vec::new();
                let mut total = 0usize;
                while total < limits::CATALOG_PROCEDURES_MAX {
                    match seq.next_element::<&'de RawValue>()? {
                        Some(item) => raw.push(item),
                        None => return Ok(RawArray { raw, total }),
                    }
                    total += 1;
                }
                while seq.next_element::<IgnoredAny>()?.is_some() {
                    total = total.saturating_add(1);
                }
                Ok(RawArray { raw, total })
            }
        }
        deserializer.deserialize_seq(Items)
    }
}
