//! `PATCH /v1/uploads/{upload_id}`: one chunk, streamed. The body is read
//! frame by frame into sealed segments of at most 1 MiB appended to the
//! staging file (never the whole chunk in memory), with the chunk's SHA-256
//! computed on the way when `Upload-Checksum` is given. The receiving runs
//! in its own task holding the upload's PATCH lock, so a connection dropped
//! mid-body still ends with a consistent upload: without a checksum the
//! bytes received are synced and the offset advanced; with one, the chunk is
//! cut off the file. The chunk that reaches `Upload-Length` completes the
//! upload: the staged content is read back, hashed, sniffed and re-sealed as
//! the blob file.

use super::blobs::{BlobWriter, FileError};
use super::records::{State as UploadState, UploadRecord};
use super::staging::{self, Appender, SEGMENT};
use super::{tus, Busy};
use crate::accounts::Caller;
use crate::error::ApiError;
use crate::Portal;
use axum::body::{Body, HttpBody};
use axum::extract::{Path as UrlPath, State};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use hoso_core::attachment::hash::Sha256;
use hoso_core::attachment::sniff::{media_label, sniff, SNIFF_LEN};
use std::pin::Pin;
use std::sync::Arc;

/// How long a PATCH waits for another PATCH of the same upload to end.
const BUSY_PATIENCE: std::time::Duration = std::time::Duration::from_secs(5);

/// How the body ended.
enum End {
    Finished,
    /// The body stream failed (connection dropped, truncated body).
    Cut,
    /// Over the chunk cap or past `Upload-Length`.
    Refused(ApiError),
}

/// Runs blocking file work off the async workers.
async fn blocking<T: Send + 'static>(
    f: impl FnOnce() -> Result<T, FileError> + Send + 'static,
) -> Result<T, ApiError> {
    match tokio::task::spawn_blocking(f).await {
        Ok(Ok(v)) => Ok(v),
        Ok(Err(e)) => Err(ApiError::internal(&e)),
        Err(e) => Err(ApiError::internal(&e)),
    }
}

/// `PATCH /v1/uploads/{upload_id}`.
pub(super) async fn append(
    State(portal): State<Arc<Portal>>,
    _: tus::Tus,
    caller: Caller,
    UrlPath(id): UrlPath<String>,
    headers: HeaderMap,
    body: Body,
) -> Result<Response, ApiError> {
    // The request's own form first: a malformed PATCH is 400 (or 415)
    // whatever state the upload is in.
    if !tus::is_chunk(&headers) {
        return Err(ApiError::unsupported_media_type());
    }
    let claimed = tus::upload_offset(&headers)?;
    let checksum = tus::upload_checksum(&headers)?;
    let now = portal.clock.now().unix_timestamp();
    let uploads = &portal.uploads;
    let record = uploads.find(&portal.db, &caller.account_id, &id, now)?;
    if claimed != record.current_offset() {
        return Err(tus::offset_mismatch(record.current_offset()));
    }
    let max_chunk = portal.config.max_chunk_bytes;
    let room = record.size - record.current_offset();
    let declared = tus::content_length(&headers);
    if let Some(n) = declared {
        if n > max_chunk {
            return Err(ApiError::body_too_large(max_chunk));
        }
        if n > room {
            return Err(tus::past_length(room));
        }
    }
    if record.state == UploadState::Complete {
        // Nothing left to send: an empty chunk at the end is a no-op.
        return Ok(no_content(&record));
    }
    // A client resuming right after a cut may arrive before the cut PATCH
    // has been wound up: wait for it rather than refuse.
    let Some(busy) = Busy::wait(&portal, &record.id, BUSY_PATIENCE).await else {
        return Err(tus::offset_mismatch(record.offset).retry_after(1));
    };
    // Another PATCH may have finished between the first look and the lock.
    let record = uploads.find(&portal.db, &caller.account_id, &id, now)?;
    if record.state != UploadState::InProgress || record.offset != claimed {
        return Err(tus::offset_mismatch(record.current_offset()));
    }
    // Receive in a task of its own: if the connection goes, this request's
    // future may be dropped, but the bytes are still dealt with.
    let task = tokio::spawn(receive(portal.clone(), busy, record, checksum, body));
    task.await.map_err(|e| ApiError::internal(&e))?
}

fn no_content(record: &UploadRecord) -> Response {
    let mut h = HeaderMap::new();
    h.insert(
        tus::UPLOAD_OFFSET,
        HeaderValue::from(record.current_offset()),
    );
    if record.state == UploadState::InProgress {
        let expires = super::unix(record.expires_at);
        if let Ok(v) = HeaderValue::from_str(&crate::clock::http_date(expires)) {
            h.insert(tus::UPLOAD_EXPIRES, v);
        }
    }
    (StatusCode::NO_CONTENT, h).into_response()
}

