//! Sync with a portal speaking Portal API v1 (issue #6), through
//! [`crate::client`]: the engine pass that sends the outbox's submissions
//! exactly once, status tracking from the change feed, and
//! the background loop a host runs; catalog updates with the receipt keys;
//! the receiving agencies a dossier can be filed with.

pub mod agencies;
pub mod background;
pub mod catalog;
pub mod engine;
mod local;
pub mod report;
pub mod round;
pub mod session;
pub mod status;

pub use local::Local;
