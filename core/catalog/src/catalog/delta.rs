//! Catalog deltas on the device: reading a `hoso-catalog-delta` body (what
//! the portal's `GET /v1/catalog/delta` answers, `hoso_wire::CatalogDelta`)
//! within the same bounds as a bundle, and applying it to the procedures of
//! the version held to make the next version's [`Bundle`], verified as a
//! bundle is (count and content hash). Pure: it takes and gives procedures,
//! whatever keeps them.
//!
//! Reading is bounded (`hoso_store::limits`): the compressed body, the JSON
//! inside, each procedure, and the number of added, changed and removed
//! entries together, so a gzip bomb or a hostile portal costs at most the
//! limits. Applying follows `docs/portal-api.yaml` (`getCatalogDelta`): the
//! held version and content hash must be the delta's `from_*`; `removed`
//! codes are dropped, `changed` procedures replace theirs, `added` ones are
//! inserted, the result sorted by code must count `procedure_count` and hash
//! to `content_hash`. Anything else — a changed or removed code not held, an
//! added code already held, a code listed twice — is a typed error, and the
//! caller takes the full bundle instead. These rules live here only
//! (`Delta::against`, `Merge`): [`Delta::apply`] walks held procedures
//! with them, the store (`CatalogStore::apply_delta`) its stored bytes.

use super::bundle::{content_hash, Bundle, BundleInfo};
use super::data::{self, DataError, DataItem, DATA_ITEMS_MAX};
use super::framed::{self, Framing, RawArray};
use super::Procedure;
use hoso_store::error::{Classified, ErrorKind};
use hoso_store::limits::{self, LimitError};
use serde::Deserialize;
use std::collections::BTreeMap;
use std::io::Read;

/// Marks a body as a hoso catalog delta.
pub const FORMAT: &str = "hoso-catalog-delta";
/// The delta format of a delta that changes the catalog's data (ADR
/// 0023); one that does not is format 1. This build reads both.
pub const FORMAT_VERSION: u32 = 2;
const FORMAT_VERSION_PLAIN: u32 = 1;

/// A delta as read and bounded, not yet applied.
#[derive(Debug, Clone, PartialEq)]
pub struct Delta {
    /// The version the delta applies to.
    pub from_version: u64,
    /// The content hash that version must have.
    pub from_content_hash: String,
    /// The version it makes: `to_version`, `content_hash`,
    /// `procedure_count`, `created_at`.
    pub to: BundleInfo,
    /// Procedures new in `to`.
    pub added: Vec<Procedure>,
    /// Procedures whose content differs, in full.
    pub changed: Vec<Procedure>,
    /// Codes no longer in `to`.
    pub removed: Vec<String>,
    /// Data items new or changed in `to`, in full, sorted by name.
    pub data: Vec<DataItem>,
    /// Names of data items no longer in `to`.
    pub data_removed: Vec<String>,
}

