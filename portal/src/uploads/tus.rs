//! The tus 1.0 wire: the `Tus-Resumable` requirement (`400` without it,
//! where tus says `412`: ADR 0005),
//! the request headers a PATCH carries (`Upload-Offset`, `Upload-Checksum`,
//! the chunk content type), the response headers, and the upload error
//! answers of the spec (`upload_*`, `checksum_algorithm_unsupported`,
//! `media_type_mismatch`, `tus_version_unsupported`), each in Vietnamese and
//! English.

use crate::error::ApiError;
use crate::extract::media_type_in;
use axum::extract::FromRequestParts;
use axum::http::request::Parts;
use axum::http::{header, HeaderMap, HeaderName, HeaderValue, StatusCode};
use base64::engine::{GeneralPurpose, GeneralPurposeConfig};
use base64::Engine;
use hoso_wire::ErrorCode;

pub(super) const VERSION: &str = "1.0.0";
pub(super) const EXTENSIONS: &str = "creation,checksum,expiration,termination";

pub(super) const TUS_RESUMABLE: HeaderName = HeaderName::from_static("tus-resumable");
pub(super) const TUS_VERSION: HeaderName = HeaderName::from_static("tus-version");
pub(super) const TUS_EXTENSION: HeaderName = HeaderName::from_static("tus-extension");
pub(super) const TUS_MAX_SIZE: HeaderName = HeaderName::from_static("tus-max-size");
pub(super) const TUS_CHECKSUM_ALGORITHM: HeaderName =
    HeaderName::from_static("tus-checksum-algorithm");
pub(super) const UPLOAD_OFFSET: HeaderName = HeaderName::from_static("upload-offset");
pub(super) const UPLOAD_LENGTH: HeaderName = HeaderName::from_static("upload-length");
pub(super) const UPLOAD_EXPIRES: HeaderName = HeaderName::from_static("upload-expires");
const UPLOAD_CHECKSUM: HeaderName = HeaderName::from_static("upload-checksum");

/// A request carrying `Tus-Resumable: 1.0.0`.
pub(super) struct Tus;

impl<S: Send + Sync> FromRequestParts<S> for Tus {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Tus, ApiError> {
        match parts.headers.get(&TUS_RESUMABLE).map(|v| v.as_bytes()) {
            Some(v) if v == VERSION.as_bytes() => Ok(Tus),
            _ => Err(ApiError::new(
                StatusCode::BAD_REQUEST,
                ErrorCode::TusVersionUnsupported,
                "Cần tiêu đề Tus-Resumable 1.0.0",
                "Tus-Resumable 1.0.0 is required",
            )
            .with_header(TUS_VERSION, HeaderValue::from_static(VERSION))),
        }
    }
}

/// Every response of the upload routes says which tus it speaks.
pub(super) async fn stamp(mut response: axum::response::Response) -> axum::response::Response {
    response
        .headers_mut()
        .insert(TUS_RESUMABLE, HeaderValue::from_static(VERSION));
    response
}

/// Is the body a chunk: `application/offset+octet-stream` (tus), or plain
/// `application/octet-stream`, which the spec accepts the same way?
pub(super) fn is_chunk(headers: &HeaderMap) -> bool {
    media_type_in(
        headers,
        &[
            "application/offset+octet-stream",
            "application/octet-stream",
        ],
    )
}

/// `Upload-Offset` of a PATCH (`400` when missing, not a number, or past
/// the spec's int64 range).
pub(super) fn upload_offset(headers: &HeaderMap) -> Result<u64, ApiError> {
    headers
        .get(&UPLOAD_OFFSET)
        .and_then(|v| v.to_str().ok())
        .filter(|v| !v.is_empty() && v.bytes().all(|b| b.is_ascii_digit()))
        .and_then(|v| v.parse::<i64>().ok())
        .and_then(|n| u64::try_from(n).ok())
        .ok_or_else(|| {
            ApiError::bad_request(
                "Thiếu hoặc sai tiêu đề Upload-Offset",
                "Upload-Offset is missing or not a number",
            )
        })
}

