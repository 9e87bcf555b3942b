//! A linked filing end to end (issue #22, item 3): the birth group 2.000986
//! (birth registration + permanent residence + a health insurance card for
//! a child under 6) drafted once through the CLI — shared data entered
//! once, the birth certificate attached once — submitted once, filed by a
//! real hoso-portal as three dossiers with their own codes and signed
//! receipts, and followed as one group while officers move its parts.

mod common;

use common::ok_json;
use hoso_core::client::{Method, PortalClient};
use std::collections::BTreeMap;
use std::path::Path;

const VALUES: &str = include_str!("../../tests/data/birth-registration.json");

/// The birth group's values: the birth registration's, the child's
/// permanent residence with the parents, and the health insurance card.
fn group_values() -> BTreeMap<String, String> {
    let mut values: BTreeMap<String, String> = serde_json::from_str(VALUES).unwrap();
    let born = time::OffsetDateTime::now_utc().date() - time::Duration::days(10);
    values.insert(
        "child.date_of_birth".into(),
        format!(
            "{:02}/{:02}/{}",
            born.day(),
            u8::from(born.month()),
            born.year()
        ),
    );
    for (path, value) in [
        ("residence.with", "parents"),
        ("residence.address.province", "Nghệ An"),
        ("residence.address.commune", "Phường Trường Vinh"),
        ("residence.address.detail", "Số 12, khối 3"),
        ("residence.head_full_name", "Nguyễn Văn An"),
        ("residence.head_id_number", "040090012345"),
        ("residence.relation_to_head", "con"),
        ("health_insurance.delivery", "commune"),
    ] {
        values.insert(path.into(), value.into());
    }
    values
}

