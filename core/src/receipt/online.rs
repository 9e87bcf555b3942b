//! The receipt features that need the network: refreshing the portal's key
//! set (`GET /v1/keys`, conditional on its ETag) and the public status
//! lookup (`GET /v1/lookup/{code}?token=…`, no account), whose answer is
//! cached on the followed dossier with when it was checked, for offline
//! display.

use super::json::token_from_text;
use super::keys::{KeySet, KeysInstalled};
use super::store::{FollowedDossier, LookupRequest, PublicStatus, ReceiptStoreError, Receipts};
use crate::sync::client::{Method, PortalClient, PortalError};

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
        }
    }
}

/// Fetches the key set unless the ETag says it is the one held, and takes
/// it by the rotation and revocation rules.
pub async fn refresh_keys(
    client: &PortalClient,
    receipts: &Receipts,
) -> Result<KeysInstalled, LookupError> {
    let held = receipts.key_set()?;
    let mut request = client.request(Method::GET, "/v1/keys");
    if let Some(etag) = receipts.key_set_etag()?.filter(|_| !held.keys.is_empty()) {
        request = request.header("If-None-Match", etag);
    }
    let answer = client.send(request).await?;
    if answer.status == 304 {
        return Ok(KeysInstalled {
            version: held.key_set_version,
            ..KeysInstalled::default()
        });
    }
    let offered: KeySet = answer.json()?;
    Ok(receipts.install_keys(&offered, answer.header("etag"))?)
}

/// Asks the public lookup for one dossier.
async fn public_status(
    client: &PortalClient,
    code: &str,
    token: &str,
) -> Result<PublicStatus, LookupError> {
    // Both are checked before they reach a URL: a code is upper-case
    // letters, digits, dots and dashes; a token is base64url.
    let code = super::scan::dossier_code(code).ok_or(LookupError::NeedsToken)?;
    if token_from_text(token).is_none() {
        return Err(LookupError::NeedsToken);
    }
    let path = format!("/v1/lookup/{code}?token={token}");
    match client.send(client.request(Method::GET, &path)).await {
        Ok(answer) => Ok(answer.json()?),
        Err(e) if e.code() == Some("not_found") => Err(LookupError::NotFound(code)),
        Err(e) => Err(e.into()),
    }
}

/// Looks a scanned request up online, follows the dossier and caches the
/// status with the time `now`. A request without a token cannot be looked
/// up publicly ([`LookupError::NeedsToken`]).
pub async fn look_up(
    client: &PortalClient,
    receipts: &Receipts,
    request: &LookupRequest,
    now: i64,
) -> Result<FollowedDossier, LookupError> {
    let mut followed = receipts
        .follow(request, now)?
        .ok_or(LookupError::NeedsToken)?;
    let status = match public_status(client, &followed.dossier_code, &followed.token).await {
        Ok(s) => s,
        Err(e) => {
            // A token the portal never answered for is not worth following.
            if matches!(e, LookupError::NotFound(_)) && followed.status.is_none() {
                receipts.unfollow(&followed.dossier_code)?;
            }
            return Err(e);
        }
    };
    followed.status = Some(status);
    followed.checked_at = Some(now);
    receipts.save_followed(&followed)?;
    Ok(followed)
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
    for mut f in receipts.followed_all()? {
        if f.portal_url
            .as_deref()
            .is_some_and(|u| u.trim_end_matches('/') != client.base_url())
        {
            continue;
        }
        match public_status(client, &f.dossier_code, &f.token).await {
            Ok(status) => {
                let changed = f.status.as_ref() != Some(&status);
                f.status = Some(status);
                f.checked_at = Some(now);
                receipts.save_followed(&f)?;
                out.push(Refreshed {
                    dossier_code: f.dossier_code,
                    changed,
                    status: f.status,
                    error: None,
                });
            }
            Err(LookupError::Portal(e)) if e.is_transient() => {
                out.push(Refreshed {
                    dossier_code: f.dossier_code,
                    changed: false,
                    status: None,
                    error: Some(LookupError::Portal(e)),
                });
                break;
            }
            Err(e) => out.push(Refreshed {
                dossier_code: f.dossier_code,
                changed: false,
                status: None,
                error: Some(e),
            }),
        }
    }
    Ok(out)
}
