//! Hostile input to the `hoso` command (issue #18): sizes far past each
//! limit, special files, endless streams and a hostile portal. Each case
//! asserts the typed error code, no panic, an answer within 2 s, and a peak
//! resident memory (from `wait4`) within 64 MB of the same command run on a
//! small valid input. The cases run one at a time, so their times and
//! memory are their own.

#![cfg(target_os = "linux")]

use serde_json::Value;
use std::io::{Read, Write};
use std::net::TcpListener;
use std::os::unix::process::ExitStatusExt;
use std::path::{Path, PathBuf};
use std::process::{Command, ExitStatus, Stdio};
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// One case at a time (see the module doc).
static SERIAL: Mutex<()> = Mutex::new(());

/// The most memory one hostile input may add, KiB.
const MEMORY_ABOVE_BASELINE_KB: u64 = 64 * 1024;
/// The longest a command may take on one hostile input.
const TIME_LIMIT: Duration = Duration::from_secs(2);

struct Run {
    status: ExitStatus,
    stdout: Vec<u8>,
    stderr: Vec<u8>,
    peak_kb: u64,
    took: Duration,
}

impl Run {
    fn json(&self) -> Value {
        serde_json::from_slice(&self.stdout).unwrap_or_else(|e| {
            panic!(
                "stdout is not JSON ({e}): {}\nstderr: {}",
                String::from_utf8_lossy(&self.stdout),
                String::from_utf8_lossy(&self.stderr)
            )
        })
    }
}

/// Runs `hoso --data-dir DATA --json ARGS…` with standard input from
/// `stdin` (or none), measuring its wall time and peak resident memory.
///
/// Linux counts into a process's peak the memory of whatever it was forked
/// from (the peak is kept across `exec`), and this test process holds the
/// big inputs it wrote. So the command is started by a fresh, small copy
/// of this test binary (the `launcher` test below), and its peak is the
/// command's own.
fn hoso(data: &Path, args: &[&str], stdin: Option<&Path>) -> Run {
    let spec = tempfile::tempdir().unwrap();
    let mut all: Vec<String> = vec![
        "--data-dir".into(),
        data.to_str().unwrap().into(),
        "--json".into(),
    ];
    all.extend(args.iter().map(|a| a.to_string()));
    std::fs::write(spec.path().join("args"), all.join("\0")).unwrap();
    if let Some(stdin) = stdin {
        std::fs::write(spec.path().join("stdin"), stdin.to_str().unwrap()).unwrap();
    }
    let launched = Command::new(std::env::current_exe().unwrap())
        .args(["launcher", "--exact", "--test-threads=1", "--quiet"])
        .env(LAUNCH, spec.path())
        // Key files beside the data, never in the real home.
        .env("HOSO_KEY_DIR", data.parent().unwrap().join("keys"))
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .output()
        .unwrap();
    assert!(
        launched.status.success(),
        "launcher: {}",
        String::from_utf8_lossy(&launched.stderr)
    );
    let result = std::fs::read_to_string(spec.path().join("result")).unwrap();
    let numbers: Vec<i64> = result
        .split_whitespace()
        .map(|n| n.parse().unwrap())
        .collect();
    let [status, peak_kb, took_us] = numbers[..] else {
        panic!("launcher result: {result}")
    };
    Run {
        status: ExitStatus::from_raw(i32::try_from(status).unwrap()),
        stdout: std::fs::read(spec.path().join("stdout")).unwrap(),
        stderr: std::fs::read(spec.path().join("stderr")).unwrap(),
        peak_kb: u64::try_from(peak_kb).unwrap(),
        took: Duration::from_micros(u64::try_from(took_us).unwrap()),
    }
}

/// Where `hoso()` tells the launcher what to run.
const LAUNCH: &str = "HOSO_HOSTILE_LAUNCH";

