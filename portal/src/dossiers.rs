//! Dossiers: idempotent submission, status, supplements, withdrawal, the
//! change feed and public lookup. (Being built: issue #5.)

use crate::config::Config;
use crate::db::Db;
use crate::{Portal, PortalError};
use axum::Router;
use std::sync::Arc;

/// Dossier state shared by requests.
pub struct Dossiers {}

impl Dossiers {
    pub fn open(_db: &Db, _config: &Config) -> Result<Dossiers, PortalError> {
        Ok(Dossiers {})
    }
}

pub(crate) fn routes() -> Router<Arc<Portal>> {
    Router::new()
}
