//! Catalog search benchmark (issue #2): hoso's `SearchIndex` side by side with
//! SQLite FTS5 as an app developer would use it, and (issue #20) with tantivy
//! as its documentation recommends, on the same data, with the same queries,
//! in the same run. Prints a Markdown report.
//!
//! What it measures:
//! - **Latency** per query (p50, p99, max over every query × every timed
//!   round, after one warm-up round) and queries/s, single thread, for each
//!   engine on the real national catalog (2,642 procedures) and on a synthetic
//!   catalog ×10 (26,420: each procedure plus 9 variants — province-suffixed
//!   and narrow "cấp lại / điều chỉnh / gia hạn" names, codes `{code}-{k}`).
//! - **recall@5** on the real catalog against `benches/queries.tsv`
//!   (`query<TAB>acceptable codes, comma-separated<TAB>kind`, `#` comments):
//!   a query is a hit when any acceptable code is in the top 5. Overall, per
//!   kind, and the list of misses of each engine.
//! - **Memory**: heap held by the built hoso and tantivy indexes (a counting
//!   global allocator in this binary; tantivy's RAM directory is heap), and
//!   the resident memory of the path a phone
//!   takes — open the catalog store, load the index, search once — measured
//!   in a child process (this binary re-executed) so that nothing else held
//!   here inflates it, with the cold open → first result time, the data
//!   directory's size, the first open after the import (which builds and
//!   saves the index) and one procedure read by code (issue #20).
//!
//! FTS5 setup: in-memory table over (name, field, keywords, code UNINDEXED),
//! `tokenize = 'unicode61 remove_diacritics 2'`; the query's tokens quoted
//! (FTS syntax stripped), the last one as a prefix, AND-ed, ranked by
//! `bm25(fts, 10.0, 1.0, 2.0)`, falling back to OR when AND finds nothing;
//! one cached prepared statement. recall@5 also shows, as a supplementary
//! row, FTS5 with `đ` folded to `d` (which `unicode61` does not do).
//!
//! tantivy setup: `search/tantivy_engine.rs` (the analyzer, the fields and
//! boosts, the query variants tried; recall@5 shows each, and the one the
//! report calls "tantivy" is the best on `benches/queries.tsv`).
//!
//! Run: `cargo bench -p hoso-core --bench search`. Environment:
//! `HOSO_BENCH_ROUNDS` (timed rounds, default 30), `HOSO_BENCH_QUERIES` (another
//! query file). Targets are reported as PASS/FAIL; the bench never fails on them.

use hoso_core::catalog::bundle::Bundle;
use hoso_core::catalog::parse::parse_record;
use hoso_core::catalog::source::read_records;
use hoso_core::catalog::store::CatalogStore;
use hoso_core::catalog::{self, Procedure};
use hoso_core::search::{SearchEntry, SearchIndex, SearchQuery};
use rusqlite::Connection;
use std::alloc::{GlobalAlloc, Layout, System};
use std::collections::HashMap;
use std::hint::black_box;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};
use tantivy_engine::Tantivy;

#[path = "search/tantivy_engine.rs"]
mod tantivy_engine;

const DATA: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../shared/data/tthc-national-2642.jsonl.gz"
);
const QUERIES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/benches/queries.tsv");

/// Set in the child that measures the phone path: the prepared data dir.
const CHILD_ENV: &str = "HOSO_BENCH_CHILD";
/// Set in the child that prepares a data dir (imports the catalog).
const PREPARE_ENV: &str = "HOSO_BENCH_PREPARE";
/// Catalog scale factor for the preparing child.
const SCALE_ENV: &str = "HOSO_BENCH_SCALE";

const SCALE: usize = 10;
const DEFAULT_ROUNDS: usize = 30;
/// Results asked for in timed searches (what a result screen shows).
const LIMIT: usize = 10;
/// Depth of recall@k.
const TOP: usize = 5;
/// Child runs of the phone path; the median is reported.
const CHILD_RUNS: usize = 3;
const FIRST_QUERY: &str = "đăng ký khai sinh";
/// Procedures read by code (random codes) in each phone-path child.
const PROCEDURE_READS: usize = 2_000;

const P99_TARGET: Duration = Duration::from_millis(1);
const RSS_TARGET_MB: f64 = 40.0;

// ---------------------------------------------------------------------------
// Heap accounting

/// Counts live heap bytes (and their peak) on top of the system allocator.
struct Counting;

static LIVE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

fn grew(bytes: usize) {
    let now = LIVE.fetch_add(bytes, Ordering::Relaxed) + bytes;
    PEAK.fetch_max(now, Ordering::Relaxed);
}

fn shrank(bytes: usize) {
    LIVE.fetch_sub(bytes, Ordering::Relaxed);
}

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let p = unsafe { System.alloc(layout) };
        if !p.is_null() {
            grew(layout.size());
        }
        p
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        let p = unsafe { System.alloc_zeroed(layout) };
        if !p.is_null() {
            grew(layout.size());
        }
        p
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) };
        shrank(layout.size());
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let p = unsafe { System.realloc(ptr, layout, new_size) };
        if !p.is_null() {
            if new_size >= layout.size() {
                grew(new_size - layout.size());
            } else {
                shrank(layout.size() - new_size);
            }
        }
        p
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

fn live_heap() -> usize {
    LIVE.load(Ordering::Relaxed)
}

/// Resets the peak to the current live bytes.
fn reset_peak() {
    PEAK.store(live_heap(), Ordering::Relaxed);
}

