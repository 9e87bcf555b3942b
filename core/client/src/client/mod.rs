//! The Portal API v1 client (`docs/portal-api.yaml`): HTTPS through reqwest
//! and rustls with the ring provider (installed once per process), the
//! platform's certificate verification (with optional extra roots and
//! public-key pins, see [`ClientOptions`]), plain HTTP only to loopback,
//! timeouts, bearer tokens refreshed on `token_expired`, and every failure
//! typed: the API's own error bodies become [`PortalError::Api`], anything
//! that is not the API's answer (no `Hoso-Api-Version` header — a captive
//! portal's login page answering 200, a proxy's error) is a network failure,
//! never a success. A `Retry-After` is read as seconds and capped at
//! [`RETRY_AFTER_MAX_SECS`](hoso_store::limits::RETRY_AFTER_MAX_SECS).
//! Registering, logging in and out and refreshing are here; a volunteer's
//! account and team calls in `account`.

pub use error::{ApiFailure, ApiIssue, PortalError};
pub use tls::{spki_pin, ClientOptions};

mod account;
mod error;
mod tls;
pub mod upload;
use hoso_store::limits;
pub use reqwest::Method;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use std::sync::{Mutex, Once};
use std::time::Duration;

/// An access token and the refresh token of its session.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Tokens {
    pub access_token: String,
    pub refresh_token: String,
}

/// Installs ring as the process's rustls crypto provider (reqwest is built
/// without one, to keep aws-lc-rs out of phone builds). Idempotent.
pub fn install_crypto_provider() {
    static ONCE: Once = Once::new();
    ONCE.call_once(|| {
        // Another part of the host may have installed one first: fine.
        let _ = rustls::crypto::ring::default_provider().install_default();
    });
}

/// Is this URL allowed: HTTPS anywhere, HTTP only to loopback?
fn check_url(base: &str) -> Result<String, PortalError> {
    let base = base.trim().trim_end_matches('/');
    let (scheme, rest) = base.split_once("://").ok_or(PortalError::BadUrl)?;
    let host_port = rest.split('/').next().unwrap_or("");
    let host = if let Some(v6) = host_port.strip_prefix('[') {
        v6.split(']').next().unwrap_or("")
    } else {
        host_port.split(':').next().unwrap_or("")
    };
    if host.is_empty() {
        return Err(PortalError::BadUrl);
    }
    match scheme.to_ascii_lowercase().as_str() {
        "https" => Ok(base.to_string()),
        "http" => {
            let loopback = host.eq_ignore_ascii_case("localhost")
                || host
                    .parse::<std::net::IpAddr>()
                    .is_ok_and(|ip| ip.is_loopback());
            if loopback {
                Ok(base.to_string())
            } else {
                Err(PortalError::Insecure)
            }
        }
        _ => Err(PortalError::BadUrl),
    }
}

/// A client of one portal.
pub struct PortalClient {
    http: reqwest::Client,
    base: String,
    tokens: Mutex<Option<Tokens>>,
}

/// What an answer brought, counted as it arrived (see
/// [`PortalClient::send_counting`]).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Received {
    /// The `Content-Length` the answer declared, if any.
    pub declared_length: Option<u64>,
    /// Body bytes read (as they came over the wire, before any decoding).
    pub body_bytes: u64,
}

/// A raw answer of the API: status, headers, body.
#[derive(Debug)]
pub struct Answer {
    pub status: u16,
    pub headers: reqwest::header::HeaderMap,
    pub body: Vec<u8>,
}

impl Answer {
    /// The body as `T`.
    pub fn json<T: DeserializeOwned>(&self) -> Result<T, PortalError> {
        serde_json::from_slice(&self.body).map_err(|e| PortalError::Decode(e.to_string()))
    }

    /// A header as text.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.get(name).and_then(|v| v.to_str().ok())
    }
}

impl PortalClient {
    /// A client for the portal at `base_url` (e.g. `https://portal.example.vn`).
    pub fn new(base_url: &str) -> Result<PortalClient, PortalError> {
        PortalClient::with_options(base_url, ClientOptions::default())
    }

