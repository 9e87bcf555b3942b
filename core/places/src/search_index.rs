//! The picker's index, built once per table: every name a unit can be
//! typed by (provinces, communes, former provinces, island districts and
//! former communes) as word ids, grouped by first word, the words sorted so
//! that a typed prefix is one run of entries, and the one-deletion
//! neighbourhood of each first word for typos (ADR 0020).

use crate::kind::UnitKind;
use crate::name::key;
use crate::text::push_marked;
use std::collections::HashMap;
use std::hash::{DefaultHasher, Hash, Hasher};

/// What an entry names: a position in one of the table's lists.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Target {
    Province(u32),
    Commune(u32),
    FormerProvince(u32),
    FormerDistrict(u32),
    FormerCommune(u32),
}

/// A unit in force, by its position in the table's list.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum Unit {
    Province(u32),
    Commune(u32),
}

/// A unit in force a name stands for: itself, or what a former unit
/// became (part of).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Stands {
    pub unit: Unit,
    /// The position of its province.
    pub province: u32,
    /// The default (or only) new unit of a former one.
    pub default: bool,
}

/// One name to index.
pub(crate) struct Record<'a> {
    pub target: Target,
    pub kind: UnitKind,
    pub name: &'a str,
    /// The units in force it stands for, the default first.
    pub stands: Vec<Stands>,
}

/// One indexed name: its words (ids into the vocabulary), kind and unit.
#[derive(Debug)]
pub(crate) struct Entry {
    pub target: Target,
    pub kind: UnitKind,
    pub words: Box<[u32]>,
    /// The name lower case with its diacritics (`text::push_marked`):
    /// "Tân Định" and "Tân Dĩnh" fold alike, and whoever typed the marks
    /// meant one of them.
    pub marked: Box<str>,
    /// Its run in the index's `stands`.
    stands: (u32, u32),
}

/// The picker's index of one table.
#[derive(Debug)]
pub(crate) struct PickerIndex {
    /// Every word of every name, sorted: a word's id is its position.
    words: Vec<Box<str>>,
    /// Sorted by first word, so the entries starting with word `w` are
    /// `entries[starts[w]..starts[w + 1]]`.
    entries: Vec<Entry>,
    starts: Vec<u32>,
    /// (hash of a first word of [`TYPO_MIN_LEN`] letters or more, or of
    /// that word with one letter deleted; the word's id), sorted.
    deletes: Vec<(u64, u32)>,
    /// Positions of the entries naming a province, now or former: a
    /// province typed after a commune is looked for among these only.
    provinces: Vec<u32>,
    /// The units each entry stands for, one run an entry.
    stands: Vec<Stands>,
}

/// Words shorter than this are never read as a typo of another.
pub(crate) const TYPO_MIN_LEN: usize = 4;

fn id(i: usize) -> u32 {
    // Tables are bounded far below u32::MAX names (`read`).
    u32::try_from(i).unwrap_or(u32::MAX)
}

fn hash(text: &str) -> u64 {
    let mut h = DefaultHasher::new();
    text.hash(&mut h);
    h.finish()
}

/// `name` lower case, diacritics kept (canonically decomposed).
pub(crate) fn marked(name: &str) -> String {
    let mut out = String::with_capacity(name.len() + name.len() / 2);
    for c in name.chars() {
        push_marked(c, &mut out);
    }
    out
}

/// `word` with its character at `at` (a char boundary) left out.
fn without(word: &str, at: usize, len: usize) -> String {
    let mut out = String::with_capacity(word.len());
    out.push_str(word.get(..at).unwrap_or_default());
    out.push_str(word.get(at + len..).unwrap_or_default());
    out
}

/// `word` and every string one deletion away from it.
pub(crate) fn neighbourhood(word: &str) -> impl Iterator<Item = String> + '_ {
    std::iter::once(word.to_string()).chain(
        word.char_indices()
            .map(move |(at, c)| without(word, at, c.len_utf8())),
    )
}

