//! Encryption at rest for personal data. Owns the `KeyProvider` trait the host
//! implements (Android Keystore, iOS Keychain, a 0600 key file in the CLI),
//! the record key derived from the host's key, and sealing every personal
//! value with AES-256-GCM before it reaches the store.
//!
//! A sealed record is `[format 1][12-byte random nonce][ciphertext + tag]`,
//! authenticated together with the space and key it is stored under, so a
//! record copied to another key fails to open. A key-check record written on
//! first use tells a wrong key ("this is not the key this data was sealed
//! with") apart from a damaged record. The core never writes the host's key.

use crate::error::{Classified, ErrorKind};
use crate::storage::{Changes, StorageError, Store};
use ring::aead::{Aad, LessSafeKey, Nonce, UnboundKey, AES_256_GCM, NONCE_LEN};
use ring::rand::{SecureRandom, SystemRandom};
use ring::{hkdf, hmac};
use std::path::Path;
use zeroize::Zeroizing;

const FORMAT: u8 = 1;
const META: &str = "meta";
const KEY_CHECK: &[u8] = b"key_check";
const KEY_CHECK_PLAINTEXT: &[u8] = b"hoso key check v1";
/// How many sealed records to try when the key check does not decide.
const KEY_CHECK_SAMPLE: usize = 8;
const RECORD_KEY_INFO: &[u8] = b"hoso/records/aes-256-gcm/v1";
const NAMING_KEY_INFO: &[u8] = b"hoso/names/hmac-sha256/v1";
const BLOB_KEY_INFO: &[u8] = b"hoso/blobs/aes-256-gcm/v1";
/// Every space whose records are sealed by the vault. A new kind of sealed
/// record must be listed here so the key check can fall back on it.
pub(crate) const SEALED_SPACES: &[&str] = &[
    DRAFTS_SPACE,
    PROFILE_SPACE,
    REQUIREMENTS_SPACE,
    BLOBS_SPACE,
    OUTBOX_SPACE,
    RECEIPTS_SPACE,
    RESIDENTS_SPACE,
];
/// The residents a volunteer files for and their wrapped keys.
pub const RESIDENTS_SPACE: &str = "residents";
/// Submissions frozen from drafts, waiting for (or done with) the portal.
pub const OUTBOX_SPACE: &str = "outbox";
/// Dossiers followed through their receipts (lookup tokens, public status).
pub const RECEIPTS_SPACE: &str = "receipts";
/// Reference-count records of stored attachment files.
pub const BLOBS_SPACE: &str = "blobs";
/// Requirement snapshots per procedure and catalog version, under blinded
/// keys (which procedures someone drafts is personal).
pub const REQUIREMENTS_SPACE: &str = "requirements";
/// Where drafts are kept (one sealed record each).
pub const DRAFTS_SPACE: &str = "drafts";
/// Where the profile is kept (one sealed record).
pub const PROFILE_SPACE: &str = "profile";

/// The 32-byte key the host supplies. Wiped from memory when dropped.
pub struct DataKey(Zeroizing<[u8; 32]>);

impl DataKey {
    pub fn from_bytes(bytes: [u8; 32]) -> DataKey {
        DataKey(Zeroizing::new(bytes))
    }

    /// A key from bytes the host holds (a keystore blob, a key file),
    /// copied straight into wiped-on-drop memory.
    pub fn from_slice(bytes: &[u8]) -> Result<DataKey, KeyError> {
        if bytes.len() != 32 {
            return Err(KeyError::Malformed(format!(
                "{} byte, cần 32 / {} bytes, expected 32",
                bytes.len(),
                bytes.len()
            )));
        }
        let mut key = Zeroizing::new([0u8; 32]);
        key.copy_from_slice(bytes);
        Ok(DataKey(key))
    }

    /// A fresh random key, for hosts creating their key on first run.
    pub fn generate() -> Result<DataKey, KeyError> {
        let mut bytes = Zeroizing::new([0u8; 32]);
        SystemRandom::new()
            .fill(bytes.as_mut())
            .map_err(|_| KeyError::Unavailable("no system randomness".into()))?;
        Ok(DataKey(bytes))
    }

    pub fn as_bytes(&self) -> &[u8; 32] {
        &self.0
    }
}

/// Supplies the data key. Implemented by the host: the platform keystore on
/// phones, a key file on laptops.
pub trait KeyProvider: Send + Sync {
    fn data_key(&self) -> Result<DataKey, KeyError>;
}

