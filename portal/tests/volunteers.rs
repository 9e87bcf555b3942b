//! Volunteer accounts and their commune over real HTTP (#19): a volunteer
//! starts pending and files for nobody (`403 volunteer_not_approved`, not
//! stored under the key) while uploads and reads work; approved, it files;
//! revoked, it files, answers and withdraws for nobody again but still
//! follows what it filed; the commune's list by state and team; the team
//! leader's list of the team's dossiers (however the team was typed),
//! without residents' data and without other teams'; members, citizens and
//! unapproved volunteers refused it.

mod common;

use common::{answer, TestPortal, ADMIN};
use serde_json::{json, Value};

fn team(team: &str, province: &str, commune: &str) -> Value {
    json!({"team": team, "province": province, "commune": commune})
}

fn truong_vinh() -> Value {
    team(
        "Tổ công nghệ số cộng đồng phường Trường Vinh",
        "Nghệ An",
        "Phường Trường Vinh",
    )
}

/// The resident a volunteer files for.
const RESIDENT: &str = "Lô Thị Hương";
const RESIDENT_PHONE: &str = "0868123456";

/// A birth registration filed for a resident, the birth certificate
/// uploaded by the volunteer (`salt` makes it a file of its own).
async fn for_resident(tp: &TestPortal, token: &str, salt: &str) -> Value {
    let mut body = tp.birth_submission(token, salt).await;
    body["filed_for"] = json!({
        "full_name": RESIDENT,
        "phone": RESIDENT_PHONE,
        "consent": {"method": "vneid", "reference": "VN-2026-0142", "given_at": "2026-11-23T01:40:00Z"},
    });
    body
}

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

async fn me(tp: &TestPortal, token: &str) -> Value {
    let (status, body) = answer(tp.get("/v1/accounts/me", Some(token)).await).await;
    assert_eq!(status, 200, "{body}");
    body
}

async fn admin_list(tp: &TestPortal, query: &str) -> Value {
    let res = tp
        .http
        .get(tp.url(&format!("/v1/admin/volunteers{query}")))
        .bearer_auth(ADMIN)
        .send()
        .await
        .unwrap();
    let (status, body) = answer(res).await;
    assert_eq!(status, 200, "{body}");
    body
}

fn ids(page: &Value, field: &str, key: &str) -> Vec<String> {
    page[field]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v[key].as_str().unwrap().to_string())
        .collect()
}

