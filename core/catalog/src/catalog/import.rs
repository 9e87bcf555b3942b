//! Importing a catalog: from the crawled national data (parse every record,
//! bundle it as the next version) or from a ready bundle (verify it), then
//! install it as the current catalog. A file that fails to read or verify,
//! or a catalog already at the largest version number, changes nothing.

use super::bundle::{looks_like_bundle, Bundle};
use super::data::DataItem;
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
    import_with(store, source, bundle_out, Vec::new())
}

/// [`import`], the catalog made from crawled data carrying `data` (ADR
/// 0023): the current catalog's data items, those named in `data`
/// replaced or added. A bundle file is imported as it is, with its own
/// data; `data` given with one is refused.
pub fn import_with(
    store: &CatalogStore,
    source: &Path,
    bundle_out: Option<&Path>,
    data: Vec<DataItem>,
) -> Result<ImportReport, CatalogError> {
    let bundle = if looks_like_bundle(source) {
        if !data.is_empty() {
            return Err(CatalogError::DataWithBundle);
        }
        Bundle::read_from(source)?
    } else {
        let procedures = read_records(source)?.iter().map(parse_record).collect();
        let current = store.current()?;
        // A damaged current catalog is replaced by the import (as
        // `install` allows); its data cannot carry over.
        let mut carried = match (&current, store.data_items()) {
            (Some(_), Ok(items)) => items,
            (Some(_), Err(CatalogError::Damaged { .. })) | (None, _) => Vec::new(),
            (Some(_), Err(e)) => return Err(e),
        };
        carried.retain(|held| !data.iter().any(|new| new.name == held.name));
        carried.extend(data);
        let mut fresh = Bundle::new(1, procedures).with_data(carried)?;
        match current {
            // Re-importing the same data keeps the current version number.
            Some(cur) if cur.content_hash == fresh.info.content_hash => Bundle {
                info: cur,
                procedures: fresh.procedures,
                data: fresh.data,
            },
            Some(cur) => {
                fresh.info.version =
                    cur.version
                        .checked_add(1)
                        .ok_or(CatalogError::VersionExhausted {
                            current: cur.version,
                        })?;
                fresh
            }
            None => fresh,
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::source::SourceRecord;
    use hoso_store::error::Classified;
    use hoso_store::limits::CATALOG_VERSION_JUMP_MAX;

    fn procedures(name: &str) -> Vec<crate::catalog::Procedure> {
        vec![parse_record(&SourceRecord {
            ma_thu_tuc: "1.1".into(),
            ten_thu_tuc: name.into(),
            ..Default::default()
        })]
    }

    fn source(dir: &Path, name: &str) -> std::path::PathBuf {
        let path = dir.join(format!("{name}.jsonl"));
        let line = serde_json::json!({ "ma_thu_tuc": "1.1", "ten_thu_tuc": name });
        std::fs::write(&path, format!("{line}\n")).unwrap();
        path
    }

    #[test]
    fn importing_over_the_largest_version_is_refused_and_changes_nothing() {
        let dir = tempfile::tempdir().unwrap();
        let store = CatalogStore::open(&dir.path().join("data")).unwrap();
        store
            .install(&Bundle::new(u64::MAX, procedures("A")))
            .unwrap();
        let before = store.current().unwrap().unwrap();

        let e = import(&store, &source(dir.path(), "B"), None).unwrap_err();
        assert!(
            matches!(e, CatalogError::VersionExhausted { current: u64::MAX }),
            "{e}"
        );
        assert_eq!(e.error_code(), "version_exhausted");
        let (vi, en) = e.messages();
        assert!(vi.contains("phiên bản lớn nhất") && en.contains("largest version"));
        assert_eq!(store.current().unwrap().unwrap(), before);
        assert_eq!(store.procedure("1.1").unwrap().name, "A");

        // The same content again is still "unchanged", not an error.
        let same = import(&store, &source(dir.path(), "A"), None).unwrap();
        assert_eq!(same.version, u64::MAX);
    }

    #[test]
    fn a_version_jump_past_the_bound_is_refused_and_a_step_of_one_accepted() {
        let dir = tempfile::tempdir().unwrap();
        let store = CatalogStore::open(dir.path()).unwrap();
        store.install(&Bundle::new(7, procedures("A"))).unwrap();

        for offered in [7 + CATALOG_VERSION_JUMP_MAX + 1, u64::MAX] {
            let e = store
                .install(&Bundle::new(offered, procedures("B")))
                .unwrap_err();
            assert!(
                matches!(e, CatalogError::VersionJump { current: 7, offered: o } if o == offered),
                "{e}"
            );
            assert_eq!(e.error_code(), "version_jump");
            assert_eq!(store.current().unwrap().unwrap().version, 7);
        }

        let at_bound = 7 + CATALOG_VERSION_JUMP_MAX;
        assert_eq!(
            store
                .install(&Bundle::new(at_bound, procedures("C")))
                .unwrap(),
            Installed::Switched {
                from: Some(7),
                to: at_bound
            }
        );
        let next = import(&store, &source(dir.path(), "D"), None).unwrap();
        assert_eq!(next.version, at_bound + 1);
        assert_eq!(store.procedure("1.1").unwrap().name, "D");
    }
}
