//! From typed words to ranked units: each reading of the query (with or
//! without its leading type word; the whole of it a name, or a name then
//! a province), the names that fit each, and the units they stand for —
//! a former unit's name standing for the new unit(s) it became.

use super::answer::Unit;
use super::query::{type_word, Typed};
use super::rank::{fit, fit_name, kind_fit, MatchQuality, NameFit, Rank, WordFit};
use crate::kind::UnitKind;
use crate::search_index::{Entry, PickerIndex, Target};
use crate::table::Units;

/// One unit found, before answers are built.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Found {
    pub rank: Rank,
    /// The entry's position: names in alphabetical order break ties.
    pub entry: u32,
    pub unit: Unit,
    /// The former unit's entry it came through, and whether it is that
    /// unit's default successor.
    pub via: Option<(Target, bool)>,
}

/// Where answers may lie: the province chosen (its position), and the
/// provinces a query names after the commune.
#[derive(Clone, Copy)]
struct Scope<'a> {
    chosen: Option<u32>,
    typed: Option<&'a [(u32, NameFit)]>,
}

pub(crate) struct Lookup<'a> {
    units: &'a Units,
    index: &'a PickerIndex,
    pub found: Vec<Found>,
}

impl<'a> Lookup<'a> {
    pub(crate) fn new(units: &'a Units) -> Lookup<'a> {
        Lookup {
            units,
            index: units.picker_index(),
            found: Vec::new(),
        }
    }

    /// Every unit `typed` may mean within the chosen province (position).
    pub(crate) fn run(&mut self, typed: &Typed, chosen: Option<u32>) {
        let words = typed.words.as_slice();
        let mut readings: Vec<(usize, Option<&'static [UnitKind]>)> = vec![(0, None)];
        if let Some((n, kinds)) = type_word(words) {
            readings.push((n, Some(kinds)));
        }
        for (lead, kinds) in readings {
            let rest = words.get(lead..).unwrap_or_default();
            if rest.is_empty() {
                if let Some(kinds) = kinds {
                    self.of_kind(kinds, chosen);
                }
                continue;
            }
            let whole = Scope {
                chosen,
                typed: None,
            };
            self.names(rest, typed.open, kinds, whole);
            // A name, then its province ("ben nghe ho chi minh", "an binh,
            // tinh dong thap").
            for split in 1..rest.len() {
                let (name, tail) = rest.split_at(split);
                let tail = match type_word(tail) {
                    Some((n, k))
                        if k.contains(&UnitKind::Province) || k.contains(&UnitKind::City) =>
                    {
                        tail.get(n..).unwrap_or_default()
                    }
                    _ => tail,
                };
                let provinces = self.provinces_named(tail, typed.open);
                if provinces.is_empty() {
                    continue;
                }
                let scope = Scope {
                    chosen,
                    typed: Some(&provinces),
                };
                self.names(name, false, kinds, scope);
            }
        }
    }

    /// The provinces (positions), now or through a former name, that
    /// `words` name whole (the last word perhaps begun when `open`).
    fn provinces_named(&self, words: &[String], open: bool) -> Vec<(u32, NameFit)> {
        let mut out = Vec::new();
        if words.is_empty() {
            return out;
        }
        for e in self.index.province_entries() {
            let Some(f) = fit_name(words, e.words.iter().map(|w| self.index.word(*w)), open) else {
                continue;
            };
            if f.untyped > 0 {
                continue;
            }
            for (unit, _) in self.units_of(e) {
                if let Unit::Province(p) = unit {
                    out.push((p, f));
                }
            }
        }
        out
    }

    /// The entries whose names `words` fit, as units in `scope`.
    fn names(
        &mut self,
        words: &[String],
        open: bool,
        kinds: Option<&'static [UnitKind]>,
        scope: Scope<'_>,
    ) {
        let Some(first) = words.first() else {
            return;
        };
        let index = self.index;
        let first_open = open && words.len() == 1;
        // The run of first words the first typed word begins (or is).
        let run = if first_open {
            index.words_starting(first)
        } else {
            match index.word_id(first) {
                Some(id) => id..id.saturating_add(1),
                None => 0..0,
            }
        };
        let mut ranges = vec![index.starting_with(run.clone())];
        for w in index.typo_candidates(first) {
            if !run.contains(&w) && fit(first, index.word(w), false) == Some(WordFit::Typo) {
                ranges.push(index.starting_with(w..w.saturating_add(1)));
            }
        }
        for range in ranges {
            for at in range {
                let Some(e) = index.entries().get(at) else {
                    continue;
                };
                let names = e.words.iter().map(|w| index.word(*w));
                let Some(f) = fit_name(words, names, open) else {
                    continue;
                };
                self.add(e, u32::try_from(at).unwrap_or(u32::MAX), f, kinds, scope);
            }
        }
    }

    /// Adds the units entry `e` stands for, where `scope` allows them.
    fn add(
        &mut self,
        e: &Entry,
        at: u32,
        f: NameFit,
        kinds: Option<&'static [UnitKind]>,
        scope: Scope<'_>,
    ) {
        let former = !matches!(e.target, Target::Province(_) | Target::Commune(_));
        for (unit, default) in self.units_of(e) {
            let province = match unit {
                Unit::Province(p) => {
                    if scope.chosen.is_some() || scope.typed.is_some() {
                        continue;
                    }
                    p
                }
                Unit::Commune(c) => match self.province_of(c) {
                    Some(p) => p,
                    None => continue,
                },
            };
            if scope.chosen.is_some_and(|c| c != province) {
                continue;
            }
            let f = match scope.typed {
                Some(typed) => match typed.iter().find(|(p, _)| *p == province) {
                    Some((_, pf)) => f.and(NameFit { untyped: 0, ..*pf }),
                    None => continue,
                },
                None => f,
            };
            self.found.push(Found {
                rank: Rank {
                    quality: f.quality,
                    typos: f.typos,
                    kind_fit: kind_fit(kinds, e.kind),
                    former: u8::from(former),
                    level: u8::from(matches!(unit, Unit::Commune(_))),
                    untyped: f.untyped,
                    not_default: u8::from(!default),
                },
                entry: at,
                unit,
                via: former.then_some((e.target, default)),
            });
        }
    }

    /// Only a type word typed: the units of its kinds (in the chosen
    /// province), in the table's order.
    fn of_kind(&mut self, kinds: &'static [UnitKind], chosen: Option<u32>) {
        let rank = |level| Rank {
            quality: MatchQuality::Kind,
            typos: 0,
            kind_fit: 0,
            former: 0,
            level,
            untyped: 0,
            not_default: 0,
        };
        if chosen.is_none() {
            for (i, p) in self.units.provinces().iter().enumerate() {
                if kind_fit(Some(kinds), p.kind) == 0 {
                    self.found.push(Found {
                        rank: rank(0),
                        entry: u32::MAX,
                        unit: Unit::Province(position(i)),
                        via: None,
                    });
                }
            }
        }
        let all = self.units.communes();
        let (start, end) = match chosen {
            Some(p) => self.units.commune_run(p as usize).unwrap_or((0, 0)),
            None => (0, position(all.len())),
        };
        let communes = all.get(start as usize..end as usize).unwrap_or_default();
        let start = start as usize;
        for (i, c) in communes.iter().enumerate() {
            if kinds.contains(&c.kind) {
                self.found.push(Found {
                    rank: rank(1),
                    entry: u32::MAX,
                    unit: Unit::Commune(position(start + i)),
                    via: None,
                });
            }
        }
    }

    /// The units in force an entry stands for, each with whether it is
    /// the default successor.
    fn units_of(&self, e: &Entry) -> Vec<(Unit, bool)> {
        let successors = |list: &[crate::Successor]| -> Vec<(Unit, bool)> {
            list.iter()
                .filter_map(|s| {
                    self.commune_position(&s.commune)
                        .map(|c| (Unit::Commune(c), s.default))
                })
                .collect()
        };
        match e.target {
            Target::Province(p) => vec![(Unit::Province(p), true)],
            Target::Commune(c) => vec![(Unit::Commune(c), true)],
            Target::FormerProvince(p) => self
                .units
                .former_provinces()
                .get(p as usize)
                .and_then(|fp| self.units.province_position(&fp.now))
                .map(|now| vec![(Unit::Province(position(now)), true)])
                .unwrap_or_default(),
            Target::FormerDistrict(d) => self
                .units
                .former_district_list()
                .get(d as usize)
                .map(|d| successors(&d.successors))
                .unwrap_or_default(),
            Target::FormerCommune(c) => self
                .units
                .former_commune_list()
                .get(c as usize)
                .map(|c| successors(&c.successors))
                .unwrap_or_default(),
        }
    }

    fn commune_position(&self, code: &str) -> Option<u32> {
        self.units.commune_position(code).map(position)
    }

    fn province_of(&self, commune: u32) -> Option<u32> {
        let c = self.units.communes().get(commune as usize)?;
        self.units.province_position(&c.province).map(position)
    }
}

fn position(i: usize) -> u32 {
    u32::try_from(i).unwrap_or(u32::MAX)
}
