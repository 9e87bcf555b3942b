//! A real hoso-portal on a loopback port for each test, with a small
//! catalog cut from the shared national data, and helpers to make accounts.
#![allow(dead_code)]

use hoso_core::catalog::bundle::Bundle;
use hoso_core::catalog::parse::parse_record;
use hoso_core::catalog::source::read_records;
use hoso_portal::{Config, Options, Portal};
use serde_json::{json, Value};
use std::path::Path;
use std::sync::{Arc, OnceLock};

pub const SOURCE: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../shared/data/tthc-national-2642.jsonl.gz"
);

pub const ADMIN: &str = "test-admin-token";

/// Procedures the tests need, plus the first 40 of the source.
pub const CODES: &[&str] = &[
    "1.001193", "1.000894", "1.004222", "1.014064", "3.000333", "1.001612",
];

/// The parsed test catalog (read once per test binary).
pub fn procedures() -> &'static Vec<hoso_core::catalog::Procedure> {
    static P: OnceLock<Vec<hoso_core::catalog::Procedure>> = OnceLock::new();
    P.get_or_init(|| {
        read_records(Path::new(SOURCE))
            .unwrap()
            .iter()
            .map(parse_record)
            .enumerate()
            .filter(|(i, p)| *i < 40 || CODES.contains(&p.code.as_str()))
            .map(|(_, p)| p)
            .collect()
    })
}

/// A test configuration: fast password hashing, admin token set, no
/// simulation (tests move the clock themselves), generous rate limit.
pub fn config() -> Config {
    Config {
        admin_token: ADMIN.into(),
        password_iterations: 1_000,
        simulation: false,
        rate_limit: 10_000.0,
        rate_burst: 10_000,
        ..Config::default()
    }
}

pub struct TestPortal {
    pub dir: tempfile::TempDir,
    pub base: String,
    pub portal: Arc<Portal>,
    pub bundle: Bundle,
    pub http: reqwest::Client,
}

impl TestPortal {
    pub async fn start() -> TestPortal {
        TestPortal::with_config(config()).await
    }

    pub async fn with_config(config: Config) -> TestPortal {
        let dir = tempfile::tempdir().unwrap();
        let bundle = Bundle::new(3, procedures().clone());
        let path = dir.path().join("catalog.bundle");
        bundle.write_to(&path).unwrap();
        let portal = Arc::new(
            Portal::open(Options {
                data_dir: dir.path().join("data"),
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
            base: format!("http://{addr}"),
            portal,
            bundle,
            http: reqwest::Client::new(),
        }
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{path}", self.base)
    }

    /// Registers an account and logs in; returns (access token, token pair).
    pub async fn account(&self, kind: &str, phone: &str) -> (String, Value) {
        let mut body = json!({
            "kind": kind,
            "phone": phone,
            "password": "khai-sinh-2026!",
            "full_name": "Nguyễn Văn An",
        });
        if kind == "volunteer" {
            body["volunteer"] = json!({
                "team": "Tổ công nghệ số cộng đồng phường Trường Vinh",
                "province": "Nghệ An",
                "commune": "Phường Trường Vinh",
            });
        }
        let res = self
            .http
            .post(self.url("/v1/accounts"))
            .json(&body)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 201, "{}", res.text().await.unwrap());
        let pair: Value = self
            .http
            .post(self.url("/v1/auth/login"))
            .json(&json!({"phone": phone, "password": "khai-sinh-2026!"}))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        (pair["access_token"].as_str().unwrap().to_string(), pair)
    }

    /// A citizen's access token.
    pub async fn citizen(&self) -> String {
        self.account("citizen", "0912345678").await.0
    }

    /// Advances the portal clock through the admin API.
    pub async fn advance(&self, body: Value) -> Value {
        let res = self
            .http
            .post(self.url("/v1/admin/clock/advance"))
            .bearer_auth(ADMIN)
            .json(&body)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 200);
        res.json().await.unwrap()
    }
}
