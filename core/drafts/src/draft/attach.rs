//! Attaching files to a draft's document slots. A file is streamed once —
//! hashed, sniffed and sealed in chunks into a temp blob — then checked
//! against the slot (size limit, type from magic bytes, never the file
//! name), published under its blinded content address (stored once however
//! often it is attached), and only then referenced: the draft and the blob's
//! reference count change in one commit. A process killed at any point
//! leaves no half attachment visible; leftovers are collected.
//!
//! A JPEG or PNG is attached without its metadata (GPS position, the
//! phone's make, XMP, ICC: `hoso_photos::clean`), the file on the user's
//! side left as it is; several photos (or one, when asked) become one PDF
//! for the slot (`attach_photos`, `hoso_photos::from_photos`) within the
//! slot's limit.

use super::model::{AttachmentRef, Draft};
use super::store::{DraftError, Drafts};
use crate::attachment::blobs::{BlobError, BlobStore, Pending};
use crate::attachment::refs::{self, BlobRecord};
use crate::attachment::sniff::{self, Sniffed};
use crate::form::MediaType;
use crate::storage::Changes;
use crate::vault::{Vault, VaultError};
use hoso_photos::PhotoError;
use hoso_store::error::{Classified, ErrorKind};
use serde::Serialize;
use std::collections::HashSet;
use std::io::Read;
use std::path::Path;

/// Why a file was not attached. Nothing saved is changed by any of these.
#[derive(Debug, thiserror::Error)]
pub enum AttachError {
    #[error(transparent)]
    Draft(#[from] DraftError),
    #[error(transparent)]
    Blob(#[from] BlobError),
    #[error("biểu mẫu không có ô giấy tờ {shown} / the form has no document slot {shown}", shown = crate::text::shown_if_identifier(.0))]
    UnknownSlot(String),
    #[error("không đọc được tệp {path} / cannot read file {path}: {reason}")]
    File { path: String, reason: String },
    #[error("tệp lớn hơn mức cho phép {limit} byte / the file is larger than the {limit}-byte limit for this document")]
    TooLarge { limit: u64 },
    #[error("tệp là {found}, ô này chỉ nhận {allowed} (loại tệp được xác định từ nội dung, không theo tên) / the file is {found}; this slot accepts {allowed} (the type is read from the content, not the name)")]
    WrongType { found: String, allowed: String },
    #[error("tệp là chương trình ({0}), không phải giấy tờ / the file is a program ({0}), not a document")]
    Executable(String),
    #[error("không nhận ra loại tệp; hãy dùng PDF, JPEG, PNG, HEIC hoặc WebP / unrecognised file type; use PDF, JPEG, PNG, HEIC or WebP")]
    UnknownType,
    #[error("không có tệp {0} trong bản nháp / the draft has no attachment {0}")]
    NoSuchAttachment(String),
    #[error("mã {0} khớp với nhiều tệp; hãy gõ thêm ký tự / {0} matches several attachments; type more of the hash")]
    AmbiguousAttachment(String),
    #[error("có kho dữ liệu hỏng đã cách ly ({0}); không dọn tệp khi các bản nháp trong đó có thể còn dùng chúng / a quarantined store exists ({0}); not collecting files its drafts may still use")]
    QuarantinePresent(String),
    #[error(transparent)]
    Photo(#[from] PhotoError),
}

impl AttachError {
    /// A stable machine code for the error.
    pub fn code(&self) -> &'static str {
        match self {
            AttachError::Draft(e) => e.code(),
            AttachError::Blob(BlobError::Cancelled) => "cancelled",
            AttachError::Blob(BlobError::TooLarge { .. }) | AttachError::TooLarge { .. } => {
                "too_large"
            }
            AttachError::Blob(BlobError::Damaged { .. }) => "damaged",
            AttachError::Blob(_) => "storage",
            AttachError::UnknownSlot(_) => "unknown_slot",
            AttachError::File { .. } => "io",
            AttachError::WrongType { .. } => "wrong_type",
            AttachError::Executable(_) => "executable",
            AttachError::UnknownType => "unknown_type",
            AttachError::NoSuchAttachment(_) => "not_found",
            AttachError::AmbiguousAttachment(_) => "ambiguous_id",
            AttachError::QuarantinePresent(_) => "quarantine_present",
            AttachError::Photo(e) => e.code(),
        }
    }
}

impl Classified for AttachError {
    fn kind(&self) -> ErrorKind {
        match self {
            AttachError::Draft(e) => e.kind(),
            AttachError::Blob(e) => e.kind(),
            AttachError::UnknownSlot(_)
            | AttachError::File { .. }
            | AttachError::TooLarge { .. }
            | AttachError::WrongType { .. }
            | AttachError::Executable(_)
            | AttachError::UnknownType
            | AttachError::AmbiguousAttachment(_) => ErrorKind::InvalidInput,
            AttachError::NoSuchAttachment(_) => ErrorKind::NotFound,
            AttachError::QuarantinePresent(_) => ErrorKind::Storage,
            AttachError::Photo(e) => e.kind(),
        }
    }

    fn error_code(&self) -> &'static str {
        self.code()
    }
}

/// What the user asked of photos given for a slot.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct PhotoRequest {
    /// One photo made a PDF too.
    pub as_document: bool,
    /// Grey pages with their levels stretched (text).
    pub grayscale: bool,
    /// The most the document may take (never above the slot's limit).
    pub max_bytes: Option<u64>,
}

