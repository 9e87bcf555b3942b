//! The portal over real HTTP on loopback: the catalog bundle with its ETag
//! (304 when unchanged), the catalog info, health, the API-version header,
//! and the JSON error body for an unknown path.

use hoso_core::catalog::bundle::Bundle;
use hoso_core::catalog::parse::parse_record;
use hoso_core::catalog::source::read_records;
use std::path::Path;
use std::sync::Arc;

const SOURCE: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../shared/data/tthc-national-2642.jsonl.gz"
);

async fn start() -> (tempfile::TempDir, String, Bundle) {
    let dir = tempfile::tempdir().unwrap();
    let procedures = read_records(Path::new(SOURCE))
        .unwrap()
        .iter()
        .take(40)
        .map(parse_record)
        .collect();
    let bundle = Bundle::new(3, procedures);
    let path = dir.path().join("catalog.bundle");
    bundle.write_to(&path).unwrap();
    let portal = Arc::new(hoso_portal::Portal::open(&path).unwrap());
    let (addr, _task) = hoso_portal::start(portal, "127.0.0.1:0".parse().unwrap())
        .await
        .unwrap();
    (dir, format!("http://{addr}"), bundle)
}

#[tokio::test]
async fn catalog_bundle_with_etag_and_info() {
    let (_dir, base, bundle) = start().await;
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
    assert_eq!(served.procedures.len(), 40);

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
    assert_eq!(info["procedure_count"], 40);
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
    let (_dir, base, _) = start().await;
    let res = reqwest::get(format!("{base}/v1/nothing-here"))
        .await
        .unwrap();
    assert_eq!(res.status(), 404);
    let body: serde_json::Value = res.json().await.unwrap();
    assert_eq!(body["code"], "not_found");
    assert!(body["message_vi"].is_string() && body["message_en"].is_string());
}
