//! `hoso resident …`: the residents a volunteer files for (issue #19):
//! add one, list them, choose the one in use, lock, wipe. While a resident
//! is in use, `draft`, `attach` and `profile` act on their sealed space
//! ([`space`]); otherwise on the user's own.

use crate::failure::Failure;
use crate::{print_json, Context};
use hoso_core::draft::Drafts;
use hoso_core::limits;
use hoso_core::residents::{NewConsent, ResidentError, Residents, SCAN_BYTES};
use hoso_core::sync::Local;
use hoso_core::wire::ConsentMethod;
use serde_json::json;
use std::sync::Arc;

#[derive(clap::Subcommand)]
pub enum ResidentCommand {
    /// Add a resident with their consent; LABEL is how you tell them
    /// apart ("Bà Năm, tổ 3"; `-` reads it from standard input). Nothing of
    /// theirs is saved before the consent.
    New {
        label: String,
        #[command(flatten)]
        consent: ConsentArgs,
    },
    /// The resident in use and their consent.
    Show,
    /// The residents on this device, and the one in use.
    List,
    /// Act on this resident's drafts, files and profile from now on.
    Use { id: String },
    /// Stop acting for any resident (their key is forgotten).
    Lock,
    /// Destroy a resident's key and delete everything of theirs.
    Wipe { id: String },
    /// What was done for which resident (never a value), oldest first.
    Audit,
}

/// A consent as the volunteer records it (`resident new`, `consent record`).
#[derive(clap::Args)]
pub struct ConsentArgs {
    /// How they agreed: signed_form (with --scan), vneid, or
    /// witnessed_verbal. Never a VNeID password or one-time code.
    #[arg(long)]
    consent: String,
    /// The form number, the VNeID confirmation code, or the witness.
    #[arg(long)]
    reference: String,
    /// A procedure code the consent covers (repeat for several).
    #[arg(long = "covers", required = true)]
    covers: Vec<String>,
    /// Days their data may be kept after their last dossier ends.
    #[arg(long, default_value_t = 30)]
    retention_days: u32,
    /// The signed consent form's scan (PDF, JPEG or PNG).
    #[arg(long)]
    scan: Option<std::path::PathBuf>,
}

impl ConsentArgs {
    /// The consent, its scan read (bounded).
    pub fn read(self) -> Result<NewConsent, Failure> {
        let method = ConsentMethod::from_wire(&self.consent).ok_or_else(|| {
            Failure::Usage(format!(
                "cách đồng ý không hợp lệ: {0} (signed_form, vneid, witnessed_verbal) / unknown consent method: {0} (signed_form, vneid, witnessed_verbal)",
                self.consent
            ))
        })?;
        let scan = self
            .scan
            .map(|path| limits::read_file(&path, SCAN_BYTES, limits::CONSENT_SCAN))
            .transpose()?;
        Ok(NewConsent {
            method,
            reference: self.reference,
            covers: self.covers,
            retention_days: self.retention_days,
            scan,
        })
    }
}

pub fn open(ctx: &Context) -> Result<Residents, Failure> {
    Ok(Residents::open(
        &ctx.data_dir,
        &ctx.keys(),
        Arc::new(ctx.secrets()),
    )?)
}

/// The stores `draft`, `attach` and `profile` act on: the resident in
/// use, if any.
pub fn space(ctx: &Context) -> Result<Option<Arc<Local>>, Failure> {
    Ok(open(ctx)?.resume()?.map(|(_, local)| local))
}

/// The drafts `draft` and `attach` act on: the resident's in use, else the
/// user's own.
pub enum DraftSpace {
    Resident(Arc<Local>),
    Own(Box<Drafts>),
}

impl DraftSpace {
    pub fn drafts(&self) -> &Drafts {
        match self {
            DraftSpace::Resident(local) => &local.drafts,
            DraftSpace::Own(drafts) => drafts,
        }
    }
}

pub fn drafts(ctx: &Context) -> Result<DraftSpace, Failure> {
    Ok(match space(ctx)? {
        Some(local) => DraftSpace::Resident(local),
        None => DraftSpace::Own(Box::new(Drafts::open(&ctx.data_dir, &ctx.keys())?)),
    })
}

pub fn run(ctx: &Context, cmd: ResidentCommand) -> Result<(), Failure> {
    let residents = open(ctx)?;
    match cmd {
        ResidentCommand::New { label, consent } => {
            let label = crate::value_arg(label)?;
            let consent = consent.read()?;
            let now = hoso_core::clock::unix_now();
            let resident = residents.create(&label, &consent, now)?;
            if ctx.json {
                print_json(&json!({ "resident": resident }));
            } else {
                println!("Đã thêm / added: {} ({})", resident.id, resident.label);
            }
        }
        ResidentCommand::Show => {
            let (id, _) = residents.resume()?.ok_or(ResidentError::NoneActive)?;
            let consent = residents.consent()?;
            if ctx.json {
                print_json(&json!({ "active": id, "consent": consent }));
            } else {
                println!("{id}: {} ({})", consent.method, consent.reference);
            }
        }
        ResidentCommand::List => {
            let list = residents.list()?;
            let active = residents.resume()?.map(|(id, _)| id);
            if ctx.json {
                print_json(&json!({ "residents": list, "active": active }));
            } else {
                for r in &list {
                    let mark = if active.as_deref() == Some(r.id.as_str()) {
                        "*"
                    } else {
                        " "
                    };
                    println!("{mark} {}  {}", r.id, r.label);
                }
            }
        }
        ResidentCommand::Use { id } => {
            residents.use_resident(&id)?;
            if ctx.json {
                print_json(&json!({ "active": id }));
            } else {
                println!("Đang làm cho / acting for: {id}");
            }
        }
        ResidentCommand::Lock => {
            residents.lock()?;
            if ctx.json {
                print_json(&json!({ "active": null }));
            } else {
                println!("Đã khóa / locked");
            }
        }
        ResidentCommand::Audit => {
            let log = residents.audit_log()?;
            if ctx.json {
                print_json(&json!({ "audit": log }));
            } else {
                for e in &log {
                    let what = [&e.procedure, &e.dossier]
                        .into_iter()
                        .flatten()
                        .cloned()
                        .collect::<Vec<_>>()
                        .join(" ");
                    let action = serde_json::to_value(e.action).unwrap_or_default();
                    println!(
                        "{:>4} {} {} {:<14} {what}",
                        e.seq,
                        hoso_core::clock::rfc3339(e.at),
                        e.resident,
                        action.as_str().unwrap_or("?")
                    );
                }
            }
        }
        ResidentCommand::Wipe { id } => {
            residents.wipe(&id)?;
            if ctx.json {
                print_json(&json!({ "wiped": id }));
            } else {
                println!("Đã xóa vĩnh viễn / wiped: {id}");
            }
        }
    }
    Ok(())
}