impl PhotoRequest {
    fn makes_document(&self) -> bool {
        self.as_document || self.grayscale || self.max_bytes.is_some()
    }

    fn options(&self) -> hoso_photos::DocumentOptions {
        hoso_photos::DocumentOptions {
            grayscale: self.grayscale,
            max_bytes: self.max_bytes,
            ..hoso_photos::DocumentOptions::default()
        }
    }
}

/// A file attached, and the pages of the PDF made of photos (none for a
/// file attached as it is).
#[derive(Debug, Clone, Serialize)]
pub struct PhotoDocument {
    pub attached: AttachmentRef,
    pub pages: Vec<hoso_photos::PageReport>,
}

/// One attached file, as a list shows it.
#[derive(Debug, Clone, Serialize)]
pub struct AttachmentView {
    pub slot: String,
    pub sha256: String,
    pub size: u64,
    pub media_type: String,
    pub file_name: String,
    /// Set when verification found the stored copy damaged.
    pub damaged: bool,
}

/// What verification found for one attachment.
#[derive(Debug, Clone, Serialize)]
pub struct VerifiedAttachment {
    pub slot: String,
    pub sha256: String,
    /// `ok`, `damaged` or `missing`.
    pub status: &'static str,
}

/// The media types a slot accepts, as an error names them.
fn labels(accepted: &[MediaType]) -> String {
    accepted
        .iter()
        .map(|m| sniff::media_label(*m))
        .collect::<Vec<_>>()
        .join(", ")
}

/// How an I/O failure on `path` is reported.
fn file_error(path: &Path) -> impl Fn(std::io::Error) -> AttachError + Copy + '_ {
    move |e| AttachError::File {
        path: path.display().to_string(),
        reason: e.kind().to_string(),
    }
}

/// The file's name as the user gave it (shown in lists, never used to
/// decide its type).
fn file_name(path: &Path) -> String {
    path.file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default()
}

/// Fills `head` from `reader` as far as the file goes; how much was read.
fn read_head(reader: &mut impl Read, head: &mut [u8]) -> std::io::Result<usize> {
    let mut n = 0;
    while n < head.len() {
        match reader.read(&mut head[n..])? {
            0 => break,
            k => n += k,
        }
    }
    Ok(n)
}

/// The raw SHA-256 of a hex digest as drafts store it.
fn unhex(s: &str) -> Option<[u8; 32]> {
    crate::attachment::hash::Digest::from_hex(s)
        .ok()
        .map(|d| *d.as_bytes())
}

impl Drafts {
    /// Plaintext bytes `[offset, offset + len)` of an attached file (by
    /// SHA-256 hex), decrypted chunk by chunk: what a resumable upload sends.
    pub fn read_attachment_range(
        &self,
        sha256: &str,
        offset: u64,
        len: u64,
    ) -> Result<Vec<u8>, AttachError> {
        let bytes =
            unhex(sha256).ok_or_else(|| AttachError::NoSuchAttachment(sha256.to_string()))?;
        Ok(self.blobs.read_range(&bytes, offset, len)?)
    }