fn file_the_group(data: &Path, bundle: &Path, base: &str) -> String {
    ok_json(data, &["catalog", "import", bundle.to_str().unwrap()]);
    common::register_citizen(data, base, "0912345678", "Nguyễn Văn An");
    let form = ok_json(data, &["form", "show", "2.000986"]);
    let parts: Vec<&str> = form["parts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["id"].as_str().unwrap())
        .collect();
    assert_eq!(parts, ["birth", "residence", "health_insurance"]);
    let created = ok_json(data, &["draft", "new", "2.000986", "--no-prefill"]);
    let id = created["draft"]["id"].as_str().unwrap().to_string();
    for (path, value) in group_values() {
        ok_json(data, &["draft", "set", &id, &path, &value]);
    }
    // The birth certificate, once for the three procedures.
    let pdf = data.with_extension("pdf");
    std::fs::write(&pdf, b"%PDF-1.4\n% giay chung sinh\ntrailer\n%%EOF\n").unwrap();
    ok_json(
        data,
        &["attach", "add", &id, "doc03", pdf.to_str().unwrap()],
    );
    let report = ok_json(data, &["draft", "validate", &id]);
    assert_eq!(report["ready"], true, "{report}");
    // The group's page offers the one-stop counter only: filed as such.
    let queued = ok_json(
        data,
        &[
            "submit",
            &id,
            "--agency",
            "H40.22",
            "--channel",
            "in_person",
        ],
    );
    assert_eq!(queued["kind"], "linked_filing", "{queued}");
    id
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_birth_group_is_drafted_once_filed_as_three_dossiers_and_followed_as_one() {
    let dir = tempfile::tempdir().unwrap();
    let device = dir.path().join("device");
    let (bundle, base, _task) = common::national_portal(dir.path()).await;
    let (d, b, u) = (device.clone(), bundle.clone(), base.clone());
    tokio::task::spawn_blocking(move || file_the_group(&d, &b, &u))
        .await
        .unwrap();

    // One submission sends the three parts.
    let d = device.clone();
    let sent = tokio::task::spawn_blocking(move || ok_json(&d, &["sync"]))
        .await
        .unwrap();
    let codes: Vec<String> = sent["submitted"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c.as_str().unwrap().to_string())
        .collect();
    assert_eq!(codes.len(), 3, "{sent}");
    let d = device.clone();
    let outbox = tokio::task::spawn_blocking(move || ok_json(&d, &["outbox"]))
        .await
        .unwrap();
    let submissions = outbox.as_array().unwrap();
    assert_eq!(submissions.len(), 1, "{outbox}");
    assert_eq!(submissions[0]["state"], "submitted");

    // Followed as one group: three parts, each with its procedure, its
    // receipt and the shared data, all in status 1.
    let d = device.clone();
    let linked = tokio::task::spawn_blocking(move || ok_json(&d, &["linked", "--offline"]))
        .await
        .unwrap();
    let groups = linked["groups"].as_array().unwrap();
    assert_eq!(groups.len(), 1, "{linked}");
    let group = &groups[0];
    assert_eq!(group["procedure_code"], "2.000986");
    assert_eq!(group["state"], "in_progress");
    let parts = group["parts"].as_array().unwrap();
    let procedures: Vec<&str> = parts
        .iter()
        .map(|p| p["procedure_code"].as_str().unwrap())
        .collect();
    assert_eq!(procedures, ["1.001193", "1.004222", "2.000986"]);
    let part_ids: Vec<&str> = parts
        .iter()
        .map(|p| p["linked"]["part"].as_str().unwrap())
        .collect();
    assert_eq!(part_ids, ["birth", "residence", "health_insurance"]);
    for p in parts {
        assert_eq!(p["status"], 1);
        assert_eq!(p["linked"]["group_id"], group["group_id"]);
        let qr = p["receipt"]["qr"].as_str().unwrap();
        assert!(qr.starts_with("HS1:"), "{qr}");
    }
    let group_id = group["group_id"].as_str().unwrap().to_string();
    // The residence part charges its counter fee (20,000 đồng): the
    // payment request reached the phone with the part.
    let fee = &parts[1]["payments"][0];
    assert_eq!(fee["kind"], "filing", "{linked}");
    assert_eq!(fee["amount_vnd"], 20_000);
    assert_eq!(fee["status"], "pending");
    assert!(
        parts[0].get("payments").is_none(),
        "birth registration is free"
    );

    // The portal keeps the group; only its owner sees it.
    let http = PortalClient::new(&base).unwrap();
    let anonymous = http
        .send(http.request(Method::GET, &format!("/v1/linked-filings/{group_id}")))
        .await;
    assert!(anonymous.is_err());

    // Officers move the parts: the birth is registered and returned, the
    // residence part waits for a document; the group needs the user.
    let birth = parts[0]["code"].as_str().unwrap().to_string();
    let residence = parts[1]["code"].as_str().unwrap().to_string();
    for status in [2, 4, 9, 10] {
        common::officer(
            &base,
            &birth,
            serde_json::json!({"status": status, "note": "Khai sinh"}),
        )
        .await;
    }
    for status in [2, 4] {
        common::officer(
            &base,
            &residence,
            serde_json::json!({"status": status, "note": "Thường trú"}),
        )
        .await;
    }
    let due = (time::OffsetDateTime::now_utc().date() + time::Duration::days(30)).to_string();
    common::officer(
        &base,
        &residence,
        serde_json::json!({"status": 5, "note": "Bổ sung giấy tờ chỗ ở hợp pháp",
            "supplement_request": {"slots": ["doc03"], "due_date": due}}),
    )
    .await;
    let (d, g) = (device.clone(), group_id.clone());
    let linked = tokio::task::spawn_blocking(move || ok_json(&d, &["linked", &g]))
        .await
        .unwrap();
    assert_eq!(linked["refreshed"], true, "{linked}");
    let group = &linked["groups"][0];
    assert_eq!(group["state"], "needs_action", "{linked}");
    assert_eq!(group["parts_done"], 1);
    let statuses: Vec<i64> = group["parts"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p["status"].as_i64().unwrap())
        .collect();
    assert_eq!(statuses, [10, 5, 1]);

    // The residence part's request is answered on the group's form: the
    // documents it was filed with are the group's.
    let (d, r) = (device.clone(), residence.clone());
    let answered = tokio::task::spawn_blocking(move || {
        let draft = ok_json(&d, &["supplement", &r]);
        assert_eq!(draft["procedure_code"], "2.000986");
        let id = draft["id"].as_str().unwrap().to_string();
        let pdf = d.with_extension("cho-o.pdf");
        std::fs::write(
            &pdf,
            b"%PDF-1.4\n% giay to cho o hop phap\ntrailer\n%%EOF\n",
        )
        .unwrap();
        ok_json(&d, &["attach", "add", &id, "doc03", pdf.to_str().unwrap()]);
        ok_json(&d, &["submit", &id]);
        ok_json(&d, &["sync"]);
        ok_json(&d, &["linked", "--offline"])
    })
    .await
    .unwrap();
    let group = &answered["groups"][0];
    assert_eq!(group["state"], "in_progress", "{answered}");
    assert_eq!(group["parts"][1]["status"], 4);

    // An unknown group is a usage error.
    let d = device.clone();
    let out = tokio::task::spawn_blocking(move || {
        common::hoso(
            &d,
            &[
                "linked",
                "00000000-0000-4000-8000-000000000000",
                "--offline",
            ],
        )
    })
    .await
    .unwrap();
    assert!(!out.status.success());
}
