//! A transfer's message read for payment references, one way for the
//! portal (matching a bank's notification) and the phone (matching a
//! scanned VietQR): bank apps keep only letters and digits of a message,
//! so its words of letters and digits, upper-cased, that start with `HS`
//! are the candidates.

/// The longest reference a message is searched for.
const MAX_REFERENCE_CHARS: usize = 25;

/// The words of `message` that may be payment references.
pub fn references_in(message: &str) -> Vec<String> {
    message
        .split(|c: char| !c.is_ascii_alphanumeric())
        .map(str::to_ascii_uppercase)
        .filter(|w| w.starts_with("HS") && w.len() <= MAX_REFERENCE_CHARS)
        .collect()
}

#[cfg(test)]
mod tests {
    #[test]
    fn references_are_the_hs_words_of_letters_and_digits() {
        assert_eq!(
            super::references_in("CT DEN:0123 hsh40.22 le-phi HSH4022261207000101"),
            ["HSH40", "HSH4022261207000101"]
        );
    }
}
