//! Streaming SHA-256 for attachments (issue #4): the digest type that names
//! an attachment everywhere (store key, portal "submit once" check, `hoso
//! hash`), and hashing a file or any stream of any size in constant memory
//! with ring, with a progress callback and cancellation.
//!
//! Memory: one buffer of [`BUFFER_LEN`] bytes per call (heap), whatever the
//! size of the input. Errors name the path (never any of the file's bytes).

use ring::digest::{Context, SHA256};
use std::fmt;
use std::fs::File;
use std::io::{self, Read};
use std::path::{Path, PathBuf};
use std::str::FromStr;

/// Bytes read and hashed per step. Of 64 KiB, 256 KiB and 1 MiB, 256 KiB
/// was fastest on the reference machine, though all three are within 2 %
/// (hashing, not the reads, is the cost); see `docs/performance.md`.
pub const BUFFER_LEN: usize = 256 * 1024;

/// A SHA-256 digest: 32 bytes, shown as 64 lower-case hex digits.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Digest([u8; 32]);

impl Digest {
    /// Digest length in bytes.
    pub const LEN: usize = 32;

    /// Wraps 32 raw bytes.
    pub const fn from_bytes(bytes: [u8; 32]) -> Digest {
        Digest(bytes)
    }

    /// The raw 32 bytes.
    pub const fn as_bytes(&self) -> &[u8; 32] {
        &self.0
    }

    /// 64 lower-case hex digits, as `sha256sum` prints them.
    pub fn to_hex(&self) -> String {
        crate::hex::encode(&self.0)
    }

    /// Parses 64 hex digits (either case).
    pub fn from_hex(hex: &str) -> Result<Digest, DigestError> {
        let bytes = hex.as_bytes();
        if bytes.len() != 64 {
            return Err(DigestError::Length(bytes.len()));
        }
        let nibble = |i: usize| -> Result<u8, DigestError> {
            match bytes[i] {
                c @ b'0'..=b'9' => Ok(c - b'0'),
                c @ b'a'..=b'f' => Ok(c - b'a' + 10),
                c @ b'A'..=b'F' => Ok(c - b'A' + 10),
                _ => Err(DigestError::NotHex(i)),
            }
        };
        let mut out = [0u8; 32];
        for (i, byte) in out.iter_mut().enumerate() {
            *byte = (nibble(2 * i)? << 4) | nibble(2 * i + 1)?;
        }
        Ok(Digest(out))
    }

    /// The digest of bytes already in memory.
    pub fn of(bytes: &[u8]) -> Digest {
        let mut h = Sha256::new();
        h.update(bytes);
        h.finish()
    }
}

impl fmt::Display for Digest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_hex())
    }
}

impl fmt::Debug for Digest {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Digest({})", self.to_hex())
    }
}

impl FromStr for Digest {
    type Err = DigestError;
    fn from_str(s: &str) -> Result<Digest, DigestError> {
        Digest::from_hex(s)
    }
}

impl AsRef<[u8]> for Digest {
    fn as_ref(&self) -> &[u8] {
        &self.0
    }
}

/// Serialised as its 64 hex digits.
impl serde::Serialize for Digest {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.to_hex())
    }
}

impl<'de> serde::Deserialize<'de> for Digest {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Digest, D::Error> {
        let s = <std::borrow::Cow<'de, str>>::deserialize(d)?;
        Digest::from_hex(&s).map_err(serde::de::Error::custom)
    }
}

/// Text that is not a SHA-256 digest in hex.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum DigestError {
    #[error("mã SHA-256 phải có 64 chữ số hex, không phải {0} ký tự / a SHA-256 digest is 64 hex digits, not {0} characters")]
    Length(usize),
    #[error("mã SHA-256 có ký tự không phải hex ở vị trí {0} / a SHA-256 digest has a non-hex character at position {0}")]
    NotHex(usize),
}

/// An incremental SHA-256 (ring), for callers that hash while doing
/// something else with the same bytes (copying, encrypting) in one pass.
#[derive(Clone)]
pub struct Sha256(Context);

