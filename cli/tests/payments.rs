//! Fees paid from the phone end to end (issue #23) against a real
//! hoso-portal: re-issuing the ID card (1.014064) online charges a fee;
//! `hoso pay show` gives its VietQR offline, `hoso qr verify` checks that
//! QR before paying; the simulated bank pays too little (not paid, the QR
//! then asks what is left), then the rest (paid: the signed electronic
//! receipt reaches the phone and verifies offline, the old QR is refused);
//! a duplicated bank notification changes nothing; an officer's fee
//! request (status 6) is paid the same way and the dossier goes back to
//! processing.

mod common;

use common::{ok_json, ADMIN};
use hoso_core::client::{Method, PortalClient};
use serde_json::{json, Value};
use std::path::Path;

/// The simulated bank notifies the portal of a transfer.
async fn bank_pays(base: &str, reference: &str, amount: u64, transaction_id: &str) -> Value {
    let http = PortalClient::new(base).unwrap();
    let request = http
        .request(Method::POST, "/v1/admin/payments")
        .bearer_auth(ADMIN)
        .json(&json!({"reference": reference, "amount_vnd": amount,
            "transaction_id": transaction_id}));
    http.send(request).await.unwrap().json().unwrap()
}

/// Runs `hoso ARGS… --json` off the async runtime.
async fn json(data: &Path, args: &[&str]) -> Value {
    let (data, args): (std::path::PathBuf, Vec<String>) = (
        data.to_path_buf(),
        args.iter().map(|a| a.to_string()).collect(),
    );
    tokio::task::spawn_blocking(move || {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        ok_json(&data, &args)
    })
    .await
    .unwrap()
}

/// Runs `hoso ARGS… --json` expecting it to fail; its JSON and exit code.
async fn refused(data: &Path, args: &[&str]) -> (Value, Option<i32>) {
    let (data, mut args): (std::path::PathBuf, Vec<String>) = (
        data.to_path_buf(),
        args.iter().map(|a| a.to_string()).collect(),
    );
    args.push("--json".into());
    let out = tokio::task::spawn_blocking(move || {
        let args: Vec<&str> = args.iter().map(String::as_str).collect();
        common::hoso(&data, &args)
    })
    .await
    .unwrap();
    assert!(!out.status.success(), "{out:?}");
    (
        serde_json::from_slice(&out.stdout).unwrap_or(Value::Null),
        out.status.code(),
    )
}

