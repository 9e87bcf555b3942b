//! Draft store benchmark (issue #3): the latency of one autosaved edit —
//! open the draft, set a field, seal and durably save — and the store size
//! for 1,000 drafts, for hoso's draft store side by side, in the same run,
//! with what an app developer would otherwise reach for:
//!
//! - **files**: one sealed JSON file per draft, rewritten per edit the safe
//!   way (write a temp file, fsync it, rename over, fsync the directory);
//! - **SQLite**: one row per draft holding the sealed JSON, WAL journal,
//!   `synchronous = FULL`, one transaction per edit.
//!
//! Every engine seals with AES-256-GCM (ring) and makes each edit durable
//! before it returns, as hoso does, so the comparison is like for like.
//! The drafts are birth registrations (1.001193) prefilled from a profile
//! plus a few user fields. Latency is measured per edit over random drafts
//! and fields (p50, p99, max), after a warm-up; disk use (allocated blocks,
//! as `du` counts) after creating the drafts, after the timed edits, and
//! after ten times as many, to show whether a store keeps growing.
//!
//! Run: `cargo bench -p hoso-core --bench drafts`. Environment:
//! `HOSO_BENCH_DRAFTS` (default 1000), `HOSO_BENCH_EDITS` (default 2000),
//! `HOSO_BENCH_DIR` (where to put the stores; default a temp dir — set it to
//! a directory on the device's real disk, since fsync cost is the point).

use hoso_core::catalog::bundle::Bundle;
use hoso_core::catalog::parse::parse_record;
use hoso_core::catalog::source::read_records;
use hoso_core::catalog::store::CatalogStore;
use hoso_core::draft::Drafts;
use hoso_core::profile::Profiles;
use hoso_core::vault::{DataKey, KeyError, KeyProvider};
use ring::aead::{Aad, LessSafeKey, Nonce, UnboundKey, AES_256_GCM};
use ring::rand::{SecureRandom, SystemRandom};
use std::io::Write;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

const DATA: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../shared/data/tthc-national-2642.jsonl.gz"
);
const CODE: &str = "1.001193";
/// Fields edited in the timed loop (all on the birth-registration form).
const FIELDS: [(&str, &str); 6] = [
    ("child.full_name", "Nguyễn Minh Khang"),
    ("child.date_of_birth", "12/10/2026"),
    ("child.sex", "nam"),
    ("applicant.phone", "0912345678"),
    ("applicant.address.detail", "Số 12, ngõ 34, phố Hoa Lư"),
    ("mother.full_name", "Trần Thị Bình"),
];

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

/// xorshift, so runs pick the same drafts and fields.
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: usize) -> usize {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        (self.0 % n as u64) as usize
    }
}

struct Stats {
    p50: Duration,
    p99: Duration,
    max: Duration,
    per_sec: f64,
}

fn stats(mut v: Vec<Duration>) -> Stats {
    v.sort();
    let at = |q: f64| v[((v.len() as f64 * q) as usize).min(v.len() - 1)];
    let total: Duration = v.iter().sum();
    Stats {
        p50: at(0.50),
        p99: at(0.99),
        max: v[v.len() - 1],
        per_sec: v.len() as f64 / total.as_secs_f64(),
    }
}

/// Disk space used under `path`, as `du` counts it (allocated blocks), so
/// a small file costs its filesystem block like it does on a phone.
fn dir_size(path: &Path) -> u64 {
    use std::os::unix::fs::MetadataExt;
    let Ok(entries) = std::fs::read_dir(path) else {
        return 0;
    };
    entries
        .flatten()
        .map(|e| {
            let p = e.path();
            if p.is_dir() {
                dir_size(&p)
            } else {
                e.metadata().map(|m| m.blocks() * 512).unwrap_or(0)
            }
        })
        .sum()
}

fn fmt(d: Duration) -> String {
    let us = d.as_secs_f64() * 1e6;
    if us >= 1000.0 {
        format!("{:.2} ms", us / 1000.0)
    } else {
        format!("{us:.0} µs")
    }
}

fn mb(bytes: u64) -> String {
    format!("{:.1} MB", bytes as f64 / 1e6)
}

/// The sealing the baselines use: AES-256-GCM, random nonce, like hoso.
struct Sealer {
    key: LessSafeKey,
    rng: SystemRandom,
}

impl Sealer {
    fn new() -> Sealer {
        Sealer {
            key: LessSafeKey::new(UnboundKey::new(&AES_256_GCM, &[9; 32]).unwrap()),
            rng: SystemRandom::new(),
        }
    }

    fn seal(&self, plain: &[u8]) -> Vec<u8> {
        let mut nonce = [0u8; 12];
        self.rng.fill(&mut nonce).unwrap();
        let mut body = plain.to_vec();
        self.key
            .seal_in_place_append_tag(Nonce::assume_unique_for_key(nonce), Aad::empty(), &mut body)
            .unwrap();
        let mut out = nonce.to_vec();
        out.extend_from_slice(&body);
        out
    }