/// Not a test on its own: with `HOSO_HOSTILE_LAUNCH` set (by `hoso()`), runs
/// the command described there and writes its exit status, peak resident
/// memory (KiB, from `wait4`) and wall time (µs) beside it.
#[test]
fn launcher() {
    let Some(spec) = std::env::var_os(LAUNCH).map(PathBuf::from) else {
        return;
    };
    let args = std::fs::read_to_string(spec.join("args")).unwrap();
    let stdin = match std::fs::read_to_string(spec.join("stdin")) {
        Ok(path) => Stdio::from(std::fs::File::open(path).unwrap()),
        Err(_) => Stdio::null(),
    };
    let started = Instant::now();
    // Waited for with wait4 below, which std cannot do (it drops rusage).
    #[allow(clippy::zombie_processes)]
    let child = Command::new(env!("CARGO_BIN_EXE_hoso"))
        .args(args.split('\0'))
        .env_remove("HOSO_KEY_FILE")
        .env_remove("HOSO_PORTAL_URL")
        .stdin(stdin)
        .stdout(std::fs::File::create(spec.join("stdout")).unwrap())
        .stderr(std::fs::File::create(spec.join("stderr")).unwrap())
        .spawn()
        .expect("run hoso");
    let pid = libc::pid_t::try_from(child.id()).unwrap();
    let mut status = 0;
    // SAFETY: an all-zero rusage is a valid value for wait4 to fill.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    // SAFETY: `pid` is our own child, not yet waited for (std's `Child` is
    // never waited on after this); both pointers are to live locals.
    let waited = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
    assert_eq!(waited, pid, "wait4: {}", std::io::Error::last_os_error());
    let took = started.elapsed();
    std::fs::write(
        spec.join("result"),
        // Linux reports ru_maxrss in KiB.
        format!("{status} {} {}", usage.ru_maxrss, took.as_micros()),
    )
    .unwrap();
}

/// Asserts `run` failed with `code`, quickly, without a panic, and within
/// the memory bound of `baseline`.
#[track_caller]
fn refused(run: &Run, code: &str, baseline: &Run) {
    let stderr = String::from_utf8_lossy(&run.stderr);
    eprintln!(
        "{code}: {:?}, peak {} KiB (baseline {} KiB)",
        run.took, run.peak_kb, baseline.peak_kb
    );
    assert!(!run.status.success(), "succeeded: {stderr}");
    assert!(!stderr.contains("panicked"), "panicked: {stderr}");
    assert_eq!(run.status.code(), Some(1), "not a typed failure: {stderr}");
    assert_eq!(run.json()["error"]["code"], code, "{}", run.json());
    assert!(
        run.took < TIME_LIMIT,
        "took {:?} (limit {TIME_LIMIT:?})",
        run.took
    );
    let above = run.peak_kb.saturating_sub(baseline.peak_kb);
    assert!(
        above < MEMORY_ABOVE_BASELINE_KB,
        "peak {} KiB, {above} KiB above the baseline's {} KiB",
        run.peak_kb,
        baseline.peak_kb
    );
}

fn gzip(write: impl FnOnce(&mut dyn Write)) -> Vec<u8> {
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    write(&mut gz);
    gz.finish().unwrap()
}

/// `n` MiB of `byte`, written a MiB at a time.
fn repeated(out: &mut dyn Write, byte: u8, n: usize) {
    let mib = vec![byte; 1024 * 1024];
    for _ in 0..n {
        out.write_all(&mib).unwrap();
    }
}

fn file(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
    let path = dir.join(name);
    std::fs::write(&path, bytes).unwrap();
    path
}

fn fifo(dir: &Path) -> PathBuf {
    let path = dir.join("fifo");
    let c = std::ffi::CString::new(path.as_os_str().as_encoded_bytes()).unwrap();
    // SAFETY: a valid NUL-terminated path; mkfifo only creates a node.
    assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
    path
}

fn arg(path: &Path) -> &str {
    path.to_str().unwrap()
}

fn tiny_source(dir: &Path) -> PathBuf {
    file(
        dir,
        "tiny.jsonl",
        "{\"ma_thu_tuc\":\"1.000001\",\"ten_thu_tuc\":\"Đăng ký khai sinh\"}\n".as_bytes(),
    )
}

