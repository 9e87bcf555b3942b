//! The citizen profile ("một việc một lần làm"): the user's own data and
//! their family members, saved once — sealed in the vault — and prefilled
//! into new drafts.

mod model;
mod store;

pub(crate) use model::is_person_field;
pub use model::{person_fields, FamilyMember, PersonValues, Profile, Relation};
pub use store::{AddressUpgrade, ProfileChange, ProfileError, Profiles};
