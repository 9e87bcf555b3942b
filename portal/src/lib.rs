//! hoso-portal: the reference server for Portal API v1 (`docs/portal-api.yaml`),
//! for development, end-to-end tests, demos and pilots. This first slice
//! serves the catalog; accounts, uploads, dossiers, receipts and status land
//! next (issue #5).

mod catalog;
pub mod db;
pub mod dossier_code;
mod error;
pub mod receipt_keys;
pub mod workdays;

pub use error::ApiError;

use axum::routing::get;
use axum::Router;
use hoso_core::catalog::bundle::{Bundle, BundleInfo};
use std::net::SocketAddr;
use std::path::Path;
use std::sync::Arc;

/// The catalog the portal serves: the bundle file's bytes and its identity.
pub struct ServedCatalog {
    pub bytes: axum::body::Bytes,
    pub info: BundleInfo,
}

/// Why the portal could not start.
#[derive(Debug, thiserror::Error)]
pub enum PortalError {
    #[error("không đọc được gói danh mục / cannot read the catalog bundle: {0}")]
    Catalog(#[from] hoso_core::catalog::bundle::BundleError),
    #[error("lỗi vào/ra / I/O error: {0}")]
    Io(#[from] std::io::Error),
}

/// The portal's state, shared by every request.
pub struct Portal {
    pub catalog: ServedCatalog,
}

impl Portal {
    /// Loads the catalog bundle to serve (verified like any bundle).
    pub fn open(bundle: &Path) -> Result<Portal, PortalError> {
        let parsed = Bundle::read_from(bundle)?;
        let bytes = std::fs::read(bundle)?;
        Ok(Portal {
            catalog: ServedCatalog {
                bytes: bytes.into(),
                info: parsed.info,
            },
        })
    }

    /// The strong ETag of the current catalog bundle:
    /// `"cat-{version}-{first 16 hex of its content hash}"`.
    pub fn catalog_etag(&self) -> String {
        let hash = &self.catalog.info.content_hash;
        format!(
            "\"cat-{}-{}\"",
            self.catalog.info.version,
            &hash[..hash.len().min(16)]
        )
    }
}

/// The API's routes.
pub fn router(portal: Arc<Portal>) -> Router {
    Router::new()
        .route("/v1/health", get(health))
        .route("/v1/catalog", get(catalog::info))
        .route("/v1/catalog/bundle", get(catalog::bundle))
        .fallback(|| async { ApiError::not_found() })
        .layer(axum::middleware::map_response(api_version))
        .with_state(portal)
}

/// Every response says it is the API's own (a captive portal's page will
/// not carry this), so clients can tell the two apart.
async fn api_version(mut response: axum::response::Response) -> axum::response::Response {
    response.headers_mut().insert(
        "hoso-api-version",
        axum::http::HeaderValue::from_static("1"),
    );
    response
}

/// `GET /v1/health`.
async fn health() -> axum::Json<serde_json::Value> {
    let now = time::OffsetDateTime::now_utc()
        .replace_nanosecond(0)
        .unwrap_or_else(|_| time::OffsetDateTime::now_utc());
    let now = now
        .format(&time::format_description::well_known::Rfc3339)
        .unwrap_or_default();
    axum::Json(serde_json::json!({ "status": "ok", "api_version": "1.0.0", "now": now }))
}

/// Binds `addr` (port 0 picks a free one) and serves until the future is
/// dropped; returns the bound address and the server task.
pub async fn start(
    portal: Arc<Portal>,
    addr: SocketAddr,
) -> std::io::Result<(SocketAddr, tokio::task::JoinHandle<std::io::Result<()>>)> {
    let listener = tokio::net::TcpListener::bind(addr).await?;
    let bound = listener.local_addr()?;
    let app = router(portal);
    let task = tokio::spawn(async move { axum::serve(listener, app).await });
    Ok((bound, task))
}
