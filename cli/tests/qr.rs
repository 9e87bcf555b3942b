//! `hoso qr` on bad input: malformed payloads, junk pictures and texts give
//! a typed result or error and an exit status, never a panic (exit 101).

mod common;

use common::hoso;
use serde_json::Value;

#[track_caller]
fn no_panic(out: &std::process::Output) -> Value {
    assert_ne!(
        out.status.code(),
        Some(101),
        "panicked: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(!String::from_utf8_lossy(&out.stderr).contains("panicked"));
    serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(&out.stdout)))
}

#[test]
fn malformed_payloads_are_typed_verdicts() {
    let dir = tempfile::tempdir().unwrap();
    let cases = [
        ("", "malformed"),
        ("HS1:", "malformed"),
        ("HS1:::", "malformed"),
        ("HS1:%%%%%%%%", "malformed"),
        ("hello", "malformed"),
        ("HS1:0000000000000000", "malformed"),
        ("HS2:ABC", "malformed"),
        ("https://a.gov.vn/tra-cuu?SGT=1&MHS=2", "malformed"),
    ];
    for (payload, result) in cases {
        let out = hoso(dir.path(), &["qr", "verify", payload, "--json"]);
        let v = no_panic(&out);
        assert_eq!(out.status.code(), Some(1), "{payload:?}");
        assert_eq!(v["result"], result, "{payload:?}: {v}");
        assert!(v["message_vi"].as_str().unwrap().len() > 5);
        assert!(v["message_en"].as_str().unwrap().len() > 5);
    }
    // Long junk of every QR character, and non-ASCII.
    let long = "HS1:".to_string() + &"$%*+-./: ABCXYZ0189".repeat(300);
    for payload in [long.as_str(), "HS1:Đăng ký khai sinh", "\u{feff}HS1:00"] {
        let out = hoso(dir.path(), &["qr", "verify", payload, "--json"]);
        no_panic(&out);
        assert_eq!(out.status.code(), Some(1));
    }
}

#[test]
fn junk_texts_and_pictures_are_typed_errors() {
    let dir = tempfile::tempdir().unwrap();
    for text in [
        "",
        "xin chào",
        "https://",
        "H40.22-261199-0001x",
        &"9".repeat(5000),
    ] {
        let out = hoso(dir.path(), &["qr", "lookup", text, "--offline", "--json"]);
        let v = no_panic(&out);
        assert_eq!(out.status.code(), Some(1), "{text:?}");
        assert_eq!(v["error"]["code"], "unrecognised_qr", "{text:?}: {v}");
    }
    // A bare code: recognised, unverified, not looked up without a token.
    let out = hoso(
        dir.path(),
        &["qr", "lookup", "H40.22-261123-0001", "--offline", "--json"],
    );
    let v = no_panic(&out);
    assert_eq!(out.status.code(), Some(1), "no status: a failure");
    assert_eq!(v["request"]["verified"], false);
    assert_eq!(v["lookup_error"]["code"], "needs_token");

    let pictures = [
        ("empty.png", Vec::new()),
        ("text.png", b"not a picture at all".to_vec()),
        (
            "cut.png",
            b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR\0\0\x10\0".to_vec(),
        ),
        ("fake.jpg", b"\xff\xd8\xff\xe0\0\x10JFIF\0".to_vec()),
    ];
    for (name, bytes) in pictures {
        let path = dir.path().join(name);
        std::fs::write(&path, bytes).unwrap();
        let out = hoso(
            dir.path(),
            &["qr", "scan", path.to_str().unwrap(), "--offline", "--json"],
        );
        let v = no_panic(&out);
        assert_eq!(out.status.code(), Some(1), "{name}");
        assert_eq!(v["error"]["code"], "bad_image", "{name}: {v}");
    }
    let missing = dir.path().join("missing.png");
    let out = hoso(
        dir.path(),
        &["qr", "scan", missing.to_str().unwrap(), "--json"],
    );
    assert_eq!(no_panic(&out)["error"]["code"], "io");
    let out = hoso(dir.path(), &["qr", "show", "H40.22-261123-0001", "--json"]);
    assert_eq!(out.status.code(), Some(2));
    no_panic(&out);
}
