//! Upload and blob records in the portal store, and their lifetimes: an
//! unfinished upload lives 24 hours after its last PATCH, then answers
//! `410` for a day, then `404` (so does an abandoned or discarded one); a
//! blob is held by an account for 7 days after completion (renewed when
//! the account declares it again) or while one of its dossiers names it,
//! and its file is removed once no account holds it. [`Uploads::sweep`]
//! deletes what has run out; requests never depend on it having run.
//!
//! Trees (values sealed; keys hold no personal data: content hashes appear
//! in keys only blinded):
//! - `uploads/{upload id}` → [`UploadRecord`]
//! - `uploads_open/{account}:{blind}` → id of the account's unfinished upload of that content
//! - `blobs/{blind}` → [`BlobRecord`]
//! - `blobs_held/{blind}:{account}` → [`HeldRecord`]
//! - `blobs_named/{blind}:{account}:{dossier code}` → [`NamedRecord`]

use super::blobs::{self, FileError};
use super::{staging, tus, Uploads};
use crate::db::{Db, Write};
use crate::error::ApiError;
use serde::{Deserialize, Serialize};
use std::collections::HashSet;
use time::OffsetDateTime;

pub(super) const UPLOADS: &str = "uploads";
const OPEN: &str = "uploads_open";
const BLOBS: &str = "blobs";
const HELD: &str = "blobs_held";
const NAMED: &str = "blobs_named";

const DAY: i64 = 24 * 3600;
/// An unfinished upload lives this long after its last PATCH.
pub(super) const UPLOAD_TTL: i64 = DAY;
/// An expired or abandoned upload answers `410` this long, then `404`.
const GONE_FOR: i64 = DAY;
/// A completed blob is held this long unless a dossier names it.
const HOLD_FOR: i64 = 7 * DAY;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub(super) enum State {
    InProgress,
    Complete,
    Abandoned,
    Discarded,
}

/// One upload (sealed).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(super) struct UploadRecord {
    pub id: String,
    pub account_id: String,
    pub sha256: String,
    pub size: u64,
    pub media_type: String,
    /// Content bytes durably staged.
    pub offset: u64,
    /// Staging file bytes and segments the offset stands for.
    pub staged_len: u64,
    pub segments: u64,
    pub state: State,
    pub created_at: i64,
    /// While in progress: the last PATCH (or creation) plus 24 hours.
    pub expires_at: i64,
    /// When it completed, was abandoned or discarded.
    pub ended_at: Option<i64>,
}

/// What an upload is at a given time.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum View {
    Live,
    /// Expired, abandoned or discarded within the last day: `410`.
    Gone,
    /// Unknown from the outside: `404`.
    Missing,
}

impl UploadRecord {
    pub(super) fn view(&self, now: i64) -> View {
        let gone_since = |t: i64| {
            if now < t.saturating_add(GONE_FOR) {
                View::Gone
            } else {
                View::Missing
            }
        };
        let ended = self.ended_at.unwrap_or(self.created_at);
        match self.state {
            State::InProgress if now < self.expires_at => View::Live,
            State::InProgress => gone_since(self.expires_at),
            State::Complete if now < ended.saturating_add(HOLD_FOR) => View::Live,
            State::Complete => View::Missing,
            State::Abandoned | State::Discarded => gone_since(ended),
        }
    }

    /// The offset a client sees (the whole length once complete).
    pub(super) fn current_offset(&self) -> u64 {
        match self.state {
            State::Complete => self.size,
            _ => self.offset,
        }
    }

    pub(super) fn committed(&self) -> staging::Committed {
        staging::Committed {
            len: self.staged_len,
            segments: self.segments,
            offset: self.offset,
        }
    }
}

/// One stored blob file (sealed).
#[derive(Debug, Clone, Serialize, Deserialize)]
struct BlobRecord {
    sha256: String,
    size: u64,
    media_type: String,
    stored_at: i64,
}

