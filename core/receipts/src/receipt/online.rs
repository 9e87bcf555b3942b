//! The receipt features that need the network: refreshing the portal's key
//! set (`GET /v1/keys`, conditional on its ETag) and the public status
//! lookup (`GET /v1/lookup/{code}?token=…`, no account), whose answer is
//! cached on the followed dossier with when it was checked, for offline
//! display.

use super::followed::{FollowedDossier, PublicStatus};
use super::json::token_from_text;
use super::keys::KeysInstalled;
use super::request::LookupRequest;
use super::scan::Source;
use super::signed::Signed;
use super::store::{ReceiptStoreError, Receipts};
use super::trust::portal_id;
use crate::client::{Method, PortalClient, PortalError};
use hoso_store::error::{Classified, ErrorKind};
use hoso_wire::signature::{ROOT_KEY_HEADER, SIGNATURE_HEADER};

/// Why an online receipt step failed.
#[derive(Debug, thiserror::Error)]
pub enum LookupError {
    #[error(transparent)]
    Portal(#[from] PortalError),
    #[error(transparent)]
    Store(#[from] ReceiptStoreError),
    #[error("chỉ có mã hồ sơ thì không tra cứu công khai được: hãy quét mã QR trên phiếu hoso, hoặc đăng nhập bằng tài khoản đã nộp / a dossier code alone cannot be looked up publicly: scan the QR of the hoso receipt, or log in with the account that filed it")]
    NeedsToken,
    #[error("cổng không có hồ sơ {shown} với mã tra cứu này / the portal has no dossier {shown} with this lookup token", shown = crate::text::shown_if_identifier(.0))]
    NotFound(String),
    #[error(
        "đường dẫn tra cứu thuộc cổng khác ({0}) / the lookup link belongs to another portal ({0})"
    )]
    OtherPortal(String),
}

impl LookupError {
    /// A stable machine code for the error.
    pub fn code(&self) -> &'static str {
        match self {
            LookupError::Portal(e) if e.is_transient() => "network",
            LookupError::Portal(_) => "portal_error",
            LookupError::Store(e) => e.code(),
            LookupError::NeedsToken => "needs_token",
            LookupError::NotFound(_) => "not_found",
            LookupError::OtherPortal(_) => "other_portal",
        }
    }
}

impl Classified for LookupError {
    fn kind(&self) -> ErrorKind {
        match self {
            LookupError::Portal(e) if e.is_transient() => ErrorKind::Network,
            LookupError::Portal(_) => ErrorKind::Portal,
            LookupError::Store(e) => e.kind(),
            LookupError::NeedsToken | LookupError::OtherPortal(_) => ErrorKind::Receipt,
            LookupError::NotFound(_) => ErrorKind::NotFound,
        }
    }

    fn error_code(&self) -> &'static str {
        self.code()
    }
}

/// Fetches the portal's key set unless the ETag says it is the one held,
/// and takes it only under the portal's root-key signature, by the
/// rotation and revocation rules (see [`super::trust`]).
pub async fn refresh_keys(
    client: &PortalClient,
    receipts: &Receipts,
) -> Result<KeysInstalled, LookupError> {
    let portal = client.base_url();
    let held = receipts.key_set_for(portal)?;
    let mut request = client.request(Method::GET, "/v1/keys");
    if let Some(etag) = receipts
        .key_set_etag_for(portal)?
        .filter(|_| !held.keys.is_empty())
    {
        request = request.header("If-None-Match", etag);
    }
    let answer = client.send(request).await?;
    if answer.status == 304 {
        return Ok(KeysInstalled {
            version: held.key_set_version,
            ..KeysInstalled::default()
        });
    }
    let signed = Signed {
        root_key: answer.header(ROOT_KEY_HEADER),
        signature: answer.header(SIGNATURE_HEADER),
    };
    Ok(receipts.install_signed_keys(portal, signed, &answer.body, answer.header("etag"))?)
}

/// Whether two URLs name the same portal.
fn same_portal(a: &str, b: &str) -> bool {
    portal_id(a) == portal_id(b)
}

