//! Catalog endpoints: the current bundle (gzip JSON, as `hoso catalog
//! import` reads it) with an ETag so clients download it only when it
//! changed, and its identity.

use crate::Portal;
use axum::extract::State;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use std::sync::Arc;

/// `GET /v1/catalog`: the bundle, or 304 when `If-None-Match` names it.
pub async fn bundle(State(portal): State<Arc<Portal>>, headers: HeaderMap) -> Response {
    let etag = portal.catalog_etag();
    let unchanged = headers
        .get_all(header::IF_NONE_MATCH)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .any(|t| t.trim() == etag || t.trim() == "*");
    let etag_value = HeaderValue::from_str(&etag).unwrap_or(HeaderValue::from_static("\"\""));
    if unchanged {
        return (StatusCode::NOT_MODIFIED, [(header::ETAG, etag_value)]).into_response();
    }
    (
        StatusCode::OK,
        [
            (header::ETAG, etag_value),
            (
                header::CONTENT_TYPE,
                HeaderValue::from_static("application/vnd.hoso.catalog-bundle+gzip"),
            ),
        ],
        portal.catalog.bytes.clone(),
    )
        .into_response()
}

/// `GET /v1/catalog/info`: version, content hash, size, creation time.
pub async fn info(State(portal): State<Arc<Portal>>) -> Response {
    axum::Json(&portal.catalog.info).into_response()
}
