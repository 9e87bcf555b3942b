//! The portal's data key: every record the portal stores is sealed with
//! AES-256-GCM (ring) bound to its tree and key, so names, ID numbers, phone
//! numbers and documents never reach disk in clear; index keys that would
//! reveal personal data (a phone number) are HMAC-blinded instead.
//!
//! The 32-byte key lives in `DATA/portal.key`, created atomically with mode
//! 0600; HKDF derives separate keys for records, blobs and blinding.

use ring::aead::{Aad, LessSafeKey, Nonce, UnboundKey, AES_256_GCM, NONCE_LEN};
use ring::rand::{SecureRandom, SystemRandom};
use ring::{hkdf, hmac};
use std::io::Write;
use std::path::Path;

/// Why the data key could not be loaded or a record opened.
#[derive(Debug, thiserror::Error)]
pub enum SealError {
    #[error(
        "không đọc/tạo được khóa dữ liệu cổng / cannot read or create the portal data key: {0}"
    )]
    Io(#[from] std::io::Error),
    #[error("khóa dữ liệu cổng không hợp lệ / the portal data key file is malformed")]
    Malformed,
    #[error("không tạo được số ngẫu nhiên / the system random source failed")]
    Random,
    #[error("bản ghi đã niêm phong bị hỏng hoặc sai khóa / a sealed record is damaged or under another key")]
    Damaged,
}

struct Len(usize);

impl hkdf::KeyType for Len {
    fn len(&self) -> usize {
        self.0
    }
}

/// The portal's keys, derived from its data key.
pub struct Sealer {
    records: LessSafeKey,
    blobs: LessSafeKey,
    blinding: hmac::Key,
    random: SystemRandom,
}

fn derive(prk: &hkdf::Prk, info: &'static [u8]) -> Result<[u8; 32], SealError> {
    let mut out = [0u8; 32];
    prk.expand(&[info], Len(32))
        .and_then(|okm| okm.fill(&mut out))
        .map_err(|_| SealError::Malformed)?;
    Ok(out)
}

fn aead(bytes: &[u8; 32]) -> Result<LessSafeKey, SealError> {
    UnboundKey::new(&AES_256_GCM, bytes)
        .map(LessSafeKey::new)
        .map_err(|_| SealError::Malformed)
}

impl Sealer {
    /// Loads `DIR/portal.key`, creating it on first start.
    pub fn open(dir: &Path) -> Result<Sealer, SealError> {
        let path = dir.join("portal.key");
        let key = match std::fs::read(&path) {
            Ok(bytes) => {
                <[u8; 32]>::try_from(bytes.as_slice()).map_err(|_| SealError::Malformed)?
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                let mut key = [0u8; 32];
                SystemRandom::new()
                    .fill(&mut key)
                    .map_err(|_| SealError::Random)?;
                write_owner_only(dir, &path, &key)?;
                key
            }
            Err(e) => return Err(e.into()),
        };
        Sealer::from_key(&key)
    }

    /// Keys derived from a given 32-byte data key.
    pub fn from_key(key: &[u8; 32]) -> Result<Sealer, SealError> {
        let prk = hkdf::Salt::new(hkdf::HKDF_SHA256, b"hoso-portal/v1").extract(key);
        Ok(Sealer {
            records: aead(&derive(&prk, b"hoso-portal/records/aes-256-gcm")?)?,
            blobs: aead(&derive(&prk, b"hoso-portal/blobs/aes-256-gcm")?)?,
            blinding: hmac::Key::new(
                hmac::HMAC_SHA256,
                &derive(&prk, b"hoso-portal/blind/hmac-sha256")?,
            ),
            random: SystemRandom::new(),
        })
    }

    /// `nonce || ciphertext || tag` of `plain`, bound to `context`.
    pub fn seal(&self, context: &[u8], plain: &[u8]) -> Result<Vec<u8>, SealError> {
        seal_with(&self.records, &self.random, context, plain)
    }

    /// Opens what [`Sealer::seal`] made under the same context.
    pub fn open_sealed(&self, context: &[u8], sealed: &[u8]) -> Result<Vec<u8>, SealError> {
        open_with(&self.records, context, sealed)
    }