/// Why a delta could not be read or applied. Every one leaves the catalog
/// held as it was; the caller falls back to the full bundle.
#[derive(Debug, thiserror::Error)]
pub enum DeltaError {
    #[error(
        "gói thay đổi danh mục hỏng hoặc bị cắt cụt / catalog delta is corrupt or truncated: {0}"
    )]
    Corrupt(String),
    #[error("không phải gói thay đổi danh mục hoso / not a hoso catalog delta")]
    NotADelta,
    #[error("định dạng gói thay đổi {found} chưa được hỗ trợ (hỗ trợ {supported}) / delta format {found} is not supported (this build reads {supported})")]
    UnsupportedFormat { found: u32, supported: u32 },
    #[error(transparent)]
    Limit(#[from] LimitError),
    #[error("gói thay đổi liệt kê hoặc khai báo hơn {max} thủ tục / the delta lists or declares more than {max} procedures")]
    TooManyEntries { max: usize },
    #[error("gói thay đổi dành cho phiên bản {from_version} ({from_hash}), không phải danh mục đang có (phiên bản {held_version}, {held_hash}) / the delta applies to version {from_version} ({from_hash}), not to the catalog held (version {held_version}, {held_hash})")]
    BaseMismatch {
        held_version: u64,
        held_hash: String,
        from_version: u64,
        from_hash: String,
    },
    #[error("gói thay đổi nêu thủ tục {code} hơn một lần / the delta lists procedure {code} more than once")]
    Duplicate { code: String },
    #[error("gói thay đổi sửa thủ tục {code} mà danh mục đang có không có / the delta changes procedure {code}, which the catalog held lacks")]
    ChangedNotHeld { code: String },
    #[error("gói thay đổi thêm thủ tục {code} mà danh mục đang có đã có / the delta adds procedure {code}, which the catalog held already has")]
    AddedAlreadyHeld { code: String },
    #[error("gói thay đổi bỏ thủ tục {code} mà danh mục đang có không có / the delta removes procedure {code}, which the catalog held lacks")]
    RemovedNotHeld { code: String },
    #[error("áp dụng gói thay đổi được {actual} thủ tục, gói khai báo {declared} / applying the delta gives {actual} procedures, it declares {declared}")]
    CountMismatch { declared: u64, actual: usize },
    #[error("áp dụng gói thay đổi cho mã băm {actual}, gói khai báo {declared} / applying the delta hashes to {actual}, it declares {declared}")]
    HashMismatch { declared: String, actual: String },
    #[error(transparent)]
    Data(#[from] DataError),
    #[error("gói thay đổi bỏ tệp dữ liệu {name} mà danh mục đang có không có / the delta removes data item {name}, which the catalog held lacks")]
    DataRemovedNotHeld { name: String },
}

impl From<Framing> for DeltaError {
    fn from(f: Framing) -> DeltaError {
        match f {
            Framing::Corrupt(reason) => DeltaError::Corrupt(reason),
            Framing::Limit(limit) => DeltaError::Limit(limit),
            Framing::Foreign => DeltaError::NotADelta,
            Framing::Unsupported { found } => DeltaError::UnsupportedFormat {
                found,
                supported: FORMAT_VERSION,
            },
            Framing::Data(e) => DeltaError::Data(e),
        }
    }
}

impl DeltaError {
    /// A stable machine code for the error.
    pub fn code(&self) -> &'static str {
        match self {
            DeltaError::Corrupt(_)
            | DeltaError::NotADelta
            | DeltaError::UnsupportedFormat { .. } => "bad_delta",
            DeltaError::Limit(limit) => limit.error_code(),
            DeltaError::TooManyEntries { .. } => "too_large",
            DeltaError::BaseMismatch { .. } => "delta_base_mismatch",
            DeltaError::Duplicate { .. } => "delta_duplicate",
            DeltaError::ChangedNotHeld { .. } => "delta_changed_not_held",
            DeltaError::AddedAlreadyHeld { .. } => "delta_added_already_held",
            DeltaError::RemovedNotHeld { .. } => "delta_removed_not_held",
            DeltaError::CountMismatch { .. } => "delta_count_mismatch",
            DeltaError::HashMismatch { .. } => "delta_hash_mismatch",
            DeltaError::Data(e) => e.code(),
            DeltaError::DataRemovedNotHeld { .. } => "delta_removed_not_held",
        }
    }
}

impl Classified for DeltaError {
    fn kind(&self) -> ErrorKind {
        match self {
            DeltaError::Corrupt(_)
            | DeltaError::NotADelta
            | DeltaError::UnsupportedFormat { .. }
            | DeltaError::Limit(_)
            | DeltaError::TooManyEntries { .. }
            | DeltaError::BaseMismatch { .. }
            | DeltaError::Duplicate { .. }
            | DeltaError::ChangedNotHeld { .. }
            | DeltaError::AddedAlreadyHeld { .. }
            | DeltaError::RemovedNotHeld { .. }
            | DeltaError::CountMismatch { .. }
            | DeltaError::HashMismatch { .. }
            | DeltaError::DataRemovedNotHeld { .. } => ErrorKind::InvalidInput,
            DeltaError::Data(e) => e.kind(),
        }
    }

    fn error_code(&self) -> &'static str {
        self.code()
    }
}

impl Delta {
    /// Reads a delta from gzip JSON bytes, within
    /// [`limits::CATALOG_DELTA_BYTES`] compressed and
    /// [`limits::CATALOG_DELTA_JSON_BYTES`] decompressed.
    pub fn from_reader(reader: impl Read) -> Result<Delta, DeltaError> {
        let json = framed::gunzip_json(
            reader,
            (limits::CATALOG_DELTA_BYTES, limits::CATALOG_DELTA),
            (limits::CATALOG_DELTA_JSON_BYTES, limits::CATALOG_DELTA_JSON),
        )?;
        Delta::from_json(&json)
    }

