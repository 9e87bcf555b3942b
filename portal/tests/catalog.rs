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
    hoso_core::client::install_crypto_provider();
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

use common::ADMIN;
use hoso_core::catalog::bundle::content_hash;
use hoso_core::catalog::{Level, Procedure};
use serde_json::Value;
use std::io::Read;

fn gunzip(bytes: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    flate2::read::MultiGzDecoder::new(bytes)
        .read_to_end(&mut out)
        .unwrap();
    out
}

/// The gzip bundle file of `bundle`, as `hoso catalog import --out` writes it.
fn bundle_file(bundle: &Bundle) -> Vec<u8> {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("next.bundle");
    bundle.write_to(&path).unwrap();
    std::fs::read(path).unwrap()
}

/// Version 4: one procedure changed, one removed, one added.
fn next_bundle(old: &Bundle) -> (Bundle, String, String, String) {
    let mut procedures = old.procedures.clone();
    let changed = procedures[0].code.clone();
    procedures[0].name.push_str(" (sửa đổi 2026)");
    let removed = procedures.remove(1).code;
    let extra: Procedure = common::all_procedures()
        .iter()
        .find(|p| !old.procedures.iter().any(|o| o.code == p.code))
        .cloned()
        .unwrap();
    let added = extra.code.clone();
    procedures.push(extra);
    (Bundle::new(4, procedures), changed, removed, added)
}

async fn put_bundle(
    tp: &TestPortal,
    token: Option<&str>,
    ctype: &str,
    body: Vec<u8>,
) -> reqwest::Response {
    let mut req = tp
        .http
        .put(tp.url("/v1/admin/catalog"))
        .header("Content-Type", ctype)
        .body(body);
    if let Some(t) = token {
        req = req.bearer_auth(t);
    }
    req.send().await.unwrap()
}

/// What a client does with a delta (`getCatalogDelta`).
fn apply(old: &[Procedure], delta: &Value) -> Vec<Procedure> {
    let removed: Vec<&str> = delta["removed"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c.as_str().unwrap())
        .collect();
    let replaced: Vec<Procedure> = delta["changed"]
        .as_array()
        .unwrap()
        .iter()
        .chain(delta["added"].as_array().unwrap())
        .map(|p| serde_json::from_value(p.clone()).unwrap())
        .collect();
    let mut out: Vec<Procedure> = old
        .iter()
        .filter(|p| !removed.contains(&p.code.as_str()))
        .filter(|p| !replaced.iter().any(|r| r.code == p.code))
        .cloned()
        .collect();
    out.extend(replaced);
    out.sort_by(|a, b| a.code.cmp(&b.code));
    out
}

async fn get(tp: &TestPortal, path: &str, headers: &[(&str, &str)]) -> reqwest::Response {
    let mut req = tp.http.get(tp.url(path));
    for (k, v) in headers {
        req = req.header(*k, *v);
    }
    req.send().await.unwrap()
}

