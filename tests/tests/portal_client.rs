//! hoso-core's portal client against a real hoso-portal on loopback: login,
//! the API's typed errors, an access token refreshed transparently when it
//! expires, a spent session ending in `NotLoggedIn`, logout revoking the
//! session, the receiving agencies by procedure and province, and a
//! captive-portal page (a 200 without the API's header) reported as a
//! network failure.

mod common;

use hoso_core::client::{Method, PortalClient, PortalError};
use hoso_core::sync::agencies::agencies;
use hoso_core::wire::Level;
use serde_json::json;

#[tokio::test]
async fn login_errors_and_transparent_refresh() {
    let tp = common::portal(common::config()).await;
    let portal = &tp.portal;
    let client = PortalClient::new(&tp.base).unwrap();
    common::register(&client, "0912345678").await.unwrap();

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
    assert_eq!(account.phone, "0912345678");
    let first = client.tokens().unwrap();

    // Expire the access token on the portal clock: the next call refreshes.
    portal.clock.advance(20 * 60).unwrap();
    let me = client
        .authed(|c| c.request(Method::GET, "/v1/accounts/me"))
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
            c.request(Method::POST, "/v1/dossiers")
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
        .authed(|c| c.request(Method::GET, "/v1/accounts/me"))
        .await
        .unwrap_err();
    assert_eq!(gone.code(), Some("refresh_token_invalid"));
    assert!(client.tokens().is_none());
    let not_logged_in = client
        .authed(|c| c.request(Method::GET, "/v1/accounts/me"))
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

#[tokio::test]
async fn logout_revokes_the_session_on_the_portal() {
    let tp = common::portal(common::config()).await;
    let client = PortalClient::new(&tp.base).unwrap();
    common::citizen(&client, "0912345670").await;
    let tokens = client.tokens().unwrap();
    client
        .authed(|c| c.request(Method::GET, "/v1/accounts/me"))
        .await
        .unwrap();
    client.logout().await.unwrap();

    // The same tokens, in another client, no longer open the account.
    let other = PortalClient::new(&tp.base).unwrap();
    other.set_tokens(Some(tokens));
    let after = other
        .authed(|c| c.request(Method::GET, "/v1/accounts/me"))
        .await
        .unwrap_err();
    assert_eq!(after.code(), Some("unauthorized"), "{after:?}");
    let refresh = other.refresh().await.unwrap_err();
    assert_eq!(refresh.code(), Some("refresh_token_invalid"), "{refresh:?}");
}

#[tokio::test]
async fn receiving_agencies_by_procedure_and_province() {
    let tp = common::portal(common::config()).await;
    // A public call: no account.
    let client = PortalClient::new(&tp.base).unwrap();

    let wards = agencies(&client, Some("1.001193"), Some("Nghe An"))
        .await
        .unwrap();
    let ward = wards
        .iter()
        .find(|a| a.code == "H40.22")
        .unwrap_or_else(|| panic!("{wards:?}"));
    assert_eq!(ward.level, Level::Commune);
    assert_eq!(ward.name, "Ủy ban nhân dân phường Trường Vinh");
    assert_eq!(ward.commune.as_deref(), Some("Phường Trường Vinh"));
    assert!(
        wards
            .iter()
            .all(|a| a.province.as_deref() == Some("Nghệ An")),
        "{wards:?}"
    );

    // Everything: ministries too, which have no province.
    let all = agencies(&client, None, None).await.unwrap();
    assert!(all.len() > wards.len());
    assert!(all
        .iter()
        .any(|a| a.level == Level::Ministry && a.province.is_none()));

    // A procedure the catalog lacks, a province merged away: empty lists.
    assert!(agencies(&client, Some("9.999999"), None)
        .await
        .unwrap()
        .is_empty());
    assert!(agencies(&client, None, Some("Hà Tây"))
        .await
        .unwrap()
        .is_empty());

    // A malformed code is the API's typed 400, with the field named.
    match agencies(&client, Some("khai sinh"), None)
        .await
        .unwrap_err()
    {
        PortalError::Api(f) => {
            assert_eq!((f.status, f.code.as_str()), (400, "bad_request"));
            assert!(f.issues.iter().any(|i| i.field == "procedure_code"));
        }
        other => panic!("{other:?}"),
    }
}

/// A volunteer's device: registers with its team, reads its approval as
/// the commune changes it, and (as the leader) the team's dossiers; the
/// portal's refusals arrive typed, needing the commune rather than a retry.
#[tokio::test]
async fn a_volunteer_reads_its_approval_and_its_team() {
    use hoso_core::error::{Classified, ErrorKind};
    use hoso_core::wire::{ApprovalState, VolunteerProfile, VolunteerRole};
    let tp = common::portal(common::config()).await;
    let team = VolunteerProfile {
        team: "Tổ công nghệ số cộng đồng phường Trường Vinh".into(),
        province: "Nghệ An".into(),
        commune: "Phường Trường Vinh".into(),
    };
    let client = PortalClient::new(&tp.base).unwrap();
    let created = client
        .register_volunteer("0389123456", "khai-sinh-2026!", "Hồ Thị Lan", team.clone())
        .await
        .unwrap();
    assert_eq!(created.volunteer.as_ref(), Some(&team));
    assert_eq!(
        created.approval.as_ref().map(|a| a.state),
        Some(ApprovalState::Pending)
    );
    assert!(matches!(client.me().await, Err(PortalError::NotLoggedIn)));
    client.login("0389123456", "khai-sinh-2026!").await.unwrap();
    assert_eq!(client.me().await.unwrap().approval, created.approval);

    let refused = client.team_dossiers(None, None).await.unwrap_err();
    assert_eq!(refused.code(), Some("volunteer_not_approved"));
    assert_eq!(refused.error_code(), "volunteer_not_approved");
    assert_eq!(refused.kind(), ErrorKind::Portal);
    assert!(!refused.is_transient());

    // The commune approves her as the team's leader (admin API).
    let decide = |role: &str| {
        client
            .request(
                Method::POST,
                &format!("/v1/admin/volunteers/{}/approve", created.id),
            )
            .bearer_auth(common::ADMIN)
            .json(&json!({ "role": role }))
    };
    client.send(decide("leader")).await.unwrap();
    let me = client.me().await.unwrap();
    let approval = me.approval.unwrap();
    assert_eq!(approval.state, ApprovalState::Approved);
    assert_eq!(approval.role, Some(VolunteerRole::Leader));
    let page = client.team_dossiers(None, Some(10)).await.unwrap();
    assert_eq!(page.team, team);
    assert!(page.dossiers.is_empty() && !page.has_more);
    let again = client
        .team_dossiers(Some(&page.next_cursor), Some(10))
        .await
        .unwrap();
    assert!(again.dossiers.is_empty());

    // As a member she may file but not list the team.
    client.send(decide("member")).await.unwrap();
    let member = client.team_dossiers(None, None).await.unwrap_err();
    assert_eq!(member.error_code(), "team_leader_required");
}
