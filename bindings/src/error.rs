//! The errors the apps see: [`HosoError`], one variant per thing an app does
//! differently (ask for a login, show a field's problem, say "offline"),
//! each with the core's stable `code` and its Vietnamese and English
//! messages, and [`HostError`], what a Kotlin or Swift implementation of a
//! host trait may throw. Conversions from the core's errors live here and
//! nowhere else.

use hoso_core::catalog::store::CatalogError;
use hoso_core::client::PortalError;
use hoso_core::draft::{AttachError, DraftError};
use hoso_core::error::{Classified, ErrorKind};
use hoso_core::filed::FiledError;
use hoso_core::outbox::OutboxError;
use hoso_core::profile::ProfileError;
use hoso_core::receipt::image::QrImageError;
use hoso_core::receipt::online::LookupError;
use hoso_core::receipt::ReceiptStoreError;
use hoso_core::sync::catalog::CatalogUpdateError;
use hoso_core::sync::engine::SyncError;
use hoso_core::sync::session::SessionError;
use hoso_core::sync::status::StatusError;
use hoso_core::vault::KeyError;

/// Why a call failed. Nothing already saved is lost by any of these.
///
/// Every variant carries `code` (a stable snake_case code, finer than the
/// variant: `draft_not_found`, `invalid_credentials` …), `message` (both
/// languages, for logs and quick display), `message_vi` and `message_en`.
/// Messages never contain personal data.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, uniffi::Error)]
pub enum HosoError {
    /// A procedure, draft, submission, attachment, family member or
    /// followed dossier that does not exist.
    #[error("{message}")]
    NotFound {
        code: String,
        message: String,
        message_vi: String,
        message_en: String,
    },
    /// What the user or the app gave is not acceptable: a malformed value,
    /// an unknown field or slot, a file of the wrong type or too large, a
    /// bad portal URL. Fix the input and try again.
    #[error("{message}")]
    InvalidInput {
        code: String,
        message: String,
        message_vi: String,
        message_en: String,
    },
    /// The draft cannot be submitted yet: `validate_draft` says what is
    /// missing or invalid.
    #[error("{message}")]
    NotReady {
        code: String,
        message: String,
        message_vi: String,
        message_en: String,
    },
    /// No procedure catalog is installed yet (update or import one).
    #[error("{message}")]
    NoCatalog {
        code: String,
        message: String,
        message_vi: String,
        message_en: String,
    },
    /// The host's `KeyProvider` could not give a usable key.
    #[error("{message}")]
    KeyUnavailable {
        code: String,
        message: String,
        message_vi: String,
        message_en: String,
    },
    /// The data on this device was sealed with another key; nothing was
    /// changed.
    #[error("{message}")]
    WrongKey {
        code: String,
        message: String,
        message_vi: String,
        message_en: String,
    },
    /// A saved record or an attached file is damaged; the rest is intact.
    #[error("{message}")]
    Damaged {
        code: String,
        message: String,
        message_vi: String,
        message_en: String,
    },
    /// The device store failed (disk full, locked by another process,
    /// written by a newer app).
    #[error("{message}")]
    Storage {
        code: String,
        message: String,
        message_vi: String,
        message_en: String,
    },
    /// Not logged in to the portal, or the session ended: log in again.
    #[error("{message}")]
    NotLoggedIn {
        code: String,
        message: String,
        message_vi: String,
        message_en: String,
    },
    /// The portal cannot be reached (offline, timeouts, an intercepting
    /// network); try again later.
    #[error("{message}")]
    Network {
        code: String,
        message: String,
        message_vi: String,
        message_en: String,
    },
    /// The portal refused: `code` is its own error code
    /// (`invalid_credentials`, `account_exists`, `validation_failed` …).
    #[error("{message}")]
    Portal {
        code: String,
        message: String,
        message_vi: String,
        message_en: String,
    },
    /// A receipt, QR text or picture that is not a usable hoso receipt, or
    /// a lookup it cannot make.
    #[error("{message}")]
    Receipt {
        code: String,
        message: String,
        message_vi: String,
        message_en: String,
    },
    /// The host cancelled the operation (a progress listener said stop).
    #[error("{message}")]
    Cancelled {
        code: String,
        message: String,
        message_vi: String,
        message_en: String,
    },
    /// Something that should not happen (the object was closed, the
    /// system had no randomness); the message says what.
    #[error("{message}")]
    Internal {
        code: String,
        message: String,
        message_vi: String,
        message_en: String,
    },
}

/// Calls `$then!` with the name of every variant (the same in the core's
/// `ErrorKind` and [`HosoError`]).
macro_rules! every_kind {
    ($then:ident) => {
        $then! {
            NotFound,
            InvalidInput,
            NotReady,
            NoCatalog,
            KeyUnavailable,
            WrongKey,
            Damaged,
            Storage,
            NotLoggedIn,
            Network,
            Portal,
            Receipt,
            Cancelled,
            Internal
        }
    };
}

