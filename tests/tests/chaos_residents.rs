//! Assisted filing under chaos (issue #19), over real loopback HTTP: one
//! volunteer files for 30 residents, one dossier each with three
//! attachments (every third resident's consent a signed form whose scan
//! goes too), each resident in their own sealed space, to a hoso-portal
//! that answers 20 % of requests with 500/503 (half after committing),
//! resets 5 % of connections and adds up to 200 ms of jitter — while the
//! client is killed with SIGKILL at random points and started again. At
//! the end the portal holds exactly 30 dossiers, each once, every file
//! verified, each naming its own resident and consent; every resident's
//! outbox is empty and their list entry knows their dossier.

mod common;

use common::secrets::FileSecrets;
use hoso_core::client::{Method, PortalClient};
use hoso_core::profile::Profiles;
use hoso_core::residents::{NewConsent, Residents};
use hoso_core::sync::round::RoundPolicy;
use hoso_core::sync::Local;
use hoso_core::wire::ConsentMethod;
use std::io::Write;
use std::path::Path;
use std::sync::Arc;
use std::time::{Duration, Instant};

const CHILD: &str = "HOSO_CHAOS_RESIDENTS_CHILD";
const RESIDENTS: usize = 30;
const KILLS: usize = 12;
const KEY: [u8; 32] = [78; 32];
const PHONE: &str = "0389000111";
const SLOTS: [&str; 3] = ["doc05", "doc07", "doc11"];
const SURNAMES: [&str; 6] = ["Nguyễn", "Trần", "Lê", "Phạm", "Hoàng", "Vũ"];
const GIVEN: [&str; 5] = ["Văn An", "Thị Bình", "Văn Cường", "Thị Dung", "Văn Em"];

/// Resident `i`'s full name, and their consent's reference.
fn resident(i: usize) -> (String, String) {
    (
        format!("{} {}", SURNAMES[i % 6], GIVEN[i / 6]),
        format!("TDY-{i:03}"),
    )
}

fn open(dir: &Path) -> (Local, Residents) {
    let key = common::FixedKey(KEY);
    let local = Local::open(dir, &key).unwrap();
    let secrets = Arc::new(FileSecrets(dir.with_extension("secrets")));
    let residents = Residents::open(dir, &key, secrets).unwrap();
    (local, residents)
}

/// Child side. `seed`: the residents, their drafts, queued; log in (the
/// parent registered the volunteer and had them approved).
/// `sync`: rounds until nothing is pending, printing `DONE`. `verify`:
/// each resident's reference and dossiers.
#[test]
fn chaos_residents_child() {
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
    let (local, residents) = open(&dir);
    let client = PortalClient::new(&base).unwrap();
    match mode.as_str() {
        "seed" => {
            seed(&residents, &dir);
            assert!(
                rt.block_on(common::login_through_faults(&client, PHONE, 200)),
                "cannot log in through the faults"
            );
            local
                .sessions
                .save(Some(&hoso_core::sync::session::PortalSession {
                    url: base,
                    tokens: client.tokens(),
                }))
                .unwrap();
            writeln!(out.lock(), "SEEDED").unwrap();
        }
        "sync" => {
            client.set_tokens(local.sessions.get().unwrap().unwrap().tokens);
            let started = Instant::now();
            let mut policy = RoundPolicy::sync_now(true, Default::default());
            policy.pull = false;
            loop {
                let report = rt
                    .block_on(residents.sync(&client, &local, &policy, common::now(), &|_| {}))
                    .unwrap();
                assert_eq!(report.pass.needs_user, 0, "nothing is refused");
                let pending = residents
                    .list()
                    .unwrap()
                    .iter()
                    .filter(|r| r.outbox_pending)
                    .count();
                writeln!(
                    out.lock(),
                    "PASS {:?} sent {} residents pending {pending}",
                    started.elapsed(),
                    report.pass.submitted.len(),
                )
                .unwrap();
                if pending == 0 {
                    writeln!(out.lock(), "DONE").unwrap();
                    break;
                }
            }
        }
        "verify" => {
            let mut summary = Vec::new();
            for r in residents.list().unwrap() {
                let space = residents.use_resident(&r.id).unwrap();
                let outbox = space.outbox.all().unwrap();
                summary.push(serde_json::json!({
                    "reference": residents.consent().unwrap().reference,
                    "dossiers": r.dossiers,
                    "pending": r.outbox_pending,
                    "outbox": outbox.iter().map(|s| (s.state, s.files.len())).collect::<Vec<_>>(),
                }));
            }
            writeln!(out.lock(), "RESIDENTS {}", serde_json::Value::from(summary)).unwrap();
        }
        _ => panic!("unknown child mode"),
    }
}