    fn open(&self, sealed: &[u8]) -> Vec<u8> {
        let nonce: [u8; 12] = sealed[..12].try_into().unwrap();
        let mut body = sealed[12..].to_vec();
        self.key
            .open_in_place(Nonce::assume_unique_for_key(nonce), Aad::empty(), &mut body)
            .unwrap()
            .to_vec()
    }
}

fn edit_json(bytes: &[u8], field: &str, value: &str) -> Vec<u8> {
    let mut v: serde_json::Value = serde_json::from_slice(bytes).unwrap();
    v["values"][field] = serde_json::Value::String(value.to_string());
    let rev = v["revision"].as_u64().unwrap_or(0) + 1;
    v["revision"] = rev.into();
    serde_json::to_vec(&v).unwrap()
}

/// Untimed extra rounds over the same edits, to see whether the store keeps
/// growing (sled's space amplification) or settles.
const SOAK_ROUNDS: usize = 9;

fn timed(picks: &[(usize, usize)], edit: impl Fn(usize, usize)) -> Vec<Duration> {
    picks
        .iter()
        .map(|&(d, f)| {
            let t = Instant::now();
            edit(d, f);
            t.elapsed()
        })
        .collect()
}

fn soak(picks: &[(usize, usize)], edit: impl Fn(usize, usize)) {
    for _ in 0..SOAK_ROUNDS {
        for &(d, f) in picks {
            edit(d, f);
        }
    }
}

fn fsync_dir(dir: &Path) {
    std::fs::File::open(dir).unwrap().sync_all().unwrap();
}

