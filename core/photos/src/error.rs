//! Why a photo could not be read, cleaned or made a page: one typed error
//! with a stable code and its message in Vietnamese and English.

use hoso_store::error::{Classified, ErrorKind};

/// Why a photo could not be read, cleaned or made a page. `page` is the
/// photo's place in what was given, from 1.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PhotoError {
    #[error(
        "ảnh {page}: định dạng HEIC/HEIF chưa đọc được; hãy chuyển sang JPEG (trong Cài đặt > Camera > Định dạng: Tương thích nhất) rồi chụp lại / photo {page}: HEIC/HEIF cannot be read yet; convert it to JPEG first (Settings > Camera > Formats: Most Compatible)"
    )]
    Heic { page: usize },
    #[error("tệp {page} không phải ảnh JPEG hoặc PNG / file {page} is not a JPEG or PNG picture")]
    NotAPhoto { page: usize },
    #[error("ảnh {page} bị hỏng hoặc không đầy đủ: {reason} / photo {page} is damaged or incomplete: {reason}")]
    Damaged { page: usize, reason: String },
    #[error(
        "ảnh {page} quá lớn ({pixels} điểm ảnh, tối đa {max}) / photo {page} is too large ({pixels} pixels, at most {max})"
    )]
    TooLarge { page: usize, pixels: u64, max: u64 },
    #[error("tệp {page} quá lớn ({bytes} byte, tối đa {max}) / file {page} is too large ({bytes} bytes, at most {max})")]
    FileTooLarge { page: usize, bytes: u64, max: u64 },
    #[error("chưa có ảnh nào / no photo given")]
    NoPhotos,
    #[error("quá nhiều ảnh ({count}, tối đa {max}) / too many photos ({count}, at most {max})")]
    TooManyPhotos { count: usize, max: usize },
    #[error(
        "trang {page} không thể nhỏ hơn {budget} byte mà vẫn đọc rõ (cần {bytes} byte ở độ phân giải và chất lượng thấp nhất còn đọc được); hãy chụp gần hơn hoặc tách ra / page {page} cannot fit in {budget} bytes and stay legible (it needs {bytes} at the lowest legible resolution and quality); take it closer or split it"
    )]
    OverBudget {
        page: usize,
        bytes: u64,
        budget: u64,
    },
    #[error(
        "giới hạn dung lượng {budget} byte quá nhỏ cho {pages} trang / a limit of {budget} bytes is too small for {pages} pages"
    )]
    BudgetTooSmall { budget: u64, pages: usize },
    #[error("không tạo được tài liệu: {0} / cannot make the document: {0}")]
    Encode(String),
}

impl PhotoError {
    /// A stable machine code for the error.
    pub fn code(&self) -> &'static str {
        match self {
            PhotoError::Heic { .. } => "photo_heic",
            PhotoError::NotAPhoto { .. } => "photo_not_a_photo",
            PhotoError::Damaged { .. } => "photo_damaged",
            PhotoError::TooLarge { .. } => "photo_too_large",
            PhotoError::FileTooLarge { .. } => "photo_file_too_large",
            PhotoError::NoPhotos => "photo_none",
            PhotoError::TooManyPhotos { .. } => "photo_too_many",
            PhotoError::OverBudget { .. } => "photo_over_budget",
            PhotoError::BudgetTooSmall { .. } => "photo_budget_too_small",
            PhotoError::Encode(_) => "photo_encode_failed",
        }
    }
}

impl Classified for PhotoError {
    fn kind(&self) -> ErrorKind {
        match self {
            PhotoError::Heic { .. }
            | PhotoError::NotAPhoto { .. }
            | PhotoError::Damaged { .. }
            | PhotoError::TooLarge { .. }
            | PhotoError::FileTooLarge { .. }
            | PhotoError::NoPhotos
            | PhotoError::TooManyPhotos { .. }
            | PhotoError::OverBudget { .. }
            | PhotoError::BudgetTooSmall { .. } => ErrorKind::InvalidInput,
            PhotoError::Encode(_) => ErrorKind::Internal,
        }
    }

    fn error_code(&self) -> &'static str {
        self.code()
    }
}
