//! The characters a VietQR payload may hold. EMVCo's "ans" fields (and
//! so every text hoso reads or writes) take its common character set,
//! printable ASCII; its "S" fields (other schemes' account templates, the
//! alternate-language template, unreserved templates) take any Unicode
//! text. Nowhere may a payload hold a control character or an invisible
//! format character that could hide or reorder what a payer is shown.

/// EMVCo's common character set: printable ASCII, space to tilde.
pub(crate) fn is_common(c: char) -> bool {
    (' '..='~').contains(&c)
}

/// A character no field may hold: controls (Unicode category Cc) and the
/// format characters and the like that print nothing but can reorder or
/// hide text (bidi embeddings, overrides and isolates, zero-width
/// characters, soft hyphens, tags, interlinear annotation), line and
/// paragraph separators, and the noncharacters U+FFFE and U+FFFF.
pub(crate) fn is_hidden(c: char) -> bool {
    c.is_control()
        || matches!(c,
            '\u{00AD}' | '\u{034F}' | '\u{061C}' | '\u{115F}' | '\u{1160}' | '\u{17B4}' | '\u{17B5}'
            | '\u{180B}'..='\u{180F}'
            | '\u{200B}'..='\u{200F}'
            | '\u{2028}'..='\u{202E}'
            | '\u{2060}'..='\u{206F}'
            | '\u{3164}' | '\u{FE00}'..='\u{FE0F}' | '\u{FEFF}' | '\u{FFA0}'
            | '\u{FFF0}'..='\u{FFFB}' | '\u{FFFE}' | '\u{FFFF}'
            | '\u{1BCA0}'..='\u{1BCA3}'
            | '\u{1D173}'..='\u{1D17A}'
            | '\u{E0000}'..='\u{E0FFF}')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn common_is_printable_ascii() {
        assert!(is_common(' ') && is_common('~') && is_common('A') && is_common('0'));
        assert!(!is_common('\u{7F}') && !is_common('\t') && !is_common('đ') && !is_common('á'));
    }

    #[test]
    fn hidden_are_controls_and_invisible_formats() {
        for c in [
            '\0',
            '\t',
            '\n',
            '\u{7F}',
            '\u{85}',
            '\u{200B}',
            '\u{202E}',
            '\u{2066}',
            '\u{FEFF}',
            '\u{E0041}',
        ] {
            assert!(is_hidden(c), "{c:?}");
        }
        for c in ['a', ' ', 'đ', 'Ư', '中', '€'] {
            assert!(!is_hidden(c), "{c:?}");
        }
    }
}