/// Named 32-byte secrets the host keeps outside the data directory
/// (Android Keystore-wrapped preferences, the iOS Keychain, the CLI's key
/// directory), for keys that must be destroyable: a copy of the data
/// directory never holds them. The resident keyring key is one
/// (`docs/adr/0012-resident-spaces.md`).
pub trait SecretStore: Send + Sync {
    /// The secret named `name`, if the host holds one.
    fn get(&self, name: &str) -> Result<Option<DataKey>, KeyError>;
    /// Keeps `secret` under `name`, replacing any other.
    fn put(&self, name: &str, secret: &DataKey) -> Result<(), KeyError>;
    /// Forgets the secret named `name` (nothing if there is none).
    fn delete(&self, name: &str) -> Result<(), KeyError>;
}

/// A [`SecretStore`] in memory, for tests and benchmarks (a phone's
/// keystore within one process). What it holds is gone when it is
/// dropped, so a real host must never use it: its residents could not be
/// opened again.
#[derive(Default)]
pub struct MemorySecrets(std::sync::Mutex<std::collections::HashMap<String, [u8; 32]>>);

impl MemorySecrets {
    /// How many secrets it holds.
    pub fn len(&self) -> usize {
        self.held().len()
    }

    /// Whether it holds none.
    pub fn is_empty(&self) -> bool {
        self.held().is_empty()
    }

    fn held(&self) -> std::sync::MutexGuard<'_, std::collections::HashMap<String, [u8; 32]>> {
        self.0.lock().unwrap_or_else(|p| p.into_inner())
    }
}

impl SecretStore for MemorySecrets {
    fn get(&self, name: &str) -> Result<Option<DataKey>, KeyError> {
        Ok(self.held().get(name).map(|k| DataKey::from_bytes(*k)))
    }

    fn put(&self, name: &str, secret: &DataKey) -> Result<(), KeyError> {
        self.held().insert(name.to_string(), *secret.as_bytes());
        Ok(())
    }

    fn delete(&self, name: &str) -> Result<(), KeyError> {
        self.held().remove(name);
        Ok(())
    }
}

/// Why the host could not supply a key.
#[derive(Debug, thiserror::Error)]
pub enum KeyError {
    #[error("không lấy được khóa mã hóa / the encryption key is unavailable: {0}")]
    Unavailable(String),
    #[error("khóa mã hóa không hợp lệ / the encryption key is malformed: {0}")]
    Malformed(String),
}

impl Classified for KeyError {
    fn kind(&self) -> ErrorKind {
        ErrorKind::KeyUnavailable
    }

    fn error_code(&self) -> &'static str {
        "key_unavailable"
    }
}

/// Why sealed data could not be read or written.
#[derive(Debug, thiserror::Error)]
pub enum VaultError {
    #[error(transparent)]
    Key(#[from] KeyError),
    #[error("sai khóa mã hóa: dữ liệu này được mã hóa bằng một khóa khác; dữ liệu không bị thay đổi / wrong encryption key: this data was sealed with a different key; nothing was changed")]
    WrongKey,
    #[error("bản ghi {space}/{key} bị hỏng hoặc bị sửa đổi và không mở được / record {space}/{key} is damaged or was tampered with and cannot be opened")]
    Damaged { space: String, key: String },
    #[error(transparent)]
    Storage(#[from] StorageError),
}

impl VaultError {
    /// A stable machine code for the error.
    pub fn code(&self) -> &'static str {
        match self {
            VaultError::Key(_) => "key_unavailable",
            VaultError::WrongKey => "wrong_key",
            VaultError::Damaged { .. } => "damaged",
            VaultError::Storage(_) => "storage",
        }
    }
}

impl Classified for VaultError {
    fn kind(&self) -> ErrorKind {
        match self {
            VaultError::Key(_) => ErrorKind::KeyUnavailable,
            VaultError::WrongKey => ErrorKind::WrongKey,
            VaultError::Damaged { .. } => ErrorKind::Damaged,
            VaultError::Storage(e) => e.kind(),
        }
    }

    fn error_code(&self) -> &'static str {
        self.code()
    }
}

/// A sealed record: its space, key and sealed bytes.
type SealedRecord = (String, Vec<u8>, Vec<u8>);
/// A record's key and its plaintext, or why it did not open.
pub(crate) type OpenedRecord = (Vec<u8>, Result<Vec<u8>, VaultError>);

