//! The 63 provincial-level units in force before 12 June 2025, with the
//! 3-digit code that starts a 12-digit personal ID number (the province where
//! the birth was registered; Circular 07/2016/TT-BCA, amended by Circular
//! 59/2021/TT-BCA — the 2-digit administrative code with a leading 0), and the
//! province each belongs to now. IDs issued before the merger keep their code,
//! so this table stays in use even though these units no longer exist.

use super::provinces::{by_code, Province};

/// A province or centrally-run city as it was before 12 June 2025.
#[derive(Debug, PartialEq, Eq)]
pub struct FormerProvince {
    /// 3-digit code used in personal ID numbers, e.g. "074".
    pub id_code: &'static str,
    /// Short name, e.g. "Bình Dương", "Thừa Thiên Huế".
    pub name: &'static str,
    /// 2-digit code of the province it is part of since 12 June 2025.
    pub now: &'static str,
}

impl FormerProvince {
    /// The current province this former one is (part of).
    pub fn current(&self) -> &'static Province {
        // The table is checked by tests: every `now` code exists.
        by_code(self.now).unwrap_or(&super::provinces::PROVINCES[0])
    }

    /// Whether it disappeared into another province on 12 June 2025 (as
    /// opposed to continuing under its own name, possibly enlarged, or — for
    /// Thừa Thiên Huế — renamed).
    pub fn was_merged(&self) -> bool {
        self.current().merged_from.contains(&self.name)
    }
}

const fn f(id_code: &'static str, name: &'static str, now: &'static str) -> FormerProvince {
    FormerProvince { id_code, name, now }
}

/// All 63, in code order.
pub static FORMER_PROVINCES: [FormerProvince; 63] = [
    f("001", "Hà Nội", "01"),
    f("002", "Hà Giang", "08"),
    f("004", "Cao Bằng", "04"),
    f("006", "Bắc Kạn", "19"),
    f("008", "Tuyên Quang", "08"),
    f("010", "Lào Cai", "15"),
    f("011", "Điện Biên", "11"),
    f("012", "Lai Châu", "12"),
    f("014", "Sơn La", "14"),
    f("015", "Yên Bái", "15"),
    f("017", "Hòa Bình", "25"),
    f("019", "Thái Nguyên", "19"),
    f("020", "Lạng Sơn", "20"),
    f("022", "Quảng Ninh", "22"),
    f("024", "Bắc Giang", "24"),
    f("025", "Phú Thọ", "25"),
    f("026", "Vĩnh Phúc", "25"),
    f("027", "Bắc Ninh", "24"),
    f("030", "Hải Dương", "31"),
    f("031", "Hải Phòng", "31"),
    f("033", "Hưng Yên", "33"),
    f("034", "Thái Bình", "33"),
    f("035", "Hà Nam", "37"),
    f("036", "Nam Định", "37"),
    f("037", "Ninh Bình", "37"),
    f("038", "Thanh Hóa", "38"),
    f("040", "Nghệ An", "40"),
    f("042", "Hà Tĩnh", "42"),
    f("044", "Quảng Bình", "44"),
    f("045", "Quảng Trị", "44"),
    f("046", "Thừa Thiên Huế", "46"),
    f("048", "Đà Nẵng", "48"),
    f("049", "Quảng Nam", "48"),
    f("051", "Quảng Ngãi", "51"),
    f("052", "Bình Định", "52"),
    f("054", "Phú Yên", "66"),
    f("056", "Khánh Hòa", "56"),
    f("058", "Ninh Thuận", "56"),
    f("060", "Bình Thuận", "68"),
    f("062", "Kon Tum", "51"),
    f("064", "Gia Lai", "52"),
    f("066", "Đắk Lắk", "66"),
    f("067", "Đắk Nông", "68"),
    f("068", "Lâm Đồng", "68"),
    f("070", "Bình Phước", "75"),
    f("072", "Tây Ninh", "80"),
    f("074", "Bình Dương", "79"),
    f("075", "Đồng Nai", "75"),
    f("077", "Bà Rịa - Vũng Tàu", "79"),
    f("079", "Hồ Chí Minh", "79"),
    f("080", "Long An", "80"),
    f("082", "Tiền Giang", "82"),
    f("083", "Bến Tre", "86"),
    f("084", "Trà Vinh", "86"),
    f("086", "Vĩnh Long", "86"),
    f("087", "Đồng Tháp", "82"),
    f("089", "An Giang", "91"),
    f("091", "Kiên Giang", "91"),
    f("092", "Cần Thơ", "92"),
    f("093", "Hậu Giang", "92"),
    f("094", "Sóc Trăng", "92"),
    f("095", "Bạc Liêu", "96"),
    f("096", "Cà Mau", "96"),
];

