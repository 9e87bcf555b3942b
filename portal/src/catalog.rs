//! Catalog endpoints (`docs/portal-api.yaml`): `GET /v1/catalog` (what the
//! current catalog is, cheap to poll) and `GET /v1/catalog/bundle` (the
//! bundle itself: the stored gzip JSON sent with `Content-Encoding: gzip`,
//! a strong ETag, 304 on `If-None-Match`).

use crate::Portal;
use axum::extract::State;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::Router;
use serde_json::json;
use std::sync::Arc;

pub(crate) fn routes() -> Router<Arc<Portal>> {
    Router::new()
        .route("/v1/catalog", get(info))
        .route("/v1/catalog/bundle", get(bundle))
}

/// `GET /v1/catalog/bundle`.
async fn bundle(State(portal): State<Arc<Portal>>, headers: HeaderMap) -> Response {
    let catalog = portal.catalog();
    let etag = catalog.etag();
    let unchanged = headers
        .get_all(header::IF_NONE_MATCH)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(|t| t.trim().trim_start_matches("W/"))
        .any(|t| t == etag || t == "*");
    let etag_value = HeaderValue::from_str(&etag).unwrap_or(HeaderValue::from_static("\"\""));
    let cache = HeaderValue::from_static("no-cache");
    if unchanged {
        return (
            StatusCode::NOT_MODIFIED,
            [(header::ETAG, etag_value), (header::CACHE_CONTROL, cache)],
        )
            .into_response();
    }
    (
        StatusCode::OK,
        [
            (header::ETAG, etag_value),
            (header::CACHE_CONTROL, cache),
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/json"),
            ),
            (header::CONTENT_ENCODING, HeaderValue::from_static("gzip")),
        ],
        catalog.bytes.clone(),
    )
        .into_response()
}

/// `GET /v1/catalog`.
async fn info(State(portal): State<Arc<Portal>>) -> Response {
    let catalog = portal.catalog();
    let info = &catalog.info;
    (
        [(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"))],
        axum::Json(json!({
            "format": "hoso-catalog-bundle",
            "format_version": 1,
            "version": info.version,
            "content_hash": info.content_hash,
            "procedure_count": info.procedure_count,
            "created_at": info.created_at,
            "bundle_etag": catalog.etag(),
            "bundle_bytes": catalog.bytes.len(),
            "delta_from": [],
            "key_set_version": 1,
        })),
    )
        .into_response()
}