#[tokio::test]
async fn a_volunteer_files_only_while_the_commune_approves_it() {
    let tp = TestPortal::start().await;
    let (lan, lan_id) = tp
        .volunteer_of("0389123456", "Hồ Thị Lan", truong_vinh())
        .await;

    // Pending from registration, in the login answer and in `me`.
    let approval = &me(&tp, &lan).await["approval"];
    assert_eq!(approval["state"], "pending");
    assert_eq!(
        (approval["role"].clone(), approval["reason"].clone()),
        (Value::Null, Value::Null)
    );
    assert_eq!(
        tp.login("0389123456").await["account"]["approval"]["state"],
        "pending"
    );

    // Uploads work; filing is refused with the typed code, and the refusal
    // is not kept under the key.
    let body = for_resident(&tp, &lan, "lan-1").await;
    let key = "5b1c0f9e-2a77-4d0b-9a43-0f7f3c7f1e21";
    let (status, err) = submit(&tp, &lan, key, &body).await;
    assert_eq!(
        (status, err["code"].as_str()),
        (403, Some("volunteer_not_approved"))
    );
    assert_eq!(err["details"]["state"], "pending");
    assert!(err["message_vi"].as_str().unwrap().contains("chưa được"));
    assert!(err["message_en"].as_str().unwrap().contains("not approved"));
    let (status, feed) = answer(tp.get("/v1/feed", Some(&lan)).await).await;
    assert_eq!(
        (status, feed["entries"].as_array().map(Vec::len)),
        (200, Some(0))
    );

    // The commune's list of pending volunteers shows her.
    let pending = admin_list(&tp, "?state=pending").await;
    assert_eq!(ids(&pending, "volunteers", "id"), [lan_id.as_str()]);
    assert!(admin_list(&tp, "?state=approved").await["volunteers"]
        .as_array()
        .unwrap()
        .is_empty());

    // Approved: the same submission (same key) goes through.
    let approved = tp.approve(&lan_id, "member").await;
    assert_eq!(approved["approval"]["state"], "approved");
    assert_eq!(approved["approval"]["role"], "member");
    assert_eq!(me(&tp, &lan).await["approval"], approved["approval"]);
    let (status, dossier) = submit(&tp, &lan, key, &body).await;
    assert_eq!(status, 201, "{dossier}");
    assert_eq!(dossier["filed_by"]["kind"], "volunteer");
    let code = dossier["code"].as_str().unwrap().to_string();
    // Approving again as the same role changes nothing (not even when).
    assert_eq!(
        tp.approve(&lan_id, "member").await["approval"],
        approved["approval"]
    );

    // Revoked: the reason is hers to read; nothing new is filed, answered
    // or withdrawn for a resident, but she follows what she filed.
    let (status, blank) = tp
        .decide(&lan_id, "revoke", json!({"reason": " \t "}))
        .await;
    assert_eq!((status, blank["code"].as_str()), (400, Some("bad_request")));
    let (status, revoked) = tp
        .decide(
            &lan_id,
            "revoke",
            json!({"reason": "Đã chuyển công tác khỏi phường"}),
        )
        .await;
    assert_eq!(status, 200, "{revoked}");
    assert_eq!(revoked["approval"]["state"], "revoked");
    assert_eq!(
        revoked["approval"]["reason"],
        "Đã chuyển công tác khỏi phường"
    );
    assert_eq!(revoked["approval"]["role"], Value::Null);
    assert_eq!(me(&tp, &lan).await["approval"], revoked["approval"]);

    let next = for_resident(&tp, &lan, "lan-2").await;
    let (status, err) = submit(&tp, &lan, "6c2d1a0f-3b88-4e1c-8b54-1a8f4d8a2f32", &next).await;
    assert_eq!(
        (status, err["code"].as_str()),
        (403, Some("volunteer_not_approved"))
    );
    assert_eq!(err["details"]["state"], "revoked");
    // The first submission's retry is still its stored answer.
    let (status, replay) = submit(&tp, &lan, key, &body).await;
    assert_eq!(
        (status, replay["code"].as_str()),
        (201, Some(code.as_str()))
    );
    let (status, err) = answer(
        tp.post(
            &format!("/v1/dossiers/{code}/withdrawal"),
            Some(&lan),
            &json!({"reason": "Người dân đổi ý"}),
        )
        .await,
    )
    .await;
    assert_eq!(
        (status, err["code"].as_str()),
        (403, Some("volunteer_not_approved"))
    );
    let res = tp
        .http
        .post(tp.url(&format!("/v1/dossiers/{code}/supplements")))
        .bearer_auth(&lan)
        .header(
            "Idempotency-Key",
            "\"7d3e2b1a-4c99-4f2d-9c65-2b9f5e9b3a43\"",
        )
        .json(&json!({"documents": {}}))
        .send()
        .await
        .unwrap();
    let (status, err) = answer(res).await;
    assert_eq!(
        (status, err["code"].as_str()),
        (403, Some("volunteer_not_approved"))
    );
    let (status, own) = answer(tp.get(&format!("/v1/dossiers/{code}"), Some(&lan)).await).await;
    assert_eq!((status, own["status"].as_u64()), (200, Some(1)));
    assert_eq!(own["filed_for"]["full_name"], RESIDENT);
    let (_, feed) = answer(tp.get("/v1/feed", Some(&lan)).await).await;
    assert_eq!(feed["entries"][0]["dossier_code"], code.as_str());
    // Revoking again keeps the first reason and time.
    let (_, again) = tp
        .decide(&lan_id, "revoke", json!({"reason": "Lý do khác"}))
        .await;
    assert_eq!(again["approval"], revoked["approval"]);
    // Reinstated, she files again.
    tp.approve(&lan_id, "member").await;
    let (status, _) = submit(&tp, &lan, "6c2d1a0f-3b88-4e1c-8b54-1a8f4d8a2f32", &next).await;
    assert_eq!(status, 201);

    // A citizen files as before; the commune's decisions are for
    // volunteer accounts only, by admin token only.
    let (citizen, pair) = tp.account("citizen", "0912345678").await;
    assert_eq!(pair["account"]["approval"], Value::Null);
    let citizen_id = pair["account"]["id"].as_str().unwrap();
    let body = tp.birth_submission(&citizen, "citizen").await;
    let (status, _) = submit(&tp, &citizen, "8e03978e-40d5-43e8-bc93-6894a57f9324", &body).await;
    assert_eq!(status, 201);
    for id in [
        citizen_id,
        "0d1c2b3a-0000-4000-8000-000000000000",
        "not-a-uuid",
    ] {
        let (status, err) = tp.decide(id, "approve", json!({"role": "leader"})).await;
        assert_eq!(
            (status, err["code"].as_str()),
            (404, Some("not_found")),
            "{id}"
        );
    }
    let res = tp
        .post(
            &format!("/v1/admin/volunteers/{lan_id}/approve"),
            Some(&lan),
            &json!({"role": "leader"}),
        )
        .await;
    assert_eq!(res.status(), 401);
}

