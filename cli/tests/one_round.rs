//! The sync entry points share one round (issue #17): the same scenario —
//! a birth registration queued on a device, sent, then moved by an officer
//! and pulled — run through `hoso sync` on one device and through the
//! binding's `sync_now` on another, against one real hoso-portal, ends in
//! the same status and history with the same events in the same order.

mod common;

use common::{hoso, ok_json};
use hoso_ffi::{EventListener, Hoso, HosoEvent, HostError, KeyProvider};
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

const VALUES: &str = include_str!("../../tests/data/birth-registration.json");

/// The CLI's key file, read the way an app's keystore hands over its key.
struct KeyFile(PathBuf);

impl KeyProvider for KeyFile {
    fn data_key(&self) -> Result<Vec<u8>, HostError> {
        std::fs::read(&self.0).map_err(|e| HostError::Failed {
            message: e.to_string(),
        })
    }
}

/// Collects what the binding tells its listener.
#[derive(Default)]
struct Heard(Mutex<Vec<HosoEvent>>);

impl EventListener for Heard {
    fn on_event(&self, event: HosoEvent) -> Result<(), HostError> {
        self.0.lock().unwrap().push(event);
        Ok(())
    }
}

impl Heard {
    fn take(&self) -> Vec<HosoEvent> {
        std::mem::take(&mut *self.0.lock().unwrap())
    }
}

/// The one key file the CLI made in `dir` (the binding opens the device
/// with the same key).
fn the_key_file(dir: &Path) -> std::path::PathBuf {
    let keys: Vec<_> = std::fs::read_dir(dir)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "key"))
        .collect();
    assert_eq!(keys.len(), 1, "{keys:?}");
    keys[0].clone()
}

/// A device with the catalog, a logged-in account (`phone`) and one
/// complete birth registration queued for the test ward, all through the
/// CLI; returns the draft id.
fn queued_device(data: &Path, bundle: &Path, base: &str, phone: &str) {
    ok_json(data, &["catalog", "import", bundle.to_str().unwrap()]);
    common::register_citizen(data, base, phone, "Nguyễn Văn An");
    let created = ok_json(data, &["draft", "new", "1.001193", "--no-prefill"]);
    let id = created["draft"]["id"].as_str().unwrap().to_string();
    let mut values: std::collections::BTreeMap<String, String> =
        serde_json::from_str(VALUES).unwrap();
    // Born ten days ago: inside the registration window on any day.
    let born = time::OffsetDateTime::now_utc().date() - time::Duration::days(10);
    values.insert(
        "child.date_of_birth".into(),
        format!(
            "{:02}/{:02}/{}",
            born.day(),
            u8::from(born.month()),
            born.year()
        ),
    );
    for (path, value) in &values {
        ok_json(data, &["draft", "set", &id, path, value]);
    }
    let pdf = data.with_extension("pdf");
    std::fs::write(&pdf, b"%PDF-1.4\n% giay chung sinh\ntrailer\n%%EOF\n").unwrap();
    ok_json(
        data,
        &["attach", "add", &id, "doc05", pdf.to_str().unwrap()],
    );
    ok_json(data, &["submit", &id, "--agency", "H40.22"]);
}

/// A round's events as a comparable trace: submission states, the
/// submission sent, status changes and the round's end (upload progress,
/// whose count depends on chunking, is one mark however many).
fn trace_of_cli(report: &Value) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for e in report["events"].as_array().unwrap() {
        let mark = match e["event"].as_str().unwrap() {
            "submission_state" => format!("state {}", e["state"].as_str().unwrap()),
            "uploading" => "upload".into(),
            "submitted" => "submitted".into(),
            "waiting_for_unmetered" => "waiting".into(),
            "status_changed" => format!("status {}", e["status"]),
            "round" => format!(
                "round sent {} changes {}",
                e["report"]["submitted"].as_array().unwrap().len(),
                e["report"]["status_changes"].as_array().unwrap().len()
            ),
            other => panic!("unexpected event {other}: {e}"),
        };
        if out.last() != Some(&mark) || mark != "upload" {
            out.push(mark);
        }
    }
    out
}

