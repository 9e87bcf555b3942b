//! Adding a 1 GiB attachment (issue #4): wall time and peak resident memory
//! of `hoso attach add` — read, hash (SHA-256), sniff, seal in 64 KiB
//! AES-256-GCM chunks, write, fsync, publish, commit — side by side in one
//! run with what an app would otherwise do to keep a file: a plain copy made
//! durable (`cp` + `sync FILE`), and an encrypted copy (`openssl enc
//! -aes-256-ctr`, unauthenticated, + `sync`). Peak memory from
//! `/usr/bin/time -f %M`. Target: < 32 MB resident while adding.
//!
//! The file is 1 GiB of pseudo-random bytes behind a PDF header, attached to
//! a slot that takes large technical documents (1.003590's ship design
//! dossier, 2 GiB limit). Each timed add starts from an empty blob store
//! (the previous one is removed and garbage-collected), so dedupe never
//! short-cuts it. The source file sits in the page cache; writes go to the
//! real disk (`HOSO_BENCH_DIR`, default the workspace's `target/`).
//!
//! Run: `cargo bench -p hoso-core --bench attach` (builds the release `hoso`
//! first unless `HOSO_BIN` is set). `HOSO_BENCH_MIB` (default 1024),
//! `HOSO_BENCH_RUNS` (default 3).

use std::io::{BufWriter, Write};
use std::path::{Path, PathBuf};
use std::process::Command;

const WORKSPACE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/..");
const SOURCE: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../shared/data/tthc-national-2642.jsonl.gz"
);
const CODE: &str = "1.003590";
const TARGET_MB: f64 = 32.0;

