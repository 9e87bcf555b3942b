//! TLS trust for the portal client beyond the platform's defaults (issue
//! #6): [`ClientOptions`] (extra root certificates for a private or
//! provincial deployment, public-key pins for the portal's certificate),
//! the rustls configuration built from them around a certificate verifier
//! that wraps rustls-platform-verifier's, the pin format (base64 SHA-256 of
//! the certificate's SubjectPublicKeyInfo, as HPKP and
//! `openssl x509 -pubkey | openssl pkey -pubin -outform der | openssl dgst -sha256 -binary | base64`
//! write it), and recognising a pin mismatch in a failed request's error
//! chain.
//!
//! Pins are an extra check after the platform (or extra-root) verification
//! succeeded, never a replacement for it: the chain, the name, the validity
//! and (where the platform does it) revocation are checked first.

use super::error::PortalError;
use base64::Engine as _;
use rustls::client::danger::{HandshakeSignatureValid, ServerCertVerified, ServerCertVerifier};
use rustls::crypto::CryptoProvider;
use rustls::pki_types::{CertificateDer, ServerName, UnixTime};
use rustls::{CertificateError, DigitallySignedStruct, DistinguishedName, OtherError};
use rustls::{Error as TlsError, SignatureScheme};
use std::sync::Arc;

/// How the client trusts the portal's certificate, beyond the platform's
/// verification. The default (nothing set) leaves TLS to reqwest's own
/// rustls set-up with the platform verifier.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ClientOptions {
    /// Accepted keys of the portal's certificate: base64 SHA-256 of its
    /// SubjectPublicKeyInfo (see [`spki_pin`]). When not empty, a
    /// connection is accepted only if the certificate verifies as usual
    /// *and* its key is one of these. Keep a backup pin (the next key) so a
    /// certificate renewal does not lock the app out. Plain HTTP to
    /// loopback has no certificate, so pins do not apply to it.
    pub pinned_spki_sha256: Vec<String>,
    /// Extra trusted root certificates (DER) for a portal under a private
    /// CA, trusted alongside the platform's roots.
    pub extra_roots_der: Vec<Vec<u8>>,
}

impl ClientOptions {
    fn is_default(&self) -> bool {
        self.pinned_spki_sha256.is_empty() && self.extra_roots_der.is_empty()
    }
}

/// The pin of a certificate (DER): base64 SHA-256 of its
/// SubjectPublicKeyInfo, or `None` if `cert_der` is not a certificate.
pub fn spki_pin(cert_der: &[u8]) -> Option<String> {
    spki_sha256(&CertificateDer::from(cert_der)).map(|h| base64_std(&h))
}

/// SHA-256 of the certificate's SubjectPublicKeyInfo (outer SEQUENCE
/// included), read by webpki, the parser rustls already verifies with.
fn spki_sha256(cert: &CertificateDer<'_>) -> Option<[u8; 32]> {
    let parsed = webpki::EndEntityCert::try_from(cert).ok()?;
    let spki = parsed.subject_public_key_info();
    let digest = ring::digest::digest(&ring::digest::SHA256, spki.as_ref());
    digest.as_ref().try_into().ok()
}

fn base64_std(bytes: &[u8]) -> String {
    base64::engine::general_purpose::STANDARD.encode(bytes)
}

/// A pin as written in the options: base64 (standard alphabet, padded) of
/// 32 bytes.
fn parse_pin(pin: &str) -> Result<[u8; 32], PortalError> {
    base64::engine::general_purpose::STANDARD
        .decode(pin.trim())
        .ok()
        .and_then(|bytes| <[u8; 32]>::try_from(bytes.as_slice()).ok())
        .ok_or_else(|| PortalError::BadPin(pin.to_string()))
}

