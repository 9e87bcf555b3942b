//! Benchmark (issue #24): five 12-megapixel camera-like photos of printed
//! pages made one PDF by hoso, beside ImageMagick's `convert` at the same
//! resolution (A4 at 170 dpi) and JPEG quality (80), in the same run:
//! wall time and peak resident memory of each (both measured as a process
//! by `/usr/bin/time`: hoso is this benchmark re-run as a child), bytes
//! before and after, and whether the print stays legible — tesseract reads
//! a test sentence printed on each page, on the original photo and on each
//! output page, and the words it gets right are counted.
//!
//! Needs ImageMagick 6 (`/usr/bin/convert`, with PDF writing allowed in
//! its policy: Debian forbids it by default) and tesseract. Run:
//! `cargo bench -p hoso-photos --bench photos`. Printed as markdown for
//! docs/performance.md.

use hoso_photos::{from_photos, DocumentOptions};
use std::path::{Path, PathBuf};
use std::process::Command;

const CONVERT: &str = "/usr/bin/convert";
const PAGES: usize = 5;
const RUNS: usize = 3;

/// The sentence tesseract must read on every page (with the page number).
fn sentence(n: usize) -> String {
    format!("THE QUICK BROWN FOX JUMPS OVER THE LAZY DOG {n} 0123456789")
}

