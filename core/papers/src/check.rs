//! What the papers accept, checked before anything is laid out: each
//! field's length and each list's count ([`limits`](crate::limits)), the
//! retention, the receipt's QR text, a fee's VietQR text; and every text as printed: one line,
//! NFC, whitespace runs as one space, control and invisible format
//! characters (bidi overrides, zero-width marks, soft hyphens) dropped.
//! Characters the font lacks are left to `font`, which draws U+FFFD.

use crate::error::{Field, PaperError};
use crate::limits::{PAYMENT_QR_CHARS, RECEIPT_QR_CHARS};
use unicode_normalization::UnicodeNormalization;

/// `text` as printed, or an error when it is longer than `max` characters
/// or (after cleaning) empty.
pub(crate) fn required(field: Field, text: &str, max: usize) -> Result<String, PaperError> {
    let clean = optional(field, text, max)?;
    if clean.is_empty() {
        return Err(PaperError::Missing(field));
    }
    Ok(clean)
}

/// `text` as printed (possibly empty), or an error when it is longer than
/// `max` characters.
pub(crate) fn optional(field: Field, text: &str, max: usize) -> Result<String, PaperError> {
    // Bytes bound characters from above: a huge text is refused before it
    // is walked.
    if text.len() > max.saturating_mul(4) || text.chars().count() > max {
        return Err(PaperError::TooLong { field, max });
    }
    Ok(printable(text))
}

/// At most `max` items, each checked by `each`.
pub(crate) fn list<T, U>(
    field: Field,
    items: &[T],
    max: usize,
    each: impl Fn(&T) -> Result<U, PaperError>,
) -> Result<Vec<U>, PaperError> {
    if items.len() > max {
        return Err(PaperError::TooMany { field, max });
    }
    items.iter().map(each).collect()
}

/// The receipt's QR text: `HS1:` and the QR alphanumeric characters of
/// base45, at most [`RECEIPT_QR_CHARS`]. Anything else is not printed as a
/// receipt (a link or a stranger's text would send the resident elsewhere).
pub(crate) fn receipt_qr(text: &str) -> Result<&str, PaperError> {
    if text.is_empty() {
        return Err(PaperError::Missing(Field::ReceiptQr));
    }
    if text.len() > RECEIPT_QR_CHARS {
        return Err(PaperError::TooLong {
            field: Field::ReceiptQr,
            max: RECEIPT_QR_CHARS,
        });
    }
    let base45 = |c: char| c.is_ascii_digit() || c.is_ascii_uppercase() || " $%*+-./:".contains(c);
    match text.strip_prefix("HS1:") {
        Some(rest) if !rest.is_empty() && rest.chars().all(base45) => Ok(text),
        _ => Err(PaperError::NotAReceipt),
    }
}

/// A fee's VietQR payload: EMVCo's `000201` first, printable ASCII (the
/// format's character set), at most [`PAYMENT_QR_CHARS`]. The payload's
/// own checks are the payment layer's; the paper only refuses what no
/// banking app would read as a payment.
pub(crate) fn payment_qr(text: &str) -> Result<&str, PaperError> {
    if text.is_empty() {
        return Err(PaperError::Missing(Field::FeeQr));
    }
    if text.len() > PAYMENT_QR_CHARS {
        return Err(PaperError::TooLong {
            field: Field::FeeQr,
            max: PAYMENT_QR_CHARS,
        });
    }
    if text.starts_with("000201") && text.bytes().all(|b| (0x20..0x7f).contains(&b)) {
        Ok(text)
    } else {
        Err(PaperError::NotAPaymentQr)
    }
}

/// One printable line: NFC, whitespace (line breaks, tabs) as single
/// spaces, trimmed, controls and invisible format characters dropped.
pub(crate) fn printable(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut space = false;
    for c in text.nfc() {
        if c.is_whitespace() {
            space = !out.is_empty();
        } else if c.is_control() || invisible(c) {
            continue;
        } else {
            if space {
                out.push(' ');
                space = false;
            }
            out.push(c);
        }
    }
    out
}

/// Format characters (Unicode category Cf) and the like that print nothing
/// but can reorder or hide text: bidi embeddings, overrides and isolates,
/// zero-width characters, soft hyphens, tags, interlinear annotation.
fn invisible(c: char) -> bool {
    matches!(c,
        '\u{00AD}' | '\u{034F}' | '\u{061C}' | '\u{115F}' | '\u{1160}' | '\u{17B4}' | '\u{17B5}'
        | '\u{180B}'..='\u{180F}'
        | '\u{200B}'..='\u{200F}'
        | '\u{202A}'..='\u{202E}'
        | '\u{2060}'..='\u{206F}'
        | '\u{3164}' | '\u{FE00}'..='\u{FE0F}' | '\u{FEFF}' | '\u{FFA0}'
        | '\u{FFF0}'..='\u{FFFB}'
        | '\u{1BCA0}'..='\u{1BCA3}'
        | '\u{1D173}'..='\u{1D17A}'
        | '\u{E0000}'..='\u{E0FFF}')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn printable_is_one_clean_nfc_line() {
        assert_eq!(printable("  Nguyễn\tVăn\r\n\n An  "), "Nguyễn Văn An");
        // Decomposed input composes: e + circumflex + acute is "ế".
        assert_eq!(printable("he\u{302}\u{301}t"), "h\u{1ebf}t");
        // Bidi overrides, zero-width and controls print nothing.
        assert_eq!(
            printable("a\u{202E}b\u{200B}c\u{0}d\u{7}e\u{FEFF}"),
            "abcde"
        );
        assert_eq!(printable("\u{0}\u{202E} \n"), "");
    }

    #[test]
    fn bounds_are_checked_in_characters() {
        let field = Field::DossierCode;
        assert_eq!(
            optional(field, &"đ".repeat(64), 64)
                .unwrap()
                .chars()
                .count(),
            64
        );
        assert_eq!(
            optional(field, &"đ".repeat(65), 64),
            Err(PaperError::TooLong { field, max: 64 })
        );
        assert_eq!(
            required(field, " \u{200B} ", 64),
            Err(PaperError::Missing(field))
        );
        let many = vec![String::new(); 3];
        assert_eq!(
            list(Field::Bring, &many, 2, |s| optional(Field::Bring, s, 9)),
            Err(PaperError::TooMany {
                field: Field::Bring,
                max: 2
            })
        );
    }

    #[test]
    fn only_receipts_are_drawn() {
        assert!(receipt_qr("HS1:060S9E5LEAEC5W58469%6%960E2+Q6 $5KF6").is_ok());
        for bad in [
            "",
            "HS1:",
            "https://example.vn/x",
            "HS1:abc",
            "HS2:ABC",
            "HS1:ABC\n",
        ] {
            assert!(receipt_qr(bad).is_err(), "{bad:?}");
        }
        assert_eq!(receipt_qr(""), Err(PaperError::Missing(Field::ReceiptQr)));
        let long = format!("HS1:{}", "A".repeat(RECEIPT_QR_CHARS));
        assert!(matches!(receipt_qr(&long), Err(PaperError::TooLong { .. })));
    }
}
