//! Vietnam's administrative geography as addresses need it after the 2025
//! reorganisation: the 34 provincial-level units of Resolution 202/2025/QH15
//! (12 June 2025), the 63 former ones still encoded in personal ID numbers,
//! forgiving province lookup, and commune-level names (no district level
//! since 1 July 2025).

mod commune;
mod convert;
mod former;
mod lookup;
mod place;
mod provinces;
mod upgrade;

pub use commune::commune;
pub use convert::{convert, Converted};
pub use former::{former_by_id_code, province_for_id_code, FormerProvince, FORMER_PROVINCES};
pub use lookup::province;
pub use place::{commune_code, place, Place, PlaceProblem};
pub use provinces::{by_code, Province, PROVINCES};
pub use upgrade::{upgrade, Upgrade};
