//! The local catalog: one file per kept version under `DIR/catalog/`
//! (`version_file`: procedures as their canonical JSON in zstd blocks, a
//! checked table), and in the store only the `current` pointer and the
//! `previous` version kept for rollback (ADR 0016).
//!
//! Installing a version writes its file under a temporary name, syncs it,
//! reads it back whole, renames it into place and syncs the directory, and
//! only then switches `current` — one store commit — so a crash leaves either
//! the old catalog or the new one, never a mix, and the old one usable. The
//! previous version is kept for rollback; older ones, and files of
//! installs that never switched, are collected. A delta is applied in
//! place (`apply`, ADR 0017): the next version's file is made from the
//! current one's stored bytes and goes through the same steps, its
//! read-back checking checksums instead of parsing it whole.
//!
//! A data directory from before this layout (`legacy`) is converted on
//! open; until that succeeds its versions are read the old way.

mod apply;
mod error;
pub(crate) mod files;
mod layout;
mod legacy;
mod version_file;
mod writer;

#[cfg(test)]
mod tests;

use super::bundle::{Bundle, BundleError, BundleInfo};
use super::Procedure;
use super::SearchEntry;
use crate::storage::{Changes, Quarantined, Store};
pub use error::CatalogError;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use version_file::VersionFile;

const TREE: &str = legacy::TREE;
const CURRENT: &[u8] = b"current";
const PREVIOUS: &[u8] = b"previous";

/// What installing a bundle did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Installed {
    /// The bundle is now the current catalog.
    Switched { from: Option<u64>, to: u64 },
    /// The current catalog already has this content; nothing changed.
    Unchanged { version: u64 },
}

/// The catalog kept under a data directory (a clone shares it).
#[derive(Clone)]
pub struct CatalogStore {
    store: Store,
    /// `DIR/catalog`.
    dir: PathBuf,
    /// The current version's file, opened once (its table checked).
    opened: Arc<Mutex<Option<Arc<VersionFile>>>>,
}

/// The current catalog as it is kept: its file, or a version from before
/// the file layout that could not be converted yet.
pub(crate) enum Current {
    File(Arc<VersionFile>),
    Legacy { store: Store, version: u64 },
}

impl Current {
    pub(crate) fn info(&self) -> Result<BundleInfo, CatalogError> {
        match self {
            Current::File(f) => Ok(f.info().clone()),
            Current::Legacy { store, version } => legacy::info(store, *version),
        }
    }

    /// The search entries of every procedure, in the bundle's order: those
    /// kept in the file when this build derived them alike, else derived
    /// from the procedures as `SearchEntry::from` does now (so a change to
    /// it applies to every catalog already installed).
    pub(crate) fn search_entries(&self) -> Result<Vec<SearchEntry>, CatalogError> {
        match self {
            Current::File(f) => {
                // Damaged entries are derived again, like stale ones.
                if let Ok(Some(kept)) = f.search_entries() {
                    return Ok(kept);
                }
                let mut out = Vec::with_capacity(f.info().procedure_count);
                f.for_each_json(&mut |json| {
                    let p: Procedure =
                        serde_json::from_slice(json).map_err(|e| CatalogError::Damaged {
                            key: "catalog (procedure)".into(),
                            reason: crate::storage::json_error_reason(&e),
                        })?;
                    out.push(SearchEntry::from(&p));
                    Ok(())
                })?;
                Ok(out)
            }
            Current::Legacy { store, version } => Ok(legacy::procedures(store, *version)?
                .iter()
                .map(SearchEntry::from)
                .collect()),
        }
    }
}

/// Where an install stops in tests that simulate a crash there.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Step {
    /// The new file written and synced under its temporary name.
    Written,
    /// Renamed into place, `current` not switched.
    Renamed,
    /// `current` switched, older files not collected.
    Switched,
}

