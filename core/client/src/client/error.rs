//! How a call to the portal fails: the network, TLS trust, an answer that is
//! not the API's, or the API's own error body with its per-field issues.

use hoso_store::error::{Classified, ErrorKind};

/// Why a call to the portal failed.
#[derive(Debug, Clone, thiserror::Error)]
pub enum PortalError {
    #[error("địa chỉ cổng không hợp lệ / the portal URL is invalid")]
    BadUrl,
    #[error("cổng phải dùng HTTPS (HTTP chỉ cho máy này) / the portal must use HTTPS (plain HTTP only to this machine)")]
    Insecure,
    #[error("không kết nối được với cổng / cannot reach the portal: {0}")]
    Network(String),
    #[error("câu trả lời không phải của cổng (mạng Wi-Fi công cộng cần đăng nhập?) / the answer is not the portal's (a Wi-Fi login page?), HTTP {status}")]
    NotApi { status: u16 },
    #[error("{} / {}", .0.message_vi, .0.message_en)]
    Api(Box<ApiFailure>),
    #[error("câu trả lời của cổng không đúng định dạng / the portal's answer is malformed: {0}")]
    Decode(String),
    #[error("chưa đăng nhập cổng / not logged in to the portal")]
    NotLoggedIn,
    #[error("khóa ghim không hợp lệ (cần base64 của SHA-256 32 byte) / a pinned key is malformed (base64 of a 32-byte SHA-256 expected): {0:?}")]
    BadPin(String),
    #[error("chứng chỉ gốc bổ sung số {index} không hợp lệ / extra root certificate #{index} is invalid: {reason}")]
    BadRoot { index: usize, reason: String },
    #[error("khóa chứng chỉ của cổng không khớp khóa đã ghim (có thể bị chặn giữa đường) / the portal certificate's key does not match the pinned keys (possible interception): {found}")]
    PinMismatch {
        /// The pin of the key the server presented.
        found: String,
    },
    #[error("{} vượt quá giới hạn {limit} byte / {} is larger than the {limit}-byte limit", .what.vi, .what.en)]
    TooLarge {
        what: hoso_store::limits::What,
        limit: u64,
    },
}

/// An error the portal answered with its own body.
#[derive(Debug, Clone)]
pub struct ApiFailure {
    pub status: u16,
    pub code: String,
    pub message_vi: String,
    pub message_en: String,
    /// `Retry-After`, seconds (capped at a day when read from a header).
    pub retry_after: Option<u64>,
    pub issues: Vec<ApiIssue>,
    pub details: serde_json::Value,
}

impl ApiFailure {
    /// `details.offset` of an `upload_offset_mismatch`: where the portal's
    /// copy of the upload ends.
    pub fn server_offset(&self) -> Option<u64> {
        self.details
            .get("offset")
            .and_then(serde_json::Value::as_u64)
    }
}

/// One per-field problem the portal reported (the spec's `FieldIssue`).
pub type ApiIssue = hoso_wire::FieldIssue;

impl PortalError {
    /// The API's error code, if the portal answered with one.
    pub fn code(&self) -> Option<&str> {
        match self {
            PortalError::Api(f) => Some(&f.code),
            _ => None,
        }
    }

    /// A stable machine code for the error: the API's own code for the
    /// ones an app switches on, else what kind of failure it was.
    pub fn error_code(&self) -> &'static str {
        match self {
            PortalError::BadUrl => "bad_url",
            PortalError::Insecure => "insecure_url",
            PortalError::Network(_) | PortalError::NotApi { .. } => "network",
            PortalError::BadPin(_) => "bad_pin",
            PortalError::BadRoot { .. } => "bad_root",
            PortalError::PinMismatch { .. } => "pin_mismatch",
            PortalError::Decode(_) => "bad_answer",
            PortalError::TooLarge { .. } => "too_large",
            PortalError::NotLoggedIn => "not_logged_in",
            PortalError::Api(f) => match f.code.as_str() {
                "invalid_credentials" => "invalid_credentials",
                "account_exists" => "account_exists",
                "validation_failed" => "validation_failed",
                "rate_limited" => "rate_limited",
                "refresh_token_invalid" => "not_logged_in",
                // A volunteer the commune has not approved, or a team
                // list asked for by anyone but the team's leader: the user
                // needs the commune, not a retry.
                "volunteer_not_approved" => "volunteer_not_approved",
                "team_leader_required" => "team_leader_required",
                _ => "portal_error",
            },
        }
    }

    /// Worth retrying later (network trouble, 5xx, 429, an idempotent
    /// request still in flight, the upload quota), as opposed to needing the user. A pin
    /// mismatch counts as network trouble: nothing was sent, and an
    /// intercepting network (hotel Wi-Fi, a proxy) is left behind.
    pub fn is_transient(&self) -> bool {
        match self {
            PortalError::Network(_)
            | PortalError::NotApi { .. }
            | PortalError::PinMismatch { .. } => true,
            PortalError::Api(f) => {
                // An account's unfinished uploads at their quota: others
                // complete or expire, so later the same upload goes through.
                f.status >= 500
                    || f.status == 429
                    || f.code == "idempotency_request_in_progress"
                    || f.code == "upload_quota_exceeded"
            }
            _ => false,
        }
    }

    /// The server's `Retry-After`, in seconds, never more than
    /// [`RETRY_AFTER_MAX_SECS`](hoso_store::limits::RETRY_AFTER_MAX_SECS).
    pub fn retry_after(&self) -> Option<u64> {
        match self {
            PortalError::Api(f) => f
                .retry_after
                .map(|s| s.min(hoso_store::limits::RETRY_AFTER_MAX_SECS)),
            _ => None,
        }
    }
}

impl Classified for PortalError {
    fn kind(&self) -> ErrorKind {
        match self {
            PortalError::BadUrl
            | PortalError::Insecure
            | PortalError::BadPin(_)
            | PortalError::BadRoot { .. } => ErrorKind::InvalidInput,
            PortalError::Network(_)
            | PortalError::NotApi { .. }
            | PortalError::PinMismatch { .. } => ErrorKind::Network,
            PortalError::Decode(_) | PortalError::TooLarge { .. } => ErrorKind::Portal,
            PortalError::NotLoggedIn => ErrorKind::NotLoggedIn,
            PortalError::Api(f) if f.code == "refresh_token_invalid" => ErrorKind::NotLoggedIn,
            PortalError::Api(_) => ErrorKind::Portal,
        }
    }

    fn error_code(&self) -> &'static str {
        self.error_code()
    }
}
