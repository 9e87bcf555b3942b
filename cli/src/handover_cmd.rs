//! `hoso handover CODE`: what the resident keeps of a dossier filed for
//! them (the resident in use): its code, procedure, agency, dates, fee (a
//! fee still to pay printed with its VietQR), what to bring, the receipt's
//! QR text, the lookup link and an SMS.

use crate::failure::Failure;
use crate::{print_json, Context};

#[derive(clap::Args)]
pub struct HandoverArgs {
    /// The dossier code.
    code: String,
    /// Print only the SMS text.
    #[arg(long)]
    sms: bool,
    /// Write the printable sheet here (A5 PDF; --a4 for A4).
    #[arg(long)]
    pdf: Option<std::path::PathBuf>,
    #[arg(long)]
    a4: bool,
    /// Write the sheet as a picture to send by chat (PNG).
    #[arg(long)]
    png: Option<std::path::PathBuf>,
    /// Who helped, as printed (default: your name and team from the
    /// portal account).
    #[arg(long)]
    helped_by: Option<String>,
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
    let mut written = Vec::new();
    if args.pdf.is_some() || args.png.is_some() {
        let helped_by = match args.helped_by {
            Some(h) => h,
            None => {
                let me = crate::volunteer_cmd::me(ctx)?;
                match me.volunteer {
                    Some(v) => format!("{}, {}", me.full_name, v.team),
                    None => me.full_name,
                }
            }
        };
        let size = match args.a4 {
            true => hoso_core::papers::PageSize::A4,
            false => hoso_core::papers::PageSize::A5,
        };
        if let Some(path) = &args.pdf {
            std::fs::write(path, handover.pdf(&helped_by, size)?).map_err(Failure::Input)?;
            written.push(path.clone());
        }
        if let Some(path) = &args.png {
            std::fs::write(path, handover.png(&helped_by)?).map_err(Failure::Input)?;
            written.push(path.clone());
        }
    }
    if ctx.json {
        let mut out = serde_json::to_value(&handover).unwrap_or_default();
        out["written"] = serde_json::to_value(&written).unwrap_or_default();
        print_json(&out);
        return Ok(());
    }
    for path in &written {
        println!("Đã ghi / written: {}", path.display());
    }
    if args.sms {
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
        if let Some(f) = &handover.fee_payment {
            println!(
                "Còn phải nộp / still to pay: {} đồng, nội dung / message {}, hạn / until {} (`hoso pay show {}`)",
                f.amount_vnd, f.reference, f.until, handover.dossier_code
            );
        }
        for b in &handover.bring {
            println!("  - {b}");
        }
        println!("Tra cứu / lookup: {}", handover.lookup_url);
    }
    Ok(())
}
