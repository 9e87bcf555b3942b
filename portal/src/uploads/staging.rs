//! Staging files: the bytes of an unfinished upload, in
//! `DATA/uploads/{upload id}`, as a sequence of sealed segments of at most
//! [`SEGMENT`] bytes, each bound to the upload id, its index and the content
//! offset it starts at (so segments cannot be reordered or moved between
//! uploads). A PATCH appends segments past the committed end and syncs the
//! file before the upload record's new offset is committed; whatever lies
//! past the committed end (a crash, a discarded chunk) is cut off the next
//! time the file is opened.
//!
//! File layout: the 8-byte magic `hosoupl1`, then per segment a 4-byte
//! big-endian length and the sealed segment.

use super::blobs::{sync_dir, FileError};
use crate::seal::{Sealer, OVERHEAD};
use std::fs::{File, OpenOptions};
use std::io::{BufReader, Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::sync::Arc;

const MAGIC: &[u8; 8] = b"hosoupl1";

/// Content bytes per sealed segment at most.
pub(super) const SEGMENT: usize = 1 << 20;

/// How much of a staging file the upload record vouches for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Committed {
    /// File bytes (0 before the first segment: no file yet).
    pub len: u64,
    pub segments: u64,
    /// Content bytes.
    pub offset: u64,
}

fn context(id: &str, index: u64, offset: u64) -> Vec<u8> {
    let mut c = Vec::with_capacity(80);
    c.extend_from_slice(b"hoso-portal/upload\0");
    c.extend_from_slice(id.as_bytes());
    c.push(0);
    c.extend_from_slice(&index.to_be_bytes());
    c.extend_from_slice(&offset.to_be_bytes());
    c
}

/// Appends sealed segments to a staging file.
pub(super) struct Appender {
    file: File,
    sealer: Arc<Sealer>,
    id: String,
    base: Committed,
    now: Committed,
}

impl Appender {
    /// Opens (or creates) the staging file and cuts it to what `base` vouches for.
    pub(super) fn open(
        path: &Path,
        sealer: Arc<Sealer>,
        id: &str,
        base: Committed,
    ) -> Result<Appender, FileError> {
        let mut file = OpenOptions::new()
            .read(true)
            .write(true)
            .create(true)
            .truncate(false)
            .open(path)?;
        let mut now = base;
        if base.len == 0 {
            file.set_len(0)?;
            file.write_all(MAGIC)?;
            file.sync_all()?;
            if let Some(dir) = path.parent() {
                sync_dir(dir)?;
            }
            now.len = MAGIC.len() as u64;
        } else {
            if file.metadata()?.len() < base.len {
                return Err(FileError::Damaged);
            }
            file.set_len(base.len)?;
        }
        file.seek(SeekFrom::Start(now.len))?;
        Ok(Appender {
            file,
            sealer,
            id: id.to_string(),
            base,
            now,
        })
    }

    /// Seals and appends one segment (not yet synced).
    pub(super) fn push(&mut self, plain: &[u8]) -> Result<(), FileError> {
        if plain.is_empty() {
            return Ok(());
        }
        if plain.len() > SEGMENT {
            return Err(FileError::Damaged);
        }
        let sealed = self
            .sealer
            .seal_blob(
                &context(&self.id, self.now.segments, self.now.offset),
                plain,
            )
            .map_err(|_| FileError::Seal)?;
        let len = u32::try_from(sealed.len()).map_err(|_| FileError::Damaged)?;
        self.file.write_all(&len.to_be_bytes())?;
        self.file.write_all(&sealed)?;
        self.now.segments += 1;
        self.now.offset += plain.len() as u64;
        self.now.len += 4 + u64::from(len);
        Ok(())
    }

    /// Makes everything appended durable.
    pub(super) fn sync(&mut self) -> Result<(), FileError> {
        self.file.sync_data()?;
        Ok(())
    }

    /// Cuts off everything appended since opening.
    pub(super) fn rollback(&mut self) -> Result<(), FileError> {
        let keep = self.base.len.max(MAGIC.len() as u64).min(self.now.len);
        self.file.set_len(keep)?;
        self.file.sync_data()?;
        self.now = Committed {
            len: keep,
            ..self.base
        };
        Ok(())
    }

    /// What the file holds now.
    pub(super) fn state(&self) -> Committed {
        self.now
    }
}