    /// A client for the portal at `base_url` trusting extra roots and/or
    /// requiring pinned keys; a malformed pin is [`PortalError::BadPin`], a
    /// malformed root [`PortalError::BadRoot`].
    pub fn with_options(
        base_url: &str,
        options: ClientOptions,
    ) -> Result<PortalClient, PortalError> {
        let base = check_url(base_url)?;
        install_crypto_provider();
        let mut builder = reqwest::Client::builder()
            .connect_timeout(Duration::from_secs(15))
            .timeout(Duration::from_secs(120))
            .user_agent(concat!("hoso/", env!("CARGO_PKG_VERSION")))
            .https_only(base.starts_with("https"));
        if let Some(tls) = tls::client_config(&options)? {
            builder = builder.tls_backend_preconfigured(tls);
        }
        let http = builder
            .build()
            .map_err(|e| PortalError::Network(e.to_string()))?;
        Ok(PortalClient {
            http,
            base,
            tokens: Mutex::new(None),
        })
    }

    pub fn base_url(&self) -> &str {
        &self.base
    }

    /// The tokens in use (to persist, sealed, between runs).
    pub fn tokens(&self) -> Option<Tokens> {
        self.tokens.lock().ok().and_then(|t| t.clone())
    }

    pub fn set_tokens(&self, tokens: Option<Tokens>) {
        if let Ok(mut t) = self.tokens.lock() {
            *t = tokens;
        }
    }

    /// Sends a request and reads the whole answer; an answer without the
    /// API-version header is [`PortalError::NotApi`], an API error body is
    /// [`PortalError::Api`].
    /// The body is read up to [`limits::API_ANSWER_BYTES`]; a longer one is
    /// [`PortalError::TooLarge`].
    pub async fn send(&self, request: reqwest::RequestBuilder) -> Result<Answer, PortalError> {
        self.send_within(request, limits::API_ANSWER_BYTES, limits::API_ANSWER)
            .await
    }

    /// [`send`](Self::send) for an answer allowed up to `limit` bytes
    /// (`what` names it in the error): the catalog bundle.
    pub async fn send_within(
        &self,
        request: reqwest::RequestBuilder,
        limit: u64,
        what: limits::What,
    ) -> Result<Answer, PortalError> {
        self.send_counting(request, limit, what, &mut Received::default())
            .await
    }

    /// [`send_within`](Self::send_within), telling in `received` what came
    /// back — also when it fails: the body's declared length and the body
    /// bytes read (a download on mobile data counts what it cost, and a
    /// body refused for its declared length cost nothing).
    pub async fn send_counting(
        &self,
        request: reqwest::RequestBuilder,
        limit: u64,
        what: limits::What,
        received: &mut Received,
    ) -> Result<Answer, PortalError> {
        let res = request.send().await.map_err(network)?;
        let status = res.status().as_u16();
        received.declared_length = res.content_length();
        if res.headers().get("hoso-api-version").is_none() {
            return Err(PortalError::NotApi { status });
        }
        let headers = res.headers().clone();
        let body = read_body(res, limit, what, &mut received.body_bytes).await?;
        if status >= 400 {
            let retry_after = headers
                .get("retry-after")
                .and_then(|v| v.to_str().ok())
                .and_then(retry_after_secs);
            // The spec's `Error` (its codes are a closed list in v1); a body
            // that is not one still fails with the HTTP status.
            return Err(match serde_json::from_slice::<hoso_wire::Error>(&body) {
                Ok(e) => PortalError::Api(Box::new(ApiFailure {
                    status,
                    code: e.code.as_str().to_string(),
                    message_vi: e.message_vi,
                    message_en: e.message_en,
                    retry_after,
                    issues: e.issues,
                    details: e.details.map(serde_json::Value::Object).unwrap_or_default(),
                })),
                Err(_) => PortalError::Api(Box::new(ApiFailure {
                    status,
                    code: "unknown".into(),
                    message_vi: format!("Cổng trả lời lỗi HTTP {status}"),
                    message_en: format!("The portal answered HTTP {status}"),
                    retry_after,
                    issues: Vec::new(),
                    details: serde_json::Value::Null,
                })),
            });
        }
        Ok(Answer {
            status,
            headers,
            body,
        })
    }

