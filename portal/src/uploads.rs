//! Resumable uploads (tus 1.0 core + creation + checksum + expiration +
//! termination), keyed by SHA-256. (Stub on main while the uploads branch
//! is built: issue #5.)

use crate::config::Config;
use crate::db::{Db, Write};
use crate::{ApiError, Portal, PortalError};
use axum::Router;
use std::path::Path;
use std::sync::Arc;

/// Upload state shared by requests.
pub struct Uploads {}

/// A blob an account holds.
pub(crate) struct HeldBlob {
    pub size: u64,
    pub media_type: String,
}

/// Counts for admin stats.
pub(crate) struct UploadStats {
    pub blobs: u64,
    pub blob_bytes: u64,
    pub uploads_in_progress: u64,
}

impl Uploads {
    pub fn open(_db: &Db, _config: &Config, _data_dir: &Path) -> Result<Uploads, PortalError> {
        Ok(Uploads {})
    }

    pub(crate) fn held(
        &self,
        _db: &Db,
        _account_id: &str,
        _sha256: &str,
    ) -> Result<Option<HeldBlob>, ApiError> {
        Ok(None)
    }

    pub(crate) fn name_by_dossier(
        &self,
        _db: &Db,
        _account_id: &str,
        _sha256: &str,
        _dossier_code: &str,
    ) -> Result<Vec<Write>, ApiError> {
        Ok(Vec::new())
    }

    pub(crate) fn verify(&self, _sha256: &str) -> Result<bool, ApiError> {
        Ok(false)
    }

    pub(crate) fn stats(&self, _db: &Db) -> Result<UploadStats, ApiError> {
        Ok(UploadStats {
            blobs: 0,
            blob_bytes: 0,
            uploads_in_progress: 0,
        })
    }
}

pub(crate) fn routes() -> Router<Arc<Portal>> {
    Router::new()
}
