//! One catalog download: a `GET` with gzip accepted, bounded by the
//! caller's limit, its body bytes counted as they arrive (also when it
//! fails); and the portal's root signature over the catalog version a body
//! leads to, checked before anything is installed.

use super::error::CatalogUpdateError;
use crate::client::{Answer, Method, PortalClient, PortalError, Received};
use crate::receipt::online::LookupError;
use crate::receipt::{Receipts, Signed};
use hoso_store::limits::What;
use hoso_wire::signature::{ROOT_KEY_HEADER, SIGNATURE_HEADER};

/// `GET path` within `limit` bytes of body; the body bytes read are added
/// to `downloaded`. Also gives what the answer declared.
pub(super) async fn download(
    client: &PortalClient,
    path: &str,
    limit: u64,
    what: What,
    downloaded: &mut u64,
) -> (Result<Answer, PortalError>, Received) {
    let mut received = Received::default();
    let answer = client
        .send_counting(
            client
                .request(Method::GET, path)
                .header("Accept-Encoding", "gzip"),
            limit,
            what,
            &mut received,
        )
        .await;
    *downloaded = downloaded.saturating_add(received.body_bytes);
    (answer, received)
}

/// Trusts a catalog body by the portal's root signature over
/// `(version, content_hash)`, not only by TLS (the same check for a bundle
/// and for a delta, whose signature names the version it leads to).
pub(super) fn check_signature(
    client: &PortalClient,
    receipts: &Receipts,
    answer: &Answer,
    version: u64,
    content_hash: &str,
) -> Result<(), CatalogUpdateError> {
    let signed = Signed {
        root_key: answer.header(ROOT_KEY_HEADER),
        signature: answer.header(SIGNATURE_HEADER),
    };
    receipts
        .accept_signed_catalog(client.base_url(), signed, version, content_hash)
        .map_err(LookupError::from)?;
    Ok(())
}
