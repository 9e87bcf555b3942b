//! hoso-photos: documents from the phone's camera (issue #24), with no
//! storage and no network:
//!
//! - [`from_photos`]: one or more photos (JPEG, PNG; HEIC refused with the
//!   advice to convert) made one compact PDF for a document slot — the
//!   EXIF orientation applied, each page fitted to A4 at a legible
//!   resolution, optionally in grey levels stretched for text, re-encoded
//!   at the best JPEG quality that fits its share of the budget, in the
//!   order given; a page that cannot fit legibly is refused;
//! - [`clean`]: a JPEG, PNG or WebP attached as it is, without its
//!   metadata (EXIF with the GPS position, XMP, ICC, text, appended
//!   pictures), losslessly, keeping only its orientation.
//!
//! Memory follows the pages, not the photos: a JPEG is decoded straight to
//! about its page's size. Every input is hostile: typed errors
//! ([`PhotoError`]), no panic.

mod decode;
mod document;
mod error;
mod kind;
mod orientation;
mod page;
mod pdf;
mod strip;

pub use decode::{MAX_JPEG_PIXELS, MAX_PNG_PIXELS, MAX_PROGRESSIVE_PIXELS};
pub use document::{
    from_photos, Document, DocumentOptions, PageReport, DEFAULT_PAGE_BYTES, MAX_PHOTOS,
    MAX_PHOTO_BYTES,
};
pub use error::PhotoError;
pub use kind::{sniff, PhotoKind};
pub use page::{DEFAULT_DPI, MIN_DPI};

/// `bytes` (file `page` of what was given) without metadata when it is a
/// JPEG, PNG or WebP; HEIC is refused (its metadata cannot be taken out
/// without a HEIF library); `None` for anything else (a PDF is attached
/// as it is).
pub fn clean(bytes: &[u8], page: usize) -> Result<Option<Vec<u8>>, PhotoError> {
    let damaged = |strip::StripError::Damaged(reason)| PhotoError::Damaged {
        page,
        reason: reason.to_string(),
    };
    match sniff(bytes) {
        Some(PhotoKind::Jpeg) => strip::jpeg(bytes).map(Some).map_err(damaged),
        Some(PhotoKind::Png) => strip::png(bytes).map(Some).map_err(damaged),
        Some(PhotoKind::Webp) => strip::webp(bytes).map(Some).map_err(damaged),
        Some(PhotoKind::Heic) => Err(PhotoError::Heic { page }),
        None => Ok(None),
    }
}
