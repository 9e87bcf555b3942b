//! Catalog delta updates (issue #20) against the real hoso-portal on
//! loopback serving the whole national catalog: version 2 publishes 20
//! changed procedures, 3 added and 3 removed. A device holding version 1
//! takes the delta, at a few percent of the bundle's bytes; a delta that
//! does not verify, a version the portal no longer keeps and a delta
//! larger than the metered limit take the bundle or wait; a delta cut off
//! on the network, or a device process killed while applying it, leaves a
//! whole, searchable catalog. Between device and portal, where a test
//! needs it, a proxy counts or edits the portal's own answers
//! (`common::proxy`).

mod common;

use common::kill;
use common::proxy::{Mode, Proxy};
use hoso_core::catalog::bundle::{content_hash, Bundle};
use hoso_core::catalog::store::{CatalogStore, Installed};
use hoso_core::client::{Method, PortalClient};
use hoso_core::receipt::Receipts;
use hoso_core::search::{SearchIndex, SearchQuery};
use hoso_core::sync::catalog::{
    update, CatalogUpdate, CatalogUpdateError, FallbackReason, UpdateMethod, UpdateOptions,
};
use hoso_portal::{Options, Portal};
use std::io::{BufRead, BufReader};
use std::path::{Path, PathBuf};
use std::sync::{Arc, OnceLock};
use std::time::{Duration, Instant};

/// Procedures changed, added and removed by version 2.
const CHANGED: usize = 20;
const ADDED: usize = 3;
const REMOVED: usize = 3;

/// The whole national catalog, version 1.
fn national() -> &'static Bundle {
    static B: OnceLock<Bundle> = OnceLock::new();
    B.get_or_init(|| {
        let records = hoso_core::catalog::source::read_records(Path::new(common::SOURCE)).unwrap();
        let procedures = records
            .iter()
            .map(hoso_core::catalog::parse::parse_record)
            .collect();
        Bundle::new(1, procedures)
    })
}

/// Version 2: every 131st procedure renamed and given one more step (20),
/// three new ones (drone permits, findable by "flycam"), three removed.
fn published() -> &'static Bundle {
    static B: OnceLock<Bundle> = OnceLock::new();
    B.get_or_init(|| {
        let old = &national().procedures;
        let mut procedures = Vec::new();
        for (i, p) in old.iter().enumerate() {
            let mut p = p.clone();
            if (1..=REMOVED).contains(&i) {
                continue;
            }
            if i % 131 == 0 && i / 131 < CHANGED {
                p.name = format!("{} (sửa đổi năm 2026)", p.name);
                p.steps
                    .push("Nộp lệ phí qua Cổng dịch vụ công quốc gia.".to_string());
            }
            procedures.push(p);
        }
        for i in 0..ADDED {
            let mut p = old[10 + i].clone();
            p.code = format!("9.90000{i}");
            p.name = format!("Cấp giấy phép bay flycam thí điểm số {i}");
            procedures.push(p);
        }
        Bundle::new(2, procedures)
    })
}

fn gzipped(bundle: &Bundle) -> Vec<u8> {
    bundle.write_into(Vec::new()).unwrap()
}

fn national_gz() -> &'static [u8] {
    static G: OnceLock<Vec<u8>> = OnceLock::new();
    G.get_or_init(|| gzipped(national()))
}

fn published_gz() -> &'static [u8] {
    static G: OnceLock<Vec<u8>> = OnceLock::new();
    G.get_or_init(|| gzipped(published()))
}

/// A portal serving `bundle` (gzip bytes) on an ephemeral port.
async fn portal(bundle: &[u8]) -> common::TestPortal {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("catalog.bundle");
    std::fs::write(&path, bundle).unwrap();
    let portal = Arc::new(
        Portal::open(Options {
            data_dir: dir.path().join("portal"),
            catalog: path,
            config: common::config(),
        })
        .unwrap(),
    );
    let (addr, _task) = hoso_portal::start(portal.clone(), "127.0.0.1:0".parse().unwrap())
        .await
        .unwrap();
    common::TestPortal {
        dir,
        portal,
        base: format!("http://{addr}"),
    }
}

/// The commune publishes version 2 (`PUT /v1/admin/catalog`).
async fn publish(tp: &common::TestPortal) {
    let http = PortalClient::new(&tp.base).unwrap();
    let answer = http
        .send(
            http.request(Method::PUT, "/v1/admin/catalog")
                .bearer_auth(common::ADMIN)
                .header("Content-Type", "application/gzip")
                .body(published_gz().to_vec()),
        )
        .await
        .unwrap();
    let info: serde_json::Value = answer.json().unwrap();
    assert_eq!(info["version"], 2);
    assert_eq!(info["delta_from"], serde_json::json!([1]));
}