impl PickerIndex {
    pub(crate) fn build<'a>(records: impl IntoIterator<Item = Record<'a>>) -> PickerIndex {
        let keyed: Vec<(Record<'a>, String)> = records
            .into_iter()
            .map(|r| {
                let k = key(r.name);
                (r, k)
            })
            .filter(|(_, k)| !k.is_empty())
            .collect();
        let mut words: Vec<&str> = keyed.iter().flat_map(|(_, k)| k.split(' ')).collect();
        words.sort_unstable();
        words.dedup();
        let ids: HashMap<&str, u32> = words.iter().enumerate().map(|(i, w)| (*w, id(i))).collect();
        let mut stands = Vec::new();
        let mut entries: Vec<Entry> = keyed
            .iter()
            .map(|(r, k)| Entry {
                target: r.target,
                kind: r.kind,
                marked: marked(r.name).into(),
                stands: {
                    let start = id(stands.len());
                    stands.extend_from_slice(&r.stands);
                    (start, id(stands.len()))
                },
                words: k
                    .split(' ')
                    .map(|w| ids.get(w).copied().unwrap_or(u32::MAX))
                    .collect(),
            })
            .collect();
        entries.sort_by(|a, b| a.words.cmp(&b.words));
        let mut starts = Vec::with_capacity(words.len() + 1);
        for w in 0..words.len() {
            starts.push(id(
                entries.partition_point(|e| e.words.first() < Some(&id(w)))
            ));
        }
        starts.push(id(entries.len()));
        let mut deletes = Vec::new();
        for (w, word) in words.iter().enumerate() {
            let first_word = starts.get(w) < starts.get(w + 1);
            if first_word && word.chars().count() >= TYPO_MIN_LEN {
                deletes.extend(neighbourhood(word).map(|n| (hash(&n), id(w))));
            }
        }
        deletes.sort_unstable();
        deletes.dedup();
        let provinces = (0..entries.len())
            .filter(|&i| {
                entries.get(i).is_some_and(|e| {
                    matches!(e.target, Target::Province(_) | Target::FormerProvince(_))
                })
            })
            .map(id)
            .collect();
        PickerIndex {
            provinces,
            stands,
            words: words.into_iter().map(Box::from).collect(),
            entries,
            starts,
            deletes,
        }
    }

    pub(crate) fn entries(&self) -> &[Entry] {
        &self.entries
    }

    /// The entries naming a province, now or former.
    pub(crate) fn province_entries(&self) -> impl Iterator<Item = &Entry> + '_ {
        self.provinces
            .iter()
            .filter_map(|&i| self.entries.get(i as usize))
    }

    /// The units in force `entry` stands for, the default first.
    pub(crate) fn stands(&self, entry: &Entry) -> &[Stands] {
        let (a, b) = entry.stands;
        self.stands.get(a as usize..b as usize).unwrap_or_default()
    }

    pub(crate) fn word(&self, id: u32) -> &str {
        self.words.get(id as usize).map_or("", |w| w)
    }

    /// The id of `word`, if some name has it.
    pub(crate) fn word_id(&self, word: &str) -> Option<u32> {
        self.words
            .binary_search_by(|w| w.as_ref().cmp(word))
            .ok()
            .map(id)
    }

    /// The ids of the words starting with `prefix` (a run).
    pub(crate) fn words_starting(&self, prefix: &str) -> std::ops::Range<u32> {
        let lo = self.words.partition_point(|w| w.as_ref() < prefix);
        let hi = lo
            + self
                .words
                .get(lo..)
                .unwrap_or_default()
                .partition_point(|w| w.starts_with(prefix));
        id(lo)..id(hi)
    }

    /// The positions of the entries whose first word's id is in `ids`.
    pub(crate) fn starting_with(&self, ids: std::ops::Range<u32>) -> std::ops::Range<usize> {
        let at = |w: u32| {
            self.starts
                .get(w as usize)
                .copied()
                .unwrap_or_else(|| id(self.entries.len())) as usize
        };
        at(ids.start)..at(ids.end).max(at(ids.start))
    }

    /// The ids of first words that may be `typed` with one typo (to be
    /// checked: a shared deletion is necessary, not sufficient).
    pub(crate) fn typo_candidates(&self, typed: &str) -> Vec<u32> {
        let mut out = Vec::new();
        for n in neighbourhood(typed) {
            let h = hash(&n);
            let lo = self.deletes.partition_point(|&(k, _)| k < h);
            for &(k, w) in self.deletes.get(lo..).unwrap_or_default() {
                if k != h {
                    break;
                }
                out.push(w);
            }
        }
        out.sort_unstable();
        out.dedup();
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn index() -> PickerIndex {
        let names = ["Bến Nghé", "Bến Thành", "Bình Thạnh", "Ea H'Leo", "Phúc Xá"];
        PickerIndex::build(names.iter().enumerate().map(|(i, n)| Record {
            target: Target::Commune(id(i)),
            kind: UnitKind::Ward,
            name: n,
            stands: vec![Stands {
                unit: Unit::Commune(id(i)),
                province: 0,
                default: true,
            }],
        }))
    }

    #[test]
    fn prefixes_are_runs_and_typos_are_found() {
        let ix = index();
        let ben = ix.words_starting("be");
        assert_eq!(ix.word(ben.start), "ben");
        let run = ix.starting_with(ben);
        assert_eq!(run.len(), 2);
        let e = &ix.entries()[run.start];
        assert_eq!(ix.stands(e)[0].unit, Unit::Commune(0));
        assert_eq!(ix.starting_with(ix.words_starting("zz")).len(), 0);
        let binh = ix.word_id("binh").unwrap();
        assert!(ix.typo_candidates("bihn").contains(&binh));
        assert!(ix.typo_candidates("bnh").contains(&binh));
        assert!(ix.typo_candidates("binhh").contains(&binh));
        assert!(!ix.typo_candidates("xyzw").contains(&binh));
        assert_eq!(ix.word_id("hleo").map(|w| ix.word(w)), Some("hleo"));
    }

    #[test]
    fn neighbourhood_is_the_word_and_each_deletion() {
        let n: Vec<String> = neighbourhood("abc").collect();
        assert_eq!(n, ["abc", "bc", "ac", "ab"]);
        assert_eq!(neighbourhood("").count(), 1);
    }
}
