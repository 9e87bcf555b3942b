//! The encrypted, chunked, content-addressed store of attachment files.
//!
//! Attachment contents live as files under `DATA/blobs/`, never in sled
//! (sled keeps only the small per-blob records and reference counts). A blob
//! is addressed by the SHA-256 of its plaintext, but its file is named by a
//! blinded name — `vault.blind("blob-file:<hex sha256>")`, 32 hex characters
//! — so a directory listing never lets anyone confirm that a known document
//! is stored:
//!
//! ```text
//! DATA/blobs/<first 2 hex of the name>/<32-hex blinded name>   published blobs
//! DATA/blobs/tmp/<32 random hex>.part                          ingests in progress
//! ```
//!
//! # File format (version 1)
//!
//! ```text
//! header, 68 bytes:
//!   0..8    magic "HOSOBLB1"
//!   8       format version (1)
//!   9..12   reserved, zero
//!   12..16  plaintext chunk size, u32 big-endian (65,536)
//!   16..24  plaintext size, u64 big-endian
//!   24..36  nonce (random)
//!   36..52  blob id (16 random bytes), sealed
//!   52..68  AES-256-GCM tag
//!       associated data: 'H' ‖ bytes 0..24 ‖ the file's blinded name
//! then chunk 0, 1, …, n-1, n = max(1, ⌈size / chunk size⌉):
//!   nonce (12, random) ‖ ciphertext (chunk size, or the rest for the last
//!   chunk; an empty blob has one empty chunk) ‖ tag (16)
//!       associated data: 'C' ‖ blob id ‖ chunk index (u64 BE) ‖ last (0/1)
//! ```
//!
//! Every chunk is sealed with the vault's blob key (`Vault::blob_key`, an
//! HKDF key for this purpose only) under a fresh random 96-bit nonce. The
//! plaintext hash is never written, in the clear or sealed. Readers take the
//! chunk size from the header (up to 16 MiB), so it can change without a new
//! format version. 64 KiB was measured against 16 KiB, 256 KiB and 1 MiB on
//! a 1 GiB file: adding runs at 600–760 MB/s and verifying at ~1.4 GB/s for
//! all four (disk- and SHA-256-bound); a 100-byte `read_range` takes ~20 µs
//! (10 µs at 16 KiB, 150 µs at 1 MiB); peak memory grows only by the chunk
//! buffer.
//!
//! **Why a blob id.** The file name depends on the SHA-256, which is known
//! only once the last byte has been read, but chunks are sealed as they
//! stream past (constant memory: one chunk buffer). So each chunk is bound
//! to a random per-blob id instead; once the hash is known the header —
//! reserved at the start of the temp file and written last — seals that id
//! with the blinded name as associated data. A reader opens the header with
//! the name it looked up: a file copied under another blob's name does not
//! open, a chunk from another blob carries another id, a chunk moved within
//! the file carries another index, and the authenticated size fixes the
//! chunk count and the file length, so a truncated or extended file is
//! caught before any chunk is read (the last-chunk flag is a second guard).
//! `read_to` and `verify` also re-hash the plaintext and compare it with the
//! SHA-256 asked for; `read_range` relies on the header and chunk tags.
//!
//! **Crash safety.** An ingest writes only a temp file; `publish` fsyncs it,
//! renames it into place and fsyncs the directory, so a blob file is either
//! absent or whole. Temp files left by a killed process are removed by
//! `collect`. Callers must not run `collect` concurrently with a `publish`
//! whose reference has not yet been committed (hold the store's edit lock
//! across both); ingests in progress in this process are never collected.
//! Other processes are kept out by the store's lock on the data directory.

use crate::vault::Vault;
use hoso_store::error::{Classified, ErrorKind};
use ring::aead::{Aad, LessSafeKey, Nonce, NONCE_LEN};
use ring::digest;
use ring::rand::{SecureRandom, SystemRandom};
use std::collections::HashSet;
use std::ffi::OsString;
use std::fs::File;
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::sync::{Mutex, OnceLock};

const MAGIC: &[u8; 8] = b"HOSOBLB1";
const VERSION: u8 = 1;
const HEADER_LEN: usize = 68;
/// The authenticated, unencrypted part of the header.
const HEADER_FIXED: usize = 24;
const TAG_LEN: usize = 16;
const ID_LEN: usize = 16;
/// Plaintext bytes per chunk.
const CHUNK_SIZE: usize = 64 * 1024;
/// The largest chunk size a reader accepts (bounds its one buffer).
const MAX_CHUNK_SIZE: u32 = 16 * 1024 * 1024;
/// How much plaintext `Pending::head` keeps for type sniffing.
pub(crate) const HEAD_LEN: usize = 4096;
/// `BlobError::Damaged::chunk` when the file as a whole is wrong: its header,
/// its length, or the hash of its plaintext.
pub const WHOLE_FILE: u64 = u64::MAX;
const BLOBS_DIR: &str = "blobs";
const TMP_DIR: &str = "tmp";
const TMP_SUFFIX: &str = ".part";
const NAME_LEN: usize = 32;

/// Why a blob could not be stored or read. Messages never quote file
/// contents or the plaintext hash (which would identify a document in logs);
/// the hash is in the fields for callers that need it.
#[derive(thiserror::Error)]
pub enum BlobError {
    #[error("lỗi đọc/ghi tệp {path} / file error at {path}: {source}")]
    Io {
        path: String,
        source: std::io::Error,
    },
    #[error("không đọc được tệp nguồn / cannot read the source file: {source}")]
    Source { source: std::io::Error },
    #[error("không ghi được dữ liệu ra / cannot write the output: {source}")]
    Output { source: std::io::Error },
    #[error("đã hủy thêm tệp / adding the file was cancelled")]
    Cancelled,
    #[error("tệp lớn hơn giới hạn {limit} byte / the file is larger than the {limit}-byte limit")]
    TooLarge { limit: u64 },
    #[error("không tìm thấy tệp đính kèm trong kho / the attachment is not in the store")]
    Missing { sha256: String },
    #[error("{}", damaged_message(*chunk))]
    Damaged { sha256: String, chunk: u64 },
    #[error("tệp đính kèm được ghi bởi phiên bản mới hơn (định dạng {version}) / the attachment was stored by a newer hoso (format {version})")]
    UnsupportedFormat { sha256: String, version: u8 },
    #[error("không mã hóa được: thiếu nguồn ngẫu nhiên của hệ thống / encryption failed: no system randomness available")]
    Crypto,
}

