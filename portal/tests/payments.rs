//! Fee payments over real HTTP (issue #23): a dossier whose online channel
//! charges a fee (re-issuing the ID card, 1.014064: 70,000 đồng, half until
//! 31/12/2026) gets a payment request at filing; an officer's fee request
//! (status 6) gets one too. The bank's notification must be signed; it is
//! acted on once per transaction id; too little is not paid; the rest
//! completes it, issues an electronic receipt that verifies offline against
//! the portal's keys and takes a fee request's dossier back to processing;
//! money after that is to refund; an unknown reference is kept unmatched.

mod common;

use common::{answer, TestPortal, ADMIN};
use hoso_core::receipt::{verify_payment, KeySet, Verdict};
use ring::hmac;
use serde_json::{json, Value};

const SECRET: &str = "payments-test-shared-secret-0123456789";

fn signed(body: &Value) -> (Vec<u8>, String) {
    let bytes = serde_json::to_vec(body).unwrap();
    let key = hmac::Key::new(hmac::HMAC_SHA256, SECRET.as_bytes());
    let hex: String = hmac::sign(&key, &bytes)
        .as_ref()
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    (bytes, format!("sha256={hex}"))
}

async fn notify(tp: &TestPortal, body: &Value, signature: Option<&str>) -> reqwest::Response {
    let (bytes, good) = signed(body);
    tp.http
        .post(tp.url("/v1/payments/notifications"))
        .header("content-type", "application/json")
        .header("hoso-signature", signature.unwrap_or(&good))
        .body(bytes)
        .send()
        .await
        .unwrap()
}

fn transfer(id: &str, reference: &str, amount: u64) -> Value {
    json!({
        "transaction_id": id,
        "reference": format!("CT DEN:0123 {reference} le phi"),
        "amount_vnd": amount,
        "paid_at": "2026-12-07T03:00:00Z",
        "bin": "970418",
        "account_number": "3711000000001",
    })
}

/// A re-issue of the ID card the portal accepts, filed online.
async fn id_card_submission(tp: &TestPortal, token: &str) -> Value {
    let doc = tp
        .upload(token, &common::pdf("dc02"), "application/pdf", "dc02.pdf")
        .await;
    json!({
        "procedure_code": "1.014064",
        "catalog_version": 3,
        "agency_code": "H40.22",
        "channel": "online",
        "form_values": {
            "applicant.full_name": "Nguyễn Văn An",
            "applicant.date_of_birth": "12/05/1990",
            "applicant.sex": "male",
            "applicant.id_number": "040090012345",
            "applicant.phone": "0912345678",
            "applicant.address.province": "Nghệ An",
            "applicant.address.commune": "Phường Trường Vinh",
            "applicant.address.detail": "Số 12, khối 3",
            "request.reason": "lost",
            "request.for_minor": "false",
            "request.delivery": "office",
        },
        "documents": {"doc02": [doc]},
    })
}

/// A portal whose bank notifications are signed with [`SECRET`], and a
/// citizen's token on it.
async fn portal() -> (TestPortal, String) {
    let tp = TestPortal::with_config(hoso_portal::Config {
        payment_secret: SECRET.into(),
        ..common::config()
    })
    .await;
    let token = tp.citizen().await;
    (tp, token)
}

/// Submits `body` under `key` (an Idempotency-Key UUID); the status and
/// the dossier.
async fn submit(tp: &TestPortal, token: &str, key: &str, body: &Value) -> (u16, Value) {
    let res = tp
        .http
        .post(tp.url("/v1/dossiers"))
        .bearer_auth(token)
        .header("Idempotency-Key", format!("\"{key}\""))
        .json(body)
        .send()
        .await
        .unwrap();
    answer(res).await
}

