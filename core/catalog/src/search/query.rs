//! Query planning: from what a person typed to the term alternatives to look
//! up. Handles procedure codes, words run together ("khaisinh"), synonym and
//! abbreviation expansion (each expansion a variant of the query), the word
//! still being typed (prefix), and one typo per word.

use super::index::Index;
use super::synonyms::Synonyms;
use super::terms::{as_code, marked_terms, Word};
use super::words::{QueryWords, Role};
use crate::limits::{SEARCH_QUERY_CHARS, SEARCH_WORD_CHARS};

/// Weight of a term matched exactly, by prefix (the word being typed), or one
/// edit away (a typo). Exact beats completion beats correction.
const EXACT: f32 = 1.0;
const PREFIX: f32 = 0.8;
const TYPO: f32 = 0.6;
/// A typo that happens to spell another real word ("thong" for "thuong"):
/// the word as typed wins unless the neighbour fits the rest of the query.
const TYPO_OF_KNOWN_WORD: f32 = 0.45;
/// Known words shorter than this are not second-guessed.
const MIN_KNOWN_WORD_TYPO_LEN: usize = 4;
/// Completions considered for the word being typed, most common first.
const MAX_COMPLETIONS: usize = 24;
/// Query variants (original + synonym expansions) evaluated at most.
const MAX_VARIANTS: usize = 8;

/// How much a weak word ("làm", "cho") counts toward coverage.
pub(crate) const WEAK_WEIGHT: f32 = 0.25;

/// One query word: the vocabulary terms that may stand for it.
#[derive(PartialEq)]
pub struct Slot {
    pub(crate) alternatives: Vec<(u32, f32)>,
    /// How much this word counts toward coverage (filler words count less).
    pub(crate) importance: f32,
}

pub(crate) struct Plan {
    /// Code prefixes typed (`1.004222`, `1.0042`).
    pub codes: Vec<String>,
    /// The query and its synonym variants, each a list of slots.
    pub variants: Vec<Vec<Slot>>,
    /// Narrow-variant markers the query asks for (see `variants`).
    pub markers: u32,
}

/// The first `n` characters of `text` (all of it when shorter).
fn first_chars(text: &str, n: usize) -> &str {
    match text.char_indices().nth(n) {
        Some((end, _)) => &text[..end],
        None => text,
    }
}

/// Plans `text`, read no further than `limits::SEARCH_QUERY_CHARS`
/// characters and each word no further than `limits::SEARCH_WORD_CHARS`: a
/// paste of a page or of one endless word plans in the same time as a
/// sentence.
pub fn plan(text: &str, index: &Index, synonyms: &Synonyms, table: &QueryWords) -> Plan {
    let text = first_chars(text, SEARCH_QUERY_CHARS);
    let mut codes = Vec::new();
    let mut typed = Vec::new();
    for piece in text.split_whitespace() {
        let piece = first_chars(piece, SEARCH_WORD_CHARS);
        match as_code(piece.trim_matches(|c: char| !c.is_alphanumeric() && c != '.')) {
            Some(code) => codes.push(code.to_string()),
            None => typed.extend(marked_terms(piece)),
        }
    }
    // The last word is still being typed unless the query ends in a space.
    let typing = !text.ends_with(char::is_whitespace);
    let typed = split_run_together(table.respell(typed), index, synonyms);
    let roles = table.roles(&typed, |a, b| index.is_phrase(a, b));
    let words: Vec<String> = typed.into_iter().map(|w| w.term).collect();
    let markers = super::variants::in_query(&words);
    // Words a synonym brings in have intent.
    let roles_with = |at: usize, len: usize, expansion_len: usize| -> Vec<Role> {
        let mut r = roles[..at].to_vec();
        r.extend(std::iter::repeat_n(Role::Content, expansion_len));
        r.extend_from_slice(&roles[at + len..]);
        r
    };

    let mut variants = vec![slots(&words, &roles, &[], typing, index)];
    // Phrases are looked up with a typo in a word forgiven ("gia dihn"), and
    // not over words without intent ("trên vneid").
    let spelled: Vec<String> = words
        .iter()
        .map(|w| corrected(w, index, synonyms))
        .collect();
    // Phrases are also found across words without intent ("change my
    // name"): looked up among the other words, mapped back, and kept where
    // they do not overlap a phrase found as typed.
    let mut matches = synonyms.find(&spelled);
    let kept: Vec<usize> = (0..words.len())
        .filter(|&i| roles[i] != Role::NoIntent)
        .collect();
    let kept_words: Vec<String> = kept.iter().map(|&i| spelled[i].clone()).collect();
    let across = if kept.len() < words.len() {
        synonyms.find(&kept_words)
    } else {
        Vec::new()
    };
    for mut m in across {
        let (first, last) = (kept[m.start], kept[m.start + m.len - 1]);
        m.start = first;
        m.len = last + 1 - first;
        if !matches
            .iter()
            .any(|o| o.start < m.start + m.len && m.start < o.start + o.len)
        {
            matches.push(m);
        }
    }
    matches.sort_by_key(|m| m.start);
    matches.retain(|m| roles[m.start..m.start + m.len].contains(&Role::Content));
    // Every phrase expanded at once (first expansion each), first: queries with
    // several colloquial or English phrases need them all.
    if matches.len() > 1 && variants.len() < MAX_VARIANTS {
        let mut replaced = Vec::new();
        let mut replaced_roles = Vec::new();
        let mut ranges = Vec::new();
        let mut at = 0;
        for m in &matches {
            replaced.extend(words[at..m.start].iter().cloned());
            replaced_roles.extend_from_slice(&roles[at..m.start]);
            let start = replaced.len();
            replaced.extend(m.expansions[0].iter().cloned());
            replaced_roles.extend(std::iter::repeat_n(Role::Content, m.expansions[0].len()));
            ranges.push(start..replaced.len());
            at = m.start + m.len;
        }
        replaced.extend(words[at..].iter().cloned());
        replaced_roles.extend_from_slice(&roles[at..]);
        variants.push(slots(&replaced, &replaced_roles, &ranges, typing, index));
    }
    'outer: for m in &matches {
        for expansion in m.expansions {
            if variants.len() >= MAX_VARIANTS {
                break 'outer;
            }
            let mut replaced: Vec<String> = words[..m.start].to_vec();
            replaced.extend(expansion.iter().cloned());
            replaced.extend(words[m.start + m.len..].iter().cloned());
            let expanded = m.start..m.start + expansion.len();
            let roles = roles_with(m.start, m.len, expansion.len());
            variants.push(slots(&replaced, &roles, &[expanded], typing, index));
        }
    }
    Plan {
        codes,
        variants,
        markers,
    }
}