    /// Attaches the file at `path` to document slot `slot` of a draft (a
    /// JPEG or PNG without its metadata). `progress(bytes_done)` is called
    /// as the file streams in; returning false cancels.
    pub fn attach(
        &self,
        id_or_prefix: &str,
        slot: &str,
        path: &Path,
        progress: &mut dyn FnMut(u64) -> bool,
    ) -> Result<AttachmentRef, AttachError> {
        let (draft, slot_def) = self.slot_of(id_or_prefix, slot)?;
        let file_err = file_error(path);
        let file = std::fs::File::open(path).map_err(file_err)?;
        let size = file.metadata().map_err(file_err)?.len();
        if size > slot_def.max_bytes {
            return Err(AttachError::TooLarge {
                limit: slot_def.max_bytes,
            });
        }
        let mut reader = std::io::BufReader::new(file);
        let mut head = [0u8; 16];
        let n = read_head(&mut reader, &mut head).map_err(file_err)?;
        let head = &head[..n];
        let name = file_name(path);
        let (pending, media) = match hoso_photos::sniff(head) {
            // A photo larger than any camera's is not read into memory to be
            // cleaned, nor stored with its metadata: refused (a 2 GiB
            // drawing slot also takes pictures).
            Some(_) if size > hoso_photos::MAX_PHOTO_BYTES => {
                return Err(PhotoError::FileTooLarge {
                    page: 1,
                    bytes: size,
                    max: hoso_photos::MAX_PHOTO_BYTES,
                }
                .into())
            }
            // HEIC is refused there: its metadata cannot be taken out.
            Some(_) => {
                // Read whole (a photo is at most the slot's limit), cleaned
                // in memory: the file on disk is left as it is.
                let mut bytes = head.to_vec();
                reader
                    .take(
                        slot_def
                            .max_bytes
                            .saturating_sub(n as u64)
                            .saturating_add(1),
                    )
                    .read_to_end(&mut bytes)
                    .map_err(file_err)?;
                let cleaned = hoso_photos::clean(&bytes, 1)?.unwrap_or(bytes);
                self.ingest_checked(
                    cleaned.as_slice(),
                    slot_def.max_bytes,
                    &slot_def.accepted,
                    progress,
                )?
            }
            _ => self.ingest_checked(
                std::io::Read::chain(head, reader),
                slot_def.max_bytes,
                &slot_def.accepted,
                progress,
            )?,
        };
        self.reference(&draft, slot, pending, media, name)
    }

    /// Makes the photos at `paths` (in page order) one PDF and attaches it
    /// to slot `slot`: within `options.max_bytes` and never above the
    /// slot's limit. `progress(pages_done, pages)` is called as pages are
    /// made; the photos' files are left as they are.
    pub fn attach_photos(
        &self,
        id_or_prefix: &str,
        slot: &str,
        paths: &[&Path],
        options: &hoso_photos::DocumentOptions,
        progress: &mut dyn FnMut(usize, usize),
    ) -> Result<PhotoDocument, AttachError> {
        let (draft, slot_def) = self.slot_of(id_or_prefix, slot)?;
        if !slot_def.accepted.contains(&MediaType::Pdf) {
            return Err(AttachError::WrongType {
                found: sniff::media_label(MediaType::Pdf).to_string(),
                allowed: labels(&slot_def.accepted),
            });
        }
        if paths.len() > hoso_photos::MAX_PHOTOS {
            return Err(PhotoError::TooManyPhotos {
                count: paths.len(),
                max: hoso_photos::MAX_PHOTOS,
            }
            .into());
        }
        let mut photos = Vec::with_capacity(paths.len());
        for (i, path) in paths.iter().enumerate() {
            let file_err = file_error(path);
            let file = std::fs::File::open(path).map_err(file_err)?;
            let size = file.metadata().map_err(file_err)?.len();
            if size > hoso_photos::MAX_PHOTO_BYTES {
                return Err(PhotoError::FileTooLarge {
                    page: i + 1,
                    bytes: size,
                    max: hoso_photos::MAX_PHOTO_BYTES,
                }
                .into());
            }
            let mut bytes = Vec::new();
            file.take(hoso_photos::MAX_PHOTO_BYTES)
                .read_to_end(&mut bytes)
                .map_err(file_err)?;
            photos.push(bytes);
        }
        let limit = options
            .max_bytes
            .unwrap_or(slot_def.max_bytes)
            .min(slot_def.max_bytes);
        let options = hoso_photos::DocumentOptions {
            max_bytes: Some(limit),
            ..*options
        };
        let refs: Vec<&[u8]> = photos.iter().map(Vec::as_slice).collect();
        let document = hoso_photos::from_photos(&refs, &options, progress)?;
        drop(photos);
        let (pending, media) = self.ingest_checked(
            document.pdf.as_slice(),
            slot_def.max_bytes,
            &slot_def.accepted,
            &mut |_| true,
        )?;
        let name = paths
            .first()
            .and_then(|p| p.file_stem())
            .map(|s| format!("{}.pdf", s.to_string_lossy()))
            .unwrap_or_else(|| "document.pdf".into());
        Ok(PhotoDocument {
            attached: self.reference(&draft, slot, pending, media, name)?,
            pages: document.pages,
        })
    }

