//! Ranking: BM25-style term scores over procedure names (secondary text counts
//! less), then, for the best candidates, how much of the query matched, whether
//! its words stand together and in order in the name, and how much of the name
//! the query explains — which is what puts the general, most-used procedure
//! ("Thủ tục đăng ký khai sinh") above its narrow variants.

use super::index::{level_bit, Index, BM25_K1};
use super::query::Slot;
use super::variants;
use crate::catalog::Level;
use std::collections::HashMap;

/// Weight of a match in the field / result names relative to the name.
const OTHER_WEIGHT: f32 = 0.3;
/// Weight of a pair of query words found side by side in a name, times the
/// pair's idf.
const PAIR_WEIGHT: f32 = 1.0;
/// Candidates that get the (costlier) phrase and coverage scoring.
const RERANK: usize = 150;
/// Prior for procedures people file for themselves (their target groups
/// include individuals): the app's users are residents, not companies.
const PEOPLE_PRIOR: f32 = 1.25;
/// Weight of a query word found in the procedure's field (lĩnh vực), added
/// to its name or secondary-text weight.
const FIELD_WEIGHT: f32 = 1.0;
/// Prior for commune-level procedures, where most citizens file since the
/// 2025 two-tier reorganization.
const COMMUNE_PRIOR: f32 = 1.08;

/// Reusable per-search buffers, sized to the index.
pub(crate) struct Scratch {
    best_for_slot: Vec<f32>,
    total: Vec<f32>,
    covered: Vec<f32>,
    touched: Vec<u32>,
    slot_touched: Vec<u32>,
    /// Per name position, the query slots its term answers (rerank pass).
    masks: Vec<u64>,
    /// Best bigram score per document for the pair being scored.
    pair_best: Vec<f32>,
    pair_seen: Vec<u32>,
}

impl Scratch {
    pub fn new(docs: usize) -> Scratch {
        Scratch {
            best_for_slot: vec![0.0; docs],
            total: vec![0.0; docs],
            covered: vec![0.0; docs],
            touched: Vec::new(),
            slot_touched: Vec::new(),
            masks: Vec::new(),
            pair_best: vec![0.0; docs],
            pair_seen: Vec::new(),
        }
    }
}

/// Scores one query variant; raises `best[doc]` where this variant scores higher.
pub(crate) fn score_variant(
    index: &Index,
    slots: &[Slot],
    query_markers: u32,
    scratch: &mut Scratch,
    best: &mut HashMap<u32, f32>,
) {
    let importance: f32 = slots.iter().map(|s| s.importance).sum();
    if importance == 0.0 {
        return;
    }
    for slot in slots {
        for &(term, weight) in &slot.alternatives {
            let idf = index.idf.get(term as usize).copied().unwrap_or(0.0);
            for p in index.postings(term) {
                let d = p.doc as usize;
                let tf = f32::from(p.in_name);
                let name_part = if tf > 0.0 {
                    tf * (BM25_K1 + 1.0) / (tf + index.name_norm[d])
                } else {
                    0.0
                };
                let other_part = if p.in_other { OTHER_WEIGHT } else { 0.0 };
                // A word of the procedure's field (lĩnh vực) says the query is
                // in its domain, on top of where else it matched.
                let field_part = if p.in_field { FIELD_WEIGHT } else { 0.0 };
                let s = (weight * idf * (name_part.max(other_part) + field_part))
                    .max(f32::MIN_POSITIVE);
                if scratch.best_for_slot[d] == 0.0 {
                    scratch.slot_touched.push(p.doc);
                }
                if s > scratch.best_for_slot[d] {
                    scratch.best_for_slot[d] = s;
                }
            }
        }
        for &doc in &scratch.slot_touched {
            let d = doc as usize;
            if scratch.total[d] == 0.0 && scratch.covered[d] == 0.0 {
                scratch.touched.push(doc);
            }
            scratch.total[d] += scratch.best_for_slot[d] * slot.importance.max(0.5);
            scratch.covered[d] += slot.importance;
            scratch.best_for_slot[d] = 0.0;
        }
        scratch.slot_touched.clear();
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
                    if scratch.total[d] == 0.0 && scratch.covered[d] == 0.0 {
                        continue;
                    }
                    let held = scratch.pair_best[d];
                    if held == 0.0 {
                        scratch.pair_seen.push(doc);
                    }
                    if s > held {
                        scratch.total[d] += s - held;
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
    let mut candidates: Vec<(u32, f32)> = scratch
        .touched
        .iter()
        .map(|&doc| {
            let d = doc as usize;
            let coverage = scratch.covered[d] / importance;
            (doc, scratch.total[d] * coverage * coverage)
        })
        .collect();
    for &doc in &scratch.touched {
        scratch.total[doc as usize] = 0.0;
        scratch.covered[doc as usize] = 0.0;
    }
    scratch.touched.clear();
    if candidates.len() > RERANK {
        candidates.select_nth_unstable_by(RERANK, |a, b| b.1.total_cmp(&a.1));
        candidates.truncate(RERANK);
    }

    // Second pass on the best: phrase order and how much of the name is explained.
    let slot_of = slot_masks(slots);
    for (doc, score) in candidates {
        let d = &index.docs[doc as usize];
        let name = &d.name_terms;
        scratch.masks.clear();
        scratch
            .masks
            .extend(name.iter().map(|t| slot_of.get(t).copied().unwrap_or(0)));
        let masks = &scratch.masks;
        let explained = masks.iter().filter(|&&m| m != 0).count() as f32 / name.len().max(1) as f32;
        let mut adjacent = 0u32;
        for i in 0..slots.len().saturating_sub(1).min(63) {
            let (a, b) = (1u64 << i, 1u64 << (i + 1));
            if masks.windows(2).any(|w| w[0] & a != 0 && w[1] & b != 0) {
                adjacent += 1;
            }
        }
        let pairs = slots.len().saturating_sub(1).max(1) as f32;
        let phrase = 1.0 + 0.4 * adjacent as f32 / pairs;
        let general = 1.0 + 0.6 * explained;
        let prior = if d.levels & level_bit(Level::Commune) != 0 {
            COMMUNE_PRIOR
        } else {
            1.0
        };
        let narrow = variants::factor(d.variant_markers, query_markers);
        let people = if d.for_individuals { PEOPLE_PRIOR } else { 1.0 };
        let final_score = score * phrase * general * prior * narrow * people;
        let entry = best.entry(doc).or_insert(0.0);
        if final_score > *entry {
            *entry = final_score;
        }
    }
}

/// Term id → bit set of the slots (query words) it can stand for.
fn slot_masks(slots: &[Slot]) -> HashMap<u32, u64> {
    let mut masks: HashMap<u32, u64> = HashMap::new();
    for (i, slot) in slots.iter().enumerate().take(64) {
        for &(term, _) in &slot.alternatives {
            *masks.entry(term).or_insert(0) |= 1 << i;
        }
    }
    masks
}
