//! `hoso portal …`, `hoso submit`, `hoso outbox`, `hoso sync`: log in to a
//! portal (the session is sealed in the data directory), freeze a complete
//! draft into the outbox, list the outbox, and send what is due.

use crate::{print_json, Context, Failure};
use clap::Subcommand;
use hoso_core::draft::{Drafts, PortalSession};
use hoso_core::sync::client::{Method, PortalClient};
use hoso_core::sync::engine::{sync_once, SyncEvent};

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
}

fn password() -> Result<String, Failure> {
    if let Ok(p) = std::env::var("HOSO_PORTAL_PASSWORD") {
        return Ok(p);
    }
    crate::value_arg("-".into())
}

/// Seconds since the Unix epoch.
fn unix_now() -> i64 {
    std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_secs() as i64)
        .unwrap_or(0)
}

fn runtime() -> Result<tokio::runtime::Runtime, Failure> {
    tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .map_err(Failure::Input)
}

pub fn portal(ctx: &Context, cmd: PortalCommand) -> Result<(), Failure> {
    let drafts = Drafts::open(&ctx.data_dir, &ctx.keys())?;
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
                    let body = serde_json::json!({"kind": "citizen", "phone": phone, "password": password, "full_name": name});
                    client
                        .send(client.request(Method::POST, "/v1/accounts").json(&body))
                        .await?;
                }
                client.login(&phone, &password).await
            })?;
            drafts.save_portal_session(Some(&PortalSession {
                url: client.base_url().to_string(),
                tokens: client.tokens(),
            }))?;
            if ctx.json {
                print_json(
                    &serde_json::json!({"logged_in": true, "url": client.base_url(), "account_id": account["id"]}),
                );
            } else {
                println!("Đã đăng nhập / logged in: {}", client.base_url());
            }
        }
        PortalCommand::Logout => {
            if let Some(session) = drafts.portal_session()? {
                let client = PortalClient::new(&session.url)?;
                client.set_tokens(session.tokens);
                // Best effort: the local session goes either way.
                let _ = runtime()?
                    .block_on(client.authed(|c| c.request(Method::POST, "/v1/auth/logout")));
            }
            drafts.save_portal_session(None)?;
            if ctx.json {
                print_json(&serde_json::json!({"logged_in": false}));
            } else {
                println!("Đã đăng xuất / logged out");
            }
        }
    }
    Ok(())
}

/// `hoso submit DRAFT --agency CODE [--channel C]`.
pub fn submit(ctx: &Context, draft_id: &str, agency: &str, channel: &str) -> Result<(), Failure> {
    if !["online", "in_person", "postal"].contains(&channel) {
        return Err(Failure::Usage(
            "--channel: online, in_person hoặc/or postal".into(),
        ));
    }
    let drafts = Drafts::open(&ctx.data_dir, &ctx.keys())?;
    let s = drafts.freeze(draft_id, agency, channel)?;
    if ctx.json {
        print_json(&s);
    } else {
        println!(
            "Đã đưa vào hàng chờ gửi / queued: {} ({}), {} tệp / files",
            s.id,
            s.procedure_name,
            s.files.len()
        );
    }
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

/// `hoso sync`: one pass over the outbox.
pub fn sync(ctx: &Context) -> Result<(), Failure> {
    let drafts = Drafts::open(&ctx.data_dir, &ctx.keys())?;
    let session = drafts.portal_session()?.ok_or_else(|| {
        Failure::Usage(
            "chưa đăng nhập cổng: hoso portal login --url … --phone … / not logged in: hoso portal login --url … --phone …".into(),
        )
    })?;
    let client = PortalClient::new(&session.url)?;
    client.set_tokens(session.tokens.clone());
    let now = unix_now();
    let json = ctx.json;
    let rt = runtime()?;
    let result = rt.block_on(sync_once(&client, &drafts, now, &mut |e| {
        if json {
            return;
        }
        match e {
            SyncEvent::Uploading {
                file,
                files,
                done,
                total,
                ..
            } => {
                let pct = (done * 100).checked_div(total).unwrap_or(100);
                eprint!(
                    "\rtệp / file {}/{files}: {done}/{total} ({pct}%)   ",
                    file + 1
                );
                if done == total {
                    eprintln!();
                }
            }
            SyncEvent::Submitted { code, .. } => {
                println!("Đã nộp / submitted: {code}");
            }
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
    drafts.save_portal_session(Some(&PortalSession {
        url: session.url,
        tokens: client.tokens(),
    }))?;
    let (report, status_changes) = result?;
    if json {
        print_json(&serde_json::json!({
            "status_changes": status_changes,
            "submitted": report.submitted,
            "retry_later": report.retry_later,
            "needs_user": report.needs_user,
            "bytes_sent": report.bytes_sent,
        }));
    } else {
        println!(
            "Đã nộp {} · chờ thử lại {} · cần người dùng {} / submitted {}, retry later {}, needs you {}",
            report.submitted.len(),
            report.retry_later,
            report.needs_user,
            report.submitted.len(),
            report.retry_later,
            report.needs_user
        );
    }
    Ok(())
}

/// `hoso status [CODE] [--offline]`: followed dossiers, after pulling the
/// change feed (unless offline or not logged in).
pub fn status(ctx: &Context, code: Option<&str>, offline: bool) -> Result<(), Failure> {
    let drafts = Drafts::open(&ctx.data_dir, &ctx.keys())?;
    let mut pulled = false;
    if !offline {
        if let Some(session) = drafts.portal_session()? {
            let client = PortalClient::new(&session.url)?;
            client.set_tokens(session.tokens.clone());
            let now = unix_now();
            let result = runtime()?.block_on(hoso_core::sync::status::pull(&client, &drafts, now));
            drafts.save_portal_session(Some(&PortalSession {
                url: session.url,
                tokens: client.tokens(),
            }))?;
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
    if let Some(code) = code {
        all.retain(|d| d.code == code);
        if all.is_empty() {
            return Err(Failure::Usage(format!(
                "không theo dõi hồ sơ này / not following this dossier: {}",
                hoso_core::text::shown_if_identifier(code)
            )));
        }
    }
    if ctx.json {
        print_json(&serde_json::json!({"refreshed": pulled, "dossiers": all}));
        return Ok(());
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
