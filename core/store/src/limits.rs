//! The one place that says how much of anything from outside hoso reads:
//! files, HTTP bodies, catalog bundles and sources, search text, pictures,
//! form values (issue #18). Every reader of outside data takes its bound
//! from here and enforces it *while reading* (`Read::take`, a counted
//! stream), never by trusting a declared length or `metadata()`; going over
//! is a typed error in Vietnamese and English, never a panic or an
//! allocation the size of the input.
//!
//! Where a file is expected only a regular file is read: a FIFO, a device
//! (`/dev/zero`) or a directory is refused before a byte is read, and a
//! FIFO is opened without blocking, so it cannot hang the caller.

use crate::error::{Classified, ErrorKind};
use std::fs::File;
use std::io::Read;
use std::path::Path;

/// What is being read, named in both languages for the errors.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct What {
    pub vi: &'static str,
    pub en: &'static str,
}

/// The data key file of the CLI (`--key-file`).
pub const KEY_FILE: What = What {
    vi: "tệp khóa",
    en: "the key file",
};
/// A key file holds the 32-byte key; anything much larger is not one.
pub const KEY_FILE_BYTES: u64 = 4 * 1024;

/// The longest `Retry-After` honoured, seconds (one day): a portal that is
/// down for longer is asked again tomorrow, and a huge value (up to
/// `u64::MAX`) can neither overflow a time nor park a submission for ages.
pub const RETRY_AFTER_MAX_SECS: u64 = 86_400;

/// The largest step up from the installed catalog version a bundle may
/// take. The portal numbers versions one by one (one per published
/// catalog; a million is centuries of daily releases), so a bigger jump is
/// a damaged or hostile bundle, and accepting it (up to `u64::MAX`) would
/// make every later real bundle look older and block all updates.
pub const CATALOG_VERSION_JUMP_MAX: u64 = 1_000_000;

/// The largest step up from the held signing-key set version a key set may
/// take, for the same reason: the portal counts key sets one by one (a
/// rotation or a revocation each), and one huge version would make every
/// later real key set (a revocation!) look older and be refused.
pub const KEY_SET_VERSION_JUMP_MAX: u64 = 1_000_000;

/// The characters of a search query read: enough for the longest procedure
/// name pasted whole (about 400), not a pasted page. Beyond it the query is
/// cut, not refused, so search on paste answers at once.
pub const SEARCH_QUERY_CHARS: usize = 600;
/// The characters of one query word read. Typo matching and splitting
/// run-together words cost more the longer the word; the longest word run
/// together that people type ("dangkykhaisinhchocon") is about 20.
pub const SEARCH_WORD_CHARS: usize = 40;

/// Why a bounded read of outside data failed.
#[derive(Debug, thiserror::Error)]
pub enum LimitError {
    #[error("{} vượt quá giới hạn {limit} byte / {} is larger than the {limit}-byte limit", .what.vi, .what.en)]
    TooLarge { what: What, limit: u64 },
    #[error("{} không phải là tệp thông thường (thư mục, thiết bị hay ống dẫn không được đọc) / {} is not a regular file (directories, devices and pipes are not read)", .what.vi, .what.en)]
    NotAFile { what: What },
    #[error("không đọc được {}: {source} / cannot read {}: {source}", .what.vi, .what.en)]
    Io {
        what: What,
        #[source]
        source: std::io::Error,
    },
}

impl Classified for LimitError {
    fn kind(&self) -> ErrorKind {
        match self {
            LimitError::TooLarge { .. } | LimitError::NotAFile { .. } => ErrorKind::InvalidInput,
            LimitError::Io { source, .. } if source.kind() == std::io::ErrorKind::NotFound => {
                ErrorKind::NotFound
            }
            LimitError::Io { .. } => ErrorKind::InvalidInput,
        }
    }

    fn error_code(&self) -> &'static str {
        match self {
            LimitError::TooLarge { .. } => "too_large",
            LimitError::NotAFile { .. } => "not_a_file",
            LimitError::Io { .. } => "unreadable_file",
        }
    }
}

