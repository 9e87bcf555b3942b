//! Request extractors shared by every endpoint: a JSON body held to the
//! spec's rules (`415` for another content type, `413` over the cap, `400`
//! with a JSON-pointer issue per problem) and read into its `hoso_wire`
//! shape, the bearer token, the client's IP address, and the admin token.
//! The calling account (`Caller`) is `accounts`'s: it authenticates the
//! bearer token.

use crate::error::{ApiError, FieldIssue};
use crate::Portal;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::request::Parts;
use axum::http::{header, HeaderMap, HeaderValue, StatusCode};
use hoso_wire::ErrorCode;
use serde::de::DeserializeOwned;
use std::sync::Arc;

/// A JSON request body, parsed into `T` (whose shape denies unknown fields).
pub struct ApiJson<T>(pub T);

/// Is the request's `Content-Type` one of `accepted` (parameters allowed,
/// case ignored)?
pub fn media_type_in(headers: &HeaderMap, accepted: &[&str]) -> bool {
    headers
        .get(header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .is_some_and(|m| accepted.iter().any(|a| m.trim().eq_ignore_ascii_case(a)))
}

/// Is the request's `Content-Type` `application/json`?
pub fn is_json(headers: &HeaderMap) -> bool {
    media_type_in(headers, &["application/json"])
}

/// Reads a whole body up to `max` bytes (`413 body_too_large` past it)
/// within `within` (`408 request_timeout` when it takes longer, so a
/// trickled body cannot hold a connection).
pub async fn read_body(
    body: axum::body::Body,
    max: u64,
    within: std::time::Duration,
) -> Result<axum::body::Bytes, ApiError> {
    let read = axum::body::to_bytes(body, usize::try_from(max).unwrap_or(usize::MAX));
    match tokio::time::timeout(within, read).await {
        Err(_) => Err(ApiError::request_timeout()),
        Ok(Ok(bytes)) => Ok(bytes),
        Ok(Err(e)) if is_length_limit(&e) => Err(ApiError::body_too_large(max)),
        // The client went away or sent a malformed body: nobody reads this.
        Ok(Err(_)) => Err(ApiError::bad_request(
            "Nội dung yêu cầu bị cắt ngang",
            "The request body was cut off",
        )),
    }
}

/// Whether a body error is the length limit's.
fn is_length_limit(e: &axum::Error) -> bool {
    let mut source: Option<&(dyn std::error::Error + 'static)> = Some(e);
    while let Some(s) = source {
        if s.is::<http_body_util::LengthLimitError>() {
            return true;
        }
        source = s.source();
    }
    false
}

/// Parses JSON into `T`, turning serde's complaint into a located issue:
/// [`parse_value`] then [`from_value`].
pub fn parse_json<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, ApiError> {
    from_value(parse_value(bytes)?)
}

/// Reads a body as JSON (`400` with a `json_syntax` issue when it is not),
/// with whole-number floats made integers.
pub fn parse_value(bytes: &[u8]) -> Result<serde_json::Value, ApiError> {
    let mut value: serde_json::Value = serde_json::from_slice(bytes).map_err(|_| {
        ApiError::bad_request("Yêu cầu không đúng định dạng", "Malformed request").with_issues(
            vec![FieldIssue::new(
                "/",
                "json_syntax",
                "JSON không hợp lệ",
                "Malformed JSON",
            )],
        )
    })?;
    whole_numbers(&mut value);
    Ok(value)
}

/// Reads a body already parsed by [`parse_value`] into its request shape
/// (`400` with an issue located by JSON pointer when it does not match).
pub fn from_value<T: DeserializeOwned>(value: serde_json::Value) -> Result<T, ApiError> {
    serde_path_to_error::deserialize(value).map_err(|e| {
        let pointer = pointer(&e.path().to_string());
        let inner = e.into_inner();
        let text = inner.to_string();
        // Syntax errors are still possible from a `Value`: serde_json
        // reports a map key that does not read as a number as one.
        let (code, vi, en) = if inner.is_syntax() || inner.is_eof() {
            ("json_syntax", "JSON không hợp lệ", "Malformed JSON")
        } else if text.starts_with("unknown field") {
            ("unknown_field", "Trường không được hỗ trợ", "Unknown field")
        } else if text.starts_with("missing field") {
            (
                "missing_field",
                "Thiếu trường bắt buộc",
                "A required field is missing",
            )
        } else {
            (
                "type",
                "Giá trị không đúng kiểu hoặc định dạng",
                "Wrong type or format",
            )
        };
        // serde names a missing field in its message; keep only the field
        // name (never a value the client sent).
        // serde_path_to_error's path already ends at an unknown field.
        let field = match (code, text.split('`').nth(1)) {
            ("missing_field", Some(name)) if pointer == "/" => format!("/{name}"),
            ("missing_field", Some(name)) => format!("{pointer}/{name}"),
            _ => pointer,
        };
        ApiError::bad_request("Yêu cầu không đúng định dạng", "Malformed request")
            .with_issues(vec![FieldIssue::new(field, code, vi, en)])
    })
}

/// JSON Schema counts `309.0` as an integer; serde does not. Whole-number
/// floats become integers before the body is read into its shape.
fn whole_numbers(value: &mut serde_json::Value) {
    match value {
        serde_json::Value::Number(n) if !n.is_i64() && !n.is_u64() => {
            if let Some(f) = n.as_f64().filter(|f| f.fract() == 0.0 && f.abs() < 9.0e15) {
                *n = serde_json::Number::from(f as i64);
            }
        }
        serde_json::Value::Array(items) => items.iter_mut().for_each(whole_numbers),
        serde_json::Value::Object(map) => map.values_mut().for_each(whole_numbers),
        _ => {}
    }
}

/// serde_path_to_error's `a.b[0]` as a JSON pointer `/a/b/0`.
fn pointer(path: &str) -> String {
    if path == "." || path.is_empty() {
        return "/".into();
    }
    let mut out = String::new();
    for part in path.split('.') {
        let mut rest = part;
        if let Some(i) = rest.find('[') {
            out.push('/');
            out.push_str(&rest[..i].replace('~', "~0").replace('/', "~1"));
            rest = &rest[i..];
            for idx in rest.split('[').filter(|s| !s.is_empty()) {
                out.push('/');
                out.push_str(idx.trim_end_matches(']'));
            }
        } else {
            out.push('/');
            out.push_str(&rest.replace('~', "~0").replace('/', "~1"));
        }
    }
    out
}

impl<T: DeserializeOwned> FromRequest<Arc<Portal>> for ApiJson<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, portal: &Arc<Portal>) -> Result<Self, ApiError> {
        if !is_json(req.headers()) {
            return Err(ApiError::unsupported_media_type());
        }
        let bytes = read_body(
            req.into_body(),
            portal.config.max_body_bytes,
            portal.config.body_timeout,
        )
        .await?;
        parse_json(&bytes).map(ApiJson)
    }
}

