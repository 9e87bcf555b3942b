//! Ranking: BM25-style term scores over procedure names (secondary text counts
//! less), then, for the best candidates, how much of the query matched, whether
//! its words stand together and in order in the name, and how much of the name
//! the query explains — which is what puts the general, most-used procedure
//! ("Thủ tục đăng ký khai sinh") above its narrow variants.

use super::index::{level_bit, Index};
use super::query::{Plan, Slot};
use super::totals::{self, Merging, Sums};
use super::variants;
use crate::catalog::Level;

/// Weight of a pair of query words found side by side in a name, times the
/// pair's idf.
const PAIR_WEIGHT: f32 = 1.0;
/// Candidates that get the (costlier) phrase and coverage scoring.
const RERANK: usize = 150;
/// Prior for procedures people file for themselves (their target groups
/// include individuals): the app's users are residents, not companies.
const PEOPLE_PRIOR: f32 = 1.25;
/// Prior for commune-level procedures, where most citizens file since the
/// 2025 two-tier reorganization.
const COMMUNE_PRIOR: f32 = 1.08;
/// Second pass: up to this much more when every pair of neighbouring query
/// words stands together in the name.
const PHRASE_BONUS: f32 = 0.4;
/// Second pass: up to this much more when the query explains the whole name.
const GENERAL_BONUS: f32 = 0.6;
/// The most the second pass can multiply a first-pass score by (every
/// factor at its largest; the narrow-variant factor is at most 1), with a
/// margin for rounding.
const MAX_RERANK_FACTOR: f32 =
    (1.0 + PHRASE_BONUS) * (1.0 + GENERAL_BONUS) * COMMUNE_PRIOR * PEOPLE_PRIOR * 1.001;

/// Reusable per-search buffers, sized to the index.
pub(crate) struct Scratch {
    /// Totals of the variant being scored.
    work: Sums,
    /// Totals of the words every variant has.
    base: Sums,
    merging: Merging,
    /// Per name position, the query slots its term answers (rerank pass).
    masks: Vec<u64>,
    slot_of: SlotMasks,
    /// Best bigram score per document for the pair being scored.
    pair_best: Vec<f32>,
    pair_seen: Vec<u32>,
    /// Best score so far per document over the code matches and every
    /// variant ([`UNSCORED`] where none), and the documents that have one.
    best: Vec<f32>,
    scored: Vec<u32>,
    /// Documents a typed code matched (their text scores add up).
    code: Vec<bool>,
    /// One variant's reranked candidates.
    candidates: Vec<(u32, f32)>,
    /// The scores held, to find the `keep`-th best.
    held: Vec<f32>,
}

/// `Scratch::best` of a document nothing scored (scores are never negative).
const UNSCORED: f32 = -1.0;

impl Scratch {
    pub fn new(index: &Index) -> Scratch {
        let docs = index.docs.len();
        Scratch {
            slot_of: SlotMasks(vec![0; index.vocab.len()]),
            work: Sums::new(docs),
            base: Sums::new(docs),
            merging: Merging::new(docs),
            masks: Vec::new(),
            pair_best: vec![0.0; docs],
            pair_seen: Vec::new(),
            best: vec![UNSCORED; docs],
            scored: Vec::new(),
            code: vec![false; docs],
            candidates: Vec::new(),
            held: Vec::new(),
        }
    }

    /// Raises `doc`'s best score to `score` (a code match stays on top, and
    /// words typed with it order ties: its text scores add up). Told apart
    /// by the mark, not the score: a long query's text score can pass a
    /// code's, and the best of the variants must not depend on their order.
    fn offer(&mut self, doc: u32, score: f32) {
        let held = &mut self.best[doc as usize];
        if *held == UNSCORED {
            self.scored.push(doc);
            *held = score;
        } else if self.code[doc as usize] {
            *held += score;
        } else if score > *held {
            *held = score;
        }
    }
}

/// Score given to an exact code match, above any text score.
const CODE_EXACT: f32 = 1000.0;
const CODE_PREFIX: f32 = 500.0;

