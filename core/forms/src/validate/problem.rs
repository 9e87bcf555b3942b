//! The [`Problem`] type every validator reports, and the small helpers that
//! build messages safely (no validator may echo an ID or phone number).

use std::fmt;

/// One thing wrong with a value. `code` is a stable snake_case machine code;
/// the two messages are for people (Vietnamese with diacritics, and English).
///
/// Messages may be logged, so they never contain a full ID number or phone
/// number, only short, harmless fragments (a prefix, a wrong character).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Problem {
    pub code: &'static str,
    pub message_vi: String,
    pub message_en: String,
}

impl Problem {
    /// Builds a problem from its code and its two messages.
    pub fn new(code: &'static str, vi: impl Into<String>, en: impl Into<String>) -> Problem {
        Problem {
            code,
            message_vi: vi.into(),
            message_en: en.into(),
        }
    }

    /// The shared `empty` problem: nothing (or only spaces) was entered.
    /// `what_vi` / `what_en` name the value, e.g. "họ và tên" / "full name".
    pub fn empty(what_vi: &str, what_en: &str) -> Problem {
        Problem::new(
            "empty",
            format!("Chưa nhập {what_vi}."),
            format!("The {what_en} is empty."),
        )
    }
}

/// A value a validator accepted: its canonical form, and what looks
/// doubtful about it (a warning: the value is saved all the same, and the
/// warning shown, so nobody is locked out by a rule that may be behind).
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Checked {
    pub value: String,
    pub warning: Option<Problem>,
}

impl Checked {
    /// An accepted value with nothing doubtful about it.
    pub fn plain(value: String) -> Checked {
        Checked {
            value,
            warning: None,
        }
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} ({})", self.message_en, self.code)
    }
}

impl std::error::Error for Problem {}

/// How to show one offending character inside a message: printable ones as
/// themselves in quotes, invisible ones as `U+XXXX`. A digit is never part of
/// an ID or phone number on its own, so showing one character is safe.
pub(crate) fn show_char(c: char) -> String {
    if c.is_control() || c.is_whitespace() || is_invisible_format(c) {
        format!("U+{:04X}", u32::from(c))
    } else {
        format!("“{c}”")
    }
}

/// Zero-width and bidirectional formatting characters: invisible on screen,
/// able to make text display differently from what is stored.
pub(crate) fn is_invisible_format(c: char) -> bool {
    matches!(
        c,
        '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2060}'..='\u{2069}' | '\u{FEFF}'
    )
}

/// `raw` quoted for a message when it is short and carries no run of digits
/// (so a pasted ID or phone number is never echoed); `None` otherwise.
pub(crate) fn quote_if_safe(raw: &str) -> Option<String> {
    let t = raw.trim();
    let digits = t.chars().filter(char::is_ascii_digit).count();
    let ok = !t.is_empty()
        && t.chars().count() <= 40
        && digits <= 2
        && !t.chars().any(|c| c.is_control() || is_invisible_format(c));
    ok.then(|| format!("“{t}”"))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_problem_names_the_value() {
        let p = Problem::empty("họ và tên", "full name");
        assert_eq!(p.code, "empty");
        assert_eq!(p.message_vi, "Chưa nhập họ và tên.");
        assert_eq!(p.message_en, "The full name is empty.");
        assert_eq!(p.to_string(), "The full name is empty. (empty)");
    }

    #[test]
    fn serializes_code_and_both_messages() {
        let p = Problem::new("x_y", "vi", "en");
        let json = serde_json::to_string(&p).unwrap();
        assert_eq!(
            json,
            r#"{"code":"x_y","message_vi":"vi","message_en":"en"}"#
        );
    }

    #[test]
    fn show_char_makes_invisible_characters_visible() {
        assert_eq!(show_char('#'), "“#”");
        assert_eq!(show_char('\u{7}'), "U+0007");
        assert_eq!(show_char('\u{202E}'), "U+202E");
        assert_eq!(show_char('\u{A0}'), "U+00A0");
    }

    #[test]
    fn quote_if_safe_never_echoes_digit_runs() {
        assert_eq!(quote_if_safe(" Hà Nội "), Some("“Hà Nội”".into()));
        assert_eq!(quote_if_safe("Quận 10"), Some("“Quận 10”".into()));
        assert_eq!(quote_if_safe("001099012345"), None);
        assert_eq!(quote_if_safe("0912 345 678"), None);
        assert_eq!(quote_if_safe(&"a".repeat(41)), None);
        assert_eq!(quote_if_safe("   "), None);
    }
}