/// The bearer token of a request, if any.
pub fn bearer(headers: &HeaderMap) -> Option<&str> {
    let value = headers.get(header::AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = value.trim().split_once(' ')?;
    scheme
        .eq_ignore_ascii_case("bearer")
        .then(|| token.trim())
        .filter(|t| !t.is_empty())
}

/// The client's IP address (from the connection), for per-IP limits.
#[derive(Debug, Clone, Copy)]
pub struct ClientIp(pub std::net::IpAddr);

impl<S: Send + Sync> FromRequestParts<S> for ClientIp {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(ClientIp(client_ip(&parts.extensions)))
    }
}

/// The peer address of a request, `0.0.0.0` when served without one.
pub fn client_ip(extensions: &axum::http::Extensions) -> std::net::IpAddr {
    extensions
        .get::<axum::extract::ConnectInfo<std::net::SocketAddr>>()
        .map(|c| c.0.ip())
        .unwrap_or(std::net::IpAddr::V4(std::net::Ipv4Addr::UNSPECIFIED))
}

/// Compares two secrets without an early exit (digests first, so lengths
/// do not leak either).
pub fn same_secret(a: &[u8], b: &[u8]) -> bool {
    let da = ring::digest::digest(&ring::digest::SHA256, a);
    let db = ring::digest::digest(&ring::digest::SHA256, b);
    da.as_ref()
        .iter()
        .zip(db.as_ref())
        .fold(0u8, |acc, (x, y)| acc | (x ^ y))
        == 0
}

