//! A volunteer's standing and team from the command line: `hoso portal
//! account` (the logged-in account as the portal holds it now, with a
//! volunteer's approval by its commune) and `hoso team dossiers` (for an
//! approved team leader, the dossiers the team filed: who filed each and
//! its status, nothing of the residents). Registering as a volunteer is
//! `hoso portal login --register-volunteer` (`sync_cmd`).

use crate::portal_link::{runtime, sessions};
use crate::{print_json, Context, Failure};
use clap::Subcommand;
use hoso_core::client::{PortalClient, PortalError};
use hoso_core::wire::{Account, ApprovalState, VolunteerApproval};
use std::collections::BTreeMap;

#[derive(Subcommand)]
pub enum TeamCommand {
    /// The dossiers your team's volunteers filed (team leaders approved by
    /// the commune only), a page at a time in submission order.
    Dossiers {
        /// Where the previous page ended (its next cursor).
        #[arg(long)]
        cursor: Option<String>,
        /// Dossiers per page, 1–500.
        #[arg(long, default_value_t = 100, value_parser = clap::value_parser!(u32).range(1..=500))]
        limit: u32,
    },
    /// The dossiers filed from this device counted per day, procedure and
    /// status (counts only), for the team leader's report.
    Stats {
        /// As CSV instead of a table (or JSON with --json).
        #[arg(long)]
        csv: bool,
    },
}

/// The saved session's client, or the usage error saying to log in.
fn logged_in(ctx: &Context) -> Result<(hoso_core::sync::session::Sessions, PortalClient), Failure> {
    let sessions = sessions(ctx)?;
    let client = sessions.resume()?.ok_or_else(|| {
        Failure::Usage(
            "chưa đăng nhập cổng: hoso portal login --url … --phone … / not logged in: hoso portal login --url … --phone …".into(),
        )
    })?;
    Ok((sessions, client))
}

/// Runs one call with the saved session, then saves the session whatever
/// the answer: a refresh on the way has spent the old refresh token.
fn with_session<T>(
    ctx: &Context,
    call: impl AsyncFnOnce(&PortalClient) -> Result<T, PortalError>,
) -> Result<T, Failure> {
    let (sessions, client) = logged_in(ctx)?;
    let answer = runtime()?.block_on(call(&client));
    sessions.remember(&client)?;
    Ok(answer?)
}

/// One line saying where a volunteer stands with its commune.
pub fn approval_line(approval: &VolunteerApproval) -> String {
    match (approval.state, approval.role, approval.reason.as_deref()) {
        (ApprovalState::Approved, Some(role), _) => format!(
            "đã được xã duyệt / approved ({role}) từ / since {}",
            approval.at
        ),
        (ApprovalState::Revoked, _, reason) => format!(
            "đã bị thu hồi / revoked từ / since {}: {}",
            approval.at,
            reason.unwrap_or("")
        ),
        _ => format!(
            "chờ xã duyệt, chưa nộp hộ được / pending the commune's approval (cannot file for residents) từ / since {}",
            approval.at
        ),
    }
}

/// `hoso portal account`.
pub fn account(ctx: &Context) -> Result<(), Failure> {
    let account: Account = with_session(ctx, async |c| c.me().await)?;
    if ctx.json {
        print_json(&account);
        return Ok(());
    }
    println!("Tài khoản / account: {} ({})", account.id, account.kind);
    println!("Họ tên / name: {}", account.full_name);
    if let Some(v) = &account.volunteer {
        println!("Tổ / team: {} — {}, {}", v.team, v.commune, v.province);
    }
    if let Some(a) = &account.approval {
        println!("Duyệt / approval: {}", approval_line(a));
    }
    Ok(())
}

/// `hoso team …`.
pub fn team(ctx: &Context, cmd: TeamCommand) -> Result<(), Failure> {
    let (cursor, limit) = match cmd {
        TeamCommand::Dossiers { cursor, limit } => (cursor, limit),
        TeamCommand::Stats { csv } => return stats(ctx, csv),
    };
    let page = with_session(ctx, async |c| {
        c.team_dossiers(cursor.as_deref(), Some(limit)).await
    })?;
    if ctx.json {
        print_json(&page);
        return Ok(());
    }
    let t = &page.team;
    println!("Tổ / team: {} — {}, {}", t.team, t.commune, t.province);
    if page.dossiers.is_empty() {
        println!("Không có hồ sơ / no dossiers");
    }
    let mut by_status: BTreeMap<u8, usize> = BTreeMap::new();
    for d in &page.dossiers {
        *by_status.entry(d.status).or_default() += 1;
        println!(
            "{}  {}  trạng thái / status {}  nộp / submitted {}  cập nhật / updated {}  hẹn trả / appointment {}  — {}",
            d.code,
            d.procedure_code,
            d.status,
            d.submitted_at,
            d.updated_at,
            d.appointment_date,
            d.filed_by.full_name
        );
    }
    if !by_status.is_empty() {
        let counts: Vec<String> = by_status
            .iter()
            .map(|(status, n)| format!("{status}: {n}"))
            .collect();
        println!("Theo trạng thái / by status: {}", counts.join(", "));
    }
    if page.has_more {
        println!(
            "Còn nữa / more: hoso team dossiers --cursor {}",
            page.next_cursor
        );
    }
    Ok(())
}

/// `hoso team stats [--csv]`: from the dossiers followed on this device.
fn stats(ctx: &Context, csv: bool) -> Result<(), Failure> {
    let filed = hoso_core::sync::Local::open(&ctx.data_dir, &ctx.keys())?.filed;
    let rows = hoso_core::residents::team_stats(&filed)?;
    if csv {
        print!("{}", hoso_core::residents::stats_csv(&rows));
    } else if ctx.json {
        print_json(&serde_json::json!({ "stats": rows }));
    } else {
        for r in &rows {
            println!(
                "{}  {}  {} ({})  {}",
                r.day, r.procedure_code, r.status, r.status_name, r.count
            );
        }
    }
    Ok(())
}

/// The volunteer's account as the portal holds it (their name, phone and
/// team go on the papers).
pub fn me(ctx: &Context) -> Result<Account, Failure> {
    with_session(ctx, async |c| c.me().await)
}
