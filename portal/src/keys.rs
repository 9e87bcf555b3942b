//! The receipt-signing key ring: `GET /v1/keys`, rotation and revocation.
//! (Being built: issue #5.)

use crate::config::Config;
use crate::db::Db;
use crate::{Portal, PortalError};
use axum::Router;
use std::path::Path;
use std::sync::Arc;

/// The portal's signing keys.
pub struct KeyRing {}

impl KeyRing {
    pub fn open(_db: &Db, _config: &Config, _data_dir: &Path) -> Result<KeyRing, PortalError> {
        Ok(KeyRing {})
    }
}

pub(crate) fn routes() -> Router<Arc<Portal>> {
    Router::new()
}
