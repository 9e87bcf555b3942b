//! Turning text into search terms: Vietnamese folding (no diacritics, `đ` →
//! `d`, lower case) plus the `y` → `i` spelling-variant rule (kí/ký, lí/lý),
//! split on anything that is not a letter or digit. Index and queries go
//! through the same function, so every rule applies to both sides.

use crate::text::{push_marked, push_search_folded};

/// The search terms of `text`, in order.
pub(crate) fn terms(text: &str) -> Vec<String> {
    marked_terms(text).into_iter().map(|w| w.term).collect()
}

/// One word of a query: its search term, and the word as typed (lower
/// case, diacritics kept) to tell apart words that fold alike.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Word {
    pub term: String,
    pub marked: String,
}

impl Word {
    /// Whether the word was typed with diacritics (or `đ`).
    pub fn has_marks(&self) -> bool {
        self.marked != self.term
    }
}

/// The words of `text`, in order: [`terms`] with what was typed beside them.
pub(crate) fn marked_terms(text: &str) -> Vec<Word> {
    let mut out = Vec::new();
    let mut current = String::new();
    let mut marked = String::new();
    let mut folded = String::with_capacity(4);
    for c in text.chars() {
        folded.clear();
        push_search_folded(c, &mut folded);
        let mut split = false;
        for f in folded.chars() {
            if f.is_alphanumeric() {
                current.push(f);
            } else {
                split = true;
            }
        }
        if split {
            if !current.is_empty() {
                out.push(Word {
                    term: std::mem::take(&mut current),
                    marked: std::mem::take(&mut marked),
                });
            }
            marked.clear();
        } else if !current.is_empty() {
            let from = marked.len();
            push_marked(c, &mut marked);
            if marked[from..].contains('y') {
                let tail = marked.split_off(from).replace('y', "i");
                marked.push_str(&tail);
            }
        }
    }
    if !current.is_empty() {
        out.push(Word {
            term: current,
            marked,
        });
    }
    out
}

/// A procedure code or code prefix as people type it (`1.004222`, `1.0042`,
/// `2.000`): digits, one dot, digits.
pub(crate) fn as_code(token: &str) -> Option<&str> {
    let (head, tail) = token.split_once('.')?;
    let digits = |s: &str| s.bytes().all(|b| b.is_ascii_digit());
    (!head.is_empty() && head.len() <= 2 && digits(head) && digits(tail) && tail.len() <= 6)
        .then_some(token)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn folds_diacritics_d_case_and_y_variant() {
        assert_eq!(terms("Đăng KÝ khai-sinh!"), ["dang", "ki", "khai", "sinh"]);
        assert_eq!(terms("đăng kí"), terms("dang ky"));
        assert_eq!(terms("Lý lịch tư pháp"), terms("li lich tu phap"));
        assert_eq!(terms("  "), Vec::<String>::new());
        assert_eq!(terms("Mẫu số 01/TK"), ["mau", "so", "01", "tk"]);
    }

    #[test]
    fn words_keep_what_was_typed() {
        let w = marked_terms("Chợ, cho CẦN-ky");
        let got: Vec<(&str, &str, bool)> = w
            .iter()
            .map(|w| (w.term.as_str(), w.marked.as_str(), w.has_marks()))
            .collect();
        assert_eq!(got[0].0, "cho");
        assert!(got[0].2);
        assert_eq!(got[1], ("cho", "cho", false));
        assert_eq!(got[2].0, "can");
        assert!(got[2].2);
        assert_eq!(got[3], ("ki", "ki", false));
        assert_ne!(marked_terms("cần")[0].marked, marked_terms("cán")[0].marked);
        assert_eq!(marked_terms("cần")[0].marked, marked_terms("CẦN")[0].marked);
    }

    #[test]
    fn mixed_diacritics_fold_alike() {
        assert_eq!(terms("dăng ký khai sinh"), terms("đang ký khai sình"));
    }

    #[test]
    fn codes_are_recognised() {
        assert_eq!(as_code("1.004222"), Some("1.004222"));
        assert_eq!(as_code("1.00"), Some("1.00"));
        assert_eq!(as_code("1."), Some("1."));
        assert_eq!(as_code("abc.1"), None);
        assert_eq!(as_code("2025"), None);
        assert_eq!(as_code("1.0042229999"), None);
    }
}
