//! Old addresses to new ones: a free-text address as written on papers
//! issued before 1 July 2025 ("Phường Phúc Xá, Quận Ba Đình, Hà Nội",
//! "xa Dien Tien, Dien Ban, Quang Nam") read from its end — province (one
//! of the 34 or one merged away), then the former district if there is one,
//! then the commune — and answered with the unit(s) the commune is part of
//! now, the default first; what comes before the commune (house number,
//! street, hamlet) is kept as the detail. An address already in the new
//! form is answered as it is.

use super::commune::{abbreviated, is_district, rest_after_words, split_words};
use super::lookup::{province_or_former, Entry};
use super::place::{place, place_of, unavailable, Place};
use crate::text::fold;
use crate::validate::plain::text;
use crate::validate::problem::Problem;
use hoso_places::{FormerCommune, FormerDistrict, NewUnit, Units};
use serde::Serialize;

/// Longest address read, in characters.
const MAX_CHARS: usize = 500;
/// Most parts (between commas) an address may have.
const MAX_PARTS: usize = 12;

/// An address in today's units.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Converted {
    /// The unit to assume: the only one, or the default of a split commune.
    pub place: Place,
    /// Every unit the commune became part of, the default first (one unless
    /// it was split).
    pub candidates: Vec<Place>,
    /// What came before the commune: house number, street, hamlet.
    pub detail: String,
    /// Whether the address named units from before 1 July 2025.
    pub from_former: bool,
    /// The former commune read, officially named with its district and
    /// province ("Phường Phúc Xá, Quận Ba Đình, Thành phố Hà Nội").
    pub former: Option<String>,
}

/// Reads `address` and answers it in today's units. Codes: `empty`,
/// `text_too_long`, `text_control_chars`, `address_province_missing`,
/// `address_commune_missing`, `address_commune_unknown`,
/// `units_unavailable`, and the pair check's own when the address is in
/// the new form but names no unit (`commune_unknown`, …).
pub fn convert(address: &str) -> Result<Converted, Problem> {
    let table = hoso_places::current().map_err(unavailable)?;
    let units: &Units = &table;
    let checked = text(address, MAX_CHARS)?;
    let mut parts: Vec<&str> = checked
        .split([',', ';', '\n'])
        .map(str::trim)
        .filter(|p| !p.is_empty())
        .take(MAX_PARTS)
        .collect();
    if parts.last().is_some_and(|p| is_country(p)) {
        parts.pop();
    }
    let province = parts
        .pop()
        .and_then(province_or_former)
        .ok_or_else(province_missing)?;
    let (current, formers) = scope(units, province);
    // A former district, when the part before the province names one; a
    // district word with a name the table does not know (a district merged
    // away before 2025, "Huyện Đạ Tẻh") is read past.
    let mut unknown_district = false;
    let district = match parts.last() {
        Some(part) if !names_commune_kind(part) => {
            let found = former_district(units, &formers, &expand(part));
            unknown_district = found.is_none() && is_district(part);
            found
        }
        _ => None,
    };
    if district.is_some() || unknown_district {
        parts.pop();
    }
    let Some(commune_part) = parts.pop() else {
        // An island district that had no communes is one unit now.
        if let Some(d) = district {
            let now = units.new_units_of_district(&d.code);
            if let Some(found) = answer(units, &now, detail(&parts), Some(d.full_name())) {
                return Ok(found);
            }
        }
        return Err(commune_missing());
    };
    let commune = expand(commune_part);
    let detail = detail(&parts);
    // Written in today's units already: province of the 34, no district.
    if let (Some(code), None, false) = (current, district, unknown_district) {
        if let Ok(found) = place(code, &commune) {
            return Ok(Converted {
                candidates: vec![found.clone()],
                place: found,
                detail,
                from_former: false,
                former: None,
            });
        }
    }
    let found = former_communes(units, &formers, district, &commune);
    let Some(first) = found.first() else {
        // Not a former commune either: the pair check says what is wrong
        // with it as a new one (a typo, another province…).
        if let (Some(code), None) = (current, district) {
            if let Err(e) = place(code, &commune) {
                return Err(e.problem);
            }
        }
        return Err(commune_unknown());
    };
    let mut now: Vec<NewUnit> = Vec::new();
    for fc in &found {
        for unit in units.new_units_of(&fc.code).unwrap_or_default() {
            if !now.iter().any(|u| u.commune.code == unit.commune.code) {
                now.push(unit);
            }
        }
    }
    // The first commune found is the one meant when names repeat across
    // districts; its default comes first.
    let first_default: Option<&str> = first
        .successors
        .iter()
        .find(|s| s.default)
        .map(|s| s.commune.as_str());
    now.sort_by_key(|u| Some(u.commune.code.as_str()) != first_default);
    answer(units, &now, detail, Some(former_name(units, first))).ok_or_else(commune_unknown)
}