impl CatalogStore {
    pub fn open(data_dir: &Path) -> Result<CatalogStore, CatalogError> {
        let store = Store::open(data_dir)?;
        let catalog = CatalogStore {
            store,
            dir: data_dir.join(files::DIR),
            opened: Arc::new(Mutex::new(None)),
        };
        catalog.tidy();
        if let Ok(Some(Current::File(file))) = catalog.current_catalog() {
            offer_units(&file);
        }
        Ok(catalog)
    }

    /// Set when opening found a corrupt store and moved it aside.
    pub fn quarantined(&self) -> Option<&Quarantined> {
        self.store.quarantined()
    }

    /// The current catalog's identity, if any.
    pub fn current(&self) -> Result<Option<BundleInfo>, CatalogError> {
        match self.current_catalog()? {
            None => Ok(None),
            Some(c) => c.info().map(Some),
        }
    }

    /// The current catalog's version alone (an 8-byte read, for caches).
    pub fn current_version(&self) -> Result<Option<u64>, CatalogError> {
        self.read_version(CURRENT)
    }

    /// Makes `bundle` the current catalog (see the module doc for atomicity).
    /// A bundle must be newer than the current catalog and at most
    /// [`CATALOG_VERSION_JUMP_MAX`](hoso_store::limits::CATALOG_VERSION_JUMP_MAX)
    /// versions newer, and its procedures must hash to its content hash.
    pub fn install(&self, bundle: &Bundle) -> Result<Installed, CatalogError> {
        self.install_until(bundle, None)
    }

    fn install_until(
        &self,
        bundle: &Bundle,
        stop: Option<Step>,
    ) -> Result<Installed, CatalogError> {
        let _changing = files::lock_changes();
        self.install_locked(bundle, stop)
    }

    /// [`CatalogStore::install`] with the change lock held.
    fn install_locked(
        &self,
        bundle: &Bundle,
        stop: Option<Step>,
    ) -> Result<Installed, CatalogError> {
        let current = self.current_version()?;
        // A damaged current catalog is replaced like any other.
        match self.current() {
            Ok(Some(cur)) if cur.content_hash == bundle.info.content_hash => {
                return Ok(Installed::Unchanged {
                    version: cur.version,
                });
            }
            Ok(_) | Err(CatalogError::Damaged { .. }) => {}
            Err(e) => return Err(e),
        }
        check_next(current, bundle.info.version)?;
        crate::catalog::data::check(&bundle.data)?;
        if bundle.info.procedure_count != bundle.procedures.len() {
            return Err(BundleError::CountMismatch {
                declared: bundle.info.procedure_count,
                actual: bundle.procedures.len(),
            }
            .into());
        }
        if bundle.procedures.len() > hoso_store::limits::CATALOG_PROCEDURES_MAX {
            return Err(BundleError::TooManyProcedures {
                max: hoso_store::limits::CATALOG_PROCEDURES_MAX,
            }
            .into());
        }
        let version = bundle.info.version;
        // Blocks unchanged since the current version are copied from it.
        let reuse = match self.current_catalog() {
            Ok(Some(Current::File(file))) => Some(file),
            _ => None,
        };
        let Some(target) = self.write_file(bundle, reuse.as_deref(), stop)? else {
            return Ok(Installed::Unchanged { version });
        };
        self.switch(&target, version, current, stop)
    }

    /// Makes the version whose file is in place at `target` current, `from`
    /// kept as the previous one (one store commit), then collects what is
    /// no longer kept.
    fn switch(
        &self,
        target: &Path,
        version: u64,
        from: Option<u64>,
        stop: Option<Step>,
    ) -> Result<Installed, CatalogError> {
        if stop == Some(Step::Renamed) {
            return Ok(Installed::Unchanged { version });
        }
        let opened = Arc::new(VersionFile::open(target)?);
        let mut switch = Changes::default();
        switch.put(TREE, CURRENT, version.to_be_bytes());
        match from {
            Some(from) => switch.put(TREE, PREVIOUS, from.to_be_bytes()),
            None => switch.remove(TREE, PREVIOUS),
        }
        self.store.commit(&switch)?;
        offer_units(&opened);
        *self.opened_slot() = Some(opened);
        if stop != Some(Step::Switched) {
            // The switch is done; what is not collected now is next time.
            let _ = self.collect(version, from);
        }
        Ok(Installed::Switched { from, to: version })
    }

