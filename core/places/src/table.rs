//! One table of administrative units once read and checked: the units
//! themselves and the indexes their lookups use (by code, by folded name,
//! by parent). Built only from a checked table (`read`), so every code a
//! unit names is in the table.

use crate::kind::UnitKind;
use crate::name::key;
use crate::search_index::{PickerIndex, Record, Stands, Target, Unit};
use crate::text::push_marked;
use std::collections::HashMap;
use std::sync::OnceLock;

/// A province or centrally-run city since 2025 (34).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Province {
    /// The 2-digit code, e.g. "01".
    pub code: String,
    /// Tỉnh or Thành phố.
    pub kind: UnitKind,
    /// The proper name, e.g. "Hà Nội".
    pub name: String,
}

/// A commune-level unit since 1 July 2025 (3,321): xã, phường or đặc khu.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Commune {
    /// The 5-digit code, e.g. "00004".
    pub code: String,
    /// The code of its province.
    pub province: String,
    /// Xã, Phường or Đặc khu.
    pub kind: UnitKind,
    /// The proper name, e.g. "Ba Đình".
    pub name: String,
}

/// A province or centrally-run city before the 2025 merger (63).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FormerProvince {
    /// Its 2-digit code, e.g. "77".
    pub code: String,
    /// Tỉnh or Thành phố.
    pub kind: UnitKind,
    /// The proper name, e.g. "Bà Rịa - Vũng Tàu".
    pub name: String,
    /// The code of the province it is (part of) now.
    pub now: String,
}

/// A district-level unit before 1 July 2025: quận, huyện, thị xã or
/// thành phố thuộc tỉnh.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FormerDistrict {
    /// Its 3-digit code, e.g. "001".
    pub code: String,
    /// The code of its former province.
    pub province: String,
    /// Quận, Huyện, Thị xã or Thành phố.
    pub kind: UnitKind,
    /// The proper name, e.g. "Ba Đình".
    pub name: String,
    /// For an island district that had no communes (Bạch Long Vĩ, Cồn Cỏ,
    /// Hoàng Sa, Lý Sơn, Côn Đảo): the unit it became as a whole. Empty for
    /// every other district (its communes say where they went).
    pub successors: Vec<Successor>,
}

/// A commune-level unit before 1 July 2025: xã, phường or thị trấn.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FormerCommune {
    /// Its 5-digit code, e.g. "00001" (a new unit may carry the same code:
    /// new and former codes are looked up apart).
    pub code: String,
    /// The code of its former district.
    pub district: String,
    /// Xã, Phường or Thị trấn.
    pub kind: UnitKind,
    /// The proper name, e.g. "Phúc Xá".
    pub name: String,
    /// The new unit(s) it became part of, the default first.
    pub successors: Vec<Successor>,
}

/// One new unit a former one became (part of).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Successor {
    /// The new commune-level unit's code.
    pub commune: String,
    /// The one to assume when nothing else tells which part an address was
    /// in (see `docs/addresses.md` for how the source chose it); the only
    /// successor is always the default.
    pub default: bool,
}

/// A new unit a former commune became (part of), resolved.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct NewUnit<'a> {
    pub commune: &'a Commune,
    pub default: bool,
}

/// What every unit has: a proper name and an official one.
trait Named {
    fn proper(&self) -> &str;
    fn full_name(&self) -> String;
}

macro_rules! full_name {
    ($t:ty) => {
        impl Named for $t {
            fn proper(&self) -> &str {
                &self.name
            }

            fn full_name(&self) -> String {
                <$t>::full_name(self)
            }
        }

        impl $t {
            /// The official name: the kind's word, then the proper name
            /// ("Phường Ba Đình").
            pub fn full_name(&self) -> String {
                format!("{} {}", self.kind.word(), self.name)
            }
        }
    };
}
full_name!(Province);
full_name!(Commune);
full_name!(FormerProvince);
full_name!(FormerDistrict);
full_name!(FormerCommune);

