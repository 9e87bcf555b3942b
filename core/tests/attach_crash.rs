//! A process killed while adding attachments leaves no half attachment
//! visible: a child adds files in a loop and is killed with SIGKILL at 30
//! random instants; after each kill a fresh process finds every acknowledged
//! attachment whole (it verifies), nothing else referenced, and after
//! garbage collection no temp file and no unreferenced blob on disk.

mod common;

use common::FixedKey;
use hoso_core::draft::Drafts;
use std::collections::BTreeSet;
use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const CHILD: &str = "HOSO_ATTACH_CHILD";
const KEY: [u8; 32] = [11; 32];

fn env(name: &str) -> String {
    std::env::var(name).unwrap()
}

/// Child side: `setup` (catalog + draft), `add` (attach new files forever),
/// `verify` (list, verify, collect garbage, count files).
#[test]
fn attach_child() {
    let Ok(mode) = std::env::var(CHILD) else {
        return;
    };
    let dir = env("HOSO_ATTACH_DIR");
    let data = Path::new(&dir).join("data");
    let out = std::io::stdout();
    writeln!(out.lock()).unwrap();
    if mode == "setup" {
        common::install_catalog(&data, 1);
    }
    let drafts = Drafts::open(&data, &FixedKey(KEY)).unwrap();
    match mode.as_str() {
        "setup" => {
            let d = drafts.create("1.001193", false).unwrap();
            writeln!(out.lock(), "DRAFT {}", d.id).unwrap();
        }
        "add" => {
            let id = env("HOSO_ATTACH_DRAFT");
            let round = env("HOSO_ATTACH_ROUND");
            for k in 0u32.. {
                // 1 MiB of distinct content per file: several chunks.
                let mut bytes = b"%PDF-1.7\n".to_vec();
                let seed = format!("{round}-{k}");
                let mut x: u64 = 0x9E37_79B9_7F4A_7C15 ^ seed.len() as u64;
                for b in seed.bytes() {
                    x = x.wrapping_mul(31).wrapping_add(b as u64);
                }
                bytes.extend((0..1 << 20).map(|_| {
                    x ^= x << 13;
                    x ^= x >> 7;
                    x ^= x << 17;
                    x as u8
                }));
                let path = Path::new(&dir).join(format!("f-{round}-{k}.pdf"));
                std::fs::write(&path, &bytes).unwrap();
                let r = drafts.attach(&id, "doc05", &path, &mut |_| true).unwrap();
                writeln!(out.lock(), "ADDED {}", r.sha256).unwrap();
            }
        }
        "verify" => {
            let id = env("HOSO_ATTACH_DRAFT");
            let mut lock = out.lock();
            for v in drafts.verify_attachments(&id).unwrap() {
                writeln!(lock, "ATT {} {}", v.sha256, v.status).unwrap();
            }
            let removed = drafts.collect_garbage(&[]).unwrap();
            writeln!(lock, "GC {removed}").unwrap();
            writeln!(lock, "END").unwrap();
        }
        _ => panic!("unknown mode"),
    }
}

fn files_in(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    if let Ok(entries) = std::fs::read_dir(dir) {
        for e in entries.flatten() {
            if e.path().is_dir() {
                out.extend(files_in(&e.path()));
            } else {
                out.push(e.path());
            }
        }
    }
    out
}

#[test]
fn killed_while_adding_leaves_no_half_attachment() {
    let dir = tempfile::tempdir().unwrap();
    let exe = dir.path().join("attach-child");
    std::fs::copy(std::env::current_exe().unwrap(), &exe).unwrap();
    let run = |mode: &str, draft: &str, round: u32| {
        let mut cmd = Command::new(&exe);
        cmd.args(["--exact", "attach_child", "--nocapture", "--test-threads=1"])
            .env(CHILD, mode)
            .env("HOSO_ATTACH_DIR", dir.path())
            .env("HOSO_ATTACH_DRAFT", draft)
            .env("HOSO_ATTACH_ROUND", round.to_string())
            .stdout(Stdio::piped())
            .stderr(Stdio::null());
        cmd
    };
    let out = run("setup", "", 0).output().unwrap();
    let text = String::from_utf8_lossy(&out.stdout);
    let id = text
        .lines()
        .find_map(|l| l.strip_prefix("DRAFT "))
        .unwrap_or_else(|| panic!("setup failed: {text}"))
        .to_string();

    let mut seed = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_nanos() as u64
        | 1;
    eprintln!("attach crash seed {seed}");
    let mut acked = BTreeSet::new();
    let mut collected = 0usize;
    for round in 0..30u32 {
        let mut child = run("add", &id, round).spawn().unwrap();
        let stdout = child.stdout.take().unwrap();
        let reader = std::thread::spawn(move || {
            BufReader::new(stdout)
                .lines()
                .map_while(Result::ok)
                .collect::<Vec<_>>()
        });
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        let delay = Duration::from_micros(seed % 250_000);
        let t = Instant::now();
        while t.elapsed() < delay {
            std::thread::sleep(Duration::from_millis(1));
        }
        child.kill().unwrap();
        child.wait().unwrap();
        for line in reader.join().unwrap() {
            if let Some(sha) = line.strip_prefix("ADDED ") {
                acked.insert(sha.to_string());
            }
        }
        let out = run("verify", &id, round).output().unwrap();
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(text.contains("END"), "round {round}: reopen failed: {text}");
        collected += text
            .lines()
            .find_map(|l| l.strip_prefix("GC "))
            .and_then(|n| n.trim().parse::<usize>().ok())
            .unwrap_or(0);
        let attached: BTreeSet<String> = text
            .lines()
            .filter_map(|l| l.strip_prefix("ATT "))
            .map(|l| {
                let (sha, status) = l.split_once(' ').unwrap();
                assert_eq!(status, "ok", "round {round}: {sha} is {status}");
                sha.to_string()
            })
            .collect();
        for sha in &acked {
            assert!(
                attached.contains(sha),
                "round {round}: acknowledged {sha} lost"
            );
        }
        // At most one more (the add in flight when killed, if it committed).
        assert!(attached.len() <= acked.len() + 1, "round {round}");
        let data = dir.path().join("data").join("blobs");
        let on_disk = files_in(&data);
        assert!(
            on_disk.iter().all(|p| !p.starts_with(data.join("tmp"))),
            "round {round}: temp files left after gc: {on_disk:?}"
        );
        assert_eq!(
            on_disk.len(),
            attached.len(),
            "round {round}: blob files other than the attached ones"
        );
        acked.extend(attached);
    }
    assert!(!acked.is_empty(), "no add was ever acknowledged");
    // The kills must have landed mid-add: some left a temp file or an
    // unreferenced blob for the collector.
    assert!(collected > 0, "no kill interrupted an add (seed {seed})");
    eprintln!("{} attachments acknowledged over 30 kills", acked.len());
}
