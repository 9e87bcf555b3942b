//! Shared set-up for cross-crate tests: a real hoso-portal on loopback
//! (in-process, ephemeral port) with a catalog cut from the shared data,
//! and a device-side data directory with the same catalog and a key.
#![allow(dead_code)]

use hoso_core::catalog::bundle::Bundle;
use hoso_core::vault::{DataKey, KeyError, KeyProvider};
use hoso_portal::{Config, Options, Portal};
use std::path::Path;
use std::sync::{Arc, OnceLock};

pub const SOURCE: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../shared/data/tthc-national-2642.jsonl.gz"
);

/// The first 20 procedures and the birth registration.
pub fn bundle() -> &'static Bundle {
    static B: OnceLock<Bundle> = OnceLock::new();
    B.get_or_init(|| {
        let records = hoso_core::catalog::source::read_records(Path::new(SOURCE)).unwrap();
        let procedures = records
            .iter()
            .map(hoso_core::catalog::parse::parse_record)
            .enumerate()
            .filter(|(i, p)| *i < 20 || p.code == "1.001193")
            .map(|(_, p)| p)
            .collect();
        Bundle::new(1, procedures)
    })
}

/// A portal test configuration (fast hashing, no simulation).
pub fn config() -> Config {
    Config {
        admin_token: "admin".into(),
        password_iterations: 1_000,
        simulation: false,
        rate_limit: 100_000.0,
        rate_burst: 100_000,
        ..Config::default()
    }
}

pub struct TestPortal {
    pub dir: tempfile::TempDir,
    pub portal: Arc<Portal>,
    pub base: String,
}

pub async fn portal(config: Config) -> TestPortal {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("catalog.bundle");
    bundle().write_to(&path).unwrap();
    let portal = Arc::new(
        Portal::open(Options {
            data_dir: dir.path().join("portal"),
            catalog: path,
            config,
        })
        .unwrap(),
    );
    let (addr, _task) = hoso_portal::start(portal.clone(), "127.0.0.1:0".parse().unwrap())
        .await
        .unwrap();
    TestPortal {
        dir,
        portal,
        base: format!("http://{addr}"),
    }
}

/// A fixed device key.
pub struct FixedKey(pub [u8; 32]);

impl KeyProvider for FixedKey {
    fn data_key(&self) -> Result<DataKey, KeyError> {
        Ok(DataKey::from_bytes(self.0))
    }
}

/// A device data directory holding the test catalog.
pub fn device() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let store = hoso_core::catalog::store::CatalogStore::open(dir.path()).unwrap();
    store.install(bundle()).unwrap();
    dir
}

/// A PDF of exactly `size` bytes, unique to `salt`.
pub fn pdf(size: usize, salt: &str) -> Vec<u8> {
    let mut bytes = format!("%PDF-1.4\n% {salt}\n").into_bytes();
    let mut x: u32 = salt
        .bytes()
        .fold(17, |a, b| a.wrapping_mul(31).wrapping_add(b as u32));
    while bytes.len() < size.saturating_sub(6) {
        x = x.wrapping_mul(1_664_525).wrapping_add(1_013_904_223);
        bytes.push(b'0' + (x >> 28) as u8 % 10);
    }
    bytes.extend_from_slice(b"%%EOF\n");
    bytes
}

/// Registers and logs in a citizen through the core's client.
pub async fn citizen(client: &hoso_core::sync::client::PortalClient, phone: &str) {
    let body = serde_json::json!({"kind": "citizen", "phone": phone, "password": "khai-sinh-2026!", "full_name": "Nguyễn Văn An"});
    client
        .send(
            client
                .request(hoso_core::sync::client::Method::POST, "/v1/accounts")
                .json(&body),
        )
        .await
        .unwrap();
    client.login(phone, "khai-sinh-2026!").await.unwrap();
}