    /// Reads a delta's decompressed JSON: the format first, then the head;
    /// entries stay raw text until counted, and each procedure is bounded
    /// before it is parsed.
    fn from_json(json: &[u8]) -> Result<Delta, DeltaError> {
        framed::check_format(json, FORMAT, FORMAT_VERSION_PLAIN, FORMAT_VERSION)?;
        let body: Incoming<'_> =
            serde_json::from_slice(json).map_err(|e| DeltaError::Corrupt(e.to_string()))?;
        let entries = body
            .added
            .total
            .checked_add(body.changed.total)
            .and_then(|n| n.checked_add(body.removed.total));
        if entries.is_none_or(|n| n > limits::CATALOG_PROCEDURES_MAX) {
            return Err(DeltaError::TooManyEntries {
                max: limits::CATALOG_PROCEDURES_MAX,
            });
        }
        let procedure_count = usize::try_from(body.procedure_count)
            .ok()
            .filter(|n| *n <= limits::CATALOG_PROCEDURES_MAX)
            .ok_or(DeltaError::TooManyEntries {
                max: limits::CATALOG_PROCEDURES_MAX,
            })?;
        if body.data_removed.total > DATA_ITEMS_MAX {
            return Err(DataError::TooMany {
                max: DATA_ITEMS_MAX,
            }
            .into());
        }
        let data_removed = body
            .data_removed
            .raw
            .iter()
            .map(|raw| {
                let name = serde_json::from_str::<String>(raw.get())
                    .map_err(|e| DeltaError::Corrupt(e.to_string()))?;
                data::check_name(&name)?;
                Ok(name)
            })
            .collect::<Result<_, DeltaError>>()?;
        Ok(Delta {
            from_version: body.from_version,
            from_content_hash: body.from_content_hash,
            to: BundleInfo {
                version: body.to_version,
                content_hash: body.content_hash,
                procedure_count,
                created_at: body.created_at,
            },
            added: framed::procedures(&body.added.raw)?,
            changed: framed::procedures(&body.changed.raw)?,
            removed: body
                .removed
                .raw
                .iter()
                .map(|raw| {
                    serde_json::from_str::<String>(raw.get())
                        .map_err(|e| DeltaError::Corrupt(e.to_string()))
                })
                .collect::<Result<_, _>>()?,
            data: framed::data(&body.data)?,
            data_removed,
        })
    }

    /// Applies the delta to `held` (the catalog version it was asked
    /// from): the next version as a bundle, counted and hashed as the
    /// delta declares. `held` is trusted as installed (its info names its
    /// content); nothing of it is kept on failure. The rules are
    /// `Delta::against`'s and `Merge`'s, as for the store's own apply.
    pub fn apply(self, held: Bundle) -> Result<Bundle, DeltaError> {
        let mut merge = self.against(&held.info)?;
        // In code order, one procedure a code, the last one kept (as a
        // map by code would); `Bundle::new` sorts the same way (bytes).
        let Bundle {
            procedures: mut by_code,
            data: held_data,
            ..
        } = held;
        by_code.reverse();
        by_code.sort_by(|a, b| a.code.cmp(&b.code));
        by_code.dedup_by(|later, earlier| later.code == earlier.code);
        let mut procedures = Vec::with_capacity(merge.to.procedure_count);
        for p in by_code {
            let keep = merge.held(&p.code, &mut |new| {
                procedures.push(new);
                Ok::<(), DeltaError>(())
            })?;
            if keep {
                procedures.push(p);
            }
        }
        merge.rest(&mut |new| {
            procedures.push(new);
            Ok::<(), DeltaError>(())
        })?;
        let data = merge.data(held_data)?;
        let hash = data::content_hash_of(content_hash(&procedures), &data);
        let info = merge.finish(procedures.len(), hash)?;
        Ok(Bundle {
            info,
            procedures,
            data,
        })
    }

