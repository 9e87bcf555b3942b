//! The synonym and abbreviation table: the words people type (CCCD, sổ đỏ,
//! bằng lái …) mapped to the words official procedure names use. Loaded from
//! `core/data/synonyms.tsv`, maintained as data, folded like every term.

use super::terms::terms;
use std::collections::HashMap;

/// The table shipped with hoso.
const BUILT_IN: &str = include_str!("../../../data/synonyms.tsv");

/// Phrase (as folded terms) → its official expansions (as folded terms).
pub(crate) struct Synonyms {
    by_first_term: HashMap<String, Vec<Entry>>,
    longest: usize,
    /// Every term of every left-hand phrase.
    known: std::collections::HashSet<String>,
}

struct Entry {
    phrase: Vec<String>,
    expansions: Vec<Vec<String>>,
}

/// One place in a query where a synonym applies.
pub struct Match<'a> {
    pub start: usize,
    pub len: usize,
    pub(crate) expansions: &'a [Vec<String>],
}

impl Synonyms {
    pub(crate) fn built_in() -> Synonyms {
        Synonyms::parse(BUILT_IN)
    }

    /// Parses `colloquial<TAB>official|official…` lines; `#` starts a comment.
    /// Malformed lines are skipped: the table is data, not code.
    pub fn parse(text: &str) -> Synonyms {
        let mut by_first_term: HashMap<String, Vec<Entry>> = HashMap::new();
        let mut longest = 0;
        let mut known = std::collections::HashSet::new();
        for line in text.lines() {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let Some((left, right)) = line.split_once('\t') else {
                continue;
            };
            let phrase = terms(left);
            let expansions: Vec<Vec<String>> = right
                .split('|')
                .map(terms)
                .filter(|e| !e.is_empty() && *e != phrase)
                .collect();
            let Some(first) = phrase.first().cloned() else {
                continue;
            };
            if expansions.is_empty() {
                continue;
            }
            longest = longest.max(phrase.len());
            known.extend(phrase.iter().cloned());
            let entries = by_first_term.entry(first).or_default();
            match entries.iter_mut().find(|e| e.phrase == phrase) {
                Some(existing) => existing.expansions.extend(expansions),
                None => entries.push(Entry { phrase, expansions }),
            }
        }
        Synonyms {
            by_first_term,
            longest,
            known,
        }
    }

    /// Whether `term` is a word of some left-hand phrase.
    pub(crate) fn knows(&self, term: &str) -> bool {
        self.known.contains(term)
    }

    /// Every place a synonym phrase occurs in `query`, longest phrase first at
    /// each start, non-overlapping left to right.
    pub fn find<'a>(&'a self, query: &[String]) -> Vec<Match<'a>> {
        let mut found = Vec::new();
        let mut i = 0;
        while i < query.len() {
            let best = self.by_first_term.get(&query[i]).and_then(|entries| {
                entries
                    .iter()
                    .filter(|e| {
                        e.phrase.len() <= self.longest
                            && query.len() - i >= e.phrase.len()
                            && query[i..i + e.phrase.len()] == e.phrase[..]
                    })
                    .max_by_key(|e| e.phrase.len())
            });
            match best {
                Some(e) => {
                    found.push(Match {
                        start: i,
                        len: e.phrase.len(),
                        expansions: &e.expansions,
                    });
                    i += e.phrase.len();
                }
                None => i += 1,
            }
        }
        found
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_longest_phrase_and_folds_both_sides() {
        let s = Synonyms::parse(
            "# test\nsổ\tsổ sách\nsổ đỏ\tgiấy chứng nhận quyền sử dụng đất\nCCCD\tcăn cước công dân|căn cước\nbad line\n",
        );
        let q = terms("lam so do va CCCD");
        let m = s.find(&q);
        assert_eq!(m.len(), 2);
        assert_eq!((m[0].start, m[0].len), (1, 2));
        assert_eq!(m[0].expansions[0][0], "giai");
        assert_eq!((m[1].start, m[1].len), (4, 1));
        assert_eq!(m[1].expansions.len(), 2);
        assert!(s.knows("cccd") && s.knows("so"));
        assert!(!s.knows("khai"));
    }

    #[test]
    fn built_in_table_loads() {
        let s = Synonyms::built_in();
        assert!(s.knows("cccd"));
    }
}
