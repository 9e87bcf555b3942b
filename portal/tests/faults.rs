//! Fault injection over real HTTP, each kind under a fixed seed: injected
//! 429s, 500/503s (half after the request was committed: accounts answered
//! 5xx may exist), connection resets seen by the client as connection
//! errors, determinism under the seed, and `/v1/health` never touched.

mod common;

use common::TestPortal;
use hoso_portal::{Config, Faults};
use serde_json::{json, Value};

async fn portal(faults: Faults) -> TestPortal {
    TestPortal::with_config(Config {
        faults,
        ..common::config()
    })
    .await
}

fn within(n: usize, low: usize, high: usize, what: &str) {
    assert!(
        (low..=high).contains(&n),
        "{what}: {n} not in {low}..={high}"
    );
}

/// A spec error body with the API-version header; answers its code.
async fn error_code(res: reqwest::Response) -> String {
    assert_eq!(res.headers()["hoso-api-version"], "1");
    let status = res.status().as_u16();
    if matches!(status, 429 | 503) {
        let secs: u64 = res.headers()["retry-after"]
            .to_str()
            .unwrap()
            .parse()
            .unwrap();
        assert!(secs >= 1);
    }
    let body: Value = res.json().await.unwrap();
    assert!(body["message_vi"].as_str().is_some() && body["message_en"].as_str().is_some());
    body["code"].as_str().unwrap().to_string()
}

fn registration(phone: &str) -> Value {
    json!({"kind": "citizen", "phone": phone, "password": "khai-sinh-2026!", "full_name": "Trần Thị Bình"})
}

#[tokio::test]
async fn injected_429s() {
    let tp = portal(Faults {
        rate_429: 0.3,
        seed: 11,
        ..Faults::default()
    })
    .await;
    let mut limited = 0;
    for _ in 0..200 {
        let res = tp.http.get(tp.url("/v1/catalog")).send().await.unwrap();
        match res.status().as_u16() {
            200 => {}
            429 => {
                assert_eq!(error_code(res).await, "rate_limited");
                limited += 1;
            }
            other => panic!("unexpected {other}"),
        }
    }
    within(limited, 30, 90, "429s of 200 at 0.3");
}

#[tokio::test]
async fn injected_5xx_half_after_commit() {
    let tp = portal(Faults {
        rate_5xx: 0.5,
        seed: 5,
        ..Faults::default()
    })
    .await;
    let http = &tp.http;
    let phones: Vec<String> = (0..200).map(|i| format!("0912{i:06}")).collect();
    let (mut created, mut failed) = (0, Vec::new());
    let (mut internal, mut unavailable) = (0, 0);
    for phone in &phones {
        let res = http
            .post(tp.url("/v1/accounts"))
            .json(&registration(phone))
            .send()
            .await
            .unwrap();
        match res.status().as_u16() {
            201 => created += 1,
            500 => {
                assert_eq!(error_code(res).await, "internal");
                internal += 1;
                failed.push(phone);
            }
            503 => {
                assert_eq!(error_code(res).await, "unavailable");
                unavailable += 1;
                failed.push(phone);
            }
            other => panic!("unexpected {other}"),
        }
    }
    within(failed.len(), 60, 140, "5xx of 200 at 0.5");
    assert!(
        internal > 0 && unavailable > 0,
        "{internal} 500s, {unavailable} 503s"
    );
    assert_eq!(created + failed.len(), 200);

    // Retrying each failed registration tells whether it had committed.
    let mut committed = Vec::new();
    for phone in &failed {
        loop {
            let res = http
                .post(tp.url("/v1/accounts"))
                .json(&registration(phone))
                .send()
                .await
                .unwrap();
            match res.status().as_u16() {
                500 | 503 => continue,
                409 => {
                    assert_eq!(error_code(res).await, "account_exists");
                    committed.push(*phone);
                }
                201 => {}
                other => panic!("unexpected {other}"),
            }
            break;
        }
    }
    // About half the failures came after the handler had committed.
    within(
        committed.len(),
        failed.len() / 5,
        failed.len() * 4 / 5,
        "committed 5xx",
    );

    // And those accounts are real: their owner can log in.
    for phone in committed.iter().take(5) {
        let status = loop {
            let res = http
                .post(tp.url("/v1/auth/login"))
                .json(&json!({"phone": phone, "password": "khai-sinh-2026!"}))
                .send()
                .await
                .unwrap();
            if !res.status().is_server_error() {
                break res.status();
            }
        };
        assert_eq!(status, 200);
    }
}

