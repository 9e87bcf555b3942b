//! The CLI's `KeyProvider`: a 32-byte key in a file created on first use
//! with owner-only (0600) permissions, next to — never inside — the store.
//! Phones use the platform keystore instead; the core never writes the key.

use hoso_core::limits;
use hoso_core::vault::{DataKey, KeyError, KeyProvider};
use std::io::Write;
use std::path::{Path, PathBuf};

/// A key kept in a file on a laptop.
pub struct KeyFile {
    path: PathBuf,
}

impl KeyFile {
    pub fn new(path: PathBuf) -> KeyFile {
        KeyFile { path }
    }

    /// Creates the key file atomically: the key is written to a temporary
    /// file beside it, synced, then hard-linked into place (which fails if
    /// another process got there first — theirs is used) and the directory
    /// synced. A crash leaves no key file or a whole one, never a partial key.
    fn create(&self) -> Result<(), KeyError> {
        let dir = match self.path.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        };
        std::fs::create_dir_all(&dir).map_err(|e| unavailable(&dir, e))?;
        let key = DataKey::generate()?;
        let mut builder = tempfile::Builder::new();
        builder.prefix(".key-");
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            builder.permissions(std::fs::Permissions::from_mode(0o600));
        }
        let tmp = builder
            .tempfile_in(&dir)
            .map_err(|e| unavailable(&dir, e))?;
        tmp.as_file()
            .write_all(key.as_bytes())
            .and_then(|_| tmp.as_file().sync_all())
            .map_err(|e| unavailable(tmp.path(), e))?;
        match std::fs::hard_link(tmp.path(), &self.path) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {}
            Err(e) => return Err(unavailable(&self.path, e)),
        }
        drop(tmp);
        if let Ok(d) = std::fs::File::open(&dir) {
            // Best effort: not every platform can sync a directory.
            let _ = d.sync_all();
        }
        Ok(())
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
        // Only a regular file, opened without blocking (a FIFO or a device
        // given as the key file is refused, not read or waited on).
        let f = limits::open_regular(&self.path, limits::KEY_FILE)
            .map_err(|e| KeyError::Unavailable(format!("{}: {e}", self.path.display())))?;
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
        // Read into one allocation that is wiped on drop (no copies of the
        // key left behind by a growing buffer), and no further than the
        // limit: a key file is 32 bytes.
        let limit = limits::KEY_FILE_BYTES;
        let mut bytes = zeroize::Zeroizing::new(Vec::with_capacity(limit as usize + 1));
        limits::read_bounded_into(f, limit, limits::KEY_FILE, &mut bytes).map_err(|e| {
            let text = format!("{}: {e}", self.path.display());
            match e {
                limits::LimitError::TooLarge { .. } => KeyError::Malformed(text),
                _ => KeyError::Unavailable(text),
            }
        })?;
        DataKey::from_slice(&bytes).map_err(|e| match e {
            KeyError::Malformed(why) => {
                KeyError::Malformed(format!("{}: {why}", self.path.display()))
            }
            other => other,
        })
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

    #[test]
    fn huge_files_devices_and_pipes_are_refused_without_hanging() {
        let dir = tempfile::tempdir().unwrap();
        let big = dir.path().join("big");
        std::fs::write(&big, vec![7u8; 1 << 20]).unwrap();
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            std::fs::set_permissions(&big, std::fs::Permissions::from_mode(0o600)).unwrap();
        }
        match KeyFile::new(big).data_key() {
            Err(KeyError::Malformed(m)) => assert!(m.contains("4096"), "{m}"),
            other => panic!("{:?}", other.map(|_| ())),
        }
        #[cfg(unix)]
        {
            let fifo = dir.path().join("fifo");
            let c = std::ffi::CString::new(fifo.as_os_str().as_encoded_bytes()).unwrap();
            // SAFETY: a valid NUL-terminated path; mkfifo only creates a node.
            assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
            for path in [fifo, PathBuf::from("/dev/zero")] {
                match KeyFile::new(path.clone()).data_key() {
                    Err(KeyError::Unavailable(m)) => assert!(m.contains("regular file"), "{m}"),
                    other => panic!("{}: {:?}", path.display(), other.map(|_| ())),
                }
            }
        }
    }
}
