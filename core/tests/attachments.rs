//! Attachments on drafts over a real catalog: content-addressed storage with
//! deduplication and reference counts (duplicate, detach, delete), damaged
//! files detected and marked, types read from the content (a PDF renamed
//! .jpg, a program renamed .pdf), size limits, and leftovers collected.

mod common;

use common::{install_catalog, FixedKey};
use hoso_core::draft::{AttachError, Drafts};
use hoso_core::form::MediaType;
use std::path::{Path, PathBuf};

const KEY: FixedKey = FixedKey([5; 32]);

fn setup() -> (tempfile::TempDir, Drafts) {
    let dir = tempfile::tempdir().unwrap();
    install_catalog(&dir.path().join("data"), 1);
    let drafts = Drafts::open(&dir.path().join("data"), &KEY).unwrap();
    (dir, drafts)
}

fn write(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, bytes).unwrap();
    p
}

/// A small but real-looking PDF of `n` KiB.
fn pdf(n: usize, seed: u8) -> Vec<u8> {
    let mut v = b"%PDF-1.7\n".to_vec();
    v.extend((0..n * 1024).map(|i| (i as u8).wrapping_mul(31).wrapping_add(seed)));
    v.extend_from_slice(b"\n%%EOF\n");
    v
}

fn blob_files(data: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    let Ok(dirs) = std::fs::read_dir(data.join("blobs")) else {
        return out;
    };
    for d in dirs.flatten() {
        if d.file_name() == "tmp" || !d.path().is_dir() {
            continue;
        }
        for f in std::fs::read_dir(d.path()).unwrap().flatten() {
            out.push(f.path());
        }
    }
    out
}

fn ok(_: u64) -> bool {
    true
}

#[test]
fn same_file_is_stored_once_and_counted() {
    let (dir, drafts) = setup();
    let data = dir.path().join("data");
    let file = write(dir.path(), "giay-chung-sinh.pdf", &pdf(200, 1));
    let a = drafts.create("1.001193", false).unwrap();
    let b = drafts.create("1.001193", false).unwrap();
    let ra = drafts.attach(&a.id, "doc05", &file, &mut ok).unwrap();
    let rb = drafts.attach(&b.id, "doc05", &file, &mut ok).unwrap();
    assert_eq!(ra.sha256, rb.sha256);
    assert_eq!(ra.media_type, "application/pdf");
    // Attaching it again to the same slot changes nothing.
    drafts.attach(&a.id, "doc05", &file, &mut ok).unwrap();
    assert_eq!(drafts.attachments(&a.id).unwrap().len(), 1);
    assert_eq!(blob_files(&data).len(), 1, "stored once");
    // The stored file never holds the plaintext.
    let content = pdf(200, 1);
    for f in blob_files(&data) {
        let bytes = std::fs::read(f).unwrap();
        assert!(!bytes.windows(64).any(|w| w == &content[4096..4160]));
        assert!(!bytes.windows(8).any(|w| w == b"%PDF-1.7"));
    }
    let c = drafts.duplicate(&a.id).unwrap();
    assert_eq!(drafts.attachments(&c.id).unwrap().len(), 1);
    // Three references; the file stays until the last goes.
    drafts.delete(&a.id).unwrap();
    drafts.detach(&b.id, "doc05", &rb.sha256[..8]).unwrap();
    assert_eq!(blob_files(&data).len(), 1, "still referenced by the copy");
    drafts.delete(&c.id).unwrap();
    assert!(
        blob_files(&data).is_empty(),
        "released with the last reference"
    );
}