    /// Writes `bundle`'s file, checked, at its place; returns that place
    /// (`None`: stopped before, in tests).
    fn write_file(
        &self,
        bundle: &Bundle,
        reuse: Option<&VersionFile>,
        stop: Option<Step>,
    ) -> Result<Option<PathBuf>, CatalogError> {
        self.place_file(
            bundle.info.version,
            stop,
            |file, path| {
                let written = writer::write(bundle, file, reuse).map_err(io(path))?;
                let actual = written.content_hash;
                if actual != bundle.info.content_hash {
                    return Err(BundleError::HashMismatch {
                        declared: bundle.info.content_hash.clone(),
                        actual,
                    }
                    .into());
                }
                Ok(())
            },
            // Read back whole before it can become current.
            |file, ()| file.verify(),
        )
    }

    /// Writes version `version`'s file through `write` under a temporary
    /// name beside its place, syncs it, opens it again (header and table
    /// checked) and checks it through `check`, then renames it into place
    /// and syncs the directory; returns that place (`None`: stopped before
    /// the rename, in tests). Whatever fails leaves no file behind.
    fn place_file<T>(
        &self,
        version: u64,
        stop: Option<Step>,
        write: impl FnOnce(&mut std::fs::File, &Path) -> Result<T, CatalogError>,
        check: impl FnOnce(&VersionFile, T) -> Result<(), CatalogError>,
    ) -> Result<Option<PathBuf>, CatalogError> {
        std::fs::create_dir_all(&self.dir).map_err(io(&self.dir))?;
        let target = self.dir.join(files::name(version, files::CATALOG_EXT));
        let mut tmp = files::Temporary::beside(&target).map_err(io(&target))?;
        let tmp_path = tmp.path.clone();
        let written = write(tmp.file().map_err(io(&tmp_path))?, &tmp_path)?;
        tmp.sync().map_err(io(&tmp_path))?;
        if stop == Some(Step::Written) {
            // A crash here leaves the temporary file behind.
            std::mem::forget(tmp);
            return Ok(None);
        }
        check(&VersionFile::open(&tmp_path)?, written)?;
        tmp.publish(&target).map_err(io(&target))?;
        Ok(Some(target))
    }

    /// Removes every file of the directory that is not kept (see
    /// [`files::is_collected`]: older versions, installs that never switched,
    /// the previous version's derived files, temporary files), and the old
    /// layout's keys of versions other than `keep` and `previous`. Call with
    /// the change lock held.
    fn collect(&self, keep: u64, previous: Option<u64>) -> Result<(), CatalogError> {
        let mut removed = false;
        if let Ok(entries) = std::fs::read_dir(&self.dir) {
            for entry in entries.flatten() {
                let name = entry.file_name();
                if files::is_collected(&name.to_string_lossy(), keep, previous)
                    && std::fs::remove_file(entry.path()).is_ok()
                {
                    removed = true;
                }
            }
        }
        if removed {
            files::sync_dir(&self.dir).map_err(|e| CatalogError::file_io(&self.dir, &e))?;
        }
        let stale: Vec<u64> = legacy::versions(&self.store)?
            .into_iter()
            .filter(|v| *v != keep && Some(*v) != previous)
            .collect();
        if !stale.is_empty() {
            legacy::remove_versions(&self.store, &stale)?;
        }
        Ok(())
    }

