//! `hoso-portal serve`: starts the reference portal. With no flags it keeps
//! its state in a temporary directory and serves the catalog imported from
//! the shared national data, on 127.0.0.1:8088.

use clap::{Args, Parser, Subcommand};
use hoso_portal::{Config, Faults, Options};
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
    /// The admin token the portal was started with.
    #[arg(long, env = "HOSO_PORTAL_ADMIN_TOKEN")]
    token: String,
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
    /// The bearer token of /v1/admin/… (default: generated and printed).
    #[arg(long, env = "HOSO_PORTAL_ADMIN_TOKEN")]
    admin_token: Option<String>,
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

fn random_token() -> Result<String, Box<dyn std::error::Error>> {
    use ring::rand::SecureRandom;
    let mut bytes = [0u8; 24];
    ring::rand::SystemRandom::new()
        .fill(&mut bytes)
        .map_err(|_| "system random source failed")?;
    Ok(hoso_core::hex::encode(&bytes))
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
    use hoso_wire::{ClockAdvance, FeeAsk, StatusChange, SupplementAsk};
    let base = args.url.trim_end_matches('/').to_string();
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
        let res = request.bearer_auth(&args.token).send().await?;
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
    let (admin_token, generated) = match args.admin_token.clone() {
        Some(t) => (t, false),
        None => (random_token()?, true),
    };
    let config = Config {
        max_body_bytes: args.max_body_bytes,
        max_chunk_bytes: args.max_chunk_bytes,
        max_upload_bytes: args.max_upload_bytes,
        rate_limit: args.rate_limit,
        rate_burst: args.rate_burst,
        admin_token: admin_token.clone(),
        password_iterations: args.password_iterations,
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
        if generated {
            println!("hoso-portal: admin token {admin_token}");
        }
        tokio::select! {
            r = task => r.map_err(std::io::Error::other)?,
            _ = tokio::signal::ctrl_c() => Ok(()),
        }
    })?;
    Ok(())
}
