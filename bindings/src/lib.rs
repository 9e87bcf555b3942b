//! hoso-ffi: the uniffi surface of hoso's core for the Android (Kotlin) and
//! iOS (Swift) apps. One [`Hoso`] object opened on a data directory with
//! the host's [`KeyProvider`] exposes the catalog, profile, drafts,
//! attachments, outbox, sync, status and receipts; the host supplies
//! [`EventListener`] and [`NetworkMonitor`]. This crate holds no domain
//! logic: only conversions between the core's types and the records,
//! enums and errors the foreign languages see. The bindings are generated
//! by the workspace's `uniffi-bindgen` in library mode (`bindings/generate`).

mod address;
#[cfg(target_os = "android")]
mod android;
mod attachment;
mod catalog;
mod draft;
mod error;
mod events;
mod hoso;
mod host;
mod outbox;
mod payment;
mod profile;
mod receipt;
mod resident;
mod sync;
mod volunteer;

pub use error::{HosoError, HostError};
pub use events::{HosoEvent, SyncState};
pub use hoso::{core_version, Hoso};
pub use host::{EventListener, KeyProvider, NetworkMonitor, NetworkState};
pub use resident::SecretStore;

uniffi::setup_scaffolding!();

/// A size or count for the foreign side: Kotlin has no unsigned types in
/// common use, so every `u64` or `usize` crosses as `i64` (saturating,
/// never wrapping).
pub(crate) fn to_i64(v: impl TryInto<i64>) -> i64 {
    v.try_into().unwrap_or(i64::MAX)
}

/// A small count for the foreign side (`Int`, not `UInt`), saturating.
pub(crate) fn to_i32(v: impl TryInto<i32>) -> i32 {
    v.try_into().unwrap_or(i32::MAX)
}