/// The rustls configuration for `options`, or `None` when nothing is set
/// (reqwest's default rustls path with the platform verifier then applies).
pub(crate) fn client_config(
    options: &ClientOptions,
) -> Result<Option<rustls::ClientConfig>, PortalError> {
    if options.is_default() {
        return Ok(None);
    }
    let pins = options
        .pinned_spki_sha256
        .iter()
        .map(|p| parse_pin(p))
        .collect::<Result<Vec<_>, _>>()?;
    let mut roots = Vec::with_capacity(options.extra_roots_der.len());
    for (index, der) in options.extra_roots_der.iter().enumerate() {
        let der = CertificateDer::from(der.clone());
        // The same check a root store makes, on every platform (Apple's and
        // Windows' verifiers would otherwise each word it differently).
        webpki::anchor_from_trusted_cert(&der).map_err(|e| PortalError::BadRoot {
            index,
            reason: e.to_string(),
        })?;
        roots.push(der);
    }
    // install_crypto_provider() put ring there; a host's own choice wins,
    // as on reqwest's default path.
    let provider = CryptoProvider::get_default()
        .cloned()
        .unwrap_or_else(|| Arc::new(rustls::crypto::ring::default_provider()));
    let (platform, private_roots) = chain_verifiers(roots, provider.clone())
        .map_err(|e| PortalError::Network(format!("tls: {e}")))?;
    let verifier = PortalVerifier {
        platform,
        private_roots,
        pins,
    };
    let mut config = rustls::ClientConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(|e| PortalError::Network(format!("tls: {e}")))?
        .dangerous()
        .with_custom_certificate_verifier(Arc::new(verifier))
        .with_no_client_auth();
    // reqwest is built for HTTP/1.1 only and leaves ALPN of a preconfigured
    // configuration alone.
    config.alpn_protocols = vec![b"http/1.1".to_vec()];
    Ok(Some(config))
}

type Verifiers = (
    Arc<dyn ServerCertVerifier>,
    Option<Arc<dyn ServerCertVerifier>>,
);

/// The platform verifier, trusting the extra roots too.
#[cfg(not(target_os = "android"))]
fn chain_verifiers(
    roots: Vec<CertificateDer<'static>>,
    provider: Arc<CryptoProvider>,
) -> Result<Verifiers, TlsError> {
    let platform = if roots.is_empty() {
        rustls_platform_verifier::Verifier::new(provider)?
    } else {
        rustls_platform_verifier::Verifier::new_with_extra_roots(roots, provider)?
    };
    Ok((Arc::new(platform), None))
}

/// Android's verifier cannot take extra roots: the platform verifier, and
/// webpki over the extra roots for chains the platform does not know.
#[cfg(target_os = "android")]
fn chain_verifiers(
    roots: Vec<CertificateDer<'static>>,
    provider: Arc<CryptoProvider>,
) -> Result<Verifiers, TlsError> {
    let platform = Arc::new(rustls_platform_verifier::Verifier::new(provider.clone())?);
    if roots.is_empty() {
        return Ok((platform, None));
    }
    Ok((platform, Some(private_roots_verifier(roots, provider)?)))
}

/// A webpki verifier trusting only `roots`.
#[cfg(any(test, target_os = "android"))]
fn private_roots_verifier(
    roots: Vec<CertificateDer<'static>>,
    provider: Arc<CryptoProvider>,
) -> Result<Arc<dyn ServerCertVerifier>, TlsError> {
    let mut store = rustls::RootCertStore::empty();
    for root in roots {
        store.add(root)?;
    }
    let verifier =
        rustls::client::WebPkiServerVerifier::builder_with_provider(Arc::new(store), provider)
            .build()
            .map_err(|e| TlsError::General(e.to_string()))?;
    Ok(verifier)
}

/// The platform's verification (falling back to the extra roots where the
/// platform cannot take them), then the pins.
#[derive(Debug)]
struct PortalVerifier {
    platform: Arc<dyn ServerCertVerifier>,
    /// Only where the platform verifier cannot trust extra roots itself.
    private_roots: Option<Arc<dyn ServerCertVerifier>>,
    pins: Vec<[u8; 32]>,
}

/// The certificate verified but its key is not pinned; travels inside
/// `rustls::Error::InvalidCertificate(CertificateError::Other(..))`.
#[derive(Debug)]
struct PinMismatch {
    /// The pin of the key the server presented.
    found: String,
}

impl std::fmt::Display for PinMismatch {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "the certificate's key {} is not pinned", self.found)
    }
}

impl std::error::Error for PinMismatch {}

