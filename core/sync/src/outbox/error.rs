//! Why a submission could not be queued, read or saved. Nothing saved is
//! lost by any of these.

use crate::draft::DraftError;
use crate::filed::FiledError;
use crate::vault::VaultError;
use hoso_store::error::{Classified, ErrorKind};

/// Why an outbox operation failed.
#[derive(Debug, thiserror::Error)]
pub enum OutboxError {
    #[error(transparent)]
    Draft(#[from] DraftError),
    #[error(transparent)]
    Filed(#[from] FiledError),
    #[error(transparent)]
    Vault(#[from] VaultError),
    #[error("bản nháp chưa đủ để nộp: thiếu {missing}, sai {invalid} mục / the draft is not ready to submit: {missing} missing, {invalid} invalid")]
    NotReady { missing: usize, invalid: usize },
    /// The procedure's form changed since the draft was started and some
    /// values need moving or review (`draft upgrade` first).
    #[error("mẫu của thủ tục đã đổi: {changes} giá trị cần chuyển hoặc xem lại; hãy cập nhật bản nháp trước / the procedure's form changed: {changes} values need moving or review; upgrade the draft first")]
    FormChanged { changes: usize },
    #[error("cần mã cơ quan tiếp nhận hồ sơ / the receiving agency's code is required")]
    AgencyRequired,
    #[error("không có hồ sơ chờ gửi {shown} / no queued submission {shown}", shown = crate::text::shown_if_identifier(.0))]
    NoSubmission(String),
    #[error("hồ sơ chờ gửi {0} không đọc được / submission {0} is unreadable")]
    SubmissionDamaged(String),
    #[error("hồ sơ {shown} không có yêu cầu bổ sung nào đang mở (hãy cập nhật trạng thái) / dossier {shown} has no open supplement request (refresh its status)", shown = crate::text::shown_if_identifier(.0))]
    NoSupplementRequest(String),
    #[error("cần ghi lý do rút hồ sơ (tối đa 1000 ký tự) / give a reason for withdrawing (at most 1,000 characters)")]
    BadReason,
    #[error("hệ thống không cấp được số ngẫu nhiên / the system could not provide randomness")]
    Randomness,
    #[error("không tạo được nội dung gửi cổng / the request to the portal could not be written")]
    Unsendable,
}

impl OutboxError {
    /// A stable machine code for the error.
    pub fn code(&self) -> &'static str {
        match self {
            OutboxError::Draft(e) => e.code(),
            OutboxError::Filed(e) => e.code(),
            OutboxError::Vault(e) => e.code(),
            OutboxError::NotReady { .. } => "draft_not_ready",
            OutboxError::FormChanged { .. } => "draft_form_changed",
            OutboxError::AgencyRequired => "agency_required",
            OutboxError::NoSubmission(_) => "submission_not_found",
            OutboxError::SubmissionDamaged(_) => "damaged",
            OutboxError::NoSupplementRequest(_) => "no_supplement_request",
            OutboxError::BadReason => "bad_reason",
            OutboxError::Randomness => "randomness",
            OutboxError::Unsendable => "internal",
        }
    }
}

impl Classified for OutboxError {
    fn kind(&self) -> ErrorKind {
        match self {
            OutboxError::Draft(e) => e.kind(),
            OutboxError::Filed(e) => e.kind(),
            OutboxError::Vault(e) => e.kind(),
            OutboxError::NotReady { .. } | OutboxError::FormChanged { .. } => ErrorKind::NotReady,
            OutboxError::NoSubmission(_) => ErrorKind::NotFound,
            OutboxError::AgencyRequired
            | OutboxError::NoSupplementRequest(_)
            | OutboxError::BadReason => ErrorKind::InvalidInput,
            OutboxError::SubmissionDamaged(_) => ErrorKind::Damaged,
            OutboxError::Randomness | OutboxError::Unsendable => ErrorKind::Internal,
        }
    }

    fn error_code(&self) -> &'static str {
        self.code()
    }
}
