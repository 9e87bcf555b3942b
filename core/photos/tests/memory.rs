//! The memory a 50-megapixel photo costs, alone in its test binary so the
//! heap counted is its own.

use hoso_photos::{from_photos, DocumentOptions};
use image::codecs::jpeg::JpegEncoder;
use image::{Rgb, RgbImage};
use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};

/// Counts the heap: what is in use, and the most since the last reset.
struct Counting;

static IN_USE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let p = unsafe { System.alloc(layout) };
        if !p.is_null() {
            let now = IN_USE.fetch_add(layout.size(), Ordering::Relaxed) + layout.size();
            PEAK.fetch_max(now, Ordering::Relaxed);
        }
        p
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) };
        IN_USE.fetch_sub(layout.size(), Ordering::Relaxed);
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

#[test]
fn a_50_megapixel_photo_costs_what_its_page_costs() {
    let (w, h) = (8_660u32, 5_774u32);
    let picture = RgbImage::from_fn(w, h, |x, y| {
        if (x / 64 + y / 64) % 2 == 0 {
            Rgb([30, 30, 30])
        } else {
            Rgb([235, 235, 235])
        }
    });
    let mut photo = Vec::new();
    picture
        .write_with_encoder(JpegEncoder::new_with_quality(&mut photo, 85))
        .unwrap();
    drop(picture);
    let before = IN_USE.load(Ordering::Relaxed);
    PEAK.store(before, Ordering::Relaxed);
    let doc = from_photos(&[&photo], &DocumentOptions::default(), &mut |_, _| {}).unwrap();
    let peak = PEAK.load(Ordering::Relaxed) - before;
    // Decoded whole it would take 150 MB (3 bytes a pixel). Scaled in the
    // decoder to 1/4 (2,165 × 1,444) its colour planes and pixels take
    // about 19 MB, the page 8 MB more: 27 MB measured.
    assert!(peak < 32 * 1024 * 1024, "peak {} MB", peak / (1024 * 1024));
    assert_eq!((doc.pages[0].width, doc.pages[0].height), (1988, 1326));
}