/// The store seen through the record key: every value sealed on the way in
/// and opened on the way out.
#[derive(Clone)]
pub struct Vault {
    store: Store,
    key: std::sync::Arc<LessSafeKey>,
    naming: hmac::Key,
    blobs: std::sync::Arc<LessSafeKey>,
    rng: SystemRandom,
}

struct KeyLen;

impl hkdf::KeyType for KeyLen {
    fn len(&self) -> usize {
        32
    }
}

/// 32 bytes derived from the host's key for one purpose (`info`).
fn derive(data_key: &DataKey, info: &[u8]) -> Result<Zeroizing<[u8; 32]>, KeyError> {
    let salt = hkdf::Salt::new(hkdf::HKDF_SHA256, b"hoso");
    let prk = salt.extract(data_key.as_bytes());
    let infos = [info];
    let okm = prk
        .expand(&infos, KeyLen)
        .map_err(|_| KeyError::Malformed("key derivation failed".into()))?;
    let mut bytes = Zeroizing::new([0u8; 32]);
    okm.fill(bytes.as_mut())
        .map_err(|_| KeyError::Malformed("key derivation failed".into()))?;
    Ok(bytes)
}

fn naming_key(data_key: &DataKey) -> Result<hmac::Key, KeyError> {
    let bytes = derive(data_key, NAMING_KEY_INFO)?;
    Ok(hmac::Key::new(hmac::HMAC_SHA256, bytes.as_ref()))
}

fn record_key(data_key: &DataKey) -> Result<LessSafeKey, KeyError> {
    aead_key(data_key, RECORD_KEY_INFO)
}

fn aead_key(data_key: &DataKey, info: &[u8]) -> Result<LessSafeKey, KeyError> {
    let bytes = derive(data_key, info)?;
    let unbound = UnboundKey::new(&AES_256_GCM, bytes.as_ref())
        .map_err(|_| KeyError::Malformed("not an AES-256 key".into()))?;
    Ok(LessSafeKey::new(unbound))
}

fn aad(space: &str, key: &[u8]) -> Vec<u8> {
    let mut a = Vec::with_capacity(space.len() + 1 + key.len());
    a.extend_from_slice(space.as_bytes());
    a.push(0);
    a.extend_from_slice(key);
    a
}

impl Vault {
    /// The vault over the store under `data_dir`, with the host's key.
    pub fn open_dir(data_dir: &Path, keys: &dyn KeyProvider) -> Result<Vault, VaultError> {
        Vault::open(Store::open(data_dir)?, keys)
    }

    /// Opens the vault over `store` with the host's key. The first open
    /// writes a key-check record; later opens with another key fail with
    /// [`VaultError::WrongKey`] before anything is read or written.
    pub fn open(store: Store, keys: &dyn KeyProvider) -> Result<Vault, VaultError> {
        let data_key = keys.data_key()?;
        let vault = Vault {
            store,
            key: std::sync::Arc::new(record_key(&data_key)?),
            naming: naming_key(&data_key)?,
            blobs: std::sync::Arc::new(aead_key(&data_key, BLOB_KEY_INFO)?),
            rng: SystemRandom::new(),
        };
        let checked = match vault.store.get(META, KEY_CHECK)? {
            Some(sealed) => matches!(
                vault.unseal(META, KEY_CHECK, &sealed),
                Ok(plain) if plain == KEY_CHECK_PLAINTEXT
            ),
            None => false,
        };
        if !checked {
            // No key check (first use, or lost), or one this key does not
            // open — a wrong key, or a damaged check. The key is trusted only
            // if it opens one of the sealed records, or if there are none;
            // then the check is (re)written. A damaged check never locks the
            // right key out, and a lost one never lets a wrong key write.
            let sample = vault.sealed_records(KEY_CHECK_SAMPLE)?;
            let opens = sample
                .iter()
                .any(|(space, key, sealed)| vault.unseal(space, key, sealed).is_ok());
            if !sample.is_empty() && !opens {
                return Err(VaultError::WrongKey);
            }
            let mut changes = Changes::default();
            vault.put(&mut changes, META, KEY_CHECK, KEY_CHECK_PLAINTEXT)?;
            vault.store.commit(&changes)?;
        }
        Ok(vault)
    }

