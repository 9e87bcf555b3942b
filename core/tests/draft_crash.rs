//! Crash safety of drafts: a child process applying edits is killed with
//! SIGKILL at 100 random points; after each kill a fresh process reopens the
//! store and must find every acknowledged edit, no corruption, and nothing
//! quarantined. The editor also creates and deletes drafts of another
//! procedure (multi-record commits); a deleted draft must never come back and
//! a surviving one must be whole.
//!
//! The test binary re-runs itself as the child (`crash_child`, inert unless
//! `HOSO_CRASH_CHILD` is set), so no helper binary is needed.

mod common;

use common::FixedKey;
use hoso_core::draft::Drafts;
use std::collections::BTreeMap;
use std::io::{BufRead, BufReader, Write};
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

const CHILD: &str = "HOSO_CRASH_CHILD";
/// Drafts of this procedure are created and deleted in the edit loop.
const CHURN_CODE: &str = "1.004222";
const BYSTANDER_NAME: &str = "Trần Thị Bystander";
const KEY: [u8; 32] = [42; 32];
/// Fields of the generic applicant block the child cycles through.
const FIELDS: [&str; 4] = [
    "applicant.full_name",
    "applicant.email",
    "applicant.address.detail",
    "applicant.phone",
];

/// Child side. `edit`: apply edits forever, printing `BEGIN` before and
/// `ACK` after each acknowledged save. `verify`: print the draft's values.
#[test]
fn crash_child() {
    let Ok(mode) = std::env::var(CHILD) else {
        return;
    };
    let dir = std::env::var("HOSO_CRASH_DIR").unwrap();
    let id = std::env::var("HOSO_CRASH_DRAFT").unwrap();
    let round = std::env::var("HOSO_CRASH_ROUND").unwrap();
    let drafts = Drafts::open(Path::new(&dir), &FixedKey(KEY)).unwrap();
    let out = std::io::stdout();
    // The test harness has printed "test crash_child ... " without a newline.
    writeln!(out.lock()).unwrap();
    match mode.as_str() {
        "edit" => {
            for j in 0u64.. {
                if j % 5 == 4 {
                    // Multi-record commits too: creating a draft of another
                    // procedure writes it and its requirement snapshot in one
                    // transaction; deleting it removes both.
                    let churn = drafts.create(CHURN_CODE, false).unwrap();
                    writeln!(out.lock(), "CREATED {}", churn.id).unwrap();
                    drafts.delete(&churn.id).unwrap();
                    writeln!(out.lock(), "DELETED {}", churn.id).unwrap();
                    continue;
                }
                let field = FIELDS[(j % FIELDS.len() as u64) as usize];
                let value = format!("r{round}e{j}");
                writeln!(out.lock(), "BEGIN {field} {value}").unwrap();
                drafts.set(&id, field, &value).unwrap();
                writeln!(out.lock(), "ACK {field} {value}").unwrap();
            }
        }
        "verify" => {
            let draft = drafts.get(&id).unwrap();
            let mut lock = out.lock();
            writeln!(lock, "QUARANTINED {}", drafts.quarantined().is_some()).unwrap();
            writeln!(lock, "REVISION {}", draft.revision).unwrap();
            for (k, v) in &draft.values {
                writeln!(lock, "VALUE {k} {v}").unwrap();
            }
            for d in drafts.list().unwrap() {
                assert!(!d.damaged, "draft {} is damaged", d.id);
                if d.procedure_code == CHURN_CODE {
                    // A surviving churn draft is whole: it opens and its
                    // requirement snapshot came with it.
                    drafts
                        .validate(&d.id, hoso_core::form::CheckMode::Partial)
                        .unwrap();
                    writeln!(lock, "CHURN {}", d.id).unwrap();
                } else if d.id != id {
                    let other = drafts.get(&d.id).unwrap();
                    writeln!(lock, "BYSTANDER {}", other.values["applicant.full_name"]).unwrap();
                }
            }
            writeln!(lock, "END").unwrap();
        }
        _ => panic!("unknown child mode"),
    }
}

fn child(exe: &Path, mode: &str, dir: &Path, id: &str, round: u32) -> Command {
    let mut cmd = Command::new(exe);
    cmd.args(["--exact", "crash_child", "--nocapture", "--test-threads=1"])
        .env(CHILD, mode)
        .env("HOSO_CRASH_DIR", dir)
        .env("HOSO_CRASH_DRAFT", id)
        .env("HOSO_CRASH_ROUND", round.to_string())
        .stdout(Stdio::piped())
        .stderr(Stdio::null());
    cmd
}

/// A small deterministic PRNG (xorshift), so a failing run can be replayed
/// from the printed seed.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
}