fn peak_heap() -> usize {
    PEAK.load(Ordering::Relaxed)
}

// ---------------------------------------------------------------------------
// Catalogs

fn load_catalog() -> Vec<Procedure> {
    let records = read_records(Path::new(DATA)).expect("read the national catalog");
    records.iter().map(parse_record).collect()
}

/// The 34 provinces and cities after the 2025 reorganization, as they follow
/// "thực hiện tại" in a name.
const PROVINCES: [&str; 34] = [
    "thành phố Hà Nội",
    "thành phố Huế",
    "thành phố Hải Phòng",
    "thành phố Đà Nẵng",
    "Thành phố Hồ Chí Minh",
    "thành phố Cần Thơ",
    "tỉnh Lai Châu",
    "tỉnh Điện Biên",
    "tỉnh Sơn La",
    "tỉnh Lạng Sơn",
    "tỉnh Quảng Ninh",
    "tỉnh Thanh Hóa",
    "tỉnh Nghệ An",
    "tỉnh Hà Tĩnh",
    "tỉnh Cao Bằng",
    "tỉnh Tuyên Quang",
    "tỉnh Lào Cai",
    "tỉnh Thái Nguyên",
    "tỉnh Phú Thọ",
    "tỉnh Bắc Ninh",
    "tỉnh Hưng Yên",
    "tỉnh Ninh Bình",
    "tỉnh Quảng Trị",
    "tỉnh Quảng Ngãi",
    "tỉnh Gia Lai",
    "tỉnh Khánh Hòa",
    "tỉnh Lâm Đồng",
    "tỉnh Đắk Lắk",
    "tỉnh Đồng Nai",
    "tỉnh Tây Ninh",
    "tỉnh Vĩnh Long",
    "tỉnh Đồng Tháp",
    "tỉnh Cà Mau",
    "tỉnh An Giang",
];

/// Narrow variants a larger catalog carries next to the general procedure.
const NARROW: [&str; 3] = ["cấp lại", "điều chỉnh, bổ sung thông tin", "gia hạn"];

/// Each procedure followed by `factor - 1` variants with unique codes.
fn scale_catalog(procedures: &[Procedure], factor: usize) -> Vec<Procedure> {
    let mut out = Vec::with_capacity(procedures.len() * factor);
    for p in procedures {
        out.push(p.clone());
        out.extend((1..factor).map(|k| variant(p, k)));
    }
    out
}

/// Variant `k` (1-based) of a procedure: mostly province-specific copies,
/// every few a narrow variant.
fn variant(p: &Procedure, k: usize) -> Procedure {
    let mut v = p.clone();
    v.code = format!("{}-{k}", p.code);
    let cycle = NARROW.len() + 6;
    let slot = (k - 1) % cycle;
    v.name = if slot < 6 {
        // Step 5 is coprime with 34: a procedure's six copies get six provinces.
        let province = PROVINCES[(fnv1a(&p.code) + k * 5) % PROVINCES.len()];
        format!("{} (thực hiện tại {province})", p.name)
    } else {
        format!("{} ({})", p.name, NARROW[slot - 6])
    };
    v
}

fn fnv1a(s: &str) -> usize {
    let hash = s.bytes().fold(0xcbf2_9ce4_8422_2325u64, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    });
    hash as usize
}

// ---------------------------------------------------------------------------
// Queries

struct Query {
    text: String,
    accept: Vec<String>,
    kind: String,
}

struct QuerySet {
    path: String,
    queries: Vec<Query>,
    /// Non-comment lines without an acceptable code column.
    malformed: usize,
}

fn load_queries() -> QuerySet {
    let path = std::env::var("HOSO_BENCH_QUERIES").unwrap_or_else(|_| QUERIES.to_string());
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("cannot read the query set {path}: {e}"));
    let mut queries = Vec::new();
    let mut malformed = 0;
    for line in text.lines().map(|l| l.trim_end_matches('\r')) {
        if line.trim().is_empty() || line.trim_start().starts_with('#') {
            continue;
        }
        match parse_query_line(line) {
            Some(q) => queries.push(q),
            None => malformed += 1,
        }
    }
    QuerySet {
        path,
        queries,
        malformed,
    }
}

/// `query<TAB>codes<TAB>kind`; the query is kept as typed (a trailing space
/// means the last word is finished).
fn parse_query_line(line: &str) -> Option<Query> {
    let mut cols = line.split('\t');
    let text = cols.next()?.to_string();
    let accept: Vec<String> = cols
        .next()?
        .split(',')
        .map(|c| c.trim().to_string())
        .filter(|c| !c.is_empty())
        .collect();
    let kind = cols
        .next()
        .map(str::trim)
        .filter(|k| !k.is_empty())
        .unwrap_or("-")
        .to_string();
    (!text.trim().is_empty() && !accept.is_empty()).then_some(Query { text, accept, kind })
}

// ---------------------------------------------------------------------------
// Engines

struct Hit {
    code: String,
    name: String,
}

trait Engine {
    fn search(&self, text: &str, limit: usize) -> Vec<Hit>;
}

struct Hoso(SearchIndex);

impl Engine for Hoso {
    fn search(&self, text: &str, limit: usize) -> Vec<Hit> {
        let query = SearchQuery {
            limit,
            ..SearchQuery::new(text)
        };
        self.0
            .search(&query)
            .into_iter()
            .map(|h| Hit {
                code: h.code,
                name: h.name,
            })
            .collect()
    }
}

