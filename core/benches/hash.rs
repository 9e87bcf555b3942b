//! Hashing benchmark (issue #4): SHA-256 throughput of `hoso hash` (the
//! release binary) against `openssl dgst -sha256` (the machine's ceiling,
//! SHA-NI when the CPU has it) and coreutils `sha256sum`, in one run on one
//! 1 GiB file of pseudo-random bytes, and the peak resident memory of each
//! (`/usr/bin/time -f %M`; MB = 10^6 bytes). Prints a Markdown report.
//!
//! How: the file is written with a xorshift generator onto the real disk
//! (next to the build, not tmpfs), read once so it sits in the page cache,
//! then every tool runs once as a warm-up and three times timed, the tools
//! interleaved round by round; the best time counts. Every run's digest is
//! checked against the one computed in this process. Also measured here, in
//! process: the library's `sha256_reader_with_buffer` over the same file with
//! 64 KiB, 256 KiB and 1 MiB buffers (how `BUFFER_LEN` was chosen), and the
//! compute-only speed on bytes already in memory of ring and of OpenSSL
//! (`openssl speed -evp sha256`).
//!
//! Run: `cargo bench -p hoso-core --bench hash`. It first runs `cargo build
//! --release -p hoso-cli` (same target directory), unless `HOSO_BIN` names a
//! `hoso` binary to use. Environment: `HOSO_BENCH_DIR` (where to write the
//! file; default `target/` of the workspace), `HOSO_BENCH_MIB` (file size,
//! default 1024), `HOSO_BENCH_RUNS` (timed runs, default 3). Targets are
//! reported as PASS/FAIL; the bench never fails on them, but it does fail if
//! a tool is missing or disagrees on the digest.

