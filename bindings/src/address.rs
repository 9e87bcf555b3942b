//! Addresses through the binding (issue #21): a province and commune
//! checked together against the unit table, an old address converted to
//! today's units, and what the profile and drafts saved before brought up
//! to date. Conversions of the core's `validate::regions` shapes only.

use crate::error::HosoError;
use crate::hoso::Hoso;
use crate::profile::{Profile, ValueProblem};
use hoso_core::places::{self, Level, PlaceMatch};
use hoso_core::validate::regions::{self, Upgrade};

/// A commune-level unit with its province: official names and national
/// codes (2-digit province, 5-digit commune).
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct AddressPlace {
    pub province_code: String,
    pub province_name: String,
    pub commune_code: String,
    pub commune_name: String,
}

/// One unit the address picker offers.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct AddressMatch {
    /// A province (2-digit code) rather than a commune-level unit (5).
    pub is_province: bool,
    pub code: String,
    /// Official name ("Phường Sài Gòn").
    pub name: String,
    /// Its province (for a province, itself).
    pub province_code: String,
    pub province_name: String,
    /// How the typed text fitted: `exact`, `prefix`, `typo` or `kind`.
    pub quality: String,
    /// Set when found through a name from before 1 July 2025: that former
    /// unit's official name with its district and province.
    pub former: Option<String>,
    /// The former unit was divided and this is not the part assumed by
    /// default.
    pub former_in_part: bool,
}

/// A province and commune checked together: the place they name, or why
/// not with the places the person may have meant (best first).
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct AddressCheck {
    pub place: Option<AddressPlace>,
    pub problem: Option<ValueProblem>,
    pub suggestions: Vec<AddressPlace>,
}

/// The units table in effect: built into the app, or a newer one that
/// came with the catalog.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct AddressTable {
    /// E.g. "2025-07-01.1".
    pub version: String,
    /// Where its data comes from (package, version, licence).
    pub source: String,
    /// It came with the catalog (`updateCatalog`), not with the app.
    pub from_catalog: bool,
    pub provinces: u32,
    pub communes: u32,
    pub former_provinces: u32,
    pub former_districts: u32,
    pub former_communes: u32,
}

impl From<places::TableInfo> for AddressTable {
    fn from(t: places::TableInfo) -> Self {
        let count = |n: usize| u32::try_from(n).unwrap_or(u32::MAX);
        AddressTable {
            version: t.version,
            source: t.source,
            from_catalog: t.from_catalog,
            provinces: count(t.provinces),
            communes: count(t.communes),
            former_provinces: count(t.former_provinces),
            former_districts: count(t.former_districts),
            former_communes: count(t.former_communes),
        }
    }
}

/// An address in today's units.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct ConvertedAddress {
    /// The only new unit, or the default of a split commune.
    pub place: AddressPlace,
    /// Every unit the commune became part of, the default first.
    pub candidates: Vec<AddressPlace>,
    /// House number, street, hamlet: what came before the commune.
    pub detail: String,
    /// Whether the address named units from before 1 July 2025.
    pub from_former: bool,
    /// The former commune, officially named with district and province.
    pub former: Option<String>,
}

/// What became of one saved address.
#[derive(Debug, Clone, Copy, PartialEq, Eq, uniffi::Enum)]
pub enum AddressOutcome {
    /// Already official, with its code.
    Unchanged,
    /// The same unit, now by its official names and code.
    Settled,
    /// A former unit converted to the unit it is part of now.
    Converted,
    /// Neither a unit of today nor a former one: left as typed.
    Unresolved,
}

/// One saved address and what became of it.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct AddressUpgrade {
    /// Whose or which: `me` or a family member's id in the profile, the
    /// field path (`mother.address`) in a draft.
    pub owner: String,
    /// The values found.
    pub province: String,
    pub commune: String,
    pub outcome: AddressOutcome,
    /// The place now stored (none when unresolved).
    pub place: Option<AddressPlace>,
    /// For a converted split commune: every unit, the default first.
    pub candidates: Vec<AddressPlace>,
    pub former: Option<String>,
    pub problem: Option<ValueProblem>,
}

/// The profile after its addresses were upgraded, and each address.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct ProfileAddressUpgrade {
    pub profile: Profile,
    pub addresses: Vec<AddressUpgrade>,
}

impl From<regions::Place> for AddressPlace {
    fn from(p: regions::Place) -> AddressPlace {
        AddressPlace {
            province_code: p.province_code,
            province_name: p.province_name,
            commune_code: p.commune_code,
            commune_name: p.commune_name,
        }
    }
}

