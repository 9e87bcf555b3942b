//! `hoso handover CODE`: what the resident keeps of a dossier filed for
//! them (the resident in use): its code, procedure, agency, dates, fee,
//! what to bring, the receipt's QR text, the lookup link and an SMS.

use crate::failure::Failure;
use crate::{print_json, Context};

#[derive(clap::Args)]
pub struct HandoverArgs {
    /// The dossier code.
    code: String,
    /// Print only the SMS text.
    #[arg(long)]
    sms: bool,
}

pub fn run(ctx: &Context, args: HandoverArgs) -> Result<(), Failure> {
    let residents = crate::resident_cmd::open(ctx)?;
    residents
        .resume()?
        .ok_or(hoso_core::residents::ResidentError::NoneActive)?;
    let sessions = crate::portal_link::sessions(ctx)?;
    let client = sessions
        .resume()?
        .ok_or_else(crate::portal_link::no_portal)?;
    let handover = residents.handover(&args.code, client.base_url())?;
    if ctx.json {
        print_json(&handover);
    } else if args.sms {
        println!("{}", handover.sms);
    } else {
        println!("Mã hồ sơ / dossier: {}", handover.dossier_code);
        println!("Thủ tục / procedure: {}", handover.procedure_name);
        println!("Nơi tiếp nhận / agency: {}", handover.agency);
        println!("Ngày nộp / filed: {}", handover.submitted_on);
        if let Some(a) = &handover.appointment_on {
            println!("Ngày hẹn trả kết quả / appointment: {a}");
        }
        println!("Phí / fee: {} đồng", handover.fee_vnd);
        for b in &handover.bring {
            println!("  - {b}");
        }
        println!("Tra cứu / lookup: {}", handover.lookup_url);
    }
    Ok(())
}