#[test]
fn a_bit_flip_on_disk_is_detected_named_and_marked() {
    let (dir, drafts) = setup();
    let data = dir.path().join("data");
    let d = drafts.create("1.001193", false).unwrap();
    let file = write(dir.path(), "scan.pdf", &pdf(300, 2));
    let r = drafts.attach(&d.id, "doc05", &file, &mut ok).unwrap();
    let report = drafts.verify_attachments(&d.id).unwrap();
    assert_eq!(report[0].status, "ok");
    let stored = blob_files(&data).pop().unwrap();
    let mut bytes = std::fs::read(&stored).unwrap();
    let mid = bytes.len() / 2;
    bytes[mid] ^= 0x01;
    std::fs::write(&stored, bytes).unwrap();
    let report = drafts.verify_attachments(&d.id).unwrap();
    assert_eq!(report[0].sha256, r.sha256);
    assert_eq!(report[0].status, "damaged");
    let listed = drafts.attachments(&d.id).unwrap();
    assert!(listed[0].damaged, "marked damaged so it is never sent");
    // … and the slot counts as missing again until it is replaced.
    let report = drafts
        .validate(&d.id, hoso_core::form::CheckMode::Complete)
        .unwrap();
    assert!(report
        .missing
        .iter()
        .any(|m| m.field == "documents.doc05" && m.code == "document_missing"));
    // Re-adding the original file repairs it: stored anew, mark cleared,
    // the slot counts again.
    drafts.attach(&d.id, "doc05", &file, &mut ok).unwrap();
    assert_eq!(drafts.verify_attachments(&d.id).unwrap()[0].status, "ok");
    assert!(!drafts.attachments(&d.id).unwrap()[0].damaged);
    let report = drafts
        .validate(&d.id, hoso_core::form::CheckMode::Complete)
        .unwrap();
    assert!(!report.missing.iter().any(|m| m.field == "documents.doc05"));
    let stored = blob_files(&data).pop().unwrap();
    std::fs::remove_file(&stored).unwrap();
    assert_eq!(
        drafts.verify_attachments(&d.id).unwrap()[0].status,
        "missing"
    );
}

#[test]
fn re_adding_repairs_a_copy_damaged_inside_a_chunk() {
    let (dir, drafts) = setup();
    let data = dir.path().join("data");
    let d = drafts.create("1.001193", false).unwrap();
    let file = write(dir.path(), "scan.pdf", &pdf(300, 8));
    drafts.attach(&d.id, "doc05", &file, &mut ok).unwrap();
    let stored = blob_files(&data).pop().unwrap();
    let mut bytes = std::fs::read(&stored).unwrap();
    let at = bytes.len() - 100;
    bytes[at] ^= 0x10;
    std::fs::write(&stored, bytes).unwrap();
    assert_eq!(
        drafts.verify_attachments(&d.id).unwrap()[0].status,
        "damaged"
    );
    drafts.attach(&d.id, "doc05", &file, &mut ok).unwrap();
    assert_eq!(drafts.verify_attachments(&d.id).unwrap()[0].status, "ok");
    assert!(!drafts.attachments(&d.id).unwrap()[0].damaged);
}

#[test]
fn garbage_collection_recounts_from_the_drafts() {
    let (dir, drafts) = setup();
    let data = dir.path().join("data");
    let d = drafts.create("1.001193", false).unwrap();
    let file = write(dir.path(), "scan.pdf", &pdf(50, 6));
    drafts.attach(&d.id, "doc05", &file, &mut ok).unwrap();
    let other = write(dir.path(), "other.pdf", &pdf(40, 7));
    let e = drafts.create("1.001193", false).unwrap();
    drafts.attach(&e.id, "doc05", &other, &mut ok).unwrap();
    assert_eq!(blob_files(&data).len(), 2);
    drafts.delete(&e.id).unwrap();
    assert_eq!(blob_files(&data).len(), 1, "released on delete");
    assert_eq!(
        drafts.collect_garbage(&[]).unwrap(),
        0,
        "nothing to collect"
    );
    assert_eq!(drafts.verify_attachments(&d.id).unwrap()[0].status, "ok");
    // A quarantined store beside the live one stops collection.
    std::fs::create_dir(data.join("store.corrupt-1")).unwrap();
    assert_eq!(
        drafts.collect_garbage(&[]).unwrap_err().code(),
        "quarantine_present"
    );
}

