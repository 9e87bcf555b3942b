//! The table compiled into the library (`core/data/units/units.tsv.gz`,
//! written by `core/data/units/generate.py`), read and checked once, on
//! first use, like any other table.

use crate::error::UnitsError;
use crate::table::Units;
use std::sync::OnceLock;

/// The bundled table's bytes.
const BUNDLED: &[u8] = include_bytes!("../../data/units/units.tsv.gz");

/// The bundled table (the tests check that it reads). Read on first call;
/// later calls return the same table, or the same refusal.
pub fn bundled() -> Result<&'static Units, &'static UnitsError> {
    static TABLE: OnceLock<Result<Units, UnitsError>> = OnceLock::new();
    TABLE.get_or_init(|| Units::from_bytes(BUNDLED)).as_ref()
}

#[cfg(test)]
pub(crate) fn bundled_bytes() -> &'static [u8] {
    BUNDLED
}
