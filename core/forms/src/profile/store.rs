//! Reading and changing the profile. The whole profile is one sealed record,
//! so every change is a single atomic, flushed write: acknowledged means
//! durable.

use super::model::{
    normalize_person_value, person_consistency, settle_person_place, FamilyMember, Profile,
    Relation,
};
use crate::storage::Changes;
use crate::validate::regions::{self, Upgrade};
use crate::validate::{self, Checked, Problem};
use crate::vault::{KeyProvider, Vault, VaultError};
use std::path::Path;

const SPACE: &str = crate::vault::PROFILE_SPACE;
const KEY: &[u8] = b"profile";

/// Why a profile change was refused.
#[derive(Debug, thiserror::Error)]
pub enum ProfileError {
    #[error(transparent)]
    Vault(#[from] VaultError),
    #[error("hồ sơ cá nhân không có trường {shown} / the profile has no field {shown}", shown = crate::text::shown_if_identifier(.0))]
    UnknownField(String),
    #[error("không có thành viên gia đình {shown} / no family member {shown}", shown = crate::text::shown_if_identifier(.0))]
    UnknownMember(String),
    #[error("quan hệ không hợp lệ: {shown} (dùng vo/chong, cha, me, con, anh/chi/em, khac) / unknown relation: {shown} (use spouse, father, mother, child, sibling, other)", shown = crate::text::shown_if_identifier(.0))]
    UnknownRelation(String),
    #[error("{field}: {} / {}", problem.message_vi, problem.message_en)]
    Invalid { field: String, problem: Problem },
    #[error("hồ sơ cá nhân đã lưu không đọc được / the saved profile is unreadable: {0}")]
    Damaged(String),
}

impl ProfileError {
    /// A stable machine code for the error.
    pub fn code(&self) -> &'static str {
        match self {
            ProfileError::Vault(e) => e.code(),
            ProfileError::UnknownField(_) => "unknown_field",
            ProfileError::UnknownMember(_) => "unknown_member",
            ProfileError::UnknownRelation(_) => "unknown_relation",
            ProfileError::Invalid { problem, .. } => problem.code,
            ProfileError::Damaged(_) => "damaged",
        }
    }
}

impl Classified for ProfileError {
    fn kind(&self) -> ErrorKind {
        match self {
            ProfileError::Vault(e) => e.kind(),
            ProfileError::UnknownMember(_) => ErrorKind::NotFound,
            ProfileError::UnknownField(_)
            | ProfileError::UnknownRelation(_)
            | ProfileError::Invalid { .. } => ErrorKind::InvalidInput,
            ProfileError::Damaged(_) => ErrorKind::Damaged,
        }
    }

    fn error_code(&self) -> &'static str {
        self.code()
    }
}

/// The saved profile after a change, and what is doubtful about the value
/// or inconsistent in the changed person, if anything.
#[derive(Debug, Clone, serde::Serialize)]
pub struct ProfileChange {
    pub profile: Profile,
    pub warning: Option<Problem>,
}

/// One person's address as found, and what became of it.
#[derive(Debug, Clone, serde::Serialize)]
pub struct AddressUpgrade {
    /// `me` or the family member's id.
    pub person: String,
    /// The values found.
    pub province: String,
    pub commune: String,
    #[serde(flatten)]
    pub upgrade: Upgrade,
}

/// The profile kept under a data directory.
#[derive(Clone)]
pub struct Profiles {
    vault: Vault,
}

use crate::clock::unix_now as now;
use hoso_store::error::{Classified, ErrorKind};

impl Profiles {
    pub fn open(data_dir: &Path, keys: &dyn KeyProvider) -> Result<Profiles, ProfileError> {
        let vault = Vault::open_dir(data_dir, keys)?;
        // Addresses are checked against the units table in effect, which
        // may have come with this directory's catalog: opening it offers
        // that table (ADR 0023). Without a catalog, the bundled one.
        let _ = crate::catalog::store::CatalogStore::open(data_dir);
        Ok(Profiles { vault })
    }

    pub fn with_vault(vault: Vault) -> Profiles {
        Profiles { vault }
    }

    /// Set when opening found a corrupt store and moved it aside.
    pub fn quarantined(&self) -> Option<&crate::Quarantined> {
        self.vault.store().quarantined()
    }

    /// The saved profile (empty if none was saved yet).
    pub fn get(&self) -> Result<Profile, ProfileError> {
        match self.vault.get(SPACE, KEY)? {
            None => Ok(Profile::default()),
            Some(bytes) => serde_json::from_slice(&bytes)
                .map_err(|e| ProfileError::Damaged(crate::storage::json_error_reason(&e))),
        }
    }

