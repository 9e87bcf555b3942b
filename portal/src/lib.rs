//! hoso-portal: the reference server for Portal API v1 (`docs/portal-api.yaml`),
//! for development, end-to-end tests, demos and pilots: the catalog,
//! accounts, resumable uploads, idempotent dossier submission with signed
//! receipts, status tracking with an officer simulation, public lookup,
//! volunteer accounts approved by their commune with their team's
//! dossiers, limits and fault injection.

mod accounts;
pub mod admin_token;
mod agencies;
mod catalog;
pub mod clock;
pub mod config;
pub mod db;
pub mod dossier_code;
mod dossiers;
mod error;
mod extract;
mod keys;
mod limits;
mod login_throttle;
mod passwords;
pub mod receipt;
mod root;
pub mod seal;
mod serve;
mod team;
pub mod throttle;
mod uploads;
mod volunteers;
pub mod workdays;

pub use config::{Config, Faults};
pub use error::{ApiError, FieldIssue};

use axum::routing::get;
use axum::Router;
use hoso_core::catalog::bundle::{Bundle, BundleInfo};
use hoso_core::catalog::Procedure;
use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::{Arc, Mutex, RwLock};

/// The catalog the portal serves: the bundle file's bytes, its identity and
/// its procedures.
pub struct ServedCatalog {
    pub bytes: axum::body::Bytes,
    pub info: BundleInfo,
    pub bundle: Bundle,
    /// The older versions kept for deltas, and bodies derived from this one.
    pub(crate) history: catalog::History,
}

impl ServedCatalog {
    /// The strong ETag of this bundle: `"cat-{version}-{first 16 hex of
    /// its content hash}"`.
    pub fn etag(&self) -> String {
        format!(
            "\"cat-{}-{}\"",
            self.info.version,
            catalog::short_hash(&self.info.content_hash)
        )
    }

    /// The procedure with this code, if the catalog holds it. A linear
    /// scan: a bundle read from a file keeps the file's order, which need
    /// not be sorted by code.
    pub fn procedure(&self, code: &str) -> Option<&Procedure> {
        self.bundle.procedures.iter().find(|p| p.code == code)
    }

    /// The form of `procedure` in this catalog: a newer form the bundle
    /// carries, as devices take it (`docs/forms.md`), else the built-in
    /// or generic one.
    pub fn schema(&self, procedure: &Procedure) -> hoso_core::form::FormSchema {
        hoso_core::form::schema_among(&self.bundle.data, procedure)
    }
}

