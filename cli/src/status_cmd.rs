//! `hoso status [CODE] [--offline]`: the dossiers filed from this device
//! and those followed by receipt, after refreshing them (unless offline or
//! not logged in).

use crate::portal_link::runtime;
use crate::{print_json, Context, Failure};
use hoso_core::clock::unix_now;
use hoso_core::sync::round::{round, RoundPolicy};
use hoso_core::sync::Local;

/// `hoso status [CODE] [--offline]`: followed dossiers, after pulling the
/// change feed (unless offline or not logged in).
pub fn run(ctx: &Context, code: Option<&str>, offline: bool) -> Result<(), Failure> {
    let local = Local::open(&ctx.data_dir, &ctx.keys())?;
    let receipts = &local.receipts;
    let mut pulled = false;
    if !offline {
        if let Some(client) = local.sessions.resume()? {
            let policy = RoundPolicy::status_only();
            let report =
                runtime()?.block_on(round(&client, &local, &policy, unix_now(), &|_| {}))?;
            pulled = report.pulled;
            // Offline reading still works: say why it is not fresh.
            crate::sync_cmd::warn_unrefreshed(&report);
        }
    }
    let mut all = local.filed.all()?;
    let mut by_receipt = receipts.followed_all()?;
    if let Some(code) = code {
        let code = hoso_core::receipt::scan::canonical_code(code);
        all.retain(|d| d.code == code);
        by_receipt.retain(|f| f.dossier_code == code);
        if all.is_empty() && by_receipt.is_empty() {
            return Err(Failure::Usage(format!(
                "không theo dõi hồ sơ này / not following this dossier: {}",
                hoso_core::text::shown_if_identifier(&code)
            )));
        }
    }
    if ctx.json {
        print_json(
            &serde_json::json!({"refreshed": pulled, "dossiers": all, "followed_by_receipt": by_receipt}),
        );
        return Ok(());
    }
    for f in &by_receipt {
        crate::qr_cmd::print_followed(f);
    }
    for d in all {
        println!(
            "{}  trạng thái / status {}  hẹn trả / appointment {}  (cập nhật / updated {})",
            d.code, d.status, d.appointment_date, d.updated_at
        );
        if code.is_some() {
            for h in &d.history {
                println!("    {}  {}  {}", h.at, h.status, h.note);
            }
        }
    }
    Ok(())
}
