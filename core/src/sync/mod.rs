//! Sync with a portal speaking Portal API v1 (issue #6): the HTTP client
//! and resumable uploads (this first part); the outbox, retries and status
//! tracking build on it.

pub mod client;
pub mod upload;
