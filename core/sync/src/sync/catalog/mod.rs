//! Catalog updates from the portal, with the receipt-signing keys that
//! travel with them: `GET /v1/catalog` (cheap) says the current catalog's
//! content hash, the versions a delta is kept from, the bundle's size and
//! the key set version. When the content differs from the catalog held,
//! the changes since the version held (`GET /v1/catalog/delta`) are taken
//! if the portal keeps them, else — or when the delta is refused, larger
//! than the bundle, or no longer kept (`409`) — the full bundle
//! (`GET /v1/catalog/bundle`); both are gzip, verified by content hash and
//! the portal's root signature before anything is installed, and installed
//! atomically. On a metered network a download larger than the user's
//! limit waits for an unmetered one. The key set is fetched only when its
//! version moved (or none is held yet). `docs/sync.md` tells the flow.

mod delta;
mod error;
mod fetch;
mod full;
mod outcome;

pub use error::CatalogUpdateError;
pub use outcome::{CatalogUpdate, Fallback, FallbackReason, UpdateMethod, UpdateOptions};

use crate::catalog::store::CatalogStore;
use crate::client::{Method, PortalClient};
use crate::receipt::online::{refresh_keys, LookupError};
use crate::receipt::{KeysInstalled, Receipts};
use delta::{take_delta, DeltaTaken};
use full::{take_bundle, Full};
use hoso_wire::CatalogInfo;

/// Brings the catalog and the receipt-signing keys up to the portal's,
/// within what `options` allow on this network.
pub async fn update(
    client: &PortalClient,
    catalog: &CatalogStore,
    receipts: &Receipts,
    options: &UpdateOptions,
) -> Result<CatalogUpdate, CatalogUpdateError> {
    let info: CatalogInfo = client
        .send(client.request(Method::GET, "/v1/catalog"))
        .await?
        .json()?;
    let held = catalog.current()?;
    let budget = options.budget();
    let mut downloaded = 0u64;
    let mut fallback = None;
    let (installed, method) = match held {
        Some(h) if h.content_hash == info.content_hash => (None, UpdateMethod::Unchanged),
        held => {
            let mut taken = None;
            if let Some(h) = &held {
                if info.delta_from.contains(&h.version) {
                    match take_delta(client, catalog, receipts, h, &info, budget, &mut downloaded)
                        .await?
                    {
                        DeltaTaken::Installed(i) => taken = Some((Some(i), UpdateMethod::Delta)),
                        DeltaTaken::Waiting => {
                            taken = Some((None, UpdateMethod::WaitingForUnmetered))
                        }
                        DeltaTaken::Fallback(f) => fallback = Some(f),
                    }
                } else {
                    fallback = Some(Fallback::because(FallbackReason::NotOffered));
                }
            }
            match taken {
                Some(taken) => taken,
                None => {
                    match take_bundle(client, catalog, receipts, &info, budget, &mut downloaded)
                        .await?
                    {
                        Full::Installed(i) => (Some(i), UpdateMethod::Full),
                        Full::Waiting => (None, UpdateMethod::WaitingForUnmetered),
                    }
                }
            }
        }
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
        method,
        downloaded_bytes: downloaded,
        fallback,
    })
}
