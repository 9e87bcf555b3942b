//! Every core error a surface shows says its kind and its code, and its
//! text splits into a Vietnamese and an English message (issue #17): the
//! surfaces map by kind and never guess from a code or a string.

use hoso_core::catalog::store::CatalogError;
use hoso_core::client::PortalError;
use hoso_core::draft::{AttachError, DraftError};
use hoso_core::error::{Classified, ErrorKind, MESSAGE_SEPARATOR};
use hoso_core::filed::FiledError;
use hoso_core::outbox::OutboxError;
use hoso_core::places::UnitsError;
use hoso_core::profile::ProfileError;
use hoso_core::receipt::image::QrImageError;
use hoso_core::receipt::online::LookupError;
use hoso_core::receipt::ReceiptStoreError;
use hoso_core::sync::engine::SyncError;
use hoso_core::sync::session::SessionError;
use hoso_core::vault::VaultError;

fn samples() -> Vec<(Box<dyn Classified>, ErrorKind, &'static str)> {
    vec![
        (
            Box::new(DraftError::NotFound("01HX".into())),
            ErrorKind::NotFound,
            "draft_not_found",
        ),
        (
            Box::new(DraftError::Catalog(CatalogError::NoCatalog)),
            ErrorKind::NoCatalog,
            "no_catalog",
        ),
        (
            Box::new(DraftError::Vault(VaultError::WrongKey)),
            ErrorKind::WrongKey,
            "wrong_key",
        ),
        (
            Box::new(AttachError::UnknownType),
            ErrorKind::InvalidInput,
            "unknown_type",
        ),
        (
            Box::new(AttachError::NoSuchAttachment("ab12".into())),
            ErrorKind::NotFound,
            "not_found",
        ),
        (
            Box::new(AttachError::QuarantinePresent("store.corrupt-1".into())),
            ErrorKind::Storage,
            "quarantine_present",
        ),
        (
            Box::new(ProfileError::UnknownMember("m1".into())),
            ErrorKind::NotFound,
            "unknown_member",
        ),
        (
            Box::new(OutboxError::NotReady {
                missing: 2,
                invalid: 1,
            }),
            ErrorKind::NotReady,
            "draft_not_ready",
        ),
        (
            Box::new(OutboxError::AgencyRequired),
            ErrorKind::InvalidInput,
            "agency_required",
        ),
        (
            Box::new(OutboxError::NoSubmission("s1".into())),
            ErrorKind::NotFound,
            "submission_not_found",
        ),
        (
            Box::new(FiledError::Damaged("H40.22-261206-0001".into())),
            ErrorKind::Damaged,
            "damaged",
        ),
        (
            Box::new(PortalError::NotLoggedIn),
            ErrorKind::NotLoggedIn,
            "not_logged_in",
        ),
        (
            Box::new(PortalError::Network("refused".into())),
            ErrorKind::Network,
            "network",
        ),
        (
            Box::new(PortalError::BadUrl),
            ErrorKind::InvalidInput,
            "bad_url",
        ),
        (
            Box::new(SyncError::NotLoggedIn),
            ErrorKind::NotLoggedIn,
            "not_logged_in",
        ),
        (
            Box::new(SessionError::Damaged),
            ErrorKind::Damaged,
            "damaged",
        ),
        (
            Box::new(ReceiptStoreError::NotFollowed("H40.22-261206-0001".into())),
            ErrorKind::NotFound,
            "not_followed",
        ),
        (
            Box::new(LookupError::NeedsToken),
            ErrorKind::Receipt,
            "needs_token",
        ),
        (
            Box::new(QrImageError::NoCode),
            ErrorKind::Receipt,
            "no_qr_found",
        ),
        (
            Box::new(UnitsError::NotText),
            ErrorKind::Damaged,
            "units_not_text",
        ),
    ]
}

#[test]
fn every_error_says_its_kind_code_and_both_messages() {
    for (e, kind, code) in samples() {
        assert_eq!(e.kind(), kind, "{e}");
        assert_eq!(e.error_code(), code, "{e}");
        let (vi, en) = e.messages();
        assert!(!vi.is_empty() && !en.is_empty(), "{e}");
        assert_ne!(vi, en, "two languages: {e}");
        assert!(
            !vi.contains(MESSAGE_SEPARATOR) && !en.contains(MESSAGE_SEPARATOR),
            "one separator: {e}"
        );
        assert_eq!(e.to_string(), format!("{vi}{MESSAGE_SEPARATOR}{en}"));
    }
}