#[test]
fn the_type_comes_from_the_content_never_the_name() {
    let (dir, drafts) = setup();
    let d = drafts.create("1.000807", false).unwrap();
    let schema = drafts.schema(&d).unwrap();
    let photo = schema
        .slots
        .iter()
        .find(|s| !s.accepted.contains(&MediaType::Pdf))
        .expect("a photo slot")
        .id
        .clone();
    // A PDF renamed .jpg is a PDF, and a photo slot does not take it.
    let fake_jpg = write(dir.path(), "anh-4x6.jpg", &pdf(10, 3));
    let err = drafts
        .attach(&d.id, &photo, &fake_jpg, &mut ok)
        .unwrap_err();
    assert!(matches!(err, AttachError::WrongType { .. }), "{err}");
    assert_eq!(err.code(), "wrong_type");
    // A program renamed .pdf is refused anywhere.
    let mut elf = b"\x7fELF\x02\x01\x01\x00".to_vec();
    elf.extend(std::iter::repeat_n(0u8, 4096));
    let fake_pdf = write(dir.path(), "to-khai.pdf", &elf);
    let any_slot = schema.slots[0].id.clone();
    let err = drafts
        .attach(&d.id, &any_slot, &fake_pdf, &mut ok)
        .unwrap_err();
    assert_eq!(err.code(), "executable", "{err}");
    // Unknown content is refused too; a real JPEG is taken.
    let txt = write(dir.path(), "note.pdf", b"just some text, not a document");
    assert_eq!(
        drafts
            .attach(&d.id, &any_slot, &txt, &mut ok)
            .unwrap_err()
            .code(),
        "unknown_type"
    );
    let real = write(dir.path(), "photo.bin", &jpeg(64, 48, &[]));
    let r = drafts.attach(&d.id, &photo, &real, &mut ok).unwrap();
    assert_eq!(r.media_type, "image/jpeg");
    // Nothing refused was stored, and nothing was left behind.
    assert_eq!(drafts.attachments(&d.id).unwrap().len(), 1);
    assert_eq!(drafts.collect_garbage(&[]).unwrap(), 0);
    assert_eq!(blob_files(&dir.path().join("data")).len(), 1);
}

#[test]
fn size_limits_unknown_slots_and_cancellation() {
    let (dir, drafts) = setup();
    // A photo slot takes at most 10 MiB.
    let p = drafts.create("1.000807", false).unwrap();
    let schema = drafts.schema(&p).unwrap();
    let photo = schema
        .slots
        .iter()
        .find(|s| !s.accepted.contains(&MediaType::Pdf))
        .unwrap();
    assert_eq!(photo.max_bytes, 10 << 20);
    let mut jpeg = vec![0xFF, 0xD8, 0xFF, 0xE0];
    jpeg.resize((10 << 20) + 1, 9);
    let big = write(dir.path(), "big.jpg", &jpeg);
    let err = drafts.attach(&p.id, &photo.id, &big, &mut ok).unwrap_err();
    assert_eq!(err.code(), "too_large", "{err}");
    let d = drafts.create("1.001193", false).unwrap();
    let small = write(dir.path(), "small.pdf", &pdf(600, 5));
    let err = drafts.attach(&d.id, "doc99", &small, &mut ok).unwrap_err();
    assert_eq!(err.code(), "unknown_slot");
    let mut calls = 0;
    let mut cancel = |_done: u64| {
        calls += 1;
        calls < 2
    };
    let err = drafts
        .attach(&d.id, "doc05", &small, &mut cancel)
        .unwrap_err();
    assert_eq!(err.code(), "cancelled", "{err}");
    assert!(drafts.attachments(&d.id).unwrap().is_empty());
    assert!(blob_files(&dir.path().join("data")).is_empty());
    let missing = dir.path().join("nope.pdf");
    assert_eq!(
        drafts
            .attach(&d.id, "doc05", &missing, &mut ok)
            .unwrap_err()
            .code(),
        "io"
    );
}

/// A real JPEG of `w` × `h` with `segments` (marker, body) put right after
/// its start, as a phone puts its EXIF and XMP.
fn jpeg(w: u32, h: u32, segments: &[(u8, &[u8])]) -> Vec<u8> {
    let mut plain = Vec::new();
    image::RgbImage::from_pixel(w, h, image::Rgb([40, 80, 160]))
        .write_with_encoder(image::codecs::jpeg::JpegEncoder::new_with_quality(
            &mut plain, 85,
        ))
        .unwrap();
    let mut out = plain[..2].to_vec();
    for (marker, body) in segments {
        out.extend([0xFF, *marker]);
        out.extend(u16::try_from(body.len() + 2).unwrap().to_be_bytes());
        out.extend_from_slice(body);
    }
    out.extend_from_slice(&plain[2..]);
    out
}