#[test]
fn killed_editor_never_loses_an_acknowledged_edit() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    // Run a private copy of this binary, so a rebuild of the original while
    // the test runs cannot pull it away.
    let exe = dir.path().join("crash-child");
    std::fs::copy(std::env::current_exe().unwrap(), &exe).unwrap();
    // The catalog, the draft under test and a bystander draft are made by a
    // child too: this process never opens the store, so the children can.
    let out = Command::new(&exe)
        .args(["--exact", "crash_setup", "--nocapture", "--test-threads=1"])
        .env("HOSO_CRASH_SETUP", &data)
        .output()
        .unwrap();
    let setup = String::from_utf8_lossy(&out.stdout);
    let id = setup
        .lines()
        .find_map(|l| l.strip_prefix("DRAFT "))
        .unwrap_or_else(|| panic!("setup failed: {setup}"))
        .trim()
        .to_string();

    let seed = std::env::var("HOSO_CRASH_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| {
            std::time::SystemTime::now()
                .duration_since(std::time::UNIX_EPOCH)
                .unwrap()
                .as_nanos() as u64
                | 1
        });
    eprintln!("crash test seed {seed} (replay with HOSO_CRASH_SEED={seed})");
    let mut rng = Rng(seed);

    // field → value that must be there (last acknowledged), and a value
    // that may be there instead (written but not yet acknowledged).
    let mut acked: BTreeMap<String, String> = BTreeMap::new();
    let mut deleted = std::collections::BTreeSet::new();
    let mut total_acks = 0usize;
    let mut last_revision = 0u64;
    for round in 0..100u32 {
        let mut editor = child(&exe, "edit", &data, &id, round).spawn().unwrap();
        let stdout = editor.stdout.take().unwrap();
        let reader = std::thread::spawn(move || {
            BufReader::new(stdout)
                .lines()
                .map_while(Result::ok)
                .collect::<Vec<String>>()
        });
        // Kill anywhere from before the store is open to mid-edit.
        let delay = Duration::from_micros(rng.next() % 150_000);
        let started = Instant::now();
        while started.elapsed() < delay {
            std::thread::sleep(Duration::from_micros(500));
        }
        editor.kill().unwrap(); // SIGKILL on Unix
        editor.wait().unwrap();
        let lines = reader.join().unwrap();

        let mut pending: BTreeMap<String, String> = BTreeMap::new();
        for line in &lines {
            let mut parts = line.splitn(3, ' ');
            match (parts.next(), parts.next(), parts.next()) {
                (Some("BEGIN"), Some(f), Some(v)) => {
                    pending.insert(f.to_string(), v.to_string());
                }
                (Some("DELETED"), Some(d), None) => {
                    deleted.insert(d.to_string());
                }
                (Some("ACK"), Some(f), Some(v)) => {
                    pending.remove(f);
                    acked.insert(f.to_string(), v.to_string());
                    total_acks += 1;
                }
                _ => {}
            }
        }

        let out = child(&exe, "verify", &data, &id, round).output().unwrap();
        let text = String::from_utf8_lossy(&out.stdout);
        assert!(
            out.status.success() && text.contains("END"),
            "round {round} (seed {seed}): reopening failed: {text}"
        );
        let values: BTreeMap<String, String> = text
            .lines()
            .filter_map(|l| l.strip_prefix("VALUE "))
            .filter_map(|l| l.split_once(' '))
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        let revision: u64 = text
            .lines()
            .find_map(|l| l.strip_prefix("REVISION "))
            .and_then(|r| r.trim().parse().ok())
            .unwrap();
        assert!(
            revision >= last_revision,
            "round {round}: revision went back"
        );
        last_revision = revision;
        assert!(
            text.lines().any(|l| l == "QUARANTINED false"),
            "round {round}: the store was quarantined: {text}"
        );
        assert!(
            text.lines()
                .any(|l| l == format!("BYSTANDER {BYSTANDER_NAME}")),
            "round {round}: the other draft was lost or changed: {text}"
        );
        for churn in text.lines().filter_map(|l| l.strip_prefix("CHURN ")) {
            assert!(
                !deleted.contains(churn),
                "round {round}: deleted draft {churn} came back"
            );
        }
        for field in FIELDS {
            let found = values.get(field);
            let ok = match (acked.get(field), pending.get(field)) {
                (want, Some(maybe)) => found == want || found == Some(maybe),
                (want, None) => found == want,
            };
            assert!(
                ok,
                "round {round} (seed {seed}): {field} is {found:?}, acknowledged {:?}, in flight {:?}",
                acked.get(field),
                pending.get(field)
            );
            // An in-flight value that made it to disk is now the baseline.
            if let Some(v) = found {
                acked.insert(field.to_string(), v.clone());
            }
        }
    }
    eprintln!("{total_acks} acknowledged edits over 100 kills");
    assert!(total_acks > 0, "no edit was ever acknowledged");
}

/// Setup side: creates the draft under test plus a bystander draft.
#[test]
fn crash_setup() {
    let Ok(dir) = std::env::var("HOSO_CRASH_SETUP") else {
        return;
    };
    common::install_catalog(Path::new(&dir), 1);
    let drafts = Drafts::open(Path::new(&dir), &FixedKey(KEY)).unwrap();
    let draft = drafts.create("1.001022", false).unwrap();
    let other = drafts.create("1.001193", false).unwrap();
    drafts
        .set(&other.id, "applicant.full_name", BYSTANDER_NAME)
        .unwrap();
    println!("\nDRAFT {}", draft.id);
}
