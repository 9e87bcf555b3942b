//! Sync with a portal speaking Portal API v1 (issue #6): the HTTP client,
//! resumable uploads, the outbox of frozen submissions and the engine pass
//! that sends them exactly once; status tracking builds on it next.

pub mod client;
pub mod engine;
pub mod outbox;
pub mod upload;