/// Every document the plan finds with its best score (code matches first,
/// then the best of the query's variants), in no order; `scratch` is left
/// clean for the next search.
///
/// A variant the same as one scored before it (two synonyms expanding to
/// the same words) is not scored again.
///
/// With `keep` (the caller takes only the best `keep`, unfiltered), the
/// variants are scored from the cheapest (the fewest postings), and each
/// after the first skips the documents whose first-pass score, raised by
/// the most the second pass can give, stays below the `keep`-th best score
/// found so far: they cannot enter the result, so they are neither
/// selected nor reranked. The best `keep` are the same; fewer of the rest
/// are returned.
pub(crate) fn score(
    index: &Index,
    plan: &Plan,
    scratch: &mut Scratch,
    keep: Option<usize>,
) -> Vec<(u32, f32)> {
    scratch.merging.new_search();
    for code in &plan.codes {
        for doc in index.codes_with_prefix(code) {
            let exact = index.docs[doc as usize].code.as_ref() == code;
            let s = if exact { CODE_EXACT } else { CODE_PREFIX };
            let held = &mut scratch.best[doc as usize];
            if *held == UNSCORED {
                scratch.scored.push(doc);
            }
            *held = s;
            scratch.code[doc as usize] = true;
        }
    }
    // The words every variant has are added once, then copied into each.
    let shared = totals::in_every_variant(&plan.variants);
    if let (Some(first), Some(marks)) = (plan.variants.first(), shared.first()) {
        for (slot, _) in first.iter().zip(marks).filter(|(_, &m)| m) {
            scratch.base.add(index, slot, &mut scratch.merging);
        }
    }
    // Code matches are ordered by the words typed with them: no pruning.
    let keep = keep.filter(|&k| k > 0 && plan.codes.is_empty());
    let mut order: Vec<usize> = (0..plan.variants.len()).collect();
    if keep.is_some() {
        order.sort_by_cached_key(|&i| cost(index, &plan.variants[i]));
    }
    for (n, &i) in order.iter().enumerate() {
        let variant = &plan.variants[i];
        if order[..n].iter().any(|&j| plan.variants[j] == *variant) {
            continue;
        }
        let floor = match keep {
            Some(k) if n > 0 => kth_best(scratch, k) / MAX_RERANK_FACTOR,
            _ => 0.0,
        };
        score_variant(index, variant, shared.get(i), plan.markers, floor, scratch);
        for i in 0..scratch.candidates.len() {
            let (doc, s) = scratch.candidates[i];
            scratch.offer(doc, s);
        }
    }
    scratch.base.clear();
    let found = scratch
        .scored
        .iter()
        .map(|&doc| (doc, scratch.best[doc as usize]))
        .collect();
    for &doc in &scratch.scored {
        scratch.best[doc as usize] = UNSCORED;
        scratch.code[doc as usize] = false;
    }
    scratch.scored.clear();
    found
}

/// What scoring a variant costs, roughly: the postings of its words.
fn cost(index: &Index, slots: &[Slot]) -> usize {
    slots
        .iter()
        .flat_map(|s| &s.alternatives)
        .map(|&(term, _)| index.df(term))
        .sum()
}

/// The `k`-th best score held so far (0 while fewer than `k` documents
/// have one).
fn kth_best(scratch: &mut Scratch, k: usize) -> f32 {
    if scratch.scored.len() < k {
        return 0.0;
    }
    let held = &mut scratch.held;
    held.clear();
    held.extend(scratch.scored.iter().map(|&doc| scratch.best[doc as usize]));
    let (_, kth, _) = held.select_nth_unstable_by(k - 1, |a, b| b.total_cmp(a));
    *kth
}

