//! Attachments through the binding: a file crosses as a path (never as a
//! byte array), is streamed, hashed, type-checked, sealed and deduplicated
//! by the core with progress events (a photo without its metadata); photos
//! made one PDF; list, verify before upload, remove, and collect files no
//! draft uses.

use crate::draft::{AttachedFile, Draft};
use crate::error::HosoError;
use crate::events::HosoEvent;
use crate::hoso::Hoso;
use crate::to_i64;

/// An attached file as a list shows it.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct AttachmentInfo {
    pub slot: String,
    pub sha256: String,
    pub size: i64,
    pub media_type: String,
    pub file_name: String,
    /// The sealed file is missing or does not match its hash.
    pub damaged: bool,
}

/// What verifying one attached file found.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct AttachmentCheck {
    pub slot: String,
    pub sha256: String,
    /// `ok`, `missing` or `damaged`.
    pub status: String,
}

/// How photos given for a slot become one document.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct PhotoOptions {
    /// Grey pages with their levels stretched (text pages: smaller).
    pub grayscale: bool,
    /// The most the PDF may take, in bytes (never above the slot's limit;
    /// `null`: about 1 MB a page).
    pub max_bytes: Option<i64>,
}

/// One page of a document made of photos.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct PhotoPage {
    pub width: i32,
    pub height: i32,
    pub dpi: i32,
    /// JPEG quality used (50–80).
    pub quality: i32,
    pub bytes: i64,
    pub gray: bool,
}

/// A document made of photos and attached.
#[derive(Debug, Clone, PartialEq, Eq, uniffi::Record)]
pub struct PhotoDocument {
    pub file: AttachedFile,
    pub pages: Vec<PhotoPage>,
}

/// Progress events at most every this many bytes (and at the end).
const PROGRESS_STEP: u64 = 256 << 10;

#[uniffi::export(async_runtime = "tokio")]
impl Hoso {
    /// Attaches the file at `path` to document slot `slot` of a draft:
    /// streamed (any size, constant memory), its type read from the content,
    /// sealed on the device and deduplicated by SHA-256. Sends
    /// `AttachProgress` events as it goes. The source file is only read.
    pub async fn attach(
        &self,
        draft_id: String,
        slot: String,
        path: String,
    ) -> Result<AttachedFile, HosoError> {
        self.blocking(move |state| {
            let path = std::path::PathBuf::from(path);
            let total = std::fs::metadata(&path).map(|m| m.len()).unwrap_or(0);
            let step = PROGRESS_STEP.max(total / 100);
            let mut sent = 0u64;
            let mut progress = |done: u64| {
                if done == 0 || done - sent >= step || done == total {
                    sent = done;
                    state.events.send(HosoEvent::AttachProgress {
                        draft_id: draft_id.clone(),
                        slot: slot.clone(),
                        done: to_i64(done),
                        total: to_i64(total),
                    });
                }
                true
            };
            let attached = state
                .space()?
                .drafts
                .attach(&draft_id, &slot, &path, &mut progress)?;
            Ok(attached.into())
        })
        .await
    }

    /// Makes the photos at `paths` (the pages of one paper, in order: JPEG
    /// or PNG; HEIC is refused with the advice to convert) one PDF for
    /// slot `slot`: each page fitted to A4 at a legible resolution,
    /// compressed within `options.max_bytes` and the slot's limit, with no
    /// metadata (GPS position, the phone's make) from the photos. Sends
    /// `PhotoPageMade` events as pages are made. The photos are only read.
    pub async fn attach_photos(
        &self,
        draft_id: String,
        slot: String,
        paths: Vec<String>,
        options: PhotoOptions,
    ) -> Result<PhotoDocument, HosoError> {
        self.blocking(move |state| {
            let paths: Vec<std::path::PathBuf> =
                paths.iter().map(std::path::PathBuf::from).collect();
            let refs: Vec<&std::path::Path> = paths.iter().map(|p| p.as_path()).collect();
            let document = hoso_core::photos::DocumentOptions {
                grayscale: options.grayscale,
                max_bytes: options.max_bytes.map(|b| u64::try_from(b).unwrap_or(0)),
                ..hoso_core::photos::DocumentOptions::default()
            };
            let mut progress = |page: usize, pages: usize| {
                state.events.send(HosoEvent::PhotoPageMade {
                    draft_id: draft_id.clone(),
                    slot: slot.clone(),
                    page: crate::to_i32(page),
                    pages: crate::to_i32(pages),
                });
            };
            let made = state.space()?.drafts.attach_photos(
                &draft_id,
                &slot,
                &refs,
                &document,
                &mut progress,
            )?;
            Ok(PhotoDocument {
                file: made.attached.into(),
                pages: made
                    .pages
                    .into_iter()
                    .map(|p| PhotoPage {
                        width: crate::to_i32(p.width),
                        height: crate::to_i32(p.height),
                        dpi: crate::to_i32(p.dpi),
                        quality: i32::from(p.quality),
                        bytes: to_i64(p.bytes),
                        gray: p.gray,
                    })
                    .collect(),
            })
        })
        .await
    }

    /// The files attached to a draft.
    pub fn attachments(&self, draft_id: String) -> Result<Vec<AttachmentInfo>, HosoError> {
        Ok(self
            .state
            .space()?
            .drafts
            .attachments(&draft_id)?
            .into_iter()
            .map(|a| AttachmentInfo {
                slot: a.slot,
                sha256: a.sha256,
                size: to_i64(a.size),
                media_type: a.media_type,
                file_name: a.file_name,
                damaged: a.damaged,
            })
            .collect())
    }

    /// Re-reads every attached file of a draft and checks it against its
    /// hash (before an upload, or after restoring a backup).
    pub async fn verify_attachments(
        &self,
        draft_id: String,
    ) -> Result<Vec<AttachmentCheck>, HosoError> {
        self.blocking(move |state| {
            Ok(state
                .space()?
                .drafts
                .verify_attachments(&draft_id)?
                .into_iter()
                .map(|v| AttachmentCheck {
                    slot: v.slot,
                    sha256: v.sha256,
                    status: v.status.to_string(),
                })
                .collect())
        })
        .await
    }

    /// Removes a file from a slot (`sha256` may be a unique prefix).
    pub fn detach(
        &self,
        draft_id: String,
        slot: String,
        sha256: String,
    ) -> Result<Draft, HosoError> {
        Ok(self
            .state
            .space()?
            .drafts
            .detach(&draft_id, &slot, &sha256)?
            .into())
    }

    /// Deletes sealed files no draft or queued submission uses; returns
    /// how many.
    pub async fn collect_garbage(&self) -> Result<i64, HosoError> {
        self.blocking(|state| {
            let local = state.space()?;
            let removed = local.outbox.collect_garbage(&local.drafts)?;
            Ok(to_i64(removed))
        })
        .await
    }
}
