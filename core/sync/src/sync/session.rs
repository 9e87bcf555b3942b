//! The portal session kept on the device: which portal this device files
//! with and the account's tokens, sealed in the vault (a refresh token is as
//! good as a password). Resumed into a client, remembered after every round
//! (a refresh rotates the refresh token: losing the new one ends the
//! session), forgotten at logout.

use crate::client::{PortalClient, PortalError, Tokens};
use crate::storage::Changes;
use crate::vault::{KeyProvider, Vault, VaultError};
use hoso_store::error::{Classified, ErrorKind};
use serde::{Deserialize, Serialize};
use std::path::Path;

/// Where the session has always been kept (beside the outbox), so stores
/// written before this type existed still resume.
const SPACE: &str = crate::vault::OUTBOX_SPACE;
const KEY: &[u8] = b"p/session";

/// The portal this device sends to, and its session.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PortalSession {
    pub url: String,
    pub tokens: Option<Tokens>,
}

/// Why the saved session could not be read, saved or resumed.
#[derive(Debug, thiserror::Error)]
pub enum SessionError {
    #[error(transparent)]
    Vault(#[from] VaultError),
    #[error("phiên đăng nhập cổng đã lưu không đọc được / the saved portal session is unreadable")]
    Damaged,
    #[error(transparent)]
    Portal(#[from] PortalError),
}

impl SessionError {
    /// A stable machine code for the error.
    pub fn code(&self) -> &'static str {
        match self {
            SessionError::Vault(e) => e.code(),
            SessionError::Damaged => "damaged",
            SessionError::Portal(e) => e.error_code(),
        }
    }
}

impl Classified for SessionError {
    fn kind(&self) -> ErrorKind {
        match self {
            SessionError::Vault(e) => e.kind(),
            SessionError::Damaged => ErrorKind::Damaged,
            SessionError::Portal(e) => e.kind(),
        }
    }

    fn error_code(&self) -> &'static str {
        self.code()
    }
}

/// The saved portal session of a data directory.
#[derive(Clone)]
pub struct Sessions {
    vault: Vault,
}

impl Sessions {
    pub fn open(data_dir: &Path, keys: &dyn KeyProvider) -> Result<Sessions, SessionError> {
        Ok(Sessions::with_vault(Vault::open_dir(data_dir, keys)?))
    }

    pub fn with_vault(vault: Vault) -> Sessions {
        Sessions { vault }
    }

    /// The saved session, if any.
    pub fn get(&self) -> Result<Option<PortalSession>, SessionError> {
        match self.vault.get(SPACE, KEY)? {
            None => Ok(None),
            Some(bytes) => serde_json::from_slice(&bytes)
                .map(Some)
                .map_err(|_| SessionError::Damaged),
        }
    }

    /// A client for the saved portal with the saved tokens, or `None` when
    /// this device never logged in (or logged out).
    pub fn resume(&self) -> Result<Option<PortalClient>, SessionError> {
        let Some(session) = self.get()? else {
            return Ok(None);
        };
        let client = PortalClient::new(&session.url)?;
        client.set_tokens(session.tokens);
        Ok(Some(client))
    }

    /// Saves the client's portal address and tokens unless they are what is
    /// saved already.
    pub fn remember(&self, client: &PortalClient) -> Result<(), SessionError> {
        let session = PortalSession {
            url: client.base_url().to_string(),
            tokens: client.tokens(),
        };
        let saved = self.get()?;
        if saved.as_ref() == Some(&session) {
            return Ok(());
        }
        // A client without a session (public lookups) never replaces or
        // invents one.
        if session.tokens.is_none() && saved.is_none_or(|s| s.url != session.url) {
            return Ok(());
        }
        self.save(Some(&session))
    }

    /// Saves (or, with `None`, forgets) the session.
    pub fn save(&self, session: Option<&PortalSession>) -> Result<(), SessionError> {
        let _guard = self.vault.store().edit_lock();
        let mut changes = Changes::default();
        match session {
            Some(s) => {
                let bytes = serde_json::to_vec(s).map_err(|_| SessionError::Damaged)?;
                self.vault.put(&mut changes, SPACE, KEY, &bytes)?;
            }
            None => changes.remove(SPACE, KEY.to_vec()),
        }
        self.vault
            .store()
            .commit(&changes)
            .map_err(VaultError::from)?;
        Ok(())
    }

    /// Forgets the session (after a logout).
    pub fn forget(&self) -> Result<(), SessionError> {
        self.save(None)
    }
}
