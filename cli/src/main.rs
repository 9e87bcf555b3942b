//! The `hoso` command: drives every capability of hoso-core from a terminal
//! or a script (`--json` everywhere), for volunteers on laptops, scripts and
//! reviewers. Owns argument parsing and dispatch; each command group has its
//! own module.

mod address_cmd;
mod address_text;
mod attach_cmd;
mod catalog_cmd;
mod consent_cmd;
mod demo;
mod demo_draft;
mod demo_portal;
mod demo_receipt;
mod draft_cmd;
mod failure;
mod form_cmd;
mod handover_cmd;
mod hash_cmd;
mod keyfile;
mod pay_cmd;
mod portal_link;
mod profile_cmd;
mod qr_cmd;
mod resident_cmd;
mod search_cmd;
mod status_cmd;
mod stdin_lines;
mod sync_cmd;
mod volunteer_cmd;

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
    /// The file holding the key that seals personal data (default:
    /// outside DIR, in HOSO_KEY_DIR or the platform's configuration
    /// directory, created owner-only on first use).
    #[arg(long, global = true, env = "HOSO_KEY_FILE", value_name = "FILE")]
    key_file: Option<PathBuf>,
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
    /// Addresses after the 2025 reorganisation: search (the picker).
    #[command(subcommand)]
    Address(address_cmd::AddressCommand),
    /// Dossier drafts: new, set, clear, show, list, duplicate, delete, validate.
    #[command(subcommand)]
    Draft(draft_cmd::DraftCommand),
    /// Files attached to a draft's document slots: add, list, verify, remove, gc.
    #[command(subcommand)]
    Attach(attach_cmd::AttachCommand),
    /// Your own data and family members, prefilled into new drafts.
    #[command(subcommand)]
    Profile(profile_cmd::ProfileCommand),
    /// Residents a volunteer files for, each in a sealed space of their
    /// own: new, list, use, lock, wipe. While one is in use, draft,
    /// attach and profile act on theirs.
    #[command(subcommand)]
    Resident(resident_cmd::ResidentCommand),
    /// The consent of the resident in use: record a new one, show it.
    #[command(subcommand)]
    Consent(consent_cmd::ConsentCommand),
    /// What the resident keeps of a dossier filed for them.
    Handover(handover_cmd::HandoverArgs),
    /// The form a procedure asks you to fill.
    #[command(subcommand)]
    Form(form_cmd::FormCommand),
    /// Print SHA-256 digests exactly like sha256sum.
    Hash(hash_cmd::HashArgs),
    /// Import the shared catalog into a scratch directory and search it.
    Demo(demo::DemoArgs),
    /// Log in to a portal (registering a citizen or a volunteer first) or
    /// out of it; the account and its approval.
    #[command(subcommand)]
    Portal(sync_cmd::PortalCommand),
    /// A volunteer team's dossiers, for its leader.
    #[command(subcommand)]
    Team(volunteer_cmd::TeamCommand),
    /// Freeze a complete draft into the outbox, to be sent by `hoso sync`
    /// (a supplement draft is queued as the answer to its dossier).
    Submit {
        draft_id: String,
        /// The receiving agency's code (hoso portal agencies), e.g. H40.22
        /// (not for a supplement draft).
        #[arg(long)]
        agency: Option<String>,
        /// online, in_person or postal.
        #[arg(long, default_value = "online")]
        channel: String,
    },
    /// Answer an officer's supplement request: start (or reopen) the draft
    /// linked to the dossier; attach the documents asked for, then
    /// `hoso submit` it.
    Supplement { code: String },
    /// Queue a withdrawal of a dossier (sent by `hoso sync`).
    Withdraw {
        code: String,
        /// Why (required by the portal).
        #[arg(long)]
        reason: String,
    },
    /// Submissions waiting for, or done with, the portal.
    Outbox,
    /// Send what is due: upload files, submit dossiers (exactly once),
    /// then pull status changes.
    Sync(sync_cmd::SyncArgs),
    /// Receipt QR codes: show, verify offline (a VietQR too, checked
    /// before paying), scan a picture or text and look it up, followed
    /// dossiers, signing keys.
    #[command(subcommand)]
    Qr(qr_cmd::QrCommand),
    /// Fees asked of your dossiers: show the VietQR to pay (offline too),
    /// their status, the electronic receipts.
    #[command(subcommand)]
    Pay(pay_cmd::PayCommand),
    /// Followed dossiers and their history — filed from here, or followed
    /// through a receipt (refreshed from the portal unless --offline).
    Status {
        code: Option<String>,
        #[arg(long)]
        offline: bool,
    },
    /// Linked filings ("một việc một lần làm": 2.000986 birth + permanent
    /// residence + health insurance) followed as one: each group with its
    /// parts and their statuses (refreshed from the portal unless
    /// --offline). A draft of a group procedure is submitted like any other
    /// and filed as one dossier per part.
    Linked {
        group_id: Option<String>,
        #[arg(long)]
        offline: bool,
    },
}

/// Everything a command needs from the global flags.
pub struct Context {
    pub data_dir: PathBuf,
    pub data_dir_given: bool,
    pub json: bool,
    pub key_file: Option<PathBuf>,
}

