//! Dossiers over real HTTP: submission with re-validation, code format,
//! appointment, fee and receipt; idempotent replay, key reuse with another
//! body, missing and malformed keys, a concurrent retry; ownership (another
//! account gets 404); supplements, withdrawal, the change feed, public
//! lookup (one 404 for every miss), and admin status moves.

mod common;

use common::{TestPortal, ADMIN};
use serde_json::{json, Value};

async fn submit(tp: &TestPortal, token: &str, key: &str, body: &Value) -> reqwest::Response {
    tp.http
        .post(tp.url("/v1/dossiers"))
        .bearer_auth(token)
        .header("Idempotency-Key", format!("\"{key}\""))
        .json(body)
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn validation_lists_every_problem() {
    let tp = TestPortal::start().await;
    let token = tp.citizen().await;
    let mut body = json!({
        "procedure_code": "1.001193",
        "catalog_version": 3,
        "agency_code": "H40.22",
        "channel": "online",
        "form_values": common::birth_values(),
        "documents": {"doc05": [{"sha256": "0".repeat(64), "size": 10, "media_type": "application/pdf", "file_name": "giay-chung-sinh.pdf"}]},
    });
    let res = submit(&tp, &token, "probe-0000000001", &body).await;
    assert_eq!(res.status(), 422);
    let err: Value = res.json().await.unwrap();
    assert_eq!(err["code"], "validation_failed");
    let issues: Vec<(String, String)> = err["issues"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| {
            (
                i["field"].as_str().unwrap().to_string(),
                i["code"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert_eq!(
        issues,
        vec![("documents.doc05[0]".to_string(), "blob_unknown".to_string())]
    );

    body["form_values"]["child.date_of_birth"] = json!("01/01/2099");
    body["agency_code"] = json!("X99.99");
    body["channel"] = json!("postal");
    body["documents"] = json!({"doc99": []});
    body["filed_for"] = json!({"full_name": "Lê Văn C", "consent": {"method": "vneid", "reference": "VN-1", "given_at": "2026-11-23T01:00:00Z"}});
    let res = submit(&tp, &token, "probe-0000000002", &body).await;
    let err: Value = res.json().await.unwrap();
    let codes: Vec<&str> = err["issues"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["code"].as_str().unwrap())
        .collect();
    for code in [
        "agency_unknown",
        "filed_for_not_allowed",
        "date_in_future",
        "document_missing",
        "unknown_document",
    ] {
        assert!(codes.contains(&code), "{code} not in {codes:?}");
    }
}

#[tokio::test]
async fn submission_receipt_replay_and_ownership() {
    let tp = TestPortal::start().await;
    let token = tp.citizen().await;
    let body = tp.birth_submission(&token, "a").await;

    // Missing and malformed keys.
    let res = tp
        .http
        .post(tp.url("/v1/dossiers"))
        .bearer_auth(&token)
        .json(&body)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 400);
    assert_eq!(
        res.json::<Value>().await.unwrap()["code"],
        "idempotency_key_missing"
    );
    let res = submit(&tp, &token, "bad key", &body).await;
    assert_eq!(
        res.json::<Value>().await.unwrap()["code"],
        "idempotency_key_invalid"
    );

    let key = "8e03978e-40d5-43e8-bc93-6894a57f9324";
    let res = submit(&tp, &token, key, &body).await;
    assert_eq!(res.status(), 201);
    let location = res.headers()["location"].to_str().unwrap().to_string();
    assert!(res.headers().get("idempotent-replayed").is_none());
    let first: Value = res.json().await.unwrap();
    let code = first["code"].as_str().unwrap().to_string();
    assert_eq!(location, format!("/v1/dossiers/{code}"));
    let today = common::days_ago(0);
    let yymmdd = format!("{}{}{}", &today[8..10], &today[3..5], &today[0..2]);
    assert_eq!(code, format!("H40.22-{yymmdd}-0001"));
    assert_eq!(first["status"], 1);
    assert_eq!(first["history"].as_array().unwrap().len(), 1);
    assert_eq!(first["filed_by"]["kind"], "citizen");
    assert_eq!(first["fee"]["amount_vnd"], 0);
    assert_eq!(first["receipt"]["payload"]["dossier_code"], code.as_str());
    assert_eq!(
        first["receipt"]["payload"]["appointment_date"],
        first["appointment_date"]
    );
    assert!(
        first.get("form_values").is_none(),
        "form values are not echoed"
    );

    // Same key, same content (re-serialised differently): the stored answer.
    let reordered: Value =
        serde_json::from_str(&serde_json::to_string_pretty(&body).unwrap()).unwrap();
    let res = submit(&tp, &token, key, &reordered).await;
    assert_eq!(res.status(), 201);
    assert_eq!(res.headers()["idempotent-replayed"], "true");
    assert_eq!(res.headers()["location"].to_str().unwrap(), location);
    assert_eq!(res.json::<Value>().await.unwrap(), first);

    // Same key, another body.
    let mut other = body.clone();
    other["form_values"]["child.full_name"] = json!("Nguyễn Minh Khôi");
    let res = submit(&tp, &token, key, &other).await;
    assert_eq!(res.status(), 422);
    assert_eq!(
        res.json::<Value>().await.unwrap()["code"],
        "idempotency_key_reused"
    );

    // A new key is a new dossier with the next number.
    let res = submit(&tp, &token, "second-submission-01", &other).await;
    let second: Value = res.json().await.unwrap();
    assert_eq!(second["code"], format!("H40.22-{yymmdd}-0002"));

    // The owner reads it; another account gets the same 404 as a missing code.
    let mine = tp.get(&location, Some(&token)).await;
    assert_eq!(mine.status(), 200);
    let (stranger, _) = tp.account("citizen", "0987654321").await;
    let theirs = tp.get(&location, Some(&stranger)).await;
    assert_eq!(theirs.status(), 404);
    let theirs = theirs.text().await.unwrap();
    let missing = tp
        .get(
            &format!("/v1/dossiers/H40.22-{yymmdd}-0999"),
            Some(&stranger),
        )
        .await
        .text()
        .await
        .unwrap();
    assert_eq!(theirs, missing);
    for (path, body) in [
        ("supplements", json!({"documents": {}})),
        ("withdrawal", json!({"reason": "x"})),
    ] {
        let res = tp
            .http
            .post(tp.url(&format!("{location}/{path}")))
            .bearer_auth(&stranger)
            .header("Idempotency-Key", "stranger-key-0001")
            .json(&body)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 404, "{path}");
    }
    // The stranger cannot name the owner's blob either.
    let res = submit(&tp, &stranger, "stranger-submit-01", &body).await;
    let err: Value = res.json().await.unwrap();
    assert_eq!(err["issues"][0]["code"], "blob_unknown");
    // 422 answers are stored too: the same key replays them.
    let res = submit(&tp, &stranger, "stranger-submit-01", &body).await;
    assert_eq!(res.status(), 422);
    assert_eq!(res.headers()["idempotent-replayed"], "true");
}

#[tokio::test]
async fn concurrent_retries_create_one_dossier() {
    let tp = TestPortal::start().await;
    let token = tp.citizen().await;
    let body = tp.birth_submission(&token, "b").await;
    let mut tasks = Vec::new();
    for _ in 0..8 {
        let (http, url, token, body) = (
            tp.http.clone(),
            tp.url("/v1/dossiers"),
            token.clone(),
            body.clone(),
        );
        tasks.push(tokio::spawn(async move {
            let res = http
                .post(url)
                .bearer_auth(token)
                .header("Idempotency-Key", "same-key-for-all-8")
                .json(&body)
                .send()
                .await
                .unwrap();
            let status = res.status().as_u16();
            let retry = res.headers().get("retry-after").is_some();
            let body: Value = res.json().await.unwrap();
            (status, retry, body)
        }));
    }
    let mut codes = std::collections::BTreeSet::new();
    for t in tasks {
        let (status, retry, body) = t.await.unwrap();
        match status {
            201 => {
                codes.insert(body["code"].as_str().unwrap().to_string());
            }
            409 => {
                assert_eq!(body["code"], "idempotency_request_in_progress");
                assert!(retry);
            }
            other => panic!("unexpected {other}: {body}"),
        }
    }
    assert_eq!(codes.len(), 1);
    let stats: Value = tp
        .get("/v1/admin/stats", Some(ADMIN))
        .await
        .json()
        .await
        .unwrap();
    assert_eq!(stats["dossiers"], 1);
    assert_eq!(stats["idempotency_keys"], 1);
}

async fn admin_status(tp: &TestPortal, code: &str, body: Value) -> reqwest::Response {
    tp.http
        .post(tp.url(&format!("/v1/admin/dossiers/{code}/status")))
        .bearer_auth(ADMIN)
        .json(&body)
        .send()
        .await
        .unwrap()
}

#[tokio::test]
async fn status_paths_supplement_withdrawal_feed_and_lookup() {
    let tp = TestPortal::start().await;
    let token = tp.citizen().await;
    let body = tp.birth_submission(&token, "c").await;
    let first: Value = submit(&tp, &token, "status-path-0001", &body)
        .await
        .json()
        .await
        .unwrap();
    let code = first["code"].as_str().unwrap().to_string();
    let token_q = first["receipt"]["payload"]["lookup_token"]
        .as_str()
        .unwrap()
        .to_string();

    // Officer path 1 → 2 → 4 → 5 (supplement for doc07).
    for to in [2, 4] {
        let b = json!({"status": to, "note": "ok"});
        assert_eq!(admin_status(&tp, &code, b).await.status(), 200);
    }
    let res = admin_status(&tp, &code, json!({"status": 5, "note": "Bổ sung"})).await;
    assert_eq!(res.status(), 422, "a supplement request needs its slots");
    let res = admin_status(&tp, &code, json!({"status": 10, "note": "x"})).await;
    assert_eq!(res.status(), 409);
    let err: Value = res.json().await.unwrap();
    assert_eq!(
        (err["code"].as_str(), err["details"]["from"].as_u64()),
        (Some("invalid_transition"), Some(4))
    );
    let res = admin_status(&tp, &code, json!({"status": 5, "note": "Đề nghị bổ sung giấy tờ chứng minh nơi cư trú", "supplement_request": {"slots": ["doc07"], "due_date": "2030-01-10"}})).await;
    let d: Value = res.json().await.unwrap();
    assert_eq!(d["status"], 5);
    assert_eq!(d["supplement_request"]["slots"], json!(["doc07"]));

    // A supplement without the asked slot is 422; with it, back to 4.
    let supp = |docs: Value, key: &'static str| {
        let (http, url, token) = (
            tp.http.clone(),
            tp.url(&format!("/v1/dossiers/{code}/supplements")),
            token.clone(),
        );
        async move {
            http.post(url)
                .bearer_auth(token)
                .header("Idempotency-Key", key)
                .json(&json!({"documents": docs, "note": "Gửi bổ sung giấy xác nhận thông tin về cư trú"}))
                .send()
                .await
                .unwrap()
        }
    };
    let res = supp(json!({}), "supplement-key-01").await;
    assert_eq!(res.status(), 422);
    let proof = tp
        .upload(
            &token,
            &common::pdf("cu-tru"),
            "application/pdf",
            "giay-xac-nhan-cu-tru.pdf",
        )
        .await;
    let res = supp(json!({"doc07": [proof]}), "supplement-key-02").await;
    assert_eq!(res.status(), 200);
    let d: Value = res.json().await.unwrap();
    assert_eq!(d["status"], 4);
    assert!(d["supplement_request"].is_null());
    assert_eq!(
        d["documents"]["doc07"][0]["file_name"],
        "giay-xac-nhan-cu-tru.pdf"
    );
    assert_eq!(
        d["history"].as_array().unwrap().last().unwrap()["actor"],
        "applicant"
    );
    let res = supp(json!({"doc07": [proof]}), "supplement-key-03").await;
    assert_eq!(res.status(), 409, "not awaiting a supplement any more");

    // Public lookup: the right token sees status only; every miss is the same 404.
    let res = tp
        .http
        .get(tp.url(&format!("/v1/lookup/{code}?token={token_q}")))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    let public: Value = res.json().await.unwrap();
    assert_eq!(public["status"], 4);
    let text = public.to_string();
    assert!(!text.contains("Nguyễn") && !text.contains("note") && !text.contains("doc07"));
    // The token in the `X-Lookup-Token` header (out of the URL and access
    // logs) answers the same; the header wins over the query.
    let by_header = tp
        .http
        .get(tp.url(&format!("/v1/lookup/{code}")))
        .header("X-Lookup-Token", &token_q)
        .send()
        .await
        .unwrap();
    assert_eq!(by_header.status(), 200);
    assert_eq!(by_header.json::<Value>().await.unwrap(), public);
    let mut misses = Vec::new();
    for (path, header) in [
        (format!("/v1/lookup/{code}"), "AAAAAAAAAAAAAAAAAAAAAA"),
        (
            format!("/v1/lookup/{code}?token={token_q}"),
            "AAAAAAAAAAAAAAAAAAAAAA",
        ),
        (
            "/v1/lookup/H40.22-991231-0001".to_string(),
            token_q.as_str(),
        ),
    ] {
        let res = tp
            .http
            .get(tp.url(&path))
            .header("X-Lookup-Token", header)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 404, "{path}");
        misses.push(res.bytes().await.unwrap());
    }
    for path in [
        format!("/v1/lookup/{code}"),
        format!("/v1/lookup/{code}?token=AAAAAAAAAAAAAAAAAAAAAA"),
        format!("/v1/lookup/H40.22-991231-0001?token={token_q}"),
        "/v1/lookup/not-a-code?token=x".to_string(),
    ] {
        let res = tp.http.get(tp.url(&path)).send().await.unwrap();
        assert_eq!(res.status(), 404, "{path}");
        misses.push(res.bytes().await.unwrap());
    }
    assert!(misses.windows(2).all(|w| w[0] == w[1]));

    // Withdrawal: 4 → 7, again 200 unchanged; officer closes it (8); then 409.
    let withdraw = || {
        let (http, url, token) = (
            tp.http.clone(),
            tp.url(&format!("/v1/dossiers/{code}/withdrawal")),
            token.clone(),
        );
        async move {
            http.post(url)
                .bearer_auth(token)
                .json(&json!({"reason": "Gia đình chuyển về quê nội"}))
                .send()
                .await
                .unwrap()
        }
    };
    let d: Value = withdraw().await.json().await.unwrap();
    assert_eq!(d["status"], 7);
    let again = withdraw().await;
    assert_eq!(again.status(), 200);
    assert_eq!(
        again.json::<Value>().await.unwrap()["history"]
            .as_array()
            .unwrap()
            .len(),
        d["history"].as_array().unwrap().len()
    );
    assert_eq!(
        admin_status(
            &tp,
            &code,
            json!({"status": 8, "note": "Dừng theo yêu cầu"})
        )
        .await
        .status(),
        200
    );
    let res = withdraw().await;
    assert_eq!(res.status(), 409);
    let err: Value = res.json().await.unwrap();
    assert_eq!(
        (err["code"].as_str(), err["details"]["status"].as_u64()),
        (Some("invalid_state"), Some(8))
    );

    // The feed holds every change, oldest first, paged by cursor.
    let page = |cursor: Option<String>| {
        let (http, token) = (tp.http.clone(), token.clone());
        let url = match cursor {
            Some(c) => tp.url(&format!("/v1/feed?limit=3&cursor={c}")),
            None => tp.url("/v1/feed?limit=3"),
        };
        async move {
            http.get(url)
                .bearer_auth(token)
                .send()
                .await
                .unwrap()
                .json::<Value>()
                .await
                .unwrap()
        }
    };
    let mut statuses = Vec::new();
    let mut cursor = None;
    loop {
        let p = page(cursor.clone()).await;
        for e in p["entries"].as_array().unwrap() {
            assert_eq!(e["dossier_code"], code.as_str());
            assert_eq!(e["dossier"]["status"], e["entry"]["status"]);
            statuses.push(e["entry"]["status"].as_u64().unwrap());
        }
        cursor = Some(p["next_cursor"].as_str().unwrap().to_string());
        if !p["has_more"].as_bool().unwrap() {
            break;
        }
    }
    assert_eq!(statuses, vec![1, 2, 4, 5, 4, 7, 8]);
    let empty = page(cursor).await;
    assert!(empty["entries"].as_array().unwrap().is_empty());
    let res = tp.get("/v1/feed?cursor=zz", Some(&token)).await;
    assert_eq!(res.json::<Value>().await.unwrap()["code"], "cursor_invalid");
}

#[tokio::test]
async fn the_simulation_moves_dossiers_deterministically() {
    async fn run() -> Vec<Vec<u64>> {
        let mut config = common::config();
        config.simulation = true;
        config.sim_seed = 7;
        let tp = TestPortal::with_config(config).await;
        let token = tp.citizen().await;
        let mut codes = Vec::new();
        for i in 0..12 {
            let body = tp.birth_submission(&token, &format!("sim-{i}")).await;
            let d: Value = submit(&tp, &token, &format!("sim-key-{i:08}"), &body)
                .await
                .json()
                .await
                .unwrap();
            codes.push(d["code"].as_str().unwrap().to_string());
        }
        let advanced = tp.advance(json!({"working_days": 30})).await;
        assert!(advanced["transitions"].as_u64().unwrap() >= 24);
        // Six weeks later the access token has long expired: log in again.
        let pair = tp.login("0912345678").await;
        let token = pair["access_token"].as_str().unwrap().to_string();
        let mut paths = Vec::new();
        for code in codes {
            let d: Value = tp
                .get(&format!("/v1/dossiers/{code}"), Some(&token))
                .await
                .json()
                .await
                .unwrap();
            let history = d["history"].as_array().unwrap();
            let times: Vec<&str> = history.iter().map(|h| h["at"].as_str().unwrap()).collect();
            assert!(
                times.windows(2).all(|w| w[0] <= w[1]),
                "history in time order"
            );
            paths.push(
                history
                    .iter()
                    .map(|h| h["status"].as_u64().unwrap())
                    .collect(),
            );
        }
        paths
    }
    let first = run().await;
    for path in &first {
        assert_eq!(path[0], 1);
        let last = *path.last().unwrap();
        assert!([3, 8, 10, 5].contains(&last), "{path:?}");
    }
    assert!(first.iter().any(|p| p.ends_with(&[9, 10])));
    // Supplement requests wait for the applicant (or their deadline).
    assert_eq!(run().await, first, "same seed, same paths");
}

#[tokio::test]
async fn admin_listing_verifies_files_and_the_admin_command_drives_the_api() {
    let tp = TestPortal::start().await;
    let token = tp.citizen().await;
    let mut codes = Vec::new();
    for i in 0..3 {
        let body = tp.birth_submission(&token, &format!("list-{i}")).await;
        let d: Value = submit(&tp, &token, &format!("list-key-{i:08}"), &body)
            .await
            .json()
            .await
            .unwrap();
        codes.push(d["code"].as_str().unwrap().to_string());
    }
    // Paged in submission order, each file re-hashed.
    let mut seen = Vec::new();
    let mut cursor: Option<String> = None;
    loop {
        let path = match &cursor {
            Some(c) => format!("/v1/admin/dossiers?limit=2&verify=true&cursor={c}"),
            None => "/v1/admin/dossiers?limit=2&verify=true".to_string(),
        };
        let (status, page) = common::answer(tp.get(&path, Some(ADMIN)).await).await;
        assert_eq!(status, 200, "{page}");
        for d in page["dossiers"].as_array().unwrap() {
            assert_eq!(d["documents_verified"], true);
            assert_eq!(d["document_count"], 1);
            assert_eq!(d["filed_by_kind"], "citizen");
            seen.push(d["code"].as_str().unwrap().to_string());
        }
        cursor = Some(page["next_cursor"].as_str().unwrap().to_string());
        if page["has_more"] == false {
            break;
        }
    }
    assert_eq!(seen, codes);
    // Account tokens never work on admin endpoints.
    assert_eq!(
        tp.get("/v1/admin/dossiers", Some(&token)).await.status(),
        401
    );
    let (_, clock) = common::answer(tp.get("/v1/admin/clock", Some(ADMIN)).await).await;
    assert_eq!(clock["simulation"], false);
    assert_eq!(clock["offset_seconds"], 0);

    // `hoso-portal admin` is the same API from a shell.
    let base = tp.base.clone();
    let code = codes[0].clone();
    let run = move |args: Vec<String>| {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_hoso-portal"))
            .args(["admin", "--url", &base])
            .env("HOSO_PORTAL_ADMIN_TOKEN", ADMIN)
            .args(args)
            .output()
            .unwrap();
        let body: Value = serde_json::from_slice(&out.stdout).unwrap_or(Value::Null);
        (out.status.success(), body)
    };
    let (ok, moved) = tokio::task::spawn_blocking({
        let run = run.clone();
        let code = code.clone();
        move || {
            run(vec![
                "status".into(),
                code,
                "2".into(),
                "--note".into(),
                "Đã tiếp nhận".into(),
            ])
        }
    })
    .await
    .unwrap();
    assert!(ok, "{moved}");
    assert_eq!(moved["status"], 2);
    let (ok, refused) = tokio::task::spawn_blocking({
        let run = run.clone();
        move || run(vec!["status".into(), code, "10".into()])
    })
    .await
    .unwrap();
    assert!(!ok);
    assert_eq!(refused["code"], "invalid_transition");
    let (ok, stats) = tokio::task::spawn_blocking(move || run(vec!["stats".into()]))
        .await
        .unwrap();
    assert!(ok);
    assert_eq!(stats["dossiers"], 3);
    assert_eq!(stats["dossiers_by_status"]["2"], 1);
    assert_eq!(stats["blobs"], 3);
}
