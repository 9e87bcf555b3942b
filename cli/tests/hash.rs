//! `hoso hash` against coreutils `sha256sum`, byte for byte: empty, small
//! and multi-GiB (sparse) files, names with spaces and characters sha256sum
//! escapes, standard input, missing files (reported, others still hashed,
//! exit status 1), `--json` and `--progress`. Needs `sha256sum` on PATH and
//! fails saying so when it is missing.

use serde_json::Value;
use std::ffi::OsStr;
use std::fs::{File, OpenOptions};
use std::io::{Seek, SeekFrom, Write};
use std::path::Path;
use std::process::{Command, Output, Stdio};

/// Runs `program ARGS…` in `dir` with `stdin` as its standard input.
fn run(program: &OsStr, dir: &Path, args: &[&OsStr], stdin: Option<&[u8]>) -> Output {
    let mut child = Command::new(program)
        .args(args)
        .current_dir(dir)
        .stdin(if stdin.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| {
            panic!(
                "cannot run {}: {e}{}",
                program.to_string_lossy(),
                if program == "sha256sum" {
                    " — these tests compare `hoso hash` with coreutils `sha256sum`, \
                     which must be installed and on PATH"
                } else {
                    ""
                }
            )
        });
    if let Some(input) = stdin {
        let mut pipe = child.stdin.take().expect("stdin pipe");
        pipe.write_all(input).expect("write stdin");
    }
    child.wait_with_output().expect("wait")
}

fn hoso(dir: &Path, args: &[&str], stdin: Option<&[u8]>) -> Output {
    let mut full: Vec<&OsStr> = vec![OsStr::new("hash")];
    full.extend(args.iter().map(OsStr::new));
    run(OsStr::new(env!("CARGO_BIN_EXE_hoso")), dir, &full, stdin)
}

fn sha256sum(dir: &Path, args: &[&str], stdin: Option<&[u8]>) -> Output {
    let args: Vec<&OsStr> = args.iter().map(OsStr::new).collect();
    run(OsStr::new("sha256sum"), dir, &args, stdin)
}

/// Both tools on the same arguments: identical stdout and exit status.
fn agree(dir: &Path, args: &[&str], stdin: Option<&[u8]>) -> String {
    let ours = hoso(dir, args, stdin);
    let theirs = sha256sum(dir, args, stdin);
    assert!(
        theirs.status.success(),
        "sha256sum failed: {}",
        String::from_utf8_lossy(&theirs.stderr)
    );
    assert!(
        ours.status.success(),
        "hoso hash failed: {}",
        String::from_utf8_lossy(&ours.stderr)
    );
    assert_eq!(
        String::from_utf8_lossy(&ours.stdout),
        String::from_utf8_lossy(&theirs.stdout),
        "args {args:?}"
    );
    assert_eq!(ours.stdout, theirs.stdout, "args {args:?}");
    String::from_utf8_lossy(&ours.stdout).into_owned()
}

#[test]
fn empty_small_spaced_and_escaped_names_agree_with_sha256sum() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(d.join("empty"), b"").unwrap();
    std::fs::write(d.join("small.txt"), b"abc").unwrap();
    std::fs::write(d.join("giấy khai sinh.pdf"), b"%PDF-1.7\n...").unwrap();
    std::fs::write(d.join("back\\slash"), b"x").unwrap();
    std::fs::write(d.join("new\nline"), b"y").unwrap();
    std::fs::write(d.join("carriage\rreturn"), b"z").unwrap();
    let mut big = Vec::new();
    for i in 0..3_000_000u32 {
        big.push((i.wrapping_mul(2_654_435_761) >> 13) as u8);
    }
    std::fs::write(d.join("three-megabytes.bin"), &big).unwrap();

    let out = agree(d, &["empty"], None);
    assert_eq!(
        out,
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855  empty\n"
    );
    let out = agree(d, &["small.txt"], None);
    assert!(out.starts_with("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad  "));
    agree(d, &["giấy khai sinh.pdf"], None);
    agree(d, &["three-megabytes.bin"], None);
    let out = agree(
        d,
        &[
            "empty",
            "small.txt",
            "giấy khai sinh.pdf",
            "back\\slash",
            "new\nline",
            "carriage\rreturn",
            "three-megabytes.bin",
        ],
        None,
    );
    assert_eq!(out.lines().filter(|l| l.starts_with('\\')).count(), 3);
    // An absolute path is printed as given.
    let abs = d.join("small.txt");
    agree(d, &[abs.to_str().unwrap()], None);
}

