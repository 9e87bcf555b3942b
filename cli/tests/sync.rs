//! `hoso portal login`, `hoso submit`, `hoso outbox` and `hoso sync`
//! against a real hoso-portal on loopback: a birth registration drafted
//! and attached with the CLI is frozen, sent once (a second sync sends
//! nothing), and the saved session never reaches disk in clear.

mod common;

use common::{hoso, ok_json, SOURCE};
use serde_json::Value;
use std::path::Path;

/// A complete birth registration's values, shared with the other tests.
const VALUES: &str = include_str!("../../tests/data/birth-registration.json");

/// Whether any file of the data directory `dir` holds `needle`, the
/// public catalog's files aside: they are the catalog bundle's content,
/// zstd-compressed, where a short string such as `rt_` turns up by chance
/// (`catalog_files_are_only_the_catalog` checks nothing else is there).
fn files_contain(dir: &Path, needle: &[u8]) -> bool {
    catalog_files_are_only_the_catalog(dir);
    contain(dir, needle)
}

fn contain(dir: &Path, needle: &[u8]) -> bool {
    std::fs::read_dir(dir).unwrap().flatten().any(|e| {
        let p = e.path();
        if p.is_dir() {
            p.file_name().is_some_and(|n| n != "catalog") && contain(&p, needle)
        } else {
            std::fs::read(&p).is_ok_and(|b| b.windows(needle.len()).any(|w| w == needle))
        }
    })
}

