//! hoso-core's portal client against a real hoso-portal on loopback: login,
//! the API's typed errors, an access token refreshed transparently when it
//! expires, a spent session ending in `NotLoggedIn`, and a captive-portal
//! page (a 200 without the API's header) reported as a network failure.

use hoso_core::sync::client::{PortalClient, PortalError};
use hoso_portal::{Config, Options, Portal};
use serde_json::json;
use std::sync::Arc;

const SOURCE: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../shared/data/tthc-national-2642.jsonl.gz"
);

async fn portal() -> (tempfile::TempDir, Arc<Portal>, String) {
    let dir = tempfile::tempdir().unwrap();
    let records = hoso_core::catalog::source::read_records(std::path::Path::new(SOURCE)).unwrap();
    let procedures = records
        .iter()
        .take(20)
        .map(hoso_core::catalog::parse::parse_record)
        .collect();
    let bundle = hoso_core::catalog::bundle::Bundle::new(1, procedures);
    let path = dir.path().join("catalog.bundle");
    bundle.write_to(&path).unwrap();
    let portal = Arc::new(
        Portal::open(Options {
            data_dir: dir.path().join("portal"),
            catalog: path,
            config: Config {
                admin_token: "admin".into(),
                password_iterations: 1_000,
                simulation: false,
                ..Config::default()
            },
        })
        .unwrap(),
    );
    let (addr, _task) = hoso_portal::start(portal.clone(), "127.0.0.1:0".parse().unwrap())
        .await
        .unwrap();
    (dir, portal, format!("http://{addr}"))
}

#[tokio::test]
async fn login_errors_and_transparent_refresh() {
    let (_dir, portal, base) = portal().await;
    let client = PortalClient::new(&base).unwrap();
    let register = json!({"kind": "citizen", "phone": "0912345678", "password": "khai-sinh-2026!", "full_name": "Nguyễn Văn An"});
    client
        .send(
            client
                .request(reqwest_method("POST"), "/v1/accounts")
                .json(&register),
        )
        .await
        .unwrap();

    let wrong = client
        .login("0912345678", "wrong-password")
        .await
        .unwrap_err();
    assert_eq!(wrong.code(), Some("invalid_credentials"));
    assert!(!wrong.is_transient());
    assert!(wrong.to_string().contains("Wrong phone number or password"));

    let account = client
        .login("0912 345 678", "khai-sinh-2026!")
        .await
        .unwrap();
    assert_eq!(account["phone"], "0912345678");
    let first = client.tokens().unwrap();

    // Expire the access token on the portal clock: the next call refreshes.
    portal.clock.advance(20 * 60).unwrap();
    let me = client
        .authed(|c| c.request(reqwest_method("GET"), "/v1/accounts/me"))
        .await
        .unwrap();
    assert_eq!(
        me.json::<serde_json::Value>().unwrap()["full_name"],
        "Nguyễn Văn An"
    );
    let second = client.tokens().unwrap();
    assert_ne!(second.refresh_token, first.refresh_token);

    // Validation problems arrive typed, with their issues.
    let bad = client
        .authed(|c| {
            c.request(reqwest_method("POST"), "/v1/dossiers")
                .header("Idempotency-Key", "client-test-0001")
                .json(&json!({"procedure_code": "9.999999", "catalog_version": 1, "agency_code": "H40.22", "channel": "online", "form_values": {}, "documents": {}}))
        })
        .await
        .unwrap_err();
    match &bad {
        PortalError::Api(f) => {
            assert_eq!((f.status, f.code.as_str()), (422, "validation_failed"));
            assert!(f.issues.iter().any(|i| i.code == "procedure_unknown"));
        }
        other => panic!("{other:?}"),
    }

    // A session revoked elsewhere: refresh fails, the client forgets it.
    client.set_tokens(Some(first));
    portal.clock.advance(20 * 60).unwrap();
    let gone = client
        .authed(|c| c.request(reqwest_method("GET"), "/v1/accounts/me"))
        .await
        .unwrap_err();
    assert_eq!(gone.code(), Some("refresh_token_invalid"));
    assert!(client.tokens().is_none());
    let not_logged_in = client
        .authed(|c| c.request(reqwest_method("GET"), "/v1/accounts/me"))
        .await
        .unwrap_err();
    assert!(matches!(not_logged_in, PortalError::NotLoggedIn));
}

#[tokio::test]
async fn a_captive_portal_page_is_a_network_failure() {
    // A Wi-Fi login page: answers everything 200 with HTML.
    let app = axum::Router::new().fallback(|| async {
        axum::response::Html("<html><body>Đăng nhập Wi-Fi miễn phí</body></html>")
    });
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move { axum::serve(listener, app).await });
    let client = PortalClient::new(&format!("http://{addr}")).unwrap();
    let err = client
        .login("0912345678", "khai-sinh-2026!")
        .await
        .unwrap_err();
    assert!(
        matches!(err, PortalError::NotApi { status: 200 }),
        "{err:?}"
    );
    assert!(err.is_transient());

    // Nothing listening: a network failure, retryable.
    let closed = PortalClient::new("http://127.0.0.1:9").unwrap();
    let err = closed.login("0912345678", "x").await.unwrap_err();
    assert!(matches!(err, PortalError::Network(_)), "{err:?}");
    assert!(err.is_transient());
    assert!(matches!(
        PortalClient::new("http://192.0.2.1"),
        Err(PortalError::Insecure)
    ));
}

fn reqwest_method(m: &str) -> hoso_core::sync::client::Method {
    m.parse().unwrap()
}
