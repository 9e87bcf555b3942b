//! Resumable uploads (tus 1.0, keyed by SHA-256): declaring a file
//! (`UploadCreate`) and an upload's state as `POST` and `GET
//! /v1/uploads/…` answer it (`Upload`, `UploadState`). The bytes themselves
//! travel in tus `PATCH` bodies, not JSON.

use crate::scalar::{MediaType, Sha256Hex};
use serde::{Deserialize, Serialize};

/// `UploadCreate` (request): a file declared by hash, size and type.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UploadCreate {
    pub sha256: Sha256Hex,
    /// Bytes, 1 to `Tus-Max-Size`.
    pub size: u64,
    /// One of [`MediaType`]'s values. Text here: the server answers another
    /// type with a located `400` (issue `enum`), beside any other problem of
    /// the body, rather than refusing the body as unreadable.
    pub media_type: String,
}

impl UploadCreate {
    /// A declaration of a file of a known type.
    pub fn new(sha256: impl Into<Sha256Hex>, size: u64, media_type: MediaType) -> UploadCreate {
        UploadCreate {
            sha256: sha256.into(),
            size,
            media_type: media_type.as_str().to_string(),
        }
    }
}

string_enum! {
    /// `UploadState`.
    pub enum UploadState {
        /// Bytes still to send; resume at `offset`.
        InProgress = "in_progress",
        /// Verified and held.
        Complete = "complete",
    }
}

/// `Upload` (response): an upload, or a blob the account already holds
/// (`id`, `url` and `expires_at` `null`, state `complete`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Upload {
    /// A UUID; `null` when the blob was already held.
    pub id: Option<String>,
    /// The upload's path (its `Location`); `null` when `id` is.
    pub url: Option<String>,
    pub sha256: Sha256Hex,
    pub size: u64,
    pub media_type: MediaType,
    /// Bytes durably stored.
    pub offset: u64,
    pub state: UploadState,
    /// When an unfinished upload expires (RFC 3339); `null` once complete.
    pub expires_at: Option<String>,
}