#[tokio::test]
async fn install_a_newer_bundle_and_apply_the_delta() {
    let tp = TestPortal::start().await;
    let old = tp.bundle.clone();
    let (new, changed, removed, added) = next_bundle(&old);
    let file = bundle_file(&new);

    let res = put_bundle(&tp, Some(ADMIN), "application/gzip", file.clone()).await;
    assert_eq!(res.status(), 200);
    let info: Value = res.json().await.unwrap();
    assert_eq!(info["version"], 4);
    assert_eq!(info["content_hash"], new.info.content_hash.as_str());
    assert_eq!(info["delta_from"], serde_json::json!([3]));
    assert_eq!(info["bundle_bytes"], file.len());
    assert_eq!(info["key_set_version"], 1);
    let polled: Value = get(&tp, "/v1/catalog", &[]).await.json().await.unwrap();
    assert_eq!(polled, info);

    // The bundle served is the new one.
    let res = get(&tp, "/v1/catalog/bundle", &[]).await;
    assert_eq!(
        res.headers()["etag"],
        format!("\"cat-4-{}\"", &new.info.content_hash[..16])
    );
    assert_eq!(res.bytes().await.unwrap(), file);

    // The delta from 3, gzip-encoded, applied to the old bundle, is bundle 4.
    let res = get(&tp, "/v1/catalog/delta?since=3", &[]).await;
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()["content-encoding"], "gzip");
    assert_eq!(res.headers()["content-type"], "application/json");
    let etag = res.headers()["etag"].to_str().unwrap().to_string();
    let delta: Value = serde_json::from_slice(&gunzip(&res.bytes().await.unwrap())).unwrap();
    assert_eq!(delta["format"], "hoso-catalog-delta");
    assert_eq!(delta["format_version"], 1);
    assert_eq!(delta["from_version"], 3);
    assert_eq!(delta["from_content_hash"], old.info.content_hash.as_str());
    assert_eq!(delta["to_version"], 4);
    assert_eq!(delta["procedure_count"], new.procedures.len());
    assert_eq!(delta["created_at"], new.info.created_at);
    assert_eq!(delta["removed"], serde_json::json!([removed]));
    assert_eq!(delta["changed"].as_array().unwrap().len(), 1);
    assert_eq!(delta["changed"][0]["code"], changed.as_str());
    assert_eq!(delta["added"].as_array().unwrap().len(), 1);
    assert_eq!(delta["added"][0]["code"], added.as_str());
    let applied = apply(&old.procedures, &delta);
    assert_eq!(applied.len(), new.procedures.len());
    assert_eq!(content_hash(&applied), new.info.content_hash);
    assert_eq!(delta["content_hash"], new.info.content_hash.as_str());

    // ETag and 304; identity for a client refusing gzip, with the weak tag.
    let res = get(
        &tp,
        "/v1/catalog/delta?since=3",
        &[("If-None-Match", &etag)],
    )
    .await;
    assert_eq!(res.status(), 304);
    let res = get(
        &tp,
        "/v1/catalog/delta?since=3",
        &[("Accept-Encoding", "identity")],
    )
    .await;
    assert_eq!(res.status(), 200);
    assert!(res.headers().get("content-encoding").is_none());
    assert_eq!(res.headers()["etag"], format!("W/{etag}"));
    let plain: Value = res.json().await.unwrap();
    assert_eq!(plain, delta);

    // Up to date: an empty delta.
    let res = get(
        &tp,
        "/v1/catalog/delta?since=4",
        &[("Accept-Encoding", "gzip;q=0")],
    )
    .await;
    let empty: Value = res.json().await.unwrap();
    assert_eq!(empty["from_version"], 4);
    assert_eq!(empty["to_version"], 4);
    assert_eq!(empty["from_content_hash"], empty["content_hash"]);
    for list in ["added", "changed", "removed"] {
        assert_eq!(empty[list], serde_json::json!([]));
    }

    // Versions never served, or newer than the current: 409 (the version held
    // conflicts with what the portal can answer from; take the full bundle).
    for since in ["2", "5", "99"] {
        let res = get(&tp, &format!("/v1/catalog/delta?since={since}"), &[]).await;
        assert_eq!(res.status(), 409, "{since}");
        let body: Value = res.json().await.unwrap();
        assert_eq!(body["code"], "catalog_version_unavailable");
        assert_eq!(body["details"]["current_version"], 4);
    }
    for query in ["", "?since=abc", "?since=-1", "?since=9223372036854775808"] {
        let res = get(&tp, &format!("/v1/catalog/delta{query}"), &[]).await;
        assert_eq!(res.status(), 400, "{query}");
        let body: Value = res.json().await.unwrap();
        assert_eq!(body["code"], "bad_request");
        assert_eq!(body["issues"][0]["field"], "since");
    }

    // The same version again, or an older one: 409.
    for version in [4, 3] {
        let again = Bundle::new(version, new.procedures.clone());
        let res = put_bundle(&tp, Some(ADMIN), "application/gzip", bundle_file(&again)).await;
        assert_eq!(res.status(), 409);
        let body: Value = res.json().await.unwrap();
        assert_eq!(body["code"], "catalog_version_not_newer");
        assert_eq!(body["details"]["current_version"], 4);
    }

    // A bundle sent as plain application/octet-stream installs the same way.
    let next = Bundle::new(5, new.procedures.clone());
    let res = put_bundle(
        &tp,
        Some(ADMIN),
        "application/octet-stream",
        bundle_file(&next),
    )
    .await;
    assert_eq!(res.status(), 200);
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["version"], 5);
}