async fn receive(
    portal: Arc<Portal>,
    _busy: Busy,
    record: UploadRecord,
    checksum: Option<[u8; 32]>,
    mut body: Body,
) -> Result<Response, ApiError> {
    let uploads = &portal.uploads;
    let path = uploads.staging_path(&record.id);
    let mut appender = {
        let (path, sealer, id, base) = (
            path.clone(),
            portal.db.sealer().clone(),
            record.id.clone(),
            record.committed(),
        );
        blocking(move || Appender::open(&path, sealer, &id, base)).await?
    };
    let max_chunk = portal.config.max_chunk_bytes;
    let room = record.size - record.offset;
    let mut hasher = checksum.map(|_| Sha256::new());
    let mut segment: Vec<u8> = Vec::with_capacity(SEGMENT);
    let mut received = 0u64;
    // An idle timeout, not a total one: a big chunk on a slow link that
    // keeps moving is received whole.
    let idle = portal.config.body_idle_timeout;
    let end = loop {
        let next = std::future::poll_fn(|cx| Pin::new(&mut body).poll_frame(cx));
        // A connection that goes silent (half-open after a network change)
        // must not hold the upload forever.
        let Ok(frame) = tokio::time::timeout(idle, next).await else {
            break End::Cut;
        };
        let data = match frame {
            None => break End::Finished,
            Some(Err(_)) => break End::Cut,
            Some(Ok(frame)) => match frame.into_data() {
                Ok(data) => data,
                Err(_) => continue,
            },
        };
        received += data.len() as u64;
        if received > max_chunk {
            break End::Refused(ApiError::body_too_large(max_chunk));
        }
        if received > room {
            break End::Refused(tus::past_length(room));
        }
        if let Some(h) = hasher.as_mut() {
            h.update(&data);
        }
        let mut rest = &data[..];
        while !rest.is_empty() {
            let take = (SEGMENT - segment.len()).min(rest.len());
            segment.extend_from_slice(&rest[..take]);
            rest = &rest[take..];
            if segment.len() == SEGMENT {
                let full = std::mem::replace(&mut segment, Vec::with_capacity(SEGMENT));
                appender = blocking(move || {
                    appender.push(&full)?;
                    Ok(appender)
                })
                .await?;
            }
        }
    };
    drop(body);
    let cut = matches!(end, End::Cut);
    let discard = match end {
        End::Refused(e) => Some(e),
        End::Cut if checksum.is_some() => Some(tus::chunk_cut(record.offset, false)),
        End::Finished => match (hasher.map(Sha256::finish), checksum) {
            (Some(got), Some(want)) if got.as_bytes() != &want => {
                Some(tus::checksum_mismatch(record.offset))
            }
            _ => None,
        },
        End::Cut => None,
    };
    if let Some(error) = discard {
        blocking(move || appender.rollback()).await?;
        return Err(error);
    }
    let staged = blocking(move || {
        appender.push(&segment)?;
        appender.sync()?;
        Ok(appender.state())
    })
    .await?;
    let now = portal.clock.now().unix_timestamp();
    let record = uploads.commit_progress(&portal.db, &record.id, staged, now)?;
    if cut {
        return Err(tus::chunk_cut(record.offset, true));
    }
    if record.offset < record.size {
        return Ok(no_content(&record));
    }
    let p = portal.clone();
    tokio::task::spawn_blocking(move || complete(&p, record))
        .await
        .map_err(|e| ApiError::internal(&e))?
}

/// What the staged content turned out to be.
enum Verdict {
    Verified(tempfile::NamedTempFile),
    HashMismatch,
    MediaMismatch(&'static str),
}

/// Reads the staged content back, hashes and sniffs it while sealing it as
/// a blob file, then stores the blob or discards the upload.
fn complete(portal: &Portal, record: UploadRecord) -> Result<Response, ApiError> {
    let uploads = &portal.uploads;
    let verdict = (|| -> Result<Verdict, FileError> {
        let sealer = portal.db.sealer();
        let mut hasher = Sha256::new();
        let mut head = Vec::with_capacity(SNIFF_LEN);
        let mut writer = BlobWriter::create(&uploads.tmp_dir, sealer, &record.sha256, record.size)?;
        staging::read(
            &uploads.staging_path(&record.id),
            sealer,
            &record.id,
            record.committed(),
            |plain| {
                hasher.update(plain);
                if head.len() < SNIFF_LEN {
                    let take = (SNIFF_LEN - head.len()).min(plain.len());
                    head.extend_from_slice(&plain[..take]);
                }
                writer.write(plain)
            },
        )?;
        if hasher.finish().to_hex() != record.sha256 {
            return Ok(Verdict::HashMismatch);
        }
        let sniffed = sniff(&head);
        if sniffed.media().map(|m| m.mime()) != Some(record.media_type.as_str()) {
            return Ok(Verdict::MediaMismatch(sniffed.label()));
        }
        Ok(Verdict::Verified(writer.finish()?))
    })();
    let now = portal.clock.now().unix_timestamp();
    let discard = |error: ApiError| -> Result<Response, ApiError> {
        uploads.end(&portal.db, &record, UploadState::Discarded, now)?;
        Err(error)
    };
    match verdict {
        Err(e) => discard(ApiError::internal(&e)),
        Ok(Verdict::HashMismatch) => discard(tus::hash_mismatch(&record.sha256)),
        Ok(Verdict::MediaMismatch(found)) => {
            let declared = super::media_type(&record.media_type)
                .map(media_label)
                .unwrap_or("?");
            discard(tus::media_type_mismatch(declared, found))
        }
        Ok(Verdict::Verified(file)) => {
            uploads.store_blob(&portal.db, &record, file, now)?;
            let mut done = record;
            done.state = UploadState::Complete;
            Ok(no_content(&done))
        }
    }
}
