//! What a file is, from its first bytes only (issue #4): the five document
//! types a slot can accept (PDF, JPEG, PNG, HEIC/HEIF, WebP), executables and
//! scripts (so a rejection can name them), or unknown. The file name and its
//! extension are never consulted. Total on any input: never panics.

use crate::form::MediaType;

/// Bytes of the file's head that [`sniff`] looks at; pass at least this many
/// when the file has them (fewer is fine for short files). Enough for an
/// ISO-BMFF `ftyp` box with a dozen compatible brands.
pub const SNIFF_LEN: usize = 64;

/// What a file's head says it is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Sniffed {
    /// One of the document types a slot may accept.
    Media(MediaType),
    /// A program: "ELF", "Windows PE", "Mach-O", "Mach-O universal",
    /// "Java class" or "script".
    Executable(&'static str),
    /// Anything else (including an empty or too-short head).
    Unknown,
}

impl Sniffed {
    /// A short name for messages: "PDF", "JPEG", "PNG", "HEIC/HEIF", "WebP",
    /// the executable's kind, or "unknown".
    pub fn label(self) -> &'static str {
        match self {
            Sniffed::Media(m) => media_label(m),
            Sniffed::Executable(kind) => kind,
            Sniffed::Unknown => "unknown",
        }
    }

    /// The document type, if it is one.
    pub fn media(self) -> Option<MediaType> {
        match self {
            Sniffed::Media(m) => Some(m),
            _ => None,
        }
    }
}

/// A short human name for a document type.
pub fn media_label(m: MediaType) -> &'static str {
    match m {
        MediaType::Pdf => "PDF",
        MediaType::Jpeg => "JPEG",
        MediaType::Png => "PNG",
        MediaType::Heic => "HEIC/HEIF",
        MediaType::Webp => "WebP",
    }
}

/// AVIF major brands: AV1 in a HEIF container (lists `mif1` too), which is
/// not what a slot accepting HEIC means.
const AVIF_BRANDS: [&[u8; 4]; 2] = [b"avif", b"avis"];

/// The type of a file from its first bytes (`head`, ideally [`SNIFF_LEN`]
/// bytes or the whole file if shorter).
pub fn sniff(head: &[u8]) -> Sniffed {
    if head.starts_with(b"%PDF-") {
        return Sniffed::Media(MediaType::Pdf);
    }
    if head.starts_with(&[0xFF, 0xD8, 0xFF]) {
        return Sniffed::Media(MediaType::Jpeg);
    }
    if head.starts_with(&[0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A]) {
        return Sniffed::Media(MediaType::Png);
    }
    if head.len() >= 12 && &head[0..4] == b"RIFF" && &head[8..12] == b"WEBP" {
        return Sniffed::Media(MediaType::Webp);
    }
    if is_heif(head) {
        return Sniffed::Media(MediaType::Heic);
    }
    if let Some(kind) = executable(head) {
        return Sniffed::Executable(kind);
    }
    Sniffed::Unknown
}

/// An ISO-BMFF file starting with an `ftyp` box whose major brand, or one
/// of whose compatible brands, is a HEIF brand (and that is not AVIF).
fn is_heif(head: &[u8]) -> bool {
    let Some(size) = be_u32(head, 0) else {
        return false;
    };
    if head.get(4..8) != Some(b"ftyp") {
        return false;
    }
    // Box header: 8 bytes, or 16 with a 64-bit size (size field = 1);
    // size 0 means the box runs to the end of the file.
    let (start, end) = match size {
        0 => (8, head.len()),
        1 => match be_u64(head, 8) {
            Some(large) => (16, usize::try_from(large).unwrap_or(usize::MAX)),
            None => return false,
        },
        n => (8, usize::try_from(n).unwrap_or(usize::MAX)),
    };
    // major brand (4), minor version (4), compatible brands (4 each).
    let Some(major) = head.get(start..start + 4) else {
        return false;
    };
    if end < start + 8 {
        return false;
    }
    let brands_end = end.min(head.len());
    let brands = head.get(start + 8..brands_end).unwrap_or(&[]);
    let all = || std::iter::once(major).chain(brands.chunks_exact(4));
    // AVIF (and AV1 sequences) also list the generic HEIF brands: not HEIC.
    if all().any(|b| AVIF_BRANDS.iter().any(|a| b == &a[..])) {
        return false;
    }
    // HEIC is HEVC-coded HEIF: an HEVC brand as the major brand, or listed
    // under a generic HEIF major brand (mif1 / msf1). A generic brand alone
    // (JPEG-in-HEIF, an MP4 listing msf1) is not enough.
    let hevc = |b: &[u8]| HEVC_BRANDS.iter().any(|h| b == &h[..]);
    if hevc(major) {
        return true;
    }
    let generic_major = major == b"mif1" || major == b"msf1";
    generic_major && brands.chunks_exact(4).any(hevc)
}

/// HEVC-coded HEIF brands (ISO/IEC 23008-12 Annex B).
const HEVC_BRANDS: [&[u8; 4]; 6] = [b"heic", b"heix", b"hevc", b"hevx", b"heim", b"heis"];

