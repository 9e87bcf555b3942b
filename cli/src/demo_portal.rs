//! The filing part of `hoso demo`: start the reference portal in-process on
//! a loopback port (its own temporary data, the officer simulation on),
//! make an account, pick the receiving ward for the applicant's province,
//! freeze the drafted birth registration into the outbox, send it with
//! `sync_once` (upload progress, exactly once), show the signed receipt
//! and check it as a neighbour would (`demo_receipt`), then advance the portal clock and follow the status through the feed.

use crate::Failure;
use hoso_core::catalog::ChannelKind;
use hoso_core::client::{Method, PortalClient};
use hoso_core::sync::agencies::{agencies, Agency};
use hoso_core::sync::engine::{NetworkPolicy, SyncEvent};
use hoso_core::sync::report::LoopEvent;
use hoso_core::sync::round::{round, RoundPolicy};
use hoso_core::sync::Local;
use serde::Serialize;
use std::path::Path;
use std::sync::Arc;

/// What the filing demo did.
#[derive(Serialize)]
pub struct FilingDemo {
    pub portal: String,
    pub agency: Agency,
    pub dossier_code: String,
    pub appointment_date: String,
    pub fee: hoso_core::wire::DossierFee,
    pub receipt_qr: String,
    /// The receipt read back from a PNG, verified offline, looked up.
    pub receipt_check: crate::demo_receipt::ReceiptCheck,
    pub upload_events: usize,
    pub bytes_sent: u64,
    /// Status history after the portal clock moved 3 working days.
    pub history: Vec<hoso_core::wire::HistoryEntry>,
}

fn demo_error(e: impl std::fmt::Display) -> Failure {
    Failure::Usage(format!("bản trình diễn thất bại / the demo failed: {e}"))
}

pub fn run(
    data_dir: &Path,
    bundle: &Path,
    draft_id: &str,
    keys: &crate::keyfile::KeyFile,
    verbose: bool,
) -> Result<FilingDemo, Failure> {
    let scratch = tempfile::tempdir()?;
    // A fresh admin token per demo (nothing outside the demo uses it).
    let admin = hoso_portal::admin_token::generate().map_err(demo_error)?;
    let portal = hoso_portal::Portal::open(hoso_portal::Options {
        data_dir: scratch.path().join("portal"),
        catalog: bundle.to_path_buf(),
        config: hoso_portal::Config {
            admin_token: admin.clone(),
            simulation: true,
            password_iterations: 100_000,
            ..hoso_portal::Config::default()
        },
    })
    .map_err(demo_error)?;
    let runtime = tokio::runtime::Runtime::new()?;
    let local = Local::open(data_dir, keys)?;
    runtime.block_on(async {
        let (addr, _server) = hoso_portal::start(Arc::new(portal), "127.0.0.1:0".parse().map_err(demo_error)?)
            .await?;
        let base = format!("http://{addr}");
        let client = PortalClient::new(&base)?;
        client
            .register_citizen("0912345678", "hoso-demo-2026", "Nguyễn Văn An")
            .await?;
        client.login("0912345678", "hoso-demo-2026").await?;

        // The receiving ward: the applicant's, among those that take this procedure.
        let list = agencies(&client, Some("1.001193"), Some("Hà Nội")).await?;
        let agency = list
            .iter()
            .find(|a| a.commune.as_deref().is_some_and(|c| c.contains("Ba Đình")))
            .or_else(|| list.first())
            .cloned()
            .ok_or_else(|| demo_error("no receiving agency"))?;
        local
            .outbox
            .freeze(&local.drafts, draft_id, Some(&agency.code), ChannelKind::Online)?;

        let now = hoso_core::clock::unix_now();
        let events = std::sync::atomic::AtomicUsize::new(0);
        // The same round the app and `hoso sync` run; the demo portal's
        // session is a throwaway, not this directory's.
        let mut policy = RoundPolicy::sync_now(false, NetworkPolicy::default());
        policy.keep_session = false;
        let report = round(&client, &local, &policy, now, &|e| {
            let LoopEvent::Sync(e) = e else {
                return;
            };
            events.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            if let (
                true,
                SyncEvent::Uploading {
                    file,
                    files,
                    dossier_done,
                    dossier_total,
                    ..
                },
            ) = (verbose, &e)
            {
                println!(
                    "  tải lên / uploading: tệp / file {}/{files}, {dossier_done}/{dossier_total} bytes",
                    file + 1
                );
            }
        })
        .await?;
        let events = events.into_inner();
        let dossier_code = report
            .pass
            .submitted
            .first()
            .cloned()
            .ok_or_else(|| demo_error("nothing was submitted"))?;
        let submission = local
            .outbox
            .all()?
            .into_iter()
            .find_map(|s| s.dossier.filter(|d| d.code == dossier_code))
            .ok_or_else(|| demo_error("submission not recorded"))?;
        let receipt_qr = submission.receipt.qr.clone();
        let receipt_check =
            crate::demo_receipt::check(&client, &local.receipts, &receipt_qr, scratch.path()).await?;

        // Three working days pass at the portal; the officer simulation works.
        client
            .send(
                client
                    .request(Method::POST, "/v1/admin/clock/advance")
                    .bearer_auth(admin)
                    .json(&serde_json::json!({"working_days": 3})),
            )
            .await?;
        let mut status_only = RoundPolicy::status_only();
        status_only.keep_session = false;
        let pulled = round(&client, &local, &status_only, now, &|_| {}).await?;
        if let Some(failure) = pulled.pull_failure {
            return Err(demo_error(failure.message_en));
        }
        let history = local
            .filed
            .get(&dossier_code)?
            .map(|t| t.history)
            .unwrap_or_default();
        Ok(FilingDemo {
            portal: base,
            agency,
            appointment_date: submission.appointment_date,
            fee: submission.fee,
            receipt_qr,
            receipt_check,
            dossier_code,
            upload_events: events,
            bytes_sent: report.pass.bytes_sent,
            history,
        })
    })
}

/// The filing demo as text.
pub fn print(demo: &FilingDemo) {
    println!(
        "\nNộp hồ sơ qua cổng (chạy trong máy) / filing with the portal (in-process at {})",
        demo.portal
    );
    println!(
        "  Cơ quan tiếp nhận / receiving agency: {} {}",
        demo.agency.code, demo.agency.name
    );
    println!("  Đã gửi / sent {} bytes", demo.bytes_sent);
    println!("  Mã hồ sơ / dossier code: {}", demo.dossier_code);
    println!("  Ngày hẹn trả / appointment: {}", demo.appointment_date);
    println!(
        "  Lệ phí / fee: {} đồng ({})",
        demo.fee.amount_vnd, demo.fee.text
    );
    println!("  Mã QR biên nhận / receipt QR ({}):", demo.receipt_qr);
    match hoso_core::receipt::image::terminal(&demo.receipt_qr) {
        Ok(drawn) => {
            for line in drawn.lines() {
                println!("    {line}");
            }
        }
        Err(e) => println!("    {e}"),
    }
    crate::demo_receipt::print(&demo.receipt_check);
    println!("  Sau 3 ngày làm việc / after 3 working days:");
    for h in &demo.history {
        println!("    {}  {:>2}  {}", h.at, h.status, h.note);
    }
}
