//! The province and commune of an address checked together against the
//! bundled table of units (`hoso_places`): the commune must be one of the
//! province's 3,321-unit list, and what is stored is its official name with
//! its national code. A commune that is not there is answered the way a
//! clerk would: a pre-2025 name with the unit(s) it now belongs to, a name
//! from another province with that province, a typo with the closest names.

use super::commune::commune;
use super::lookup::province;
use crate::validate::problem::{quote_if_safe, Problem};
use hoso_places::{Commune, Level, MatchQuality, NewUnit, PlaceMatch, Units};
use serde::Serialize;

/// Most suggestions one answer carries.
const MAX_SUGGESTIONS: usize = 5;

/// A commune-level unit with its province, as stored and as sent: official
/// names ("Thành phố Hà Nội", "Phường Ba Đình") and national codes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Place {
    pub province_code: String,
    pub province_name: String,
    pub commune_code: String,
    pub commune_name: String,
}

/// Why a pair is not a place, with the places the person may have meant
/// (best first; empty when nothing is close).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PlaceProblem {
    pub problem: Problem,
    pub suggestions: Vec<Place>,
}

impl PlaceProblem {
    fn alone(problem: Problem) -> PlaceProblem {
        PlaceProblem {
            problem,
            suggestions: Vec::new(),
        }
    }
}

/// Checks `province` and `commune` as typed (any diacritics, case, "P." or
/// "phuong") and returns the place they name. Codes: the province's and the
/// commune's own (`province_unknown`, `province_merged`, `empty`,
/// `commune_township`, …), `commune_ambiguous`, `commune_former`,
/// `commune_other_province`, `commune_unknown`, `units_unavailable`.
pub fn place(province_raw: &str, commune_raw: &str) -> Result<Place, PlaceProblem> {
    let table = hoso_places::current().map_err(|e| PlaceProblem::alone(unavailable(e)))?;
    let units: &Units = &table;
    let province = province(province_raw).map_err(PlaceProblem::alone)?;
    let typed = match commune(commune_raw) {
        Ok(name) => name,
        // A township (thị trấn) is a former unit: say what it became.
        Err(p) if p.code == "commune_township" => {
            return Err(
                former(units, province.code, commune_raw.trim()).unwrap_or(PlaceProblem::alone(p))
            );
        }
        Err(p) => return Err(PlaceProblem::alone(p)),
    };
    let found = units.communes_named(province.code, &typed);
    match found.as_slice() {
        [one] => return Ok(place_of(units, one)),
        [first, second, ..] if written_as(&typed, first) && !written_as(&typed, second) => {
            return Ok(place_of(units, first))
        }
        [] => {}
        several => {
            let suggestions: Vec<Place> = several.iter().map(|c| place_of(units, c)).collect();
            return Err(PlaceProblem {
                problem: ambiguous(&typed, &suggestions),
                suggestions,
            });
        }
    }
    // Typed the way the picker reads ("p ben thanh", "F.12"): the one unit
    // of the province it matches exactly.
    let picked = units.search(&typed, Some(province.code), MAX_SUGGESTIONS);
    let exact: Vec<&PlaceMatch> = picked
        .iter()
        .filter(|m| m.level == Level::Commune && m.former.is_none())
        .filter(|m| m.quality == MatchQuality::Exact)
        .collect();
    if let [one] = exact.as_slice() {
        if let Some(c) = units.commune(&one.code) {
            return Ok(place_of(units, c));
        }
    }
    if let Some(answer) = former(units, province.code, &typed) {
        return Err(answer);
    }
    if let Some(answer) = elsewhere(units, province.code, &typed) {
        return Err(answer);
    }
    let suggestions: Vec<Place> = picked
        .iter()
        .filter(|m| m.level == Level::Commune && m.quality <= MatchQuality::Typo)
        .filter_map(|m| units.commune(&m.code))
        .map(|c| place_of(units, c))
        .fold(Vec::new(), |mut out, p| {
            if !out.contains(&p) {
                out.push(p);
            }
            out
        });
    Err(PlaceProblem {
        problem: unknown(&typed, province.name, suggestions.first()),
        suggestions,
    })
}