/// The `Upload-Checksum` digest of a PATCH, if any: only `sha256`.
pub(super) fn upload_checksum(headers: &HeaderMap) -> Result<Option<[u8; 32]>, ApiError> {
    let Some(value) = headers.get(&UPLOAD_CHECKSUM) else {
        return Ok(None);
    };
    let malformed = || {
        ApiError::bad_request(
            "Tiêu đề Upload-Checksum không đúng định dạng (sha256 <base64>)",
            "Upload-Checksum is malformed (sha256 <base64>)",
        )
    };
    let text = value.to_str().map_err(|_| malformed())?;
    let (algorithm, encoded) = text.trim().split_once(' ').ok_or_else(malformed)?;
    if algorithm != "sha256" {
        return Err(ApiError::new(
            StatusCode::BAD_REQUEST,
            ErrorCode::ChecksumAlgorithmUnsupported,
            "Chỉ hỗ trợ kiểm tra sha256 cho từng phần tải lên",
            "Only sha256 chunk checksums are supported",
        ));
    }
    // Lenient about non-zero padding bits: a digest that decodes is then
    // compared with the chunk (460 when it differs), never refused as 400.
    let lenient = GeneralPurpose::new(
        &base64::alphabet::STANDARD,
        GeneralPurposeConfig::new().with_decode_allow_trailing_bits(true),
    );
    let bytes = lenient.decode(encoded.trim()).map_err(|_| malformed())?;
    <[u8; 32]>::try_from(bytes.as_slice())
        .map(Some)
        .map_err(|_| malformed())
}

/// The declared `Content-Length`, if any.
pub(super) fn content_length(headers: &HeaderMap) -> Option<u64> {
    headers
        .get(header::CONTENT_LENGTH)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse().ok())
}

fn offset_details(error: ApiError, offset: u64) -> ApiError {
    error
        .with_detail("offset", offset)
        .with_header(UPLOAD_OFFSET, HeaderValue::from(offset))
}

/// `409 upload_offset_mismatch`: resume from `offset`.
pub(super) fn offset_mismatch(offset: u64) -> ApiError {
    offset_details(
        ApiError::new(
            StatusCode::CONFLICT,
            ErrorCode::UploadOffsetMismatch,
            "Vị trí tải lên không khớp; hãy tiếp tục từ vị trí máy chủ đã nhận",
            "Upload offset mismatch; resume from the offset the server holds",
        ),
        offset,
    )
}

/// `460 upload_checksum_mismatch`: the chunk was discarded.
pub(super) fn checksum_mismatch(offset: u64) -> ApiError {
    let status = StatusCode::from_u16(460).unwrap_or(StatusCode::BAD_REQUEST);
    offset_details(
        ApiError::new(
            status,
            ErrorCode::UploadChecksumMismatch,
            "Phần dữ liệu vừa gửi bị lỗi trên đường truyền và đã bị bỏ; hãy gửi lại",
            "The chunk was corrupted in transit and discarded; send it again",
        ),
        offset,
    )
}

/// `400 bad_request`: the chunk's body ended early; `offset` is what is
/// stored now (the bytes received were kept, or none with a checksum).
pub(super) fn chunk_cut(offset: u64, kept: bool) -> ApiError {
    let error = if kept {
        ApiError::bad_request(
            "Phần dữ liệu bị ngắt giữa chừng; phần đã nhận được giữ lại, hãy tiếp tục từ vị trí máy chủ đã nhận",
            "The chunk was cut off; the bytes received were kept, resume from the offset the server holds",
        )
    } else {
        ApiError::bad_request(
            "Phần dữ liệu bị ngắt giữa chừng nên không kiểm tra được và đã bị bỏ; hãy gửi lại",
            "The chunk was cut off, so it could not be verified and was discarded; send it again",
        )
    };
    offset_details(error, offset)
}

/// A size as people read it: `2 GiB`, `16 MiB`, `1000 byte`.
fn human(bytes: u64) -> String {
    for (unit, name) in [(1u64 << 30, "GiB"), (1 << 20, "MiB"), (1 << 10, "KiB")] {
        if bytes >= unit && bytes % unit == 0 {
            return format!("{} {name}", bytes / unit);
        }
    }
    format!("{bytes} byte")
}

/// `413 upload_too_large`: a declared size over `Tus-Max-Size`.
pub(super) fn upload_too_large(max_bytes: u64) -> ApiError {
    let h = human(max_bytes);
    ApiError::new(
        StatusCode::PAYLOAD_TOO_LARGE,
        ErrorCode::UploadTooLarge,
        format!("Tệp vượt quá dung lượng cho phép ({h})"),
        format!("The file is over the size limit ({h})"),
    )
    .with_detail("max_bytes", max_bytes)
}