impl ServerCertVerifier for PortalVerifier {
    fn verify_server_cert(
        &self,
        end_entity: &CertificateDer<'_>,
        intermediates: &[CertificateDer<'_>],
        server_name: &ServerName<'_>,
        ocsp_response: &[u8],
        now: UnixTime,
    ) -> Result<ServerCertVerified, TlsError> {
        let verified = match self.platform.verify_server_cert(
            end_entity,
            intermediates,
            server_name,
            ocsp_response,
            now,
        ) {
            Ok(verified) => verified,
            Err(refused @ TlsError::InvalidCertificate(_)) => match &self.private_roots {
                Some(own) => own
                    .verify_server_cert(end_entity, intermediates, server_name, ocsp_response, now)
                    .map_err(|_| refused)?,
                None => return Err(refused),
            },
            Err(other) => return Err(other),
        };
        if self.pins.is_empty() {
            return Ok(verified);
        }
        let found = spki_sha256(end_entity)
            .ok_or(TlsError::InvalidCertificate(CertificateError::BadEncoding))?;
        if self.pins.contains(&found) {
            Ok(verified)
        } else {
            Err(TlsError::InvalidCertificate(CertificateError::Other(
                OtherError(Arc::new(PinMismatch {
                    found: base64_std(&found),
                })),
            )))
        }
    }

    fn verify_tls12_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, TlsError> {
        self.platform.verify_tls12_signature(message, cert, dss)
    }

    fn verify_tls13_signature(
        &self,
        message: &[u8],
        cert: &CertificateDer<'_>,
        dss: &DigitallySignedStruct,
    ) -> Result<HandshakeSignatureValid, TlsError> {
        self.platform.verify_tls13_signature(message, cert, dss)
    }

    fn supported_verify_schemes(&self) -> Vec<SignatureScheme> {
        self.platform.supported_verify_schemes()
    }

    fn root_hint_subjects(&self) -> Option<&[DistinguishedName]> {
        self.platform.root_hint_subjects()
    }
}

/// The errors in `err`'s chain. reqwest nests the handshake's `io::Error`
/// (whose `source()` skips the error it wraps) around `rustls::Error`, so
/// what an `io::Error` wraps is looked into as well as its source.
fn chain<'a>(
    err: &'a (dyn std::error::Error + 'static),
) -> Vec<&'a (dyn std::error::Error + 'static)> {
    let mut seen = Vec::new();
    let mut todo = vec![err];
    // Chains are short; the bound only guards against a cycle.
    while let Some(e) = todo.pop() {
        if seen.len() == 64 {
            break;
        }
        seen.push(e);
        if let Some(source) = e.source() {
            todo.push(source);
        }
        if let Some(inner) = e
            .downcast_ref::<std::io::Error>()
            .and_then(|io| io.get_ref())
        {
            todo.push(inner);
        }
    }
    seen
}