/// Positions in a list by folded name (full and proper), within a scope.
type NameIndex = HashMap<(u32, String), Vec<u32>>;

/// One checked table and its indexes. The name indexes of former
/// districts and communes (three quarters of the names) are built on their
/// first use: most callers never ask for a former unit by name.
#[derive(Debug)]
pub struct Units {
    version: String,
    source: String,
    /// By code.
    provinces: Vec<Province>,
    province_names: NameIndex,
    /// By province, then code: a province's communes are one run.
    communes: Vec<Commune>,
    /// Each province's run in `communes`, by the province's position.
    commune_runs: Vec<(u32, u32)>,
    /// Positions in `communes`, by code.
    commune_by_code: Vec<u32>,
    commune_names: NameIndex,
    /// By code.
    former_provinces: Vec<FormerProvince>,
    former_province_names: NameIndex,
    /// By province, then code.
    former_districts: Vec<FormerDistrict>,
    former_district_runs: Vec<(u32, u32)>,
    former_district_by_code: Vec<u32>,
    former_district_names: OnceLock<NameIndex>,
    /// By district, then code.
    former_communes: Vec<FormerCommune>,
    former_commune_runs: Vec<(u32, u32)>,
    former_commune_by_code: Vec<u32>,
    /// Scope: the district's position.
    former_commune_names: OnceLock<NameIndex>,
    /// The address picker's index (`search`, `search_index`), built on its first query.
    picker: OnceLock<PickerIndex>,
}

/// The whole list is the scope of a name index that has none.
const EVERYWHERE: u32 = u32::MAX;

fn position(i: usize) -> u32 {
    // Tables are bounded far below u32::MAX units (`read`).
    u32::try_from(i).unwrap_or(u32::MAX)
}

/// Indexes each unit under its official and its proper name's key.
fn names<T>(
    items: &[T],
    scope_of: impl Fn(usize) -> u32,
    kind_of: impl Fn(&T) -> UnitKind,
    name_of: impl Fn(&T) -> &str,
) -> NameIndex {
    let mut index = NameIndex::with_capacity(items.len().saturating_mul(2));
    for (at, item) in items.iter().enumerate() {
        // The official name's key is the kind's, a space, the proper
        // name's (the kind's word is letters and spaces): one fold a unit.
        let proper = key(name_of(item));
        let kind = kind_of(item).key();
        let full = if proper.is_empty() {
            kind.to_string()
        } else {
            format!("{kind} {proper}")
        };
        for k in [full, proper] {
            let list = index.entry((scope_of(at), k)).or_default();
            if !list.contains(&position(at)) {
                list.push(position(at));
            }
        }
    }
    index
}

/// The scope (parent position) of each item, from the parents' runs.
fn scopes(runs: &[(u32, u32)], len: usize) -> Vec<u32> {
    let mut out = vec![EVERYWHERE; len];
    for (parent, &(a, b)) in runs.iter().enumerate() {
        for slot in out.get_mut(a as usize..b as usize).unwrap_or(&mut []) {
            *slot = position(parent);
        }
    }
    out
}

/// [`names`] of items listed in their parents' `runs`, each scoped to its
/// parent.
fn names_within<T>(
    items: &[T],
    runs: &[(u32, u32)],
    kind_of: impl Fn(&T) -> UnitKind,
    name_of: impl Fn(&T) -> &str,
) -> NameIndex {
    let scope = scopes(runs, items.len());
    names(
        items,
        |i| scope.get(i).copied().unwrap_or(EVERYWHERE),
        kind_of,
        name_of,
    )
}

/// Positions of `items`, sorted by code.
fn by_code<T>(items: &[T], code_of: impl Fn(&T) -> &str) -> Vec<u32> {
    let mut order: Vec<u32> = (0..items.len()).map(position).collect();
    order.sort_by(|&a, &b| {
        let code = |i: u32| items.get(i as usize).map(&code_of);
        code(a).cmp(&code(b))
    });
    order
}