impl Classified for BlobError {
    fn kind(&self) -> ErrorKind {
        match self {
            BlobError::Cancelled => ErrorKind::Cancelled,
            BlobError::TooLarge { .. } => ErrorKind::InvalidInput,
            BlobError::Source { .. } => ErrorKind::InvalidInput,
            BlobError::Missing { .. }
            | BlobError::Damaged { .. }
            | BlobError::UnsupportedFormat { .. } => ErrorKind::Damaged,
            BlobError::Io { .. } | BlobError::Output { .. } | BlobError::Crypto => {
                ErrorKind::Storage
            }
        }
    }

    fn error_code(&self) -> &'static str {
        match self {
            BlobError::Cancelled => "cancelled",
            BlobError::TooLarge { .. } => "too_large",
            BlobError::Source { .. } => "io",
            BlobError::Missing { .. }
            | BlobError::Damaged { .. }
            | BlobError::UnsupportedFormat { .. } => "damaged",
            BlobError::Io { .. } | BlobError::Output { .. } | BlobError::Crypto => "storage",
        }
    }
}

fn damaged_message(chunk: u64) -> String {
    if chunk == WHOLE_FILE {
        "tệp đính kèm bị hỏng hoặc bị sửa đổi / the attachment is damaged or was tampered with"
            .to_string()
    } else {
        format!("tệp đính kèm bị hỏng ở đoạn {chunk} / the attachment is damaged at chunk {chunk}")
    }
}

fn io_error(path: &Path) -> impl FnOnce(std::io::Error) -> BlobError + '_ {
    move |source| BlobError::Io {
        path: path.display().to_string(),
        source,
    }
}

/// Lower-case hex of `bytes`.
pub fn hex(bytes: &[u8]) -> String {
    crate::hex::encode(bytes)
}

/// Names of temp files of ingests still running in this process, which
/// `collect` must not remove.
fn live_temps() -> &'static Mutex<HashSet<OsString>> {
    static LIVE: OnceLock<Mutex<HashSet<OsString>>> = OnceLock::new();
    LIVE.get_or_init(|| Mutex::new(HashSet::new()))
}

fn lock_live() -> std::sync::MutexGuard<'static, HashSet<OsString>> {
    live_temps()
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// A temp file being written: removed when dropped unless it was renamed
/// into place.
struct TempFile {
    path: PathBuf,
    name: OsString,
    file: Option<File>,
    renamed: bool,
}

impl Drop for TempFile {
    fn drop(&mut self) {
        self.file.take();
        if !self.renamed {
            let _ = std::fs::remove_file(&self.path);
        }
        lock_live().remove(&self.name);
    }
}

/// A blob streamed into a sealed temp file, not yet visible. `publish` makes
/// it visible; `discard` (or dropping it) removes the temp file.
pub(crate) struct Pending {
    /// SHA-256 of the plaintext.
    pub sha256: [u8; 32],
    /// Plaintext size in bytes.
    pub size: u64,
    /// The first ≤ 4096 plaintext bytes, for type sniffing.
    pub head: Vec<u8>,
    temp: TempFile,
}

impl std::fmt::Debug for Pending {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // Neither plaintext (`head`) nor the document's hash in debug output:
        // hosts log errors and values with `{:?}`.
        f.debug_struct("Pending")
            .field("size", &self.size)
            .finish_non_exhaustive()
    }
}

impl std::fmt::Debug for BlobError {
    /// The message, as `Display` gives it: no document hash, which a host
    /// logging `{:?}` would otherwise write out from the `sha256` fields.
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "BlobError({self})")
    }
}

/// What an opened header says about a blob file.
struct Header {
    id: [u8; ID_LEN],
    chunk_size: u64,
    size: u64,
}

impl Header {
    fn chunks(&self) -> u64 {
        chunk_count(self.size, self.chunk_size)
    }

    /// Plaintext length of chunk `i`.
    fn chunk_len(&self, i: u64) -> u64 {
        let n = self.chunks();
        if i + 1 < n {
            self.chunk_size
        } else {
            self.size - (n - 1) * self.chunk_size
        }
    }

    /// Where chunk `i` starts in the file.
    #[allow(dead_code)] // used by read_range
    fn chunk_offset(&self, i: u64) -> u64 {
        HEADER_LEN as u64 + i * (NONCE_LEN + TAG_LEN) as u64 + i * self.chunk_size
    }

    fn file_len(&self) -> Option<u64> {
        let per_chunk = (NONCE_LEN + TAG_LEN) as u64;
        self.chunks()
            .checked_mul(per_chunk)?
            .checked_add(self.size)?
            .checked_add(HEADER_LEN as u64)
    }
}

fn chunk_count(size: u64, chunk_size: u64) -> u64 {
    size.div_ceil(chunk_size).max(1)
}

fn chunk_aad(id: &[u8; ID_LEN], index: u64, last: bool) -> [u8; 1 + ID_LEN + 8 + 1] {
    let mut a = [0u8; 1 + ID_LEN + 8 + 1];
    a[0] = b'C';
    a[1..1 + ID_LEN].copy_from_slice(id);
    a[1 + ID_LEN..1 + ID_LEN + 8].copy_from_slice(&index.to_be_bytes());
    a[1 + ID_LEN + 8] = last as u8;
    a
}

fn header_aad(fixed: &[u8], name: &str) -> Vec<u8> {
    let mut a = Vec::with_capacity(1 + HEADER_FIXED + name.len());
    a.push(b'H');
    a.extend_from_slice(fixed);
    a.extend_from_slice(name.as_bytes());
    a
}

