//! Why a paper could not be made: a field missing, too long or repeated too
//! often, a retention out of range, a QR text that is not a receipt; each a
//! typed variant with a stable code, its [`ErrorKind`] and a message in
//! Vietnamese and English.

use hoso_store::error::{Classified, ErrorKind};

/// A field of a paper, named in errors.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Field {
    VolunteerName,
    VolunteerPhone,
    TeamName,
    Commune,
    Province,
    Reference,
    Date,
    Procedures,
    ProcedureCode,
    ProcedureName,
    DataKept,
    DossierCode,
    Agency,
    SubmittedOn,
    AppointmentOn,
    Bring,
    ReceiptQr,
    LookupUrl,
    HelpedBy,
    FeePayee,
    FeeReference,
    FeeUntil,
    FeeQr,
}

impl Field {
    /// A stable name for the field (the struct's field path).
    pub fn name(self) -> &'static str {
        match self {
            Field::VolunteerName => "volunteer.name",
            Field::VolunteerPhone => "volunteer.phone",
            Field::TeamName => "team.name",
            Field::Commune => "team.commune",
            Field::Province => "team.province",
            Field::Reference => "reference",
            Field::Date => "date",
            Field::Procedures => "procedures",
            Field::ProcedureCode => "procedures.code",
            Field::ProcedureName => "procedures.name",
            Field::DataKept => "data_kept",
            Field::DossierCode => "dossier_code",
            Field::Agency => "agency",
            Field::SubmittedOn => "submitted_on",
            Field::AppointmentOn => "appointment_on",
            Field::Bring => "bring",
            Field::ReceiptQr => "receipt_qr",
            Field::LookupUrl => "lookup_url",
            Field::HelpedBy => "helped_by",
            Field::FeePayee => "fee_payment.payee",
            Field::FeeReference => "fee_payment.reference",
            Field::FeeUntil => "fee_payment.until",
            Field::FeeQr => "fee_payment.vietqr",
        }
    }

    fn vi(self) -> &'static str {
        match self {
            Field::VolunteerName => "tên tình nguyện viên",
            Field::VolunteerPhone => "số điện thoại của tình nguyện viên",
            Field::TeamName => "tên tổ công nghệ số",
            Field::Commune => "xã, phường",
            Field::Province => "tỉnh, thành phố",
            Field::Reference => "số phiếu đồng ý",
            Field::Date => "ngày lập phiếu",
            Field::Procedures => "thủ tục",
            Field::ProcedureCode => "mã thủ tục",
            Field::ProcedureName => "tên thủ tục",
            Field::DataKept => "loại dữ liệu được lưu",
            Field::DossierCode => "mã hồ sơ",
            Field::Agency => "cơ quan tiếp nhận",
            Field::SubmittedOn => "ngày nộp",
            Field::AppointmentOn => "ngày hẹn trả kết quả",
            Field::Bring => "giấy tờ cần mang theo",
            Field::ReceiptQr => "nội dung mã QR biên nhận",
            Field::LookupUrl => "đường dẫn tra cứu",
            Field::HelpedBy => "người giúp nộp",
            Field::FeePayee => "người nhận tiền phí",
            Field::FeeReference => "nội dung chuyển khoản",
            Field::FeeUntil => "hạn nộp phí",
            Field::FeeQr => "mã VietQR nộp phí",
        }
    }

    fn en(self) -> &'static str {
        match self {
            Field::VolunteerName => "the volunteer's name",
            Field::VolunteerPhone => "the volunteer's phone number",
            Field::TeamName => "the team's name",
            Field::Commune => "the commune",
            Field::Province => "the province",
            Field::Reference => "the consent reference",
            Field::Date => "the form's date",
            Field::Procedures => "procedures",
            Field::ProcedureCode => "a procedure code",
            Field::ProcedureName => "a procedure name",
            Field::DataKept => "kinds of personal data kept",
            Field::DossierCode => "the dossier code",
            Field::Agency => "the receiving agency",
            Field::SubmittedOn => "the submission date",
            Field::AppointmentOn => "the appointment date",
            Field::Bring => "lines of what to bring",
            Field::ReceiptQr => "the receipt QR text",
            Field::LookupUrl => "the lookup link",
            Field::HelpedBy => "who helped",
            Field::FeePayee => "the fee's payee",
            Field::FeeReference => "the transfer message",
            Field::FeeUntil => "the fee's deadline",
            Field::FeeQr => "the fee's VietQR",
        }
    }
}

/// Why a paper was not made. Nothing is half-made: a paper is either
/// returned whole or not at all.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PaperError {
    #[error("thiếu {} / missing {}", .0.vi(), .0.en())]
    Missing(Field),
    #[error(
        "{} quá dài (tối đa {max} ký tự) / too long: {} (at most {max} characters)",
        .field.vi(),
        .field.en()
    )]
    TooLong { field: Field, max: usize },
    #[error("quá nhiều {} (tối đa {max}) / too many {} (at most {max})", .field.vi(), .field.en())]
    TooMany { field: Field, max: usize },
    #[error(
        "thời hạn lưu phải từ 1 đến 3.650 ngày, không phải {0} / retention must be 1 to 3,650 days, not {0}"
    )]
    Retention(u32),
    #[error(
        "nội dung mã QR không phải biên nhận hoso (HS1:…) / the QR text is not a hoso receipt (HS1:…)"
    )]
    NotAReceipt,
    #[error(
        "nội dung mã QR nộp phí không phải mã VietQR (000201…) / the fee QR text is not a VietQR payload (000201…)"
    )]
    NotAPaymentQr,
    #[error("biên nhận quá dài để in thành mã QR / the receipt is too long to print as a QR code")]
    QrTooLong,
    #[error("không tạo được tệp ({0}) / cannot make the file ({0})")]
    Render(String),
}

impl PaperError {
    /// A stable machine code for the error.
    pub fn code(&self) -> &'static str {
        match self {
            PaperError::Missing(_) => "paper_field_missing",
            PaperError::TooLong { .. } => "paper_field_too_long",
            PaperError::TooMany { .. } => "paper_too_many",
            PaperError::Retention(_) => "paper_retention_out_of_range",
            PaperError::NotAReceipt => "paper_not_a_receipt",
            PaperError::NotAPaymentQr => "paper_not_a_payment_qr",
            PaperError::QrTooLong => "paper_qr_too_long",
            PaperError::Render(_) => "paper_render_failed",
        }
    }

    /// The field at fault, when one is.
    pub fn field(&self) -> Option<Field> {
        match self {
            PaperError::Missing(field)
            | PaperError::TooLong { field, .. }
            | PaperError::TooMany { field, .. } => Some(*field),
            PaperError::Retention(_) => None,
            PaperError::NotAReceipt | PaperError::QrTooLong => Some(Field::ReceiptQr),
            PaperError::NotAPaymentQr => Some(Field::FeeQr),
            PaperError::Render(_) => None,
        }
    }
}

impl Classified for PaperError {
    fn kind(&self) -> ErrorKind {
        match self {
            PaperError::Missing(_)
            | PaperError::TooLong { .. }
            | PaperError::TooMany { .. }
            | PaperError::Retention(_)
            | PaperError::NotAPaymentQr => ErrorKind::InvalidInput,
            PaperError::NotAReceipt | PaperError::QrTooLong => ErrorKind::Receipt,
            PaperError::Render(_) => ErrorKind::Internal,
        }
    }

    fn error_code(&self) -> &'static str {
        self.code()
    }
}