/// A blob an account holds (sealed).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub(super) struct HeldRecord {
    pub sha256: String,
    pub size: u64,
    pub media_type: String,
    pub completed_at: i64,
    /// Kept at least until then even if no dossier names it.
    pub kept_until: i64,
}

/// A dossier naming a blob of its account (sealed).
#[derive(Debug, Clone, Serialize, Deserialize)]
struct NamedRecord {
    sha256: String,
    account_id: String,
    dossier_code: String,
}

/// A blob held by an account, as the dossier module needs it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct HeldBlob {
    pub size: u64,
    pub media_type: String,
}

/// Blob and upload counts for the admin stats.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct UploadStats {
    pub blobs: u64,
    pub blob_bytes: u64,
    pub uploads_in_progress: u64,
}

/// What a sweep removed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub(crate) struct Swept {
    pub uploads: u64,
    pub blobs: u64,
}

/// What one account may have unfinished at once: uploads, and their
/// declared bytes in all. An upload stops counting when it completes, is
/// deleted (or discarded) or expires.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Quota {
    pub uploads: u64,
    pub bytes: u64,
}

/// What `POST /v1/uploads` found or made.
pub(super) enum Declared {
    /// The account holds the blob already.
    Held(HeldRecord),
    /// The account's unfinished upload of the same content.
    Resume(UploadRecord),
    Created(UploadRecord),
}

fn internal(e: FileError) -> ApiError {
    ApiError::internal(&e)
}

impl Uploads {
    /// The index key of a content hash (blinded, so keys reveal nothing).
    pub(super) fn blind(&self, sha256: &str) -> String {
        self.sealer.blind(&format!("blob:{sha256}"))
    }

