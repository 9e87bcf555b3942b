//! The in-memory search index: documents (one per procedure), the vocabulary,
//! and compact posting lists (term → documents with where the term occurs).
//! Built from `SearchEntry`s in one pass; holds no procedure detail beyond
//! what a result line shows.

use super::terms::terms;
use super::vocab::Vocab;
use super::SearchEntry;
use crate::catalog::Level;
use crate::text::fold;
use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// One document's presence in one term's posting list.
#[derive(Clone, Copy, Serialize, Deserialize)]
pub(crate) struct Posting {
    pub doc: u32,
    /// How strongly the document answers the term, before the term's idf
    /// and the query's weight (see [`Occurrence::impact`]): worked out
    /// once here, so scoring a posting is one multiplication.
    pub(crate) impact: f32,
}

/// Where a term occurs in one document, while the index is built.
struct Occurrence {
    doc: u32,
    /// Occurrences in the procedure name (saturated at 255).
    in_name: u8,
    /// Whether it occurs in the secondary text (field, result names).
    in_other: bool,
    /// Whether it occurs in the field (lĩnh vực) itself.
    in_field: bool,
}

impl Occurrence {
    fn at(doc: u32) -> Occurrence {
        Occurrence {
            doc,
            in_name: 0,
            in_other: false,
            in_field: false,
        }
    }

    /// BM25 over the name (with the name's length normalisation `norm`),
    /// secondary text less, and a word of the procedure's field (lĩnh
    /// vực), which says the query is in its domain, on top of where else
    /// it matched.
    fn impact(&self, norm: f32) -> f32 {
        let tf = f32::from(self.in_name);
        let name_part = if tf > 0.0 {
            tf * (BM25_K1 + 1.0) / (tf + norm)
        } else {
            0.0
        };
        let other_part = if self.in_other { OTHER_WEIGHT } else { 0.0 };
        let field_part = if self.in_field { FIELD_WEIGHT } else { 0.0 };
        name_part.max(other_part) + field_part
    }
}

#[derive(Serialize, Deserialize)]
pub(crate) struct Doc {
    pub code: Box<str>,
    pub name: Box<str>,
    pub levels: u8,
    pub online: bool,
    /// The field (lĩnh vực) as printed, and folded for `--field` filtering.
    pub field: Box<str>,
    pub(crate) field_key: Box<str>,
    /// The name as term ids, in order (for phrase and coverage scoring).
    pub(crate) name_terms: Box<[u32]>,
    /// Narrow-variant markers in the name (see `variants`).
    pub(crate) variant_markers: u32,
    /// People file it for themselves (see `SearchEntry::for_individuals`).
    pub(crate) for_individuals: bool,
}

// Persisted as it is (`persist`): a field added here is saved and read
// with the rest, and the engine fingerprint changes with this file.
#[derive(Serialize, Deserialize)]
pub struct Index {
    pub docs: Vec<Doc>,
    pub(crate) vocab: Vocab,
    /// Posting list of term `t` is `postings[offsets[t]..offsets[t + 1]]`.
    offsets: Vec<u32>,
    postings: Vec<Posting>,
    idf: Vec<f32>,
    /// (code, doc), sorted by code, for code and code-prefix lookups.
    codes: Vec<(Box<str>, u32)>,
    /// Pairs of terms that stand next to each other in a name or a result
    /// name (`first << 32 | second`), sorted: the phrases the catalog uses.
    bigrams: Vec<u64>,
    /// The documents of bigram `i` are
    /// `bigram_docs[bigram_offsets[i]..bigram_offsets[i + 1]]`, in order.
    bigram_offsets: Vec<u32>,
    bigram_docs: Vec<u32>,
    /// Inverse document frequency of each bigram.
    pub(crate) bigram_idf: Vec<f32>,
}

/// Procedures whose names must share a bigram for it to count as a phrase.
const PHRASE_MIN_DOCS: usize = 10;