/// Opens `path` for reading if it is a regular file. A FIFO is opened
/// without blocking (so a FIFO with no writer cannot hang the caller) and
/// then refused, like every other file that is not regular; the check is
/// made on the opened file, so a path swapped between check and open
/// cannot slip through. `what` names the file in errors.
pub fn open_regular(path: &Path, what: What) -> Result<File, LimitError> {
    let io = |source| LimitError::Io { what, source };
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        options.custom_flags(libc::O_NONBLOCK);
    }
    let file = options.open(path).map_err(io)?;
    if !file.metadata().map_err(io)?.is_file() {
        return Err(LimitError::NotAFile { what });
    }
    Ok(file)
}

/// Reads all of `reader` into `bytes`, refusing it once it goes past
/// `limit` bytes (at most `limit + 1` bytes are ever read). A caller that
/// must not leave copies behind (a key) passes a buffer sized in advance.
pub fn read_bounded_into(
    reader: impl Read,
    limit: u64,
    what: What,
    bytes: &mut Vec<u8>,
) -> Result<(), LimitError> {
    reader
        .take(limit.saturating_add(1))
        .read_to_end(bytes)
        .map_err(|source| LimitError::Io { what, source })?;
    if u64::try_from(bytes.len()).unwrap_or(u64::MAX) > limit {
        return Err(LimitError::TooLarge { what, limit });
    }
    Ok(())
}

/// Reads all of `reader`, refusing it once it goes past `limit` bytes.
pub fn read_bounded(reader: impl Read, limit: u64, what: What) -> Result<Vec<u8>, LimitError> {
    let mut bytes = Vec::new();
    read_bounded_into(reader, limit, what, &mut bytes)?;
    Ok(bytes)
}

/// Reads the regular file at `path` whole, up to `limit` bytes.
pub fn read_file(path: &Path, limit: u64, what: What) -> Result<Vec<u8>, LimitError> {
    read_bounded(open_regular(path, what)?, limit, what)
}

#[cfg(test)]
mod tests {
    use super::*;

    const K: What = What {
        vi: "tệp thử",
        en: "the test file",
    };

    #[test]
    fn errors_name_the_file_in_both_languages() {
        let e = LimitError::TooLarge { what: K, limit: 9 };
        let (vi, en) = e.messages();
        assert_eq!(vi, "tệp thử vượt quá giới hạn 9 byte");
        assert_eq!(en, "the test file is larger than the 9-byte limit");
    }

    #[test]
    fn a_file_within_its_limit_is_read_whole() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("key-file");
        std::fs::write(&path, b"0123456789").unwrap();
        assert_eq!(read_file(&path, 10, K).unwrap(), b"0123456789");
        let e = read_file(&path, 9, K).unwrap_err();
        assert!(matches!(e, LimitError::TooLarge { limit: 9, .. }), "{e}");
        assert_eq!(e.error_code(), "too_large");
    }

    #[test]
    fn directories_devices_and_pipes_are_refused_without_blocking() {
        let dir = tempfile::tempdir().unwrap();
        let e = read_file(dir.path(), 10, K).unwrap_err();
        assert!(matches!(e, LimitError::NotAFile { .. }), "{e}");
        #[cfg(unix)]
        {
            let e = read_file(Path::new("/dev/zero"), 10, K).unwrap_err();
            assert!(matches!(e, LimitError::NotAFile { .. }), "{e}");
            let fifo = dir.path().join("fifo");
            let c = std::ffi::CString::new(fifo.as_os_str().as_encoded_bytes()).unwrap();
            // SAFETY: a valid NUL-terminated path; mkfifo only creates a node.
            assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
            // No writer: a blocking open would hang here.
            let e = read_file(&fifo, 10, K).unwrap_err();
            assert!(matches!(e, LimitError::NotAFile { .. }), "{e}");
        }
    }

    #[test]
    fn a_missing_file_is_not_found() {
        let e = read_file(Path::new("/nonexistent/hoso/k"), 10, K).unwrap_err();
        assert_eq!(e.kind(), ErrorKind::NotFound);
    }

    #[test]
    fn an_endless_stream_is_cut_at_the_limit() {
        let e = read_bounded(std::io::repeat(0), 1024, K).unwrap_err();
        assert!(matches!(e, LimitError::TooLarge { limit: 1024, .. }));
    }
}
