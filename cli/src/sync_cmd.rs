//! `hoso portal …`, `hoso submit`, `hoso supplement`, `hoso withdraw`,
//! `hoso outbox`, `hoso sync`, `hoso status`: log in to a portal (the
//! session is sealed in the data directory), queue dossiers, supplements
//! and withdrawals, list the outbox, send what is due (once, or watching
//! until stopped), and read followed dossiers.

use crate::{print_json, Context, Failure};
use clap::Subcommand;
use hoso_core::catalog::ChannelKind;
use hoso_core::clock::unix_now;
use hoso_core::draft::Drafts;
use hoso_core::sync::agencies::agencies;
use hoso_core::sync::background::{Background, LoopEvent, LoopState};
use hoso_core::sync::client::PortalClient;
use hoso_core::sync::engine::{sync_once, NetworkPolicy, SyncEvent, SyncOptions, SyncReport};
use hoso_core::sync::session::Sessions;

#[derive(Subcommand)]
pub enum PortalCommand {
    /// Log in (the password is read from HOSO_PORTAL_PASSWORD or the first
    /// line of standard input, never from the command line).
    Login {
        /// The portal's base URL (https://…, or http:// to this machine).
        #[arg(long, env = "HOSO_PORTAL_URL")]
        url: String,
        #[arg(long)]
        phone: String,
        /// Create a citizen account with this full name first.
        #[arg(long, value_name = "FULL_NAME")]
        register: Option<String>,
    },
    /// Forget the session (and end it on the portal when reachable).
    Logout,
    /// The receiving agencies (their codes go to `hoso submit --agency`):
    /// those that take a procedure, in a province. No account needed.
    Agencies {
        /// Only agencies that receive this procedure, e.g. 1.001193.
        #[arg(long)]
        procedure: Option<String>,
        /// Only agencies in this province (official name, diacritics
        /// optional), e.g. "Nghe An".
        #[arg(long)]
        province: Option<String>,
        /// The portal (default: the one logged in to).
        #[arg(long, env = "HOSO_PORTAL_URL")]
        url: Option<String>,
    },
}

fn password() -> Result<String, Failure> {
    if let Ok(p) = std::env::var("HOSO_PORTAL_PASSWORD") {
        return Ok(p);
    }
    crate::value_arg("-".into())
}

/// The saved portal session of the data directory.
pub(crate) fn sessions(ctx: &Context) -> Result<Sessions, Failure> {
    Ok(Sessions::open(&ctx.data_dir, &ctx.keys())?)
}

pub(crate) fn runtime() -> Result<tokio::runtime::Runtime, Failure> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(Failure::Input)
}

pub fn portal(ctx: &Context, cmd: PortalCommand) -> Result<(), Failure> {
    let sessions = sessions(ctx)?;
    match cmd {
        PortalCommand::Login {
            url,
            phone,
            register,
        } => {
            let password = password()?;
            let client = PortalClient::new(&url)?;
            let account = runtime()?.block_on(async {
                if let Some(name) = register {
                    client.register_citizen(&phone, &password, &name).await?;
                }
                client.login(&phone, &password).await
            })?;
            sessions.remember(&client)?;
            if ctx.json {
                print_json(
                    &serde_json::json!({"logged_in": true, "url": client.base_url(), "account_id": account["id"]}),
                );
            } else {
                println!("Đã đăng nhập / logged in: {}", client.base_url());
            }
        }
        PortalCommand::Logout => {
            if let Some(client) = sessions.resume()? {
                // Best effort: the local session goes either way.
                let _ = runtime()?.block_on(client.logout());
            }
            sessions.forget()?;
            if ctx.json {
                print_json(&serde_json::json!({"logged_in": false}));
            } else {
                println!("Đã đăng xuất / logged out");
            }
        }
        PortalCommand::Agencies {
            procedure,
            province,
            url,
        } => {
            let client = crate::qr_cmd::public_client(&sessions, url.as_deref())?
                .ok_or_else(crate::qr_cmd::no_portal)?;
            let list = runtime()?.block_on(agencies(
                &client,
                procedure.as_deref(),
                province.as_deref(),
            ))?;
            if ctx.json {
                print_json(&list);
            } else if list.is_empty() {
                println!("Không có cơ quan tiếp nhận phù hợp / no matching receiving agency");
            } else {
                for a in &list {
                    let place = [a.commune.as_deref(), a.province.as_deref()]
                        .into_iter()
                        .flatten()
                        .collect::<Vec<_>>()
                        .join(", ");
                    println!("{:<10} {} ({place})", a.code, a.name);
                }
            }
        }
    }
    Ok(())
}