impl Sha256 {
    pub fn new() -> Sha256 {
        Sha256(Context::new(&SHA256))
    }

    /// Adds bytes.
    pub fn update(&mut self, bytes: &[u8]) {
        self.0.update(bytes);
    }

    /// The digest of everything added.
    pub fn finish(self) -> Digest {
        let mut out = [0u8; 32];
        out.copy_from_slice(self.0.finish().as_ref());
        Digest(out)
    }
}

impl Default for Sha256 {
    fn default() -> Self {
        Sha256::new()
    }
}

/// What the progress callback wants next.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flow {
    Continue,
    Cancel,
}

/// Why hashing stopped without a digest.
#[derive(Debug, thiserror::Error)]
#[error("{} / {}", self.message_vi(), self.message_en())]
pub enum HashError {
    /// The file could not be opened (missing, no permission, …).
    Open { path: PathBuf, source: io::Error },
    /// The path is a directory.
    IsDirectory { path: PathBuf },
    /// Reading failed part-way; `path` is `None` for a stream without one.
    Read {
        path: Option<PathBuf>,
        done: u64,
        source: io::Error,
    },
    /// The progress callback asked to stop after `done` bytes.
    Cancelled { done: u64 },
}

impl HashError {
    /// A stable snake_case code for the error.
    pub fn code(&self) -> &'static str {
        match self {
            HashError::Open { source, .. } => match source.kind() {
                io::ErrorKind::NotFound => "not_found",
                io::ErrorKind::PermissionDenied => "permission_denied",
                _ => "io",
            },
            HashError::IsDirectory { .. } => "is_directory",
            HashError::Read { .. } => "io",
            HashError::Cancelled { .. } => "cancelled",
        }
    }

    /// The path concerned, if any.
    pub fn path(&self) -> Option<&Path> {
        match self {
            HashError::Open { path, .. } | HashError::IsDirectory { path } => Some(path),
            HashError::Read { path, .. } => path.as_deref(),
            HashError::Cancelled { .. } => None,
        }
    }

    /// The Vietnamese message.
    pub fn message_vi(&self) -> String {
        match self {
            HashError::Open { path, source } => match source.kind() {
                io::ErrorKind::NotFound => format!("không tìm thấy tệp {}", path.display()),
                io::ErrorKind::PermissionDenied => {
                    format!("không có quyền đọc tệp {}", path.display())
                }
                _ => format!("không mở được tệp {} ({source})", path.display()),
            },
            HashError::IsDirectory { path } => {
                format!("{} là thư mục, không phải tệp", path.display())
            }
            HashError::Read { path, done, source } => match path {
                Some(p) => format!("lỗi khi đọc tệp {} sau {done} byte ({source})", p.display()),
                None => format!("lỗi khi đọc dữ liệu vào sau {done} byte ({source})"),
            },
            HashError::Cancelled { done } => {
                format!("đã huỷ việc tính mã SHA-256 sau {done} byte")
            }
        }
    }

    /// The English message.
    pub fn message_en(&self) -> String {
        match self {
            HashError::Open { path, source } => match source.kind() {
                io::ErrorKind::NotFound => format!("no such file: {}", path.display()),
                io::ErrorKind::PermissionDenied => {
                    format!("permission denied: {}", path.display())
                }
                _ => format!("cannot open {}: {source}", path.display()),
            },
            HashError::IsDirectory { path } => {
                format!("{} is a directory, not a file", path.display())
            }
            HashError::Read { path, done, source } => match path {
                Some(p) => format!("error reading {} after {done} bytes: {source}", p.display()),
                None => format!("error reading input after {done} bytes: {source}"),
            },
            HashError::Cancelled { done } => format!("SHA-256 cancelled after {done} bytes"),
        }
    }
}