#[test]
fn an_attached_photo_is_stored_without_its_metadata_and_the_original_is_left_alone() {
    let (dir, drafts) = setup();
    let d = drafts.create("1.000807", false).unwrap();
    let schema = drafts.schema(&d).unwrap();
    let photo = schema
        .slots
        .iter()
        .find(|s| s.accepted.contains(&hoso_core::form::MediaType::Jpeg))
        .unwrap()
        .id
        .clone();
    let mut exif = b"Exif\0\0MM\0\x2A\0\0\0\x08\0\0\0\0\0\0".to_vec();
    exif.extend_from_slice(b"GPS 21.0285N 105.8542E, HosoPhone SN-4417");
    let original = jpeg(
        64,
        48,
        &[
            (0xE1, &exif),
            (
                0xE1,
                b"http://ns.adobe.com/xap/1.0/\0<x:xmpmeta>home address</x:xmpmeta>",
            ),
        ],
    );
    let path = write(dir.path(), "IMG_0001.jpg", &original);
    let r = drafts.attach(&d.id, &photo, &path, &mut |_| true).unwrap();
    let stored = drafts.read_attachment_range(&r.sha256, 0, r.size).unwrap();
    let text = String::from_utf8_lossy(&stored);
    assert!(!text.contains("GPS") && !text.contains("SN-4417") && !text.contains("home address"));
    assert_eq!(
        image::load_from_memory(&stored).unwrap(),
        image::load_from_memory(&original).unwrap(),
        "the same pixels"
    );
    assert_eq!(
        std::fs::read(&path).unwrap(),
        original,
        "the user's file is left as it was"
    );
    assert_eq!(r.file_name, "IMG_0001.jpg");
    // A HEIC photo cannot be cleaned: refused with the advice to convert.
    let heic = write(
        dir.path(),
        "IMG_0002.heic",
        b"\0\0\0\x18ftypheic\0\0\0\0mif1heic",
    );
    let err = drafts
        .attach(&d.id, &photo, &heic, &mut |_| true)
        .unwrap_err();
    assert_eq!(err.code(), "photo_heic", "{err}");
}

#[test]
fn a_picture_larger_than_any_photo_is_refused_not_read_into_memory() {
    // The building permit's drawings slots take 2 GiB, pictures too.
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let permit = hoso_core::catalog::source::read_records(Path::new(common::SOURCE))
        .unwrap()
        .iter()
        .filter(|r| r.ma_thu_tuc == "1.013225")
        .map(hoso_core::catalog::parse::parse_record)
        .collect();
    hoso_core::catalog::store::CatalogStore::open(&data)
        .unwrap()
        .install(&hoso_core::catalog::bundle::Bundle::new(1, permit))
        .unwrap();
    let drafts = Drafts::open(&data, &KEY).unwrap();
    let d = drafts.create("1.013225", false).unwrap();
    let schema = drafts.schema(&d).unwrap();
    let drawings = schema
        .slots
        .iter()
        .find(|s| {
            s.max_bytes > hoso_core::photos::MAX_PHOTO_BYTES
                && s.accepted.contains(&MediaType::Jpeg)
        })
        .unwrap()
        .id
        .clone();
    let path = dir.path().join("ban-ve.jpg");
    let mut file = std::fs::File::create(&path).unwrap();
    std::io::Write::write_all(&mut file, &jpeg(8, 8, &[])).unwrap();
    // Sparse: 80 MiB on paper, nothing on the disk.
    file.set_len(80 * 1024 * 1024).unwrap();
    let err = drafts
        .attach(&d.id, &drawings, &path, &mut |_| true)
        .unwrap_err();
    assert_eq!(err.code(), "photo_file_too_large", "{err}");
    assert!(drafts.attachments(&d.id).unwrap().is_empty());
}
