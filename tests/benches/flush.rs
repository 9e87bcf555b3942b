//! Outbox flush benchmark (issue #6): the time for hoso-core's sync engine
//! to send 1,000 queued dossiers to a real hoso-portal on loopback, and the
//! bytes it puts on the wire per dossier, both ways, counted by the
//! `hoso_tests::wire` proxy between them (TCP payload: HTTP headers and
//! bodies). Each dossier is a complete birth registration (1.001193: the
//! shared fixture's 32 values and the child's date of birth) with one
//! 300,000-byte PDF, frozen in the outbox; no faults. The engine sends them
//! `HOSO_BENCH_CONCURRENCY` at a time (default: the engine's default, 4):
//! per dossier `POST /v1/uploads` (declare), one `PATCH`
//! (the file, with its checksum) and `POST /v1/dossiers` (with its
//! Idempotency-Key), journalling each step on the device.
//!
//! Side by side, for the same dossiers: what a form would otherwise send,
//! one `multipart/form-data` request (a JSON part with the form, a file part
//! with the PDF) answered with the same dossier. Its body is built for real
//! (RFC 7578 framing, reqwest's boundary) from the same values and file
//! bytes and counted; its headers are those hoso's own JSON submission puts
//! on the wire, measured through the proxy, with `Content-Type` and
//! `Content-Length` changed to the multipart ones; its answer is the
//! portal's answer to the JSON submission, measured (a replay, less its
//! `idempotent-replayed` header).
//!
//! Run: `cargo bench -p hoso-tests --bench flush`. Environment:
//! `HOSO_BENCH_DOSSIERS` (default 1000), `HOSO_BENCH_PDF_BYTES` (default
//! 300000), `HOSO_BENCH_DIR` (where the device and portal keep their data;
//! default a temp dir — set it to the real disk, fsync is part of the cost).
//! The portal runs in-process (as in the integration tests), so client and
//! server share the machine's cores.

#[path = "../tests/common/mod.rs"]
mod common;

use hoso_core::client::{Method, PortalClient};
use hoso_core::draft::Drafts;
use hoso_core::outbox::{Submission, SubmissionState};
use hoso_core::sync::engine::{sync_once, SyncEvent, SyncOptions, SyncReport};
use hoso_core::sync::Local;
use hoso_portal::{Options, Portal};
use hoso_tests::bench::{env_usize, load_average};
use hoso_tests::wire::{Proxy, Snapshot};
use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// The call into the engine, in one place: one pass over the outbox.
async fn pass(
    client: &PortalClient,
    local: &Local,
    options: &SyncOptions,
    on_submitted: &(dyn Fn() + Send + Sync),
) -> SyncReport {
    sync_once(client, local, common::now(), options, &|e| {
        if matches!(e, SyncEvent::Submitted { .. }) {
            on_submitted()
        }
    })
    .await
    .expect("sync pass")
}

/// Passes until nothing is pending (one, without faults).
async fn flush(
    client: &PortalClient,
    local: &Local,
    options: &SyncOptions,
    on_submitted: &(dyn Fn() + Send + Sync),
) -> (usize, u64) {
    let (mut submitted, mut bytes) = (0, 0);
    for _ in 0..10 {
        let report = pass(client, local, options, on_submitted).await;
        assert_eq!(report.needs_user, 0, "{report:?}");
        submitted += report.submitted.len();
        bytes += report.bytes_sent;
        if report.retry_later == 0 {
            break;
        }
    }
    (submitted, bytes)
}

/// A complete birth registration with its PDF attached, frozen.
fn queue(local: &Local, dir: &Path, n: usize, pdf_bytes: usize) {
    let drafts = &local.drafts;
    let id = common::filled_draft(drafts);
    common::attach_pdf(
        drafts,
        dir,
        &id,
        "doc05",
        pdf_bytes,
        &format!("dossier {n}"),
    );
    common::freeze(local, &id);
}

/// reqwest's multipart boundary: four 16-digit hex groups.
const BOUNDARY: &str = "6b1d1b3e9f0a2c47-0d5e8a1f3b7c9e24-a4f2c6e8b0d1f3a5-97c5e3a1f8d6b4c2";

