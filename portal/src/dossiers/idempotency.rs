//! Idempotent requests (IETF httpapi draft "The Idempotency-Key HTTP Header
//! Field"): the key's syntax, the request fingerprint (SHA-256 of the body in
//! RFC 8785 canonical JSON), stored final answers replayed with
//! `Idempotent-Replayed: true`, the in-flight set that answers a concurrent
//! retry with 409, and the 7-day retention.

use crate::db::{Db, Write};
use crate::error::ApiError;
use axum::http::{header, HeaderMap, HeaderName, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use hoso_core::attachment::hash::Digest;
use hoso_wire::ErrorCode;
use serde::{Deserialize, Serialize};
use std::collections::HashSet;
use std::sync::Mutex;

const TREE: &str = "idempotency";

/// How long a key and its answer are kept (exactly 7 days).
pub const RETENTION_SECS: i64 = 7 * 24 * 3600;

pub const IDEMPOTENCY_KEY: HeaderName = HeaderName::from_static("idempotency-key");
const REPLAYED: HeaderName = HeaderName::from_static("idempotent-replayed");

/// The key of a request, unquoted, with its record's store key.
pub struct Key {
    pub value: String,
    store_key: String,
}

/// Reads and checks `Idempotency-Key` (a structured-field string or a bare
/// token of 8–255 characters of `[A-Za-z0-9_.:~+/=-]`), scoped to the
/// account and the operation's path.
pub fn key(headers: &HeaderMap, account_id: &str, path: &str) -> Result<Key, ApiError> {
    let Some(raw) = headers.get(&IDEMPOTENCY_KEY) else {
        return Err(ApiError::new(
            StatusCode::BAD_REQUEST,
            ErrorCode::IdempotencyKeyMissing,
            "Thiếu tiêu đề Idempotency-Key",
            "The Idempotency-Key header is required",
        ));
    };
    let invalid = || {
        ApiError::new(
            StatusCode::BAD_REQUEST,
            ErrorCode::IdempotencyKeyInvalid,
            "Tiêu đề Idempotency-Key không hợp lệ (8–255 ký tự chữ, số và _.:~+/=-)",
            "The Idempotency-Key header is malformed (8–255 letters, digits and _.:~+/=-)",
        )
    };
    let text = raw.to_str().map_err(|_| invalid())?.trim();
    let value = match text.strip_prefix('"') {
        Some(rest) => rest.strip_suffix('"').ok_or_else(invalid)?,
        None => text,
    };
    let ok_char = |c: char| c.is_ascii_alphanumeric() || "_.:~+/=-".contains(c);
    if !(8..=255).contains(&value.len()) || !value.chars().all(ok_char) {
        return Err(invalid());
    }
    Ok(Key {
        value: value.to_string(),
        store_key: format!("{account_id}|{path}|{value}"),
    })
}

/// The fingerprint of a JSON body: SHA-256 of its RFC 8785 form.
pub fn fingerprint(body: &serde_json::Value) -> Result<String, ApiError> {
    let canonical = serde_json_canonicalizer::to_vec(body).map_err(|e| ApiError::internal(&e))?;
    Ok(Digest::of(&canonical).to_hex())
}

/// A stored final answer.
#[derive(Serialize, Deserialize, Clone)]
pub struct Stored {
    pub fingerprint: String,
    pub created_at: i64,
    pub status: u16,
    pub body: serde_json::Value,
    pub location: Option<String>,
}

impl Stored {
    /// The answer as first given, marked as a replay.
    pub fn replay(&self, key: &Key) -> Response {
        let status = StatusCode::from_u16(self.status).unwrap_or(StatusCode::OK);
        let mut response = (status, axum::Json(&self.body)).into_response();
        let headers = response.headers_mut();
        headers.insert(REPLAYED, HeaderValue::from_static("true"));
        echo(headers, key);
        if let Some(location) = self
            .location
            .as_deref()
            .and_then(|l| HeaderValue::from_str(l).ok())
        {
            headers.insert(header::LOCATION, location);
        }
        response
    }
}

/// Adds the key, echoed, to an answer.
pub fn echo(headers: &mut HeaderMap, key: &Key) {
    if let Ok(v) = HeaderValue::from_str(&format!("\"{}\"", key.value)) {
        headers.insert(IDEMPOTENCY_KEY, v);
    }
}

/// What is known about a key before processing.
pub enum Prior {
    /// Never seen (or expired): process it.
    New,
    /// Answered before with the same body: replay this.
    Replay(Box<Stored>),
}

/// Keys being processed right now.
#[derive(Default)]
pub struct InFlight {
    keys: Mutex<HashSet<String>>,
}

/// Holds a key as in flight until dropped.
pub struct Claim<'a> {
    set: &'a InFlight,
    key: String,
}