impl Engine for Tantivy {
    fn search(&self, text: &str, limit: usize) -> Vec<Hit> {
        Tantivy::search(self, text, limit)
            .into_iter()
            .map(|(code, name)| Hit { code, name })
            .collect()
    }
}

fn entries(procedures: &[Procedure]) -> Vec<SearchEntry> {
    procedures.iter().map(SearchEntry::from).collect()
}

/// SQLite FTS5 in memory, queried the way an app developer would.
struct Fts5 {
    conn: Connection,
    /// Supplementary variant: `đ` folded to `d` in the text and the queries,
    /// which `unicode61 remove_diacritics` does not do (`đ` is a letter of its
    /// own, not `d` with a diacritic).
    fold_d: bool,
}

const FTS_SCHEMA: &str = "CREATE VIRTUAL TABLE fts USING fts5(
    name, field, keywords, code UNINDEXED,
    tokenize = 'unicode61 remove_diacritics 2')";
const FTS_SELECT: &str = "SELECT code, name FROM fts WHERE fts MATCH ?1
    ORDER BY bm25(fts, 10.0, 1.0, 2.0) LIMIT ?2";

impl Fts5 {
    fn build(procedures: &[Procedure], fold_d: bool) -> Fts5 {
        let mut conn = Connection::open_in_memory().expect("open SQLite in memory");
        conn.execute_batch(FTS_SCHEMA)
            .expect("create the FTS5 table");
        let tx = conn.transaction().expect("begin");
        {
            let mut insert = tx
                .prepare("INSERT INTO fts (name, field, keywords, code) VALUES (?1, ?2, ?3, ?4)")
                .expect("prepare insert");
            let text = |s: &str| {
                if fold_d {
                    fold_d_letter(s)
                } else {
                    s.to_string()
                }
            };
            for p in procedures {
                let keywords: Vec<&str> = p.results.iter().map(|r| r.name.as_str()).collect();
                insert
                    .execute((
                        text(&p.name),
                        text(&p.field),
                        text(&keywords.join(" ; ")),
                        &p.code,
                    ))
                    .expect("insert a procedure");
            }
        }
        tx.commit().expect("commit");
        Fts5 { conn, fold_d }
    }

    fn run(&self, expression: &str, limit: usize) -> Vec<Hit> {
        let Ok(mut stmt) = self.conn.prepare_cached(FTS_SELECT) else {
            return Vec::new();
        };
        let rows = stmt.query_map((expression, limit as i64), |row| {
            Ok(Hit {
                code: row.get(0)?,
                name: row.get(1)?,
            })
        });
        rows.and_then(|rows| rows.collect()).unwrap_or_default()
    }
}

impl Engine for Fts5 {
    fn search(&self, text: &str, limit: usize) -> Vec<Hit> {
        let folded;
        let text = if self.fold_d {
            folded = fold_d_letter(text);
            &folded
        } else {
            text
        };
        let tokens = fts_tokens(text);
        if tokens.is_empty() {
            return Vec::new();
        }
        let hits = self.run(&fts_expression(&tokens, " "), limit);
        if hits.is_empty() && tokens.len() > 1 {
            return self.run(&fts_expression(&tokens, " OR "), limit);
        }
        hits
    }
}

fn fold_d_letter(s: &str) -> String {
    s.replace('đ', "d").replace('Đ', "D")
}

/// The query's words with every FTS syntax character stripped.
fn fts_tokens(text: &str) -> Vec<&str> {
    text.split(|c: char| !c.is_alphanumeric())
        .filter(|t| !t.is_empty())
        .collect()
}

/// Each token quoted, the last as a prefix, joined by `joiner`.
fn fts_expression(tokens: &[&str], joiner: &str) -> String {
    let last = tokens.len() - 1;
    tokens
        .iter()
        .enumerate()
        .map(|(i, t)| {
            if i == last {
                format!("\"{t}\"*")
            } else {
                format!("\"{t}\"")
            }
        })
        .collect::<Vec<_>>()
        .join(joiner)
}

fn sqlite_memory_used() -> i64 {
    // SAFETY: a plain read of SQLite's global memory statistics.
    unsafe { rusqlite::ffi::sqlite3_memory_used() }
}

// ---------------------------------------------------------------------------
// Latency

/// Durations of every timed search: `samples[query][round]`.
struct Timing {
    samples: Vec<Vec<Duration>>,
}

fn time_engine(engine: &dyn Engine, queries: &[Query], rounds: usize) -> Timing {
    for q in queries {
        black_box(engine.search(&q.text, LIMIT));
    }
    let mut samples = vec![Vec::with_capacity(rounds); queries.len()];
    for _ in 0..rounds {
        for (q, out) in queries.iter().zip(samples.iter_mut()) {
            let start = Instant::now();
            let hits = engine.search(black_box(&q.text), LIMIT);
            out.push(start.elapsed());
            black_box(hits);
        }
    }
    Timing { samples }
}

struct Stats {
    p50: Duration,
    p99: Duration,
    max: Duration,
    per_second: f64,
}

fn stats<'a>(samples: impl IntoIterator<Item = &'a Duration>) -> Stats {
    let mut all: Vec<Duration> = samples.into_iter().copied().collect();
    all.sort_unstable();
    let total: Duration = all.iter().sum();
    let rank = |p: usize| all[(all.len() - 1) * p / 100];
    Stats {
        p50: rank(50),
        p99: rank(99),
        max: all[all.len() - 1],
        per_second: all.len() as f64 / total.as_secs_f64(),
    }
}