    /// The first rules, before any procedure is read: the delta applies to
    /// `held` (its version and content hash are the delta's `from_*`) and
    /// lists each code once. What is left to do is a [`Merge`] with the
    /// held procedures in code order.
    pub(crate) fn against(self, held: &BundleInfo) -> Result<Merge, DeltaError> {
        if held.version != self.from_version || held.content_hash != self.from_content_hash {
            return Err(DeltaError::BaseMismatch {
                held_version: held.version,
                held_hash: held.content_hash.clone(),
                from_version: self.from_version,
                from_hash: self.from_content_hash,
            });
        }
        let mut edits: Vec<Edit> = self
            .added
            .into_iter()
            .map(Edit::Add)
            .chain(self.changed.into_iter().map(Edit::Change))
            .chain(self.removed.into_iter().map(Edit::Remove))
            .collect();
        // Stable: of a code listed twice, the first listed is named.
        edits.sort_by(|a, b| a.code().cmp(b.code()));
        if let Some(pair) = edits.windows(2).find(|w| w[0].code() == w[1].code()) {
            return Err(DeltaError::Duplicate {
                code: pair[0].code().to_string(),
            });
        }
        let mut names: Vec<&str> = self
            .data
            .iter()
            .map(|item| item.name.as_str())
            .chain(self.data_removed.iter().map(String::as_str))
            .collect();
        names.sort_unstable();
        if let Some(pair) = names.windows(2).find(|w| w[0] == w[1]) {
            return Err(DataError::Duplicate {
                name: pair[0].to_string(),
            }
            .into());
        }
        Ok(Merge {
            to: self.to,
            edits: edits.into_iter().peekable(),
            data: self.data,
            data_removed: self.data_removed,
        })
    }
}

/// One entry of a delta.
enum Edit {
    Add(Procedure),
    Change(Procedure),
    Remove(String),
}

impl Edit {
    fn code(&self) -> &str {
        match self {
            Edit::Add(p) | Edit::Change(p) => &p.code,
            Edit::Remove(code) => code,
        }
    }
}

/// A delta checked against its base, merged with the held procedures
/// walked in code order (each code once): it says of each held procedure
/// whether it stays, gives the delta's procedures at their places, and
/// refuses an entry that does not fit what is held (a changed or removed
/// code not held, an added code held). Whoever walks the held catalog —
/// [`Delta::apply`] over procedures, the store over its stored bytes —
/// counts and hashes the result and hands both to [`Merge::finish`].
pub(crate) struct Merge {
    to: BundleInfo,
    /// Sorted by code, each code once.
    edits: std::iter::Peekable<std::vec::IntoIter<Edit>>,
    /// Data items set and removed, each name once.
    data: Vec<DataItem>,
    data_removed: Vec<String>,
}

impl Merge {
    /// The version the delta makes, as it declares it.
    pub(crate) fn to(&self) -> &BundleInfo {
        &self.to
    }

    /// The next held procedure, by its code (codes strictly increasing
    /// from call to call): first gives `put` the delta's procedures that
    /// come before it or replace it, in code order, then says whether the
    /// held one stays (`false`: changed or removed).
    pub(crate) fn held<E: From<DeltaError>>(
        &mut self,
        code: &str,
        put: &mut impl FnMut(Procedure) -> Result<(), E>,
    ) -> Result<bool, E> {
        while let Some(edit) = self.edits.next_if(|e| e.code() < code) {
            put(not_held(edit)?)?;
        }
        match self.edits.next_if(|e| e.code() == code) {
            None => Ok(true),
            Some(Edit::Add(p)) => Err(DeltaError::AddedAlreadyHeld { code: p.code }.into()),
            Some(Edit::Change(p)) => {
                put(p)?;
                Ok(false)
            }
            Some(Edit::Remove(_)) => Ok(false),
        }
    }

    /// After the last held procedure: gives `put` the delta's procedures
    /// that come after it.
    pub(crate) fn rest<E: From<DeltaError>>(
        &mut self,
        put: &mut impl FnMut(Procedure) -> Result<(), E>,
    ) -> Result<(), E> {
        for edit in self.edits.by_ref() {
            put(not_held(edit)?)?;
        }
        Ok(())
    }

