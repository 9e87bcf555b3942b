//! The outbox against a real hoso-portal: a complete draft frozen with its
//! Idempotency-Key, uploaded and submitted by `sync_once`, and — with the
//! portal failing 30 % of requests (half of them after committing) and
//! cutting 10 % of connections — every submission still arrives exactly
//! once, with its file verified.

mod common;

use hoso_core::sync::Local;

use hoso_core::client::{Method, PortalClient};
use hoso_core::outbox::SubmissionState;
use hoso_core::sync::engine::{sync_once, SyncOptions};

#[tokio::test]
async fn a_frozen_draft_is_submitted_once() {
    let tp = common::portal(common::config()).await;
    let device = common::device();
    let local = Local::open(device.path(), &common::FixedKey([3; 32])).unwrap();
    let drafts = &local.drafts;
    let id = common::ready_draft(drafts, device.path(), "one");
    let submission = common::freeze(&local, &id);
    assert_eq!(submission.state, SubmissionState::Queued);
    assert_eq!(submission.idempotency_key.len(), 36);

    // Deleting the draft does not take the file the outbox still needs.
    drafts.delete(&id).unwrap();
    local.outbox.collect_garbage(&local.drafts).unwrap();

    let client = PortalClient::new(&tp.base).unwrap();
    common::citizen(&client, "0912345678").await;
    let uploads = std::sync::atomic::AtomicUsize::new(0);
    let report = sync_once(
        &client,
        &local,
        common::now(),
        &SyncOptions::default(),
        &|e| {
            if matches!(e, hoso_core::sync::engine::SyncEvent::Uploading { .. }) {
                uploads.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
            }
        },
    )
    .await
    .unwrap();
    let uploads = uploads.into_inner();
    assert_eq!(report.submitted.len(), 1, "{report:?}");
    assert!(report.submitted[0].starts_with("H40.22-"));
    assert_eq!(report.bytes_sent, 300_000);
    assert!(uploads >= 2);
    let stored = local.outbox.get(&submission.id).unwrap();
    assert_eq!(stored.state, SubmissionState::Submitted);
    assert_eq!(
        stored
            .dossier
            .as_ref()
            .unwrap()
            .receipt
            .payload
            .dossier_code,
        report.submitted[0]
    );

    // Nothing left to do; the portal holds one dossier.
    let again = common::pass(&client, &local).await;
    assert_eq!(again, Default::default());
    assert_eq!(common::admin_stats(&tp).await["dossiers"], 1);
    // Its file was released (and removed) once the portal had it.
    let sha = &submission.files[0].sha256;
    assert!(drafts.read_attachment_range(sha, 0, 1).is_err());
    assert_eq!(local.outbox.collect_garbage(&local.drafts).unwrap(), 0);
}

#[tokio::test]
async fn every_submission_arrives_exactly_once_through_faults() {
    let mut config = common::config();
    config.faults.rate_5xx = 0.3;
    config.faults.reset_rate = 0.1;
    config.faults.seed = 5;
    let tp = common::portal(config).await;
    let device = common::device();
    let local = Local::open(device.path(), &common::FixedKey([4; 32])).unwrap();
    let drafts = &local.drafts;
    for i in 0..6 {
        let id = common::ready_draft(drafts, device.path(), &format!("f{i}"));
        common::freeze(&local, &id);
    }
    let client = PortalClient::new(&tp.base).unwrap();
    assert!(common::citizen_through_faults(&client, "0912345678", 100).await);
    // Passes far in the future: every backoff has run out.
    let mut codes = Vec::new();
    for pass in 0..200 {
        let report = sync_once(
            &client,
            &local,
            common::now() + pass * 3600,
            &SyncOptions::default(),
            &|_| {},
        )
        .await
        .unwrap();
        codes.extend(report.submitted);
        assert_eq!(report.needs_user, 0);
        if local
            .outbox
            .all()
            .unwrap()
            .iter()
            .all(|s| s.state == SubmissionState::Submitted)
        {
            break;
        }
    }
    codes.sort();
    codes.dedup();
    assert_eq!(codes.len(), 6);
    // Admin endpoints are never faulted.
    let stats = common::admin_stats(&tp).await;
    assert_eq!(stats["dossiers"], 6, "exactly once each");
    let list = common::admin(&tp, Method::GET, "/v1/admin/dossiers?verify=true", None).await;
    for d in list["dossiers"].as_array().unwrap() {
        assert_eq!(d["documents_verified"], true);
    }
}

