//! The files a dossier names, as an officer opens them:
//! `GET /v1/admin/dossiers/{code}/files/{sha256}` answers a document (or
//! the consent scan) the dossier was filed with, decrypted from the blob
//! store, with its media type. A file the dossier does not name is not
//! found, whoever else uploaded it.

use super::store;
use crate::error::ApiError;
use crate::extract::Admin;
use crate::Portal;
use axum::extract::{Path, State};
use axum::http::{header, HeaderValue};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use std::sync::Arc;

/// The most one answer carries (larger files are refused, not streamed:
/// the route serves tests and the officer simulation).
const MAX_FILE_BYTES: u64 = 256 * 1024 * 1024;

pub(super) fn routes() -> Router<Arc<Portal>> {
    Router::new().route("/v1/admin/dossiers/{code}/files/{sha256}", get(file))
}

/// `GET /v1/admin/dossiers/{code}/files/{sha256}`.
async fn file(
    State(portal): State<Arc<Portal>>,
    _: Admin,
    Path((code, sha256)): Path<(String, String)>,
) -> Result<Response, ApiError> {
    let code = super::code_param(&code)?;
    if !crate::uploads::is_sha256_hex(&sha256) {
        return Err(ApiError::bad_request(
            "Mã SHA-256 phải là 64 chữ số hex thường",
            "The SHA-256 must be 64 lowercase hex digits",
        ));
    }
    let Some(record) = store::get(&portal.db, &code)? else {
        return Err(ApiError::not_found());
    };
    let Some(named) = record
        .files()
        .into_iter()
        .find(|f| f.sha256 == sha256)
        .cloned()
    else {
        return Err(ApiError::not_found());
    };
    if named.size > MAX_FILE_BYTES {
        return Err(ApiError::body_too_large(MAX_FILE_BYTES));
    }
    let p = portal.clone();
    let bytes = tokio::task::spawn_blocking(move || p.uploads.content(&sha256, MAX_FILE_BYTES))
        .await
        .map_err(|e| ApiError::internal(&e))??;
    let media = HeaderValue::from_str(&named.media_type)
        .unwrap_or(HeaderValue::from_static("application/octet-stream"));
    Ok((
        [
            (header::CONTENT_TYPE, media),
            (header::CACHE_CONTROL, HeaderValue::from_static("no-store")),
        ],
        bytes,
    )
        .into_response())
}
