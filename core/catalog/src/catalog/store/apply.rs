//! Applying a catalog delta in place (ADR 0017): the next version's file is
//! made from the current one's stored bytes and the delta's procedures,
//! without parsing the procedures the delta leaves alone. The delta's rules
//! are `delta::Merge`'s; this walks the current file in code order through
//! it, hashing each procedure as it is written (the stored canonical JSON
//! of those kept, `serde_json::to_vec` of those the delta brings), copies
//! the blocks of kept procedures compressed as they are, compresses only the
//! blocks touched, and carries the kept procedures' search entries over,
//! and the data items the delta leaves alone (ADR 0023).
//! A count or content hash other than the delta's is refused before the
//! file is renamed into place, so nothing is switched; the place, the
//! switch and the crash behaviour are `install`'s.

use super::version_file::{Stored, VersionFile};
use super::writer::Writer;
use super::{check_next, io, CatalogError, CatalogStore, Current, Installed, Step};
use crate::catalog::bundle::{Bundle, BundleInfo};
use crate::catalog::delta::{Delta, DeltaError, Merge};
use crate::catalog::{Procedure, SearchEntry};

impl CatalogStore {
    /// Applies `delta` to the current catalog and makes the version it
    /// declares current, as [`CatalogStore::install`] would the bundle
    /// [`Delta::apply`] makes (the same file, the same safety), but from the
    /// stored bytes: only the procedures the delta brings are serialised
    /// and their blocks compressed. A delta that does not fit the current
    /// catalog is [`CatalogError::Delta`] and changes nothing.
    pub fn apply_delta(&self, delta: Delta) -> Result<Installed, CatalogError> {
        self.apply_delta_until(delta, None)
    }

    pub(super) fn apply_delta_until(
        &self,
        delta: Delta,
        stop: Option<Step>,
    ) -> Result<Installed, CatalogError> {
        let _changing = super::files::lock_changes();
        let current = self.current_catalog()?.ok_or(CatalogError::NoCatalog)?;
        let held = current.info()?;
        let file = match current {
            // A delta that keeps the content installs nothing, as a bundle
            // of it would; a bundle installed out of code order, or a
            // version still in the old layout, is merged as procedures.
            Current::File(file)
                if file.in_code_order() && delta.to.content_hash != held.content_hash =>
            {
                file
            }
            current => {
                let held = match current {
                    Current::File(file) => Bundle {
                        info: held,
                        procedures: file.procedures()?,
                        data: file.data_items()?,
                    },
                    Current::Legacy { store, version } => super::legacy::bundle(&store, version)?,
                };
                return self.install_locked(&delta.apply(held)?, stop);
            }
        };
        let merge = delta.against(&held)?;
        let version = merge.to().version;
        check_next(Some(held.version), version)?;
        let target = self.place_file(
            version,
            stop,
            |out, path| merged(&file, merge, out).map_err(|e| e.at(path)),
            |written, (to, fresh)| written.verify_stored(&to, &fresh),
        )?;
        match target {
            Some(target) => self.switch(&target, version, Some(held.version), stop),
            None => Ok(Installed::Unchanged { version }),
        }
    }
}

/// Why writing the merged file stopped: the catalog (a delta refused, a
/// damaged current file) or the disk, for the temporary file.
enum Failed {
    Catalog(CatalogError),
    Io(std::io::Error),
}

impl Failed {
    fn at(self, path: &std::path::Path) -> CatalogError {
        match self {
            Failed::Catalog(e) => e,
            Failed::Io(e) => io(path)(e),
        }
    }
}

impl From<CatalogError> for Failed {
    fn from(e: CatalogError) -> Failed {
        Failed::Catalog(e)
    }
}

impl From<DeltaError> for Failed {
    fn from(e: DeltaError) -> Failed {
        Failed::Catalog(e.into())
    }
}

impl From<std::io::Error> for Failed {
    fn from(e: std::io::Error) -> Failed {
        Failed::Io(e)
    }
}

/// Writes into `out` the file of `held` (in code order) merged with the
/// delta: each kept procedure's stored bytes, each new one's canonical
/// JSON, at their places in code order; the search entries of kept
/// procedures as stored (derived from their JSON when the file's are stale
/// or damaged), of new ones derived. Refused, as `merge` says, when the
/// result is not what the delta declares. The version written, and the
/// blocks compressed anew.
fn merged(
    held: &VersionFile,
    mut merge: Merge,
    out: &mut std::fs::File,
) -> Result<(BundleInfo, Vec<u32>), Failed> {
    let to = merge.to().clone();
    let mut writer = Writer::new(out, Some(held))?;
    let mut kept_entries = held.search_entries().ok().flatten().map(Vec::into_iter);
    let mut entries: Vec<SearchEntry> = Vec::with_capacity(to.procedure_count);
    held.walk(&mut |stored| -> Result<(), Failed> {
        match stored {
            Stored::Block { index, compressed } => writer.holding(index, compressed),
            Stored::Procedure { code, json, from } => {
                let kept_entry = kept_entries.as_mut().and_then(Iterator::next);
                if merge.held(code, &mut |p| put(&mut writer, &mut entries, p))? {
                    writer.push(code, json, Some(from))?;
                    entries.push(match kept_entry {
                        Some(entry) => entry,
                        None => SearchEntry::from(&held.parse(json)?),
                    });
                }
            }
        }
        Ok(())
    })?;
    merge.rest(&mut |p| put(&mut writer, &mut entries, p))?;
    let data = merge.data(held.data_items()?)?;
    let written = writer.finish(&to, &entries, &data)?;
    let to = merge.finish(written.procedures, written.content_hash)?;
    Ok((to, written.fresh))
}

/// Writes a procedure the delta brings, and its search entry.
fn put(
    writer: &mut Writer<'_>,
    entries: &mut Vec<SearchEntry>,
    p: Procedure,
) -> Result<(), Failed> {
    let json = serde_json::to_vec(&p).map_err(std::io::Error::from)?;
    writer.push(&p.code, &json, None)?;
    entries.push(SearchEntry::from(&p));
    Ok(())
}