/// A device data directory holding version 1.
fn device() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    CatalogStore::open(dir.path())
        .unwrap()
        .install(national())
        .unwrap();
    dir
}

const KEY: common::FixedKey = common::FixedKey([41; 32]);

/// One update of the device at `dir` through `base`.
async fn update_at(
    dir: &Path,
    base: &str,
    options: &UpdateOptions,
) -> Result<CatalogUpdate, CatalogUpdateError> {
    let catalog = CatalogStore::open(dir).unwrap();
    let receipts = Receipts::open(dir, &KEY).unwrap();
    let client = PortalClient::new(base).unwrap();
    update(&client, &catalog, &receipts, options).await
}

/// The catalog at `dir` is whole (its procedures count and hash as its
/// info says) and searchable; its version.
fn whole_and_searchable(dir: &Path) -> u64 {
    let store = CatalogStore::open(dir).unwrap();
    let bundle = store.bundle().unwrap();
    assert_eq!(bundle.procedures.len(), bundle.info.procedure_count);
    assert_eq!(content_hash(&bundle.procedures), bundle.info.content_hash);
    let index = SearchIndex::open(&store).unwrap();
    let hits = index.search(&SearchQuery::new("đăng ký khai sinh"));
    assert!(hits.iter().any(|h| h.code == "1.001193"), "search works");
    let flycam = index.search(&SearchQuery::new("flycam"));
    match bundle.info.version {
        1 => {
            assert_eq!(bundle.info.content_hash, national().info.content_hash);
            assert!(flycam.is_empty());
        }
        2 => {
            assert_eq!(bundle.info.content_hash, published().info.content_hash);
            assert_eq!(flycam.len(), ADDED, "the added procedures are found");
        }
        v => panic!("version {v} is neither the old nor the new"),
    }
    bundle.info.version
}