/// The former district `name` names in one of the `formers` provinces: by
/// folded name, else the one within a typo or a spelling variant ("Ia H'
/// Drai" for Ia H'Drai).
fn former_district<'a>(
    units: &'a Units,
    formers: &[String],
    name: &str,
) -> Option<&'a FormerDistrict> {
    formers
        .iter()
        .find_map(|p| units.former_districts_named(p, name).first().copied())
        .or_else(|| {
            let all = formers.iter().flat_map(|p| units.former_districts_of(p));
            closest(all, name, |d| &d.name)
        })
}

/// The former communes `name` names: in the district when one was read
/// (else anywhere in its province), in every former province of the scope
/// otherwise; by folded name, else the one within a typo or a spelling
/// variant ("Noong Lay" for Nong Lay, "Đắk N'Dung" for Đắk N'Drung).
fn former_communes<'a>(
    units: &'a Units,
    formers: &[String],
    district: Option<&FormerDistrict>,
    name: &str,
) -> Vec<&'a FormerCommune> {
    let provinces: Vec<&str> = match district {
        Some(d) => vec![d.province.as_str()],
        None => formers.iter().map(String::as_str).collect(),
    };
    if let Some(d) = district {
        let within = units.former_communes_named(&d.province, Some(&d.code), name);
        if !within.is_empty() {
            return within;
        }
    }
    let named: Vec<&FormerCommune> = provinces
        .iter()
        .flat_map(|p| units.former_communes_named(p, None, name))
        .collect();
    if !named.is_empty() {
        return named;
    }
    let near = |districts: Vec<&'a FormerDistrict>| {
        let all = districts
            .into_iter()
            .flat_map(|d| units.former_communes_of(&d.code));
        closest(all, name, |c| &c.name)
    };
    let in_district = district
        .and_then(|d| units.former_district(&d.code))
        .map(|d| vec![d]);
    in_district
        .and_then(near)
        .or_else(|| {
            near(
                provinces
                    .iter()
                    .flat_map(|p| units.former_districts_of(p))
                    .collect(),
            )
        })
        .into_iter()
        .collect()
}

/// The one unit whose proper name is nearest `typed` (without its unit
/// word), within one edit (two for names of 8+ letters); none when two are
/// equally near.
fn closest<'a, T>(
    units: impl Iterator<Item = &'a T>,
    typed: &str,
    name_of: impl Fn(&T) -> &str,
) -> Option<&'a T> {
    let wanted = loose(strip_unit_word(typed));
    let length = wanted.chars().count();
    if length < 4 {
        return None;
    }
    let allowed = if length >= 8 { 2 } else { 1 };
    let mut best: Option<(usize, &T)> = None;
    let mut tied = false;
    for unit in units {
        let d = strsim::damerau_levenshtein(&wanted, &loose(name_of(unit)));
        if d > allowed {
            continue;
        }
        match best {
            Some((b, _)) if d > b => {}
            Some((b, _)) if d == b => tied = true,
            _ => {
                best = Some((d, unit));
                tied = false;
            }
        }
    }
    best.filter(|_| !tied).map(|(_, u)| u)
}

/// Folded, apostrophes and spaces dropped: "Ia H' Drai" and "Ia H'Drai" alike.
fn loose(name: &str) -> String {
    fold(name).chars().filter(|c| c.is_alphanumeric()).collect()
}

/// The name after a leading unit word ("Huyện Đạ Tẻh" → "Đạ Tẻh").
fn strip_unit_word(name: &str) -> &str {
    const WORDS: [&str; 8] = [
        "thành phố",
        "thị trấn",
        "thị xã",
        "phường",
        "huyện",
        "quận",
        "xã",
        "tỉnh",
    ];
    let folded = fold(name);
    for word in WORDS {
        if folded.starts_with(&format!("{} ", fold(word))) {
            return rest_after_words(name, word.split(' ').count());
        }
    }
    name
}

