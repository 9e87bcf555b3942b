//! Residents benchmark (issue #19): on a volunteer's device holding 200
//! residents, each with a consent, a profile value and a draft in their
//! own sealed space, the time to
//!
//! - **open the device**: open the residents (the volunteer's store, the
//!   keyring, the list) and list them — what the app does at start;
//! - **switch the active resident**: unwrap their key, open their space
//!   and read their drafts list — what a tap on a resident costs;
//!
//! side by side, in the same run, with what an app developer would reach
//! for instead, CommCare's way: one SQLite database file per resident
//! (rows sealed with AES-256-GCM, as hoso seals) and an index database
//! listing them; opening the device opens the index and lists it,
//! switching opens the resident's file and reads their rows.
//!
//! Run: `cargo bench -p hoso-core --bench residents`. Environment:
//! `HOSO_BENCH_RESIDENTS` (default 200), `HOSO_BENCH_SWITCHES` (default
//! 200), `HOSO_BENCH_DIR` (default a temp dir).

use hoso_core::catalog::bundle::Bundle;
use hoso_core::catalog::parse::parse_record;
use hoso_core::catalog::source::read_records;
use hoso_core::catalog::store::CatalogStore;
use hoso_core::profile::Profiles;
use hoso_core::residents::{NewConsent, Residents};
use hoso_core::vault::{DataKey, KeyError, KeyProvider, MemorySecrets};
use hoso_core::wire::ConsentMethod;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

const DATA: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../shared/data/tthc-national-2642.jsonl.gz"
);

struct Key;

impl KeyProvider for Key {
    fn data_key(&self) -> Result<DataKey, KeyError> {
        Ok(DataKey::from_bytes([9; 32]))
    }
}

fn env_usize(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// xorshift, so runs switch in the same order.
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: usize) -> usize {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 % n as u64) as usize
    }
}

fn summary(mut v: Vec<Duration>) -> String {
    v.sort();
    let at = |q: f64| v[((v.len() as f64 * q) as usize).min(v.len() - 1)];
    format!(
        "p50 {:>8}  p99 {:>8}  max {:>8}",
        fmt(at(0.5)),
        fmt(at(0.99)),
        fmt(v[v.len() - 1])
    )
}

fn fmt(d: Duration) -> String {
    let us = d.as_secs_f64() * 1e6;
    if us >= 1000.0 {
        format!("{:.2} ms", us / 1000.0)
    } else {
        format!("{us:.0} µs")
    }
}

/// The birth registration, so drafts have a real form.
fn catalog(dir: &Path) {
    let records = read_records(Path::new(DATA)).expect("the shared catalog");
    let procedures = records
        .iter()
        .map(parse_record)
        .filter(|p| p.code == "1.001193")
        .collect();
    CatalogStore::open(dir)
        .unwrap()
        .install(&Bundle::new(1, procedures))
        .unwrap();
}

fn seed_hoso(dir: &Path, secrets: Arc<MemorySecrets>, n: usize) -> Vec<String> {
    catalog(dir);
    let residents = Residents::open(dir, &Key, secrets).unwrap();
    let mut ids = Vec::new();
    for i in 0..n {
        let consent = NewConsent {
            method: ConsentMethod::Vneid,
            reference: format!("XN-{i:05}"),
            covers: vec!["1.001193".into()],
            retention_days: 30,
            scan: None,
        };
        let r = residents.create(&format!("hộ {i}"), &consent, 1).unwrap();
        let space = residents.use_resident(&r.id).unwrap();
        Profiles::with_vault(space.drafts.vault().clone())
            .set(None, "full_name", "Nguyễn Văn An")
            .unwrap();
        let draft = space.drafts.create("1.001193", true).unwrap();
        space
            .drafts
            .set(&draft.id, "child.full_name", "Nguyễn Minh Khang")
            .unwrap();
        ids.push(r.id);
    }
    residents.lock().unwrap();
    ids
}

/// The baseline's sealing: AES-256-GCM with a random nonce.
fn seal(key: &[u8; 32], plain: &[u8]) -> Vec<u8> {
    use ring::aead::{Aad, LessSafeKey, Nonce, UnboundKey, AES_256_GCM};
    use ring::rand::SecureRandom;
    let key = LessSafeKey::new(UnboundKey::new(&AES_256_GCM, key).unwrap());
    let mut nonce = [0u8; 12];
    ring::rand::SystemRandom::new().fill(&mut nonce).unwrap();
    let mut out = plain.to_vec();
    key.seal_in_place_append_tag(Nonce::assume_unique_for_key(nonce), Aad::empty(), &mut out)
        .unwrap();
    out.extend_from_slice(&nonce);
    out
}

fn open_plain(key: &[u8; 32], sealed: &[u8]) -> Vec<u8> {
    use ring::aead::{Aad, LessSafeKey, Nonce, UnboundKey, AES_256_GCM};
    let key = LessSafeKey::new(UnboundKey::new(&AES_256_GCM, key).unwrap());
    let (body, nonce) = sealed.split_at(sealed.len() - 12);
    let mut body = body.to_vec();
    let nonce = Nonce::try_assume_unique_for_key(nonce).unwrap();
    key.open_in_place(nonce, Aad::empty(), &mut body)
        .unwrap()
        .to_vec()
}

fn sqlite(path: &Path) -> rusqlite::Connection {
    let db = rusqlite::Connection::open(path).unwrap();
    db.execute_batch("PRAGMA journal_mode=WAL; PRAGMA synchronous=FULL;")
        .unwrap();
    db
}

