//! Metadata out of a JPEG or PNG, losslessly: the pixels' bytes are
//! copied as they are, everything that describes the photo instead of
//! drawing it is left behind — EXIF (GPS position, time, the phone's make
//! and serial, maker notes, the embedded thumbnail), XMP, ICC profiles,
//! IPTC, comments, text chunks, the extra pictures some phones append
//! after the image (MPF previews, depth maps). Only the orientation is
//! kept, alone in a fresh EXIF block, so the picture still shows the right
//! way up. The input is hostile: every length is checked, and a file that
//! does not hold together is refused, never half-copied.

use crate::orientation;
use image::metadata::Orientation;

/// Why a file could not be cleaned (the caller names the file).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum StripError {
    /// Not the format it claims, or cut short: the reason.
    Damaged(&'static str),
}

/// JPEG markers (the byte after 0xFF).
const SOI: u8 = 0xD8;
const EOI: u8 = 0xD9;
const SOS: u8 = 0xDA;
const APP0: u8 = 0xE0;
const APP1: u8 = 0xE1;
const APP14: u8 = 0xEE;
const APP15: u8 = 0xEF;
const COM: u8 = 0xFE;
const TEM: u8 = 0x01;

/// A JPEG without its metadata: the segments that draw the picture
/// (tables, frame, scans, restart intervals, the Adobe colour-transform
/// flag), an EXIF block holding only the orientation when it is not
/// upright, nothing after the end of the image.
pub(crate) fn jpeg(bytes: &[u8]) -> Result<Vec<u8>, StripError> {
    if bytes.get(..2) != Some(&[0xFF, SOI]) {
        return Err(StripError::Damaged("no JPEG start"));
    }
    let mut out = Vec::with_capacity(bytes.len());
    out.extend_from_slice(&[0xFF, SOI]);
    let mut upright = Orientation::NoTransforms;
    let mut at = 2;
    let mut frame = false;
    loop {
        let marker = next_marker(bytes, &mut at)?;
        match marker {
            EOI => {
                out.extend_from_slice(&[0xFF, EOI]);
                break;
            }
            TEM | 0xD0..=0xD7 => {
                out.extend_from_slice(&[0xFF, marker]);
                continue;
            }
            _ => {}
        }
        let length = bytes
            .get(at..at + 2)
            .map(|b| usize::from(u16::from_be_bytes([b[0], b[1]])))
            .ok_or(StripError::Damaged("cut short in a segment header"))?;
        if length < 2 {
            return Err(StripError::Damaged("a segment length below 2"));
        }
        let end = at
            .checked_add(length)
            .filter(|&e| e <= bytes.len())
            .ok_or(StripError::Damaged("a segment runs past the end"))?;
        let body = &bytes[at + 2..end];
        let keep = match marker {
            APP1 => {
                if let Some(tiff) = body.strip_prefix(b"Exif\0\0") {
                    upright = orientation::of_tiff(tiff);
                }
                false
            }
            // JFIF without a thumbnail says only the pixel density: kept,
            // so a JPEG with nothing to take out comes out byte for byte.
            APP0 => body.starts_with(b"JFIF\0") && body.len() == 14 && body[12..] == [0, 0],
            // JFXX and JFIF thumbnails, ICC, IPTC, XMP, maker segments,
            // comments.
            0xE2..=0xED | APP15 | COM => false,
            APP14 => body.starts_with(b"Adobe"),
            0xC0..=0xCF => {
                frame |= !matches!(marker, 0xC4 | 0xC8 | 0xCC);
                true
            }
            _ => true,
        };
        if keep {
            out.extend_from_slice(&bytes[at - 2..end]);
        }
        at = end;
        if marker == SOS {
            if !frame {
                return Err(StripError::Damaged("a scan before the frame header"));
            }
            at = copy_scan(bytes, at, &mut out)?;
        }
    }
    if !frame {
        return Err(StripError::Damaged("no frame header"));
    }
    if upright != Orientation::NoTransforms {
        let tiff = orientation::only(upright);
        let mut segment = vec![0xFF, APP1];
        let length = u16::try_from(tiff.len() + 8).map_err(|_| StripError::Damaged("EXIF"))?;
        segment.extend_from_slice(&length.to_be_bytes());
        segment.extend_from_slice(b"Exif\0\0");
        segment.extend_from_slice(&tiff);
        // Right after the start of image, where EXIF belongs.
        out.splice(2..2, segment);
    }
    Ok(out)
}

/// Moves `at` past fill bytes to the next marker; the marker.
fn next_marker(bytes: &[u8], at: &mut usize) -> Result<u8, StripError> {
    if bytes.get(*at) != Some(&0xFF) {
        return Err(StripError::Damaged("no marker where one belongs"));
    }
    while bytes.get(*at) == Some(&0xFF) {
        *at += 1;
    }
    let marker = *bytes
        .get(*at)
        .ok_or(StripError::Damaged("cut short before the end of the image"))?;
    *at += 1;
    if marker == 0 || marker == SOI {
        return Err(StripError::Damaged("a marker out of place"));
    }
    Ok(marker)
}