fn places(list: Vec<regions::Place>) -> Vec<AddressPlace> {
    list.into_iter().map(Into::into).collect()
}

fn upgrade(owner: String, province: String, commune: String, up: Upgrade) -> AddressUpgrade {
    let base = AddressUpgrade {
        owner,
        province,
        commune,
        outcome: AddressOutcome::Unchanged,
        place: None,
        candidates: Vec::new(),
        former: None,
        problem: None,
    };
    match up {
        Upgrade::Unchanged { place } => AddressUpgrade {
            place: Some(place.into()),
            ..base
        },
        Upgrade::Settled { place } => AddressUpgrade {
            outcome: AddressOutcome::Settled,
            place: Some(place.into()),
            ..base
        },
        Upgrade::Converted {
            place,
            candidates,
            former,
        } => AddressUpgrade {
            outcome: AddressOutcome::Converted,
            place: Some(place.into()),
            candidates: places(candidates),
            former,
            ..base
        },
        Upgrade::Unresolved { problem } => AddressUpgrade {
            outcome: AddressOutcome::Unresolved,
            problem: Some(problem.into()),
            ..base
        },
    }
}

impl From<PlaceMatch> for AddressMatch {
    fn from(m: PlaceMatch) -> AddressMatch {
        let former = m.former.as_ref().map(|f| f.written());
        AddressMatch {
            is_province: m.level == Level::Province,
            former_in_part: m.former.as_ref().is_some_and(|f| f.split && !f.default),
            former,
            quality: m.quality.as_str().to_string(),
            code: m.code,
            name: m.name,
            province_code: m.province.code,
            province_name: m.province.name,
        }
    }
}

#[uniffi::export]
impl Hoso {
    /// The address picker: provinces and communes as people type them (no
    /// diacritics, "P.", "TP", a typo, a pre-2025 name), best first; within
    /// a province when `province` (its 2-digit code) is given. Fast enough
    /// for every keystroke.
    pub fn search_address(
        &self,
        query: String,
        province: Option<String>,
        limit: u32,
    ) -> Result<Vec<AddressMatch>, HosoError> {
        let units = places::current().map_err(|e| HosoError::classified(e))?;
        let limit = usize::try_from(limit).unwrap_or(usize::MAX);
        Ok(units
            .search(&query, province.as_deref(), limit)
            .into_iter()
            .map(Into::into)
            .collect())
    }

    /// Which units table addresses are checked against: the app's own, or
    /// a newer one that came with the catalog.
    pub fn address_table(&self) -> Result<AddressTable, HosoError> {
        places::table_info()
            .map(Into::into)
            .map_err(|e| HosoError::classified(e))
    }

    /// Checks a province and commune as typed (any diacritics, "P.", "X.")
    /// against the units since 1 July 2025.
    pub fn check_address(&self, province: String, commune: String) -> AddressCheck {
        match regions::place(&province, &commune) {
            Ok(place) => AddressCheck {
                place: Some(place.into()),
                problem: None,
                suggestions: Vec::new(),
            },
            Err(found) => AddressCheck {
                place: None,
                problem: Some(found.problem.into()),
                suggestions: places(found.suggestions),
            },
        }
    }

    /// Reads a free-text address (old or new) and answers it in today's
    /// units. An address that cannot be read is `InvalidInput` with the
    /// reason's code (`address_province_missing`, …).
    pub fn convert_address(&self, text: String) -> Result<ConvertedAddress, HosoError> {
        let c = regions::convert(&text)?;
        Ok(ConvertedAddress {
            place: c.place.into(),
            candidates: places(c.candidates),
            detail: c.detail,
            from_former: c.from_former,
            former: c.former,
        })
    }

    /// Brings every address of the profile up to today's units.
    pub fn upgrade_profile_addresses(&self) -> Result<ProfileAddressUpgrade, HosoError> {
        let (profile, report) = self.state.profiles()?.upgrade_addresses()?;
        Ok(ProfileAddressUpgrade {
            profile: profile.into(),
            addresses: report
                .into_iter()
                .map(|r| upgrade(r.person, r.province, r.commune, r.upgrade))
                .collect(),
        })
    }

    /// Brings every address of a draft up to today's units.
    pub fn upgrade_draft_addresses(&self, id: String) -> Result<Vec<AddressUpgrade>, HosoError> {
        let (_, report) = self.state.space()?.drafts.upgrade_addresses(&id)?;
        Ok(report
            .into_iter()
            .map(|r| upgrade(r.field, r.province, r.commune, r.upgrade))
            .collect())
    }
}
