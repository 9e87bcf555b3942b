//! The `hoso` command: drives every capability of hoso-core from a terminal
//! or a script (`--json` everywhere), for volunteers on laptops, scripts and
//! reviewers. Owns argument parsing and dispatch; each command group has its
//! own module.

mod catalog_cmd;
mod demo;
mod failure;
mod search_cmd;

use clap::{Parser, Subcommand};
use failure::Failure;
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Parser)]
#[command(
    name = "hoso",
    version,
    about = "hoso — hồ sơ thủ tục hành chính, offline-first"
)]
struct Cli {
    /// Where hoso keeps its state (default: the platform's data directory).
    #[arg(long, global = true, env = "HOSO_DATA_DIR", value_name = "DIR")]
    data_dir: Option<PathBuf>,
    /// Print machine-readable JSON.
    #[arg(long, global = true)]
    json: bool,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// The procedure catalog: import, show, stats.
    #[command(subcommand)]
    Catalog(catalog_cmd::CatalogCommand),
    /// Search the catalog the way people type.
    Search(search_cmd::SearchArgs),
    /// Import the shared catalog into a scratch directory and search it.
    Demo(demo::DemoArgs),
}

/// Everything a command needs from the global flags.
pub struct Context {
    pub data_dir: PathBuf,
    pub data_dir_given: bool,
    pub json: bool,
}

fn default_data_dir() -> PathBuf {
    directories::ProjectDirs::from("vn", "hoso", "hoso")
        .map(|d| d.data_dir().to_path_buf())
        .unwrap_or_else(|| PathBuf::from(".hoso"))
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let ctx = Context {
        data_dir_given: cli.data_dir.is_some(),
        data_dir: cli.data_dir.unwrap_or_else(default_data_dir),
        json: cli.json,
    };
    let result = match cli.command {
        Command::Catalog(cmd) => catalog_cmd::run(&ctx, cmd),
        Command::Search(args) => search_cmd::run(&ctx, args),
        Command::Demo(args) => demo::run(&ctx, args),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(failure) => failure.report(ctx.json),
    }
}