    /// The data of the version made from `held` (the data of the version
    /// held): those removed dropped (each must be held), those set
    /// replaced or added, sorted by name and checked as a whole.
    pub(crate) fn data(&mut self, held: Vec<DataItem>) -> Result<Vec<DataItem>, DeltaError> {
        let removed = std::mem::take(&mut self.data_removed);
        if let Some(name) = removed
            .iter()
            .find(|name| !held.iter().any(|item| &item.name == *name))
        {
            return Err(DeltaError::DataRemovedNotHeld { name: name.clone() });
        }
        let set = std::mem::take(&mut self.data);
        let mut data: Vec<DataItem> = held
            .into_iter()
            .filter(|item| {
                !removed.contains(&item.name) && !set.iter().any(|new| new.name == item.name)
            })
            .collect();
        data.extend(set);
        let data = data::sorted(data);
        data::check(&data)?;
        Ok(data)
    }

    /// The last rules: the result, `count` procedures hashing to `hash`
    /// (`bundle::content_hash` of them in code order), must be what the
    /// delta declares. The version made, when it is.
    pub(crate) fn finish(self, count: usize, hash: String) -> Result<BundleInfo, DeltaError> {
        if count != self.to.procedure_count {
            return Err(DeltaError::CountMismatch {
                declared: self.to.procedure_count as u64,
                actual: count,
            });
        }
        if hash != self.to.content_hash {
            return Err(DeltaError::HashMismatch {
                declared: self.to.content_hash,
                actual: hash,
            });
        }
        Ok(self.to)
    }
}

/// An entry whose code the catalog held lacks: an added procedure, or a
/// refusal.
fn not_held(edit: Edit) -> Result<Procedure, DeltaError> {
    match edit {
        Edit::Add(p) => Ok(p),
        Edit::Change(p) => Err(DeltaError::ChangedNotHeld { code: p.code }),
        Edit::Remove(code) => Err(DeltaError::RemovedNotHeld { code }),
    }
}

/// A delta as read: the head parsed, entries still raw JSON text borrowed
/// from the input.
#[derive(Deserialize)]
struct Incoming<'a> {
    from_version: u64,
    from_content_hash: String,
    to_version: u64,
    content_hash: String,
    procedure_count: u64,
    created_at: u64,
    #[serde(borrow)]
    added: RawArray<'a>,
    #[serde(borrow)]
    changed: RawArray<'a>,
    #[serde(borrow)]
    removed: RawArray<'a>,
    #[serde(borrow, default)]
    data: RawArray<'a>,
    #[serde(borrow, default)]
    data_removed: RawArray<'a>,
}

/// What differs between two versions' procedures: those added, those whose
/// canonical JSON changed, in code order, and the codes removed. The portal
/// builds its deltas from it.
pub struct Changes<'a> {
    pub added: Vec<&'a Procedure>,
    pub changed: Vec<&'a Procedure>,
    pub removed: Vec<String>,
}

/// The data items of `new` that `old` lacks or holds with other bytes, and
/// the names `old` has and `new` has not (ADR 0023).
pub fn data_changes<'a>(old: &[DataItem], new: &'a [DataItem]) -> (Vec<&'a DataItem>, Vec<String>) {
    let set = new.iter().filter(|item| !old.contains(item)).collect();
    let removed = old
        .iter()
        .filter(|item| !new.iter().any(|n| n.name == item.name))
        .map(|item| item.name.clone())
        .collect();
    (set, removed)
}

