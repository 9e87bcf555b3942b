//! Catalog endpoints (`docs/portal-api.yaml`): `GET /v1/catalog` (what the
//! current catalog is, cheap to poll), `GET /v1/catalog/bundle` (the stored
//! gzip bundle sent with `Content-Encoding: gzip`, or decoded for a client
//! that refuses gzip), `GET /v1/catalog/delta` (changes since a kept
//! version), and the admin's `PUT /v1/admin/catalog` (install a newer
//! bundle); ETags with `If-None-Match` → 304 throughout.

mod delta;
mod versions;

pub(crate) use versions::{open_versions, History};

use crate::error::{ApiError, FieldIssue};
use crate::extract::{media_type_in, read_body, Admin};
use crate::{Portal, ServedCatalog};
use axum::body::{Body, Bytes};
use axum::extract::{Query, State};
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, put};
use axum::{Json, Router};
use delta::EncodedDelta;
use hoso_core::catalog::bundle::BundleError;
use hoso_wire::signature::catalog_statement;
use hoso_wire::{BundleFormat, CatalogInfo, ErrorCode};
use std::collections::HashMap;
use std::sync::Arc;
use versions::InstallError;

pub(crate) fn routes() -> Router<Arc<Portal>> {
    Router::new()
        .route("/v1/catalog", get(info))
        .route("/v1/catalog/bundle", get(bundle))
        .route("/v1/catalog/delta", get(delta))
        .route("/v1/admin/catalog", put(install))
}

/// The first 16 hex digits of a content hash, as ETags carry them.
pub(crate) fn short_hash(hash: &str) -> &str {
    &hash[..hash.len().min(16)]
}

/// Longest `If-None-Match` the spec accepts.
const MAX_IF_NONE_MATCH: usize = 512;

/// Does `If-None-Match` name `etag` (weak comparison, `*` matches)? A value
/// over 512 bytes is `400 bad_request`, as the spec's parameter says.
pub(crate) fn etag_matches(headers: &HeaderMap, etag: &str) -> Result<bool, ApiError> {
    let values: Vec<&axum::http::HeaderValue> =
        headers.get_all(header::IF_NONE_MATCH).iter().collect();
    if values.iter().any(|v| v.len() > MAX_IF_NONE_MATCH) {
        return Err(ApiError::bad_request(
            "Tiêu đề If-None-Match quá dài (tối đa 512 ký tự)",
            "The If-None-Match header is too long (at most 512 characters)",
        )
        .with_issues(vec![FieldIssue::new(
            "If-None-Match",
            "type",
            "Quá dài",
            "Too long",
        )]));
    }
    let strip = |t: &str| t.trim().trim_start_matches("W/").to_string();
    let wanted = strip(etag);
    Ok(values
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .map(strip)
        .any(|t| t == wanted || t == "*"))
}

/// May the response be gzip-encoded? Yes unless `Accept-Encoding` is
/// present and rules gzip out (not listed, or `q=0`, and no `*` allowing it).
fn gzip_accepted(headers: &HeaderMap) -> bool {
    let Some(value) = headers.get(header::ACCEPT_ENCODING) else {
        return true;
    };
    let Ok(value) = value.to_str() else {
        return false;
    };
    let mut gzip = None;
    let mut any = None;
    for item in value.split(',') {
        let mut parts = item.split(';');
        let coding = parts.next().unwrap_or("").trim().to_ascii_lowercase();
        let q = parts
            .filter_map(|p| p.trim().strip_prefix("q=").or(p.trim().strip_prefix("Q=")))
            .find_map(|q| q.trim().parse::<f32>().ok())
            .unwrap_or(1.0);
        match coding.as_str() {
            "gzip" | "x-gzip" => gzip = Some(q > 0.0),
            "*" => any = Some(q > 0.0),
            _ => {}
        }
    }
    gzip.or(any).unwrap_or(false)
}

/// One JSON representation held gzip-encoded: sent as is with
/// `Content-Encoding: gzip` and the strong ETag, or decoded (identity) with
/// the weak form when the client refuses gzip; `304` on a matching
/// `If-None-Match`.
fn representation(
    headers: &HeaderMap,
    etag: &str,
    gzip: Bytes,
    identity: impl FnOnce() -> Result<Bytes, ApiError>,
) -> Result<Response, ApiError> {
    let gz = gzip_accepted(headers);
    let etag = if gz {
        etag.to_string()
    } else {
        format!("W/{etag}")
    };
    let etag = HeaderValue::from_str(&etag).map_err(|e| ApiError::internal(&e))?;
    let common = [
        (header::ETAG, etag),
        (header::CACHE_CONTROL, HeaderValue::from_static("no-cache")),
        (header::VARY, HeaderValue::from_static("Accept-Encoding")),
    ];
    if etag_matches(headers, etag_text(&common[0].1))? {
        return Ok((StatusCode::NOT_MODIFIED, common).into_response());
    }
    let json = HeaderValue::from_static("application/json");
    if gz {
        let encoding = HeaderValue::from_static("gzip");
        Ok((
            common,
            [
                (header::CONTENT_TYPE, json),
                (header::CONTENT_ENCODING, encoding),
            ],
            Body::from(gzip),
        )
            .into_response())
    } else {
        Ok((
            common,
            [(header::CONTENT_TYPE, json)],
            Body::from(identity()?),
        )
            .into_response())
    }
}

