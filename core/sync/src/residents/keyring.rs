//! The resident keyring: each resident's 32-byte data key, kept only
//! wrapped (AES-256-GCM, bound to the resident and the keyring's epoch)
//! under the keyring key, which the host keeps outside the data directory
//! ([`SecretStore`]) under a name that carries the epoch. Rotating the
//! keyring (on every wipe) makes a new keyring key and rewraps every key it
//! keeps, so a copy of the data directory taken before cannot be opened
//! with what the host holds after.

use crate::vault::{DataKey, KeyError, SecretStore};
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64URL;
use base64::Engine;
use ring::aead::{Aad, LessSafeKey, Nonce, UnboundKey, AES_256_GCM, NONCE_LEN};
use ring::rand::{SecureRandom, SystemRandom};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The keyring as stored (sealed by the volunteer's own vault).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub(super) struct Keyring {
    /// This keyring's own random name, so two data directories whose host
    /// secrets sit together (one CLI key file) never touch each other's.
    pub id: String,
    /// Which keyring key wraps the keys: the host's secret
    /// [`secret_name`]`(id, epoch)`.
    pub epoch: u64,
    /// Resident id → nonce and wrapped key, base64url.
    pub wrapped: BTreeMap<String, String>,
}

/// Why a resident key could not be made, wrapped or unwrapped.
#[derive(Debug, thiserror::Error)]
pub enum KeyringError {
    #[error(transparent)]
    Host(#[from] KeyError),
    #[error("khóa vòng khóa người dân không còn trên máy này / the residents' keyring key is no longer on this device")]
    KeyringKeyMissing,
    #[error("khóa của người dân {0} bị hỏng hoặc đã bị xóa / the key of resident {0} is damaged or was wiped")]
    Unwrap(String),
    #[error("hệ thống không cấp được số ngẫu nhiên / the system could not provide randomness")]
    Randomness,
}

/// The host's name for the keyring key of keyring `id` at `epoch`.
pub(super) fn secret_name(id: &str, epoch: u64) -> String {
    format!("hoso-resident-keyring-{id}-{epoch}")
}

fn aad(id: &str, epoch: u64) -> Vec<u8> {
    format!("hoso-resident-key/1\n{id}\n{epoch}").into_bytes()
}

fn cipher(key: &DataKey) -> Result<LessSafeKey, KeyringError> {
    UnboundKey::new(&AES_256_GCM, key.as_bytes())
        .map(LessSafeKey::new)
        .map_err(|_| KeyringError::Randomness)
}

pub(super) fn random_key(rng: &SystemRandom) -> Result<DataKey, KeyringError> {
    let mut bytes = [0u8; 32];
    rng.fill(&mut bytes).map_err(|_| KeyringError::Randomness)?;
    let key = DataKey::from_bytes(bytes);
    bytes.fill(0);
    Ok(key)
}

/// `key` wrapped under `ring_key` for resident `id` at `epoch`.
pub(super) fn wrap(
    ring_key: &DataKey,
    epoch: u64,
    id: &str,
    key: &DataKey,
    rng: &SystemRandom,
) -> Result<String, KeyringError> {
    let mut nonce = [0u8; NONCE_LEN];
    rng.fill(&mut nonce).map_err(|_| KeyringError::Randomness)?;
    let mut body = key.as_bytes().to_vec();
    cipher(ring_key)?
        .seal_in_place_append_tag(
            Nonce::assume_unique_for_key(nonce),
            Aad::from(aad(id, epoch)),
            &mut body,
        )
        .map_err(|_| KeyringError::Randomness)?;
    let mut out = nonce.to_vec();
    out.extend_from_slice(&body);
    Ok(B64URL.encode(out))
}

/// The key of resident `id`, unwrapped from `wrapped`.
pub(super) fn unwrap(
    ring_key: &DataKey,
    epoch: u64,
    id: &str,
    wrapped: &str,
) -> Result<DataKey, KeyringError> {
    let fail = || KeyringError::Unwrap(crate::text::shown_if_identifier(id));
    let mut bytes = B64URL.decode(wrapped).map_err(|_| fail())?;
    if bytes.len() < NONCE_LEN {
        return Err(fail());
    }
    let mut nonce = [0u8; NONCE_LEN];
    nonce.copy_from_slice(&bytes[..NONCE_LEN]);
    let plain = cipher(ring_key)?
        .open_in_place(
            Nonce::assume_unique_for_key(nonce),
            Aad::from(aad(id, epoch)),
            &mut bytes[NONCE_LEN..],
        )
        .map_err(|_| fail())?;
    let key = DataKey::from_slice(plain).map_err(|_| fail());
    bytes.fill(0);
    key
}

/// The keyring key of `keyring`'s epoch from the host.
pub(super) fn ring_key(
    secrets: &dyn SecretStore,
    keyring: &Keyring,
) -> Result<DataKey, KeyringError> {
    secrets
        .get(&secret_name(&keyring.id, keyring.epoch))?
        .ok_or(KeyringError::KeyringKeyMissing)
}