    fn lock(&self) -> std::sync::MutexGuard<'_, ()> {
        self.records.lock().unwrap_or_else(|p| p.into_inner())
    }

    /// An upload of `account_id`: `404` when unknown, another account's or
    /// long gone, `410` when expired or abandoned within the last day.
    pub(super) fn find(
        &self,
        db: &Db,
        account_id: &str,
        id: &str,
        now: i64,
    ) -> Result<UploadRecord, ApiError> {
        let Ok(uuid) = uuid::Uuid::parse_str(id) else {
            return Err(ApiError::not_found());
        };
        let key = uuid.hyphenated().to_string();
        let Some(record) = db.get::<UploadRecord>(UPLOADS, &key)? else {
            return Err(ApiError::not_found());
        };
        if record.account_id != account_id {
            return Err(ApiError::not_found());
        }
        match record.view(now) {
            View::Live => Ok(record),
            View::Gone => Err(tus::expired()),
            View::Missing => Err(ApiError::not_found()),
        }
    }

    /// `POST /v1/uploads`: already held, an unfinished upload to resume, or
    /// a new upload.
    pub(super) fn declare(
        &self,
        db: &Db,
        account_id: &str,
        sha256: &str,
        size: u64,
        media_type: &str,
        now: i64,
    ) -> Result<Declared, ApiError> {
        let blind = self.blind(sha256);
        let _guard = self.lock();
        let held_key = format!("{blind}:{account_id}");
        if let Some(mut held) = db.get::<HeldRecord>(HELD, &held_key)? {
            if held.size == size && held.media_type == media_type {
                // Declared again: the client will name it soon, keep it.
                held.kept_until = held.kept_until.max(now + HOLD_FOR);
                db.put(HELD, &held_key, &held)?;
                return Ok(Declared::Held(held));
            }
        }
        let open_key = format!("{account_id}:{blind}");
        // The account's unfinished upload of this content, if any: resumed
        // when it matches, else replaced (one of the two declarations is
        // wrong, as one content has one size), so the index holds every
        // unfinished upload of the account, one per content.
        let mut replaced = None;
        if let Some(id) = db.get::<String>(OPEN, &open_key)? {
            if let Some(record) = db.get::<UploadRecord>(UPLOADS, &id)? {
                if record.state == State::InProgress && record.view(now) == View::Live {
                    if record.size == size && record.media_type == media_type {
                        return Ok(Declared::Resume(record));
                    }
                    replaced = Some(record);
                }
            }
        }
        self.check_quota(db, account_id, replaced.as_ref(), size, now)?;
        let record = UploadRecord {
            id: uuid::Uuid::new_v4().hyphenated().to_string(),
            account_id: account_id.to_string(),
            sha256: sha256.to_string(),
            size,
            media_type: media_type.to_string(),
            offset: 0,
            staged_len: 0,
            segments: 0,
            state: State::InProgress,
            created_at: now,
            expires_at: now + UPLOAD_TTL,
            ended_at: None,
        };
        let mut writes = vec![
            Write::put(UPLOADS, record.id.clone(), &record),
            Write::put(OPEN, open_key, &record.id),
        ];
        if let Some(mut old) = replaced {
            old.state = State::Discarded;
            old.ended_at = Some(now);
            writes.push(Write::put(UPLOADS, old.id.clone(), &old));
            db.commit(&writes)?;
            blobs::remove_file(&self.staging_path(&old.id)).map_err(internal)?;
        } else {
            db.commit(&writes)?;
        }
        Ok(Declared::Created(record))
    }

    /// `409 upload_quota_exceeded` when one more unfinished upload of
    /// `size` bytes would take `account_id` past its quota (`replaced`,
    /// about to end, does not count). Call it under the records lock.
    fn check_quota(
        &self,
        db: &Db,
        account_id: &str,
        replaced: Option<&UploadRecord>,
        size: u64,
        now: i64,
    ) -> Result<(), ApiError> {
        let mut uploads = 1u64;
        let mut bytes = size;
        for (_, id) in db.scan::<String>(OPEN, &format!("{account_id}:"), None, usize::MAX)? {
            if replaced.is_some_and(|r| r.id == id) {
                continue;
            }
            let Some(record) = db.get::<UploadRecord>(UPLOADS, &id)? else {
                continue;
            };
            if record.state == State::InProgress && record.view(now) == View::Live {
                uploads = uploads.saturating_add(1);
                bytes = bytes.saturating_add(record.size);
            }
        }
        if uploads > self.quota.uploads || bytes > self.quota.bytes {
            return Err(tus::quota_exceeded(self.quota.uploads, self.quota.bytes));
        }
        Ok(())
    }

    /// Records bytes durably staged by a PATCH; `410` (and the staging file
    /// removed) if the upload was abandoned meanwhile.
    pub(super) fn commit_progress(
        &self,
        db: &Db,
        id: &str,
        staged: staging::Committed,
        now: i64,
    ) -> Result<UploadRecord, ApiError> {
        let _guard = self.lock();
        let Some(mut record) = db.get::<UploadRecord>(UPLOADS, id)? else {
            return Err(ApiError::not_found());
        };
        if record.state != State::InProgress {
            blobs::remove_file(&self.staging_path(id)).map_err(internal)?;
            return Err(tus::expired());
        }
        record.offset = staged.offset;
        record.staged_len = staged.len;
        record.segments = staged.segments;
        record.expires_at = now + UPLOAD_TTL;
        db.put(UPLOADS, id, &record)?;
        Ok(record)
    }

    /// Ends an unfinished upload without a blob (abandoned or discarded):
    /// its staging file goes, its id answers `410` for a day.
    pub(super) fn end(
        &self,
        db: &Db,
        record: &UploadRecord,
        state: State,
        now: i64,
    ) -> Result<(), ApiError> {
        let _guard = self.lock();
        let Some(mut current) = db.get::<UploadRecord>(UPLOADS, &record.id)? else {
            return Ok(());
        };
        let was = current.state;
        current.state = state;
        current.ended_at = Some(now);
        let mut writes = vec![Write::put(UPLOADS, current.id.clone(), &current)];
        if was == State::InProgress {
            writes.extend(self.unindex(db, &current)?);
        }
        db.commit(&writes)?;
        blobs::remove_file(&self.staging_path(&current.id)).map_err(internal)?;
        Ok(())
    }

    /// Removes the account's "unfinished upload of this content" index if
    /// it points at `record`.
    fn unindex(&self, db: &Db, record: &UploadRecord) -> Result<Vec<Write>, ApiError> {
        let open_key = format!("{}:{}", record.account_id, self.blind(&record.sha256));
        Ok(match db.get::<String>(OPEN, &open_key)? {
            Some(id) if id == record.id => vec![Write::Remove(OPEN, open_key)],
            _ => Vec::new(),
        })
    }

    /// Moves a verified blob file into place and records the upload
    /// complete and the blob held by its account, in one commit.
    pub(super) fn store_blob(
        &self,
        db: &Db,
        record: &UploadRecord,
        file: tempfile::NamedTempFile,
        now: i64,
    ) -> Result<(), ApiError> {
        let blind = self.blind(&record.sha256);
        let _guard = self.lock();
        let Some(mut current) = db.get::<UploadRecord>(UPLOADS, &record.id)? else {
            return Err(ApiError::not_found());
        };
        if current.state != State::InProgress {
            blobs::remove_file(&self.staging_path(&record.id)).map_err(internal)?;
            return Err(tus::expired());
        }
        // The same content hashes the same: replacing another account's
        // copy changes nothing, and takes as long as a first copy would.
        blobs::persist(file, &self.blobs_dir, &blind).map_err(internal)?;
        current.state = State::Complete;
        current.ended_at = Some(now);
        let held = HeldRecord {
            sha256: current.sha256.clone(),
            size: current.size,
            media_type: current.media_type.clone(),
            completed_at: now,
            kept_until: now + HOLD_FOR,
        };
        let stored_at = db
            .get::<BlobRecord>(BLOBS, &blind)?
            .map_or(now, |b| b.stored_at);
        let blob = BlobRecord {
            sha256: current.sha256.clone(),
            size: current.size,
            media_type: current.media_type.clone(),
            stored_at,
        };
        let mut writes = vec![
            Write::put(UPLOADS, current.id.clone(), &current),
            Write::put(HELD, format!("{blind}:{}", current.account_id), &held),
            Write::put(BLOBS, blind, &blob),
        ];
        writes.extend(self.unindex(db, &current)?);
        db.commit(&writes)?;
        blobs::remove_file(&self.staging_path(&current.id)).map_err(internal)?;
        Ok(())
    }

    /// The blob `sha256` if `account_id` holds it (uploaded and not yet
    /// removed by a sweep).
    pub(crate) fn held(
        &self,
        db: &Db,
        account_id: &str,
        sha256: &str,
    ) -> Result<Option<HeldBlob>, ApiError> {
        let key = format!("{}:{account_id}", self.blind(sha256));
        Ok(db.get::<HeldRecord>(HELD, &key)?.map(|h| HeldBlob {
            size: h.size,
            media_type: h.media_type,
        }))
    }

    /// The writes that record dossier `dossier_code` naming blob `sha256`
    /// of `account_id`, for the dossier's own commit: a named blob is kept
    /// as long as the record exists. `422 validation_failed` if the account
    /// does not hold the blob (check [`Uploads::held`] first).
    pub(crate) fn name_by_dossier(
        &self,
        db: &Db,
        account_id: &str,
        sha256: &str,
        dossier_code: &str,
    ) -> Result<Vec<Write>, ApiError> {
        if self.held(db, account_id, sha256)?.is_none() {
            return Err(ApiError::validation(vec![crate::error::FieldIssue::new(
                "documents",
                "blob_not_held",
                "Tệp đính kèm chưa được tải lên bởi tài khoản này",
                "The attached file was not uploaded by this account",
            )]));
        }
        let key = format!("{}:{account_id}:{dossier_code}", self.blind(sha256));
        Ok(vec![Write::put(
            NAMED,
            key,
            &NamedRecord {
                sha256: sha256.to_string(),
                account_id: account_id.to_string(),
                dossier_code: dossier_code.to_string(),
            },
        )])
    }

    /// Re-reads, decrypts and re-hashes the stored blob `sha256`: `false`
    /// when it is missing, damaged or altered. Reads the whole file: call
    /// it off the async workers (`spawn_blocking`).
    pub(crate) fn verify(&self, sha256: &str) -> Result<bool, ApiError> {
        let path = self.blobs_dir.join(self.blind(sha256));
        blobs::verify(&path, &self.sealer, sha256).map_err(internal)
    }

    /// The content of the stored blob `sha256`, decrypted, checked against
    /// its hash, at most `max` bytes. Reads the whole file: call it off the
    /// async workers (`spawn_blocking`).
    pub(crate) fn content(&self, sha256: &str, max: u64) -> Result<Vec<u8>, ApiError> {
        let path = self.blobs_dir.join(self.blind(sha256));
        let mut out = Vec::new();
        let mut hasher = hoso_core::attachment::hash::Sha256::new();
        blobs::read(&path, &self.sealer, sha256, |plain| {
            if out.len() as u64 + plain.len() as u64 > max {
                return Err(FileError::Damaged);
            }
            hasher.update(plain);
            out.extend_from_slice(plain);
            Ok(())
        })
        .map_err(internal)?;
        if hasher.finish().to_hex() != sha256 {
            return Err(internal(FileError::Damaged));
        }
        Ok(out)
    }

    /// Blob and upload counts (`AdminStats`).
    pub(crate) fn stats(&self, db: &Db, now: OffsetDateTime) -> Result<UploadStats, ApiError> {
        let now = now.unix_timestamp();
        let mut stats = UploadStats::default();
        for (_, blob) in db.scan::<BlobRecord>(BLOBS, "", None, usize::MAX)? {
            stats.blobs += 1;
            stats.blob_bytes += blob.size;
        }
        for (_, upload) in db.scan::<UploadRecord>(UPLOADS, "", None, usize::MAX)? {
            if upload.state == State::InProgress && upload.view(now) == View::Live {
                stats.uploads_in_progress += 1;
            }
        }
        Ok(stats)
    }

    /// Removes what has run out: expired unfinished uploads' bytes, upload
    /// records a day after they stopped answering `410` (a week after
    /// completion), blobs an account held for 7 days that no dossier names,
    /// and blob files no account holds. Blocking: run it off the async
    /// workers; [`super::sweep`] does.
    pub(crate) fn sweep(&self, db: &Db, now: OffsetDateTime) -> Result<Swept, ApiError> {
        let now = now.unix_timestamp();
        let mut swept = Swept::default();
        let busy: HashSet<String> = self.busy_ids();
        let mut live = HashSet::new();
        for (id, record) in db.scan::<UploadRecord>(UPLOADS, "", None, usize::MAX)? {
            if busy.contains(&id) {
                live.insert(id);
                continue;
            }
            let _guard = self.lock();
            let Some(record) = db.get::<UploadRecord>(UPLOADS, &record.id)? else {
                continue;
            };
            match (record.state, record.view(now)) {
                (State::InProgress, View::Live) => {
                    live.insert(id);
                }
                (_, View::Missing) => {
                    let mut writes = vec![Write::Remove(UPLOADS, id.clone())];
                    writes.extend(self.unindex(db, &record)?);
                    db.commit(&writes)?;
                    swept.uploads += 1;
                }
                (State::InProgress, View::Gone) => {
                    db.commit(&self.unindex(db, &record)?)?;
                }
                _ => {}
            }
        }
        // Staging files of uploads no longer in progress (expired, or left
        // by a crash).
        for entry in std::fs::read_dir(&self.staging_dir).map_err(|e| ApiError::internal(&e))? {
            let entry = entry.map_err(|e| ApiError::internal(&e))?;
            let name = entry.file_name().to_string_lossy().into_owned();
            if live.contains(&name) {
                continue;
            }
            // Re-read under the lock: an upload created (or a PATCH begun)
            // since the scan above is live, and its file is not ours to take.
            let _guard = self.lock();
            let now_live = self.busy_ids().contains(&name)
                || db
                    .get::<UploadRecord>(UPLOADS, &name)?
                    .is_some_and(|r| r.state == State::InProgress && r.view(now) == View::Live);
            if !now_live {
                blobs::remove_file(&entry.path()).map_err(internal)?;
            }
        }
        for key in db.keys(HELD, "")? {
            let _guard = self.lock();
            let Some(held) = db.get::<HeldRecord>(HELD, &key)? else {
                continue;
            };
            if now < held.kept_until || !db.keys(NAMED, &format!("{key}:"))?.is_empty() {
                continue;
            }
            db.remove(HELD, &key)?;
        }
        for blind in db.keys(BLOBS, "")? {
            let _guard = self.lock();
            if db.keys(HELD, &format!("{blind}:"))?.is_empty() {
                blobs::remove_file(&self.blobs_dir.join(&blind)).map_err(internal)?;
                db.remove(BLOBS, &blind)?;
                swept.blobs += 1;
            }
        }
        // Blob files without a record (moved in place just before a crash).
        for entry in std::fs::read_dir(&self.blobs_dir).map_err(|e| ApiError::internal(&e))? {
            let entry = entry.map_err(|e| ApiError::internal(&e))?;
            if !entry.file_type().is_ok_and(|t| t.is_file()) {
                continue;
            }
            let name = entry.file_name().to_string_lossy().into_owned();
            let _guard = self.lock();
            if db.get::<BlobRecord>(BLOBS, &name)?.is_none() {
                blobs::remove_file(&entry.path()).map_err(internal)?;
            }
        }
        Ok(swept)
    }
}

