//! Resumable uploads (tus 1.0 core + creation + checksum + expiration +
//! termination), keyed by SHA-256. (Being built: issue #5.)

use crate::config::Config;
use crate::db::Db;
use crate::{Portal, PortalError};
use axum::Router;
use std::path::Path;
use std::sync::Arc;

/// Upload state shared by requests.
pub struct Uploads {}

impl Uploads {
    pub fn open(_db: &Db, _config: &Config, _data_dir: &Path) -> Result<Uploads, PortalError> {
        Ok(Uploads {})
    }
}

pub(crate) fn routes() -> Router<Arc<Portal>> {
    Router::new()
}
