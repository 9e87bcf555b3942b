//! `hoso portal …`, `hoso submit`, `hoso supplement`, `hoso withdraw`,
//! `hoso outbox`, `hoso sync`, `hoso status`: log in to a portal (the
//! session is sealed in the data directory; first registering a citizen or
//! a volunteer of a team), queue dossiers, supplements
//! and withdrawals, list the outbox, send what is due (once, or watching
//! until stopped), and read followed dossiers.

use crate::portal_link::{runtime, sessions};
use crate::{print_json, Context, Failure};
use clap::Subcommand;
use hoso_core::catalog::ChannelKind;
use hoso_core::client::PortalClient;
use hoso_core::clock::unix_now;
use hoso_core::draft::Drafts;
use hoso_core::outbox::Outbox;
use hoso_core::residents::VolunteerRounds;
use hoso_core::sync::agencies::agencies;
use hoso_core::sync::background::{Background, LoopEvent, LoopState};
use hoso_core::sync::engine::{NetworkPolicy, SyncError, SyncEvent, SyncOptions, SyncReport};
use hoso_core::sync::report::RoundReport;
use hoso_core::sync::round::RoundPolicy;
use hoso_core::sync::Local;
use hoso_core::wire::VolunteerProfile;

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
        #[arg(long, value_name = "FULL_NAME", conflicts_with = "register_volunteer")]
        register: Option<String>,
        /// Create a volunteer account with this full name first, in the
        /// team given by --team, --province and --commune. It files for
        /// residents once the commune approves it (hoso portal account).
        #[arg(long, value_name = "FULL_NAME", requires_all = ["team", "province", "commune"])]
        register_volunteer: Option<String>,
        /// The volunteer's community digital-tech team (Tổ công nghệ số
        /// cộng đồng).
        #[arg(long, requires = "register_volunteer")]
        team: Option<String>,
        /// The team's province.
        #[arg(long, requires = "register_volunteer")]
        province: Option<String>,
        /// The team's commune or ward.
        #[arg(long, requires = "register_volunteer")]
        commune: Option<String>,
    },
    /// The logged-in account as the portal holds it now: for a volunteer,
    /// whether the commune approves it (and as member or leader).
    Account,
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
pub fn portal(ctx: &Context, cmd: PortalCommand) -> Result<(), Failure> {
    let sessions = sessions(ctx)?;
    match cmd {
        PortalCommand::Login {
            url,
            phone,
            register,
            register_volunteer,
            team,
            province,
            commune,
        } => {
            let password = password()?;
            let client = PortalClient::new(&url)?;
            let volunteer = match (register_volunteer, team, province, commune) {
                (Some(name), Some(team), Some(province), Some(commune)) => Some((
                    name,
                    VolunteerProfile {
                        team,
                        province,
                        commune,
                    },
                )),
                _ => None,
            };
            let account = runtime()?.block_on(async {
                if let Some(name) = register {
                    client.register_citizen(&phone, &password, &name).await?;
                }
                if let Some((name, team)) = volunteer {
                    client
                        .register_volunteer(&phone, &password, &name, team)
                        .await?;
                }
                client.login(&phone, &password).await
            })?;
            sessions.remember(&client)?;
            if ctx.json {
                print_json(&serde_json::json!({
                    "logged_in": true,
                    "url": client.base_url(),
                    "account_id": account.id,
                    "kind": account.kind,
                    "approval": account.approval,
                }));
            } else {
                println!("Đã đăng nhập / logged in: {}", client.base_url());
                if let Some(a) = &account.approval {
                    println!(
                        "Duyệt / approval: {}",
                        crate::volunteer_cmd::approval_line(a)
                    );
                }
            }
        }
        PortalCommand::Account => return crate::volunteer_cmd::account(ctx),
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
            let client = crate::portal_link::public_client(&sessions, url.as_deref())?
                .ok_or_else(crate::portal_link::no_portal)?;
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
    let residents = crate::resident_cmd::open(ctx)?;
    let s = match residents.resume()? {
        // For the resident in use: with `filed_for` and their consent.
        Some(_) => residents.submit(draft_id, agency, channel)?,
        None => {
            let drafts = Drafts::open(&ctx.data_dir, &ctx.keys())?;
            Outbox::new(&drafts).freeze(&drafts, draft_id, agency, channel)?
        }
    };
    queued(ctx, &s);
    Ok(())
}

fn queued(ctx: &Context, s: &hoso_core::outbox::Submission) {
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
    let residents = crate::resident_cmd::open(ctx)?;
    let draft = match residents.resume()? {
        // Only a dossier filed for the resident in use.
        Some(_) => residents.start_supplement(code)?,
        None => {
            let local = Local::open(&ctx.data_dir, &ctx.keys())?;
            local
                .outbox
                .start_supplement(&local.drafts, &local.filed, code)?
        }
    };
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

/// The stores of the resident in use, else the user's own.
fn space(ctx: &Context) -> Result<std::sync::Arc<Local>, Failure> {
    match crate::resident_cmd::space(ctx)? {
        Some(local) => Ok(local),
        None => Ok(std::sync::Arc::new(Local::open(
            &ctx.data_dir,
            &ctx.keys(),
        )?)),
    }
}

/// `hoso withdraw CODE --reason TEXT`.
pub fn withdraw(ctx: &Context, code: &str, reason: &str) -> Result<(), Failure> {
    let residents = crate::resident_cmd::open(ctx)?;
    let s = match residents.resume()? {
        Some(_) => residents.withdraw(code, reason)?,
        None => {
            let local = Local::open(&ctx.data_dir, &ctx.keys())?;
            local
                .outbox
                .queue_withdrawal(&local.drafts, &local.filed, code, reason)?
        }
    };
    queued(ctx, &s);
    Ok(())
}

/// `hoso outbox`.
pub fn outbox(ctx: &Context) -> Result<(), Failure> {
    let all = space(ctx)?.outbox.all()?;
    if ctx.json {
        print_json(&all);
        return Ok(());
    }
    if all.is_empty() {
        println!("Hàng chờ gửi trống / the outbox is empty");
    }
    for s in all {
        let code = s.submitted_code().unwrap_or("-");
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

/// Prints a round's progress on a terminal.
fn show(e: &LoopEvent) {
    match e {
        LoopEvent::Sync(SyncEvent::Uploading {
            submission,
            file,
            files,
            dossier_done,
            dossier_total,
            ..
        }) => {
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
        LoopEvent::Sync(SyncEvent::Submitted { code, .. }) => println!("Đã gửi / sent: {code}"),
        LoopEvent::Sync(SyncEvent::WaitingForUnmetered { submission, size }) => eprintln!(
            "{}: tệp {size} B chờ Wi-Fi / a {size}-byte file waits for an unmetered network",
            submission.get(..8).unwrap_or(submission)
        ),
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
}

/// `hoso sync`: one round (send what is due, then refresh status), or
/// `--watch`.
pub fn sync(ctx: &Context, args: SyncArgs) -> Result<(), Failure> {
    let residents = crate::resident_cmd::open(ctx)?;
    let local = Local::open(&ctx.data_dir, &ctx.keys())?;
    let client = local.sessions.resume()?.ok_or_else(|| {
        Failure::Usage(
            "chưa đăng nhập cổng: hoso portal login --url … --phone … / not logged in: hoso portal login --url … --phone …".into(),
        )
    })?;
    let network = NetworkPolicy {
        metered: args.metered,
        metered_file_limit: args.metered_limit,
    };
    let mut policy = RoundPolicy::sync_now(args.retry_now, network);
    policy.options.concurrency = args.concurrency.max(1);
    // The user's own outbox and every resident's, in one round.
    let rounds = VolunteerRounds {
        residents: &residents,
        own: &local,
    };
    if args.watch {
        return watch(ctx, &client, &rounds, policy.options);
    }
    let json = ctx.json;
    let heard = std::sync::Mutex::new(Vec::new());
    let report =
        runtime()?.block_on(residents.sync(&client, &local, &policy, unix_now(), &|e| {
            if json {
                heard.lock().map(|mut h| h.push(e)).unwrap_or_default();
            } else {
                show(&e)
            }
        }))?;
    if report.logged_out {
        return Err(SyncError::NotLoggedIn.into());
    }
    warn_unrefreshed(&report);
    if json {
        // The round's report, and every event it sent, in order.
        let mut out = serde_json::to_value(&report).unwrap_or_default();
        let events = heard.into_inner().unwrap_or_default();
        out["events"] = serde_json::to_value(events).unwrap_or_default();
        print_json(&out);
    } else {
        print_report(&report);
    }
    Ok(())
}

/// Says on stderr what a round could not refresh (the saved status stays).
pub(crate) fn warn_unrefreshed(report: &RoundReport) {
    if let Some(f) = &report.pull_failure {
        eprintln!(
            "hoso: không cập nhật được trạng thái: {} / cannot refresh status: {}",
            f.message_vi, f.message_en
        );
    }
    for f in &report.receipt_failures {
        eprintln!(
            "hoso: {}: {} / {}",
            f.dossier_code, f.message_vi, f.message_en
        );
    }
}

fn print_report(report: &RoundReport) {
    let pass = &report.pass;
    println!(
        "Đã gửi {} · chờ thử lại {} · cần người dùng {} · chờ Wi-Fi {} / sent {}, retry later {}, needs you {}, waiting for Wi-Fi {}",
        pass.submitted.len(),
        pass.retry_later,
        pass.needs_user,
        pass.waiting_for_unmetered,
        pass.submitted.len(),
        pass.retry_later,
        pass.needs_user,
        pass.waiting_for_unmetered,
    );
}

/// `hoso sync --watch`: the background loop, until Ctrl-C. With `--json`,
/// one JSON object a line per event.
fn watch(
    ctx: &Context,
    client: &PortalClient,
    local: &VolunteerRounds<'_>,
    options: SyncOptions,
) -> Result<(), Failure> {
    let background = Background::new(options.concurrency);
    background.set_network(options.network);
    let json = ctx.json;
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .map_err(Failure::Input)?;
    rt.block_on(async {
        let events = |e: LoopEvent| match (json, &e) {
            (true, _) => println!("{}", serde_json::to_string(&e).unwrap_or_default()),
            (false, LoopEvent::Round { report }) if report.pass != SyncReport::default() => {
                print_report(report)
            }
            (false, _) => show(&e),
        };
        tokio::select! {
            _ = background.run(client, local, &events) => {}
            _ = tokio::signal::ctrl_c() => background.stop(),
        }
    });
    Ok(())
}