    /// Attaches what the user gave for one slot: one file as it is (a
    /// photo without its metadata), or — several files, or a document
    /// asked for (`as_document`, grey pages, a size limit) — the photos
    /// made one PDF. `bytes` hears a single file's progress, `pages` the
    /// document's.
    pub fn attach_given(
        &self,
        id_or_prefix: &str,
        slot: &str,
        paths: &[&Path],
        request: &PhotoRequest,
        bytes: &mut dyn FnMut(u64) -> bool,
        pages: &mut dyn FnMut(usize, usize),
    ) -> Result<PhotoDocument, AttachError> {
        match paths {
            [one] if !request.makes_document() => Ok(PhotoDocument {
                attached: self.attach(id_or_prefix, slot, one, bytes)?,
                pages: Vec::new(),
            }),
            _ => self.attach_photos(id_or_prefix, slot, paths, &request.options(), pages),
        }
    }

    /// The draft and the definition of its slot `slot`.
    fn slot_of(
        &self,
        id_or_prefix: &str,
        slot: &str,
    ) -> Result<(Draft, crate::form::DocumentSlot), AttachError> {
        let draft = self.get(id_or_prefix)?;
        let schema = self.schema(&draft)?;
        let slot_def = schema
            .slot(slot)
            .ok_or_else(|| AttachError::UnknownSlot(slot.to_string()))?
            .clone();
        Ok((draft, slot_def))
    }

    /// Publishes an ingested file and refers to it from `slot` of `draft`
    /// in one commit.
    fn reference(
        &self,
        draft: &Draft,
        slot: &str,
        pending: Pending,
        media: MediaType,
        file_name: String,
    ) -> Result<AttachmentRef, AttachError> {
        let sha = crate::attachment::blobs::hex(&pending.sha256);
        let attached = AttachmentRef {
            sha256: sha.clone(),
            size: pending.size,
            media_type: media.mime().to_string(),
            file_name,
        };
        // Under the edit lock, so garbage collection cannot run between the
        // blob becoming visible and the commit that refers to it. The file
        // is visible under its content address before anything refers to
        // it; a crash here leaves an unreferenced blob that
        // `collect_garbage` removes.
        let _guard = self.vault.store().edit_lock();
        let mut record = refs::get(&self.vault, &sha)?.unwrap_or_else(|| BlobRecord {
            sha256: sha.clone(),
            size: attached.size,
            media_type: attached.media_type.clone(),
            refs: 0,
            damaged: false,
        });
        // A copy found damaged is replaced by this good one, and its mark
        // cleared in the same commit as the reference.
        let repairing = record.damaged;
        if repairing {
            self.blobs.republish(pending)?;
        } else {
            self.blobs.publish(pending)?;
        }
        record.damaged = false;
        let mut changes = Changes::default();
        let mut draft = self.load(&draft.id)?;
        let files = draft.documents.entry(slot.to_string()).or_default();
        if files.iter().any(|f| f.sha256 == sha) {
            if repairing {
                refs::put(&self.vault, &mut changes, &record)?;
                self.commit(&changes)?;
            }
            return Ok(attached);
        }
        files.push(attached.clone());
        record.refs += 1;
        refs::put(&self.vault, &mut changes, &record)?;
        draft.revision += 1;
        draft.updated_at = super::store::now();
        self.stage(&mut changes, &draft)?;
        self.commit(&changes)?;
        self.tell(super::observe::DraftChange::Attached, &draft);
        Ok(attached)
    }

