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

use crate::search_index::Unit;
use crate::table::Units;
use answer::answer;
use lookup::{Found, Lookup};
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
        lookup.run(&typed, chosen, limit);
        let mut found = lookup.found;
        let marks = query::marked_words(query);
        if !marks.is_empty() {
            // Names written with the diacritics typed first among equals.
            let index = self.picker_index();
            for f in &mut found {
                let name = index
                    .entries()
                    .get(f.entry as usize)
                    .map_or("", |e| &e.marked);
                let missed = marks
                    .iter()
                    .filter(|m| !name.split(' ').any(|w| w.starts_with(m.as_str())))
                    .count();
                f.marks_missed = u8::try_from(missed).unwrap_or(u8::MAX);
            }
        }
        ordered(&mut found, limit);
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

/// Ties broken by the names' order, then the table's.
fn order(f: &Found) -> (u32, u8, u32) {
    match f.unit {
        Unit::Province(p) => (f.entry, 0, p),
        Unit::Commune(c) => (f.entry, 1, c),
    }
}

/// Puts `found` in rank order as far as the answers need: a unit found
/// several ways appears several times, so the best `4 × limit` are sorted
/// first, and the rest only if those hold fewer than `limit` units. A
/// first letter typed finds thousands of names; sorting them all would
/// cost more than finding them.
fn ordered(found: &mut [Found], limit: usize) {
    let by = |f: &Found| (f.rank, f.marks_missed, order(f));
    let keep = limit.saturating_mul(4).max(32);
    if found.len() <= keep {
        found.sort_unstable_by_key(by);
        return;
    }
    found.select_nth_unstable_by_key(keep, by);
    let (head, tail) = found.split_at_mut(keep);
    head.sort_unstable_by_key(by);
    let units: HashSet<Unit> = head.iter().map(|f| f.unit).collect();
    if units.len() < limit {
        tail.sort_unstable_by_key(by);
    }
}
