//! How well typed words fit a name, and the order of the answers: an
//! exact name before a name being typed (prefix) before a name with a
//! typo; then the type word typed fitting the unit's kind; then a unit
//! named directly before one reached through a former name; provinces
//! before communes; fewer words left untyped; the default successor of a
//! split commune before the others (ADR 0020).

use crate::kind::UnitKind;
use crate::search_index::TYPO_MIN_LEN;

/// How a name was matched, best first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum MatchQuality {
    /// Every word of the name typed as written (folded).
    Exact,
    /// The name's first words typed, the last perhaps only begun.
    Prefix,
    /// As either, with one typo in a word of four letters or more.
    Typo,
    /// Only a unit-type word typed ("phường"): every unit of that kind.
    Kind,
}

impl MatchQuality {
    /// Its name in JSON: `exact`, `prefix`, `typo`, `kind`.
    pub fn as_str(self) -> &'static str {
        match self {
            MatchQuality::Exact => "exact",
            MatchQuality::Prefix => "prefix",
            MatchQuality::Typo => "typo",
            MatchQuality::Kind => "kind",
        }
    }
}

/// How one typed word fits one word of a name.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum WordFit {
    Exact,
    Prefix,
    Typo,
}

/// Whether `typed` fits `word`: the same, its start (only for the word
/// being typed), or one edit away when `word` has [`TYPO_MIN_LEN`]
/// letters or more (a swap of neighbours counts as one edit).
pub(crate) fn fit(typed: &str, word: &str, open: bool) -> Option<WordFit> {
    if typed == word {
        return Some(WordFit::Exact);
    }
    if open && word.starts_with(typed) {
        return Some(WordFit::Prefix);
    }
    let (t, w) = (typed.chars().count(), word.chars().count());
    let near = w >= TYPO_MIN_LEN && t + 1 >= TYPO_MIN_LEN && t.abs_diff(w) <= 1;
    (near && strsim::osa_distance(typed, word) == 1).then_some(WordFit::Typo)
}

/// How the words typed for a name fit it, word by word from its first:
/// `None` when one does not fit or more words were typed than it has.
pub(crate) fn fit_name<'a>(
    typed: &[String],
    name: impl ExactSizeIterator<Item = &'a str>,
    open: bool,
) -> Option<NameFit> {
    let len = name.len();
    if typed.is_empty() || typed.len() > len {
        return None;
    }
    let mut typos = 0u8;
    let mut prefix = false;
    let last = typed.len() - 1;
    for (i, (t, w)) in typed.iter().zip(name).enumerate() {
        match fit(t, w, open && i == last)? {
            WordFit::Exact => {}
            WordFit::Prefix => prefix = true,
            WordFit::Typo => typos = typos.saturating_add(1),
        }
    }
    let complete = typed.len() == len && !prefix;
    let quality = if typos > 0 {
        MatchQuality::Typo
    } else if complete {
        MatchQuality::Exact
    } else {
        MatchQuality::Prefix
    };
    Some(NameFit {
        quality,
        typos,
        untyped: u8::try_from(len - typed.len()).unwrap_or(u8::MAX),
    })
}

/// How typed words fit one name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct NameFit {
    pub quality: MatchQuality,
    pub typos: u8,
    /// Words of the name not typed at all.
    pub untyped: u8,
}

impl NameFit {
    /// The worse of two fits (a commune's and its province's).
    pub(crate) fn and(self, other: NameFit) -> NameFit {
        NameFit {
            quality: self.quality.max(other.quality),
            typos: self.typos.saturating_add(other.typos),
            untyped: self.untyped.saturating_add(other.untyped),
        }
    }
}

/// An answer's place in the order: smaller first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) struct Rank {
    pub quality: MatchQuality,
    pub typos: u8,
    /// 0: the type word typed names this kind; 1: none typed; 2: another.
    pub kind_fit: u8,
    /// 0: named directly; 1: through a former unit's name.
    pub former: u8,
    /// 0: a province; 1: a commune.
    pub level: u8,
    pub untyped: u8,
    /// 0: the default (or only) new unit of a former one; 1: another.
    pub not_default: u8,
}

/// How a typed type word fits a unit's kind.
pub(crate) fn kind_fit(typed: Option<&[UnitKind]>, kind: UnitKind) -> u8 {
    match typed {
        Some(kinds) if kinds.contains(&kind) => 0,
        // "TP Huế", "thành phố Hà Nội": the province-level city; "tỉnh"
        // typed before a city is a slip, not another unit.
        Some(kinds) if kinds.contains(&UnitKind::Province) && kind == UnitKind::City => 0,
        None => 1,
        Some(_) => 2,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(s: &str) -> Vec<String> {
        s.split(' ').map(String::from).collect()
    }

    fn name_fit(typed: &str, name: &str, open: bool) -> Option<NameFit> {
        let n: Vec<&str> = name.split(' ').collect();
        fit_name(&words(typed), n.into_iter(), open)
    }

    #[test]
    fn exact_prefix_typo() {
        assert_eq!(fit("nghe", "nghe", false), Some(WordFit::Exact));
        assert_eq!(fit("ng", "nghe", true), Some(WordFit::Prefix));
        assert_eq!(fit("ng", "nghe", false), None);
        assert_eq!(fit("nhge", "nghe", false), Some(WordFit::Typo));
        assert_eq!(fit("ngh", "nghe", false), Some(WordFit::Typo));
        assert_eq!(fit("nghee", "nghe", false), Some(WordFit::Typo));
        assert_eq!(fit("tna", "tan", false), None);
        assert_eq!(fit("hnge", "nghe", false), None);
        let q = |t, n, o| name_fit(t, n, o).map(|f| f.quality);
        assert_eq!(q("ben nghe", "ben nghe", true), Some(MatchQuality::Exact));
        assert_eq!(q("ben ng", "ben nghe", true), Some(MatchQuality::Prefix));
        assert_eq!(q("ben", "ben nghe", false), Some(MatchQuality::Prefix));
        assert_eq!(q("ben nhge", "ben nghe", true), Some(MatchQuality::Typo));
        assert_eq!(q("ben nghe x", "ben nghe", true), None);
        assert_eq!(q("nghe", "ben nghe", true), None);
        assert_eq!(
            name_fit("ben", "ben nghe", true).map(|f| f.untyped),
            Some(1)
        );
    }

    #[test]
    fn ranks_in_order() {
        let r = |quality, kind_fit, former, level| Rank {
            quality,
            typos: 0,
            kind_fit,
            former,
            level,
            untyped: 0,
            not_default: 0,
        };
        assert!(r(MatchQuality::Exact, 2, 1, 1) < r(MatchQuality::Prefix, 0, 0, 0));
        assert!(r(MatchQuality::Exact, 0, 1, 1) < r(MatchQuality::Exact, 1, 0, 0));
        assert!(r(MatchQuality::Exact, 1, 0, 1) < r(MatchQuality::Exact, 1, 1, 0));
        assert!(r(MatchQuality::Exact, 1, 0, 0) < r(MatchQuality::Exact, 1, 0, 1));
        assert_eq!(kind_fit(Some(&[UnitKind::Ward]), UnitKind::Ward), 0);
        assert_eq!(kind_fit(None, UnitKind::Ward), 1);
        assert_eq!(kind_fit(Some(&[UnitKind::Commune]), UnitKind::Ward), 2);
        assert_eq!(kind_fit(Some(&[UnitKind::Province]), UnitKind::City), 0);
    }
}
