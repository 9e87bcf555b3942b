//! The API's error body: every failure answers `{code, message_vi,
//! message_en}` (plus `issues` and `details` where the spec gives them) with
//! the right HTTP status and headers, never a bare text or a panic.

use axum::http::{header, HeaderName, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::Serialize;

/// One problem with one field of a request (`FieldIssue` in the spec).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct FieldIssue {
    pub field: String,
    pub code: String,
    pub message_vi: String,
    pub message_en: String,
}

impl FieldIssue {
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

    /// A core validation problem, reported against `field`.
    pub fn from_problem(field: impl Into<String>, p: hoso_core::validate::Problem) -> FieldIssue {
        FieldIssue::new(field, p.code, p.message_vi, p.message_en)
    }
}

impl From<hoso_core::form::FieldIssue> for FieldIssue {
    fn from(i: hoso_core::form::FieldIssue) -> FieldIssue {
        FieldIssue {
            field: i.field,
            code: i.code,
            message_vi: i.message_vi,
            message_en: i.message_en,
        }
    }
}

/// One API error, as the client receives it. Boxed, so handlers' `Result`s
/// stay one pointer wide on the success path.
#[derive(Debug, Clone)]
pub struct ApiError(Box<ErrorBody>);

/// The fields of an [`ApiError`].
#[derive(Debug, Clone, Serialize)]
pub struct ErrorBody {
    #[serde(skip)]
    pub status: StatusCode,
    pub code: &'static str,
    pub message_vi: String,
    pub message_en: String,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub issues: Vec<FieldIssue>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub details: Option<serde_json::Value>,
    /// Extra response headers (`Retry-After`, `WWW-Authenticate`, tus).
    #[serde(skip)]
    pub headers: Vec<(HeaderName, HeaderValue)>,
}

impl ApiError {
    pub fn new(
        status: StatusCode,
        code: &'static str,
        vi: impl Into<String>,
        en: impl Into<String>,
    ) -> ApiError {
        ApiError(Box::new(ErrorBody {
            status,
            code,
            message_vi: vi.into(),
            message_en: en.into(),
            issues: Vec::new(),
            details: None,
            headers: Vec::new(),
        }))
    }

    pub fn with_issues(mut self, issues: Vec<FieldIssue>) -> ApiError {
        self.0.issues = issues;
        self
    }

    pub fn with_details(mut self, details: serde_json::Value) -> ApiError {
        self.0.details = Some(details);
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
            "not_found",
            "Không tìm thấy",
            "Not found",
        )
    }

    pub fn bad_request(vi: impl Into<String>, en: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::BAD_REQUEST, "bad_request", vi, en)
    }

    /// `422 validation_failed` with every problem found.
    pub fn validation(issues: Vec<FieldIssue>) -> ApiError {
        ApiError::new(
            StatusCode::UNPROCESSABLE_ENTITY,
            "validation_failed",
            "Dữ liệu chưa hợp lệ",
            "The data is not valid",
        )
        .with_issues(issues)
    }

    pub fn unauthorized() -> ApiError {
        ApiError::new(
            StatusCode::UNAUTHORIZED,
            "unauthorized",
            "Cần đăng nhập",
            "Authentication is required",
        )
        .with_header(header::WWW_AUTHENTICATE, HeaderValue::from_static("Bearer"))
    }

    pub fn invalid_state(status: u8, vi: impl Into<String>, en: impl Into<String>) -> ApiError {
        ApiError::new(StatusCode::CONFLICT, "invalid_state", vi, en)
            .with_details(serde_json::json!({ "status": status }))
    }

    pub fn rate_limited(seconds: u64) -> ApiError {
        ApiError::new(
            StatusCode::TOO_MANY_REQUESTS,
            "rate_limited",
            "Quá nhiều yêu cầu; vui lòng thử lại sau ít phút",
            "Too many requests; please retry shortly",
        )
        .retry_after(seconds)
    }

    pub fn unavailable(seconds: u64) -> ApiError {
        ApiError::new(
            StatusCode::SERVICE_UNAVAILABLE,
            "unavailable",
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
            "internal",
            "Lỗi máy chủ; vui lòng thử lại",
            "Server error; please retry",
        )
    }

    pub fn body_too_large(max_bytes: u64) -> ApiError {
        ApiError::new(
            StatusCode::PAYLOAD_TOO_LARGE,
            "body_too_large",
            format!("Nội dung yêu cầu quá lớn (tối đa {max_bytes} byte)"),
            format!("The request body is too large (at most {max_bytes} bytes)"),
        )
        .with_details(serde_json::json!({ "max_bytes": max_bytes }))
    }

    pub fn unsupported_media_type() -> ApiError {
        ApiError::new(
            StatusCode::UNSUPPORTED_MEDIA_TYPE,
            "unsupported_media_type",
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
    type Target = ErrorBody;

    fn deref(&self) -> &ErrorBody {
        &self.0
    }
}

impl Serialize for ApiError {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        self.0.serialize(s)
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let body = *self.0;
        let mut response = (body.status, axum::Json(&body)).into_response();
        let headers = response.headers_mut();
        for (name, value) in body.headers {
            headers.insert(name, value);
        }
        response
    }
}
