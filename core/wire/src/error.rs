//! The error body every failure answers (`Error`): a code from the closed
//! `ErrorCode` list — the only thing a client branches on — messages in
//! Vietnamese and English, per-field issues and machine-readable details.

use serde::{Deserialize, Serialize};

string_enum! {
    /// `ErrorCode`: what went wrong, one code per kind of failure (the HTTP
    /// status of each is in the spec).
    pub enum ErrorCode {
        /// 400: malformed JSON, or a body, parameter or header the spec rejects.
        BadRequest = "bad_request",
        /// 401: no, unknown or revoked access (or admin) token.
        Unauthorized = "unauthorized",
        /// 401: the access token has expired; refresh it.
        TokenExpired = "token_expired",
        /// 401: login with a wrong phone number or password.
        InvalidCredentials = "invalid_credentials",
        /// 401: refresh token unknown, expired, revoked or already spent.
        RefreshTokenInvalid = "refresh_token_invalid",
        /// 409: registration with a phone number already registered.
        AccountExists = "account_exists",
        /// 403: a volunteer account the commune has not approved (pending
        /// or revoked) files, answers or withdraws for a resident.
        VolunteerNotApproved = "volunteer_not_approved",
        /// 403: the team's dossiers are for its approved leader only.
        TeamLeaderRequired = "team_leader_required",
        /// 404: unknown, or not the caller's (the same body).
        NotFound = "not_found",
        /// 405: a method the spec does not list for the path.
        MethodNotAllowed = "method_not_allowed",
        /// 415: wrong `Content-Type`.
        UnsupportedMediaType = "unsupported_media_type",
        /// 413: request body or chunk over the cap.
        BodyTooLarge = "body_too_large",
        /// 422: semantically invalid; see `issues`.
        ValidationFailed = "validation_failed",
        /// 400: `Idempotency-Key` missing.
        IdempotencyKeyMissing = "idempotency_key_missing",
        /// 400: `Idempotency-Key` malformed.
        IdempotencyKeyInvalid = "idempotency_key_invalid",
        /// 422: `Idempotency-Key` already used with a different body.
        IdempotencyKeyReused = "idempotency_key_reused",
        /// 409: a request with this key is still being processed.
        IdempotencyRequestInProgress = "idempotency_request_in_progress",
        /// 409: the dossier's status does not allow the operation.
        InvalidState = "invalid_state",
        /// 409: an admin status change the table does not allow.
        InvalidTransition = "invalid_transition",
        /// 400: `Tus-Resumable` missing or not 1.0.0 (tus 1.0 says 412; ADR 0005).
        TusVersionUnsupported = "tus_version_unsupported",
        /// 400: an `Upload-Checksum` algorithm other than sha256.
        ChecksumAlgorithmUnsupported = "checksum_algorithm_unsupported",
        /// 409: `Upload-Offset` is not the current offset (`details.offset`).
        UploadOffsetMismatch = "upload_offset_mismatch",
        /// 460: chunk checksum mismatch; chunk discarded.
        UploadChecksumMismatch = "upload_checksum_mismatch",
        /// 422: the completed upload does not hash to the declared SHA-256.
        UploadHashMismatch = "upload_hash_mismatch",
        /// 422: the completed upload is not the declared media type.
        MediaTypeMismatch = "media_type_mismatch",
        /// 413: a declared size over `Tus-Max-Size`, or data past `Upload-Length`.
        UploadTooLarge = "upload_too_large",
        /// 410: upload expired or abandoned.
        UploadExpired = "upload_expired",
        /// 409: the account's unfinished uploads are at their quota
        /// (`details.max_uploads`, `details.max_bytes`).
        UploadQuotaExceeded = "upload_quota_exceeded",
        /// 409: no delta from that catalog version (`details.current_version`).
        CatalogVersionUnavailable = "catalog_version_unavailable",
        /// 409: an admin catalog install not newer than the current one.
        CatalogVersionNotNewer = "catalog_version_not_newer",
        /// 422: an admin catalog install with an invalid bundle.
        BundleInvalid = "bundle_invalid",
        /// 400: malformed cursor.
        CursorInvalid = "cursor_invalid",
        /// 410: cursor older than the feed kept.
        CursorExpired = "cursor_expired",
        /// 429: rate limit (`Retry-After`).
        RateLimited = "rate_limited",
        /// 408: the request body did not arrive in time.
        RequestTimeout = "request_timeout",
        /// 500: server failure.
        Internal = "internal",
        /// 503: temporarily unavailable (`Retry-After`).
        Unavailable = "unavailable",
    }
}

/// `Error`: the body of every error answer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Error {
    pub code: ErrorCode,
    /// For people, in Vietnamese.
    pub message_vi: String,
    /// For people, in English.
    pub message_en: String,
    /// Per-field problems (`validation_failed`; `bad_request` for schema
    /// mismatches); left out when there are none.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub issues: Vec<FieldIssue>,
    /// Machine-readable extras by code: `offset`, `current_version`,
    /// `status`, `from`/`to`, `max_bytes`, `declared_sha256`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub details: Option<serde_json::Map<String, serde_json::Value>>,
}

impl Error {
    /// An error with its code and messages, no issues or details.
    pub fn new(code: ErrorCode, vi: impl Into<String>, en: impl Into<String>) -> Error {
        Error {
            code,
            message_vi: vi.into(),
            message_en: en.into(),
            issues: Vec::new(),
            details: None,
        }
    }
}

impl std::fmt::Display for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(
            f,
            "{} / {} ({})",
            self.message_vi, self.message_en, self.code
        )
    }
}

impl std::error::Error for Error {}

/// `FieldIssue`: one problem with one field, located by value path
/// (`child.date_of_birth`), `documents.<slot>[i]`, a top-level field name or
/// a JSON pointer (`/nickname`) for schema mismatches.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct FieldIssue {
    pub field: String,
    /// `core::validate` / `core::form` codes and the server's own
    /// (`^[a-z][a-z0-9_]*$`).
    pub code: String,
    pub message_vi: String,
    pub message_en: String,
}

impl FieldIssue {
    /// An issue with `field`, `code` and both messages.
    pub fn new(
        field: impl Into<String>,
        code: impl Into<String>,
        vi: impl Into<String>,
        en: impl Into<String>,
    ) -> FieldIssue {
        FieldIssue {
            field: field.into(),
            code: code.into(),
            message_vi: vi.into(),
            message_en: en.into(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn issues_and_details_are_left_out_when_empty() {
        let e = Error::new(ErrorCode::NotFound, "Không tìm thấy", "Not found");
        assert_eq!(
            serde_json::to_value(&e).ok(),
            Some(serde_json::json!({
                "code": "not_found", "message_vi": "Không tìm thấy", "message_en": "Not found"
            }))
        );
        let read: Result<Error, _> = serde_json::from_str(
            r#"{"code":"rate_limited","message_vi":"a","message_en":"b","later":1}"#,
        );
        assert_eq!(read.map(|e| e.code).ok(), Some(ErrorCode::RateLimited));
    }
}
