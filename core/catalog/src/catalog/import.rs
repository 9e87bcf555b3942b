//! Importing a catalog: from the crawled national data (parse every record,
//! bundle it as the next version) or from a ready bundle (verify it), then
//! install it as the current catalog. A file that fails to read or verify
//! changes nothing.

use super::bundle::{looks_like_bundle, Bundle};
use super::parse::parse_record;
use super::source::read_records;
use super::store::{CatalogError, CatalogStore, Installed};
use std::path::Path;

/// What an import did.
#[derive(Debug, Clone)]
pub struct ImportReport {
    pub installed: Installed,
    pub version: u64,
    pub content_hash: String,
    pub procedures: usize,
    /// Procedures with any section kept unparsed in `raw`.
    pub with_raw_sections: usize,
}

/// Imports `source` (crawled `.jsonl[.gz]` or a catalog bundle) into `store`;
/// with `bundle_out`, also writes the bundle file the portal serves.
pub fn import(
    store: &CatalogStore,
    source: &Path,
    bundle_out: Option<&Path>,
) -> Result<ImportReport, CatalogError> {
    let bundle = if looks_like_bundle(source) {
        Bundle::read_from(source)?
    } else {
        let procedures = read_records(source)?.iter().map(parse_record).collect();
        let current = store.current()?;
        let fresh = Bundle::new(current.as_ref().map_or(1, |c| c.version + 1), procedures);
        // Re-importing the same data keeps the current version number.
        match current {
            Some(cur) if cur.content_hash == fresh.info.content_hash => Bundle {
                info: cur,
                procedures: fresh.procedures,
            },
            _ => fresh,
        }
    };
    if let Some(out) = bundle_out {
        bundle.write_to(out)?;
    }
    let installed = store.install(&bundle)?;
    Ok(ImportReport {
        installed,
        version: bundle.info.version,
        content_hash: bundle.info.content_hash.clone(),
        procedures: bundle.procedures.len(),
        with_raw_sections: bundle
            .procedures
            .iter()
            .filter(|p| !p.raw.is_empty())
            .count(),
    })
}
