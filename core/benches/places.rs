//! Address picker benchmark (issue #21, item 2): hoso's picker
//! (`Units::search`) beside a naive scan and SQLite FTS5 over the same
//! units table, with the same queries, in the same run. Prints Markdown.
//!
//! What it measures:
//! - **Per keystroke**: every prefix of every query of
//!   `benches/addresses.tsv` (`query<TAB>expected code<TAB>kind[<TAB>scope]`,
//!   written before any engine ran), as a picker sees it while someone
//!   types; p50, p99 and max over every keystroke × every timed round
//!   (after one warm-up round), single thread, 10 answers asked for.
//! - **recall@1 and recall@5** on the full queries: the expected code
//!   first, or in the first five. Overall, per kind, and the misses.
//! - **Build and memory**: the time of the first search (which builds the
//!   picker's index) and the heap the index holds after it (a counting
//!   global allocator in this binary); reading the table itself, for
//!   scale; SQLite's memory for the FTS5 table.
//!
//! The engines, over the same names (provinces, communes, former provinces
//! and former communes; a former one answers its default new unit):
//! - **naive scan**: what an engineer writes first — fold every name
//!   (`hoso_store::text::fold`) on every keystroke and keep those that
//!   `contains` the folded query, in the table's order, provinces first.
//! - **FTS5**: an in-memory table (name folded with the same `fold`, code,
//!   province, both UNINDEXED), `tokenize = 'unicode61'`; the query folded,
//!   its tokens quoted, the last as a prefix (`"tok"*`), AND-ed, ranked by
//!   `bm25` then name length, the chosen province as `AND province = ?`;
//!   one cached prepared statement.
//!
//! Run: `cargo bench -p hoso-core --bench places`. Environment:
//! `HOSO_BENCH_ROUNDS` (timed rounds for hoso and FTS5, default 10; the
//! naive scan gets one). The bench never fails on a target.

use hoso_core::places::{bundled, Units};
use hoso_core::text::fold;
use rusqlite::Connection;
use std::alloc::{GlobalAlloc, Layout, System};
use std::collections::BTreeMap;
use std::hint::black_box;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::{Duration, Instant};

const QUERIES: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/benches/addresses.tsv");
const DEFAULT_ROUNDS: usize = 10;
const LIMIT: usize = 10;
const P99_TARGET: Duration = Duration::from_millis(1);

// ---------------------------------------------------------------------------
// Heap accounting

struct Counting;

static LIVE: AtomicUsize = AtomicUsize::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let p = unsafe { System.alloc(layout) };
        if !p.is_null() {
            LIVE.fetch_add(layout.size(), Ordering::Relaxed);
        }
        p
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        let p = unsafe { System.alloc_zeroed(layout) };
        if !p.is_null() {
            LIVE.fetch_add(layout.size(), Ordering::Relaxed);
        }
        p
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        unsafe { System.dealloc(ptr, layout) };
        LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let p = unsafe { System.realloc(ptr, layout, new_size) };
        if !p.is_null() {
            LIVE.fetch_add(new_size, Ordering::Relaxed);
            LIVE.fetch_sub(layout.size(), Ordering::Relaxed);
        }
        p
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

fn live_heap() -> usize {
    LIVE.load(Ordering::Relaxed)
}

// ---------------------------------------------------------------------------
// Queries

struct Query {
    text: String,
    expected: String,
    kind: String,
    scope: Option<String>,
}

fn load_queries() -> Vec<Query> {
    let text = std::fs::read_to_string(QUERIES).expect("read benches/addresses.tsv");
    text.lines()
        .filter(|l| !l.trim().is_empty() && !l.starts_with('#'))
        .map(|l| {
            let cols: Vec<&str> = l.split('\t').collect();
            assert!(cols.len() >= 3, "malformed line: {l}");
            Query {
                text: cols[0].to_string(),
                expected: cols[1].to_string(),
                kind: cols[2].to_string(),
                scope: cols.get(3).map(|s| s.to_string()),
            }
        })
        .collect()
}

/// Every prefix of `text`, one a keystroke.
fn keystrokes(text: &str) -> Vec<&str> {
    text.char_indices()
        .map(|(i, c)| &text[..i + c.len_utf8()])
        .collect()
}

// ---------------------------------------------------------------------------
// Engines

