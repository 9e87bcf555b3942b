//! Bringing a draft's addresses up to today's units (issue #21): drafts
//! started before addresses were checked against the unit table may hold
//! free names, former communes or townships. Each address is settled to
//! official names with the commune's code, or converted from a former unit
//! to the unit it is part of now; what cannot be read stays as typed.

use super::model::Draft;
use super::store::{DraftError, Drafts};
use crate::form::{field_path, store_place, AddressPart};
use crate::validate::regions::{self, Upgrade};

/// One address of a draft as found, and what became of it.
#[derive(Debug, Clone, serde::Serialize)]
pub struct DraftAddressUpgrade {
    /// The address field's path (`applicant.address`, `members[0].address`).
    pub field: String,
    /// The values found.
    pub province: String,
    pub commune: String,
    #[serde(flatten)]
    pub upgrade: Upgrade,
}

impl Drafts {
    /// Upgrades every address of the draft in one write (none when nothing
    /// changes) and reports each address found, changed or not.
    pub fn upgrade_addresses(
        &self,
        id_or_prefix: &str,
    ) -> Result<(Draft, Vec<DraftAddressUpgrade>), DraftError> {
        let draft = self.get(id_or_prefix)?;
        let schema = self.schema(&draft)?;
        let mut report = Vec::new();
        for path in draft.values.keys() {
            let Ok(resolved) = schema.resolve(path) else {
                continue;
            };
            if resolved.part != Some(AddressPart::Commune) {
                continue;
            }
            let part = |p| {
                field_path(
                    &resolved.group.id,
                    resolved.index,
                    &resolved.field.id,
                    Some(p),
                )
            };
            let values = &draft.values;
            let (Some(province), Some(commune)) = (
                values.get(&part(AddressPart::Province)),
                values.get(&part(AddressPart::Commune)),
            ) else {
                continue;
            };
            let code = values.get(&part(AddressPart::Code)).map(String::as_str);
            report.push(DraftAddressUpgrade {
                field: field_path(&resolved.group.id, resolved.index, &resolved.field.id, None),
                province: province.clone(),
                commune: commune.clone(),
                upgrade: regions::upgrade(province, commune, code),
            });
        }
        if !report.iter().any(|r| r.upgrade.writes()) {
            return Ok((draft, report));
        }
        let (draft, ()) = self.edit(&draft.id, |draft| {
            for r in &report {
                let Some(place) = r.upgrade.place() else {
                    continue;
                };
                let at = |p: AddressPart| format!("{}.{}", r.field, p.as_str());
                // Only what was read: a value changed meanwhile stays.
                let unchanged = draft.values.get(&at(AddressPart::Province)) == Some(&r.province)
                    && draft.values.get(&at(AddressPart::Commune)) == Some(&r.commune);
                if !unchanged {
                    continue;
                }
                store_place(&r.field, place, &mut draft.values);
            }
            Ok(())
        })?;
        Ok((draft, report))
    }
}
