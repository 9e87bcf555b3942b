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
use std::io::{BufRead, Read};
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

/// A catalog bundle as it travels (gzip): the national catalog's is 2.3 MB.
pub const CATALOG_BUNDLE: What = What {
    vi: "gói danh mục (nén)",
    en: "the catalog bundle (compressed)",
};
/// At most 8 MiB of compressed bundle (3.5 times the national catalog's).
pub const CATALOG_BUNDLE_BYTES: u64 = 8 * 1024 * 1024;

/// A catalog bundle's JSON once decompressed: the national catalog's is
/// 21.7 MB.
pub const CATALOG_BUNDLE_JSON: What = What {
    vi: "nội dung gói danh mục (đã giải nén)",
    en: "the catalog bundle's content (decompressed)",
};
/// At most 40 MiB of bundle JSON (1.9 times the national catalog's). A
/// gzip bomb stops here: with the compressed limit, a bundle that is not
/// one costs at most 48 MiB before it is refused.
pub const CATALOG_BUNDLE_JSON_BYTES: u64 = 40 * 1024 * 1024;

/// One procedure inside a bundle or a source line.
pub const CATALOG_PROCEDURE: What = What {
    vi: "một thủ tục trong danh mục",
    en: "one procedure of the catalog",
};
/// The largest procedure: the national catalog's largest crawled page is
/// 185 KB and its largest bundled procedure smaller; 2 MiB is ten times
/// that.
pub const CATALOG_PROCEDURE_BYTES: u64 = 2 * 1024 * 1024;

/// The most procedures one catalog holds: the national catalog has 2,642;
/// every procedure of every level in Vietnam is under 10,000.
pub const CATALOG_PROCEDURES_MAX: usize = 50_000;

/// An item of catalog data read from a file (`hoso catalog import --units`).
pub const CATALOG_DATA_ITEM: What = What {
    vi: "tệp dữ liệu kèm danh mục",
    en: "catalog data item",
};

/// One item of data a catalog carries (ADR 0023): the units table is
/// 130 KB, a form a few KB.
pub const CATALOG_DATA_ITEM_BYTES: u64 = 4 * 1024 * 1024;

/// All the data one catalog carries: the units table and a form for each
/// of several thousand procedures fit many times over.
pub const CATALOG_DATA_TOTAL_BYTES: u64 = 64 * 1024 * 1024;

/// A catalog delta as it travels (gzip): the changes between two catalog
/// versions (issue #20). Twenty changed procedures of the national catalog
/// are about 25 KB; a delta is worth taking only while it is smaller than
/// the bundle, so it has the bundle's bound.
pub const CATALOG_DELTA: What = What {
    vi: "gói thay đổi danh mục (nén)",
    en: "the catalog delta (compressed)",
};
/// At most as much compressed delta as compressed bundle.
pub const CATALOG_DELTA_BYTES: u64 = CATALOG_BUNDLE_BYTES;

/// A catalog delta's JSON once decompressed.
pub const CATALOG_DELTA_JSON: What = What {
    vi: "nội dung gói thay đổi danh mục (đã giải nén)",
    en: "the catalog delta's content (decompressed)",
};
/// At most as much delta JSON as bundle JSON: a gzip bomb stops here.
pub const CATALOG_DELTA_JSON_BYTES: u64 = CATALOG_BUNDLE_JSON_BYTES;

/// A crawled catalog source (`.jsonl` or `.jsonl.gz`), decompressed.
pub const CATALOG_SOURCE: What = What {
    vi: "tệp nguồn danh mục (đã giải nén)",
    en: "the catalog source (decompressed)",
};
/// At most 96 MiB of source lines (2.3 times the national crawl's 41.6 MB).
pub const CATALOG_SOURCE_BYTES: u64 = 96 * 1024 * 1024;
/// At most this many source lines, blank ones included (one record a
/// line): a stream of empty lines ends here, long before its bytes would.
pub const CATALOG_SOURCE_LINES_MAX: usize = 2 * CATALOG_PROCEDURES_MAX;