/// A request carrying the admin token (`/v1/admin/…` only).
pub struct Admin;

impl FromRequestParts<Arc<Portal>> for Admin {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, portal: &Arc<Portal>) -> Result<Self, ApiError> {
        let ip = client_ip(&parts.extensions);
        let now = portal.clock.now().unix_timestamp();
        let refused = || {
            ApiError::new(
                StatusCode::UNAUTHORIZED,
                ErrorCode::Unauthorized,
                "Cần mã quản trị hợp lệ",
                "A valid admin token is required",
            )
            .with_header(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"))
        };
        // No token is not a guess; a wrong one is.
        let Some(presented) = bearer(&parts.headers) else {
            return Err(refused());
        };
        // A locked-out network is refused before its token is compared,
        // so the right token cannot be told from a wrong one meanwhile.
        if let Some(wait) = portal.admin_guard.blocked(ip, now) {
            return Err(ApiError::rate_limited(wait));
        }
        let expected = portal.config.admin_token.as_bytes();
        if !expected.is_empty() && same_secret(presented.as_bytes(), expected) {
            portal.admin_guard.succeed(ip);
            Ok(Admin)
        } else {
            portal.admin_guard.fail(ip, now);
            Err(refused())
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(Debug, serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)] // only its shape is tested
    struct Shape {
        name: String,
        items: Vec<Item>,
    }

    #[derive(Debug, serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    #[allow(dead_code)] // only its shape is tested
    struct Item {
        n: u32,
    }

    fn issue(body: &str) -> FieldIssue {
        let e = parse_json::<Shape>(body.as_bytes()).unwrap_err();
        assert_eq!(e.error.code, ErrorCode::BadRequest);
        e.error.issues[0].clone()
    }

    #[test]
    fn problems_are_located_by_json_pointer() {
        let i = issue(r#"{"name":"a","items":[],"nickname":"x"}"#);
        assert_eq!(
            (i.field.as_str(), i.code.as_str()),
            ("/nickname", "unknown_field")
        );
        let i = issue(r#"{"name":"a","items":[{"n":1},{"n":"x"}]}"#);
        assert_eq!((i.field.as_str(), i.code.as_str()), ("/items/1/n", "type"));
        let i = issue(r#"{"items":[]}"#);
        assert_eq!(
            (i.field.as_str(), i.code.as_str()),
            ("/name", "missing_field")
        );
        let i = issue(r#"{"name":"#);
        assert_eq!(i.code, "json_syntax");
        // 1.0 is an integer to JSON Schema; 1.5 is not.
        assert!(parse_json::<Shape>(br#"{"name":"a","items":[{"n":1.0}]}"#).is_ok());
        let i = issue(r#"{"name":"a","items":[{"n":1.5}]}"#);
        assert_eq!((i.field.as_str(), i.code.as_str()), ("/items/0/n", "type"));
        assert_eq!(pointer("a.b[0][2].c"), "/a/b/0/2/c");
    }

    #[derive(Debug, serde::Deserialize)]
    #[serde(deny_unknown_fields)]
    struct Optional {
        #[serde(default, deserialize_with = "hoso_wire::not_null")]
        note: Option<String>,
    }

    #[test]
    fn an_optional_field_may_be_absent_but_not_null() {
        assert_eq!(parse_json::<Optional>(b"{}").unwrap().note, None);
        let given = parse_json::<Optional>(br#"{"note":"x"}"#).unwrap();
        assert_eq!(given.note.as_deref(), Some("x"));
        let e = parse_json::<Optional>(br#"{"note":null}"#).unwrap_err();
        assert_eq!(e.error.code, ErrorCode::BadRequest);
        let i = &e.error.issues[0];
        assert_eq!((i.field.as_str(), i.code.as_str()), ("/note", "type"));
    }
}