/// Asks the public lookup for one dossier.
async fn public_status(
    client: &PortalClient,
    code: &str,
    token: &str,
) -> Result<PublicStatus, LookupError> {
    // Both are checked before they reach a URL: a code is letters, digits,
    // dots and dashes; a token is base64url. Anything else cannot exist.
    let not_found = || LookupError::NotFound(code.to_string());
    let code = super::scan::dossier_code(code).ok_or_else(not_found)?;
    if token_from_text(token).is_none() {
        return Err(not_found());
    }
    // The token travels in a header, out of the URL (and so out of
    // access logs); the portal also takes `?token=` for QR links.
    let path = format!("/v1/lookup/{code}");
    let request = client
        .request(Method::GET, &path)
        .header("X-Lookup-Token", token);
    match client.send(request).await {
        Ok(answer) => Ok(answer.json()?),
        Err(e) if e.code() == Some("not_found") => Err(LookupError::NotFound(code)),
        Err(e) => Err(e.into()),
    }
}

/// Looks a scanned request up online; when the portal answers, the
/// dossier is followed with the status cached at `now`. When the portal
/// cannot be reached the dossier is still followed (its status comes with
/// a later refresh); a token the portal does not know changes nothing. A
/// request without a token cannot be looked up publicly
/// ([`LookupError::NeedsToken`]).
pub async fn look_up(
    client: &PortalClient,
    receipts: &Receipts,
    request: &LookupRequest,
    now: i64,
) -> Result<FollowedDossier, LookupError> {
    let token = request
        .lookup_token
        .map(|t| super::json::token_text(&t))
        .ok_or(LookupError::NeedsToken)?;
    if let Source::LookupLink { base_url } = &request.source {
        if !same_portal(base_url, client.base_url()) {
            return Err(LookupError::OtherPortal(base_url.clone()));
        }
    }
    match public_status(client, &request.dossier_code, &token).await {
        Ok(status) => Ok(receipts.record_lookup(request, &token, status, now)?),
        Err(LookupError::Portal(e)) if e.is_transient() => {
            receipts.follow(request, now)?;
            Err(LookupError::Portal(e))
        }
        Err(e) => Err(e),
    }
}

/// One followed dossier's refresh.
#[derive(Debug)]
pub struct Refreshed {
    pub dossier_code: String,
    /// The status changed since the last check.
    pub changed: bool,
    /// The status now, when the portal answered.
    pub status: Option<PublicStatus>,
    /// Why it could not be refreshed (its cached status stays).
    pub error: Option<LookupError>,
}

/// Refreshes every followed dossier's public status (the ones the portal
/// at `client` can answer for). Stops early when the portal is unreachable
/// or rate-limits; what was refreshed stays saved.
pub async fn refresh_followed(
    client: &PortalClient,
    receipts: &Receipts,
    now: i64,
) -> Result<Vec<Refreshed>, LookupError> {
    let mut out = Vec::new();
    // Verdicts are not needed to refresh: the stored records will do.
    for f in receipts.followed_records()? {
        if f.portal_url
            .as_deref()
            .is_some_and(|u| !same_portal(u, client.base_url()))
        {
            continue;
        }
        let (status, error) = match public_status(client, &f.dossier_code, &f.token).await {
            Ok(status) => (Some(status), None),
            Err(e) => (None, Some(e)),
        };
        let changed = match &status {
            Some(s) => receipts.record_status(&f.dossier_code, &f.token, s.clone(), now)?,
            None => false,
        };
        let stop = matches!(&error, Some(LookupError::Portal(e)) if e.is_transient());
        out.push(Refreshed {
            dossier_code: f.dossier_code,
            changed,
            status,
            error,
        });
        if stop {
            break;
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::same_portal;

    #[test]
    fn portal_addresses_compare_in_one_form() {
        assert!(same_portal(
            "https://DVC.example.vn:443/",
            "https://dvc.example.vn"
        ));
        assert!(same_portal(
            "http://127.0.0.1:8088",
            "http://127.0.0.1:8088/"
        ));
        assert!(!same_portal("https://a.example.vn", "https://b.example.vn"));
        assert!(!same_portal(
            "https://a.example.vn/api",
            "https://a.example.vn"
        ));
    }
}