/// The `multipart/form-data` body a form would post for `s`: the form as
/// JSON (its documents named by the file parts instead of by hash), then
/// each file. Also the length of the JSON part's content.
fn multipart_body(drafts: &Drafts, s: &Submission) -> (Vec<u8>, u64) {
    let mut form = s.body.clone();
    if let Some(o) = form.as_object_mut() {
        o.remove("documents");
    }
    let mut body = Vec::new();
    body.extend_from_slice(
        format!(
            "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"dossier\"\r\nContent-Type: application/json\r\n\r\n"
        )
        .as_bytes(),
    );
    let form = serde_json::to_vec(&form).expect("json");
    body.extend_from_slice(&form);
    body.extend_from_slice(b"\r\n");
    let documents = s.body["documents"].as_object().expect("documents");
    for (slot, files) in documents {
        for f in files.as_array().expect("files") {
            let sha = f["sha256"].as_str().expect("sha256");
            let size = f["size"].as_u64().expect("size");
            body.extend_from_slice(
                format!(
                    "--{BOUNDARY}\r\nContent-Disposition: form-data; name=\"{slot}\"; filename=\"{}\"\r\nContent-Type: {}\r\n\r\n",
                    f["file_name"].as_str().expect("file name"),
                    f["media_type"].as_str().expect("media type"),
                )
                .as_bytes(),
            );
            let bytes = drafts
                .read_attachment_range(sha, 0, size)
                .expect("attachment");
            body.extend_from_slice(&bytes);
            body.extend_from_slice(b"\r\n");
        }
    }
    body.extend_from_slice(format!("--{BOUNDARY}--\r\n").as_bytes());
    (body, form.len() as u64)
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

fn ms(d: Duration) -> String {
    format!("{:.2} ms", d.as_secs_f64() * 1e3)
}

fn main() {
    let dossiers = env_usize("HOSO_BENCH_DOSSIERS", 1000);
    let pdf_bytes = env_usize("HOSO_BENCH_PDF_BYTES", 300_000);
    let scratch = match std::env::var_os("HOSO_BENCH_DIR") {
        Some(d) => tempfile::tempdir_in(d),
        None => tempfile::tempdir(),
    }
    .expect("bench dir");
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .expect("runtime");
    runtime.block_on(run(scratch.path(), dossiers, pdf_bytes));
}

async fn run(dir: &Path, dossiers: usize, pdf_bytes: usize) {
    // The portal, in-process, its data on `dir`.
    let catalog = dir.join("catalog.bundle");
    common::bundle().write_to(&catalog).expect("bundle");
    let portal = Arc::new(
        Portal::open(Options {
            data_dir: dir.join("portal"),
            catalog,
            config: common::config(),
        })
        .expect("portal"),
    );
    let (addr, _server) = hoso_portal::start(portal, "127.0.0.1:0".parse().expect("addr"))
        .await
        .expect("serve");
    let proxy = Proxy::start(addr).await.expect("proxy");

    // The device: catalog, key, 1,000 frozen dossiers.
    let device = dir.join("device");
    std::fs::create_dir_all(&device).expect("device dir");
    hoso_core::catalog::store::CatalogStore::open(&device)
        .expect("catalog store")
        .install(common::bundle())
        .expect("install");
    let local = Local::open(&device, &common::FixedKey([6; 32])).expect("drafts");
    let drafts = &local.drafts;
    let values: Vec<(String, String)> =
        serde_json::from_str::<std::collections::BTreeMap<String, String>>(common::VALUES)
            .expect("fixture")
            .into_iter()
            .collect();
    let started = Instant::now();
    for n in 0..dossiers {
        queue(&local, &device, n, pdf_bytes);
    }
    let queued_in = started.elapsed();
    let queued = local.outbox.all().expect("submissions");
    assert_eq!(queued.len(), dossiers);
    // The baseline's bodies, while the files are still on the device (the
    // outbox releases them once the portal has them).
    let (mut multipart, mut forms, mut content) = (0u64, 0u64, 0u64);
    for s in &queued {
        let (body, form) = multipart_body(drafts, s);
        multipart += body.len() as u64;
        forms += form;
        content += s.files.iter().map(|f| f.size).sum::<u64>();
    }

    let client = PortalClient::new(&proxy.url()).expect("client");
    common::citizen(&client, "0912345678").await;

    // The flush.
    let load_before = load_average();
    let before = proxy.snapshot();
    let marks = std::sync::Mutex::new(Vec::with_capacity(dossiers));
    let options = SyncOptions {
        concurrency: env_usize("HOSO_BENCH_CONCURRENCY", SyncOptions::default().concurrency),
        ..SyncOptions::default()
    };
    let started = Instant::now();
    let (submitted, bytes_sent) = flush(&client, &local, &options, &|| {
        if let Ok(mut m) = marks.lock() {
            m.push(Instant::now());
        }
    })
    .await;
    let marks = marks.into_inner().expect("marks");
    let wall = started.elapsed();
    let wire = proxy.snapshot().since(&before);
    let load_after = load_average();
    assert_eq!(submitted, dossiers);
    assert_eq!(bytes_sent, content, "each file sent once");
    let all = local.outbox.all().expect("submissions");
    assert!(all.iter().all(|s| s.state == SubmissionState::Submitted));
    let mut gaps: Vec<Duration> = marks
        .iter()
        .scan(started, |prev, &t| {
            let gap = t - *prev;
            *prev = t;
            Some(gap)
        })
        .collect();
    gaps.sort();

    // The JSON submission's own wire cost, measured on a replay of the
    // first one (same key, same body, same headers).
    let first = &all[0];
    let json_len = serde_json::to_vec(&first.body).expect("json").len() as u64;
    let key = format!("\"{}\"", first.idempotency_key);
    let mark = proxy.snapshot();
    let replay = client
        .authed(|c| {
            c.request(Method::POST, "/v1/dossiers")
                .header("Idempotency-Key", key.clone())
                .json(&first.body)
        })
        .await
        .expect("replay");
    let json_post: Snapshot = proxy.snapshot().since(&mark);
    assert_eq!(replay.header("idempotent-replayed"), Some("true"));
    let answer = json_post.down - "idempotent-replayed: true\r\n".len() as u64;
    let json_headers = json_post.up - json_len;

    // The multipart request: the same headers, its own type and length.
    let digits = |n: u64| n.to_string().len() as u64;
    let mp_body = multipart / dossiers as u64;
    let mp_type = format!("multipart/form-data; boundary={BOUNDARY}");
    let mp_headers = json_headers - "application/json".len() as u64 + mp_type.len() as u64
        - digits(json_len)
        + digits(mp_body);
    let base_up = mp_headers + mp_body;
    let base_down = answer;
    let n = dossiers as u64;
    let (up, down) = (wire.up / n, wire.down / n);
    let pct = |a: u64, b: u64| (a as f64 / b as f64 - 1.0) * 100.0;

    println!(
        "hoso flush: {dossiers} queued dossiers (birth registration, {} values, one {pdf_bytes}-byte PDF each), one sync pass, no faults; portal in-process on loopback; load average {load_before} before, {load_after} after\n",
        values.len() + 1
    );
    println!("| | dossiers | wall | dossiers/s | per dossier p50 | p99 | max |");
    println!("|---|---|---|---|---|---|---|");
    println!(
        "| flush (`sync_once`) | {submitted} | {:.2} s | {:.0} | {} | {} | {} |",
        wall.as_secs_f64(),
        submitted as f64 / wall.as_secs_f64(),
        ms(percentile(&gaps, 0.5)),
        ms(percentile(&gaps, 0.99)),
        ms(gaps.last().copied().unwrap_or_default()),
    );
    println!(
        "\nQueueing them (create, {} values, attach, freeze; all durable): {:.2} s. New TCP connections during the flush: {}.\n",
        values.len() + 1,
        queued_in.as_secs_f64(),
        wire.connections
    );
    println!("| bytes per dossier | up (client→portal) | down | total | over the file |");
    println!("|---|---|---|---|---|");
    let file = content / n;
    println!(
        "| hoso (declare + PATCH + JSON submit) | {up} | {down} | {} | {:+.2}% |",
        up + down,
        pct(up + down, file)
    );
    println!(
        "| one multipart/form-data POST | {base_up} | {base_down} | {} | {:+.2}% |",
        base_up + base_down,
        pct(base_up + base_down, file)
    );
    println!(
        "| hoso's protocol overhead | {:+} ({:+.2}%) | {:+} ({:+.2}%) | {:+} ({:+.2}%) | |",
        up as i64 - base_up as i64,
        pct(up, base_up),
        down as i64 - base_down as i64,
        pct(down, base_down),
        (up + down) as i64 - (base_up + base_down) as i64,
        pct(up + down, base_up + base_down),
    );
    println!(
        "\nMultipart baseline, per dossier: body {mp_body} B ({} B of JSON form, {file} B of PDF, {} B of framing), headers {mp_headers} B; answer {base_down} B (the portal's answer to the JSON submission). hoso's JSON submission alone: {} B up ({json_len} B body), {} B down.",
        forms / n,
        mp_body - forms / n - file,
        json_post.up,
        json_post.down,
    );
}
