//! Which way up a photo is: the EXIF orientation tag read from a TIFF
//! block (phones store the sensor's rows and say how to turn them), and
//! the smallest EXIF block that says only that — what a cleaned JPEG or
//! PNG keeps, so it still shows the right way up and says nothing else.

use image::metadata::Orientation;

/// The orientation a TIFF block (EXIF without its `Exif\0\0` prefix) gives;
/// none, or one that cannot be read, is upright.
pub(crate) fn of_tiff(tiff: &[u8]) -> Orientation {
    Orientation::from_exif_chunk(tiff).unwrap_or(Orientation::NoTransforms)
}

/// A big-endian TIFF block with one IFD holding only the orientation tag
/// (0x0112, SHORT).
pub(crate) fn only(orientation: Orientation) -> Vec<u8> {
    let mut tiff = Vec::with_capacity(26);
    tiff.extend_from_slice(b"MM\0\x2A");
    tiff.extend_from_slice(&8u32.to_be_bytes());
    tiff.extend_from_slice(&1u16.to_be_bytes());
    tiff.extend_from_slice(&0x0112u16.to_be_bytes());
    tiff.extend_from_slice(&3u16.to_be_bytes());
    tiff.extend_from_slice(&1u32.to_be_bytes());
    tiff.extend_from_slice(&u16::from(orientation.to_exif()).to_be_bytes());
    tiff.extend_from_slice(&[0, 0]);
    tiff.extend_from_slice(&0u32.to_be_bytes());
    tiff
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_minimal_block_reads_back_and_damage_is_upright() {
        for o in [
            Orientation::NoTransforms,
            Orientation::Rotate90,
            Orientation::Rotate180,
            Orientation::Rotate270,
            Orientation::Rotate90FlipH,
        ] {
            assert_eq!(of_tiff(&only(o)), o);
        }
        assert_eq!(of_tiff(b""), Orientation::NoTransforms);
        assert_eq!(
            of_tiff(b"MM\0\x2A\xFF\xFF\xFF\xFF"),
            Orientation::NoTransforms
        );
        let mut wrong = only(Orientation::Rotate90);
        wrong[19] = 42;
        assert_eq!(of_tiff(&wrong), Orientation::NoTransforms);
    }
}