impl Timing {
    fn overall(&self) -> Stats {
        stats(self.samples.iter().flatten())
    }

    fn of_kind(&self, queries: &[Query], kind: &str) -> Stats {
        stats(
            queries
                .iter()
                .zip(&self.samples)
                .filter(|(q, _)| q.kind == kind)
                .flat_map(|(_, s)| s),
        )
    }

    /// (query index, median, max) of the `n` slowest queries by median.
    fn slowest(&self, n: usize) -> Vec<(usize, Duration, Duration)> {
        let mut by_median: Vec<(usize, Duration, Duration)> = self
            .samples
            .iter()
            .enumerate()
            .map(|(i, s)| {
                let st = stats(s);
                (i, st.p50, st.max)
            })
            .collect();
        by_median.sort_by_key(|&(_, median, _)| std::cmp::Reverse(median));
        by_median.truncate(n);
        by_median
    }
}

// ---------------------------------------------------------------------------
// Recall

struct Outcome {
    hit: bool,
    top: Vec<Hit>,
}

fn recall(engine: &dyn Engine, queries: &[Query]) -> Vec<Outcome> {
    queries
        .iter()
        .map(|q| {
            let top = engine.search(&q.text, TOP);
            let hit = top.iter().any(|h| q.accept.contains(&h.code));
            Outcome { hit, top }
        })
        .collect()
}

/// recall@5 outcomes on one catalog, per engine, in query order.
struct Recall {
    hoso: Vec<Outcome>,
    fts: Vec<Outcome>,
    /// FTS5 with `đ` folded to `d` (supplementary, not a target).
    fts_folded: Vec<Outcome>,
    /// tantivy as the report's "tantivy" ([`tantivy_engine::BEST`]).
    tantivy: Vec<Outcome>,
    /// Every tantivy query variant tried (supplementary).
    tantivy_variants: Vec<TantivyVariant>,
}

/// One tantivy query variant: its recall and its latency on the full catalog.
struct TantivyVariant {
    label: String,
    outcomes: Vec<Outcome>,
    timing: Timing,
}

/// Timed rounds of each tantivy variant (a rough latency beside its recall).
const VARIANT_ROUNDS: usize = 3;

fn measure_recall(procedures: &[Procedure], queries: &[Query]) -> Recall {
    let hoso = Hoso(SearchIndex::build(&entries(procedures)));
    let variant = |variant: tantivy_engine::Variant, nfc: bool| {
        let engine = Tantivy::build(procedures, variant, nfc);
        TantivyVariant {
            label: if nfc {
                variant.label.to_string()
            } else {
                format!("{}, without NFC", variant.label)
            },
            outcomes: recall(&engine, queries),
            timing: time_engine(&engine, queries, VARIANT_ROUNDS),
        }
    };
    let mut tantivy_variants: Vec<TantivyVariant> = tantivy_engine::VARIANTS
        .into_iter()
        .map(|v| variant(v, true))
        .collect();
    tantivy_variants.push(variant(tantivy_engine::BEST, false));
    Recall {
        hoso: recall(&hoso, queries),
        fts: recall(&Fts5::build(procedures, false), queries),
        fts_folded: recall(&Fts5::build(procedures, true), queries),
        tantivy: recall(
            &Tantivy::build(procedures, tantivy_engine::BEST, true),
            queries,
        ),
        tantivy_variants,
    }
}

fn hits(outcomes: &[Outcome]) -> usize {
    outcomes.iter().filter(|o| o.hit).count()
}

fn kinds(queries: &[Query]) -> Vec<String> {
    let mut kinds: Vec<String> = queries.iter().map(|q| q.kind.clone()).collect();
    kinds.sort();
    kinds.dedup();
    kinds
}

// ---------------------------------------------------------------------------
// The phone path, in child processes

/// Child entry: prepares a data dir with the catalog at `SCALE_ENV` scale.
fn prepare_child(dir: &Path) {
    let scale: usize = std::env::var(SCALE_ENV)
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(1);
    let start = Instant::now();
    let store = CatalogStore::open(dir).expect("open the catalog store");
    if scale == 1 {
        catalog::import(&store, Path::new(DATA), None).expect("import the catalog");
    } else {
        let bundle = Bundle::new(1, scale_catalog(&load_catalog(), scale));
        store.install(&bundle).expect("install the scaled bundle");
    }
    println!("import_ms={}", start.elapsed().as_secs_f64() * 1e3);
    // What the app does next: the first open after an install builds the
    // index and saves it beside the catalog (issue #20).
    let start = Instant::now();
    black_box(SearchIndex::open(&store).expect("build the search index"));
    println!("first_open_ms={}", start.elapsed().as_secs_f64() * 1e3);
}

