//! Resumable uploads of documents: tus 1.0 (core + creation + checksum +
//! expiration + termination) keyed by the file's SHA-256, as the spec's
//! "Uploads" section says. `POST /v1/uploads` declares a file (or learns the
//! account holds it already, or finds its unfinished upload), `PATCH`
//! appends chunks (streamed to an encrypted staging file, synced before the
//! offset is acknowledged), and the chunk that reaches the declared length
//! has the whole content re-read, hashed and sniffed before the blob is
//! stored (once per content hash, encrypted) and held by the account.
//!
//! Deduplication is per account: another account's copy of the same file is
//! never revealed. Uploads of other accounts are `404`, like unknown ids.
//! One PATCH at a time per upload (a second one gets `409`).
//!
//! For the dossier module: [`Uploads::held`], [`Uploads::name_by_dossier`],
//! [`Uploads::verify`], [`Uploads::stats`]; [`sweep`] for periodic clean-up.

mod blobs;
mod patch;
mod records;
mod staging;
mod tus;

pub(crate) use records::Swept;

use crate::accounts::Caller;
use crate::clock::{http_date, rfc3339};
use crate::config::Config;
use crate::db::Db;
use crate::error::{ApiError, FieldIssue};
use crate::extract::ApiJson;
use crate::seal::Sealer;
use crate::{Portal, PortalError};
use axum::extract::{Path as UrlPath, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{head, options};
use axum::Router;
use hoso_core::form::MediaType;
use hoso_wire::{Upload, UploadCreate, UploadState as WireState};
use records::{Declared, HeldRecord, State as UploadState, UploadRecord};
use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use time::OffsetDateTime;
use tus::Tus;

/// Portal-clock seconds between lazy sweeps (run by `POST /v1/uploads`).
const SWEEP_EVERY: i64 = 3600;

/// Upload state shared by requests: where files go, and the locks.
pub(crate) struct Uploads {
    sealer: Arc<Sealer>,
    /// `DATA/blobs/`: one sealed file per content hash.
    blobs_dir: PathBuf,
    /// `DATA/blobs/.tmp/`: blob files being written.
    tmp_dir: PathBuf,
    /// `DATA/uploads/`: one sealed staging file per unfinished upload.
    staging_dir: PathBuf,
    /// Serialises read-modify-write of upload and blob records.
    records: Mutex<()>,
    /// Uploads with a PATCH being received.
    busy: Mutex<HashSet<String>>,
    last_sweep: Mutex<i64>,
    /// What one account may have unfinished at once.
    quota: records::Quota,
}

fn private_dir(path: &Path) -> std::io::Result<()> {
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    builder.create(path)
}

impl Uploads {
    pub(crate) fn open(db: &Db, config: &Config, data_dir: &Path) -> Result<Uploads, PortalError> {
        let blobs_dir = data_dir.join("blobs");
        let tmp_dir = blobs_dir.join(".tmp");
        let staging_dir = data_dir.join("uploads");
        // Blob files half-written when the portal stopped are of no use.
        if tmp_dir.exists() {
            std::fs::remove_dir_all(&tmp_dir)?;
        }
        for dir in [&blobs_dir, &tmp_dir, &staging_dir] {
            private_dir(dir)?;
        }
        Ok(Uploads {
            sealer: db.sealer().clone(),
            blobs_dir,
            tmp_dir,
            staging_dir,
            records: Mutex::new(()),
            busy: Mutex::new(HashSet::new()),
            last_sweep: Mutex::new(i64::MIN),
            quota: records::Quota {
                uploads: config.max_open_uploads,
                bytes: config.max_open_upload_bytes,
            },
        })
    }

    fn staging_path(&self, id: &str) -> PathBuf {
        staging::path(&self.staging_dir, id)
    }

    fn busy_ids(&self) -> HashSet<String> {
        self.busy.lock().map(|b| b.clone()).unwrap_or_default()
    }
}

/// The right to receive a PATCH for one upload; released when dropped.
struct Busy {
    portal: Arc<Portal>,
    id: String,
}

impl Busy {
    /// `None` when another PATCH of the upload is being received.
    fn take(portal: &Arc<Portal>, id: &str) -> Option<Busy> {
        let mut busy = portal
            .uploads
            .busy
            .lock()
            .unwrap_or_else(|p| p.into_inner());
        busy.insert(id.to_string()).then(|| Busy {
            portal: portal.clone(),
            id: id.to_string(),
        })
    }

    /// Waits up to `patience` for the PATCH in progress (typically one
    /// whose connection just died, its bytes still being discarded) to end.
    async fn wait(portal: &Arc<Portal>, id: &str, patience: std::time::Duration) -> Option<Busy> {
        let deadline = tokio::time::Instant::now() + patience;
        loop {
            if let Some(b) = Busy::take(portal, id) {
                return Some(b);
            }
            if tokio::time::Instant::now() >= deadline {
                return None;
            }
            tokio::time::sleep(std::time::Duration::from_millis(20)).await;
        }
    }
}

impl Drop for Busy {
    fn drop(&mut self) {
        let mut busy = self
            .portal
            .uploads
            .busy
            .lock()
            .unwrap_or_else(|p| p.into_inner());
        busy.remove(&self.id);
    }
}

pub(crate) fn routes() -> Router<Arc<Portal>> {
    Router::new()
        .route("/v1/uploads", options(describe).post(create))
        .route(
            "/v1/uploads/{upload_id}",
            head(head_upload)
                .get(get_upload)
                .patch(patch::append)
                .delete(abandon),
        )
        .layer(axum::middleware::map_response(tus::stamp))
}

/// Runs [`Uploads::sweep`] off the async workers, at the portal's time.
pub(crate) async fn sweep(portal: &Arc<Portal>) -> Result<Swept, ApiError> {
    let p = portal.clone();
    tokio::task::spawn_blocking(move || p.uploads.sweep(&p.db, p.clock.now()))
        .await
        .map_err(|e| ApiError::internal(&e))?
}

/// Sweeps if the last sweep is an hour old (portal clock).
async fn maybe_sweep(portal: &Arc<Portal>) {
    let now = portal.clock.now().unix_timestamp();
    {
        let mut last = portal
            .uploads
            .last_sweep
            .lock()
            .unwrap_or_else(|p| p.into_inner());
        if now.saturating_sub(*last) < SWEEP_EVERY {
            return;
        }
        *last = now;
    }
    if let Err(e) = sweep(portal).await {
        eprintln!("hoso-portal: upload sweep failed: {}", e.error.message_en);
    }
}

/// `OPTIONS /v1/uploads`: tus discovery.
async fn describe(State(portal): State<Arc<Portal>>) -> Response {
    (
        StatusCode::NO_CONTENT,
        [
            (tus::TUS_VERSION, HeaderValue::from_static(tus::VERSION)),
            (
                tus::TUS_EXTENSION,
                HeaderValue::from_static(tus::EXTENSIONS),
            ),
            (
                tus::TUS_MAX_SIZE,
                HeaderValue::from(portal.config.max_upload_bytes),
            ),
            (
                tus::TUS_CHECKSUM_ALGORITHM,
                HeaderValue::from_static("sha256"),
            ),
        ],
    )
        .into_response()
}

pub(crate) fn is_sha256_hex(s: &str) -> bool {
    s.len() == 64 && s.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

/// The document type of a MIME type the spec's `MediaType` lists.
fn media_type(mime: &str) -> Option<MediaType> {
    MediaType::ALL.into_iter().find(|m| m.mime() == mime)
}

/// `POST /v1/uploads`.
async fn create(
    State(portal): State<Arc<Portal>>,
    _: Tus,
    caller: Caller,
    ApiJson(req): ApiJson<UploadCreate>,
) -> Result<Response, ApiError> {
    let mut issues = Vec::new();
    if !is_sha256_hex(&req.sha256) {
        issues.push(FieldIssue::new(
            "/sha256",
            "pattern",
            "Mã SHA-256 phải gồm 64 chữ số hex viết thường",
            "sha256 must be 64 lower-case hex digits",
        ));
    }
    if req.size == 0 {
        issues.push(FieldIssue::new(
            "/size",
            "minimum",
            "Dung lượng tệp phải lớn hơn 0",
            "size must be at least 1",
        ));
    }
    if media_type(&req.media_type).is_none() {
        issues.push(FieldIssue::new(
            "/media_type",
            "enum",
            "Loại tệp không được hỗ trợ (PDF, JPEG, PNG, HEIC, WebP)",
            "Unsupported media type (PDF, JPEG, PNG, HEIC, WebP)",
        ));
    }
    if !issues.is_empty() {
        return Err(
            ApiError::bad_request("Yêu cầu không đúng định dạng", "Malformed request")
                .with_issues(issues),
        );
    }
    let max = portal.config.max_upload_bytes;
    if req.size > max {
        return Err(tus::upload_too_large(max));
    }
    maybe_sweep(&portal).await;
    let now = portal.clock.now().unix_timestamp();
    let declared = portal.uploads.declare(
        &portal.db,
        &caller.account_id,
        &req.sha256,
        req.size,
        &req.media_type,
        now,
    )?;
    match declared {
        Declared::Held(held) => Ok((
            StatusCode::OK,
            held_headers(&held),
            axum::Json(held_json(&held)?),
        )
            .into_response()),
        Declared::Resume(record) => upload_response(StatusCode::OK, &record, true),
        Declared::Created(record) => upload_response(StatusCode::CREATED, &record, true),
    }
}

fn url(id: &str) -> String {
    format!("/v1/uploads/{id}")
}

fn unix(t: i64) -> OffsetDateTime {
    OffsetDateTime::from_unix_timestamp(t).unwrap_or(OffsetDateTime::UNIX_EPOCH)
}

/// A stored media type as the API spells it (uploads are only created
/// with one of the spec's types).
fn wire_media_type(mime: &str) -> Result<hoso_wire::MediaType, ApiError> {
    hoso_wire::MediaType::from_wire(mime)
        .ok_or_else(|| ApiError::internal(&"an upload record holds an unknown media type"))
}

/// An upload as the API answers it.
fn upload_json(record: &UploadRecord) -> Result<Upload, ApiError> {
    let complete = record.state == UploadState::Complete;
    Ok(Upload {
        id: Some(record.id.clone()),
        url: Some(url(&record.id)),
        sha256: record.sha256.clone(),
        size: record.size,
        media_type: wire_media_type(&record.media_type)?,
        offset: record.current_offset(),
        state: if complete {
            WireState::Complete
        } else {
            WireState::InProgress
        },
        expires_at: (!complete).then(|| rfc3339(unix(record.expires_at))),
    })
}

/// A blob already held, as the API answers it: nothing to upload.
fn held_json(held: &HeldRecord) -> Result<Upload, ApiError> {
    Ok(Upload {
        id: None,
        url: None,
        sha256: held.sha256.clone(),
        size: held.size,
        media_type: wire_media_type(&held.media_type)?,
        offset: held.size,
        state: WireState::Complete,
        expires_at: None,
    })
}

fn no_store(headers: &mut HeaderMap) {
    headers.insert(header::CACHE_CONTROL, HeaderValue::from_static("no-store"));
}

fn held_headers(held: &HeldRecord) -> HeaderMap {
    let mut h = HeaderMap::new();
    h.insert(tus::UPLOAD_OFFSET, HeaderValue::from(held.size));
    h.insert(tus::UPLOAD_LENGTH, HeaderValue::from(held.size));
    no_store(&mut h);
    h
}

/// `Upload-Offset`, `Upload-Length`, `Upload-Expires` (unfinished only)
/// and, with `location`, `Location`.
fn upload_headers(record: &UploadRecord, location: bool) -> HeaderMap {
    let mut h = HeaderMap::new();
    h.insert(
        tus::UPLOAD_OFFSET,
        HeaderValue::from(record.current_offset()),
    );
    h.insert(tus::UPLOAD_LENGTH, HeaderValue::from(record.size));
    if record.state == UploadState::InProgress {
        if let Ok(v) = HeaderValue::from_str(&http_date(unix(record.expires_at))) {
            h.insert(tus::UPLOAD_EXPIRES, v);
        }
    }
    if location {
        if let Ok(v) = HeaderValue::from_str(&url(&record.id)) {
            h.insert(header::LOCATION, v);
        }
    }
    no_store(&mut h);
    h
}

fn upload_response(
    status: StatusCode,
    record: &UploadRecord,
    location: bool,
) -> Result<Response, ApiError> {
    Ok((
        status,
        upload_headers(record, location),
        axum::Json(upload_json(record)?),
    )
        .into_response())
}

/// `HEAD /v1/uploads/{upload_id}`.
async fn head_upload(
    State(portal): State<Arc<Portal>>,
    _: Tus,
    caller: Caller,
    UrlPath(id): UrlPath<String>,
) -> Result<Response, ApiError> {
    let now = portal.clock.now().unix_timestamp();
    let record = portal
        .uploads
        .find(&portal.db, &caller.account_id, &id, now)?;
    Ok((StatusCode::OK, upload_headers(&record, false)).into_response())
}

/// `GET /v1/uploads/{upload_id}`.
async fn get_upload(
    State(portal): State<Arc<Portal>>,
    caller: Caller,
    UrlPath(id): UrlPath<String>,
) -> Result<Response, ApiError> {
    let now = portal.clock.now().unix_timestamp();
    let record = portal
        .uploads
        .find(&portal.db, &caller.account_id, &id, now)?;
    upload_response(StatusCode::OK, &record, false)
}

/// `DELETE /v1/uploads/{upload_id}`: abandons the upload; a completed
/// upload's blob stays held.
async fn abandon(
    State(portal): State<Arc<Portal>>,
    _: Tus,
    caller: Caller,
    UrlPath(id): UrlPath<String>,
) -> Result<Response, ApiError> {
    let now = portal.clock.now().unix_timestamp();
    let record = portal
        .uploads
        .find(&portal.db, &caller.account_id, &id, now)?;
    portal
        .uploads
        .end(&portal.db, &record, UploadState::Abandoned, now)?;
    Ok(StatusCode::NO_CONTENT.into_response())
}
