//! What a file is, from its first bytes (never its name): JPEG, PNG, or
//! HEIC/HEIF (told apart so the user is asked to convert it, not told it
//! is broken).

/// A photo format, by its magic bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PhotoKind {
    Jpeg,
    Png,
    /// WebP: cleaned when attached as it is; not made a page.
    Webp,
    /// HEIC/HEIF (an ISO media file of brand heic, heix, mif1 …): no
    /// well-kept Rust decoder exists, so it is refused with advice.
    Heic,
}

const PNG_SIGNATURE: &[u8] = b"\x89PNG\r\n\x1a\n";

/// The HEIF brands phones write.
const HEIF_BRANDS: [&[u8; 4]; 8] = [
    b"heic", b"heix", b"heim", b"heis", b"hevc", b"hevx", b"mif1", b"msf1",
];

/// The kind of `head` (the file's first bytes; 12 are enough).
pub fn sniff(head: &[u8]) -> Option<PhotoKind> {
    if head.starts_with(&[0xFF, 0xD8, 0xFF]) {
        return Some(PhotoKind::Jpeg);
    }
    if head.starts_with(PNG_SIGNATURE) {
        return Some(PhotoKind::Png);
    }
    if head.starts_with(b"RIFF") && head.get(8..12) == Some(b"WEBP") {
        return Some(PhotoKind::Webp);
    }
    match (head.get(4..8), head.get(8..12)) {
        (Some(b"ftyp"), Some(brand)) if HEIF_BRANDS.iter().any(|b| &b[..] == brand) => {
            Some(PhotoKind::Heic)
        }
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kinds_come_from_magic_bytes() {
        assert_eq!(sniff(b"\xFF\xD8\xFF\xE1\0\x10Exif"), Some(PhotoKind::Jpeg));
        assert_eq!(
            sniff(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR"),
            Some(PhotoKind::Png)
        );
        assert_eq!(sniff(b"\0\0\0\x18ftypheic\0\0\0\0"), Some(PhotoKind::Heic));
        assert_eq!(sniff(b"\0\0\0\x18ftypmif1"), Some(PhotoKind::Heic));
        assert_eq!(sniff(b"\0\0\0\x18ftypisom"), None);
        assert_eq!(sniff(b"RIFF\x24\0\0\0WEBPVP8 "), Some(PhotoKind::Webp));
        assert_eq!(sniff(b"%PDF-1.7"), None);
        assert_eq!(sniff(b""), None);
    }
}
