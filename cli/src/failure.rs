//! How the CLI reports a failure: a stable error code and the bilingual
//! message, as text on stderr or as a JSON object on stdout with `--json`.

use hoso_core::catalog::store::CatalogError;
use hoso_core::draft::{AttachError, DraftError};
use hoso_core::profile::ProfileError;
use std::process::ExitCode;

/// A command's failure, with a stable code scripts can switch on.
#[derive(Debug, thiserror::Error)]
pub enum Failure {
    #[error(transparent)]
    Catalog(#[from] CatalogError),
    #[error(transparent)]
    Draft(#[from] DraftError),
    #[error(transparent)]
    Profile(#[from] ProfileError),
    #[error(transparent)]
    Outbox(#[from] hoso_core::outbox::OutboxError),
    #[error(transparent)]
    Filed(#[from] hoso_core::filed::FiledError),
    #[error(transparent)]
    Attach(#[from] AttachError),
    #[error("{0} tệp đính kèm bị hỏng hoặc mất / {0} attachments are damaged or missing")]
    Damaged(usize),
    #[error("không đọc được đầu vào / cannot read input: {0}")]
    Input(#[from] std::io::Error),
    #[error("{0}")]
    Usage(String),
    #[error(transparent)]
    Limit(#[from] hoso_core::limits::LimitError),
    #[error(transparent)]
    Resident(#[from] hoso_core::residents::ResidentError),
    #[error(transparent)]
    Portal(#[from] hoso_core::client::PortalError),
    #[error(transparent)]
    Sync(#[from] hoso_core::sync::engine::SyncError),
    #[error(transparent)]
    Receipt(#[from] hoso_core::receipt::ReceiptStoreError),
    #[error(transparent)]
    Lookup(#[from] hoso_core::receipt::online::LookupError),
    #[error(transparent)]
    QrImage(#[from] hoso_core::receipt::image::QrImageError),
    #[error(transparent)]
    CatalogUpdate(#[from] hoso_core::sync::catalog::CatalogUpdateError),
    #[error(transparent)]
    Session(#[from] hoso_core::sync::session::SessionError),
    #[error(transparent)]
    FormFiles(#[from] hoso_core::form::FormFilesError),
    /// The units table could not be read (the bundled one always reads;
    /// its tests say so).
    #[error("{message}")]
    Units { code: &'static str, message: String },
    /// A receipt that did not verify (the command printed its verdict).
    #[error("phiếu không hợp lệ ({0}) / the receipt is not valid ({0})")]
    Unverified(&'static str),
    #[error(transparent)]
    Payments(#[from] hoso_core::payments::PaymentsError),
    /// A scanned VietQR that should not be paid (the command printed why).
    #[error("không nên chuyển khoản theo mã QR này ({0}) / do not pay this QR ({0})")]
    DoNotPay(&'static str),
    /// A lookup that did not get a status (the command printed why).
    #[error("không tra cứu được ({0}) / the lookup failed ({0})")]
    LookupFailed(&'static str),
}

impl Failure {
    pub fn units(e: &hoso_core::places::UnitsError) -> Failure {
        Failure::Units {
            code: hoso_core::error::Classified::error_code(e),
            message: e.to_string(),
        }
    }

    fn code(&self) -> &'static str {
        match self {
            Failure::Catalog(e) => e.code(),
            Failure::Draft(e) => e.code(),
            Failure::Profile(e) => e.code(),
            Failure::Attach(e) => e.code(),
            Failure::Damaged(_) => "damaged",
            Failure::Input(_) => "io",
            Failure::Usage(_) => "usage",
            Failure::Limit(e) => hoso_core::error::Classified::error_code(e),
            Failure::Resident(e) => hoso_core::error::Classified::error_code(e),
            Failure::Portal(e) => e.error_code(),
            Failure::Sync(e) => e.code(),
            Failure::Outbox(e) => e.code(),
            Failure::Filed(e) => e.code(),
            Failure::Receipt(e) => e.code(),
            Failure::Lookup(e) => e.code(),
            Failure::QrImage(e) => e.code(),
            Failure::CatalogUpdate(e) => e.code(),
            Failure::Session(e) => e.code(),
            Failure::Units { code, .. } => code,
            Failure::FormFiles(e) => hoso_core::error::Classified::error_code(e),
            Failure::Payments(e) => hoso_core::error::Classified::error_code(e),
            Failure::Unverified(code) | Failure::LookupFailed(code) | Failure::DoNotPay(code) => {
                code
            }
        }
    }

    pub fn report(&self, json: bool) -> ExitCode {
        if json
            && matches!(
                self,
                Failure::Damaged(_)
                    | Failure::Unverified(_)
                    | Failure::LookupFailed(_)
                    | Failure::DoNotPay(_)
            )
        {
            // The command already printed its report as JSON; only the
            // exit status says something was wrong.
        } else if json {
            let body = serde_json::json!({ "error": { "code": self.code(), "message": self.to_string() } });
            println!("{body}");
        } else {
            eprintln!("hoso: lỗi / error [{}]: {self}", self.code());
        }
        ExitCode::from(if matches!(self, Failure::Usage(_)) {
            2
        } else {
            1
        })
    }
}