/// Copies a scan's entropy-coded data (with its stuffed bytes and restart
/// markers) from `at` up to the next other marker; where that marker is.
fn copy_scan(bytes: &[u8], from: usize, out: &mut Vec<u8>) -> Result<usize, StripError> {
    let mut at = from;
    loop {
        let rest = bytes
            .get(at..)
            .ok_or(StripError::Damaged("cut short in a scan"))?;
        let Some(ff) = rest.iter().position(|&b| b == 0xFF) else {
            return Err(StripError::Damaged("cut short in a scan"));
        };
        let next = *rest
            .get(ff + 1)
            .ok_or(StripError::Damaged("cut short in a scan"))?;
        if next == 0 || (0xD0..=0xD7).contains(&next) {
            at += ff + 2;
            continue;
        }
        if next == 0xFF {
            // Fill bytes before a marker.
            at += ff + 1;
            continue;
        }
        out.extend_from_slice(&bytes[from..at + ff]);
        return Ok(at + ff);
    }
}

const PNG_SIGNATURE: &[u8] = b"\x89PNG\r\n\x1a\n";

/// The ancillary PNG chunks that change how the pixels look and say
/// nothing about the photo (transparency, gamma, chromaticities, sRGB,
/// significant bits, background, pixel size).
const PNG_KEPT: [&[u8; 4]; 7] = [
    b"tRNS", b"gAMA", b"cHRM", b"sRGB", b"sBIT", b"bKGD", b"pHYs",
];

/// A PNG without its metadata: the critical chunks and those of
/// [`PNG_KEPT`]; text (`tEXt`, `zTXt`, `iTXt`: XMP too), `eXIf` (but its
/// orientation, kept alone), `iCCP`, `tIME` and every other chunk left out;
/// nothing after `IEND`. Chunks are copied whole with their CRC.
pub(crate) fn png(bytes: &[u8]) -> Result<Vec<u8>, StripError> {
    if !bytes.starts_with(PNG_SIGNATURE) {
        return Err(StripError::Damaged("no PNG signature"));
    }
    let mut out = Vec::with_capacity(bytes.len());
    out.extend_from_slice(PNG_SIGNATURE);
    let mut at = PNG_SIGNATURE.len();
    let mut upright = Orientation::NoTransforms;
    let mut header = false;
    loop {
        let head = bytes
            .get(at..at + 8)
            .ok_or(StripError::Damaged("cut short before IEND"))?;
        let length = u32::from_be_bytes([head[0], head[1], head[2], head[3]]);
        let length =
            usize::try_from(length).map_err(|_| StripError::Damaged("a chunk too long"))?;
        let kind: [u8; 4] = [head[4], head[5], head[6], head[7]];
        let end = at
            .checked_add(12)
            .and_then(|e| e.checked_add(length))
            .filter(|&e| e <= bytes.len())
            .ok_or(StripError::Damaged("a chunk runs past the end"))?;
        let data = &bytes[at + 8..end - 4];
        let critical = kind[0].is_ascii_uppercase();
        if !header && &kind != b"IHDR" {
            return Err(StripError::Damaged("IHDR is not first"));
        }
        header = true;
        let keep = match &kind {
            b"IHDR" | b"PLTE" | b"IDAT" | b"IEND" => true,
            b"eXIf" => {
                upright = orientation::of_tiff(data);
                false
            }
            _ if critical => {
                return Err(StripError::Damaged("an unknown critical chunk"));
            }
            _ => PNG_KEPT.iter().any(|k| **k == kind),
        };
        if &kind == b"IEND" && upright != Orientation::NoTransforms {
            out.extend_from_slice(&png_chunk(b"eXIf", &orientation::only(upright)));
        }
        if keep {
            out.extend_from_slice(&bytes[at..end]);
        }
        at = end;
        if &kind == b"IEND" {
            return Ok(out);
        }
    }
}