fn main() {
    let n_drafts = env_usize("HOSO_BENCH_DRAFTS", 1000);
    let n_edits = env_usize("HOSO_BENCH_EDITS", 2000);
    let root_tmp;
    let root: PathBuf = match std::env::var("HOSO_BENCH_DIR") {
        Ok(d) => {
            let p = PathBuf::from(d).join(format!("hoso-drafts-bench-{}", std::process::id()));
            std::fs::create_dir_all(&p).unwrap();
            p
        }
        Err(_) => {
            root_tmp = tempfile::tempdir().unwrap();
            root_tmp.path().to_path_buf()
        }
    };

    // hoso: a data dir with a small catalog, a profile, 1,000 drafts.
    let data = root.join("hoso");
    let procedures: Vec<_> = read_records(Path::new(DATA))
        .unwrap()
        .iter()
        .filter(|r| r.ma_thu_tuc == CODE)
        .map(parse_record)
        .collect();
    CatalogStore::open(&data)
        .unwrap()
        .install(&Bundle::new(1, procedures))
        .unwrap();
    let profiles = Profiles::open(&data, &Key).unwrap();
    for (f, v) in [
        ("full_name", "Nguyễn Văn An"),
        ("sex", "nam"),
        ("date_of_birth", "15/03/1990"),
        ("id_number", "001090012345"),
        ("phone", "0912345678"),
        ("email", "an.nguyen@example.vn"),
        ("nationality", "Việt Nam"),
        ("ethnicity", "Kinh"),
        ("address.province", "Hà Nội"),
        ("address.commune", "Phường Ba Đình"),
        ("address.detail", "Số 5, phố Đội Cấn"),
    ] {
        profiles.set(None, f, v).unwrap();
    }
    let (wife, _) = profiles.add_member("spouse").unwrap();
    for (f, v) in [
        ("full_name", "Trần Thị Bình"),
        ("sex", "nữ"),
        ("date_of_birth", "02/09/1992"),
        ("id_number", "001192012345"),
    ] {
        profiles.set(Some(&wife), f, v).unwrap();
    }
    let drafts = Drafts::open(&data, &Key).unwrap();
    let size_before = dir_size(&data);
    let started = Instant::now();
    let mut ids = Vec::with_capacity(n_drafts);
    for _ in 0..n_drafts {
        let d = drafts.create(CODE, true).unwrap();
        ids.push(d.id);
    }
    let create_time = started.elapsed();
    let sample = drafts.get(&ids[0]).unwrap();
    let values_per_draft = sample.values.len();
    let record_bytes = serde_json::to_vec(&sample).unwrap().len();
    let hoso_size_created = dir_size(&data) - size_before;

    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let picks: Vec<(usize, usize)> = (0..n_edits)
        .map(|_| (rng.below(n_drafts), rng.below(FIELDS.len())))
        .collect();
    // Warm-up, then timed edits.
    for &(d, f) in picks.iter().take(50) {
        drafts.set(&ids[d], FIELDS[f].0, FIELDS[f].1).unwrap();
    }
    let hoso_one = |d: usize, f: usize| {
        drafts.set(&ids[d], FIELDS[f].0, FIELDS[f].1).unwrap();
    };
    let hoso_edit = timed(&picks, hoso_one);
    let mut hoso_open = Vec::with_capacity(n_edits);
    for &(d, _) in &picks {
        let t = Instant::now();
        std::hint::black_box(drafts.get(&ids[d]).unwrap());
        hoso_open.push(t.elapsed());
    }
    let hoso_size_edited = dir_size(&data) - size_before;
    soak(&picks, hoso_one);
    let hoso_size_soaked = dir_size(&data) - size_before;

    // Baselines hold the very same draft record (hoso's JSON) per draft.
    let sealer = Sealer::new();

    // files: one sealed file per draft, atomic replace.
    let files = root.join("files");
    std::fs::create_dir_all(&files).unwrap();
    let write_file = |name: &str, bytes: &[u8]| {
        let tmp = files.join(format!("{name}.tmp"));
        let mut f = std::fs::File::create(&tmp).unwrap();
        f.write_all(bytes).unwrap();
        f.sync_all().unwrap();
        std::fs::rename(&tmp, files.join(name)).unwrap();
        fsync_dir(&files);
    };
    let body = serde_json::to_vec(&sample).unwrap();
    for i in 0..n_drafts {
        write_file(&format!("d{i}.json"), &sealer.seal(&body));
    }
    let files_size_created = dir_size(&files);
    let files_one = |d: usize, f: usize| {
        let name = format!("d{d}.json");
        let plain = sealer.open(&std::fs::read(files.join(&name)).unwrap());
        let next = edit_json(&plain, FIELDS[f].0, FIELDS[f].1);
        write_file(&name, &sealer.seal(&next));
    };
    let files_edit = timed(&picks, files_one);
    let files_size_edited = dir_size(&files);
    soak(&picks, files_one);
    let files_size_soaked = dir_size(&files);

    // SQLite: WAL, synchronous FULL, a transaction per edit.
    let sqlite_dir = root.join("sqlite");
    std::fs::create_dir_all(&sqlite_dir).unwrap();
    let conn = rusqlite::Connection::open(sqlite_dir.join("drafts.db")).unwrap();
    conn.execute_batch(
        "PRAGMA journal_mode = WAL; PRAGMA synchronous = FULL;
         CREATE TABLE drafts (id INTEGER PRIMARY KEY, body BLOB NOT NULL);",
    )
    .unwrap();
    for i in 0..n_drafts {
        conn.execute(
            "INSERT INTO drafts (id, body) VALUES (?1, ?2)",
            rusqlite::params![i as i64, sealer.seal(&body)],
        )
        .unwrap();
    }
    conn.execute_batch("PRAGMA wal_checkpoint(TRUNCATE);")
        .unwrap();
    let sqlite_size_created = dir_size(&sqlite_dir);
    let sqlite_one = |d: usize, f: usize| {
        let sealed: Vec<u8> = conn
            .prepare_cached("SELECT body FROM drafts WHERE id = ?1")
            .unwrap()
            .query_row([d as i64], |r| r.get(0))
            .unwrap();
        let next = edit_json(&sealer.open(&sealed), FIELDS[f].0, FIELDS[f].1);
        conn.prepare_cached("UPDATE drafts SET body = ?2 WHERE id = ?1")
            .unwrap()
            .execute(rusqlite::params![d as i64, sealer.seal(&next)])
            .unwrap();
    };
    let sqlite_edit = timed(&picks, sqlite_one);
    let sqlite_size_edited = dir_size(&sqlite_dir);
    soak(&picks, sqlite_one);
    let sqlite_size_soaked = dir_size(&sqlite_dir);

    println!("## Drafts: autosaved edit latency and store size\n");
    println!(
        "{n_drafts} birth-registration drafts ({values_per_draft} values each, {record_bytes} B of JSON per draft before sealing); {n_edits} timed edits over random drafts and fields; every edit durable before it returns. Created {n_drafts} hoso drafts in {:.2} s.\n",
        create_time.as_secs_f64()
    );
    let soaked = n_edits * (SOAK_ROUNDS + 1);
    println!("| store | edit p50 | edit p99 | edit max | edits/s | on disk, {n_drafts} drafts | after {n_edits} edits | after {soaked} edits |");
    println!("|---|---|---|---|---|---|---|---|");
    let rows = [
        (
            "hoso (sled, sealed record per draft)",
            hoso_edit,
            [hoso_size_created, hoso_size_edited, hoso_size_soaked],
        ),
        (
            "file per draft (temp + fsync + rename)",
            files_edit,
            [files_size_created, files_size_edited, files_size_soaked],
        ),
        (
            "SQLite (WAL, synchronous=FULL)",
            sqlite_edit,
            [sqlite_size_created, sqlite_size_edited, sqlite_size_soaked],
        ),
    ];
    for (name, lat, [created, edited, soaked]) in rows {
        let s = stats(lat);
        println!(
            "| {name} | {} | {} | {} | {:.0} | {} | {} | {} |",
            fmt(s.p50),
            fmt(s.p99),
            fmt(s.max),
            s.per_sec,
            mb(created),
            mb(edited),
            mb(soaked)
        );
    }
    let o = stats(hoso_open);
    println!(
        "\nhoso open (read + unseal + parse) alone: p50 {}, p99 {}.",
        fmt(o.p50),
        fmt(o.p99)
    );
}