fn etag_text(v: &HeaderValue) -> &str {
    v.to_str().unwrap_or("")
}

/// `GET /v1/catalog/bundle`.
async fn bundle(
    State(portal): State<Arc<Portal>>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    let catalog = portal.catalog();
    let mut response = representation(&headers, &catalog.etag(), catalog.bytes.clone(), || {
        catalog
            .history
            .identity(&catalog.bytes)
            .map_err(|e| ApiError::internal(&e))
    })?;
    sign_catalog(&portal, &catalog, &mut response);
    Ok(response)
}

/// The root key's signature of the catalog `response` carries (the bundle,
/// or a delta that leads to it), in its headers.
fn sign_catalog(portal: &Portal, catalog: &ServedCatalog, response: &mut Response) {
    let statement = catalog_statement(catalog.info.version, &catalog.info.content_hash);
    response
        .headers_mut()
        .extend(portal.root.headers(&statement));
}

/// `CatalogInfo` of `catalog`.
fn info_json(portal: &Portal, catalog: &ServedCatalog) -> CatalogInfo {
    let info = &catalog.info;
    CatalogInfo {
        format: BundleFormat::HosoCatalogBundle,
        format_version: if catalog.bundle.data.is_empty() {
            hoso_wire::catalog::FORMAT_VERSION
        } else {
            hoso_wire::catalog::FORMAT_VERSION_WITH_DATA
        },
        version: info.version,
        content_hash: info.content_hash.clone(),
        procedure_count: info.procedure_count as u64,
        created_at: info.created_at,
        bundle_etag: catalog.etag(),
        bundle_bytes: catalog.bytes.len() as u64,
        delta_from: catalog.history.kept().to_vec(),
        key_set_version: portal.keys.version(),
    }
}

/// `GET /v1/catalog`.
async fn info(State(portal): State<Arc<Portal>>) -> Response {
    let catalog = portal.catalog();
    (
        [(header::CACHE_CONTROL, HeaderValue::from_static("no-cache"))],
        Json(info_json(&portal, &catalog)),
    )
        .into_response()
}

/// `409`: the version the client holds conflicts with what this portal can
/// answer a delta from (never served, newer than the current, or no longer
/// kept); the client takes the full bundle.
fn version_unavailable(current: u64) -> ApiError {
    ApiError::new(
        StatusCode::CONFLICT,
        ErrorCode::CatalogVersionUnavailable,
        "Không còn dữ liệu thay đổi từ phiên bản danh mục này; hãy tải toàn bộ danh mục",
        "No changes are kept from this catalog version; download the full catalog",
    )
    .with_detail("current_version", current)
}

fn bad_since(code: &str, vi: &str, en: &str) -> ApiError {
    ApiError::bad_request("Tham số since không hợp lệ", "Invalid since parameter")
        .with_issues(vec![FieldIssue::new("since", code, vi, en)])
}

/// The delta from `since` to `catalog`, computed once.
fn delta_from(catalog: &ServedCatalog, since: u64) -> Result<Arc<EncodedDelta>, ApiError> {
    if let Some(d) = catalog.history.cached_delta(since) {
        return Ok(d);
    }
    let current = catalog.info.version;
    let read;
    let from = if since == current {
        &catalog.bundle
    } else {
        read = catalog.history.read(since).map_err(|e| {
            eprintln!("hoso-portal: {e}");
            version_unavailable(current)
        })?;
        &read
    };
    let value = delta::diff(from, &catalog.bundle);
    let encoded = Arc::new(
        delta::encode(&from.info, &catalog.info, &value).map_err(|e| ApiError::internal(&e))?,
    );
    catalog.history.cache_delta(since, encoded.clone());
    Ok(encoded)
}

