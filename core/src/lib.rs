//! hoso-core: the shared domain logic of hoso — the procedure catalog and its
//! offline search, the profile, drafts and attachments, sync with the
//! portal, and signed receipts with their QR codes — as one facade over the
//! layer crates under `core/` (`docs/architecture.md`, ADR 0007). The CLI and
//! the bindings use this crate; each layer crate uses only those below it.
//! No FFI here: the uniffi surface lives in the `bindings/` crate.

pub use hoso_catalog::{catalog, search};
pub use hoso_client::client;
pub use hoso_drafts::{attachment, draft, filed};
pub use hoso_forms::{form, profile, validate};
/// The printable papers of assisted filing: the consent form and the
/// handover sheet (`docs/assisted-filing.md`).
pub use hoso_papers as papers;
/// Fees paid by VietQR: what is owed, the payload's codec, the bank table
/// (`docs/payment.md`).
pub use hoso_pay as pay;
/// Documents from the phone's camera: photos made one PDF, metadata out
/// of attached pictures (`docs/attachments.md`).
pub use hoso_photos as photos;
/// Vietnam's administrative units before and after the 2025 reorganisation
/// (`docs/addresses.md`).
pub use hoso_places as places;
pub use hoso_receipts::{payments, receipt};
pub use hoso_store::{clock, error, hex, limits, text, vault};
pub use hoso_store::{
    open_sled, DirectoryLock, LockError, Quarantined, SledOpenFailure, StorageError,
};
pub use hoso_sync::{outbox, residents, sync};
/// Portal API v1's request and response shapes (`docs/portal-api.yaml`).
pub use hoso_wire as wire;