/// An answer of the portal's API other than the catalog bundle: JSON of a
/// page of the change feed, a dossier, a key set (a few KB each).
pub const API_ANSWER: What = What {
    vi: "câu trả lời của cổng",
    en: "the portal's answer",
};
/// At most 4 MiB per API answer.
pub const API_ANSWER_BYTES: u64 = 4 * 1024 * 1024;

/// A picture to read a QR code from (PNG or JPEG).
pub const PICTURE: What = What {
    vi: "tệp ảnh",
    en: "the picture file",
};
/// At most 32 MiB of picture file (a 12-megapixel phone photo is 3–6 MB).
pub const PICTURE_BYTES: u64 = 32 * 1024 * 1024;
/// The longest side of a picture decoded (a 12-megapixel photo is 4,000 by
/// 3,000; a 50-megapixel one is refused, so a photo is taken at the
/// camera's usual size or as a screenshot).
pub const PICTURE_SIDE_MAX: u32 = 8_192;
/// The memory a picture's decoder may take: a 12.5-megapixel colour photo
/// (4,080 by 3,060, 37.5 MB) decodes; the grey copy read for codes adds a
/// third of that.
pub const PICTURE_DECODE_BYTES: u64 = 40 * 1024 * 1024;

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

/// The characters of one form or profile value as typed: the Portal API
/// takes at most 2,000 a value (`FormValues`), so a longer one can never
/// be filed and is refused before it is saved.
pub const FORM_VALUE_CHARS: usize = 2_000;

/// The scan of a signed consent form (issue #19).
pub const CONSENT_SCAN: What = What {
    vi: "bản chụp tờ đồng ý",
    en: "the consent form's scan",
};

/// A table of administrative units as it travels (gzip): the bundled one
/// (`core/data/units/units.tsv.gz`) is 126.5 KiB.
pub const UNITS_TABLE: What = What {
    vi: "bảng đơn vị hành chính (nén)",
    en: "the administrative units table (compressed)",
};
/// At most 2 MiB of compressed table (16 times the bundled one's).
pub const UNITS_TABLE_BYTES: u64 = 2 * 1024 * 1024;

/// A table of administrative units once decompressed: the bundled one is
/// 466 KiB of text.
pub const UNITS_TABLE_TEXT: What = What {
    vi: "nội dung bảng đơn vị hành chính (đã giải nén)",
    en: "the administrative units table's content (decompressed)",
};
/// At most 4 MiB of table text (8.8 times the bundled one's): a gzip bomb
/// stops here.
pub const UNITS_TABLE_TEXT_BYTES: u64 = 4 * 1024 * 1024;

/// A line typed or piped in: a value given as `-` on the command line, a
/// search query a line.
pub const TEXT_LINE: What = What {
    vi: "dòng nhập vào",
    en: "the input line",
};
/// At most 64 KiB a line (a form value or a query is far shorter).
pub const TEXT_LINE_BYTES: u64 = 64 * 1024;

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

impl LimitError {
    /// The error a [`Bounded`] reader raised, if `source` carries one (also
    /// through a decoder or parser that passes read errors on), else
    /// `source` as an unreadable `what`.
    pub fn from_io(source: std::io::Error, what: What) -> LimitError {
        if LimitError::carried_by(&source).is_none() {
            return LimitError::Io { what, source };
        }
        let kind = source.kind();
        match source
            .into_inner()
            .map(|inner| inner.downcast::<LimitError>())
        {
            Some(Ok(limit)) => *limit,
            Some(Err(other)) => LimitError::Io {
                what,
                source: std::io::Error::new(kind, other),
            },
            None => LimitError::Io {
                what,
                source: kind.into(),
            },
        }
    }

    /// The limit error carried by `source`, if any (see [`Bounded`]).
    pub fn carried_by(source: &std::io::Error) -> Option<&LimitError> {
        source.get_ref()?.downcast_ref::<LimitError>()
    }
}

/// A reader that passes on at most `limit` bytes of `inner` and fails with
/// [`LimitError::TooLarge`] (inside the `io::Error`) as soon as `inner` has
/// more: for a stream read through a decoder or parser, where the bound
/// belongs to the bytes going in (a compressed body) rather than coming
/// out. [`LimitError::from_io`] and [`LimitError::carried_by`] get it back.
pub struct Bounded<R> {
    inner: R,
    left: u64,
    limit: u64,
    what: What,
}

