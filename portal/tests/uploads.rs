//! Resumable uploads over real HTTP (tus 1.0 keyed by SHA-256): discovery
//! and `Tus-Resumable`, create / append / complete, "already have it" per
//! account only, resuming an unfinished upload, a connection dropped
//! mid-chunk (raw TCP, so the cut is real), offset and checksum errors,
//! whole-hash and media-type mismatches, ownership (404), size caps,
//! concurrent PATCHes, expiry and abandonment (410, then 404), and the
//! files on disk holding no plaintext.

mod common;

use common::{checksum, sha, TestPortal};
use reqwest::{Method, Response, StatusCode};
use serde_json::{json, Value};
use std::io::{Read, Write};
use std::path::Path;

const PASSWORD: &str = "khai-sinh-2026!";
/// Text that must never be found on disk in clear.
const MARKER: &str = "Nguyen Van An CCCD 001099012345";

/// A PDF-looking file of `n` bytes full of the marker.
fn pdf(n: usize, seed: u8) -> Vec<u8> {
    let mut out = b"%PDF-1.7\n".to_vec();
    let mut i = 0u64;
    while out.len() < n {
        out.extend_from_slice(format!("{MARKER} trang {i} {seed}\n").as_bytes());
        i += 1;
    }
    out.truncate(n);
    out
}

fn png(n: usize) -> Vec<u8> {
    let mut out = vec![0x89, b'P', b'N', b'G', 0x0D, 0x0A, 0x1A, 0x0A];
    out.extend((0..n - 8).map(|i| (i % 251) as u8));
    out
}

fn header<'a>(res: &'a Response, name: &str) -> Option<&'a str> {
    res.headers().get(name).and_then(|v| v.to_str().ok())
}

fn offset(res: &Response) -> u64 {
    header(res, "upload-offset").unwrap().parse().unwrap()
}

/// An account talking tus.
struct Client<'a> {
    tp: &'a TestPortal,
    token: String,
}

