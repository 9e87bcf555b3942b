//! A newer administrative units table delivered with the catalog (issue
//! #21, ADR 0023), end to end with the `hoso` binary and a real
//! hoso-portal on loopback: the operator imports the catalog with a newer
//! table (`catalog import --units`), the portal serves it, a device takes
//! it with `catalog update` as a delta, and from then on — in every later
//! process — addresses are checked against it; a later catalog without
//! `--units` carries it over; a table that is not one is refused by the
//! import and by the portal, and the device keeps the one it has.

mod common;

use common::{gunzip, gzip, hoso, import, json, ok_json, publish, publish_and_take_delta, source};
use serde_json::Value;
use std::path::{Path, PathBuf};

/// The newer table's version, and the renamed commune.
const NEWER: &str = "2026-07-01.1";
const RENAMED: &str = "Ba Đình Xanh";

/// The bundled table as a later resolution might change it: a new
/// version, and Phường Ba Đình (00004, Hà Nội) renamed.
fn newer_table(dir: &Path) -> PathBuf {
    let bundled = std::fs::read(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../core/data/units/units.tsv.gz"
    ))
    .unwrap();
    let text = String::from_utf8(gunzip(&bundled)).unwrap();
    let old_version = text.lines().nth(1).unwrap().to_string();
    assert!(old_version.starts_with("version\t"), "{old_version}");
    let line = "C\t00004\t01\tPhường\tBa Đình\n";
    assert!(text.contains(line));
    let text = text
        .replacen(&old_version, &format!("version\t{NEWER}"), 1)
        .replacen(line, &format!("C\t00004\t01\tPhường\t{RENAMED}\n"), 1);
    let path = dir.join("units-newer.tsv.gz");
    std::fs::write(&path, gzip(text.as_bytes())).unwrap();
    path
}

fn check_ba_dinh(device: &Path) -> Value {
    ok_json(device, &["address", "check", "Hà Nội", RENAMED])
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_newer_units_table_comes_with_the_catalog_and_stays() {
    let dir = tempfile::tempdir().unwrap();
    let (operator, device) = (dir.path().join("operator"), dir.path().join("device"));
    let v1 = dir.path().join("v1.bundle");
    let first = source(dir.path(), "first.jsonl", false);
    assert_eq!(import(&operator, &first, &[], &v1).await, 1);
    let (base, _task) = common::portal(dir.path(), &v1).await;
    let update = ["catalog", "update", "--url", base.as_str()];
    assert_eq!(json(&device, &update).await["catalog_version"], 1);

    // The built-in table: the renamed commune does not exist.
    let table = json(&device, &["address", "table"]).await;
    assert_eq!(table["from_catalog"], false, "{table}");
    assert_eq!(table["communes"], 3321);
    let before = check_ba_dinh(&device);
    assert_eq!(before["valid"], false, "{before}");

    // The operator imports the same procedures with a newer table.
    let newer = newer_table(dir.path());
    let v2 = dir.path().join("v2.bundle");
    let units = ["--units", newer.to_str().unwrap()];
    let version = import(&operator, &first, &units, &v2).await;
    assert_eq!(version, 2, "new data is a new catalog");
    let (info, _) = publish_and_take_delta(&base, &v2, &device, 2).await;
    assert_eq!(info["format_version"], 2);
    let info = json(&device, &["catalog", "info"]).await;
    assert_eq!(info["data"][0]["name"], "units", "{info}");

    // Every later process checks against the delivered table.
    let table = json(&device, &["address", "table"]).await;
    assert_eq!(
        (&table["version"], &table["from_catalog"]),
        (&Value::from(NEWER), &Value::from(true)),
        "{table}"
    );
    let after = check_ba_dinh(&device);
    assert_eq!(after["valid"], true, "{after}");
    assert_eq!(after["commune"]["code"], "00004");
    assert_eq!(after["commune"]["name"], format!("Phường {RENAMED}"));
    let found = ok_json(&device, &["address", "search", "ba dinh xanh"]);
    assert_eq!(found["results"][0]["code"], "00004", "{found}");

    // A later catalog made without --units carries the table over, and a
    // delta that leaves it alone keeps it on the device.
    let second = source(dir.path(), "second.jsonl", true);
    let v3 = dir.path().join("v3.bundle");
    assert_eq!(import(&operator, &second, &[], &v3).await, 3);
    let (_, updated) = publish_and_take_delta(&base, &v3, &device, 3).await;
    let bundle_bytes = std::fs::metadata(&v3).unwrap().len();
    let delta_bytes = updated["downloaded_bytes"].as_u64().unwrap();
    assert!(
        delta_bytes * 10 < bundle_bytes,
        "a delta that leaves the table alone does not carry it: {delta_bytes} B of {bundle_bytes}"
    );
    assert_eq!(check_ba_dinh(&device)["valid"], true);

    // Not a table: refused by the import, with its code, and by the
    // portal; the device keeps its table.
    let garbage = dir.path().join("not-a-table.tsv.gz");
    std::fs::write(&garbage, gzip(b"hello\n")).unwrap();
    let out = hoso(
        &operator,
        &[
            "catalog",
            "import",
            second.to_str().unwrap(),
            "--units",
            garbage.to_str().unwrap(),
            "--json",
        ],
    );
    assert!(!out.status.success());
    let text =
        String::from_utf8_lossy(&out.stdout).to_string() + &String::from_utf8_lossy(&out.stderr);
    assert!(text.contains("bad_units_table"), "{text}");
    let (status, body) = publish(&base, forged_with_garbage_units(&v3)).await;
    assert_eq!(status, 422, "{body}");
    assert_eq!(body["code"], "bundle_invalid", "{body}");
    assert_eq!(json(&device, &update).await["method"], "unchanged");
    assert_eq!(check_ba_dinh(&device)["valid"], true);
}

/// The bundle at `path` as version 4, carrying as its units table bytes
/// that are not one, under a content hash that covers them (so only the
/// portal's check of the table can refuse it).
fn forged_with_garbage_units(path: &Path) -> Vec<u8> {
    let mut bundle: Value = serde_json::from_slice(&gunzip(&std::fs::read(path).unwrap())).unwrap();
    let garbage = b"not a units table";
    let digest = ring_sha256(garbage);
    let procedures: Vec<hoso_core::catalog::Procedure> =
        serde_json::from_value(bundle["procedures"].clone()).unwrap();
    let procedures_hash = hoso_core::catalog::bundle::content_hash(&procedures);
    bundle["version"] = 4.into();
    bundle["format_version"] = 2.into();
    bundle["content_hash"] =
        hoso_core::catalog::data::content_hash_with(procedures_hash, [("units", digest)]).into();
    bundle["data"] = serde_json::json!([{
        "name": "units",
        "sha256": hoso_core::hex::encode(&digest),
        "base64": "bm90IGEgdW5pdHMgdGFibGU=",
    }]);
    gzip(bundle.to_string().as_bytes())
}

fn ring_sha256(bytes: &[u8]) -> [u8; 32] {
    let item = hoso_core::catalog::data::DataItem::new("x", bytes);
    item.sha256()
}