#[tokio::test]
async fn resets_are_connection_errors() {
    let tp = portal(Faults {
        reset_rate: 0.5,
        seed: 3,
        ..Faults::default()
    })
    .await;
    let (mut ok, mut before_answer, mut mid_body) = (0, 0, 0);
    for _ in 0..200 {
        match tp.http.get(tp.url("/v1/catalog")).send().await {
            Err(e) => {
                assert!(!e.is_status() && !e.is_decode(), "{e:?}");
                before_answer += 1;
            }
            Ok(res) => {
                assert_eq!(res.status(), 200);
                match res.bytes().await {
                    Ok(body) => {
                        let info: Value = serde_json::from_slice(&body).unwrap();
                        assert_eq!(info["format"], "hoso-catalog-bundle");
                        ok += 1;
                    }
                    Err(e) => {
                        // hyper: the body ended before its length.
                        assert!(e.is_body() || e.is_decode(), "{e:?}");
                        mid_body += 1;
                    }
                }
            }
        }
    }
    within(before_answer + mid_body, 60, 140, "resets of 200 at 0.5");
    assert!(
        before_answer > 10 && mid_body > 10,
        "{before_answer} / {mid_body}"
    );
    assert_eq!(ok + before_answer + mid_body, 200);

    // A request with a body is cut off too, before or after its answer;
    // the portal keeps serving.
    let mut errors = 0;
    for i in 0..40 {
        let res = tp
            .http
            .post(tp.url("/v1/accounts"))
            .json(&registration(&format!("0913{i:06}")))
            .send()
            .await;
        match res {
            Err(_) => errors += 1,
            Ok(res) => errors += usize::from(res.bytes().await.is_err()),
        }
    }
    within(errors, 5, 35, "resets of 40 POSTs at 0.5");
}

#[tokio::test]
async fn the_seed_decides_and_health_is_never_touched() {
    let faults = Faults {
        rate_5xx: 0.3,
        rate_429: 0.2,
        latency_ms: 1,
        jitter_ms: 3,
        seed: 42,
        ..Faults::default()
    };
    let mut runs = Vec::new();
    for _ in 0..2 {
        let tp = portal(faults.clone()).await;
        let mut statuses = Vec::new();
        for _ in 0..60 {
            let res = tp.http.get(tp.url("/v1/catalog")).send().await.unwrap();
            statuses.push(res.status().as_u16());
        }
        runs.push(statuses);
    }
    assert_eq!(runs[0], runs[1]);
    assert!(runs[0].contains(&200) && runs[0].contains(&429));
    assert!(runs[0].iter().any(|s| *s >= 500));

    // Every API request faulted; health and admin never.
    let tp = portal(Faults {
        rate_5xx: 0.4,
        rate_429: 0.3,
        reset_rate: 0.3,
        seed: 9,
        ..Faults::default()
    })
    .await;
    for _ in 0..100 {
        let res = tp.http.get(tp.url("/v1/health")).send().await.unwrap();
        assert_eq!(res.status(), 200);
        assert_eq!(res.json::<Value>().await.unwrap()["status"], "ok");
        let res = tp
            .http
            .get(tp.url("/v1/admin/clock"))
            .bearer_auth(common::ADMIN)
            .send()
            .await
            .unwrap();
        assert!(res.status().as_u16() < 500 && res.status() != 429);
    }
    for _ in 0..30 {
        // A 200 here is a head whose body is then cut off.
        if let Ok(res) = tp.http.get(tp.url("/v1/catalog")).send().await {
            if res.status() == 200 {
                assert!(res.bytes().await.is_err());
            }
        }
    }
}