impl<'a> Client<'a> {
    async fn new(tp: &'a TestPortal, phone: &str) -> Client<'a> {
        Client {
            tp,
            token: tp.account("citizen", phone).await.0,
        }
    }

    /// Logs in again (tokens expire when the clock moves a day).
    async fn relogin(&mut self, phone: &str) {
        let pair: Value = self
            .tp
            .http
            .post(self.tp.url("/v1/auth/login"))
            .json(&json!({"phone": phone, "password": PASSWORD}))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        self.token = pair["access_token"].as_str().unwrap().to_string();
    }

    fn request(&self, method: Method, path: &str) -> reqwest::RequestBuilder {
        self.tp
            .http
            .request(method, self.tp.url(path))
            .bearer_auth(&self.token)
            .header("Tus-Resumable", "1.0.0")
    }

    async fn create(&self, sha256: &str, size: usize, media_type: &str) -> Response {
        self.request(Method::POST, "/v1/uploads")
            .json(&json!({"sha256": sha256, "size": size, "media_type": media_type}))
            .send()
            .await
            .unwrap()
    }

    /// Creates an upload and answers its path.
    async fn start(&self, content: &[u8], media_type: &str) -> String {
        let res = self.create(&sha(content), content.len(), media_type).await;
        assert_eq!(res.status(), 201);
        header(&res, "location").unwrap().to_string()
    }

    async fn patch(&self, path: &str, at: usize, chunk: &[u8], with_checksum: bool) -> Response {
        let mut req = self
            .request(Method::PATCH, path)
            .header("Content-Type", "application/offset+octet-stream")
            .header("Upload-Offset", at.to_string())
            .body(chunk.to_vec());
        if with_checksum {
            req = req.header("Upload-Checksum", checksum(chunk));
        }
        req.send().await.unwrap()
    }

    async fn head(&self, path: &str) -> Response {
        self.request(Method::HEAD, path).send().await.unwrap()
    }

    async fn get(&self, path: &str) -> Response {
        self.request(Method::GET, path).send().await.unwrap()
    }

    async fn delete(&self, path: &str) -> Response {
        self.request(Method::DELETE, path).send().await.unwrap()
    }

    /// Sends `content[from..]` in chunks of `chunk` bytes, with checksums.
    async fn send_all(&self, path: &str, content: &[u8], from: usize, chunk: usize) -> Response {
        let mut at = from;
        loop {
            let end = (at + chunk).min(content.len());
            let res = self.patch(path, at, &content[at..end], true).await;
            if res.status() != 204 || end == content.len() {
                return res;
            }
            assert_eq!(offset(&res), end as u64);
            at = end;
        }
    }
}

async fn code(res: Response) -> String {
    res.json::<Value>().await.unwrap()["code"]
        .as_str()
        .unwrap()
        .to_string()
}

#[tokio::test]
async fn discovery_and_the_tus_version() {
    let tp = TestPortal::start().await;
    let res = tp
        .http
        .request(Method::OPTIONS, tp.url("/v1/uploads"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 204);
    assert_eq!(header(&res, "tus-resumable"), Some("1.0.0"));
    assert_eq!(header(&res, "tus-version"), Some("1.0.0"));
    assert_eq!(
        header(&res, "tus-extension"),
        Some("creation,checksum,expiration,termination")
    );
    assert_eq!(header(&res, "tus-max-size"), Some("2147483648"));
    assert_eq!(header(&res, "tus-checksum-algorithm"), Some("sha256"));

    let alice = Client::new(&tp, "0912345678").await;
    let content = pdf(1000, 1);
    for version in [None, Some("0.2.2")] {
        let mut req = tp
            .http
            .post(tp.url("/v1/uploads"))
            .bearer_auth(&alice.token)
            .json(&json!({"sha256": sha(&content), "size": 1000, "media_type": "application/pdf"}));
        if let Some(v) = version {
            req = req.header("Tus-Resumable", v);
        }
        let res = req.send().await.unwrap();
        assert_eq!(res.status(), 400);
        assert_eq!(header(&res, "tus-version"), Some("1.0.0"));
        assert_eq!(header(&res, "tus-resumable"), Some("1.0.0"));
        assert_eq!(code(res).await, "tus_version_unsupported");
    }
    let path = alice.start(&content, "application/pdf").await;
    for method in [Method::HEAD, Method::PATCH, Method::DELETE] {
        let res = tp
            .http
            .request(method, tp.url(&path))
            .bearer_auth(&alice.token)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 400);
    }
    // GET does not need it; no token is 401.
    assert_eq!(
        tp.http
            .get(tp.url(&path))
            .bearer_auth(&alice.token)
            .send()
            .await
            .unwrap()
            .status(),
        200
    );
    let res = tp
        .http
        .head(tp.url(&path))
        .header("Tus-Resumable", "1.0.0")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 401);
}

