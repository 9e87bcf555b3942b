//! The 34 provincial-level units (28 provinces, 6 centrally-run cities) in
//! force since Resolution 202/2025/QH15 on the arrangement of provincial
//! administrative units, adopted and effective on 12 June 2025.
//!
//! Codes are the 2-digit administrative-unit codes of the national list
//! (Decision 19/2025/QĐ-TTg): a merged province keeps the code of the former
//! province where its new seat is — e.g. Lào Cai 15 (seat in former Yên Bái),
//! Tây Ninh 80 (former Long An), Đồng Tháp 82 (former Tiền Giang).

/// A province or centrally-run city after 12 June 2025.
#[derive(Debug, PartialEq, Eq)]
pub struct Province {
    /// 2-digit administrative code, e.g. "01".
    pub code: &'static str,
    /// Full official name, e.g. "Thành phố Hà Nội", "Tỉnh Lào Cai".
    pub name: &'static str,
    /// Name without "Tỉnh"/"Thành phố", e.g. "Hà Nội".
    pub short_name: &'static str,
    /// The name used in English messages, e.g. "Ho Chi Minh City", "Lào Cai Province".
    pub name_en: &'static str,
    /// Former provinces merged into this one on 12 June 2025 (besides itself).
    pub merged_from: &'static [&'static str],
}

impl Province {
    /// Whether this is a centrally-run city (thành phố trực thuộc trung ương).
    pub fn is_city(&self) -> bool {
        self.name.starts_with("Thành phố")
    }
}

const fn unit(
    code: &'static str,
    name: &'static str,
    short_name: &'static str,
    name_en: &'static str,
    merged_from: &'static [&'static str],
) -> Province {
    Province {
        code,
        name,
        short_name,
        name_en,
        merged_from,
    }
}

