//! One photo as one page: fitted to A4 at a legible resolution (170 dpi by
//! default, never below 150), in grey with the levels stretched for a text
//! page when asked, re-encoded as a JPEG at the best quality that fits the
//! page's byte budget (never below 50, where small print starts to
//! smear). A page that cannot fit at the lowest legible resolution and
//! quality is refused, not made unreadable.

use crate::error::PhotoError;
use fast_image_resize::{FilterType, ResizeAlg, ResizeOptions, Resizer};
use image::codecs::jpeg::JpegEncoder;
use image::{DynamicImage, GrayImage};

/// A4, in millimetres.
const A4_MM: (f64, f64) = (210.0, 297.0);
/// The default resolution of a page, and the lowest that stays legible.
pub const DEFAULT_DPI: u32 = 170;
pub const MIN_DPI: u32 = 150;
/// JPEG qualities tried, best first; the last is the lowest legible.
const QUALITIES: [u8; 4] = [80, 70, 60, 50];

/// How to make the pages.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PageOptions {
    /// Pixels per inch on A4 (at least [`MIN_DPI`]).
    pub dpi: u32,
    /// Grey levels, stretched to black and white (text pages).
    pub grayscale: bool,
    /// The most one page's JPEG may take.
    pub max_bytes: u64,
}

/// One page made.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Page {
    pub jpeg: Vec<u8>,
    pub width: u32,
    pub height: u32,
    pub gray: bool,
    pub dpi: u32,
    pub quality: u8,
}

/// A4's long and short sides at `dpi`, in pixels.
pub(crate) fn a4_pixels(dpi: u32) -> (u32, u32) {
    let px = |mm: f64| (mm / 25.4 * f64::from(dpi)).round() as u32;
    (px(A4_MM.1), px(A4_MM.0))
}

/// `image` fitted inside A4 at `dpi`, long side to long side, never
/// enlarged (Catmull-Rom).
fn fitted(image: &DynamicImage, dpi: u32) -> Result<DynamicImage, PhotoError> {
    let (long, short) = a4_pixels(dpi);
    let (w, h) = (image.width(), image.height());
    let (box_w, box_h) = if w >= h { (long, short) } else { (short, long) };
    if w <= box_w && h <= box_h {
        return Ok(image.clone());
    }
    let scale = (f64::from(box_w) / f64::from(w)).min(f64::from(box_h) / f64::from(h));
    let side = |v: u32| ((f64::from(v) * scale).round() as u32).max(1);
    // Pixel layouts the resizer takes: 8-bit grey or RGB.
    let source = match image {
        DynamicImage::ImageLuma8(_) | DynamicImage::ImageRgb8(_) => None,
        other if other.color().has_color() => Some(DynamicImage::ImageRgb8(other.to_rgb8())),
        other => Some(DynamicImage::ImageLuma8(other.to_luma8())),
    };
    let source = source.as_ref().unwrap_or(image);
    let mut out = DynamicImage::new(side(w), side(h), source.color());
    Resizer::new()
        .resize(
            source,
            &mut out,
            &ResizeOptions::new().resize_alg(ResizeAlg::Convolution(FilterType::CatmullRom)),
        )
        .map_err(|e| PhotoError::Encode(e.to_string()))?;
    Ok(out)
}

/// Grey levels stretched so the darkest 1 % is black and the lightest 1 %
/// white (paper turns white, ink black); an image with little range is
/// left as it is.
fn stretched(image: &DynamicImage) -> GrayImage {
    let mut gray = image.to_luma8();
    let mut histogram = [0u64; 256];
    for p in gray.pixels() {
        histogram[usize::from(p.0[0])] += 1;
    }
    let total: u64 = histogram.iter().sum();
    let cut = total / 100;
    let level = |from_dark: bool| {
        let mut seen = 0;
        let order: Box<dyn Iterator<Item = usize>> = if from_dark {
            Box::new(0..256)
        } else {
            Box::new((0..256).rev())
        };
        for i in order {
            seen += histogram[i];
            if seen > cut {
                return i;
            }
        }
        if from_dark {
            0
        } else {
            255
        }
    };
    let (lo, hi) = (level(true), level(false));
    if hi <= lo + 32 {
        return gray;
    }
    let (lo, range) = (lo as f32, (hi - lo) as f32);
    let table: Vec<u8> = (0..256)
        .map(|v| ((v as f32 - lo) / range * 255.0).clamp(0.0, 255.0).round() as u8)
        .collect();
    for p in gray.pixels_mut() {
        p.0[0] = table[usize::from(p.0[0])];
    }
    gray
}

