//! Data a catalog carries beside its procedures (ADR 0023): named files
//! that the catalog's content hash covers, and so the portal's signature
//! of it — the administrative units table (`units`) now, forms later. In a
//! bundle or a delta each is `{name, sha256, base64}`; the catalog's file
//! keeps its bytes. Everything about them is bounded: names are short
//! lower-case paths, items few and each within
//! [`limits::CATALOG_DATA_ITEM_BYTES`]; an item whose name this build knows
//! is checked for what it is (a units table is read whole by
//! `hoso-places`), one it does not know is kept unread, so an older app
//! passes newer data along untouched.

use hoso_store::error::{Classified, ErrorKind};
use hoso_store::limits;
use serde::{Deserialize, Serialize};
use std::sync::Arc;

/// The administrative units table (`hoso_places`'s format, gzip).
pub const UNITS: &str = "units";

/// At most this many items in one catalog.
pub const DATA_ITEMS_MAX: usize = 4096;

/// Names are at most this many bytes.
const NAME_BYTES_MAX: usize = 100;

/// One named item of catalog data.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DataItem {
    pub name: String,
    pub bytes: Arc<[u8]>,
}

impl DataItem {
    pub fn new(name: &str, bytes: impl Into<Arc<[u8]>>) -> DataItem {
        DataItem {
            name: name.to_string(),
            bytes: bytes.into(),
        }
    }

    pub fn sha256(&self) -> [u8; 32] {
        sha256(&self.bytes)
    }

    /// The item `name` read from the file at `path` (a regular file within
    /// [`limits::CATALOG_DATA_ITEM_BYTES`]), checked as a catalog would
    /// check it.
    pub fn read_file(name: &str, path: &std::path::Path) -> Result<DataItem, DataError> {
        let file = limits::open_regular(path, limits::CATALOG_DATA_ITEM)?;
        let bytes = limits::read_bounded(
            file,
            limits::CATALOG_DATA_ITEM_BYTES,
            limits::CATALOG_DATA_ITEM,
        )?;
        let item = DataItem::new(name, bytes);
        check(std::slice::from_ref(&item))?;
        Ok(item)
    }
}

/// Why catalog data was refused. The catalog carrying it is refused whole.
#[derive(Debug, thiserror::Error)]
pub enum DataError {
    #[error("dữ liệu kèm danh mục có tên không hợp lệ ({name}) / catalog data has an invalid name ({name})")]
    BadName { name: String },
    #[error("danh mục kèm hơn {max} tệp dữ liệu / the catalog carries more than {max} data items")]
    TooMany { max: usize },
    #[error("tệp dữ liệu {name} của danh mục lớn hơn {max} byte / catalog data item {name} is larger than {max} bytes")]
    TooLarge { name: String, max: u64 },
    #[error("danh mục kèm tệp dữ liệu {name} hơn một lần / the catalog carries data item {name} more than once")]
    Duplicate { name: String },
    #[error("tệp dữ liệu kèm danh mục không theo thứ tên ({name}) / the catalog's data items are not sorted by name ({name})")]
    Unsorted { name: String },
    #[error("dữ liệu kèm danh mục lớn hơn {max} byte tất cả / the catalog's data is larger than {max} bytes in all")]
    TooLargeInAll { max: u64 },
    #[error("tệp dữ liệu {name} của danh mục không phải base64 hợp lệ / catalog data item {name} is not valid base64")]
    NotBase64 { name: String },
    #[error("tệp dữ liệu {name} của danh mục không khớp mã băm của nó / catalog data item {name} does not match its hash")]
    HashMismatch { name: String },
    #[error("bảng đơn vị hành chính kèm danh mục không dùng được: {0} / the units table carried by the catalog cannot be used: {0}")]
    Units(#[from] hoso_places::UnitsError),
    /// A file of data that could not be read, or past its bound.
    #[error(transparent)]
    Limit(#[from] limits::LimitError),
}

impl DataError {
    pub fn code(&self) -> &'static str {
        match self {
            DataError::BadName { .. }
            | DataError::Duplicate { .. }
            | DataError::Unsorted { .. }
            | DataError::NotBase64 { .. }
            | DataError::HashMismatch { .. } => "bad_catalog_data",
            DataError::TooMany { .. }
            | DataError::TooLarge { .. }
            | DataError::TooLargeInAll { .. } => "too_large",
            DataError::Units(_) => "bad_units_table",
            DataError::Limit(e) => e.error_code(),
        }
    }
}

impl Classified for DataError {
    fn kind(&self) -> ErrorKind {
        match self {
            DataError::BadName { .. }
            | DataError::TooMany { .. }
            | DataError::TooLarge { .. }
            | DataError::Duplicate { .. }
            | DataError::Unsorted { .. }
            | DataError::TooLargeInAll { .. }
            | DataError::NotBase64 { .. }
            | DataError::HashMismatch { .. }
            | DataError::Units(_) => ErrorKind::InvalidInput,
            DataError::Limit(e) => e.kind(),
        }
    }