/// Reads and opens every committed segment in order, passing the content
/// to `sink`.
pub(super) fn read(
    path: &Path,
    sealer: &Sealer,
    id: &str,
    committed: Committed,
    mut sink: impl FnMut(&[u8]) -> Result<(), FileError>,
) -> Result<(), FileError> {
    if committed.len == 0 {
        return if committed.offset == 0 {
            Ok(())
        } else {
            Err(FileError::Damaged)
        };
    }
    let mut reader = BufReader::with_capacity(SEGMENT + OVERHEAD + 4, File::open(path)?);
    let mut magic = [0u8; 8];
    reader.read_exact(&mut magic)?;
    if &magic != MAGIC {
        return Err(FileError::Damaged);
    }
    let mut pos = MAGIC.len() as u64;
    let mut offset = 0u64;
    let mut sealed = vec![0u8; SEGMENT + OVERHEAD];
    for index in 0..committed.segments {
        let mut len = [0u8; 4];
        reader.read_exact(&mut len)?;
        let len = u32::from_be_bytes(len) as usize;
        if !(OVERHEAD + 1..=SEGMENT + OVERHEAD).contains(&len) {
            return Err(FileError::Damaged);
        }
        reader.read_exact(&mut sealed[..len])?;
        let plain = sealer
            .open_blob(&context(id, index, offset), &sealed[..len])
            .map_err(|_| FileError::Damaged)?;
        sink(&plain)?;
        offset += plain.len() as u64;
        pos += 4 + len as u64;
    }
    if offset != committed.offset || pos != committed.len {
        return Err(FileError::Damaged);
    }
    Ok(())
}

/// The staging file of an upload.
pub(super) fn path(dir: &Path, id: &str) -> PathBuf {
    dir.join(id)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read_all(
        path: &Path,
        sealer: &Sealer,
        id: &str,
        c: Committed,
    ) -> Result<Vec<u8>, FileError> {
        let mut out = Vec::new();
        read(path, sealer, id, c, |p| {
            out.extend_from_slice(p);
            Ok(())
        })?;
        Ok(out)
    }

    #[test]
    fn append_commit_rollback_and_crash_tail() {
        let dir = tempfile::tempdir().unwrap();
        let sealer = Arc::new(Sealer::from_key(&[9u8; 32]).unwrap());
        let path = dir.path().join("u1");
        let zero = Committed {
            len: 0,
            segments: 0,
            offset: 0,
        };
        let mut a = Appender::open(&path, sealer.clone(), "u1", zero).unwrap();
        a.push(b"hello ").unwrap();
        a.push(b"world").unwrap();
        a.sync().unwrap();
        let c1 = a.state();
        assert_eq!((c1.segments, c1.offset), (2, 11));
        drop(a);
        // A discarded chunk leaves the committed content.
        let mut a = Appender::open(&path, sealer.clone(), "u1", c1).unwrap();
        a.push(b"garbage").unwrap();
        a.rollback().unwrap();
        assert_eq!(a.state(), c1);
        // A crash tail past the committed end is cut on the next open.
        a.push(b"crash").unwrap();
        a.sync().unwrap();
        drop(a);
        let mut a = Appender::open(&path, sealer.clone(), "u1", c1).unwrap();
        a.push(b"!").unwrap();
        a.sync().unwrap();
        let c2 = a.state();
        assert_eq!(read_all(&path, &sealer, "u1", c2).unwrap(), b"hello world!");
        // Bound to the upload id; no plaintext on disk.
        assert!(matches!(
            read_all(&path, &sealer, "u2", c2),
            Err(FileError::Damaged)
        ));
        let raw = std::fs::read(&path).unwrap();
        assert!(!raw.windows(5).any(|w| w == b"hello"));
        // Swapping two segments is detected.
        let mut swapped = Vec::new();
        let first_len = 4 + 6 + OVERHEAD;
        let second_len = 4 + 5 + OVERHEAD;
        swapped.extend_from_slice(&raw[..8]);
        swapped.extend_from_slice(&raw[8 + first_len..8 + first_len + second_len]);
        swapped.extend_from_slice(&raw[8..8 + first_len]);
        swapped.extend_from_slice(&raw[8 + first_len + second_len..]);
        std::fs::write(&path, &swapped).unwrap();
        assert!(read_all(&path, &sealer, "u1", c2).is_err());
    }
}
