//! What can go wrong with the local catalog, with a stable code and a kind
//! for each failure (`docs/architecture.md`, "Errors").

use crate::storage::StorageError;
use hoso_store::error::{Classified, ErrorKind};
use std::path::Path;

/// Why the catalog could not be read or changed.
#[derive(Debug, thiserror::Error)]
pub enum CatalogError {
    #[error(transparent)]
    Storage(#[from] StorageError),
    #[error("chưa có danh mục thủ tục; hãy chạy `hoso catalog import` / no procedure catalog yet; run `hoso catalog import`")]
    NoCatalog,
    #[error("không tìm thấy thủ tục {shown} / procedure {shown} not found", shown = crate::text::shown_if_identifier(.0))]
    NotFound(String),
    #[error("dữ liệu danh mục bị hỏng ở khóa {key} / catalog data damaged at key {key}: {reason}")]
    Damaged { key: String, reason: String },
    #[error("gói phiên bản {offered} cũ hơn danh mục hiện tại (phiên bản {current}) / bundle version {offered} is older than the current catalog (version {current})")]
    Stale { offered: u64, current: u64 },
    #[error("gói phiên bản {offered} nhảy quá xa so với danh mục hiện tại (phiên bản {current}, tối đa thêm {max}) / bundle version {offered} jumps too far past the current catalog (version {current}, at most {max} more)", max = hoso_store::limits::CATALOG_VERSION_JUMP_MAX)]
    VersionJump { offered: u64, current: u64 },
    #[error("danh mục hiện tại đã ở phiên bản lớn nhất ({current}), không thể đánh số phiên bản tiếp theo / the current catalog is at the largest version ({current}); no next version can be numbered")]
    VersionExhausted { current: u64 },
    #[error(transparent)]
    Bundle(#[from] crate::catalog::bundle::BundleError),
    #[error(transparent)]
    Source(#[from] crate::catalog::source::SourceError),
    /// A delta the store would not apply (nothing was switched).
    #[error(transparent)]
    Delta(#[from] crate::catalog::delta::DeltaError),
    /// Data the catalog would carry that cannot be used (ADR 0023).
    #[error(transparent)]
    Data(#[from] crate::catalog::data::DataError),
    #[error("tệp gói danh mục mang sẵn dữ liệu của nó; không thể thêm dữ liệu khi nhập gói / a catalog bundle file carries its own data; none can be added when importing one")]
    DataWithBundle,
}

impl CatalogError {
    /// A stable machine code for the error.
    pub fn code(&self) -> &'static str {
        use crate::catalog::bundle::BundleError as B;
        use crate::catalog::source::SourceError as S;
        match self {
            CatalogError::Storage(_) => "storage",
            CatalogError::NoCatalog => "no_catalog",
            CatalogError::NotFound(_) => "not_found",
            CatalogError::Damaged { .. } => "catalog_damaged",
            CatalogError::Stale { .. } => "stale_bundle",
            CatalogError::VersionJump { .. } => "version_jump",
            CatalogError::VersionExhausted { .. } => "version_exhausted",
            CatalogError::Source(S::Limit(limit)) => limit.error_code(),
            CatalogError::Source(
                S::LineTooLong { .. } | S::TooManyRecords { .. } | S::TooManyLines { .. },
            ) => "too_large",
            CatalogError::Source(_) => "bad_source",
            CatalogError::Bundle(B::Io { .. }) => "io",
            CatalogError::Bundle(B::Limit(limit)) => limit.error_code(),
            CatalogError::Bundle(B::TooManyProcedures { .. }) => "too_large",
            CatalogError::Bundle(B::Data(d)) | CatalogError::Data(d) => d.code(),
            CatalogError::DataWithBundle => "bad_request",
            CatalogError::Bundle(_) => "bad_bundle",
            CatalogError::Delta(d) => d.code(),
        }
    }
}

impl Classified for CatalogError {
    fn kind(&self) -> ErrorKind {
        match self {
            CatalogError::Storage(e) => e.kind(),
            CatalogError::NoCatalog => ErrorKind::NoCatalog,
            CatalogError::NotFound(_) => ErrorKind::NotFound,
            CatalogError::Damaged { .. } => ErrorKind::Damaged,
            CatalogError::Stale { .. }
            | CatalogError::VersionJump { .. }
            | CatalogError::VersionExhausted { .. }
            | CatalogError::Source(_)
            | CatalogError::Bundle(_)
            | CatalogError::DataWithBundle => ErrorKind::InvalidInput,
            CatalogError::Data(d) => d.kind(),
            CatalogError::Delta(d) => d.kind(),
        }
    }

    fn error_code(&self) -> &'static str {
        self.code()
    }
}

impl CatalogError {
    /// A part of a catalog file that failed its checks (`what` names the
    /// part: the header, the table, block 3 …).
    pub(crate) fn damaged_file(
        path: &Path,
        what: impl std::fmt::Display,
        reason: impl Into<String>,
    ) -> CatalogError {
        let name = path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default();
        CatalogError::Damaged {
            key: format!("catalog/{name} ({what})"),
            reason: reason.into(),
        }
    }

    /// A file of the catalog the disk could not read or write. It counts as
    /// a failure of the device store (kind `storage`, code `storage`), like
    /// a sled failure: the catalog is not at fault, the disk is.
    pub(crate) fn file_io(path: &Path, e: &std::io::Error) -> CatalogError {
        CatalogError::Storage(StorageError::Engine(format!("{}: {e}", path.display())))
    }
}