trait Engine {
    fn search(&self, text: &str, scope: Option<&str>, limit: usize) -> Vec<String>;
}

struct Hoso(&'static Units);

impl Engine for Hoso {
    fn search(&self, text: &str, scope: Option<&str>, limit: usize) -> Vec<String> {
        self.0
            .search(text, scope, limit)
            .into_iter()
            .map(|m| m.code)
            .collect()
    }
}

/// One name of the table as the comparisons see it: the name, the code it
/// answers (a former unit: its default new unit), that unit's province.
struct Row {
    name: String,
    code: String,
    province: String,
}

fn rows(units: &Units) -> Vec<Row> {
    let mut out = Vec::new();
    for p in units.provinces() {
        out.push(Row {
            name: p.full_name(),
            code: p.code.clone(),
            province: String::new(),
        });
    }
    for c in units.communes() {
        out.push(Row {
            name: c.full_name(),
            code: c.code.clone(),
            province: c.province.clone(),
        });
    }
    for fp in units.former_provinces() {
        out.push(Row {
            name: fp.full_name(),
            code: fp.now.clone(),
            province: String::new(),
        });
        for d in units.former_districts_of(&fp.code) {
            for fc in units.former_communes_of(&d.code) {
                let Some(new) = units
                    .new_units_of(&fc.code)
                    .and_then(|n| n.first().copied())
                else {
                    continue;
                };
                out.push(Row {
                    name: fc.full_name(),
                    code: new.commune.code.clone(),
                    province: new.commune.province.clone(),
                });
            }
        }
    }
    out
}

/// The naive scan: fold every name on every keystroke, keep those that
/// contain the folded query.
struct Naive(Vec<Row>);

impl Engine for Naive {
    fn search(&self, text: &str, scope: Option<&str>, limit: usize) -> Vec<String> {
        let q = fold(text.trim());
        if q.is_empty() {
            return Vec::new();
        }
        let mut out: Vec<String> = Vec::new();
        for r in &self.0 {
            if let Some(s) = scope {
                if r.province != s {
                    continue;
                }
            }
            if fold(&r.name).contains(&q) && !out.contains(&r.code) {
                out.push(r.code.clone());
                if out.len() == limit {
                    break;
                }
            }
        }
        out
    }
}

struct Fts5 {
    conn: Connection,
}

const FTS_SCHEMA: &str = "CREATE VIRTUAL TABLE places USING fts5(
    name, code UNINDEXED, province UNINDEXED, tokenize = 'unicode61')";
const FTS_SELECT: &str = "SELECT code FROM places WHERE places MATCH ?1
    ORDER BY bm25(places), length(name) LIMIT ?2";
const FTS_SELECT_SCOPED: &str = "SELECT code FROM places WHERE places MATCH ?1
    AND province = ?3 ORDER BY bm25(places), length(name) LIMIT ?2";

impl Fts5 {
    fn build(rows: &[Row]) -> Fts5 {
        let mut conn = Connection::open_in_memory().expect("open SQLite in memory");
        conn.execute_batch(FTS_SCHEMA)
            .expect("create the FTS5 table");
        let tx = conn.transaction().expect("begin");
        {
            let mut insert = tx
                .prepare("INSERT INTO places (name, code, province) VALUES (?1, ?2, ?3)")
                .expect("prepare insert");
            for r in rows {
                insert
                    .execute((fold(&r.name), &r.code, &r.province))
                    .expect("insert a name");
            }
        }
        tx.commit().expect("commit");
        Fts5 { conn }
    }
}

impl Engine for Fts5 {
    fn search(&self, text: &str, scope: Option<&str>, limit: usize) -> Vec<String> {
        let folded = fold(text);
        let tokens: Vec<&str> = folded
            .split(|c: char| !c.is_alphanumeric())
            .filter(|t| !t.is_empty())
            .collect();
        let Some(last) = tokens.len().checked_sub(1) else {
            return Vec::new();
        };
        let expression = tokens
            .iter()
            .enumerate()
            .map(|(i, t)| {
                if i == last && !text.ends_with(' ') {
                    format!("\"{t}\"*")
                } else {
                    format!("\"{t}\"")
                }
            })
            .collect::<Vec<_>>()
            .join(" ");
        // Several rows (a unit and the former ones it absorbed) answer one
        // code: ask for more and keep the first of each.
        let ask = (limit * 4) as i64;
        let rows: Vec<String> = match scope {
            Some(s) => self
                .conn
                .prepare_cached(FTS_SELECT_SCOPED)
                .and_then(|mut st| st.query_map((&expression, ask, s), |r| r.get(0))?.collect()),
            None => self
                .conn
                .prepare_cached(FTS_SELECT)
                .and_then(|mut st| st.query_map((&expression, ask), |r| r.get(0))?.collect()),
        }
        .unwrap_or_default();
        let mut out = Vec::new();
        for code in rows {
            if !out.contains(&code) {
                out.push(code);
                if out.len() == limit {
                    break;
                }
            }
        }
        out
    }
}

