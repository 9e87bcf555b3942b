//! Blob files: the content of each completed upload, stored once per
//! SHA-256 under `DATA/blobs/`, named by the blinded hash (a directory
//! listing does not tell which documents are held) and sealed in 1 MiB
//! chunks with the portal's blob key. Each chunk is bound to the blob's
//! SHA-256, its index and the chunk count, so chunks cannot be reordered,
//! swapped between blobs or dropped from the end without failing to open.
//!
//! File layout: the 8-byte magic `hosoblb1`, then the sealed chunks, every
//! chunk but the last holding exactly [`CHUNK`] bytes of content.

use crate::seal::{Sealer, OVERHEAD};
use std::fs::File;
use std::io::{BufReader, Read, Write};
use std::path::Path;

const MAGIC: &[u8; 8] = b"hosoblb1";

/// Content bytes per sealed chunk.
const CHUNK: usize = 1 << 20;

/// Why a stored upload file could not be written or read.
#[derive(Debug, thiserror::Error)]
pub(super) enum FileError {
    #[error("lỗi vào/ra tệp tải lên / upload file I/O error: {0}")]
    Io(#[from] std::io::Error),
    #[error(
        "tệp tải lên đã lưu bị hỏng hoặc bị sửa / a stored upload file is damaged or was altered"
    )]
    Damaged,
    #[error("không niêm phong được dữ liệu tải lên / cannot seal upload data")]
    Seal,
}

fn context(sha256: &str, index: u64, count: u64) -> Vec<u8> {
    let mut c = Vec::with_capacity(96);
    c.extend_from_slice(b"hoso-portal/blob\0");
    c.extend_from_slice(sha256.as_bytes());
    c.push(0);
    c.extend_from_slice(&index.to_be_bytes());
    c.extend_from_slice(&count.to_be_bytes());
    c
}

/// Makes a directory entry durable (a created or renamed file).
pub(super) fn sync_dir(dir: &Path) -> std::io::Result<()> {
    #[cfg(unix)]
    File::open(dir)?.sync_all()?;
    #[cfg(not(unix))]
    let _ = dir;
    Ok(())
}

/// Removes a file (gone already is fine).
pub(super) fn remove_file(path: &Path) -> Result<(), FileError> {
    match std::fs::remove_file(path) {
        Err(e) if e.kind() != std::io::ErrorKind::NotFound => Err(e.into()),
        _ => Ok(()),
    }
}

/// Writes a blob's sealed chunks to a temporary file, to be moved into place
/// once the content is verified.
pub(super) struct BlobWriter<'a> {
    sealer: &'a Sealer,
    file: tempfile::NamedTempFile,
    sha256: String,
    size: u64,
    written: u64,
    count: u64,
    index: u64,
    buf: Vec<u8>,
}

impl<'a> BlobWriter<'a> {
    /// A writer for `size` bytes of content named `sha256`, in `tmp_dir`
    /// (on the same file system as the blobs).
    pub(super) fn create(
        tmp_dir: &Path,
        sealer: &'a Sealer,
        sha256: &str,
        size: u64,
    ) -> Result<BlobWriter<'a>, FileError> {
        let mut file = tempfile::NamedTempFile::new_in(tmp_dir)?;
        file.write_all(MAGIC)?;
        Ok(BlobWriter {
            sealer,
            file,
            sha256: sha256.to_string(),
            size,
            written: 0,
            count: size.div_ceil(CHUNK as u64).max(1),
            index: 0,
            buf: Vec::with_capacity(CHUNK),
        })
    }

    pub(super) fn write(&mut self, mut bytes: &[u8]) -> Result<(), FileError> {
        self.written += bytes.len() as u64;
        while !bytes.is_empty() {
            let take = (CHUNK - self.buf.len()).min(bytes.len());
            self.buf.extend_from_slice(&bytes[..take]);
            bytes = &bytes[take..];
            if self.buf.len() == CHUNK {
                self.seal_chunk()?;
            }
        }
        Ok(())
    }

    fn seal_chunk(&mut self) -> Result<(), FileError> {
        if self.index >= self.count {
            return Err(FileError::Damaged);
        }
        let sealed = self
            .sealer
            .seal_blob(&context(&self.sha256, self.index, self.count), &self.buf)
            .map_err(|_| FileError::Seal)?;
        self.file.write_all(&sealed)?;
        self.index += 1;
        self.buf.clear();
        Ok(())
    }

    /// Seals the last chunk and syncs the file; fails if the content was not
    /// the declared size.
    pub(super) fn finish(mut self) -> Result<tempfile::NamedTempFile, FileError> {
        if !self.buf.is_empty() {
            self.seal_chunk()?;
        }
        if self.index != self.count || self.written != self.size {
            return Err(FileError::Damaged);
        }
        self.file.as_file().sync_all()?;
        Ok(self.file)
    }
}

