//! `hoso-portal serve`: starts the reference portal. With no flags it keeps
//! its state in a temporary directory and serves the catalog imported from
//! the shared national data, on 127.0.0.1:8088.

use clap::{Args, Parser, Subcommand};
use hoso_portal::{admin_token, Config, Faults, Options};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

#[derive(Parser)]
#[command(
    name = "hoso-portal",
    version,
    about = "Portal API v1 reference server (docs/portal-api.yaml)"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Serve Portal API v1.
    Serve(Serve),
    /// Officer and test commands against a running portal (admin API).
    Admin(AdminArgs),
}

#[derive(Args)]
struct AdminArgs {
    /// The portal's base URL.
    #[arg(long, default_value = "http://127.0.0.1:8088", env = "HOSO_PORTAL_URL")]
    url: String,
    /// A file holding the admin token (e.g. the portal's DATA/admin.token).
    /// Without it, the token comes from HOSO_PORTAL_ADMIN_TOKEN; it is
    /// never taken on the command line, where every local user can read it.
    #[arg(long, value_name = "PATH")]
    token_file: Option<PathBuf>,
    #[command(subcommand)]
    command: AdminCommand,
}

#[derive(Subcommand)]
enum AdminCommand {
    /// Move a dossier along an officer transition.
    Status {
        code: String,
        /// The new national status code (1–10).
        status: u8,
        #[arg(long, default_value = "")]
        note: String,
        /// Hand the dossier to another agency.
        #[arg(long)]
        agency: Option<String>,
        /// Document slots to ask for (status 5).
        #[arg(long, value_delimiter = ',')]
        slots: Vec<String>,
        /// Amount to ask for in đồng (status 6).
        #[arg(long)]
        amount: Option<u64>,
        /// Due date YYYY-MM-DD (status 5 or 6).
        #[arg(long)]
        due: Option<String>,
    },
    /// Play the bank: money arrived for a payment reference (the
    /// simulation of `POST /v1/payments/notifications`).
    Pay {
        reference: String,
        /// Đồng received.
        amount: u64,
        /// The bank's transaction id (default: a fresh one); the same id
        /// again changes nothing.
        #[arg(long)]
        transaction_id: Option<String>,
    },
    /// Show the processing clock.
    Clock,
    /// Advance the processing clock (running the simulation).
    Advance {
        #[arg(long, conflicts_with = "working_days")]
        seconds: Option<i64>,
        #[arg(long)]
        working_days: Option<u32>,
    },
    /// Counts.
    Stats,
    /// Every dossier, in submission order.
    Dossiers {
        /// Re-hash every file each dossier names.
        #[arg(long)]
        verify: bool,
    },
    /// Volunteer accounts in registration order (the commune's list), by
    /// approval state and team.
    Volunteers {
        /// pending, approved or revoked.
        #[arg(long, value_parser = ["pending", "approved", "revoked"])]
        state: Option<String>,
        /// The team's name (case and spacing ignored).
        #[arg(long)]
        team: Option<String>,
        #[arg(long)]
        province: Option<String>,
        #[arg(long)]
        commune: Option<String>,
    },
    /// The commune approves a volunteer account: it may file for residents
    /// from now on (a leader also lists the team's dossiers).
    Approve {
        account_id: String,
        #[arg(long, default_value = "member", value_parser = ["member", "leader"])]
        role: String,
    },
    /// The commune revokes a volunteer's approval (or refuses a pending
    /// account): it files for no resident from now on.
    Revoke {
        account_id: String,
        /// Why; the volunteer sees it.
        #[arg(long)]
        reason: String,
    },
}

