//! `hoso status [CODE] [--offline]`: the dossiers filed from this device
//! and those followed by receipt, after refreshing them (unless offline or
//! not logged in); `hoso linked [GROUP] [--offline]`: linked filings as
//! groups of those dossiers.

use crate::portal_link::runtime;
use crate::{print_json, Context, Failure};
use hoso_core::clock::unix_now;
use hoso_core::filed::{linked_groups, TrackedDossier};
use hoso_core::sync::round::{round, RoundPolicy};
use hoso_core::sync::Local;

/// `hoso status [CODE] [--offline]`: followed dossiers, after pulling the
/// change feed (unless offline or not logged in).
pub fn run(ctx: &Context, code: Option<&str>, offline: bool) -> Result<(), Failure> {
    let local = Local::open(&ctx.data_dir, &ctx.keys())?;
    let receipts = &local.receipts;
    let pulled = refresh(&local, offline)?;
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
        print_dossier(&d);
        if code.is_some() {
            for h in &d.history {
                println!("    {}  {}  {}", h.at, h.status, h.note);
            }
        }
    }
    Ok(())
}

/// Pulls the change feed unless offline or not logged in; whether it did.
pub(crate) fn refresh(local: &Local, offline: bool) -> Result<bool, Failure> {
    if offline {
        return Ok(false);
    }
    let Some(client) = local.sessions.resume()? else {
        return Ok(false);
    };
    let policy = RoundPolicy::status_only();
    let report = runtime()?.block_on(round(&client, local, &policy, unix_now(), &|_| {}))?;
    // Offline reading still works: say why it is not fresh.
    crate::sync_cmd::warn_unrefreshed(&report);
    Ok(report.pulled)
}

fn print_dossier(d: &TrackedDossier) {
    let part = d
        .linked
        .as_ref()
        .map(|l| {
            format!(
                "  [liên thông / linked {} {}]",
                l.group_procedure_code, l.part
            )
        })
        .unwrap_or_default();
    println!(
        "{}  trạng thái / status {}  hẹn trả / appointment {}  (cập nhật / updated {}){part}",
        d.code, d.status, d.appointment_date, d.updated_at
    );
}

/// `hoso linked [GROUP] [--offline]`: the linked filings among followed
/// dossiers, each with its state and parts.
pub fn linked(ctx: &Context, group: Option<&str>, offline: bool) -> Result<(), Failure> {
    let local = Local::open(&ctx.data_dir, &ctx.keys())?;
    let pulled = refresh(&local, offline)?;
    let mut groups = linked_groups(&local.filed.all()?);
    if let Some(id) = group {
        groups.retain(|g| g.group_id == id.trim());
        if groups.is_empty() {
            return Err(Failure::Usage(format!(
                "không có hồ sơ liên thông này / no such linked filing: {}",
                hoso_core::text::shown_if_identifier(id)
            )));
        }
    }
    if ctx.json {
        print_json(&serde_json::json!({"refreshed": pulled, "groups": groups}));
        return Ok(());
    }
    for g in &groups {
        println!(
            "{}  {}  {:?}  ({}/{} xong / done)",
            g.group_id,
            g.procedure_code,
            g.state,
            g.parts_done,
            g.parts.len()
        );
        for d in &g.parts {
            print!("  ");
            print_dossier(d);
        }
    }
    Ok(())
}
