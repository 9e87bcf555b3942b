//! Why a catalog update stopped: the portal, the device's catalog store, or
//! the signing keys (what was already installed stays). A delta that does
//! not apply is no error: the update takes the full bundle instead
//! ([`Fallback`](super::Fallback)).

use crate::catalog::store::CatalogError;
use crate::client::PortalError;
use crate::receipt::online::LookupError;
use hoso_store::error::{Classified, ErrorKind};

/// Why a catalog update stopped (what was already installed stays).
#[derive(Debug, thiserror::Error)]
pub enum CatalogUpdateError {
    #[error(transparent)]
    Portal(#[from] PortalError),
    #[error(transparent)]
    Catalog(#[from] CatalogError),
    #[error(transparent)]
    SigningKeys(#[from] LookupError),
    /// A form the catalog carries that would not be used: the catalog is
    /// not installed.
    #[error(transparent)]
    Form(#[from] crate::form::DeliveredFormError),
}

impl CatalogUpdateError {
    /// A stable machine code for the error.
    pub fn code(&self) -> &'static str {
        match self {
            CatalogUpdateError::Portal(p) => p.error_code(),
            // `bad_bundle`, `too_large`, `stale_bundle`, `version_jump`, or
            // a local failure (`storage`) under its own code.
            CatalogUpdateError::Catalog(c) => c.code(),
            CatalogUpdateError::SigningKeys(k) => k.code(),
            CatalogUpdateError::Form(f) => f.error_code(),
        }
    }
}

impl Classified for CatalogUpdateError {
    fn kind(&self) -> ErrorKind {
        match self {
            CatalogUpdateError::Portal(e) => e.kind(),
            CatalogUpdateError::Catalog(
                c @ (CatalogError::Storage(_) | CatalogError::Damaged { .. }),
            ) => c.kind(),
            CatalogUpdateError::Catalog(_) => ErrorKind::Portal,
            CatalogUpdateError::SigningKeys(e) => e.kind(),
            CatalogUpdateError::Form(_) => ErrorKind::Portal,
        }
    }

    fn error_code(&self) -> &'static str {
        self.code()
    }
}