fn encode(image: &DynamicImage, quality: u8) -> Result<Vec<u8>, PhotoError> {
    let mut out = Vec::new();
    let encoder = JpegEncoder::new_with_quality(&mut out, quality);
    match image {
        DynamicImage::ImageLuma8(g) => g.write_with_encoder(encoder),
        other => other.to_rgb8().write_with_encoder(encoder),
    }
    .map_err(|e| PhotoError::Encode(e.to_string()))?;
    Ok(out)
}

/// Photo `page` (decoded) as a page within `options.max_bytes`.
pub(crate) fn render(
    image: &DynamicImage,
    options: &PageOptions,
    page: usize,
) -> Result<Page, PhotoError> {
    let mut smallest = u64::MAX;
    let mut resolutions = vec![options.dpi.max(MIN_DPI)];
    if options.dpi > MIN_DPI {
        resolutions.push(MIN_DPI);
    }
    for dpi in resolutions {
        let fit = fitted(image, dpi)?;
        let fit = if options.grayscale {
            DynamicImage::ImageLuma8(stretched(&fit))
        } else if fit.color().has_color() {
            fit
        } else {
            DynamicImage::ImageLuma8(fit.to_luma8())
        };
        for quality in QUALITIES {
            let jpeg = encode(&fit, quality)?;
            let bytes = jpeg.len() as u64;
            if bytes <= options.max_bytes {
                return Ok(Page {
                    jpeg,
                    width: fit.width(),
                    height: fit.height(),
                    gray: matches!(fit, DynamicImage::ImageLuma8(_)),
                    dpi,
                    quality,
                });
            }
            smallest = smallest.min(bytes);
        }
    }
    Err(PhotoError::OverBudget {
        page,
        bytes: smallest,
        budget: options.max_bytes,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use image::{Luma, Rgb, RgbImage};

    #[test]
    fn a4_at_170_and_150_dpi() {
        assert_eq!(a4_pixels(170), (1988, 1406));
        assert_eq!(a4_pixels(150), (1754, 1240));
    }

    #[test]
    fn pages_fit_a4_turned_to_the_photo_and_are_never_enlarged() {
        let wide = DynamicImage::ImageRgb8(RgbImage::from_pixel(4000, 3000, Rgb([200, 10, 10])));
        let size = |i: &DynamicImage| {
            let f = fitted(i, 170).unwrap();
            (f.width(), f.height())
        };
        assert_eq!(size(&wide), (1875, 1406));
        let tall = DynamicImage::ImageRgb8(RgbImage::from_pixel(3000, 4000, Rgb([1, 2, 3])));
        assert_eq!(size(&tall), (1406, 1875));
        let small = DynamicImage::ImageRgb8(RgbImage::from_pixel(640, 480, Rgb([1, 2, 3])));
        assert_eq!(size(&small), (640, 480));
    }

    #[test]
    fn grey_levels_are_stretched_to_black_and_white() {
        let mut g = GrayImage::from_pixel(100, 100, Luma([180]));
        for x in 0..100 {
            for y in 40..60 {
                g.put_pixel(x, y, Luma([90]));
            }
        }
        let s = stretched(&DynamicImage::ImageLuma8(g));
        assert_eq!(s.get_pixel(0, 0).0[0], 255);
        assert_eq!(s.get_pixel(0, 50).0[0], 0);
    }

    #[test]
    fn a_page_that_cannot_fit_is_refused() {
        // Noise does not compress: 1,000 bytes cannot hold it legibly.
        let mut seed = 1u32;
        let noisy = RgbImage::from_fn(1200, 1600, |_, _| {
            seed = seed.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
            let b = seed.to_be_bytes();
            Rgb([b[0], b[1], b[2]])
        });
        let options = PageOptions {
            dpi: DEFAULT_DPI,
            grayscale: false,
            max_bytes: 1_000,
        };
        match render(&DynamicImage::ImageRgb8(noisy), &options, 3) {
            Err(PhotoError::OverBudget {
                page: 3,
                bytes,
                budget: 1_000,
            }) => assert!(bytes > 1_000),
            other => panic!("{other:?}"),
        }
    }
}
