//! hoso-core: the shared domain logic of hoso — the procedure catalog and its
//! offline search, the profile, drafts and attachments, sync with the
//! portal, and signed receipts with their QR codes.
//! No FFI here: the uniffi surface lives in the `bindings/` crate.

pub mod attachment;
pub mod catalog;
pub mod client;
pub mod clock;
pub mod draft;
pub mod filed;
pub mod form;
pub mod hex;
pub mod outbox;
pub mod profile;
pub mod receipt;
pub mod search;
mod storage;
pub mod sync;
pub mod text;
pub mod validate;
pub mod vault;

pub use storage::{
    open_sled, DirectoryLock, LockError, Quarantined, SledOpenFailure, StorageError,
};