/// The answer for the new units `now` (the default first); `None` when
/// there are none.
fn answer(
    units: &Units,
    now: &[NewUnit],
    detail: String,
    former: Option<String>,
) -> Option<Converted> {
    let candidates: Vec<Place> = now.iter().map(|u| place_of(units, u.commune)).collect();
    Some(Converted {
        place: candidates.first()?.clone(),
        candidates,
        detail,
        from_former: true,
        former,
    })
}

/// The province's 2-digit code when it is one of the 34, and the codes of
/// the former provinces whose communes an old address in it may name.
fn scope(units: &Units, province: Entry) -> (Option<&'static str>, Vec<String>) {
    match province {
        Entry::Current(p) => (
            Some(p.code),
            units
                .former_provinces()
                .iter()
                .filter(|f| f.now == p.code)
                .map(|f| f.code.clone())
                .collect(),
        ),
        Entry::Former(f) => (
            None,
            vec![f.id_code.get(1..).unwrap_or_default().to_string()],
        ),
    }
}

/// "Phường Phúc Xá, Quận Ba Đình, Thành phố Hà Nội".
fn former_name(units: &Units, commune: &FormerCommune) -> String {
    let district: Option<&FormerDistrict> = units.former_district(&commune.district);
    let province = district.and_then(|d| units.former_province(&d.province));
    [
        Some(commune.full_name()),
        district.map(FormerDistrict::full_name),
        province.map(|p| p.full_name()),
    ]
    .into_iter()
    .flatten()
    .collect::<Vec<_>>()
    .join(", ")
}

fn detail(parts: &[&str]) -> String {
    parts.join(", ")
}

/// A part that starts with a commune-level word: "Phường …", "P. …", "Xã …",
/// "Thị trấn …", "TT …".
fn names_commune_kind(part: &str) -> bool {
    let lower = part.to_lowercase();
    let words = split_words(&lower);
    match words.as_slice() {
        ["phường" | "xã" | "phuong" | "xa", _, ..] => true,
        ["thị" | "thi", "trấn" | "tran", _, ..] | ["tt", _, ..] => true,
        ["p" | "x", _, ..] => abbreviated(&lower),
        [w, ..] => glued_number(w, 'p').is_some(),
        [] => false,
    }
}

/// The part with a unit word written out: "Q.1", "Q1", "q 1" → "Quận 1";
/// "H. Điện Bàn" → "Huyện Điện Bàn"; "TX", "TP", "TT", "P.", "X." likewise.
/// Anything else is returned as it is (the lookups fold it).
fn expand(part: &str) -> String {
    let lower = part.to_lowercase();
    let words = split_words(&lower);
    let Some(first) = words.first() else {
        return part.to_string();
    };
    for (letter, word) in [('q', "Quận"), ('p', "Phường")] {
        if let Some(number) = glued_number(first, letter) {
            return format!("{word} {number}");
        }
    }
    let word = match *first {
        "q" => "Quận",
        "h" => "Huyện",
        "p" => "Phường",
        "x" => "Xã",
        "tx" => "Thị xã",
        "tp" => "Thành phố",
        "tt" => "Thị trấn",
        _ => return part.to_string(),
    };
    let rest = rest_after_words(part, 1);
    if rest.is_empty() {
        return part.to_string();
    }
    format!("{word} {rest}")
}

/// "q1" → "1", "p12" → "12" (`letter` then only digits).
fn glued_number(word: &str, letter: char) -> Option<&str> {
    let digits = word.strip_prefix(letter)?;
    (!digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit())).then_some(digits)
}

fn is_country(part: &str) -> bool {
    matches!(fold(part).as_str(), "viet nam" | "vietnam" | "vn")
}

fn province_missing() -> Problem {
    Problem::new(
        "address_province_missing",
        "Không nhận ra tỉnh/thành phố ở cuối địa chỉ; hãy ghi địa chỉ theo thứ tự: số nhà, \
         đường, xã/phường, quận/huyện (nếu là địa chỉ cũ), tỉnh/thành phố, cách nhau bằng dấu phẩy.",
        "No province or city found at the end of the address; write it as: house number, \
         street, commune/ward, district (for an old address), province, separated by commas.",
    )
}