/// `GET /v1/catalog/delta?since=N`.
async fn delta(
    State(portal): State<Arc<Portal>>,
    query: Result<Query<HashMap<String, String>>, axum::extract::rejection::QueryRejection>,
    headers: HeaderMap,
) -> Result<Response, ApiError> {
    // An over-long If-None-Match is a 400 whatever else the request says.
    etag_matches(&headers, "")?;
    let Ok(Query(query)) = query else {
        return Err(bad_since(
            "type",
            "Chuỗi truy vấn không hợp lệ",
            "Malformed query string",
        ));
    };
    let since = match query.get("since") {
        None => {
            return Err(bad_since(
                "missing_field",
                "Thiếu phiên bản danh mục đang có",
                "The catalog version held is missing",
            ))
        }
        Some(s) => s
            .parse::<u64>()
            .ok()
            .filter(|v| i64::try_from(*v).is_ok())
            .ok_or_else(|| {
                bad_since(
                    "type",
                    "Phiên bản danh mục phải là số nguyên không âm",
                    "The catalog version must be a non-negative integer",
                )
            })?,
    };
    let catalog = portal.catalog();
    let current = catalog.info.version;
    if since != current && !catalog.history.kept().contains(&since) {
        return Err(version_unavailable(current));
    }
    let worker = catalog.clone();
    let encoded = tokio::task::spawn_blocking(move || delta_from(&worker, since))
        .await
        .map_err(|e| ApiError::internal(&e))??;
    let json = encoded.json.clone();
    let mut response = representation(&headers, &encoded.etag, encoded.gzip.clone(), || Ok(json))?;
    sign_catalog(&portal, &catalog, &mut response);
    Ok(response)
}

/// `422 bundle_invalid` naming what is wrong, in both languages.
fn bundle_invalid(e: &BundleError) -> ApiError {
    let (vi, en) = match e {
        BundleError::HashMismatch { declared, actual } => (
            format!("mã băm nội dung không khớp: gói ghi {declared}, thực tế {actual}"),
            format!(
                "content hash mismatch: bundle declares {declared}, content hashes to {actual}"
            ),
        ),
        BundleError::CountMismatch { declared, actual } => (
            format!("gói khai báo {declared} thủ tục nhưng chứa {actual}"),
            format!("bundle declares {declared} procedures but holds {actual}"),
        ),
        BundleError::UnsupportedFormat { found, supported } => (
            format!("định dạng gói {found} chưa được hỗ trợ (hỗ trợ {supported})"),
            format!("bundle format {found} is not supported (this server reads {supported})"),
        ),
        BundleError::NotABundle => (
            "không phải gói danh mục hoso".into(),
            "not a hoso catalog bundle".into(),
        ),
        BundleError::Limit(limit) => hoso_core::error::Classified::messages(limit),
        BundleError::TooManyProcedures { max } => (
            format!("gói chứa hơn {max} thủ tục"),
            format!("the bundle holds more than {max} procedures"),
        ),
        BundleError::Data(data) => hoso_core::error::Classified::messages(data),
        BundleError::Corrupt(_) | BundleError::Io { .. } => (
            "gói danh mục hỏng hoặc bị cắt cụt".into(),
            "the catalog bundle is corrupt or truncated".into(),
        ),
    };
    ApiError::new(
        StatusCode::UNPROCESSABLE_ENTITY,
        ErrorCode::BundleInvalid,
        vi,
        en,
    )
}

fn not_newer(current: u64) -> ApiError {
    ApiError::new(
        StatusCode::CONFLICT,
        ErrorCode::CatalogVersionNotNewer,
        format!("Phiên bản danh mục phải mới hơn phiên bản hiện tại ({current})"),
        format!("The catalog version must be newer than the current one ({current})"),
    )
    .with_detail("current_version", current)
}

/// A bundle comes as `application/gzip` or plain `application/octet-stream`.
fn is_gzip(headers: &HeaderMap) -> bool {
    media_type_in(headers, &["application/gzip", "application/octet-stream"])
}

/// `PUT /v1/admin/catalog`.
async fn install(
    _: Admin,
    State(portal): State<Arc<Portal>>,
    headers: HeaderMap,
    body: Body,
) -> Result<Response, ApiError> {
    if !is_gzip(&headers) {
        return Err(ApiError::unsupported_media_type());
    }
    let bytes = read_body(
        body,
        portal.config.max_bundle_bytes,
        portal.config.body_timeout,
    )
    .await?;
    let worker = portal.clone();
    let installed = tokio::task::spawn_blocking(move || {
        let bundle = versions::verify(&bytes)?;
        worker.set_catalog(|current| versions::install(current, bytes, bundle))
    })
    .await
    .map_err(|e| ApiError::internal(&e))?
    .map_err(|e| match e {
        InstallError::Invalid(e) => bundle_invalid(&e),
        InstallError::Form(e) => {
            let (vi, en) = hoso_core::error::Classified::messages(&e);
            ApiError::new(
                StatusCode::UNPROCESSABLE_ENTITY,
                ErrorCode::BundleInvalid,
                vi,
                en,
            )
        }
        InstallError::NotNewer(current) => not_newer(current),
        InstallError::Io(e) => ApiError::internal(&e),
    })?;
    Ok(Json(info_json(&portal, &installed)).into_response())
}
