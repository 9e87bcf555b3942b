//! The table in effect in this process: the newest, by version, of the
//! table compiled in and those delivered with a catalog (`offer`). Units
//! change by resolution, so a catalog can bring a newer table than the app
//! was built with; an older one (a catalog made before the app) changes
//! nothing. A table offered is read whole only when first asked for, so
//! opening a catalog costs a header's read; one that fails then, or that
//! lists other provinces than the built-in one, is left out and the table
//! before it stays in effect (ADR 0023): the 34 provinces are also
//! compiled into the forms' province check (with their ID-card codes and
//! the names people use), so a change of provinces needs an app release.

use crate::bundled::{bundled_bytes, bundled_shared};
use crate::error::UnitsError;
use crate::read::version_of;
use crate::table::Units;
use serde::Serialize;
use std::cmp::Ordering;
use std::sync::{Arc, Mutex, MutexGuard, OnceLock};

/// What was offered beyond the bundled table.
#[derive(Default)]
struct Offered {
    /// The newest table offered and read.
    delivered: Option<Arc<Units>>,
    /// A newer one offered and not read yet: its version and bytes.
    pending: Option<(String, Arc<[u8]>)>,
}

fn offered() -> MutexGuard<'static, Offered> {
    static OFFERED: OnceLock<Mutex<Offered>> = OnceLock::new();
    OFFERED
        .get_or_init(Mutex::default)
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// The bundled table's version, read from its header.
fn bundled_version() -> Option<&'static str> {
    static VERSION: OnceLock<Option<String>> = OnceLock::new();
    VERSION
        .get_or_init(|| version_of(bundled_bytes()).ok())
        .as_deref()
}

/// The table in effect: the newest delivered with a catalog when it is
/// newer than the bundled one, else the bundled one.
pub fn current() -> Result<Arc<Units>, &'static UnitsError> {
    let mut offered = offered();
    if let Some((_, bytes)) = offered.pending.take() {
        // Checked when its catalog was installed; a table that fails now
        // was damaged since, and the one before it stays.
        if let Ok(units) = Units::from_bytes(&bytes) {
            if usable(&units) {
                offered.delivered = Some(Arc::new(units));
            }
        }
    }
    if let Some(units) = &offered.delivered {
        return Ok(units.clone());
    }
    drop(offered);
    bundled_shared()
}

/// Whether a delivered table can replace the built-in one: the same
/// provinces (code, kind, name), which the app also knows by heart.
fn usable(units: &Units) -> bool {
    bundled_shared().is_ok_and(|built_in| built_in.provinces() == units.provinces())
}

/// Offers a table delivered with a catalog (its gzip bytes, as the
/// catalog keeps them). It takes effect, from the next [`current`], when
/// its version is newer than the table in effect; `Ok(false)` when it is
/// not. Only its header is read here: a table is checked whole when its
/// catalog is installed ([`Units::from_bytes`]).
pub fn offer(bytes: Arc<[u8]>) -> Result<bool, UnitsError> {
    let version = version_of(&bytes)?;
    let mut offered = offered();
    let in_effect = match (&offered.pending, &offered.delivered) {
        (Some((pending, _)), _) => Some(pending.clone()),
        (None, Some(units)) => Some(units.version().to_string()),
        (None, None) => bundled_version().map(str::to_string),
    };
    if in_effect.is_some_and(|v| compare_versions(&version, &v) != Ordering::Greater) {
        return Ok(false);
    }
    offered.pending = Some((version, bytes));
    Ok(true)
}

/// Which table is in effect, for a surface to show.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TableInfo {
    /// The table's version, e.g. "2025-07-01.1".
    pub version: String,
    /// Where its data comes from (package, version, licence).
    pub source: String,
    /// True when it came with the catalog, false when it is the one built
    /// into the app.
    pub from_catalog: bool,
    pub provinces: usize,
    pub communes: usize,
    pub former_provinces: usize,
    pub former_districts: usize,
    pub former_communes: usize,
}

/// The table in effect, described.
pub fn table_info() -> Result<TableInfo, &'static UnitsError> {
    let units = current()?;
    Ok(TableInfo {
        version: units.version().to_string(),
        source: units.source().to_string(),
        from_catalog: Some(units.version()) != bundled_version(),
        provinces: units.provinces().len(),
        communes: units.communes().len(),
        former_provinces: units.former_provinces().len(),
        former_districts: units.former_district_list().len(),
        former_communes: units.former_commune_list().len(),
    })
}

/// Orders table versions ("2025-07-01.1" < "2025-07-01.2" <
/// "2026-01-15.1"): part by part between `.`, `-` and `+`, numbers as
/// numbers, other parts as text, a version that is a prefix of another
/// first.
pub fn compare_versions(a: &str, b: &str) -> Ordering {
    let parts = |v: &str| -> Vec<String> {
        v.split(['.', '-', '+'])
            .map(|p| p.trim_start_matches('0').to_string())
            .collect()
    };
    let (a, b) = (parts(a), parts(b));
    for (x, y) in a.iter().zip(&b) {
        let numeric = |p: &str| p.bytes().all(|c| c.is_ascii_digit());
        let order = if numeric(x) && numeric(y) {
            x.len().cmp(&y.len()).then_with(|| x.cmp(y))
        } else {
            x.cmp(y)
        };
        if order != Ordering::Equal {
            return order;
        }
    }
    a.len().cmp(&b.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn versions_order_by_date_then_number() {
        assert_eq!(
            compare_versions("2025-07-01.1", "2025-07-01.2"),
            Ordering::Less
        );
        assert_eq!(
            compare_versions("2025-07-01.10", "2025-07-01.9"),
            Ordering::Greater
        );
        assert_eq!(
            compare_versions("2026-01-15.1", "2025-12-31.7"),
            Ordering::Greater
        );
        assert_eq!(
            compare_versions("2025-07-01.1", "2025-07-01.1"),
            Ordering::Equal
        );
        assert_eq!(
            compare_versions("2025-07-01", "2025-07-01.1"),
            Ordering::Less
        );
    }

    #[test]
    fn the_bundled_table_header_gives_its_version() {
        let version = bundled_version().expect("the bundled table's header");
        assert_eq!(Some(version), crate::bundled().ok().map(Units::version));
    }

    /// The bundled table's text with `edit` applied and a newer version.
    fn newer(edit: impl Fn(String) -> String) -> Arc<[u8]> {
        use std::io::{Read, Write};
        let mut text = String::new();
        flate2::read::MultiGzDecoder::new(bundled_bytes())
            .read_to_string(&mut text)
            .unwrap();
        let text = edit(text.replacen("version\t2025-07-01.1", "version\t2099-01-01.1", 1));
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
        gz.write_all(text.as_bytes()).unwrap();
        gz.finish().unwrap().into()
    }

    #[test]
    fn a_table_with_other_provinces_is_not_used() {
        let renamed = newer(|t| {
            t.replacen(
                "P\t01\tThành phố\tHà Nội",
                "P\t01\tThành phố\tThăng Long",
                1,
            )
        });
        let units = Units::from_bytes(&renamed).unwrap();
        assert!(!usable(&units));
        let same = Units::from_bytes(&newer(|t| t)).unwrap();
        assert!(usable(&same));
    }

    #[test]
    fn an_older_or_equal_table_offered_changes_nothing() {
        let bytes: Arc<[u8]> = bundled_bytes().into();
        assert!(!offer(bytes).unwrap());
        let info = table_info().unwrap();
        assert!(!info.from_catalog);
        assert_eq!(info.communes, 3321);
        assert!(offer(Arc::from(&b"not a table"[..])).is_err());
    }
}