/// A WebP without its metadata: the RIFF chunks that draw the picture
/// (`VP8 `, `VP8L`, `VP8X` with its EXIF, XMP and ICC flags cleared,
/// `ALPH`, `ANIM`, `ANMF`); `EXIF`, `XMP `, `ICCP` and unknown chunks left
/// out, the RIFF size recomputed. WebP has no orientation of its own
/// beyond EXIF's, which phones do not use for WebP.
pub(crate) fn webp(bytes: &[u8]) -> Result<Vec<u8>, StripError> {
    if bytes.get(..4) != Some(b"RIFF") || bytes.get(8..12) != Some(b"WEBP") {
        return Err(StripError::Damaged("no WebP header"));
    }
    let mut body = b"WEBP".to_vec();
    let mut at = 12;
    let mut image = false;
    while at < bytes.len() {
        let head = bytes
            .get(at..at + 8)
            .ok_or(StripError::Damaged("cut short in a chunk header"))?;
        let size = u32::from_le_bytes([head[4], head[5], head[6], head[7]]);
        let size = usize::try_from(size).map_err(|_| StripError::Damaged("a chunk too long"))?;
        // Chunks are padded to an even size.
        let end = at
            .checked_add(8)
            .and_then(|e| e.checked_add(size))
            .and_then(|e| e.checked_add(size % 2))
            .filter(|&e| e <= bytes.len())
            .ok_or(StripError::Damaged("a chunk runs past the end"))?;
        let kind = &head[..4];
        match kind {
            b"VP8X" => {
                let mut chunk = bytes[at..end].to_vec();
                // Flags: ICC (0x20), EXIF (0x08), XMP (0x04).
                if let Some(flags) = chunk.get_mut(8) {
                    *flags &= !(0x20 | 0x08 | 0x04);
                }
                body.extend_from_slice(&chunk);
            }
            b"VP8 " | b"VP8L" | b"ALPH" | b"ANIM" | b"ANMF" => {
                image |= kind != b"ANIM";
                body.extend_from_slice(&bytes[at..end]);
            }
            _ => {}
        }
        at = end;
    }
    if !image {
        return Err(StripError::Damaged("no picture in the WebP"));
    }
    let size = u32::try_from(body.len()).map_err(|_| StripError::Damaged("too long"))?;
    let mut out = b"RIFF".to_vec();
    out.extend_from_slice(&size.to_le_bytes());
    out.extend_from_slice(&body);
    Ok(out)
}

/// One PNG chunk: length, type, data, CRC-32 over type and data.
fn png_chunk(kind: &[u8; 4], data: &[u8]) -> Vec<u8> {
    let mut chunk = Vec::with_capacity(data.len() + 12);
    chunk.extend_from_slice(&u32::try_from(data.len()).unwrap_or(0).to_be_bytes());
    chunk.extend_from_slice(kind);
    chunk.extend_from_slice(data);
    let crc = crc32fast::hash(&chunk[4..]);
    chunk.extend_from_slice(&crc.to_be_bytes());
    chunk
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn damaged_files_are_refused_not_half_copied() {
        for bad in [
            &b""[..],
            b"\xFF\xD8",
            b"\xFF\xD8\xFF\xE1\x00",
            b"\xFF\xD8\xFF\xE1\x00\x01",
            b"\xFF\xD8\xFF\xE1\xFF\xFF\0",
            b"\xFF\xD8\xFF\xDA\x00\x02\x12\x34\xFF\xD9",
            b"\xFF\xD8\xFF\xD9",
        ] {
            assert!(jpeg(bad).is_err(), "{bad:?}");
        }
        let mut png_bad = PNG_SIGNATURE.to_vec();
        png_bad.extend_from_slice(b"\0\0\0\x0DtEXt");
        assert!(png(&png_bad).is_err());
        assert!(png(PNG_SIGNATURE).is_err());
        assert!(webp(b"RIFF\x10\0\0\0WEBPVP8 \xFF\xFF\xFF\x0F").is_err());
        assert!(webp(b"RIFF\x0C\0\0\0WEBPEXIF\0\0\0\0").is_err());
    }

    #[test]
    fn webp_loses_exif_xmp_and_icc() {
        let chunk = |kind: &[u8], data: &[u8]| {
            let mut c = kind.to_vec();
            c.extend_from_slice(&u32::try_from(data.len()).unwrap().to_le_bytes());
            c.extend_from_slice(data);
            if data.len() % 2 == 1 {
                c.push(0);
            }
            c
        };
        let mut body = b"WEBP".to_vec();
        body.extend(chunk(b"VP8X", &[0x2C, 0, 0, 0, 9, 0, 0, 9, 0, 0]));
        body.extend(chunk(b"ICCP", b"hoso-icc"));
        body.extend(chunk(b"VP8L", b"/\x09\x40\x02pixels"));
        body.extend(chunk(b"EXIF", b"MM\0*GPS-secret"));
        body.extend(chunk(b"XMP ", b"<x:xmpmeta>secret</x:xmpmeta>"));
        let mut file = b"RIFF".to_vec();
        file.extend_from_slice(&u32::try_from(body.len()).unwrap().to_le_bytes());
        file.extend(body);
        let out = webp(&file).unwrap();
        let text = String::from_utf8_lossy(&out);
        assert!(
            !text.contains("secret") && !text.contains("hoso-icc"),
            "{text}"
        );
        assert!(text.contains("VP8L"));
        assert_eq!(out[20], 0, "the VP8X flags no longer announce metadata");
        let size = u32::from_le_bytes([out[4], out[5], out[6], out[7]]) as usize;
        assert_eq!(size + 8, out.len());
    }
}