fn sqlite_memory_used() -> i64 {
    // SAFETY: a plain read of SQLite's global memory statistics.
    unsafe { rusqlite::ffi::sqlite3_memory_used() }
}

// ---------------------------------------------------------------------------
// Measures

struct Stats {
    p50: Duration,
    p99: Duration,
    max: Duration,
    n: usize,
}

fn stats(mut all: Vec<Duration>) -> Stats {
    all.sort_unstable();
    let rank = |p: usize| all[(all.len() - 1) * p / 100];
    Stats {
        p50: rank(50),
        p99: rank(99),
        max: all[all.len() - 1],
        n: all.len(),
    }
}

/// Every keystroke of every query, `rounds` times after one warm-up round.
fn per_keystroke(engine: &dyn Engine, queries: &[Query], rounds: usize) -> Stats {
    let strokes: Vec<(&str, Option<&str>)> = queries
        .iter()
        .flat_map(|q| {
            keystrokes(&q.text)
                .into_iter()
                .map(|k| (k, q.scope.as_deref()))
        })
        .collect();
    for (k, s) in &strokes {
        black_box(engine.search(k, *s, LIMIT));
    }
    let mut samples = Vec::with_capacity(strokes.len() * rounds);
    for _ in 0..rounds {
        for (k, s) in &strokes {
            let start = Instant::now();
            let out = engine.search(black_box(k), *s, LIMIT);
            samples.push(start.elapsed());
            black_box(out);
        }
    }
    stats(samples)
}

/// A query's outcome: the position of the expected code in the first five
/// (None: not there), and those five.
type Ranked = (Option<usize>, Vec<String>);

/// The position of the expected code in each query's first five (None:
/// not there).
fn ranks(engine: &dyn Engine, queries: &[Query]) -> Vec<Ranked> {
    queries
        .iter()
        .map(|q| {
            let top = engine.search(&q.text, q.scope.as_deref(), 5);
            (top.iter().position(|c| *c == q.expected), top)
        })
        .collect()
}

fn pct(hits: usize, n: usize) -> String {
    format!("{:.1} %", 100.0 * hits as f64 / n.max(1) as f64)
}

fn ms(d: Duration) -> String {
    format!("{:.3} ms", d.as_secs_f64() * 1e3)
}

fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .ok()
        .and_then(|l| l.split_whitespace().next().map(String::from))
        .unwrap_or_else(|| "?".into())
}