async fn keys(tp: &TestPortal) -> KeySet {
    tp.http
        .get(tp.url("/v1/keys"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap()
}

#[tokio::test]
async fn fees_are_asked_paid_once_and_receipted() {
    let (tp, token) = portal().await;

    // Filing online: the fee of the day is asked at once.
    let body = id_card_submission(&tp, &token).await;
    let (status, dossier) =
        submit(&tp, &token, "0b5a3c1e-7c55-4e0d-9a51-3f4f6d1c2b10", &body).await;
    assert_eq!(status, 201, "{dossier}");
    let code = dossier["code"].as_str().unwrap().to_string();
    let request = &dossier["payments"][0];
    let today = time::OffsetDateTime::now_utc().date();
    let expected = if today <= time::macros::date!(2026 - 12 - 31) {
        35_000
    } else {
        70_000
    };
    assert_eq!(request["kind"], "filing");
    assert_eq!(request["amount_vnd"], expected);
    assert_eq!(dossier["fee"]["amount_vnd"], expected);
    assert_eq!(request["status"], "pending");
    assert_eq!(request["account"]["bin"], "970418");
    let reference = request["reference"].as_str().unwrap().to_string();
    let compact: String = code.chars().filter(char::is_ascii_alphanumeric).collect();
    assert_eq!(reference, format!("HS{compact}01"));

    // Unsigned or wrongly signed: refused, nothing recorded.
    let paid = transfer("FT-1", &reference, expected);
    let res = notify(&tp, &paid, Some(&format!("sha256={}", "0".repeat(64)))).await;
    assert_eq!(res.status(), 401);
    let res = tp
        .http
        .post(tp.url("/v1/payments/notifications"))
        .json(&paid)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 401);

    // Too little is not paid.
    let (status, first) =
        answer(notify(&tp, &transfer("FT-0", &reference, 5_000), None).await).await;
    assert_eq!(status, 200, "{first}");
    assert_eq!(first["outcome"], "partly_paid");
    assert_eq!(first["request"]["status"], "partly_paid");
    assert_eq!(first["request"]["receipt"], Value::Null);

    // The rest pays it: the signed receipt verifies against the portal's keys.
    let rest = transfer("FT-1", &reference, expected - 5_000);
    let (status, done) = answer(notify(&tp, &rest, None).await).await;
    assert_eq!(status, 200, "{done}");
    assert_eq!(done["outcome"], "paid");
    assert_eq!(done["dossier_code"], code.as_str());
    assert_eq!(done["request"]["status"], "paid");
    assert_eq!(done["request"]["paid_vnd"], expected);
    let receipt: hoso_wire::PaymentReceipt =
        serde_json::from_value(done["request"]["receipt"].clone()).unwrap();
    assert_eq!(receipt.payload.amount_vnd, expected);
    assert_eq!(receipt.payload.dossier_code, code);
    assert_eq!(receipt.payload.transaction_id, "FT-1");
    let set = keys(&tp).await;
    assert!(matches!(
        verify_payment(&receipt, &set),
        Verdict::Valid { .. }
    ));
    let mut forged = receipt.clone();
    forged.payload.amount_vnd += 1;
    assert!(matches!(
        verify_payment(&forged, &set),
        Verdict::BadSignature { .. }
    ));

    // The same transaction again changes nothing.
    let res = notify(&tp, &rest, None).await;
    assert_eq!(res.headers()["idempotent-replayed"], "true");
    let (_, again) = answer(res).await;
    assert_eq!(again, done);
    let (_, now) = answer(tp.get(&format!("/v1/dossiers/{code}"), Some(&token)).await).await;
    assert_eq!(now["payments"][0]["paid_vnd"], expected);
    assert_eq!(now["payments"][0]["refund_due_vnd"], 0);

    // Money after it is paid is to refund; an unknown reference is unmatched.
    let (_, extra) = answer(notify(&tp, &transfer("FT-2", &reference, 1_000), None).await).await;
    assert_eq!(extra["outcome"], "already_paid");
    assert_eq!(extra["request"]["refund_due_vnd"], 1_000);
    let (_, stray) = answer(notify(&tp, &transfer("FT-3", "HS0000", 1_000), None).await).await;
    assert_eq!(stray["outcome"], "unmatched");
    assert_eq!(stray["dossier_code"], Value::Null);

    // The public lookup shows the payment's state, nothing else of it.
    let token_text = dossier["receipt"]["payload"]["lookup_token"]
        .as_str()
        .unwrap();
    let (_, public) = answer(
        tp.get(&format!("/v1/lookup/{code}?token={token_text}"), None)
            .await,
    )
    .await;
    assert_eq!(
        public["payments"],
        json!([{"kind": "filing", "amount_vnd": expected, "status": "paid"}])
    );
}

#[tokio::test]
async fn an_officers_fee_request_is_paid_through_the_simulation() {
    let (tp, token) = portal().await;
    let body = tp.birth_submission(&token, "fee").await;
    let (_, dossier) = submit(&tp, &token, "6d1f2a3b-4c5d-4e6f-8a9b-0c1d2e3f4a5b", &body).await;
    let code = dossier["code"].as_str().unwrap().to_string();
    assert!(
        dossier.get("payments").is_none(),
        "birth registration is free"
    );
    for change in [
        json!({"status": 2, "note": "Tiếp nhận"}),
        json!({"status": 4, "note": "Xử lý"}),
        json!({"status": 6, "note": "Nộp lệ phí cấp bản sao trích lục", "fee_request": {"amount_vnd": 8000, "due_date": "2099-12-31"}}),
    ] {
        let (status, moved) = answer(
            tp.post(
                &format!("/v1/admin/dossiers/{code}/status"),
                Some(ADMIN),
                &change,
            )
            .await,
        )
        .await;
        assert_eq!(status, 200, "{moved}");
    }
    let (_, asked) = answer(tp.get(&format!("/v1/dossiers/{code}"), Some(&token)).await).await;
    let request = &asked["payments"][0];
    assert_eq!(
        (request["kind"].as_str(), request["amount_vnd"].as_u64()),
        (Some("fee_request"), Some(8000))
    );
    let reference = request["reference"].as_str().unwrap();

    // A wrong amount is not accepted as paid; the dossier waits.
    let (status, short) = answer(
        tp.post(
            "/v1/admin/payments",
            Some(ADMIN),
            &json!({"reference": reference, "amount_vnd": 7000}),
        )
        .await,
    )
    .await;
    assert_eq!(status, 200, "{short}");
    assert_eq!(short["outcome"], "partly_paid");
    let (_, waiting) = answer(tp.get(&format!("/v1/dossiers/{code}"), Some(&token)).await).await;
    assert_eq!(waiting["status"], 6);

    // The rest: paid, and the dossier goes back to processing.
    let (_, paid) = answer(
        tp.post(
            "/v1/admin/payments",
            Some(ADMIN),
            &json!({"reference": reference, "amount_vnd": 1000, "transaction_id": "SIM-2"}),
        )
        .await,
    )
    .await;
    assert_eq!(paid["outcome"], "paid");
    let (_, after) = answer(tp.get(&format!("/v1/dossiers/{code}"), Some(&token)).await).await;
    assert_eq!(after["status"], 4);
    assert_eq!(after["fee_request"], Value::Null);
    assert_eq!(
        after["history"].as_array().unwrap().last().unwrap()["actor"],
        "system"
    );
    // The feed carries the payment to the phone.
    let (_, feed) = answer(tp.get("/v1/feed", Some(&token)).await).await;
    let last = feed["entries"].as_array().unwrap().last().unwrap().clone();
    assert_eq!(last["dossier"]["payments"][0]["status"], "paid");
    // Replaying the simulated transaction changes nothing.
    let (_, again) = answer(
        tp.post(
            "/v1/admin/payments",
            Some(ADMIN),
            &json!({"reference": reference, "amount_vnd": 1000, "transaction_id": "SIM-2"}),
        )
        .await,
    )
    .await;
    assert_eq!(again, paid);
}

#[tokio::test]
async fn money_after_a_request_expired_is_not_counted() {
    let (tp, token) = portal().await;
    let body = id_card_submission(&tp, &token).await;
    let (status, dossier) =
        submit(&tp, &token, "3c1e0b5a-7c55-4e0d-9a51-3f4f6d1c2b11", &body).await;
    assert_eq!(status, 201, "{dossier}");
    let code = dossier["code"].as_str().unwrap().to_string();
    let amount = dossier["payments"][0]["amount_vnd"].as_u64().unwrap();
    let reference = dossier["payments"][0]["reference"]
        .as_str()
        .unwrap()
        .to_string();
    // Part of it in time, then the request's three days run out.
    let (_, part) = answer(
        tp.post(
            "/v1/admin/payments",
            Some(ADMIN),
            &json!({"reference": reference, "amount_vnd": 1000, "transaction_id": "EXP-1"}),
        )
        .await,
    )
    .await;
    assert_eq!(part["outcome"], "partly_paid");
    tp.advance(json!({"seconds": 4 * 86_400})).await;
    let res = notify(&tp, &transfer("EXP-2", &reference, amount), None).await;
    let (status, late) = answer(res).await;
    assert_eq!(status, 200, "{late}");
    assert_eq!(late["outcome"], "expired");
    assert_eq!(late["request"]["status"], "expired");
    assert_eq!(late["request"]["refund_due_vnd"], amount + 1000);
    assert_eq!(late["request"]["receipt"], Value::Null);
    // It stays expired (the session has ended by now: the bank's next
    // transfer shows it).
    let res = notify(&tp, &transfer("EXP-3", &reference, 500), None).await;
    let (_, again) = answer(res).await;
    assert_eq!(again["outcome"], "expired");
    assert_eq!(again["dossier_code"], code.as_str());
    assert_eq!(again["request"]["refund_due_vnd"], amount + 1500);
}
