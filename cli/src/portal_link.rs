//! How commands reach the portal: the saved session of the data directory,
//! a client for public calls (`--url`, else the logged-in portal), the
//! usage error when there is neither, and the runtime network calls run on.

use crate::{Context, Failure};
use hoso_core::client::PortalClient;
use hoso_core::sync::session::Sessions;

pub(crate) fn sessions(ctx: &Context) -> Result<Sessions, Failure> {
    Ok(Sessions::open(&ctx.data_dir, &ctx.keys())?)
}

pub(crate) fn runtime() -> Result<tokio::runtime::Runtime, Failure> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(Failure::Input)
}

/// A client for public calls: `--url`, else the logged-in portal.
pub(crate) fn public_client(
    sessions: &Sessions,
    url: Option<&str>,
) -> Result<Option<PortalClient>, Failure> {
    match url {
        Some(u) => Ok(Some(PortalClient::new(u)?)),
        None => Ok(sessions.resume()?),
    }
}

pub(crate) fn no_portal() -> Failure {
    Failure::Usage(
        "cần địa chỉ cổng: --url … hoặc đăng nhập (hoso portal login) / a portal is needed: --url … or log in (hoso portal login)".into(),
    )
}