#[derive(Args)]
struct Serve {
    /// Where to listen.
    #[arg(long, default_value = "127.0.0.1:8088")]
    addr: SocketAddr,
    /// The data directory (default: a temporary one, removed on exit).
    #[arg(long, value_name = "DIR", env = "HOSO_PORTAL_DATA")]
    data: Option<PathBuf>,
    /// The catalog bundle to serve (default: import ../shared/data).
    #[arg(long, value_name = "BUNDLE")]
    catalog: Option<PathBuf>,
    /// Crawled national data to build the bundle from when --catalog is
    /// not given.
    #[arg(long, env = "HOSO_CATALOG_SOURCE")]
    source: Option<PathBuf>,
    /// A file holding the bearer token of /v1/admin/… (32–512 printable
    /// characters, at least 8 different). Without it, HOSO_PORTAL_ADMIN_TOKEN;
    /// without that, DATA/admin.token, generated (0600) if missing.
    #[arg(long, value_name = "PATH")]
    admin_token_file: Option<PathBuf>,
    /// Wrong admin tokens per client network before lockouts start.
    #[arg(long, default_value_t = 5)]
    admin_free_failures: u32,
    /// Cap on JSON request bodies, bytes.
    #[arg(long, default_value_t = 1 << 20)]
    max_body_bytes: u64,
    /// Cap on one upload chunk, bytes.
    #[arg(long, default_value_t = 16 << 20)]
    max_chunk_bytes: u64,
    /// Cap on a declared upload, bytes (Tus-Max-Size).
    #[arg(long, default_value_t = 2 << 30)]
    max_upload_bytes: u64,
    /// Requests per second per access token (or client IP), sustained.
    #[arg(long, default_value_t = 50.0)]
    rate_limit: f64,
    /// Burst size of the rate limit.
    #[arg(long, default_value_t = 200)]
    rate_burst: u32,
    /// Portal seconds per real second.
    #[arg(long, default_value_t = 1.0)]
    clock_speed: f64,
    /// The officer simulation: on or off.
    #[arg(long, default_value = "on", value_parser = ["on", "off"])]
    sim: String,
    /// Seed of the officer simulation.
    #[arg(long, default_value_t = 20261123)]
    sim_seed: u64,
    /// PBKDF2 iterations for new passwords.
    #[arg(long, default_value_t = 600_000, hide = true)]
    password_iterations: u32,
    /// Password hashes computed at once (default: the number of cores).
    #[arg(long)]
    hash_workers: Option<usize>,
    /// Requests that may wait for a hashing slot; more answer 503.
    #[arg(long, default_value_t = 64)]
    hash_queue: usize,
    /// Seconds a request waits for a hashing slot before 503.
    #[arg(long, default_value_t = 5.0)]
    hash_wait_secs: f64,
    /// Seconds a request head may take to arrive (and an idle keep-alive
    /// connection stays open).
    #[arg(long, default_value_t = 15.0)]
    header_timeout_secs: f64,
    /// Seconds a whole JSON or bundle request body may take to arrive.
    #[arg(long, default_value_t = 60.0)]
    body_timeout_secs: f64,
    /// Seconds an upload chunk body may send nothing before it is cut.
    #[arg(long, default_value_t = 30.0)]
    body_idle_timeout_secs: f64,
    /// Connections served at once; more wait until one closes.
    #[arg(long, default_value_t = 1024)]
    max_connections: usize,
    /// Unfinished uploads one account may have open.
    #[arg(long, default_value_t = 20)]
    max_open_uploads: u64,
    /// Total declared bytes of one account's unfinished uploads.
    #[arg(long, default_value_t = 4 << 30)]
    max_open_upload_bytes: u64,
    #[command(flatten)]
    faults: FaultArgs,
}

/// Fault injection, for tests (off by default).
#[derive(Args)]
struct FaultArgs {
    /// Added latency per request, ms.
    #[arg(long, default_value_t = 0)]
    fault_latency_ms: u64,
    /// Uniform extra delay per request, up to this many ms.
    #[arg(long, default_value_t = 0)]
    fault_jitter_ms: u64,
    /// Fraction of requests answered 500/503.
    #[arg(long, default_value_t = 0.0)]
    fault_5xx_rate: f64,
    /// Fraction of connections reset mid-body.
    #[arg(long, default_value_t = 0.0)]
    fault_reset_rate: f64,
    /// Fraction of requests answered 429.
    #[arg(long, default_value_t = 0.0)]
    fault_429_rate: f64,
    /// Seed of the fault injection.
    #[arg(long, default_value_t = 1)]
    fault_seed: u64,
}

const SHARED_SOURCE: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../shared/data/tthc-national-2642.jsonl.gz"
);

fn main() -> ExitCode {
    let cli = Cli::parse();
    match run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("hoso-portal: lỗi / error: {e}");
            ExitCode::FAILURE
        }
    }
}

fn run(cli: Cli) -> Result<(), Box<dyn std::error::Error>> {
    match cli.command {
        Command::Serve(args) => serve(args),
        Command::Admin(args) => admin(args),
    }
}

