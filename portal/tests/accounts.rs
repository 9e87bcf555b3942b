//! Accounts over real HTTP: registration (validation, duplicates),
//! login, `me`, rotating refresh tokens with theft detection, logout, token
//! expiry on the portal clock, and the JSON body rules (415, 400 with a
//! located issue, 413).

mod common;

use common::{answer, TestPortal};
use serde_json::{json, Value};

#[tokio::test]
async fn register_login_me_refresh_logout() {
    let tp = TestPortal::start().await;
    let (access, pair) = tp.account("volunteer", "+84 389 123 456").await;
    assert_eq!(pair["token_type"], "Bearer");
    assert_eq!(pair["expires_in"], 900);
    assert_eq!(pair["account"]["phone"], "0389123456");
    assert_eq!(pair["account"]["kind"], "volunteer");

    // The same phone, written differently, is the same account.
    let dup = json!({"kind": "citizen", "phone": "0389.123.456", "password": "12345678", "full_name": "Lê Thị Hoa"});
    let (status, body) = answer(tp.post("/v1/accounts", None, &dup).await).await;
    assert_eq!(
        (status, body["code"].as_str()),
        (409, Some("account_exists"))
    );

    let (_, me) = answer(tp.get("/v1/accounts/me", Some(&access)).await).await;
    assert_eq!(me["volunteer"]["province"], "Nghệ An");
    assert!(me.get("password").is_none());

    // Wrong password and unknown phone answer the same.
    for (phone, password) in [
        ("0389123456", "wrong-password"),
        ("0912000111", "khai-sinh-2026!"),
    ] {
        let login = json!({"phone": phone, "password": password});
        let (status, body) = answer(tp.post("/v1/auth/login", None, &login).await).await;
        assert_eq!(
            (status, body["code"].as_str()),
            (401, Some("invalid_credentials"))
        );
    }

    // Refresh rotates; the spent token presented again ends the session.
    let refresh = json!({"refresh_token": pair["refresh_token"]});
    let (_, next) = answer(tp.post("/v1/auth/refresh", None, &refresh).await).await;
    let access2 = next["access_token"].as_str().unwrap().to_string();
    assert_ne!(access2, access);
    assert_eq!(
        tp.get("/v1/accounts/me", Some(&access2)).await.status(),
        200
    );
    let (status, body) = answer(tp.post("/v1/auth/refresh", None, &refresh).await).await;
    assert_eq!(
        (status, body["code"].as_str()),
        (401, Some("refresh_token_invalid"))
    );
    let revoked = tp.get("/v1/accounts/me", Some(&access2)).await;
    assert_eq!(revoked.status(), 401);
    assert!(revoked.headers().contains_key("www-authenticate"));
    let newer = json!({"refresh_token": next["refresh_token"]});
    let res = tp.post("/v1/auth/refresh", None, &newer).await;
    assert_eq!(res.status(), 401, "the whole session is revoked");

    // Logout revokes the access token.
    let access3 = tp.login("0389123456").await["access_token"]
        .as_str()
        .unwrap()
        .to_string();
    let out = tp
        .post("/v1/auth/logout", Some(&access3), &Value::Null)
        .await;
    assert_eq!(out.status(), 204);
    let (status, body) = answer(tp.get("/v1/accounts/me", Some(&access3)).await).await;
    assert_eq!((status, body["code"].as_str()), (401, Some("unauthorized")));
}

#[tokio::test]
async fn access_tokens_expire_on_the_portal_clock() {
    let tp = TestPortal::start().await;
    let (access, pair) = tp.account("citizen", "0912345678").await;
    tp.portal.clock.advance(16 * 60).unwrap();
    let (status, body) = answer(tp.get("/v1/accounts/me", Some(&access)).await).await;
    assert_eq!(
        (status, body["code"].as_str()),
        (401, Some("token_expired"))
    );
    let refresh = json!({"refresh_token": pair["refresh_token"]});
    let (_, fresh) = answer(tp.post("/v1/auth/refresh", None, &refresh).await).await;
    let res = tp
        .get("/v1/accounts/me", fresh["access_token"].as_str())
        .await;
    assert_eq!(res.status(), 200);
}

#[tokio::test]
async fn bad_bodies_get_typed_errors() {
    let tp = TestPortal::start().await;
    let res = tp
        .http
        .post(tp.url("/v1/accounts"))
        .header("content-type", "text/plain")
        .body("kind=citizen")
        .send()
        .await
        .unwrap();
    let (status, body) = answer(res).await;
    assert_eq!(
        (status, body["code"].as_str()),
        (415, Some("unsupported_media_type"))
    );

    let extra = json!({"kind": "citizen", "phone": "0912345678", "password": "12345678", "full_name": "An", "nickname": "x"});
    let (status, body) = answer(tp.post("/v1/accounts", None, &extra).await).await;
    assert_eq!(status, 400);
    assert_eq!(body["issues"][0]["field"], "/nickname");
    assert_eq!(body["issues"][0]["code"], "unknown_field");

    let invalid = json!({"kind": "citizen", "phone": "0168 123 4567", "password": "short", "full_name": "An"});
    let (status, body) = answer(tp.post("/v1/accounts", None, &invalid).await).await;
    assert_eq!(status, 422);
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

    let big = json!({"phone": "0912345678", "password": "x".repeat(2 << 20)});
    let (status, body) = answer(tp.post("/v1/auth/login", None, &big).await).await;
    assert_eq!(
        (status, body["code"].as_str()),
        (413, Some("body_too_large"))
    );
}

/// What the spec's `Registration` schema refuses, the server refuses too:
/// an explicit `null` for an optional field (`400`, as for any wrong type),
/// and volunteer details that are blank or over the schema's caps (`422`).
#[tokio::test]
async fn registration_refuses_what_the_schema_refuses() {
    let tp = TestPortal::start().await;
    let citizen = json!({"kind": "citizen", "phone": "0912345678", "password": "12345678", "full_name": "Lê Thị Hoa"});
    for (field, pointer) in [("email", "/email"), ("volunteer", "/volunteer")] {
        let mut body = citizen.clone();
        body[field] = Value::Null;
        let (status, body) = answer(tp.post("/v1/accounts", None, &body).await).await;
        assert_eq!((status, body["code"].as_str()), (400, Some("bad_request")));
        assert_eq!(body["issues"][0]["field"], pointer);
        assert_eq!(body["issues"][0]["code"], "type");
    }

    let volunteer = |team: &str, province: &str, commune: &str| {
        json!({"kind": "volunteer", "phone": "0389123456", "password": "12345678",
               "full_name": "Hồ Thị Lan",
               "volunteer": {"team": team, "province": province, "commune": commune}})
    };
    let fields = |body: &Value| -> Vec<String> {
        body["issues"]
            .as_array()
            .unwrap()
            .iter()
            .map(|i| i["field"].as_str().unwrap().to_string())
            .collect()
    };
    let long = "x".repeat(101);
    let (status, body) = answer(
        tp.post("/v1/accounts", None, &volunteer(" \t", &long, &long))
            .await,
    )
    .await;
    assert_eq!(status, 422);
    assert_eq!(
        fields(&body),
        ["volunteer.team", "volunteer.province", "volunteer.commune"]
    );
    // The team may be up to 200 characters; province and commune up to 100.
    let team = "T".repeat(200);
    let at_cap = "x".repeat(100);
    let res = tp
        .post("/v1/accounts", None, &volunteer(&team, &at_cap, &at_cap))
        .await;
    assert_eq!(res.status(), 201);
}