/// Checks a stored commune code: five digits naming a unit of the table.
/// Codes: `empty`, `commune_code_unknown`, `units_unavailable`.
pub fn commune_code(raw: &str) -> Result<String, Problem> {
    let code = raw.trim();
    if code.is_empty() {
        return Err(Problem::empty("mã xã/phường", "commune code"));
    }
    let table = hoso_places::current().map_err(unavailable)?;
    let units: &Units = &table;
    match units.commune(code) {
        Some(c) if code.len() == 5 => Ok(c.code.clone()),
        _ => Err(Problem::new(
            "commune_code_unknown",
            "Mã xã/phường không có trong danh mục đơn vị hành chính từ 1/7/2025.",
            "The commune code is not in the table of units since 1 July 2025.",
        )),
    }
}

/// The place of a unit of the table.
pub(super) fn place_of(units: &Units, commune: &Commune) -> Place {
    let province = units.province(&commune.province);
    Place {
        province_code: commune.province.clone(),
        province_name: province.map(|p| p.full_name()).unwrap_or_default(),
        commune_code: commune.code.clone(),
        commune_name: commune.full_name(),
    }
}

/// Whether `typed` is the unit's name as written, marks and all (case
/// aside): "Thanh An" is Xã Thanh An even where Xã Thạnh An folds alike,
/// and the stored official name shows which was taken.
fn written_as(typed: &str, commune: &Commune) -> bool {
    let typed = typed.trim().to_lowercase();
    typed == commune.name.to_lowercase() || typed == commune.full_name().to_lowercase()
}

/// A pre-2025 commune of this province's former provinces, answered with
/// the new unit(s) it became part of.
fn former(units: &Units, province: &str, typed: &str) -> Option<PlaceProblem> {
    let mut formers = Vec::new();
    for old in units
        .former_provinces()
        .iter()
        .filter(|p| p.now == province)
    {
        formers.extend(units.former_communes_named(&old.code, None, typed));
    }
    let first = formers.first()?;
    let mut suggestions: Vec<Place> = Vec::new();
    for fc in &formers {
        let mut now: Vec<NewUnit> = units.new_units_of(&fc.code).unwrap_or_default();
        now.sort_by_key(|u| !u.default);
        for unit in now {
            let place = place_of(units, unit.commune);
            if !suggestions.contains(&place) {
                suggestions.push(place);
            }
        }
    }
    suggestions.truncate(MAX_SUGGESTIONS);
    let old = first.full_name();
    let names: Vec<&str> = suggestions
        .iter()
        .map(|p| p.commune_name.as_str())
        .collect();
    let list = names.join(", ");
    let problem = match names.as_slice() {
        [only] => Problem::new(
            "commune_former",
            format!("{old} là đơn vị cũ; từ 1/7/2025 thuộc {only}. Hãy chọn {only}."),
            format!("{old} is a former unit; since 1 July 2025 it is part of {only}. Choose {only}."),
        ),
        _ => Problem::new(
            "commune_former",
            format!(
                "{old} là đơn vị cũ; từ 1/7/2025 được chia về: {list}. Hãy chọn đơn vị nơi bạn ở."
            ),
            format!(
                "{old} is a former unit; since 1 July 2025 it is divided among: {list}. Choose the one you live in."
            ),
        ),
    };
    Some(PlaceProblem {
        problem,
        suggestions,
    })
}

/// The same name in other provinces: probably the wrong province chosen.
fn elsewhere(units: &Units, province: &str, typed: &str) -> Option<PlaceProblem> {
    let mut suggestions = Vec::new();
    for other in units.provinces().iter().filter(|p| p.code != province) {
        for c in units.communes_named(&other.code, typed) {
            suggestions.push(place_of(units, c));
        }
    }
    if suggestions.is_empty() {
        // Typed the way the picker reads ("p ben thanh").
        suggestions.extend(
            units
                .search(typed, None, MAX_SUGGESTIONS)
                .iter()
                .filter(|m| m.level == Level::Commune && m.former.is_none())
                .filter(|m| m.quality == MatchQuality::Exact && m.province.code != province)
                .filter_map(|m| units.commune(&m.code))
                .map(|c| place_of(units, c)),
        );
    }
    let first = suggestions.first()?.clone();
    suggestions.truncate(MAX_SUGGESTIONS);
    let (vi, en) = if suggestions.len() == 1 {
        (
            format!(
                "{} thuộc {}, không thuộc tỉnh/thành phố đã chọn.",
                first.commune_name, first.province_name
            ),
            format!(
                "{} is in {}, not in the province chosen.",
                first.commune_name, first.province_name
            ),
        )
    } else {
        (
            format!(
                "{} không thuộc tỉnh/thành phố đã chọn; có đơn vị cùng tên ở tỉnh/thành phố khác.",
                first.commune_name
            ),
            format!(
                "{} is not in the province chosen; units of that name are in other provinces.",
                first.commune_name
            ),
        )
    };
    Some(PlaceProblem {
        problem: Problem::new("commune_other_province", vi, en),
        suggestions,
    })
}