/// `hoso submit DRAFT [--agency CODE] [--channel C]`.
pub fn submit(
    ctx: &Context,
    draft_id: &str,
    agency: Option<&str>,
    channel: &str,
) -> Result<(), Failure> {
    let channel: ChannelKind = channel
        .parse()
        .map_err(|e: hoso_core::catalog::UnknownChannel| Failure::Usage(e.to_string()))?;
    let drafts = Drafts::open(&ctx.data_dir, &ctx.keys())?;
    let s = drafts.freeze(draft_id, agency, channel)?;
    queued(ctx, &s);
    Ok(())
}

fn queued(ctx: &Context, s: &hoso_core::sync::outbox::Submission) {
    if ctx.json {
        print_json(s);
    } else {
        println!(
            "Đã đưa vào hàng chờ gửi / queued: {} ({}), {} tệp / files",
            s.id,
            s.kind.dossier_code().unwrap_or(&s.procedure_name),
            s.files.len()
        );
    }
}

/// `hoso supplement CODE`.
pub fn supplement(ctx: &Context, code: &str) -> Result<(), Failure> {
    let drafts = Drafts::open(&ctx.data_dir, &ctx.keys())?;
    let draft = drafts.start_supplement(code)?;
    if ctx.json {
        print_json(&draft);
        return Ok(());
    }
    if let Some(link) = &draft.supplement {
        println!(
            "Bản nháp bổ sung / supplement draft {} cho hồ sơ / for dossier {}",
            draft.id, link.dossier_code
        );
        println!("  Cán bộ yêu cầu / the officer asks: {}", link.note);
        println!(
            "  Giấy tờ cần bổ sung / documents wanted: {}",
            link.slots.join(", ")
        );
        if !link.due_date.is_empty() {
            println!("  Hạn / due: {}", link.due_date);
        }
        println!(
            "  Đính kèm / attach: hoso attach add {} SLOT FILE; rồi / then: hoso submit {}",
            draft.id, draft.id
        );
    }
    Ok(())
}

/// `hoso withdraw CODE --reason TEXT`.
pub fn withdraw(ctx: &Context, code: &str, reason: &str) -> Result<(), Failure> {
    let drafts = Drafts::open(&ctx.data_dir, &ctx.keys())?;
    let s = drafts.queue_withdrawal(code, reason)?;
    queued(ctx, &s);
    Ok(())
}

/// `hoso outbox`.
pub fn outbox(ctx: &Context) -> Result<(), Failure> {
    let drafts = Drafts::open(&ctx.data_dir, &ctx.keys())?;
    let all = drafts.submissions()?;
    if ctx.json {
        print_json(&all);
        return Ok(());
    }
    if all.is_empty() {
        println!("Hàng chờ gửi trống / the outbox is empty");
    }
    for s in all {
        let code = s
            .dossier
            .as_ref()
            .and_then(|d| d["code"].as_str())
            .unwrap_or("-");
        let state = serde_json::to_value(s.state).unwrap_or_default();
        println!(
            "{}  {:<18} {}  {}",
            s.id,
            state.as_str().unwrap_or("?"),
            code,
            s.procedure_name
        );
        if let Some(e) = &s.last_error {
            println!("    {} / {}", e.message_vi, e.message_en);
        }
    }
    Ok(())
}

/// `hoso sync` options.
#[derive(clap::Args)]
pub struct SyncArgs {
    /// Retry everything pending now, ignoring backoff.
    #[arg(long)]
    retry_now: bool,
    /// The connection is metered: hold files above --metered-limit.
    #[arg(long)]
    metered: bool,
    /// Largest file sent on a metered connection, bytes.
    #[arg(long, default_value_t = NetworkPolicy::default().metered_file_limit)]
    metered_limit: u64,
    /// Submissions sent at once.
    #[arg(long, default_value_t = SyncOptions::default().concurrency)]
    concurrency: usize,
    /// Keep running (send when due, pull status every few minutes) until
    /// interrupted.
    #[arg(long)]
    watch: bool,
}

