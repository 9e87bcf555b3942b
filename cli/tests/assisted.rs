//! Assisted filing from the command line, end to end against a real
//! hoso-portal (#19): a volunteer registers and is approved, prints a
//! consent form, adds two residents (one by signed form with its scan),
//! drafts and submits a birth registration for one while she is in use,
//! syncs, makes the handover (PDF, PNG, SMS), reads the team statistics
//! and the audit log (no values in it), and wipes the resident.

mod common;

use common::{approve, hoso, ok_json, register_volunteer, SOURCE};
use serde_json::Value;
use std::path::Path;

const VALUES: &str = include_str!("../../tests/data/birth-registration.json");
const RESIDENT: &str = "Trần Thị Năm";

/// The error code a failing `hoso … --json` prints.
fn error_code(data: &Path, args: &[&str]) -> String {
    let mut all = args.to_vec();
    all.push("--json");
    let out = hoso(data, &all);
    assert!(!out.status.success(), "{args:?} succeeded");
    let body: Value = serde_json::from_slice(&out.stdout).unwrap();
    body["error"]["code"].as_str().unwrap().to_string()
}

/// `dd/mm/yyyy`, `days` ago.
fn days_ago(days: i64) -> String {
    let day = time::OffsetDateTime::now_utc().date() - time::Duration::days(days);
    format!(
        "{:02}/{:02}/{}",
        day.day(),
        u8::from(day.month()),
        day.year()
    )
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_volunteer_files_for_a_resident_hands_over_and_wipes() {
    let dir = tempfile::tempdir().unwrap();
    let bundle = dir.path().join("catalog.bundle");
    let data = dir.path().join("lan");
    let (b, d) = (bundle.clone(), data.clone());
    tokio::task::spawn_blocking(move || {
        ok_json(
            &d,
            &["catalog", "import", SOURCE, "--out", b.to_str().unwrap()],
        );
    })
    .await
    .unwrap();
    let (base, _task) = common::portal(dir.path(), &bundle).await;
    let (d, b) = (data.clone(), base.clone());
    let login =
        tokio::task::spawn_blocking(move || register_volunteer(&d, &b, "0389123456", "Hồ Thị Lan"))
            .await
            .unwrap();
    approve(&base, login["account_id"].as_str().unwrap(), "member").await;

    let work = dir.path().to_path_buf();
    let runtime = tokio::runtime::Handle::current();
    tokio::task::spawn_blocking(move || {
        let data = work.join("lan");
        let path = |name: &str| work.join(name).to_str().unwrap().to_string();

        // The form to sign, named after the volunteer's account.
        let form = ok_json(
            &data,
            &[
                "consent",
                "form",
                "--pdf",
                &path("consent.pdf"),
                "--reference",
                "TDY-2026-001",
                "--covers",
                "1.001193",
            ],
        );
        assert!(form["bytes"].as_u64().unwrap() > 1000);
        assert!(std::fs::read(path("consent.pdf"))
            .unwrap()
            .starts_with(b"%PDF-"));

        // Two residents; nothing of theirs before their consent.
        std::fs::write(
            path("signed.pdf"),
            b"%PDF-1.4\n% to dong y da ky\ntrailer\n%%EOF\n",
        )
        .unwrap();
        let nam = ok_json(
            &data,
            &[
                "resident",
                "new",
                "Bà Năm, tổ 3",
                "--consent",
                "signed_form",
                "--reference",
                "TDY-2026-001",
                "--covers",
                "1.001193",
                "--scan",
                &path("signed.pdf"),
            ],
        )["resident"]["id"]
            .as_str()
            .unwrap()
            .to_string();
        let tu = ok_json(
            &data,
            &[
                "resident",
                "new",
                "Anh Tư",
                "--consent",
                "vneid",
                "--reference",
                "XN-88412",
                "--covers",
                "1.001193",
            ],
        )["resident"]["id"]
            .as_str()
            .unwrap()
            .to_string();

        // For Bà Năm: her profile, a birth registration, a file; queued.
        ok_json(&data, &["resident", "use", &nam]);
        ok_json(&data, &["profile", "set", "full_name", RESIDENT]);
        let draft = ok_json(&data, &["draft", "new", "1.001193", "--no-prefill"])["draft"]["id"]
            .as_str()
            .unwrap()
            .to_string();
        let values: serde_json::Map<String, Value> = serde_json::from_str(VALUES).unwrap();
        for (field, value) in &values {
            ok_json(
                &data,
                &["draft", "set", &draft, field, value.as_str().unwrap()],
            );
        }
        ok_json(
            &data,
            &["draft", "set", &draft, "child.date_of_birth", &days_ago(5)],
        );
        std::fs::write(
            path("birth.pdf"),
            b"%PDF-1.4\n% giay chung sinh\ntrailer\n%%EOF\n",
        )
        .unwrap();
        ok_json(
            &data,
            &["attach", "add", &draft, "doc05", &path("birth.pdf")],
        );
        let queued = ok_json(&data, &["submit", &draft, "--agency", "H40.22"]);
        assert_eq!(
            queued["files"].as_array().unwrap().len(),
            2,
            "the signed form goes too"
        );
        assert_eq!(queued["body"]["filed_for"]["full_name"], RESIDENT);
        // Anh Tư's space sees nothing of hers.
        ok_json(&data, &["resident", "use", &tu]);
        assert!(ok_json(&data, &["outbox"]).as_array().unwrap().is_empty());
        assert!(ok_json(&data, &["draft", "list"])
            .as_array()
            .unwrap()
            .is_empty());

        // One sync, whoever is in use.
        let sent = ok_json(&data, &["sync"]);
        assert_eq!(sent["submitted"].as_array().unwrap().len(), 1, "{sent}");
        let code = sent["submitted"][0].as_str().unwrap().to_string();

        // The handover, for her only.
        assert_eq!(error_code(&data, &["handover", &code]), "dossier_not_found");
        ok_json(&data, &["resident", "use", &nam]);
        let handover = ok_json(
            &data,
            &[
                "handover",
                &code,
                "--pdf",
                &path("handover.pdf"),
                "--png",
                &path("handover.png"),
            ],
        );
        assert_eq!(handover["dossier_code"], code.as_str());
        assert!(handover["receipt_qr"].as_str().unwrap().starts_with("HS1:"));
        assert!(std::fs::read(path("handover.pdf"))
            .unwrap()
            .starts_with(b"%PDF-"));
        assert!(std::fs::read(path("handover.png"))
            .unwrap()
            .starts_with(b"\x89PNG"));
        // Nothing to pay for a birth registration.
        assert_eq!(handover["fee_payment"], Value::Null);
        // An officer asks a fee (status 6): after the next sync the
        // handover prints it with its VietQR beside the receipt's code.
        for change in [
            serde_json::json!({"status": 2, "note": "Tiếp nhận"}),
            serde_json::json!({"status": 4, "note": "Xử lý"}),
            serde_json::json!({"status": 6, "note": "Phí cấp bản sao trích lục",
                "fee_request": {"amount_vnd": 8000, "due_date": "2099-12-31"}}),
        ] {
            runtime.block_on(common::officer(&base, &code, change));
        }
        ok_json(&data, &["sync"]);
        let owed = ok_json(&data, &["handover", &code, "--png", &path("fee.png")]);
        let fee = &owed["fee_payment"];
        assert_eq!(fee["amount_vnd"], 8000, "{owed}");
        assert_eq!(fee["until"], "31/12/2099");
        let vietqr = fee["vietqr"].as_str().unwrap().to_string();
        let payment = hoso_core::pay::vietqr::decode(&vietqr).unwrap();
        assert_eq!(payment.amount(), Some(8000));
        let mut drawn =
            hoso_core::receipt::image::read(&std::fs::read(path("fee.png")).unwrap()).unwrap();
        drawn.sort();
        assert_eq!(drawn.len(), 2, "the fee's code and the receipt's");
        assert!(drawn.contains(&vietqr), "{drawn:?}");
        let sms = hoso(&data, &["handover", &code, "--sms"]);
        let sms = String::from_utf8_lossy(&sms.stdout);
        assert!(sms.contains(&code) && sms.contains("/v1/lookup/"), "{sms}");

        // Counts for the team leader (the dossier waits for its fee,
        // status 6); a log without values.
        let csv = hoso(&data, &["team", "stats", "--csv"]);
        let csv = String::from_utf8_lossy(&csv.stdout);
        assert!(csv.starts_with("day,procedure_code,status,status_name,count\r\n"));
        assert!(
            csv.contains(",1.001193,6,") && csv.trim_end().ends_with(",1"),
            "{csv}"
        );
        let audit = ok_json(&data, &["resident", "audit"]);
        let text = audit.to_string();
        assert!(!text.contains(RESIDENT) && !text.contains("Bà Năm") && !text.contains("Nguyễn"));
        for action in [
            "created",
            "draft_created",
            "edited",
            "attached",
            "queued",
            "filed",
            "handed_over",
        ] {
            assert!(text.contains(&format!("\"{action}\"")), "{action}: {text}");
        }

        // Wiped: gone from every command.
        ok_json(&data, &["resident", "wipe", &nam]);
        let list = ok_json(&data, &["resident", "list"]);
        assert_eq!(list["residents"].as_array().unwrap().len(), 1);
        assert!(list["active"].is_null());
        assert_eq!(
            error_code(&data, &["resident", "use", &nam]),
            "resident_not_found"
        );
        assert!(!data.join("residents").join(&nam).exists());
        // The volunteer still follows the dossier.
        let status = ok_json(&data, &["status", &code, "--offline"]);
        assert_eq!(status["dossiers"][0]["code"], code.as_str());
    })
    .await
    .unwrap();
}