/// The position of the item with this code, through its `by_code` order.
fn find_at<T>(
    items: &[T],
    order: &[u32],
    code: &str,
    code_of: impl Fn(&T) -> &str,
) -> Option<usize> {
    let at = order
        .binary_search_by(|&i| {
            items
                .get(i as usize)
                .map(&code_of)
                .unwrap_or_default()
                .cmp(code)
        })
        .ok()?;
    order.get(at).map(|&i| i as usize)
}

/// The item with this code, through its `by_code` order.
fn find<'a, T>(
    items: &'a [T],
    order: &[u32],
    code: &str,
    code_of: impl Fn(&T) -> &str,
) -> Option<&'a T> {
    find_at(items, order, code, code_of).and_then(|i| items.get(i))
}

/// Sorts `items` by (parent, code) and returns each parent's run, for
/// parents listed in `parents` by their code.
fn runs<T>(
    items: &mut [T],
    parents: &[&str],
    parent_of: impl Fn(&T) -> &str,
    code_of: impl Fn(&T) -> &str,
) -> Vec<(u32, u32)> {
    items.sort_by(|a, b| (parent_of(a), code_of(a)).cmp(&(parent_of(b), code_of(b))));
    parents
        .iter()
        .map(|p| {
            let start = items.partition_point(|x| parent_of(x) < *p);
            let end = items.partition_point(|x| parent_of(x) <= *p);
            (position(start), position(end))
        })
        .collect()
}

fn slice<T>(items: &[T], run: Option<(u32, u32)>) -> &[T] {
    run.and_then(|(a, b)| items.get(a as usize..b as usize))
        .unwrap_or(&[])
}

impl Units {
    /// Builds the indexes of a checked table (`read` has checked every code
    /// and every reference).
    pub(crate) fn assemble(
        version: String,
        source: String,
        mut provinces: Vec<Province>,
        mut communes: Vec<Commune>,
        mut former_provinces: Vec<FormerProvince>,
        mut former_districts: Vec<FormerDistrict>,
        mut former_communes: Vec<FormerCommune>,
    ) -> Units {
        provinces.sort_by(|a, b| a.code.cmp(&b.code));
        former_provinces.sort_by(|a, b| a.code.cmp(&b.code));
        let province_codes: Vec<&str> = provinces.iter().map(|p| p.code.as_str()).collect();
        let commune_runs = runs(
            &mut communes,
            &province_codes,
            |c| c.province.as_str(),
            |c| c.code.as_str(),
        );
        let former_codes: Vec<&str> = former_provinces.iter().map(|p| p.code.as_str()).collect();
        let former_district_runs = runs(
            &mut former_districts,
            &former_codes,
            |d| d.province.as_str(),
            |d| d.code.as_str(),
        );
        let district_codes: Vec<&str> = former_districts.iter().map(|d| d.code.as_str()).collect();
        let former_commune_runs = runs(
            &mut former_communes,
            &district_codes,
            |c| c.district.as_str(),
            |c| c.code.as_str(),
        );
        let province_names = names(&provinces, |_| EVERYWHERE, |p| p.kind, |p| &p.name);
        let commune_names = names_within(&communes, &commune_runs, |c| c.kind, |c| &c.name);
        let former_province_names =
            names(&former_provinces, |_| EVERYWHERE, |p| p.kind, |p| &p.name);
        Units {
            version,
            source,
            commune_by_code: by_code(&communes, |c| &c.code),
            former_district_by_code: by_code(&former_districts, |d| &d.code),
            former_commune_by_code: by_code(&former_communes, |c| &c.code),
            provinces,
            province_names,
            communes,
            commune_runs,
            commune_names,
            former_provinces,
            former_province_names,
            former_districts,
            former_district_runs,
            former_district_names: OnceLock::new(),
            former_communes,
            former_commune_runs,
            former_commune_names: OnceLock::new(),
            picker: OnceLock::new(),
        }
    }