/// The changes from `old` to `new`.
pub fn changes<'a>(old: &[Procedure], new: &'a [Procedure]) -> Changes<'a> {
    let canonical = |p: &Procedure| serde_json::to_vec(p).unwrap_or_default();
    let old: BTreeMap<&str, &Procedure> = old.iter().map(|p| (p.code.as_str(), p)).collect();
    let new: BTreeMap<&str, &'a Procedure> = new.iter().map(|p| (p.code.as_str(), p)).collect();
    let mut added = Vec::new();
    let mut changed = Vec::new();
    for (code, p) in &new {
        match old.get(code) {
            None => added.push(*p),
            Some(o) if canonical(o) != canonical(p) => changed.push(*p),
            Some(_) => {}
        }
    }
    let removed = old
        .keys()
        .filter(|c| !new.contains_key(*c))
        .map(|c| c.to_string())
        .collect();
    Changes {
        added,
        changed,
        removed,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::{parse::parse_record, source::SourceRecord};
    use flate2::write::GzEncoder;
    use serde_json::json;
    use std::io::Write;

    fn sample(code: &str, name: &str) -> Procedure {
        parse_record(&SourceRecord {
            ma_thu_tuc: code.into(),
            ten_thu_tuc: name.into(),
            cap_thuc_hien: "Cấp xã".into(),
            ..Default::default()
        })
    }

    fn held() -> Bundle {
        Bundle::new(
            4,
            vec![
                sample("1.1", "Đăng ký khai sinh"),
                sample("1.2", "Đăng ký kết hôn"),
                sample("1.3", "Đăng ký khai tử"),
            ],
        )
    }

    fn gzip(bytes: &[u8]) -> Vec<u8> {
        let mut gz = GzEncoder::new(Vec::new(), flate2::Compression::fast());
        gz.write_all(bytes).unwrap();
        gz.finish().unwrap()
    }

    /// The delta from `from` to `to` as the portal writes it.
    fn body(
        from: &Bundle,
        to: &Bundle,
        added: &[&Procedure],
        changed: &[&Procedure],
        removed: &[&str],
    ) -> serde_json::Value {
        json!({
            "format": FORMAT,
            "format_version": 1,
            "from_version": from.info.version,
            "from_content_hash": from.info.content_hash,
            "to_version": to.info.version,
            "content_hash": to.info.content_hash,
            "procedure_count": to.info.procedure_count,
            "created_at": to.info.created_at,
            "added": added,
            "changed": changed,
            "removed": removed,
        })
    }

    fn read(value: &serde_json::Value) -> Result<Delta, DeltaError> {
        Delta::from_reader(&gzip(value.to_string().as_bytes())[..])
    }

    /// Version 5: 1.1 renamed, 1.2 removed, 1.4 added.
    fn next() -> (Bundle, serde_json::Value) {
        let from = held();
        let renamed = sample("1.1", "Đăng ký khai sinh (sửa đổi)");
        let added = sample("1.4", "Đăng ký giám hộ");
        let to = Bundle::new(
            5,
            vec![
                renamed.clone(),
                sample("1.3", "Đăng ký khai tử"),
                added.clone(),
            ],
        );
        let value = body(&from, &to, &[&added], &[&renamed], &["1.2"]);
        (to, value)
    }

    #[test]
    fn a_delta_makes_the_next_version_whole() {
        let (to, value) = next();
        let made = read(&value).unwrap().apply(held()).unwrap();
        assert_eq!(made, to);
        let codes: Vec<&str> = made.procedures.iter().map(|p| p.code.as_str()).collect();
        assert_eq!(codes, ["1.1", "1.3", "1.4"]);
    }

    #[test]
    fn entries_land_at_their_places_in_code_order() {
        let from = held();
        let first = sample("0.9", "Trước hết");
        let between = sample("1.25", "Ở giữa");
        let last = sample("2.0", "Sau cùng");
        let changed = sample("1.3", "Đăng ký khai tử (sửa đổi)");
        let to = Bundle::new(
            5,
            vec![
                first.clone(),
                sample("1.1", "Đăng ký khai sinh"),
                sample("1.2", "Đăng ký kết hôn"),
                between.clone(),
                changed.clone(),
                last.clone(),
            ],
        );
        let value = body(&from, &to, &[&last, &between, &first], &[&changed], &[]);
        let made = read(&value).unwrap().apply(held()).unwrap();
        assert_eq!(made, to);
        // A held catalog out of code order is merged in code order.
        let mut shuffled = held();
        shuffled.procedures.reverse();
        let made = read(&value).unwrap().apply(shuffled).unwrap();
        assert_eq!(made, to);
    }

    #[test]
    fn an_empty_delta_gives_the_same_content() {
        let from = held();
        let value = body(&from, &from, &[], &[], &[]);
        assert_eq!(read(&value).unwrap().apply(held()).unwrap(), from);
    }

    #[test]
    fn a_delta_from_another_base_is_refused() {
        let (_, mut value) = next();
        value["from_content_hash"] = json!("00".repeat(32));
        let e = read(&value).unwrap().apply(held()).unwrap_err();
        assert!(matches!(e, DeltaError::BaseMismatch { .. }), "{e}");
        assert_eq!(e.code(), "delta_base_mismatch");

        let (_, mut value) = next();
        value["from_version"] = json!(3);
        let e = read(&value).unwrap().apply(held()).unwrap_err();
        assert!(matches!(e, DeltaError::BaseMismatch { .. }), "{e}");
    }

    #[test]
    fn each_entry_must_fit_the_catalog_held() {
        let from = held();
        let (to, _) = next();
        let unknown = sample("9.9", "Không có");
        let e = read(&body(&from, &to, &[], &[&unknown], &[]))
            .unwrap()
            .apply(held())
            .unwrap_err();
        assert!(
            matches!(&e, DeltaError::ChangedNotHeld { code } if code == "9.9"),
            "{e}"
        );

        let again = sample("1.3", "Đăng ký khai tử");
        let e = read(&body(&from, &to, &[&again], &[], &[]))
            .unwrap()
            .apply(held())
            .unwrap_err();
        assert!(
            matches!(&e, DeltaError::AddedAlreadyHeld { code } if code == "1.3"),
            "{e}"
        );

        let e = read(&body(&from, &to, &[], &[], &["7.7"]))
            .unwrap()
            .apply(held())
            .unwrap_err();
        assert!(
            matches!(&e, DeltaError::RemovedNotHeld { code } if code == "7.7"),
            "{e}"
        );
        assert_eq!(e.code(), "delta_removed_not_held");
        assert_eq!(e.kind(), ErrorKind::InvalidInput);
        let (vi, en) = e.messages();
        assert!(vi.starts_with("gói thay đổi bỏ thủ tục 7.7"), "{vi}");
        assert!(en.starts_with("the delta removes procedure 7.7"), "{en}");
    }

    #[test]
    fn a_code_listed_twice_is_refused() {
        let from = held();
        let (to, _) = next();
        let a = sample("1.1", "A");
        let b = sample("1.4", "B");
        for value in [
            body(&from, &to, &[], &[&a, &a], &[]),
            body(&from, &to, &[&b, &b], &[], &[]),
            body(&from, &to, &[], &[], &["1.2", "1.2"]),
            body(&from, &to, &[], &[&a], &["1.1"]),
            body(&from, &to, &[&b], &[], &["1.4"]),
        ] {
            let e = read(&value).unwrap().apply(held()).unwrap_err();
            assert!(matches!(e, DeltaError::Duplicate { .. }), "{e}");
        }
    }

    #[test]
    fn a_wrong_result_hash_or_count_is_refused() {
        let (_, mut value) = next();
        value["changed"][0]["name"] = json!("Đăng ký khai sinh (giả mạo)");
        let e = read(&value).unwrap().apply(held()).unwrap_err();
        assert!(matches!(e, DeltaError::HashMismatch { .. }), "{e}");
        assert_eq!(e.code(), "delta_hash_mismatch");

        let (_, mut value) = next();
        value["procedure_count"] = json!(4);
        let e = read(&value).unwrap().apply(held()).unwrap_err();
        assert!(
            matches!(
                e,
                DeltaError::CountMismatch {
                    declared: 4,
                    actual: 3
                }
            ),
            "{e}"
        );
    }

    #[test]
    fn only_a_delta_of_this_format_is_read() {
        let (_, mut value) = next();
        value["format"] = json!("hoso-catalog-bundle");
        assert!(matches!(read(&value), Err(DeltaError::NotADelta)));
        let (_, mut value) = next();
        value["format_version"] = json!(3);
        assert!(matches!(
            read(&value),
            Err(DeltaError::UnsupportedFormat {
                found: 3,
                supported: 2
            })
        ));
        let (_, mut value) = next();
        value.as_object_mut().unwrap().remove("removed");
        assert!(matches!(read(&value), Err(DeltaError::Corrupt(_))));
        assert!(matches!(
            Delta::from_reader(&gzip(b"[1,2]")[..]),
            Err(DeltaError::NotADelta)
        ));
        assert!(matches!(
            Delta::from_reader(&b"not gzip"[..]),
            Err(DeltaError::Corrupt(_))
        ));
        let (_, value) = next();
        let bytes = gzip(value.to_string().as_bytes());
        let e = Delta::from_reader(&bytes[..bytes.len() / 2]).unwrap_err();
        assert!(matches!(e, DeltaError::Corrupt(_)), "{e}");
        assert_eq!(e.code(), "bad_delta");
    }

    fn too_large(e: &DeltaError) -> Option<u64> {
        match e {
            DeltaError::Limit(LimitError::TooLarge { limit, .. }) => Some(*limit),
            _ => None,
        }
    }

    #[test]
    fn a_gzip_bomb_stops_at_the_json_limit() {
        let zeros = vec![b' '; 41 * 1024 * 1024];
        let e = Delta::from_reader(&gzip(&zeros)[..]).unwrap_err();
        assert_eq!(too_large(&e), Some(limits::CATALOG_DELTA_JSON_BYTES), "{e}");
        assert_eq!(e.code(), "too_large");
    }

    #[test]
    fn a_compressed_delta_past_its_limit_is_refused() {
        let mut noise = vec![0u8; 9 * 1024 * 1024];
        let mut state = 0x2545_f491_4f6c_dd1d_u64;
        for b in noise.iter_mut() {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            *b = (state >> 24) as u8;
        }
        let e = Delta::from_reader(&gzip(&noise)[..]).unwrap_err();
        assert_eq!(too_large(&e), Some(limits::CATALOG_DELTA_BYTES), "{e}");
    }

    #[test]
    fn entries_are_bounded_in_count_and_size() {
        let (_, mut value) = next();
        let half = limits::CATALOG_PROCEDURES_MAX / 2 + 1;
        value["removed"] = json!(vec!["x"; half]);
        value["added"] = json!(vec![1; half]);
        let e = read(&value).unwrap_err();
        assert!(matches!(e, DeltaError::TooManyEntries { .. }), "{e}");

        let (_, mut value) = next();
        value["changed"] = json!(vec![0; limits::CATALOG_PROCEDURES_MAX + 5]);
        let e = read(&value).unwrap_err();
        assert!(matches!(e, DeltaError::TooManyEntries { .. }), "{e}");

        let (_, mut value) = next();
        value["changed"] = json!(["a".repeat(3 * 1024 * 1024)]);
        let e = read(&value).unwrap_err();
        assert_eq!(too_large(&e), Some(limits::CATALOG_PROCEDURE_BYTES), "{e}");

        let (_, mut value) = next();
        value["procedure_count"] = json!(u64::MAX);
        let e = read(&value).unwrap_err();
        assert!(matches!(e, DeltaError::TooManyEntries { .. }), "{e}");
    }

    fn carried(item: &DataItem) -> serde_json::Value {
        serde_json::to_value(crate::catalog::data::Carried::of(item)).unwrap()
    }

    #[test]
    fn a_delta_sets_and_removes_data_under_the_content_hash() {
        let (a, b, c) = (
            DataItem::new("notes/a", &b"a1"[..]),
            DataItem::new("notes/b", &b"b1"[..]),
            DataItem::new("notes/c", &b"c1"[..]),
        );
        let from = held().with_data(vec![a.clone(), b.clone()]).unwrap();
        let b2 = DataItem::new("notes/b", &b"b2"[..]);
        let to = Bundle::new(5, from.procedures.clone())
            .with_data(vec![b2.clone(), c.clone()])
            .unwrap();
        let mut value = body(&from, &to, &[], &[], &[]);
        value["format_version"] = json!(2);
        value["data"] = json!([carried(&b2), carried(&c)]);
        value["data_removed"] = json!(["notes/a"]);
        let made = read(&value).unwrap().apply(from.clone()).unwrap();
        assert_eq!(made, to);

        // Data the delta leaves out is a hash mismatch, not a quiet loss.
        let mut short = value.clone();
        short["data"] = json!([carried(&c)]);
        let e = read(&short).unwrap().apply(from.clone()).unwrap_err();
        assert!(matches!(e, DeltaError::HashMismatch { .. }), "{e}");

        let mut unknown = value.clone();
        unknown["data_removed"] = json!(["notes/z"]);
        let e = read(&unknown).unwrap().apply(from.clone()).unwrap_err();
        assert!(
            matches!(&e, DeltaError::DataRemovedNotHeld { name } if name == "notes/z"),
            "{e}"
        );

        let mut twice = value.clone();
        twice["data_removed"] = json!(["notes/b"]);
        let e = read(&twice).unwrap().apply(from.clone()).unwrap_err();
        assert!(
            matches!(e, DeltaError::Data(DataError::Duplicate { .. })),
            "{e}"
        );

        let mut forged = value;
        forged["data"][0]["base64"] = json!("Zm9yZ2Vk");
        assert!(matches!(
            read(&forged),
            Err(DeltaError::Data(DataError::HashMismatch { .. }))
        ));
    }
}