/// Prints a pass's progress on a terminal.
fn show(e: &SyncEvent) {
    match e {
        SyncEvent::Uploading {
            submission,
            file,
            files,
            dossier_done,
            dossier_total,
            ..
        } => {
            let pct = (dossier_done * 100)
                .checked_div(*dossier_total)
                .unwrap_or(100);
            let short = submission.get(..8).unwrap_or(submission);
            eprint!(
                "\r{short}: tệp / file {}/{files}, {dossier_done}/{dossier_total} B ({pct}%)   ",
                file + 1
            );
            if dossier_done == dossier_total {
                eprintln!();
            }
        }
        SyncEvent::Submitted { code, .. } => println!("Đã gửi / sent: {code}"),
        SyncEvent::WaitingForUnmetered { submission, size } => eprintln!(
            "{}: tệp {size} B chờ Wi-Fi / a {size}-byte file waits for an unmetered network",
            submission.get(..8).unwrap_or(submission)
        ),
        SyncEvent::StateChanged { .. } => {}
    }
}

/// `hoso sync`: one pass over the outbox and a status pull, or `--watch`.
pub fn sync(ctx: &Context, args: SyncArgs) -> Result<(), Failure> {
    let drafts = Drafts::open(&ctx.data_dir, &ctx.keys())?;
    let sessions = sessions(ctx)?;
    let client = sessions.resume()?.ok_or_else(|| {
        Failure::Usage(
            "chưa đăng nhập cổng: hoso portal login --url … --phone … / not logged in: hoso portal login --url … --phone …".into(),
        )
    })?;
    let options = SyncOptions {
        concurrency: args.concurrency.max(1),
        force: args.retry_now,
        network: NetworkPolicy {
            metered: args.metered,
            metered_file_limit: args.metered_limit,
        },
    };
    if args.watch {
        return watch(ctx, &client, &drafts, options);
    }
    let now = unix_now();
    let json = ctx.json;
    let rt = runtime()?;
    let result = rt.block_on(sync_once(&client, &drafts, now, &options, &|e| {
        if !json {
            show(&e)
        }
    }));
    let result = match result {
        Ok(report) => {
            let pulled = rt.block_on(hoso_core::sync::status::pull(&client, &drafts, now));
            let changes = match pulled {
                Ok(c) => c.len(),
                Err(e) => {
                    eprintln!("hoso: không cập nhật được trạng thái / cannot refresh status: {e}");
                    0
                }
            };
            Ok((report, changes))
        }
        Err(e) => Err(e),
    };
    // Tokens may have been refreshed (rotated) even if the pass failed.
    sessions.remember(&client)?;
    let (report, status_changes) = result?;
    if json {
        print_json(&report_json(&report, status_changes));
    } else {
        print_report(&report);
    }
    Ok(())
}

fn report_json(report: &SyncReport, status_changes: usize) -> serde_json::Value {
    serde_json::json!({
        "status_changes": status_changes,
        "submitted": report.submitted,
        "retry_later": report.retry_later,
        "needs_user": report.needs_user,
        "waiting_for_unmetered": report.waiting_for_unmetered,
        "bytes_sent": report.bytes_sent,
    })
}

fn print_report(report: &SyncReport) {
    println!(
        "Đã gửi {} · chờ thử lại {} · cần người dùng {} · chờ Wi-Fi {} / sent {}, retry later {}, needs you {}, waiting for Wi-Fi {}",
        report.submitted.len(),
        report.retry_later,
        report.needs_user,
        report.waiting_for_unmetered,
        report.submitted.len(),
        report.retry_later,
        report.needs_user,
        report.waiting_for_unmetered,
    );
}