/// Reads until `buf` is full or the reader ends; returns how much was read.
fn fill(reader: &mut impl Read, buf: &mut [u8]) -> std::io::Result<usize> {
    let mut n = 0;
    while n < buf.len() {
        match reader.read(&mut buf[n..]) {
            Ok(0) => break,
            Ok(k) => n += k,
            Err(e) if e.kind() == std::io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(n)
}

#[cfg(unix)]
fn sync_dir(dir: &Path) -> Result<(), BlobError> {
    File::open(dir)
        .and_then(|d| d.sync_all())
        .map_err(io_error(dir))
}

#[cfg(not(unix))]
fn sync_dir(_dir: &Path) -> Result<(), BlobError> {
    Ok(())
}

fn create_dir(dir: &Path) -> Result<(), BlobError> {
    let mut builder = std::fs::DirBuilder::new();
    builder.recursive(true);
    #[cfg(unix)]
    std::os::unix::fs::DirBuilderExt::mode(&mut builder, 0o700);
    builder.create(dir).map_err(io_error(dir))
}

/// The blob files under `DATA/blobs`, sealed with the vault's blob key.
/// Cheap to clone.
#[derive(Clone)]
pub(crate) struct BlobStore {
    root: PathBuf,
    vault: Vault,
    rng: SystemRandom,
    chunk_size: usize,
}

impl BlobStore {
    /// Opens (creating if needed) the blob directory under `data_dir`.
    pub fn open(data_dir: &Path, vault: &Vault) -> Result<BlobStore, BlobError> {
        let root = data_dir.join(BLOBS_DIR);
        create_dir(&root.join(TMP_DIR))?;
        Ok(BlobStore {
            root,
            vault: vault.clone(),
            rng: SystemRandom::new(),
            chunk_size: CHUNK_SIZE,
        })
    }

    fn key(&self) -> &LessSafeKey {
        self.vault.blob_key()
    }

    fn random<const N: usize>(&self) -> Result<[u8; N], BlobError> {
        let mut bytes = [0u8; N];
        self.rng.fill(&mut bytes).map_err(|_| BlobError::Crypto)?;
        Ok(bytes)
    }

    /// The blinded file name of a blob.
    fn name(&self, sha256: &[u8; 32]) -> String {
        let blinded = self.vault.blind(&format!("blob-file:{}", hex(sha256)));
        String::from_utf8_lossy(&blinded).into_owned()
    }

    fn dir_of(&self, name: &str) -> PathBuf {
        self.root.join(&name[..2])
    }

    fn path_of(&self, name: &str) -> PathBuf {
        self.dir_of(name).join(name)
    }

    /// Streams `reader` into a sealed temp file, hashing the plaintext as it
    /// goes, in constant memory (one chunk buffer). More than `max_bytes` →
    /// `TooLarge`; `progress(bytes done)` returning false → `Cancelled`; on
    /// any error the temp file is removed.
    pub(crate) fn ingest(
        &self,
        mut reader: impl Read,
        max_bytes: u64,
        progress: &mut dyn FnMut(u64) -> bool,
    ) -> Result<Pending, BlobError> {
        let temp_name = OsString::from(format!("{}{TMP_SUFFIX}", hex(&self.random::<16>()?)));
        let path = self.root.join(TMP_DIR).join(&temp_name);
        lock_live().insert(temp_name.clone());
        let mut temp = TempFile {
            path,
            name: temp_name,
            file: None,
            renamed: false,
        };
        let mut options = std::fs::OpenOptions::new();
        options.write(true).create_new(true);
        #[cfg(unix)]
        std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
        let file = temp
            .file
            .insert(options.open(&temp.path).map_err(io_error(&temp.path))?);

        // Room for the header, written once the hash (and so the name) is known.
        file.write_all(&[0u8; HEADER_LEN])
            .map_err(io_error(&temp.path))?;

        let id = self.random::<ID_LEN>()?;
        let cs = self.chunk_size;
        // [nonce][chunk plaintext → ciphertext][tag]; one byte past the chunk
        // (inside the tag's room) is read ahead to tell whether it is the last.
        let mut buf = vec![0u8; NONCE_LEN + cs + TAG_LEN];
        let mut hash = digest::Context::new(&digest::SHA256);
        let mut head = Vec::with_capacity(HEAD_LEN.min(cs));
        let mut total: u64 = 0;
        let mut carried = 0usize;
        let mut index: u64 = 0;
        loop {
            let got = carried
                + fill(
                    &mut reader,
                    &mut buf[NONCE_LEN + carried..NONCE_LEN + cs + 1],
                )
                .map_err(|source| BlobError::Source { source })?;
            let (len, extra) = if got > cs {
                (cs, Some(buf[NONCE_LEN + cs]))
            } else {
                (got, None)
            };
            let last = extra.is_none();
            total += len as u64;
            if total + u64::from(!last) > max_bytes {
                return Err(BlobError::TooLarge { limit: max_bytes });
            }
            let plain = &mut buf[NONCE_LEN..NONCE_LEN + len];
            hash.update(plain);
            if head.len() < HEAD_LEN {
                let take = (HEAD_LEN - head.len()).min(len);
                head.extend_from_slice(&plain[..take]);
            }
            let nonce = self.random::<NONCE_LEN>()?;
            let tag = self
                .key()
                .seal_in_place_separate_tag(
                    Nonce::assume_unique_for_key(nonce),
                    Aad::from(chunk_aad(&id, index, last)),
                    plain,
                )
                .map_err(|_| BlobError::Crypto)?;
            buf[..NONCE_LEN].copy_from_slice(&nonce);
            buf[NONCE_LEN + len..NONCE_LEN + len + TAG_LEN].copy_from_slice(tag.as_ref());
            file.write_all(&buf[..NONCE_LEN + len + TAG_LEN])
                .map_err(io_error(&temp.path))?;
            if !progress(total) {
                return Err(BlobError::Cancelled);
            }
            match extra {
                Some(b) => {
                    buf[NONCE_LEN] = b;
                    carried = 1;
                    index += 1;
                }
                None => break,
            }
        }

        let sha256: [u8; 32] = hash
            .finish()
            .as_ref()
            .try_into()
            .map_err(|_| BlobError::Crypto)?;
        let name = self.name(&sha256);
        let header = self.seal_header(&id, cs as u32, total, &name)?;
        file.seek(SeekFrom::Start(0))
            .and_then(|_| file.write_all(&header))
            .map_err(io_error(&temp.path))?;
        Ok(Pending {
            sha256,
            size: total,
            head,
            temp,
        })
    }

    fn seal_header(
        &self,
        id: &[u8; ID_LEN],
        chunk_size: u32,
        size: u64,
        name: &str,
    ) -> Result<[u8; HEADER_LEN], BlobError> {
        let mut h = [0u8; HEADER_LEN];
        h[..8].copy_from_slice(MAGIC);
        h[8] = VERSION;
        h[12..16].copy_from_slice(&chunk_size.to_be_bytes());
        h[16..24].copy_from_slice(&size.to_be_bytes());
        let nonce = self.random::<NONCE_LEN>()?;
        h[24..36].copy_from_slice(&nonce);
        h[36..52].copy_from_slice(id);
        let aad = header_aad(&h[..HEADER_FIXED], name);
        let tag = self
            .key()
            .seal_in_place_separate_tag(
                Nonce::assume_unique_for_key(nonce),
                Aad::from(aad),
                &mut h[36..52],
            )
            .map_err(|_| BlobError::Crypto)?;
        h[52..68].copy_from_slice(tag.as_ref());
        Ok(h)
    }

    /// Makes the blob visible under its name. If a blob with this SHA-256 is
    /// already stored (and its header opens) the temp file is dropped;
    /// otherwise the temp file is fsynced, renamed into place (replacing a
    /// file whose header is damaged) and the directory fsynced. Idempotent.
    pub fn publish(&self, pending: Pending) -> Result<(), BlobError> {
        self.publish_with(pending, false)
    }

    /// Like [`BlobStore::publish`], but always replaces the stored copy:
    /// re-adding the original file repairs a blob found damaged anywhere,
    /// not only in its header.
    pub(crate) fn republish(&self, pending: Pending) -> Result<(), BlobError> {
        self.publish_with(pending, true)
    }

    fn publish_with(&self, pending: Pending, replace: bool) -> Result<(), BlobError> {
        let Pending {
            sha256, mut temp, ..
        } = pending;
        let name = self.name(&sha256);
        let target = self.path_of(&name);
        if !replace && self.open_blob(&sha256, &name).is_ok() {
            return Ok(()); // dropping `temp` removes it
        }
        if let Some(file) = temp.file.take() {
            file.sync_all().map_err(io_error(&temp.path))?;
        }
        let dir = self.dir_of(&name);
        if !dir.is_dir() {
            create_dir(&dir)?;
            sync_dir(&self.root)?;
        }
        std::fs::rename(&temp.path, &target).map_err(io_error(&target))?;
        temp.renamed = true;
        sync_dir(&dir)
    }

    /// Drops a blob that will not be published (removes its temp file).
    pub fn discard(&self, pending: Pending) {
        drop(pending);
    }

    /// Whether a blob file with this SHA-256 is stored (not whether it is
    /// whole: see [`BlobStore::verify`]).
    #[allow(dead_code)] // part of the store's API; not every build path calls it yet
    pub fn exists(&self, sha256: &[u8; 32]) -> bool {
        self.path_of(&self.name(sha256)).is_file()
    }

    /// Opens a blob file and its header, checking the header belongs to this
    /// name and the file has exactly the length the header implies.
    fn open_blob(&self, sha256: &[u8; 32], name: &str) -> Result<(File, Header), BlobError> {
        let path = self.path_of(name);
        let damaged = || BlobError::Damaged {
            sha256: hex(sha256),
            chunk: WHOLE_FILE,
        };
        let mut file = match File::open(&path) {
            Ok(f) => f,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Err(BlobError::Missing {
                    sha256: hex(sha256),
                })
            }
            Err(e) => return Err(io_error(&path)(e)),
        };
        let actual_len = file.metadata().map_err(io_error(&path))?.len();
        let mut h = [0u8; HEADER_LEN];
        if actual_len < HEADER_LEN as u64 {
            return Err(damaged());
        }
        file.read_exact(&mut h).map_err(io_error(&path))?;
        if &h[..8] != MAGIC {
            return Err(damaged());
        }
        if h[8] != VERSION {
            return Err(BlobError::UnsupportedFormat {
                sha256: hex(sha256),
                version: h[8],
            });
        }
        let nonce: [u8; NONCE_LEN] = h[24..36].try_into().map_err(|_| damaged())?;
        let aad = header_aad(&h[..HEADER_FIXED], name);
        let id: [u8; ID_LEN] = {
            let sealed = &mut h[36..HEADER_LEN];
            let opened = self
                .key()
                .open_in_place(Nonce::assume_unique_for_key(nonce), Aad::from(aad), sealed)
                .map_err(|_| damaged())?;
            (&*opened).try_into().map_err(|_| damaged())?
        };
        let chunk_size = u32::from_be_bytes(h[12..16].try_into().map_err(|_| damaged())?);
        if chunk_size == 0 || chunk_size > MAX_CHUNK_SIZE {
            return Err(damaged());
        }
        let header = Header {
            id,
            chunk_size: u64::from(chunk_size),
            size: u64::from_be_bytes(h[16..24].try_into().map_err(|_| damaged())?),
        };
        if header.file_len() != Some(actual_len) {
            return Err(damaged());
        }
        Ok((file, header))
    }

    /// Reads and opens chunk `i` (the file positioned at its start) into
    /// `buf`; returns its plaintext.
    fn read_chunk<'b>(
        &self,
        file: &mut File,
        header: &Header,
        i: u64,
        buf: &'b mut [u8],
        sha256: &[u8; 32],
        path: &Path,
    ) -> Result<&'b [u8], BlobError> {
        let len = header.chunk_len(i) as usize;
        let sealed = &mut buf[..NONCE_LEN + len + TAG_LEN];
        file.read_exact(sealed).map_err(|e| {
            if e.kind() == std::io::ErrorKind::UnexpectedEof {
                BlobError::Damaged {
                    sha256: hex(sha256),
                    chunk: WHOLE_FILE,
                }
            } else {
                io_error(path)(e)
            }
        })?;
        let (nonce, body) = sealed.split_at_mut(NONCE_LEN);
        let nonce: [u8; NONCE_LEN] = (&*nonce).try_into().map_err(|_| BlobError::Damaged {
            sha256: hex(sha256),
            chunk: i,
        })?;
        let last = i + 1 == header.chunks();
        let plain = self
            .key()
            .open_in_place(
                Nonce::assume_unique_for_key(nonce),
                Aad::from(chunk_aad(&header.id, i, last)),
                body,
            )
            .map_err(|_| BlobError::Damaged {
                sha256: hex(sha256),
                chunk: i,
            })?;
        Ok(plain)
    }

    /// Streams the plaintext to `out`, opening every chunk and re-hashing the
    /// whole; returns the bytes written. On an error `out` may have received
    /// part of the blob and must be discarded.
    pub(crate) fn read_to(&self, sha256: &[u8; 32], out: &mut dyn Write) -> Result<u64, BlobError> {
        let name = self.name(sha256);
        let path = self.path_of(&name);
        let (mut file, header) = self.open_blob(sha256, &name)?;
        let mut buf = vec![0u8; NONCE_LEN + header.chunk_size as usize + TAG_LEN];
        let mut hash = digest::Context::new(&digest::SHA256);
        for i in 0..header.chunks() {
            let plain = self.read_chunk(&mut file, &header, i, &mut buf, sha256, &path)?;
            hash.update(plain);
            out.write_all(plain)
                .map_err(|source| BlobError::Output { source })?;
        }
        if hash.finish().as_ref() != sha256 {
            return Err(BlobError::Damaged {
                sha256: hex(sha256),
                chunk: WHOLE_FILE,
            });
        }
        Ok(header.size)
    }

    /// Plaintext bytes `[offset, offset + len)`, clipped to the blob's size,
    /// decrypting only the chunks that cover them. Every chunk read is
    /// authenticated, but the whole-file hash is not re-checked.
    pub(crate) fn read_range(
        &self,
        sha256: &[u8; 32],
        offset: u64,
        len: u64,
    ) -> Result<Vec<u8>, BlobError> {
        let name = self.name(sha256);
        let path = self.path_of(&name);
        let (mut file, header) = self.open_blob(sha256, &name)?;
        let end = offset.saturating_add(len).min(header.size);
        if offset >= end {
            return Ok(Vec::new());
        }
        let mut out = Vec::with_capacity((end - offset) as usize);
        let mut buf = vec![0u8; NONCE_LEN + header.chunk_size as usize + TAG_LEN];
        let first = offset / header.chunk_size;
        let last = (end - 1) / header.chunk_size;
        file.seek(SeekFrom::Start(header.chunk_offset(first)))
            .map_err(io_error(&path))?;
        for i in first..=last {
            let plain = self.read_chunk(&mut file, &header, i, &mut buf, sha256, &path)?;
            let start = i * header.chunk_size;
            let from = offset.saturating_sub(start) as usize;
            let to = ((end - start) as usize).min(plain.len());
            out.extend_from_slice(&plain[from..to]);
        }
        Ok(out)
    }

    /// Re-reads every chunk and re-hashes the plaintext. `Damaged` names the
    /// first chunk that does not open, or [`WHOLE_FILE`] for a damaged
    /// header, a wrong length (truncated or extended) or a hash mismatch.
    pub fn verify(&self, sha256: &[u8; 32]) -> Result<(), BlobError> {
        self.read_to(sha256, &mut std::io::sink()).map(|_| ())
    }

    /// Removes a blob's file. Removing one that is not there is not an error.
    pub fn remove(&self, sha256: &[u8; 32]) -> Result<(), BlobError> {
        let name = self.name(sha256);
        let path = self.path_of(&name);
        match std::fs::remove_file(&path) {
            Ok(()) => sync_dir(&self.dir_of(&name)),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
            Err(e) => Err(io_error(&path)(e)),
        }
    }

    /// Garbage collection: removes temp files left by ingests that did not
    /// finish (a killed process) and every blob file whose SHA-256 is not in
    /// `keep`; returns how many files were removed. Files that are not blob
    /// or temp files by their name are left alone.
    pub fn collect(&self, keep: &HashSet<[u8; 32]>) -> Result<usize, BlobError> {
        let keep_names: HashSet<String> = keep.iter().map(|s| self.name(s)).collect();
        let mut removed = 0;

        let tmp = self.root.join(TMP_DIR);
        for entry in read_dir(&tmp)? {
            let entry = entry.map_err(io_error(&tmp))?;
            let file_name = entry.file_name();
            let is_temp = file_name.to_str().is_some_and(|n| n.ends_with(TMP_SUFFIX));
            if !is_temp || lock_live().contains(&file_name) {
                continue;
            }
            removed += remove_if_file(&entry.path())?;
        }

        for dir in read_dir(&self.root)? {
            let dir = dir.map_err(io_error(&self.root))?;
            let dir_name = dir.file_name();
            let Some(prefix) = dir_name.to_str().filter(|n| is_hex(n, 2)) else {
                continue;
            };
            let dir_path = dir.path();
            if !dir_path.is_dir() {
                continue;
            }
            let mut removed_here = 0;
            for entry in read_dir(&dir_path)? {
                let entry = entry.map_err(io_error(&dir_path))?;
                let file_name = entry.file_name();
                let Some(name) = file_name.to_str().filter(|n| is_hex(n, NAME_LEN)) else {
                    continue;
                };
                if name.starts_with(prefix) && keep_names.contains(name) {
                    continue;
                }
                removed_here += remove_if_file(&entry.path())?;
            }
            if removed_here > 0 {
                sync_dir(&dir_path)?;
            }
            removed += removed_here;
        }
        Ok(removed)
    }
}

