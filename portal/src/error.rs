//! The API's error answers: every failure is the spec's `Error` body
//! (`hoso_wire::Error`: a code, messages in both languages, `issues` and
//! `details` where the spec gives them) with the right HTTP status and
//! headers, never a bare text or a panic.

use axum::http::{header, HeaderName, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use hoso_wire::{Error, ErrorCode};

pub use hoso_wire::FieldIssue;

/// A core validation problem, reported against `field`.
pub fn problem_issue(field: impl Into<String>, p: hoso_core::validate::Problem) -> FieldIssue {
    FieldIssue::new(field, p.code, p.message_vi, p.message_en)
}

/// One API error, as the client receives it. Boxed, so handlers' `Result`s
/// stay one pointer wide on the success path.
#[derive(Debug, Clone)]
pub struct ApiError(Box<ErrorAnswer>);

/// What an [`ApiError`] answers: status, body and extra headers.
#[derive(Debug, Clone)]
pub struct ErrorAnswer {
    pub status: StatusCode,
    pub error: Error,
    /// Extra response headers (`Retry-After`, `WWW-Authenticate`, tus).
    pub headers: Vec<(HeaderName, HeaderValue)>,
}

impl ApiError {
    pub fn new(
        status: StatusCode,
        code: ErrorCode,
        vi: impl Into<String>,
        en: impl Into<String>,
    ) -> ApiError {
        ApiError(Box::new(ErrorAnswer {
            status,
            error: Error::new(code, vi, en),
            headers: Vec::new(),
        }))
    }

    pub fn with_issues(mut self, issues: Vec<FieldIssue>) -> ApiError {
        self.0.error.issues = issues;
        self
    }

    /// Adds `key` to the body's `details`.
    pub fn with_detail(mut self, key: &str, value: impl Into<serde_json::Value>) -> ApiError {
        self.0
            .error
            .details
            .get_or_insert_with(serde_json::Map::new)
            .insert(key.to_string(), value.into());
        self
    }

    pub fn with_header(mut self, name: HeaderName, value: HeaderValue) -> ApiError {
        self.0.headers.push((name, value));
        self
    }

    /// Adds `Retry-After: seconds` (always delay-seconds).
    pub fn retry_after(self, seconds: u64) -> ApiError {
        self.with_header(header::RETRY_AFTER, HeaderValue::from(seconds))
    }

    /// Unknown, or not the caller's: one body for both.
    pub fn not_found() -> ApiError {
        ApiError::new(
            StatusCode::NOT_FOUND,
            ErrorCode::NotFound,
            "Không tìm thấy",
            "Not found",
        )
    }

    pub fn bad_request(vi: impl Into<String>, en: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::BAD_REQUEST, ErrorCode::BadRequest, vi, en)
    }

    /// `422 validation_failed` with every problem found.
    pub fn validation(issues: Vec<FieldIssue>) -> ApiError {
        ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            ErrorCode::ValidationFailed,
            "Dữ liệu chưa hợp lệ",
            "The data is not valid",
        )
        .with_issues(issues)
    }

    pub fn unauthorized() -> ApiError {
        ApiError::new(
            StatusCode::UNAUTHORIZED,
            ErrorCode::Unauthorized,
            "Cần đăng nhập",
            "Authentication is required",
        )
        .with_header(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"))
    }

    pub fn invalid_state(status: u8, vi: impl Into<String>, en: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::CONFLICT, ErrorCode::InvalidState, vi, en)
            .with_detail("status", status)
    }

    pub fn rate_limited(seconds: u64) -> ApiError {
        ApiError::new(
            StatusCode::TOO_MANY_REQUESTS,
            ErrorCode::RateLimited,
            "Quá nhiều yêu cầu; vui lòng thử lại sau ít phút",
            "Too many requests; please retry shortly",
        )
        .retry_after(seconds)
    }

    pub fn unavailable(seconds: u64) -> ApiError {
        ApiError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            ErrorCode::Unavailable,
            "Hệ thống tạm thời không phục vụ được; vui lòng thử lại sau",
            "The service is temporarily unavailable; please retry later",
        )
        .retry_after(seconds)
    }

    /// `500 internal`. The cause goes to the server log only, never to the
    /// client, and never carries personal data (callers pass error kinds).
    pub fn internal(cause: &dyn std::fmt::Display) -> ApiError {
        eprintln!("hoso-portal: internal error: {cause}");
        ApiError::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            ErrorCode::Internal,
            "Lỗi máy chủ; vui lòng thử lại",
            "Server error; please retry",
        )
    }

    pub fn body_too_large(max_bytes: u64) -> ApiError {
        ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            ErrorCode::BodyTooLarge,
            format!("Nội dung yêu cầu quá lớn (tối đa {max_bytes} byte)"),
            format!("The request body is too large (at most {max_bytes} bytes)"),
        )
        .with_detail("max_bytes", max_bytes)
    }

    /// `408 request_timeout`: the body stopped arriving; the connection is
    /// closed after this answer.
    pub fn request_timeout() -> ApiError {
        ApiError::new(
            StatusCode::REQUEST_TIMEOUT,
            ErrorCode::RequestTimeout,
            "Nội dung yêu cầu gửi quá chậm; vui lòng thử lại",
            "The request body did not arrive in time; please retry",
        )
        .with_header(header::CONNECTION, HeaderValue::from_static("close"))
    }

    pub fn unsupported_media_type() -> ApiError {
        ApiError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            ErrorCode::UnsupportedMediaType,
            "Kiểu nội dung không được hỗ trợ",
            "Unsupported content type",
        )
    }
}

impl From<crate::db::DbError> for ApiError {
    fn from(e: crate::db::DbError) -> ApiError {
        ApiError::internal(&e)
    }
}

impl std::ops::Deref for ApiError {
    type Target = ErrorAnswer;

    fn deref(&self) -> &ErrorAnswer {
        &self.0
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let answer = *self.0;
        let mut response = (answer.status, axum::Json(&answer.error)).into_response();
        let headers = response.headers_mut();
        for (name, value) in answer.headers {
            headers.insert(name, value);
        }
        response
    }
}