/// `DIR/catalog/` holds catalog versions (`.hcat`) and their search
/// indexes (`.idx`), nothing else.
fn catalog_files_are_only_the_catalog(dir: &Path) {
    let Ok(entries) = std::fs::read_dir(dir.join("catalog")) else {
        return;
    };
    for e in entries.flatten() {
        let name = e.file_name().to_string_lossy().into_owned();
        assert!(
            name.ends_with(".hcat") || name.ends_with(".idx"),
            "unexpected file in the catalog directory: {name}"
        );
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn draft_submit_sync_with_the_cli() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("device");
    let bundle = dir.path().join("catalog.bundle");
    let (d, b) = (data.clone(), bundle.clone());
    tokio::task::spawn_blocking(move || {
        ok_json(
            &d,
            &["catalog", "import", SOURCE, "--out", b.to_str().unwrap()],
        );
    })
    .await
    .unwrap();
    let (base, _task) = common::portal(dir.path(), &bundle).await;

    let d = data.clone();
    let work = dir.path().to_path_buf();
    tokio::task::spawn_blocking(move || {
        let data = d;
        let created = ok_json(&data, &["draft", "new", "1.001193", "--no-prefill"]);
        let id = created["draft"]["id"].as_str().unwrap().to_string();
        let mut values: std::collections::BTreeMap<String, String> =
            serde_json::from_str(VALUES).unwrap();
        values.insert("child.date_of_birth".into(), "20/11/2026".into());
        for (path, value) in &values {
            let set = ok_json(&data, &["draft", "set", &id, path, value]);
            assert!(set["problem"].is_null(), "{path}: {}", set["problem"]);
        }
        let pdf = work.join("giay-chung-sinh.pdf");
        std::fs::write(&pdf, b"%PDF-1.4\n% giay chung sinh\ntrailer\n%%EOF\n").unwrap();
        ok_json(
            &data,
            &["attach", "add", &id, "doc05", pdf.to_str().unwrap()],
        );

        // Not logged in yet: sync says so.
        let out = hoso(&data, &["sync", "--json"]);
        assert_eq!(out.status.code(), Some(2));

        common::register_citizen(&data, &base, "0912345678", "Nguyễn Văn An");

        // The receiving ward, from the portal's list (the logged-in one).
        let wards = ok_json(
            &data,
            &[
                "portal",
                "agencies",
                "--procedure",
                "1.001193",
                "--province",
                "Nghe An",
            ],
        );
        let ward = wards
            .as_array()
            .unwrap()
            .iter()
            .find(|a| a["code"] == "H40.22")
            .unwrap_or_else(|| panic!("{wards}"));
        assert_eq!(ward["level"], "commune");
        assert_eq!(ward["province"], "Nghệ An");
        let queued = ok_json(&data, &["submit", &id, "--agency", "H40.22"]);
        assert_eq!(queued["state"], "queued");
        let report = ok_json(&data, &["sync"]);
        let code = report["submitted"][0].as_str().unwrap().to_string();
        assert!(code.starts_with("H40.22-"), "{report}");
        let outbox: Value = ok_json(&data, &["outbox"]);
        assert_eq!(outbox[0]["state"], "submitted");
        assert_eq!(outbox[0]["dossier"]["code"], code.as_str());
        let again = ok_json(&data, &["sync"]);
        assert_eq!(again["submitted"].as_array().unwrap().len(), 0);
        let status = ok_json(&data, &["status", &code]);
        assert_eq!(status["refreshed"], true);
        assert_eq!(status["dossiers"][0]["status"], 1);
        let offline = ok_json(&data, &["status", "--offline"]);
        assert_eq!(offline["refreshed"], false);
        assert_eq!(offline["dossiers"][0]["code"], code.as_str());

        // The receipt: shown and written as a PNG; verified once the keys
        // are fetched; a neighbour scans the picture and looks it up.
        let png = work.join("receipt.png");
        let png_arg = png.to_str().unwrap();
        let shown = ok_json(&data, &["qr", "show", &code, "--png", png_arg]);
        assert_eq!(shown["verdict"]["result"], "unknown_key", "no keys yet");
        assert!(shown["shape"]["version"].as_i64().unwrap() <= 10);
        assert!(shown["payload_bytes"].as_u64().unwrap() <= 200);
        let keys = ok_json(&data, &["qr", "keys", "--refresh"]);
        assert_eq!(keys["installed"]["changed"], true);
        let text = shown["qr_text"].as_str().unwrap().to_string();
        let verified = ok_json(&data, &["qr", "verify", &text]);
        assert_eq!(verified["valid"], true);
        assert_eq!(verified["receipt"]["dossier_code"], code.as_str());
        assert!(verified["receipt"]["lookup_token"].is_null());
        let mut tampered = text.clone().into_bytes();
        let last = tampered.len() - 1;
        tampered[last] = if tampered[last] == b'0' { b'1' } else { b'0' };
        let out = hoso(
            &data,
            &[
                "qr",
                "verify",
                std::str::from_utf8(&tampered).unwrap(),
                "--json",
            ],
        );
        assert_eq!(out.status.code(), Some(1));
        let verdict: Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(verdict["valid"], false);
        assert_ne!(verdict["result"], "valid");

        let neighbour = work.join("neighbour");
        let updated = ok_json(&neighbour, &["catalog", "update", "--url", &base]);
        assert_eq!(updated["catalog_changed"], true);
        // No catalog held: the whole bundle, no fallback to explain.
        assert_eq!(updated["method"], "full", "{updated}");
        assert!(updated["downloaded_bytes"].as_u64().unwrap() > 0);
        assert!(updated["fallback"].is_null());
        let again = ok_json(
            &neighbour,
            &[
                "catalog",
                "update",
                "--url",
                &base,
                "--metered",
                "--metered-limit",
                "1",
            ],
        );
        assert_eq!(again["method"], "unchanged", "{again}");
        assert_eq!(again["downloaded_bytes"], 0);
        let scanned = ok_json(&neighbour, &["qr", "scan", png_arg, "--url", &base]);
        assert_eq!(scanned["request"]["verified"], true, "{scanned}");
        assert_eq!(scanned["followed"]["status"]["status"], 1);
        assert!(scanned["followed"]["lookup_token"].is_null());
        let list = ok_json(&neighbour, &["qr", "followed", "--offline"]);
        assert_eq!(list["dossiers"][0]["dossier_code"], code.as_str());
        assert!(list["dossiers"][0]["checked_at"].as_i64().is_some());
        assert!(!files_contain(&neighbour, code.as_bytes()));

        // The session (refresh token) and the dossier are sealed on disk.
        assert!(!files_contain(&data, b"rt_"));
        assert!(!files_contain(&data, code.as_bytes()));
        assert!(!files_contain(&data, b"040090012345"));
        assert!(!files_contain(&data, "Minh Khang".as_bytes()));
        ok_json(&data, &["portal", "logout"]);
    })
    .await
    .unwrap();
}

/// Catalogs and key sets are taken only under the portal's root key: a
/// configured key that is not the portal's refuses both (nothing is
/// installed), the first signed answer pins the portal's own, and
/// configuring that one lets the update through.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn catalog_update_trusts_only_the_portals_root_key() {
    let dir = tempfile::tempdir().unwrap();
    let source = dir.path().join("tiny.jsonl");
    std::fs::write(
        &source,
        "{\"ma_thu_tuc\":\"1.000001\",\"ten_thu_tuc\":\"Đăng ký khai sinh\"}\n",
    )
    .unwrap();
    let bundle = dir.path().join("catalog.bundle");
    let (s, b, w) = (source.clone(), bundle.clone(), dir.path().join("maker"));
    tokio::task::spawn_blocking(move || {
        ok_json(
            &w,
            &[
                "catalog",
                "import",
                s.to_str().unwrap(),
                "--out",
                b.to_str().unwrap(),
            ],
        );
    })
    .await
    .unwrap();
    let (base, _task) = common::portal(dir.path(), &bundle).await;
    let work = dir.path().to_path_buf();
    tokio::task::spawn_blocking(move || {
        let device = work.join("device");
        let wrong = "A".repeat(43); // 32 zero bytes, base64url
        let out = hoso(
            &device,
            &[
                "catalog",
                "update",
                "--url",
                &base,
                "--root-key",
                &wrong,
                "--json",
            ],
        );
        assert_eq!(out.status.code(), Some(1));
        let failure: Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(failure["error"]["code"], "root_key_changed", "{failure}");
        let out = hoso(&device, &["catalog", "info", "--json"]);
        assert!(!out.status.success(), "a catalog was installed");

        // Another device pins the portal's root on first use.
        let other = work.join("other");
        let keys = ok_json(&other, &["qr", "keys", "--refresh", "--url", &base]);
        let portal = &keys["portals"][0];
        assert_eq!(portal["pinned"], "first_use", "{keys}");
        let root = portal["root_key"].as_str().unwrap().to_string();
        assert!(!keys["key_set"]["keys"].as_array().unwrap().is_empty());

        // Configured with the portal's real key, the first device updates.
        let updated = ok_json(
            &device,
            &["catalog", "update", "--url", &base, "--root-key", &root],
        );
        assert_eq!(updated["catalog_changed"], true, "{updated}");
        let keys = ok_json(&device, &["qr", "keys"]);
        assert_eq!(keys["portals"][0]["pinned"], "configured");
        assert_eq!(keys["portals"][0]["root_key"], root.as_str());
    })
    .await
    .unwrap();
}