/// Calls the admin API and prints its JSON answer.
fn admin(args: AdminArgs) -> Result<(), Box<dyn std::error::Error>> {
    use hoso_wire::status::{FEE_REQUESTED, SUPPLEMENT_REQUESTED};
    use hoso_wire::{
        ApproveVolunteer, ClockAdvance, FeeAsk, RevokeVolunteer, SimulatedPayment, StatusChange,
        SupplementAsk, VolunteerRole,
    };
    let base = args.url.trim_end_matches('/').to_string();
    let token = match (&args.token_file, std::env::var(admin_token::ENV)) {
        (Some(path), _) => admin_token::read(path)?,
        (None, Ok(token)) => token,
        (None, Err(_)) => {
            return Err(format!(
                "cần --token-file hoặc {env} / give --token-file or {env}",
                env = admin_token::ENV
            )
            .into())
        }
    };
    let (method, path, body) = match args.command {
        AdminCommand::Status {
            code,
            status,
            note,
            agency,
            slots,
            amount,
            due,
        } => {
            let body = StatusChange {
                status,
                note,
                agency_code: agency,
                supplement_request: (status == SUPPLEMENT_REQUESTED).then(|| SupplementAsk {
                    slots,
                    due_date: due.clone().unwrap_or_default(),
                }),
                fee_request: (status == FEE_REQUESTED).then(|| FeeAsk {
                    amount_vnd: amount.unwrap_or(0),
                    due_date: due.unwrap_or_default(),
                }),
            };
            (
                "POST",
                format!("/v1/admin/dossiers/{code}/status"),
                Some(serde_json::to_value(body)?),
            )
        }
        AdminCommand::Pay {
            reference,
            amount,
            transaction_id,
        } => (
            "POST",
            "/v1/admin/payments".into(),
            Some(serde_json::to_value(SimulatedPayment {
                reference,
                amount_vnd: amount,
                transaction_id,
            })?),
        ),
        AdminCommand::Clock => ("GET", "/v1/admin/clock".into(), None),
        AdminCommand::Advance {
            seconds,
            working_days,
        } => {
            let body = match (seconds, working_days) {
                (Some(s), _) => ClockAdvance::seconds(s),
                (None, Some(d)) => ClockAdvance::working_days(d),
                (None, None) => {
                    return Err(
                        "--seconds hoặc --working-days / give --seconds or --working-days".into(),
                    )
                }
            };
            (
                "POST",
                "/v1/admin/clock/advance".into(),
                Some(serde_json::to_value(body)?),
            )
        }
        AdminCommand::Stats => ("GET", "/v1/admin/stats".into(), None),
        AdminCommand::Dossiers { verify } => (
            "GET",
            format!("/v1/admin/dossiers?verify={verify}&limit=500"),
            None,
        ),
        AdminCommand::Volunteers {
            state,
            team,
            province,
            commune,
        } => {
            let mut url = reqwest::Url::parse("http://portal/v1/admin/volunteers")?;
            {
                let mut query = url.query_pairs_mut();
                query.append_pair("limit", "500");
                for (name, value) in [
                    ("state", state),
                    ("team", team),
                    ("province", province),
                    ("commune", commune),
                ] {
                    if let Some(v) = value {
                        query.append_pair(name, &v);
                    }
                }
            }
            let query = url.query().unwrap_or_default();
            ("GET", format!("{}?{query}", url.path()), None)
        }
        AdminCommand::Approve { account_id, role } => {
            let role = VolunteerRole::from_wire(&role).ok_or("--role: member | leader")?;
            (
                "POST",
                format!("/v1/admin/volunteers/{}/approve", path_part(&account_id)?),
                Some(serde_json::to_value(ApproveVolunteer { role })?),
            )
        }
        AdminCommand::Revoke { account_id, reason } => (
            "POST",
            format!("/v1/admin/volunteers/{}/revoke", path_part(&account_id)?),
            Some(serde_json::to_value(RevokeVolunteer { reason })?),
        ),
    };
    let runtime = tokio::runtime::Runtime::new()?;
    let (status, text) = runtime.block_on(async move {
        hoso_core::client::install_crypto_provider();
        let http = reqwest::Client::new();
        let url = format!("{base}{path}");
        let request = match (method, body) {
            ("POST", Some(b)) => http.post(url).json(&b),
            _ => http.get(url),
        };
        let res = request.bearer_auth(&token).send().await?;
        let status = res.status();
        Ok::<_, reqwest::Error>((status, res.text().await?))
    })?;
    println!("{text}");
    if status.is_success() {
        Ok(())
    } else {
        Err(format!("cổng trả lời / the portal answered {status}").into())
    }
}