#[tokio::test]
async fn the_leader_lists_the_teams_dossiers_without_residents_data() {
    let tp = TestPortal::start().await;
    let (lan, lan_id) = tp
        .volunteer_of("0389123456", "Hồ Thị Lan", truong_vinh())
        .await;
    // The leader typed the same team differently.
    let (hoa, hoa_id) = tp
        .volunteer_of(
            "0389123457",
            "Lê Thị Hoa",
            team(
                "tổ công nghệ số cộng đồng  phường trường vinh",
                "Tỉnh Nghệ An",
                "P. Trường Vinh",
            ),
        )
        .await;
    // Another ward's team.
    let (minh, minh_id) = tp
        .volunteer_of(
            "0389123458",
            "Trần Văn Minh",
            team(
                "Tổ công nghệ số cộng đồng phường Thành Vinh",
                "Nghệ An",
                "Phường Thành Vinh",
            ),
        )
        .await;

    // Before approval the would-be leader is refused as not approved.
    let (status, err) = answer(tp.get("/v1/team/dossiers", Some(&hoa)).await).await;
    assert_eq!(
        (status, err["code"].as_str()),
        (403, Some("volunteer_not_approved"))
    );

    tp.approve(&lan_id, "member").await;
    tp.approve(&hoa_id, "leader").await;
    tp.approve(&minh_id, "leader").await;
    let mut codes = Vec::new();
    for (token, salt, key) in [
        (&lan, "lan", "1a2b3c4d-0001-4000-8000-000000000001"),
        (&minh, "minh", "1a2b3c4d-0002-4000-8000-000000000002"),
        (&hoa, "hoa", "1a2b3c4d-0003-4000-8000-000000000003"),
        (&lan, "lan-2", "1a2b3c4d-0004-4000-8000-000000000004"),
    ] {
        let body = for_resident(&tp, token, salt).await;
        let (status, d) = submit(&tp, token, key, &body).await;
        assert_eq!(status, 201, "{d}");
        codes.push(d["code"].as_str().unwrap().to_string());
    }

    // The leader sees Lan's two and her own, in submission order, with who
    // filed each, and not Minh's (another team).
    let (status, page) = answer(tp.get("/v1/team/dossiers", Some(&hoa)).await).await;
    assert_eq!(status, 200, "{page}");
    assert_eq!(
        ids(&page, "dossiers", "code"),
        [codes[0].clone(), codes[2].clone(), codes[3].clone()]
    );
    assert_eq!(page["has_more"], false);
    assert_eq!(page["team"]["commune"], "P. Trường Vinh");
    let first = &page["dossiers"][0];
    assert_eq!(
        first["filed_by"],
        json!({"account_id": lan_id, "full_name": "Hồ Thị Lan"})
    );
    assert_eq!(first["procedure_code"], "1.001193");
    assert_eq!(first["status"], 1);
    assert_eq!(first["agency"]["code"], "H40.22");
    // Nothing of the resident anywhere in the answer.
    let text = page.to_string();
    for personal in [
        RESIDENT,
        RESIDENT_PHONE,
        "VN-2026-0142",
        "filed_for",
        "form_values",
    ] {
        assert!(!text.contains(personal), "{personal} in {text}");
    }

    // Paged like the other lists.
    let (_, one) = answer(tp.get("/v1/team/dossiers?limit=2", Some(&hoa)).await).await;
    assert_eq!(one["has_more"], true);
    let next = format!(
        "/v1/team/dossiers?limit=2&cursor={}",
        one["next_cursor"].as_str().unwrap()
    );
    let (_, two) = answer(tp.get(&next, Some(&hoa)).await).await;
    assert_eq!(ids(&two, "dossiers", "code"), [codes[3].clone()]);
    assert_eq!(two["has_more"], false);

    // The other team's leader sees only Minh's.
    let (_, other) = answer(tp.get("/v1/team/dossiers", Some(&minh)).await).await;
    assert_eq!(ids(&other, "dossiers", "code"), [codes[1].clone()]);

    // A member and a citizen are refused.
    let (status, err) = answer(tp.get("/v1/team/dossiers", Some(&lan)).await).await;
    assert_eq!(
        (status, err["code"].as_str()),
        (403, Some("team_leader_required"))
    );
    let citizen = tp.citizen().await;
    let (status, err) = answer(tp.get("/v1/team/dossiers", Some(&citizen)).await).await;
    assert_eq!(
        (status, err["code"].as_str()),
        (403, Some("team_leader_required"))
    );

    // A revoked member's dossiers stay on the team's list.
    let (status, _) = tp
        .decide(&lan_id, "revoke", json!({"reason": "Nghỉ tham gia tổ"}))
        .await;
    assert_eq!(status, 200);
    let (_, after) = answer(tp.get("/v1/team/dossiers", Some(&hoa)).await).await;
    assert_eq!(after["dossiers"].as_array().unwrap().len(), 3);

    // The commune's list by team (typed yet another way) and state.
    let both = admin_list(&tp, "?team=T%E1%BB%95%20c%C3%B4ng%20ngh%E1%BB%87%20s%E1%BB%91%20c%E1%BB%99ng%20%C4%91%E1%BB%93ng%20ph%C6%B0%E1%BB%9Dng%20Tr%C6%B0%E1%BB%9Dng%20Vinh&province=nghe%20an").await;
    assert_eq!(
        ids(&both, "volunteers", "id"),
        [lan_id.clone(), hoa_id.clone()]
    );
    let revoked = admin_list(&tp, "?state=revoked").await;
    assert_eq!(ids(&revoked, "volunteers", "id"), [lan_id.as_str()]);
    let all = admin_list(&tp, "?limit=2").await;
    assert_eq!(all["has_more"], true);
    let rest = admin_list(
        &tp,
        &format!("?limit=2&cursor={}", all["next_cursor"].as_str().unwrap()),
    )
    .await;
    assert_eq!(ids(&rest, "volunteers", "id"), [minh_id]);
    let res = tp
        .http
        .get(tp.url("/v1/admin/volunteers?state=maybe"))
        .bearer_auth(ADMIN)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 400);
}

