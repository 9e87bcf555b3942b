//! After filing, through the same outbox against a real hoso-portal: an
//! officer's supplement request becomes a draft linked to the dossier
//! (requested documents attached, a value corrected) and is answered once;
//! a withdrawal is queued and sent; a file too large for a metered network
//! waits for an unmetered one; and the background loop sends what is
//! nudged and reports status changes.

mod common;

use hoso_core::sync::Local;

use hoso_core::client::{Method, PortalClient};
use hoso_core::outbox::OutboxError;
use hoso_core::outbox::{SubmissionKind, SubmissionState};
use hoso_core::sync::background::{Background, LoopEvent};
use hoso_core::sync::engine::{sync_once, NetworkPolicy, SyncEvent, SyncOptions};
use hoso_core::sync::status::pull;
use std::sync::Arc;

#[tokio::test]
async fn a_supplement_request_is_answered_through_the_outbox() {
    let common::Filed {
        tp,
        device,
        local,
        client,
        code,
    } = common::filed(21).await;
    let drafts = &local.drafts;
    // No request yet: nothing to answer.
    assert!(matches!(
        local
            .outbox
            .start_supplement(&local.drafts, &local.filed, &code),
        Err(OutboxError::NoSupplementRequest(_))
    ));
    common::set_status(
        &tp,
        &code,
        serde_json::json!({"status": 2, "note": "Đã tiếp nhận"}),
    )
    .await;
    common::set_status(
        &tp,
        &code,
        serde_json::json!({"status": 4, "note": "Đang xử lý"}),
    )
    .await;
    common::set_status(
        &tp,
        &code,
        serde_json::json!({"status": 5, "note": "Đề nghị bổ sung giấy xác nhận cư trú",
            "supplement_request": {"slots": ["doc07"], "due_date": "2030-01-10"}}),
    )
    .await;
    pull(&client, &local, common::now()).await.unwrap();

    let draft = local
        .outbox
        .start_supplement(&local.drafts, &local.filed, &code)
        .unwrap();
    let link = draft.supplement.clone().unwrap();
    assert_eq!(link.dossier_code, code);
    assert_eq!(link.slots, vec!["doc07".to_string()]);
    assert_eq!(link.due_date, "2030-01-10");
    assert_eq!(link.note, "Đề nghị bổ sung giấy xác nhận cư trú");
    assert_eq!(draft.values, link.filed_values, "the values as filed");
    assert!(!draft.values.is_empty());
    // Starting again reopens the same draft.
    assert_eq!(
        local
            .outbox
            .start_supplement(&local.drafts, &local.filed, &code)
            .unwrap()
            .id,
        draft.id
    );

    // Not ready until the requested document is attached.
    let report = drafts
        .validate(&draft.id, hoso_core::form::CheckMode::Complete)
        .unwrap();
    assert!(!report.ready);
    assert_eq!(report.missing.len(), 1);
    assert_eq!(report.missing[0].field, "documents.doc07");
    assert!(matches!(
        local.outbox.freeze(
            &local.drafts,
            &draft.id,
            None,
            hoso_core::catalog::ChannelKind::Online
        ),
        Err(OutboxError::NotReady { missing: 1, .. })
    ));
    let file = device.path().join("cu-tru.pdf");
    std::fs::write(&file, common::pdf(120_000, "cu-tru")).unwrap();
    drafts
        .attach(&draft.id, "doc07", &file, &mut |_| true)
        .unwrap();
    // A corrected value goes with it.
    drafts
        .set(&draft.id, "applicant.phone", "0987654321")
        .unwrap();
    let queued = local
        .outbox
        .freeze(
            &local.drafts,
            &draft.id,
            None,
            hoso_core::catalog::ChannelKind::Online,
        )
        .unwrap();
    assert_eq!(
        queued.kind,
        SubmissionKind::Supplement {
            dossier_code: code.clone()
        }
    );
    assert_eq!(
        queued.body["form_values"],
        serde_json::json!({"applicant.phone": "0987654321"})
    );
    assert_eq!(queued.files.len(), 1);

    let sent = common::pass(&client, &local).await;
    assert_eq!(sent.submitted, vec![code.clone()]);
    assert_eq!(sent.bytes_sent, 120_000);
    let tracked = local.filed.get(&code).unwrap().unwrap();
    assert_eq!(tracked.status, 4, "back to processing");
    assert!(tracked.supplement_request.is_none());
    // The portal has the document and the correction, once.
    let list = common::admin(&tp, Method::GET, "/v1/admin/dossiers?verify=true", None).await;
    let d = &list["dossiers"][0];
    assert_eq!(list["dossiers"].as_array().unwrap().len(), 1);
    assert_eq!(d["documents_verified"], true);
    let dossier: serde_json::Value = client
        .authed(|c| c.request(Method::GET, &format!("/v1/dossiers/{code}")))
        .await
        .unwrap()
        .json()
        .unwrap();
    assert_eq!(dossier["documents"]["doc07"].as_array().unwrap().len(), 1);
    let last = dossier["history"]
        .as_array()
        .unwrap()
        .last()
        .unwrap()
        .clone();
    assert_eq!(last["status"], 4);
    assert_eq!(last["note"], "Công dân đã bổ sung giấy tờ theo yêu cầu");
    // The request is answered: nothing left to start.
    assert!(matches!(
        local
            .outbox
            .start_supplement(&local.drafts, &local.filed, &code),
        Err(OutboxError::NoSupplementRequest(_))
    ));
}

