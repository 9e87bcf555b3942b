//! Catalog deltas (`hoso_wire::CatalogDelta`, of the core's procedures):
//! the procedures added, changed and removed between a kept version and the
//! current one, encoded once as JSON and gzip with their ETag.

use super::short_hash;
use hoso_core::catalog::bundle::{Bundle, BundleInfo};
use hoso_core::catalog::data::DataItem;
use hoso_core::catalog::Procedure;
use hoso_wire::{CatalogData, CatalogDelta, DeltaFormat};
use std::io::Write;

/// A delta ready to send.
pub(crate) struct EncodedDelta {
    pub json: axum::body::Bytes,
    pub gzip: axum::body::Bytes,
    /// Strong ETag (of the gzip form).
    pub etag: String,
}

/// The changes from `from` (a kept version) to `to`: procedures, and the
/// data items set and removed (ADR 0023).
pub(crate) fn diff<'a>(from: &Bundle, to: &'a Bundle) -> CatalogDelta<&'a Procedure> {
    let changes = hoso_core::catalog::delta::changes(&from.procedures, &to.procedures);
    let (data, data_removed) = hoso_core::catalog::delta::data_changes(&from.data, &to.data);
    let from = &from.info;
    CatalogDelta {
        format: DeltaFormat::HosoCatalogDelta,
        format_version: if data.is_empty() && data_removed.is_empty() {
            hoso_wire::catalog::FORMAT_VERSION
        } else {
            hoso_wire::catalog::FORMAT_VERSION_WITH_DATA
        },
        from_version: from.version,
        from_content_hash: from.content_hash.clone(),
        to_version: to.info.version,
        content_hash: to.info.content_hash.clone(),
        procedure_count: to.info.procedure_count as u64,
        created_at: to.info.created_at,
        added: changes.added,
        changed: changes.changed,
        removed: changes.removed,
        data: data.into_iter().map(carried).collect(),
        data_removed,
    }
}

/// A data item as the wire carries it.
fn carried(item: &DataItem) -> CatalogData {
    use base64::Engine as _;
    CatalogData {
        name: item.name.clone(),
        sha256: hoso_core::hex::encode(&item.sha256()),
        base64: base64::engine::general_purpose::STANDARD.encode(&item.bytes),
    }
}

/// Encodes a delta from `from` to `to` with its ETag
/// (`"delta-{from}-{from hash}-{to}-{to hash}"`, 16 hex each).
pub(crate) fn encode(
    from: &BundleInfo,
    to: &BundleInfo,
    delta: &CatalogDelta<&Procedure>,
) -> std::io::Result<EncodedDelta> {
    let json = serde_json::to_vec(delta)?;
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    gz.write_all(&json)?;
    let gzip = gz.finish()?;
    Ok(EncodedDelta {
        json: json.into(),
        gzip: gzip.into(),
        etag: format!(
            "\"delta-{}-{}-{}-{}\"",
            from.version,
            short_hash(&from.content_hash),
            to.version,
            short_hash(&to.content_hash)
        ),
    })
}