/// A portal at version 1 behind a proxy, a device holding it with the
/// portal's signing keys (a first update through the proxy, nothing to
/// change; keys and the root key are held per portal URL), then version 2
/// published.
async fn device_behind_by_one() -> (common::TestPortal, Proxy, tempfile::TempDir) {
    let tp = portal(national_gz()).await;
    let proxy = Proxy::start(&tp.base).await;
    let device = device();
    let first = update_at(device.path(), &proxy.base, &UpdateOptions::default())
        .await
        .unwrap();
    assert_eq!(first.method, UpdateMethod::Unchanged);
    assert!(first.keys.changed);
    publish(&tp).await;
    proxy.take_bytes();
    (tp, proxy, device)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn twenty_changes_come_as_a_delta_at_under_five_percent_of_the_bundle() {
    let (_tp, proxy, device) = device_behind_by_one().await;
    let done = update_at(device.path(), &proxy.base, &UpdateOptions::default())
        .await
        .unwrap();
    let wire = proxy.take_bytes();
    assert_eq!(done.method, UpdateMethod::Delta, "{done:?}");
    assert_eq!(done.fallback, None);
    assert_eq!(
        done.catalog,
        Some(Installed::Switched {
            from: Some(1),
            to: 2
        })
    );
    assert!(!done.keys.changed, "the keys were held already");
    let bundle_bytes = published_gz().len() as u64;
    println!(
        "delta: {} B of body, {wire} B on the wire (heads and CatalogInfo included); bundle {bundle_bytes} B; {:.2} %",
        done.downloaded_bytes,
        100.0 * wire as f64 / bundle_bytes as f64
    );
    assert!(done.downloaded_bytes > 0 && done.downloaded_bytes < wire);
    assert!(
        wire * 100 <= bundle_bytes * 5,
        "{wire} B on the wire is more than 5 % of the bundle's {bundle_bytes} B"
    );
    assert_eq!(whole_and_searchable(device.path()), 2);
    let store = CatalogStore::open(device.path()).unwrap();
    let changed = &published().procedures[0];
    assert_eq!(&store.procedure(&changed.code).unwrap(), changed);
    let removed = &national().procedures[1].code;
    assert!(store.procedure(removed).is_err(), "{removed} was removed");
    drop(store);

    let again = update_at(device.path(), &proxy.base, &UpdateOptions::default())
        .await
        .unwrap();
    assert_eq!(
        (again.method, again.downloaded_bytes),
        (UpdateMethod::Unchanged, 0)
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_delta_whose_result_does_not_verify_is_refused_for_the_bundle() {
    let (_tp, proxy, device) = device_behind_by_one().await;
    proxy.set(Mode::CorruptDelta);
    let done = update_at(device.path(), &proxy.base, &UpdateOptions::default())
        .await
        .unwrap();
    assert_eq!(done.method, UpdateMethod::Full, "{done:?}");
    let fallback = done.fallback.unwrap();
    assert_eq!(fallback.reason, FallbackReason::DeltaRefused);
    assert_eq!(fallback.code, "delta_hash_mismatch");
    assert!(fallback.message_en.contains("hashes to"), "{fallback:?}");
    // The refused delta and the bundle both came.
    assert!(done.downloaded_bytes > published_gz().len() as u64);
    assert_eq!(whole_and_searchable(device.path()), 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_version_the_portal_does_not_keep_takes_the_bundle() {
    // A portal that started at version 2 keeps nothing from version 1.
    let tp = portal(published_gz()).await;
    let held = device();
    let proxy = Proxy::start(&tp.base).await;
    // It says so: no delta is asked for.
    let not_offered = device();
    let done = update_at(not_offered.path(), &proxy.base, &UpdateOptions::default())
        .await
        .unwrap();
    assert_eq!(done.method, UpdateMethod::Full);
    assert_eq!(done.fallback.unwrap().reason, FallbackReason::NotOffered);
    assert_eq!(done.downloaded_bytes, published_gz().len() as u64);
    assert_eq!(whole_and_searchable(not_offered.path()), 2);

    // Its list claims version 1 (another replica's, say): the delta
    // request answers 409 catalog_version_unavailable.
    proxy.set(Mode::OfferDeltaFrom(1));
    let done = update_at(held.path(), &proxy.base, &UpdateOptions::default())
        .await
        .unwrap();
    assert_eq!(done.method, UpdateMethod::Full, "{done:?}");
    let fallback = done.fallback.unwrap();
    assert_eq!(fallback.reason, FallbackReason::VersionUnavailable);
    assert_eq!(fallback.code, "catalog_version_unavailable");
    // The bundle, and the 409's small error body.
    let over = done.downloaded_bytes - published_gz().len() as u64;
    assert!(over > 0 && over < 1024, "{over}");
    assert_eq!(whole_and_searchable(held.path()), 2);
}

/// The delta from version 1 as the proxy passes it (gzip).
async fn delta_through(proxy: &Proxy) -> hoso_core::client::Answer {
    let http = PortalClient::new(&proxy.base).unwrap();
    http.send(
        http.request(Method::GET, "/v1/catalog/delta?since=1")
            .header("Accept-Encoding", "gzip"),
    )
    .await
    .unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_delta_cut_off_on_the_network_leaves_the_catalog_held() {
    let (_tp, proxy, device) = device_behind_by_one().await;
    // The delta's whole answer through the proxy, to cut it at points
    // through its head and body.
    let delta = delta_through(&proxy).await;
    let total = proxy.take_bytes() as usize;
    let body = delta.body.len();
    let head = total - body;
    for cut in [
        0,
        1,
        head / 2,
        head,
        head + body / 3,
        head + body / 2,
        total - 1,
    ] {
        proxy.set(Mode::CutDelta(cut));
        let e = update_at(device.path(), &proxy.base, &UpdateOptions::default())
            .await
            .unwrap_err();
        println!("cut after {cut} B: {} ({e})", e.code());
        assert_eq!(e.code(), "network", "cut after {cut} B: {e}");
        assert_eq!(whole_and_searchable(device.path()), 1, "cut after {cut} B");
    }
    proxy.set(Mode::Pass);
    let done = update_at(device.path(), &proxy.base, &UpdateOptions::default())
        .await
        .unwrap();
    assert_eq!(done.method, UpdateMethod::Delta);
    assert_eq!(whole_and_searchable(device.path()), 2);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn metered_takes_a_delta_under_the_limit_only() {
    let (_tp, proxy, device) = device_behind_by_one().await;
    let delta = delta_through(&proxy).await;
    let size = delta.body.len() as u64;

    let tight = UpdateOptions {
        metered: true,
        metered_limit_bytes: size - 1,
    };
    let done = update_at(device.path(), &proxy.base, &tight).await.unwrap();
    assert_eq!(done.method, UpdateMethod::WaitingForUnmetered, "{done:?}");
    assert_eq!(done.catalog, None);
    assert_eq!(done.downloaded_bytes, 0, "nothing of the delta was read");
    assert_eq!(whole_and_searchable(device.path()), 1);

    // A device with no catalog at all: the bundle is over the limit too.
    let empty = tempfile::tempdir().unwrap();
    let done = update_at(empty.path(), &proxy.base, &tight).await.unwrap();
    assert_eq!(
        (done.method, done.downloaded_bytes),
        (UpdateMethod::WaitingForUnmetered, 0)
    );
    assert_eq!(
        CatalogStore::open(empty.path()).unwrap().current().unwrap(),
        None
    );

    let enough = UpdateOptions {
        metered: true,
        metered_limit_bytes: size,
    };
    let done = update_at(device.path(), &proxy.base, &enough)
        .await
        .unwrap();
    assert_eq!(done.method, UpdateMethod::Delta, "{done:?}");
    assert_eq!(done.downloaded_bytes, size);
    assert_eq!(whole_and_searchable(device.path()), 2);
}

/// The kill test's child: updates the device at `HOSO_CHAOS_DIR` from
/// `HOSO_CHAOS_PORTAL`; says `READY` before the update and `DONE` after.
/// Inert unless `HOSO_DELTA_CHILD` is set.
#[test]
fn delta_child() {
    let Some(kill::ChildEnv { dir, base, rt, .. }) = kill::child_env(CHILD) else {
        return;
    };
    let catalog = CatalogStore::open(&dir).unwrap();
    let receipts = Receipts::open(&dir, &KEY).unwrap();
    let client = PortalClient::new(&base).unwrap();
    println!("READY");
    let done = rt
        .block_on(update(
            &client,
            &catalog,
            &receipts,
            &UpdateOptions::default(),
        ))
        .unwrap();
    println!("DONE {}", done.method.code());
}

const CHILD: &str = "HOSO_DELTA_CHILD";

/// Copies a closed data directory.
fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

/// Runs the child on `dir`; kills it (SIGKILL) `after` its `READY`, or
/// lets it finish when `None`. Whether it was killed, and how long it ran
/// after `READY`.
fn run_child(child: &kill::Child, dir: &Path, after: Option<Duration>) -> (bool, Duration) {
    let mut child = child.clone();
    child.dir = dir.to_path_buf();
    let mut process = child.command("update").spawn().unwrap();
    let stdout = process.stdout.take().unwrap();
    let (tx, rx) = std::sync::mpsc::channel();
    let reader = std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines().map_while(Result::ok) {
            let _ = tx.send(line);
        }
    });
    let wait = Duration::from_secs(120);
    loop {
        let line = rx.recv_timeout(wait).expect("the child said READY");
        if line == "READY" {
            break;
        }
    }
    let ready = Instant::now();
    let killed = match after {
        Some(delay) => {
            std::thread::sleep(delay);
            let running = process.try_wait().unwrap().is_none();
            if running {
                process.kill().unwrap(); // SIGKILL
            }
            running
        }
        None => false,
    };
    let status = process.wait().unwrap();
    let ran = ready.elapsed();
    reader.join().unwrap();
    let lines: Vec<String> = rx.try_iter().collect();
    if !killed {
        assert!(status.success(), "the child failed: {lines:?}");
        assert!(lines.iter().any(|l| l.starts_with("DONE")), "{lines:?}");
    }
    (killed, ran)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_device_killed_while_taking_a_delta_keeps_a_whole_catalog() {
    let (_tp, proxy, base_device) = device_behind_by_one().await;
    let work = tempfile::tempdir().unwrap();
    let child = kill::Child::new(
        work.path(),
        "delta_child",
        CHILD,
        PathBuf::new(),
        proxy.base.clone(),
    );
    let pristine = base_device.path().to_path_buf();
    let work_dir = work.path().to_path_buf();
    tokio::task::spawn_blocking(move || {
        // One whole run to learn how long taking the delta takes here.
        let whole = work_dir.join("whole");
        copy_dir(&pristine, &whole);
        let (_, took) = run_child(&child, &whole, None);
        assert_eq!(whole_and_searchable(&whole), 2);
        println!("an uninterrupted delta update took {took:?} after READY");
        // Kills every `step` after READY until one comes after the end. A
        // warm run can be many times quicker than the first (cold caches),
        // so the step is halved until several kills land mid-update,
        // instead of trusting one timing.
        let mut step = took / 10;
        let mut outcomes = Vec::new();
        let mut rounds = 0;
        loop {
            rounds += 1;
            let mut landed = 0;
            for i in 0u32..10 {
                let dir = work_dir.join(format!("kill-{rounds}-{i}"));
                copy_dir(&pristine, &dir);
                let after = step * i;
                let (killed, _) = run_child(&child, &dir, Some(after));
                // After the kill, as a restarted app finds it: old or new, whole.
                let found = whole_and_searchable(&dir);
                outcomes.push((after, killed, found));
                if killed {
                    // Restarted, the update finishes.
                    run_child(&child, &dir, None);
                }
                assert_eq!(whole_and_searchable(&dir), 2);
                std::fs::remove_dir_all(&dir).unwrap();
                if !killed {
                    break;
                }
                landed += 1;
            }
            println!("kills every {step:?} (after READY, landed, version found): {outcomes:?}");
            if landed >= 3 || step <= Duration::from_millis(1) || rounds == 6 {
                assert!(
                    landed >= 3,
                    "several kills landed mid-update, {step:?} apart: {outcomes:?}"
                );
                break;
            }
            step /= 2;
        }
    })
    .await
    .unwrap();
}