    /// Up to `limit` sealed records, from every space that holds them.
    fn sealed_records(&self, limit: usize) -> Result<Vec<SealedRecord>, VaultError> {
        let mut found = Vec::new();
        for space in SEALED_SPACES {
            self.store.visit(space, b"", &mut |k, v| {
                found.push((space.to_string(), k.to_vec(), v.to_vec()));
                found.len() < limit
            })?;
            if found.len() >= limit {
                break;
            }
        }
        Ok(found)
    }

    /// A record key for `name` that does not reveal it (HMAC-SHA256 under a
    /// key derived from the host's, hex, 128 bits): for records whose
    /// natural key is itself telling, such as which procedure a draft is for.
    pub fn blind(&self, name: &str) -> Vec<u8> {
        let tag = hmac::sign(&self.naming, name.as_bytes());
        crate::hex::encode(&tag.as_ref()[..16]).into_bytes()
    }

    /// The AES-256-GCM key attachment chunks are sealed with (derived from
    /// the host's key for that purpose only).
    pub fn blob_key(&self) -> &LessSafeKey {
        &self.blobs
    }

    pub fn store(&self) -> &Store {
        &self.store
    }

    /// Opens the record at `space`/`key`, if there is one.
    pub fn get(&self, space: &str, key: &[u8]) -> Result<Option<Vec<u8>>, VaultError> {
        match self.store.get(space, key)? {
            None => Ok(None),
            Some(sealed) => self.unseal(space, key, &sealed).map(Some),
        }
    }

    /// Every record under `prefix` in key order, each opened on its own: one
    /// damaged record does not hide the others.
    pub fn scan_each(&self, space: &str, prefix: &[u8]) -> Result<Vec<OpenedRecord>, VaultError> {
        Ok(self
            .store
            .scan(space, prefix)?
            .into_iter()
            .map(|(k, sealed)| {
                let plain = self.unseal(space, &k, &sealed);
                (k, plain)
            })
            .collect())
    }

    /// Adds a sealed write of `plaintext` to `changes`.
    pub fn put(
        &self,
        changes: &mut Changes,
        space: &str,
        key: &[u8],
        plaintext: &[u8],
    ) -> Result<(), VaultError> {
        let mut nonce = [0u8; NONCE_LEN];
        self.rng
            .fill(&mut nonce)
            .map_err(|_| KeyError::Unavailable("no system randomness".into()))?;
        let mut out = Vec::with_capacity(1 + NONCE_LEN + plaintext.len() + 16);
        out.push(FORMAT);
        out.extend_from_slice(&nonce);
        let mut body = plaintext.to_vec();
        self.key
            .seal_in_place_append_tag(
                Nonce::assume_unique_for_key(nonce),
                Aad::from(aad(space, key)),
                &mut body,
            )
            .map_err(|_| VaultError::Damaged {
                space: space.to_string(),
                key: String::from_utf8_lossy(key).into_owned(),
            })?;
        out.extend_from_slice(&body);
        changes.put(space, key, out);
        Ok(())
    }

    fn unseal(&self, space: &str, key: &[u8], sealed: &[u8]) -> Result<Vec<u8>, VaultError> {
        let damaged = || VaultError::Damaged {
            space: space.to_string(),
            key: String::from_utf8_lossy(key).into_owned(),
        };
        if sealed.len() < 1 + NONCE_LEN + 16 || sealed[0] != FORMAT {
            return Err(damaged());
        }
        let nonce: [u8; NONCE_LEN] = sealed[1..1 + NONCE_LEN].try_into().map_err(|_| damaged())?;
        let mut body = sealed[1 + NONCE_LEN..].to_vec();
        let plain = self
            .key
            .open_in_place(
                Nonce::assume_unique_for_key(nonce),
                Aad::from(aad(space, key)),
                &mut body,
            )
            .map_err(|_| damaged())?;
        Ok(plain.to_vec())
    }
}

/// A fixed key held in memory: for the tests of every layer crate (a
/// crate's `cfg(test)` items are not visible to the others) and benchmarks.
pub struct FixedKey(pub [u8; 32]);

