//! A small HTTP/1.1 proxy between a client and the real portal on
//! loopback, one request a connection: it counts the bytes it hands the
//! client, and can cut or edit the catalog answers on their way (a delta
//! cut after some bytes, a delta whose content no longer verifies, a
//! `CatalogInfo` offering a delta the portal does not keep). The portal
//! itself is never mocked: every answer starts as the portal's.

use std::io::{Read, Write};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex};
use tokio::io::{AsyncReadExt, AsyncWriteExt};
use tokio::net::{TcpListener, TcpStream};

/// What the proxy does to the answers it passes on.
#[derive(Debug, Clone, PartialEq)]
pub enum Mode {
    /// Everything as the portal answered.
    Pass,
    /// A delta's first changed procedure renamed (its hashes left alone).
    CorruptDelta,
    /// `GET /v1/catalog` lists this version in `delta_from` too.
    OfferDeltaFrom(u64),
    /// The delta's answer (head and body) cut after this many bytes.
    CutDelta(usize),
}

pub struct Proxy {
    pub base: String,
    mode: Arc<Mutex<Mode>>,
    bytes: Arc<AtomicU64>,
}

impl Proxy {
    /// A proxy on an ephemeral loopback port in front of `upstream`
    /// (`http://127.0.0.1:PORT`).
    pub async fn start(upstream: &str) -> Proxy {
        let upstream = upstream.trim_start_matches("http://").to_string();
        let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
        let base = format!("http://{}", listener.local_addr().unwrap());
        let mode = Arc::new(Mutex::new(Mode::Pass));
        let bytes = Arc::new(AtomicU64::new(0));
        let (m, b) = (mode.clone(), bytes.clone());
        tokio::spawn(async move {
            while let Ok((client, _)) = listener.accept().await {
                let mode = m.lock().unwrap().clone();
                tokio::spawn(serve(client, upstream.clone(), mode, b.clone()));
            }
        });
        Proxy { base, mode, bytes }
    }

    pub fn set(&self, mode: Mode) {
        *self.mode.lock().unwrap() = mode;
    }

    /// Bytes handed to clients since the last call (heads included).
    pub fn take_bytes(&self) -> u64 {
        self.bytes.swap(0, Ordering::SeqCst)
    }
}

fn find(haystack: &[u8], needle: &[u8]) -> Option<usize> {
    haystack.windows(needle.len()).position(|w| w == needle)
}

fn content_length(head: &str) -> usize {
    head.lines()
        .filter_map(|l| l.split_once(':'))
        .find(|(k, _)| k.trim().eq_ignore_ascii_case("content-length"))
        .and_then(|(_, v)| v.trim().parse().ok())
        .unwrap_or(0)
}

async fn serve(mut client: TcpStream, upstream: String, mode: Mode, bytes: Arc<AtomicU64>) {
    // The request head, then its body by Content-Length.
    let mut request = Vec::new();
    let mut buf = [0u8; 4096];
    let head_end = loop {
        if let Some(i) = find(&request, b"\r\n\r\n") {
            break i + 4;
        }
        match client.read(&mut buf).await {
            Ok(0) | Err(_) => return,
            Ok(n) => request.extend_from_slice(&buf[..n]),
        }
    };
    let head = String::from_utf8_lossy(&request[..head_end]).to_string();
    while request.len() < head_end + content_length(&head) {
        match client.read(&mut buf).await {
            Ok(0) | Err(_) => return,
            Ok(n) => request.extend_from_slice(&buf[..n]),
        }
    }
    let path = head.split(' ').nth(1).unwrap_or("").to_string();
    // One request a connection: the portal closes after answering.
    let mut forwarded: String = head
        .trim_end()
        .lines()
        .filter(|l| !l.to_ascii_lowercase().starts_with("connection:"))
        .map(|l| format!("{l}\r\n"))
        .collect();
    forwarded.push_str("Connection: close\r\n\r\n");
    let Ok(mut portal) = TcpStream::connect(&upstream).await else {
        return;
    };
    let mut out = forwarded.into_bytes();
    out.extend_from_slice(&request[head_end..]);
    if portal.write_all(&out).await.is_err() {
        return;
    }
    let mut answer = Vec::new();
    if portal.read_to_end(&mut answer).await.is_err() {
        return;
    }
    let is_delta = path.starts_with("/v1/catalog/delta");
    let answer = match &mode {
        Mode::CorruptDelta if is_delta => edit_body(&answer, true, |json| {
            let name = json["changed"][0]["name"].as_str().unwrap().to_string();
            json["changed"][0]["name"] = format!("{name} (giả mạo)").into();
        }),
        Mode::OfferDeltaFrom(v) if path == "/v1/catalog" => edit_body(&answer, false, |json| {
            json["delta_from"].as_array_mut().unwrap().push((*v).into());
        }),
        _ => answer,
    };
    let sent = match mode {
        Mode::CutDelta(n) if is_delta => &answer[..n.min(answer.len())],
        _ => &answer[..],
    };
    if client.write_all(sent).await.is_ok() {
        bytes.fetch_add(sent.len() as u64, Ordering::SeqCst);
    }
    let _ = client.shutdown().await;
}

/// The answer with its JSON body edited (gunzipped and gzipped again when
/// `gzip`) and its Content-Length set right.
fn edit_body(answer: &[u8], gzip: bool, edit: impl Fn(&mut serde_json::Value)) -> Vec<u8> {
    let end = find(answer, b"\r\n\r\n").unwrap() + 4;
    let head = String::from_utf8_lossy(&answer[..end]).to_string();
    if !head.starts_with("HTTP/1.1 200") {
        return answer.to_vec();
    }
    let mut body = answer[end..].to_vec();
    if gzip {
        let mut json = Vec::new();
        flate2::read::MultiGzDecoder::new(&body[..])
            .read_to_end(&mut json)
            .unwrap();
        body = json;
    }
    let mut json: serde_json::Value = serde_json::from_slice(&body).unwrap();
    edit(&mut json);
    let mut body = serde_json::to_vec(&json).unwrap();
    if gzip {
        let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::default());
        gz.write_all(&body).unwrap();
        body = gz.finish().unwrap();
    }
    let mut out: String = head
        .trim_end()
        .lines()
        .filter(|l| !l.to_ascii_lowercase().starts_with("content-length:"))
        .map(|l| format!("{l}\r\n"))
        .collect();
    out.push_str(&format!("content-length: {}\r\n\r\n", body.len()));
    let mut out = out.into_bytes();
    out.extend_from_slice(&body);
    out
}