/// BM25 term-frequency saturation and length normalisation.
const BM25_K1: f32 = 1.2;
const BM25_B: f32 = 0.75;
/// Weight of a match in the field / result names relative to the name.
const OTHER_WEIGHT: f32 = 0.3;
/// Weight of a query word found in the procedure's field (lĩnh vực), added
/// to its name or secondary-text weight.
const FIELD_WEIGHT: f32 = 1.0;

pub(crate) fn level_bit(level: Level) -> u8 {
    match level {
        Level::Ministry => 1,
        Level::Province => 2,
        Level::Commune => 4,
        Level::Other => 8,
    }
}

impl Index {
    pub fn build(entries: &[SearchEntry]) -> Index {
        let tokenised: Vec<(Vec<String>, Vec<String>)> = entries
            .iter()
            .map(|e| {
                let mut other = terms(&e.field);
                for k in &e.keywords {
                    other.extend(terms(k));
                }
                (terms(&e.name), other)
            })
            .collect();
        let vocab = Vocab::new(
            tokenised
                .iter()
                .flat_map(|(n, o)| n.iter().chain(o.iter()).cloned())
                .collect(),
        );
        let id = |t: &str| vocab.id(t).unwrap_or(u32::MAX);

        // (bigram, doc) for every pair of neighbours in a name or result name.
        let mut pairs: Vec<(u64, u32)> = Vec::new();
        for (doc, (entry, (name, _))) in entries.iter().zip(&tokenised).enumerate() {
            let doc = doc as u32;
            let mut add = |words: &[String]| {
                pairs.extend(
                    words
                        .windows(2)
                        .map(|w| (u64::from(id(&w[0])) << 32 | u64::from(id(&w[1])), doc)),
                )
            };
            add(name);
            for k in &entry.keywords {
                add(&terms(k));
            }
        }
        pairs.sort_unstable();
        pairs.dedup();
        let n_docs = entries.len().max(1) as f32;
        let mut bigrams: Vec<u64> = Vec::new();
        let mut bigram_offsets: Vec<u32> = Vec::new();
        let mut bigram_docs: Vec<u32> = Vec::with_capacity(pairs.len());
        let mut bigram_idf: Vec<f32> = Vec::new();
        for (i, &(bigram, doc)) in pairs.iter().enumerate() {
            if bigrams.last() != Some(&bigram) {
                bigrams.push(bigram);
                bigram_offsets.push(i as u32);
            }
            bigram_docs.push(doc);
        }
        bigram_offsets.push(bigram_docs.len() as u32);
        for w in bigram_offsets.windows(2) {
            let df = (w[1] - w[0]) as f32;
            bigram_idf.push((1.0 + (n_docs - df + 0.5) / (df + 0.5)).ln());
        }
        drop(pairs);

        let mut lists: Vec<Vec<Occurrence>> = Vec::new();
        lists.resize_with(vocab.len(), Vec::new);
        let mut docs = Vec::with_capacity(entries.len());
        let mut total_name_len = 0usize;
        for (doc, (entry, (name, other))) in entries.iter().zip(&tokenised).enumerate() {
            let doc = doc as u32;
            let name_terms: Box<[u32]> = name.iter().map(|t| id(t)).collect();
            total_name_len += name_terms.len();
            let mut here: HashMap<u32, Occurrence> = HashMap::new();
            for &t in name_terms.iter() {
                let p = here.entry(t).or_insert_with(|| Occurrence::at(doc));
                p.in_name = p.in_name.saturating_add(1);
            }
            for t in other {
                here.entry(id(t))
                    .or_insert_with(|| Occurrence::at(doc))
                    .in_other = true;
            }
            for t in terms(&entry.field) {
                if let Some(p) = here.get_mut(&id(&t)) {
                    p.in_field = true;
                }
            }
            for (t, p) in here {
                if let Some(list) = lists.get_mut(t as usize) {
                    list.push(p);
                }
            }
            docs.push(Doc {
                code: entry.code.as_str().into(),
                name: entry.name.as_str().into(),
                levels: entry.levels.iter().fold(0, |m, l| m | level_bit(*l)),
                online: entry.online,
                field: entry.field.as_str().into(),
                field_key: fold(&entry.field).into(),
                name_terms,
                variant_markers: super::variants::in_name(&entry.name),
                for_individuals: entry.for_individuals,
            });
        }

        let n = docs.len().max(1) as f32;
        // BM25 length normalisation of each document's name,
        // `K1 * (1 - B + B * len / avg_len)`.
        let avg_name_len = (total_name_len as f32 / n).max(1.0);
        let name_norm: Vec<f32> = docs
            .iter()
            .map(|d| BM25_K1 * (1.0 - BM25_B + BM25_B * d.name_terms.len() as f32 / avg_name_len))
            .collect();
        let mut offsets = Vec::with_capacity(lists.len() + 1);
        let mut postings = Vec::with_capacity(lists.iter().map(Vec::len).sum());
        let mut idf = Vec::with_capacity(lists.len());
        offsets.push(0);
        for mut list in lists {
            list.sort_unstable_by_key(|p| p.doc);
            let df = list.len() as f32;
            idf.push((1.0 + (n - df + 0.5) / (df + 0.5)).ln());
            postings.extend(list.iter().map(|o| Posting {
                doc: o.doc,
                impact: o.impact(name_norm.get(o.doc as usize).copied().unwrap_or(1.0)),
            }));
            offsets.push(postings.len() as u32);
        }
        let mut codes: Vec<(Box<str>, u32)> = docs
            .iter()
            .enumerate()
            .map(|(i, d)| (d.code.clone(), i as u32))
            .collect();
        codes.sort_unstable();
        Index {
            docs,
            vocab,
            offsets,
            postings,
            idf,
            codes,
            bigrams,
            bigram_offsets,
            bigram_docs,
            bigram_idf,
        }
    }

