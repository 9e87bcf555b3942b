//! The address picker: as-you-type lookup of provinces and commune-level
//! units in force, typed the way people type — no diacritics or some,
//! `đ`/`d`, `i`/`y`, case, unit-type words and their abbreviations, the
//! last word begun, one typo in a longer word, the province after the
//! commune — and through the names of former units, answered with the
//! unit(s) they became part of (`docs/addresses.md`, ADR 0020).

mod answer;
mod lookup;
mod query;
mod rank;
#[cfg(test)]
mod tests;

pub use answer::{FormerLevel, FormerUnit, Level, PlaceMatch, PlaceRef};
pub use rank::MatchQuality;

use crate::table::Units;
use answer::{answer, Unit};
use lookup::Lookup;
use std::collections::HashSet;

/// The most answers one query gives.
pub const MAX_ANSWERS: usize = 100;

impl Units {
    /// The units `query` may mean, best first, at most `limit` (and at
    /// most [`MAX_ANSWERS`]): provinces and communes in force, or only
    /// the communes of `province` (a 2-digit code) when one is chosen; a
    /// code that names no province finds nothing. Any text is read
    /// (bounded by `limits::SEARCH_QUERY_CHARS`); the first call builds
    /// the picker's index.
    pub fn search(&self, query: &str, province: Option<&str>, limit: usize) -> Vec<PlaceMatch> {
        let limit = limit.min(MAX_ANSWERS);
        let typed = query::read(query);
        if limit == 0 || typed.words.is_empty() {
            return Vec::new();
        }
        let chosen = match province {
            Some(code) => match self.province_position(code) {
                Some(p) => Some(u32::try_from(p).unwrap_or(u32::MAX)),
                None => return Vec::new(),
            },
            None => None,
        };
        let mut lookup = Lookup::new(self);
        lookup.run(&typed, chosen);
        let mut found = lookup.found;
        let marks = query::marked_words(query);
        let index = self.picker_index();
        let missed = |entry: u32| -> usize {
            if marks.is_empty() {
                return 0;
            }
            let name = index
                .entries()
                .get(entry as usize)
                .map_or("", |e| &e.marked);
            marks
                .iter()
                .filter(|m| !name.split(' ').any(|w| w.starts_with(m.as_str())))
                .count()
        };
        found.sort_by_cached_key(|f| (f.rank, missed(f.entry), f.entry, unit_order(f.unit)));
        let mut seen: HashSet<Unit> = HashSet::with_capacity(limit);
        let mut out = Vec::with_capacity(limit);
        for f in found {
            if out.len() >= limit {
                break;
            }
            if !seen.insert(f.unit) {
                continue;
            }
            if let Some(a) = answer(self, f.unit, f.rank.quality, f.via) {
                out.push(a);
            }
        }
        out
    }
}

fn unit_order(unit: Unit) -> (u8, u32) {
    match unit {
        Unit::Province(p) => (0, p),
        Unit::Commune(c) => (1, c),
    }
}
