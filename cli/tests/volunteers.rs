//! A volunteer from the command line against a real hoso-portal on
//! loopback (#19 part 3): `hoso portal login --register-volunteer` with a
//! team, `hoso portal account` showing the account pending, the commune's
//! approval through the admin API, then approved; `hoso team dossiers` as
//! the team's leader listing what the team filed (who filed it, nothing of
//! the resident), and refused to a pending volunteer and to a member.

mod common;

use common::{approve, hoso, ok_json, register_volunteer, PASSWORD};
use hoso_core::client::upload::{upload, FileToUpload, Transfer};
use hoso_core::client::{Method, PortalClient};
use serde_json::{json, Value};
use std::path::Path;

const VALUES: &str = include_str!("../../tests/data/birth-registration.json");
const RESIDENT: &str = "Lô Thị Hương";

/// The JSON error a failing `hoso … --json` prints.
fn error_code(data: &Path, args: &[&str]) -> String {
    let mut all = args.to_vec();
    all.push("--json");
    let out = hoso(data, &all);
    assert!(!out.status.success());
    let body: Value = serde_json::from_slice(&out.stdout).unwrap();
    body["error"]["code"].as_str().unwrap().to_string()
}

/// Files a birth registration for a resident as `phone`'s volunteer, over
/// the API (the CLI's outbox does not send `filed_for` yet); its code.
async fn file_for_resident(base: &str, phone: &str) -> String {
    let client = PortalClient::new(base).unwrap();
    client.login(phone, PASSWORD).await.unwrap();
    let pdf = b"%PDF-1.4\n% giay chung sinh\ntrailer\n%%EOF\n".to_vec();
    let file = FileToUpload {
        sha256: hoso_core::attachment::hash::Digest::of(&pdf).to_hex(),
        size: pdf.len() as u64,
        media_type: "application/pdf".into(),
    };
    let source =
        |_: &str, offset: u64, len: u64| Ok(pdf[offset as usize..(offset + len) as usize].to_vec());
    upload(
        &client,
        &file,
        &source,
        &mut Transfer::default(),
        &mut |_, _| {},
    )
    .await
    .unwrap();
    let mut values: Value = serde_json::from_str(VALUES).unwrap();
    let born = time::OffsetDateTime::now_utc().date() - time::Duration::days(10);
    values["child.date_of_birth"] = json!(format!(
        "{:02}/{:02}/{}",
        born.day(),
        u8::from(born.month()),
        born.year()
    ));
    let body = json!({
        "procedure_code": "1.001193", "catalog_version": 1, "agency_code": "H40.22",
        "channel": "online", "form_values": values,
        "documents": {"doc05": [{"sha256": file.sha256, "size": file.size,
                                 "media_type": "application/pdf", "file_name": "giay-chung-sinh.pdf"}]},
        "filed_for": {"full_name": RESIDENT, "phone": "0868123456",
                      "consent": {"method": "vneid", "reference": "VN-2026-0142",
                                  "given_at": "2026-11-23T01:40:00Z"}},
    });
    let answer = client
        .authed(|c| {
            c.request(Method::POST, "/v1/dossiers")
                .header(
                    "Idempotency-Key",
                    "\"9f1e2d3c-4b5a-4697-8877-665544332211\"",
                )
                .json(&body)
        })
        .await
        .unwrap();
    let dossier: Value = answer.json().unwrap();
    dossier["code"].as_str().unwrap().to_string()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_volunteer_registers_is_approved_and_leads_the_team() {
    let dir = tempfile::tempdir().unwrap();
    let (_bundle, base, _task) = common::national_portal(dir.path()).await;
    let hoa = dir.path().join("hoa");
    let lan = dir.path().join("lan");

    // Two volunteers of the ward's team register from their devices.
    let (h, l, b) = (hoa.clone(), lan.clone(), base.clone());
    let (hoa_id, lan_id) = tokio::task::spawn_blocking(move || {
        let login = register_volunteer(&h, &b, "0389123456", "Lê Thị Hoa");
        assert_eq!(login["logged_in"], true);
        assert_eq!(login["kind"], "volunteer");
        assert_eq!(login["approval"]["state"], "pending");
        let lan = register_volunteer(&l, &b, "0389123457", "Hồ Thị Lan");
        // Pending: the account says so, and the team list is refused.
        let account = ok_json(&h, &["portal", "account"]);
        assert_eq!(account["approval"]["state"], "pending");
        assert_eq!(account["volunteer"]["commune"], "Phường Trường Vinh");
        let text = hoso(&h, &["portal", "account"]);
        assert!(String::from_utf8_lossy(&text.stdout).contains("pending"));
        assert_eq!(
            error_code(&h, &["team", "dossiers"]),
            "volunteer_not_approved"
        );
        (
            login["account_id"].as_str().unwrap().to_string(),
            lan["account_id"].as_str().unwrap().to_string(),
        )
    })
    .await
    .unwrap();

    // The commune approves Hoa as leader, Lan as member; Lan files.
    approve(&base, &hoa_id, "leader").await;
    approve(&base, &lan_id, "member").await;
    let code = file_for_resident(&base, "0389123457").await;

    tokio::task::spawn_blocking(move || {
        let account = ok_json(&hoa, &["portal", "account"]);
        assert_eq!(account["approval"]["state"], "approved");
        assert_eq!(account["approval"]["role"], "leader");
        let text = hoso(&hoa, &["portal", "account"]);
        assert!(String::from_utf8_lossy(&text.stdout).contains("approved (leader)"));

        let page = ok_json(&hoa, &["team", "dossiers"]);
        assert_eq!(
            page["team"]["team"],
            "Tổ công nghệ số cộng đồng phường Trường Vinh"
        );
        assert_eq!(page["dossiers"].as_array().unwrap().len(), 1);
        let d = &page["dossiers"][0];
        assert_eq!(d["code"], code.as_str());
        assert_eq!(d["filed_by"]["full_name"], "Hồ Thị Lan");
        assert_eq!(d["status"], 1);
        assert!(!page.to_string().contains(RESIDENT));
        let text = hoso(&hoa, &["team", "dossiers"]);
        let text = String::from_utf8_lossy(&text.stdout);
        assert!(
            text.contains(&code) && text.contains("Hồ Thị Lan"),
            "{text}"
        );
        assert!(text.contains("1: 1"), "{text}");

        // A member may file but not list the team.
        assert_eq!(
            error_code(&lan, &["team", "dossiers"]),
            "team_leader_required"
        );
    })
    .await
    .unwrap();
}
