//! Shared set-up for cross-crate tests: a real hoso-portal on loopback
//! (in-process, ephemeral port) with a catalog cut from the shared data,
//! and a device-side data directory with the same catalog and a key.
#![allow(dead_code)]

pub mod kill;
pub mod proxy;
pub mod secrets;

use hoso_core::catalog::bundle::Bundle;
use hoso_core::draft::Drafts;
use hoso_core::sync::Local;
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

/// The test portals' admin token.
pub const ADMIN: &str = "hoso-tests-admin-token-0123456789abcdef";

/// A portal test configuration (fast hashing, no simulation).
pub fn config() -> Config {
    Config {
        admin_token: ADMIN.into(),
        password_iterations: 1_000,
        simulation: false,
        rate_limit: 100_000.0,
        rate_burst: 100_000,
        ..Config::default()
    }
}

/// [`config`] with the faults the chaos tests run through: 20 % of
/// requests answered 500/503 (half after committing), 5 % of connections
/// reset, up to 200 ms of jitter, from `seed`.
pub fn faulty(seed: u64) -> Config {
    let mut config = config();
    config.faults.rate_5xx = 0.2;
    config.faults.reset_rate = 0.05;
    config.faults.jitter_ms = 200;
    config.faults.seed = seed;
    config
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

/// The password of every test citizen.
pub const PASSWORD: &str = "khai-sinh-2026!";

/// Registers a citizen account.
pub async fn register(
    client: &hoso_core::client::PortalClient,
    phone: &str,
) -> Result<(), hoso_core::client::PortalError> {
    client
        .register_citizen(phone, PASSWORD, "Nguyễn Văn An")
        .await
}

/// Registers and logs in a citizen through the core's client.
pub async fn citizen(client: &hoso_core::client::PortalClient, phone: &str) {
    register(client, phone).await.unwrap();
    client.login(phone, PASSWORD).await.unwrap();
}

/// The team every test volunteer belongs to.
pub fn team() -> hoso_core::wire::VolunteerProfile {
    hoso_core::wire::VolunteerProfile {
        team: "Tổ công nghệ số cộng đồng phường Trường Vinh".into(),
        province: "Nghệ An".into(),
        commune: "Phường Trường Vinh".into(),
    }
}

/// Registers a volunteer account of a commune's team (pending approval).
pub async fn register_volunteer(
    client: &hoso_core::client::PortalClient,
    phone: &str,
) -> Result<(), hoso_core::client::PortalError> {
    client
        .register_volunteer(phone, PASSWORD, "Hồ Thị Lan", team())
        .await
        .map(|_| ())
}

/// The commune approves volunteer `account_id` as a team member.
pub async fn approve(tp: &TestPortal, account_id: &str) {
    admin(
        tp,
        hoso_core::client::Method::POST,
        &format!("/v1/admin/volunteers/{account_id}/approve"),
        Some(serde_json::json!({"role": "member"})),
    )
    .await;
}

/// Registers, has the commune approve and logs in a volunteer, through
/// faults (up to `tries` attempts each); whether it is logged in.
pub async fn volunteer_through_faults(
    tp: &TestPortal,
    client: &hoso_core::client::PortalClient,
    phone: &str,
    tries: usize,
) -> bool {
    for _ in 0..tries {
        match register_volunteer(client, phone).await {
            Ok(_) => break,
            Err(e) if e.code() == Some("account_exists") => break,
            Err(_) => continue,
        }
    }
    for _ in 0..tries {
        if let Ok(account) = client.login(phone, PASSWORD).await {
            approve(tp, &account.id).await;
            return true;
        }
    }
    false
}

/// Logs in an existing account through faults; whether it is logged in.
pub async fn login_through_faults(
    client: &hoso_core::client::PortalClient,
    phone: &str,
    tries: usize,
) -> bool {
    for _ in 0..tries {
        if client.login(phone, PASSWORD).await.is_ok() {
            return true;
        }
    }
    false
}

/// Registers and logs in through a portal injecting faults, up to `tries`
/// attempts each; whether it is logged in.
pub async fn citizen_through_faults(
    client: &hoso_core::client::PortalClient,
    phone: &str,
    tries: usize,
) -> bool {
    for _ in 0..tries {
        match register(client, phone).await {
            Ok(_) => break,
            Err(e) if e.code() == Some("account_exists") => break,
            Err(_) => continue,
        }
    }
    for _ in 0..tries {
        if client.login(phone, PASSWORD).await.is_ok() {
            return true;
        }
    }
    false
}

/// `dd/mm/yyyy`, `days` ago in Vietnam.
pub fn days_ago(days: i64) -> String {
    let today = hoso_core::validate::today_vn();
    let day =
        hoso_core::validate::Date::from_julian_day(today.to_julian_day() - days as i32).unwrap();
    hoso_core::validate::format_date(day)
}

/// A complete birth registration's values (child's date of birth set
/// per run), shared with the CLI and portal tests.
pub const VALUES: &str = include_str!("../../data/birth-registration.json");

/// A complete birth registration without documents: the fixture's values
/// and a child born five days ago.
pub fn filled_draft(drafts: &Drafts) -> String {
    let draft = drafts.create("1.001193", false).unwrap();
    let values: std::collections::BTreeMap<String, String> = serde_json::from_str(VALUES).unwrap();
    for (path, value) in &values {
        let out = drafts.set(&draft.id, path, value).unwrap();
        assert!(out.problem.is_none(), "{path}");
    }
    drafts
        .set(&draft.id, "child.date_of_birth", &days_ago(5))
        .unwrap();
    draft.id
}

/// Attaches a generated PDF of `size` bytes, unique to `salt`, to `slot`.
pub fn attach_pdf(
    drafts: &Drafts,
    dir: &std::path::Path,
    draft_id: &str,
    slot: &str,
    size: usize,
    salt: &str,
) {
    let file = dir.join(format!("{salt}-{slot}.pdf"));
    std::fs::write(&file, pdf(size, salt)).unwrap();
    drafts.attach(draft_id, slot, &file, &mut |_| true).unwrap();
    std::fs::remove_file(&file).unwrap();
}

/// A complete birth registration with its birth certificate attached.
pub fn ready_draft(drafts: &Drafts, dir: &std::path::Path, salt: &str) -> String {
    let id = filled_draft(drafts);
    attach_pdf(drafts, dir, &id, "doc05", 300_000, salt);
    id
}

pub fn now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .unwrap()
        .as_secs() as i64
}