use hoso_core::attachment::hash::{sha256_reader_with_buffer, Digest, Flow, Sha256, BUFFER_LEN};
use std::fs::File;
use std::io::{BufWriter, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const MIB: u64 = 1 << 20;
const WORKSPACE: &str = concat!(env!("CARGO_MANIFEST_DIR"), "/..");

fn env_u64(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn fail(msg: &str) -> ! {
    eprintln!("hash bench: {msg}");
    std::process::exit(1);
}

/// xorshift64*, fast enough to write a GiB in well under a second of CPU.
struct Rng(u64);

impl Rng {
    fn fill(&mut self, buf: &mut [u8]) {
        for chunk in buf.chunks_exact_mut(8) {
            self.0 ^= self.0 >> 12;
            self.0 ^= self.0 << 25;
            self.0 ^= self.0 >> 27;
            let v = self.0.wrapping_mul(0x2545_F491_4F6C_DD1D);
            chunk.copy_from_slice(&v.to_le_bytes());
        }
    }
}

/// Writes `size` pseudo-random bytes to `path`, fsynced, and returns their
/// digest.
fn write_file(path: &Path, size: u64) -> Digest {
    let file =
        File::create(path).unwrap_or_else(|e| fail(&format!("create {}: {e}", path.display())));
    let mut out = BufWriter::with_capacity(MIB as usize, file);
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let mut buf = vec![0u8; MIB as usize];
    let mut hasher = Sha256::new();
    let mut left = size;
    while left > 0 {
        let n = left.min(MIB) as usize;
        rng.fill(&mut buf[..n]);
        hasher.update(&buf[..n]);
        out.write_all(&buf[..n])
            .unwrap_or_else(|e| fail(&format!("write {}: {e}", path.display())));
        left -= n as u64;
    }
    let file = out
        .into_inner()
        .unwrap_or_else(|e| fail(&format!("write {}: {e}", path.display())));
    file.sync_all()
        .unwrap_or_else(|e| fail(&format!("fsync {}: {e}", path.display())));
    hasher.finish()
}

/// Reads the file to the end (to put it in the page cache).
fn read_all(path: &Path) {
    let mut f = File::open(path).unwrap_or_else(|e| fail(&format!("open: {e}")));
    let mut buf = vec![0u8; MIB as usize];
    while f
        .read(&mut buf)
        .unwrap_or_else(|e| fail(&format!("read: {e}")))
        > 0
    {}
}

fn output(cmd: &str, args: &[&str]) -> Option<String> {
    let out = Command::new(cmd).args(args).output().ok()?;
    out.status
        .success()
        .then(|| String::from_utf8_lossy(&out.stdout).trim().to_string())
}

/// The `hoso` binary to measure: `HOSO_BIN`, or a fresh release build.
fn hoso_binary() -> PathBuf {
    if let Some(bin) = std::env::var_os("HOSO_BIN") {
        return PathBuf::from(bin);
    }
    // This bench runs as <target>/release/deps/hash-…: build into the same
    // target directory, so the release `hoso` is the usual one.
    let target = std::env::current_exe()
        .ok()
        .and_then(|exe| Some(exe.parent()?.parent()?.parent()?.to_path_buf()))
        .unwrap_or_else(|| Path::new(WORKSPACE).join("target"));
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    eprintln!(
        "hash bench: building the release hoso into {}",
        target.display()
    );
    let status = Command::new(cargo)
        .args([
            "build",
            "--release",
            "--quiet",
            "-p",
            "hoso-cli",
            "--bin",
            "hoso",
        ])
        .arg("--target-dir")
        .arg(&target)
        .current_dir(WORKSPACE)
        .stdout(Stdio::null())
        .status()
        .unwrap_or_else(|e| fail(&format!("cannot run cargo: {e}")));
    if !status.success() {
        fail("cargo build --release -p hoso-cli failed");
    }
    target.join("release").join("hoso")
}

struct Tool {
    name: &'static str,
    program: PathBuf,
    args: Vec<String>,
}

impl Tool {
    fn command(&self, file: &Path) -> Command {
        let mut c = Command::new(&self.program);
        c.args(&self.args).arg(file);
        c
    }

    /// One run: wall time, checking the printed digest.
    fn run(&self, file: &Path, expected: &Digest) -> Duration {
        let start = Instant::now();
        let out = self
            .command(file)
            .stderr(Stdio::inherit())
            .output()
            .unwrap_or_else(|e| fail(&format!("cannot run {}: {e}", self.name)));
        let took = start.elapsed();
        let text = String::from_utf8_lossy(&out.stdout);
        if !out.status.success() || !text.contains(&expected.to_hex()) {
            fail(&format!(
                "{} printed {text:?}, expected {expected}",
                self.name
            ));
        }
        took
    }

    /// Peak resident set (kB) of one run, as GNU time reports it.
    fn max_rss_kb(&self, file: &Path, dir: &Path) -> Option<u64> {
        let report = dir.join(format!("{}.rss", self.name.replace(' ', "_")));
        let status = Command::new("/usr/bin/time")
            .arg("-f")
            .arg("%M")
            .arg("-o")
            .arg(&report)
            .arg(&self.program)
            .args(&self.args)
            .arg(file)
            .stdout(Stdio::null())
            .status()
            .ok()?;
        if !status.success() {
            return None;
        }
        std::fs::read_to_string(report).ok()?.trim().parse().ok()
    }
}

fn gbps(bytes: u64, d: Duration) -> f64 {
    bytes as f64 / d.as_secs_f64() / 1e9
}

fn ms(d: Duration) -> String {
    format!("{:.0} ms", d.as_secs_f64() * 1e3)
}

/// "1 GiB", "512 MiB".
fn size_label(bytes: u64) -> String {
    if bytes % (1024 * MIB) == 0 {
        format!("{} GiB", bytes / (1024 * MIB))
    } else {
        format!("{} MiB", bytes / MIB)
    }
}

fn load_average() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .ok()
        .and_then(|s| s.split_whitespace().next().map(str::to_string))
        .unwrap_or_else(|| "?".into())
}

/// OpenSSL's compute-only SHA-256 speed (bytes/s) on 16 KiB blocks.
fn openssl_speed() -> Option<f64> {
    let text = output(
        "openssl",
        &[
            "speed", "-seconds", "3", "-bytes", "16384", "-evp", "sha256",
        ],
    )?;
    let last = text.lines().last()?;
    let value = last.split_whitespace().nth(1)?;
    let k: f64 = value.strip_suffix('k')?.parse().ok()?;
    Some(k * 1000.0)
}

fn main() {
    let size = env_u64("HOSO_BENCH_MIB", 1024) * MIB;
    let runs = env_u64("HOSO_BENCH_RUNS", 3).max(1);
    let hoso = hoso_binary();
    if !hoso.is_file() {
        fail(&format!("no hoso binary at {}", hoso.display()));
    }
    for tool in ["openssl", "sha256sum"] {
        if output(tool, &["--version"]).is_none() && output(tool, &["version"]).is_none() {
            fail(&format!(
                "{tool} is not installed; the bench compares against it"
            ));
        }
    }
    let base = std::env::var_os("HOSO_BENCH_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| Path::new(WORKSPACE).join("target"));
    std::fs::create_dir_all(&base).unwrap_or_else(|e| fail(&format!("{}: {e}", base.display())));
    let base = base.canonicalize().unwrap_or(base);
    let dir = tempfile::Builder::new()
        .prefix("hash-bench-")
        .tempdir_in(&base)
        .unwrap_or_else(|e| fail(&format!("temp dir in {}: {e}", base.display())));
    let file = dir.path().join("random.bin");

    let started = Instant::now();
    let expected = write_file(&file, size);
    let wrote = started.elapsed();
    read_all(&file);

    let tools = [
        Tool {
            name: "hoso hash",
            program: hoso.clone(),
            args: vec!["hash".into()],
        },
        Tool {
            name: "openssl dgst -sha256",
            program: "openssl".into(),
            args: vec!["dgst".into(), "-sha256".into()],
        },
        Tool {
            name: "sha256sum",
            program: "sha256sum".into(),
            args: vec![],
        },
    ];
    let load_before = load_average();

    // In process: the library's loop with three buffer sizes, and ring on
    // bytes already in memory.
    let buffers = [64 * 1024, 256 * 1024, 1024 * 1024];
    let mut buffer_best = vec![Duration::MAX; buffers.len()];
    for round in 0..=runs {
        for (i, &len) in buffers.iter().enumerate() {
            let mut buf = vec![0u8; len];
            let f = File::open(&file).unwrap_or_else(|e| fail(&format!("open: {e}")));
            let start = Instant::now();
            let (d, n) = sha256_reader_with_buffer(f, Some(size), &mut buf, |_, _| Flow::Continue)
                .unwrap_or_else(|e| fail(&e.to_string()));
            let took = start.elapsed();
            assert_eq!((d, n), (expected, size));
            if round > 0 {
                buffer_best[i] = buffer_best[i].min(took);
            }
        }
    }
    let memory_len = (64 * MIB).min(size) as usize;
    let mut in_memory = vec![0u8; memory_len];
    Rng(1).fill(&mut in_memory);
    let mut compute_best = Duration::MAX;
    for round in 0..=runs {
        let start = Instant::now();
        for _ in 0..8 {
            std::hint::black_box(Digest::of(std::hint::black_box(&in_memory)));
        }
        let took = start.elapsed();
        if round > 0 {
            compute_best = compute_best.min(took);
        }
    }
    drop(in_memory);
    let openssl_speed = openssl_speed();

    // The tools, interleaved: one warm-up round, then `runs` timed rounds.
    let mut best = vec![Duration::MAX; tools.len()];
    let mut all: Vec<Vec<Duration>> = vec![Vec::new(); tools.len()];
    for round in 0..=runs {
        for (i, tool) in tools.iter().enumerate() {
            let took = tool.run(&file, &expected);
            if round > 0 {
                best[i] = best[i].min(took);
                all[i].push(took);
            }
        }
    }
    let rss: Vec<Option<u64>> = tools
        .iter()
        .map(|t| t.max_rss_kb(&file, dir.path()))
        .collect();
    let load_after = load_average();

    // Report.
    let cpu = std::fs::read_to_string("/proc/cpuinfo").unwrap_or_default();
    let model = cpu
        .lines()
        .find(|l| l.starts_with("model name"))
        .and_then(|l| l.split(':').nth(1))
        .map(str::trim)
        .unwrap_or("?");
    let sha_ni = cpu.split_whitespace().any(|w| w == "sha_ni");
    let nproc = std::thread::available_parallelism().map_or(0, |n| n.get());
    println!("#### Report as measured\n");
    println!(
        "- file: {} of xorshift bytes in `{}` (written and fsynced in {:.1} s), in the page cache",
        size_label(size),
        base.display(),
        wrote.as_secs_f64()
    );
    println!(
        "- machine: {nproc} × {model}, SHA-NI {}; {}; sha256sum: {}",
        if sha_ni { "yes" } else { "no" },
        output("openssl", &["version"]).unwrap_or_else(|| "openssl ?".into()),
        output("sha256sum", &["--version"])
            .and_then(|s| s.lines().next().map(str::to_string))
            .unwrap_or_else(|| "?".into())
    );
    println!(
        "- timing: wall time of the whole process, one warm-up round then best of {runs}, tools interleaved; 1-min load average {load_before} before, {load_after} after"
    );
    println!(
        "- hoso: `{}` (buffer {} KiB)\n",
        hoso.display(),
        BUFFER_LEN / 1024
    );

    let openssl_best = best[1];
    println!("| tool | best | GB/s | % of openssl | all runs | peak RSS |");
    println!("| --- | ---: | ---: | ---: | --- | ---: |");
    for (i, tool) in tools.iter().enumerate() {
        let runs: Vec<String> = all[i].iter().map(|d| ms(*d)).collect();
        println!(
            "| `{}` | {} | {:.2} | {:.0}% | {} | {} |",
            tool.name,
            ms(best[i]),
            gbps(size, best[i]),
            100.0 * openssl_best.as_secs_f64() / best[i].as_secs_f64(),
            runs.join(", "),
            rss[i].map_or("?".into(), |kb| format!(
                "{:.1} MB",
                (kb * 1024) as f64 / 1e6
            )),
        );
    }
    println!("\nIn process (hoso-core, `sha256_reader_with_buffer` over the same file; best of {runs}):\n");
    println!("| buffer | best | GB/s |");
    println!("| ---: | ---: | ---: |");
    for (i, &len) in buffers.iter().enumerate() {
        println!(
            "| {} KiB{} | {} | {:.2} |",
            len / 1024,
            if len == BUFFER_LEN {
                " (BUFFER_LEN)"
            } else {
                ""
            },
            ms(buffer_best[i]),
            gbps(size, buffer_best[i])
        );
    }
    println!(
        "| in memory (ring only, 8 × {} MiB) | {} | {:.2} |",
        memory_len as u64 / MIB,
        ms(compute_best),
        gbps(8 * memory_len as u64, compute_best)
    );

    match openssl_speed {
        Some(bps) => println!(
            "| in memory (`openssl speed -evp sha256`, 16 KiB blocks) | | {:.2} |",
            bps / 1e9
        ),
        None => println!("| in memory (`openssl speed`) | | ? |"),
    }

    let ratio = 100.0 * openssl_best.as_secs_f64() / best[0].as_secs_f64();
    let verdict = |ok: bool| if ok { "PASS" } else { "FAIL" };
    println!("\n#### Targets (issue #4, hashing)\n");
    println!(
        "- {}: `hoso hash` ≥ 90% of `openssl dgst -sha256` ({ratio:.0}%)",
        verdict(ratio >= 90.0)
    );
    match rss[0] {
        Some(kb) => println!(
            "- {}: peak resident memory of `hoso hash` on the {} file < 32 MB ({:.1} MB)",
            verdict(kb * 1024 < 32_000_000),
            size_label(size),
            (kb * 1024) as f64 / 1e6
        ),
        None => println!("- not measured: peak resident memory (no /usr/bin/time)"),
    }
}
