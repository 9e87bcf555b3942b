//! Helpers shared by the CLI tests: the real national data and running the
//! `hoso` binary on a data directory.
#![allow(dead_code)]

use flate2::read::MultiGzDecoder;
use serde_json::Value;
use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

pub const SOURCE: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../shared/data/tthc-national-2642.jsonl.gz"
);

/// Where the tests keep the key files of the data directories in `data_dir`'s
/// parent (`HOSO_KEY_DIR`): beside the data, never in the real home.
pub fn key_dir(data_dir: &Path) -> std::path::PathBuf {
    data_dir.parent().unwrap_or(data_dir).join("keys")
}

/// Runs `hoso --data-dir DATA_DIR ARGS…` (its key file in [`key_dir`]).
pub fn hoso(data_dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_hoso"))
        .arg("--data-dir")
        .arg(data_dir)
        .args(args)
        .env_remove("HOSO_KEY_FILE")
        .env("HOSO_KEY_DIR", key_dir(data_dir))
        .output()
        .expect("run hoso")
}

/// Runs `hoso --data-dir DATA_DIR ARGS…` with `input` on its standard
/// input; insists on success and returns its standard output.
#[allow(dead_code)] // not every test binary reads from stdin
pub fn hoso_stdin(data_dir: &Path, args: &[&str], input: &str) -> String {
    use std::io::Write;
    let mut child = Command::new(env!("CARGO_BIN_EXE_hoso"))
        .arg("--data-dir")
        .arg(data_dir)
        .args(args)
        .env_remove("HOSO_KEY_FILE")
        .env("HOSO_KEY_DIR", key_dir(data_dir))
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("run hoso");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(input.as_bytes())
        .expect("write stdin");
    let out = child.wait_with_output().expect("hoso ends");
    assert!(out.status.success(), "hoso {args:?} failed");
    String::from_utf8(out.stdout).expect("UTF-8 output")
}

/// Runs `hoso … --json`, insists on success, and parses the JSON it prints.
#[track_caller]
pub fn ok_json(data_dir: &Path, args: &[&str]) -> Value {
    let mut all = args.to_vec();
    all.push("--json");
    let out = hoso(data_dir, &all);
    assert!(
        out.status.success(),
        "hoso {args:?} failed: {}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "hoso {args:?}: not JSON ({e}): {}",
            String::from_utf8_lossy(&out.stdout)
        )
    })
}

/// The test portals' admin token.
pub const ADMIN: &str = "cli-test-admin-token-0123456789abcdef";

/// A reference portal serving `bundle` on loopback (admin token [`ADMIN`],
/// no officer simulation), its data under `dir/portal`; its base URL and
/// the task serving it (dropping the task does not stop it).
pub async fn portal(
    dir: &Path,
    bundle: &Path,
) -> (String, tokio::task::JoinHandle<std::io::Result<()>>) {
    let portal = std::sync::Arc::new(
        hoso_portal::Portal::open(hoso_portal::Options {
            data_dir: dir.join("portal"),
            catalog: bundle.to_path_buf(),
            config: hoso_portal::Config {
                admin_token: ADMIN.into(),
                password_iterations: 1_000,
                simulation: false,
                ..hoso_portal::Config::default()
            },
        })
        .unwrap(),
    );
    let (addr, task) = hoso_portal::start(portal, "127.0.0.1:0".parse().unwrap())
        .await
        .unwrap();
    (format!("http://{addr}"), task)
}

/// The national catalog as a bundle (`dir/catalog.bundle`, imported in a
/// scratch data directory) and a reference portal serving it: the bundle's
/// path, the portal's base URL and its task.
pub async fn national_portal(
    dir: &Path,
) -> (
    PathBuf,
    String,
    tokio::task::JoinHandle<std::io::Result<()>>,
) {
    let bundle = dir.join("catalog.bundle");
    let (scratch, b) = (dir.join("import"), bundle.clone());
    tokio::task::spawn_blocking(move || {
        ok_json(
            &scratch,
            &["catalog", "import", SOURCE, "--out", b.to_str().unwrap()],
        );
    })
    .await
    .unwrap();
    let (base, task) = portal(dir, &bundle).await;
    (bundle, base, task)
}

/// An officer moves a dossier (`POST /v1/admin/dossiers/{code}/status`
/// with `change`, a `StatusChange`); panics on any refusal.
pub async fn officer(base: &str, code: &str, change: Value) {
    let http = hoso_core::client::PortalClient::new(base).unwrap();
    let request = http
        .request(
            hoso_core::client::Method::POST,
            &format!("/v1/admin/dossiers/{code}/status"),
        )
        .bearer_auth(ADMIN)
        .json(&change);
    http.send(request).await.unwrap();
}

/// `hoso portal login … --register NAME --json`: a citizen account made
/// and logged in on `data` (its password through the environment).
pub fn register_citizen(data: &Path, base: &str, phone: &str, name: &str) {
    let login = Command::new(env!("CARGO_BIN_EXE_hoso"))
        .arg("--data-dir")
        .arg(data)
        .args(["portal", "login", "--url", base, "--phone", phone])
        .args(["--register", name, "--json"])
        .env("HOSO_PORTAL_PASSWORD", "khai-sinh-2026!")
        .env_remove("HOSO_KEY_FILE")
        .env("HOSO_KEY_DIR", key_dir(data))
        .output()
        .unwrap();
    assert!(login.status.success(), "{login:?}");
}

