//! The kinds of administrative unit, as the word that starts each official
//! name ("Phường Ba Đình": a ward named "Ba Đình").

/// The kind of an administrative unit (in JSON: `province`, `city`,
/// `commune`, `ward`, `special_zone`, `township`, `urban_district`,
/// `rural_district`, `town`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum UnitKind {
    /// Tỉnh: a province.
    Province,
    /// Thành phố: a centrally-run city (provincial level), or before 1 July
    /// 2025 also a city under a province (district level).
    City,
    /// Xã: a rural commune.
    Commune,
    /// Phường: an urban ward.
    Ward,
    /// Đặc khu: a special zone (commune level, since 1 July 2025).
    SpecialZone,
    /// Thị trấn: a township (commune level, before 1 July 2025).
    Township,
    /// Quận: an urban district (before 1 July 2025).
    UrbanDistrict,
    /// Huyện: a rural district (before 1 July 2025).
    RuralDistrict,
    /// Thị xã: a town (district level, before 1 July 2025).
    Town,
}

/// Every kind with its word, as the table writes it.
const WORDS: [(UnitKind, &str); 9] = [
    (UnitKind::Province, "Tỉnh"),
    (UnitKind::City, "Thành phố"),
    (UnitKind::Commune, "Xã"),
    (UnitKind::Ward, "Phường"),
    (UnitKind::SpecialZone, "Đặc khu"),
    (UnitKind::Township, "Thị trấn"),
    (UnitKind::UrbanDistrict, "Quận"),
    (UnitKind::RuralDistrict, "Huyện"),
    (UnitKind::Town, "Thị xã"),
];

impl UnitKind {
    /// The Vietnamese word that starts the unit's official name.
    pub fn word(self) -> &'static str {
        match self {
            UnitKind::Province => "Tỉnh",
            UnitKind::City => "Thành phố",
            UnitKind::Commune => "Xã",
            UnitKind::Ward => "Phường",
            UnitKind::SpecialZone => "Đặc khu",
            UnitKind::Township => "Thị trấn",
            UnitKind::UrbanDistrict => "Quận",
            UnitKind::RuralDistrict => "Huyện",
            UnitKind::Town => "Thị xã",
        }
    }

    /// The word's lookup key (`name::key` of [`UnitKind::word`]).
    pub(crate) fn key(self) -> &'static str {
        match self {
            UnitKind::Province => "tinh",
            UnitKind::City => "thanh pho",
            UnitKind::Commune => "xa",
            UnitKind::Ward => "phuong",
            UnitKind::SpecialZone => "dac khu",
            UnitKind::Township => "thi tran",
            UnitKind::UrbanDistrict => "quan",
            UnitKind::RuralDistrict => "huien",
            UnitKind::Town => "thi xa",
        }
    }

    /// The kind a table word names, if any.
    pub(crate) fn from_word(word: &str) -> Option<UnitKind> {
        WORDS.iter().find(|(_, w)| *w == word).map(|(k, _)| *k)
    }

    /// Provincial level (then and now).
    pub(crate) fn is_provincial(self) -> bool {
        matches!(self, UnitKind::Province | UnitKind::City)
    }

    /// Commune level since 1 July 2025.
    pub(crate) fn is_commune(self) -> bool {
        matches!(
            self,
            UnitKind::Commune | UnitKind::Ward | UnitKind::SpecialZone
        )
    }

    /// District level before 1 July 2025.
    pub(crate) fn is_former_district(self) -> bool {
        matches!(
            self,
            UnitKind::City | UnitKind::UrbanDistrict | UnitKind::RuralDistrict | UnitKind::Town
        )
    }

    /// Commune level before 1 July 2025.
    pub(crate) fn is_former_commune(self) -> bool {
        matches!(
            self,
            UnitKind::Commune | UnitKind::Ward | UnitKind::Township
        )
    }
}

#[cfg(test)]
mod tests {
    use super::{UnitKind, WORDS};

    #[test]
    fn every_word_reads_back() {
        for (kind, word) in WORDS {
            assert_eq!(kind.word(), word);
            assert_eq!(UnitKind::from_word(word), Some(kind));
            assert_eq!(kind.key(), crate::name::key(word));
        }
        assert_eq!(UnitKind::from_word("Thị Trấn"), None);
        assert_eq!(UnitKind::from_word(""), None);
    }
}