/// Why the portal could not start.
#[derive(Debug, thiserror::Error)]
pub enum PortalError {
    #[error("không đọc được gói danh mục / cannot read the catalog bundle: {0}")]
    Catalog(#[from] hoso_core::catalog::bundle::BundleError),
    #[error("lỗi vào/ra / I/O error: {0}")]
    Io(#[from] std::io::Error),
    #[error("{0}")]
    Db(#[from] db::DbError),
    #[error("{0}")]
    Seal(#[from] seal::SealError),
    #[error("{0}")]
    AdminToken(#[from] admin_token::AdminTokenError),
    #[error("không khởi tạo được {module} / cannot set up {module}: {source}")]
    Module {
        module: &'static str,
        source: Box<dyn std::error::Error + Send + Sync>,
    },
}

/// Where the portal keeps its state, what it serves, and how it behaves.
pub struct Options {
    /// The data directory (store, data key, blobs, catalog versions).
    pub data_dir: PathBuf,
    /// The catalog bundle to serve.
    pub catalog: PathBuf,
    pub config: Config,
}

/// The portal's state, shared by every request.
pub struct Portal {
    pub config: Config,
    pub db: db::Db,
    pub clock: clock::Clock,
    pub data_dir: PathBuf,
    catalog: RwLock<Arc<ServedCatalog>>,
    /// Serialises catalog installs, so the RwLock above is write-locked
    /// only for the swap, never while a bundle file is written.
    install_lock: Mutex<()>,
    accounts_lock: tokio::sync::Mutex<()>,
    login_throttle: login_throttle::LoginThrottle,
    passwords: passwords::Passwords,
    connections: serve::Connections,
    admin_guard: admin_token::AdminGuard,
    uploads: uploads::Uploads,
    keys: keys::KeyRing,
    root: root::RootKey,
    limits: limits::Limits,
    dossiers: dossiers::Dossiers,
}

impl Portal {
    /// Opens (or creates) the portal's data directory and loads the catalog.
    pub fn open(options: Options) -> Result<Portal, PortalError> {
        let Options {
            data_dir,
            catalog,
            mut config,
        } = options;
        // No token leaves the admin API shut; a weak one is refused.
        if !config.admin_token.is_empty() {
            admin_token::check(&config.admin_token)?;
        }
        std::fs::create_dir_all(&data_dir)?;
        let sealer = Arc::new(seal::Sealer::open(&data_dir)?);
        let mut db = db::Db::open(&data_dir, sealer)?;
        if db.upgrade_from.is_some() {
            // Schema 1 → 2: the volunteer and team indexes (ADR 0013).
            // Each rebuild replaces its index whole, so an upgrade cut off
            // part-way is simply done again at the next start.
            accounts::reindex_volunteers(&db)?;
            dossiers::reindex_teams(&db)?;
            db.upgraded()?;
        }
        if config.payment_secret.is_empty() {
            // No bank is configured: notifications only from the simulation.
            let random: [u8; 32] = db.sealer().random()?;
            config.payment_secret = hoso_core::hex::encode(&random);
        }
        let clock = clock::Clock::open(db.clone(), config.clock_speed)?;
        let served = catalog::open_versions(&data_dir, &catalog)?;
        Ok(Portal {
            uploads: uploads::Uploads::open(&db, &config, &data_dir)?,
            keys: keys::KeyRing::open(&db, &clock)?,
            root: root::RootKey::open(&db)?,
            limits: limits::Limits::open(&config),
            dossiers: dossiers::Dossiers::open(&db, &config)?,
            catalog: RwLock::new(Arc::new(served)),
            install_lock: Mutex::new(()),
            accounts_lock: tokio::sync::Mutex::new(()),
            login_throttle: login_throttle::LoginThrottle::default(),
            passwords: passwords::Passwords::new(&config),
            connections: serve::Connections::new(config.max_connections),
            admin_guard: admin_token::AdminGuard::new(config.admin_free_failures),
            config,
            db,
            clock,
            data_dir,
        })
    }

    /// The root public key (base64url) that signs key sets and catalogs.
    pub fn root_key(&self) -> &str {
        self.root.public()
    }

    /// The catalog served now.
    pub fn catalog(&self) -> Arc<ServedCatalog> {
        match self.catalog.read() {
            Ok(c) => c.clone(),
            Err(poisoned) => poisoned.into_inner().clone(),
        }
    }

    /// Replaces the catalog served (admin install) by what `next` makes
    /// of the current one. Installs are serialised by `install_lock`, so
    /// the current catalog cannot change while `next` runs; readers keep
    /// the current one until the new one is swapped in.
    fn set_catalog<E>(
        &self,
        next: impl FnOnce(&ServedCatalog) -> Result<ServedCatalog, E>,
    ) -> Result<Arc<ServedCatalog>, E> {
        let _install = self.install_lock.lock().unwrap_or_else(|p| p.into_inner());
        let served = Arc::new(next(&self.catalog())?);
        *self.catalog.write().unwrap_or_else(|p| p.into_inner()) = served.clone();
        Ok(served)
    }

    /// Connections being served now (at most `config.max_connections`).
    pub fn open_connections(&self) -> usize {
        self.connections.open()
    }

    /// The strong ETag of the current catalog bundle.
    pub fn catalog_etag(&self) -> String {
        self.catalog().etag()
    }
}

/// The API's routes, with the API-version header, limits and fault
/// injection around them.
pub fn router(portal: Arc<Portal>) -> Router {
    let api = Router::new()
        .route("/v1/health", get(health))
        .merge(catalog::routes())
        .merge(keys::routes())
        .merge(agencies::routes())
        .merge(accounts::routes())
        .merge(uploads::routes())
        .merge(dossiers::routes())
        .merge(volunteers::routes())
        .fallback(|| async { ApiError::not_found() });
    limits::apply(api, &portal)
        .layer(axum::extract::DefaultBodyLimit::disable())
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
async fn health(
    axum::extract::State(portal): axum::extract::State<Arc<Portal>>,
) -> axum::Json<hoso_wire::Health> {
    axum::Json(hoso_wire::Health {
        status: hoso_wire::HealthStatus::Ok,
        api_version: hoso_wire::API_VERSION.into(),
        now: clock::rfc3339(portal.clock.now()),
    })
}

/// Binds `addr` (port 0 picks a free one) and serves until the task is
/// dropped; returns the bound address and the server task.
pub async fn start(
    portal: Arc<Portal>,
    addr: SocketAddr,
) -> std::io::Result<(SocketAddr, tokio::task::JoinHandle<std::io::Result<()>>)> {
    let listener = tokio::net::TcpListener::bind(addr).await?;
    let bound = listener.local_addr()?;
    tokio::spawn(dossiers::run_in_background(portal.clone()));
    let app = router(portal.clone());
    let task = tokio::spawn(serve::run(listener, app, portal));
    Ok((bound, task))
}
