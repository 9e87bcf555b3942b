//! Resumable uploads to the portal (tus 1.0 keyed by SHA-256, as Portal
//! API v1 defines them): declare the file, skip it when the account already
//! holds it, resume from the server's offset (a lost connection costs at
//! most the chunk in flight), send each chunk with its own SHA-256
//! (`Upload-Checksum`) and report progress.

use super::{Method, PortalClient, PortalError};
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
    let mut offset = created.offset;
    progress(offset, file.size);
    let chunk = transfer.chunk.max(1);
    let (mut stalls, mut damaged) = (0u32, 0u32);
    while offset < file.size {
        let len = chunk.min(file.size - offset);
        let bytes = source
            .read(&file.sha256, offset, len)
            .map_err(UploadError::Source)?;
        if bytes.len() as u64 != len {
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
        transfer.bytes_sent += len;
        match result {
            Ok(answer) => {
                (stalls, damaged) = (0, 0);
                offset = answer
                    .header("upload-offset")
                    .and_then(|v| v.parse().ok())
                    .ok_or_else(|| UploadError::Protocol("no Upload-Offset".into()))?;
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
                offset = server;
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
