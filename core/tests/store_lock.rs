//! One process owns a data directory. Process A (a child running this test
//! binary) holds the store; process B (the test) finds a damaged `conf` in
//! it and must get "in use" — nothing moved aside, A's data intact and still
//! writable. When A is killed, the kernel releases its lock and B opens the
//! store at once, with everything A acknowledged.
//!
//! The test binary re-runs itself as the holder (`lock_holder`, inert unless
//! `HOSO_LOCK_CHILD` is set).

mod common;

use common::FixedKey;
use hoso_core::profile::{ProfileError, Profiles};
use hoso_core::vault::VaultError;
use hoso_core::StorageError;
use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc::{channel, Receiver};
use std::time::Duration;

const CHILD: &str = "HOSO_LOCK_CHILD";
const KEY: [u8; 32] = [9; 32];
const NAME: &str = "Nguyễn Văn An";
/// How long any one answer from the holder may take.
const ANSWER: Duration = Duration::from_secs(60);

/// Holder side: opens the profile, saves a name, says `READY`; then for each
/// `CHECK` line reads the name back and saves a phone number, answering
/// `NAME <name>` and `SAVED`; exits when its input closes.
#[test]
fn lock_holder() {
    let Ok(dir) = std::env::var(CHILD) else {
        return;
    };
    let profiles = Profiles::open(Path::new(&dir), &FixedKey(KEY)).unwrap();
    profiles.set(None, "full_name", NAME).unwrap();
    let mut out = std::io::stdout();
    // The harness printed "test lock_holder ... " without a newline.
    writeln!(out, "\nREADY").unwrap();
    for line in std::io::stdin().lock().lines() {
        if line.unwrap() == "CHECK" {
            let name = profiles.get().unwrap().me["full_name"].clone();
            profiles.set(None, "phone", "0912345678").unwrap();
            writeln!(out, "NAME {name}\nSAVED").unwrap();
        }
    }
}

struct Holder {
    child: Child,
    stdin: Option<ChildStdin>,
    lines: Receiver<String>,
}

impl Holder {
    fn start(data: &Path) -> Holder {
        let mut child = Command::new(std::env::current_exe().unwrap())
            .args(["--exact", "lock_holder", "--nocapture", "--test-threads=1"])
            .env(CHILD, data)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .unwrap();
        let stdout = child.stdout.take().unwrap();
        let (tx, lines) = channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        let stdin = child.stdin.take();
        let holder = Holder {
            child,
            stdin,
            lines,
        };
        holder.expect("READY");
        holder
    }

    /// Waits (bounded) for a line starting with `prefix`; returns the rest.
    fn expect(&self, prefix: &str) -> String {
        loop {
            let line = self
                .lines
                .recv_timeout(ANSWER)
                .unwrap_or_else(|e| panic!("the holder never said {prefix}: {e}"));
            if let Some(rest) = line.strip_prefix(prefix) {
                return rest.trim().to_string();
            }
        }
    }

    fn send(&mut self, line: &str) {
        let stdin = self.stdin.as_mut().unwrap();
        writeln!(stdin, "{line}").unwrap();
        stdin.flush().unwrap();
    }
}

fn moved_aside(data: &Path) -> Vec<String> {
    std::fs::read_dir(data)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .filter(|n| n.contains("corrupt"))
        .collect()
}

fn is_in_use(result: Result<Profiles, ProfileError>) -> bool {
    matches!(
        result,
        Err(ProfileError::Vault(VaultError::Storage(
            StorageError::Locked { .. }
        )))
    )
}

#[test]
fn a_store_held_by_another_process_is_in_use_even_with_a_damaged_config() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let mut holder = Holder::start(&data);

    let conf = data.join("store").join("conf");
    let good = std::fs::read(&conf).unwrap();
    std::fs::write(&conf, b"\xff\xfe not a sled config").unwrap();
    let opened = Profiles::open(&data, &FixedKey(KEY));
    assert!(
        is_in_use(opened),
        "B must be told the store is in use, and nothing else"
    );
    assert!(moved_aside(&data).is_empty(), "{:?}", moved_aside(&data));

    // A still reads and writes its store.
    holder.send("CHECK");
    assert_eq!(holder.expect("NAME "), NAME);
    holder.expect("SAVED");
    drop(holder.stdin.take());
    assert!(holder.child.wait().unwrap().success());

    // With A gone and its config put back, B opens A's store itself.
    std::fs::write(&conf, good).unwrap();
    let profiles = Profiles::open(&data, &FixedKey(KEY)).unwrap();
    assert!(profiles.quarantined().is_none());
    let me = profiles.get().unwrap().me;
    assert_eq!(me["full_name"], NAME);
    assert_eq!(me["phone"], "0912345678");
}

#[test]
fn a_killed_holder_frees_the_store_at_once() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let mut holder = Holder::start(&data);
    assert!(is_in_use(Profiles::open(&data, &FixedKey(KEY))));
    holder.child.kill().unwrap();
    holder.child.wait().unwrap();
    // The kernel dropped the dead process's locks with its files.
    let profiles = Profiles::open(&data, &FixedKey(KEY)).unwrap();
    assert!(profiles.quarantined().is_none());
    assert_eq!(profiles.get().unwrap().me["full_name"], NAME);
    assert!(moved_aside(&data).is_empty());
}
