//! The ten national dossier status codes (`StatusCode`): their numbers,
//! Vietnamese names and which are final. The transitions between them are
//! the spec's "Status" table.

/// `StatusCode`: a national dossier status, 1–10.
pub type StatusCode = u8;

/// 1 Mới đăng ký: submitted, not yet received by an officer.
pub const REGISTERED: StatusCode = 1;
/// 2 Được tiếp nhận: accepted for processing.
pub const ACCEPTED: StatusCode = 2;
/// 3 Không được tiếp nhận: not accepted (final).
pub const NOT_ACCEPTED: StatusCode = 3;
/// 4 Đang xử lý: being processed.
pub const PROCESSING: StatusCode = 4;
/// 5 Yêu cầu bổ sung giấy tờ: supplementary documents requested.
pub const SUPPLEMENT_REQUESTED: StatusCode = 5;
/// 6 Yêu cầu thực hiện nghĩa vụ tài chính: payment requested.
pub const FEE_REQUESTED: StatusCode = 6;
/// 7 Công dân yêu cầu rút hồ sơ: the applicant asked to withdraw.
pub const WITHDRAWAL_REQUESTED: StatusCode = 7;
/// 8 Dừng xử lý: processing stopped (final).
pub const STOPPED: StatusCode = 8;
/// 9 Đã xử lý xong: processed, result ready.
pub const PROCESSED: StatusCode = 9;
/// 10 Đã trả kết quả: result returned (final).
pub const RESULT_RETURNED: StatusCode = 10;

/// Every status code, in order.
pub const ALL: [StatusCode; 10] = [
    REGISTERED,
    ACCEPTED,
    NOT_ACCEPTED,
    PROCESSING,
    SUPPLEMENT_REQUESTED,
    FEE_REQUESTED,
    WITHDRAWAL_REQUESTED,
    STOPPED,
    PROCESSED,
    RESULT_RETURNED,
];

/// The Vietnamese name of a status code (`Không rõ` for a number that is
/// not one).
pub fn status_name(status: StatusCode) -> &'static str {
    match status {
        REGISTERED => "Mới đăng ký",
        ACCEPTED => "Được tiếp nhận",
        NOT_ACCEPTED => "Không được tiếp nhận",
        PROCESSING => "Đang xử lý",
        SUPPLEMENT_REQUESTED => "Yêu cầu bổ sung giấy tờ",
        FEE_REQUESTED => "Yêu cầu thực hiện nghĩa vụ tài chính",
        WITHDRAWAL_REQUESTED => "Công dân yêu cầu rút hồ sơ",
        STOPPED => "Dừng xử lý",
        PROCESSED => "Đã xử lý xong",
        RESULT_RETURNED => "Đã trả kết quả",
        _ => "Không rõ",
    }
}

/// Statuses nothing moves a dossier out of (3, 8 and 10).
pub fn is_final(status: StatusCode) -> bool {
    matches!(status, NOT_ACCEPTED | STOPPED | RESULT_RETURNED)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ten_named_codes_three_final() {
        assert!(ALL.iter().all(|s| status_name(*s) != "Không rõ"));
        assert_eq!(status_name(11), "Không rõ");
        let finals: Vec<StatusCode> = ALL.into_iter().filter(|s| is_final(*s)).collect();
        assert_eq!(finals, [3, 8, 10]);
    }
}