#[tokio::test]
async fn create_append_complete_and_already_have_it_per_account() {
    let tp = TestPortal::start().await;
    let alice = Client::new(&tp, "0912345678").await;
    let bob = Client::new(&tp, "0987654321").await;
    let content = pdf(2_500_000, 1);
    let digest = sha(&content);

    let res = alice
        .create(&digest, content.len(), "application/pdf")
        .await;
    assert_eq!(res.status(), 201);
    let path = header(&res, "location").unwrap().to_string();
    assert!(path.starts_with("/v1/uploads/"));
    assert_eq!(offset(&res), 0);
    assert_eq!(header(&res, "upload-length"), Some("2500000"));
    assert!(header(&res, "upload-expires").unwrap().ends_with(" GMT"));
    assert_eq!(header(&res, "tus-resumable"), Some("1.0.0"));
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["url"], path.as_str());
    assert_eq!(body["state"], "in_progress");
    assert_eq!(body["offset"], 0);
    assert_eq!(body["sha256"], digest.as_str());
    let keys: Vec<&String> = body.as_object().unwrap().keys().collect();
    assert_eq!(
        keys.len(),
        8,
        "Upload has exactly its eight fields: {keys:?}"
    );

    // First chunk, then the state by HEAD and GET.
    let res = alice.patch(&path, 0, &content[..1 << 20], true).await;
    assert_eq!(res.status(), 204);
    assert_eq!(offset(&res), 1 << 20);
    assert!(header(&res, "upload-expires").is_some());
    let res = alice.head(&path).await;
    assert_eq!(res.status(), 200);
    assert_eq!(offset(&res), 1 << 20);
    assert_eq!(header(&res, "upload-length"), Some("2500000"));
    assert_eq!(header(&res, "cache-control"), Some("no-store"));
    let got: Value = alice.get(&path).await.json().await.unwrap();
    assert_eq!(got["offset"], 1 << 20);
    assert_eq!(got["state"], "in_progress");

    // Re-declaring the same file resumes the same upload at its offset.
    let res = alice
        .create(&digest, content.len(), "application/pdf")
        .await;
    assert_eq!(res.status(), 200);
    assert_eq!(header(&res, "location"), Some(path.as_str()));
    assert_eq!(offset(&res), 1 << 20);
    let again: Value = res.json().await.unwrap();
    assert_eq!(again["id"], body["id"]);
    assert_eq!(again["state"], "in_progress");

    // The rest (the last chunk is not a segment multiple).
    let res = alice.send_all(&path, &content, 1 << 20, 1 << 20).await;
    assert_eq!(res.status(), 204);
    assert_eq!(offset(&res), 2_500_000);
    assert!(header(&res, "upload-expires").is_none());
    let done: Value = alice.get(&path).await.json().await.unwrap();
    assert_eq!(done["state"], "complete");
    assert_eq!(done["offset"], 2_500_000);
    assert_eq!(done["expires_at"], Value::Null);
    // An empty PATCH at the end changes nothing; more data is refused.
    assert_eq!(
        alice.patch(&path, 2_500_000, b"", false).await.status(),
        204
    );
    assert_eq!(
        alice.patch(&path, 2_500_000, b"x", false).await.status(),
        413
    );

    // Already have it — for this account only.
    let res = alice
        .create(&digest, content.len(), "application/pdf")
        .await;
    assert_eq!(res.status(), 200);
    assert!(header(&res, "location").is_none());
    assert_eq!(offset(&res), 2_500_000);
    let held: Value = res.json().await.unwrap();
    assert_eq!(
        held,
        json!({"id": null, "url": null, "sha256": digest, "size": 2_500_000,
               "media_type": "application/pdf", "offset": 2_500_000,
               "state": "complete", "expires_at": null})
    );
    let res = bob.create(&digest, content.len(), "application/pdf").await;
    assert_eq!(res.status(), 201, "another account learns nothing");
    let bob_path = header(&res, "location").unwrap().to_string();
    assert_ne!(bob_path, path);
    let res = bob.send_all(&bob_path, &content, 0, 4 << 20).await;
    assert_eq!(res.status(), 204);
    assert_eq!(
        bob.create(&digest, content.len(), "application/pdf")
            .await
            .status(),
        200
    );
    // Abandoning a completed upload keeps the blob held.
    assert_eq!(alice.delete(&path).await.status(), 204);
    assert_eq!(alice.head(&path).await.status(), 410);
    assert_eq!(
        alice
            .create(&digest, content.len(), "application/pdf")
            .await
            .status(),
        200
    );
}

