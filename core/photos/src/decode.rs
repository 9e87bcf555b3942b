//! A photo decoded for a page, with bounded memory: a JPEG straight to
//! about the page's size, scaled in the DCT (jpeg-decoder), so a
//! 50-megapixel photo costs what its page costs; a PNG whole, up to a
//! pixel bound. The EXIF orientation is applied. The input is hostile:
//! the JPEG frame is checked before the decoder sees it (only 8-bit
//! Huffman-coded baseline, extended or progressive frames of 1, 3 or 4
//! components, which the decoder handles without its panicking paths), and
//! the decoder runs under a guard that turns any panic left into an error.

use crate::error::PhotoError;
use crate::kind::PhotoKind;
use crate::orientation;
use image::codecs::png::PngDecoder;
use image::{DynamicImage, GrayImage, ImageDecoder, Limits, RgbImage};
use std::io::Cursor;

/// The most pixels a JPEG photo may have (a 108-megapixel phone sensor).
pub const MAX_JPEG_PIXELS: u64 = 120_000_000;
/// A progressive JPEG keeps every coefficient of the full picture while it
/// decodes (2 bytes a sample): bounded lower.
pub const MAX_PROGRESSIVE_PIXELS: u64 = 24_000_000;
/// A PNG is decoded whole (4 bytes a pixel at most).
pub const MAX_PNG_PIXELS: u64 = 25_000_000;

/// What the frame header of a JPEG says.
struct Frame {
    width: u32,
    height: u32,
    progressive: bool,
}

/// Walks the segments to the frame header and checks it.
fn frame(bytes: &[u8], page: usize) -> Result<Frame, PhotoError> {
    let damaged = |reason: &str| PhotoError::Damaged {
        page,
        reason: reason.to_string(),
    };
    let mut at = 2;
    loop {
        if bytes.get(at) != Some(&0xFF) {
            return Err(damaged("no frame header"));
        }
        while bytes.get(at) == Some(&0xFF) {
            at += 1;
        }
        let marker = *bytes.get(at).ok_or_else(|| damaged("cut short"))?;
        at += 1;
        if matches!(marker, 0x01 | 0xD0..=0xD7) {
            continue;
        }
        if matches!(marker, 0xD8 | 0xD9 | 0xDA | 0x00) {
            return Err(damaged("no frame header before the image data"));
        }
        let length = bytes
            .get(at..at + 2)
            .map(|b| usize::from(u16::from_be_bytes([b[0], b[1]])))
            .filter(|&l| l >= 2)
            .ok_or_else(|| damaged("cut short"))?;
        let body = bytes
            .get(at + 2..at + length)
            .ok_or_else(|| damaged("cut short"))?;
        match marker {
            0xC0..=0xC2 => {
                let [precision, h1, h0, w1, w0, components, ..] = *body else {
                    return Err(damaged("a short frame header"));
                };
                if precision != 8 {
                    return Err(damaged("not 8 bits a sample"));
                }
                if !matches!(components, 1 | 3 | 4) {
                    return Err(damaged("an unusual number of colour components"));
                }
                let (width, height) = (
                    u32::from(u16::from_be_bytes([w1, w0])),
                    u32::from(u16::from_be_bytes([h1, h0])),
                );
                if width == 0 || height == 0 {
                    return Err(damaged("no size in the frame header"));
                }
                return Ok(Frame {
                    width,
                    height,
                    progressive: marker == 0xC2,
                });
            }
            0xC3 | 0xC5..=0xC7 | 0xC9..=0xCB | 0xCD..=0xCF => {
                return Err(damaged("a lossless, hierarchical or arithmetic-coded JPEG"));
            }
            _ => at += length,
        }
    }
}

/// Runs `f`, a decoder's work, turning a panic into an error.
fn guarded<T>(page: usize, f: impl FnOnce() -> Result<T, PhotoError>) -> Result<T, PhotoError> {
    std::panic::catch_unwind(std::panic::AssertUnwindSafe(f)).unwrap_or_else(|_| {
        Err(PhotoError::Damaged {
            page,
            reason: "the decoder stopped".into(),
        })
    })
}

/// Decodes photo `page` (`bytes` of `kind`), the right way up, scaled in
/// the decoder to no less than `fit` (the page's sides in pixels, either
/// way round) where the format allows.
pub(crate) fn decode(
    bytes: &[u8],
    kind: PhotoKind,
    fit: (u32, u32),
    page: usize,
) -> Result<DynamicImage, PhotoError> {
    match kind {
        PhotoKind::Heic => Err(PhotoError::Heic { page }),
        PhotoKind::Webp => Err(PhotoError::NotAPhoto { page }),
        PhotoKind::Jpeg => jpeg(bytes, fit, page),
        PhotoKind::Png => png(bytes, page),
    }
}