impl Context {
    /// The key provider sealing personal data under this data directory.
    /// The host's named secrets (the residents' keyring key), beside the
    /// key file.
    pub fn secrets(&self) -> keyfile::SecretFiles {
        keyfile::SecretFiles::beside(&self.keys())
    }

    pub fn keys(&self) -> keyfile::KeyFile {
        match &self.key_file {
            Some(path) => keyfile::KeyFile::new(path.clone()),
            None => keyfile::KeyFile::default_for(&self.data_dir),
        }
    }
}

/// Tells the user on stderr when opening moved a corrupt store aside.
pub fn warn_quarantined(q: Option<&hoso_core::Quarantined>) {
    if let Some(q) = q {
        eprintln!(
            "hoso: kho dữ liệu hỏng đã được chuyển sang {} / a corrupt store was moved to {} ({})",
            q.moved_to.display(),
            q.moved_to.display(),
            q.reason
        );
    }
}

/// A value argument: itself, or with `-` the first line of standard input
/// (so personal data need not appear in shell history or `ps`).
pub fn value_arg(value: String) -> Result<String, Failure> {
    if value != "-" {
        return Ok(value);
    }
    let mut line = Vec::new();
    hoso_core::limits::read_line_into(
        &mut std::io::stdin().lock(),
        hoso_core::limits::TEXT_LINE_BYTES,
        hoso_core::limits::TEXT_LINE,
        &mut line,
    )?;
    String::from_utf8(line)
        .map_err(|e| Failure::Input(std::io::Error::new(std::io::ErrorKind::InvalidData, e)))
}

/// Prints one value as a line of JSON.
pub fn print_json<T: serde::Serialize>(value: &T) {
    match serde_json::to_string(value) {
        Ok(s) => println!("{s}"),
        Err(e) => eprintln!("hoso: cannot encode JSON: {e}"),
    }
}

fn default_data_dir() -> PathBuf {
    directories::ProjectDirs::from("vn", "hoso", "hoso")
        .map(|d| d.data_dir().to_path_buf())
        .unwrap_or_else(|| PathBuf::from(".hoso"))
}

/// A closed pipe on the output (`hoso catalog show … | head -c10`) ends the
/// command quietly, as it ends `cat` or `grep`, instead of a panic in
/// `println!` (Rust starts with SIGPIPE ignored, so the write fails and
/// `println!` panics). Sockets are not affected: Rust and tokio write to them
/// with `MSG_NOSIGNAL`. What a command saved is saved before it prints.
#[cfg(unix)]
fn end_quietly_on_a_closed_pipe() {
    // SAFETY: restores the default action of one signal before any thread
    // starts; no handler runs Rust code.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
}

fn main() -> ExitCode {
    #[cfg(unix)]
    end_quietly_on_a_closed_pipe();
    let cli = Cli::parse();
    let ctx = Context {
        data_dir_given: cli.data_dir.is_some(),
        data_dir: cli.data_dir.unwrap_or_else(default_data_dir),
        json: cli.json,
        key_file: cli.key_file,
    };
    let result = match cli.command {
        Command::Catalog(cmd) => catalog_cmd::run(&ctx, cmd),
        Command::Search(args) => search_cmd::run(&ctx, args),
        Command::Address(cmd) => address_cmd::run(&ctx, cmd),
        Command::Draft(cmd) => draft_cmd::run(&ctx, cmd),
        Command::Profile(cmd) => profile_cmd::run(&ctx, cmd),
        Command::Resident(cmd) => resident_cmd::run(&ctx, cmd),
        Command::Consent(cmd) => consent_cmd::run(&ctx, cmd),
        Command::Handover(args) => handover_cmd::run(&ctx, args),
        Command::Attach(cmd) => attach_cmd::run(&ctx, cmd),
        Command::Form(cmd) => form_cmd::run(&ctx, cmd),
        Command::Hash(args) => hash_cmd::run(&ctx, args),
        Command::Demo(args) => demo::run(&ctx, args),
        Command::Portal(cmd) => sync_cmd::portal(&ctx, cmd),
        Command::Team(cmd) => volunteer_cmd::team(&ctx, cmd),
        Command::Submit {
            draft_id,
            agency,
            channel,
        } => sync_cmd::submit(&ctx, &draft_id, agency.as_deref(), &channel),
        Command::Supplement { code } => sync_cmd::supplement(&ctx, &code),
        Command::Withdraw { code, reason } => sync_cmd::withdraw(&ctx, &code, &reason),
        Command::Outbox => sync_cmd::outbox(&ctx),
        Command::Sync(args) => sync_cmd::sync(&ctx, args),
        Command::Qr(cmd) => qr_cmd::run(&ctx, cmd),
        Command::Pay(cmd) => pay_cmd::run(&ctx, cmd),
        Command::Status { code, offline } => status_cmd::run(&ctx, code.as_deref(), offline),
        Command::Linked { group_id, offline } => {
            status_cmd::linked(&ctx, group_id.as_deref(), offline)
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(failure) => failure.report(ctx.json),
    }
}
