//! Catalog delta benchmark (issue #20): from the real national catalog
//! (version 1) a version 2 with 20 procedures changed, the delta between
//! them built exactly as hoso-portal builds it (`portal/src/catalog/delta.rs`:
//! the same diff into `hoso_wire::CatalogDelta<&Procedure>`, compact JSON,
//! gzip at the default level), and:
//!
//! - **bytes**: the full bundle (gzip) against the delta (gzip), and their
//!   ratio (target ≤ 5 %);
//! - **taking the delta in place** on a data directory holding version 1:
//!   reading the delta, then `CatalogStore::apply_delta` (checked against
//!   the held file, merged with its stored bytes, count and content hash
//!   verified, version 2 written, read back and made current) — median and
//!   max of several runs, each on a fresh directory (target ≤ 100 ms);
//! - beside it, the same **through bundles** (the path before
//!   `apply_delta`): reading the held catalog (`CatalogStore::bundle`),
//!   `Delta::apply`, `CatalogStore::install`, with its parts;
//! - and **installing the full bundle** on the same kind of directory
//!   (reading and verifying the bundle, installing it).
//!
//! Run: `cargo bench -p hoso-core --bench delta`. Environment:
//! `HOSO_BENCH_RUNS` (default 7), `HOSO_BENCH_DIR` (default a temp dir).

use hoso_core::catalog::bundle::{Bundle, BundleInfo};
use hoso_core::catalog::delta::Delta;
use hoso_core::catalog::parse::parse_record;
use hoso_core::catalog::source::read_records;
use hoso_core::catalog::store::CatalogStore;
use hoso_core::catalog::Procedure;
use hoso_core::wire::{CatalogDelta, DeltaFormat};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

const DATA: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../shared/data/tthc-national-2642.jsonl.gz"
);
const CHANGED: usize = 20;
const RATIO_TARGET: f64 = 5.0;
const APPLY_TARGET: Duration = Duration::from_millis(100);

/// Version 2: every 131st procedure renamed and given one more step.
fn next_version(v1: &Bundle) -> Bundle {
    let procedures = v1
        .procedures
        .iter()
        .enumerate()
        .map(|(i, p)| {
            let mut p = p.clone();
            if i % 131 == 0 && i / 131 < CHANGED {
                p.name = format!("{} (sửa đổi năm 2026)", p.name);
                p.steps
                    .push("Nộp lệ phí qua Cổng dịch vụ công quốc gia.".to_string());
            }
            p
        })
        .collect();
    Bundle::new(v1.info.version + 1, procedures)
}

fn diff<'a>(from: &BundleInfo, old: &[Procedure], to: &'a Bundle) -> CatalogDelta<&'a Procedure> {
    let changes = hoso_core::catalog::delta::changes(old, &to.procedures);
    CatalogDelta {
        format: DeltaFormat::HosoCatalogDelta,
        format_version: hoso_core::wire::catalog::FORMAT_VERSION,
        from_version: from.version,
        from_content_hash: from.content_hash.clone(),
        to_version: to.info.version,
        content_hash: to.info.content_hash.clone(),
        procedure_count: to.info.procedure_count as u64,
        created_at: to.info.created_at,
        added: changes.added,
        changed: changes.changed,
        removed: changes.removed,
        // The bench's catalogs carry no data.
        data: Vec::new(),
        data_removed: Vec::new(),
    }
}

/// The portal's encoding (`portal/src/catalog/delta.rs::encode`).
fn encode(delta: &CatalogDelta<&Procedure>) -> Vec<u8> {
    let json = serde_json::to_vec(delta).unwrap();
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
    gz.write_all(&json).unwrap();
    gz.finish().unwrap()
}

/// A fresh data directory holding `v1`.
fn holding(root: &Path, name: &str, v1: &Bundle) -> PathBuf {
    let dir = root.join(name);
    CatalogStore::open(&dir).unwrap().install(v1).unwrap();
    dir
}

fn ms(d: Duration) -> String {
    format!("{:.1} ms", d.as_secs_f64() * 1e3)
}

fn median(mut v: Vec<Duration>) -> Duration {
    v.sort();
    v[v.len() / 2]
}