#[test]
fn catalog_import_refuses_bombs_long_lines_and_special_files() {
    let _one = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let baseline = hoso(
        &data,
        &["catalog", "import", arg(&tiny_source(dir.path()))],
        None,
    );
    assert!(baseline.status.success(), "{}", baseline.json());

    // 200 MiB of blank lines in 200 KB of gzip: stops at the line count.
    let blank = file(
        dir.path(),
        "blank.jsonl.gz",
        &gzip(|w| repeated(w, b'\n', 200)),
    );
    let run = hoso(&data, &["catalog", "import", arg(&blank)], None);
    refused(&run, "too_large", &baseline);

    // One 200 MiB line: stops at the line limit (2 MiB).
    let line = file(
        dir.path(),
        "line.jsonl.gz",
        &gzip(|w| repeated(w, b' ', 200)),
    );
    let run = hoso(&data, &["catalog", "import", arg(&line)], None);
    refused(&run, "too_large", &baseline);

    // A bundle that is a bomb: 1 GiB of zeros behind the bundle's marker.
    let bomb = file(
        dir.path(),
        "bomb.bundle",
        &gzip(|w| {
            w.write_all(b"{\"format\":\"hoso-catalog-bundle\",\"procedures\":[\"")
                .unwrap();
            repeated(w, b'a', 1024);
        }),
    );
    let run = hoso(&data, &["catalog", "import", arg(&bomb)], None);
    refused(&run, "too_large", &baseline);

    // Special files are refused at once (a FIFO with no writer would hang).
    for special in [
        fifo(dir.path()),
        PathBuf::from("/dev/zero"),
        dir.path().into(),
    ] {
        let run = hoso(&data, &["catalog", "import", arg(&special)], None);
        refused(&run, "not_a_file", &baseline);
    }

    // What was imported before is still there.
    let run = hoso(&data, &["catalog", "show", "1.000001"], None);
    assert!(run.status.success(), "{}", run.json());
}

/// A grey PNG of `side` × `side` white pixels, written row by row.
fn blank_png(side: u32) -> Vec<u8> {
    fn chunk(out: &mut Vec<u8>, kind: &[u8; 4], data: &[u8]) {
        out.extend_from_slice(&u32::try_from(data.len()).unwrap().to_be_bytes());
        out.extend_from_slice(kind);
        out.extend_from_slice(data);
        let mut crc = flate2::Crc::new();
        crc.update(kind);
        crc.update(data);
        out.extend_from_slice(&crc.sum().to_be_bytes());
    }
    let mut png = b"\x89PNG\r\n\x1a\n".to_vec();
    let mut header = Vec::new();
    header.extend_from_slice(&side.to_be_bytes());
    header.extend_from_slice(&side.to_be_bytes());
    header.extend_from_slice(&[8, 0, 0, 0, 0]); // 8-bit grey
    chunk(&mut png, b"IHDR", &header);
    let mut z = flate2::write::ZlibEncoder::new(Vec::new(), flate2::Compression::fast());
    let row = vec![0xffu8; usize::try_from(side).unwrap() + 1];
    let mut filtered = row.clone();
    filtered[0] = 0;
    for _ in 0..side {
        z.write_all(&filtered).unwrap();
    }
    chunk(&mut png, b"IDAT", &z.finish().unwrap());
    chunk(&mut png, b"IEND", &[]);
    png
}

#[test]
fn qr_scan_refuses_huge_pictures_and_special_files() {
    let _one = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    // A real picture without a code: the same command, a normal answer.
    let small = file(dir.path(), "small.png", &blank_png(256));
    let baseline = hoso(&data, &["qr", "scan", arg(&small)], None);
    assert_eq!(baseline.json()["error"]["code"], "no_qr_found");

    // 12,000 × 12,000 (the review's 168 KB file that took 453 MB).
    let huge = file(dir.path(), "huge.png", &blank_png(12_000));
    assert!(std::fs::metadata(&huge).unwrap().len() < 1024 * 1024);
    let run = hoso(&data, &["qr", "scan", arg(&huge)], None);
    refused(&run, "image_too_large", &baseline);

    // A 40 MiB file, read no further than its size.
    let mut big = blank_png(256);
    big.resize(40 * 1024 * 1024, 0);
    let big = file(dir.path(), "big.png", &big);
    let run = hoso(&data, &["qr", "scan", arg(&big)], None);
    refused(&run, "image_too_large", &baseline);

    for special in [
        fifo(dir.path()),
        PathBuf::from("/dev/zero"),
        dir.path().into(),
    ] {
        let run = hoso(&data, &["qr", "scan", arg(&special)], None);
        refused(&run, "not_a_file", &baseline);
    }
}