fn ambiguous(typed: &str, options: &[Place]) -> Problem {
    let (shown_vi, shown_en) = match quote_if_safe(typed) {
        Some(q) => (q.clone(), q),
        None => ("đã nhập".to_string(), "The name entered".to_string()),
    };
    let list = options
        .iter()
        .map(|p| p.commune_name.as_str())
        .collect::<Vec<_>>()
        .join(", ");
    Problem::new(
        "commune_ambiguous",
        format!(
            "Tên {shown_vi} ứng với nhiều đơn vị trong tỉnh/thành phố này: {list}. Hãy chọn một."
        ),
        format!("{shown_en} matches several units in this province: {list}. Choose one."),
    )
}

fn unknown(typed: &str, province: &str, closest: Option<&Place>) -> Problem {
    let (vi, en) = match quote_if_safe(typed) {
        Some(q) => (format!("xã/phường {q}"), format!("commune or ward {q}")),
        None => ("xã/phường đã nhập".into(), "that commune or ward".into()),
    };
    let (hint_vi, hint_en) = match closest {
        Some(p) => (
            format!(" Có phải bạn muốn chọn {}?", p.commune_name),
            format!(" Did you mean {}?", p.commune_name),
        ),
        None => (String::new(), String::new()),
    };
    Problem::new(
        "commune_unknown",
        format!("Không có {vi} trong {province} (danh mục từ 1/7/2025).{hint_vi}"),
        format!("There is no {en} in {province} (units since 1 July 2025).{hint_en}"),
    )
}