#[cfg(test)]
mod tests {
    use super::super::blobs::BlobWriter;
    use super::super::staging::Appender;
    use super::*;
    use hoso_core::attachment::hash::Digest;
    use std::sync::Arc;

    const T0: i64 = 1_795_000_000;

    fn at(t: i64) -> OffsetDateTime {
        OffsetDateTime::from_unix_timestamp(t).unwrap()
    }

    fn setup(dir: &std::path::Path) -> (Db, Uploads) {
        let sealer = Arc::new(crate::seal::Sealer::open(dir).unwrap());
        let db = Db::open(dir, sealer).unwrap();
        let uploads = Uploads::open(&db, &crate::Config::default(), dir).unwrap();
        (db, uploads)
    }

    /// Declares and stores `content` for `account` at `now`, as a finished
    /// PATCH would.
    fn upload(db: &Db, up: &Uploads, account: &str, content: &[u8], now: i64) -> String {
        let sha = Digest::of(content).to_hex();
        let Declared::Created(record) = up
            .declare(
                db,
                account,
                &sha,
                content.len() as u64,
                "application/pdf",
                now,
            )
            .unwrap()
        else {
            panic!("expected a new upload");
        };
        let mut w =
            BlobWriter::create(&up.tmp_dir, &up.sealer, &sha, content.len() as u64).unwrap();
        w.write(content).unwrap();
        up.store_blob(db, &record, w.finish().unwrap(), now)
            .unwrap();
        sha
    }

