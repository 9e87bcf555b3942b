//! Narrow-variant markers: words in an official name that make a procedure a
//! variant of a more general one (re-issue, change, extension, withdrawal,
//! mobile registration, foreign element …). A name with a marker the query
//! did not ask for ranks below the general procedure. The markers
//! themselves are the catalog's (`catalog::markers`).

use super::terms::terms;
use crate::catalog::markers::MARKERS;

/// How much each unrequested marker costs, and the floor.
const PENALTY: f32 = 0.85;
const FLOOR: f32 = 0.6;

/// Bit set of the markers in an official name.
pub(crate) fn in_name(name: &str) -> u32 {
    let lower = name.to_lowercase();
    MARKERS
        .iter()
        .enumerate()
        .filter(|(_, m)| contains_words(&lower, m))
        .fold(0, |mask, (i, _)| mask | 1 << i)
}

/// Bit set of the markers a query asks for (folded, so "doi" asks for "đổi").
pub(crate) fn in_query(query_terms: &[String]) -> u32 {
    MARKERS
        .iter()
        .enumerate()
        .filter(|(_, m)| {
            let wanted = terms(m);
            query_terms
                .windows(wanted.len())
                .any(|w| w == wanted.as_slice())
        })
        .fold(0, |mask, (i, _)| mask | 1 << i)
}

/// Score multiplier for a name with `name_mask` answering a query with `query_mask`.
pub fn factor(name_mask: u32, query_mask: u32) -> f32 {
    let unrequested = (name_mask & !query_mask).count_ones();
    PENALTY.powi(unrequested as i32).max(FLOOR)
}

fn contains_words(haystack: &str, needle: &str) -> bool {
    haystack.match_indices(needle).any(|(at, _)| {
        let before = haystack[..at].chars().next_back();
        let after = haystack[at + needle.len()..].chars().next();
        !before.is_some_and(char::is_alphanumeric) && !after.is_some_and(char::is_alphanumeric)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markers_respect_diacritics_and_word_boundaries() {
        assert_ne!(in_name("Cấp lại thẻ căn cước"), 0);
        assert_eq!(in_name("Chính sách đối với người lao động"), 0);
        assert_ne!(in_name("Cấp đổi thẻ căn cước"), 0);
        assert_eq!(in_name("Thủ tục đăng ký khai sinh"), 0);
        assert_eq!(in_name("Khóa học lái xe"), in_name("khóa"));
        assert_eq!(in_name("Xóa đăng ký thường trú"), in_name("xóa"));
    }

    #[test]
    fn a_requested_marker_costs_nothing() {
        let name = in_name("Cấp lại thẻ căn cước");
        assert_eq!(factor(name, in_query(&terms("cap lai the can cuoc"))), 1.0);
        assert!(factor(name, in_query(&terms("the can cuoc"))) < 1.0);
        assert!(factor(u32::MAX, 0) >= FLOOR);
    }
}