/// The bundled table failed its checks (a build that ships a damaged table;
/// its tests make that impossible, but it is outside data all the same).
pub(super) fn unavailable(e: &hoso_places::UnitsError) -> Problem {
    Problem::new(
        "units_unavailable",
        format!("Không đọc được danh mục đơn vị hành chính ({e})."),
        format!("The table of administrative units cannot be read ({e})."),
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::text::fold;

    fn units() -> &'static Units {
        hoso_places::bundled().unwrap()
    }

    fn code(province: &str, commune: &str) -> Result<String, PlaceProblem> {
        place(province, commune).map(|p| p.commune_code)
    }

    /// "Phường Ba Đình" → "P. Ba Dinh", "p ba dinh", …
    fn abbreviated(c: &Commune) -> String {
        let short = match c.kind.word() {
            "Phường" => "P.",
            "Xã" => "X.",
            other => other,
        };
        format!("{short} {}", c.name)
    }

    /// The province check's own list (with ID-card codes and the names
    /// people use) and the units table name the same 34 provinces; a
    /// delivered table that does not is not used (ADR 0023).
    #[test]
    fn the_province_list_is_the_tables() {
        let table: Vec<(String, String)> = units()
            .provinces()
            .iter()
            .map(|p| (p.code.clone(), p.full_name()))
            .collect();
        let mut list: Vec<(String, String)> = super::super::provinces::PROVINCES
            .iter()
            .map(|p| (p.code.to_string(), p.name.to_string()))
            .collect();
        list.sort();
        assert_eq!(list, table);
    }

    #[test]
    fn every_official_pair_validates_with_its_code() {
        let units = units();
        let mut folded_ambiguous = 0;
        for c in units.communes() {
            let p = units.province(&c.province).unwrap();
            for (province, commune) in [
                (p.full_name(), c.full_name()),
                (p.name.clone(), c.full_name()),
                (p.code.clone(), abbreviated(c)),
                (fold(&p.name), abbreviated(c)),
            ] {
                let got = place(&province, &commune)
                    .unwrap_or_else(|e| panic!("{province} / {commune}: {e:?}"));
                assert_eq!(got.commune_code, c.code, "{province} / {commune}");
                assert_eq!(got.commune_name, c.full_name());
                assert_eq!(got.province_code, p.code);
            }
            // Without diacritics, two names may fold alike ("Văn Lang",
            // "Văn Lăng"): then both are offered, or the one whose name is
            // exactly what was typed, never another.
            let typed = fold(&c.full_name());
            match place(&fold(&p.name), &typed) {
                Ok(got) => assert!(
                    got.commune_code == c.code || {
                        let name = &units.commune(&got.commune_code).unwrap().name;
                        fold(name) == name.to_lowercase()
                    },
                    "{typed}: {got:?}"
                ),
                Err(e) => {
                    assert_eq!(e.problem.code, "commune_ambiguous", "{}", c.full_name());
                    assert!(e.suggestions.iter().any(|s| s.commune_code == c.code));
                    folded_ambiguous += 1;
                }
            }
        }
        assert!(folded_ambiguous < 40, "{folded_ambiguous} fold alike");
    }

    #[test]
    fn a_commune_of_another_province_names_that_province() {
        // Phường Bến Thành is in Hồ Chí Minh City.
        let e = code("Hà Nội", "Phường Bến Thành").unwrap_err();
        assert_eq!(e.problem.code, "commune_other_province");
        // Typed as people type it, the same.
        let loose = code("Hà Nội", "p ben thanh").unwrap_err();
        assert_eq!(loose.problem.code, "commune_other_province");
        assert_eq!(loose.suggestions, e.suggestions);
        assert_eq!(
            code("HCM", "p ben thanh").unwrap(),
            e.suggestions[0].commune_code
        );
        assert_eq!(e.suggestions[0].province_name, "Thành phố Hồ Chí Minh");
        assert_eq!(e.suggestions[0].commune_name, "Phường Bến Thành");
    }

    #[test]
    fn a_former_commune_is_answered_with_what_it_became() {
        // Phường Phúc Xá (Ba Đình district) is part of Phường Hồng Hà now.
        let e = code("Hà Nội", "Phường Phúc Xá").unwrap_err();
        assert_eq!(e.problem.code, "commune_former");
        assert_eq!(e.suggestions[0].commune_name, "Phường Hồng Hà");
        assert!(e.problem.message_vi.contains("Phường Hồng Hà"));
        // A former province's commune, under the province it merged into:
        // Điện Tiến (Quảng Nam) is in Đà Nẵng now.
        let e = code("Đà Nẵng", "xa Dien Tien").unwrap_err();
        assert_eq!(e.problem.code, "commune_former");
        assert!(!e.suggestions.is_empty());
        assert!(e.suggestions.iter().all(|s| s.province_code == "48"));
        // A township.
        let e = code("Hà Nội", "Thị trấn Đông Anh").unwrap_err();
        assert_eq!(e.problem.code, "commune_former");
        assert!(!e.suggestions.is_empty());
    }

    #[test]
    fn a_typo_gets_the_closest_names() {
        let e = code("Hà Nội", "Phường Hoàn Kím").unwrap_err();
        assert_eq!(e.problem.code, "commune_unknown");
        assert_eq!(e.suggestions[0].commune_name, "Phường Hoàn Kiếm");
        assert!(e
            .problem
            .message_vi
            .ends_with("Có phải bạn muốn chọn Phường Hoàn Kiếm?"));
        let e = code("Hà Nội", "Phường Không Có Thật Nào").unwrap_err();
        assert_eq!(e.problem.code, "commune_unknown");
        assert!(e.suggestions.is_empty());
    }

    #[test]
    fn province_and_commune_problems_come_through() {
        assert_eq!(
            code("Atlantis", "Phường Ba Đình").unwrap_err().problem.code,
            "province_unknown"
        );
        assert_eq!(
            code("Quảng Nam", "Xã Điện Tiến").unwrap_err().problem.code,
            "province_merged"
        );
        assert_eq!(code("Hà Nội", "").unwrap_err().problem.code, "empty");
        assert_eq!(
            code("Hà Nội", "Quận Ba Đình").unwrap_err().problem.code,
            "address_has_district"
        );
    }

    #[test]
    fn hostile_input_never_panics() {
        let long = "ă".repeat(100_000);
        for s in [
            "",
            " ",
            "\u{0}",
            "😀",
            "P.",
            "xa",
            "Phường",
            long.as_str(),
            "'; DROP TABLE",
        ] {
            let _ = place(s, s);
            let _ = place("Hà Nội", s);
        }
    }
}
