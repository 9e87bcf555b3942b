//! The `hoso` binary as users and scripts drive it: `--data-dir`, `--json`,
//! catalog import/show/stats/info/export, search (including stdin mode), the
//! demo, and clear errors on bad input.

use serde_json::Value;
use std::io::Write;
use std::process::{Command, Output, Stdio};

mod common;

use common::{hoso, SOURCE};

fn json(out: &Output) -> Value {
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "stdout is not JSON ({e}): {}\nstderr: {}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    })
}

fn imported() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let out = hoso(dir.path(), &["catalog", "import", SOURCE, "--json"]);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    dir
}

#[test]
fn import_show_stats_info_and_export() {
    let dir = tempfile::tempdir().unwrap();
    let bundle = dir.path().join("catalog.bundle");
    let out = hoso(
        &dir.path().join("data"),
        &[
            "catalog",
            "import",
            SOURCE,
            "--out",
            bundle.to_str().unwrap(),
            "--json",
        ],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let report = json(&out);
    assert_eq!(report["procedures"], 2642);
    assert_eq!(report["version"], 1);
    assert_eq!(report["changed"], true);
    assert!(bundle.is_file());

    let data = dir.path().join("data");
    let shown = json(&hoso(&data, &["catalog", "show", "1.004222", "--json"]));
    for key in [
        "code",
        "name",
        "decision_number",
        "kind",
        "field",
        "source_url",
        "levels",
        "target_groups",
        "agencies",
        "channels",
        "documents",
        "steps",
        "legal_basis",
        "results",
        "conditions",
        "online",
    ] {
        assert!(shown.get(key).is_some(), "missing key {key}");
    }
    assert_eq!(shown["name"], "Đăng ký thường trú");
    assert_eq!(shown["levels"], serde_json::json!(["commune"]));
    for key in ["competent", "implementing", "authorized", "coordinating"] {
        assert!(shown["agencies"][key].is_array(), "agencies.{key}");
    }

    let stats = json(&hoso(&data, &["catalog", "stats", "--json"]));
    assert_eq!(stats["procedures"], 2642);

    let info = json(&hoso(&data, &["catalog", "info", "--json"]));
    assert_eq!(info["version"], 1);
    assert_eq!(info["content_hash"], report["content_hash"]);

    let exported = dir.path().join("exported.bundle");
    let out = hoso(
        &data,
        &["catalog", "export", exported.to_str().unwrap(), "--json"],
    );
    assert!(out.status.success());
    assert!(exported.is_file());

    // Human output is readable text, not JSON.
    let human = hoso(&data, &["catalog", "show", "1.004222"]);
    let text = String::from_utf8_lossy(&human.stdout);
    assert!(text.contains("1.004222 — Đăng ký thường trú"), "{text}");
}

#[test]
fn search_prints_json_with_code_name_levels_score() {
    let dir = imported();
    let out = hoso(
        dir.path(),
        &[
            "search", "--limit", "3", "--json", "dang", "ky", "khai", "sinh",
        ],
    );
    assert!(out.status.success());
    let hits = json(&out);
    let hits = hits.as_array().unwrap();
    assert_eq!(hits.len(), 3);
    assert_eq!(hits[0]["code"], "1.001193");
    for h in hits {
        assert!(h["name"].is_string() && h["levels"].is_array() && h["score"].is_number());
    }

    let out = hoso(
        dir.path(),
        &["search", "--level", "ministry", "--json", "can cuoc"],
    );
    let hits = json(&out);
    assert!(hits
        .as_array()
        .unwrap()
        .iter()
        .all(|h| h["levels"].as_array().unwrap().contains(&"ministry".into())));
}

#[test]
fn search_dash_reads_queries_from_stdin_one_json_array_a_line() {
    let dir = imported();
    let mut child = Command::new(env!("CARGO_BIN_EXE_hoso"))
        .arg("--data-dir")
        .arg(dir.path())
        .args(["search", "--limit", "2", "-"])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all("dang ky khai sinh\n1.004222\n\nđăng kí kết hôn\n".as_bytes())
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success());
    let lines: Vec<Value> = String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 4);
    assert_eq!(lines[0][0]["code"], "1.001193");
    assert_eq!(lines[1][0]["code"], "1.004222");
    assert_eq!(lines[2], serde_json::json!([]));
    assert_eq!(lines[3][0]["code"], "1.000894");
}

