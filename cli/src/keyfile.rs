//! The CLI's `KeyProvider`: a 32-byte key in a file created on first use
//! with owner-only (0600) permissions, by default outside the data
//! directory (so a copy or backup of the data does not carry its key), in
//! the key directory under a name derived from the data directory's path.
//! A key left inside the data directory by an older hoso is moved out on
//! first use. Phones use the platform keystore instead; the core never
//! writes the key.

use hoso_core::limits;
use hoso_core::vault::{DataKey, KeyError, KeyProvider, SecretStore};
use std::io::Write;
use std::path::{Path, PathBuf};

/// A key kept in a file on a laptop.
pub struct KeyFile {
    path: PathBuf,
    /// Where an older hoso kept this key (`DIR/key`), to move out.
    legacy: Option<PathBuf>,
}

/// The directory default key files live in: `HOSO_KEY_DIR`, else the
/// platform's configuration directory (`~/.config/hoso/keys` on Linux).
fn key_dir() -> PathBuf {
    std::env::var_os("HOSO_KEY_DIR")
        .filter(|d| !d.is_empty())
        .map(PathBuf::from)
        .or_else(|| {
            directories::ProjectDirs::from("vn", "hoso", "hoso")
                .map(|d| d.config_dir().join("keys"))
        })
        .unwrap_or_else(|| PathBuf::from(".hoso-keys"))
}

/// The default key file of `data_dir`: in [`key_dir`], named by the
/// SHA-256 of the data directory's absolute path (its first 16 bytes in
/// hex), so each data directory has its own key and the name says nothing
/// of where the data is.
pub fn default_path(data_dir: &Path) -> PathBuf {
    let absolute = std::path::absolute(data_dir).unwrap_or_else(|_| data_dir.to_path_buf());
    let name = absolute.as_os_str().as_encoded_bytes();
    let digest = hoso_core::attachment::hash::sha256_reader(name, None, |_, _| {
        hoso_core::attachment::hash::Flow::Continue
    })
    .map(|(d, _)| d.to_hex())
    .unwrap_or_default();
    key_dir().join(format!("{}.key", &digest[..32.min(digest.len())]))
}

impl KeyFile {
    /// The key file at `path`, as given.
    pub fn new(path: PathBuf) -> KeyFile {
        KeyFile { path, legacy: None }
    }

    /// The default key of `data_dir` ([`default_path`]); one an older
    /// hoso left at `DIR/key` is moved there on first use.
    pub fn default_for(data_dir: &Path) -> KeyFile {
        KeyFile {
            path: default_path(data_dir),
            legacy: Some(data_dir.join("key")),
        }
    }

    /// Moves a key left inside the data directory out to `path`: linked
    /// into place (or copied and synced when the two are on different
    /// file systems), then removed from the data directory. If both exist
    /// and differ, neither is guessed at: a typed error names both.
    fn move_legacy(&self) -> Result<(), KeyError> {
        let Some(legacy) = self.legacy.as_deref().filter(|l| l.is_file()) else {
            return Ok(());
        };
        if self.path.exists() {
            let same = std::fs::read(legacy).ok() == std::fs::read(&self.path).ok();
            if !same {
                return Err(KeyError::Unavailable(format!(
                    "có hai tệp khóa khác nhau cho cùng dữ liệu: {} và {}; hãy giữ một / two different key files for the same data: {} and {}; keep one",
                    legacy.display(),
                    self.path.display(),
                    legacy.display(),
                    self.path.display()
                )));
            }
        } else {
            let dir = self.dir();
            create_private_dir(&dir)?;
            if std::fs::hard_link(legacy, &self.path).is_err() {
                let key = zeroize::Zeroizing::new(
                    std::fs::read(legacy).map_err(|e| unavailable(legacy, e))?,
                );
                self.write_atomically(&key)?;
            }
            sync_dir(&dir);
        }
        std::fs::remove_file(legacy).map_err(|e| unavailable(legacy, e))?;
        if let Some(parent) = legacy.parent() {
            sync_dir(parent);
        }
        Ok(())
    }

    fn dir(&self) -> PathBuf {
        match self.path.parent() {
            Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
            _ => PathBuf::from("."),
        }
    }

    /// Creates the key file atomically: a new key written to a temporary
    /// file beside it, synced, then hard-linked into place (which fails if
    /// another process got there first — theirs is used) and the directory
    /// synced. A crash leaves no key file or a whole one, never a partial key.
    fn create(&self) -> Result<(), KeyError> {
        let key = DataKey::generate()?;
        create_private_dir(&self.dir())?;
        self.write_atomically(key.as_bytes())
    }