#[tokio::test]
async fn offsets_checksums_and_content_types() {
    let tp = TestPortal::start().await;
    let alice = Client::new(&tp, "0912345678").await;
    let content = pdf(300_000, 2);
    let path = alice.start(&content, "application/pdf").await;
    assert_eq!(
        alice
            .patch(&path, 0, &content[..100_000], true)
            .await
            .status(),
        204
    );

    // Wrong offset: 409 with the current one, nothing stored.
    for wrong in [0, 150_000] {
        let res = alice
            .patch(&path, wrong, &content[wrong..wrong + 10], false)
            .await;
        assert_eq!(res.status(), 409);
        assert_eq!(offset(&res), 100_000);
        let body: Value = res.json().await.unwrap();
        assert_eq!(body["code"], "upload_offset_mismatch");
        assert_eq!(body["details"]["offset"], 100_000);
    }

    // A chunk whose checksum does not match is discarded.
    let res = alice
        .request(Method::PATCH, &path)
        .header("Content-Type", "application/offset+octet-stream")
        .header("Upload-Offset", "100000")
        .header("Upload-Checksum", checksum(b"something else"))
        .body(content[100_000..200_000].to_vec())
        .send()
        .await
        .unwrap();
    assert_eq!(res.status().as_u16(), 460);
    assert_eq!(offset(&res), 100_000);
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["code"], "upload_checksum_mismatch");
    assert_eq!(body["details"]["offset"], 100_000);
    assert_eq!(offset(&alice.head(&path).await), 100_000);

    // Only sha256; malformed checksums and offsets are 400.
    for (value, expected) in [
        (
            "sha1 Kq5sNclPz7QV2+lfQIuc6R7oRu0=",
            "checksum_algorithm_unsupported",
        ),
        (
            "md5 1B2M2Y8AsgTpgAmY7PhCfg==",
            "checksum_algorithm_unsupported",
        ),
        ("sha256 not-base64!", "bad_request"),
        ("sha256", "bad_request"),
    ] {
        let res = alice
            .request(Method::PATCH, &path)
            .header("Content-Type", "application/offset+octet-stream")
            .header("Upload-Offset", "100000")
            .header("Upload-Checksum", value)
            .body(content[100_000..100_010].to_vec())
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 400, "{value}");
        assert_eq!(code(res).await, expected);
    }
    let res = alice
        .request(Method::PATCH, &path)
        .header("Content-Type", "application/offset+octet-stream")
        .body(content[100_000..100_010].to_vec())
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 400);

    // A chunk is application/offset+octet-stream or application/octet-stream;
    // anything else is 415 and stores nothing.
    let res = alice
        .request(Method::PATCH, &path)
        .header("Content-Type", "text/plain")
        .header("Upload-Offset", "100000")
        .body(content[100_000..100_010].to_vec())
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 415);
    assert_eq!(code(res).await, "unsupported_media_type");
    let res = alice
        .request(Method::PATCH, &path)
        .header("Content-Type", "application/octet-stream")
        .header("Upload-Offset", "100000")
        .body(content[100_000..100_010].to_vec())
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 204);
    assert_eq!(offset(&res), 100_010);

    // The JSON body of POST is checked against the schema.
    for bad in [
        json!({"sha256": sha(&content).to_uppercase(), "size": 1, "media_type": "application/pdf"}),
        json!({"sha256": sha(&content), "size": 0, "media_type": "application/pdf"}),
        json!({"sha256": sha(&content), "size": 1, "media_type": "application/zip"}),
        json!({"sha256": sha(&content), "size": 1, "media_type": "application/pdf", "name": "a.pdf"}),
    ] {
        let res = alice
            .request(Method::POST, "/v1/uploads")
            .json(&bad)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 400, "{bad}");
        assert!(!res.json::<Value>().await.unwrap()["issues"][0]["field"]
            .as_str()
            .unwrap()
            .is_empty());
    }

    // The rest, without checksums, completes.
    let res = alice
        .patch(&path, 100_010, &content[100_010..], false)
        .await;
    assert_eq!(res.status(), 204);
    assert_eq!(offset(&res), 300_000);
}

#[tokio::test]
async fn whole_hash_and_media_type_mismatches_discard_the_upload() {
    let tp = TestPortal::start().await;
    let alice = Client::new(&tp, "0912345678").await;
    let declared = pdf(50_000, 3);
    let sent = pdf(50_000, 4);
    let res = alice
        .create(&sha(&declared), declared.len(), "application/pdf")
        .await;
    let path = header(&res, "location").unwrap().to_string();
    let res = alice.patch(&path, 0, &sent, true).await;
    assert_eq!(res.status(), 422);
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["code"], "upload_hash_mismatch");
    assert_eq!(body["details"]["declared_sha256"], sha(&declared).as_str());
    assert_eq!(alice.head(&path).await.status(), 410);
    assert_eq!(code(alice.get(&path).await).await, "upload_expired");
    // Nothing is held; a new declaration is a new upload.
    let res = alice
        .create(&sha(&declared), declared.len(), "application/pdf")
        .await;
    assert_eq!(res.status(), 201);
    assert_ne!(header(&res, "location"), Some(path.as_str()));

    // A PNG declared as a PDF.
    let image = png(20_000);
    let path = alice.start(&image, "application/pdf").await;
    let res = alice.patch(&path, 0, &image, true).await;
    assert_eq!(res.status(), 422);
    assert_eq!(code(res).await, "media_type_mismatch");
    assert_eq!(alice.head(&path).await.status(), 410);
    // Declared right, it is accepted.
    let path = alice.start(&image, "image/png").await;
    assert_eq!(alice.patch(&path, 0, &image, true).await.status(), 204);
    // Something that is no document at all.
    let text = b"#!/bin/sh\necho hi\n".repeat(10);
    let path = alice.start(&text, "image/jpeg").await;
    let res = alice.patch(&path, 0, &text, false).await;
    assert_eq!(res.status(), 422);
    assert_eq!(code(res).await, "media_type_mismatch");
}

