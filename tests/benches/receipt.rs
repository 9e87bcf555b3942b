//! Receipt benchmark (issue #7): the time to parse and verify one receipt
//! QR payload offline, step by step, against what a user would otherwise do
//! — ask the portal — measured in the same run on the same receipts.
//!
//! Set-up: a real hoso-portal in-process on loopback, `HOSO_BENCH_RECEIPTS`
//! (default 200) birth registrations filed through the sync engine, so
//! every receipt is the portal's own; a device that took the key set
//! (`GET /v1/keys`). Then each path, one after the other, times every call
//! over every receipt, `HOSO_BENCH_ROUNDS` times (default 25):
//!
//! - parse: `SignedReceipt::from_qr_text` (base45 + the binary layout);
//! - verify: `verify` of the parsed receipt (Ed25519, ring) against the
//!   key set held in memory;
//! - parse + verify: `verify_text`, the whole offline check of a text;
//! - scan: `Receipts::request` — what a scan costs in the app: recognising
//!   the text, reading the key set from the device store, verifying;
//! - from a picture: `image::read` of the receipt's PNG (4 px per module),
//!   what the camera path adds once per photo;
//! - online instead: `GET /v1/lookup/{code}?token=…` over loopback HTTP
//!   (keep-alive), the best case of any online check.
//!
//! Run: `cargo bench -p hoso-tests --bench receipt`. Prints a Markdown
//! report with the median and p99 per payload.

#[path = "../tests/common/mod.rs"]
mod common;

use hoso_core::sync::Local;

use hoso_core::client::{Method, PortalClient};
use hoso_core::receipt::format::SignedReceipt;
use hoso_core::receipt::online::refresh_keys;
use hoso_core::receipt::{image, verify, verify_text, Receipts};
use hoso_tests::bench::{env_usize, load_average};
use std::time::{Duration, Instant};

/// Median and p99 of per-item times.
fn stats(mut times: Vec<Duration>) -> (Duration, Duration) {
    times.sort();
    let at = |q: f64| times[((times.len() - 1) as f64 * q).round() as usize];
    (at(0.5), at(0.99))
}

fn show(d: Duration) -> String {
    let ns = d.as_nanos() as f64;
    if ns >= 1e6 {
        format!("{:.2} ms", ns / 1e6)
    } else {
        format!("{:.1} µs", ns / 1e3)
    }
}

/// Runs `f` over every item `rounds` times; one time per call.
fn time_each<T>(items: &[T], rounds: usize, mut f: impl FnMut(&T)) -> Vec<Duration> {
    let mut out = Vec::with_capacity(items.len() * rounds);
    for _ in 0..rounds {
        for item in items {
            let t = Instant::now();
            f(item);
            out.push(t.elapsed());
        }
    }
    out
}

fn main() {
    let count = env_usize("HOSO_BENCH_RECEIPTS", 200);
    let rounds = env_usize("HOSO_BENCH_ROUNDS", 25);
    let runtime = tokio::runtime::Runtime::new().unwrap();
    let tp = runtime.block_on(common::portal(common::config()));
    let device = common::device();
    let local = Local::open(device.path(), &common::FixedKey([9; 32])).unwrap();
    let drafts = &local.drafts;
    for i in 0..count {
        let id = common::ready_draft(drafts, device.path(), &format!("receipt-bench-{i}"));
        common::freeze(&local, &id);
    }
    let client = PortalClient::new(&tp.base).unwrap();
    let texts: Vec<String> = runtime.block_on(async {
        common::citizen(&client, "0912345678").await;
        let report = common::pass(&client, &local).await;
        assert_eq!(report.submitted.len(), count);
        report
            .submitted
            .iter()
            .map(|code| {
                let t = local.filed.get(code).unwrap().unwrap();
                SignedReceipt::from_wire(t.receipt.as_ref().unwrap())
                    .unwrap()
                    .qr_text()
                    .unwrap()
            })
            .collect()
    });
    let receipts = Receipts::open(device.path(), &common::FixedKey([9; 32])).unwrap();
    runtime.block_on(refresh_keys(&client, &receipts)).unwrap();
    let keys = receipts.key_set().unwrap();
    let parsed: Vec<SignedReceipt> = texts
        .iter()
        .map(|t| SignedReceipt::from_qr_text(t).unwrap())
        .collect();
    let pngs: Vec<Vec<u8>> = texts.iter().map(|t| image::png(t, 4).unwrap()).collect();
    let lookups: Vec<String> = parsed
        .iter()
        .map(|r| {
            format!(
                "/v1/lookup/{}?token={}",
                r.payload.dossier_code,
                hoso_core::receipt::json::token_text(&r.payload.lookup_token)
            )
        })
        .collect();
    let bytes = parsed[0].to_bytes().unwrap().len();
    let shape = image::shape(&texts[0]).unwrap();

    // Warm up every path once.
    for (i, t) in texts.iter().enumerate() {
        assert!(verify_text(t, &keys).1.is_valid());
        assert!(receipts.request(t).unwrap().verified);
        assert_eq!(image::read(&pngs[i]).unwrap()[0], *t);
    }
    let parse = time_each(&texts, rounds, |t| {
        std::hint::black_box(SignedReceipt::from_qr_text(t).unwrap());
    });
    let verify_only = time_each(&parsed, rounds, |r| {
        assert!(verify(r, &keys).is_valid());
    });
    let both = time_each(&texts, rounds, |t| {
        assert!(verify_text(t, &keys).1.is_valid());
    });
    let scan = time_each(&texts, rounds, |t| {
        assert!(receipts.request(t).unwrap().verified);
    });
    let picture = time_each(&pngs, 1, |p| {
        std::hint::black_box(image::read(p).unwrap());
    });
    let online = runtime.block_on(async {
        let mut out = Vec::new();
        for _ in 0..rounds.min(5) {
            for path in &lookups {
                let t = Instant::now();
                client
                    .send(client.request(Method::GET, path))
                    .await
                    .unwrap();
                out.push(t.elapsed());
            }
        }
        out
    });

    println!(
        "hoso receipts: {count} receipts issued by hoso-portal (birth registration, H40.22), {bytes} bytes each ({} QR characters, version {} at level M); {rounds} rounds per path; load average {}",
        texts[0].len(),
        shape.version,
        load_average()
    );
    println!();
    println!("| per payload | n | median | p99 |");
    println!("|---|---|---|---|");
    for (name, times) in [
        ("parse (`from_qr_text`)", parse),
        ("verify (Ed25519, parsed)", verify_only),
        ("parse + verify (`verify_text`)", both),
        (
            "scan (`Receipts::request`: recognise, key set from store, verify)",
            scan,
        ),
        ("from a PNG (`image::read`, 4 px/module)", picture),
        ("online instead: `GET /v1/lookup` on loopback", online),
    ] {
        let n = times.len();
        let (med, p99) = stats(times);
        println!("| {name} | {n} | {} | {} |", show(med), show(p99));
    }
}