/// Drafts, attaches and submits a re-issue of the ID card online; syncs;
/// the dossier code.
fn file_id_card(data: &Path, bundle: &Path, base: &str) -> String {
    ok_json(data, &["catalog", "import", bundle.to_str().unwrap()]);
    common::register_citizen(data, base, "0912345678", "Nguyễn Văn An");
    ok_json(data, &["qr", "keys", "--refresh"]);
    let created = ok_json(data, &["draft", "new", "1.014064", "--no-prefill"]);
    let id = created["draft"]["id"].as_str().unwrap().to_string();
    for (path, value) in [
        ("applicant.full_name", "Nguyễn Văn An"),
        ("applicant.date_of_birth", "12/05/1990"),
        ("applicant.sex", "male"),
        ("applicant.id_number", "040090012345"),
        ("applicant.phone", "0912345678"),
        ("applicant.address.province", "Nghệ An"),
        ("applicant.address.commune", "Phường Trường Vinh"),
        ("applicant.address.detail", "Số 12, khối 3"),
        ("request.reason", "lost"),
        ("request.for_minor", "false"),
        ("request.delivery", "office"),
    ] {
        ok_json(data, &["draft", "set", &id, path, value]);
    }
    let pdf = data.with_extension("dc02.pdf");
    std::fs::write(&pdf, b"%PDF-1.4\n% to khai DC02\ntrailer\n%%EOF\n").unwrap();
    ok_json(
        data,
        &["attach", "add", &id, "doc02", pdf.to_str().unwrap()],
    );
    let report = ok_json(data, &["draft", "validate", &id]);
    assert_eq!(report["ready"], true, "{report}");
    ok_json(
        data,
        &["submit", &id, "--agency", "H40.22", "--channel", "online"],
    );
    let sent = ok_json(data, &["sync"]);
    sent["submitted"][0].as_str().unwrap().to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_fee_is_shown_as_a_vietqr_paid_by_the_bank_and_receipted_on_the_phone() {
    let dir = tempfile::tempdir().unwrap();
    let device = dir.path().join("device");
    let (bundle, base, _task) = common::national_portal(dir.path()).await;
    let (d, b, u) = (device.clone(), bundle.clone(), base.clone());
    let code = tokio::task::spawn_blocking(move || file_id_card(&d, &b, &u))
        .await
        .unwrap();

    // The fee of the day, offline: its QR drawn from the request.
    let png = dir.path().join("fee.png");
    let svg = dir.path().join("fee.svg");
    let shown = json(
        &device,
        &[
            "pay",
            "show",
            &code,
            "--offline",
            "--png",
            png.to_str().unwrap(),
            "--svg",
            svg.to_str().unwrap(),
        ],
    )
    .await;
    let fee = &shown["payment"];
    let today = time::OffsetDateTime::now_utc().date();
    let amount: u64 = if today <= time::macros::date!(2026 - 12 - 31) {
        35_000
    } else {
        70_000
    };
    assert_eq!(fee["kind"], "filing", "{shown}");
    assert_eq!(fee["state"], "to_pay");
    assert_eq!(fee["amount_vnd"], amount);
    assert_eq!(fee["left_vnd"], amount);
    assert_eq!(fee["bank"], "BIDV");
    let reference = fee["reference"].as_str().unwrap().to_string();
    let compact: String = code.chars().filter(char::is_ascii_alphanumeric).collect();
    assert!(reference.contains(&compact), "{reference}");
    let vietqr = fee["vietqr"].as_str().unwrap().to_string();
    let payment = hoso_core::pay::vietqr::decode(&vietqr).unwrap();
    assert_eq!(
        (payment.bin(), payment.account(), payment.amount()),
        ("970418", "3711000000001", Some(amount))
    );
    assert_eq!(payment.purpose(), Some(reference.as_str()));
    // The picture holds exactly that payload.
    let drawn = hoso_core::receipt::image::read(&std::fs::read(&png).unwrap()).unwrap();
    assert_eq!(drawn, std::slice::from_ref(&vietqr));
    assert!(std::fs::read_to_string(&svg).unwrap().contains("<svg"));
    // As text: what to transfer, where, with which message, and the code.
    let (d, c) = (device.clone(), code.clone());
    let text =
        tokio::task::spawn_blocking(move || common::hoso(&d, &["pay", "show", &c, "--offline"]))
            .await
            .unwrap();
    assert!(text.status.success());
    let text = String::from_utf8(text.stdout).unwrap();
    assert!(text.contains("BIDV 3711000000001"), "{text}");
    let shown = format!("{}.000 đồng", amount / 1000);
    assert!(text.contains(&shown), "{text}");
    assert!(
        text.contains(&reference) && text.contains(&vietqr),
        "{text}"
    );
    // Checked before paying: it pays this request, to its account.
    let checked = json(&device, &["qr", "verify", &vietqr]).await;
    assert_eq!(checked["kind"], "vietqr");
    assert_eq!(checked["transfer"]["advice"], "payable", "{checked}");
    assert_eq!(
        checked["transfer"]["request"]["dossier_code"],
        code.as_str()
    );
    // An altered QR (another amount, CRC kept) is refused by its CRC.
    let altered = vietqr.replacen(
        &format!("54{:02}{amount}", amount.to_string().len()),
        "540510000",
        1,
    );
    let (bad, exit) = refused(&device, &["qr", "verify", &altered]).await;
    assert_eq!(exit, Some(1));
    assert_eq!(bad["error"]["code"], "crc_mismatch", "{bad}");

    // The bank pays too little: not paid; the QR now asks what is left.
    let short = bank_pays(&base, &reference, amount - 5_000, "VCB-0001").await;
    assert_eq!(short["outcome"], "partly_paid");
    let synced = json(&device, &["sync"]).await;
    let moved = &synced["payment_changes"][0];
    assert_eq!(
        (moved["code"].as_str(), moved["status"].as_str()),
        (Some(code.as_str()), Some("partly_paid")),
        "{synced}"
    );
    let left = json(&device, &["pay", "show", &code, "--offline"]).await;
    assert_eq!(left["payment"]["state"], "partly_paid");
    assert_eq!(left["payment"]["left_vnd"], 5_000);
    let rest = left["payment"]["vietqr"].as_str().unwrap().to_string();
    assert_eq!(
        hoso_core::pay::vietqr::decode(&rest).unwrap().amount(),
        Some(5_000)
    );
    // The first QR no longer matches what is left.
    let (stale, _) = refused(&device, &["qr", "verify", &vietqr]).await;
    assert_eq!(stale["transfer"]["advice"], "mismatch", "{stale}");

    // The rest: paid. The receipt reaches the phone and verifies offline.
    let paid = bank_pays(&base, &reference, 5_000, "VCB-0002").await;
    assert_eq!(paid["outcome"], "paid");
    let status = json(&device, &["pay", "status", &code]).await;
    assert_eq!(status["refreshed"], true);
    let request = &status["dossiers"][0]["payments"][0];
    assert_eq!(request["state"], "paid", "{status}");
    assert_eq!(request["paid_vnd"], amount);
    assert_eq!(request["vietqr"], Value::Null);
    let receipts = json(&device, &["pay", "receipt", &code]).await;
    let receipt = &receipts["receipts"][0];
    assert_eq!(receipt["verdict"]["valid"], true, "{receipts}");
    assert_eq!(receipt["receipt"]["payload"]["amount_vnd"], amount);
    assert_eq!(receipt["receipt"]["payload"]["transaction_id"], "VCB-0002");
    // Paid: no QR any more, and the one for what was left is refused.
    let after = json(&device, &["pay", "show", &code, "--offline"]).await;
    assert_eq!(after["payment"]["state"], "paid");
    assert_eq!(after["payment"]["vietqr"], Value::Null);
    let (again, exit) = refused(&device, &["qr", "verify", &rest]).await;
    assert_eq!(exit, Some(1));
    assert_eq!(again["transfer"]["advice"], "already_paid", "{again}");

    // The bank sends its notification again: nothing changes.
    let replay = bank_pays(&base, &reference, 5_000, "VCB-0002").await;
    assert_eq!(replay, paid);
    let same = json(&device, &["pay", "status", &code]).await;
    assert_eq!(
        same["dossiers"][0]["payments"],
        status["dossiers"][0]["payments"]
    );

    // An officer's fee request (status 6), paid the same way.
    for change in [
        json!({"status": 2, "note": "Tiếp nhận"}),
        json!({"status": 4, "note": "Xử lý"}),
        json!({"status": 6, "note": "Nộp phí chuyển phát", "fee_request": {"amount_vnd": 22000, "due_date": "2099-12-31"}}),
    ] {
        common::officer(&base, &code, change).await;
    }
    let asked = json(&device, &["pay", "show", &code]).await;
    let second = &asked["payment"];
    assert_eq!(
        (second["number"].as_u64(), second["kind"].as_str()),
        (Some(2), Some("fee_request")),
        "{asked}"
    );
    assert_eq!(second["amount_vnd"], 22_000);
    let reference2 = second["reference"].as_str().unwrap().to_string();
    // A wrong amount is not accepted as paid.
    let wrong = bank_pays(&base, &reference2, 2_200, "VCB-0003").await;
    assert_eq!(wrong["outcome"], "partly_paid");
    let waiting = json(&device, &["status", &code]).await;
    assert_eq!(waiting["dossiers"][0]["status"], 6);
    bank_pays(&base, &reference2, 19_800, "VCB-0004").await;
    let status = json(&device, &["pay", "status", &code]).await;
    let states: Vec<&str> = status["dossiers"][0]["payments"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["state"].as_str().unwrap())
        .collect();
    assert_eq!(states, ["paid", "paid"], "{status}");
    let receipts = json(&device, &["pay", "receipt", &code, "--request", "2"]).await;
    assert_eq!(receipts["receipts"][0]["verdict"]["valid"], true);
    let back = json(&device, &["status", &code, "--offline"]).await;
    assert_eq!(back["dossiers"][0]["status"], 4);
}
