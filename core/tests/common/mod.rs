//! Fixtures shared by the draft tests: a data directory holding a small
//! catalog built from the real national data, and a fixed-key provider.
#![allow(dead_code)]

use hoso_core::catalog::bundle::Bundle;
use hoso_core::catalog::parse::parse_record;
use hoso_core::catalog::source::read_records;
use hoso_core::catalog::store::CatalogStore;
use hoso_core::catalog::Procedure;
use hoso_core::vault::{DataKey, KeyError, KeyProvider};
use std::path::Path;
use std::sync::OnceLock;

pub const SOURCE: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../shared/data/tthc-national-2642.jsonl.gz"
);

/// Procedures with hand-written forms, one generic one (1.001022,
/// recognition of a parent or child) and one with a photo slot (1.000807,
/// "02 ảnh …").
pub const CODES: [&str; 9] = [
    "1.001193", "1.000894", "1.004222", "1.014064", "3.000333", "1.001612", "1.000656", "1.001022",
    "1.000807",
];

/// The procedures of `CODES`, parsed once per test binary.
pub fn procedures() -> &'static [Procedure] {
    static ALL: OnceLock<Vec<Procedure>> = OnceLock::new();
    ALL.get_or_init(|| {
        read_records(Path::new(SOURCE))
            .expect("read the national data")
            .iter()
            .filter(|r| CODES.contains(&r.ma_thu_tuc.as_str()))
            .map(parse_record)
            .collect()
    })
}

/// Installs the `CODES` procedures as catalog `version` under `dir`.
pub fn install_catalog(dir: &Path, version: u64) {
    let store = CatalogStore::open(dir).expect("open catalog");
    store
        .install(&Bundle::new(version, procedures().to_vec()))
        .expect("install catalog");
}

/// A key provider returning a fixed key.
pub struct FixedKey(pub [u8; 32]);

impl KeyProvider for FixedKey {
    fn data_key(&self) -> Result<DataKey, KeyError> {
        Ok(DataKey::from_bytes(self.0))
    }
}