/// 30 residents, each with their consent, name, one complete birth
/// registration with three unique files, queued for the portal.
fn seed(residents: &Residents, dir: &Path) {
    for i in 0..RESIDENTS {
        let (name, reference) = resident(i);
        let (method, scan) = match i % 3 {
            0 => (
                ConsentMethod::SignedForm,
                Some(common::pdf(30_000, &format!("consent-{i}"))),
            ),
            1 => (ConsentMethod::Vneid, None),
            _ => (ConsentMethod::WitnessedVerbal, None),
        };
        let consent = NewConsent {
            method,
            reference,
            covers: vec!["1.001193".into()],
            retention_days: 30,
            scan,
        };
        let r = residents
            .create(&format!("hộ {i}"), &consent, common::now())
            .unwrap();
        let space = residents.use_resident(&r.id).unwrap();
        Profiles::with_vault(space.drafts.vault().clone())
            .set(None, "full_name", &name)
            .unwrap();
        let draft = common::filled_draft(&space.drafts);
        for (j, slot) in SLOTS.iter().enumerate() {
            let size = 20_000 + ((i * 7 + j * 13) % 40) * 1_000;
            let salt = format!("resident-{i}-{j}");
            common::attach_pdf(&space.drafts, dir, &draft, slot, size, &salt);
        }
        residents
            .submit(
                &draft,
                Some("H40.22"),
                hoso_core::catalog::ChannelKind::Online,
            )
            .unwrap();
    }
    residents.lock().unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn thirty_residents_arrive_exactly_once_each_with_their_consent() {
    if std::env::var(CHILD).is_ok() {
        return;
    }
    let tp = common::portal(common::faulty(2027)).await;
    let work = tempfile::tempdir().unwrap();
    let dir = work.path().join("device");
    let child = common::kill::Child::new(
        work.path(),
        "chaos_residents_child",
        CHILD,
        dir,
        tp.base.clone(),
    );
    // The volunteer registers and the commune approves them.
    let registering = PortalClient::new(&tp.base).unwrap();
    assert!(common::volunteer_through_faults(&tp, &registering, PHONE, 200).await);
    // The residents' outboxes go at once, but the work still takes many
    // seconds; each kill lands within 0.65 s of a start.
    child.seed_kill_finish(KILLS, 600, 0x5eed_0019_u64).await;

    // Exactly 30 dossiers, every file verified.
    assert_eq!(common::admin_stats(&tp).await["dossiers"], RESIDENTS);
    let page = common::admin(
        &tp,
        Method::GET,
        "/v1/admin/dossiers?verify=true&limit=100",
        None,
    )
    .await;
    let listed = page["dossiers"].as_array().unwrap();
    assert_eq!(listed.len(), RESIDENTS);
    for d in listed {
        assert_eq!(d["documents_verified"], true, "{}", d["code"]);
    }

    // Each resident: one dossier, nothing pending, and on the portal it
    // names them and their consent.
    let verify = child.run("verify", Duration::from_secs(120)).await;
    let residents: serde_json::Value = serde_json::from_str(
        verify
            .lines()
            .find_map(|l| l.strip_prefix("RESIDENTS "))
            .unwrap_or_else(|| panic!("verify failed: {verify}")),
    )
    .unwrap();
    let residents = residents.as_array().unwrap();
    assert_eq!(residents.len(), RESIDENTS);
    let volunteer = PortalClient::new(&tp.base).unwrap();
    assert!(common::login_through_faults(&volunteer, PHONE, 200).await);
    let mut codes = Vec::new();
    for r in residents {
        assert_eq!(r["pending"], false);
        let dossiers = r["dossiers"].as_array().unwrap();
        assert_eq!(dossiers.len(), 1, "{r}");
        let reference = r["reference"].as_str().unwrap();
        let i: usize = reference["TDY-".len()..].parse().unwrap();
        let code = dossiers[0].as_str().unwrap();
        let path = format!("/v1/dossiers/{code}");
        let dossier: hoso_core::wire::Dossier = loop {
            // The portal still injects faults; a read is safe to repeat.
            if let Ok(a) = volunteer.authed(|c| c.request(Method::GET, &path)).await {
                break a.json().unwrap();
            }
        };
        let filed_for = dossier.filed_for.expect("filed_for");
        assert_eq!(filed_for.full_name, resident(i).0);
        assert_eq!(filed_for.consent.reference, reference);
        assert_eq!(filed_for.consent.document.is_some(), i % 3 == 0);
        let files = if i % 3 == 0 { 4 } else { 3 };
        assert_eq!(r["outbox"], serde_json::json!([["submitted", files]]));
        codes.push(code.to_string());
    }
    codes.sort();
    codes.dedup();
    assert_eq!(codes.len(), RESIDENTS, "one dossier each");
}