#[tokio::test]
async fn a_withdrawal_is_sent_once_and_a_refused_one_needs_the_user() {
    let common::Filed {
        local,
        client,
        code,
        ..
    } = common::filed(22).await;
    assert!(matches!(
        local
            .outbox
            .queue_withdrawal(&local.drafts, &local.filed, &code, "  "),
        Err(OutboxError::BadReason)
    ));
    let queued = local
        .outbox
        .queue_withdrawal(
            &local.drafts,
            &local.filed,
            &code,
            "Gia đình chuyển về quê, sẽ nộp tại xã mới",
        )
        .unwrap();
    assert_eq!(queued.kind.dossier_code(), Some(code.as_str()));
    let report = common::pass(&client, &local).await;
    assert_eq!(report.submitted, vec![code.clone()]);
    assert_eq!(local.filed.get(&code).unwrap().unwrap().status, 7);

    // A dossier already returned cannot be withdrawn: the portal's refusal
    // is kept for the user, not retried.
    let common::Filed {
        tp: tp2,
        local: local2,
        client: client2,
        code: code2,
        ..
    } = common::filed(23).await;
    for (status, note) in [(2, "Tiếp nhận"), (4, "Xử lý"), (9, "Đã trả kết quả")] {
        common::set_status(
            &tp2,
            &code2,
            serde_json::json!({"status": status, "note": note}),
        )
        .await;
    }
    local2
        .outbox
        .queue_withdrawal(&local2.drafts, &local2.filed, &code2, "Không cần nữa")
        .unwrap();
    let refused = common::pass(&client2, &local2).await;
    assert_eq!(refused.needs_user, 1);
    let s = local2
        .outbox
        .all()
        .unwrap()
        .into_iter()
        .find(|s| matches!(s.kind, SubmissionKind::Withdrawal { .. }))
        .unwrap();
    assert_eq!(s.state, SubmissionState::FailedNeedsUser);
    assert_eq!(s.last_error.unwrap().code, "invalid_state");
}

#[tokio::test]
async fn large_files_wait_for_an_unmetered_network() {
    let tp = common::portal(common::config()).await;
    let device = common::device();
    let local = Local::open(device.path(), &common::FixedKey([24; 32])).unwrap();
    let drafts = &local.drafts;
    let id = common::ready_draft(drafts, device.path(), "metered");
    common::freeze(&local, &id);
    let client = PortalClient::new(&tp.base).unwrap();
    common::citizen(&client, "0912345678").await;
    let metered = SyncOptions {
        network: NetworkPolicy {
            metered: true,
            metered_file_limit: 100_000,
        },
        ..SyncOptions::default()
    };
    let waiting = std::sync::Mutex::new(Vec::new());
    let report = sync_once(&client, &local, common::now(), &metered, &|e| {
        if let SyncEvent::WaitingForUnmetered { size, .. } = e {
            waiting.lock().unwrap().push(size);
        }
    })
    .await
    .unwrap();
    assert_eq!(report.waiting_for_unmetered, 1);
    assert_eq!(report.bytes_sent, 0);
    assert_eq!(*waiting.lock().unwrap(), vec![300_000]);
    assert_eq!(
        local.outbox.all().unwrap()[0].state,
        SubmissionState::Queued
    );
    assert_eq!(common::admin_stats(&tp).await["dossiers"], 0);
    // Wi-Fi: it goes.
    let report = common::pass(&client, &local).await;
    assert_eq!(report.submitted.len(), 1);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_background_loop_sends_when_nudged_and_reports_status() {
    let tp = common::portal(common::config()).await;
    let device = common::device();
    let local = Arc::new(Local::open(device.path(), &common::FixedKey([25; 32])).unwrap());
    let client = Arc::new(PortalClient::new(&tp.base).unwrap());
    common::citizen(&client, "0912345678").await;
    let background = Arc::new(Background::default());
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    let task = {
        let (background, client, local) = (background.clone(), client.clone(), local.clone());
        tokio::spawn(async move {
            background
                .run(&client, local.as_ref(), &move |e| {
                    let _ = tx.send(e);
                })
                .await
        })
    };
    let id = common::ready_draft(&local.drafts, device.path(), "loop");
    common::freeze(&local, &id);
    background.nudge();
    let code = loop {
        match rx.recv().await.unwrap() {
            LoopEvent::Sync(SyncEvent::Submitted { code, .. }) => break code,
            _ => continue,
        }
    };
    // The session the loop used is saved for the next start.
    assert!(local.sessions.get().unwrap().unwrap().tokens.is_some());
    common::set_status(
        &tp,
        &code,
        serde_json::json!({"status": 2, "note": "Đã tiếp nhận"}),
    )
    .await;
    background.nudge();
    let change = loop {
        match rx.recv().await.unwrap() {
            LoopEvent::StatusChanged(c) => break c,
            _ => continue,
        }
    };
    assert_eq!(change.code, code);
    assert_eq!(change.status, 2);
    background.stop();
    task.await.unwrap();
}