    /// Streams `reader` into a sealed temp blob (at most `max_bytes`) and
    /// checks its type, read from its content, is one of `accepted`.
    pub(super) fn ingest_checked(
        &self,
        reader: impl std::io::Read,
        max_bytes: u64,
        accepted: &[MediaType],
        progress: &mut dyn FnMut(u64) -> bool,
    ) -> Result<(Pending, MediaType), AttachError> {
        let pending = self
            .blobs
            .ingest(reader, max_bytes, progress)
            .map_err(|e| match e {
                BlobError::TooLarge { limit } => AttachError::TooLarge { limit },
                other => AttachError::Blob(other),
            })?;
        let refused = match sniff::sniff(&pending.head) {
            Sniffed::Media(m) if accepted.contains(&m) => return Ok((pending, m)),
            Sniffed::Media(m) => AttachError::WrongType {
                found: sniff::media_label(m).to_string(),
                allowed: labels(accepted),
            },
            Sniffed::Executable(kind) => AttachError::Executable(kind.to_string()),
            Sniffed::Unknown => AttachError::UnknownType,
        };
        self.blobs.discard(pending);
        Err(refused)
    }

    /// Stages adding `delta` references to each of `files`' blobs; returns
    /// the blobs whose count reached zero.
    pub(super) fn add_refs(
        &self,
        changes: &mut Changes,
        files: &[AttachmentRef],
        delta: i64,
    ) -> Result<Vec<String>, DraftError> {
        add_refs(&self.vault, changes, files, delta)
    }

    /// Removes blob files whose last reference went away.
    pub(super) fn drop_blobs(&self, emptied: &[String]) {
        drop_blobs(&self.blobs, emptied)
    }

    /// The holds the outbox keeps on this directory's attached files.
    pub fn file_holds(&self) -> FileHolds {
        FileHolds {
            vault: self.vault.clone(),
            blobs: self.blobs.clone(),
        }
    }

    /// Files attached per slot that can be sent: one whose stored copy was
    /// found damaged does not count, so the slot shows as missing again.
    pub(super) fn usable_document_counts(
        &self,
        draft: &Draft,
    ) -> Result<std::collections::BTreeMap<String, u32>, DraftError> {
        let mut counts = std::collections::BTreeMap::new();
        for (slot, files) in &draft.documents {
            let mut n = 0;
            for f in files {
                let damaged = refs::get(&self.vault, &f.sha256)?
                    .map(|r| r.damaged)
                    .unwrap_or(true);
                if !damaged {
                    n += 1;
                }
            }
            counts.insert(slot.clone(), n);
        }
        Ok(counts)
    }

    /// Removes one attachment (by a prefix of its SHA-256) from a slot.
    pub fn detach(
        &self,
        id_or_prefix: &str,
        slot: &str,
        sha256_prefix: &str,
    ) -> Result<Draft, AttachError> {
        let _guard = self.vault.store().edit_lock();
        let id = self.resolve_id(id_or_prefix)?;
        let mut draft = self.load(&id)?;
        let wanted = sha256_prefix.trim().to_ascii_lowercase();
        let files = draft
            .documents
            .get_mut(slot)
            .ok_or_else(|| AttachError::NoSuchAttachment(wanted.clone()))?;
        let matching: Vec<usize> = files
            .iter()
            .enumerate()
            .filter(|(_, f)| !wanted.is_empty() && f.sha256.starts_with(&wanted))
            .map(|(i, _)| i)
            .collect();
        let at = match matching.as_slice() {
            [one] => *one,
            [] => return Err(AttachError::NoSuchAttachment(wanted)),
            _ => return Err(AttachError::AmbiguousAttachment(wanted)),
        };
        let removed = files.remove(at);
        if files.is_empty() {
            draft.documents.remove(slot);
        }
        let mut changes = Changes::default();
        let emptied = self.add_refs(&mut changes, &[removed], -1)?;
        draft.revision += 1;
        draft.updated_at = super::store::now();
        self.stage(&mut changes, &draft)?;
        self.commit(&changes)?;
        self.drop_blobs(&emptied);
        self.tell(super::observe::DraftChange::Detached, &draft);
        Ok(draft)
    }