    fn write_atomically(&self, key: &[u8]) -> Result<(), KeyError> {
        let dir = self.dir();
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
            .write_all(key)
            .and_then(|_| tmp.as_file().sync_all())
            .map_err(|e| unavailable(tmp.path(), e))?;
        match std::fs::hard_link(tmp.path(), &self.path) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::AlreadyExists => {}
            Err(e) => return Err(unavailable(&self.path, e)),
        }
        drop(tmp);
        sync_dir(&dir);
        Ok(())
    }
}

/// Creates `dir` (and its parents) readable by the owner only where it is
/// new.
fn create_private_dir(dir: &Path) -> Result<(), KeyError> {
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::DirBuilderExt;
        builder.mode(0o700);
    }
    builder.create(dir).map_err(|e| unavailable(dir, e))
}

/// Best effort: not every platform can sync a directory.
fn sync_dir(dir: &Path) {
    if let Ok(d) = std::fs::File::open(dir) {
        let _ = d.sync_all();
    }
}

/// The CLI's [`SecretStore`]: each named secret a 32-byte file beside the
/// key file (`<key file>.<name>.key`), under the same owner-only rules, so
/// outside the data directory whenever the key is.
pub struct SecretFiles {
    key_file: PathBuf,
}

impl SecretFiles {
    pub fn beside(key_file: &KeyFile) -> SecretFiles {
        SecretFiles {
            key_file: key_file.path.clone(),
        }
    }

    fn file(&self, name: &str) -> KeyFile {
        let mut path = self.key_file.clone().into_os_string();
        path.push(format!(".{name}.key"));
        KeyFile::new(PathBuf::from(path))
    }
}

impl SecretStore for SecretFiles {
    fn get(&self, name: &str) -> Result<Option<DataKey>, KeyError> {
        let file = self.file(name);
        if !file.path.exists() {
            return Ok(None);
        }
        file.data_key().map(Some)
    }

    fn put(&self, name: &str, secret: &DataKey) -> Result<(), KeyError> {
        let file = self.file(name);
        self.delete(name)?;
        create_private_dir(&file.dir())?;
        file.write_atomically(secret.as_bytes())
    }

    fn delete(&self, name: &str) -> Result<(), KeyError> {
        let file = self.file(name);
        match std::fs::remove_file(&file.path) {
            Ok(()) => {
                sync_dir(&file.dir());
                Ok(())
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
            Err(e) => Err(unavailable(&file.path, e)),
        }
    }
}

fn unavailable(path: &Path, e: std::io::Error) -> KeyError {
    KeyError::Unavailable(format!("{}: {e}", path.display()))
}

impl KeyProvider for KeyFile {
    fn data_key(&self) -> Result<DataKey, KeyError> {
        self.move_legacy()?;
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

    #[test]
    fn the_default_key_lives_outside_its_data_directory() {
        let dir = tempfile::tempdir().unwrap();
        let data = dir.path().join("data");
        let path = default_path(&data);
        assert!(!path.starts_with(&data), "{}", path.display());
        assert_ne!(path, default_path(&dir.path().join("other")));
        // The name says nothing of where the data is.
        let name = path.file_name().unwrap().to_str().unwrap();
        assert!(!name.contains("data") && name.ends_with(".key") && name.len() == 36);
    }

    #[test]
    fn a_key_left_in_the_data_directory_is_moved_out_once() {
        let dir = tempfile::tempdir().unwrap();
        let data = dir.path().join("data");
        std::fs::create_dir_all(&data).unwrap();
        let old = KeyFile::new(data.join("key"));
        let key = *old.data_key().unwrap().as_bytes();
        let moved = KeyFile {
            path: dir.path().join("keys").join("k.key"),
            legacy: Some(data.join("key")),
        };
        assert_eq!(moved.data_key().unwrap().as_bytes(), &key);
        assert!(!data.join("key").exists());
        assert_eq!(std::fs::read(&moved.path).unwrap(), key);
        assert_eq!(moved.data_key().unwrap().as_bytes(), &key);
        #[cfg(unix)]
        {
            use std::os::unix::fs::PermissionsExt;
            let mode = std::fs::metadata(dir.path().join("keys"))
                .unwrap()
                .permissions()
                .mode();
            assert_eq!(mode & 0o777, 0o700);
        }

        // A different key back in the data directory: neither is guessed at.
        KeyFile::new(data.join("key")).data_key().unwrap();
        match moved.data_key() {
            Err(KeyError::Unavailable(m)) => assert!(m.contains("two different key files"), "{m}"),
            other => panic!("{:?}", other.map(|_| ())),
        }
        assert!(data.join("key").exists());
    }
}