impl HosoError {
    /// The error of `kind` with its code and its two messages.
    pub(crate) fn of(
        kind: ErrorKind,
        code: &str,
        message_vi: String,
        message_en: String,
    ) -> HosoError {
        let code = code.to_string();
        let message = format!("{message_vi} / {message_en}");
        // Every kind has its variant: a new kind does not compile until it
        // is placed here.
        macro_rules! variant {
            ($($kind:ident),*) => {
                match kind {
                    $(ErrorKind::$kind => HosoError::$kind { code, message, message_vi, message_en },)*
                }
            };
        }
        every_kind!(variant)
    }

    /// A core error, by the kind it says it is.
    pub(crate) fn classified(e: &dyn Classified) -> HosoError {
        let (vi, en) = e.messages();
        HosoError::of(e.kind(), e.error_code(), vi, en)
    }

    /// The stable code, whatever the variant.
    pub fn code(&self) -> &str {
        macro_rules! code_of {
            ($($kind:ident),*) => {
                match self {
                    $(HosoError::$kind { code, .. })|* => code,
                }
            };
        }
        every_kind!(code_of)
    }

    /// The object was closed; no call works on it any more.
    pub(crate) fn closed() -> HosoError {
        HosoError::of(
            ErrorKind::Internal,
            "closed",
            "đối tượng hoso đã đóng".into(),
            "the hoso object is closed".into(),
        )
    }

    /// The object's own runtime failed to run a task.
    pub(crate) fn runtime(what: impl std::fmt::Display) -> HosoError {
        HosoError::of(
            ErrorKind::Internal,
            "runtime",
            format!("lỗi bộ chạy tác vụ: {what}"),
            format!("task runtime failure: {what}"),
        )
    }
}

/// Implements `From<E>` for the core's errors: each says its kind, code
/// and messages ([`Classified`]); nothing is guessed from a code.
macro_rules! from_classified {
    ($($error:ty),* $(,)?) => {$(
        impl From<$error> for HosoError {
            fn from(e: $error) -> HosoError {
                HosoError::classified(&e)
            }
        }
    )*};
}

from_classified!(
    DraftError,
    AttachError,
    ProfileError,
    CatalogError,
    ReceiptStoreError,
    hoso_core::payments::PaymentsError,
    LookupError,
    QrImageError,
    CatalogUpdateError,
    SessionError,
    OutboxError,
    FiledError,
    SyncError,
    StatusError,
    PortalError,
    KeyError,
    hoso_core::StorageError,
    hoso_core::residents::ResidentError,
);

/// A value's problem (an address that cannot be read …): invalid input,
/// with the problem's code and messages.
impl From<hoso_core::validate::Problem> for HosoError {
    fn from(p: hoso_core::validate::Problem) -> HosoError {
        HosoError::of(ErrorKind::InvalidInput, p.code, p.message_vi, p.message_en)
    }
}

/// What a Kotlin or Swift implementation of [`crate::host::KeyProvider`],
/// [`crate::host::EventListener`] or [`crate::host::NetworkMonitor`] may
/// throw. An unexpected exception arrives as `Unexpected`, never as a
/// crash of the core.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, uniffi::Error)]
pub enum HostError {
    /// The host could not do what was asked (the keystore is locked …).
    #[error("{message}")]
    Failed { message: String },
    /// The host threw something it did not declare.
    #[error("{message}")]
    Unexpected { message: String },
}

impl From<uniffi::UnexpectedUniFFICallbackError> for HostError {
    fn from(e: uniffi::UnexpectedUniFFICallbackError) -> HostError {
        HostError::Unexpected { message: e.reason }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_choose_the_variant_and_messages_split_by_language() {
        let e: HosoError = DraftError::NotFound("01HX".into()).into();
        match &e {
            HosoError::NotFound {
                code,
                message_vi,
                message_en,
                message,
            } => {
                assert_eq!(code, "draft_not_found");
                assert!(message_vi.starts_with("không có bản nháp"));
                assert!(message_en.starts_with("no draft"));
                assert_eq!(message, &format!("{message_vi} / {message_en}"));
            }
            other => panic!("{other:?}"),
        }
        let e: HosoError = PortalError::NotLoggedIn.into();
        assert!(matches!(e, HosoError::NotLoggedIn { .. }), "{e:?}");
        let e: HosoError = PortalError::Network("refused".into()).into();
        assert!(matches!(e, HosoError::Network { .. }), "{e:?}");
        let e: HosoError = hoso_core::outbox::OutboxError::NotReady {
            missing: 2,
            invalid: 0,
        }
        .into();
        assert!(matches!(e, HosoError::NotReady { .. }), "{e:?}");
        assert_eq!(e.code(), "draft_not_ready");
    }
}
