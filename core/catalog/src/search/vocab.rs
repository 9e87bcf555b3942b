//! The index vocabulary: every distinct term, sorted, with the lookups a
//! query needs — exact, prefix (as-you-type) and one edit away (typos), the
//! last through a SymSpell-style table of single-character deletions so a
//! typo costs a few hash lookups instead of a scan of the vocabulary.

use serde::{Deserialize, Serialize};
use std::collections::HashMap;

/// Shortest term that typo matching applies to; shorter syllables have too
/// many one-edit neighbours to guess from.
const MIN_TYPO_LEN: usize = 3;

#[derive(Serialize, Deserialize)]
pub(crate) struct Vocab {
    /// Sorted terms; a term's id is its position.
    terms: Vec<Box<str>>,
    /// Single-deletion variant → ids of the terms it comes from.
    deletions: HashMap<Box<str>, Vec<u32>>,
}

impl Vocab {
    /// Builds from distinct terms (any order).
    pub fn new(mut terms: Vec<String>) -> Vocab {
        terms.sort_unstable();
        terms.dedup();
        let mut terms: Vec<Box<str>> = terms.into_iter().map(String::into_boxed_str).collect();
        // The collect reuses the buffer that held every token of the catalog.
        terms.shrink_to_fit();
        let mut deletions: HashMap<Box<str>, Vec<u32>> = HashMap::new();
        for (id, term) in terms.iter().enumerate() {
            if term.chars().count() < MIN_TYPO_LEN {
                continue;
            }
            for variant in single_deletions(term) {
                let ids = deletions.entry(variant.into_boxed_str()).or_default();
                if ids.last() != Some(&(id as u32)) {
                    ids.push(id as u32);
                }
            }
        }
        Vocab { terms, deletions }
    }

    /// Checks a vocabulary read from disk: terms strictly sorted (lookups
    /// are binary searches), every deletion naming a term.
    pub(crate) fn check(&self) -> Result<(), String> {
        if self.terms.windows(2).any(|w| w[0] >= w[1]) {
            return Err("vocabulary out of order".into());
        }
        let n = self.terms.len();
        if self
            .deletions
            .values()
            .flatten()
            .any(|&id| id as usize >= n)
        {
            return Err("a deletion names no term".into());
        }
        Ok(())
    }

    pub fn len(&self) -> usize {
        self.terms.len()
    }

    pub(crate) fn term(&self, id: u32) -> &str {
        &self.terms[id as usize]
    }

    pub fn id(&self, term: &str) -> Option<u32> {
        self.terms
            .binary_search_by(|t| t.as_ref().cmp(term))
            .ok()
            .map(|i| i as u32)
    }

    /// Ids of the terms that start with `prefix` and are longer than it.
    pub(crate) fn with_prefix<'a>(&'a self, prefix: &'a str) -> impl Iterator<Item = u32> + 'a {
        let start = self.terms.partition_point(|t| t.as_ref() <= prefix);
        self.terms[start..]
            .iter()
            .take_while(move |t| t.starts_with(prefix))
            .enumerate()
            .map(move |(i, _)| (start + i) as u32)
    }

    /// Ids of the terms one edit (insertion, deletion, substitution or
    /// adjacent transposition) away from `word`, excluding `word` itself.
    pub(crate) fn one_edit_away(&self, word: &str) -> Vec<u32> {
        let len = word.chars().count();
        if len < MIN_TYPO_LEN {
            return Vec::new();
        }
        let mut found: Vec<u32> = Vec::new();
        let mut consider = |ids: &[u32]| {
            for &id in ids {
                let term = self.term(id);
                if term != word && strsim::osa_distance(term, word) == 1 {
                    found.push(id);
                }
            }
        };
        // A term one deletion longer than `word` (word missed a letter).
        if let Some(ids) = self.deletions.get(word) {
            consider(ids);
        }
        for variant in single_deletions(word) {
            // Word has an extra letter: the term is a deletion of it.
            if let Some(id) = self.id(&variant) {
                consider(&[id]);
            }
            // Substitution / transposition: both sides share a deletion.
            if let Some(ids) = self.deletions.get(variant.as_str()) {
                consider(ids);
            }
        }
        found.sort_unstable();
        found.dedup();
        found
    }
}

fn single_deletions(word: &str) -> impl Iterator<Item = String> + '_ {
    word.char_indices().map(move |(i, c)| {
        let mut s = String::with_capacity(word.len());
        s.push_str(&word[..i]);
        s.push_str(&word[i + c.len_utf8()..]);
        s
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vocab() -> Vocab {
        Vocab::new(
            [
                "khai", "khao", "sinh", "thuong", "tru", "tam", "khaithac", "kinh",
            ]
            .iter()
            .map(|s| s.to_string())
            .collect(),
        )
    }

    fn words(v: &Vocab, ids: impl IntoIterator<Item = u32>) -> Vec<&str> {
        ids.into_iter().map(|id| v.term(id)).collect()
    }

    #[test]
    fn prefix_lookup_is_strict_and_sorted() {
        let v = vocab();
        assert_eq!(
            words(&v, v.with_prefix("kha")),
            ["khai", "khaithac", "khao"]
        );
        assert_eq!(words(&v, v.with_prefix("khai")), ["khaithac"]);
        assert!(v.with_prefix("z").next().is_none());
    }

    #[test]
    fn one_edit_covers_every_kind_of_typo() {
        let v = vocab();
        assert_eq!(words(&v, v.one_edit_away("khia")), ["khai"]); // transposition
        assert_eq!(words(&v, v.one_edit_away("sinnh")), ["sinh"]); // insertion
        assert_eq!(words(&v, v.one_edit_away("thong")), ["thuong"]); // deletion
        assert_eq!(words(&v, v.one_edit_away("sinb")), ["sinh"]); // substitution
        assert_eq!(words(&v, v.one_edit_away("khai")), ["khao"]); // not itself
        assert!(v.one_edit_away("tr").is_empty()); // too short to guess
    }
}
