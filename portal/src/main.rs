//! `hoso-portal serve`: starts the reference portal on a loopback port. With
//! no flags it serves the catalog imported from the shared national data
//! into a temporary directory.

use clap::{Parser, Subcommand};
use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::sync::Arc;

#[derive(Parser)]
#[command(
    name = "hoso-portal",
    version,
    about = "Portal API v1 reference server"
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Serve Portal API v1.
    Serve {
        /// Where to listen.
        #[arg(long, default_value = "127.0.0.1:8088")]
        addr: SocketAddr,
        /// The catalog bundle to serve (default: import ../shared/data).
        #[arg(long, value_name = "BUNDLE")]
        catalog: Option<PathBuf>,
        /// Crawled national data to build the bundle from when --catalog is
        /// not given.
        #[arg(long, env = "HOSO_CATALOG_SOURCE")]
        source: Option<PathBuf>,
    },
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
    let Command::Serve {
        addr,
        catalog,
        source,
    } = cli.command;
    let scratch = tempfile::tempdir()?;
    let bundle = match catalog {
        Some(b) => b,
        None => {
            let out = scratch.path().join("catalog.bundle");
            let store =
                hoso_core::catalog::store::CatalogStore::open(&scratch.path().join("data"))?;
            let source = source.unwrap_or_else(|| PathBuf::from(SHARED_SOURCE));
            hoso_core::catalog::import(&store, &source, Some(&out))?;
            out
        }
    };
    let portal = Arc::new(hoso_portal::Portal::open(&bundle)?);
    let runtime = tokio::runtime::Runtime::new()?;
    runtime.block_on(async move {
        let (bound, task) = hoso_portal::start(portal, addr).await?;
        println!("hoso-portal: http://{bound}/v1/ (Ctrl-C to stop)");
        tokio::select! {
            r = task => r.map_err(std::io::Error::other)?,
            _ = tokio::signal::ctrl_c() => Ok(()),
        }
    })?;
    Ok(())
}
