//! What the picker answers: a province or a commune-level unit in force,
//! with its province, how it was matched, and — when it was found through
//! a name from before 1 July 2025 — the former unit that name was.
//! Serializable for the CLI's and the bindings' JSON.

use super::rank::MatchQuality;
use crate::kind::UnitKind;
use crate::search_index::{Target, Unit};
use crate::table::Units;
use serde::Serialize;

/// One unit offered by the picker.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PlaceMatch {
    /// A province, or a commune-level unit (xã, phường, đặc khu).
    pub level: Level,
    /// 2 digits for a province, 5 for a commune.
    pub code: String,
    /// The official name, e.g. "Phường Sài Gòn".
    pub name: String,
    /// Its kind.
    #[serde(rename = "type")]
    pub kind: UnitKind,
    /// Its province (for a province, itself).
    pub province: PlaceRef,
    /// How the typed text fitted the name.
    pub quality: MatchQuality,
    /// Set when the unit was found through a former unit's name: the
    /// former unit; this unit is (part of) what it became.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub former: Option<FormerUnit>,
}

/// A unit's code and official name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PlaceRef {
    pub code: String,
    pub name: String,
}

/// The level of a unit in force.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Level {
    Province,
    Commune,
}

/// The level of a former unit.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum FormerLevel {
    Province,
    District,
    Commune,
}

/// The former unit a match came through.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FormerUnit {
    pub level: FormerLevel,
    pub code: String,
    /// Its official name, e.g. "Phường Bến Nghé".
    pub name: String,
    /// Its district (a former commune's), official name.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub district: Option<PlaceRef>,
    /// Its former province (for a former province, itself).
    pub province: PlaceRef,
    /// It was divided among several new units (each offered).
    pub split: bool,
    /// This match is the new unit the table assumes for it when nothing
    /// else tells (always, when it was not split).
    pub default: bool,
}

impl FormerUnit {
    /// Its official name with its district and former province, as an
    /// old address wrote it: "Phường Bến Nghé, Quận 1, Thành phố Hồ Chí
    /// Minh" (a former province: its name alone).
    pub fn written(&self) -> String {
        let mut parts = vec![self.name.as_str()];
        parts.extend(self.district.as_ref().map(|d| d.name.as_str()));
        if self.level != FormerLevel::Province {
            parts.push(&self.province.name);
        }
        parts.join(", ")
    }
}

/// Builds the answer for `unit`, found through `via` (a former unit's
/// entry) when set, as successor `default` of it.
pub(crate) fn answer(
    units: &Units,
    unit: Unit,
    quality: MatchQuality,
    via: Option<(Target, bool)>,
) -> Option<PlaceMatch> {
    let (level, code, name, kind, province) = match unit {
        Unit::Province(i) => {
            let p = units.provinces().get(i as usize)?;
            let r = PlaceRef {
                code: p.code.clone(),
                name: p.full_name(),
            };
            (Level::Province, p.code.clone(), p.full_name(), p.kind, r)
        }
        Unit::Commune(i) => {
            let c = units.communes().get(i as usize)?;
            let p = units.province(&c.province)?;
            let r = PlaceRef {
                code: p.code.clone(),
                name: p.full_name(),
            };
            (Level::Commune, c.code.clone(), c.full_name(), c.kind, r)
        }
    };
    let former = match via {
        Some((target, default)) => Some(former(units, target, default)?),
        None => None,
    };
    Some(PlaceMatch {
        level,
        code,
        name,
        kind,
        province,
        quality,
        former,
    })
}

fn former(units: &Units, target: Target, default: bool) -> Option<FormerUnit> {
    let province_ref = |code: &str| {
        units.former_province(code).map(|p| PlaceRef {
            code: p.code.clone(),
            name: p.full_name(),
        })
    };
    match target {
        Target::FormerProvince(i) => {
            let p = units.former_provinces().get(i as usize)?;
            Some(FormerUnit {
                level: FormerLevel::Province,
                code: p.code.clone(),
                name: p.full_name(),
                district: None,
                province: province_ref(&p.code)?,
                split: false,
                default: true,
            })
        }
        Target::FormerDistrict(i) => {
            let d = units.former_district_list().get(i as usize)?;
            Some(FormerUnit {
                level: FormerLevel::District,
                code: d.code.clone(),
                name: d.full_name(),
                district: None,
                province: province_ref(&d.province)?,
                split: d.successors.len() > 1,
                default,
            })
        }
        Target::FormerCommune(i) => {
            let c = units.former_commune_list().get(i as usize)?;
            let d = units.former_district(&c.district)?;
            Some(FormerUnit {
                level: FormerLevel::Commune,
                code: c.code.clone(),
                name: c.full_name(),
                district: Some(PlaceRef {
                    code: d.code.clone(),
                    name: d.full_name(),
                }),
                province: province_ref(&d.province)?,
                split: c.successors.len() > 1,
                default,
            })
        }
        Target::Province(_) | Target::Commune(_) => None,
    }
}