    /// Sets one field of the user (`member` = None) or of a family member.
    /// The value is checked and normalised first; nothing is saved if it is
    /// malformed. A value that contradicts the person's other values (an ID
    /// number that says another birth year) is saved with a warning, so the
    /// two can be corrected one after the other; so is a doubtful one (a
    /// mobile number whose prefix is not yet allocated), whose own warning
    /// comes first.
    pub fn set(
        &self,
        member: Option<&str>,
        field: &str,
        raw: &str,
    ) -> Result<ProfileChange, ProfileError> {
        validate::value_length(raw).map_err(|problem| ProfileError::Invalid {
            field: field.to_string(),
            problem,
        })?;
        let value = match normalize_person_value(field, raw, validate::today_vn()) {
            None => return Err(ProfileError::UnknownField(field.to_string())),
            Some(Err(problem)) => {
                return Err(ProfileError::Invalid {
                    field: field.to_string(),
                    problem,
                })
            }
            Some(Ok(checked)) => checked,
        };
        let Checked {
            value,
            warning: value_warning,
        } = value;
        let mut warning = None;
        let profile = self.edit(|profile| {
            let person = profile
                .person_mut(member)
                .ok_or_else(|| ProfileError::UnknownMember(member.unwrap_or("").to_string()))?;
            person.insert(field.to_string(), value.clone());
            warning = settle_person_place(field, person)
                .into_iter()
                .chain(person_consistency(person))
                .next();
            Ok(())
        })?;
        // The value's own warning first: it is about what was just typed.
        let warning = value_warning.or(warning);
        Ok(ProfileChange { profile, warning })
    }

    /// Removes one field's value.
    pub fn clear(&self, member: Option<&str>, field: &str) -> Result<Profile, ProfileError> {
        if !super::is_person_field(field) {
            return Err(ProfileError::UnknownField(field.to_string()));
        }
        self.edit(|profile| {
            let person = profile
                .person_mut(member)
                .ok_or_else(|| ProfileError::UnknownMember(member.unwrap_or("").to_string()))?;
            person.remove(field);
            settle_person_place(field, person);
            Ok(())
        })
    }

    /// Adds a family member and returns its id.
    pub fn add_member(&self, relation: &str) -> Result<(String, Profile), ProfileError> {
        let relation = Relation::parse(relation)
            .ok_or_else(|| ProfileError::UnknownRelation(relation.to_string()))?;
        let mut id = String::new();
        let profile = self.edit(|profile| {
            id = profile.next_member_id();
            profile.family.push(FamilyMember {
                id: id.clone(),
                relation,
                values: Default::default(),
            });
            Ok(())
        })?;
        Ok((id, profile))
    }

    /// Removes a family member.
    pub fn remove_member(&self, id: &str) -> Result<Profile, ProfileError> {
        self.edit(|profile| {
            let before = profile.family.len();
            profile.family.retain(|m| m.id != id);
            if profile.family.len() == before {
                return Err(ProfileError::UnknownMember(id.to_string()));
            }
            Ok(())
        })
    }

    /// Read, change, seal and durably write the profile as one record.
    /// Brings every person's address up to today's units (issue #21):
    /// values saved before addresses were checked against the unit table
    /// are settled to official names with the commune's code, or converted
    /// from a former unit to the unit it is part of now; what cannot be
    /// read stays as it is. One write for the whole profile, and only when
    /// something changed. Reports every address found, changed or not.
    pub fn upgrade_addresses(&self) -> Result<(Profile, Vec<AddressUpgrade>), ProfileError> {
        let mut report = Vec::new();
        let current = self.get()?;
        let plan = |person: &str, values: &super::PersonValues| {
            let (Some(province), Some(commune)) = (
                values.get("address.province"),
                values.get("address.commune"),
            ) else {
                return None;
            };
            let code = values.get("address.code").map(String::as_str);
            Some(AddressUpgrade {
                person: person.to_string(),
                province: province.clone(),
                commune: commune.clone(),
                upgrade: regions::upgrade(province, commune, code),
            })
        };
        report.extend(plan("me", &current.me));
        for m in &current.family {
            report.extend(plan(&m.id, &m.values));
        }
        if !report.iter().any(|r| r.upgrade.writes()) {
            return Ok((current, report));
        }
        let profile = self.edit(|profile| {
            for r in &report {
                let Some(place) = r.upgrade.place() else {
                    continue;
                };
                let member = (r.person != "me").then_some(r.person.as_str());
                if let Some(person) = profile.person_mut(member) {
                    // Only what was read: a value changed meanwhile stays.
                    if person.get("address.province") == Some(&r.province)
                        && person.get("address.commune") == Some(&r.commune)
                    {
                        crate::form::store_place("address", place, person);
                    }
                }
            }
            Ok(())
        })?;
        Ok((profile, report))
    }

    fn edit(
        &self,
        change: impl FnOnce(&mut Profile) -> Result<(), ProfileError>,
    ) -> Result<Profile, ProfileError> {
        let _guard = self.vault.store().edit_lock();
        let mut profile = self.get()?;
        change(&mut profile)?;
        profile.updated_at = now();
        let bytes = serde_json::to_vec(&profile)
            .map_err(|e| ProfileError::Damaged(crate::storage::json_error_reason(&e)))?;
        let mut changes = Changes::default();
        self.vault.put(&mut changes, SPACE, KEY, &bytes)?;
        self.vault
            .store()
            .commit(&changes)
            .map_err(VaultError::from)?;
        Ok(profile)
    }
}
