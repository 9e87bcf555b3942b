//! Helpers shared by the CLI tests: the real national data and running the
//! `hoso` binary on a data directory.
#![allow(dead_code)]

use serde_json::Value;
use std::path::Path;
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
