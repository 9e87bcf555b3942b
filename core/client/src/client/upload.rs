//! Resumable uploads to the portal (tus 1.0 keyed by SHA-256, as Portal
//! API v1 defines them): declare the file, skip it when the account already
//! holds it, resume from the server's offset (a lost connection costs at
//! most the chunk in flight), send each chunk with its own SHA-256
//! (`Upload-Checksum`) and report progress. An offset from the portal past
//! the end of the file is a typed error, never a silent "done".

use super::{Method, PortalClient, PortalError};
use hoso_store::error::{Classified, ErrorKind};
use serde::Deserialize;

/// Chunk size for PATCH requests: small enough that a cut on 3G loses
/// little, large enough that the per-request cost stays small.
pub const DEFAULT_CHUNK: u64 = 1 << 20;

/// Answers in a row that make no progress (the same offset refused, a
/// damaged chunk) before the upload gives up for this pass.
const MAX_STALLS: u32 = 3;

/// A file to upload, as a draft's attachment names it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileToUpload {
    pub sha256: String,
    pub size: u64,
    pub media_type: String,
}

/// Where the bytes come from (for the engine, the drafts' encrypted blob
/// store); any `Fn(sha256, offset, len)` is one.
pub trait ChunkSource: Sync {
    /// Plaintext bytes `[offset, offset + len)`.
    fn read(&self, sha256: &str, offset: u64, len: u64) -> Result<Vec<u8>, String>;
}

impl<F> ChunkSource for F
where
    F: Fn(&str, u64, u64) -> Result<Vec<u8>, String> + Sync,
{
    fn read(&self, sha256: &str, offset: u64, len: u64) -> Result<Vec<u8>, String> {
        self(sha256, offset, len)
    }
}

/// Why an upload stopped.
#[derive(Debug, thiserror::Error)]
pub enum UploadError {
    #[error(transparent)]
    Portal(#[from] PortalError),
    #[error("không đọc được tệp đính kèm / cannot read the attachment: {0}")]
    Source(String),
    #[error(
        "cổng trả lời không đúng giao thức tải lên / the portal broke the upload protocol: {0}"
    )]
    Protocol(String),
    #[error("cổng báo đã nhận {offset} byte của tệp chỉ có {size} byte / the portal reports an upload offset of {offset} bytes for a file of {size} bytes")]
    OffsetBeyondSize { offset: u64, size: u64 },
}

impl Classified for UploadError {
    fn kind(&self) -> ErrorKind {
        match self {
            UploadError::Portal(e) => e.kind(),
            UploadError::Source(_) => ErrorKind::Storage,
            UploadError::Protocol(_) | UploadError::OffsetBeyondSize { .. } => ErrorKind::Portal,
        }
    }

    fn error_code(&self) -> &'static str {
        match self {
            UploadError::Portal(e) => e.error_code(),
            UploadError::Source(_) => "attachment_unreadable",
            UploadError::Protocol(_) => "bad_answer",
            UploadError::OffsetBeyondSize { .. } => "upload_offset_beyond_size",
        }
    }
}

/// An offset the portal reported, if it lies within the file.
fn within(offset: u64, file: &FileToUpload) -> Result<u64, UploadError> {
    if offset > file.size {
        return Err(UploadError::OffsetBeyondSize {
            offset,
            size: file.size,
        });
    }
    Ok(offset)
}

/// What an upload did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Uploaded {
    /// The account already held the file: nothing was sent.
    pub already_held: bool,
}

/// How to send, and what was sent: `bytes_sent` adds up every byte of
/// content put on the wire across calls, failed ones included, so a caller
/// can see what resuming cost.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Transfer {
    pub chunk: u64,
    pub bytes_sent: u64,
}

impl Default for Transfer {
    fn default() -> Transfer {
        Transfer {
            chunk: DEFAULT_CHUNK,
            bytes_sent: 0,
        }
    }
}

#[derive(Deserialize)]
struct UploadJson {
    url: Option<String>,
    offset: u64,
    state: String,
}

fn checksum(chunk: &[u8]) -> String {
    use base64::Engine;
    let digest = ring::digest::digest(&ring::digest::SHA256, chunk);
    format!(
        "sha256 {}",
        base64::engine::general_purpose::STANDARD.encode(digest.as_ref())
    )
}