    /// The picker's index, built on first use from every name a unit can
    /// be typed by: provinces and communes, former provinces whose name
    /// is not their province's now, the island districts that became a
    /// unit whole, and every former commune.
    pub(crate) fn picker_index(&self) -> &PickerIndex {
        self.picker
            .get_or_init(|| PickerIndex::build(self.picker_records()))
    }

    fn picker_records(&self) -> Vec<Record<'_>> {
        let province = |code: &str| self.province_at(code).map(position);
        let commune = |code: &str| {
            let at = self.commune_position(code)?;
            let c = self.communes.get(at)?;
            Some(Stands {
                unit: Unit::Commune(position(at)),
                province: province(&c.province)?,
                default: true,
            })
        };
        let successors = |list: &[Successor]| -> Vec<Stands> {
            list.iter()
                .filter_map(|s| {
                    commune(&s.commune).map(|st| Stands {
                        default: s.default,
                        ..st
                    })
                })
                .collect()
        };
        let mut out = Vec::with_capacity(
            self.provinces.len() + self.communes.len() + self.former_communes.len() + 100,
        );
        for (i, p) in self.provinces.iter().enumerate() {
            out.push(Record {
                target: Target::Province(position(i)),
                kind: p.kind,
                name: &p.name,
                stands: vec![Stands {
                    unit: Unit::Province(position(i)),
                    province: position(i),
                    default: true,
                }],
            });
        }
        for (i, c) in self.communes.iter().enumerate() {
            out.push(Record {
                target: Target::Commune(position(i)),
                kind: c.kind,
                name: &c.name,
                stands: province(&c.province)
                    .map(|p| Stands {
                        unit: Unit::Commune(position(i)),
                        province: p,
                        default: true,
                    })
                    .into_iter()
                    .collect(),
            });
        }
        for (i, p) in self.former_provinces.iter().enumerate() {
            let Some(now) = self.province(&p.now) else {
                continue;
            };
            // A province that kept its name is found as itself.
            if key(&now.name) == key(&p.name) {
                continue;
            }
            out.push(Record {
                target: Target::FormerProvince(position(i)),
                kind: p.kind,
                name: &p.name,
                stands: province(&p.now)
                    .map(|at| Stands {
                        unit: Unit::Province(at),
                        province: at,
                        default: true,
                    })
                    .into_iter()
                    .collect(),
            });
        }
        for (i, d) in self.former_districts.iter().enumerate() {
            // Only the island districts that became a unit whole.
            if !d.successors.is_empty() {
                out.push(Record {
                    target: Target::FormerDistrict(position(i)),
                    kind: d.kind,
                    name: &d.name,
                    stands: successors(&d.successors),
                });
            }
        }
        for (i, c) in self.former_communes.iter().enumerate() {
            out.push(Record {
                target: Target::FormerCommune(position(i)),
                kind: c.kind,
                name: &c.name,
                stands: successors(&c.successors),
            });
        }
        out
    }

    /// Every former district, by province then code (the picker's
    /// positions).
    pub(crate) fn former_district_list(&self) -> &[FormerDistrict] {
        &self.former_districts
    }

    /// Every former commune, by district then code (the picker's
    /// positions).
    pub(crate) fn former_commune_list(&self) -> &[FormerCommune] {
        &self.former_communes
    }

    /// The position of the province with this code.
    pub(crate) fn province_position(&self, code: &str) -> Option<usize> {
        self.province_at(code)
    }

    /// The position of the commune with this code.
    pub(crate) fn commune_position(&self, code: &str) -> Option<usize> {
        find_at(&self.communes, &self.commune_by_code, code, |c| &c.code)
    }

    /// The run of the communes of the province at this position.
    pub(crate) fn commune_run(&self, province: usize) -> Option<(u32, u32)> {
        self.commune_runs.get(province).copied()
    }

    fn former_district_names(&self) -> &NameIndex {
        self.former_district_names.get_or_init(|| {
            names_within(
                &self.former_districts,
                &self.former_district_runs,
                |d| d.kind,
                |d| &d.name,
            )
        })
    }

    fn former_commune_names(&self) -> &NameIndex {
        self.former_commune_names.get_or_init(|| {
            names_within(
                &self.former_communes,
                &self.former_commune_runs,
                |c| c.kind,
                |c| &c.name,
            )
        })
    }

    fn former_district_at(&self, code: &str) -> Option<usize> {
        find_at(
            &self.former_districts,
            &self.former_district_by_code,
            code,
            |d| &d.code,
        )
    }

    /// The table's version, e.g. "2025-07-01.1": the date its units are in
    /// force from, then hoso's revision of the table for that date.
    pub fn version(&self) -> &str {
        &self.version
    }

    /// Where the table's data comes from (package, version, licence).
    pub fn source(&self) -> &str {
        &self.source
    }

    /// The provinces, by code.
    pub fn provinces(&self) -> &[Province] {
        &self.provinces
    }

    /// The province with this 2-digit code.
    pub fn province(&self, code: &str) -> Option<&Province> {
        self.province_at(code).and_then(|i| self.provinces.get(i))
    }

    fn province_at(&self, code: &str) -> Option<usize> {
        self.provinces
            .binary_search_by(|p| p.code.as_str().cmp(code))
            .ok()
    }

    /// The province of this name, official ("Thành phố Hà Nội") or proper
    /// ("Hà Nội"), folded ("ha noi", "HA NOI").
    pub fn province_named(&self, name: &str) -> Option<&Province> {
        found(&self.province_names, EVERYWHERE, name, &self.provinces)
            .first()
            .copied()
    }

    /// Every commune-level unit, by province then code.
    pub fn communes(&self) -> &[Commune] {
        &self.communes
    }

    /// The commune-level units of a province, by code (none for a code
    /// that names no province).
    pub fn communes_of(&self, province: &str) -> &[Commune] {
        let run = self
            .province_at(province)
            .and_then(|i| self.commune_runs.get(i).copied());
        slice(&self.communes, run)
    }

    /// The commune-level unit with this 5-digit code.
    pub fn commune(&self, code: &str) -> Option<&Commune> {
        find(&self.communes, &self.commune_by_code, code, |c| &c.code)
    }

    /// The units of a province with this name, official ("Phường Ba Đình")
    /// or proper ("Ba Đình"), folded. Several when only the proper name is
    /// given and a xã and a phường share it, or when names differ only in
    /// diacritics ("Văn Lang", "Văn Lăng"): those written exactly as given
    /// come first.
    pub fn communes_named(&self, province: &str, name: &str) -> Vec<&Commune> {
        let Some(scope) = self.province_at(province) else {
            return Vec::new();
        };
        found(&self.commune_names, position(scope), name, &self.communes)
    }

    /// The 63 former provinces, by code.
    pub fn former_provinces(&self) -> &[FormerProvince] {
        &self.former_provinces
    }

    /// The former province with this 2-digit code.
    pub fn former_province(&self, code: &str) -> Option<&FormerProvince> {
        self.former_province_at(code)
            .and_then(|i| self.former_provinces.get(i))
    }

    fn former_province_at(&self, code: &str) -> Option<usize> {
        self.former_provinces
            .binary_search_by(|p| p.code.as_str().cmp(code))
            .ok()
    }

    /// The former province of this name, official or proper, folded.
    pub fn former_province_named(&self, name: &str) -> Option<&FormerProvince> {
        found(
            &self.former_province_names,
            EVERYWHERE,
            name,
            &self.former_provinces,
        )
        .first()
        .copied()
    }

    /// The districts of a former province, by code.
    pub fn former_districts_of(&self, former_province: &str) -> &[FormerDistrict] {
        let run = self
            .former_province_at(former_province)
            .and_then(|i| self.former_district_runs.get(i).copied());
        slice(&self.former_districts, run)
    }

    /// The former district with this 3-digit code.
    pub fn former_district(&self, code: &str) -> Option<&FormerDistrict> {
        find(
            &self.former_districts,
            &self.former_district_by_code,
            code,
            |d| &d.code,
        )
    }

    /// The districts of a former province with this name, official
    /// ("Huyện Kỳ Anh") or proper ("Kỳ Anh": a huyện and a thị xã).
    pub fn former_districts_named(
        &self,
        former_province: &str,
        name: &str,
    ) -> Vec<&FormerDistrict> {
        let Some(scope) = self.former_province_at(former_province) else {
            return Vec::new();
        };
        found(
            self.former_district_names(),
            position(scope),
            name,
            &self.former_districts,
        )
    }

    /// The communes of a former district, by code.
    pub fn former_communes_of(&self, district: &str) -> &[FormerCommune] {
        let run = self
            .former_district_at(district)
            .and_then(|i| self.former_commune_runs.get(i).copied());
        slice(&self.former_communes, run)
    }

    /// The former commune with this 5-digit code.
    pub fn former_commune(&self, code: &str) -> Option<&FormerCommune> {
        find(
            &self.former_communes,
            &self.former_commune_by_code,
            code,
            |c| &c.code,
        )
    }

    /// The former communes of this name, official ("Phường Phúc Xá") or
    /// proper, in a former district (its code), or in every district of a
    /// former province when `district` is `None`.
    pub fn former_communes_named(
        &self,
        former_province: &str,
        district: Option<&str>,
        name: &str,
    ) -> Vec<&FormerCommune> {
        let districts: Vec<&str> = match district {
            Some(d) => match self.former_district(d) {
                Some(fd) if fd.province == former_province => vec![d],
                _ => Vec::new(),
            },
            None => self
                .former_districts_of(former_province)
                .iter()
                .map(|d| d.code.as_str())
                .collect(),
        };
        let mut out = Vec::new();
        for d in districts {
            if let Some(scope) = self.former_district_at(d) {
                out.extend(found(
                    self.former_commune_names(),
                    position(scope),
                    name,
                    &self.former_communes,
                ));
            }
        }
        exact_first(name, &mut out);
        out
    }

    /// The new unit(s) the former commune with this code became part of,
    /// the default first; `None` for a code that names no former commune.
    pub fn new_units_of(&self, former_commune: &str) -> Option<Vec<NewUnit<'_>>> {
        let fc = self.former_commune(former_commune)?;
        Some(self.resolve(&fc.successors))
    }

    /// The new unit(s) a former district became as a whole: only an island
    /// district that had no communes; empty for every other district (its
    /// communes say where they went) and for an unknown code.
    pub fn new_units_of_district(&self, district: &str) -> Vec<NewUnit<'_>> {
        self.former_district(district)
            .map(|d| self.resolve(&d.successors))
            .unwrap_or_default()
    }

    fn resolve(&self, successors: &[Successor]) -> Vec<NewUnit<'_>> {
        successors
            .iter()
            .filter_map(|s| {
                self.commune(&s.commune).map(|commune| NewUnit {
                    commune,
                    default: s.default,
                })
            })
            .collect()
    }
}

/// The units a name index gives for `name`, those written exactly as
/// `name` (diacritics included, case aside) first: "Văn Lăng" and "Văn
/// Lang" fold alike, and whoever typed the marks meant the one with them.
fn found<'a, T: Named>(index: &NameIndex, scope: u32, name: &str, items: &'a [T]) -> Vec<&'a T> {
    let mut out: Vec<&T> = index
        .get(&(scope, key(name)))
        .map(|list| list.iter().filter_map(|&i| items.get(i as usize)).collect())
        .unwrap_or_default();
    exact_first(name, &mut out);
    out
}

fn exact_first<T: Named>(name: &str, units: &mut [&T]) {
    if units.len() < 2 {
        return;
    }
    let typed = marked(name);
    units.sort_by_key(|u| !(marked(u.proper()) == typed || marked(&u.full_name()) == typed));
}

/// Lower case, canonically decomposed, diacritics kept, spaces collapsed.
fn marked(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    for word in text.split_whitespace() {
        if !out.is_empty() {
            out.push(' ');
        }
        for c in word.chars() {
            push_marked(c, &mut out);
        }
    }
    out
}