    /// The files attached to a draft, slot by slot.
    pub fn attachments(&self, id_or_prefix: &str) -> Result<Vec<AttachmentView>, DraftError> {
        let draft = self.get(id_or_prefix)?;
        let mut out = Vec::new();
        for (slot, files) in &draft.documents {
            for f in files {
                let damaged = refs::get(&self.vault, &f.sha256)?
                    .map(|r| r.damaged)
                    .unwrap_or(true);
                out.push(AttachmentView {
                    slot: slot.clone(),
                    sha256: f.sha256.clone(),
                    size: f.size,
                    media_type: f.media_type.clone(),
                    file_name: f.file_name.clone(),
                    damaged,
                });
            }
        }
        Ok(out)
    }

    /// Re-reads and re-hashes every file attached to a draft. A damaged or
    /// missing copy is named and marked damaged, so it is never sent; an
    /// I/O error that says nothing about the copy (`error`) marks nothing.
    pub fn verify_attachments(
        &self,
        id_or_prefix: &str,
    ) -> Result<Vec<VerifiedAttachment>, DraftError> {
        let draft = self.get(id_or_prefix)?;
        let mut out = Vec::new();
        // The slow part, without the lock.
        for (slot, files) in &draft.documents {
            for f in files {
                let status = match unhex(&f.sha256).map(|b| self.blobs.verify(&b)) {
                    Some(Ok(())) => "ok",
                    Some(Err(BlobError::Missing { .. })) | None => "missing",
                    Some(Err(BlobError::Damaged { .. })) => "damaged",
                    Some(Err(_)) => "error",
                };
                out.push(VerifiedAttachment {
                    slot: slot.clone(),
                    sha256: f.sha256.clone(),
                    status,
                });
            }
        }
        // Then mark, re-reading each record under the lock so a count
        // changed meanwhile is never overwritten.
        let _guard = self.vault.store().edit_lock();
        let mut changes = Changes::default();
        let bad: HashSet<&str> = out
            .iter()
            .filter(|v| v.status == "damaged" || v.status == "missing")
            .map(|v| v.sha256.as_str())
            .collect();
        for sha in bad {
            if let Some(mut record) = refs::get(&self.vault, sha)? {
                if !record.damaged {
                    record.damaged = true;
                    refs::put(&self.vault, &mut changes, &record)?;
                }
            }
        }
        self.commit(&changes)?;
        Ok(out)
    }

    /// Deletes leftovers: temp files of interrupted adds and blob files
    /// neither a draft nor `held` (the outbox's files, see
    /// `Outbox::collect_garbage`, the collector the apps call) refers to; recounts the references from the drafts themselves
    /// (so a count left wrong, say by deleting an unreadable draft, is set
    /// right). With an unreadable draft it keeps every blob a count still
    /// names; while a quarantined store exists (its drafts may refer to
    /// blobs) it refuses. Returns how many files were removed.
    pub fn collect_garbage(&self, held: &[AttachmentRef]) -> Result<usize, AttachError> {
        if let Some(q) = self.quarantine_on_disk() {
            return Err(AttachError::QuarantinePresent(q));
        }
        let _guard = self.vault.store().edit_lock();
        let (drafts, mut damaged) = self.all_drafts()?;
        let (pinned, pin_unreadable) = self.all_pinned()?;
        if pin_unreadable {
            damaged.push("pin".into());
        }
        let mut referenced: std::collections::HashMap<String, (u64, AttachmentRef)> =
            Default::default();
        for d in &drafts {
            for f in d.attached() {
                referenced.entry(f.sha256.clone()).or_insert((0, f)).0 += 1;
            }
        }
        // Files the directory keeps for itself (a consent form's scan).
        for f in pinned {
            referenced.entry(f.sha256.clone()).or_insert((0, f)).0 += 1;
        }
        // Submissions still to upload hold a reference on each file.
        for f in held.iter().cloned() {
            referenced.entry(f.sha256.clone()).or_insert((0, f)).0 += 1;
        }
        let records = refs::all(&self.vault).map_err(DraftError::from)?;
        let mut keep: HashSet<[u8; 32]> = referenced.keys().filter_map(|s| unhex(s)).collect();
        let mut changes = Changes::default();
        if damaged.is_empty() {
            // The drafts are the truth: fix every count to match them.
            for r in &records {
                match referenced.get(&r.sha256) {
                    None => refs::remove(&self.vault, &mut changes, &r.sha256),
                    Some((n, _)) if *n != r.refs => {
                        let mut fixed = r.clone();
                        fixed.refs = *n;
                        refs::put(&self.vault, &mut changes, &fixed)?;
                    }
                    Some(_) => {}
                }
            }
            for (sha, (n, f)) in &referenced {
                if !records.iter().any(|r| &r.sha256 == sha) {
                    let record = BlobRecord {
                        sha256: sha.clone(),
                        size: f.size,
                        media_type: f.media_type.clone(),
                        refs: *n,
                        damaged: false,
                    };
                    refs::put(&self.vault, &mut changes, &record)?;
                }
            }
        } else {
            keep.extend(
                records
                    .iter()
                    .filter(|r| r.refs > 0)
                    .filter_map(|r| unhex(&r.sha256)),
            );
        }
        self.commit(&changes)?;
        Ok(self.blobs.collect(&keep)?)
    }
}