fn is_hex(s: &str, len: usize) -> bool {
    s.len() == len && s.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f'))
}

fn read_dir(dir: &Path) -> Result<std::fs::ReadDir, BlobError> {
    std::fs::read_dir(dir).map_err(io_error(dir))
}

/// Removes `path` if it is a file; 1 if it was removed.
fn remove_if_file(path: &Path) -> Result<usize, BlobError> {
    match std::fs::symlink_metadata(path) {
        Ok(m) if m.is_file() => {}
        Ok(_) => return Ok(0),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(0),
        Err(e) => return Err(io_error(path)(e)),
    }
    match std::fs::remove_file(path) {
        Ok(()) => Ok(1),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(0),
        Err(e) => Err(io_error(path)(e)),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn debug_output_never_carries_the_document_hash() {
        let sha = "ab".repeat(32);
        let e = BlobError::Damaged {
            sha256: sha.clone(),
            chunk: 3,
        };
        assert!(!format!("{e:?}").contains(&sha));
        assert!(!format!(
            "{:?}",
            BlobError::Missing {
                sha256: sha.clone()
            }
        )
        .contains(&sha));
    }
    use crate::storage::Store;
    use crate::vault::FixedKey;

    fn setup() -> (tempfile::TempDir, BlobStore) {
        let dir = tempfile::tempdir().unwrap();
        let vault = Vault::open(Store::open(dir.path()).unwrap(), &FixedKey([7; 32])).unwrap();
        let blobs = BlobStore::open(dir.path(), &vault).unwrap();
        (dir, blobs)
    }

    /// Deterministic bytes that are not a repeating short pattern.
    fn content(len: usize, seed: u8) -> Vec<u8> {
        let mut x = 0x9E37_79B9u32 ^ u32::from(seed);
        (0..len)
            .map(|_| {
                x ^= x << 13;
                x ^= x >> 17;
                x ^= x << 5;
                (x >> 24) as u8
            })
            .collect()
    }

    fn sha(bytes: &[u8]) -> [u8; 32] {
        digest::digest(&digest::SHA256, bytes)
            .as_ref()
            .try_into()
            .unwrap()
    }

    fn add(blobs: &BlobStore, bytes: &[u8]) -> [u8; 32] {
        let pending = blobs.ingest(bytes, u64::MAX, &mut |_| true).unwrap();
        assert_eq!(pending.sha256, sha(bytes));
        assert_eq!(pending.size, bytes.len() as u64);
        assert_eq!(pending.head, &bytes[..bytes.len().min(HEAD_LEN)]);
        let sha256 = pending.sha256;
        blobs.publish(pending).unwrap();
        sha256
    }

    fn read_all(blobs: &BlobStore, sha256: &[u8; 32]) -> Vec<u8> {
        let mut out = Vec::new();
        let n = blobs.read_to(sha256, &mut out).unwrap();
        assert_eq!(n, out.len() as u64);
        out
    }

    fn blob_path(blobs: &BlobStore, sha256: &[u8; 32]) -> PathBuf {
        blobs.path_of(&blobs.name(sha256))
    }

    /// Every file under `dir`, recursively.
    fn files_under(dir: &Path) -> Vec<PathBuf> {
        let mut out = Vec::new();
        for entry in std::fs::read_dir(dir).unwrap() {
            let path = entry.unwrap().path();
            if path.is_dir() {
                out.extend(files_under(&path));
            } else {
                out.push(path);
            }
        }
        out
    }

    fn temp_files(blobs: &BlobStore) -> Vec<PathBuf> {
        files_under(&blobs.root.join(TMP_DIR))
    }

    fn blob_files(blobs: &BlobStore) -> Vec<PathBuf> {
        files_under(&blobs.root)
            .into_iter()
            .filter(|p| !p.starts_with(blobs.root.join(TMP_DIR)))
            .collect()
    }

    fn assert_damaged(result: Result<(), BlobError>, at: u64) {
        match result {
            Err(BlobError::Damaged { chunk, .. }) => assert_eq!(chunk, at),
            other => panic!("expected Damaged at {at}, got {other:?}"),
        }
    }

    #[test]
    fn round_trips_empty_small_and_multi_chunk() {
        let (_dir, blobs) = setup();
        for len in [
            0,
            1,
            100,
            HEAD_LEN + 1,
            CHUNK_SIZE,
            CHUNK_SIZE + 1,
            3 * CHUNK_SIZE + 12_345,
        ] {
            let bytes = content(len, len as u8);
            let sha256 = add(&blobs, &bytes);
            assert!(blobs.exists(&sha256));
            assert_eq!(read_all(&blobs, &sha256), bytes, "length {len}");
            blobs.verify(&sha256).unwrap();
            let n = chunk_count(len as u64, CHUNK_SIZE as u64);
            let expected = HEADER_LEN as u64 + n * (NONCE_LEN + TAG_LEN) as u64 + len as u64;
            let on_disk = std::fs::metadata(blob_path(&blobs, &sha256)).unwrap().len();
            assert_eq!(on_disk, expected, "length {len}");
        }
        assert!(temp_files(&blobs).is_empty());
        assert!(!blobs.exists(&sha(b"never stored")));
        assert!(matches!(
            blobs.read_to(&sha(b"never stored"), &mut Vec::new()),
            Err(BlobError::Missing { .. })
        ));
    }

    #[test]
    fn small_chunks_and_a_reader_giving_odd_sizes() {
        // A reader returning a few bytes at a time, and a tiny chunk size,
        // exercise the read-ahead across chunk boundaries.
        struct Trickle<'a>(&'a [u8], usize);
        impl Read for Trickle<'_> {
            fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
                self.1 = self.1 % 7 + 1;
                let n = self.1.min(buf.len()).min(self.0.len());
                buf[..n].copy_from_slice(&self.0[..n]);
                self.0 = &self.0[n..];
                Ok(n)
            }
        }
        let (_dir, mut blobs) = setup();
        blobs.chunk_size = 16;
        for len in [0, 15, 16, 17, 32, 33, 5000] {
            let bytes = content(len, 3);
            let pending = blobs
                .ingest(Trickle(&bytes, 0), u64::MAX, &mut |_| true)
                .unwrap();
            assert_eq!(pending.head, &bytes[..len.min(HEAD_LEN)]);
            let sha256 = pending.sha256;
            blobs.publish(pending).unwrap();
            assert_eq!(read_all(&blobs, &sha256), bytes);
            assert_eq!(
                blobs.read_range(&sha256, 5, 20).unwrap(),
                &bytes[len.min(5)..len.min(25)]
            );
        }
    }

    #[test]
    fn same_content_is_stored_once() {
        let (_dir, blobs) = setup();
        let bytes = content(2 * CHUNK_SIZE + 5, 1);
        let a = add(&blobs, &bytes);
        let b = add(&blobs, &bytes);
        assert_eq!(a, b);
        assert_eq!(blob_files(&blobs).len(), 1);
        assert!(temp_files(&blobs).is_empty());
        let other = add(&blobs, b"something else");
        assert_eq!(blob_files(&blobs).len(), 2);
        assert_eq!(read_all(&blobs, &a), bytes);
        assert_eq!(read_all(&blobs, &other), b"something else");
    }

    #[test]
    fn publish_replaces_a_stored_file_whose_header_is_damaged() {
        let (_dir, blobs) = setup();
        let bytes = content(1000, 2);
        let sha256 = add(&blobs, &bytes);
        let path = blob_path(&blobs, &sha256);
        let mut raw = std::fs::read(&path).unwrap();
        raw[40] ^= 1;
        std::fs::write(&path, &raw).unwrap();
        assert_damaged(blobs.verify(&sha256), WHOLE_FILE);
        add(&blobs, &bytes);
        blobs.verify(&sha256).unwrap();
    }

    #[test]
    fn read_range_across_chunk_boundaries() {
        let (_dir, blobs) = setup();
        let bytes = content(3 * CHUNK_SIZE + 777, 4);
        let sha256 = add(&blobs, &bytes);
        let c = CHUNK_SIZE as u64;
        let size = bytes.len() as u64;
        for (offset, len) in [
            (0, 0),
            (0, 10),
            (c - 3, 6),
            (c - 1, c + 2),
            (c, c),
            (5, 3 * c),
            (3 * c, 777),
            (size - 1, 1),
            (size - 10, 100),
            (0, size),
            (size, 5),
            (size + 5, 5),
            (1, u64::MAX),
        ] {
            let end = offset.saturating_add(len).min(size);
            let want = &bytes[offset.min(size) as usize..end.max(offset.min(size)) as usize];
            assert_eq!(
                blobs.read_range(&sha256, offset, len).unwrap(),
                want,
                "{offset}+{len}"
            );
        }
    }

    #[test]
    fn read_range_decrypts_only_the_chunks_it_needs() {
        let (_dir, blobs) = setup();
        let bytes = content(3 * CHUNK_SIZE, 5);
        let sha256 = add(&blobs, &bytes);
        // Damage chunk 0: a range inside chunk 2 still reads; one touching
        // chunk 0 does not.
        let path = blob_path(&blobs, &sha256);
        let mut raw = std::fs::read(&path).unwrap();
        raw[HEADER_LEN + NONCE_LEN + 10] ^= 0x80;
        std::fs::write(&path, &raw).unwrap();
        let c = CHUNK_SIZE as u64;
        assert_eq!(
            blobs.read_range(&sha256, 2 * c + 1, 100).unwrap(),
            &bytes[2 * CHUNK_SIZE + 1..2 * CHUNK_SIZE + 101]
        );
        assert!(matches!(
            blobs.read_range(&sha256, c - 1, 2),
            Err(BlobError::Damaged { chunk: 0, .. })
        ));
    }

    #[test]
    fn verify_detects_a_flipped_bit_in_any_chunk() {
        let (_dir, blobs) = setup();
        let bytes = content(3 * CHUNK_SIZE + 100, 6);
        let sha256 = add(&blobs, &bytes);
        let path = blob_path(&blobs, &sha256);
        let good = std::fs::read(&path).unwrap();
        let stride = NONCE_LEN + CHUNK_SIZE + TAG_LEN;
        for chunk in 0..4u64 {
            let start = HEADER_LEN + chunk as usize * stride;
            // In the nonce, the ciphertext and the tag.
            for at in [start, start + NONCE_LEN + 50, start + NONCE_LEN + 100 + 5] {
                let mut raw = good.clone();
                raw[at] ^= 0x10;
                std::fs::write(&path, &raw).unwrap();
                assert_damaged(blobs.verify(&sha256), chunk);
                assert!(blobs.read_to(&sha256, &mut Vec::new()).is_err());
            }
        }
        std::fs::write(&path, &good).unwrap();
        blobs.verify(&sha256).unwrap();
    }

    #[test]
    fn verify_detects_any_flipped_bit_in_the_header() {
        let (_dir, blobs) = setup();
        let sha256 = add(&blobs, &content(CHUNK_SIZE + 1, 7));
        let path = blob_path(&blobs, &sha256);
        let good = std::fs::read(&path).unwrap();
        for byte in 0..HEADER_LEN {
            for bit in 0..8 {
                let mut raw = good.clone();
                raw[byte] ^= 1 << bit;
                std::fs::write(&path, &raw).unwrap();
                match blobs.verify(&sha256) {
                    Err(BlobError::Damaged { chunk, .. }) => assert_eq!(chunk, WHOLE_FILE),
                    Err(BlobError::UnsupportedFormat { .. }) => assert_eq!(byte, 8),
                    other => panic!("byte {byte} bit {bit}: {other:?}"),
                }
                assert!(blobs.read_range(&sha256, 0, 1).is_err());
            }
        }
    }

    #[test]
    fn verify_detects_truncation_and_extension() {
        let (_dir, blobs) = setup();
        let sha256 = add(&blobs, &content(2 * CHUNK_SIZE + 9, 8));
        let path = blob_path(&blobs, &sha256);
        let good = std::fs::read(&path).unwrap();
        let stride = NONCE_LEN + CHUNK_SIZE + TAG_LEN;
        // Cut anywhere: mid-chunk, at a chunk boundary (the last chunk
        // dropped whole), inside the header, to nothing.
        for len in [
            good.len() - 1,
            HEADER_LEN + 2 * stride,
            HEADER_LEN + stride,
            HEADER_LEN + 5,
            HEADER_LEN,
            10,
            0,
        ] {
            std::fs::write(&path, &good[..len]).unwrap();
            assert_damaged(blobs.verify(&sha256), WHOLE_FILE);
        }
        let mut longer = good.clone();
        longer.extend_from_slice(&good[HEADER_LEN..HEADER_LEN + stride]);
        std::fs::write(&path, &longer).unwrap();
        assert_damaged(blobs.verify(&sha256), WHOLE_FILE);
    }

    #[test]
    fn verify_detects_swapped_chunks() {
        let (_dir, blobs) = setup();
        let sha256 = add(&blobs, &content(3 * CHUNK_SIZE, 9));
        let path = blob_path(&blobs, &sha256);
        let mut raw = std::fs::read(&path).unwrap();
        let stride = NONCE_LEN + CHUNK_SIZE + TAG_LEN;
        let (one, two) = (HEADER_LEN + stride, HEADER_LEN + 2 * stride);
        let chunk_one = raw[one..one + stride].to_vec();
        raw.copy_within(two..two + stride, one);
        raw[two..two + stride].copy_from_slice(&chunk_one);
        std::fs::write(&path, &raw).unwrap();
        assert_damaged(blobs.verify(&sha256), 1);
    }

    #[test]
    fn verify_detects_a_chunk_taken_from_another_blob() {
        let (_dir, blobs) = setup();
        let a = add(&blobs, &content(2 * CHUNK_SIZE, 10));
        let b = add(&blobs, &content(2 * CHUNK_SIZE, 11));
        let mut raw_a = std::fs::read(blob_path(&blobs, &a)).unwrap();
        let raw_b = std::fs::read(blob_path(&blobs, &b)).unwrap();
        let stride = NONCE_LEN + CHUNK_SIZE + TAG_LEN;
        let one = HEADER_LEN + stride;
        raw_a[one..].copy_from_slice(&raw_b[one..]);
        std::fs::write(blob_path(&blobs, &a), &raw_a).unwrap();
        assert_damaged(blobs.verify(&a), 1);
    }

    #[test]
    fn verify_detects_a_blob_file_copied_under_another_name() {
        let (_dir, blobs) = setup();
        let a = add(&blobs, &content(CHUNK_SIZE + 3, 12));
        let b = add(&blobs, &content(CHUNK_SIZE + 3, 13));
        std::fs::copy(blob_path(&blobs, &b), blob_path(&blobs, &a)).unwrap();
        assert_damaged(blobs.verify(&a), WHOLE_FILE);
        assert!(matches!(
            blobs.read_range(&a, 0, 10),
            Err(BlobError::Damaged {
                chunk: WHOLE_FILE,
                ..
            })
        ));
        blobs.verify(&b).unwrap();
    }

    #[test]
    fn another_key_does_not_open_the_blobs() {
        let (dir, blobs) = setup();
        let sha256 = add(&blobs, b"sealed for key 7");
        let other_dir = tempfile::tempdir().unwrap();
        let other =
            Vault::open(Store::open(other_dir.path()).unwrap(), &FixedKey([8; 32])).unwrap();
        let other = BlobStore::open(dir.path(), &other).unwrap();
        // Another key names blobs differently, and does not open the file
        // even when pointed straight at it.
        assert!(!other.exists(&sha256));
        let theirs = blob_path(&other, &sha256);
        std::fs::create_dir_all(theirs.parent().unwrap()).unwrap();
        std::fs::copy(blob_path(&blobs, &sha256), &theirs).unwrap();
        assert_damaged(other.verify(&sha256), WHOLE_FILE);
    }

    #[test]
    fn too_large_leaves_no_temp_file() {
        let (_dir, blobs) = setup();
        let bytes = content(3 * CHUNK_SIZE, 14);
        for limit in [
            0,
            1,
            CHUNK_SIZE as u64 - 1,
            CHUNK_SIZE as u64,
            3 * CHUNK_SIZE as u64 - 1,
        ] {
            match blobs.ingest(&bytes[..], limit, &mut |_| true) {
                Err(BlobError::TooLarge { limit: l }) => assert_eq!(l, limit),
                other => panic!("limit {limit}: {other:?}"),
            }
            assert!(temp_files(&blobs).is_empty());
        }
        // Exactly at the limit is accepted.
        let pending = blobs
            .ingest(&bytes[..], bytes.len() as u64, &mut |_| true)
            .unwrap();
        blobs.discard(pending);
        assert!(temp_files(&blobs).is_empty());
        assert!(blob_files(&blobs).is_empty());
        // An empty file fits a zero limit.
        blobs.ingest(&b""[..], 0, &mut |_| true).unwrap();
    }

    #[test]
    fn too_large_stops_reading_early() {
        let (_dir, blobs) = setup();
        let mut read = 0u64;
        let result = blobs.ingest(std::io::repeat(1), 5 * CHUNK_SIZE as u64, &mut |done| {
            read = done;
            true
        });
        assert!(matches!(result, Err(BlobError::TooLarge { .. })));
        assert!(read <= 5 * CHUNK_SIZE as u64);
        assert!(temp_files(&blobs).is_empty());
    }

    #[test]
    fn cancelled_leaves_no_temp_file() {
        let (_dir, blobs) = setup();
        let bytes = content(4 * CHUNK_SIZE, 15);
        let mut calls = Vec::new();
        let result = blobs.ingest(&bytes[..], u64::MAX, &mut |done| {
            calls.push(done);
            done < 2 * CHUNK_SIZE as u64
        });
        assert!(matches!(result, Err(BlobError::Cancelled)));
        assert_eq!(calls, [CHUNK_SIZE as u64, 2 * CHUNK_SIZE as u64]);
        assert!(temp_files(&blobs).is_empty());
        assert!(blob_files(&blobs).is_empty());
    }

    #[test]
    fn a_source_that_fails_leaves_no_temp_file() {
        struct Failing(usize);
        impl Read for Failing {
            fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
                if self.0 == 0 {
                    return Err(std::io::Error::other("device unplugged"));
                }
                let n = buf.len().min(self.0);
                self.0 -= n;
                Ok(n)
            }
        }
        let (_dir, blobs) = setup();
        let result = blobs.ingest(Failing(CHUNK_SIZE * 2 + 3), u64::MAX, &mut |_| true);
        assert!(matches!(result, Err(BlobError::Source { .. })));
        assert!(temp_files(&blobs).is_empty());
    }

    #[test]
    fn nothing_is_visible_before_publish() {
        let (_dir, blobs) = setup();
        let bytes = content(CHUNK_SIZE + 1, 16);
        let pending = blobs.ingest(&bytes[..], u64::MAX, &mut |_| true).unwrap();
        assert!(!blobs.exists(&pending.sha256));
        assert!(blob_files(&blobs).is_empty());
        assert_eq!(temp_files(&blobs).len(), 1);
        let sha256 = pending.sha256;
        drop(pending);
        assert!(temp_files(&blobs).is_empty());
        assert!(!blobs.exists(&sha256));
    }

    #[test]
    fn collect_removes_leftovers_and_unreferenced_blobs() {
        let (_dir, blobs) = setup();
        let kept = add(&blobs, &content(CHUNK_SIZE + 10, 17));
        let dropped = add(&blobs, &content(100, 18));
        let empty = add(&blobs, b"");
        // A temp file left by a killed ingest, and one still being written.
        let leftover = blobs
            .root
            .join(TMP_DIR)
            .join(format!("{}{TMP_SUFFIX}", "ab".repeat(16)));
        std::fs::write(&leftover, b"half a blob").unwrap();
        let in_flight = blobs
            .ingest(&content(10, 19)[..], u64::MAX, &mut |_| true)
            .unwrap();
        // Not ours: left alone.
        let stranger = blobs.root.join("README");
        std::fs::write(&stranger, b"x").unwrap();

        let keep: HashSet<[u8; 32]> = [kept, empty].into_iter().collect();
        assert_eq!(blobs.collect(&keep).unwrap(), 2);
        assert!(!leftover.exists());
        assert!(!blobs.exists(&dropped));
        assert!(blobs.exists(&kept) && blobs.exists(&empty));
        assert!(stranger.exists());
        blobs.verify(&kept).unwrap();
        // The ingest in flight survived and still publishes.
        let sha256 = in_flight.sha256;
        blobs.publish(in_flight).unwrap();
        assert_eq!(read_all(&blobs, &sha256), content(10, 19));
        assert_eq!(blobs.collect(&keep).unwrap(), 1);
        assert_eq!(blobs.collect(&keep).unwrap(), 0);
    }

    #[test]
    fn remove_is_idempotent() {
        let (_dir, blobs) = setup();
        let sha256 = add(&blobs, b"to be removed");
        blobs.remove(&sha256).unwrap();
        assert!(!blobs.exists(&sha256));
        blobs.remove(&sha256).unwrap();
        assert!(matches!(
            blobs.verify(&sha256),
            Err(BlobError::Missing { .. })
        ));
    }

    #[test]
    fn no_plaintext_or_hash_reaches_the_disk() {
        let (dir, blobs) = setup();
        // A recognisable pattern, repeated across several chunks.
        let marker = b"CCCD 001099012345 Nguyen Van An ";
        let bytes: Vec<u8> = marker
            .iter()
            .copied()
            .cycle()
            .take(3 * CHUNK_SIZE + 50)
            .collect();
        let sha256 = add(&blobs, &bytes);
        // And one left as a pending temp file.
        let pending = blobs
            .ingest(&bytes[..100], u64::MAX, &mut |_| true)
            .unwrap();
        let hex_sha = hex(&sha256);
        for path in files_under(dir.path()) {
            let raw = std::fs::read(&path).unwrap();
            let name = path.display().to_string();
            assert!(!raw.windows(12).any(|w| w == &marker[5..17]), "{name}");
            assert!(!raw.windows(16).any(|w| w == &marker[16..32]), "{name}");
            assert!(!raw.windows(8).any(|w| w == &sha256[..8]), "{name}");
            assert!(
                !raw.windows(16).any(|w| w == &hex_sha.as_bytes()[..16]),
                "{name}"
            );
            assert!(!name.contains(&hex_sha[..8]), "{name}");
        }
        drop(pending);
    }

    #[test]
    fn messages_are_bilingual_and_do_not_name_the_hash() {
        let sha256 = "ab".repeat(32);
        for e in [
            BlobError::Cancelled,
            BlobError::TooLarge { limit: 10 },
            BlobError::Missing {
                sha256: sha256.clone(),
            },
            BlobError::Damaged {
                sha256: sha256.clone(),
                chunk: 3,
            },
            BlobError::Damaged {
                sha256: sha256.clone(),
                chunk: WHOLE_FILE,
            },
            BlobError::UnsupportedFormat {
                sha256: sha256.clone(),
                version: 2,
            },
        ] {
            let m = e.to_string();
            assert!(m.contains(" / "), "{m}");
            assert!(!m.contains("abab"), "{m}");
        }
    }
}