/// All 34, in code order. 11 kept their territory unchanged (Hà Nội, Huế,
/// Lai Châu, Điện Biên, Sơn La, Lạng Sơn, Quảng Ninh, Thanh Hóa, Nghệ An,
/// Hà Tĩnh, Cao Bằng); 23 were formed by merging.
pub static PROVINCES: [Province; 34] = [
    unit("01", "Thành phố Hà Nội", "Hà Nội", "Hanoi", &[]),
    unit("04", "Tỉnh Cao Bằng", "Cao Bằng", "Cao Bằng Province", &[]),
    unit(
        "08",
        "Tỉnh Tuyên Quang",
        "Tuyên Quang",
        "Tuyên Quang Province",
        &["Hà Giang"],
    ),
    unit(
        "11",
        "Tỉnh Điện Biên",
        "Điện Biên",
        "Điện Biên Province",
        &[],
    ),
    unit("12", "Tỉnh Lai Châu", "Lai Châu", "Lai Châu Province", &[]),
    unit("14", "Tỉnh Sơn La", "Sơn La", "Sơn La Province", &[]),
    unit(
        "15",
        "Tỉnh Lào Cai",
        "Lào Cai",
        "Lào Cai Province",
        &["Yên Bái"],
    ),
    unit(
        "19",
        "Tỉnh Thái Nguyên",
        "Thái Nguyên",
        "Thái Nguyên Province",
        &["Bắc Kạn"],
    ),
    unit("20", "Tỉnh Lạng Sơn", "Lạng Sơn", "Lạng Sơn Province", &[]),
    unit(
        "22",
        "Tỉnh Quảng Ninh",
        "Quảng Ninh",
        "Quảng Ninh Province",
        &[],
    ),
    unit(
        "24",
        "Tỉnh Bắc Ninh",
        "Bắc Ninh",
        "Bắc Ninh Province",
        &["Bắc Giang"],
    ),
    unit(
        "25",
        "Tỉnh Phú Thọ",
        "Phú Thọ",
        "Phú Thọ Province",
        &["Vĩnh Phúc", "Hòa Bình"],
    ),
    unit(
        "31",
        "Thành phố Hải Phòng",
        "Hải Phòng",
        "Hải Phòng City",
        &["Hải Dương"],
    ),
    unit(
        "33",
        "Tỉnh Hưng Yên",
        "Hưng Yên",
        "Hưng Yên Province",
        &["Thái Bình"],
    ),
    unit(
        "37",
        "Tỉnh Ninh Bình",
        "Ninh Bình",
        "Ninh Bình Province",
        &["Hà Nam", "Nam Định"],
    ),
    unit(
        "38",
        "Tỉnh Thanh Hóa",
        "Thanh Hóa",
        "Thanh Hóa Province",
        &[],
    ),
    unit("40", "Tỉnh Nghệ An", "Nghệ An", "Nghệ An Province", &[]),
    unit("42", "Tỉnh Hà Tĩnh", "Hà Tĩnh", "Hà Tĩnh Province", &[]),
    unit(
        "44",
        "Tỉnh Quảng Trị",
        "Quảng Trị",
        "Quảng Trị Province",
        &["Quảng Bình"],
    ),
    unit("46", "Thành phố Huế", "Huế", "Huế City", &[]),
    unit(
        "48",
        "Thành phố Đà Nẵng",
        "Đà Nẵng",
        "Đà Nẵng City",
        &["Quảng Nam"],
    ),
    unit(
        "51",
        "Tỉnh Quảng Ngãi",
        "Quảng Ngãi",
        "Quảng Ngãi Province",
        &["Kon Tum"],
    ),
    unit(
        "52",
        "Tỉnh Gia Lai",
        "Gia Lai",
        "Gia Lai Province",
        &["Bình Định"],
    ),
    unit(
        "56",
        "Tỉnh Khánh Hòa",
        "Khánh Hòa",
        "Khánh Hòa Province",
        &["Ninh Thuận"],
    ),
    unit(
        "66",
        "Tỉnh Đắk Lắk",
        "Đắk Lắk",
        "Đắk Lắk Province",
        &["Phú Yên"],
    ),
    unit(
        "68",
        "Tỉnh Lâm Đồng",
        "Lâm Đồng",
        "Lâm Đồng Province",
        &["Đắk Nông", "Bình Thuận"],
    ),
    unit(
        "75",
        "Tỉnh Đồng Nai",
        "Đồng Nai",
        "Đồng Nai Province",
        &["Bình Phước"],
    ),
    unit(
        "79",
        "Thành phố Hồ Chí Minh",
        "Hồ Chí Minh",
        "Ho Chi Minh City",
        &["Bình Dương", "Bà Rịa - Vũng Tàu"],
    ),
    unit(
        "80",
        "Tỉnh Tây Ninh",
        "Tây Ninh",
        "Tây Ninh Province",
        &["Long An"],
    ),
    unit(
        "82",
        "Tỉnh Đồng Tháp",
        "Đồng Tháp",
        "Đồng Tháp Province",
        &["Tiền Giang"],
    ),
    unit(
        "86",
        "Tỉnh Vĩnh Long",
        "Vĩnh Long",
        "Vĩnh Long Province",
        &["Bến Tre", "Trà Vinh"],
    ),
    unit(
        "91",
        "Tỉnh An Giang",
        "An Giang",
        "An Giang Province",
        &["Kiên Giang"],
    ),
    unit(
        "92",
        "Thành phố Cần Thơ",
        "Cần Thơ",
        "Cần Thơ City",
        &["Sóc Trăng", "Hậu Giang"],
    ),
    unit(
        "96",
        "Tỉnh Cà Mau",
        "Cà Mau",
        "Cà Mau Province",
        &["Bạc Liêu"],
    ),
];

/// The province with this 2-digit code, e.g. "79".
pub fn by_code(code: &str) -> Option<&'static Province> {
    PROVINCES.iter().find(|p| p.code == code)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashSet;

    #[test]
    fn thirty_four_units_six_cities_eleven_unchanged() {
        assert_eq!(PROVINCES.iter().filter(|p| p.is_city()).count(), 6);
        let unchanged: Vec<_> = PROVINCES
            .iter()
            .filter(|p| p.merged_from.is_empty())
            .map(|p| p.short_name)
            .collect();
        assert_eq!(unchanged.len(), 11, "{unchanged:?}");
        let merged: usize = PROVINCES.iter().map(|p| p.merged_from.len()).sum();
        assert_eq!(merged, 63 - 34, "29 former provinces disappeared");
    }

    #[test]
    fn codes_and_names_are_unique_and_consistent() {
        let codes: HashSet<_> = PROVINCES.iter().map(|p| p.code).collect();
        assert_eq!(codes.len(), 34);
        let mut sorted: Vec<_> = PROVINCES.iter().map(|p| p.code).collect();
        sorted.sort_unstable();
        assert_eq!(sorted, PROVINCES.iter().map(|p| p.code).collect::<Vec<_>>());
        for p in &PROVINCES {
            assert_eq!(p.code.len(), 2);
            assert!(p.code.bytes().all(|b| b.is_ascii_digit()));
            let prefix = if p.is_city() {
                "Thành phố "
            } else {
                "Tỉnh "
            };
            assert_eq!(p.name, format!("{prefix}{}", p.short_name));
            assert_eq!(by_code(p.code), Some(p));
        }
        assert_eq!(by_code("02"), None);
    }
}