impl<R: Read> Bounded<R> {
    pub fn new(inner: R, limit: u64, what: What) -> Bounded<R> {
        Bounded {
            inner,
            left: limit,
            limit,
            what,
        }
    }
}

impl<R: Read> Read for Bounded<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        if buf.is_empty() {
            return Ok(0);
        }
        if self.left == 0 {
            // At the limit: the stream may end here; one more byte is over.
            let mut probe = [0u8; 1];
            return match self.inner.read(&mut probe)? {
                0 => Ok(0),
                _ => Err(std::io::Error::other(LimitError::TooLarge {
                    what: self.what,
                    limit: self.limit,
                })),
            };
        }
        let room = usize::try_from(self.left)
            .unwrap_or(usize::MAX)
            .min(buf.len());
        let n = self.inner.read(&mut buf[..room])?;
        // `n <= room <= left`: cannot underflow.
        self.left = self.left.saturating_sub(n as u64);
        Ok(n)
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
        .map_err(|source| LimitError::from_io(source, what))?;
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

/// Reads the next line of `reader` into `line` without its line end
/// (`\n` or `\r\n`); `Ok(false)` at the end of input. A line longer than
/// `limit` bytes is [`LimitError::TooLarge`] after at most `limit + 1`
/// bytes of it are read, so a stream with no line end cannot grow `line`.
pub fn read_line_into(
    reader: &mut impl BufRead,
    limit: u64,
    what: What,
    line: &mut Vec<u8>,
) -> Result<bool, LimitError> {
    line.clear();
    let read = reader
        .take(limit.saturating_add(1))
        .read_until(b'\n', line)
        .map_err(|source| LimitError::from_io(source, what))?;
    if read == 0 {
        return Ok(false);
    }
    if line.last() == Some(&b'\n') {
        line.pop();
        if line.last() == Some(&b'\r') {
            line.pop();
        }
    }
    if u64::try_from(line.len()).unwrap_or(u64::MAX) > limit {
        return Err(LimitError::TooLarge { what, limit });
    }
    Ok(true)
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
    fn a_bounded_stream_fails_through_a_decoder_with_its_own_limit() {
        let exact = Bounded::new(&b"0123456789"[..], 10, K);
        assert_eq!(read_bounded(exact, 100, K).unwrap(), b"0123456789");
        let over = Bounded::new(std::io::repeat(7), 4096, K);
        let e = read_bounded(std::io::BufReader::new(over), u64::MAX, K).unwrap_err();
        assert!(matches!(e, LimitError::TooLarge { limit: 4096, .. }), "{e}");
        let io = std::io::Error::other(LimitError::NotAFile { what: K });
        assert!(LimitError::carried_by(&io).is_some());
        assert!(LimitError::carried_by(&std::io::Error::other("x")).is_none());
    }

    #[test]
    fn lines_are_read_within_their_limit() {
        let mut input = std::io::BufReader::new(&b"abc\r\n\nabcd\nabcde"[..]);
        let mut line = Vec::new();
        let mut next = |line: &mut Vec<u8>| read_line_into(&mut input, 4, K, line);
        assert!(next(&mut line).unwrap());
        assert_eq!(line, b"abc");
        assert!(next(&mut line).unwrap());
        assert_eq!(line, b"");
        assert!(next(&mut line).unwrap());
        assert_eq!(line, b"abcd");
        let e = next(&mut line).unwrap_err();
        assert!(matches!(e, LimitError::TooLarge { limit: 4, .. }), "{e}");
        let mut endless = std::io::BufReader::new(std::io::repeat(b'x'));
        let e = read_line_into(&mut endless, 1024, K, &mut line).unwrap_err();
        assert!(matches!(e, LimitError::TooLarge { limit: 1024, .. }), "{e}");
        assert!(line.len() <= 1025);
    }

    #[test]
    fn an_endless_stream_is_cut_at_the_limit() {
        let e = read_bounded(std::io::repeat(0), 1024, K).unwrap_err();
        assert!(matches!(e, LimitError::TooLarge { limit: 1024, .. }));
    }
}