/// Child entry: what an app does on launch — open the store, load the index,
/// search once — then its memory as the kernel sees it.
fn search_child(dir: &Path) {
    let base = proc_status_kb("VmRSS");
    let start = Instant::now();
    let store = CatalogStore::open(dir).expect("open the catalog store");
    let opened = start.elapsed();
    let index = SearchIndex::open(&store).expect("load the search index");
    let loaded = start.elapsed();
    let hits = index.search(&SearchQuery::new(FIRST_QUERY));
    let first = start.elapsed();
    println!("base_rss_kb={base}");
    println!("rss_kb={}", proc_status_kb("VmRSS"));
    println!("hwm_kb={}", proc_status_kb("VmHWM"));
    println!("open_ms={}", opened.as_secs_f64() * 1e3);
    println!("load_ms={}", (loaded - opened).as_secs_f64() * 1e3);
    println!("search_ms={}", (first - loaded).as_secs_f64() * 1e3);
    println!("total_ms={}", first.as_secs_f64() * 1e3);
    println!("hits={}", hits.len());
    println!(
        "index_saved={}",
        u8::from(index.origin() == hoso_core::search::IndexOrigin::Saved)
    );
    // After the memory is read: one procedure by code, random codes.
    let codes: Vec<String> = store
        .search_entries()
        .expect("the search entries")
        .into_iter()
        .map(|e| e.code)
        .collect();
    // Each code read three times: the first read as timed, and the best of
    // the three (what the read costs without the machine's other load).
    let mut state = 0x2545_f491_4f6c_dd1d_u64;
    let (mut reads, mut best): (Vec<Duration>, Vec<Duration>) = (0..PROCEDURE_READS)
        .map(|_| {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            let code = &codes[(state % codes.len() as u64) as usize];
            let times: Vec<Duration> = (0..3)
                .map(|_| {
                    let start = Instant::now();
                    black_box(store.procedure(code).expect("read a procedure"));
                    start.elapsed()
                })
                .collect();
            (times[0], times.into_iter().min().unwrap_or_default())
        })
        .unzip();
    reads.sort_unstable();
    best.sort_unstable();
    let us = |d: Duration| d.as_secs_f64() * 1e6;
    println!("read_p50_us={}", us(reads[reads.len() / 2]));
    println!("read_p99_us={}", us(reads[reads.len() * 99 / 100]));
    println!("read_best_p99_us={}", us(best[best.len() * 99 / 100]));
    black_box((store, index));
}

fn proc_status_kb(key: &str) -> u64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    status
        .lines()
        .find_map(|l| l.strip_prefix(key)?.strip_prefix(':'))
        .and_then(|v| v.split_whitespace().next()?.parse().ok())
        .unwrap_or(0)
}

/// Runs this binary as a child with `env`, returning its `key=value` lines.
fn run_child(env: &[(&str, String)]) -> HashMap<String, f64> {
    let exe = std::env::current_exe().expect("current exe");
    let mut cmd = Command::new(exe);
    cmd.env_remove(CHILD_ENV).env_remove(PREPARE_ENV);
    for (k, v) in env {
        cmd.env(k, v);
    }
    let out = cmd.output().expect("run the bench child");
    assert!(
        out.status.success(),
        "bench child failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8_lossy(&out.stdout)
        .lines()
        .filter_map(|l| {
            let (k, v) = l.split_once('=')?;
            Some((k.to_string(), v.parse().ok()?))
        })
        .collect()
}

struct PhonePath {
    procedures: usize,
    import_ms: f64,
    /// The first `SearchIndex::open` after the install (builds and saves).
    first_open_ms: f64,
    disk_bytes: u64,
    /// The median run by cold open → first result.
    run: HashMap<String, f64>,
}

fn phone_path(catalog_len: usize, scale: usize) -> PhonePath {
    let dir = tempfile::tempdir().expect("tempdir");
    let path = dir.path().to_string_lossy().into_owned();
    let prep = run_child(&[(PREPARE_ENV, path.clone()), (SCALE_ENV, scale.to_string())]);
    let mut runs: Vec<HashMap<String, f64>> = (0..CHILD_RUNS)
        .map(|_| run_child(&[(CHILD_ENV, path.clone())]))
        .collect();
    runs.sort_by(|a, b| a["total_ms"].total_cmp(&b["total_ms"]));
    PhonePath {
        procedures: catalog_len * scale,
        import_ms: prep["import_ms"],
        first_open_ms: prep["first_open_ms"],
        disk_bytes: dir_size(dir.path()),
        run: runs.swap_remove(CHILD_RUNS / 2),
    }
}

fn dir_size(path: &Path) -> u64 {
    let Ok(entries) = std::fs::read_dir(path) else {
        return 0;
    };
    entries
        .flatten()
        .map(|e| match e.metadata() {
            Ok(m) if m.is_dir() => dir_size(&e.path()),
            Ok(m) => m.len(),
            Err(_) => 0,
        })
        .sum()
}

// ---------------------------------------------------------------------------
// One catalog, both engines

struct Measured {
    label: &'static str,
    procedures: usize,
    hoso_build: Duration,
    fts_build: Duration,
    tantivy_build: Duration,
    /// Live heap bytes held by the built index, then after its first search.
    hoso_heap: usize,
    hoso_heap_searched: usize,
    /// Peak extra heap while building.
    hoso_build_peak: usize,
    fts_memory: i64,
    /// tantivy's live heap (RAM directory, reader) after the build, after
    /// its first search, and its peak extra while building (the writer).
    tantivy_heap: usize,
    tantivy_heap_searched: usize,
    tantivy_build_peak: usize,
    tantivy_segments: usize,
    hoso: Timing,
    fts: Timing,
    tantivy: Timing,
}

impl Measured {
    /// Each engine's timings, in report order.
    fn engines(&self) -> [(&'static str, &Timing); 3] {
        [
            ("hoso", &self.hoso),
            ("FTS5", &self.fts),
            ("tantivy", &self.tantivy),
        ]
    }
}

fn measure(
    label: &'static str,
    procedures: &[Procedure],
    queries: &[Query],
    rounds: usize,
) -> Measured {
    let entries = entries(procedures);
    let before = live_heap();
    reset_peak();
    let start = Instant::now();
    let hoso = Hoso(SearchIndex::build(&entries));
    let hoso_build = start.elapsed();
    let hoso_heap = live_heap() - before;
    let hoso_build_peak = peak_heap() - before;
    black_box(hoso.search(FIRST_QUERY, LIMIT));
    let hoso_heap_searched = live_heap() - before;

    let sqlite_before = sqlite_memory_used();
    let start = Instant::now();
    let fts = Fts5::build(procedures, false);
    let fts_build = start.elapsed();
    let fts_memory = sqlite_memory_used() - sqlite_before;

    let before = live_heap();
    reset_peak();
    let start = Instant::now();
    let tantivy = Tantivy::build(procedures, tantivy_engine::BEST, true);
    let tantivy_build = start.elapsed();
    let tantivy_heap = live_heap().saturating_sub(before);
    let tantivy_build_peak = peak_heap().saturating_sub(before);
    black_box(tantivy.search(FIRST_QUERY, LIMIT));
    let tantivy_heap_searched = live_heap().saturating_sub(before);

    Measured {
        label,
        procedures: procedures.len(),
        hoso_build,
        fts_build,
        tantivy_build,
        hoso_heap,
        hoso_heap_searched,
        hoso_build_peak,
        fts_memory,
        tantivy_heap,
        tantivy_heap_searched,
        tantivy_build_peak,
        tantivy_segments: tantivy.segments(),
        hoso: time_engine(&hoso, queries, rounds),
        fts: time_engine(&fts, queries, rounds),
        tantivy: time_engine(&tantivy, queries, rounds),
    }
}

// ---------------------------------------------------------------------------
// Report

fn ms(d: Duration) -> String {
    let us = d.as_secs_f64() * 1e6;
    if us < 1000.0 {
        format!("{us:.0} µs")
    } else {
        format!("{:.2} ms", us / 1e3)
    }
}

fn mb(bytes: f64) -> String {
    format!("{:.1} MB", bytes / 1e6)
}

fn pct(n: usize, of: usize) -> String {
    format!("{:.1}%", 100.0 * n as f64 / of.max(1) as f64)
}

fn pass(ok: bool) -> &'static str {
    if ok {
        "PASS"
    } else {
        "FAIL"
    }
}

/// A query as typed, with its spaces visible in a table cell.
fn cell(text: &str) -> String {
    format!("`{}`", text.replace('|', "\\|").replace('`', "'"))
}

/// The 1-minute load average, to judge how much else the machine was doing.
fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .ok()
        .and_then(|l| l.split_whitespace().next().map(str::to_string))
        .unwrap_or_else(|| "?".to_string())
}

