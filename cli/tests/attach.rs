//! `hoso attach` as a volunteer drives it: add a scan to a draft's slot,
//! list it with its hash, verify (exit status 1 and the damaged copy named
//! after a bit flip), repair by re-adding, remove, collect; typed errors for
//! a renamed program.

mod common;

use common::{hoso, ok_json, SOURCE};
use serde_json::Value;
use std::path::{Path, PathBuf};

fn blob_files(data: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for d in std::fs::read_dir(data.join("blobs")).unwrap().flatten() {
        if d.path().is_dir() && d.file_name() != "tmp" {
            out.extend(
                std::fs::read_dir(d.path())
                    .unwrap()
                    .flatten()
                    .map(|f| f.path()),
            );
        }
    }
    out
}

#[test]
fn add_list_verify_repair_remove_and_gc() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    ok_json(&data, &["catalog", "import", SOURCE]);
    let draft = ok_json(&data, &["draft", "new", "1.001193", "--no-prefill"]);
    let id = draft["draft"]["id"].as_str().unwrap().to_string();
    let scan = dir.path().join("giay chung sinh.jpg"); // a PDF, whatever the name says
    let mut pdf = b"%PDF-1.4\n".to_vec();
    pdf.extend((0..200_000u32).map(|i| (i % 251) as u8));
    std::fs::write(&scan, &pdf).unwrap();
    let added = ok_json(
        &data,
        &["attach", "add", &id, "doc05", scan.to_str().unwrap()],
    );
    assert_eq!(added["media_type"], "application/pdf");
    let sha = added["sha256"].as_str().unwrap().to_string();
    let hashed = ok_json(&data, &["hash", scan.to_str().unwrap()]);
    assert_eq!(
        hashed[0]["sha256"],
        sha.as_str(),
        "content address = SHA-256"
    );
    let list = ok_json(&data, &["attach", "list", &id]);
    assert_eq!(list[0]["slot"], "doc05");
    assert_eq!(list[0]["size"], pdf.len());
    assert_eq!(list[0]["damaged"], false);
    assert_eq!(
        ok_json(&data, &["attach", "verify", &id])[0]["status"],
        "ok"
    );

    // A bit flip on disk: named, exit status 1, one JSON document on stdout.
    let stored = blob_files(&data).pop().unwrap();
    let mut bytes = std::fs::read(&stored).unwrap();
    let mid = bytes.len() / 2;
    bytes[mid] ^= 4;
    std::fs::write(&stored, bytes).unwrap();
    let out = hoso(&data, &["attach", "verify", &id, "--json"]);
    assert_eq!(out.status.code(), Some(1));
    let report: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(report[0]["status"], "damaged");
    assert_eq!(ok_json(&data, &["attach", "list", &id])[0]["damaged"], true);
    // Re-adding the original repairs it.
    ok_json(
        &data,
        &["attach", "add", &id, "doc05", scan.to_str().unwrap()],
    );
    assert_eq!(
        ok_json(&data, &["attach", "verify", &id])[0]["status"],
        "ok"
    );

    // A program renamed .pdf: a typed error, nothing stored.
    let evil = dir.path().join("to-khai.pdf");
    let mut elf = b"\x7fELF\x02\x01\x01\x00".to_vec();
    elf.resize(4096, 0);
    std::fs::write(&evil, elf).unwrap();
    let out = hoso(
        &data,
        &[
            "attach",
            "add",
            &id,
            "doc05",
            evil.to_str().unwrap(),
            "--json",
        ],
    );
    assert_eq!(out.status.code(), Some(1));
    let err: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(err["error"]["code"], "executable");

    ok_json(&data, &["attach", "remove", &id, "doc05", &sha[..10]]);
    assert!(ok_json(&data, &["attach", "list", &id])
        .as_array()
        .unwrap()
        .is_empty());
    assert!(
        blob_files(&data).is_empty(),
        "the last reference released the file"
    );
    assert_eq!(ok_json(&data, &["attach", "gc"])["removed_files"], 0);
}