#[test]
fn bad_input_gets_a_clear_typed_error_and_no_panic() {
    let dir = tempfile::tempdir().unwrap();

    let out = hoso(dir.path(), &["search", "--json", "khai sinh"]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(json(&out)["error"]["code"], "no_catalog");

    let out = hoso(dir.path(), &["catalog", "import", "/no/such/file.jsonl.gz"]);
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("cannot open") && err.contains("không mở được"),
        "{err}"
    );

    let garbage = dir.path().join("garbage.jsonl");
    std::fs::write(&garbage, "not json at all\n").unwrap();
    let out = hoso(
        dir.path(),
        &["catalog", "import", garbage.to_str().unwrap(), "--json"],
    );
    assert_eq!(json(&out)["error"]["code"], "bad_source");

    let imported = imported();
    let out = hoso(imported.path(), &["catalog", "show", "9.999999", "--json"]);
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(json(&out)["error"]["code"], "not_found");

    let out = hoso(imported.path(), &["search", "--level", "planet", "x"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("unknown level"));

    for q in ["", "!!!", "😀", "\u{301}"] {
        let out = hoso(imported.path(), &["search", "--json", q]);
        assert!(out.status.success(), "{q:?}");
        assert!(json(&out).is_array());
    }
    let garbage = dir.path().join("garbage.jsonl");
    let out = hoso(
        imported.path(),
        &["catalog", "import", garbage.to_str().unwrap()],
    );
    assert_eq!(out.status.code(), Some(1));
    let still = json(&hoso(imported.path(), &["catalog", "info", "--json"]));
    assert_eq!(still["procedure_count"], 2642);
}

#[test]
fn data_dir_comes_from_the_environment_too() {
    let dir = imported();
    let out = Command::new(env!("CARGO_BIN_EXE_hoso"))
        .env("HOSO_DATA_DIR", dir.path())
        .args(["catalog", "info", "--json"])
        .output()
        .unwrap();
    assert!(out.status.success());
    assert_eq!(json(&out)["procedure_count"], 2642);
}

/// `hoso demo ARGS…` on its embedded defaults (no data directory given),
/// insisting on success.
fn demo(args: &[&str]) -> std::process::Output {
    let out = Command::new(env!("CARGO_BIN_EXE_hoso"))
        .env_remove("HOSO_DATA_DIR")
        .arg("demo")
        .args(args)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    out
}

#[test]
fn demo_runs_on_embedded_defaults() {
    let out = demo(&["--json"]);
    let demo = json(&out);
    assert_eq!(demo["procedures"], 2642);
    assert_eq!(demo["searches"][0]["query"], "dang ky khai sinh");
    assert_eq!(demo["searches"][0]["results"][0]["code"], "1.001193");
    // The offline draft: prefilled from the sample profile, the old phone
    // number caught, and only the birth certificate left to attach.
    let draft = &demo["draft"];
    assert_eq!(draft["procedure_code"], "1.001193");
    assert!(draft["prefilled"].as_u64().unwrap() >= 10, "{draft}");
    assert_eq!(draft["mistake"]["code"], "phone_old_prefix");
    assert!(draft["complete"]["invalid"].as_array().unwrap().is_empty());
    let missing = draft["complete"]["missing"].as_array().unwrap();
    assert!(!missing.is_empty());
    assert!(
        missing.iter().all(|m| m["code"] == "document_missing"),
        "{missing:?}"
    );
    // Filed with the portal started in-process: a real dossier code at the
    // applicant's ward, a signed receipt, and the officer simulation's
    // history after three working days.
    let filing = &demo["filing"];
    assert_eq!(filing["agency"]["province"], "Hà Nội");
    let code = filing["dossier_code"].as_str().unwrap();
    assert!(
        code.starts_with(filing["agency"]["code"].as_str().unwrap()),
        "{filing}"
    );
    assert!(filing["receipt_qr"].as_str().unwrap().starts_with("HS1:"));
    // Both generated documents went up, once.
    let sizes = draft["attached"]["size"].as_u64().unwrap()
        + draft["also_attached"]["size"].as_u64().unwrap();
    assert_eq!(filing["bytes_sent"].as_u64().unwrap(), sizes);
    assert_eq!(draft["also_attached"]["media_type"], "application/pdf");
    let statuses: Vec<u64> = filing["history"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["status"].as_u64().unwrap())
        .collect();
    assert_eq!(statuses.first(), Some(&1));
    assert!(statuses.len() >= 2, "{statuses:?}");
}

/// The QR drawn in the terminal (two modules per cell, light modules as
/// blocks) back into a greyscale picture, 4 pixels per module.
fn decode_terminal_qr(lines: &[&str]) -> String {
    let rows: Vec<Vec<char>> = lines.iter().map(|l| l.chars().collect()).collect();
    let width = rows.iter().map(Vec::len).max().unwrap();
    let height = rows.len() * 2;
    // true = light module
    let light = |x: usize, y: usize| -> bool {
        let c = rows[y / 2].get(x).copied().unwrap_or(' ');
        matches!((c, y % 2), ('█', _) | ('▀', 0) | ('▄', 1))
    };
    const SCALE: usize = 4;
    let mut img =
        rqrr::PreparedImage::prepare_from_greyscale(width * SCALE, height * SCALE, |x, y| {
            if light(x / SCALE, y / SCALE) {
                255
            } else {
                0
            }
        });
    let grids = img.detect_grids();
    assert_eq!(grids.len(), 1, "one QR code in the picture");
    grids[0].decode().unwrap().1
}

#[test]
fn the_demo_draws_a_receipt_qr_that_scans() {
    let out = demo(&[]);
    let text = String::from_utf8(out.stdout).unwrap();
    let qr_text = text
        .lines()
        .find_map(|l| l.split("receipt QR (").nth(1))
        .and_then(|rest| rest.strip_suffix("):"))
        .unwrap_or_else(|| panic!("no receipt QR line: {text}"))
        .to_string();
    assert!(qr_text.starts_with("HS1:"));
    let drawn: Vec<&str> = text
        .lines()
        .skip_while(|l| !l.contains("receipt QR ("))
        .skip(1)
        .take_while(|l| l.starts_with("    ") && l.trim().chars().all(|c| "█▀▄ ".contains(c)))
        .map(|l| &l[4..])
        .collect();
    assert!(drawn.len() > 20, "the QR is drawn: {text}");
    assert_eq!(decode_terminal_qr(&drawn), qr_text);
}

#[test]
#[cfg(unix)]
fn a_closed_output_pipe_ends_the_command_quietly() {
    use std::os::unix::process::ExitStatusExt;
    let dir = imported();
    // The largest procedure's JSON is well over a pipe's 64 KiB buffer, so the
    // command is still writing when the reader goes away (`| head -c10`).
    let mut child = Command::new(env!("CARGO_BIN_EXE_hoso"))
        .args(["--data-dir", dir.path().to_str().unwrap()])
        .args(["catalog", "show", "2.001538", "--json"])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut head = [0u8; 10];
    std::io::Read::read_exact(child.stdout.as_mut().unwrap(), &mut head).unwrap();
    drop(child.stdout.take());
    let out = child.wait_with_output().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert_eq!(
        out.status.code(),
        None,
        "ended by the signal, not an error exit"
    );
    assert_eq!(out.status.signal(), Some(libc::SIGPIPE), "{stderr}");
}

/// A base64url root key may start with `-` (one in 64 do): it is the
/// option's value, not another option.
#[test]
fn a_root_key_starting_with_a_dash_is_a_value() {
    let dir = tempfile::tempdir().unwrap();
    let key = format!("-{}", "A".repeat(42));
    for args in [
        [
            "catalog",
            "update",
            "--url",
            "http://127.0.0.1:1",
            "--root-key",
            &key,
        ],
        [
            "qr",
            "keys",
            "--refresh",
            "--url",
            "http://127.0.0.1:1",
            "--root-key",
        ],
    ] {
        let mut all: Vec<&str> = args.to_vec();
        if all.last() == Some(&"--root-key") {
            all.push(&key);
        }
        all.push("--json");
        let out = common::hoso(&dir.path().join("data"), &all);
        assert_eq!(
            out.status.code(),
            Some(1),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert_eq!(json(&out)["error"]["code"], "network");
    }
}
