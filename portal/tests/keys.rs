//! The receipt-signing keys over real HTTP on loopback: `GET /v1/keys` with
//! its ETag (304 when unchanged), rotation and revocation by the admin,
//! `key_set_version` in the catalog info, and the admin token rules.

mod common;

use common::{TestPortal, ADMIN};
use serde_json::Value;

async fn key_set(tp: &TestPortal) -> (String, Value) {
    let res = tp.http.get(tp.url("/v1/keys")).send().await.unwrap();
    assert_eq!(res.status(), 200);
    assert_eq!(res.headers()["cache-control"], "no-cache");
    let etag = res.headers()["etag"].to_str().unwrap().to_string();
    (etag, res.json().await.unwrap())
}

fn assert_public_key(k: &Value) {
    let mut fields: Vec<&str> = k.as_object().unwrap().keys().map(|s| s.as_str()).collect();
    fields.sort_unstable();
    assert_eq!(
        fields,
        [
            "alg",
            "crv",
            "kid",
            "kty",
            "not_after",
            "not_before",
            "revoked",
            "revoked_at",
            "use",
            "x"
        ]
    );
    assert_eq!(
        (k["kty"].as_str(), k["crv"].as_str()),
        (Some("OKP"), Some("Ed25519"))
    );
    assert_eq!(
        (k["alg"].as_str(), k["use"].as_str()),
        (Some("EdDSA"), Some("sig"))
    );
    let kid = k["kid"].as_str().unwrap();
    assert!(
        kid.len() <= 32
            && kid
                .bytes()
                .all(|b| b.is_ascii_alphanumeric() || b"._-".contains(&b))
    );
    assert_eq!(k["x"].as_str().unwrap().len(), 43);
    assert!(k["not_before"].as_str().unwrap().ends_with('Z'));
}

async fn key_set_version_in_catalog(tp: &TestPortal) -> u64 {
    let info: Value = tp
        .http
        .get(tp.url("/v1/catalog"))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    info["key_set_version"].as_u64().unwrap()
}

#[tokio::test]
async fn key_set_etag_rotation_and_revocation() {
    let tp = TestPortal::start().await;
    let (etag, set) = key_set(&tp).await;
    assert_eq!(etag, "\"keys-1\"");
    assert_eq!(set["key_set_version"], 1);
    let keys = set["keys"].as_array().unwrap();
    assert_eq!(keys.len(), 1);
    assert_public_key(&keys[0]);
    assert_eq!(keys[0]["revoked"], false);
    assert_eq!(keys[0]["revoked_at"], Value::Null);
    assert_eq!(key_set_version_in_catalog(&tp).await, 1);
    let first_kid = keys[0]["kid"].as_str().unwrap().to_string();

    for tag in ["\"keys-1\"", "W/\"keys-1\"", "\"other\", \"keys-1\"", "*"] {
        let res = tp
            .http
            .get(tp.url("/v1/keys"))
            .header("If-None-Match", tag)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 304, "{tag}");
        assert_eq!(res.headers()["etag"], "\"keys-1\"");
        assert!(res.bytes().await.unwrap().is_empty());
    }

    // Rotation: 201 with the new key; the old one's period ends where the
    // new one's begins, and both stay listed.
    let res = tp
        .http
        .post(tp.url("/v1/admin/keys"))
        .bearer_auth(ADMIN)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 201);
    let new: Value = res.json().await.unwrap();
    assert_public_key(&new);
    assert_ne!(new["kid"], first_kid.as_str());
    let (etag, set) = key_set(&tp).await;
    assert_eq!(etag, "\"keys-2\"");
    let keys = set["keys"].as_array().unwrap();
    assert_eq!(keys.len(), 2);
    assert_eq!(keys[0]["kid"], first_kid.as_str());
    assert_eq!(keys[1], new);
    assert_eq!(keys[0]["not_after"], keys[1]["not_before"]);
    assert_eq!(key_set_version_in_catalog(&tp).await, 2);
    let stale = tp
        .http
        .get(tp.url("/v1/keys"))
        .header("If-None-Match", "\"keys-1\"")
        .send()
        .await
        .unwrap();
    assert_eq!(stale.status(), 200);

    // Revoking a retired key; again answers it unchanged.
    let revoke = |kid: String| {
        let tp = &tp;
        async move {
            tp.http
                .post(tp.url(&format!("/v1/admin/keys/{kid}/revoke")))
                .bearer_auth(ADMIN)
                .send()
                .await
                .unwrap()
        }
    };
    let res = revoke(first_kid.clone()).await;
    assert_eq!(res.status(), 200);
    let revoked: Value = res.json().await.unwrap();
    assert_public_key(&revoked);
    assert_eq!(revoked["revoked"], true);
    assert!(revoked["revoked_at"].as_str().unwrap().ends_with('Z'));
    assert_eq!(key_set_version_in_catalog(&tp).await, 3);
    let again: Value = revoke(first_kid.clone()).await.json().await.unwrap();
    assert_eq!(again, revoked);
    assert_eq!(key_set_version_in_catalog(&tp).await, 3);

    // Revoking the current key starts a new one.
    let current = new["kid"].as_str().unwrap().to_string();
    let res = revoke(current.clone()).await;
    assert_eq!(res.status(), 200);
    let (etag, set) = key_set(&tp).await;
    assert_eq!(etag, "\"keys-4\"");
    let keys = set["keys"].as_array().unwrap();
    assert_eq!(keys.len(), 3);
    assert_eq!(keys[1]["kid"], current.as_str());
    assert_eq!(keys[1]["revoked"], true);
    assert_eq!(keys[2]["revoked"], false);
    assert_eq!(keys[1]["not_after"], keys[2]["not_before"]);

    // Unknown and malformed kids.
    for kid in ["portal-1999-01", "no%20such%20key", &"k".repeat(33)] {
        let res = revoke(kid.to_string()).await;
        assert_eq!(res.status(), 404, "{kid}");
        let body: Value = res.json().await.unwrap();
        assert_eq!(body["code"], "not_found");
    }
    assert_eq!(key_set_version_in_catalog(&tp).await, 4);
}

#[tokio::test]
async fn admin_key_endpoints_need_the_admin_token() {
    let tp = TestPortal::start().await;
    let citizen = tp.citizen().await;
    let (_, set) = key_set(&tp).await;
    let kid = set["keys"][0]["kid"].as_str().unwrap().to_string();
    let paths = [
        "/v1/admin/keys".to_string(),
        format!("/v1/admin/keys/{kid}/revoke"),
    ];
    for path in &paths {
        for token in [None, Some("wrong-token"), Some(citizen.as_str())] {
            let mut req = tp.http.post(tp.url(path));
            if let Some(t) = token {
                req = req.bearer_auth(t);
            }
            let res = req.send().await.unwrap();
            assert_eq!(res.status(), 401, "{path} {token:?}");
            assert_eq!(res.headers()["www-authenticate"], "Bearer");
            let body: Value = res.json().await.unwrap();
            assert_eq!(body["code"], "unauthorized");
        }
    }
    // Nothing changed.
    let (etag, _) = key_set(&tp).await;
    assert_eq!(etag, "\"keys-1\"");
}