/// The password of the CLI tests' volunteers.
pub const PASSWORD: &str = "to-cong-nghe-so#7";

/// `hoso portal login … --register-volunteer NAME --team … --json`.
pub fn register_volunteer(data: &Path, base: &str, phone: &str, name: &str) -> Value {
    let out = Command::new(env!("CARGO_BIN_EXE_hoso"))
        .arg("--data-dir")
        .arg(data)
        .args(["portal", "login", "--url", base, "--phone", phone])
        .args(["--register-volunteer", name])
        .args(["--team", "Tổ công nghệ số cộng đồng phường Trường Vinh"])
        .args([
            "--province",
            "Nghệ An",
            "--commune",
            "Phường Trường Vinh",
            "--json",
        ])
        .env("HOSO_PORTAL_PASSWORD", PASSWORD)
        .env_remove("HOSO_KEY_FILE")
        .env("HOSO_KEY_DIR", key_dir(data))
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).unwrap()
}

/// The commune's decision on a volunteer, through the admin API.
pub async fn approve(base: &str, account_id: &str, role: &str) {
    let admin = hoso_core::client::PortalClient::new(base).unwrap();
    let request = admin
        .request(
            hoso_core::client::Method::POST,
            &format!("/v1/admin/volunteers/{account_id}/approve"),
        )
        .bearer_auth(ADMIN)
        .json(&serde_json::json!({ "role": role }));
    admin.send(request).await.unwrap();
}

/// `bytes` gzip-compressed.
pub fn gzip(bytes: &[u8]) -> Vec<u8> {
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    gz.write_all(bytes).unwrap();
    gz.finish().unwrap()
}

/// Gzip `bytes` decompressed.
pub fn gunzip(bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    MultiGzDecoder::new(bytes).read_to_end(&mut out).unwrap();
    out
}

/// The first 150 procedures of the national data and the two with forms
/// the delivery tests use (1.001193, 1.000894), as crawled lines; with
/// `renamed`, the first one's name changed.
pub fn source(dir: &Path, name: &str, renamed: bool) -> PathBuf {
    let file = std::fs::File::open(SOURCE).unwrap();
    let mut out = String::new();
    for (i, line) in BufReader::new(MultiGzDecoder::new(file))
        .lines()
        .enumerate()
    {
        let line = line.unwrap();
        let mut record: Value = serde_json::from_str(&line).unwrap();
        let wanted = ["1.001193", "1.000894"].contains(&record["ma_thu_tuc"].as_str().unwrap());
        if i >= 150 && !wanted {
            continue;
        }
        if renamed && i == 0 {
            let name = record["ten_thu_tuc"].as_str().unwrap().to_string();
            record["ten_thu_tuc"] = format!("{name} (sửa đổi)").into();
            out.push_str(&record.to_string());
        } else {
            out.push_str(&line);
        }
        out.push('\n');
    }
    let path = dir.join(name);
    std::fs::write(&path, out).unwrap();
    path
}

/// The commune publishes `bundle` (`PUT /v1/admin/catalog`); the answer's
/// status and body.
pub async fn publish(base: &str, bundle: Vec<u8>) -> (u16, Value) {
    let admin = hoso_core::client::PortalClient::new(base).unwrap();
    let request = admin
        .request(hoso_core::client::Method::PUT, "/v1/admin/catalog")
        .bearer_auth(ADMIN)
        .header("Content-Type", "application/gzip")
        .body(bundle);
    match admin.send(request).await {
        Ok(answer) => (200, answer.json().unwrap()),
        Err(hoso_core::client::PortalError::Api(failure)) => (
            failure.status,
            serde_json::json!({"code": failure.code, "message_en": failure.message_en}),
        ),
        Err(e) => panic!("publishing: {e}"),
    }
}

/// `hoso` on `data` in a blocking task, its JSON answer.
pub async fn json(data: &Path, args: &[&str]) -> Value {
    let data = data.to_path_buf();
    let args: Vec<String> = args.iter().map(|a| a.to_string()).collect();
    tokio::task::spawn_blocking(move || {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        ok_json(&data, &args)
    })
    .await
    .unwrap()
}

/// `hoso catalog import SOURCE [extra…] --out BUNDLE` run by the operator
/// at `operator`; the version it made.
pub async fn import(operator: &Path, source: &Path, extra: &[&str], bundle: &Path) -> u64 {
    let mut args = vec!["catalog", "import", source.to_str().unwrap()];
    args.extend_from_slice(extra);
    args.extend(["--out", bundle.to_str().unwrap()]);
    json(operator, &args).await["version"].as_u64().unwrap()
}

/// The commune publishes `bundle` at the portal `base` and the device at
/// `device` takes it with `catalog update` as a delta, to `version`; the
/// portal's catalog info and the update's answer.
pub async fn publish_and_take_delta(
    base: &str,
    bundle: &Path,
    device: &Path,
    version: u64,
) -> (Value, Value) {
    let (status, info) = publish(base, std::fs::read(bundle).unwrap()).await;
    assert_eq!(status, 200, "{info}");
    let updated = json(device, &["catalog", "update", "--url", base]).await;
    assert_eq!(
        (&updated["catalog_version"], &updated["method"]),
        (&Value::from(version), &Value::from("delta")),
        "{updated}"
    );
    (info, updated)
}