fn run(cmd: &mut Command) -> String {
    let out = cmd.output().expect("run a tool");
    assert!(
        out.status.success(),
        "{cmd:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// A printed A4 page photographed by a phone: 3,000 × 4,000, slightly
/// turned, grain, soft focus, warm paper, JPEG quality 92.
fn photo(dir: &Path, n: usize) -> PathBuf {
    let page = dir.join(format!("page-{n}.png"));
    let mut text = format!("{}\n\n", sentence(n));
    for line in [
        "CONG HOA XA HOI CHU NGHIA VIET NAM",
        "Doc lap - Tu do - Hanh phuc",
        "GIAY CHUNG SINH",
        "Ho ten me: Nguyen Thi Lan     Nam sinh: 1993",
        "Noi thuong tru: So 12, khoi 3, phuong Truong Vinh, Nghe An",
        "Da sinh con vao luc 08 gio 30 phut, ngay 01 thang 12 nam 2026",
        "Tai: Benh vien Da khoa tinh Nghe An",
        "So con trong lan sinh: 01     Gioi tinh: Nam",
        "Can nang: 3.200 gam",
        "Du kien dat ten con: Nguyen Van Binh",
    ] {
        text.push_str(line);
        text.push('\n');
    }
    run(Command::new(CONVERT).args([
        "-size",
        "2480x3508",
        "xc:#f3efe4",
        "-font",
        "DejaVu-Sans",
        "-pointsize",
        "46",
        "-fill",
        "#1c1c24",
        "-interline-spacing",
        "30",
        "-annotate",
        "+170+320",
        &text,
        page.to_str().unwrap(),
    ]));
    let shot = dir.join(format!("IMG_000{n}.jpg"));
    run(Command::new(CONVERT).args([
        page.to_str().unwrap(),
        "-background",
        "#8a8580",
        "-rotate",
        "1.2",
        "-resize",
        "3000x4000!",
        "-blur",
        "0x0.8",
        "-attenuate",
        "0.35",
        "+noise",
        "Gaussian",
        "-quality",
        "92",
        shot.to_str().unwrap(),
    ]));
    shot
}

/// The JPEG page pictures of a PDF (its image streams hold them as they
/// are), without the small page thumbnails ImageMagick adds (`/Thumb`).
fn pictures(pdf: &[u8]) -> Vec<Vec<u8>> {
    let mut found = Vec::new();
    let mut at = 0;
    while let Some(start) = pdf[at..].windows(3).position(|w| w == b"\xFF\xD8\xFF") {
        let start = at + start;
        let Some(end) = pdf[start..].windows(2).position(|w| w == b"\xFF\xD9") else {
            break;
        };
        let end = start + end + 2;
        if end - start > 20_000 {
            found.push(pdf[start..end].to_vec());
        }
        at = end;
    }
    found
}

/// The words of `expected` tesseract reads in the picture at `path`.
fn legible(path: &Path, expected: &str) -> (usize, usize) {
    let text = run(Command::new("tesseract").args([path.to_str().unwrap(), "-", "-l", "eng"]))
        .to_uppercase();
    let read: Vec<&str> = text.split_whitespace().collect();
    let words: Vec<&str> = expected.split_whitespace().collect();
    let got = words.iter().filter(|w| read.contains(w)).count();
    (got, words.len())
}

/// Runs `cmd` under `/usr/bin/time`: (seconds, peak resident MB).
fn timed(cmd: &[&str]) -> (f64, f64) {
    let out = Command::new("/usr/bin/time")
        .args(["-f", "%e %M"])
        .args(cmd)
        .output()
        .expect("/usr/bin/time");
    assert!(
        out.status.success(),
        "{cmd:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    let last = stderr.lines().last().unwrap_or_default();
    let mut parts = last.split_whitespace();
    let secs: f64 = parts
        .next()
        .and_then(|s| s.parse().ok())
        .unwrap_or(f64::NAN);
    let kb: f64 = parts
        .next()
        .and_then(|s| s.parse().ok())
        .unwrap_or(f64::NAN);
    (secs, kb / 1024.0)
}

fn median(mut v: Vec<(f64, f64)>) -> (f64, f64) {
    v.sort_by(|a, b| a.0.total_cmp(&b.0));
    v[v.len() / 2]
}

fn main() {
    // The child: hoso makes the PDF of the photos named in the environment.
    if let Ok(list) = std::env::var("HOSO_BENCH_PHOTOS") {
        let photos: Vec<Vec<u8>> = list
            .split('\n')
            .map(|p| std::fs::read(p).unwrap())
            .collect();
        let refs: Vec<&[u8]> = photos.iter().map(Vec::as_slice).collect();
        let doc = from_photos(&refs, &DocumentOptions::default(), &mut |_, _| {}).unwrap();
        std::fs::write(std::env::var("HOSO_BENCH_OUT").unwrap(), doc.pdf).unwrap();
        return;
    }
    if std::env::args().any(|a| a == "--list") {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let photos: Vec<PathBuf> = (1..=PAGES).map(|n| photo(dir.path(), n)).collect();
    let before: u64 = photos
        .iter()
        .map(|p| std::fs::metadata(p).unwrap().len())
        .sum();
    let me = std::env::current_exe().unwrap();
    let hoso_pdf = dir.path().join("hoso.pdf");
    let magick_pdf = dir.path().join("magick.pdf");
    let list = photos
        .iter()
        .map(|p| p.to_str().unwrap())
        .collect::<Vec<_>>()
        .join("\n");
    let mut hoso = Vec::new();
    let mut magick = Vec::new();
    for _ in 0..RUNS {
        std::env::set_var("HOSO_BENCH_PHOTOS", &list);
        std::env::set_var("HOSO_BENCH_OUT", &hoso_pdf);
        hoso.push(timed(&[me.to_str().unwrap()]));
        std::env::remove_var("HOSO_BENCH_PHOTOS");
        let mut cmd: Vec<&str> = vec![CONVERT];
        cmd.extend(photos.iter().map(|p| p.to_str().unwrap()));
        cmd.extend([
            "-resize",
            "1406x1988",
            "-quality",
            "80",
            "-units",
            "PixelsPerInch",
            "-density",
            "170",
            magick_pdf.to_str().unwrap(),
        ]);
        magick.push(timed(&cmd));
    }
    let (hoso_s, hoso_mb) = median(hoso);
    let (magick_s, magick_mb) = median(magick);
    let size = |p: &Path| std::fs::metadata(p).unwrap().len();
    println!("| tool | wall (median of {RUNS}) | peak RSS | bytes in | PDF bytes |");
    println!("| --- | ---: | ---: | ---: | ---: |");
    println!(
        "| hoso | {hoso_s:.2} s | {hoso_mb:.0} MB | {before} | {} |",
        size(&hoso_pdf)
    );
    println!(
        "| ImageMagick convert | {magick_s:.2} s | {magick_mb:.0} MB | {before} | {} |",
        size(&magick_pdf)
    );
    println!();
    println!("| page | original photo | hoso page | ImageMagick page |");
    println!("| ---: | ---: | ---: | ---: |");
    let pages = |pdf: &Path, tag: &str| -> Vec<PathBuf> {
        pictures(&std::fs::read(pdf).unwrap())
            .into_iter()
            .enumerate()
            .map(|(i, jpeg)| {
                let p = dir.path().join(format!("{tag}-{i}.jpg"));
                std::fs::write(&p, jpeg).unwrap();
                p
            })
            .collect()
    };
    let (ours, theirs) = (pages(&hoso_pdf, "hoso"), pages(&magick_pdf, "magick"));
    for n in 1..=PAGES {
        let expected = sentence(n);
        let cell = |p: Option<&PathBuf>| match p {
            Some(p) => {
                let (got, of) = legible(p, &expected);
                format!("{got}/{of}")
            }
            None => "—".into(),
        };
        println!(
            "| {n} | {} | {} | {} |",
            cell(photos.get(n - 1)),
            cell(ours.get(n - 1)),
            cell(theirs.get(n - 1))
        );
    }
}