/// An id for a URL path: a UUID, or refused before anything is sent.
fn path_part(account_id: &str) -> Result<String, Box<dyn std::error::Error>> {
    uuid::Uuid::parse_str(account_id)
        .map(|u| u.to_string())
        .map_err(|_| "mã tài khoản phải là UUID / the account id must be a UUID".into())
}

fn serve(args: Serve) -> Result<(), Box<dyn std::error::Error>> {
    let scratch = tempfile::tempdir()?;
    let data_dir = args
        .data
        .clone()
        .unwrap_or_else(|| scratch.path().join("portal"));
    let bundle = match args.catalog.clone() {
        Some(b) => b,
        None => {
            let out = scratch.path().join("catalog.bundle");
            let store =
                hoso_core::catalog::store::CatalogStore::open(&scratch.path().join("import"))?;
            let source = args
                .source
                .clone()
                .unwrap_or_else(|| PathBuf::from(SHARED_SOURCE));
            hoso_core::catalog::import(&store, &source, Some(&out))?;
            out
        }
    };
    // From a file or the environment only: never the command line.
    let (admin_token, token_file) = match (&args.admin_token_file, std::env::var(admin_token::ENV))
    {
        (Some(path), _) => (admin_token::read(path)?, None),
        (None, Ok(token)) => {
            admin_token::check(&token)?;
            (token, None)
        }
        (None, Err(_)) => {
            let (token, path, _) = admin_token::in_data_dir(&data_dir)?;
            (token, Some(path))
        }
    };
    let secs = |s: f64| std::time::Duration::try_from_secs_f64(s).map_err(|e| format!("{s}: {e}"));
    let defaults = Config::default();
    let config = Config {
        max_body_bytes: args.max_body_bytes,
        max_chunk_bytes: args.max_chunk_bytes,
        max_upload_bytes: args.max_upload_bytes,
        rate_limit: args.rate_limit,
        rate_burst: args.rate_burst,
        admin_token,
        password_iterations: args.password_iterations,
        hash_workers: args.hash_workers.unwrap_or(defaults.hash_workers),
        hash_queue: args.hash_queue,
        hash_wait: secs(args.hash_wait_secs)?,
        header_read_timeout: secs(args.header_timeout_secs)?,
        body_timeout: secs(args.body_timeout_secs)?,
        body_idle_timeout: secs(args.body_idle_timeout_secs)?,
        max_connections: args.max_connections,
        max_open_uploads: args.max_open_uploads,
        max_open_upload_bytes: args.max_open_upload_bytes,
        admin_free_failures: args.admin_free_failures,
        clock_speed: args.clock_speed,
        simulation: args.sim == "on",
        sim_seed: args.sim_seed,
        faults: Faults {
            latency_ms: args.faults.fault_latency_ms,
            jitter_ms: args.faults.fault_jitter_ms,
            rate_5xx: args.faults.fault_5xx_rate,
            reset_rate: args.faults.fault_reset_rate,
            rate_429: args.faults.fault_429_rate,
            seed: args.faults.fault_seed,
        },
        // The secret a bank signs payment notifications with: from the
        // environment only, never the command line (none: a random one,
        // and only the admin simulation notifies).
        payment_secret: std::env::var("HOSO_PORTAL_PAYMENT_SECRET").unwrap_or_default(),
        ..Config::default()
    };
    let portal = Arc::new(hoso_portal::Portal::open(Options {
        data_dir: data_dir.clone(),
        catalog: bundle,
        config,
    })?);
    // Public: apps configure it (or pin it on first use) to trust the key
    // sets and catalogs this portal signs.
    let root_key = portal.root_key().to_string();
    let runtime = tokio::runtime::Runtime::new()?;
    runtime.block_on(async move {
        let (bound, task) = hoso_portal::start(portal, args.addr).await?;
        println!("hoso-portal: http://{bound}/v1/ (Ctrl-C to stop)");
        println!("hoso-portal: data {}", data_dir.display());
        println!("hoso-portal: root key {}", root_key);
        if let Some(path) = token_file {
            println!("hoso-portal: admin token in {}", path.display());
        }
        tokio::select! {
            r = task => r.map_err(std::io::Error::other)?,
            _ = tokio::signal::ctrl_c() => Ok(()),
        }
    })?;
    Ok(())
}
