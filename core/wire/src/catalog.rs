//! The catalog's own documents: what the current catalog is
//! (`CatalogInfo`, cheap to poll), a whole catalog version (`CatalogBundle`,
//! the `hoso-catalog-bundle` file) and the changes between two versions
//! (`CatalogDelta`). Bundles and deltas are generic over the procedure type:
//! [`Procedure`] by default, or a client's own catalog model with the same
//! JSON (`hoso_core::catalog::Procedure`), so neither side converts 2,642
//! records to read or write one.

use crate::procedure::Procedure;
use crate::scalar::{CatalogVersion, ProcedureCode, Sha256Hex};
use serde::{Deserialize, Serialize};

/// The version of the bundle and delta formats (`format_version`).
pub const FORMAT_VERSION: u32 = 1;

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
}
