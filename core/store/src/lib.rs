//! hoso-store: the foundation and the storage layer of hoso's core — text folding and
//! identifiers shown safely (`text`), hex, the clock, sled behind one module (`storage`: the
//! directory lock, one engine per directory, atomic commits, quarantine) and the vault that
//! seals every personal record (`vault`), and the bounds on everything read from outside
//! (`limits`). Layers 0 and 1 of `docs/architecture.md`.

pub mod clock;
pub mod error;
pub mod hex;
pub mod limits;
pub mod storage;
pub mod text;
pub mod vault;

pub use storage::{
    open_sled, DirectoryLock, LockError, Quarantined, SledOpenFailure, StorageError,
};
