//! Several photos as one document for a slot: each decoded in turn (one
//! at a time, so memory holds one photo and the pages made), made a page
//! within its share of the budget, then all written as one PDF; progress
//! reported page by page. Nothing is written anywhere: the caller stores
//! the PDF.

use crate::decode;
use crate::error::PhotoError;
use crate::kind::{sniff, PhotoKind};
use crate::page::{self, PageOptions, DEFAULT_DPI, MIN_DPI};
use crate::pdf;

/// The most photos one document takes.
pub const MAX_PHOTOS: usize = 50;
/// The most bytes one photo file may have.
pub const MAX_PHOTO_BYTES: u64 = 64 * 1024 * 1024;
/// A page's budget when the caller sets none: about what a legible A4
/// colour page takes.
pub const DEFAULT_PAGE_BYTES: u64 = 1024 * 1024;
/// Below this a page cannot hold legible print.
const MIN_PAGE_BYTES: u64 = 24 * 1024;
/// What the PDF around the pictures takes, per page and in all.
const PDF_BYTES_PER_PAGE: u64 = 400;
const PDF_BYTES: u64 = 1_000;

/// How to make a document of photos.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DocumentOptions {
    /// Grey levels stretched for text pages (smaller, sharper print).
    pub grayscale: bool,
    /// The most the whole PDF may take (the slot's limit, or what the
    /// user set); each page gets its share, and never more than
    /// [`DEFAULT_PAGE_BYTES`] (what it gets with `None`).
    pub max_bytes: Option<u64>,
    /// Pixels per inch on A4 ([`DEFAULT_DPI`]; at least [`MIN_DPI`]).
    pub dpi: u32,
}

impl Default for DocumentOptions {
    fn default() -> Self {
        DocumentOptions {
            grayscale: false,
            max_bytes: None,
            dpi: DEFAULT_DPI,
        }
    }
}

/// How one page came out.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct PageReport {
    pub width: u32,
    pub height: u32,
    pub dpi: u32,
    /// The JPEG quality used (50–80).
    pub quality: u8,
    /// The page picture's bytes.
    pub bytes: u64,
    pub gray: bool,
}

/// The document made.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Document {
    pub pdf: Vec<u8>,
    pub pages: Vec<PageReport>,
}

/// Each page's budget for `pages` pages.
fn page_budget(options: &DocumentOptions, pages: usize) -> Result<u64, PhotoError> {
    let Some(total) = options.max_bytes else {
        return Ok(DEFAULT_PAGE_BYTES);
    };
    let n = pages as u64;
    let share = total
        .checked_sub(PDF_BYTES)
        .and_then(|left| left.checked_sub(PDF_BYTES_PER_PAGE.saturating_mul(n)))
        .map(|left| left / n.max(1))
        .unwrap_or(0)
        .min(DEFAULT_PAGE_BYTES);
    if share < MIN_PAGE_BYTES {
        return Err(PhotoError::BudgetTooSmall {
            budget: total,
            pages,
        });
    }
    Ok(share)
}

/// The photos (file contents, in page order) as one PDF; `progress` hears
/// `(pages done, pages)` after each.
pub fn from_photos(
    photos: &[&[u8]],
    options: &DocumentOptions,
    progress: &mut dyn FnMut(usize, usize),
) -> Result<Document, PhotoError> {
    if photos.is_empty() {
        return Err(PhotoError::NoPhotos);
    }
    if photos.len() > MAX_PHOTOS {
        return Err(PhotoError::TooManyPhotos {
            count: photos.len(),
            max: MAX_PHOTOS,
        });
    }
    // Every file is looked at before any work: a wrong one fails at once.
    let mut kinds = Vec::with_capacity(photos.len());
    for (i, bytes) in photos.iter().enumerate() {
        let page = i + 1;
        if bytes.len() as u64 > MAX_PHOTO_BYTES {
            return Err(PhotoError::FileTooLarge {
                page,
                bytes: bytes.len() as u64,
                max: MAX_PHOTO_BYTES,
            });
        }
        match sniff(bytes) {
            Some(PhotoKind::Heic) => return Err(PhotoError::Heic { page }),
            Some(kind) => kinds.push(kind),
            None => return Err(PhotoError::NotAPhoto { page }),
        }
    }
    let page_options = PageOptions {
        dpi: options.dpi.max(MIN_DPI),
        grayscale: options.grayscale,
        max_bytes: page_budget(options, photos.len())?,
    };
    let fit = page::a4_pixels(page_options.dpi);
    let mut pages = Vec::with_capacity(photos.len());
    for (i, (bytes, kind)) in photos.iter().zip(kinds).enumerate() {
        let image = decode::decode(bytes, kind, fit, i + 1)?;
        pages.push(page::render(&image, &page_options, i + 1)?);
        drop(image);
        progress(i + 1, photos.len());
    }
    let reports = pages
        .iter()
        .map(|p| PageReport {
            width: p.width,
            height: p.height,
            dpi: p.dpi,
            quality: p.quality,
            bytes: p.jpeg.len() as u64,
            gray: p.gray,
        })
        .collect();
    Ok(Document {
        pdf: pdf::write(&pages),
        pages: reports,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_budget_is_shared_and_too_small_is_said() {
        let options = |max| DocumentOptions {
            max_bytes: Some(max),
            ..DocumentOptions::default()
        };
        assert_eq!(
            page_budget(&DocumentOptions::default(), 5),
            Ok(DEFAULT_PAGE_BYTES)
        );
        assert_eq!(page_budget(&options(2_000_000), 4), Ok(499_350));
        // Never more than a page's default, however large the limit.
        assert_eq!(page_budget(&options(10_000_000), 2), Ok(DEFAULT_PAGE_BYTES));
        assert!(matches!(
            page_budget(&options(50_000), 5),
            Err(PhotoError::BudgetTooSmall { .. })
        ));
        assert!(matches!(
            page_budget(&options(0), 1),
            Err(PhotoError::BudgetTooSmall { .. })
        ));
    }
}