/// A procedure name cut to a table-friendly length.
fn short(name: &str) -> String {
    const MAX_CHARS: usize = 80;
    match name.char_indices().nth(MAX_CHARS) {
        Some((at, _)) => format!("{}…", &name[..at]),
        None => name.to_string(),
    }
}

fn print_header(catalog: &[Procedure], set: &QuerySet, rounds: usize, load: (&str, &str)) {
    let with_results = catalog.iter().filter(|p| !p.results.is_empty()).count();
    println!("# hoso search benchmark\n");
    println!(
        "- catalog: {} procedures from `tthc-national-2642.jsonl.gz` ({} with result names, used as keywords); ×{SCALE} synthetic: {} procedures",
        catalog.len(),
        with_results,
        catalog.len() * SCALE
    );
    println!(
        "- queries: {} from `{}`{}; kinds: {}",
        set.queries.len(),
        Path::new(&set.path)
            .file_name()
            .map_or(set.path.clone(), |f| f.to_string_lossy().into_owned()),
        if set.malformed > 0 {
            format!(" ({} malformed lines skipped)", set.malformed)
        } else {
            String::new()
        },
        kinds(&set.queries).join(", ")
    );
    println!(
        "- timing: one warm-up round, then {rounds} rounds of every query, one thread, limit {LIMIT}; \
         1-min load average {} before, {} after the timed part\n",
        load.0, load.1
    );
}

fn print_build(runs: &[&Measured]) {
    println!("## Index build\n");
    println!("| catalog | procedures | hoso build | FTS5 build | tantivy build (segments) |");
    println!("| --- | ---: | ---: | ---: | ---: |");
    for m in runs {
        println!(
            "| {} | {} | {} | {} | {} ({}) |",
            m.label,
            m.procedures,
            ms(m.hoso_build),
            ms(m.fts_build),
            ms(m.tantivy_build),
            m.tantivy_segments
        );
    }
    println!();
}

fn print_latency(runs: &[&Measured], queries: &[Query]) {
    println!("## Latency per query\n");
    println!("| engine | catalog | p50 | p99 | max | queries/s |");
    println!("| --- | --- | ---: | ---: | ---: | ---: |");
    for m in runs {
        for (engine, timing) in m.engines() {
            let s = timing.overall();
            println!(
                "| {engine} | {} | {} | {} | {} | {:.0} |",
                m.label,
                ms(s.p50),
                ms(s.p99),
                ms(s.max),
                s.per_second
            );
        }
    }
    println!("\n### p50 / p99 by query kind\n");
    print!("| kind | n |");
    for m in runs {
        print!(" hoso {0} | FTS5 {0} | tantivy {0} |", m.label);
    }
    println!();
    println!(
        "| --- | ---: |{}",
        " ---: | ---: | ---: |".repeat(runs.len())
    );
    for kind in kinds(queries) {
        let n = queries.iter().filter(|q| q.kind == kind).count();
        print!("| {kind} | {n} |");
        for m in runs {
            for (_, timing) in m.engines() {
                let s = timing.of_kind(queries, &kind);
                print!(" {} / {} |", ms(s.p50), ms(s.p99));
            }
        }
        println!();
    }
    println!("\n### Slowest queries (median over rounds)\n");
    println!("| engine | catalog | query | kind | median | max |");
    println!("| --- | --- | --- | --- | ---: | ---: |");
    for m in runs {
        for (engine, timing) in m.engines() {
            for (i, median, max) in timing.slowest(3) {
                let q = &queries[i];
                println!(
                    "| {engine} | {} | {} | {} | {} | {} |",
                    m.label,
                    cell(&q.text),
                    q.kind,
                    ms(median),
                    ms(max)
                );
            }
        }
    }
    println!();
}