    /// Seals one chunk of a stored document.
    pub fn seal_blob(&self, context: &[u8], plain: &[u8]) -> Result<Vec<u8>, SealError> {
        seal_with(&self.blobs, &self.random, context, plain)
    }

    /// Opens one chunk of a stored document.
    pub fn open_blob(&self, context: &[u8], sealed: &[u8]) -> Result<Vec<u8>, SealError> {
        open_with(&self.blobs, context, sealed)
    }

    /// A stable index key for a personal value (a phone number), hex.
    pub fn blind(&self, value: &str) -> String {
        let tag = hmac::sign(&self.blinding, value.as_bytes());
        hoso_core::hex::encode(&tag.as_ref()[..20])
    }

    /// Fresh random bytes (tokens, ids).
    pub fn random<const N: usize>(&self) -> Result<[u8; N], SealError> {
        let mut out = [0u8; N];
        self.random.fill(&mut out).map_err(|_| SealError::Random)?;
        Ok(out)
    }
}

/// Bytes sealing adds to a plaintext.
pub const OVERHEAD: usize = NONCE_LEN + 16;

fn seal_with(
    key: &LessSafeKey,
    random: &SystemRandom,
    context: &[u8],
    plain: &[u8],
) -> Result<Vec<u8>, SealError> {
    let mut nonce = [0u8; NONCE_LEN];
    random.fill(&mut nonce).map_err(|_| SealError::Random)?;
    let mut out = Vec::with_capacity(plain.len() + OVERHEAD);
    out.extend_from_slice(&nonce);
    out.extend_from_slice(plain);
    let tag = key
        .seal_in_place_separate_tag(
            Nonce::assume_unique_for_key(nonce),
            Aad::from(context),
            &mut out[NONCE_LEN..],
        )
        .map_err(|_| SealError::Damaged)?;
    out.extend_from_slice(tag.as_ref());
    Ok(out)
}

fn open_with(key: &LessSafeKey, context: &[u8], sealed: &[u8]) -> Result<Vec<u8>, SealError> {
    if sealed.len() < OVERHEAD {
        return Err(SealError::Damaged);
    }
    let (nonce, rest) = sealed.split_at(NONCE_LEN);
    let nonce = Nonce::try_assume_unique_for_key(nonce).map_err(|_| SealError::Damaged)?;
    let mut buf = rest.to_vec();
    let plain = key
        .open_in_place(nonce, Aad::from(context), &mut buf)
        .map_err(|_| SealError::Damaged)?;
    let n = plain.len();
    buf.truncate(n);
    Ok(buf)
}

/// Writes a new owner-only file atomically (temp file, fsync, rename).
fn write_owner_only(dir: &Path, path: &Path, bytes: &[u8]) -> Result<(), SealError> {
    std::fs::create_dir_all(dir)?;
    let mut tmp = tempfile::NamedTempFile::new_in(dir)?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        tmp.as_file()
            .set_permissions(std::fs::Permissions::from_mode(0o600))?;
    }
    tmp.write_all(bytes)?;
    tmp.as_file().sync_all()?;
    tmp.persist_noclobber(path).map_err(|e| e.error)?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seals_bound_to_context_and_reopens_with_the_stored_key() {
        let dir = tempfile::tempdir().unwrap();
        let sealer = Sealer::open(dir.path()).unwrap();
        let sealed = sealer.seal(b"accounts/a1", b"Nguyen Van An").unwrap();
        assert!(!sealed.windows(6).any(|w| w == b"Nguyen"));
        assert_eq!(
            sealer.open_sealed(b"accounts/a1", &sealed).unwrap(),
            b"Nguyen Van An"
        );
        assert!(sealer.open_sealed(b"accounts/a2", &sealed).is_err());
        let again = Sealer::open(dir.path()).unwrap();
        assert_eq!(
            again.open_sealed(b"accounts/a1", &sealed).unwrap(),
            b"Nguyen Van An"
        );
        assert_eq!(sealer.blind("0912345678"), again.blind("0912345678"));
        assert_ne!(sealer.blind("0912345678"), sealer.blind("0912345679"));
        std::fs::write(dir.path().join("portal.key"), b"short").unwrap();
        assert!(matches!(
            Sealer::open(dir.path()),
            Err(SealError::Malformed)
        ));
    }
}