/// Moves a finished blob into `dir` as `name`, durably.
pub(super) fn persist(
    file: tempfile::NamedTempFile,
    dir: &Path,
    name: &str,
) -> Result<(), FileError> {
    file.persist(dir.join(name)).map_err(|e| e.error)?;
    sync_dir(dir)?;
    Ok(())
}

/// Reads and opens every chunk of the blob at `path`, in order, passing the
/// content to `sink`; returns the content length.
pub(super) fn read(
    path: &Path,
    sealer: &Sealer,
    sha256: &str,
    mut sink: impl FnMut(&[u8]) -> Result<(), FileError>,
) -> Result<u64, FileError> {
    let file = File::open(path)?;
    let len = file.metadata()?.len();
    let mut reader = BufReader::with_capacity(CHUNK + OVERHEAD, file);
    let mut magic = [0u8; 8];
    reader.read_exact(&mut magic)?;
    if &magic != MAGIC {
        return Err(FileError::Damaged);
    }
    let frame = (CHUNK + OVERHEAD) as u64;
    let body = len.saturating_sub(MAGIC.len() as u64);
    let count = body.div_ceil(frame);
    if count == 0 {
        return Err(FileError::Damaged);
    }
    let mut sealed = vec![0u8; CHUNK + OVERHEAD];
    let mut total = 0u64;
    for index in 0..count {
        let n =
            usize::try_from((body - index * frame).min(frame)).map_err(|_| FileError::Damaged)?;
        reader.read_exact(&mut sealed[..n])?;
        let plain = sealer
            .open_blob(&context(sha256, index, count), &sealed[..n])
            .map_err(|_| FileError::Damaged)?;
        total += plain.len() as u64;
        sink(&plain)?;
    }
    Ok(total)
}

/// Re-reads, opens and re-hashes the blob at `path`: `false` when it is
/// missing, damaged or does not hash to `sha256`.
pub(super) fn verify(path: &Path, sealer: &Sealer, sha256: &str) -> Result<bool, FileError> {
    let mut hasher = hoso_core::attachment::hash::Sha256::new();
    let read = read(path, sealer, sha256, |plain| {
        hasher.update(plain);
        Ok(())
    });
    match read {
        Ok(_) => Ok(hasher.finish().to_hex() == sha256),
        Err(FileError::Damaged) => Ok(false),
        Err(FileError::Io(e))
            if matches!(
                e.kind(),
                std::io::ErrorKind::NotFound | std::io::ErrorKind::UnexpectedEof
            ) =>
        {
            Ok(false)
        }
        Err(e) => Err(e),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use hoso_core::attachment::hash::Digest;

    fn content(n: usize) -> Vec<u8> {
        (0..n).map(|i| (i * 7 + i / 3) as u8).collect()
    }

    #[test]
    fn round_trip_verify_and_tamper() {
        let dir = tempfile::tempdir().unwrap();
        let sealer = Sealer::from_key(&[7u8; 32]).unwrap();
        for n in [1, CHUNK - 1, CHUNK, 2 * CHUNK + 5] {
            let bytes = content(n);
            let sha = Digest::of(&bytes).to_hex();
            let mut w = BlobWriter::create(dir.path(), &sealer, &sha, n as u64).unwrap();
            for piece in bytes.chunks(300_001) {
                w.write(piece).unwrap();
            }
            persist(w.finish().unwrap(), dir.path(), "b").unwrap();
            let path = dir.path().join("b");
            let mut back = Vec::new();
            read(&path, &sealer, &sha, |p| {
                back.extend_from_slice(p);
                Ok(())
            })
            .unwrap();
            assert_eq!(back, bytes);
            assert!(verify(&path, &sealer, &sha).unwrap());
            // Another blob's name does not open these chunks.
            assert!(!verify(&path, &sealer, &"0".repeat(64)).unwrap());
        }
        // Dropping the last chunk or flipping a byte is detected.
        let path = dir.path().join("b");
        let bytes = content(2 * CHUNK + 5);
        let sha = Digest::of(&bytes).to_hex();
        let mut stored = std::fs::read(&path).unwrap();
        std::fs::write(&path, &stored[..8 + 2 * (CHUNK + OVERHEAD)]).unwrap();
        assert!(!verify(&path, &sealer, &sha).unwrap());
        stored[100] ^= 1;
        std::fs::write(&path, &stored).unwrap();
        assert!(!verify(&path, &sealer, &sha).unwrap());
        assert!(!verify(&dir.path().join("missing"), &sealer, &sha).unwrap());
    }

    #[test]
    fn a_short_or_long_content_is_refused() {
        let dir = tempfile::tempdir().unwrap();
        let sealer = Sealer::from_key(&[7u8; 32]).unwrap();
        let mut w = BlobWriter::create(dir.path(), &sealer, "ab", 10).unwrap();
        w.write(b"12345").unwrap();
        assert!(matches!(w.finish(), Err(FileError::Damaged)));
        let mut w = BlobWriter::create(dir.path(), &sealer, "ab", 1).unwrap();
        w.write(&content(CHUNK + 1)).unwrap();
        assert!(matches!(w.finish(), Err(FileError::Damaged)));
    }
}
