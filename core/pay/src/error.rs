//! Why a VietQR payload or a payment was refused: the payload's structure
//! (length, tags, lengths, CRC), what it says (not NAPAS, not a transfer,
//! a bad BIN, account, currency, country or amount), or a text field of
//! the payment; each a typed variant with a stable code, its
//! [`ErrorKind`] and a message in Vietnamese and English. No message
//! repeats what the payload held: a hostile payload's text is never shown.

use hoso_store::error::{Classified, ErrorKind};

/// A text field of a payment, named in errors.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Field {
    /// The purpose of the transaction (tag 62, sub-tag 08): the transfer's
    /// content, shown to the payer and carried to the beneficiary.
    Purpose,
    /// The bill number (tag 62, sub-tag 01).
    BillNumber,
    /// The reference label (tag 62, sub-tag 05).
    ReferenceLabel,
    /// The beneficiary's name (tag 59).
    MerchantName,
    /// The beneficiary's city (tag 60).
    MerchantCity,
}

impl Field {
    /// A stable name for the field.
    pub fn name(self) -> &'static str {
        match self {
            Field::Purpose => "purpose",
            Field::BillNumber => "bill_number",
            Field::ReferenceLabel => "reference_label",
            Field::MerchantName => "merchant_name",
            Field::MerchantCity => "merchant_city",
        }
    }

    fn vi(self) -> &'static str {
        match self {
            Field::Purpose => "nội dung chuyển khoản",
            Field::BillNumber => "số hóa đơn",
            Field::ReferenceLabel => "mã tham chiếu",
            Field::MerchantName => "tên người nhận",
            Field::MerchantCity => "thành phố của người nhận",
        }
    }

    fn en(self) -> &'static str {
        match self {
            Field::Purpose => "the purpose of the transfer",
            Field::BillNumber => "the bill number",
            Field::ReferenceLabel => "the reference label",
            Field::MerchantName => "the beneficiary's name",
            Field::MerchantCity => "the beneficiary's city",
        }
    }
}

/// Where in a payload a structural fault is: the payload itself or one of
/// the templates the decoder reads.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Scope {
    /// The payload's top level.
    Root,
    /// Tag 38, the merchant (beneficiary) account information.
    MerchantAccount,
    /// Tag 38, sub-tag 01: the beneficiary's bank and account.
    Beneficiary,
    /// Tag 62, the additional data.
    AdditionalData,
}

impl Scope {
    /// The template's tag path (`38`, `38.01`, `62`), empty for the root.
    pub fn path(self) -> &'static str {
        match self {
            Scope::Root => "",
            Scope::MerchantAccount => "38",
            Scope::Beneficiary => "38.01",
            Scope::AdditionalData => "62",
        }
    }

    fn vi(self) -> &'static str {
        match self {
            Scope::Root => "mã QR",
            Scope::MerchantAccount => "thông tin tài khoản nhận (38)",
            Scope::Beneficiary => "ngân hàng và tài khoản nhận (38.01)",
            Scope::AdditionalData => "thông tin bổ sung (62)",
        }
    }

    fn en(self) -> &'static str {
        match self {
            Scope::Root => "the payload",
            Scope::MerchantAccount => "the beneficiary account template (38)",
            Scope::Beneficiary => "the beneficiary bank and account (38.01)",
            Scope::AdditionalData => "the additional data template (62)",
        }
    }
}

