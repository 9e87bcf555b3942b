//! Receipt QR codes as pictures: drawn at error correction level M as PNG,
//! SVG or terminal text (`qrcode`), and read back from a photo or a
//! screenshot (PNG or JPEG, decoded by `image`, located and read by `rqrr`).
//! Reading bounds the picture's size and memory before decoding it, scales
//! big photos down, and also tries the picture inverted (a light-on-dark code
//! drawn in a terminal).

use hoso_store::error::{Classified, ErrorKind};
use hoso_store::limits::{self, LimitError};
use image::{DynamicImage, GrayImage, ImageFormat, ImageReader, Limits};
use qrcode::render::{svg, unicode::Dense1x2};
use qrcode::{EcLevel, QrCode};
use serde::Serialize;
use std::io::{BufRead, BufReader, Cursor, Seek};

/// Larger sides are scaled down to this before searching for codes (a QR
/// on a receipt photo keeps several pixels per module at this size).
const SEARCH_SIDE: u32 = 1_600;

/// Why a QR could not be drawn or read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum QrImageError {
    #[error("nội dung quá dài để vẽ mã QR / the text is too long for a QR code")]
    TooLong,
    #[error("không đọc được ảnh (chỉ nhận PNG hoặc JPEG): {0} / cannot read the picture (PNG or JPEG only): {0}")]
    BadImage(String),
    #[error("ảnh quá lớn ({0}) / the picture is too large ({0})")]
    TooLarge(String),
    #[error(
        "không tìm thấy mã QR nào đọc được trong ảnh / no readable QR code found in the picture"
    )]
    NoCode,
    #[error("không ghi được ảnh PNG / cannot write the PNG: {0}")]
    Encode(String),
    #[error("không đọc được tệp ảnh / cannot read the picture file: {0}")]
    Io(String),
    #[error("tệp ảnh không phải là tệp thông thường / the picture is not a regular file")]
    NotAFile,
}

impl QrImageError {
    /// A stable machine code for the error.
    pub fn code(&self) -> &'static str {
        match self {
            QrImageError::TooLong => "qr_too_long",
            QrImageError::BadImage(_) => "bad_image",
            QrImageError::TooLarge(_) => "image_too_large",
            QrImageError::NoCode => "no_qr_found",
            QrImageError::Encode(_) | QrImageError::Io(_) => "io",
            QrImageError::NotAFile => "not_a_file",
        }
    }
}

impl Classified for QrImageError {
    fn kind(&self) -> ErrorKind {
        match self {
            QrImageError::TooLong
            | QrImageError::BadImage(_)
            | QrImageError::TooLarge(_)
            | QrImageError::NoCode => ErrorKind::Receipt,
            QrImageError::Encode(_) | QrImageError::Io(_) | QrImageError::NotAFile => {
                ErrorKind::InvalidInput
            }
        }
    }

    fn error_code(&self) -> &'static str {
        self.code()
    }
}

/// The shape of a drawn code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct QrShape {
    /// QR version (1–40); a printed receipt must stay at 10 or lower.
    pub version: i16,
    /// Modules per side, without the quiet zone.
    pub modules: usize,
    pub error_correction: &'static str,
}

fn code(text: &str) -> Result<QrCode, QrImageError> {
    QrCode::with_error_correction_level(text.as_bytes(), EcLevel::M)
        .map_err(|_| QrImageError::TooLong)
}

/// The version and size `text` is drawn at.
pub fn shape(text: &str) -> Result<QrShape, QrImageError> {
    let code = code(text)?;
    let version = match code.version() {
        qrcode::Version::Normal(v) | qrcode::Version::Micro(v) => v,
    };
    Ok(QrShape {
        version,
        modules: code.width(),
        error_correction: "M",
    })
}

/// A PNG, `module_px` pixels per module (at least 1), quiet zone included.
pub fn png(text: &str, module_px: u32) -> Result<Vec<u8>, QrImageError> {
    let px = module_px.clamp(1, 64);
    let picture = code(text)?
        .render::<image::Luma<u8>>()
        .module_dimensions(px, px)
        .quiet_zone(true)
        .build();
    let mut out = Cursor::new(Vec::new());
    DynamicImage::ImageLuma8(picture)
        .write_to(&mut out, ImageFormat::Png)
        .map_err(|e| QrImageError::Encode(e.to_string()))?;
    Ok(out.into_inner())
}

