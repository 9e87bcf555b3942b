//! Fuzzes what a photo goes through (issue #24, `hoso_core::photos`): the
//! lossless metadata cleaner and the photo-to-PDF pipeline, on bytes from
//! anyone's camera roll.
//!
//! Besides "no panic" it checks:
//!
//! * every refusal is a typed error with a code and both messages;
//! * a cleaned file is cleaned again to itself (nothing left to take out)
//!   and is no more than a fresh orientation block larger than what came in;
//! * a document made of the input has one page, a PDF header, and a page
//!   within the budget it was given.

#![no_main]

use hoso_core::error::Classified;
use hoso_core::photos::{clean, from_photos, DocumentOptions};
use libfuzzer_sys::fuzz_target;

fn typed(err: &hoso_core::photos::PhotoError) {
    assert!(!err.code().is_empty());
    let (vi, en) = err.messages();
    assert!(!vi.is_empty() && !en.is_empty(), "{err}");
}

fuzz_target!(|data: &[u8]| {
    match clean(data, 1) {
        Err(e) => typed(&e),
        Ok(None) => {}
        Ok(Some(cleaned)) => {
            assert!(cleaned.len() <= data.len() + 64, "{} > {}", cleaned.len(), data.len());
            assert_eq!(clean(&cleaned, 1), Ok(Some(cleaned.clone())));
        }
    }
    let options = DocumentOptions {
        max_bytes: Some(200_000),
        ..DocumentOptions::default()
    };
    match from_photos(&[data], &options, &mut |_, _| {}) {
        Err(e) => typed(&e),
        Ok(doc) => {
            assert!(doc.pdf.starts_with(b"%PDF-"));
            assert_eq!(doc.pages.len(), 1);
            assert!(doc.pages[0].bytes <= 200_000);
        }
    }
});