#[tokio::test]
async fn admin_install_rejects_bad_requests() {
    let tp = TestPortal::with_config(hoso_portal::Config {
        max_bundle_bytes: 200_000,
        ..common::config()
    })
    .await;
    let (new, ..) = next_bundle(&tp.bundle);
    let file = bundle_file(&new);
    assert!(file.len() < 200_000, "{}", file.len());
    let citizen = tp.citizen().await;
    for token in [None, Some("wrong-token"), Some(citizen.as_str())] {
        let res = put_bundle(&tp, token, "application/gzip", file.clone()).await;
        assert_eq!(res.status(), 401);
        let body: Value = res.json().await.unwrap();
        assert_eq!(body["code"], "unauthorized");
    }
    for media_type in ["application/json", "text/plain"] {
        let res = put_bundle(&tp, Some(ADMIN), media_type, file.clone()).await;
        assert_eq!(res.status(), 415, "{media_type}");
    }

    // Truncated, not gzip, and a tampered hash: 422 bundle_invalid.
    let json = gunzip(&file);
    let tampered = String::from_utf8(json)
        .unwrap()
        .replacen("(sửa đổi 2026)", "(sửa đổi 2027)", 1);
    let mut gz = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    std::io::Write::write_all(&mut gz, tampered.as_bytes()).unwrap();
    let tampered = gz.finish().unwrap();
    for (body, what) in [
        (file[..file.len() / 2].to_vec(), "truncated"),
        (b"not a bundle".to_vec(), "garbage"),
        (tampered, "tampered"),
    ] {
        let res = put_bundle(&tp, Some(ADMIN), "application/gzip", body).await;
        assert_eq!(res.status(), 422, "{what}");
        let body: Value = res.json().await.unwrap();
        assert_eq!(body["code"], "bundle_invalid");
        assert!(body["message_vi"].is_string() && body["message_en"].is_string());
        if what == "tampered" {
            assert!(body["message_en"]
                .as_str()
                .unwrap()
                .starts_with("content hash mismatch"));
        }
    }
    let big = vec![0u8; 200_001];
    let res = put_bundle(&tp, Some(ADMIN), "application/gzip", big).await;
    assert_eq!(res.status(), 413);
    // Still version 3, nothing kept besides it.
    let info: Value = get(&tp, "/v1/catalog", &[]).await.json().await.unwrap();
    assert_eq!(info["version"], 3);
    assert_eq!(info["delta_from"], serde_json::json!([]));
}

#[tokio::test]
async fn bundle_identity_for_clients_refusing_gzip() {
    let tp = TestPortal::start().await;
    let strong = tp.portal.catalog_etag();
    for ae in ["identity", "br", "gzip;q=0", "*;q=0"] {
        let res = get(&tp, "/v1/catalog/bundle", &[("Accept-Encoding", ae)]).await;
        assert_eq!(res.status(), 200, "{ae}");
        assert!(res.headers().get("content-encoding").is_none(), "{ae}");
        assert_eq!(res.headers()["etag"], format!("W/{strong}"));
        let body: Value = res.json().await.unwrap();
        assert_eq!(body["version"], 3);
        assert_eq!(
            body["procedures"].as_array().unwrap().len(),
            tp.bundle.procedures.len()
        );
    }
    for ae in ["gzip", "gzip, deflate, br", "*", "br;q=1, gzip;q=0.5"] {
        let res = get(&tp, "/v1/catalog/bundle", &[("Accept-Encoding", ae)]).await;
        assert_eq!(res.headers()["content-encoding"], "gzip", "{ae}");
        assert_eq!(res.headers()["etag"], strong.as_str());
    }
    // Weak comparison: either tag answers 304 in either form.
    for (ae, tag) in [
        ("identity", strong.clone()),
        ("gzip", format!("W/{strong}")),
    ] {
        let res = get(
            &tp,
            "/v1/catalog/bundle",
            &[("Accept-Encoding", ae), ("If-None-Match", &tag)],
        )
        .await;
        assert_eq!(res.status(), 304);
    }
}

