//! The CLI's `KeyProvider`: a 32-byte key in a file created on first use
//! with owner-only (0600) permissions, next to — never inside — the store.
//! Phones use the platform keystore instead; the core never writes the key.

use hoso_core::vault::{DataKey, KeyError, KeyProvider};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

/// A key kept in a file on a laptop.
pub struct KeyFile {
    path: PathBuf,
}

impl KeyFile {
    pub fn new(path: PathBuf) -> KeyFile {
        KeyFile { path }
    }

    fn create(&self) -> Result<(), KeyError> {
        if let Some(parent) = self.path.parent() {
            std::fs::create_dir_all(parent).map_err(|e| unavailable(&self.path, e))?;
        }
        let key = DataKey::generate()?;
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create_new(true);
        #[cfg(unix)]
        {
            use std::os::unix::fs::OpenOptionsExt;
            options.mode(0o600);
        }
        match options.open(&self.path) {
            Ok(mut f) => {
                f.write_all(key.as_bytes())
                    .and_then(|_| f.sync_all())
                    .map_err(|e| unavailable(&self.path, e))?;
                Ok(())
            }
            // Another process created it first: use theirs.
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => Ok(()),
            Err(e) => Err(unavailable(&self.path, e)),
        }
    }
}

fn unavailable(path: &Path, e: std::io::Error) -> KeyError {
    KeyError::Unavailable(format!("{}: {e}", path.display()))
}

impl KeyProvider for KeyFile {
    fn data_key(&self) -> Result<DataKey, KeyError> {
        if !self.path.exists() {
            self.create()?;
        }
        let mut f = std::fs::File::open(&self.path).map_err(|e| unavailable(&self.path, e))?;
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = f
                .metadata()
                .map_err(|e| unavailable(&self.path, e))?
                .permissions()
                .mode();
            if mode & 0o077 != 0 {
                return Err(KeyError::Unavailable(format!(
                    "{} có quyền truy cập quá rộng ({:o}); hãy chạy chmod 600 / {} is readable by others ({:o}); run chmod 600",
                    self.path.display(),
                    mode & 0o777,
                    self.path.display(),
                    mode & 0o777
                )));
            }
        }
        let mut bytes = zeroize::Zeroizing::new(Vec::with_capacity(33));
        f.read_to_end(&mut bytes)
            .map_err(|e| unavailable(&self.path, e))?;
        let key: [u8; 32] = bytes.as_slice().try_into().map_err(|_| {
            KeyError::Malformed(format!(
                "{}: {} byte, cần 32 / {} bytes, expected 32",
                self.path.display(),
                bytes.len(),
                bytes.len()
            ))
        })?;
        Ok(DataKey::from_bytes(key))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn created_owner_only_and_stable() {
        let dir = tempfile::tempdir().unwrap();
        let kf = KeyFile::new(dir.path().join("sub").join("key"));
        let a = kf.data_key().unwrap();
        let b = kf.data_key().unwrap();
        assert_eq!(a.as_bytes(), b.as_bytes());
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(dir.path().join("sub").join("key"))
                .unwrap()
                .permissions()
                .mode();
            assert_eq!(mode & 0o777, 0o600);
        }
    }

    #[test]
    fn short_or_open_key_files_are_refused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("key");
        std::fs::write(&path, b"short").unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).unwrap();
        }
        assert!(matches!(
            KeyFile::new(path.clone()).data_key(),
            Err(KeyError::Malformed(_))
        ));
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o644)).unwrap();
            assert!(matches!(
                KeyFile::new(path).data_key(),
                Err(KeyError::Unavailable(_))
            ));
        }
    }
}