/// The former province with this 3-digit ID code, e.g. "074" → Bình Dương.
pub fn former_by_id_code(id_code: &str) -> Option<&'static FormerProvince> {
    FORMER_PROVINCES.iter().find(|p| p.id_code == id_code)
}

/// The province (after 12 June 2025) that now contains the birth-registration
/// province coded by the first 3 digits of a personal ID, e.g. "074" → Thành
/// phố Hồ Chí Minh. `None` for a code that never was a province.
pub fn province_for_id_code(id_code: &str) -> Option<&'static Province> {
    former_by_id_code(id_code).map(FormerProvince::current)
}

#[cfg(test)]
mod tests {
    use super::super::provinces::PROVINCES;
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn sixty_three_unique_codes_in_order() {
        let codes: HashSet<_> = FORMER_PROVINCES.iter().map(|p| p.id_code).collect();
        assert_eq!(codes.len(), 63);
        let names: HashSet<_> = FORMER_PROVINCES.iter().map(|p| p.name).collect();
        assert_eq!(names.len(), 63);
        for w in FORMER_PROVINCES.windows(2) {
            assert!(w[0].id_code < w[1].id_code);
        }
        for p in &FORMER_PROVINCES {
            assert_eq!(p.id_code.len(), 3);
            assert!(p.id_code.starts_with('0'));
            assert!(by_code(p.now).is_some(), "{}", p.name);
        }
    }

    /// Merged provinces named after one former province but seated in
    /// another, whose code they took: Lào Cai (Yên Bái, 15), Quảng Trị
    /// (Quảng Bình, 44), Tây Ninh (Long An, 80), Đồng Tháp (Tiền Giang, 82),
    /// An Giang (Kiên Giang, 91), Bắc Ninh (Bắc Giang, 24), Gia Lai (Bình Định, 52).
    const SEAT_MOVED: [&str; 7] = [
        "Lào Cai",
        "Quảng Trị",
        "Tây Ninh",
        "Đồng Tháp",
        "An Giang",
        "Bắc Ninh",
        "Gia Lai",
    ];

    #[test]
    fn agrees_with_merged_from_lists() {
        // Every merged-away name is listed by exactly the province it maps to,
        // and every other former province continues under its own name
        // (Thừa Thiên Huế was renamed Huế on 1 January 2025).
        for old in &FORMER_PROVINCES {
            let now = old.current();
            let listed: Vec<_> = PROVINCES
                .iter()
                .filter(|p| p.merged_from.contains(&old.name))
                .collect();
            if old.was_merged() {
                assert_eq!(listed, vec![now], "{}", old.name);
            } else if old.name == "Thừa Thiên Huế" {
                assert_eq!(now.short_name, "Huế");
            } else {
                assert!(listed.is_empty(), "{}", old.name);
                assert_eq!(now.short_name, old.name);
                // A province keeping its name keeps its code unless the new
                // seat is in a province merged into it.
                if !SEAT_MOVED.contains(&old.name) {
                    assert_eq!(format!("0{}", now.code), old.id_code, "{}", old.name);
                }
            }
        }
        // Each current province is its own name or a former one merged in.
        for p in &PROVINCES {
            for name in p.merged_from {
                assert!(FORMER_PROVINCES.iter().any(|f| f.name == *name), "{name}");
            }
        }
    }

    #[test]
    fn id_codes_map_to_current_provinces() {
        let now = |c: &str| province_for_id_code(c).map(|p| p.short_name);
        assert_eq!(now("001"), Some("Hà Nội"));
        assert_eq!(now("074"), Some("Hồ Chí Minh"));
        assert_eq!(now("077"), Some("Hồ Chí Minh"));
        assert_eq!(now("046"), Some("Huế"));
        assert_eq!(now("002"), Some("Tuyên Quang"));
        assert_eq!(now("095"), Some("Cà Mau"));
        assert_eq!(now("003"), None);
        assert_eq!(now("097"), None);
        assert_eq!(now(""), None);
    }
}