fn print_recall(r: &Recall, queries: &[Query]) {
    let n = queries.len();
    let engines = [
        ("hoso", &r.hoso),
        ("FTS5", &r.fts),
        ("tantivy", &r.tantivy),
        ("FTS5 + đ→d (supplementary)", &r.fts_folded),
    ];
    println!("## recall@{TOP} (full catalog)\n");
    println!("| engine | hits | recall@{TOP} |");
    println!("| --- | ---: | ---: |");
    for (engine, outcomes) in engines {
        let h = hits(outcomes);
        println!("| {engine} | {h}/{n} | {} |", pct(h, n));
    }
    println!("\n| kind | n | hoso | FTS5 | tantivy | FTS5 + đ→d |");
    println!("| --- | ---: | ---: | ---: | ---: | ---: |");
    for kind in kinds(queries) {
        let of_kind = |o: &[Outcome]| {
            queries
                .iter()
                .zip(o)
                .filter(|(q, o)| q.kind == kind && o.hit)
                .count()
        };
        let k = queries.iter().filter(|q| q.kind == kind).count();
        println!(
            "| {kind} | {k} | {} | {} | {} | {} |",
            pct(of_kind(&r.hoso), k),
            pct(of_kind(&r.fts), k),
            pct(of_kind(&r.tantivy), k),
            pct(of_kind(&r.fts_folded), k)
        );
    }
    println!();
    print_tantivy_variants(&r.tantivy_variants, queries);
    print_misses("hoso", &r.hoso, queries);
    print_misses("FTS5", &r.fts, queries);
    print_misses("tantivy", &r.tantivy, queries);
}

fn print_tantivy_variants(variants: &[TantivyVariant], queries: &[Query]) {
    let n = queries.len();
    println!("### tantivy query variants (supplementary)\n");
    println!(
        "Each on the full catalog; latency over {VARIANT_ROUNDS} rounds after a warm-up. \
         “tantivy” above is “{}”.\n",
        tantivy_engine::BEST.label
    );
    println!("| # | variant | hits | recall@{TOP} | p50 | p99 |");
    println!("| ---: | --- | ---: | ---: | ---: | ---: |");
    for (i, v) in variants.iter().enumerate() {
        let h = hits(&v.outcomes);
        let s = v.timing.overall();
        println!(
            "| {} | {} | {h}/{n} | {} | {} | {} |",
            i + 1,
            v.label,
            pct(h, n),
            ms(s.p50),
            ms(s.p99)
        );
    }
    println!("\nrecall@{TOP} by kind, variants by number:\n");
    print!("| kind | n |");
    for i in 1..=variants.len() {
        print!(" {i} |");
    }
    println!("\n| --- | ---: |{}", " ---: |".repeat(variants.len()));
    for kind in kinds(queries) {
        let k = queries.iter().filter(|q| q.kind == kind).count();
        print!("| {kind} | {k} |");
        for v in variants {
            let h = queries
                .iter()
                .zip(&v.outcomes)
                .filter(|(q, o)| q.kind == kind && o.hit)
                .count();
            print!(" {} |", pct(h, k));
        }
        println!();
    }
    println!();
}

fn print_misses(engine: &str, outcomes: &[Outcome], queries: &[Query]) {
    let misses: Vec<(&Query, &Outcome)> = queries
        .iter()
        .zip(outcomes)
        .filter(|(_, o)| !o.hit)
        .collect();
    println!("### Missed by {engine} ({})\n", misses.len());
    if misses.is_empty() {
        println!("None.\n");
        return;
    }
    println!("| query | kind | acceptable | {engine} top 1 |");
    println!("| --- | --- | --- | --- |");
    for (q, o) in misses {
        let top = o.top.first().map_or("(nothing)".to_string(), |h| {
            format!("{} {}", h.code, short(&h.name))
        });
        println!(
            "| {} | {} | {} | {} |",
            cell(&q.text),
            q.kind,
            q.accept.join(", "),
            top.replace('|', "\\|")
        );
    }
    println!();
}

