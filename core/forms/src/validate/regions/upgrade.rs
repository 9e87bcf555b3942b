//! Bringing a stored province and commune up to today's units: values saved
//! before addresses were checked against the table (free names, former
//! communes, townships) become official names with the commune's code when
//! they name a unit now or were converted to one; what cannot be read is
//! left as it is and said.

use super::convert::convert;
use super::place::{place, Place};
use crate::validate::problem::Problem;
use serde::Serialize;

/// What became of one stored address.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "outcome", rename_all = "snake_case")]
pub enum Upgrade {
    /// Already official, with the right code: nothing to write.
    Unchanged { place: Place },
    /// The same unit, now by its official names (and code).
    Settled { place: Place },
    /// A former unit (or a name of one) converted to today's: the default
    /// new unit is written; `candidates` lists every unit it became part
    /// of when it was split, so the person can choose another.
    Converted {
        place: Place,
        candidates: Vec<Place>,
        former: Option<String>,
    },
    /// Neither a unit of today nor a former one: left as it is.
    Unresolved { problem: Problem },
}

impl Upgrade {
    /// Whether the stored values change.
    pub fn writes(&self) -> bool {
        matches!(self, Upgrade::Settled { .. } | Upgrade::Converted { .. })
    }

    /// The place to store, if any.
    pub fn place(&self) -> Option<&Place> {
        match self {
            Upgrade::Unchanged { place }
            | Upgrade::Settled { place }
            | Upgrade::Converted { place, .. } => Some(place),
            Upgrade::Unresolved { .. } => None,
        }
    }
}

/// How the stored `province`, `commune` (and `code`, if any) should read
/// today.
pub fn upgrade(province: &str, commune: &str, code: Option<&str>) -> Upgrade {
    match place(province, commune) {
        Ok(found) => {
            let same = found.province_name == province
                && found.commune_name == commune
                && code == Some(found.commune_code.as_str());
            if same {
                Upgrade::Unchanged { place: found }
            } else {
                Upgrade::Settled { place: found }
            }
        }
        Err(refused) => match convert(&format!("{commune}, {province}")) {
            Ok(c) if c.from_former => Upgrade::Converted {
                place: c.place,
                candidates: c.candidates,
                former: c.former,
            },
            _ => Upgrade::Unresolved {
                problem: refused.problem,
            },
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_outcome() {
        let up = upgrade("Thành phố Hà Nội", "Phường Ba Đình", Some("00004"));
        assert!(matches!(up, Upgrade::Unchanged { .. }), "{up:?}");
        let up = upgrade("Hà Nội", "Phường Ba Dinh", None);
        assert!(matches!(up, Upgrade::Settled { .. }), "{up:?}");
        assert_eq!(up.place().unwrap().commune_code, "00004");
        let up = upgrade("Thành phố Hà Nội", "Phường Phúc Xá", None);
        let Upgrade::Converted { place, former, .. } = &up else {
            panic!("{up:?}")
        };
        assert_eq!(place.commune_name, "Phường Hồng Hà");
        assert_eq!(
            former.as_deref(),
            Some("Phường Phúc Xá, Quận Ba Đình, Thành phố Hà Nội")
        );
        // A township saved before 2025 (Đông Anh, Hà Nội).
        let up = upgrade("Thành phố Hà Nội", "Thị trấn Đông Anh", None);
        assert!(matches!(up, Upgrade::Converted { .. }), "{up:?}");
        let up = upgrade("Thành phố Hà Nội", "Phường Không Có Thật", None);
        assert!(matches!(up, Upgrade::Unresolved { .. }), "{up:?}");
        assert!(up.place().is_none());
    }
}