#[tokio::test]
async fn another_account_gets_404_like_an_unknown_id() {
    let tp = TestPortal::start().await;
    let alice = Client::new(&tp, "0912345678").await;
    let bob = Client::new(&tp, "0987654321").await;
    let content = pdf(10_000, 5);
    let path = alice.start(&content, "application/pdf").await;
    let unknown = "/v1/uploads/119ec256-0b4c-43f6-b8ce-18dd074ebf3b";
    let mut bodies = Vec::new();
    for p in [path.as_str(), unknown, "/v1/uploads/not-a-uuid"] {
        assert_eq!(bob.head(p).await.status(), 404, "{p}");
        assert_eq!(bob.delete(p).await.status(), 404, "{p}");
        let res = bob.patch(p, 0, &content, true).await;
        assert_eq!(res.status(), 404, "{p}");
        bodies.push(res.text().await.unwrap());
        let res = bob.get(p).await;
        assert_eq!(res.status(), 404);
        bodies.push(res.text().await.unwrap());
    }
    assert!(bodies.iter().all(|b| b == &bodies[0]), "{bodies:?}");
    // Alice's upload is untouched.
    assert_eq!(offset(&alice.head(&path).await), 0);
    assert_eq!(alice.patch(&path, 0, &content, true).await.status(), 204);
}

#[tokio::test]
async fn size_caps() {
    let config = hoso_portal::Config {
        max_upload_bytes: 1 << 20,
        max_chunk_bytes: 64 << 10,
        ..common::config()
    };
    let tp = TestPortal::with_config(config).await;
    let alice = Client::new(&tp, "0912345678").await;
    let big = pdf((1 << 20) + 1, 6);
    let res = alice.create(&sha(&big), big.len(), "application/pdf").await;
    assert_eq!(res.status(), 413);
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["code"], "upload_too_large");
    assert_eq!(body["details"]["max_bytes"], 1 << 20);
    let res = tp
        .http
        .request(Method::OPTIONS, tp.url("/v1/uploads"))
        .send()
        .await
        .unwrap();
    assert_eq!(header(&res, "tus-max-size"), Some("1048576"));

    let content = pdf(100_000, 6);
    let path = alice.start(&content, "application/pdf").await;
    // A chunk over the cap.
    let res = alice
        .patch(&path, 0, &content[..(64 << 10) + 1], false)
        .await;
    assert_eq!(res.status(), 413);
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["code"], "body_too_large");
    assert_eq!(body["details"]["max_bytes"], 64 << 10);
    // Bytes past Upload-Length.
    assert_eq!(
        alice
            .patch(&path, 0, &content[..60_000], true)
            .await
            .status(),
        204
    );
    let mut past = content[60_000..].to_vec();
    past.extend_from_slice(b"extra");
    let res = alice.patch(&path, 60_000, &past, false).await;
    assert_eq!(res.status(), 413);
    assert_eq!(code(res).await, "upload_too_large");
    assert_eq!(offset(&alice.head(&path).await), 60_000);
    assert_eq!(
        alice
            .patch(&path, 60_000, &content[60_000..], false)
            .await
            .status(),
        204
    );
}

/// A PATCH over a raw connection that sends the headers and `sent` of the
/// chunk's bytes, then stops sending (as a dropped connection does); answers
/// the status the server gave, if any.
fn cut_patch(
    addr: &str,
    token: &str,
    path: &str,
    at: usize,
    chunk: &[u8],
    sent: usize,
    with_checksum: bool,
) -> Option<u16> {
    let mut stream = std::net::TcpStream::connect(addr).unwrap();
    let mut head = format!(
        "PATCH {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\nAuthorization: Bearer {token}\r\n\
         Tus-Resumable: 1.0.0\r\nContent-Type: application/offset+octet-stream\r\n\
         Upload-Offset: {at}\r\nContent-Length: {}\r\n",
        chunk.len()
    );
    if with_checksum {
        head.push_str(&format!("Upload-Checksum: {}\r\n", checksum(chunk)));
    }
    head.push_str("\r\n");
    stream.write_all(head.as_bytes()).unwrap();
    stream.write_all(&chunk[..sent]).unwrap();
    stream.flush().unwrap();
    stream.shutdown(std::net::Shutdown::Write).unwrap();
    // The server answers once it has dealt with what it received.
    let mut answer = Vec::new();
    let _ = stream.read_to_end(&mut answer);
    let text = String::from_utf8_lossy(&answer);
    text.split(' ').nth(1).and_then(|s| s.parse().ok())
}

