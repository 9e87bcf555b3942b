//! Catalog updates from the portal, with the receipt-signing keys that
//! travel with them: `GET /v1/catalog` (cheap) says the current catalog's
//! content hash and key set version; the full bundle
//! (`GET /v1/catalog/bundle`, gzip, verified by its content hash) is fetched
//! only when the content differs, and the key set only when its version
//! moved (or none is held yet).

use crate::catalog::bundle::Bundle;
use crate::catalog::store::{CatalogError, CatalogStore, Installed};
use crate::client::{Method, PortalClient, PortalError};
use crate::receipt::online::{refresh_keys, LookupError};
use crate::receipt::{KeysInstalled, Receipts, Signed};
use hoso_store::error::{Classified, ErrorKind};
use hoso_store::limits;
use hoso_wire::signature::{ROOT_KEY_HEADER, SIGNATURE_HEADER};
use hoso_wire::CatalogInfo;

/// Why a catalog update stopped (what was already installed stays).
#[derive(Debug, thiserror::Error)]
pub enum CatalogUpdateError {
    #[error(transparent)]
    Portal(#[from] PortalError),
    #[error(transparent)]
    Catalog(#[from] CatalogError),
    #[error(transparent)]
    SigningKeys(#[from] LookupError),
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
        }
    }

    fn error_code(&self) -> &'static str {
        self.code()
    }
}

/// What an update did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CatalogUpdate {
    /// `None` when the catalog held was already the portal's.
    pub catalog: Option<Installed>,
    pub catalog_version: u64,
    pub keys: KeysInstalled,
}

/// Brings the catalog and the receipt-signing keys up to the portal's.
pub async fn update(
    client: &PortalClient,
    catalog: &CatalogStore,
    receipts: &Receipts,
) -> Result<CatalogUpdate, CatalogUpdateError> {
    let info: CatalogInfo = client
        .send(client.request(Method::GET, "/v1/catalog"))
        .await?
        .json()?;
    let held = catalog.current()?;
    let installed = if held.as_ref().map(|h| &h.content_hash) == Some(&info.content_hash) {
        None
    } else {
        let answer = client
            .send_within(
                client
                    .request(Method::GET, "/v1/catalog/bundle")
                    .header("Accept-Encoding", "gzip"),
                limits::CATALOG_BUNDLE_BYTES,
                limits::CATALOG_BUNDLE,
            )
            .await?;
        let bundle = Bundle::from_reader(answer.body.as_slice()).map_err(CatalogError::from)?;
        // Trusted by the portal's root signature, not only by TLS.
        let signed = Signed {
            root_key: answer.header(ROOT_KEY_HEADER),
            signature: answer.header(SIGNATURE_HEADER),
        };
        receipts
            .accept_signed_catalog(
                client.base_url(),
                signed,
                bundle.info.version,
                &bundle.info.content_hash,
            )
            .map_err(LookupError::from)?;
        Some(catalog.install(&bundle)?)
    };
    let keys_held = receipts
        .key_set_for(client.base_url())
        .map_err(LookupError::from)?;
    let keys = if keys_held.keys.is_empty() || info.key_set_version > keys_held.key_set_version {
        refresh_keys(client, receipts).await?
    } else {
        KeysInstalled {
            version: keys_held.key_set_version,
            ..KeysInstalled::default()
        }
    };
    Ok(CatalogUpdate {
        catalog: installed,
        catalog_version: info.version,
        keys,
    })
}
