//! How the words around what people want are read (`core/data/query_words.tsv`):
//! question phrases, pronouns and politeness that carry no intent ("như thế
//! nào", "ở đâu", "how do I"), weak words that are filler in a question but
//! content in a name ("làm", "cho"), question particles that end a sentence
//! ("không", "hông", "z"), and Southern, chat and misspelt forms with their
//! standard spelling ("sanh" → "sinh"). A word typed with diacritics is only
//! taken for an entry with the same diacritics, so "chợ" is never "cho".

use super::terms::{marked_terms, Word};
use std::collections::HashMap;

/// The table shipped with hoso.
const BUILT_IN: &str = include_str!("../../../data/query_words.tsv");

/// What a query word is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Role {
    /// A word with intent.
    Content,
    /// Counts little toward a match.
    Weak,
    /// Carries no intent at all.
    NoIntent,
}

#[derive(Debug, Clone, PartialEq)]
enum Meaning {
    NoIntent,
    Weak,
    Particle,
    Spelling(Vec<Word>),
}

struct Entry {
    phrase: Vec<Word>,
    meaning: Meaning,
}

pub(crate) struct QueryWords {
    by_first_term: HashMap<String, Vec<Entry>>,
}

/// A typed word stands for a table word when their letters are the same and,
/// if it was typed with diacritics, its diacritics are too. A spelling entry
/// written with diacritics ("dô" for "vào") takes only the word typed so: the
/// same letters without them are too often another word ("do", "đỏ", "độ").
fn stands_for(typed: &Word, table: &Word, meaning: &Meaning) -> bool {
    let marks_agree = match meaning {
        Meaning::Spelling(_) if table.has_marks() => typed.marked == table.marked,
        _ => !typed.has_marks() || typed.marked == table.marked,
    };
    typed.term == table.term && marks_agree
}

impl QueryWords {
    pub(crate) fn built_in() -> QueryWords {
        QueryWords::parse(BUILT_IN)
    }

    /// Parses `phrase<TAB>meaning` lines; `#` starts a comment. Malformed
    /// lines are skipped: the table is data, not code.
    pub(crate) fn parse(text: &str) -> QueryWords {
        let mut by_first_term: HashMap<String, Vec<Entry>> = HashMap::new();
        for line in text.lines() {
            let line = line.trim();
            if line.is_empty() || line.starts_with('#') {
                continue;
            }
            let Some((left, right)) = line.split_once('\t') else {
                continue;
            };
            let phrase = marked_terms(left);
            let meaning = match right.trim() {
                "-" => Meaning::NoIntent,
                "~" => Meaning::Weak,
                "?" => Meaning::Particle,
                spelled => Meaning::Spelling(marked_terms(spelled)),
            };
            if matches!(&meaning, Meaning::Spelling(w) if w.is_empty()) {
                continue;
            }
            let Some(first) = phrase.first() else {
                continue;
            };
            by_first_term
                .entry(first.term.clone())
                .or_default()
                .push(Entry { phrase, meaning });
        }
        QueryWords { by_first_term }
    }

    /// The longest entry matching `words` from `at`.
    fn entry_at(&self, words: &[Word], at: usize) -> Option<&Entry> {
        self.by_first_term
            .get(&words[at].term)?
            .iter()
            .filter(|e| {
                words.len() - at >= e.phrase.len()
                    && e.phrase
                        .iter()
                        .zip(&words[at..])
                        .all(|(t, w)| stands_for(w, t, &e.meaning))
            })
            .max_by_key(|e| e.phrase.len())
    }

    /// `words` with Southern, chat and misspelt forms in their standard
    /// spelling.
    pub(crate) fn respell(&self, words: Vec<Word>) -> Vec<Word> {
        let mut out = Vec::with_capacity(words.len());
        let mut i = 0;
        while i < words.len() {
            match self.entry_at(&words, i) {
                Some(Entry {
                    phrase,
                    meaning: Meaning::Spelling(standard),
                }) => {
                    out.extend(standard.iter().cloned());
                    i += phrase.len();
                }
                _ => {
                    out.push(words[i].clone());
                    i += 1;
                }
            }
        }
        out
    }

