//! The rate limit and JSON 405s over real HTTP: a bucket per access token
//! and per client IP (an invented token buys no fresh bucket), `429
//! rate_limited` with an integer `Retry-After`, `/v1/admin/…` in buckets of its own, and
//! `405 method_not_allowed` with `Allow` for a method a path does not list.

mod common;

use common::TestPortal;
use serde_json::{json, Value};

/// Asserts a spec error body and the API-version header.
async fn assert_error(
    res: reqwest::Response,
    status: u16,
    code: &str,
) -> reqwest::header::HeaderMap {
    assert_eq!(res.status(), status);
    let headers = res.headers().clone();
    assert_eq!(headers["hoso-api-version"], "1");
    let body: Value = res.json().await.unwrap();
    assert_eq!(body["code"], code, "{body}");
    assert!(body["message_vi"].as_str().is_some_and(|m| !m.is_empty()));
    assert!(body["message_en"].as_str().is_some_and(|m| !m.is_empty()));
    headers
}

fn retry_after(headers: &reqwest::header::HeaderMap) -> u64 {
    headers["retry-after"].to_str().unwrap().parse().unwrap()
}

#[tokio::test]
async fn buckets_per_token_per_ip_and_for_admin() {
    // Bucket of 10, one token per 1,000 s: nothing refills during the test.
    let tp = TestPortal::with_config(hoso_portal::Config {
        rate_limit: 0.001,
        rate_burst: 10,
        ..common::config()
    })
    .await;
    let http = &tp.http;
    // Two registrations and two logins: 4 from this IP's bucket.
    let (a, _) = tp.account("citizen", "0912345678").await;
    let (b, _) = tp.account("citizen", "0912345679").await;

    let me = |token: &str| {
        http.get(tp.url("/v1/accounts/me"))
            .bearer_auth(token)
            .send()
    };
    for _ in 0..10 {
        assert_eq!(me(&a).await.unwrap().status(), 200);
    }
    let headers = assert_error(me(&a).await.unwrap(), 429, "rate_limited").await;
    let wait = retry_after(&headers);
    assert!((1..=1000).contains(&wait), "Retry-After {wait}");
    // Another token has its own bucket.
    assert_eq!(me(&b).await.unwrap().status(), 200);

    // The IP's bucket has 6 left.
    for _ in 0..6 {
        assert_eq!(
            http.get(tp.url("/v1/catalog"))
                .send()
                .await
                .unwrap()
                .status(),
            200
        );
    }
    let res = http.get(tp.url("/v1/catalog")).send().await.unwrap();
    let headers = assert_error(res, 429, "rate_limited").await;
    assert!(retry_after(&headers) >= 1);
    // An invented token counts against the IP, not a fresh bucket.
    let res = http
        .get(tp.url("/v1/catalog"))
        .bearer_auth("made-up-token")
        .send()
        .await
        .unwrap();
    assert_error(res, 429, "rate_limited").await;
    // So does any path, known or not.
    let res = http.get(tp.url("/v1/nowhere")).send().await.unwrap();
    assert_error(res, 429, "rate_limited").await;
    // Tokens still work: their buckets are their own.
    assert_eq!(me(&b).await.unwrap().status(), 200);

    // /v1/admin/… has a bucket of its own per client network: the IP's
    // spent bucket does not touch it, and it runs out on its own.
    let admin = || {
        http.get(tp.url("/v1/admin/clock"))
            .bearer_auth(common::ADMIN)
            .send()
    };
    for _ in 0..10 {
        assert_eq!(admin().await.unwrap().status(), 200);
    }
    let headers = assert_error(admin().await.unwrap(), 429, "rate_limited").await;
    assert!(retry_after(&headers) >= 1);
}

#[tokio::test]
async fn a_logged_out_token_falls_back_to_the_ip_bucket() {
    let tp = TestPortal::with_config(hoso_portal::Config {
        rate_limit: 0.001,
        rate_burst: 5,
        ..common::config()
    })
    .await;
    let http = &tp.http;
    let (a, _) = tp.account("citizen", "0912345678").await; // 2 from the IP
    let res = http
        .post(tp.url("/v1/auth/logout"))
        .bearer_auth(&a)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 204);
    // The revoked token is no longer a bucket of its own.
    for _ in 0..3 {
        let res = http
            .get(tp.url("/v1/accounts/me"))
            .bearer_auth(&a)
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 401);
    }
    let res = http
        .get(tp.url("/v1/accounts/me"))
        .bearer_auth(&a)
        .send()
        .await
        .unwrap();
    assert_error(res, 429, "rate_limited").await;
}

#[tokio::test]
async fn unlisted_methods_are_json_405_with_allow() {
    let tp = TestPortal::start().await;
    let http = &tp.http;
    let cases: [(reqwest::Method, &str, &[&str]); 5] = [
        (reqwest::Method::POST, "/v1/health", &["GET", "HEAD"]),
        (reqwest::Method::DELETE, "/v1/accounts", &["POST"]),
        (reqwest::Method::GET, "/v1/auth/login", &["POST"]),
        (reqwest::Method::PUT, "/v1/catalog/bundle", &["GET", "HEAD"]),
        (reqwest::Method::PATCH, "/v1/accounts/me", &["GET", "HEAD"]),
    ];
    for (method, path, allowed) in cases {
        let res = http
            .request(method.clone(), tp.url(path))
            .json(&json!({}))
            .send()
            .await
            .unwrap();
        let headers = assert_error(res, 405, "method_not_allowed").await;
        let mut allow: Vec<&str> = headers["allow"]
            .to_str()
            .unwrap()
            .split(',')
            .map(str::trim)
            .collect();
        allow.sort();
        assert_eq!(allow, allowed, "{method} {path}");
    }
    // HEAD of a POST-only path: status and headers only.
    let res = http.head(tp.url("/v1/accounts")).send().await.unwrap();
    assert_eq!(res.status(), 405);
    assert_eq!(res.headers()["allow"], "POST");
    // An unknown path is still 404.
    let res = http.post(tp.url("/v1/nowhere")).send().await.unwrap();
    assert_error(res, 404, "not_found").await;
}