impl KeyProvider for FixedKey {
    fn data_key(&self) -> Result<DataKey, KeyError> {
        Ok(DataKey::from_bytes(self.0))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn open(dir: &std::path::Path, key: u8) -> Result<Vault, VaultError> {
        Vault::open(Store::open(dir).unwrap(), &FixedKey([key; 32]))
    }

    #[test]
    fn round_trip_and_ciphertext_hides_plaintext() {
        let dir = tempfile::tempdir().unwrap();
        let v = open(dir.path(), 1).unwrap();
        let mut c = Changes::default();
        v.put(&mut c, "t", b"k", b"Nguyen Van A 001099012345")
            .unwrap();
        v.store.commit(&c).unwrap();
        assert_eq!(
            v.get("t", b"k").unwrap().unwrap(),
            b"Nguyen Van A 001099012345"
        );
        let raw = v.store.get("t", b"k").unwrap().unwrap();
        assert!(!raw.windows(12).any(|w| w == b"001099012345"));
    }

    #[test]
    fn wrong_key_is_refused_up_front() {
        let dir = tempfile::tempdir().unwrap();
        let v = open(dir.path(), 1).unwrap();
        let mut c = Changes::default();
        v.put(&mut c, SEALED_SPACES[1], b"profile", b"me").unwrap();
        v.store.commit(&c).unwrap();
        assert!(matches!(open(dir.path(), 2), Err(VaultError::WrongKey)));
        // The right key still works afterwards.
        open(dir.path(), 1).unwrap();
    }

    #[test]
    fn with_nothing_sealed_yet_a_new_key_is_adopted() {
        // Nothing can be lost, so a replaced key on an empty vault is not
        // an error: the key check is rewritten for it.
        let dir = tempfile::tempdir().unwrap();
        open(dir.path(), 1).unwrap();
        open(dir.path(), 2).unwrap();
        assert!(open(dir.path(), 1).is_ok());
    }

    #[test]
    fn lost_key_check_does_not_let_a_wrong_key_in() {
        let dir = tempfile::tempdir().unwrap();
        let v = open(dir.path(), 1).unwrap();
        let mut c = Changes::default();
        v.put(&mut c, SEALED_SPACES[0], b"d/x", b"draft").unwrap();
        c.remove(META, KEY_CHECK);
        v.store.commit(&c).unwrap();
        assert!(matches!(open(dir.path(), 2), Err(VaultError::WrongKey)));
        // The right key re-creates the key check and reads the record.
        let v = open(dir.path(), 1).unwrap();
        assert!(v.store.get(META, KEY_CHECK).unwrap().is_some());
        assert_eq!(v.get(SEALED_SPACES[0], b"d/x").unwrap().unwrap(), b"draft");
    }

    #[test]
    fn damaged_key_check_does_not_lock_the_right_key_out() {
        let dir = tempfile::tempdir().unwrap();
        let v = open(dir.path(), 1).unwrap();
        let mut c = Changes::default();
        v.put(&mut c, SEALED_SPACES[0], b"d/x", b"draft").unwrap();
        v.store.commit(&c).unwrap();
        let mut check = v.store.get(META, KEY_CHECK).unwrap().unwrap();
        check[20] ^= 1;
        let mut c = Changes::default();
        c.put(META, KEY_CHECK.to_vec(), check);
        v.store.commit(&c).unwrap();
        // A wrong key is still refused; the right one repairs the check.
        assert!(matches!(open(dir.path(), 2), Err(VaultError::WrongKey)));
        let v = open(dir.path(), 1).unwrap();
        assert_eq!(v.get(SEALED_SPACES[0], b"d/x").unwrap().unwrap(), b"draft");
        assert!(matches!(open(dir.path(), 2), Err(VaultError::WrongKey)));
        open(dir.path(), 1).unwrap();
    }

    #[test]
    fn moved_or_flipped_record_is_damaged_not_garbage() {
        let dir = tempfile::tempdir().unwrap();
        let v = open(dir.path(), 1).unwrap();
        let mut c = Changes::default();
        v.put(&mut c, "t", b"a", b"secret").unwrap();
        v.store.commit(&c).unwrap();
        let mut sealed = v.store.get("t", b"a").unwrap().unwrap();
        // The same bytes under another key do not open.
        let mut c = Changes::default();
        c.put("t", b"b".to_vec(), sealed.clone());
        v.store.commit(&c).unwrap();
        assert!(matches!(v.get("t", b"b"), Err(VaultError::Damaged { .. })));
        // A flipped bit does not open.
        let last = sealed.len() - 1;
        sealed[last] ^= 1;
        let mut c = Changes::default();
        c.put("t", b"a".to_vec(), sealed);
        v.store.commit(&c).unwrap();
        assert!(matches!(v.get("t", b"a"), Err(VaultError::Damaged { .. })));
    }
}