fn executable(head: &[u8]) -> Option<&'static str> {
    let magic4 = head.get(0..4);
    if magic4 == Some(&[0x7F, b'E', b'L', b'F']) {
        return Some("ELF");
    }
    if head.starts_with(b"MZ") {
        return Some("Windows PE");
    }
    if head.starts_with(b"#!") {
        return Some("script");
    }
    match magic4? {
        // 32- and 64-bit, big-endian as written, then little-endian files.
        [0xFE, 0xED, 0xFA, 0xCE | 0xCF] | [0xCE | 0xCF, 0xFA, 0xED, 0xFE] => Some("Mach-O"),
        // Shared by fat Mach-O binaries (then the architecture count,
        // small) and Java class files (then versions; major >= 45).
        [0xCA, 0xFE, 0xBA, 0xBE] => match be_u32(head, 4) {
            Some(n) if n >= 45 => Some("Java class"),
            _ => Some("Mach-O universal"),
        },
        _ => None,
    }
}

fn be_u32(b: &[u8], at: usize) -> Option<u32> {
    let bytes: [u8; 4] = b.get(at..at.checked_add(4)?)?.try_into().ok()?;
    Some(u32::from_be_bytes(bytes))
}

fn be_u64(b: &[u8], at: usize) -> Option<u64> {
    let bytes: [u8; 8] = b.get(at..at.checked_add(8)?)?.try_into().ok()?;
    Some(u64::from_be_bytes(bytes))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ftyp(major: &[u8; 4], compatible: &[&[u8; 4]]) -> Vec<u8> {
        let size = 16 + 4 * compatible.len() as u32;
        let mut v = size.to_be_bytes().to_vec();
        v.extend_from_slice(b"ftyp");
        v.extend_from_slice(major);
        v.extend_from_slice(&[0, 0, 0, 0]);
        for b in compatible {
            v.extend_from_slice(*b);
        }
        // The next box, as in a real file.
        v.extend_from_slice(&[0, 0, 0, 0x21, b'm', b'e', b't', b'a']);
        v
    }

    #[test]
    fn documents() {
        let pdf = b"%PDF-1.7\n%\xE2\xE3\xCF\xD3\n1 0 obj";
        assert_eq!(sniff(pdf), Sniffed::Media(MediaType::Pdf));
        let jpeg = [0xFF, 0xD8, 0xFF, 0xE0, 0, 0x10, b'J', b'F', b'I', b'F'];
        assert_eq!(sniff(&jpeg), Sniffed::Media(MediaType::Jpeg));
        let exif = [0xFF, 0xD8, 0xFF, 0xE1, 0x12, 0x34, b'E', b'x', b'i', b'f'];
        assert_eq!(sniff(&exif), Sniffed::Media(MediaType::Jpeg));
        let png = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR";
        assert_eq!(sniff(png), Sniffed::Media(MediaType::Png));
        let webp = b"RIFF\x24\x00\x00\x00WEBPVP8 ";
        assert_eq!(sniff(webp), Sniffed::Media(MediaType::Webp));
        assert_eq!(sniff(webp).label(), "WebP");
    }

    #[test]
    fn heif_by_major_or_compatible_brand() {
        // An iPhone photo: major heic, compatible mif1 heic.
        let iphone = ftyp(b"heic", &[b"mif1", b"heic"]);
        assert_eq!(sniff(&iphone), Sniffed::Media(MediaType::Heic));
        for brand in HEVC_BRANDS {
            assert_eq!(sniff(&ftyp(brand, &[])), Sniffed::Media(MediaType::Heic));
        }
        // A generic HEIF brand alone is not HEIC: JPEG-in-HEIF, AVIF listing
        // only compatible brands, an MP4 listing msf1.
        assert_eq!(sniff(&ftyp(b"mif1", &[b"mif1", b"jpeg"])), Sniffed::Unknown);
        assert_eq!(sniff(&ftyp(b"mif1", &[b"avif"])), Sniffed::Unknown);
        assert_eq!(sniff(&ftyp(b"msf1", &[b"avis"])), Sniffed::Unknown);
        assert_eq!(sniff(&ftyp(b"isom", &[b"msf1"])), Sniffed::Unknown);
        // Samsung style: major mif1, HEVC brands listed as compatible.
        let samsung = ftyp(b"mif1", &[b"mif1", b"heic"]);
        assert_eq!(sniff(&samsung).label(), "HEIC/HEIF");
        // An HEVC brand listed under a foreign major brand does not count.
        let compatible = ftyp(b"abcd", &[b"isom", b"heix"]);
        assert_eq!(sniff(&compatible), Sniffed::Unknown);
        // MP4 video and AVIF are not HEIC.
        assert_eq!(sniff(&ftyp(b"isom", &[b"isom", b"mp41"])), Sniffed::Unknown);
        assert_eq!(
            sniff(&ftyp(b"avif", &[b"avif", b"mif1", b"miaf"])),
            Sniffed::Unknown
        );
        // A brand past the end of the ftyp box does not count.
        let mut outside = ftyp(b"isom", &[b"mp41"]);
        outside.extend_from_slice(b"heic");
        assert_eq!(sniff(&outside), Sniffed::Unknown);
        // 64-bit box size.
        let mut large = vec![0, 0, 0, 1];
        large.extend_from_slice(b"ftyp");
        large.extend_from_slice(&24u64.to_be_bytes());
        large.extend_from_slice(b"heic\0\0\0\0");
        assert_eq!(sniff(&large), Sniffed::Media(MediaType::Heic));
        // Size 0: the box runs to the end.
        let mut open = vec![0, 0, 0, 0];
        open.extend_from_slice(b"ftypmif1\0\0\0\0heic");
        assert_eq!(sniff(&open), Sniffed::Media(MediaType::Heic));
        // A box too small to hold a brand.
        let mut tiny = 8u32.to_be_bytes().to_vec();
        tiny.extend_from_slice(b"ftypheic\0\0\0\0");
        assert_eq!(sniff(&tiny), Sniffed::Unknown);
    }

    #[test]
    fn executables_are_named() {
        let cases: [(&[u8], &str); 9] = [
            (b"\x7fELF\x02\x01\x01\0", "ELF"),
            (b"MZ\x90\0\x03\0\0\0\x04\0", "Windows PE"),
            (b"\xfe\xed\xfa\xce\0\0\0\x07", "Mach-O"),
            (b"\xfe\xed\xfa\xcf\0\0\0\x07", "Mach-O"),
            (b"\xcf\xfa\xed\xfe\x07\0\0\x01", "Mach-O"),
            (b"\xce\xfa\xed\xfe\x07\0\0\0", "Mach-O"),
            (b"\xca\xfe\xba\xbe\0\0\0\x02", "Mach-O universal"),
            (b"\xca\xfe\xba\xbe\0\0\0\x34", "Java class"),
            (b"#!/bin/sh\nrm -rf ~\n", "script"),
        ];
        for (head, kind) in cases {
            assert_eq!(sniff(head), Sniffed::Executable(kind), "{kind}");
            assert_eq!(sniff(head).label(), kind);
            assert_eq!(sniff(head).media(), None);
        }
    }

    #[test]
    fn unknown_and_lookalikes() {
        for head in [
            &b""[..],
            b"hello, world",
            b"%PDF",
            b"%pdf-1.4",
            b" %PDF-1.4",
            b"\xff\xd8",
            b"\x89PNG\r\n\x1a",
            b"RIFF\0\0\0\0WAVEfmt ",
            b"RIFF\0\0\0\0WEB",
            b"PK\x03\x04",
            b"#",
            b"M",
            b"\xca\xfe\xba",
            b"\0\0\0\x18ftyp",
            b"\0\0\0\x01ftypheic",
        ] {
            assert_eq!(sniff(head), Sniffed::Unknown, "{head:?}");
        }
        assert_eq!(Sniffed::Unknown.label(), "unknown");
    }

    #[test]
    fn truncated_heads_never_panic() {
        let samples = [
            b"%PDF-1.7".to_vec(),
            vec![0xFF, 0xD8, 0xFF, 0xE0],
            b"\x89PNG\r\n\x1a\n".to_vec(),
            b"RIFF\x24\0\0\0WEBP".to_vec(),
            ftyp(b"isom", &[b"mp41", b"heic"]),
            {
                let mut v = vec![0, 0, 0, 1];
                v.extend_from_slice(b"ftyp");
                v.extend_from_slice(&u64::MAX.to_be_bytes());
                v.extend_from_slice(b"isom\0\0\0\0heic");
                v
            },
            {
                let mut v = 0xFFFF_FFFFu32.to_be_bytes().to_vec();
                v.extend_from_slice(b"ftypisom\0\0\0\0mif1");
                v
            },
            b"\xca\xfe\xba\xbe\0\0\0\x02".to_vec(),
        ];
        for s in &samples {
            for n in 0..=s.len() {
                let _ = sniff(&s[..n]);
            }
        }
        // Every prefix of the known types is either the type or unknown.
        let png = &samples[2];
        for n in 0..png.len() {
            assert_eq!(sniff(&png[..n]), Sniffed::Unknown);
        }
        // Pseudo-random heads of every length up to SNIFF_LEN + 8.
        let mut x: u64 = 0x9E37_79B9_7F4A_7C15;
        for len in 0..SNIFF_LEN + 8 {
            for _ in 0..2000 {
                let head: Vec<u8> = (0..len)
                    .map(|i| {
                        x ^= x << 13;
                        x ^= x >> 7;
                        x ^= x << 17;
                        // Bias the first bytes towards the interesting ones.
                        match (i, x % 4) {
                            (4..=7, 0) => b"ftyp"[i - 4],
                            (0..=3, 0) => [0, 0, 0, 0x18][i],
                            _ => x as u8,
                        }
                    })
                    .collect();
                let _ = sniff(&head);
            }
        }
    }
}