/// Uploads `file` (or finishes an earlier, interrupted upload of it).
/// `progress(done, total)` is called after every stored chunk.
pub async fn upload(
    client: &PortalClient,
    file: &FileToUpload,
    source: &dyn ChunkSource,
    transfer: &mut Transfer,
    progress: &mut (dyn FnMut(u64, u64) + Send),
) -> Result<Uploaded, UploadError> {
    let declare = serde_json::json!({
        "sha256": file.sha256, "size": file.size, "media_type": file.media_type,
    });
    let created: UploadJson = client
        .authed(|c| {
            c.request(Method::POST, "/v1/uploads")
                .header("Tus-Resumable", "1.0.0")
                .json(&declare)
        })
        .await?
        .json()?;
    if created.state == "complete" {
        progress(file.size, file.size);
        return Ok(Uploaded { already_held: true });
    }
    let url = created
        .url
        .ok_or_else(|| UploadError::Protocol("no upload URL".into()))?;
    let mut offset = within(created.offset, file)?;
    progress(offset, file.size);
    let chunk = transfer.chunk.max(1);
    let (mut stalls, mut damaged) = (0u32, 0u32);
    while offset < file.size {
        let len = chunk.min(file.size - offset);
        let bytes = source
            .read(&file.sha256, offset, len)
            .map_err(UploadError::Source)?;
        if u64::try_from(bytes.len()).ok() != Some(len) {
            return Err(UploadError::Source("short read".into()));
        }
        let sum = checksum(&bytes);
        let result = client
            .authed(|c| {
                c.request(Method::PATCH, &url)
                    .header("Tus-Resumable", "1.0.0")
                    .header("Content-Type", "application/offset+octet-stream")
                    .header("Upload-Offset", offset.to_string())
                    .header("Upload-Checksum", sum.clone())
                    .body(bytes.clone())
            })
            .await;
        transfer.bytes_sent = transfer.bytes_sent.saturating_add(len);
        match result {
            Ok(answer) => {
                (stalls, damaged) = (0, 0);
                offset = answer
                    .header("upload-offset")
                    .and_then(|v| v.parse().ok())
                    .ok_or_else(|| UploadError::Protocol("no Upload-Offset".into()))?;
                offset = within(offset, file)?;
                progress(offset, file.size);
            }
            // The server has another offset (a PATCH we thought lost was
            // stored, or the reverse): continue from there. The same offset
            // again means an earlier PATCH is still being wound up: wait a
            // little, and not forever.
            Err(PortalError::Api(f)) if f.code == "upload_offset_mismatch" => {
                let server = f
                    .server_offset()
                    .ok_or_else(|| UploadError::Protocol("409 without details.offset".into()))?;
                if server == offset {
                    stalls += 1;
                    if stalls > MAX_STALLS {
                        return Err(PortalError::Api(f).into());
                    }
                    let wait = f.retry_after.unwrap_or(1).min(5);
                    tokio::time::sleep(std::time::Duration::from_secs(wait)).await;
                }
                offset = within(server, file)?;
            }
            // Damaged in transit and discarded: send the chunk again — a
            // few times; a network that keeps damaging them is a network
            // failure, tried again later.
            Err(PortalError::Api(f)) if f.code == "upload_checksum_mismatch" => {
                damaged += 1;
                if damaged > MAX_STALLS {
                    return Err(PortalError::Network(
                        "chunks keep arriving damaged (upload_checksum_mismatch)".into(),
                    )
                    .into());
                }
            }
            Err(e) => return Err(e.into()),
        }
    }
    Ok(Uploaded {
        already_held: false,
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::{BufRead, BufReader, Read, Write};

    /// A one-thread HTTP/1.1 stand-in for the portal: each request (one per
    /// connection) gets `answer(method)` as (status, extra headers, body).
    fn fake_portal(answer: fn(&str) -> (u16, &'static str, String)) -> String {
        let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        let url = format!("http://{}", listener.local_addr().unwrap());
        std::thread::spawn(move || {
            for stream in listener.incoming() {
                let Ok(stream) = stream else { return };
                let mut reader = BufReader::new(stream);
                let mut line = String::new();
                reader.read_line(&mut line).unwrap();
                let method = line.split(' ').next().unwrap_or("").to_string();
                let mut length = 0usize;
                loop {
                    let mut header = String::new();
                    reader.read_line(&mut header).unwrap();
                    if header.trim().is_empty() {
                        break;
                    }
                    if let Some((name, value)) = header.split_once(':') {
                        if name.eq_ignore_ascii_case("content-length") {
                            length = value.trim().parse().unwrap();
                        }
                    }
                }
                let mut body = vec![0; length];
                reader.read_exact(&mut body).unwrap();
                let (status, headers, body) = answer(&method);
                let reply = format!(
                    "HTTP/1.1 {status} X\r\nHoso-Api-Version: 1\r\n{headers}Content-Type: application/json\r\nContent-Length: {}\r\nConnection: close\r\n\r\n{body}",
                    body.len()
                );
                let _ = reader.get_mut().write_all(reply.as_bytes());
            }
        });
        url
    }

    async fn upload_to(url: &str) -> Result<Uploaded, UploadError> {
        let client = PortalClient::new(url).unwrap();
        client.set_tokens(Some(super::super::Tokens {
            access_token: "a".into(),
            refresh_token: "r".into(),
        }));
        let file = FileToUpload {
            sha256: "0".repeat(64),
            size: 10,
            media_type: "application/pdf".into(),
        };
        let source = |_: &str, _: u64, len: u64| Ok(vec![7u8; len as usize]);
        upload(
            &client,
            &file,
            &source,
            &mut Transfer::default(),
            &mut |_, _| {},
        )
        .await
    }

    #[tokio::test]
    async fn an_offset_past_the_end_of_the_file_is_a_typed_error() {
        // Declared: the portal says it already holds more than the file.
        let url = fake_portal(|_| {
            let body = r#"{"url":"/v1/uploads/u","offset":1000,"state":"created"}"#;
            (201, "", body.to_string())
        });
        let e = upload_to(&url).await.unwrap_err();
        assert!(
            matches!(
                e,
                UploadError::OffsetBeyondSize {
                    offset: 1000,
                    size: 10
                }
            ),
            "{e}"
        );
        assert_eq!(e.error_code(), "upload_offset_beyond_size");
        assert_eq!(e.kind(), ErrorKind::Portal);
        let (vi, en) = e.messages();
        assert!(
            vi.contains("1000") && en.contains("file of 10 bytes"),
            "{vi} / {en}"
        );

        // Sent: the portal answers the chunk with an offset past the end.
        let url = fake_portal(|method| match method {
            "POST" => (
                201,
                "",
                r#"{"url":"/v1/uploads/u","offset":0,"state":"created"}"#.to_string(),
            ),
            _ => (
                204,
                "Upload-Offset: 18446744073709551615\r\n",
                String::new(),
            ),
        });
        let e = upload_to(&url).await.unwrap_err();
        assert!(
            matches!(
                e,
                UploadError::OffsetBeyondSize {
                    offset: u64::MAX,
                    size: 10
                }
            ),
            "{e}"
        );
    }
}