/// `hoso-portal admin volunteers|approve|revoke`: the commune's decisions
/// from a shell, through the same admin API.
#[tokio::test]
async fn a_commune_officer_decides_from_the_shell() {
    let tp = TestPortal::start().await;
    let (_, lan_id) = tp
        .volunteer_of("0389123456", "Hồ Thị Lan", truong_vinh())
        .await;
    let base = tp.base.clone();
    let run = move |args: Vec<&'static str>, id: Option<String>| {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_hoso-portal"))
            .args(["admin", "--url", &base])
            .env("HOSO_PORTAL_ADMIN_TOKEN", ADMIN)
            .args(&args[..1])
            .args(id)
            .args(&args[1..])
            .output()
            .unwrap();
        let body: Value = serde_json::from_slice(&out.stdout).unwrap_or(Value::Null);
        (out.status.success(), body)
    };
    let shell = |args: Vec<&'static str>, id: Option<String>| {
        let run = run.clone();
        tokio::task::spawn_blocking(move || run(args, id))
    };
    let (ok, page) = shell(
        vec![
            "volunteers",
            "--state",
            "pending",
            "--team",
            "TỔ CÔNG NGHỆ SỐ CỘNG ĐỒNG PHƯỜNG TRƯỜNG VINH",
        ],
        None,
    )
    .await
    .unwrap();
    assert!(ok, "{page}");
    assert_eq!(ids(&page, "volunteers", "id"), [lan_id.as_str()]);
    let (ok, approved) = shell(vec!["approve", "--role", "leader"], Some(lan_id.clone()))
        .await
        .unwrap();
    assert!(ok, "{approved}");
    assert_eq!(approved["approval"]["role"], "leader");
    let (ok, revoked) = shell(
        vec!["revoke", "--reason", "Đã chuyển công tác"],
        Some(lan_id.clone()),
    )
    .await
    .unwrap();
    assert!(ok, "{revoked}");
    assert_eq!(revoked["approval"]["state"], "revoked");
    // Not a UUID: refused before anything is sent.
    let (ok, _) = shell(vec!["approve"], Some("0389123456".into()))
        .await
        .unwrap();
    assert!(!ok);
}
