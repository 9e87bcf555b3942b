//! `hoso consent …`: the active resident's consent — record a new one (to
//! cover another procedure, or renewed) and show it.

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
}

pub fn run(ctx: &Context, cmd: ConsentCommand) -> Result<(), Failure> {
    let residents = resident_cmd::open(ctx)?;
    let (id, _) = residents
        .resume()?
        .ok_or(hoso_core::residents::ResidentError::NoneActive)?;
    let consent = match cmd {
        ConsentCommand::Record { consent } => {
            residents.record_consent(&consent.read()?, hoso_core::clock::unix_now())?
        }
        ConsentCommand::Show => residents.consent()?,
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