/// `hoso sync --watch`: the background loop, until Ctrl-C. With `--json`,
/// one JSON object a line per event.
fn watch(
    ctx: &Context,
    client: &PortalClient,
    drafts: &Drafts,
    options: SyncOptions,
) -> Result<(), Failure> {
    let receipts = hoso_core::receipt::Receipts::open(&ctx.data_dir, &ctx.keys())?;
    let sessions = sessions(ctx)?;
    let background = Background::new(options.concurrency).with_receipts(receipts);
    background.set_network(options.network);
    let json = ctx.json;
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(Failure::Input)?;
    rt.block_on(async {
        let events = |e: LoopEvent| {
            if json {
                println!("{}", event_json(&e));
                return;
            }
            match e {
                LoopEvent::Sync(e) => show(&e),
                LoopEvent::Pass(r) if r != SyncReport::default() => print_report(&r),
                LoopEvent::StatusChanged(c) => println!(
                    "Hồ sơ / dossier {}: trạng thái / status {} ({})",
                    c.code, c.status, c.at
                ),
                LoopEvent::State(LoopState::Offline { .. }) => {
                    eprintln!("Mất kết nối với cổng, sẽ thử lại / the portal is unreachable, retrying")
                }
                LoopEvent::State(LoopState::LoggedOut) => eprintln!(
                    "Phiên đăng nhập đã hết: hoso portal login … / the session ended: hoso portal login …"
                ),
                LoopEvent::State(LoopState::Failed { message }) => eprintln!("hoso: {message}"),
                _ => {}
            }
        };
        tokio::select! {
            _ = background.run(client, drafts, &sessions, &events) => {}
            _ = tokio::signal::ctrl_c() => background.stop(),
        }
    });
    Ok(())
}

fn event_json(e: &LoopEvent) -> serde_json::Value {
    use serde_json::json;
    match e {
        LoopEvent::State(s) => match s {
            LoopState::Syncing => json!({"event": "state", "state": "syncing"}),
            LoopState::Idle { next_at } => {
                json!({"event": "state", "state": "idle", "next_at": next_at})
            }
            LoopState::Offline { retry_at } => {
                json!({"event": "state", "state": "offline", "retry_at": retry_at})
            }
            LoopState::LoggedOut => json!({"event": "state", "state": "logged_out"}),
            LoopState::Failed { message } => {
                json!({"event": "state", "state": "failed", "message": message})
            }
        },
        LoopEvent::Pass(r) => json!({"event": "pass", "report": report_json(r, 0)}),
        LoopEvent::StatusChanged(c) => {
            json!({"event": "status_changed", "code": c.code, "status": c.status, "at": c.at})
        }
        LoopEvent::Sync(SyncEvent::Uploading {
            submission,
            file,
            files,
            done,
            total,
            dossier_done,
            dossier_total,
        }) => json!({"event": "uploading", "submission": submission, "file": file, "files": files,
            "done": done, "total": total, "dossier_done": dossier_done, "dossier_total": dossier_total}),
        LoopEvent::Sync(SyncEvent::Submitted {
            submission, code, ..
        }) => json!({"event": "submitted", "submission": submission, "code": code}),
        LoopEvent::Sync(SyncEvent::StateChanged { submission, state }) => {
            json!({"event": "submission_state", "submission": submission, "state": state})
        }
        LoopEvent::Sync(SyncEvent::WaitingForUnmetered { submission, size }) => {
            json!({"event": "waiting_for_unmetered", "submission": submission, "size": size})
        }
    }
}

/// `hoso status [CODE] [--offline]`: followed dossiers, after pulling the
/// change feed (unless offline or not logged in).
pub fn status(ctx: &Context, code: Option<&str>, offline: bool) -> Result<(), Failure> {
    let drafts = Drafts::open(&ctx.data_dir, &ctx.keys())?;
    let receipts = hoso_core::receipt::Receipts::open(&ctx.data_dir, &ctx.keys())?;
    let mut pulled = false;
    if !offline {
        let sessions = sessions(ctx)?;
        if let Some(client) = sessions.resume()? {
            let now = unix_now();
            let result = runtime()?.block_on(async {
                // Dossiers followed by receipt, through the public lookup;
                // their own errors leave the cached status in place.
                if let Ok(done) =
                    hoso_core::receipt::online::refresh_followed(&client, &receipts, now).await
                {
                    for r in &done {
                        if let Some(e) = &r.error {
                            eprintln!("hoso: {}: {e}", r.dossier_code);
                        }
                    }
                }
                hoso_core::sync::status::pull(&client, &drafts, now).await
            });
            sessions.remember(&client)?;
            match result {
                Ok(_) => pulled = true,
                // Offline reading still works: say why it is not fresh.
                Err(e) => {
                    eprintln!("hoso: không cập nhật được trạng thái / cannot refresh status: {e}")
                }
            }
        }
    }
    let mut all = drafts.tracked_all()?;
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
                println!(
                    "    {}  {}  {}",
                    h["at"].as_str().unwrap_or(""),
                    h["status"],
                    h["note"].as_str().unwrap_or("")
                );
            }
        }
    }
    Ok(())
}