impl Drop for Claim<'_> {
    fn drop(&mut self) {
        if let Ok(mut keys) = self.set.keys.lock() {
            keys.remove(&self.key);
        }
    }
}

impl InFlight {
    /// Claims a key, or `409 idempotency_request_in_progress`.
    pub fn claim(&self, key: &Key) -> Result<Claim<'_>, ApiError> {
        let mut keys = self
            .keys
            .lock()
            .map_err(|_| ApiError::internal(&"idempotency set poisoned"))?;
        if !keys.insert(key.store_key.clone()) {
            return Err(ApiError::new(
                StatusCode::CONFLICT,
                ErrorCode::IdempotencyRequestInProgress,
                "Yêu cầu với khóa này đang được xử lý; vui lòng thử lại sau",
                "A request with this key is still being processed; retry later",
            )
            .retry_after(1));
        }
        Ok(Claim {
            set: self,
            key: key.store_key.clone(),
        })
    }
}

/// Looks a key up: new, a replay, or `422 idempotency_key_reused`.
pub fn prior(db: &Db, key: &Key, fingerprint: &str, now: i64) -> Result<Prior, ApiError> {
    match db.get::<Stored>(TREE, &key.store_key)? {
        Some(s) if now - s.created_at < RETENTION_SECS => {
            if s.fingerprint == fingerprint {
                Ok(Prior::Replay(Box::new(s)))
            } else {
                Err(ApiError::new(
                    StatusCode::UNPROCESSABLE_ENTITY,
                    ErrorCode::IdempotencyKeyReused,
                    "Khóa Idempotency-Key này đã được dùng cho một yêu cầu khác",
                    "This Idempotency-Key was already used for a different request",
                ))
            }
        }
        _ => Ok(Prior::New),
    }
}

/// The write storing a final answer under its key.
pub fn store(key: &Key, stored: &Stored) -> Write {
    Write::put(TREE, key.store_key.clone(), stored)
}

/// Removes keys older than the retention; returns how many.
pub fn sweep(db: &Db, now: i64) -> Result<usize, ApiError> {
    let mut removed = Vec::new();
    let mut after: Option<String> = None;
    loop {
        let page: Vec<(String, Stored)> = db.scan(TREE, "", after.as_deref(), 500)?;
        let Some((last, _)) = page.last() else { break };
        after = Some(last.clone());
        for (k, s) in page {
            if now - s.created_at >= RETENTION_SECS {
                removed.push(Write::Remove(TREE, k));
            }
        }
    }
    let n = removed.len();
    for chunk in removed.chunks(500) {
        db.commit(chunk)?;
    }
    Ok(n)
}

/// How many keys are kept (admin stats).
pub fn count(db: &Db) -> Result<usize, ApiError> {
    Ok(db.len(TREE)?)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn keys_and_fingerprints() {
        let mut h = HeaderMap::new();
        assert_eq!(
            key(&h, "a", "/v1/dossiers").err().map(|e| e.error.code),
            Some(ErrorCode::IdempotencyKeyMissing)
        );
        for bad in ["\"short\"", "\"unterminated", "has space in it", "\"\""] {
            h.insert(&IDEMPOTENCY_KEY, HeaderValue::from_str(bad).unwrap());
            assert_eq!(
                key(&h, "a", "/p").err().map(|e| e.error.code),
                Some(ErrorCode::IdempotencyKeyInvalid),
                "{bad}"
            );
        }
        h.insert(
            &IDEMPOTENCY_KEY,
            HeaderValue::from_static("\"8e03978e-40d5-43e8-bc93-6894a57f9324\""),
        );
        let quoted = key(&h, "a", "/p").unwrap();
        h.insert(
            &IDEMPOTENCY_KEY,
            HeaderValue::from_static("8e03978e-40d5-43e8-bc93-6894a57f9324"),
        );
        let bare = key(&h, "a", "/p").unwrap();
        assert_eq!(quoted.store_key, bare.store_key);
        assert_ne!(key(&h, "b", "/p").unwrap().store_key, bare.store_key);

        let a: serde_json::Value = serde_json::from_str(r#"{"b": 1.0, "a": [1, "x"]}"#).unwrap();
        let b: serde_json::Value = serde_json::from_str(r#"{"a":[1,"x"],"b":1}"#).unwrap();
        assert_eq!(fingerprint(&a).unwrap(), fingerprint(&b).unwrap());
        let c: serde_json::Value = serde_json::from_str(r#"{"a":[1,"x"],"b":2}"#).unwrap();
        assert_ne!(fingerprint(&a).unwrap(), fingerprint(&c).unwrap());
    }
}
