//! Accounts over real HTTP: registration (validation, duplicates),
//! login, `me`, rotating refresh tokens with theft detection, logout, token
//! expiry on the portal clock, and the JSON body rules (415, 400 with a
//! located issue).

mod common;

use common::TestPortal;
use serde_json::{json, Value};

#[tokio::test]
async fn register_login_me_refresh_logout() {
    let tp = TestPortal::start().await;
    let http = &tp.http;
    let (access, pair) = tp.account("volunteer", "+84 389 123 456").await;
    assert_eq!(pair["token_type"], "Bearer");
    assert_eq!(pair["expires_in"], 900);
    assert_eq!(pair["account"]["phone"], "0389123456");
    assert_eq!(pair["account"]["kind"], "volunteer");

    // The same phone, written differently, is the same account.
    let dup = http
        .post(tp.url("/v1/accounts"))
        .json(&json!({"kind": "citizen", "phone": "0389.123.456", "password": "12345678", "full_name": "Lê Thị Hoa"}))
        .send()
        .await
        .unwrap();
    assert_eq!(dup.status(), 409);
    assert_eq!(dup.json::<Value>().await.unwrap()["code"], "account_exists");

    let me: Value = http
        .get(tp.url("/v1/accounts/me"))
        .bearer_auth(&access)
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    assert_eq!(me["volunteer"]["province"], "Nghệ An");
    assert!(me.get("password").is_none());

    // Wrong password and unknown phone answer the same.
    for (phone, password) in [
        ("0389123456", "wrong-password"),
        ("0912000111", "khai-sinh-2026!"),
    ] {
        let res = http
            .post(tp.url("/v1/auth/login"))
            .json(&json!({"phone": phone, "password": password}))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 401);
        assert_eq!(
            res.json::<Value>().await.unwrap()["code"],
            "invalid_credentials"
        );
    }

    // Refresh rotates; the spent token presented again ends the session.
    let refresh = pair["refresh_token"].as_str().unwrap();
    let next: Value = http
        .post(tp.url("/v1/auth/refresh"))
        .json(&json!({"refresh_token": refresh}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let access2 = next["access_token"].as_str().unwrap().to_string();
    assert_ne!(access2, access);
    let ok = http
        .get(tp.url("/v1/accounts/me"))
        .bearer_auth(&access2)
        .send()
        .await
        .unwrap();
    assert_eq!(ok.status(), 200);
    let replay = http
        .post(tp.url("/v1/auth/refresh"))
        .json(&json!({"refresh_token": refresh}))
        .send()
        .await
        .unwrap();
    assert_eq!(replay.status(), 401);
    assert_eq!(
        replay.json::<Value>().await.unwrap()["code"],
        "refresh_token_invalid"
    );
    let revoked = http
        .get(tp.url("/v1/accounts/me"))
        .bearer_auth(&access2)
        .send()
        .await
        .unwrap();
    assert_eq!(revoked.status(), 401);
    assert!(revoked.headers().contains_key("www-authenticate"));
    let newer = next["refresh_token"].as_str().unwrap();
    let res = http
        .post(tp.url("/v1/auth/refresh"))
        .json(&json!({"refresh_token": newer}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 401, "the whole session is revoked");

    // Logout revokes the access token.
    let (access3, _) = {
        let pair: Value = http
            .post(tp.url("/v1/auth/login"))
            .json(&json!({"phone": "0389123456", "password": "khai-sinh-2026!"}))
            .send()
            .await
            .unwrap()
            .json()
            .await
            .unwrap();
        (pair["access_token"].as_str().unwrap().to_string(), pair)
    };
    let out = http
        .post(tp.url("/v1/auth/logout"))
        .bearer_auth(&access3)
        .send()
        .await
        .unwrap();
    assert_eq!(out.status(), 204);
    let after = http
        .get(tp.url("/v1/accounts/me"))
        .bearer_auth(&access3)
        .send()
        .await
        .unwrap();
    assert_eq!(after.status(), 401);
    assert_eq!(after.json::<Value>().await.unwrap()["code"], "unauthorized");
}

#[tokio::test]
async fn access_tokens_expire_on_the_portal_clock() {
    let tp = TestPortal::start().await;
    let (access, pair) = tp.account("citizen", "0912345678").await;
    tp.portal.clock.advance(16 * 60).unwrap();
    let res = tp
        .http
        .get(tp.url("/v1/accounts/me"))
        .bearer_auth(&access)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 401);
    assert_eq!(res.json::<Value>().await.unwrap()["code"], "token_expired");
    let fresh: Value = tp
        .http
        .post(tp.url("/v1/auth/refresh"))
        .json(&json!({"refresh_token": pair["refresh_token"]}))
        .send()
        .await
        .unwrap()
        .json()
        .await
        .unwrap();
    let res = tp
        .http
        .get(tp.url("/v1/accounts/me"))
        .bearer_auth(fresh["access_token"].as_str().unwrap())
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
}

#[tokio::test]
async fn bad_bodies_get_typed_errors() {
    let tp = TestPortal::start().await;
    let http = &tp.http;
    let res = http
        .post(tp.url("/v1/accounts"))
        .header("content-type", "text/plain")
        .body("kind=citizen")
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 415);
    assert_eq!(
        res.json::<Value>().await.unwrap()["code"],
        "unsupported_media_type"
    );

    let res = http
        .post(tp.url("/v1/accounts"))
        .json(&json!({"kind": "citizen", "phone": "0912345678", "password": "12345678", "full_name": "An", "nickname": "x"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 400);
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["issues"][0]["field"], "/nickname");
    assert_eq!(body["issues"][0]["code"], "unknown_field");

    let res = http
        .post(tp.url("/v1/accounts"))
        .json(&json!({"kind": "citizen", "phone": "0168 123 4567", "password": "short", "full_name": "An"}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 422);
    let body: Value = res.json().await.unwrap();
    let codes: Vec<&str> = body["issues"]
        .as_array()
        .unwrap()
        .iter()
        .map(|i| i["code"].as_str().unwrap())
        .collect();
    assert!(codes.contains(&"phone_old_prefix"), "{codes:?}");
    assert!(codes.contains(&"password_too_short"), "{codes:?}");
    assert!(
        !body.to_string().contains("1234567"),
        "no phone number echoed"
    );

    let big = "x".repeat(2 << 20);
    let res = http
        .post(tp.url("/v1/auth/login"))
        .json(&json!({"phone": "0912345678", "password": big}))
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 413);
    assert_eq!(res.json::<Value>().await.unwrap()["code"], "body_too_large");
}