fn jpeg(bytes: &[u8], fit: (u32, u32), page: usize) -> Result<DynamicImage, PhotoError> {
    let frame = frame(bytes, page)?;
    let pixels = u64::from(frame.width) * u64::from(frame.height);
    let max = if frame.progressive {
        MAX_PROGRESSIVE_PIXELS
    } else {
        MAX_JPEG_PIXELS
    };
    if pixels > max {
        return Err(PhotoError::TooLarge { page, pixels, max });
    }
    guarded(page, || {
        let damaged = |e: jpeg_decoder::Error| PhotoError::Damaged {
            page,
            reason: e.to_string(),
        };
        let mut decoder = jpeg_decoder::Decoder::new(Cursor::new(bytes));
        decoder.read_info().map_err(damaged)?;
        let request = scaled_request(frame.width, frame.height, fit);
        let (out_w, out_h) = decoder.scale(request.0, request.1).map_err(damaged)?;
        let samples = decoder.decode().map_err(damaged)?;
        let info = decoder.info().ok_or_else(|| PhotoError::Damaged {
            page,
            reason: "no frame".into(),
        })?;
        let exif = orientation::of_tiff(decoder.exif_data().unwrap_or(&[]));
        let (width, height) = (u32::from(out_w), u32::from(out_h));
        let bad_size = || PhotoError::Damaged {
            page,
            reason: "fewer samples than the frame says".into(),
        };
        let mut image = match info.pixel_format {
            jpeg_decoder::PixelFormat::L8 => DynamicImage::ImageLuma8(
                GrayImage::from_raw(width, height, samples).ok_or_else(bad_size)?,
            ),
            jpeg_decoder::PixelFormat::RGB24 => DynamicImage::ImageRgb8(
                RgbImage::from_raw(width, height, samples).ok_or_else(bad_size)?,
            ),
            jpeg_decoder::PixelFormat::CMYK32 => {
                let rgb: Vec<u8> = samples
                    .chunks_exact(4)
                    .flat_map(|p| {
                        let k = u16::from(p[3]);
                        [p[0], p[1], p[2]].map(|c| ((u16::from(c) * k) / 255) as u8)
                    })
                    .collect();
                DynamicImage::ImageRgb8(
                    RgbImage::from_raw(width, height, rgb).ok_or_else(bad_size)?,
                )
            }
            jpeg_decoder::PixelFormat::L16 => {
                return Err(PhotoError::Damaged {
                    page,
                    reason: "not 8 bits a sample".into(),
                })
            }
        };
        image.apply_orientation(exif);
        Ok(image)
    })
}

/// The size to ask the decoder for: the picture scaled to fit inside
/// `fit`, long side to long side (the page is turned to the picture, so
/// which way up it is does not matter), never above its own size, in the
/// decoder's 16-bit sizes. The decoder gives at least this.
fn scaled_request(width: u32, height: u32, fit: (u32, u32)) -> (u16, u16) {
    let (long, short) = (width.max(height), width.min(height));
    let (fit_long, fit_short) = (fit.0.max(fit.1), fit.0.min(fit.1));
    let scale = (f64::from(fit_long) / f64::from(long))
        .min(f64::from(fit_short) / f64::from(short))
        .min(1.0);
    let side = |v: u32| ((f64::from(v) * scale).ceil() as u32).clamp(1, u32::from(u16::MAX)) as u16;
    (side(width), side(height))
}

fn png(bytes: &[u8], page: usize) -> Result<DynamicImage, PhotoError> {
    let damaged = |e: image::ImageError| PhotoError::Damaged {
        page,
        reason: e.to_string(),
    };
    guarded(page, || {
        let mut decoder = PngDecoder::new(Cursor::new(bytes)).map_err(damaged)?;
        let (width, height) = decoder.dimensions();
        let pixels = u64::from(width) * u64::from(height);
        if pixels > MAX_PNG_PIXELS {
            return Err(PhotoError::TooLarge {
                page,
                pixels,
                max: MAX_PNG_PIXELS,
            });
        }
        let mut limits = Limits::default();
        limits.max_alloc = Some(MAX_PNG_PIXELS * 8);
        decoder.set_limits(limits).map_err(damaged)?;
        let upright = decoder.orientation().map_err(damaged)?;
        let mut image = DynamicImage::from_decoder(decoder).map_err(damaged)?;
        image.apply_orientation(upright);
        Ok(image)
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_request_fits_the_page_and_never_grows_the_photo() {
        assert_eq!(scaled_request(4000, 3000, (1406, 1988)), (1875, 1406));
        assert_eq!(scaled_request(3000, 4000, (1406, 1988)), (1406, 1875));
        assert_eq!(scaled_request(4000, 1000, (1406, 1988)), (1988, 497));
        assert_eq!(scaled_request(800, 600, (1406, 1988)), (800, 600));
    }

    #[test]
    fn frames_the_decoder_cannot_take_are_refused_first() {
        // SOI, then a lossless frame (SOF3).
        let lossless = b"\xFF\xD8\xFF\xC3\x00\x0B\x08\x00\x10\x00\x10\x01\x01\x11\x00";
        assert!(matches!(
            frame(lossless, 1),
            Err(PhotoError::Damaged { .. })
        ));
        // Two components: jpeg-decoder would panic on them.
        let two = b"\xFF\xD8\xFF\xC0\x00\x0E\x08\x00\x10\x00\x10\x02\x01\x11\x00\x02\x11\x00";
        assert!(matches!(frame(two, 1), Err(PhotoError::Damaged { .. })));
        let twelve = b"\xFF\xD8\xFF\xC1\x00\x0B\x0C\x00\x10\x00\x10\x01\x01\x11\x00";
        assert!(matches!(frame(twelve, 1), Err(PhotoError::Damaged { .. })));
        assert!(matches!(
            frame(b"\xFF\xD8", 1),
            Err(PhotoError::Damaged { .. })
        ));
    }
}
