//! hoso-portal's settings: limits, token lifetimes, the rate limit, the
//! processing clock and officer simulation, and fault injection (off by
//! default). `hoso-portal serve` flags map one to one onto these fields.

use std::time::Duration;

/// Fault injection for tests; every rate is a fraction in 0..=1.
#[derive(Debug, Clone, Default)]
pub struct Faults {
    /// Added to every request.
    pub latency_ms: u64,
    /// Uniform extra delay in 0..=jitter_ms.
    pub jitter_ms: u64,
    /// Answers `500 internal` or `503 unavailable` (half after the request
    /// was processed and committed).
    pub rate_5xx: f64,
    /// Resets the connection while reading the body or after part of the
    /// response was sent.
    pub reset_rate: f64,
    /// Answers `429 rate_limited`.
    pub rate_429: f64,
    pub seed: u64,
}

impl Faults {
    pub fn any(&self) -> bool {
        self.latency_ms > 0
            || self.jitter_ms > 0
            || self.rate_5xx > 0.0
            || self.reset_rate > 0.0
            || self.rate_429 > 0.0
    }
}

/// Everything `hoso-portal serve` can be told.
#[derive(Debug, Clone)]
pub struct Config {
    /// JSON request bodies (`--max-body-bytes`).
    pub max_body_bytes: u64,
    /// One upload PATCH chunk (`--max-chunk-bytes`).
    pub max_chunk_bytes: u64,
    /// A declared upload (`--max-upload-bytes`, `Tus-Max-Size`).
    pub max_upload_bytes: u64,
    /// An admin catalog bundle.
    pub max_bundle_bytes: u64,
    /// Requests per second per token (or client IP) sustained.
    pub rate_limit: f64,
    /// Bucket size.
    pub rate_burst: u32,
    /// The bearer token of `/v1/admin/…`.
    pub admin_token: String,
    pub access_token_ttl: Duration,
    pub refresh_token_ttl: Duration,
    /// PBKDF2-HMAC-SHA256 iterations for new passwords (OWASP 2023: 600,000).
    pub password_iterations: u32,
    /// Password hashes computed at once (`--hash-workers`; default: cores).
    pub hash_workers: usize,
    /// Requests that may wait for a hashing slot (`--hash-queue`); more
    /// answer `503 unavailable`.
    pub hash_queue: usize,
    /// How long a request waits for a hashing slot before `503`.
    pub hash_wait: Duration,
    /// A client's whole request head must arrive within this, and an idle
    /// keep-alive connection is closed after it (`--header-timeout-secs`).
    pub header_read_timeout: Duration,
    /// An upload chunk body that sends nothing for this long is cut
    /// (`--body-idle-timeout-secs`).
    pub body_idle_timeout: Duration,
    /// A whole JSON (or admin bundle) request body must arrive within this
    /// (`--body-timeout-secs`).
    pub body_timeout: Duration,
    /// Connections served at once (`--max-connections`); more wait in the
    /// listen backlog until one closes.
    pub max_connections: usize,
    /// Unfinished uploads one account may have open
    /// (`--max-open-uploads`).
    pub max_open_uploads: u64,
    /// Total declared bytes of one account's unfinished uploads
    /// (`--max-open-upload-bytes`).
    pub max_open_upload_bytes: u64,
    /// Wrong admin tokens per client network before lockouts start
    /// (`--admin-free-failures`).
    pub admin_free_failures: u32,
    /// Portal seconds per real second.
    pub clock_speed: f64,
    /// Whether the officer simulation moves dossiers.
    pub simulation: bool,
    pub sim_seed: u64,
    pub faults: Faults,
    /// The secret the bank or payment platform signs payment notifications
    /// with (HMAC-SHA256); empty: a random one for this run (then only the
    /// admin simulation can notify).
    pub payment_secret: String,
    /// Where fees are paid to.
    pub collecting_account: hoso_wire::CollectingAccount,
}

impl Default for Config {
    fn default() -> Config {
        Config {
            max_body_bytes: 1 << 20,
            max_chunk_bytes: 16 << 20,
            max_upload_bytes: 2 << 30,
            max_bundle_bytes: 64 << 20,
            rate_limit: 50.0,
            rate_burst: 200,
            admin_token: String::new(),
            access_token_ttl: Duration::from_secs(15 * 60),
            refresh_token_ttl: Duration::from_secs(30 * 24 * 3600),
            password_iterations: 600_000,
            hash_workers: std::thread::available_parallelism().map_or(2, |n| n.get()),
            hash_queue: 64,
            hash_wait: Duration::from_secs(5),
            header_read_timeout: Duration::from_secs(15),
            body_idle_timeout: Duration::from_secs(30),
            body_timeout: Duration::from_secs(60),
            max_connections: 1024,
            max_open_uploads: 20,
            max_open_upload_bytes: 4 << 30,
            admin_free_failures: 5,
            clock_speed: 1.0,
            simulation: true,
            sim_seed: 20261123,
            faults: Faults::default(),
            payment_secret: String::new(),
            // The reference portal's collecting account: a State Treasury
            // account at BIDV (BIN 970418), for simulation only.
            collecting_account: hoso_wire::CollectingAccount {
                bin: "970418".into(),
                account_number: "3711000000001".into(),
                account_name: "KHO BAC NHA NUOC (MO PHONG)".into(),
            },
        }
    }
}
