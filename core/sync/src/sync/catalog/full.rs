//! Taking the whole catalog bundle (`GET /v1/catalog/bundle`), within the
//! metered budget: verified by its content hash and the root signature,
//! the forms it carries checked, then installed atomically.

use super::error::CatalogUpdateError;
use super::fetch::{check_signature, download};
use crate::catalog::bundle::Bundle;
use crate::catalog::store::{CatalogError, CatalogStore, Installed};
use crate::client::{PortalClient, PortalError};
use crate::receipt::Receipts;
use hoso_store::limits;
use hoso_wire::CatalogInfo;

/// What taking the bundle came to.
pub(super) enum Full {
    Installed(Installed),
    /// Larger than the budget: nothing installed.
    Waiting,
}

/// Fetches, verifies and installs the bundle, unless it is larger than
/// `budget` (as `info` says, or as it turns out): then nothing is read or
/// installed.
pub(super) async fn take_bundle(
    client: &PortalClient,
    catalog: &CatalogStore,
    receipts: &Receipts,
    info: &CatalogInfo,
    budget: u64,
    downloaded: &mut u64,
) -> Result<Full, CatalogUpdateError> {
    if info.bundle_bytes > budget {
        return Ok(Full::Waiting);
    }
    let limit = limits::CATALOG_BUNDLE_BYTES.min(budget);
    let (answer, _) = download(
        client,
        "/v1/catalog/bundle",
        limit,
        limits::CATALOG_BUNDLE,
        downloaded,
    )
    .await;
    let answer = match answer {
        // Larger than `bundle_bytes` said, and than the budget.
        Err(PortalError::TooLarge { .. }) if budget < limits::CATALOG_BUNDLE_BYTES => {
            return Ok(Full::Waiting)
        }
        other => other?,
    };
    let bundle = Bundle::from_reader(answer.body.as_slice()).map_err(CatalogError::from)?;
    check_signature(
        client,
        receipts,
        &answer,
        bundle.info.version,
        &bundle.info.content_hash,
    )?;
    crate::form::check_delivered_forms(&bundle.data)?;
    Ok(Full::Installed(catalog.install(&bundle)?))
}