/// Scores one query variant into `scratch.candidates`; `shared` marks its
/// words whose totals are in `scratch.base`; documents scoring below
/// `floor` in the first pass are left out.
fn score_variant(
    index: &Index,
    slots: &[Slot],
    shared: Option<&Vec<bool>>,
    query_markers: u32,
    floor: f32,
    scratch: &mut Scratch,
) {
    scratch.candidates.clear();
    let importance: f32 = slots.iter().map(|s| s.importance).sum();
    if importance == 0.0 {
        return;
    }
    let work = &mut scratch.work;
    if shared.is_some() {
        work.start_from(&scratch.base);
    }
    for (i, slot) in slots.iter().enumerate() {
        if shared.and_then(|s| s.get(i)) != Some(&true) {
            work.add(index, slot, &mut scratch.merging);
        }
    }

    // Neighbouring query words found next to each other in a name: Vietnamese
    // words are mostly two syllables, and without diacritics a syllable alone
    // ("tu": từ, tư, tự, tử) says little while the pair ("khai tu") says much.
    for pair in slots.windows(2) {
        let (a, b) = (&pair[0], &pair[1]);
        if a.importance < 1.0 && b.importance < 1.0 {
            continue;
        }
        scratch.pair_seen.clear();
        for &(ta, wa) in &a.alternatives {
            for &(tb, wb) in &b.alternatives {
                let Some(bigram) = index.bigram(ta, tb) else {
                    continue;
                };
                let s = PAIR_WEIGHT * wa * wb * index.bigram_idf[bigram];
                for &doc in index.bigram_docs(bigram) {
                    let d = doc as usize;
                    if work.covered[d] == 0.0 {
                        continue;
                    }
                    let held = scratch.pair_best[d];
                    if held == 0.0 {
                        scratch.pair_seen.push(doc);
                    }
                    if s > held {
                        work.total[d] += s - held;
                        scratch.pair_best[d] = s;
                    }
                }
            }
        }
        for &doc in &scratch.pair_seen {
            scratch.pair_best[doc as usize] = 0.0;
        }
    }

    // First pass: term scores weighted by how much of the query matched.
    let mut candidates = std::mem::take(&mut scratch.candidates);
    candidates.extend(
        work.touched
            .docs()
            .iter()
            .map(|&doc| {
                let d = doc as usize;
                let coverage = work.covered[d] / importance;
                (doc, work.total[d] * coverage * coverage)
            })
            .filter(|&(_, s)| s >= floor),
    );
    work.clear();
    if candidates.len() > RERANK {
        candidates.select_nth_unstable_by(RERANK, |a, b| b.1.total_cmp(&a.1));
        candidates.truncate(RERANK);
    }

    // Second pass on the best: phrase order and how much of the name is explained.
    scratch.slot_of.fill(slots);
    // Bit i stands for query words i and i + 1 (the first 64 words).
    let pair_bits = (1u64 << slots.len().saturating_sub(1).min(63)) - 1;
    for (doc, score) in candidates.iter_mut() {
        let d = &index.docs[*doc as usize];
        let name = &d.name_terms;
        scratch.masks.clear();
        scratch
            .masks
            .extend(name.iter().map(|&t| scratch.slot_of.get(t)));
        let masks = &scratch.masks;
        let explained = masks.iter().filter(|&&m| m != 0).count() as f32 / name.len().max(1) as f32;
        // Query words i and i + 1 at neighbouring positions of the name.
        let together = masks
            .windows(2)
            .fold(0, |bits, w| bits | (w[0] & (w[1] >> 1)));
        let adjacent = (together & pair_bits).count_ones();
        let pairs = slots.len().saturating_sub(1).max(1) as f32;
        let phrase = 1.0 + PHRASE_BONUS * (adjacent as f32 / pairs).min(1.0);
        let general = 1.0 + GENERAL_BONUS * explained;
        let prior = if d.levels & level_bit(Level::Commune) != 0 {
            COMMUNE_PRIOR
        } else {
            1.0
        };
        let narrow = variants::factor(d.variant_markers, query_markers);
        let people = if d.for_individuals { PEOPLE_PRIOR } else { 1.0 };
        *score *= phrase * general * prior * narrow * people;
    }
    scratch.slot_of.clear(slots);
    scratch.candidates = candidates;
}

/// Term id → bit set of the slots (query words) it can stand for: a
/// table as long as the vocabulary, set for one variant's terms and
/// cleared after, for lookups from the names of the candidates.
struct SlotMasks(Vec<u64>);

impl SlotMasks {
    fn fill(&mut self, slots: &[Slot]) {
        for (i, slot) in slots.iter().enumerate().take(64) {
            for &(term, _) in &slot.alternatives {
                if let Some(mask) = self.0.get_mut(term as usize) {
                    *mask |= 1 << i;
                }
            }
        }
    }

    fn clear(&mut self, slots: &[Slot]) {
        for slot in slots.iter().take(64) {
            for &(term, _) in &slot.alternatives {
                if let Some(mask) = self.0.get_mut(term as usize) {
                    *mask = 0;
                }
            }
        }
    }

    fn get(&self, term: u32) -> u64 {
        self.0.get(term as usize).copied().unwrap_or(0)
    }
}