fn trace_of_binding(events: Vec<HosoEvent>) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for e in events {
        let mark = match e {
            HosoEvent::SubmissionStateChanged { state, .. } => {
                let name = format!("{state:?}");
                // FailedRetryable → failed_retryable, as the CLI names it.
                let mut snake = String::new();
                for (i, c) in name.chars().enumerate() {
                    if c.is_uppercase() && i > 0 {
                        snake.push('_');
                    }
                    snake.extend(c.to_lowercase());
                }
                format!("state {snake}")
            }
            HosoEvent::UploadProgress { .. } => "upload".into(),
            HosoEvent::Submitted { .. } => "submitted".into(),
            HosoEvent::WaitingForUnmetered { .. } => "waiting".into(),
            HosoEvent::StatusChanged { status, .. } => format!("status {status}"),
            HosoEvent::SyncPassFinished { summary } => format!(
                "round sent {} changes {}",
                summary.submitted.len(),
                summary.status_changes.len()
            ),
            other => panic!("unexpected event {other:?}"),
        };
        if out.last() != Some(&mark) || mark != "upload" {
            out.push(mark);
        }
    }
    out
}

async fn officer_moves(base: &str, code: &str, status: u8) {
    common::officer(
        base,
        code,
        serde_json::json!({"status": status, "note": "Đã tiếp nhận"}),
    )
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn hoso_sync_and_sync_now_run_the_same_round() {
    let dir = tempfile::tempdir().unwrap();
    // Each in its own parent, so each key directory holds one key.
    let (cli_device, app_device) = (
        dir.path().join("cli").join("device"),
        dir.path().join("app").join("device"),
    );
    let (bundle, base, _task) = common::national_portal(dir.path()).await;

    // The same queued dossier on both devices (two accounts).
    let (c, a, b, u) = (
        cli_device.clone(),
        app_device.clone(),
        bundle.clone(),
        base.clone(),
    );
    tokio::task::spawn_blocking(move || {
        queued_device(&c, &b, &u, "0912345678");
        queued_device(&a, &b, &u, "0987654321");
    })
    .await
    .unwrap();

    // Sent: through the CLI, and through the binding.
    let c = cli_device.clone();
    let cli_sent = tokio::task::spawn_blocking(move || ok_json(&c, &["sync"]))
        .await
        .unwrap();
    let heard = Arc::new(Heard::default());
    let app = Hoso::new(
        app_device.display().to_string(),
        Arc::new(KeyFile(the_key_file(&common::key_dir(&app_device)))),
        Some(heard.clone()),
        None,
    )
    .unwrap();
    let app_sent = app.sync_now(false).await.unwrap();
    let cli_code = cli_sent["submitted"][0].as_str().unwrap().to_string();
    let app_code = app_sent.submitted[0].clone();
    let cli_trace = trace_of_cli(&cli_sent);
    assert_eq!(cli_trace, trace_of_binding(heard.take()), "{cli_sent}");
    assert!(
        cli_trace.contains(&"submitted".to_string()),
        "{cli_trace:?}"
    );

    // An officer takes both up; the next round pulls the change.
    officer_moves(&base, &cli_code, 2).await;
    officer_moves(&base, &app_code, 2).await;
    let c = cli_device.clone();
    let cli_pulled = tokio::task::spawn_blocking(move || ok_json(&c, &["sync"]))
        .await
        .unwrap();
    app.sync_now(false).await.unwrap();
    let cli_trace = trace_of_cli(&cli_pulled);
    assert_eq!(cli_trace, vec!["status 2", "round sent 0 changes 1"]);
    assert_eq!(cli_trace, trace_of_binding(heard.take()));

    // The same status and history on both devices.
    let app_dossier = app.dossier(app_code.clone()).unwrap().unwrap();
    drop(app);
    let c = cli_device.clone();
    let cli_status = tokio::task::spawn_blocking(move || ok_json(&c, &["status", "--offline"]))
        .await
        .unwrap();
    let cli_dossier = &cli_status["dossiers"][0];
    assert_eq!(cli_dossier["code"], cli_code.as_str());
    assert_eq!(cli_dossier["status"], 2);
    assert_eq!(i64::from(app_dossier.status), 2);
    let cli_history: Vec<i64> = cli_dossier["history"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["status"].as_i64().unwrap())
        .collect();
    let app_history: Vec<i64> = app_dossier
        .history
        .iter()
        .map(|h| i64::from(h.status))
        .collect();
    assert_eq!(cli_history, vec![1, 2]);
    assert_eq!(cli_history, app_history);
    // Nothing the CLI says here depends on which device it was.
    assert!(hoso(&cli_device, &["outbox", "--json"]).status.success());
}