fn commune_missing() -> Problem {
    Problem::new(
        "address_commune_missing",
        "Địa chỉ chưa có xã/phường/thị trấn.",
        "The address has no commune, ward or township.",
    )
}

fn commune_unknown() -> Problem {
    Problem::new(
        "address_commune_unknown",
        "Không tìm thấy xã/phường này trong danh mục đơn vị hành chính cũ hay mới của tỉnh/thành phố đã ghi.",
        "This commune or ward is not among the province's units, former or current.",
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn converted(address: &str) -> Converted {
        convert(address).unwrap_or_else(|p| panic!("{address}: {p:?}"))
    }

    #[test]
    fn the_issue_examples() {
        let c = converted("Phường Phúc Xá, Quận Ba Đình, Hà Nội");
        assert_eq!(c.place.commune_name, "Phường Hồng Hà");
        assert_eq!(c.place.province_name, "Thành phố Hà Nội");
        assert!(c.from_former);
        assert_eq!(
            c.former.as_deref(),
            Some("Phường Phúc Xá, Quận Ba Đình, Thành phố Hà Nội")
        );
        let c = converted("Số 7 thôn Hà Mật, xa Dien Tien, Dien Ban, Quang Nam");
        assert_eq!(c.place.province_code, "48", "Quảng Nam is in Đà Nẵng now");
        assert_eq!(c.detail, "Số 7 thôn Hà Mật");
        assert!(c.from_former);
    }

    #[test]
    fn abbreviations_and_numbered_wards() {
        let c = converted("12 Nguyễn Huệ, P. Bến Nghé, Q.1, TP. Hồ Chí Minh");
        assert_eq!(c.place.province_code, "79");
        assert_eq!(c.detail, "12 Nguyễn Huệ");
        assert_eq!(c.place.commune_name, "Phường Sài Gòn");
        let d = converted("12 Nguyễn Huệ, p ben nghe, q1, tphcm");
        assert_eq!(d.place, c.place);
        // A numbered ward.
        let c = converted("P.12, Q. Gò Vấp, TP HCM");
        assert_eq!(c.place.commune_name, "Phường An Hội Tây");
    }

    #[test]
    fn a_new_address_stays_as_it_is() {
        let c = converted("Số 5, Phường Ba Đình, Thành phố Hà Nội, Việt Nam");
        assert!(!c.from_former);
        assert_eq!(c.place.commune_code, "00004");
        assert_eq!(c.detail, "Số 5");
        assert_eq!(c.candidates.len(), 1);
    }

    #[test]
    fn a_split_commune_lists_every_unit_default_first() {
        let units = hoso_places::bundled().unwrap();
        let split = units
            .former_provinces()
            .iter()
            .flat_map(|p| units.former_districts_of(&p.code))
            .flat_map(|d| units.former_communes_of(&d.code))
            .find(|c| c.successors.len() > 1)
            .unwrap();
        let d = units.former_district(&split.district).unwrap();
        let p = units.former_province(&d.province).unwrap();
        let c = converted(&format!(
            "{}, {}, {}",
            split.full_name(),
            d.full_name(),
            p.full_name()
        ));
        assert_eq!(c.candidates.len(), split.successors.len());
        let default = split.successors.iter().find(|s| s.default).unwrap();
        assert_eq!(c.place.commune_code, default.commune);
    }

    #[test]
    fn what_cannot_be_read_says_why() {
        let code = |a: &str| convert(a).unwrap_err().code;
        assert_eq!(code(""), "empty");
        assert_eq!(code("Số 5, Phường Ba Đình"), "address_province_missing");
        assert_eq!(code("Hà Nội"), "address_commune_missing");
        assert_eq!(
            code("Phường Không Có Thật, Quận Ba Đình, Hà Nội"),
            "address_commune_unknown"
        );
        assert_eq!(code(&"a, ".repeat(400)), "text_too_long");
        for hostile in ["\u{0}", ",,,,", "😀, 😀", "Q., P., TP.", "q, h, tx, tp"] {
            let _ = convert(hostile);
        }
    }
}
