//! hoso-places: Vietnam's administrative units as addresses need them — the
//! 34 provinces and 3,321 commune-level units (xã, phường, đặc khu) in force
//! since 1 July 2025, the 63 provinces, their districts and communes before
//! it, and the new unit(s) each former commune became part of. One versioned
//! table, bundled in the library and replaced by a newer one delivered with
//! the catalog (`offer`, `current`), read like any outside input: bounded,
//! checked, typed errors. Below the forms layer, above the store
//! (`docs/architecture.md`, `docs/addresses.md`, ADR 0019).

mod bundled;
mod error;
mod in_effect;
mod kind;
mod name;
mod read;
mod search;
mod search_index;
mod table;
#[cfg(test)]
mod tests;

pub use bundled::bundled;
pub use error::UnitsError;
pub use in_effect::{compare_versions, current, offer, table_info, TableInfo};
pub use kind::UnitKind;
pub use search::{FormerLevel, FormerUnit, Level, MatchQuality, PlaceMatch, PlaceRef};
pub use table::{
    Commune, FormerCommune, FormerDistrict, FormerProvince, NewUnit, Province, Successor, Units,
};

// The layer below, under the names the modules use (`crate::text::…`).
use hoso_store::{limits, text};