/// `word`, or when neither the vocabulary nor the synonym table knows it, its
/// most common neighbour one edit away (for looking up phrases).
fn corrected(word: &str, index: &Index, synonyms: &Synonyms) -> String {
    if word.len() < MIN_KNOWN_WORD_TYPO_LEN
        || index.vocab.id(word).is_some()
        || synonyms.knows(word)
    {
        return word.to_string();
    }
    index
        .vocab
        .one_edit_away(word)
        .into_iter()
        .max_by_key(|&t| index.df(t))
        .map_or_else(|| word.to_string(), |t| index.vocab.term(t).to_string())
}

/// Splits words the vocabulary does not know into known words when possible
/// ("dangkykhaisinh" → dang ki khai sinh), using the fewest pieces.
fn split_run_together(words: Vec<Word>, index: &Index, synonyms: &Synonyms) -> Vec<Word> {
    let mut out = Vec::with_capacity(words.len());
    for w in words {
        let t = &w.term;
        if t.len() >= 4 && index.vocab.id(t).is_none() && !synonyms.knows(t) {
            if let Some(pieces) = segment(t, index) {
                out.extend(pieces.into_iter().map(|term| Word {
                    marked: term.clone(),
                    term,
                }));
                continue;
            }
        }
        out.push(w);
    }
    out
}

fn segment(word: &str, index: &Index) -> Option<Vec<String>> {
    if !word.is_ascii() {
        return None;
    }
    let n = word.len();
    // best[i]: fewest pieces covering word[..i]; among those, the most common
    // words (sum of ln(1 + df)), so "hochieu" is hộ chiếu, not học hiểu.
    let mut best: Vec<Option<(usize, f32, usize)>> = vec![None; n + 1];
    best[0] = Some((0, 0.0, 0));
    for end in 2..=n {
        for start in (0..end.saturating_sub(1)).rev() {
            if end - start > 8 {
                break;
            }
            let (Some((count, common, _)), Some(id)) =
                (best[start], index.vocab.id(&word[start..end]))
            else {
                continue;
            };
            let candidate = (count + 1, common + (1.0 + index.df(id) as f32).ln(), start);
            let better = best[end]
                .is_none_or(|(c, w, _)| candidate.0 < c || (candidate.0 == c && candidate.1 > w));
            if better {
                best[end] = Some(candidate);
            }
        }
    }
    let (count, _, _) = best[n]?;
    if count < 2 {
        return None;
    }
    let mut pieces = Vec::with_capacity(count);
    let mut end = n;
    while end > 0 {
        let (_, _, start) = best[end]?;
        pieces.push(word[start..end].to_string());
        end = start;
    }
    pieces.reverse();
    Some(pieces)
}

/// Builds the slots of one variant. Words inside `expanded` ranges come from
/// the synonym table and are matched exactly; words without intent get no
/// slot.
fn slots(
    words: &[String],
    roles: &[Role],
    expanded: &[std::ops::Range<usize>],
    typing: bool,
    index: &Index,
) -> Vec<Slot> {
    let last = words.len().saturating_sub(1);
    words
        .iter()
        .enumerate()
        .filter(|&(i, _)| roles.get(i) != Some(&Role::NoIntent))
        .map(|(i, w)| {
            let from_table = expanded.iter().any(|r| r.contains(&i));
            let mut alternatives = Vec::new();
            let exact = index.vocab.id(w);
            if let Some(id) = exact {
                alternatives.push((id, EXACT));
            }
            if !from_table {
                if typing && i == last {
                    let mut completions: Vec<u32> = index.vocab.with_prefix(w).collect();
                    completions.sort_unstable_by_key(|&t| std::cmp::Reverse(index.df(t)));
                    completions.truncate(MAX_COMPLETIONS);
                    alternatives.extend(completions.into_iter().map(|t| (t, PREFIX)));
                }
                let typo_weight = match exact {
                    None => Some(TYPO),
                    Some(_) if w.len() >= MIN_KNOWN_WORD_TYPO_LEN => Some(TYPO_OF_KNOWN_WORD),
                    Some(_) => None,
                };
                if let Some(weight) = typo_weight {
                    alternatives.extend(
                        index
                            .vocab
                            .one_edit_away(w)
                            .into_iter()
                            .map(|t| (t, weight)),
                    );
                }
            }
            let importance = if roles.get(i) == Some(&Role::Weak) {
                WEAK_WEIGHT
            } else {
                1.0
            };
            Slot {
                alternatives,
                importance,
            }
        })
        .collect()
}
