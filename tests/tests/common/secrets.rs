//! A host secret store for chaos children: in files, surviving a SIGKILL,
//! each secret written whole (temp file, fsync, rename). In one process,
//! tests use the core's `vault::MemorySecrets`.

use hoso_core::vault::{DataKey, KeyError, SecretStore};
use std::io::Write;
use std::path::PathBuf;

/// One file per secret under a directory.
pub struct FileSecrets(pub PathBuf);

impl SecretStore for FileSecrets {
    fn get(&self, name: &str) -> Result<Option<DataKey>, KeyError> {
        match std::fs::read(self.0.join(name)) {
            Ok(bytes) => DataKey::from_slice(&bytes).map(Some),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(e) => Err(KeyError::Unavailable(e.to_string())),
        }
    }
    fn put(&self, name: &str, secret: &DataKey) -> Result<(), KeyError> {
        let fail = |e: std::io::Error| KeyError::Unavailable(e.to_string());
        std::fs::create_dir_all(&self.0).map_err(fail)?;
        let temp = self.0.join(format!("{name}.tmp"));
        let mut file = std::fs::File::create(&temp).map_err(fail)?;
        file.write_all(secret.as_bytes()).map_err(fail)?;
        file.sync_all().map_err(fail)?;
        std::fs::rename(&temp, self.0.join(name)).map_err(fail)?;
        std::fs::File::open(&self.0)
            .and_then(|d| d.sync_all())
            .map_err(fail)
    }
    fn delete(&self, name: &str) -> Result<(), KeyError> {
        match std::fs::remove_file(self.0.join(name)) {
            Ok(()) => Ok(()),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
            Err(e) => Err(KeyError::Unavailable(e.to_string())),
        }
    }
}
