//! `hoso consent …`: the printable consent form a resident signs, and the
//! active resident's consent — record a new one (to cover another
//! procedure, or renewed) and show it.

use crate::failure::Failure;
use crate::resident_cmd::{self, ConsentArgs};
use crate::{print_json, Context};
use serde_json::json;

#[derive(clap::Subcommand)]
pub enum ConsentCommand {
    /// Record a new consent for the resident in use; the one before is
    /// kept as history.
    Record {
        #[command(flatten)]
        consent: ConsentArgs,
    },
    /// The consent of the resident in use.
    Show,
    /// The bilingual consent form (A4 PDF) for a resident to sign before
    /// anything of theirs is kept. The volunteer's name, phone and team
    /// come from the portal account unless given.
    Form(FormArgs),
}

#[derive(clap::Args)]
pub struct FormArgs {
    /// Where to write the PDF.
    #[arg(long)]
    pdf: std::path::PathBuf,
    /// The form number printed on it (then the consent's reference).
    #[arg(long)]
    reference: String,
    /// A procedure code it asks consent for (repeat for several).
    #[arg(long = "covers", required = true)]
    covers: Vec<String>,
    /// Days their data may be kept after their last dossier ends.
    #[arg(long, default_value_t = 30)]
    retention_days: u32,
    /// The date printed (default today, dd/mm/yyyy).
    #[arg(long)]
    date: Option<String>,
    #[arg(long)]
    name: Option<String>,
    #[arg(long)]
    phone: Option<String>,
    #[arg(long)]
    team: Option<String>,
    #[arg(long)]
    commune: Option<String>,
    #[arg(long)]
    province: Option<String>,
}

/// `hoso consent form`.
fn form(ctx: &Context, args: FormArgs) -> Result<(), Failure> {
    let given = [
        &args.name,
        &args.phone,
        &args.team,
        &args.commune,
        &args.province,
    ];
    let account = match given.iter().all(|v| v.is_some()) {
        true => None,
        false => Some(crate::volunteer_cmd::me(ctx)?),
    };
    let volunteer = account.as_ref().and_then(|a| a.volunteer.clone());
    let pick = |flag: Option<String>, from: Option<String>, what: &str| {
        flag.or(from).ok_or_else(|| {
            Failure::Usage(format!(
                "thiếu --{what} (tài khoản không phải tình nguyện viên) / missing --{what} (the account is not a volunteer's)"
            ))
        })
    };
    let today = hoso_core::validate::format_date(hoso_core::validate::today_vn());
    let request = hoso_core::residents::ConsentRequest {
        volunteer_name: pick(
            args.name,
            account.as_ref().map(|a| a.full_name.clone()),
            "name",
        )?,
        volunteer_phone: pick(
            args.phone,
            account.as_ref().map(|a| a.phone.clone()),
            "phone",
        )?,
        team: pick(
            args.team,
            volunteer.as_ref().map(|v| v.team.clone()),
            "team",
        )?,
        commune: pick(
            args.commune,
            volunteer.as_ref().map(|v| v.commune.clone()),
            "commune",
        )?,
        province: pick(
            args.province,
            volunteer.as_ref().map(|v| v.province.clone()),
            "province",
        )?,
        reference: args.reference,
        covers: args.covers,
        retention_days: args.retention_days,
        date: args.date.unwrap_or(today),
    };
    let catalog = hoso_core::catalog::store::CatalogStore::open(&ctx.data_dir)?;
    let pdf = hoso_core::residents::consent_form_pdf(&catalog, &request)?;
    std::fs::write(&args.pdf, &pdf).map_err(Failure::Input)?;
    if ctx.json {
        print_json(&json!({ "pdf": args.pdf, "bytes": pdf.len() }));
    } else {
        println!(
            "Đã ghi / written: {} ({} byte)",
            args.pdf.display(),
            pdf.len()
        );
    }
    Ok(())
}

pub fn run(ctx: &Context, cmd: ConsentCommand) -> Result<(), Failure> {
    let record = match cmd {
        ConsentCommand::Form(args) => return form(ctx, args),
        ConsentCommand::Record { consent } => Some(consent.read()?),
        ConsentCommand::Show => None,
    };
    let residents = resident_cmd::open(ctx)?;
    let (id, _) = residents
        .resume()?
        .ok_or(hoso_core::residents::ResidentError::NoneActive)?;
    let consent = match record {
        Some(consent) => residents.record_consent(&consent, hoso_core::clock::unix_now())?,
        None => residents.consent()?,
    };
    if ctx.json {
        print_json(&json!({ "resident": id, "consent": consent }));
    } else {
        println!(
            "{id}: {} ({}), {} — {} ngày / days",
            consent.method,
            consent.reference,
            consent.covers.join(", "),
            consent.retention_days
        );
    }
    Ok(())
}