async fn agencies(tp: &TestPortal, query: &str) -> Vec<Value> {
    let res = get(tp, &format!("/v1/agencies{query}"), &[]).await;
    assert_eq!(res.status(), 200, "{query}");
    let body: Value = res.json().await.unwrap();
    assert_eq!(body.as_object().unwrap().len(), 1);
    body["agencies"].as_array().unwrap().clone()
}

fn codes(list: &[Value]) -> Vec<&str> {
    list.iter().map(|a| a["code"].as_str().unwrap()).collect()
}

#[tokio::test]
async fn agencies_by_procedure_and_province() {
    let tp = TestPortal::start().await;
    let all = agencies(&tp, "").await;
    let all_codes = codes(&all);
    let mut sorted = all_codes.clone();
    sorted.sort_unstable();
    assert_eq!(all_codes, sorted);
    assert!(all_codes.contains(&"H40") && all_codes.contains(&"H79") && all_codes.contains(&"BTP"));
    assert_eq!(all.iter().filter(|a| a["level"] == "province").count(), 34);
    for a in &all {
        let mut fields: Vec<&str> = a.as_object().unwrap().keys().map(|s| s.as_str()).collect();
        fields.sort_unstable();
        assert_eq!(fields, ["code", "commune", "level", "name", "province"]);
    }

    // The spec's example: birth registration (commune level) in Nghệ An,
    // with or without diacritics.
    for province in ["Nghệ%20An", "nghe%20an", "NGHE%20AN"] {
        let list = agencies(
            &tp,
            &format!("?procedure_code=1.001193&province={province}"),
        )
        .await;
        assert_eq!(
            codes(&list),
            ["H40.22", "H40.23", "H40.24", "H40.25", "H40.26", "H40.27"]
        );
        assert_eq!(
            list[0],
            serde_json::json!({
                "code": "H40.22",
                "name": "Ủy ban nhân dân phường Trường Vinh",
                "level": "commune",
                "province": "Nghệ An",
                "commune": "Phường Trường Vinh",
            })
        );
        assert_eq!(list[1]["name"], "Ủy ban nhân dân phường Thành Vinh");
    }
    let nghe_an = agencies(&tp, "?province=Ngh%E1%BB%87%20An").await;
    assert_eq!(codes(&nghe_an)[0], "H40");
    assert_eq!(nghe_an[0]["name"], "Ủy ban nhân dân tỉnh Nghệ An");
    assert_eq!(nghe_an[0]["commune"], Value::Null);
    assert!(nghe_an.iter().all(|a| a["province"] == "Nghệ An"));

    // Each level of a procedure brings its agencies; ministries only their own.
    for p in common::procedures() {
        let list = agencies(&tp, &format!("?procedure_code={}", p.code)).await;
        for a in &list {
            let level: Level = serde_json::from_value(a["level"].clone()).unwrap();
            assert!(p.levels.contains(&level), "{} {a}", p.code);
        }
        let ministries: Vec<&Value> = list.iter().filter(|a| a["level"] == "ministry").collect();
        assert_eq!(
            ministries.len(),
            usize::from(p.levels.contains(&Level::Ministry)),
            "{}",
            p.code
        );
        let provinces = list.iter().filter(|a| a["level"] == "province").count();
        assert_eq!(
            provinces,
            if p.levels.contains(&Level::Province) {
                34
            } else {
                0
            }
        );
    }
    assert!(agencies(&tp, "?procedure_code=9.999999").await.is_empty());

    // A name that is not one of the 34 (a former province too) matches none.
    assert!(agencies(&tp, "?province=Atlantis").await.is_empty());
    assert!(agencies(&tp, "?province=H%C3%A0%20Giang").await.is_empty());
    for query in ["?procedure_code=abc", "?province="] {
        let res = get(&tp, &format!("/v1/agencies{query}"), &[]).await;
        assert_eq!(res.status(), 400, "{query}");
        let body: Value = res.json().await.unwrap();
        assert_eq!(body["code"], "bad_request");
    }
}