    /// On open: converts versions kept the old way into files, then
    /// collects what is not kept. Nothing here may stop the store from
    /// opening: whatever fails is tried again on the next open, and the
    /// catalog stays readable meanwhile.
    fn tidy(&self) {
        let _changing = files::lock_changes();
        let Ok(Some(current)) = self.current_version() else {
            return;
        };
        let previous = self.read_version(PREVIOUS).ok().flatten();
        let _ = self.convert_legacy(current, previous);
        let previous = self.read_version(PREVIOUS).ok().flatten();
        let dirty = std::fs::read_dir(&self.dir)
            .map(|entries| {
                entries.flatten().any(|e| {
                    files::is_collected(&e.file_name().to_string_lossy(), current, previous)
                })
            })
            .unwrap_or(false);
        if dirty {
            let _ = self.collect(current, previous);
        }
    }

    /// Writes the current version (and the one before it) kept the old way
    /// as files, records the previous one, and removes the old keys.
    fn convert_legacy(&self, current: u64, previous: Option<u64>) -> Result<(), CatalogError> {
        let old = legacy::versions(&self.store)?;
        if old.is_empty() {
            return Ok(());
        }
        // The old layout kept the version switched from beside the current.
        let previous = previous.or_else(|| old.iter().copied().filter(|v| *v < current).max());
        for version in [Some(current), previous].into_iter().flatten() {
            if !old.contains(&version) {
                continue;
            }
            let bundle = legacy::bundle(&self.store, version)?;
            self.write_file(&bundle, None, None)?;
        }
        let mut record = Changes::default();
        if let Some(previous) = previous {
            record.put(TREE, PREVIOUS, previous.to_be_bytes());
        }
        self.store.commit(&record)?;
        legacy::remove_versions(&self.store, &old)?;
        Ok(())
    }

    /// One procedure of the current catalog.
    pub fn procedure(&self, code: &str) -> Result<Procedure, CatalogError> {
        let code = code.trim();
        let found = match self.current_catalog()?.ok_or(CatalogError::NoCatalog)? {
            Current::File(f) => f.procedure(code)?,
            Current::Legacy { store, version } => legacy::procedure(&store, version, code)?,
        };
        found.ok_or_else(|| CatalogError::NotFound(code.to_string()))
    }

    /// Every procedure of the current catalog, in code order.
    pub fn procedures(&self) -> Result<Vec<Procedure>, CatalogError> {
        match self.current_catalog()?.ok_or(CatalogError::NoCatalog)? {
            Current::File(f) => {
                let mut all = f.procedures()?;
                all.sort_by(|a, b| a.code.cmp(&b.code));
                Ok(all)
            }
            Current::Legacy { store, version } => legacy::procedures(&store, version),
        }
    }

    /// The current catalog as a bundle (e.g. to serve or back up), its
    /// procedures in the order they hash to its content hash (verified).
    pub fn bundle(&self) -> Result<Bundle, CatalogError> {
        match self.current_catalog()?.ok_or(CatalogError::NoCatalog)? {
            Current::File(f) => Ok(Bundle {
                info: f.info().clone(),
                procedures: f.procedures()?,
                data: f.data_items()?,
            }),
            Current::Legacy { store, version } => legacy::bundle(&store, version),
        }
    }

    /// The data the current catalog carries, sorted by name (ADR 0023).
    pub fn data_items(&self) -> Result<Vec<crate::catalog::data::DataItem>, CatalogError> {
        match self.current_catalog()?.ok_or(CatalogError::NoCatalog)? {
            Current::File(f) => f.data_items(),
            Current::Legacy { .. } => Ok(Vec::new()),
        }
    }

    /// The data item named `name` the current catalog carries, if any
    /// (checked against its SHA-256).
    pub fn data_item(
        &self,
        name: &str,
    ) -> Result<Option<crate::catalog::data::DataItem>, CatalogError> {
        match self.current_catalog()?.ok_or(CatalogError::NoCatalog)? {
            Current::File(f) => f.data_item(name),
            Current::Legacy { .. } => Ok(None),
        }
    }