pub async fn admin_stats(tp: &TestPortal) -> serde_json::Value {
    admin(tp, hoso_core::client::Method::GET, "/v1/admin/stats", None).await
}

/// Moves a dossier to another status as the officer would.
pub async fn set_status(tp: &TestPortal, code: &str, change: serde_json::Value) {
    admin(
        tp,
        hoso_core::client::Method::POST,
        &format!("/v1/admin/dossiers/{code}/status"),
        Some(change),
    )
    .await;
}

/// An admin call (`/v1/admin/…`, never faulted); the answer's JSON.
pub async fn admin(
    tp: &TestPortal,
    method: hoso_core::client::Method,
    path: &str,
    body: Option<serde_json::Value>,
) -> serde_json::Value {
    let http = hoso_core::client::PortalClient::new(&tp.base).unwrap();
    let mut request = http.request(method, path).bearer_auth(ADMIN);
    if let Some(body) = body {
        request = request.json(&body);
    }
    http.send(request).await.unwrap().json().unwrap()
}

/// Queues a ready draft for the test portal's agency, online.
pub fn freeze(local: &Local, draft_id: &str) -> hoso_core::outbox::Submission {
    local
        .outbox
        .freeze(
            &local.drafts,
            draft_id,
            Some("H40.22"),
            hoso_core::catalog::ChannelKind::Online,
        )
        .unwrap()
}

/// One sync pass now with the default options and no events.
pub async fn pass(
    client: &hoso_core::client::PortalClient,
    local: &Local,
) -> hoso_core::sync::engine::SyncReport {
    hoso_core::sync::engine::sync_once(
        client,
        local,
        now(),
        &hoso_core::sync::engine::SyncOptions::default(),
        &|_| {},
    )
    .await
    .unwrap()
}

/// A portal and a device that filed one birth registration.
pub struct Filed {
    pub tp: TestPortal,
    pub device: tempfile::TempDir,
    pub local: Local,
    pub client: hoso_core::client::PortalClient,
    pub code: String,
}

/// Files one birth registration from a fresh device (key bytes `key`).
pub async fn filed(key: u8) -> Filed {
    let tp = portal(config()).await;
    let device = device();
    let local = Local::open(device.path(), &FixedKey([key; 32])).unwrap();
    let id = ready_draft(&local.drafts, device.path(), &format!("filed{key}"));
    freeze(&local, &id);
    let client = hoso_core::client::PortalClient::new(&tp.base).unwrap();
    citizen(&client, "0912345678").await;
    let code = pass(&client, &local).await.submitted[0].clone();
    Filed {
        tp,
        device,
        local,
        client,
        code,
    }
}