fn main() {
    if std::env::args().any(|a| a == "--list") {
        return;
    }
    let runs: usize = std::env::var("HOSO_BENCH_RUNS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(7)
        .max(1);
    let tmp = tempfile::tempdir().unwrap();
    let root = std::env::var("HOSO_BENCH_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|_| tmp.path().to_path_buf());

    let records = read_records(Path::new(DATA)).unwrap();
    let v1 = Bundle::new(1, records.iter().map(parse_record).collect());
    let v2 = next_version(&v1);
    let bundle_gz = v2.write_into(Vec::new()).unwrap();
    let delta = diff(&v1.info, &v1.procedures, &v2);
    assert_eq!(delta.changed.len(), CHANGED);
    let delta_gz = encode(&delta);
    let ratio = 100.0 * delta_gz.len() as f64 / bundle_gz.len() as f64;

    // Taking the delta, part by part.
    let mut parts: [Vec<Duration>; 4] = Default::default();
    let mut totals = Vec::new();
    for run in 0..runs {
        let dir = holding(&root, &format!("delta-{run}"), &v1);
        let store = CatalogStore::open(&dir).unwrap();
        let started = Instant::now();
        let read = Delta::from_reader(&delta_gz[..]).unwrap();
        let t1 = Instant::now();
        let held = store.bundle().unwrap();
        let t2 = Instant::now();
        let next = read.apply(held).unwrap();
        let t3 = Instant::now();
        store.install(&next).unwrap();
        let t4 = Instant::now();
        assert_eq!(next.info, v2.info);
        for (i, d) in [t1 - started, t2 - t1, t3 - t2, t4 - t3]
            .into_iter()
            .enumerate()
        {
            parts[i].push(d);
        }
        totals.push(t4 - started);
        drop(store);
        std::fs::remove_dir_all(&dir).unwrap();
    }

    // Taking the delta in place.
    let mut in_place: [Vec<Duration>; 2] = Default::default();
    let mut in_place_totals = Vec::new();
    for run in 0..runs {
        let dir = holding(&root, &format!("in-place-{run}"), &v1);
        let store = CatalogStore::open(&dir).unwrap();
        let started = Instant::now();
        let read = Delta::from_reader(&delta_gz[..]).unwrap();
        let t1 = Instant::now();
        store.apply_delta(read).unwrap();
        let t2 = Instant::now();
        assert_eq!(store.current().unwrap(), Some(v2.info.clone()));
        in_place[0].push(t1 - started);
        in_place[1].push(t2 - t1);
        in_place_totals.push(t2 - started);
        drop(store);
        std::fs::remove_dir_all(&dir).unwrap();
    }

    // Installing the full bundle instead.
    let mut full = Vec::new();
    for run in 0..runs {
        let dir = holding(&root, &format!("full-{run}"), &v1);
        let store = CatalogStore::open(&dir).unwrap();
        let started = Instant::now();
        let bundle = Bundle::from_reader(&bundle_gz[..]).unwrap();
        store.install(&bundle).unwrap();
        full.push(started.elapsed());
        drop(store);
        std::fs::remove_dir_all(&dir).unwrap();
    }

    let max = |v: &[Duration]| v.iter().max().copied().unwrap_or_default();
    let pass = |ok: bool| if ok { "PASS" } else { "FAIL" };
    println!("# Catalog delta (issue #20)\n");
    println!(
        "{} procedures; version 2 changes {CHANGED}; {runs} runs each on a fresh data directory holding version 1.\n",
        v1.procedures.len()
    );
    println!("| | bytes (gzip) |\n| --- | ---: |");
    println!("| full bundle | {} |", bundle_gz.len());
    println!("| delta | {} |", delta_gz.len());
    println!(
        "| ratio | {ratio:.2} % (target ≤ {RATIO_TARGET} %: {}) |\n",
        pass(ratio <= RATIO_TARGET)
    );
    println!("| step | median | max |\n| --- | ---: | ---: |");
    for (name, v) in [
        "read the delta (gunzip, parse, bounds)",
        "apply in place (`CatalogStore::apply_delta`: check, merge, hash, write, read back, switch)",
    ]
    .iter()
    .zip(&in_place)
    {
        println!("| {name} | {} | {} |", ms(median(v.clone())), ms(max(v)));
    }
    let total = median(in_place_totals.clone());
    println!(
        "| **taking the delta in place** (target ≤ {}: {}) | **{}** | **{}** |",
        ms(APPLY_TARGET),
        pass(total <= APPLY_TARGET),
        ms(total),
        ms(max(&in_place_totals))
    );
    println!("\nThrough bundles (the path before `apply_delta`):\n");
    println!("| step | median | max |\n| --- | ---: | ---: |");
    for (name, v) in [
        "read the delta (gunzip, parse, bounds)",
        "read the held catalog (`CatalogStore::bundle`)",
        "apply and verify (count, content hash)",
        "install version 2 (`CatalogStore::install`)",
    ]
    .iter()
    .zip(&parts)
    {
        println!("| {name} | {} | {} |", ms(median(v.clone())), ms(max(v)));
    }
    let total = median(totals.clone());
    println!(
        "| **taking the delta through bundles** | **{}** | **{}** |",
        ms(total),
        ms(max(&totals))
    );
    println!(
        "| installing the full bundle (read, verify, install) | {} | {} |",
        ms(median(full.clone())),
        ms(max(&full))
    );
}