    /// The current catalog's compact search entries (derived from its
    /// procedures, without keeping them).
    pub fn search_entries(&self) -> Result<Vec<SearchEntry>, CatalogError> {
        self.current_catalog()?
            .ok_or(CatalogError::NoCatalog)?
            .search_entries()
    }

    /// The current catalog as it is kept, `None` when there is none.
    pub(crate) fn current_catalog(&self) -> Result<Option<Current>, CatalogError> {
        let Some(version) = self.current_version()? else {
            return Ok(None);
        };
        if let Some(file) = self.opened_slot().as_ref() {
            if file.info().version == version {
                return Ok(Some(Current::File(file.clone())));
            }
        }
        let path = self.dir.join(files::name(version, files::CATALOG_EXT));
        let file = match VersionFile::open(&path) {
            Ok(file) => file,
            Err(e) => {
                return if legacy::has(&self.store, version)? {
                    Ok(Some(Current::Legacy {
                        store: self.store.clone(),
                        version,
                    }))
                } else {
                    Err(e)
                };
            }
        };
        if file.info().version != version {
            return Err(CatalogError::damaged_file(
                &path,
                "table",
                format!("holds version {}", file.info().version),
            ));
        }
        let file = Arc::new(file);
        *self.opened_slot() = Some(file.clone());
        Ok(Some(Current::File(file)))
    }

    /// Where a file derived from `version` (the search index) is kept: beside
    /// its catalog file, collected with it.
    pub(crate) fn derived_path(&self, version: u64, ext: &str) -> PathBuf {
        self.dir.join(files::name(version, ext))
    }

    fn opened_slot(&self) -> std::sync::MutexGuard<'_, Option<Arc<VersionFile>>> {
        self.opened
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    }

    fn read_version(&self, key: &[u8]) -> Result<Option<u64>, CatalogError> {
        match self.store.get(TREE, key)? {
            None => Ok(None),
            Some(bytes) => {
                let arr: [u8; 8] =
                    bytes
                        .as_slice()
                        .try_into()
                        .map_err(|_| CatalogError::Damaged {
                            key: String::from_utf8_lossy(key).into_owned(),
                            reason: format!("{} bytes, expected 8", bytes.len()),
                        })?;
                Ok(Some(u64::from_be_bytes(arr)))
            }
        }
    }
}

/// Offers the units table `file`'s catalog carries, if any, as the table in
/// effect (`hoso_places::offer`: taken when newer than the one in effect,
/// read whole only when first used). A table that cannot be offered is
/// left out: it was checked when its catalog was installed, and the
/// table in effect stays.
fn offer_units(file: &VersionFile) {
    // Every store opened in a process would read and hash the same table
    // again; a table already offered is known by its digest in the table.
    static OFFERED: Mutex<Vec<[u8; 32]>> = Mutex::new(Vec::new());
    let Some(digest) = file.data_digest(crate::catalog::data::UNITS) else {
        return;
    };
    let offered = || {
        OFFERED
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner())
    };
    if offered().contains(&digest) {
        return;
    }
    if let Ok(Some(units)) = file.data_item(crate::catalog::data::UNITS) {
        let _ = hoso_places::offer(units.bytes);
        offered().push(digest);
    }
}

/// A version offered to follow `current` must be newer, and at most
/// [`CATALOG_VERSION_JUMP_MAX`](hoso_store::limits::CATALOG_VERSION_JUMP_MAX)
/// versions newer.
fn check_next(current: Option<u64>, offered: u64) -> Result<(), CatalogError> {
    let Some(current) = current else {
        return Ok(());
    };
    if offered <= current {
        return Err(CatalogError::Stale { offered, current });
    }
    if offered - current > hoso_store::limits::CATALOG_VERSION_JUMP_MAX {
        return Err(CatalogError::VersionJump { offered, current });
    }
    Ok(())
}

fn io(path: &Path) -> impl Fn(std::io::Error) -> CatalogError + '_ {
    move |e| CatalogError::file_io(path, &e)
}
