//! Draft ids: 10 random characters of Crockford base32 (50 bits), short
//! enough to type on a laptop, unique enough for one device's drafts.

use ring::rand::{SecureRandom, SystemRandom};

const ALPHABET: &[u8; 32] = b"0123456789abcdefghjkmnpqrstvwxyz";

/// A fresh random draft id.
pub fn new_id(rng: &SystemRandom) -> Option<String> {
    let mut bytes = [0u8; 10];
    rng.fill(&mut bytes).ok()?;
    Some(
        bytes
            .iter()
            .map(|b| ALPHABET[(b & 31) as usize] as char)
            .collect(),
    )
}

/// Could `s` be (a prefix of) a draft id?
pub(crate) fn looks_like_id(s: &str) -> bool {
    !s.is_empty() && s.len() <= 10 && s.bytes().all(|b| ALPHABET.contains(&b))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_are_short_distinct_and_recognised() {
        let rng = SystemRandom::new();
        let a = new_id(&rng).unwrap();
        let b = new_id(&rng).unwrap();
        assert_eq!(a.len(), 10);
        assert_ne!(a, b);
        assert!(looks_like_id(&a));
        assert!(looks_like_id(&a[..4]));
        assert!(!looks_like_id("../etc"));
        assert!(!looks_like_id("ABC"));
    }
}