#[test]
fn stdin_agrees_with_sha256sum() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let input: Vec<u8> = (0..1_000_003u32).map(|i| (i % 241) as u8).collect();
    let out = agree(d, &[], Some(&input));
    assert!(out.ends_with("  -\n"), "{out}");
    agree(d, &["-"], Some(&input));
    agree(d, &["-"], Some(b""));
    std::fs::write(d.join("f"), b"abc").unwrap();
    agree(d, &["f", "-"], Some(b"from stdin"));
}

#[test]
fn a_missing_file_is_reported_and_the_others_still_hashed() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(d.join("a"), b"a").unwrap();
    std::fs::write(d.join("b"), b"b").unwrap();
    let args = ["a", "missing.pdf", "b"];
    let ours = hoso(d, &args, None);
    let theirs = sha256sum(d, &args, None);
    assert_eq!(ours.status.code(), Some(1));
    assert_eq!(theirs.status.code(), Some(1));
    assert_eq!(ours.stdout, theirs.stdout);
    let err = String::from_utf8_lossy(&ours.stderr);
    assert!(err.contains("[not_found]"), "{err}");
    assert!(err.contains("không tìm thấy tệp missing.pdf"), "{err}");
    assert!(err.contains("no such file: missing.pdf"), "{err}");
    assert_eq!(err.lines().count(), 1, "{err}");

    // A directory is an error too, with its own code.
    let ours = hoso(d, &[".", "a"], None);
    assert_eq!(ours.status.code(), Some(1));
    assert_eq!(ours.stdout, sha256sum(d, &["a"], None).stdout);
    assert!(String::from_utf8_lossy(&ours.stderr).contains("[is_directory]"));
}

#[test]
fn json_lists_file_digest_and_size() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    std::fs::write(d.join("small.txt"), b"abc").unwrap();
    let out = hoso(d, &["--json", "small.txt", "-", "nope"], Some(b""));
    assert_eq!(out.status.code(), Some(1));
    let v: Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(&out.stdout)));
    assert_eq!(
        v,
        serde_json::json!([
            {"file": "small.txt", "sha256": "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", "bytes": 3},
            {"file": "-", "sha256": "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", "bytes": 0}
        ])
    );
    assert!(String::from_utf8_lossy(&out.stderr).contains("[not_found]"));
}

#[test]
fn progress_goes_to_stderr_only() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let data = vec![1u8; 3 << 20];
    std::fs::write(d.join("scan.jpg"), &data).unwrap();
    let out = hoso(d, &["--progress", "scan.jpg"], None);
    assert!(out.status.success());
    assert_eq!(out.stdout, sha256sum(d, &["scan.jpg"], None).stdout);
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("scan.jpg: 100% (3.0 MiB / 3.0 MiB"), "{err}");
}

/// A 2.5 GiB sparse file (costs no disk) with non-zero bytes at a few
/// offsets, including either side of 2 GiB, hashed by both tools.
#[test]
fn multi_gib_sparse_file_agrees_with_sha256sum() {
    const SIZE: u64 = 5 << 29; // 2.5 GiB
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let path = d.join("big sparse.bin");
    let mut f = File::create(&path).unwrap();
    f.set_len(SIZE).unwrap();
    for (offset, bytes) in [
        (0u64, &b"%PDF-1.7 start"[..]),
        (123_456_789, b"somewhere early"),
        ((1 << 31) - 3, b"across 2 GiB"),
        ((1 << 31) + 4096, b"past 2 GiB"),
        (SIZE - 5, b"end!!"),
    ] {
        f.seek(SeekFrom::Start(offset)).unwrap();
        f.write_all(bytes).unwrap();
    }
    f.sync_all().unwrap();
    drop(f);
    let f = OpenOptions::new().read(true).open(&path).unwrap();
    assert_eq!(f.metadata().unwrap().len(), SIZE);

    let out = agree(d, &["big sparse.bin"], None);
    assert!(out.ends_with("  big sparse.bin\n"), "{out}");
}