/// SHA-256 of everything `reader` yields, in constant memory (one buffer of
/// [`BUFFER_LEN`] bytes). Returns the digest and the number of bytes read.
///
/// `total` is passed through to `progress` (the expected size, if known).
/// `progress(done, total)` is called once before reading and then once per
/// filled buffer, the last call with `done` equal to the bytes hashed;
/// returning [`Flow::Cancel`] from any call ends with
/// [`HashError::Cancelled`]. `done` only grows; it may pass `total` if the
/// input grew while being read.
pub fn sha256_reader<R, P>(
    reader: R,
    total: Option<u64>,
    progress: P,
) -> Result<(Digest, u64), HashError>
where
    R: Read,
    P: FnMut(u64, Option<u64>) -> Flow,
{
    let mut buffer = vec![0u8; BUFFER_LEN];
    sha256_reader_with_buffer(reader, total, &mut buffer, progress)
}

/// [`sha256_reader`] with a caller-supplied buffer (reused across calls, or
/// a different size); `progress` is called once per filled buffer. An empty
/// buffer is replaced by one of [`BUFFER_LEN`] bytes.
pub fn sha256_reader_with_buffer<R, P>(
    reader: R,
    total: Option<u64>,
    buffer: &mut [u8],
    progress: P,
) -> Result<(Digest, u64), HashError>
where
    R: Read,
    P: FnMut(u64, Option<u64>) -> Flow,
{
    stream(reader, total, buffer, progress).map_err(|e| match e {
        Stop::Cancelled(done) => HashError::Cancelled { done },
        Stop::Read(done, source) => HashError::Read {
            path: None,
            done,
            source,
        },
    })
}

/// SHA-256 of the file at `path`, in constant memory; `progress` as for
/// [`sha256_reader`], with the file's size as `total` when it is a regular
/// file (pipes and devices hash to their end with `total` = `None`).
pub fn sha256_file<P>(path: &Path, progress: P) -> Result<(Digest, u64), HashError>
where
    P: FnMut(u64, Option<u64>) -> Flow,
{
    let file = File::open(path).map_err(|source| HashError::Open {
        path: path.to_path_buf(),
        source,
    })?;
    let meta = file.metadata().map_err(|source| HashError::Open {
        path: path.to_path_buf(),
        source,
    })?;
    if meta.is_dir() {
        return Err(HashError::IsDirectory {
            path: path.to_path_buf(),
        });
    }
    let total = meta.is_file().then_some(meta.len());
    let mut buffer = vec![0u8; BUFFER_LEN];
    stream(file, total, &mut buffer, progress).map_err(|e| match e {
        Stop::Cancelled(done) => HashError::Cancelled { done },
        Stop::Read(done, source) => HashError::Read {
            path: Some(path.to_path_buf()),
            done,
            source,
        },
    })
}

enum Stop {
    Cancelled(u64),
    Read(u64, io::Error),
}

