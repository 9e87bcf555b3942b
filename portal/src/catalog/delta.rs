//! Catalog deltas (`hoso_wire::CatalogDelta`, of the core's procedures):
//! the procedures added, changed and removed between a kept version and the
//! current one, encoded once as JSON and gzip with their ETag.

use super::short_hash;
use hoso_core::catalog::bundle::{Bundle, BundleInfo};
use hoso_core::catalog::Procedure;
use hoso_wire::{CatalogDelta, DeltaFormat};
use std::io::Write;

/// A delta ready to send.
pub(crate) struct EncodedDelta {
    pub json: axum::body::Bytes,
    pub gzip: axum::body::Bytes,
    /// Strong ETag (of the gzip form).
    pub etag: String,
}

/// The changes from `from` (its info and procedures) to `to`.
pub(crate) fn diff<'a>(
    from: &BundleInfo,
    old: &[Procedure],
    to: &'a Bundle,
) -> CatalogDelta<&'a Procedure> {
    let changes = hoso_core::catalog::delta::changes(old, &to.procedures);
    CatalogDelta {
        format: DeltaFormat::HosoCatalogDelta,
        format_version: hoso_wire::catalog::FORMAT_VERSION,
        from_version: from.version,
        from_content_hash: from.content_hash.clone(),
        to_version: to.info.version,
        content_hash: to.info.content_hash.clone(),
        procedure_count: to.info.procedure_count as u64,
        created_at: to.info.created_at,
        added: changes.added,
        changed: changes.changed,
        removed: changes.removed,
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
