//! The table compiled into the library (`core/data/units/units.tsv.gz`,
//! written by `core/data/units/generate.py`), read and checked once, on
//! first use, like any other table.

use crate::error::UnitsError;
use crate::table::Units;
use std::sync::{Arc, OnceLock};

/// The bundled table's bytes.
const BUNDLED: &[u8] = include_bytes!("../../data/units/units.tsv.gz");

/// The bundled table (the tests check that it reads). Read on first call;
/// later calls return the same table, or the same refusal.
pub fn bundled() -> Result<&'static Units, &'static UnitsError> {
    table().as_ref().map(|units| &**units)
}

/// The bundled table shared, as [`crate::current`] gives tables.
pub(crate) fn bundled_shared() -> Result<Arc<Units>, &'static UnitsError> {
    table().as_ref().cloned()
}

fn table() -> &'static Result<Arc<Units>, UnitsError> {
    static TABLE: OnceLock<Result<Arc<Units>, UnitsError>> = OnceLock::new();
    TABLE.get_or_init(|| Units::from_bytes(BUNDLED).map(Arc::new))
}

/// The bundled table's bytes (its header gives the version to compare a
/// delivered table with).
pub(crate) fn bundled_bytes() -> &'static [u8] {
    BUNDLED
}
