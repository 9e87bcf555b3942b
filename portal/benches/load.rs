//! Load benchmark of hoso-portal (issue #5): a real `hoso-portal serve`
//! started as a second process on loopback, driven by concurrent clients
//! that each upload one document (tus, with chunk checksum) and submit a
//! birth registration naming it, with a fresh Idempotency-Key — the path a
//! phone takes. Reports submissions per second and latency percentiles,
//! beside two floors measured in the same run: `GET /v1/health` (the HTTP
//! stack alone) and uploads alone.
//!
//! `cargo bench -p hoso-portal --bench load` (10,000 dossiers, 32 clients);
//! `HOSO_LOAD_DOSSIERS` and `HOSO_LOAD_CLIENTS` change the size,
//! `HOSO_BENCH_DIR` where the portal keeps its data (default: a temp dir).

#[path = "../tests/common/mod.rs"]
mod common;

use serde_json::{json, Value};
use std::io::BufRead;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

const SOURCE: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../shared/data/tthc-national-2642.jsonl.gz"
);

struct Server {
    child: Child,
    base: String,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn start_server(dir: &Path) -> Server {
    let bundle = dir.join("catalog.bundle");
    let store = hoso_core::catalog::store::CatalogStore::open(&dir.join("import")).expect("store");
    hoso_core::catalog::import(&store, Path::new(SOURCE), Some(&bundle)).expect("import");
    let mut child = Command::new(env!("CARGO_BIN_EXE_hoso-portal"))
        .args(["serve", "--addr", "127.0.0.1:0", "--sim", "off"])
        .args(["--rate-limit", "1000000", "--rate-burst", "1000000"])
        .args(["--password-iterations", "1000"])
        .arg("--data")
        .arg(dir.join("portal"))
        .arg("--catalog")
        .arg(&bundle)
        // The admin token from the environment (never the command line).
        .env(
            "HOSO_PORTAL_ADMIN_TOKEN",
            "bench-admin-token-0123456789abcdef",
        )
        .stdout(Stdio::piped())
        .spawn()
        .expect("start hoso-portal");
    let stdout = child.stdout.take().expect("stdout");
    let mut lines = std::io::BufReader::new(stdout).lines();
    let first = lines.next().expect("banner").expect("banner");
    let base = first
        .split_whitespace()
        .find(|w| w.starts_with("http://"))
        .expect("address")
        .trim_end_matches("/v1/")
        .to_string();
    std::thread::spawn(move || for _ in lines {});
    Server { child, base }
}

fn percentile(sorted: &[Duration], p: f64) -> Duration {
    if sorted.is_empty() {
        return Duration::ZERO;
    }
    let i = ((sorted.len() as f64 - 1.0) * p).round() as usize;
    sorted[i.min(sorted.len() - 1)]
}

fn row(name: &str, n: usize, wall: Duration, mut lat: Vec<Duration>) {
    lat.sort();
    println!(
        "| {name} | {n} | {:.0}/s | {:.2} ms | {:.2} ms | {:.2} ms |",
        n as f64 / wall.as_secs_f64(),
        percentile(&lat, 0.5).as_secs_f64() * 1e3,
        percentile(&lat, 0.99).as_secs_f64() * 1e3,
        lat.last().copied().unwrap_or_default().as_secs_f64() * 1e3,
    );
}

/// A ~16 KiB PDF unique to `n`.
fn document(client: usize, n: usize) -> Vec<u8> {
    let mut pdf = format!("%PDF-1.4\n% client {client} dossier {n}\n").into_bytes();
    pdf.resize(16 * 1024 - 6, b' ');
    pdf.extend_from_slice(b"%%EOF\n");
    pdf
}

async fn login(http: &reqwest::Client, base: &str, client: usize) -> String {
    let phone = format!("09{:08}", 10_000_000 + client);
    let res = http
        .post(format!("{base}/v1/accounts"))
        .json(&json!({"kind": "citizen", "phone": phone, "password": "bench-password", "full_name": "Nguyễn Văn An"}))
        .send()
        .await
        .expect("register");
    assert_eq!(res.status(), 201);
    let pair: Value = http
        .post(format!("{base}/v1/auth/login"))
        .json(&json!({"phone": phone, "password": "bench-password"}))
        .send()
        .await
        .expect("login")
        .json()
        .await
        .expect("tokens");
    pair["access_token"].as_str().expect("token").to_string()
}

fn main() {
    let dossiers: usize = std::env::var("HOSO_LOAD_DOSSIERS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(10_000);
    let clients: usize = std::env::var("HOSO_LOAD_CLIENTS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(32);
    let scratch = match std::env::var_os("HOSO_BENCH_DIR") {
        Some(d) => tempfile::tempdir_in(d),
        None => tempfile::tempdir(),
    }
    .expect("bench dir");
    let server = start_server(scratch.path());
    let base = Arc::new(server.base.clone());
    let runtime = tokio::runtime::Runtime::new().expect("runtime");
    runtime.block_on(async move {
        hoso_core::client::install_crypto_provider();
        let http = reqwest::Client::builder().pool_max_idle_per_host(clients).build().expect("client");
        let mut tokens = Vec::new();
        for c in 0..clients {
            tokens.push(login(&http, &base, c).await);
        }
        println!("hoso-portal load: {dossiers} dossiers, {clients} concurrent clients, one 16 KiB PDF each\n");
        println!("| operation | requests | throughput | p50 | p99 | max |");
        println!("|---|---|---|---|---|---|");

        // Floor: the HTTP stack alone.
        let started = Instant::now();
        let mut tasks = Vec::new();
        for _ in 0..clients {
            let (http, base) = (http.clone(), base.clone());
            let n = dossiers / clients;
            tasks.push(tokio::spawn(async move {
                let mut lat = Vec::with_capacity(n);
                for _ in 0..n {
                    let t = Instant::now();
                    let res = http.get(format!("{base}/v1/health")).send().await.expect("health");
                    assert_eq!(res.status(), 200);
                    lat.push(t.elapsed());
                }
                lat
            }));
        }
        let mut lat = Vec::new();
        for t in tasks {
            lat.extend(t.await.expect("task"));
        }
        row("GET /v1/health (floor)", lat.len(), started.elapsed(), lat);

        // Uploads, then submissions naming them.
        let started = Instant::now();
        let mut tasks = Vec::new();
        for (c, token) in tokens.iter().enumerate() {
            let (http, base, token) = (http.clone(), base.clone(), token.clone());
            let n = dossiers / clients + usize::from(c < dossiers % clients);
            tasks.push(tokio::spawn(async move {
                let mut refs = Vec::with_capacity(n);
                let mut lat = Vec::with_capacity(n);
                for i in 0..n {
                    let t = Instant::now();
                    refs.push(
                        common::upload_to(&http, &base, &token, &document(c, i), "application/pdf", "giay-chung-sinh.pdf")
                            .await,
                    );
                    lat.push(t.elapsed());
                }
                (token, refs, lat)
            }));
        }
        let mut uploaded = Vec::new();
        let mut lat = Vec::new();
        for t in tasks {
            let (token, refs, l) = t.await.expect("task");
            lat.extend(l);
            uploaded.push((token, refs));
        }
        row("upload 16 KiB (create + PATCH)", lat.len(), started.elapsed(), lat);

        let values = Arc::new(common::birth_values());
        let started = Instant::now();
        let mut tasks = Vec::new();
        for (c, (token, refs)) in uploaded.into_iter().enumerate() {
            let (http, base, values) = (http.clone(), base.clone(), values.clone());
            tasks.push(tokio::spawn(async move {
                let mut lat = Vec::with_capacity(refs.len());
                for (i, doc) in refs.into_iter().enumerate() {
                    let body = json!({
                        "procedure_code": "1.001193", "catalog_version": 1, "agency_code": "H40.22",
                        "channel": "online", "form_values": *values, "documents": {"doc05": [doc]},
                    });
                    let t = Instant::now();
                    let res = http
                        .post(format!("{base}/v1/dossiers"))
                        .bearer_auth(&token)
                        .header("Idempotency-Key", format!("load-{c:04}-{i:08}"))
                        .json(&body)
                        .send()
                        .await
                        .expect("submit");
                    let status = res.status();
                    let text = res.text().await.unwrap_or_default();
                    assert_eq!(status, 201, "{text}");
                    lat.push(t.elapsed());
                }
                lat
            }));
        }
        let mut lat = Vec::new();
        for t in tasks {
            lat.extend(t.await.expect("task"));
        }
        row("POST /v1/dossiers (idempotent, re-validated, signed)", lat.len(), started.elapsed(), lat);

        let stats: Value = http
            .get(format!("{base}/v1/admin/stats"))
            .bearer_auth("bench")
            .send()
            .await
            .expect("stats")
            .json()
            .await
            .expect("stats json");
        println!("\nportal afterwards: {} dossiers, {} blobs, {} idempotency keys", stats["dossiers"], stats["blobs"], stats["idempotency_keys"]);
        assert_eq!(stats["dossiers"].as_u64(), Some(dossiers as u64));
    });
    drop(server);
}