/// An SVG document (dark modules on white), at least 256 px square.
pub fn svg(text: &str) -> Result<String, QrImageError> {
    Ok(code(text)?
        .render::<svg::Color<'_>>()
        .min_dimensions(256, 256)
        .quiet_zone(true)
        .build())
}

/// Terminal text, two module rows per line, drawn for a dark background
/// (as `qrencode -t UTF8`): light modules are blocks.
pub fn terminal(text: &str) -> Result<String, QrImageError> {
    Ok(code(text)?
        .render::<Dense1x2>()
        .dark_color(Dense1x2::Light)
        .light_color(Dense1x2::Dark)
        .quiet_zone(true)
        .build())
}

/// Decodes a PNG or JPEG within the picture limits: its sides are checked
/// from the header before any pixel is decoded, and the decoder's memory is
/// capped ([`limits::PICTURE_DECODE_BYTES`]).
fn load(source: impl BufRead + Seek) -> Result<GrayImage, QrImageError> {
    let mut reader = ImageReader::new(source)
        .with_guessed_format()
        .map_err(|e| QrImageError::BadImage(e.to_string()))?;
    if !matches!(
        reader.format(),
        Some(ImageFormat::Png) | Some(ImageFormat::Jpeg)
    ) {
        return Err(QrImageError::BadImage("format".into()));
    }
    let mut limits = Limits::default();
    limits.max_image_width = Some(limits::PICTURE_SIDE_MAX);
    limits.max_image_height = Some(limits::PICTURE_SIDE_MAX);
    limits.max_alloc = Some(limits::PICTURE_DECODE_BYTES);
    reader.limits(limits);
    let picture = reader.decode().map_err(|e| match e {
        image::ImageError::Limits(l) => QrImageError::TooLarge(l.to_string()),
        other => QrImageError::BadImage(other.to_string()),
    })?;
    Ok(picture.into_luma8())
}

fn search(picture: &GrayImage) -> Vec<String> {
    let (w, h) = (picture.width() as usize, picture.height() as usize);
    let mut prepared =
        rqrr::PreparedImage::prepare_from_greyscale(w, h, |x, y| picture.as_raw()[y * w + x]);
    prepared
        .detect_grids()
        .into_iter()
        .filter_map(|grid| grid.decode().ok().map(|(_, text)| text))
        .collect()
}

/// Every QR text found in a PNG or JPEG file (a regular file of at most
/// [`limits::PICTURE_BYTES`]), hoso receipts first. The file is decoded as
/// it is read, not loaded whole first.
pub fn read_file(path: &std::path::Path) -> Result<Vec<String>, QrImageError> {
    let file = limits::open_regular(path, limits::PICTURE).map_err(from_limit)?;
    let size = file
        .metadata()
        .map_err(|e| QrImageError::Io(e.to_string()))?
        .len();
    if size > limits::PICTURE_BYTES {
        return Err(from_limit(LimitError::TooLarge {
            what: limits::PICTURE,
            limit: limits::PICTURE_BYTES,
        }));
    }
    // A file that grows after the check is still decoded within the
    // decoder's limits; only its header and pixels are read.
    search_picture(load(BufReader::new(file))?)
}

fn from_limit(e: LimitError) -> QrImageError {
    match e {
        LimitError::NotAFile { .. } => QrImageError::NotAFile,
        LimitError::TooLarge { limit, .. } => QrImageError::TooLarge(format!("> {limit} bytes")),
        LimitError::Io { source, .. } => QrImageError::Io(source.to_string()),
    }
}

/// Every QR text found in a PNG or JPEG picture, hoso receipts first (a
/// photo of a paper receipt may also catch the agency's other codes).
pub fn read(bytes: &[u8]) -> Result<Vec<String>, QrImageError> {
    if u64::try_from(bytes.len()).unwrap_or(u64::MAX) > limits::PICTURE_BYTES {
        return Err(from_limit(LimitError::TooLarge {
            what: limits::PICTURE,
            limit: limits::PICTURE_BYTES,
        }));
    }
    search_picture(load(Cursor::new(bytes))?)
}