/// References held on attached files by something other than a draft (a
/// queued submission): staged in the holder's own commit, so a file is
/// never collected while a submission still names it.
#[derive(Clone)]
pub struct FileHolds {
    vault: Vault,
    blobs: BlobStore,
}

impl FileHolds {
    /// Stages one more reference on each of `files`.
    pub fn hold(&self, changes: &mut Changes, files: &[AttachmentRef]) -> Result<(), DraftError> {
        add_refs(&self.vault, changes, files, 1).map(|_| ())
    }

    /// Stages dropping one reference on each of `files`; returns the blobs
    /// left with none, for [`FileHolds::drop_blobs`] after the commit.
    pub fn release(
        &self,
        changes: &mut Changes,
        files: &[AttachmentRef],
    ) -> Result<Vec<String>, DraftError> {
        add_refs(&self.vault, changes, files, -1)
    }

    /// Removes blob files whose last reference went away (after the commit
    /// that dropped it). A failure only leaves an orphan for the collector.
    pub fn drop_blobs(&self, emptied: &[String]) {
        drop_blobs(&self.blobs, emptied)
    }
}

/// Stages adding `delta` references to each of `files`' blobs (a new
/// record for a blob seen the first time). Returns the blobs whose count
/// reached zero.
fn add_refs(
    vault: &Vault,
    changes: &mut Changes,
    files: &[AttachmentRef],
    delta: i64,
) -> Result<Vec<String>, DraftError> {
    let mut emptied = Vec::new();
    let mut counted: std::collections::HashMap<&str, i64> = Default::default();
    for f in files {
        *counted.entry(f.sha256.as_str()).or_default() += delta;
    }
    for (sha, d) in counted {
        let file = files.iter().find(|f| f.sha256 == sha);
        let existing = refs::get(vault, sha)?;
        if existing.is_none() && d < 0 {
            // Nothing counted this blob: leave it to the collector,
            // which recounts from the drafts, rather than guess.
            continue;
        }
        let mut record = existing.unwrap_or_else(|| BlobRecord {
            sha256: sha.to_string(),
            size: file.map(|f| f.size).unwrap_or(0),
            media_type: file.map(|f| f.media_type.clone()).unwrap_or_default(),
            refs: 0,
            damaged: false,
        });
        let refs_now = (record.refs as i64 + d).max(0) as u64;
        if refs_now == 0 {
            refs::remove(vault, changes, sha);
            emptied.push(sha.to_string());
        } else {
            record.refs = refs_now;
            refs::put(vault, changes, &record)?;
        }
    }
    Ok(emptied)
}

fn drop_blobs(blobs: &BlobStore, emptied: &[String]) {
    for sha in emptied {
        if let Some(bytes) = unhex(sha) {
            let _ = blobs.remove(&bytes);
        }
    }
}

impl From<VaultError> for AttachError {
    fn from(e: VaultError) -> Self {
        AttachError::Draft(DraftError::Vault(e))
    }
}
