//! Per-document term totals of a query variant, and the work shared
//! between the variants of one search: a query word with several terms
//! (typos, completions) is merged once, and the words every variant has
//! are added once and copied into each variant.

use super::index::{Index, Posting};
use super::query::Slot;

/// Each document's total of term scores and how much of the query it
/// covers, with the documents that have one.
pub(crate) struct Sums {
    pub(crate) total: Vec<f32>,
    pub(crate) covered: Vec<f32>,
    pub(crate) touched: DocList,
}

impl Sums {
    pub fn new(docs: usize) -> Sums {
        Sums {
            total: vec![0.0; docs],
            covered: vec![0.0; docs],
            touched: DocList::new(docs),
        }
    }

    /// Adds the best term score of query word `slot` to every document
    /// that has one of its terms. A document is new while it covers
    /// nothing (every word counts for something).
    pub fn add(&mut self, index: &Index, slot: &Slot, merging: &mut Merging) {
        let counts = slot.importance.max(0.5);
        if let [(term, weight)] = slot.alternatives[..] {
            // One term: each document appears once, so it adds directly.
            let weight = weight * index.idf(term);
            for p in index.postings(term) {
                let d = p.doc as usize;
                self.touched.add(p.doc, self.covered[d] == 0.0);
                self.total[d] += term_score(weight, p) * counts;
                self.covered[d] += slot.importance;
            }
            return;
        }
        for &(doc, best) in merging.merged(index, slot) {
            let d = doc as usize;
            self.touched.add(doc, self.covered[d] == 0.0);
            self.total[d] += best * counts;
            self.covered[d] += slot.importance;
        }
    }

    /// Starts from `base`'s totals (`self` must be clear).
    pub fn start_from(&mut self, base: &Sums) {
        for &doc in base.touched.docs() {
            let d = doc as usize;
            self.total[d] = base.total[d];
            self.covered[d] = base.covered[d];
            self.touched.add(doc, true);
        }
    }

    pub fn clear(&mut self) {
        for &doc in self.touched.docs() {
            self.total[doc as usize] = 0.0;
            self.covered[doc as usize] = 0.0;
        }
        self.touched.clear();
    }
}

/// Best scores per document of the query words with several terms,
/// worked out once per search: the same word comes back in most variants.
pub(crate) struct Merging {
    best_for_slot: Vec<f32>,
    slot_touched: DocList,
    merged: Vec<Merged>,
    /// Entries of `merged` in use by the current search.
    in_use: usize,
}

/// One query word's terms and each document's best score among them.
struct Merged {
    alternatives: Vec<(u32, f32)>,
    best: Vec<(u32, f32)>,
}

impl Merging {
    pub fn new(docs: usize) -> Merging {
        Merging {
            best_for_slot: vec![0.0; docs],
            slot_touched: DocList::new(docs),
            merged: Vec::new(),
            in_use: 0,
        }
    }

    /// Forgets the last search's words (keeping the buffers).
    pub fn new_search(&mut self) {
        self.in_use = 0;
    }

    /// Each document's best score among `slot`'s terms.
    fn merged(&mut self, index: &Index, slot: &Slot) -> &[(u32, f32)] {
        let used = &self.merged[..self.in_use];
        if let Some(at) = used
            .iter()
            .position(|m| m.alternatives == slot.alternatives)
        {
            return &self.merged[at].best;
        }
        for &(term, weight) in &slot.alternatives {
            let weight = weight * index.idf(term);
            for p in index.postings(term) {
                let d = p.doc as usize;
                let held = self.best_for_slot[d];
                self.slot_touched.add(p.doc, held == 0.0);
                self.best_for_slot[d] = held.max(term_score(weight, p));
            }
        }
        if self.in_use == self.merged.len() {
            self.merged.push(Merged {
                alternatives: Vec::new(),
                best: Vec::new(),
            });
        }
        let m = &mut self.merged[self.in_use];
        self.in_use += 1;
        m.alternatives.clear();
        m.alternatives.extend_from_slice(&slot.alternatives);
        m.best.clear();
        for &doc in self.slot_touched.docs() {
            let best = &mut self.best_for_slot[doc as usize];
            m.best.push((doc, *best));
            *best = 0.0;
        }
        self.slot_touched.clear();
        &m.best
    }
}

/// For each variant, which of its words every variant has (a word twice
/// in every variant counts twice). Empty when there is one variant.
pub(crate) fn in_every_variant(variants: &[Vec<Slot>]) -> Vec<Vec<bool>> {
    let Some((first, rest)) = variants.split_first() else {
        return Vec::new();
    };
    if rest.is_empty() {
        return Vec::new();
    }
    let mut common: Vec<&Slot> = first.iter().collect();
    for variant in rest {
        let mut taken = vec![false; variant.len()];
        common.retain(|slot| take(variant, &mut taken, slot));
    }
    variants
        .iter()
        .map(|variant| {
            let mut taken = vec![false; variant.len()];
            for slot in &common {
                take(variant, &mut taken, slot);
            }
            taken
        })
        .collect()
}

/// Marks the first untaken word of `variant` equal to `slot`; whether
/// there was one.
fn take(variant: &[Slot], taken: &mut [bool], slot: &Slot) -> bool {
    let found = variant
        .iter()
        .zip(taken.iter())
        .position(|(s, &t)| !t && s == slot);
    if let Some(at) = found {
        taken[at] = true;
    }
    found.is_some()
}

/// Score of a term matched with `weight` (times its idf) in one posting's
/// document. Never zero, so a match always counts as one.
#[inline]
fn term_score(weight: f32, p: &Posting) -> f32 {
    (weight * p.impact).max(f32::MIN_POSITIVE)
}

/// Documents in the order first met, each once: as long as the index and
/// filled from the front, so adding one costs no branch in the hot loops.
pub(crate) struct DocList {
    docs: Vec<u32>,
    len: usize,
}

impl DocList {
    fn new(docs: usize) -> DocList {
        DocList {
            docs: vec![0; docs],
            len: 0,
        }
    }

    /// Adds `doc` when `new` (a document already listed is never new).
    #[inline]
    fn add(&mut self, doc: u32, new: bool) {
        if let Some(free) = self.docs.get_mut(self.len) {
            *free = doc;
            self.len += usize::from(new);
        }
    }

    pub fn docs(&self) -> &[u32] {
        &self.docs[..self.len]
    }

    fn clear(&mut self) {
        self.len = 0;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn slot(term: u32) -> Slot {
        Slot {
            alternatives: vec![(term, 1.0)],
            importance: 1.0,
        }
    }

    #[test]
    fn words_in_every_variant_are_found_once_each() {
        // "khai sinh cho con": variants replace "con" with "tre em" and
        // with "be"; "sinh" twice in the first variant only once shared.
        let variants = vec![
            vec![slot(1), slot(2), slot(2), slot(3)],
            vec![slot(1), slot(2), slot(4), slot(5)],
            vec![slot(6), slot(2), slot(1)],
        ];
        assert_eq!(
            in_every_variant(&variants),
            [
                vec![true, true, false, false],
                vec![true, true, false, false],
                vec![false, true, true],
            ]
        );
        assert!(in_every_variant(&variants[..1]).is_empty());
        assert!(in_every_variant(&[]).is_empty());
    }
}
