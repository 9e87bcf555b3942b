//! The citizen's profile through the binding: their own data and family
//! members, saved once (sealed) and prefilled into new drafts.

use crate::error::HosoError;
use crate::hoso::Hoso;
pub use hoso_core::profile::Relation;
use hoso_core::profile::{self, person_fields};
use hoso_core::validate::Problem;
use std::collections::HashMap;

// The core's own type, exposed as it is (see `events.rs` on
// `#[uniffi::remote]`).
/// How a family member is related to the profile's owner.
#[uniffi::remote(Enum)]
pub enum Relation {
    Spouse,
    Father,
    Mother,
    Child,
    Sibling,
    Other,
}

/// A family member and their values.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct FamilyMember {
    /// The member's id (`m1`, `m2` …), used to change them.
    pub id: String,
    pub relation: Relation,
    /// Field id → value (see `profile_fields`).
    pub values: HashMap<String, String>,
}

/// Everything the profile holds.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct Profile {
    /// The owner's own values: field id → value.
    pub me: HashMap<String, String>,
    pub family: Vec<FamilyMember>,
    /// Unix seconds of the last change (0 before any).
    pub updated_at: i64,
}

/// What is wrong with a value, in both languages.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct ValueProblem {
    pub code: String,
    pub message_vi: String,
    pub message_en: String,
}

/// The profile after a change, and what looks inconsistent in the changed
/// person (saved all the same).
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct ProfileChange {
    pub profile: Profile,
    pub warning: Option<ValueProblem>,
}

/// A field a person in the profile can have.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct ProfileField {
    pub field: String,
    pub label_vi: String,
    pub label_en: String,
}

impl From<Problem> for ValueProblem {
    fn from(p: Problem) -> ValueProblem {
        ValueProblem {
            code: p.code.to_string(),
            message_vi: p.message_vi,
            message_en: p.message_en,
        }
    }
}

impl From<profile::Profile> for Profile {
    fn from(p: profile::Profile) -> Profile {
        Profile {
            me: p.me.into_iter().collect(),
            family: p
                .family
                .into_iter()
                .map(|m| FamilyMember {
                    id: m.id,
                    relation: m.relation,
                    values: m.values.into_iter().collect(),
                })
                .collect(),
            updated_at: p.updated_at,
        }
    }
}

/// The fields a person in the profile can have, with their labels.
#[uniffi::export]
pub fn profile_fields() -> Vec<ProfileField> {
    person_fields()
        .map(|(field, vi, en)| ProfileField {
            field: field.to_string(),
            label_vi: vi.to_string(),
            label_en: en.to_string(),
        })
        .collect()
}

#[uniffi::export]
impl Hoso {
    /// The saved profile.
    pub fn profile(&self) -> Result<Profile, HosoError> {
        Ok(self.state.profiles()?.get()?.into())
    }

    /// Sets one field of the owner (`member` = None) or of a family member.
    /// A malformed value is refused with `InvalidInput`; an inconsistent
    /// one is saved with a warning.
    pub fn set_profile_value(
        &self,
        member: Option<String>,
        field: String,
        value: String,
    ) -> Result<ProfileChange, HosoError> {
        let change = self
            .state
            .profiles()?
            .set(member.as_deref(), &field, &value)?;
        Ok(ProfileChange {
            profile: change.profile.into(),
            warning: change.warning.map(Into::into),
        })
    }

    /// Clears one field of the owner or of a family member.
    pub fn clear_profile_value(
        &self,
        member: Option<String>,
        field: String,
    ) -> Result<Profile, HosoError> {
        Ok(self
            .state
            .profiles()?
            .clear(member.as_deref(), &field)?
            .into())
    }

    /// Adds a family member; returns their id.
    pub fn add_family_member(&self, relation: Relation) -> Result<String, HosoError> {
        Ok(self.state.profiles()?.add_member(relation.as_str())?.0)
    }

    /// Removes a family member and their values.
    pub fn remove_family_member(&self, id: String) -> Result<Profile, HosoError> {
        Ok(self.state.profiles()?.remove_member(&id)?.into())
    }
}
