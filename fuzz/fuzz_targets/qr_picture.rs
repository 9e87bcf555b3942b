//! Fuzzes reading QR codes from pictures (issue #7):
//! `hoso_core::receipt::image::read` (PNG or JPEG decoded by `image`, size-
//! and memory-bounded, codes located and read by `rqrr`). Arbitrary bytes
//! must give a typed error or the texts found, never a panic or an
//! allocation past libFuzzer's limit; a picture that reads gives at least
//! one text, and every text it gives goes through `scan` without a panic.
//!
//! `image::read` deliberately catches a panic in the third-party QR locator
//! (`rqrr`, whose `assert!`s on out-of-range geometry fuzzed pictures hit
//! often) and answers "no code". libFuzzer's panic hook would abort the
//! process before that `catch_unwind` runs, so this target replaces it with
//! Rust's default hook, silent for panics raised inside rqrr: a panic
//! anywhere else is printed and still unwinds to libfuzzer-sys, which aborts
//! and reports it as a crash.
//!
//! Slow per input (whole-picture decoding); not run in CI (see README.md).

#![no_main]

use hoso_core::receipt::image::{read, QrImageError};
use hoso_core::receipt::scan::scan;
use libfuzzer_sys::fuzz_target;
use std::sync::Once;

fuzz_target!(|data: &[u8]| {
    static HOOK: Once = Once::new();
    HOOK.call_once(|| {
        // Drop libfuzzer-sys's aborting hook (see the module doc); the
        // default one is installed in its place.
        drop(std::panic::take_hook());
        let default = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            let in_rqrr = info.location().is_some_and(|l| l.file().contains("rqrr-"));
            if !in_rqrr {
                default(info);
            }
        }));
    });
    match read(data) {
        Ok(texts) => {
            assert!(!texts.is_empty(), "read gave Ok with no text");
            for text in &texts {
                let _ = scan(text);
            }
        }
        Err(QrImageError::BadImage(_) | QrImageError::TooLarge(_) | QrImageError::NoCode) => {}
        Err(other) => panic!("read answered a drawing error: {other:?}"),
    }
});
