//! The sync engine under chaos, over real loopback HTTP: 200 dossiers with
//! three attachments each, sent to a hoso-portal that answers 20 % of
//! requests with 500/503 (half of them after committing), resets 5 % of
//! connections mid-body and adds up to 200 ms of jitter to every request —
//! while the client process is killed with SIGKILL at 30 random points and
//! started again. At the end the portal holds exactly 200 dossiers, each
//! once, every attachment verified against its hash, and nothing is left
//! pending in the client's outbox.
//!
//! The test binary re-runs itself as the client (`chaos_child`, inert
//! unless `HOSO_CHAOS_CHILD` is set); this process runs only the portal, so
//! the children can open the device store.

mod common;

use hoso_core::sync::Local;

use hoso_core::client::{Method, PortalClient};
use hoso_core::outbox::SubmissionState;
use hoso_core::sync::engine::{sync_once, SyncOptions};
use std::io::Write;
use std::path::Path;
use std::time::{Duration, Instant};

const CHILD: &str = "HOSO_CHAOS_CHILD";
const DOSSIERS: usize = 200;
const KILLS: usize = 30;
const KEY: [u8; 32] = [77; 32];
const PHONE: &str = "0912000111";
/// The documents of each dossier: birth certificate, proof of residence,
/// the parent's ID card.
const SLOTS: [&str; 3] = ["doc05", "doc07", "doc11"];

/// Child side. `seed`: make the drafts, freeze them, log in. `sync`: send
/// until nothing is pending, printing `DONE`. `verify`: print the outbox.
#[test]
fn chaos_child() {
    let Some(common::kill::ChildEnv {
        mode,
        dir,
        base,
        rt,
    }) = common::kill::child_env(CHILD)
    else {
        return;
    };
    let out = std::io::stdout();
    let local = Local::open(&dir, &common::FixedKey(KEY)).unwrap();
    let sessions = &local.sessions;
    let client = PortalClient::new(&base).unwrap();
    match mode.as_str() {
        "seed" => {
            seed(&local, &dir);
            assert!(
                rt.block_on(common::citizen_through_faults(&client, PHONE, 200)),
                "cannot log in through the faults"
            );
            sessions
                .save(Some(&hoso_core::sync::session::PortalSession {
                    url: base,
                    tokens: client.tokens(),
                }))
                .unwrap();
            writeln!(out.lock(), "SEEDED").unwrap();
        }
        "sync" => {
            client.set_tokens(sessions.get().unwrap().unwrap().tokens);
            let started = Instant::now();
            // More at once than a phone would send: the jitter, not the
            // work, sets the pace here.
            let options = SyncOptions {
                force: true,
                concurrency: 12,
                ..SyncOptions::default()
            };
            loop {
                let report = rt
                    .block_on(sync_once(&client, &local, common::now(), &options, &|_| {}))
                    .unwrap();
                assert_eq!(report.needs_user, 0, "nothing is refused");
                let pending: Vec<_> = local
                    .outbox
                    .all()
                    .unwrap()
                    .into_iter()
                    .filter(|s| s.state.pending())
                    .collect();
                let mut why: Vec<String> = pending
                    .iter()
                    .filter_map(|s| s.last_error.as_ref().map(|e| e.code.clone()))
                    .collect();
                why.sort();
                why.dedup();
                writeln!(
                    out.lock(),
                    "PASS {:?} sent {} pending {} ({})",
                    started.elapsed(),
                    report.submitted.len(),
                    pending.len(),
                    why.join(",")
                )
                .unwrap();
                let pending = pending.len();
                if pending == 0 {
                    writeln!(out.lock(), "DONE").unwrap();
                    break;
                }
            }
        }
        "verify" => {
            let all = local.outbox.all().unwrap();
            let summary: Vec<serde_json::Value> = all
                .iter()
                .map(|s| {
                    serde_json::json!({
                        "state": s.state,
                        "code": s.submitted_code(),
                        "files": s.files.len(),
                    })
                })
                .collect();
            writeln!(out.lock(), "OUTBOX {}", serde_json::Value::from(summary)).unwrap();
        }
        _ => panic!("unknown child mode"),
    }
}

/// 200 complete birth registrations, each with three unique files, frozen.
fn seed(local: &Local, dir: &Path) {
    let drafts = &local.drafts;
    let base = common::filled_draft(drafts);
    for i in 0..DOSSIERS {
        let draft = drafts.duplicate(&base).unwrap();
        for (j, slot) in SLOTS.iter().enumerate() {
            let size = 20_000 + ((i * 7 + j * 13) % 40) * 1_000;
            common::attach_pdf(
                drafts,
                dir,
                &draft.id,
                slot,
                size,
                &format!("chaos-{i}-{j}"),
            );
        }
        common::freeze(local, &draft.id);
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn two_hundred_dossiers_arrive_exactly_once_through_faults_and_kills() {
    if std::env::var(CHILD).is_ok() {
        return;
    }
    let tp = common::portal(common::faulty(2026)).await;
    let work = tempfile::tempdir().unwrap();
    let dir = work.path().join("device");
    let child = common::kill::Child::new(work.path(), "chaos_child", CHILD, dir, tp.base.clone());
    // Kills anywhere from start-up to well into the sending; short enough
    // that all 30 land before the work is done, even on a faster machine.
    // Started again and left alone, it finishes.
    let last = child.seed_kill_finish(KILLS, 950, 0x5eed_c4a05_u64).await;
    println!("{last}");

    // The portal: exactly 200 dossiers, every attachment hash-verified.
    let stats = common::admin_stats(&tp).await;
    assert_eq!(stats["dossiers"], DOSSIERS, "exactly once each");
    let mut codes = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let path = match &cursor {
            Some(c) => format!("/v1/admin/dossiers?verify=true&limit=100&cursor={c}"),
            None => "/v1/admin/dossiers?verify=true&limit=100".to_string(),
        };
        let page = common::admin(&tp, Method::GET, &path, None).await;
        for d in page["dossiers"].as_array().unwrap() {
            assert_eq!(d["documents_verified"], true, "{}", d["code"]);
            codes.push(d["code"].as_str().unwrap().to_string());
        }
        match page["next_cursor"].as_str() {
            Some(c) if page["has_more"] != false => cursor = Some(c.to_string()),
            _ => break,
        }
    }
    codes.sort();
    codes.dedup();
    assert_eq!(codes.len(), DOSSIERS);

    // The client: nothing pending, every submission with its own code.
    let verify = child.run("verify", Duration::from_secs(120)).await;
    let outbox: serde_json::Value = serde_json::from_str(
        verify
            .lines()
            .find_map(|l| l.strip_prefix("OUTBOX "))
            .unwrap_or_else(|| panic!("verify failed: {verify}")),
    )
    .unwrap();
    let outbox = outbox.as_array().unwrap();
    assert_eq!(outbox.len(), DOSSIERS);
    let mut client_codes: Vec<String> = outbox
        .iter()
        .map(|s| {
            assert_eq!(s["state"], serde_json::json!(SubmissionState::Submitted));
            assert_eq!(s["files"], 3);
            s["code"].as_str().unwrap().to_string()
        })
        .collect();
    client_codes.sort();
    assert_eq!(client_codes, codes, "the client knows every dossier's code");
}