    fn error_code(&self) -> &'static str {
        self.code()
    }
}

/// An item as bundles and deltas carry it.
#[derive(Serialize, Deserialize)]
pub(crate) struct Carried {
    name: String,
    /// Lower-case hex SHA-256 of the bytes.
    sha256: String,
    base64: String,
}

impl Carried {
    pub(crate) fn of(item: &DataItem) -> Carried {
        use base64::Engine as _;
        Carried {
            name: item.name.clone(),
            sha256: crate::hex::encode(&item.sha256()),
            base64: base64::engine::general_purpose::STANDARD.encode(&item.bytes),
        }
    }

    /// The item, its name checked, its size bounded before it is decoded
    /// and its bytes checked against its hash.
    pub(crate) fn item(self) -> Result<DataItem, DataError> {
        use base64::Engine as _;
        check_name(&self.name)?;
        let max = limits::CATALOG_DATA_ITEM_BYTES;
        let decoded = (self.base64.len() as u64 / 4).saturating_mul(3);
        if decoded > max {
            return Err(DataError::TooLarge {
                name: self.name,
                max,
            });
        }
        let Ok(bytes) = base64::engine::general_purpose::STANDARD.decode(&self.base64) else {
            return Err(DataError::NotBase64 { name: self.name });
        };
        if crate::hex::encode(&sha256(&bytes)) != self.sha256 {
            return Err(DataError::HashMismatch { name: self.name });
        }
        Ok(DataItem {
            name: self.name,
            bytes: bytes.into(),
        })
    }
}

/// A name: 1–100 bytes of `a-z`, `0-9`, `.`, `_`, `-` and `/`, starting
/// with a letter or digit, no empty or dot-only part.
pub(crate) fn check_name(name: &str) -> Result<(), DataError> {
    let ok = !name.is_empty()
        && name.len() <= NAME_BYTES_MAX
        && name
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b"._-/".contains(&b))
        && name.split('/').all(|part| {
            part.bytes()
                .next()
                .is_some_and(|b| b.is_ascii_alphanumeric())
        });
    if ok {
        Ok(())
    } else {
        Err(DataError::BadName {
            name: crate::text::shown_if_identifier(name),
        })
    }
}

/// Checks a catalog's data: at most [`DATA_ITEMS_MAX`] items, sorted by
/// name, each name once and valid, each within its size, and those this
/// build knows readable as what they are.
pub(crate) fn check(items: &[DataItem]) -> Result<(), DataError> {
    if items.len() > DATA_ITEMS_MAX {
        return Err(DataError::TooMany {
            max: DATA_ITEMS_MAX,
        });
    }
    for pair in items.windows(2) {
        let name = pair[1].name.clone();
        match pair[0].name.cmp(&pair[1].name) {
            std::cmp::Ordering::Less => {}
            std::cmp::Ordering::Equal => return Err(DataError::Duplicate { name }),
            std::cmp::Ordering::Greater => return Err(DataError::Unsorted { name }),
        }
    }
    let total = items
        .iter()
        .try_fold(0u64, |sum, item| sum.checked_add(item.bytes.len() as u64));
    if total.is_none_or(|t| t > limits::CATALOG_DATA_TOTAL_BYTES) {
        return Err(DataError::TooLargeInAll {
            max: limits::CATALOG_DATA_TOTAL_BYTES,
        });
    }
    for item in items {
        check_name(&item.name)?;
        if item.bytes.len() as u64 > limits::CATALOG_DATA_ITEM_BYTES {
            return Err(DataError::TooLarge {
                name: item.name.clone(),
                max: limits::CATALOG_DATA_ITEM_BYTES,
            });
        }
        if item.name == UNITS {
            hoso_places::Units::from_bytes(&item.bytes)?;
        }
    }
    Ok(())
}

