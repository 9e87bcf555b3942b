//! Sync with a portal speaking Portal API v1 (issue #6): the HTTP client,
//! resumable uploads, the outbox of frozen submissions and the engine pass
//! that sends them exactly once, status tracking from the change feed, and
//! the background loop a host runs; catalog updates with the receipt keys;
//! the receiving agencies a dossier can be filed with.

pub mod agencies;
pub mod background;
pub mod catalog;
pub mod client;
pub mod engine;
pub mod outbox;
pub mod session;
pub mod status;
mod tls;
pub mod upload;