#[tokio::test]
async fn resume_after_a_connection_dropped_mid_chunk() {
    let tp = TestPortal::start().await;
    let alice = Client::new(&tp, "0912345678").await;
    let content = pdf(1_500_000, 7);
    let path = alice.start(&content, "application/pdf").await;
    let addr = tp.base.trim_start_matches("http://").to_string();

    // Without a checksum, the bytes received are kept.
    let (a, t, p, c) = (
        addr.clone(),
        alice.token.clone(),
        path.clone(),
        content.clone(),
    );
    let status = tokio::task::spawn_blocking(move || {
        cut_patch(&a, &t, &p, 0, &c[..1_200_000], 700_000, false)
    })
    .await
    .unwrap();
    assert_eq!(status, Some(400));
    let res = alice.head(&path).await;
    assert_eq!(res.status(), 200);
    assert_eq!(offset(&res), 700_000);

    // With a checksum, a cut chunk is discarded whole.
    let (a, t, p, c) = (
        addr.clone(),
        alice.token.clone(),
        path.clone(),
        content.clone(),
    );
    let status = tokio::task::spawn_blocking(move || {
        cut_patch(&a, &t, &p, 700_000, &c[700_000..1_400_000], 300_000, true)
    })
    .await
    .unwrap();
    assert_eq!(status, Some(400));
    assert_eq!(offset(&alice.head(&path).await), 700_000);

    // Resume from the offset the server holds and finish.
    let res = alice.send_all(&path, &content, 700_000, 1 << 20).await;
    assert_eq!(res.status(), 204);
    assert_eq!(offset(&res), 1_500_000);
    let done: Value = alice.get(&path).await.json().await.unwrap();
    assert_eq!(done["state"], "complete");
}

#[tokio::test]
async fn two_patches_at_once_do_not_corrupt_the_upload() {
    let tp = TestPortal::start().await;
    let alice = Client::new(&tp, "0912345678").await;
    let content = pdf(400_000, 8);
    let path = alice.start(&content, "application/pdf").await;
    let addr = tp.base.trim_start_matches("http://").to_string();

    // The first PATCH sends its headers and half its body, then waits.
    let (a, t, p, c) = (
        addr.clone(),
        alice.token.clone(),
        path.clone(),
        content.clone(),
    );
    let (go_tx, go_rx) = std::sync::mpsc::channel::<()>();
    let (sent_tx, sent_rx) = tokio::sync::oneshot::channel::<()>();
    let first = tokio::task::spawn_blocking(move || {
        let mut stream = std::net::TcpStream::connect(&a).unwrap();
        let head = format!(
            "PATCH {p} HTTP/1.1\r\nHost: {a}\r\nConnection: close\r\nAuthorization: Bearer {t}\r\n\
             Tus-Resumable: 1.0.0\r\nContent-Type: application/offset+octet-stream\r\n\
             Upload-Offset: 0\r\nUpload-Checksum: {}\r\nContent-Length: 200000\r\n\r\n",
            checksum(&c[..200_000])
        );
        stream.write_all(head.as_bytes()).unwrap();
        stream.write_all(&c[..100_000]).unwrap();
        sent_tx.send(()).unwrap();
        go_rx.recv().unwrap();
        let _ = stream.write_all(&c[100_000..200_000]);
        let mut answer = Vec::new();
        let _ = stream.read_to_end(&mut answer);
        let text = String::from_utf8_lossy(&answer).into_owned();
        text.split(' ').nth(1).and_then(|s| s.parse::<u16>().ok())
    });
    sent_rx.await.unwrap();
    // The second, complete PATCH of the same bytes at the same offset.
    let second = alice
        .patch(&path, 0, &content[..200_000], true)
        .await
        .status();
    go_tx.send(()).unwrap();
    let first = first.await.unwrap();
    // Exactly one of the two was stored; the other was told to resync.
    match second {
        StatusCode::CONFLICT => assert_eq!(first, Some(204)),
        StatusCode::NO_CONTENT => assert_ne!(first, Some(204)),
        other => panic!("unexpected {other}"),
    }
    assert_eq!(offset(&alice.head(&path).await), 200_000);
    let res = alice.patch(&path, 200_000, &content[200_000..], true).await;
    assert_eq!(res.status(), 204, "the whole content hashes right");
}