fn env_u64(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn hoso_bin() -> PathBuf {
    if let Ok(b) = std::env::var("HOSO_BIN") {
        return PathBuf::from(b);
    }
    let status = Command::new(env!("CARGO"))
        .args(["build", "--release", "-p", "hoso-cli"])
        .current_dir(WORKSPACE)
        .status()
        .expect("cargo build");
    assert!(status.success(), "cargo build --release -p hoso-cli failed");
    Path::new(WORKSPACE).join("target/release/hoso")
}

fn json(out: std::process::Output) -> serde_json::Value {
    assert!(
        out.status.success(),
        "{}{}",
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("JSON")
}

/// Wall seconds and peak RSS (kB) of one command, from GNU time.
fn timed(cmd: &mut Command) -> (f64, u64) {
    let report = tempfile::NamedTempFile::new().unwrap();
    let mut timed = Command::new("/usr/bin/time");
    timed
        .arg("-f")
        .arg("%e %M")
        .arg("-o")
        .arg(report.path())
        .arg(cmd.get_program())
        .args(cmd.get_args());
    for (k, v) in cmd.get_envs() {
        if let Some(v) = v {
            timed.env(k, v);
        }
    }
    let out = timed.output().expect("run /usr/bin/time");
    assert!(
        out.status.success(),
        "{:?} failed: {}",
        cmd,
        String::from_utf8_lossy(&out.stderr)
    );
    let text = std::fs::read_to_string(report.path()).unwrap();
    let mut parts = text.split_whitespace();
    let secs: f64 = parts.next().and_then(|s| s.parse().ok()).unwrap();
    let kb: u64 = parts.next().and_then(|s| s.parse().ok()).unwrap();
    (secs, kb)
}

fn main() {
    let mib = env_u64("HOSO_BENCH_MIB", 1024);
    let runs = env_u64("HOSO_BENCH_RUNS", 3);
    let bin = hoso_bin();
    let root = std::env::var("HOSO_BENCH_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|_| Path::new(WORKSPACE).join("target"))
        .join("bench-attach");
    let _ = std::fs::remove_dir_all(&root);
    std::fs::create_dir_all(&root).unwrap();
    let data = root.join("data");
    let file = root.join("thiet-ke-tau.pdf");
    {
        let mut w = BufWriter::with_capacity(1 << 20, std::fs::File::create(&file).unwrap());
        w.write_all(b"%PDF-1.7\n").unwrap();
        let mut x: u64 = 0x2545_F491_4F6C_DD1D;
        let mut buf = vec![0u8; 1 << 20];
        for _ in 0..mib {
            for chunk in buf.chunks_mut(8) {
                x ^= x << 13;
                x ^= x >> 7;
                x ^= x << 17;
                chunk.copy_from_slice(&x.to_le_bytes()[..chunk.len()]);
            }
            w.write_all(&buf).unwrap();
        }
        w.flush().unwrap();
    }
    // Into the page cache.
    std::io::copy(
        &mut std::fs::File::open(&file).unwrap(),
        &mut std::io::sink(),
    )
    .unwrap();
    let hoso = |args: &[&str]| {
        let mut c = Command::new(&bin);
        c.arg("--data-dir").arg(&data).args(args).arg("--json");
        c
    };
    json(hoso(&["catalog", "import", SOURCE]).output().unwrap());
    let schema = json(hoso(&["form", "show", CODE]).output().unwrap());
    let slot = schema["slots"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["max_bytes"].as_u64().unwrap_or(0) > mib << 20)
        .expect("a slot for large technical documents")["id"]
        .as_str()
        .unwrap()
        .to_string();
    let draft = json(
        hoso(&["draft", "new", CODE, "--no-prefill"])
            .output()
            .unwrap(),
    );
    let id = draft["draft"]["id"].as_str().unwrap().to_string();
    let file_s = file.to_str().unwrap();
    let dest = root.join("copy.bin");
    let dest_s = dest.to_str().unwrap().to_string();

    let mut rows: Vec<(&str, Vec<(f64, u64)>)> = vec![
        ("hoso attach add (hash + seal + fsync + commit)", vec![]),
        ("cp + sync (plain copy, durable)", vec![]),
        ("openssl enc -aes-256-ctr + sync (encrypted copy)", vec![]),
    ];
    for _ in 0..runs {
        rows[0]
            .1
            .push(timed(&mut hoso(&["attach", "add", &id, &slot, file_s])));
        let listed = json(hoso(&["attach", "list", &id]).output().unwrap());
        let sha = listed[0]["sha256"].as_str().unwrap().to_string();
        json(
            hoso(&["attach", "remove", &id, &slot, &sha])
                .output()
                .unwrap(),
        );
        json(hoso(&["attach", "gc"]).output().unwrap());

        let mut cp = Command::new("sh");
        cp.args([
            "-c",
            &format!("cp '{file_s}' '{dest_s}' && sync '{dest_s}'"),
        ]);
        rows[1].1.push(timed(&mut cp));
        let _ = std::fs::remove_file(&dest);
        let mut enc = Command::new("sh");
        enc.args(["-c", &format!(
            "openssl enc -aes-256-ctr -K {} -iv {} -in '{file_s}' -out '{dest_s}' && sync '{dest_s}'",
            "11".repeat(32),
            "22".repeat(16)
        )]);
        rows[2].1.push(timed(&mut enc));
        let _ = std::fs::remove_file(&dest);
    }

    let size_mb = ((mib << 20) + 9) as f64 / 1e6;
    println!("## Adding a {mib} MiB attachment\n");
    println!("best of {runs} runs each, interleaved; MB = 10^6 bytes\n");
    println!("| how | best wall time | throughput | peak RSS (max over runs) |");
    println!("|---|---|---|---|");
    let mut hoso_rss = 0.0;
    for (name, results) in &rows {
        let best = results.iter().map(|r| r.0).fold(f64::INFINITY, f64::min);
        let rss = results.iter().map(|r| r.1).max().unwrap_or(0) as f64 / 1000.0;
        if name.starts_with("hoso") {
            hoso_rss = rss;
        }
        println!(
            "| {name} | {best:.2} s | {:.0} MB/s | {rss:.1} MB |",
            size_mb / best.max(1e-9)
        );
    }
    println!(
        "\n- target: peak RSS while adding < {TARGET_MB:.0} MB: {} ({hoso_rss:.1} MB)",
        if hoso_rss < TARGET_MB { "PASS" } else { "FAIL" }
    );
    let load = std::fs::read_to_string("/proc/loadavg").unwrap_or_default();
    println!(
        "- 1-min load average after: {}",
        load.split_whitespace().next().unwrap_or("?")
    );
    let _ = std::fs::remove_dir_all(&root);
}
