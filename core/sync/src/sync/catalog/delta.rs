//! Taking the changes since the version held (`GET /v1/catalog/delta`)
//! instead of the whole bundle: bounded by the bundle's size and the
//! metered budget, signed like a bundle, applied in place to the catalog
//! held (`CatalogStore::apply_delta`, the rules of
//! [`crate::catalog::delta`]) and made the next version. Anything the delta
//! cannot do is a [`Fallback`] for the caller to take the bundle.

use super::error::CatalogUpdateError;
use super::fetch::{check_signature, download};
use super::outcome::{Fallback, FallbackReason};
use crate::catalog::bundle::BundleInfo;
use crate::catalog::delta::Delta;
use crate::catalog::store::{CatalogError, CatalogStore, Installed};
use crate::client::{PortalClient, PortalError};
use crate::receipt::Receipts;
use hoso_store::limits;
use hoso_wire::{CatalogInfo, ErrorCode};

/// What trying the delta came to.
pub(super) enum DeltaTaken {
    Installed(Installed),
    /// Take the bundle instead, for this reason.
    Fallback(Fallback),
    /// The delta is larger than the budget and the bundle too: nothing
    /// installed.
    Waiting,
}

/// Asks for the delta since `held`, and installs what it makes.
///
/// Read within the smallest of: the delta limit, the bundle's size
/// (`info.bundle_bytes`; a delta larger than the bundle is not worth it)
/// and `budget`. An answer whose `Content-Length` is over that is refused
/// before its body is read; one without is read up to it. Over it: the
/// bundle when the bundle fits the budget, else waiting.
pub(super) async fn take_delta(
    client: &PortalClient,
    catalog: &CatalogStore,
    receipts: &Receipts,
    held: &BundleInfo,
    info: &CatalogInfo,
    budget: u64,
    downloaded: &mut u64,
) -> Result<DeltaTaken, CatalogUpdateError> {
    let bundle_bytes = match info.bundle_bytes {
        0 => limits::CATALOG_BUNDLE_BYTES,
        n => n,
    };
    let limit = limits::CATALOG_DELTA_BYTES.min(bundle_bytes).min(budget);
    let path = format!("/v1/catalog/delta?since={}", held.version);
    let (answer, _) = download(client, &path, limit, limits::CATALOG_DELTA, downloaded).await;
    let answer = match answer {
        Ok(answer) => answer,
        Err(e) if e.code() == Some(ErrorCode::CatalogVersionUnavailable.as_str()) => {
            return Ok(DeltaTaken::Fallback(Fallback::because(
                FallbackReason::VersionUnavailable,
            )))
        }
        Err(PortalError::TooLarge { .. }) if info.bundle_bytes <= budget => {
            return Ok(DeltaTaken::Fallback(Fallback::because(
                FallbackReason::DeltaLarger,
            )))
        }
        Err(PortalError::TooLarge { .. }) => return Ok(DeltaTaken::Waiting),
        Err(e) => return Err(e.into()),
    };
    let delta = match Delta::from_reader(answer.body.as_slice()) {
        Ok(delta) => delta,
        Err(e) => return Ok(DeltaTaken::Fallback(Fallback::refused(&e))),
    };
    check_signature(
        client,
        receipts,
        &answer,
        delta.to.version,
        &delta.to.content_hash,
    )?;
    crate::form::check_delivered_forms(&delta.data)?;
    // Applied in place: checked against the catalog held, and refused
    // before anything is switched when it does not make what it declares.
    match catalog.apply_delta(delta) {
        Ok(installed) => Ok(DeltaTaken::Installed(installed)),
        Err(CatalogError::Delta(e)) => Ok(DeltaTaken::Fallback(Fallback::refused(&e))),
        Err(e) => Err(e.into()),
    }
}
