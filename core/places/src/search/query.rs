//! What a person typed, as the picker reads it: cut to the search bounds,
//! folded like unit names (`name::key`), a ward's number split from its
//! abbreviation ("P1", "q10"), a few well-known short forms of provinces
//! expanded ("hcm"), and the unit-type words and their abbreviations
//! recognised ("P.", "phuong", "TP", "đặc khu", "TT").

use crate::kind::UnitKind;
use crate::limits::{SEARCH_QUERY_CHARS, SEARCH_WORD_CHARS};
use crate::name::key;
use crate::text::push_marked;

/// Words of a query read at most: a commune, its type, a province and its
/// type fit in a dozen.
pub(crate) const MAX_WORDS: usize = 16;

/// A query's words, folded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Typed {
    pub words: Vec<String>,
    /// The last word is still being typed (the query does not end with a
    /// space): it may be the start of a longer word.
    pub open: bool,
}

/// Short forms people type for a whole province name.
const SHORT_FORMS: [(&str, &[&str]); 5] = [
    ("hcm", &["ho", "chi", "minh"]),
    ("tphcm", &["tp", "ho", "chi", "minh"]),
    ("hn", &["ha", "noi"]),
    ("tphn", &["tp", "ha", "noi"]),
    ("brvt", &["ba", "ria", "vung", "tau"]),
];

/// Unit-type words (folded, as words) and the kinds they name. Longer
/// forms first: "thi xa" is read before "thi" could be a name.
const TYPE_WORDS: [(&[&str], &[UnitKind]); 20] = [
    (&["thanh", "pho"], &[UnitKind::City]),
    (&["dac", "khu"], &[UnitKind::SpecialZone]),
    (&["thi", "xa"], &[UnitKind::Town]),
    (&["thi", "tran"], &[UnitKind::Township]),
    (&["tp"], &[UnitKind::City]),
    (&["tinh"], &[UnitKind::Province]),
    (&["t"], &[UnitKind::Province]),
    (&["phuong"], &[UnitKind::Ward]),
    (&["p"], &[UnitKind::Ward]),
    (&["f"], &[UnitKind::Ward]),
    (&["xa"], &[UnitKind::Commune]),
    (&["x"], &[UnitKind::Commune]),
    (&["dk"], &[UnitKind::SpecialZone]),
    (&["quan"], &[UnitKind::UrbanDistrict]),
    (&["q"], &[UnitKind::UrbanDistrict]),
    (&["huien"], &[UnitKind::RuralDistrict]),
    (&["h"], &[UnitKind::RuralDistrict]),
    (&["tx"], &[UnitKind::Town]),
    (&["tt"], &[UnitKind::Township]),
    (&["ttr"], &[UnitKind::Township]),
];

/// Abbreviations a number follows without a space ("P1", "F.12", "q10").
const BEFORE_NUMBER: [&str; 4] = ["p", "f", "q", "x"];

/// The first `n` characters of `text` (all of it when shorter).
fn first_chars(text: &str, n: usize) -> &str {
    match text.char_indices().nth(n) {
        Some((end, _)) => text.get(..end).unwrap_or(text),
        None => text,
    }
}

/// Reads `text`: no more than `limits::SEARCH_QUERY_CHARS` characters, each
/// word no more than `limits::SEARCH_WORD_CHARS`, at most [`MAX_WORDS`].
pub(crate) fn read(text: &str) -> Typed {
    let text = first_chars(text, SEARCH_QUERY_CHARS);
    let open = !text.ends_with(|c: char| c.is_whitespace() || c == ',');
    let mut words = Vec::new();
    for word in key(text).split(' ').filter(|w| !w.is_empty()) {
        let word = first_chars(word, SEARCH_WORD_CHARS);
        if let Some((_, long)) = SHORT_FORMS.iter().find(|(s, _)| *s == word) {
            words.extend(long.iter().map(|w| w.to_string()));
            continue;
        }
        let letters = word.trim_end_matches(|c: char| c.is_ascii_digit());
        let digits = word.get(letters.len()..).unwrap_or_default();
        if !digits.is_empty() && BEFORE_NUMBER.contains(&letters) {
            words.push(letters.to_string());
            let number = digits.trim_start_matches('0');
            words.push(if number.is_empty() { "0" } else { number }.to_string());
        } else {
            words.push(word.to_string());
        }
    }
    words.truncate(MAX_WORDS);
    Typed { words, open }
}

/// The words of `text` typed with diacritics (or `đ`), lower case, marks
/// kept (`text::push_marked`), at most [`MAX_WORDS`].
pub(crate) fn marked_words(text: &str) -> Vec<String> {
    let text = first_chars(text, SEARCH_QUERY_CHARS);
    text.split(|c: char| !c.is_alphanumeric() && !is_mark(c))
        .filter(|w| !w.is_ascii())
        .take(MAX_WORDS)
        .map(|w| {
            let mut out = String::with_capacity(w.len() * 2);
            for c in first_chars(w, SEARCH_WORD_CHARS).chars() {
                push_marked(c, &mut out);
            }
            out
        })
        .filter(|w| !w.is_empty())
        .collect()
}

/// A combining diacritic typed apart from its letter (the block
/// Vietnamese marks come from).
fn is_mark(c: char) -> bool {
    ('\u{300}'..='\u{36f}').contains(&c)
}

/// The unit-type word `words` start with: how many words it takes and
/// the kinds it names. A type word still being typed is not one.
pub(crate) fn type_word(words: &[String]) -> Option<(usize, &'static [UnitKind])> {
    TYPE_WORDS.iter().find_map(|(form, kinds)| {
        let n = form.len();
        let head = words.get(..n)?;
        head.iter()
            .zip(form.iter())
            .all(|(w, f)| w == f)
            .then_some((n, *kinds))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(text: &str) -> Vec<String> {
        read(text).words
    }

    #[test]
    fn reads_the_way_people_type() {
        assert_eq!(words("P.Bến  Nghé"), ["p", "ben", "nghe"]);
        assert_eq!(words("P1"), ["p", "1"]);
        assert_eq!(words("F.01"), ["f", "1"]);
        assert_eq!(words("phường 01"), ["phuong", "1"]);
        assert_eq!(words("q10"), ["q", "10"]);
        assert_eq!(words("p00"), ["p", "0"]);
        assert_eq!(words("TP.HCM"), ["tp", "ho", "chi", "minh"]);
        assert_eq!(words("tphcm"), ["tp", "ho", "chi", "minh"]);
        assert_eq!(words("Mỹ Yên"), ["mi", "ien"]);
        assert_eq!(words("pa1"), ["pa1"]);
        assert!(read("ben ").open.eq(&false));
        assert!(read("ben").open);
        assert!(words("").is_empty());
        assert!(words("?!…").is_empty());
    }

    #[test]
    fn bounded() {
        let long = "a".repeat(100_000);
        let w = words(&long);
        assert_eq!(w.len(), 1);
        assert_eq!(w[0].chars().count(), SEARCH_WORD_CHARS);
        assert_eq!(words(&"ab ".repeat(50_000)).len(), MAX_WORDS);
    }

    #[test]
    fn type_words() {
        let w = |s: &str| words(s);
        assert_eq!(
            type_word(&w("thanh pho hue")),
            Some((2, &[UnitKind::City][..]))
        );
        assert_eq!(type_word(&w("p ben")), Some((1, &[UnitKind::Ward][..])));
        assert_eq!(type_word(&w("thi tran dong anh")).map(|t| t.0), Some(2));
        assert_eq!(type_word(&w("ben nghe")), None);
        assert_eq!(type_word(&[]), None);
    }
}
