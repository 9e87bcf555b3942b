//! From typed words to ranked units: each reading of the query (with or
//! without its leading type word; the whole of it a name, or a name then
//! a province), the names that fit each, and the units they stand for —
//! a former unit's name standing for the new unit(s) it became.

use super::query::{type_word, Typed};
use super::rank::{fit, fit_name, kind_fit, MatchQuality, NameFit, Rank, WordFit};
use crate::kind::UnitKind;
use crate::search_index::{Entry, PickerIndex, Target, Unit};
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
    /// Words typed with diacritics that the name does not carry (set
    /// after the lookup, when the query has any).
    pub marks_missed: u8,
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

    /// Every unit `typed` may mean within the chosen province (position);
    /// of the units only a type word names, enough for `limit` answers.
    pub(crate) fn run(&mut self, typed: &Typed, chosen: Option<u32>, limit: usize) {
        let words = typed.words.as_slice();
        let mut readings: Vec<(usize, Option<&'static [UnitKind]>)> = vec![(0, None)];
        if let Some((n, kinds)) = type_word(words) {
            readings.push((n, Some(kinds)));
        }
        for (lead, kinds) in readings {
            let rest = words.get(lead..).unwrap_or_default();
            if rest.is_empty() {
                if let Some(kinds) = kinds {
                    self.of_kind(kinds, chosen, limit);
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
    /// `words` name whole — or begin, while the last word is being typed
    /// ("ben nghe ho ch").
    fn provinces_named(&self, words: &[String], open: bool) -> Vec<(u32, NameFit)> {
        let mut out = Vec::new();
        if words.is_empty() {
            return out;
        }
        for e in self.index.province_entries() {
            let Some(f) = fit_name(words, e.words.iter().map(|w| self.index.word(*w)), open) else {
                continue;
            };
            if f.untyped > 0 && !open {
                continue;
            }
            for st in self.index.stands(e) {
                if let Unit::Province(p) = st.unit {
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
        let typos = if first.len() + 1 >= crate::search_index::TYPO_MIN_LEN {
            index.typo_candidates(first)
        } else {
            Vec::new()
        };
        for w in typos {
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
        for &st in self.index.stands(e) {
            let (unit, province, default) = (st.unit, st.province, st.default);
            if matches!(unit, Unit::Province(_))
                && (scope.chosen.is_some() || scope.typed.is_some())
            {
                continue;
            }
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
                marks_missed: 0,
            });
        }
    }

    /// Only a type word typed: the units of its kinds (in the chosen
    /// province), in the table's order.
    fn of_kind(&mut self, kinds: &'static [UnitKind], chosen: Option<u32>, limit: usize) {
        // Enough to fill the answers past every unit already found by name.
        let cap = self.found.len().saturating_add(limit);
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
                        marks_missed: 0,
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
            if self.found.len() >= cap {
                break;
            }
            if kinds.contains(&c.kind) {
                self.found.push(Found {
                    rank: rank(1),
                    entry: u32::MAX,
                    unit: Unit::Commune(position(start + i)),
                    via: None,
                    marks_missed: 0,
                });
            }
        }
    }
}

fn position(i: usize) -> u32 {
    u32::try_from(i).unwrap_or(u32::MAX)
}
