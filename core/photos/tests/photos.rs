//! Photos to a document and metadata out of attachments, as a phone makes
//! them: camera-like JPEGs carrying EXIF (the phone's make and serial, a
//! GPS position, a maker note), XMP, an ICC profile, a comment and an
//! orientation; PNGs with text, eXIf and iCCP chunks; damaged and
//! truncated files (the memory a 50-megapixel photo costs is in
//! `memory.rs`, a test binary of its own).

use hoso_photos::{clean, from_photos, DocumentOptions, PhotoError};
use image::codecs::jpeg::JpegEncoder;
use image::{GenericImageView, Rgb, RgbImage};

/// What must never come out: each is planted in a photo's metadata.
const SECRETS: [&[u8]; 7] = [
    b"HosoPhone-SN-4417",
    b"GPS-21.0285N-105.8542E",
    b"MAKERNOTE-hoso",
    b"hoso-xmp-packet",
    b"hoso-icc-profile",
    b"hoso-comment",
    b"hoso-png-text",
];

/// A TIFF block (big-endian): IFD0 with Make, Orientation and a pointer to
/// a GPS IFD holding a map datum; a maker note in an Exif IFD.
fn exif(orientation: u16) -> Vec<u8> {
    let make = b"HosoPhone-SN-4417\0";
    let datum = b"GPS-21.0285N-105.8542E\0";
    let note = b"MAKERNOTE-hoso\0";
    // Layout: header 8, IFD0 (4 entries) at 8, GPS IFD (1 entry) after it,
    // Exif IFD (1 entry) after that, then the strings.
    let ifd0 = 8u32;
    let ifd0_len = 2 + 4 * 12 + 4;
    let gps = ifd0 + ifd0_len;
    let gps_len = 2 + 12 + 4;
    let exif_ifd = gps + gps_len;
    let exif_len = 2 + 12 + 4;
    let strings = exif_ifd + exif_len;
    let (make_at, datum_at) = (strings, strings + make.len() as u32);
    let note_at = datum_at + datum.len() as u32;
    let mut t = b"MM\0\x2A".to_vec();
    t.extend(ifd0.to_be_bytes());
    let entry = |t: &mut Vec<u8>, tag: u16, kind: u16, count: u32, value: u32| {
        t.extend(tag.to_be_bytes());
        t.extend(kind.to_be_bytes());
        t.extend(count.to_be_bytes());
        t.extend(value.to_be_bytes());
    };
    t.extend(4u16.to_be_bytes());
    entry(&mut t, 0x010F, 2, make.len() as u32, make_at);
    entry(&mut t, 0x0112, 3, 1, u32::from(orientation) << 16);
    entry(&mut t, 0x8769, 4, 1, exif_ifd);
    entry(&mut t, 0x8825, 4, 1, gps);
    t.extend(0u32.to_be_bytes());
    t.extend(1u16.to_be_bytes());
    entry(&mut t, 0x0012, 2, datum.len() as u32, datum_at);
    t.extend(0u32.to_be_bytes());
    t.extend(1u16.to_be_bytes());
    entry(&mut t, 0x927C, 7, note.len() as u32, note_at);
    t.extend(0u32.to_be_bytes());
    t.extend_from_slice(make);
    t.extend_from_slice(datum);
    t.extend_from_slice(note);
    t
}

fn segment(marker: u8, body: &[u8]) -> Vec<u8> {
    let mut s = vec![0xFF, marker];
    s.extend(u16::try_from(body.len() + 2).unwrap().to_be_bytes());
    s.extend_from_slice(body);
    s
}

/// A camera-like JPEG of `w` × `h` (as the sensor stores it): a red block
/// at the stored top-left corner on grey, with every kind of metadata, and
/// a preview picture appended after the end of the image as some phones
/// do.
fn camera_jpeg(w: u32, h: u32, orientation: u16) -> Vec<u8> {
    let picture = RgbImage::from_fn(w, h, |x, y| {
        if x < w / 4 && y < h / 4 {
            Rgb([220, 20, 20])
        } else {
            Rgb([128, 128, 128])
        }
    });
    let mut plain = Vec::new();
    picture
        .write_with_encoder(JpegEncoder::new_with_quality(&mut plain, 90))
        .unwrap();
    let mut out = plain[..2].to_vec();
    let mut app1 = b"Exif\0\0".to_vec();
    app1.extend(exif(orientation));
    out.extend(segment(0xE1, &app1));
    out.extend(segment(
        0xE1,
        b"http://ns.adobe.com/xap/1.0/\0<x:xmpmeta>hoso-xmp-packet</x:xmpmeta>",
    ));
    out.extend(segment(0xE2, b"ICC_PROFILE\0\x01\x01hoso-icc-profile"));
    out.extend(segment(0xFE, b"hoso-comment"));
    out.extend_from_slice(&plain[2..]);
    out.extend_from_slice(b"\xFF\xD8MPF preview GPS-21.0285N-105.8542E\xFF\xD9");
    out
}