fn main() {
    let rounds: usize = std::env::var("HOSO_BENCH_ROUNDS")
        .ok()
        .and_then(|r| r.parse().ok())
        .unwrap_or(DEFAULT_ROUNDS);
    let queries = load_queries();

    let heap = live_heap();
    let start = Instant::now();
    let units = bundled().expect("the bundled units table");
    let read_time = start.elapsed();
    let table_heap = live_heap() - heap;
    let heap = live_heap();
    let start = Instant::now();
    black_box(units.search("a", None, 1));
    let build_time = start.elapsed();
    let picker_heap = live_heap() - heap;

    let rows = rows(units);
    let names = rows.len();
    let sqlite_before = sqlite_memory_used();
    let start = Instant::now();
    let fts = Fts5::build(&rows);
    let fts_build = start.elapsed();
    let fts_memory = sqlite_memory_used() - sqlite_before;
    let naive = Naive(rows);
    let hoso = Hoso(units);

    let load_before = load_average();
    let engines: [(&str, &dyn Engine, usize); 3] = [
        ("hoso", &hoso, rounds),
        ("naive scan", &naive, 1),
        ("FTS5", &fts, rounds),
    ];
    let mut timing = Vec::new();
    for (name, engine, r) in engines {
        timing.push((name, per_keystroke(engine, &queries, r), r));
    }
    let load_after = load_average();
    let results: Vec<(&str, Vec<Ranked>)> = engines
        .iter()
        .map(|(name, engine, _)| (*name, ranks(*engine, &queries)))
        .collect();

    let strokes: usize = queries.iter().map(|q| keystrokes(&q.text).len()).sum();
    println!("## Address picker\n");
    println!(
        "- {} queries ({} keystrokes) from `core/benches/addresses.tsv`; {names} names \
         (provinces, communes, former provinces and communes); 10 answers a keystroke; \
         1-min load average {load_before} before, {load_after} after the timed part\n",
        queries.len(),
        strokes
    );
    println!("| engine | rounds | keystrokes timed | p50 | p99 | max | recall@1 | recall@5 |");
    println!("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
    for ((name, s, r), (_, res)) in timing.iter().zip(&results) {
        let at1 = res.iter().filter(|(p, _)| *p == Some(0)).count();
        let at5 = res.iter().filter(|(p, _)| p.is_some()).count();
        println!(
            "| {name} | {r} | {} | {} | {} | {} | {}/{} ({}) | {}/{} ({}) |",
            s.n,
            ms(s.p50),
            ms(s.p99),
            ms(s.max),
            at1,
            queries.len(),
            pct(at1, queries.len()),
            at5,
            queries.len(),
            pct(at5, queries.len())
        );
    }
    let hoso_p99 = timing[0].1.p99;
    println!(
        "\n- target p99 < 1 ms per keystroke (hoso): {}\n",
        if hoso_p99 < P99_TARGET {
            "PASS"
        } else {
            "FAIL"
        }
    );

    let mut kinds: BTreeMap<&str, Vec<usize>> = BTreeMap::new();
    for (i, q) in queries.iter().enumerate() {
        kinds.entry(q.kind.as_str()).or_default().push(i);
    }
    print!("| kind | n |");
    for (name, _) in &results {
        print!(" {name} @1 | {name} @5 |");
    }
    println!();
    print!("| --- | ---: |");
    for _ in &results {
        print!(" ---: | ---: |");
    }
    println!();
    for (kind, idx) in &kinds {
        print!("| {kind} | {} |", idx.len());
        for (_, res) in &results {
            let at1 = idx.iter().filter(|&&i| res[i].0 == Some(0)).count();
            let at5 = idx.iter().filter(|&&i| res[i].0.is_some()).count();
            print!(" {at1} | {at5} |");
        }
        println!();
    }

    println!("\n| | measured |");
    println!("| --- | ---: |");
    println!(
        "| reading the bundled table (`bundled()`) | {} |",
        ms(read_time)
    );
    println!(
        "| the table's heap | {:.0} KiB |",
        table_heap as f64 / 1024.0
    );
    println!(
        "| building the picker's index (first search) | {} |",
        ms(build_time)
    );
    println!(
        "| the picker index's heap | {:.0} KiB |",
        picker_heap as f64 / 1024.0
    );
    println!(
        "| FTS5: building the table / SQLite memory | {} / {:.0} KiB |",
        ms(fts_build),
        fts_memory as f64 / 1024.0
    );

    println!("\nhoso's misses at 1 (query, kind, expected, first five):\n");
    println!("| query | kind | scope | expected | hoso first five |");
    println!("| --- | --- | --- | --- | --- |");
    for (q, (p, top)) in queries.iter().zip(&results[0].1) {
        if *p != Some(0) {
            let shown: Vec<String> = top
                .iter()
                .map(|c| {
                    let name = units
                        .commune(c)
                        .map(|c| c.full_name())
                        .or_else(|| units.province(c).map(|p| p.full_name()))
                        .unwrap_or_default();
                    format!("{c} {name}")
                })
                .collect();
            let expected = units
                .commune(&q.expected)
                .map(|c| c.full_name())
                .or_else(|| units.province(&q.expected).map(|p| p.full_name()))
                .unwrap_or_default();
            println!(
                "| `{}` | {} | {} | {} {} | {} |",
                q.text,
                q.kind,
                q.scope.as_deref().unwrap_or(""),
                q.expected,
                expected,
                shown.join("; ")
            );
        }
    }
}