fn stream<R, P>(
    mut reader: R,
    total: Option<u64>,
    buffer: &mut [u8],
    mut progress: P,
) -> Result<(Digest, u64), Stop>
where
    R: Read,
    P: FnMut(u64, Option<u64>) -> Flow,
{
    let mut owned = Vec::new();
    let buffer = if buffer.is_empty() {
        owned.resize(BUFFER_LEN, 0);
        &mut owned[..]
    } else {
        buffer
    };
    let mut hasher = Sha256::new();
    let mut done: u64 = 0;
    if progress(done, total) == Flow::Cancel {
        return Err(Stop::Cancelled(done));
    }
    loop {
        // Fill the buffer (pipes hand over a few KiB per read) so progress
        // is reported at most once per buffer.
        let mut filled = 0;
        while filled < buffer.len() {
            match reader.read(&mut buffer[filled..]) {
                Ok(0) => break,
                Ok(n) => filled += n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => return Err(Stop::Read(done + filled as u64, e)),
            }
        }
        if filled == 0 {
            return Ok((hasher.finish(), done));
        }
        hasher.update(&buffer[..filled]);
        done += filled as u64;
        if progress(done, total) == Flow::Cancel {
            return Err(Stop::Cancelled(done));
        }
        if filled < buffer.len() {
            return Ok((hasher.finish(), done));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    const EMPTY: &str = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
    const ABC: &str = "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad";
    /// FIPS 180-2 two-block vector.
    const TWO_BLOCKS: &str = "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1";
    /// One million 'a' (FIPS 180-2).
    const MILLION_A: &str = "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0";

    fn never(_: u64, _: Option<u64>) -> Flow {
        Flow::Continue
    }

    #[test]
    fn known_vectors() {
        let cases: [(&[u8], &str); 3] = [
            (b"", EMPTY),
            (b"abc", ABC),
            (
                b"abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq",
                TWO_BLOCKS,
            ),
        ];
        for (input, hex) in cases {
            let (d, n) = sha256_reader(input, Some(input.len() as u64), never).unwrap();
            assert_eq!(d.to_hex(), hex);
            assert_eq!(n, input.len() as u64);
            assert_eq!(Digest::of(input).to_hex(), hex);
        }
        let million = vec![b'a'; 1_000_000];
        let (d, n) = sha256_reader(&million[..], None, never).unwrap();
        assert_eq!((d.to_hex().as_str(), n), (MILLION_A, 1_000_000));
    }

    #[test]
    fn buffer_size_does_not_change_the_digest() {
        let data: Vec<u8> = (0..700_001u32).map(|i| (i * 31 % 251) as u8).collect();
        let expected = Digest::of(&data);
        for len in [1usize, 63, 64, 65, 4096, BUFFER_LEN, 1 << 20] {
            let mut buf = vec![0; len];
            let (d, n) = sha256_reader_with_buffer(&data[..], None, &mut buf, never).unwrap();
            assert_eq!((d, n), (expected, data.len() as u64), "buffer {len}");
        }
        // Reads that return a few bytes at a time, as pipes do.
        struct Trickle<'a>(&'a [u8]);
        impl Read for Trickle<'_> {
            fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
                let n = self.0.len().min(out.len()).min(7);
                out[..n].copy_from_slice(&self.0[..n]);
                self.0 = &self.0[n..];
                Ok(n)
            }
        }
        let (d, _) = sha256_reader(Trickle(&data), None, never).unwrap();
        assert_eq!(d, expected);
    }

    #[test]
    fn hex_round_trip_and_rejects() {
        let d = Digest::from_hex(ABC).unwrap();
        assert_eq!(d.to_hex(), ABC);
        assert_eq!(Digest::from_hex(&ABC.to_uppercase()).unwrap(), d);
        assert_eq!(ABC.parse::<Digest>().unwrap(), d);
        assert_eq!(format!("{d}"), ABC);
        assert_eq!(format!("{d:?}"), format!("Digest({ABC})"));
        assert_eq!(Digest::from_hex(""), Err(DigestError::Length(0)));
        assert_eq!(Digest::from_hex(&ABC[1..]), Err(DigestError::Length(63)));
        let mut bad = ABC.to_string();
        bad.replace_range(10..11, "g");
        assert_eq!(Digest::from_hex(&bad), Err(DigestError::NotHex(10)));
        // Multi-byte characters never panic (byte length counts).
        let odd = "é".repeat(32);
        assert!(Digest::from_hex(&odd).is_err());
        let e = DigestError::NotHex(3).to_string();
        assert!(e.contains("không phải hex") && e.contains("non-hex"), "{e}");
        let json = serde_json::to_string(&d).unwrap();
        assert_eq!(json, format!("\"{ABC}\""));
        assert_eq!(serde_json::from_str::<Digest>(&json).unwrap(), d);
        assert!(serde_json::from_str::<Digest>("\"abc\"").is_err());
    }

    #[test]
    fn progress_is_monotonic_bounded_and_ends_at_the_size() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("scan.bin");
        let size = 3 * BUFFER_LEN as u64 + 12_345;
        let mut f = File::create(&path).unwrap();
        let chunk: Vec<u8> = (0..size).map(|i| (i % 253) as u8).collect();
        f.write_all(&chunk).unwrap();
        drop(f);
        let mut calls = Vec::new();
        let (d, n) = sha256_file(&path, |done, total| {
            calls.push((done, total));
            Flow::Continue
        })
        .unwrap();
        assert_eq!(n, size);
        assert_eq!(d, Digest::of(&chunk));
        assert!(calls.iter().all(|&(_, t)| t == Some(size)));
        assert!(calls.windows(2).all(|w| w[0].0 < w[1].0), "{calls:?}");
        assert_eq!(calls.first().map(|c| c.0), Some(0));
        assert_eq!(calls.last().map(|c| c.0), Some(size));
        // Once before reading, once per buffer.
        assert_eq!(calls.len(), 1 + 4);

        let empty = dir.path().join("empty");
        File::create(&empty).unwrap();
        let mut calls = Vec::new();
        let (d, n) = sha256_file(&empty, |done, total| {
            calls.push((done, total));
            Flow::Continue
        })
        .unwrap();
        assert_eq!((d.to_hex().as_str(), n), (EMPTY, 0));
        assert_eq!(calls, vec![(0, Some(0))]);
    }

    #[test]
    fn cancellation_is_typed_and_stops_reading() {
        struct Endless(u64);
        impl Read for Endless {
            fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
                self.0 += out.len() as u64;
                out.fill(7);
                Ok(out.len())
            }
        }
        let mut source = Endless(0);
        let r = sha256_reader(&mut source, None, |done, _| {
            if done >= 2 * BUFFER_LEN as u64 {
                Flow::Cancel
            } else {
                Flow::Continue
            }
        });
        match r {
            Err(e @ HashError::Cancelled { done }) => {
                assert_eq!(done, 2 * BUFFER_LEN as u64);
                assert_eq!(e.code(), "cancelled");
                assert!(e.to_string().contains("đã huỷ"), "{e}");
                assert!(e.to_string().contains("cancelled"), "{e}");
            }
            other => panic!("expected Cancelled, got {other:?}"),
        }
        assert_eq!(source.0, 2 * BUFFER_LEN as u64);
        // Cancel before any read.
        let r = sha256_reader(&b"abc"[..], Some(3), |_, _| Flow::Cancel);
        assert!(matches!(r, Err(HashError::Cancelled { done: 0 })));
    }

    #[test]
    fn io_errors_name_the_path_and_never_the_contents() {
        let dir = tempfile::tempdir().unwrap();
        let missing = dir.path().join("giấy khai sinh.pdf");
        let e = sha256_file(&missing, never).unwrap_err();
        assert_eq!(e.code(), "not_found");
        assert_eq!(e.path(), Some(missing.as_path()));
        let msg = e.to_string();
        assert!(msg.contains("không tìm thấy tệp"), "{msg}");
        assert!(msg.contains("no such file"), "{msg}");
        assert!(msg.contains("giấy khai sinh.pdf"), "{msg}");

        let e = sha256_file(dir.path(), never).unwrap_err();
        assert_eq!(e.code(), "is_directory");

        struct Failing(bool);
        impl Read for Failing {
            fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
                if self.0 {
                    return Err(io::Error::other("disk on fire"));
                }
                self.0 = true;
                out[..6].copy_from_slice(b"SECRET");
                Ok(6)
            }
        }
        let e = sha256_reader(Failing(false), None, never).unwrap_err();
        assert_eq!(e.code(), "io");
        let msg = e.to_string();
        assert!(matches!(e, HashError::Read { done: 6, .. }), "{msg}");
        assert!(
            msg.contains("disk on fire") && !msg.contains("SECRET"),
            "{msg}"
        );
    }

    #[test]
    fn interrupted_reads_are_retried() {
        struct Flaky(u8, &'static [u8]);
        impl Read for Flaky {
            fn read(&mut self, out: &mut [u8]) -> io::Result<usize> {
                self.0 += 1;
                if self.0 % 2 == 1 {
                    return Err(io::ErrorKind::Interrupted.into());
                }
                let n = self.1.len().min(out.len()).min(1);
                out[..n].copy_from_slice(&self.1[..n]);
                self.1 = &self.1[n..];
                Ok(n)
            }
        }
        let (d, n) = sha256_reader(Flaky(0, b"abc"), None, never).unwrap();
        assert_eq!((d.to_hex().as_str(), n), (ABC, 3));
    }
}
