//! The catalog's own documents: what the current catalog is
//! (`CatalogInfo`, cheap to poll), a whole catalog version (`CatalogBundle`,
//! the `hoso-catalog-bundle` file) and the changes between two versions
//! (`CatalogDelta`). Bundles and deltas are generic over the procedure type:
//! [`Procedure`] by default, or a client's own catalog model with the same
//! JSON (`hoso_core::catalog::Procedure`), so neither side converts 2,642
//! records to read or write one.

use crate::procedure::Procedure;
use crate::scalar::{CatalogDataName, CatalogVersion, ProcedureCode, Sha256Hex};
use serde::{Deserialize, Serialize};

/// The version of the bundle and delta formats (`format_version`) of a
/// catalog without data.
pub const FORMAT_VERSION: u32 = 1;
/// The version of a bundle that carries data, and of a delta that changes
/// it (ADR 0023); readers of this version read both.
pub const FORMAT_VERSION_WITH_DATA: u32 = 2;

/// `CatalogData`: a named item of data a catalog carries beside its
/// procedures (the administrative units table, `units`). With data, the
/// catalog's `content_hash` is SHA-256 over `hoso-catalog-content/2\n`, the
/// procedures' hash and `\n`, then `name\tsha256\n` for each item sorted
/// by name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CatalogData {
    /// 1–100 characters of `a-z0-9._-/`, e.g. `units`.
    pub name: CatalogDataName,
    /// Of the bytes.
    pub sha256: Sha256Hex,
    /// The bytes, base64 (standard alphabet, padded).
    pub base64: String,
}

string_enum! {
    /// `format` of a bundle (and of `CatalogInfo`, its header).
    pub enum BundleFormat {
        HosoCatalogBundle = "hoso-catalog-bundle",
    }
}

string_enum! {
    /// `format` of a delta.
    pub enum DeltaFormat {
        HosoCatalogDelta = "hoso-catalog-delta",
    }
}

/// `CatalogInfo`: the current catalog's identity (the bundle's header
/// without procedures), how to fetch it, the versions a delta is kept from
/// and the key set version.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct CatalogInfo {
    pub format: BundleFormat,
    /// [`FORMAT_VERSION`].
    pub format_version: u32,
    pub version: CatalogVersion,
    pub content_hash: Sha256Hex,
    pub procedure_count: u64,
    /// Unix seconds when the bundle was made.
    pub created_at: u64,
    /// The ETag `GET /v1/catalog/bundle` answers now.
    pub bundle_etag: String,
    /// Size of the gzip bundle on the wire.
    pub bundle_bytes: u64,
    /// Versions `GET /v1/catalog/delta?since=` answers a delta from.
    pub delta_from: Vec<CatalogVersion>,
    /// The current `GET /v1/keys` version.
    pub key_set_version: u64,
}

/// `CatalogBundle`: one catalog version, procedures sorted by code.
/// `content_hash` is the SHA-256 of each procedure's compact JSON followed
/// by `\n`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CatalogBundle<P = Procedure> {
    pub format: BundleFormat,
    /// [`FORMAT_VERSION`].
    pub format_version: u32,
    pub version: CatalogVersion,
    pub content_hash: Sha256Hex,
    pub procedure_count: u64,
    /// Unix seconds.
    pub created_at: u64,
    pub procedures: Vec<P>,
    /// Sorted by name; absent when the catalog carries none.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub data: Vec<CatalogData>,
}

/// `CatalogDelta`: the changes from `from_version` to `to_version`. Applied
/// to `from_version`'s procedures (drop `removed`, replace `changed`, insert
/// `added`, sort by code) it must hash to `content_hash` and count
/// `procedure_count`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CatalogDelta<P = Procedure> {
    pub format: DeltaFormat,
    /// [`FORMAT_VERSION`].
    pub format_version: u32,
    pub from_version: CatalogVersion,
    pub from_content_hash: Sha256Hex,
    pub to_version: CatalogVersion,
    pub content_hash: Sha256Hex,
    /// Procedures in `to_version`.
    pub procedure_count: u64,
    /// Unix seconds when `to_version`'s bundle was made.
    pub created_at: u64,
    /// Procedures new in `to_version`.
    pub added: Vec<P>,
    /// Procedures whose content differs, in full.
    pub changed: Vec<P>,
    /// Codes no longer in `to_version`.
    pub removed: Vec<ProcedureCode>,
    /// Data items new or changed in `to_version`, in full.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub data: Vec<CatalogData>,
    /// Names of data items no longer in `to_version`.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub data_removed: Vec<CatalogDataName>,
}
