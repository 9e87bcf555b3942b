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