    /// The role of each word of `words`: no-intent phrases, weak words, and
    /// particles at the end of the query. A single word from the table that
    /// forms, with a neighbour, a phrase the catalog uses (`is_phrase`: "nhà
    /// ở", "bản sao") keeps its intent. When nothing with intent would be
    /// left, the no-intent words count as weak instead.
    pub(crate) fn roles(
        &self,
        words: &[Word],
        is_phrase: impl Fn(&str, &str) -> bool,
    ) -> Vec<Role> {
        let mut roles = vec![Role::Content; words.len()];
        let mut particles = vec![false; words.len()];
        let mut i = 0;
        while i < words.len() {
            match self.entry_at(words, i) {
                Some(e) if e.phrase.len() == 1 && in_phrase(words, i, &is_phrase) => i += 1,
                Some(e) => {
                    let role = match e.meaning {
                        Meaning::NoIntent => Role::NoIntent,
                        Meaning::Weak | Meaning::Particle => Role::Weak,
                        Meaning::Spelling(_) => Role::Content,
                    };
                    for k in i..i + e.phrase.len() {
                        roles[k] = role;
                        particles[k] = e.meaning == Meaning::Particle;
                    }
                    i += e.phrase.len();
                }
                None => i += 1,
            }
        }
        // Particles (and no-intent words) ending the query are no intent.
        for k in (0..words.len()).rev() {
            if particles[k] {
                roles[k] = Role::NoIntent;
            } else if roles[k] != Role::NoIntent {
                break;
            }
        }
        if !roles.contains(&Role::Content) {
            let any_weak = roles.contains(&Role::Weak);
            for r in roles.iter_mut() {
                if *r == Role::NoIntent && !any_weak {
                    *r = Role::Weak;
                }
            }
        }
        roles
    }
}

/// Whether word `i` stands in a catalog phrase with the word before or after.
fn in_phrase(words: &[Word], i: usize, is_phrase: &impl Fn(&str, &str) -> bool) -> bool {
    let w = &words[i].term;
    (i > 0 && is_phrase(&words[i - 1].term, w))
        || words
            .get(i + 1)
            .is_some_and(|next| is_phrase(w, &next.term))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn roles_of(table: &QueryWords, text: &str) -> Vec<Role> {
        table.roles(&marked_terms(text), |a, b| a == "nha" && b == "o")
    }

    #[test]
    fn question_words_carry_no_intent_and_particles_end_a_question() {
        let t =
            QueryWords::parse("như thế nào\t-\nlàm\t~\nkhông\t?\ncho\t~\nsanh\tsinh\nbme\tbố mẹ\n");
        use Role::*;
        assert_eq!(
            roles_of(&t, "lam khai sinh nhu the nao"),
            [Weak, Content, Content, NoIntent, NoIntent, NoIntent]
        );
        assert_eq!(
            roles_of(&t, "co phai khai sinh khong"),
            [Content, Content, Content, Content, NoIntent]
        );
        assert_eq!(roles_of(&t, "không khai sinh")[0], Weak);
        // Diacritics typed tell words apart.
        assert_eq!(roles_of(&t, "chợ")[0], Content);
        assert_eq!(roles_of(&t, "cho con")[0], Weak);
        // Nothing with intent left: no-intent words count as weak.
        assert_eq!(roles_of(&t, "như thế nào"), [Weak, Weak, Weak]);
        let respelt: Vec<String> = t
            .respell(marked_terms("khai sanh cho bme"))
            .into_iter()
            .map(|w| w.term)
            .collect();
        assert_eq!(respelt, ["khai", "sinh", "cho", "bo", "me"]);
        let t2 = QueryWords::parse("dô\tvào\n");
        let respelt: Vec<String> = t2
            .respell(marked_terms("so do dô"))
            .into_iter()
            .map(|w| w.term)
            .collect();
        assert_eq!(respelt, ["so", "do", "vao"]);
        // A phrase the catalog uses keeps its words.
        let t = QueryWords::parse("nha\t?\nở\t~\n");
        assert_eq!(roles_of(&t, "xay nha o"), [Content, Content, Content]);
        assert_eq!(roles_of(&t, "xay nha"), [Content, NoIntent]);
    }

    #[test]
    fn built_in_table_loads() {
        let t = QueryWords::built_in();
        assert_eq!(
            roles_of(&t, "em be moi sinh thi phai lam giay gi").last(),
            Some(&Role::NoIntent)
        );
    }
}