    #[test]
    fn held_named_verified_counted_and_swept() {
        let dir = tempfile::tempdir().unwrap();
        let (db, up) = setup(dir.path());
        let named = upload(&db, &up, "acct-a", b"%PDF-1.7 named", T0);
        assert_eq!(upload(&db, &up, "acct-b", b"%PDF-1.7 named", T0), named);
        let loose = upload(&db, &up, "acct-a", b"%PDF-1.7 loose", T0);
        assert_eq!(
            up.held(&db, "acct-a", &named).unwrap(),
            Some(HeldBlob {
                size: 14,
                media_type: "application/pdf".into()
            })
        );
        assert_eq!(up.held(&db, "acct-c", &named).unwrap(), None);
        assert!(up.verify(&named).unwrap());
        assert!(!up.verify(&"0".repeat(64)).unwrap());

        // An unfinished upload, with staged bytes.
        let Declared::Created(open) = up
            .declare(&db, "acct-a", &"1".repeat(64), 10, "image/png", T0)
            .unwrap()
        else {
            panic!()
        };
        let mut a = Appender::open(
            &up.staging_path(&open.id),
            up.sealer.clone(),
            &open.id,
            open.committed(),
        )
        .unwrap();
        a.push(b"12345").unwrap();
        a.sync().unwrap();
        up.commit_progress(&db, &open.id, a.state(), T0).unwrap();
        assert_eq!(
            up.stats(&db, at(T0)).unwrap(),
            UploadStats {
                blobs: 2,
                blob_bytes: 28,
                uploads_in_progress: 1
            }
        );

        // Naming needs the blob held by that account.
        let refused = up.name_by_dossier(&db, "acct-c", &named, "H40.22-261123-0001");
        assert!(
            matches!(refused, Err(e) if e.error.code == hoso_wire::ErrorCode::ValidationFailed)
        );
        let writes = up
            .name_by_dossier(&db, "acct-a", &named, "H40.22-261123-0001")
            .unwrap();
        db.commit(&writes).unwrap();

        // A blob file without a record is an orphan of a crash.
        std::fs::write(up.blobs_dir.join("orphan"), b"x").unwrap();
        // Nothing has run out after a day but the unfinished upload's bytes.
        up.sweep(&db, at(T0 + DAY + 1)).unwrap();
        assert!(!up.staging_path(&open.id).exists());
        assert!(!up.blobs_dir.join("orphan").exists());
        assert_eq!(
            up.stats(&db, at(T0 + DAY + 1)).unwrap().uploads_in_progress,
            0
        );
        assert!(up.held(&db, "acct-b", &named).unwrap().is_some());

        // A week on: the named blob stays for its account, the rest goes.
        let swept = up.sweep(&db, at(T0 + 8 * DAY)).unwrap();
        assert_eq!(swept.blobs, 1);
        assert_eq!(swept.uploads, 4);
        assert!(up.held(&db, "acct-a", &named).unwrap().is_some());
        assert!(up.held(&db, "acct-b", &named).unwrap().is_none());
        assert!(up.held(&db, "acct-a", &loose).unwrap().is_none());
        assert!(up.verify(&named).unwrap());
        assert!(!up.verify(&loose).unwrap());
        assert_eq!(
            up.stats(&db, at(T0 + 8 * DAY)).unwrap(),
            UploadStats {
                blobs: 1,
                blob_bytes: 14,
                uploads_in_progress: 0
            }
        );
    }

    #[test]
    fn declaring_a_held_blob_again_keeps_it_a_week_more() {
        let dir = tempfile::tempdir().unwrap();
        let (db, up) = setup(dir.path());
        let sha = upload(&db, &up, "acct-a", b"%PDF-1.7 again", T0);
        let again = up
            .declare(&db, "acct-a", &sha, 14, "application/pdf", T0 + 6 * DAY)
            .unwrap();
        assert!(matches!(again, Declared::Held(_)));
        up.sweep(&db, at(T0 + 8 * DAY)).unwrap();
        assert!(up.held(&db, "acct-a", &sha).unwrap().is_some());
        up.sweep(&db, at(T0 + 14 * DAY)).unwrap();
        assert!(up.held(&db, "acct-a", &sha).unwrap().is_none());
    }
}