/// Sorts items by name (a name given twice is refused by [`check`]).
pub(crate) fn sorted(mut items: Vec<DataItem>) -> Vec<DataItem> {
    items.sort_by(|a, b| a.name.cmp(&b.name));
    items
}

/// The content hash of a catalog whose procedures hash to
/// `procedures_hash` (`bundle::content_hash`) and which carries `items`
/// (name and SHA-256, sorted by name): the procedures' hash itself when
/// there are none, so a catalog without data hashes as it always did;
/// else SHA-256 over a labelled list of both.
pub fn content_hash_with<'a>(
    procedures_hash: String,
    items: impl IntoIterator<Item = (&'a str, [u8; 32])>,
) -> String {
    let mut items = items.into_iter().peekable();
    if items.peek().is_none() {
        return procedures_hash;
    }
    let mut ctx = ring::digest::Context::new(&ring::digest::SHA256);
    ctx.update(b"hoso-catalog-content/2\n");
    ctx.update(procedures_hash.as_bytes());
    ctx.update(b"\n");
    for (name, digest) in items {
        ctx.update(name.as_bytes());
        ctx.update(b"\t");
        ctx.update(crate::hex::encode(&digest).as_bytes());
        ctx.update(b"\n");
    }
    crate::hex::encode(ctx.finish().as_ref())
}

/// [`content_hash_with`] for items in hand.
pub(crate) fn content_hash_of(procedures_hash: String, items: &[DataItem]) -> String {
    content_hash_with(
        procedures_hash,
        items.iter().map(|i| (i.name.as_str(), i.sha256())),
    )
}

pub(crate) fn sha256(bytes: &[u8]) -> [u8; 32] {
    let digest = ring::digest::digest(&ring::digest::SHA256, bytes);
    let mut out = [0u8; 32];
    out.copy_from_slice(digest.as_ref());
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_are_short_lower_case_paths() {
        for good in ["units", "forms/1.001193.json", "a-b_c"] {
            assert!(check_name(good).is_ok(), "{good}");
        }
        for bad in [
            "",
            "Units",
            "../x",
            "a//b",
            "/a",
            ".hidden",
            "a b",
            &"a".repeat(101),
        ] {
            assert!(check_name(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn a_carried_item_is_checked_against_its_hash() {
        let item = DataItem::new("notes", &b"hello"[..]);
        let carried = Carried::of(&item);
        assert_eq!(Carried::of(&item).item().unwrap(), item);
        let forged = Carried {
            base64: "aGVsbG8h".into(),
            ..carried
        };
        assert!(matches!(forged.item(), Err(DataError::HashMismatch { .. })));
    }

    #[test]
    fn without_data_the_hash_is_the_procedures_hash() {
        assert_eq!(content_hash_of("abc".into(), &[]), "abc");
        let one = content_hash_of("abc".into(), &[DataItem::new("x", &b"1"[..])]);
        let other = content_hash_of("abc".into(), &[DataItem::new("x", &b"2"[..])]);
        assert_ne!(one, "abc");
        assert_ne!(one, other);
    }

    #[test]
    fn a_units_item_must_be_a_units_table() {
        let bad = vec![DataItem::new(UNITS, &b"not gzip"[..])];
        assert!(matches!(check(&bad), Err(DataError::Units(_))));
        let twice = vec![DataItem::new("a", &b""[..]), DataItem::new("a", &b""[..])];
        assert!(matches!(check(&twice), Err(DataError::Duplicate { .. })));
    }
}
