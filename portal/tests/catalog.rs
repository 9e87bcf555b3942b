//! The portal over real HTTP on loopback: the catalog bundle with its ETag
//! (304 when unchanged), the catalog info, health, the API-version header,
//! and the JSON error body for an unknown path.

mod common;

use common::TestPortal;
use hoso_core::catalog::bundle::Bundle;

#[tokio::test]
async fn catalog_bundle_with_etag_and_info() {
    let tp = TestPortal::start().await;
    let (base, bundle) = (tp.base.clone(), tp.bundle.clone());
    let client = reqwest::Client::new();
    let res = client
        .get(format!("{base}/v1/catalog/bundle"))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()["hoso-api-version"], "1");
    assert_eq!(res.headers()["content-encoding"], "gzip");
    let etag = res.headers()["etag"].to_str().unwrap().to_string();
    assert_eq!(
        etag,
        format!("\"cat-3-{}\"", &bundle.info.content_hash[..16])
    );
    // The stored gzip file as sent (this client does not decode gzip).
    let body = res.bytes().await.unwrap();
    let served = Bundle::from_reader(&body[..]).unwrap();
    assert_eq!(served.info, bundle.info);
    assert_eq!(served.procedures.len(), bundle.procedures.len());

    let again = client
        .get(format!("{base}/v1/catalog/bundle"))
        .header("If-None-Match", &etag)
        .send()
        .await
        .unwrap();
    assert_eq!(again.status(), 304);
    assert!(again.bytes().await.unwrap().is_empty());
    let stale = client
        .get(format!("{base}/v1/catalog/bundle"))
        .header("If-None-Match", "\"older\"")
        .send()
        .await
        .unwrap();
    assert_eq!(stale.status(), 200);

    let info: serde_json::Value = client
        .get(format!("{base}/v1/catalog"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(info["version"], 3);
    assert_eq!(info["procedure_count"], bundle.procedures.len());
    assert_eq!(info["bundle_etag"], etag.as_str());
    let health: serde_json::Value = reqwest::get(format!("{base}/v1/health"))
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(health["status"], "ok");
}

#[tokio::test]
async fn unknown_paths_get_the_json_error_body() {
    let tp = TestPortal::start().await;
    let base = tp.base.clone();
    let res = reqwest::get(format!("{base}/v1/nothing-here"))
        .await
        .unwrap();
    assert_eq!(res.status(), 404);
    let body: serde_json::Value = res.json().await.unwrap();
    assert_eq!(body["code"], "not_found");
    assert!(body["message_vi"].is_string() && body["message_en"].is_string());
}