    /// The bigram of `first` then `second`, if some name has it.
    pub(crate) fn bigram(&self, first: u32, second: u32) -> Option<usize> {
        self.bigrams
            .binary_search(&(u64::from(first) << 32 | u64::from(second)))
            .ok()
    }

    /// The documents whose name or result names have bigram `b`.
    pub(crate) fn bigram_docs(&self, b: usize) -> &[u32] {
        match (self.bigram_offsets.get(b), self.bigram_offsets.get(b + 1)) {
            (Some(&x), Some(&y)) => &self.bigram_docs[x as usize..y as usize],
            _ => &[],
        }
    }

    /// Whether `first` and `second` stand next to each other, in this
    /// order, in the names or result names of at least
    /// [`PHRASE_MIN_DOCS`] procedures: a phrase the catalog uses, not a
    /// chance meeting of two words.
    pub(crate) fn is_phrase(&self, first: &str, second: &str) -> bool {
        match (self.vocab.id(first), self.vocab.id(second)) {
            (Some(a), Some(b)) => self
                .bigram(a, b)
                .is_some_and(|g| self.bigram_docs(g).len() >= PHRASE_MIN_DOCS),
            _ => false,
        }
    }

    /// Checks what lookups index by (an index read from disk is hostile):
    /// every id and range in bounds, so searching it cannot panic.
    pub(crate) fn check(&self) -> Result<(), String> {
        self.vocab.check()?;
        let (terms, docs) = (self.vocab.len(), self.docs.len());
        if self.offsets.len() != terms + 1
            || self.offsets.first() != Some(&0)
            || self.offsets.windows(2).any(|w| w[0] > w[1])
            || self.offsets.last().map(|&o| o as usize) != Some(self.postings.len())
        {
            return Err("posting offsets out of bounds".into());
        }
        if self.postings.iter().any(|p| p.doc as usize >= docs) {
            return Err("a posting names no document".into());
        }
        // Scoring counts each document once per term.
        if self.offsets.windows(2).any(|w| {
            let list = &self.postings[w[0] as usize..w[1] as usize];
            list.windows(2).any(|p| p[0].doc >= p[1].doc)
        }) {
            return Err("a posting list out of order".into());
        }
        if self
            .postings
            .iter()
            .any(|p| !(p.impact >= 0.0 && p.impact.is_finite()))
        {
            return Err("a posting weight out of range".into());
        }
        if self.idf.len() != terms {
            return Err("term weights of another length".into());
        }
        if self.codes.iter().any(|(_, d)| *d as usize >= docs)
            || self.codes.windows(2).any(|w| w[0].0 > w[1].0)
        {
            return Err("code table out of bounds or order".into());
        }
        let pairs = self.bigrams.len();
        if self.bigrams.windows(2).any(|w| w[0] >= w[1])
            || self.bigram_offsets.len() != pairs + 1
            || self.bigram_offsets.first() != Some(&0)
            || self.bigram_offsets.windows(2).any(|w| w[0] > w[1])
            || self.bigram_offsets.last().map(|&o| o as usize) != Some(self.bigram_docs.len())
            || self.bigram_idf.len() != pairs
        {
            return Err("bigram table out of bounds or order".into());
        }
        if self.bigram_docs.iter().any(|&d| d as usize >= docs) {
            return Err("a bigram names no document".into());
        }
        Ok(())
    }

