//! hoso-core: the shared domain logic of hoso — the procedure catalog and its
//! offline search today; drafts, attachments, sync and receipts as they land.
//! No FFI here: the uniffi surface lives in the `bindings/` crate.

pub mod attachment;
pub mod catalog;
pub mod clock;
pub mod draft;
pub mod form;
pub mod hex;
pub mod profile;
pub mod search;
mod storage;
pub mod sync;
pub mod text;
pub mod validate;
pub mod vault;

pub use storage::{Quarantined, StorageError};