#[tokio::test]
async fn status_changes_arrive_through_the_feed_and_stay_offline() {
    let common::Filed {
        tp,
        local,
        client,
        code,
        ..
    } = common::filed(5).await;
    // Followed as soon as it is submitted.
    assert_eq!(local.filed.get(&code).unwrap().unwrap().status, 1);

    for (status, note) in [(2, "Đã tiếp nhận"), (4, "Đang xử lý")] {
        common::set_status(
            &tp,
            &code,
            serde_json::json!({"status": status, "note": note}),
        )
        .await;
    }
    let changes = hoso_core::sync::status::pull(&client, &local, common::now())
        .await
        .unwrap();
    let seen: Vec<u8> = changes.status.iter().map(|c| c.status).collect();
    assert_eq!(seen, vec![2, 4], "status 1 was known from the submission");
    let tracked = local.filed.get(&code).unwrap().unwrap();
    assert_eq!(tracked.status, 4);
    assert_eq!(tracked.history.len(), 3);
    assert!(local.filed.feed_cursor().unwrap().is_some());

    // Nothing new: no changes, and the record says when it was checked.
    let later = common::now() + 60;
    let none = hoso_core::sync::status::pull(&client, &local, later)
        .await
        .unwrap();
    assert_eq!(none, hoso_core::sync::status::Pulled::default());
    assert_eq!(local.filed.get(&code).unwrap().unwrap().checked_at, later);
}

/// The core, not the CLI or the binding, decides what a submission needs:
/// a receiving agency for a new dossier (asked before readiness, blank is
/// missing), and one of the three filing channels by name.
#[test]
fn a_new_dossier_needs_an_agency_and_a_known_channel() {
    use hoso_core::catalog::ChannelKind;
    use hoso_core::outbox::OutboxError;
    let device = common::device();
    let local = Local::open(device.path(), &common::FixedKey([3; 32])).unwrap();
    let drafts = &local.drafts;
    let incomplete = drafts.create("1.001193", false).unwrap().id;
    let ready = common::ready_draft(drafts, device.path(), "agency");
    for (id, agency) in [(&incomplete, None), (&ready, None), (&ready, Some("  "))] {
        match local
            .outbox
            .freeze(&local.drafts, id, agency, ChannelKind::Online)
        {
            Err(e @ OutboxError::AgencyRequired) => assert_eq!(e.code(), "agency_required"),
            other => panic!("expected agency_required, got {other:?}"),
        }
    }
    assert!(matches!(
        local.outbox.freeze(
            &local.drafts,
            &incomplete,
            Some("H40.22"),
            ChannelKind::Online
        ),
        Err(OutboxError::NotReady { .. })
    ));
    assert!(local.outbox.all().unwrap().is_empty(), "nothing was queued");

    assert_eq!(
        "in_person".parse::<ChannelKind>(),
        Ok(ChannelKind::InPerson)
    );
    let unknown = "fax".parse::<ChannelKind>().unwrap_err();
    assert_eq!(unknown.code(), "unknown_channel");
    let queued = local
        .outbox
        .freeze(
            &local.drafts,
            &ready,
            Some(" H40.22 "),
            "postal".parse().unwrap(),
        )
        .unwrap();
    assert_eq!(queued.body["agency_code"], "H40.22");
    assert_eq!(queued.body["channel"], "postal");
}
