//! Every catalog version the portal has served, kept as the bundle files
//! themselves in `DATA/catalogs/{version}.bundle`, so deltas from them
//! survive restarts; which one is current at start-up (the newest kept, so
//! the version clients see never goes back); installing a newer one; and
//! the bodies derived from the current one (deltas, the decoded bundle),
//! computed once.

use super::delta::EncodedDelta;
use crate::{PortalError, ServedCatalog};
use axum::body::Bytes;
use hoso_core::catalog::bundle::{Bundle, BundleError};
use std::collections::HashMap;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};

const DIR: &str = "catalogs";

/// The versions kept besides the current one, and the current one's
/// derived bodies.
#[derive(Default)]
pub struct History {
    dir: PathBuf,
    /// Older versions with a kept bundle, ascending.
    kept: Vec<u64>,
    deltas: Mutex<HashMap<u64, Arc<EncodedDelta>>>,
    identity: OnceLock<Bytes>,
}

impl History {
    fn new(dir: PathBuf, kept: Vec<u64>) -> History {
        History {
            dir,
            kept,
            ..History::default()
        }
    }

    /// Versions a delta is answered from (older than the current).
    pub(crate) fn kept(&self) -> &[u64] {
        &self.kept
    }

    /// The kept bundle of `version`, read and verified.
    pub(crate) fn read(&self, version: u64) -> Result<Bundle, BundleError> {
        Bundle::read_from(&path(&self.dir, version))
    }

    /// A delta computed before, from `since` to this version.
    pub(crate) fn cached_delta(&self, since: u64) -> Option<Arc<EncodedDelta>> {
        self.deltas
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .get(&since)
            .cloned()
    }

    pub(crate) fn cache_delta(&self, since: u64, delta: Arc<EncodedDelta>) {
        self.deltas
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .insert(since, delta);
    }

    /// The bundle's JSON, decoded once (for clients that refuse gzip).
    pub(crate) fn identity(&self, gzip: &[u8]) -> std::io::Result<Bytes> {
        if let Some(b) = self.identity.get() {
            return Ok(b.clone());
        }
        let mut json = Vec::new();
        std::io::Read::read_to_end(&mut flate2::read::MultiGzDecoder::new(gzip), &mut json)?;
        Ok(self.identity.get_or_init(|| json.into()).clone())
    }
}

fn path(dir: &Path, version: u64) -> PathBuf {
    dir.join(format!("{version}.bundle"))
}

/// Kept versions found in `dir`, ascending.
fn listed(dir: &Path) -> std::io::Result<Vec<u64>> {
    let mut versions = Vec::new();
    for entry in std::fs::read_dir(dir)? {
        let name = entry?.file_name();
        let name = name.to_string_lossy();
        if let Some(v) = name
            .strip_suffix(".bundle")
            .and_then(|n| n.parse::<u64>().ok())
        {
            versions.push(v);
        }
    }
    versions.sort_unstable();
    Ok(versions)
}

/// Writes a new file atomically; `false` when `target` already exists.
fn write_new(dir: &Path, target: &Path, bytes: &[u8]) -> std::io::Result<bool> {
    let mut tmp = tempfile::NamedTempFile::new_in(dir)?;
    tmp.write_all(bytes)?;
    tmp.as_file().sync_all()?;
    match tmp.persist_noclobber(target) {
        Ok(_) => Ok(true),
        Err(e) if e.error.kind() == std::io::ErrorKind::AlreadyExists => Ok(false),
        Err(e) => Err(e.error),
    }
}

fn served(bytes: impl Into<Bytes>, bundle: Bundle, history: History) -> ServedCatalog {
    // A units table the catalog carries checks addresses here as on the
    // devices (the newer of it and the built-in one, ADR 0023).
    if let Some(units) = bundle.data_item(hoso_core::catalog::data::UNITS) {
        let _ = hoso_core::places::offer(units.bytes.clone());
    }
    ServedCatalog {
        bytes: bytes.into(),
        info: bundle.info.clone(),
        bundle,
        history,
    }
}

/// Keeps the start-up bundle among the versions and answers the catalog to
/// serve: the newest kept version (a newer one installed before a restart
/// stays current).
pub(crate) fn open_versions(data_dir: &Path, startup: &Path) -> Result<ServedCatalog, PortalError> {
    let dir = data_dir.join(DIR);
    std::fs::create_dir_all(&dir)?;
    let bytes = std::fs::read(startup)?;
    let bundle = Bundle::from_reader(&bytes[..])?;
    let own = path(&dir, bundle.info.version);
    if std::fs::read(&own).ok().as_deref() != Some(&bytes[..]) {
        // Same version, other bytes: the bundle given at start-up wins;
        // clients holding the other content see a hash mismatch and fetch
        // the full bundle.
        let _ = std::fs::remove_file(&own);
        write_new(&dir, &own, &bytes)?;
    }
    let versions = listed(&dir)?;
    for &v in versions.iter().rev().filter(|&&v| v > bundle.info.version) {
        match std::fs::read(path(&dir, v)).map(|b| (Bundle::from_reader(&b[..]), b)) {
            Ok((Ok(newer), b)) => {
                let kept = versions.iter().copied().filter(|&k| k < v).collect();
                return Ok(served(b, newer, History::new(dir, kept)));
            }
            _ => eprintln!(
                "hoso-portal: bỏ qua gói danh mục hỏng / skipping damaged kept catalog version {v}"
            ),
        }
    }
    let kept = versions
        .iter()
        .copied()
        .filter(|&k| k < bundle.info.version)
        .collect();
    Ok(served(bytes, bundle, History::new(dir, kept)))
}