#[test]
fn endless_standard_input_is_cut_at_a_line() {
    let _one = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let zero = Some(Path::new("/dev/zero"));
    let text = file(dir.path(), "text", b"HS1:NOT-A-RECEIPT\n");
    let baseline = hoso(&data, &["qr", "verify", "-"], Some(&text));
    assert!(!baseline.status.success());

    // `-` values read one line; /dev/zero never ends one.
    let run = hoso(&data, &["qr", "verify", "-"], zero);
    refused(&run, "too_large", &baseline);
    let run = hoso(&data, &["profile", "set", "full_name", "-"], zero);
    refused(&run, "too_large", &baseline);

    // Search reads a query a line; an endless line ends the stream.
    let source = tiny_source(dir.path());
    let imported = hoso(&data, &["catalog", "import", arg(&source)], None);
    assert!(imported.status.success());
    let run = hoso(&data, &["search", "-"], zero);
    refused(&run, "too_large", &baseline);
}

/// A portal that answers `GET /v1/catalog` truthfully enough and
/// `GET /v1/catalog/bundle` with `bundle` (headers, then body), for as many
/// connections as come; its base URL.
fn hostile_portal(bundle: fn(&mut dyn Write)) -> String {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    std::thread::spawn(move || {
        for stream in listener.incoming() {
            let Ok(mut stream) = stream else { return };
            std::thread::spawn(move || {
                let mut request = Vec::new();
                let mut byte = [0u8; 1];
                while !request.ends_with(b"\r\n\r\n") {
                    match stream.read(&mut byte) {
                        Ok(1) => request.push(byte[0]),
                        _ => return,
                    }
                }
                let head = String::from_utf8_lossy(&request);
                if head.starts_with("GET /v1/catalog/bundle") {
                    bundle(&mut stream);
                } else {
                    let info = serde_json::json!({
                        "format": "hoso-catalog-bundle", "format_version": 1,
                        "version": 2, "content_hash": "ab".repeat(32),
                        "procedure_count": 1, "created_at": 0,
                        "bundle_etag": "\"x\"", "bundle_bytes": 1,
                        "delta_from": [], "key_set_version": 0
                    })
                    .to_string();
                    let _ = write!(
                        stream,
                        "HTTP/1.1 200 OK\r\nhoso-api-version: 1\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n{info}",
                        info.len()
                    );
                }
            });
        }
    });
    url
}

fn endless_chunked(out: &mut dyn Write) {
    let _ = out
        .write_all(b"HTTP/1.1 200 OK\r\nhoso-api-version: 1\r\ntransfer-encoding: chunked\r\n\r\n");
    let chunk = vec![0x1fu8; 64 * 1024];
    // Until the client hangs up (bounded: 1 GiB).
    for _ in 0..16 * 1024 {
        if write!(out, "{:x}\r\n", chunk.len()).is_err()
            || out.write_all(&chunk).is_err()
            || out.write_all(b"\r\n").is_err()
        {
            return;
        }
    }
}

fn declared_huge(out: &mut dyn Write) {
    let _ = out.write_all(
        b"HTTP/1.1 200 OK\r\nhoso-api-version: 1\r\ncontent-length: 100000000000\r\n\r\n",
    );
}

fn zip_bomb(out: &mut dyn Write) {
    // 1 GiB of zeros behind the marker, about 1 MB of gzip.
    let body = gzip(|w| {
        w.write_all(b"{\"format\":\"hoso-catalog-bundle\",\"x\":\"")
            .unwrap();
        repeated(w, 0, 1024);
    });
    let _ = write!(
        out,
        "HTTP/1.1 200 OK\r\nhoso-api-version: 1\r\ncontent-length: {}\r\n\r\n",
        body.len()
    );
    let _ = out.write_all(&body);
}

#[test]
fn catalog_update_refuses_what_a_hostile_portal_sends() {
    let _one = SERIAL.lock().unwrap_or_else(|e| e.into_inner());
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let tiny = tiny_source(dir.path());
    let baseline = hoso(&data, &["catalog", "import", arg(&tiny)], None);
    assert!(baseline.status.success());

    for (case, answer) in [
        ("endless body", endless_chunked as fn(&mut dyn Write)),
        ("declared 100 GB", declared_huge),
        ("gzip bomb", zip_bomb),
    ] {
        let url = hostile_portal(answer);
        let run = hoso(&data, &["catalog", "update", "--url", &url], None);
        eprintln!("{case}:");
        refused(&run, "too_large", &baseline);
    }
    // The catalog held is untouched.
    let run = hoso(&data, &["catalog", "show", "1.000001"], None);
    assert!(run.status.success(), "{}", run.json());
}
