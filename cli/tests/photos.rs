//! Documents from the camera through `hoso attach add` (issue #24), against
//! a real portal: three camera-like photos carrying a GPS position become
//! one grey PDF of three pages; the PDF the portal received holds none of
//! the photos' metadata; a single photo is stored without its EXIF; a HEIC
//! photo and a damaged one get typed errors and leave the draft as it was.

mod common;

use common::{ok_json, ADMIN};
use hoso_core::client::{Method, PortalClient};
use image::codecs::jpeg::JpegEncoder;
use image::{Rgb, RgbImage};
use std::path::Path;

const VALUES: &str = include_str!("../../tests/data/birth-registration.json");
const GPS: &[u8] = b"GPS 21.0285N 105.8542E";

/// A photographed page with an EXIF block naming the phone and where it
/// was taken.
fn photo(n: u8) -> Vec<u8> {
    let picture = RgbImage::from_fn(1600, 1200, |x, y| {
        if y % 80 < 12 && x > 100 && x < 1500 - u32::from(n) * 100 {
            Rgb([30, 30, 40])
        } else {
            Rgb([236, 232, 224])
        }
    });
    let mut plain = Vec::new();
    picture
        .write_with_encoder(JpegEncoder::new_with_quality(&mut plain, 90))
        .unwrap();
    let mut exif = b"Exif\0\0MM\0\x2A\0\0\0\x08\0\0\0\0\0\0".to_vec();
    exif.extend_from_slice(GPS);
    exif.extend_from_slice(b" HosoPhone SN-4417");
    let mut out = plain[..2].to_vec();
    out.extend([0xFF, 0xE1]);
    out.extend(u16::try_from(exif.len() + 2).unwrap().to_be_bytes());
    out.extend(exif);
    out.extend_from_slice(&plain[2..]);
    out
}

fn holds(haystack: &[u8], needle: &[u8]) -> bool {
    haystack.windows(needle.len()).any(|w| w == needle)
}

fn error_code(data: &Path, args: &[&str]) -> String {
    let mut all = args.to_vec();
    all.push("--json");
    let out = common::hoso(data, &all);
    assert!(!out.status.success(), "{args:?} succeeded");
    let body: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    body["error"]["code"].as_str().unwrap().to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn photos_become_one_pdf_without_their_metadata_at_the_portal() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("device");
    let (bundle, base, _task) = common::national_portal(dir.path()).await;
    let (d, b, u, work) = (
        data.clone(),
        bundle.clone(),
        base.clone(),
        dir.path().to_path_buf(),
    );
    let (code, sha) = tokio::task::spawn_blocking(move || {
        ok_json(&d, &["catalog", "import", b.to_str().unwrap()]);
        common::register_citizen(&d, &u, "0912345678", "Nguyễn Văn An");
        let id = ok_json(&d, &["draft", "new", "1.001193", "--no-prefill"])["draft"]["id"]
            .as_str()
            .unwrap()
            .to_string();
        let values: serde_json::Map<String, serde_json::Value> =
            serde_json::from_str(VALUES).unwrap();
        for (field, value) in &values {
            ok_json(&d, &["draft", "set", &id, field, value.as_str().unwrap()]);
        }
        let born = time::OffsetDateTime::now_utc().date() - time::Duration::days(5);
        let born = format!(
            "{:02}/{:02}/{}",
            born.day(),
            u8::from(born.month()),
            born.year()
        );
        ok_json(&d, &["draft", "set", &id, "child.date_of_birth", &born]);
        let paths: Vec<String> = (1..=3)
            .map(|n| {
                let path = work.join(format!("IMG_000{n}.jpg"));
                std::fs::write(&path, photo(n)).unwrap();
                path.to_str().unwrap().to_string()
            })
            .collect();

        // A HEIC photo and a damaged one: typed errors, nothing attached.
        let heic = work.join("IMG_0009.heic");
        std::fs::write(&heic, b"\0\0\0\x18ftypheic\0\0\0\0mif1heic").unwrap();
        assert_eq!(
            error_code(&d, &["attach", "add", &id, "doc05", heic.to_str().unwrap()]),
            "photo_heic"
        );
        let cut = work.join("IMG_0008.jpg");
        std::fs::write(&cut, &photo(1)[..3000]).unwrap();
        assert_eq!(
            error_code(
                &d,
                &[
                    "attach",
                    "add",
                    &id,
                    "doc05",
                    &paths[0],
                    cut.to_str().unwrap()
                ]
            ),
            "photo_damaged"
        );
        assert!(ok_json(&d, &["attach", "list", &id])
            .as_array()
            .unwrap()
            .is_empty());

        // Three pages of one paper: one grey PDF.
        let mut args = vec!["attach", "add", &id, "doc05"];
        args.extend(paths.iter().map(String::as_str));
        args.push("--grayscale");
        let made = ok_json(&d, &args);
        assert_eq!(made["media_type"], "application/pdf", "{made}");
        assert_eq!(made["file_name"], "IMG_0001.pdf");
        let pages = made["pages"].as_array().unwrap();
        assert_eq!(pages.len(), 3);
        assert!(pages.iter().all(|p| p["gray"] == true && p["dpi"] == 170));
        let original: u64 = paths
            .iter()
            .map(|p| std::fs::metadata(p).unwrap().len())
            .sum();
        assert!(made["size"].as_u64().unwrap() < original, "{made}");
        // The photos on disk are as they were.
        assert!(holds(&std::fs::read(&paths[0]).unwrap(), GPS));

        ok_json(&d, &["submit", &id, "--agency", "H40.22"]);
        let sent = ok_json(&d, &["sync"]);
        (
            sent["submitted"][0].as_str().unwrap().to_string(),
            made["sha256"].as_str().unwrap().to_string(),
        )
    })
    .await
    .unwrap();

    // What the portal received: three pages, nothing of the photos' EXIF.
    let http = PortalClient::new(&base).unwrap();
    let request = http
        .request(
            Method::GET,
            &format!("/v1/admin/dossiers/{code}/files/{sha}"),
        )
        .bearer_auth(ADMIN);
    let pdf = http.send(request).await.unwrap().body;
    assert!(pdf.starts_with(b"%PDF-"));
    let pages = pdf
        .windows(12)
        .filter(|w| w.starts_with(b"/Type /Page") && w[11] != b's')
        .count();
    assert_eq!(pages, 3);
    for secret in [GPS, b"HosoPhone", b"SN-4417", b"Exif"] {
        assert!(
            !holds(&pdf, secret),
            "{} reached the portal",
            String::from_utf8_lossy(secret)
        );
    }
    // A file the dossier does not name is not found.
    let other = http
        .request(
            Method::GET,
            &format!("/v1/admin/dossiers/{code}/files/{}", "0".repeat(64)),
        )
        .bearer_auth(ADMIN);
    assert!(http.send(other).await.is_err());
}
