//! hoso-core's portal client over real TLS: a real hoso-portal on loopback
//! behind a tokio-rustls terminator whose certificate for `localhost` is
//! issued by a test CA (rcgen). Untrusted without the CA; trusted with it
//! as an extra root; a correct public-key pin passes, a wrong one fails
//! with the typed pin mismatch, a pin never rescues an untrusted chain, and
//! a malformed pin is refused when the client is built.

mod common;

use base64::Engine as _;
use hoso_core::client::{spki_pin, ClientOptions, Method, PortalClient, PortalError};
use rcgen::{BasicConstraints, CertificateParams, DnType, IsCa, Issuer, KeyPair, PublicKeyData};
use rustls::pki_types::{CertificateDer, PrivateKeyDer, PrivatePkcs8KeyDer};
use std::net::SocketAddr;
use std::sync::Arc;
use tokio::net::{TcpListener, TcpStream};

/// A test CA and the portal's certificate for `localhost`.
struct Pki {
    ca: CertificateDer<'static>,
    leaf: CertificateDer<'static>,
    leaf_key: KeyPair,
}

fn pki() -> Pki {
    let ca_key = KeyPair::generate().unwrap();
    let mut ca_params = CertificateParams::new(Vec::<String>::new()).unwrap();
    ca_params
        .distinguished_name
        .push(DnType::CommonName, "Sở TT&TT thử nghiệm CA");
    ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
    let ca = ca_params.self_signed(&ca_key).unwrap();
    let issuer = Issuer::new(ca_params, ca_key);
    let leaf_key = KeyPair::generate().unwrap();
    let leaf = CertificateParams::new(vec!["localhost".into()])
        .unwrap()
        .signed_by(&leaf_key, &issuer)
        .unwrap();
    Pki {
        ca: ca.der().clone(),
        leaf: leaf.der().clone(),
        leaf_key,
    }
}

/// The pin of a key, computed independently of hoso-core: base64 of the
/// SHA-256 of its SubjectPublicKeyInfo DER.
fn pin_of(key: &KeyPair) -> String {
    let digest = ring::digest::digest(&ring::digest::SHA256, &key.subject_public_key_info());
    base64::engine::general_purpose::STANDARD.encode(digest.as_ref())
}

/// Terminates TLS on an ephemeral loopback port and forwards the bytes to
/// `backend` (the portal's plain-HTTP port).
async fn terminator(pki: &Pki, backend: SocketAddr) -> SocketAddr {
    let key = PrivateKeyDer::Pkcs8(PrivatePkcs8KeyDer::from(pki.leaf_key.serialize_der()));
    let config = rustls::ServerConfig::builder_with_provider(Arc::new(
        rustls::crypto::ring::default_provider(),
    ))
    .with_safe_default_protocol_versions()
    .unwrap()
    .with_no_client_auth()
    .with_single_cert(vec![pki.leaf.clone(), pki.ca.clone()], key)
    .unwrap();
    let acceptor = tokio_rustls::TlsAcceptor::from(Arc::new(config));
    let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        while let Ok((tcp, _)) = listener.accept().await {
            let acceptor = acceptor.clone();
            tokio::spawn(async move {
                // A client refusing the certificate ends the handshake.
                let Ok(mut tls) = acceptor.accept(tcp).await else {
                    return;
                };
                let Ok(mut plain) = TcpStream::connect(backend).await else {
                    return;
                };
                let _ = tokio::io::copy_bidirectional(&mut tls, &mut plain).await;
            });
        }
    });
    addr
}

async fn health(client: &PortalClient) -> Result<u16, PortalError> {
    client
        .send(client.request(Method::GET, "/v1/health"))
        .await
        .map(|a| a.status)
}

#[tokio::test]
async fn extra_roots_and_pins_over_real_tls() {
    let portal = common::portal(common::config()).await;
    let backend: SocketAddr = portal.base.trim_start_matches("http://").parse().unwrap();
    let pki = pki();
    let port = terminator(&pki, backend).await.port();
    let base = format!("https://localhost:{port}");
    let pin = pin_of(&pki.leaf_key);
    assert_eq!(spki_pin(&pki.leaf).as_deref(), Some(pin.as_str()));
    let with = |pins: Vec<String>, roots: Vec<Vec<u8>>| {
        PortalClient::with_options(
            &base,
            ClientOptions {
                pinned_spki_sha256: pins,
                extra_roots_der: roots,
            },
        )
    };
    let ca = vec![pki.ca.to_vec()];

    // (a) The test CA is not a platform root: untrusted, a network error
    // saying so.
    let untrusted = |err: &PortalError| matches!(err, PortalError::Network(text) if text.contains("UnknownIssuer"));
    let err = health(&PortalClient::new(&base).unwrap())
        .await
        .unwrap_err();
    assert!(untrusted(&err), "{err:?}");
    // The right pin does not make an untrusted chain acceptable.
    let err = health(&with(vec![pin.clone()], vec![]).unwrap())
        .await
        .unwrap_err();
    assert!(untrusted(&err), "{err:?}");

    // (b) The CA as an extra root: trusted.
    assert_eq!(
        health(&with(vec![], ca.clone()).unwrap()).await.unwrap(),
        200
    );

    // (c) Extra root and the leaf's pin (after a backup pin): trusted, and
    // a whole login goes through the preconfigured TLS.
    let backup = base64::engine::general_purpose::STANDARD.encode([9u8; 32]);
    let pinned = with(vec![backup, pin.clone()], ca.clone()).unwrap();
    assert_eq!(health(&pinned).await.unwrap(), 200);
    common::citizen(&pinned, "0912345678").await;
    assert!(pinned.tokens().is_some());

    // (d) A wrong pin: the typed mismatch naming the key presented.
    let wrong = base64::engine::general_purpose::STANDARD.encode([1u8; 32]);
    let err = health(&with(vec![wrong], ca.clone()).unwrap())
        .await
        .unwrap_err();
    match &err {
        PortalError::PinMismatch { found } => assert_eq!(found, &pin),
        other => panic!("expected a pin mismatch, got {other:?}"),
    }
    assert!(err.is_transient());
    assert!(err.to_string().contains(" / "), "bilingual: {err}");

    // (e) A malformed pin or root is refused when the client is built.
    for bad in ["", "not base64", "q83vEjRWeJA=", &"ab".repeat(32)] {
        assert!(
            matches!(with(vec![bad.into()], ca.clone()), Err(PortalError::BadPin(ref p)) if p == bad),
            "{bad:?}"
        );
    }
    assert!(matches!(
        with(vec![], vec![pki.ca.to_vec(), b"junk".to_vec()]),
        Err(PortalError::BadRoot { index: 1, .. })
    ));
}