#[tokio::test]
async fn expiry_and_abandonment_answer_410_for_a_day_then_404() {
    let tp = TestPortal::start().await;
    let phone = "0912345678";
    let mut alice = Client::new(&tp, phone).await;
    let content = pdf(100_000, 9);
    let expiring = alice.start(&content, "application/pdf").await;
    assert_eq!(
        alice
            .patch(&expiring, 0, &content[..50_000], true)
            .await
            .status(),
        204
    );
    let abandoned = alice.start(&pdf(1000, 9), "application/pdf").await;
    let res = alice.delete(&abandoned).await;
    assert_eq!(res.status(), 204);
    assert_eq!(header(&res, "tus-resumable"), Some("1.0.0"));
    assert_eq!(alice.head(&abandoned).await.status(), 410);
    assert_eq!(alice.patch(&abandoned, 0, b"x", false).await.status(), 410);
    assert_eq!(alice.delete(&abandoned).await.status(), 410);

    // A PATCH renews the 24 hours; without one the upload expires.
    tp.portal.clock.advance(23 * 3600).unwrap();
    alice.relogin(phone).await;
    assert_eq!(alice.head(&expiring).await.status(), 200);
    tp.portal.clock.advance(3600 + 1).unwrap();
    alice.relogin(phone).await;
    let res = alice.head(&expiring).await;
    assert_eq!(res.status(), 410);
    assert_eq!(header(&res, "tus-resumable"), Some("1.0.0"));
    let res = alice.get(&expiring).await;
    assert_eq!(res.status(), 410);
    assert_eq!(code(res).await, "upload_expired");
    assert_eq!(
        alice
            .patch(&expiring, 50_000, &content[50_000..], true)
            .await
            .status(),
        410
    );
    // Declaring the file again starts afresh.
    let res = alice
        .create(&sha(&content), content.len(), "application/pdf")
        .await;
    assert_eq!(res.status(), 201);
    let fresh = header(&res, "location").unwrap().to_string();

    // A day later both are unknown.
    tp.portal.clock.advance(24 * 3600).unwrap();
    alice.relogin(phone).await;
    for p in [&expiring, &abandoned] {
        assert_eq!(alice.head(p).await.status(), 404);
        assert_eq!(code(alice.get(p).await).await, "not_found");
    }
    assert_eq!(alice.head(&fresh).await.status(), 410);
}

/// Every file under `dir`.
fn files(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let p = entry.unwrap().path();
        if p.is_dir() {
            out.extend(files(&p));
        } else {
            out.push(p);
        }
    }
    out
}

#[tokio::test]
async fn no_plaintext_of_a_document_reaches_disk() {
    let tp = TestPortal::start().await;
    let alice = Client::new(&tp, "0912345678").await;
    let done = pdf(1_300_000, 10);
    let path = alice.start(&done, "application/pdf").await;
    assert_eq!(alice.send_all(&path, &done, 0, 1 << 20).await.status(), 204);
    let half = pdf(300_000, 11);
    let path = alice.start(&half, "application/pdf").await;
    assert_eq!(
        alice
            .patch(&path, 0, &half[..150_000], false)
            .await
            .status(),
        204
    );
    let data = tp.dir.path().join("data");
    let blob_files = files(&data.join("blobs"));
    assert_eq!(blob_files.len(), 1, "{blob_files:?}");
    assert_eq!(files(&data.join("uploads")).len(), 1);
    let marker = MARKER.as_bytes();
    let digest = sha(&done);
    for file in files(&data) {
        let bytes = std::fs::read(&file).unwrap();
        assert!(
            !bytes.windows(marker.len()).any(|w| w == marker),
            "plaintext in {}",
            file.display()
        );
        assert!(
            !bytes.windows(64).any(|w| w == digest.as_bytes()),
            "content hash in clear in {}",
            file.display()
        );
    }
    // Blob files are named by the blinded hash, not the hash.
    let name = blob_files[0]
        .file_name()
        .unwrap()
        .to_string_lossy()
        .into_owned();
    assert!(!digest.contains(&name));
}