/// One SQLite file per resident (their rows sealed under their key) and
/// an index listing them with their keys sealed under the device key.
fn seed_sqlite(dir: &Path, n: usize) -> Vec<String> {
    std::fs::create_dir_all(dir).unwrap();
    let index = sqlite(&dir.join("index.db"));
    index
        .execute_batch("CREATE TABLE residents (id TEXT PRIMARY KEY, sealed BLOB)")
        .unwrap();
    let mut ids = Vec::new();
    for i in 0..n {
        let id = format!("{i:016x}");
        let key = [i as u8; 32];
        let entry = serde_json::json!({"label": format!("hộ {i}"), "key": key.to_vec()});
        index
            .execute(
                "INSERT INTO residents VALUES (?1, ?2)",
                rusqlite::params![id, seal(&[9; 32], entry.to_string().as_bytes())],
            )
            .unwrap();
        let db = sqlite(&dir.join(format!("{id}.db")));
        db.execute_batch("CREATE TABLE records (k TEXT PRIMARY KEY, sealed BLOB)")
            .unwrap();
        for (k, v) in [
            ("consent", r#"{"method":"vneid","reference":"XN"}"#),
            ("profile", r#"{"full_name":"Nguyễn Văn An"}"#),
            (
                "draft/1",
                r#"{"procedure":"1.001193","child.full_name":"Nguyễn Minh Khang"}"#,
            ),
        ] {
            db.execute(
                "INSERT INTO records VALUES (?1, ?2)",
                rusqlite::params![k, seal(&key, v.as_bytes())],
            )
            .unwrap();
        }
        ids.push(id);
    }
    ids
}

/// Opens the index and lists the residents (their keys unsealed).
fn sqlite_open(dir: &Path) -> (rusqlite::Connection, HashMap<String, [u8; 32]>) {
    let index = sqlite(&dir.join("index.db"));
    let mut keys = HashMap::new();
    {
        let mut rows = index.prepare("SELECT id, sealed FROM residents").unwrap();
        let mut it = rows.query([]).unwrap();
        while let Some(row) = it.next().unwrap() {
            let id: String = row.get(0).unwrap();
            let sealed: Vec<u8> = row.get(1).unwrap();
            let entry: serde_json::Value =
                serde_json::from_slice(&open_plain(&[9; 32], &sealed)).unwrap();
            let key: Vec<u8> = serde_json::from_value(entry["key"].clone()).unwrap();
            keys.insert(id, key.try_into().unwrap());
        }
    }
    (index, keys)
}

/// Opens one resident's file and reads their drafts.
fn sqlite_switch(dir: &Path, id: &str, key: &[u8; 32]) -> usize {
    let db = sqlite(&dir.join(format!("{id}.db")));
    let mut rows = db
        .prepare("SELECT sealed FROM records WHERE k LIKE 'draft/%'")
        .unwrap();
    let mut it = rows.query([]).unwrap();
    let mut n = 0;
    while let Some(row) = it.next().unwrap() {
        let sealed: Vec<u8> = row.get(0).unwrap();
        n += open_plain(key, &sealed).len().min(1);
    }
    n
}

fn main() {
    let n = env_usize("HOSO_BENCH_RESIDENTS", 200);
    let switches = env_usize("HOSO_BENCH_SWITCHES", 200);
    let base = std::env::var("HOSO_BENCH_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|_| std::env::temp_dir());
    let work = tempfile::tempdir_in(base).unwrap();
    let hoso_dir = work.path().join("hoso");
    let sqlite_dir = work.path().join("sqlite");
    let secrets = Arc::new(MemorySecrets::default());

    let started = Instant::now();
    let ids = seed_hoso(&hoso_dir, secrets.clone(), n);
    println!("hoso: {n} residents made in {:.1?}", started.elapsed());
    let started = Instant::now();
    let sqlite_ids = seed_sqlite(&sqlite_dir, n);
    println!("sqlite: {n} residents made in {:.1?}", started.elapsed());

    // Opening the device: 20 times each, everything closed in between.
    let mut hoso_open = Vec::new();
    let mut sqlite_open_t = Vec::new();
    for _ in 0..20 {
        let t = Instant::now();
        let residents = Residents::open(&hoso_dir, &Key, secrets.clone()).unwrap();
        assert_eq!(residents.list().unwrap().len(), n);
        hoso_open.push(t.elapsed());
        drop(residents);
        let t = Instant::now();
        let (_index, keys) = sqlite_open(&sqlite_dir);
        assert_eq!(keys.len(), n);
        sqlite_open_t.push(t.elapsed());
    }

    // Switching: the same random order for both.
    let residents = Residents::open(&hoso_dir, &Key, secrets).unwrap();
    let (_index, keys) = sqlite_open(&sqlite_dir);
    let mut rng = Rng(0x19);
    let mut hoso_switch = Vec::new();
    let mut sqlite_switch_t = Vec::new();
    for _ in 0..switches {
        let i = rng.below(n);
        let t = Instant::now();
        let space = residents.use_resident(&ids[i]).unwrap();
        assert_eq!(space.drafts.list().unwrap().len(), 1);
        hoso_switch.push(t.elapsed());
        let t = Instant::now();
        let id = &sqlite_ids[i];
        assert_eq!(sqlite_switch(&sqlite_dir, id, &keys[id]), 1);
        sqlite_switch_t.push(t.elapsed());
    }

    println!();
    println!("| {n} residents | open the device (and list them) | switch the active resident (and list their drafts) |");
    println!("| --- | --- | --- |");
    println!(
        "| hoso (a sealed sled space each, keyring) | {} | {} |",
        summary(hoso_open),
        summary(hoso_switch)
    );
    println!(
        "| SQLite file per resident + index (AES-GCM rows) | {} | {} |",
        summary(sqlite_open_t),
        summary(sqlite_switch_t)
    );
}
