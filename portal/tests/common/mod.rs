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

/// The test admin token (the rule: 32+ characters, 8+ different).
pub const ADMIN: &str = "test-admin-token-0123456789abcdefghij";

/// Procedures the tests need, plus the first 40 of the source.
pub const CODES: &[&str] = &[
    "1.001193", "1.000894", "1.004222", "1.014064", "3.000333", "1.001612",
];

/// Every procedure of the shared source (parsed once per test binary).
pub fn all_procedures() -> &'static Vec<hoso_core::catalog::Procedure> {
    static ALL: OnceLock<Vec<hoso_core::catalog::Procedure>> = OnceLock::new();
    ALL.get_or_init(|| {
        read_records(Path::new(SOURCE))
            .unwrap()
            .iter()
            .map(parse_record)
            .collect()
    })
}

/// The parsed test catalog (cut once per test binary).
pub fn procedures() -> &'static Vec<hoso_core::catalog::Procedure> {
    static P: OnceLock<Vec<hoso_core::catalog::Procedure>> = OnceLock::new();
    P.get_or_init(|| {
        all_procedures()
            .iter()
            .enumerate()
            .filter(|(i, p)| *i < 40 || CODES.contains(&p.code.as_str()))
            .map(|(_, p)| p.clone())
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
            http: {
                hoso_core::client::install_crypto_provider();
                reqwest::Client::new()
            },
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
        let res = self.post("/v1/accounts", None, &body).await;
        assert_eq!(res.status(), 201, "{}", res.text().await.unwrap());
        let pair = self.login(phone).await;
        (pair["access_token"].as_str().unwrap().to_string(), pair)
    }

    /// A citizen's access token.
    pub async fn citizen(&self) -> String {
        self.account("citizen", "0912345678").await.0
    }

    /// Registers a volunteer of `team` (`{team, province, commune}`) and
    /// logs in; its access token and account id. It starts `pending`.
    pub async fn volunteer_of(
        &self,
        phone: &str,
        full_name: &str,
        team: Value,
    ) -> (String, String) {
        let body = json!({
            "kind": "volunteer",
            "phone": phone,
            "password": "khai-sinh-2026!",
            "full_name": full_name,
            "volunteer": team,
        });
        let res = self.post("/v1/accounts", None, &body).await;
        assert_eq!(res.status(), 201, "{}", res.text().await.unwrap());
        let pair = self.login(phone).await;
        (
            pair["access_token"].as_str().unwrap().to_string(),
            pair["account"]["id"].as_str().unwrap().to_string(),
        )
    }

    /// The commune's decision through the admin API: `approve` (body
    /// `{role}`) or `revoke` (body `{reason}`); the status and answer.
    pub async fn decide(&self, account_id: &str, decision: &str, body: Value) -> (u16, Value) {
        let res = self
            .http
            .post(self.url(&format!("/v1/admin/volunteers/{account_id}/{decision}")))
            .bearer_auth(ADMIN)
            .json(&body)
            .send()
            .await
            .unwrap();
        answer(res).await
    }

    /// Approves a volunteer as `role` (`member` or `leader`).
    pub async fn approve(&self, account_id: &str, role: &str) -> Value {
        let (status, body) = self
            .decide(account_id, "approve", json!({"role": role}))
            .await;
        assert_eq!(status, 200, "{body}");
        body
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

/// `dd/mm/yyyy` of the day `days_ago` days before today in Vietnam.
pub fn days_ago(days: i64) -> String {
    hoso_core::validate::format_date(hoso_core::validate::today_vn() - time::Duration::days(days))
}

/// A minimal one-page PDF whose content differs by `salt`.
pub fn pdf(salt: &str) -> Vec<u8> {
    format!("%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\n% {salt}\ntrailer<</Root 1 0 R>>\n%%EOF\n")
        .into_bytes()
}

/// Lower-case hex SHA-256.
pub fn sha(bytes: &[u8]) -> String {
    hoso_core::attachment::hash::Digest::of(bytes).to_hex()
}

/// The `Upload-Checksum` of a chunk.
pub fn checksum(bytes: &[u8]) -> String {
    use base64::Engine;
    format!(
        "sha256 {}",
        base64::engine::general_purpose::STANDARD
            .encode(hoso_core::attachment::hash::Digest::of(bytes).as_bytes())
    )
}

/// Uploads a file with tus (one chunk) to the portal at `base`; its
/// `AttachmentRef`.
pub async fn upload_to(
    http: &reqwest::Client,
    base: &str,
    token: &str,
    bytes: &[u8],
    media_type: &str,
    file_name: &str,
) -> Value {
    let sha = sha(bytes);
    let res = http
        .post(format!("{base}/v1/uploads"))
        .bearer_auth(token)
        .header("Tus-Resumable", "1.0.0")
        .json(&json!({"sha256": sha, "size": bytes.len(), "media_type": media_type}))
        .send()
        .await
        .unwrap();
    let status = res.status().as_u16();
    let upload: Value = res.json().await.unwrap();
    assert!(status == 200 || status == 201, "{upload}");
    if upload["state"] == "in_progress" {
        let offset = upload["offset"].as_u64().unwrap() as usize;
        let chunk = &bytes[offset..];
        let res = http
            .patch(format!("{base}{}", upload["url"].as_str().unwrap()))
            .bearer_auth(token)
            .header("Tus-Resumable", "1.0.0")
            .header("Content-Type", "application/offset+octet-stream")
            .header("Upload-Offset", offset.to_string())
            .header("Upload-Checksum", checksum(chunk))
            .body(chunk.to_vec())
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 204, "{}", res.text().await.unwrap());
    }
    json!({"sha256": sha, "size": bytes.len(), "media_type": media_type, "file_name": file_name})
}

impl TestPortal {
    /// Uploads a file with tus (one chunk) and answers its `AttachmentRef`.
    pub async fn upload(
        &self,
        token: &str,
        bytes: &[u8],
        media_type: &str,
        file_name: &str,
    ) -> Value {
        upload_to(&self.http, &self.base, token, bytes, media_type, file_name).await
    }

    /// A birth registration (1.001193) the portal accepts, with the birth
    /// certificate uploaded by `token`'s account.
    pub async fn birth_submission(&self, token: &str, salt: &str) -> Value {
        let doc = self
            .upload(token, &pdf(salt), "application/pdf", "giay-chung-sinh.pdf")
            .await;
        json!({
            "procedure_code": "1.001193",
            "catalog_version": 3,
            "agency_code": "H40.22",
            "channel": "online",
            "form_values": birth_values(),
            "documents": {"doc05": [doc]},
        })
    }
}

/// Form values of a complete birth registration (shared with the CLI and
/// cross-crate tests), the child born five days ago.
pub fn birth_values() -> Value {
    let mut values: Value =
        serde_json::from_str(include_str!("../../../tests/data/birth-registration.json")).unwrap();
    values["child.date_of_birth"] = json!(days_ago(5));
    values
}

/// The status and JSON body of an answer.
pub async fn answer(res: reqwest::Response) -> (u16, Value) {
    let status = res.status().as_u16();
    let body = res.json().await.unwrap_or(Value::Null);
    (status, body)
}

impl TestPortal {
    /// `POST path` with a JSON body, as `token`'s account (or none).
    pub async fn post(&self, path: &str, token: Option<&str>, body: &Value) -> reqwest::Response {
        let mut req = self.http.post(self.url(path)).json(body);
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        req.send().await.unwrap()
    }

    /// `GET path` as `token`'s account (or none).
    pub async fn get(&self, path: &str, token: Option<&str>) -> reqwest::Response {
        let mut req = self.http.get(self.url(path));
        if let Some(t) = token {
            req = req.bearer_auth(t);
        }
        req.send().await.unwrap()
    }

    /// Logs in with the test password; the token pair.
    pub async fn login(&self, phone: &str) -> Value {
        let res = self
            .post(
                "/v1/auth/login",
                None,
                &json!({"phone": phone, "password": "khai-sinh-2026!"}),
            )
            .await;
        answer(res).await.1
    }
}