    /// A request builder for `method path` (path starts with `/v1/`).
    pub fn request(&self, method: reqwest::Method, path: &str) -> reqwest::RequestBuilder {
        self.http.request(method, format!("{}{path}", self.base))
    }

    /// Sends a request built by `build` with the access token; on
    /// `token_expired` refreshes once and sends it again.
    pub async fn authed<F>(&self, build: F) -> Result<Answer, PortalError>
    where
        F: Fn(&PortalClient) -> reqwest::RequestBuilder,
    {
        let tokens = self.tokens().ok_or(PortalError::NotLoggedIn)?;
        match self
            .send(build(self).bearer_auth(&tokens.access_token))
            .await
        {
            Err(e) if e.code() == Some("token_expired") => {
                let fresh = self.refresh().await?;
                self.send(build(self).bearer_auth(&fresh.access_token))
                    .await
            }
            other => other,
        }
    }

    /// `POST /v1/auth/login`.
    pub async fn login(
        &self,
        phone: &str,
        password: &str,
    ) -> Result<hoso_wire::Account, PortalError> {
        let body = hoso_wire::LoginRequest {
            phone: phone.to_string(),
            password: password.to_string(),
        };
        let answer = self
            .send(
                self.request(reqwest::Method::POST, "/v1/auth/login")
                    .json(&body),
            )
            .await?;
        self.keep_pair(answer.json()?)
    }

    /// `POST /v1/accounts`: creates a citizen account (then log in to it).
    pub async fn register_citizen(
        &self,
        phone: &str,
        password: &str,
        full_name: &str,
    ) -> Result<(), PortalError> {
        let body = hoso_wire::Registration {
            kind: hoso_wire::AccountKind::Citizen,
            phone: phone.to_string(),
            password: password.to_string(),
            full_name: full_name.to_string(),
            email: None,
            volunteer: None,
        };
        self.send(
            self.request(reqwest::Method::POST, "/v1/accounts")
                .json(&body),
        )
        .await?;
        Ok(())
    }

    /// `POST /v1/auth/logout`: revokes the session's tokens on the portal
    /// (forgetting the saved session is the caller's).
    pub async fn logout(&self) -> Result<(), PortalError> {
        self.authed(|c| c.request(reqwest::Method::POST, "/v1/auth/logout"))
            .await?;
        Ok(())
    }

    /// `POST /v1/auth/refresh` (rotates the refresh token).
    pub async fn refresh(&self) -> Result<Tokens, PortalError> {
        let tokens = self.tokens().ok_or(PortalError::NotLoggedIn)?;
        let body = hoso_wire::RefreshRequest {
            refresh_token: tokens.refresh_token,
        };
        let answer = self
            .send(
                self.request(reqwest::Method::POST, "/v1/auth/refresh")
                    .json(&body),
            )
            .await;
        match answer {
            Ok(a) => {
                self.keep_pair(a.json()?)?;
                self.tokens().ok_or(PortalError::NotLoggedIn)
            }
            Err(e) => {
                if e.code() == Some("refresh_token_invalid") {
                    self.set_tokens(None);
                }
                Err(e)
            }
        }
    }

    fn keep_pair(&self, pair: hoso_wire::TokenPair) -> Result<hoso_wire::Account, PortalError> {
        self.set_tokens(Some(Tokens {
            access_token: pair.access_token,
            refresh_token: pair.refresh_token,
        }));
        Ok(pair.account)
    }
}