fn print_memory(runs: &[&Measured], phone: &[(String, PhonePath)]) {
    println!("## Memory\n");
    println!("In this process (heap counted by a global allocator wrapper; SQLite by `sqlite3_memory_used`):\n");
    println!("| catalog | hoso index heap | after first search | peak extra while building | FTS5 (SQLite memory) | tantivy heap | after first search | peak extra while building |");
    println!("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
    for m in runs {
        println!(
            "| {} | {} | {} | {} | {} | {} | {} | {} |",
            m.label,
            mb(m.hoso_heap as f64),
            mb(m.hoso_heap_searched as f64),
            mb(m.hoso_build_peak as f64),
            mb(m.fts_memory as f64),
            mb(m.tantivy_heap as f64),
            mb(m.tantivy_heap_searched as f64),
            mb(m.tantivy_build_peak as f64)
        );
    }
    println!(
        "\nThe phone path in a fresh process (`CatalogStore::open` → `SearchIndex::open` → one search for \
         “{FIRST_QUERY}”), median of {CHILD_RUNS} runs by total time; the store files are in the OS page cache. \
         Store on disk is the whole data directory after the import and the first open (which builds and saves the index); \
         one procedure is `CatalogStore::procedure` for {PROCEDURE_READS} random codes in the same child \
         (p99 of the first read, and of the best of three reads of each code):\n"
    );
    println!("| catalog | store on disk | import | first open after import | RSS at start | VmRSS after first result | VmHWM | open store | load index | first search | cold open → first result | one procedure p50 / p99 (best of 3) |");
    println!(
        "| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |"
    );
    for (label, p) in phone {
        let r = &p.run;
        let kb = |k: &str| mb(r[k] * 1024.0);
        println!(
            "| {label} ({}) | {} | {:.1} s | {:.0} ms | {} | {} | {} | {:.1} ms | {:.1} ms | {:.2} ms | {:.1} ms{} | {:.0} / {:.0} ({:.0}) µs |",
            p.procedures,
            mb(p.disk_bytes as f64),
            p.import_ms / 1e3,
            p.first_open_ms,
            kb("base_rss_kb"),
            kb("rss_kb"),
            kb("hwm_kb"),
            r["open_ms"],
            r["load_ms"],
            r["search_ms"],
            r["total_ms"],
            if r["index_saved"] == 1.0 { "" } else { " (index built)" },
            r["read_p50_us"],
            r["read_p99_us"],
            r["read_best_p99_us"]
        );
    }
    println!();
}

/// Issue #20's targets for the store and the cold start.
fn print_store_targets(phone: &[(String, PhonePath)]) {
    println!("\n## Targets (issue #20, store and cold start)\n");
    for (p, disk_mb, total_ms, rss_mb) in [
        (&phone[0].1, 6.0, 40.0, Some(20.0)),
        (&phone[1].1, 60.0, 150.0, None),
    ] {
        let disk = p.disk_bytes as f64 / 1e6;
        let total = p.run["total_ms"];
        println!(
            "- {}: {} procedures: store on disk ≤ {disk_mb:.0} MB ({disk:.1} MB)",
            pass(disk <= disk_mb),
            p.procedures
        );
        println!(
            "- {}: {} procedures: cold open → first result ≤ {total_ms:.0} ms ({total:.1} ms)",
            pass(total <= total_ms),
            p.procedures
        );
        if let Some(rss_mb) = rss_mb {
            let rss = p.run["rss_kb"] * 1024.0 / 1e6;
            println!(
                "- {}: {} procedures: VmRSS after the first result ≤ {rss_mb:.0} MB ({rss:.1} MB)",
                pass(rss <= rss_mb),
                p.procedures
            );
        }
    }
    println!();
}

fn print_targets(full: &Measured, recall: &Recall, phone_full: &PhonePath) {
    println!("## Targets (issue #2)\n");
    let p99 = full.hoso.overall().p99;
    println!(
        "- {}: hoso search p99 < 1 ms on the full catalog ({})",
        pass(p99 < P99_TARGET),
        ms(p99)
    );
    let (h, f, n) = (hits(&recall.hoso), hits(&recall.fts), recall.hoso.len());
    println!(
        "- {}: recall@{TOP} hoso > FTS5 ({} vs {})",
        pass(h > f),
        pct(h, n),
        pct(f, n)
    );
    let rss_mb = phone_full.run["rss_kb"] * 1024.0 / 1e6;
    let hwm_mb = phone_full.run["hwm_kb"] * 1024.0 / 1e6;
    println!(
        "- {}: loaded catalog + index < {RSS_TARGET_MB:.0} MB resident (VmRSS {rss_mb:.1} MB; peak VmHWM {hwm_mb:.1} MB)",
        pass(rss_mb < RSS_TARGET_MB)
    );
}

// ---------------------------------------------------------------------------

fn main() {
    if let Ok(dir) = std::env::var(PREPARE_ENV) {
        return prepare_child(&PathBuf::from(dir));
    }
    if let Ok(dir) = std::env::var(CHILD_ENV) {
        return search_child(&PathBuf::from(dir));
    }
    let rounds = std::env::var("HOSO_BENCH_ROUNDS")
        .ok()
        .and_then(|r| r.parse().ok())
        .unwrap_or(DEFAULT_ROUNDS);
    let set = load_queries();
    assert!(!set.queries.is_empty(), "no queries in {}", set.path);
    let catalog = load_catalog();

    let load_before = load_average();
    let full = measure("full", &catalog, &set.queries, rounds);
    let scaled = {
        let procedures = scale_catalog(&catalog, SCALE);
        measure("×10", &procedures, &set.queries, rounds)
    };
    let load_after = load_average();
    let recall = measure_recall(&catalog, &set.queries);
    let phone = vec![
        ("full".to_string(), phone_path(catalog.len(), 1)),
        (format!("×{SCALE}"), phone_path(catalog.len(), SCALE)),
    ];

    print_header(&catalog, &set, rounds, (&load_before, &load_after));
    print_build(&[&full, &scaled]);
    print_latency(&[&full, &scaled], &set.queries);
    print_recall(&recall, &set.queries);
    print_memory(&[&full, &scaled], &phone);
    print_targets(&full, &recall, &phone[0].1);
    print_store_targets(&phone);
}
