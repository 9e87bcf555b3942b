//! Sync with a portal speaking Portal API v1 (issue #6): the HTTP client
//! (this first part); the outbox, resumable uploads, retries and status
//! tracking build on it.

pub mod client;