/// Why a bundle was not installed.
#[derive(Debug, thiserror::Error)]
pub(crate) enum InstallError {
    #[error("{0}")]
    Invalid(BundleError),
    /// A form the bundle carries that devices would refuse.
    #[error("{0}")]
    Form(hoso_core::form::DeliveredFormError),
    #[error("phiên bản danh mục phải mới hơn {0} / the catalog version must be newer than {0}")]
    NotNewer(u64),
    #[error("không lưu được gói danh mục / cannot keep the catalog bundle: {0}")]
    Io(std::io::Error),
}

/// Verifies `bytes` as a catalog bundle, with the forms it carries.
pub(crate) fn verify(bytes: &[u8]) -> Result<Bundle, InstallError> {
    let bundle = Bundle::from_reader(bytes).map_err(InstallError::Invalid)?;
    hoso_core::form::check_delivered_forms(&bundle.data).map_err(InstallError::Form)?;
    Ok(bundle)
}

/// Keeps `bundle` (verified, the file `bytes`) when it is newer than
/// `current` and makes the catalog to serve next (`current`'s version joins
/// the kept ones).
pub(crate) fn install(
    current: &ServedCatalog,
    bytes: Bytes,
    bundle: Bundle,
) -> Result<ServedCatalog, InstallError> {
    let version = bundle.info.version;
    if version <= current.info.version {
        return Err(InstallError::NotNewer(current.info.version));
    }
    let dir = &current.history.dir;
    std::fs::create_dir_all(dir).map_err(InstallError::Io)?;
    // Installs are serialised (`Portal::set_catalog`): a file already
    // there for a version newer than the current one is a damaged leftover.
    let target = path(dir, version);
    let _ = std::fs::remove_file(&target);
    write_new(dir, &target, &bytes).map_err(InstallError::Io)?;
    let mut kept = current.history.kept.clone();
    kept.push(current.info.version);
    Ok(served(bytes, bundle, History::new(dir.clone(), kept)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn file(dir: &Path, bundle: &Bundle, name: &str) -> (PathBuf, Vec<u8>) {
        let path = dir.join(name);
        bundle.write_to(&path).unwrap();
        let bytes = std::fs::read(&path).unwrap();
        (path, bytes)
    }

    #[test]
    fn versions_survive_a_restart_and_never_go_back() {
        let tmp = tempfile::tempdir().unwrap();
        let data = tmp.path().join("data");
        let (v3, _) = file(tmp.path(), &Bundle::new(3, Vec::new()), "v3.bundle");
        let first = open_versions(&data, &v3).unwrap();
        assert_eq!((first.info.version, first.history.kept()), (3, &[][..]));

        let (_, bytes) = file(tmp.path(), &Bundle::new(4, Vec::new()), "v4.bundle");
        let bundle = verify(&bytes).unwrap();
        let second = install(&first, bytes.clone().into(), bundle).unwrap();
        assert_eq!((second.info.version, second.history.kept()), (4, &[3][..]));
        assert!(matches!(
            install(&second, bytes.clone().into(), verify(&bytes).unwrap()),
            Err(InstallError::NotNewer(4))
        ));

        // Restarted with the old bundle: version 4 stays current, 3 kept.
        let again = open_versions(&data, &v3).unwrap();
        assert_eq!((again.info.version, again.history.kept()), (4, &[3][..]));
        assert_eq!(&again.bytes[..], &bytes[..]);
        assert_eq!(again.history.read(3).unwrap().info, first.info);

        // A damaged newer file is skipped, not served.
        std::fs::write(data.join(DIR).join("9.bundle"), b"damaged").unwrap();
        let again = open_versions(&data, &v3).unwrap();
        assert_eq!(again.info.version, 4);
    }

    #[test]
    fn submissions_are_checked_against_the_form_the_catalog_carries() {
        let procedure = hoso_core::catalog::Procedure {
            code: "1.001193".into(),
            name: "Đăng ký khai sinh".into(),
            ..Default::default()
        };
        let mut form: serde_json::Value =
            serde_json::from_str(hoso_core::form::builtin_source("1.001193").unwrap()).unwrap();
        form["version"] = 2.into();
        let item = hoso_core::catalog::data::DataItem::new(
            &hoso_core::form::form_item_name("1.001193"),
            serde_json::to_vec(&form).unwrap(),
        );
        let bundle = Bundle::new(1, vec![procedure.clone()])
            .with_data(vec![item])
            .unwrap();
        let dir = tempfile::tempdir().unwrap();
        let catalog = served(Vec::new(), bundle, History::new(dir.path().into(), vec![]));
        assert_eq!(catalog.schema(&procedure).version, 2);
        let plain = served(
            Vec::new(),
            Bundle::new(1, vec![procedure.clone()]),
            History::new(dir.path().into(), vec![]),
        );
        assert_eq!(plain.schema(&procedure).version, 1);
    }
}