fn search_picture(mut picture: GrayImage) -> Result<Vec<String>, QrImageError> {
    let side = picture.width().max(picture.height());
    if side > SEARCH_SIDE {
        let scale = f64::from(SEARCH_SIDE) / f64::from(side);
        let w = ((f64::from(picture.width()) * scale) as u32).max(1);
        let h = ((f64::from(picture.height()) * scale) as u32).max(1);
        picture = image::imageops::resize(&picture, w, h, image::imageops::FilterType::Triangle);
    }
    // The locator is third-party code fed untrusted pictures: a panic in it
    // is a picture without a readable code, never a crash.
    let found = std::panic::catch_unwind(move || {
        let texts = search(&picture);
        if !texts.is_empty() {
            return texts;
        }
        image::imageops::invert(&mut picture);
        search(&picture)
    })
    .unwrap_or_default();
    if found.is_empty() {
        return Err(QrImageError::NoCode);
    }
    let mut found = found;
    found.sort_by_key(|t| !t.starts_with(super::format::QR_PREFIX));
    Ok(found)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::receipt::test_support::{sample, test_pair};

    #[test]
    fn a_receipt_fits_version_10_at_level_m() {
        let text = sample(&test_pair(), "portal-2026-11").qr_text().unwrap();
        let s = shape(&text).unwrap();
        assert!(s.version <= 10, "version {}", s.version);
        assert_eq!(s.modules, 17 + 4 * s.version as usize);
        assert_eq!(s.error_correction, "M");
    }

    #[test]
    fn png_round_trip_and_inverted() {
        let text = sample(&test_pair(), "portal-2026-11").qr_text().unwrap();
        let bytes = png(&text, 4).unwrap();
        assert_eq!(&bytes[1..4], b"PNG");
        assert_eq!(read(&bytes).unwrap(), vec![text.clone()]);
        // Light on dark, as drawn for a terminal.
        let mut picture = load(Cursor::new(&bytes)).unwrap();
        image::imageops::invert(&mut picture);
        let mut inverted = Cursor::new(Vec::new());
        DynamicImage::ImageLuma8(picture)
            .write_to(&mut inverted, ImageFormat::Png)
            .unwrap();
        assert_eq!(read(&inverted.into_inner()).unwrap(), vec![text]);
    }

    #[test]
    fn a_receipt_comes_first_among_several_codes() {
        let receipt = sample(&test_pair(), "portal-2026-11").qr_text().unwrap();
        let other = "https://dichvucong.gov.vn/p/home/dvc-trang-chu.html";
        let left = load(Cursor::new(png(other, 4).unwrap())).unwrap();
        let right = load(Cursor::new(png(&receipt, 4).unwrap())).unwrap();
        let mut both = GrayImage::from_pixel(
            left.width() + right.width(),
            left.height().max(right.height()),
            image::Luma([255]),
        );
        image::imageops::replace(&mut both, &left, 0, 0);
        image::imageops::replace(&mut both, &right, i64::from(left.width()), 0);
        let mut bytes = Cursor::new(Vec::new());
        DynamicImage::ImageLuma8(both)
            .write_to(&mut bytes, ImageFormat::Png)
            .unwrap();
        let texts = read(&bytes.into_inner()).unwrap();
        assert_eq!(texts.len(), 2, "{texts:?}");
        assert_eq!(texts[0], receipt);
        assert_eq!(texts[1], other);
    }

    #[test]
    fn svg_and_terminal_are_drawn() {
        let text = sample(&test_pair(), "portal-2026-11").qr_text().unwrap();
        let doc = svg(&text).unwrap();
        assert!(doc.contains("<svg") && doc.contains("</svg>"));
        let lines = terminal(&text).unwrap();
        let modules = shape(&text).unwrap().modules + 8;
        assert_eq!(lines.lines().count(), modules.div_ceil(2));
    }

    #[test]
    fn junk_pictures_are_typed_errors() {
        assert!(matches!(read(b""), Err(QrImageError::BadImage(_))));
        assert!(matches!(
            read(b"GIF89a...."),
            Err(QrImageError::BadImage(_))
        ));
        let mut png_head = png("x", 2).unwrap();
        png_head.truncate(60);
        assert!(matches!(read(&png_head), Err(QrImageError::BadImage(_))));
        let blank = GrayImage::from_pixel(64, 64, image::Luma([255]));
        let mut out = Cursor::new(Vec::new());
        DynamicImage::ImageLuma8(blank)
            .write_to(&mut out, ImageFormat::Png)
            .unwrap();
        assert_eq!(read(&out.into_inner()), Err(QrImageError::NoCode));
        assert_eq!(png(&"9".repeat(8000), 1), Err(QrImageError::TooLong));
    }
}