/// The seconds of a `Retry-After` header, capped at
/// [`RETRY_AFTER_MAX_SECS`](hoso_store::limits::RETRY_AFTER_MAX_SECS): a
/// number too large even for `u64` is the cap too; anything else (an HTTP
/// date, which the portal does not send, or garbage) is no hint.
pub fn retry_after_secs(value: &str) -> Option<u64> {
    let value = value.trim();
    if value.is_empty() || !value.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let cap = hoso_store::limits::RETRY_AFTER_MAX_SECS;
    Some(value.parse::<u64>().map_or(cap, |secs| secs.min(cap)))
}

/// A failed request: [`PortalError::PinMismatch`] if the handshake refused
/// an unpinned key, otherwise a network failure (saying why, when the
/// handshake failed: reqwest's own text does not).
/// Reads an answer's body, refusing it as soon as it passes `limit`
/// bytes: a declared length over the limit is refused before reading, and
/// a body without one (chunked) is counted as it arrives.
async fn read_body(
    mut res: reqwest::Response,
    limit: u64,
    what: limits::What,
    read: &mut u64,
) -> Result<Vec<u8>, PortalError> {
    let too_large = PortalError::TooLarge { what, limit };
    if res.content_length().is_some_and(|n| n > limit) {
        return Err(too_large);
    }
    let mut body = Vec::new();
    while let Some(chunk) = res.chunk().await.map_err(network)? {
        let size = u64::try_from(chunk.len()).unwrap_or(u64::MAX);
        *read = read.saturating_add(size);
        let total = u64::try_from(body.len())
            .ok()
            .and_then(|held| held.checked_add(size));
        if total.is_none_or(|n| n > limit) {
            return Err(too_large);
        }
        body.extend_from_slice(&chunk);
    }
    Ok(body)
}

fn network(e: reqwest::Error) -> PortalError {
    if let Some(found) = tls::pin_mismatch(&e) {
        return PortalError::PinMismatch { found };
    }
    match tls::handshake_error(&e) {
        Some(tls) => PortalError::Network(format!("{}: tls: {tls}", without_url(e))),
        None => PortalError::Network(without_url(e)),
    }
}

/// reqwest's error text without the URL (it may carry a lookup token).
fn without_url(e: reqwest::Error) -> String {
    let kind = if e.is_timeout() {
        "timeout"
    } else if e.is_connect() {
        "connect"
    } else if e.is_body() || e.is_decode() {
        "body"
    } else {
        "request"
    };
    format!("{kind}: {}", e.without_url())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn only_https_or_loopback_http() {
        assert!(check_url("https://dichvucong.gov.vn").is_ok());
        assert!(check_url("http://127.0.0.1:8088/").is_ok());
        assert!(check_url("http://localhost:9").is_ok());
        assert!(check_url("http://[::1]:8088").is_ok());
        assert!(matches!(
            check_url("http://10.0.0.5:8088"),
            Err(PortalError::Insecure)
        ));
        assert!(matches!(
            check_url("http://portal.example.vn"),
            Err(PortalError::Insecure)
        ));
        assert!(matches!(check_url("ftp://x"), Err(PortalError::BadUrl)));
        assert!(matches!(check_url("https://"), Err(PortalError::BadUrl)));
        assert!(matches!(check_url("portal"), Err(PortalError::BadUrl)));
    }

    #[test]
    fn retry_after_is_seconds_capped_at_a_day() {
        let day = hoso_store::limits::RETRY_AFTER_MAX_SECS;
        assert_eq!(day, 86_400);
        assert_eq!(retry_after_secs(" 120 "), Some(120));
        assert_eq!(retry_after_secs("86400"), Some(day));
        assert_eq!(retry_after_secs("86401"), Some(day));
        assert_eq!(retry_after_secs("9223372036854775807"), Some(day));
        assert_eq!(retry_after_secs(&u64::MAX.to_string()), Some(day));
        assert_eq!(retry_after_secs("99999999999999999999999999"), Some(day));
        assert_eq!(retry_after_secs("-1"), None);
        assert_eq!(retry_after_secs("Wed, 21 Oct 2015 07:28:00 GMT"), None);
        assert_eq!(retry_after_secs(""), None);
    }
}