    pub(crate) fn postings(&self, term: u32) -> &[Posting] {
        let t = term as usize;
        match (self.offsets.get(t), self.offsets.get(t + 1)) {
            (Some(&a), Some(&b)) => &self.postings[a as usize..b as usize],
            _ => &[],
        }
    }

    /// Inverse document frequency of `term`.
    pub(crate) fn idf(&self, term: u32) -> f32 {
        self.idf.get(term as usize).copied().unwrap_or(0.0)
    }

    /// How many documents contain `term`.
    pub(crate) fn df(&self, term: u32) -> usize {
        self.postings(term).len()
    }

    /// Documents whose code starts with `prefix`, in code order.
    pub(crate) fn codes_with_prefix<'a>(
        &'a self,
        prefix: &'a str,
    ) -> impl Iterator<Item = u32> + 'a {
        let start = self.codes.partition_point(|(c, _)| c.as_ref() < prefix);
        self.codes[start..]
            .iter()
            .take_while(move |(c, _)| c.starts_with(prefix))
            .map(|(_, d)| *d)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::Level;

    fn entry(code: &str, name: &str) -> SearchEntry {
        SearchEntry {
            code: code.into(),
            name: name.into(),
            levels: vec![Level::Commune],
            online: true,
            field: "Hộ tịch".into(),
            keywords: Vec::new(),
            for_individuals: true,
        }
    }

    fn built() -> Index {
        Index::build(&[
            entry("1.000", "Đăng ký khai sinh"),
            entry("1.001", "Đăng ký khai tử"),
            entry("1.002", "Đăng ký kết hôn"),
        ])
    }

    #[test]
    fn postings_carry_their_weight_and_are_checked() {
        let index = built();
        assert_eq!(index.check(), Ok(()));
        let dang = index.vocab.id("dang").unwrap();
        assert_eq!(index.postings(dang).len(), 3);
        // A word of the name and of the field weighs more than a word of
        // the name alone.
        let khai = index.vocab.id("khai").unwrap();
        let tich = index.vocab.id("tich").unwrap();
        assert!(index.postings(khai)[0].impact > 0.0);
        assert!(index.postings(tich)[0].impact > 0.0);

        for (damage, why) in [
            (0, "a posting list out of order"),
            (1, "a posting weight out of range"),
            (2, "a posting weight out of range"),
        ] {
            let mut index = built();
            let at = index.offsets[dang as usize] as usize;
            match damage {
                0 => index.postings.swap(at, at + 1),
                1 => index.postings[at].impact = f32::NAN,
                _ => index.postings[at].impact = -1.0,
            }
            assert_eq!(index.check(), Err(why.to_string()));
        }
    }
}
