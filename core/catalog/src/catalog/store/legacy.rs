//! The catalog as hoso kept it before one file per version (ADR 0016): in
//! the store's `catalog` tree, `v/<version:020>/info`, `…/entries` and one
//! `…/p/<code>` JSON value per procedure. Reads a version kept that way, so
//! that it can be written as a catalog file and its keys removed (on open),
//! and so that it stays readable if that could not be done yet.

use super::error::CatalogError;
use crate::catalog::bundle::{Bundle, BundleInfo};
use crate::catalog::Procedure;
use crate::storage::{Changes, Store};

pub(crate) const TREE: &str = "catalog";
const PREFIX: &[u8] = b"v/";

fn version_prefix(version: u64) -> String {
    format!("v/{version:020}/")
}

/// The versions kept the old way, in order.
pub(crate) fn versions(store: &Store) -> Result<Vec<u64>, CatalogError> {
    let mut found = Vec::new();
    for key in store.keys(TREE, PREFIX)? {
        let Some(rest) = key.strip_prefix(PREFIX) else {
            continue;
        };
        let digits = rest.get(..20).and_then(|d| std::str::from_utf8(d).ok());
        if let Some(v) = digits.and_then(|d| d.parse::<u64>().ok()) {
            if found.last() != Some(&v) {
                found.push(v);
            }
        }
    }
    Ok(found)
}

/// Whether `version` is kept the old way.
pub(crate) fn has(store: &Store, version: u64) -> Result<bool, CatalogError> {
    let key = format!("{}info", version_prefix(version));
    Ok(store.get(TREE, key.as_bytes())?.is_some())
}

pub(crate) fn info(store: &Store, version: u64) -> Result<BundleInfo, CatalogError> {
    read_json(store, &format!("{}info", version_prefix(version)))
}

pub(crate) fn procedure(
    store: &Store,
    version: u64,
    code: &str,
) -> Result<Option<Procedure>, CatalogError> {
    let key = format!("{}p/{code}", version_prefix(version));
    match store.get(TREE, key.as_bytes())? {
        None => Ok(None),
        Some(value) => decode(key.as_bytes(), &value).map(Some),
    }
}

/// Every procedure of `version`, in code order (the order they were kept in).
pub(crate) fn procedures(store: &Store, version: u64) -> Result<Vec<Procedure>, CatalogError> {
    let prefix = format!("{}p/", version_prefix(version));
    let mut out = Vec::new();
    let mut damaged = None;
    store.visit(TREE, prefix.as_bytes(), &mut |key, value| {
        match decode(key, value) {
            Ok(p) => out.push(p),
            Err(e) => damaged = Some(e),
        }
        damaged.is_none()
    })?;
    match damaged {
        Some(e) => Err(e),
        None => Ok(out),
    }
}

/// `version` as a bundle (its procedures in code order, as it was made).
pub(crate) fn bundle(store: &Store, version: u64) -> Result<Bundle, CatalogError> {
    Ok(Bundle {
        info: info(store, version)?,
        procedures: procedures(store, version)?,
        // The old layout predates catalog data.
        data: Vec::new(),
    })
}

/// Removes every key of `versions` kept the old way (once they are in
/// their files, or no longer kept).
pub(crate) fn remove_versions(store: &Store, versions: &[u64]) -> Result<(), CatalogError> {
    let mut batch = Changes::default();
    for version in versions {
        for key in store.keys(TREE, version_prefix(*version).as_bytes())? {
            batch.remove(TREE, key);
        }
    }
    store.commit(&batch)?;
    Ok(())
}

/// Writes `version` the old way (for tests of the migration).
#[cfg(test)]
pub(crate) fn write(store: &Store, bundle: &Bundle) {
    let prefix = version_prefix(bundle.info.version);
    let mut batch = Changes::default();
    fn json<T: serde::Serialize>(value: &T) -> Vec<u8> {
        serde_json::to_vec(value).unwrap()
    }
    batch.put(TREE, format!("{prefix}info"), json(&bundle.info));
    let entries: Vec<crate::catalog::SearchEntry> = bundle
        .procedures
        .iter()
        .map(crate::catalog::SearchEntry::from)
        .collect();
    batch.put(TREE, format!("{prefix}entries"), json(&entries));
    for p in &bundle.procedures {
        batch.put(TREE, format!("{prefix}p/{}", p.code), json(p));
    }
    store.commit(&batch).unwrap();
}

fn read_json<T: serde::de::DeserializeOwned>(store: &Store, key: &str) -> Result<T, CatalogError> {
    let value = store
        .get(TREE, key.as_bytes())?
        .ok_or_else(|| CatalogError::Damaged {
            key: key.to_string(),
            reason: "missing".into(),
        })?;
    decode(key.as_bytes(), &value)
}

fn decode<T: serde::de::DeserializeOwned>(key: &[u8], value: &[u8]) -> Result<T, CatalogError> {
    serde_json::from_slice(value).map_err(|e| CatalogError::Damaged {
        key: String::from_utf8_lossy(key).into_owned(),
        reason: e.to_string(),
    })
}