/// `413 upload_too_large`: data past `Upload-Length`; `room` bytes are
/// still expected.
pub(super) fn past_length(room: u64) -> ApiError {
    ApiError::new(
        StatusCode::PAYLOAD_TOO_LARGE,
        ErrorCode::UploadTooLarge,
        "Dữ liệu gửi vượt quá dung lượng đã khai báo của tệp; không lưu phần nào",
        "The data goes past the upload's declared length; nothing was stored",
    )
    .with_detail("max_bytes", room)
}

/// `410 upload_expired`.
pub(super) fn expired() -> ApiError {
    ApiError::new(
        StatusCode::GONE,
        ErrorCode::UploadExpired,
        "Phiên tải lên đã hết hạn; hãy tạo phiên mới",
        "The upload has expired; create a new one",
    )
}

/// `409 upload_quota_exceeded`: the account's unfinished uploads are at
/// their quota; one must complete, be deleted or expire first.
pub(super) fn quota_exceeded(max_uploads: u64, max_bytes: u64) -> ApiError {
    ApiError::new(
        StatusCode::CONFLICT,
        ErrorCode::UploadQuotaExceeded,
        format!(
            "Tài khoản đã có quá nhiều tệp đang tải lên dở (tối đa {max_uploads} tệp, tổng {max_bytes} byte); hãy hoàn tất hoặc hủy bớt"
        ),
        format!(
            "The account has too many unfinished uploads (at most {max_uploads}, {max_bytes} bytes declared in all); finish or delete one first"
        ),
    )
    .with_detail("max_uploads", max_uploads)
    .with_detail("max_bytes", max_bytes)
}

/// `422 upload_hash_mismatch`: the upload was discarded.
pub(super) fn hash_mismatch(declared: &str) -> ApiError {
    ApiError::new(
        StatusCode::UNPROCESSABLE_ENTITY,
        ErrorCode::UploadHashMismatch,
        "Tệp tải lên không khớp mã băm đã khai báo; tệp đã bị hủy, hãy tải lại",
        "The uploaded file does not match its declared hash; it was discarded, upload it again",
    )
    .with_detail("declared_sha256", declared)
}

/// `422 media_type_mismatch`: the upload was discarded.
pub(super) fn media_type_mismatch(declared: &str, found: &str) -> ApiError {
    ApiError::new(
        StatusCode::UNPROCESSABLE_ENTITY,
        ErrorCode::MediaTypeMismatch,
        format!("Nội dung tệp không phải {declared} như đã khai báo (là {found}); tệp đã bị hủy"),
        format!(
            "The file's content is not the declared {declared} (it is {found}); it was discarded"
        ),
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn checksums_and_sizes() {
        let mut h = HeaderMap::new();
        assert_eq!(upload_checksum(&h).unwrap(), None);
        h.insert(
            "upload-checksum",
            HeaderValue::from_static("sha256 bIf2g3GyiVRwfruSr+58z/t0xvceyP6oqYz2EEKJWFs="),
        );
        assert!(upload_checksum(&h).unwrap().is_some());
        h.insert(
            "upload-checksum",
            HeaderValue::from_static("sha1 Kq5sNclPz7QV2+lfQIuc6R7oRu0="),
        );
        assert_eq!(
            upload_checksum(&h).unwrap_err().error.code,
            ErrorCode::ChecksumAlgorithmUnsupported
        );
        h.insert("upload-checksum", HeaderValue::from_static("sha256 !!"));
        assert_eq!(
            upload_checksum(&h).unwrap_err().error.code,
            ErrorCode::BadRequest
        );
        assert_eq!(human(2 << 30), "2 GiB");
        assert_eq!(human(16 << 20), "16 MiB");
        assert_eq!(human(1000), "1000 byte");
        h.insert("upload-offset", HeaderValue::from_static("-1"));
        assert!(upload_offset(&h).is_err());
        h.insert("upload-offset", HeaderValue::from_static("1048576"));
        assert_eq!(upload_offset(&h).unwrap(), 1_048_576);
    }
}