/// The pin the server presented, if `err` failed on a pin mismatch.
pub fn pin_mismatch(err: &(dyn std::error::Error + 'static)) -> Option<String> {
    chain(err).into_iter().find_map(|e| {
        if let Some(m) = e.downcast_ref::<PinMismatch>() {
            return Some(m.found.clone());
        }
        match e.downcast_ref::<TlsError>() {
            Some(TlsError::InvalidCertificate(CertificateError::Other(other))) => other
                .0
                .downcast_ref::<PinMismatch>()
                .map(|m| m.found.clone()),
            _ => None,
        }
    })
}

/// The TLS failure inside `err`, if the handshake failed (an untrusted
/// certificate, a wrong name), to say why a connection was refused.
pub(crate) fn handshake_error(err: &(dyn std::error::Error + 'static)) -> Option<String> {
    chain(err)
        .into_iter()
        .find_map(|e| e.downcast_ref::<TlsError>())
        .map(|e| e.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use rcgen::{BasicConstraints, CertificateParams, IsCa, Issuer, KeyPair, PublicKeyData};

    fn sha256_b64(bytes: &[u8]) -> String {
        base64_std(ring::digest::digest(&ring::digest::SHA256, bytes).as_ref())
    }

    #[test]
    fn pin_is_sha256_of_the_spki() {
        for alg in [
            &rcgen::PKCS_ECDSA_P256_SHA256,
            &rcgen::PKCS_ECDSA_P384_SHA384,
            &rcgen::PKCS_ED25519,
        ] {
            let key = KeyPair::generate_for(alg).unwrap();
            let cert = CertificateParams::new(vec!["portal.example.vn".into()])
                .unwrap()
                .self_signed(&key)
                .unwrap();
            let pin = spki_pin(cert.der()).unwrap();
            assert_eq!(pin, sha256_b64(&key.subject_public_key_info()));
            assert_eq!(parse_pin(&pin).unwrap().len(), 32);
        }
        assert_eq!(spki_pin(b"not a certificate"), None);
    }

    #[test]
    fn pins_are_base64_of_32_bytes() {
        let good = base64_std(&[7u8; 32]);
        assert_eq!(parse_pin(&good).unwrap(), [7u8; 32]);
        assert_eq!(parse_pin(&format!(" {good}\n")).unwrap(), [7u8; 32]);
        for bad in [
            "",
            "not base64!",
            &base64_std(&[7u8; 31]),
            &base64_std(&[7u8; 33]),
            &hex32(),
        ] {
            assert!(
                matches!(parse_pin(bad), Err(PortalError::BadPin(ref p)) if p == bad),
                "{bad:?}"
            );
        }
        let options = ClientOptions {
            pinned_spki_sha256: vec![good, "AAAA".into()],
            ..ClientOptions::default()
        };
        assert!(matches!(client_config(&options), Err(PortalError::BadPin(p)) if p == "AAAA"));
    }

    fn hex32() -> String {
        "ab".repeat(32)
    }

    #[test]
    fn malformed_extra_root_is_refused() {
        let options = ClientOptions {
            extra_roots_der: vec![b"junk".to_vec()],
            ..ClientOptions::default()
        };
        assert!(matches!(
            client_config(&options),
            Err(PortalError::BadRoot { index: 0, .. })
        ));
        assert!(client_config(&ClientOptions::default()).unwrap().is_none());
    }

    struct Pki {
        ca: CertificateDer<'static>,
        leaf: CertificateDer<'static>,
        leaf_key: KeyPair,
    }

    fn pki(ca_name: &str) -> Pki {
        let ca_key = KeyPair::generate().unwrap();
        let mut ca_params = CertificateParams::new(Vec::<String>::new()).unwrap();
        ca_params
            .distinguished_name
            .push(rcgen::DnType::CommonName, ca_name);
        ca_params.is_ca = IsCa::Ca(BasicConstraints::Unconstrained);
        let ca = ca_params.self_signed(&ca_key).unwrap();
        let issuer = Issuer::new(ca_params, ca_key);
        let leaf_key = KeyPair::generate().unwrap();
        let leaf = CertificateParams::new(vec!["portal.example.vn".into()])
            .unwrap()
            .signed_by(&leaf_key, &issuer)
            .unwrap();
        Pki {
            ca: ca.der().clone(),
            leaf: leaf.der().clone(),
            leaf_key,
        }
    }

    fn verify(v: &PortalVerifier, leaf: &CertificateDer<'_>) -> Result<(), TlsError> {
        let name = ServerName::try_from("portal.example.vn").unwrap();
        v.verify_server_cert(leaf, &[], &name, &[], UnixTime::now())
            .map(|_| ())
    }

    fn ring() -> Arc<CryptoProvider> {
        Arc::new(rustls::crypto::ring::default_provider())
    }

    /// The chain is verified before the pin, and a verified chain with an
    /// unpinned key is refused with the typed mismatch; the fallback to
    /// extra roots (Android's path) is exercised with a stand-in platform
    /// verifier that knows another CA.
    #[test]
    fn chain_then_pin() {
        let portal = pki("Provincial CA");
        let other = pki("Some public CA");
        let pin = sha256_b64(&portal.leaf_key.subject_public_key_info());
        let stand_in_platform = private_roots_verifier(vec![other.ca.clone()], ring()).unwrap();

        let trusting = |pins: Vec<[u8; 32]>| PortalVerifier {
            platform: stand_in_platform.clone(),
            private_roots: Some(private_roots_verifier(vec![portal.ca.clone()], ring()).unwrap()),
            pins,
        };
        assert!(verify(&trusting(vec![]), &portal.leaf).is_ok());
        assert!(verify(&trusting(vec![parse_pin(&pin).unwrap()]), &portal.leaf).is_ok());
        let err = verify(&trusting(vec![[0u8; 32]]), &portal.leaf).unwrap_err();
        assert_eq!(pin_mismatch(&err).as_deref(), Some(pin.as_str()));
        let wrapped = std::io::Error::new(std::io::ErrorKind::InvalidData, err);
        assert_eq!(pin_mismatch(&wrapped).as_deref(), Some(pin.as_str()));
        assert!(handshake_error(&wrapped).is_some());

        // A pin of the right key never rescues an untrusted chain.
        let untrusting = PortalVerifier {
            platform: stand_in_platform.clone(),
            private_roots: None,
            pins: vec![parse_pin(&pin).unwrap()],
        };
        let err = verify(&untrusting, &portal.leaf).unwrap_err();
        assert!(
            matches!(
                err,
                TlsError::InvalidCertificate(CertificateError::UnknownIssuer)
            ),
            "{err:?}"
        );
        assert_eq!(pin_mismatch(&err), None);
        let wrapped = std::io::Error::new(std::io::ErrorKind::InvalidData, err);
        assert!(handshake_error(&wrapped).is_some_and(|t| t.contains("UnknownIssuer")));
        // Nor the wrong host name.
        let name = ServerName::try_from("other.example.vn").unwrap();
        assert!(trusting(vec![parse_pin(&pin).unwrap()])
            .verify_server_cert(&portal.leaf, &[], &name, &[], UnixTime::now())
            .is_err());
    }
}