fn holds(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

fn assert_no_secret(bytes: &[u8]) {
    for s in SECRETS {
        assert!(!holds(bytes, s), "{} survived", String::from_utf8_lossy(s));
    }
}

/// The JPEG pictures a PDF holds (its image streams are the JPEGs as they
/// are).
fn pictures(pdf: &[u8]) -> Vec<image::DynamicImage> {
    let mut found = Vec::new();
    let mut at = 0;
    while let Some(start) = pdf[at..].windows(3).position(|w| w == b"\xFF\xD8\xFF") {
        let start = at + start;
        let end = start
            + pdf[start..]
                .windows(2)
                .position(|w| w == b"\xFF\xD9")
                .unwrap()
            + 2;
        found.push(image::load_from_memory(&pdf[start..end]).unwrap());
        at = end;
    }
    found
}

#[test]
fn an_attached_jpeg_keeps_its_pixels_and_orientation_and_loses_the_rest() {
    let photo = camera_jpeg(400, 300, 6);
    let cleaned = clean(&photo, 1).unwrap().expect("a JPEG is cleaned");
    assert_no_secret(&cleaned);
    assert!(cleaned.ends_with(b"\xFF\xD9"), "nothing after the image");
    // The same pixels, losslessly, shown the same way up.
    let before = image::load_from_memory(&photo).unwrap();
    let after = image::load_from_memory(&cleaned).unwrap();
    assert_eq!(before.to_rgb8(), after.to_rgb8());
    let mut decoder = image::ImageReader::new(std::io::Cursor::new(&cleaned))
        .with_guessed_format()
        .unwrap()
        .into_decoder()
        .unwrap();
    use image::ImageDecoder;
    assert_eq!(
        decoder.orientation().unwrap(),
        image::metadata::Orientation::Rotate90
    );
    // Upright photos carry no EXIF at all.
    let upright = clean(&camera_jpeg(40, 30, 1), 1).unwrap().unwrap();
    assert!(!holds(&upright, b"Exif"));
    // A PDF is none of its business.
    assert_eq!(clean(b"%PDF-1.7\n", 1), Ok(None));
}

#[test]
fn an_attached_png_loses_its_text_exif_and_profile() {
    let mut png = Vec::new();
    RgbImage::from_pixel(20, 10, Rgb([1, 2, 3]))
        .write_to(&mut std::io::Cursor::new(&mut png), image::ImageFormat::Png)
        .unwrap();
    // Chunks planted before IEND (the last 12 bytes).
    let chunk = |kind: &[u8], data: &[u8]| {
        let mut c = u32::try_from(data.len()).unwrap().to_be_bytes().to_vec();
        c.extend_from_slice(kind);
        c.extend_from_slice(data);
        let crc = crc32fast::hash(&c[4..]);
        c.extend(crc.to_be_bytes());
        c
    };
    let iend = png.split_off(png.len() - 12);
    png.extend(chunk(b"tEXt", b"Comment\0hoso-png-text"));
    png.extend(chunk(
        b"iTXt",
        b"XML:com.adobe.xmp\0\0\0\0\0hoso-xmp-packet",
    ));
    png.extend(chunk(b"iCCP", b"sRGB\0\0hoso-icc-profile"));
    png.extend(chunk(b"eXIf", &exif(8)));
    png.extend(iend);
    let before = image::load_from_memory(&png).unwrap();
    let cleaned = clean(&png, 2).unwrap().unwrap();
    assert_no_secret(&cleaned);
    assert_eq!(image::load_from_memory(&cleaned).unwrap(), before);
    assert!(holds(&cleaned, b"eXIf"), "the orientation (8) stays");
}

#[test]
fn three_photos_become_a_three_page_pdf_turned_the_right_way_with_no_metadata() {
    let photos = [
        camera_jpeg(1200, 900, 6),
        camera_jpeg(1200, 900, 1),
        camera_jpeg(900, 1200, 3),
    ];
    let refs: Vec<&[u8]> = photos.iter().map(Vec::as_slice).collect();
    let mut heard = Vec::new();
    let doc = from_photos(&refs, &DocumentOptions::default(), &mut |done, of| {
        heard.push((done, of))
    })
    .unwrap();
    assert_eq!(heard, [(1, 3), (2, 3), (3, 3)]);
    assert!(doc.pdf.starts_with(b"%PDF-"));
    assert_eq!(doc.pages.len(), 3);
    assert_eq!(
        doc.pdf.windows(11).filter(|w| w == b"/Type /Page").count(),
        3 + 1,
        "three pages and the page tree (/Type /Pages)"
    );
    assert_no_secret(&doc.pdf);
    assert!(!holds(&doc.pdf, b"Exif") && !holds(&doc.pdf, b"/Info"));
    let shown = pictures(&doc.pdf);
    assert_eq!(shown.len(), 3);
    // Orientation 6: stored 1200 × 900 with the red block top-left, shown
    // 900 × 1200 with it top-right.
    assert_eq!(shown[0].dimensions(), (900, 1200));
    let red = |img: &image::DynamicImage, x: u32, y: u32| {
        let p = img.get_pixel(x, y).0;
        p[0] > 170 && p[1] < 90
    };
    assert!(red(&shown[0], 880, 20) && !red(&shown[0], 20, 20));
    assert_eq!(shown[1].dimensions(), (1200, 900));
    assert!(red(&shown[1], 20, 20));
    // Orientation 3: turned half way, the block bottom-right.
    assert!(red(&shown[2], 880, 1180) && !red(&shown[2], 20, 20));
}

#[test]
fn grey_pages_are_smaller_and_a_budget_is_kept_or_refused() {
    let photo = camera_jpeg(3000, 2250, 1);
    let colour = from_photos(&[&photo], &DocumentOptions::default(), &mut |_, _| {}).unwrap();
    let grey = from_photos(
        &[&photo],
        &DocumentOptions {
            grayscale: true,
            ..DocumentOptions::default()
        },
        &mut |_, _| {},
    )
    .unwrap();
    assert!(grey.pages[0].gray && !colour.pages[0].gray);
    assert!(grey.pdf.len() < colour.pdf.len());
    // Fitted to A4 at 170 dpi, turned to the photo.
    assert_eq!(
        (colour.pages[0].width, colour.pages[0].height),
        (1875, 1406)
    );
    let small = DocumentOptions {
        max_bytes: Some(60_000),
        ..DocumentOptions::default()
    };
    let kept = from_photos(&[&photo], &small, &mut |_, _| {}).unwrap();
    assert!(kept.pdf.len() <= 60_000, "{}", kept.pdf.len());
    assert!(matches!(
        from_photos(
            &[&photo, &photo, &photo],
            &DocumentOptions {
                max_bytes: Some(30_000),
                ..small
            },
            &mut |_, _| {}
        ),
        Err(PhotoError::BudgetTooSmall { .. })
    ));
}

#[test]
fn damaged_truncated_and_foreign_files_get_typed_errors() {
    let photo = camera_jpeg(400, 300, 1);
    let options = DocumentOptions::default();
    let none = &mut |_: usize, _: usize| {};
    for cut in [10, 200, photo.len() / 2, photo.len() - 60] {
        let truncated = &photo[..cut];
        let made = from_photos(&[&photo, truncated], &options, none);
        assert!(
            matches!(made, Err(PhotoError::Damaged { page: 2, .. })),
            "cut at {cut}: {made:?}"
        );
        assert!(matches!(
            clean(truncated, 4),
            Err(PhotoError::Damaged { page: 4, .. })
        ));
    }
    let mut flipped = photo.clone();
    let mid = flipped.len() / 2;
    for b in &mut flipped[mid..mid + 64] {
        *b = 0xFF;
    }
    // Damage inside the image data decodes to something or is refused,
    // never a panic.
    let _ = from_photos(&[&flipped], &options, none);
    assert_eq!(
        from_photos(&[b"\0\0\0\x18ftypheic\0\0\0\0"], &options, none),
        Err(PhotoError::Heic { page: 1 })
    );
    assert_eq!(
        from_photos(&[b"%PDF-1.7"], &options, none),
        Err(PhotoError::NotAPhoto { page: 1 })
    );
    assert_eq!(from_photos(&[], &options, none), Err(PhotoError::NoPhotos));
}

#[test]
fn a_photo_with_nothing_to_take_out_comes_out_byte_for_byte() {
    let mut plain = Vec::new();
    RgbImage::from_pixel(64, 48, Rgb([9, 99, 199]))
        .write_with_encoder(JpegEncoder::new_with_quality(&mut plain, 80))
        .unwrap();
    assert_eq!(clean(&plain, 1).unwrap(), Some(plain.clone()));
}