/// Why a VietQR payload was not read, or a payment not made.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum VietQrError {
    #[error(
        "mã QR quá dài ({bytes} byte, tối đa {max}) / the QR payload is too long ({bytes} bytes, at most {max})"
    )]
    TooLong { bytes: usize, max: usize },
    #[error(
        "không phải mã QR thanh toán EMVCo (phải bắt đầu bằng 000201) / not an EMVCo payment QR payload (it must start with 000201)"
    )]
    NotEmv,
    #[error(
        "mã QR có ký tự không được phép / the QR payload has a character its format does not allow"
    )]
    BadCharacter,
    #[error(
        "mã trường không phải hai chữ số trong {} / a tag is not two digits in {}",
        .0.vi(),
        .0.en()
    )]
    BadTag(Scope),
    #[error(
        "độ dài không hợp lệ trong {} / a length is not valid in {}",
        .0.vi(),
        .0.en()
    )]
    BadLength(Scope),
    #[error(
        "mã QR bị cắt cụt trong {} / the payload is cut short in {}",
        .0.vi(),
        .0.en()
    )]
    Truncated(Scope),
    #[error(
        "trường {tag:02} xuất hiện hai lần trong {} / tag {tag:02} appears twice in {}",
        .scope.vi(),
        .scope.en()
    )]
    DuplicateTag { tag: u8, scope: Scope },
    #[error(
        "thiếu mã kiểm tra CRC (6304…) ở cuối mã QR / no CRC (6304…) at the end of the payload"
    )]
    CrcMissing,
    #[error(
        "mã kiểm tra CRC không khớp: mã QR bị hỏng hoặc bị sửa / the CRC does not match: the payload is damaged or altered"
    )]
    CrcMismatch,
    #[error(
        "không phải mã VietQR của NAPAS (thiếu định danh A000000727) / not a NAPAS VietQR payload (no NAPAS identifier A000000727)"
    )]
    NotVietQr,
    #[error(
        "không phải mã chuyển nhanh NAPAS 247 đến tài khoản hoặc thẻ (QRIBFTTA, QRIBFTTC) / not a NAPAS 247 transfer to an account or a card (QRIBFTTA, QRIBFTTC)"
    )]
    BadService,
    #[error(
        "phương thức khởi tạo (01) phải có và là 11 hoặc 12 / the point of initiation (01) must be present and be 11 or 12"
    )]
    BadInitiation,
    #[error(
        "mã ngân hàng nhận (BIN) phải có và gồm 6 chữ số / the beneficiary bank's BIN must be present and be 6 digits"
    )]
    BadBin,
    #[error(
        "số tài khoản (chữ và số) hoặc số thẻ (8 đến 19 chữ số) không hợp lệ / the account number (letters and digits) or card number (8 to 19 digits) is not valid"
    )]
    BadAccount,
    #[error(
        "loại tiền (53) phải có và là đồng Việt Nam (704) / the currency (53) must be present and be the Vietnamese dong (704)"
    )]
    BadCurrency,
    #[error("mã quốc gia (58) phải có và là VN / the country code (58) must be present and be VN")]
    BadCountry,
    #[error(
        "số tiền không hợp lệ (đồng, số nguyên lớn hơn 0, tối đa 13 chữ số) / the amount is not valid (whole dong, more than 0, at most 13 digits)"
    )]
    BadAmount,
    #[error(
        "mã loại hình kinh doanh (52) phải gồm 4 chữ số / the merchant category code (52) must be 4 digits"
    )]
    BadMcc,
    #[error(
        "{} không hợp lệ (trống, quá {max} ký tự, hoặc có ký tự ngoài bảng chữ EMVCo: chữ không dấu, số, dấu câu) / {} is not valid (empty, over {max} characters, or with characters outside EMVCo's set: unaccented letters, digits, punctuation)",
        .field.vi(),
        .field.en()
    )]
    BadText { field: Field, max: usize },
}

impl VietQrError {
    /// A stable machine code for the error.
    pub fn code(&self) -> &'static str {
        match self {
            VietQrError::TooLong { .. } => "too_long",
            VietQrError::NotEmv => "not_emv",
            VietQrError::BadCharacter => "bad_character",
            VietQrError::BadTag(_) => "bad_tag",
            VietQrError::BadLength(_) => "bad_length",
            VietQrError::Truncated(_) => "truncated",
            VietQrError::DuplicateTag { .. } => "duplicate_tag",
            VietQrError::CrcMissing => "crc_missing",
            VietQrError::CrcMismatch => "crc_mismatch",
            VietQrError::NotVietQr => "not_vietqr",
            VietQrError::BadService => "bad_service",
            VietQrError::BadInitiation => "bad_initiation",
            VietQrError::BadBin => "bad_bin",
            VietQrError::BadAccount => "bad_account",
            VietQrError::BadCurrency => "bad_currency",
            VietQrError::BadCountry => "bad_country",
            VietQrError::BadAmount => "bad_amount",
            VietQrError::BadMcc => "bad_mcc",
            VietQrError::BadText { .. } => "bad_text",
        }
    }
}

impl Classified for VietQrError {
    fn kind(&self) -> ErrorKind {
        match self {
            // A payload scanned or pasted, or a payment's fields given by
            // the caller: what was given is not acceptable.
            VietQrError::TooLong { .. }
            | VietQrError::NotEmv
            | VietQrError::BadCharacter
            | VietQrError::BadTag(_)
            | VietQrError::BadLength(_)
            | VietQrError::Truncated(_)
            | VietQrError::DuplicateTag { .. }
            | VietQrError::CrcMissing
            | VietQrError::CrcMismatch
            | VietQrError::NotVietQr
            | VietQrError::BadService
            | VietQrError::BadInitiation
            | VietQrError::BadBin
            | VietQrError::BadAccount
            | VietQrError::BadCurrency
            | VietQrError::BadCountry
            | VietQrError::BadAmount
            | VietQrError::BadMcc
            | VietQrError::BadText { .. } => ErrorKind::InvalidInput,
        }
    }

    fn error_code(&self) -> &'static str {
        self.code()
    }
}
