//! One catalog version as one file (`<version:020>.hcat`): its procedures as
//! the canonical JSON bytes the content hash is taken over
//! (`serde_json::to_vec`, as `bundle::content_hash` does), in the bundle's
//! order, grouped into zstd-compressed blocks, and a table saying where each
//! procedure is. Reading one procedure is a binary search in the table, one
//! block read, checked and decompressed, and one JSON parse; reading them all
//! streams the blocks and re-verifies the content hash without serialising
//! anything again. Blocks are independent zstd frames named by their
//! checksum, so a later delta can copy unchanged blocks as they are.
//!
//! Layout (integers little-endian):
//!
//! ```text
//! 0   magic "HOSOCAT\0"
//! 8   format version (u32) = 1, then 4 zero bytes
//! 16  table offset (u64), table length (u64)
//! 32  SHA-256 of the table
//! 64  block 0, block 1, … (each one zstd frame)
//! …   the search entries (postcard, one zstd frame)
//! …   the table (postcard): version, content hash, created at, blocks
//!     (offset, compressed length, raw length, SHA-256 of the compressed
//!     and of the raw bytes), procedures sorted by code (code, block, offset, length), the
//!     entries' place and the fingerprint of the code that derived them
//! ```
//!
//! The search entries are derived data kept to build the search index
//! without parsing every procedure; they are used only by a build with the
//! same fingerprint (`entry::FINGERPRINT`), else derived again.
//!
//! The file is on disk, so it is read as hostile: every length is checked
//! against the file's size and the caps below with checked arithmetic, the
//! table and each block are checked against their SHA-256 before they are
//! used, and whatever fails is `CatalogError::Damaged`, never a panic.

use super::error::CatalogError;
use crate::catalog::bundle::{Bundle, BundleInfo};
use crate::catalog::entry::FINGERPRINT;
use crate::catalog::{Procedure, SearchEntry};
use crate::limits;
use serde::{Deserialize, Serialize};
use std::fs::File;
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

const MAGIC: &[u8; 8] = b"HOSOCAT\0";
/// The file format this build reads and writes.
const FORMAT: u32 = 1;
const HEADER_LEN: u64 = 64;

/// Blocks hold about 128 KiB of JSON (measured on the national catalog:
/// at level 9 it keeps in 2.2 MB, and one block decompresses in about a
/// tenth of a millisecond; see ADR 0016). Where a block ends depends on the
/// procedure codes, not on the sizes before them: once it holds
/// `BLOCK_MIN`, it closes after a procedure whose code hashes to a multiple
/// of `BLOCK_CUT`, and at the latest once it holds `BLOCK_MAX`. A procedure
/// that changes between versions thus changes its own block, and the others
/// stay byte for byte the same (a delta can copy them).
const BLOCK_MIN: usize = 64 * 1024;
const BLOCK_CUT: u64 = 8;
const BLOCK_MAX: usize = 256 * 1024;
const LEVEL: i32 = 9;

/// The largest raw block: just under the maximum, plus the largest procedure.
const BLOCK_RAW_MAX: u64 = BLOCK_MAX as u64 + limits::CATALOG_PROCEDURE_BYTES;
/// zstd's worst case for that (incompressible data grows by a few bytes per
/// 128 KiB), with room to spare.
const BLOCK_COMPRESSED_MAX: u64 = BLOCK_RAW_MAX + BLOCK_RAW_MAX / 64 + 4096;
/// The table of the largest catalog (50,000 procedures, 25,000 blocks) is
/// about 2 MB.
const TABLE_BYTES_MAX: u64 = 16 * 1024 * 1024;
/// Procedure codes are short (`1.004222`); anything longer is not one.
const CODE_BYTES_MAX: usize = 256;
/// The national catalog's entries are 1.4 MB; 50,000 procedures' about 30.
const ENTRIES_RAW_MAX: u64 = 128 * 1024 * 1024;
const ENTRIES_LEVEL: i32 = 3;

#[derive(Serialize, Deserialize)]
struct Table {
    version: u64,
    content_hash: String,
    created_at: u64,
    blocks: Vec<BlockRef>,
    /// Sorted by code; the bundle's order is (block, offset).
    procedures: Vec<ProcRef>,
    entries: EntriesRef,
}

/// Where the search entries are, and what derived them.
#[derive(Serialize, Deserialize, Clone)]
struct EntriesRef {
    offset: u64,
    compressed: u32,
    raw: u32,
    sha256: [u8; 32],
    fingerprint: String,
}

#[derive(Serialize, Deserialize, Clone)]
struct BlockRef {
    offset: u64,
    compressed: u32,
    raw: u32,
    /// Of the compressed bytes (checked on every read).
    sha256: [u8; 32],
    /// Of the raw bytes: the same procedures in another version's file
    /// have the same, so its compressed bytes can be reused.
    raw_sha256: [u8; 32],
}

#[derive(Serialize, Deserialize)]
struct ProcRef {
    code: String,
    block: u32,
    offset: u32,
    len: u32,
}

/// What `write` or a [`Writer`] wrote.
pub(crate) struct Written {
    /// The content hash of the procedures written, for the caller to
    /// compare with the one declared.
    pub(crate) content_hash: String,
    /// How many procedures were written.
    pub(crate) procedures: usize,
    /// Blocks written, and of them copied compressed from the file given
    /// to reuse (read by the tests).
    #[cfg_attr(not(test), allow(dead_code))]
    pub(crate) blocks: usize,
    #[cfg_attr(not(test), allow(dead_code))]
    pub(crate) reused: usize,
    /// The blocks compressed here rather than copied (a read-back after a
    /// delta decompresses these).
    pub(crate) fresh: Vec<u32>,
}

/// Writes `bundle` into `out` (an empty file). A block whose procedures are
/// byte for byte a block of `reuse` (the version installed before) is copied
/// from it as it is, checked, instead of being compressed again.
pub(crate) fn write(
    bundle: &Bundle,
    out: &mut File,
    reuse: Option<&VersionFile>,
) -> std::io::Result<Written> {
    let mut writer = Writer::new(out, reuse)?;
    for p in &bundle.procedures {
        writer.push(&p.code, &serde_json::to_vec(p)?, None)?;
    }
    let entries: Vec<SearchEntry> = bundle.procedures.iter().map(SearchEntry::from).collect();
    writer.finish(&bundle.info, &entries)
}

/// Writes a version file procedure by procedure (their canonical JSON, in
/// the bundle's order), closing blocks where the codes say. A block is
/// copied compressed from `reuse` instead of compressed again when its raw
/// bytes are one of `reuse`'s blocks: known without hashing them when its
/// procedures were pushed as that block's bytes, start to end (what a
/// delta applied to `reuse` does), else by the raw bytes' SHA-256.
pub(crate) struct Writer<'a> {
    out: std::io::BufWriter<&'a mut File>,
    reuse: Option<&'a VersionFile>,
    /// `reuse`'s blocks by the SHA-256 of their raw bytes.
    reusable: std::collections::HashMap<[u8; 32], u32>,
    /// `reuse`'s block last handed over (its index and compressed bytes,
    /// checked), copied without reading it again.
    held: Option<(u32, Vec<u8>)>,
    hash: ring::digest::Context,
    blocks: Vec<BlockRef>,
    procedures: Vec<ProcRef>,
    /// The block being filled.
    raw: Vec<u8>,
    /// The block of `reuse` whose bytes, from its start, the block being
    /// filled is so far.
    same: Option<u32>,
    /// Blocks closed and not yet written, in order.
    queue: std::collections::VecDeque<Queued>,
    /// The thread compressing blocks, started with the first one to
    /// compress.
    compressor: Option<Compressor>,
    offset: u64,
    reused: usize,
    fresh: Vec<u32>,
}

/// A block closed, waiting to be written.
struct Queued {
    raw: u32,
    raw_sha256: [u8; 32],
    /// `None` while the worker compresses it.
    compressed: Option<Vec<u8>>,
}

/// A thread that compresses blocks (level [`LEVEL`]) in the order they
/// are sent, while the writer goes on hashing and copying: a delta's
/// touched blocks and an install's blocks cost no time of their own on a
/// second core. At most two blocks wait for it; it stops when the writer
/// drops its end.
struct Compressor {
    jobs: std::sync::mpsc::SyncSender<Vec<u8>>,
    done: std::sync::mpsc::Receiver<std::io::Result<Vec<u8>>>,
}

impl Compressor {
    fn start() -> std::io::Result<Compressor> {
        let (jobs, todo) = std::sync::mpsc::sync_channel::<Vec<u8>>(2);
        let (finished, done) = std::sync::mpsc::channel();
        std::thread::Builder::new()
            .name("hoso-catalog-zstd".into())
            .spawn(move || {
                for raw in todo {
                    if finished.send(zstd::bulk::compress(&raw, LEVEL)).is_err() {
                        break;
                    }
                }
            })?;
        Ok(Compressor { jobs, done })
    }

    fn send(&self, raw: Vec<u8>) -> std::io::Result<()> {
        self.jobs
            .send(raw)
            .map_err(|_| std::io::Error::other("the compressing thread stopped"))
    }

    /// The next block compressed; waits for it when `wait`, else `None`
    /// until it is done.
    fn receive(&self, wait: bool) -> std::io::Result<Option<Vec<u8>>> {
        let stopped = || std::io::Error::other("the compressing thread stopped");
        if wait {
            return self.done.recv().map_err(|_| stopped())?.map(Some);
        }
        match self.done.try_recv() {
            Ok(result) => result.map(Some),
            Err(std::sync::mpsc::TryRecvError::Empty) => Ok(None),
            Err(std::sync::mpsc::TryRecvError::Disconnected) => Err(stopped()),
        }
    }
}

impl<'a> Writer<'a> {
    /// Starts the file (its header is written last).
    pub(crate) fn new(out: &'a mut File, reuse: Option<&'a VersionFile>) -> std::io::Result<Self> {
        let reusable = reuse
            .map(|old| {
                (0u32..)
                    .zip(&old.blocks)
                    .map(|(i, b)| (b.raw_sha256, i))
                    .collect()
            })
            .unwrap_or_default();
        let mut out = std::io::BufWriter::new(out);
        out.write_all(&[0u8; HEADER_LEN as usize])?;
        Ok(Writer {
            out,
            reuse,
            reusable,
            held: None,
            hash: ring::digest::Context::new(&ring::digest::SHA256),
            blocks: Vec::new(),
            procedures: Vec::new(),
            raw: Vec::with_capacity(BLOCK_MAX + 64 * 1024),
            same: None,
            queue: std::collections::VecDeque::new(),
            compressor: None,
            offset: HEADER_LEN,
            reused: 0,
            fresh: Vec::new(),
        })
    }

    /// Hands over block `block` of `reuse` as read (compressed, checked),
    /// for a later copy of it.
    pub(crate) fn holding(&mut self, block: u32, compressed: Vec<u8>) {
        self.held = Some((block, compressed));
    }

    /// Adds the next procedure: `code` and its canonical JSON; `from` is
    /// where these very bytes are in `reuse` (block, offset), if they are
    /// copied from it.
    pub(crate) fn push(
        &mut self,
        code: &str,
        json: &[u8],
        from: Option<(u32, u32)>,
    ) -> std::io::Result<()> {
        self.hash.update(json);
        self.hash.update(b"\n");
        let start = self.raw.len();
        self.same = match (from, self.same) {
            (Some((block, 0)), _) if start == 0 => Some(block),
            (Some((block, at)), Some(same)) if block == same && at as usize == start => Some(same),
            _ => None,
        };
        self.procedures.push(ProcRef {
            code: code.to_string(),
            block: u32_of(self.blocks.len() + self.queue.len())?,
            offset: u32_of(start)?,
            len: u32_of(json.len())?,
        });
        self.raw.extend_from_slice(json);
        if self.raw.len() >= BLOCK_MAX || (self.raw.len() >= BLOCK_MIN && cut_after(code)) {
            self.flush()?;
        }
        Ok(())
    }

    /// Closes the block being filled: copied from `reuse` when it is one of
    /// its blocks, else compressed (by the worker thread when there is
    /// one); then writes out the blocks ready, in order.
    fn flush(&mut self) -> std::io::Result<()> {
        if self.raw.is_empty() {
            return Ok(());
        }
        let index = u32_of(self.blocks.len() + self.queue.len())?;
        let old = self.reuse;
        // The same bytes as a block of `reuse`, start to end.
        let same = self.same.take().and_then(|i| {
            let b = old?.blocks.get(i as usize)?;
            (b.raw as usize == self.raw.len()).then_some((i, b.raw_sha256))
        });
        let (raw_sha256, from) = match same {
            Some((i, raw_sha256)) => (raw_sha256, Some(i)),
            None => {
                let raw_sha256 = sha256(&self.raw);
                (raw_sha256, self.reusable.get(&raw_sha256).copied())
            }
        };
        let copied = match (old, from) {
            (Some(old), Some(i)) => match self.held.take_if(|(held, _)| *held == i) {
                Some((_, bytes)) => Some(bytes),
                None => old.compressed_block(i).ok(),
            },
            _ => None,
        };
        let raw = u32_of(self.raw.len())?;
        let compressed = match copied {
            Some(bytes) => {
                self.reused += 1;
                Some(bytes)
            }
            None => {
                self.fresh.push(index);
                if self.compressor.is_none() {
                    // Without a thread, compressed here.
                    self.compressor = Compressor::start().ok();
                }
                match &self.compressor {
                    Some(compressor) => {
                        let next = Vec::with_capacity(self.raw.capacity());
                        compressor.send(std::mem::replace(&mut self.raw, next))?;
                        None
                    }
                    None => Some(zstd::bulk::compress(&self.raw, LEVEL)?),
                }
            }
        };
        self.queue.push_back(Queued {
            raw,
            raw_sha256,
            compressed,
        });
        self.raw.clear();
        self.write_ready(false)
    }

    /// Writes out the queued blocks whose compressed bytes are ready, in
    /// order; with `all`, waits for the worker to finish each.
    fn write_ready(&mut self, all: bool) -> std::io::Result<()> {
        loop {
            let Some(front) = self.queue.front_mut() else {
                return Ok(());
            };
            if front.compressed.is_none() {
                let Some(compressor) = &self.compressor else {
                    return Err(std::io::Error::other("a block without its compression"));
                };
                // One worker, blocks in order: its next result is the
                // first block waiting.
                match compressor.receive(all)? {
                    Some(bytes) => front.compressed = Some(bytes),
                    None => return Ok(()),
                }
            }
            let Some(Queued {
                raw,
                raw_sha256,
                compressed: Some(compressed),
            }) = self.queue.pop_front()
            else {
                return Err(std::io::Error::other("a block without its compression"));
            };
            self.out.write_all(&compressed)?;
            self.blocks.push(BlockRef {
                offset: self.offset,
                compressed: u32_of(compressed.len())?,
                raw,
                sha256: sha256(&compressed),
                raw_sha256,
            });
            self.offset = self
                .offset
                .checked_add(compressed.len() as u64)
                .ok_or_else(|| std::io::Error::other("catalog file too large"))?;
        }
    }

    /// Closes the last block, writes the search `entries` (one per
    /// procedure, in the same order), the table naming the version `info`
    /// (its content hash as declared) and the header.
    pub(crate) fn finish(
        mut self,
        info: &BundleInfo,
        entries: &[SearchEntry],
    ) -> std::io::Result<Written> {
        self.flush()?;
        self.write_ready(true)?;
        let derived = postcard::to_stdvec(entries).map_err(std::io::Error::other)?;
        let compressed = zstd::bulk::compress(&derived, ENTRIES_LEVEL)?;
        self.out.write_all(&compressed)?;
        let entries = EntriesRef {
            offset: self.offset,
            compressed: u32_of(compressed.len())?,
            raw: u32_of(derived.len())?,
            sha256: sha256(&compressed),
            fingerprint: FINGERPRINT.to_string(),
        };
        let offset = self
            .offset
            .checked_add(compressed.len() as u64)
            .ok_or_else(|| std::io::Error::other("catalog file too large"))?;
        let count = self.procedures.len();
        let mut procedures = self.procedures;
        // Stable: equal codes keep the bundle's order.
        procedures.sort_by(|a, b| a.code.cmp(&b.code));
        let table = Table {
            version: info.version,
            content_hash: info.content_hash.clone(),
            created_at: info.created_at,
            blocks: self.blocks,
            procedures,
            entries,
        };
        let table_blocks = table.blocks.len();
        let table = postcard::to_stdvec(&table).map_err(std::io::Error::other)?;
        self.out.write_all(&table)?;
        let mut header = [0u8; HEADER_LEN as usize];
        header[..8].copy_from_slice(MAGIC);
        header[8..12].copy_from_slice(&FORMAT.to_le_bytes());
        header[16..24].copy_from_slice(&offset.to_le_bytes());
        header[24..32].copy_from_slice(&(table.len() as u64).to_le_bytes());
        header[32..64].copy_from_slice(&sha256(&table));
        self.out.seek(SeekFrom::Start(0))?;
        self.out.write_all(&header)?;
        self.out.flush()?;
        Ok(Written {
            content_hash: crate::hex::encode(self.hash.finish().as_ref()),
            procedures: count,
            blocks: table_blocks,
            reused: self.reused,
            fresh: self.fresh,
        })
    }
}

/// Whether a block may end after the procedure `code` (FNV-1a: stable
/// across builds and platforms).
fn cut_after(code: &str) -> bool {
    let hash = code.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3)
    });
    // The high bits: FNV mixes them best.
    (hash >> 40) % BLOCK_CUT == 0
}

fn u32_of(n: usize) -> std::io::Result<u32> {
    u32::try_from(n).map_err(|_| std::io::Error::other("catalog file part too large"))
}

fn sha256(bytes: &[u8]) -> [u8; 32] {
    let digest = ring::digest::digest(&ring::digest::SHA256, bytes);
    let mut out = [0u8; 32];
    out.copy_from_slice(digest.as_ref());
    out
}

/// An opened, checked catalog file: its identity and table in memory, its
/// blocks read on demand.
pub(crate) struct VersionFile {
    path: PathBuf,
    file: Mutex<File>,
    info: BundleInfo,
    blocks: Vec<BlockRef>,
    /// Sorted by code.
    procedures: Vec<ProcRef>,
    /// Indexes into `procedures` in the bundle's order.
    order: Vec<u32>,
    entries: EntriesRef,
}

/// What [`VersionFile::walk`] gives, in the file's order.
pub(crate) enum Stored<'a> {
    /// A block as stored (checked), before its procedures.
    Block { index: u32, compressed: Vec<u8> },
    /// A procedure's canonical JSON as stored, and where it is (block,
    /// offset in the block's raw bytes).
    Procedure {
        code: &'a str,
        json: &'a [u8],
        from: (u32, u32),
    },
}

/// What the file reads are named in limit errors.
const WHAT: limits::What = limits::What {
    vi: "tệp danh mục",
    en: "the catalog file",
};

impl VersionFile {
    /// Opens `path` and checks its header and table (not yet its blocks).
    pub(crate) fn open(path: &Path) -> Result<VersionFile, CatalogError> {
        let damaged = |what: &str, reason: String| CatalogError::damaged_file(path, what, reason);
        let mut file = match limits::open_regular(path, WHAT) {
            Ok(file) => file,
            Err(limits::LimitError::Io { source, .. })
                if source.kind() == std::io::ErrorKind::NotFound =>
            {
                return Err(damaged("file", "missing".into()))
            }
            Err(limits::LimitError::Io { source, .. }) => {
                return Err(CatalogError::file_io(path, &source))
            }
            Err(other) => return Err(damaged("file", other.to_string())),
        };
        let io = |e: std::io::Error| CatalogError::file_io(path, &e);
        let size = file.metadata().map_err(io)?.len();
        if size < HEADER_LEN {
            return Err(damaged(
                "header",
                format!("{size} bytes, shorter than a header"),
            ));
        }
        let mut header = [0u8; HEADER_LEN as usize];
        file.read_exact(&mut header).map_err(io)?;
        if &header[..8] != MAGIC {
            return Err(damaged("header", "not a hoso catalog file".into()));
        }
        let format = u32::from_le_bytes(field(&header, 8));
        if format != FORMAT || header[12..16] != [0; 4] {
            return Err(damaged(
                "header",
                format!("format {format}, this build reads {FORMAT}"),
            ));
        }
        let table_at = u64::from_le_bytes(field(&header, 16));
        let table_len = u64::from_le_bytes(field(&header, 24));
        if table_len > TABLE_BYTES_MAX
            || table_at < HEADER_LEN
            || table_at.checked_add(table_len) != Some(size)
        {
            return Err(damaged(
                "header",
                format!("table of {table_len} bytes at {table_at} in a file of {size}"),
            ));
        }
        file.seek(SeekFrom::Start(table_at)).map_err(io)?;
        let mut table = Vec::new();
        limits::read_bounded_into(&mut file, table_len, WHAT, &mut table)
            .map_err(|e| damaged("table", e.to_string()))?;
        if table.len() as u64 != table_len {
            return Err(damaged("table", "cut short".into()));
        }
        if sha256(&table) != header[32..64] {
            return Err(damaged("table", "checksum mismatch".into()));
        }
        let (table, rest) = postcard::take_from_bytes::<Table>(&table)
            .map_err(|e| damaged("table", e.to_string()))?;
        if !rest.is_empty() {
            return Err(damaged("table", "trailing bytes".into()));
        }
        let order = check(&table, table_at).map_err(|reason| damaged("table", reason))?;
        Ok(VersionFile {
            path: path.to_path_buf(),
            file: Mutex::new(file),
            info: BundleInfo {
                version: table.version,
                content_hash: table.content_hash,
                procedure_count: table.procedures.len(),
                created_at: table.created_at,
            },
            blocks: table.blocks,
            procedures: table.procedures,
            order,
            entries: table.entries,
        })
    }

    pub(crate) fn info(&self) -> &BundleInfo {
        &self.info
    }

    /// The procedure with `code`, if the file has one.
    pub(crate) fn procedure(&self, code: &str) -> Result<Option<Procedure>, CatalogError> {
        let at = self.procedures.partition_point(|p| p.code.as_str() < code);
        let Some(entry) = self.procedures.get(at).filter(|p| p.code == code) else {
            return Ok(None);
        };
        let block = self.block(entry.block)?;
        let json = slice(&block, entry).ok_or_else(|| self.damaged_block(entry.block, "range"))?;
        self.parse(json).map(Some)
    }

    /// Calls `visit` with each procedure's canonical JSON, in the bundle's
    /// order, then checks that they hash to the file's content hash.
    pub(crate) fn for_each_json(
        &self,
        visit: &mut dyn FnMut(&[u8]) -> Result<(), CatalogError>,
    ) -> Result<(), CatalogError> {
        let mut hash = ring::digest::Context::new(&ring::digest::SHA256);
        let mut at = 0usize;
        for (i, _) in self.blocks.iter().enumerate() {
            let i = i as u32;
            let block = self.block(i)?;
            while let Some(entry) = self
                .order
                .get(at)
                .and_then(|&p| self.procedures.get(p as usize))
                .filter(|p| p.block == i)
            {
                let json = slice(&block, entry).ok_or_else(|| self.damaged_block(i, "range"))?;
                hash.update(json);
                hash.update(b"\n");
                visit(json)?;
                at += 1;
            }
        }
        let actual = crate::hex::encode(hash.finish().as_ref());
        if actual != self.info.content_hash {
            return Err(CatalogError::damaged_file(
                &self.path,
                "content",
                format!(
                    "content hashes to {actual}, the file declares {}",
                    self.info.content_hash
                ),
            ));
        }
        Ok(())
    }

    /// Every procedure in the bundle's order, the content hash verified.
    pub(crate) fn procedures(&self) -> Result<Vec<Procedure>, CatalogError> {
        let mut out = Vec::with_capacity(self.procedures.len());
        self.for_each_json(&mut |json| {
            out.push(self.parse(json)?);
            Ok(())
        })?;
        Ok(out)
    }

    /// Reads every block and checks the content hash (after writing, before
    /// the file is made current).
    pub(crate) fn verify(&self) -> Result<(), CatalogError> {
        self.for_each_json(&mut |_| Ok(()))
    }

    /// Whether the bundle's order is code order, each code once (what a
    /// delta is merged with in place).
    pub(crate) fn in_code_order(&self) -> bool {
        self.order.iter().zip(0u32..).all(|(&at, i)| at == i)
            && self.procedures.windows(2).all(|w| w[0].code < w[1].code)
    }

    /// Walks the stored procedures in the bundle's order without parsing
    /// them: for each block, first [`Stored::Block`] with its compressed
    /// bytes (checked against the table), then [`Stored::Procedure`] for
    /// each procedure in it. Unlike [`VersionFile::for_each_json`] the
    /// content hash is not checked here: the caller hashes what it makes.
    pub(crate) fn walk<E: From<CatalogError>>(
        &self,
        visit: &mut dyn FnMut(Stored<'_>) -> Result<(), E>,
    ) -> Result<(), E> {
        let mut at = 0usize;
        for (i, _) in (0u32..).zip(&self.blocks) {
            let compressed = self.compressed_block(i)?;
            let block = self.decompress(i, &compressed)?;
            visit(Stored::Block {
                index: i,
                compressed,
            })?;
            while let Some(entry) = self
                .order
                .get(at)
                .and_then(|&p| self.procedures.get(p as usize))
                .filter(|p| p.block == i)
            {
                let json = slice(&block, entry).ok_or_else(|| self.damaged_block(i, "range"))?;
                visit(Stored::Procedure {
                    code: &entry.code,
                    json,
                    from: (i, entry.offset),
                })?;
                at += 1;
            }
        }
        Ok(())
    }

    /// The read-back of a file written from another one (a delta applied
    /// in place), before it can become current: the header and table were
    /// checked on open, the table must name `info`; every block and the
    /// search entries are read
    /// and checked against the table's SHA-256, and the blocks in `fresh`
    /// (compressed by the writer, not copied) are decompressed and checked
    /// against the SHA-256 of their raw bytes. A copied block is the very
    /// compressed bytes whose raw bytes the writer hashed into the content
    /// hash, so its checksum is enough to know it whole.
    pub(crate) fn verify_stored(
        &self,
        info: &BundleInfo,
        fresh: &[u32],
    ) -> Result<(), CatalogError> {
        if &self.info != info {
            return Err(CatalogError::damaged_file(
                &self.path,
                "table",
                format!("names version {}, not the one written", self.info.version),
            ));
        }
        for (i, _) in (0u32..).zip(&self.blocks) {
            let compressed = self.compressed_block(i)?;
            if fresh.contains(&i) {
                let raw = self.decompress(i, &compressed)?;
                let expected = self.blocks.get(i as usize).map(|b| b.raw_sha256);
                if Some(sha256(&raw)) != expected {
                    return Err(self.damaged_block(i, "raw checksum mismatch"));
                }
            }
        }
        let e = &self.entries;
        let damaged = |reason: &str| CatalogError::damaged_file(&self.path, "entries", reason);
        let compressed = self.read_at(e.offset, e.compressed, || damaged("cut short"))?;
        if sha256(&compressed) != e.sha256 {
            return Err(damaged("checksum mismatch"));
        }
        Ok(())
    }

    /// The search entries kept in the file, in the bundle's order, if the
    /// code that derived them is this build's; `None` when they are to be
    /// derived again.
    pub(crate) fn search_entries(&self) -> Result<Option<Vec<SearchEntry>>, CatalogError> {
        let e = &self.entries;
        if e.fingerprint != FINGERPRINT {
            return Ok(None);
        }
        let damaged = |reason: &str| CatalogError::damaged_file(&self.path, "entries", reason);
        let compressed = self.read_at(e.offset, e.compressed, || damaged("cut short"))?;
        if sha256(&compressed) != e.sha256 {
            return Err(damaged("checksum mismatch"));
        }
        let raw = zstd::bulk::decompress(&compressed, e.raw as usize)
            .map_err(|err| damaged(&err.to_string()))?;
        let (entries, rest) = postcard::take_from_bytes::<Vec<SearchEntry>>(&raw)
            .map_err(|err| damaged(&err.to_string()))?;
        if raw.len() != e.raw as usize || !rest.is_empty() || entries.len() != self.procedures.len()
        {
            return Err(damaged("another length"));
        }
        Ok(Some(entries))
    }

    pub(crate) fn parse(&self, json: &[u8]) -> Result<Procedure, CatalogError> {
        serde_json::from_slice(json).map_err(|e| {
            CatalogError::damaged_file(
                &self.path,
                "procedure",
                crate::storage::json_error_reason(&e),
            )
        })
    }

    fn damaged_block(&self, i: u32, reason: &str) -> CatalogError {
        CatalogError::damaged_file(&self.path, format_args!("block {i}"), reason)
    }

    /// Block `i` as stored, read and checked against its checksum.
    fn compressed_block(&self, i: u32) -> Result<Vec<u8>, CatalogError> {
        let b = self
            .blocks
            .get(i as usize)
            .ok_or_else(|| self.damaged_block(i, "no such block"))?;
        let compressed = self.read_at(b.offset, b.compressed, || {
            self.damaged_block(i, "cut short")
        })?;
        if sha256(&compressed) != b.sha256 {
            return Err(self.damaged_block(i, "checksum mismatch"));
        }
        Ok(compressed)
    }

    /// Block `i`, read, checked against its checksum and decompressed.
    fn block(&self, i: u32) -> Result<Vec<u8>, CatalogError> {
        let compressed = self.compressed_block(i)?;
        self.decompress(i, &compressed)
    }

    /// Block `i`'s `compressed` bytes (checked), decompressed to the
    /// length the table says.
    fn decompress(&self, i: u32, compressed: &[u8]) -> Result<Vec<u8>, CatalogError> {
        let b = self
            .blocks
            .get(i as usize)
            .ok_or_else(|| self.damaged_block(i, "no such block"))?;
        let raw = zstd::bulk::decompress(compressed, b.raw as usize)
            .map_err(|e| self.damaged_block(i, &e.to_string()))?;
        if raw.len() != b.raw as usize {
            return Err(self.damaged_block(i, "decompressed to another length"));
        }
        Ok(raw)
    }
}

#[cfg(test)]
impl VersionFile {
    /// The block holding `code`.
    pub(crate) fn block_of(&self, code: &str) -> Option<u32> {
        self.procedures
            .iter()
            .find(|p| p.code == code)
            .map(|p| p.block)
    }

    /// Each block's checksum (of its compressed bytes), in order.
    pub(crate) fn block_checksums(&self) -> Vec<[u8; 32]> {
        self.blocks.iter().map(|b| b.sha256).collect()
    }

    /// Where the search entries start.
    pub(crate) fn entries_offset(&self) -> u64 {
        self.entries.offset
    }
}

impl VersionFile {
    /// `len` bytes at `offset` (both checked against the file when it was
    /// opened); `short` when the file ends before them.
    fn read_at(
        &self,
        offset: u64,
        len: u32,
        short: impl Fn() -> CatalogError,
    ) -> Result<Vec<u8>, CatalogError> {
        let mut bytes = vec![0u8; len as usize];
        let mut file = self
            .file
            .lock()
            .unwrap_or_else(|poisoned| poisoned.into_inner());
        let io = |e: std::io::Error| CatalogError::file_io(&self.path, &e);
        file.seek(SeekFrom::Start(offset)).map_err(io)?;
        file.read_exact(&mut bytes).map_err(|e| {
            if e.kind() == std::io::ErrorKind::UnexpectedEof {
                short()
            } else {
                io(e)
            }
        })?;
        Ok(bytes)
    }
}

fn field<const N: usize>(header: &[u8; HEADER_LEN as usize], at: usize) -> [u8; N] {
    let mut out = [0u8; N];
    out.copy_from_slice(&header[at..at + N]);
    out
}

fn slice<'a>(block: &'a [u8], entry: &ProcRef) -> Option<&'a [u8]> {
    let start = entry.offset as usize;
    let end = start.checked_add(entry.len as usize)?;
    block.get(start..end)
}

/// Checks a decoded table against the file (blocks back to back from the
/// header to the table, within the caps) and itself (procedures sorted by
/// code, tiling every block exactly in the bundle's order); returns that
/// order.
fn check(table: &Table, table_at: u64) -> Result<Vec<u32>, String> {
    let count = table.procedures.len();
    if count > limits::CATALOG_PROCEDURES_MAX {
        return Err(format!("{count} procedures"));
    }
    if table.blocks.len() > count {
        return Err(format!(
            "{} blocks for {count} procedures",
            table.blocks.len()
        ));
    }
    let mut end = HEADER_LEN;
    for (i, b) in table.blocks.iter().enumerate() {
        if b.offset != end
            || u64::from(b.compressed) > BLOCK_COMPRESSED_MAX
            || u64::from(b.raw) > BLOCK_RAW_MAX
            || b.compressed == 0
            || b.raw == 0
        {
            return Err(format!("block {i} out of place or too large"));
        }
        end = end
            .checked_add(u64::from(b.compressed))
            .ok_or_else(|| format!("block {i} past the end"))?;
    }
    let e = &table.entries;
    if e.offset != end
        || u64::from(e.raw) > ENTRIES_RAW_MAX
        || u64::from(e.compressed) > ENTRIES_RAW_MAX
        || e.fingerprint.len() > CODE_BYTES_MAX
    {
        return Err("entries out of place or too large".into());
    }
    end = end
        .checked_add(u64::from(e.compressed))
        .ok_or("entries past the end")?;
    if end != table_at {
        return Err("blocks and entries do not reach the table".into());
    }
    for pair in table.procedures.windows(2) {
        if pair[0].code > pair[1].code {
            return Err("procedures out of order".into());
        }
    }
    for p in &table.procedures {
        if p.code.len() > CODE_BYTES_MAX
            || u64::from(p.len) > limits::CATALOG_PROCEDURE_BYTES
            || p.len == 0
        {
            return Err("a procedure out of bounds".into());
        }
    }
    let mut order: Vec<u32> = (0..count as u32).collect();
    order.sort_unstable_by_key(|&i| {
        let p = &table.procedures[i as usize];
        (p.block, p.offset)
    });
    // Tiling: each block's procedures start at 0 and follow each other
    // with no gap or overlap up to the block's raw length.
    let mut next = (0u32, 0u64);
    for &i in &order {
        let p = &table.procedures[i as usize];
        if p.block != next.0 {
            let full = table.blocks.get(next.0 as usize).map(|b| u64::from(b.raw));
            if p.block != next.0 + 1 || full != Some(next.1) {
                return Err(format!("block {} not tiled by its procedures", next.0));
            }
            next = (p.block, 0);
        }
        if u64::from(p.offset) != next.1 {
            return Err(format!("block {} not tiled by its procedures", p.block));
        }
        next.1 += u64::from(p.len);
    }
    let last_full = table.blocks.get(next.0 as usize).map(|b| u64::from(b.raw));
    let all_blocks = if count == 0 {
        table.blocks.is_empty()
    } else {
        next.0 as usize + 1 == table.blocks.len() && last_full == Some(next.1)
    };
    if !all_blocks {
        return Err("blocks not tiled by their procedures".into());
    }
    Ok(order)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::parse::parse_record;
    use crate::catalog::source::SourceRecord;

    fn catalog(version: u64, changed: &str) -> Bundle {
        let procedures = (0..400)
            .map(|i| {
                let code = format!("1.{i:06}");
                let mut p = parse_record(&SourceRecord {
                    ma_thu_tuc: code.clone(),
                    ten_thu_tuc: format!("Thủ tục {i}"),
                    ..Default::default()
                });
                let mut text = format!("{i} ").repeat(300);
                if code == changed {
                    text.push_str("đã sửa");
                }
                p.raw.insert("ghi_chu".into(), text);
                p
            })
            .collect();
        Bundle::new(version, procedures)
    }

    fn written(bundle: &Bundle, reuse: Option<&VersionFile>, path: &Path) -> Written {
        let mut file = File::create(path).unwrap();
        let written = write(bundle, &mut file, reuse).unwrap();
        assert_eq!(written.content_hash, bundle.info.content_hash);
        written
    }

    #[test]
    fn a_changed_procedure_changes_its_block_only_and_the_rest_is_copied() {
        let dir = tempfile::tempdir().unwrap();
        let (a, b) = (dir.path().join("a"), dir.path().join("b"));
        let first = written(&catalog(1, ""), None, &a);
        assert!(first.blocks > 4, "{} blocks", first.blocks);
        assert_eq!(first.reused, 0);
        let old = VersionFile::open(&a).unwrap();
        let next = catalog(2, "1.000200");
        let second = written(&next, Some(&old), &b);
        assert_eq!(second.blocks, first.blocks);
        assert_eq!(second.reused, first.blocks - 1);
        let new = VersionFile::open(&b).unwrap();
        new.verify().unwrap();
        assert_eq!(new.procedures().unwrap(), next.procedures);
    }

    /// Rewrites the table of the file at `path` through `change`, with a
    /// valid checksum (what a hostile writer can do), and opens it.
    fn forged(path: &Path, good: &[u8], change: impl Fn(&mut Table)) -> Result<(), CatalogError> {
        let table_at = u64::from_le_bytes(good[16..24].try_into().unwrap()) as usize;
        let mut table: Table = postcard::from_bytes(&good[table_at..]).unwrap();
        change(&mut table);
        let table = postcard::to_stdvec(&table).unwrap();
        let mut bytes = good[..table_at].to_vec();
        bytes[24..32].copy_from_slice(&(table.len() as u64).to_le_bytes());
        bytes[32..64].copy_from_slice(&sha256(&table));
        bytes.extend_from_slice(&table);
        std::fs::write(path, &bytes).unwrap();
        let file = VersionFile::open(path)?;
        file.verify()?;
        for p in &file.procedures {
            file.procedure(&p.code)?;
        }
        file.search_entries().map(|_| ())
    }

    #[test]
    fn a_forged_table_with_a_valid_checksum_is_still_refused() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a");
        written(&catalog(1, ""), None, &path);
        let good = std::fs::read(&path).unwrap();
        forged(&path, &good, |_| {}).unwrap();
        type Change = Box<dyn Fn(&mut Table)>;
        let cases: Vec<Change> = vec![
            Box::new(|t| t.blocks[1].raw = u32::MAX),
            Box::new(|t| t.blocks[1].raw += 1),
            Box::new(|t| t.blocks[1].compressed = u32::MAX),
            Box::new(|t| t.blocks[1].offset += 1),
            Box::new(|t| t.blocks[0].offset = u64::MAX),
            Box::new(|t| t.blocks[2].sha256[0] ^= 1),
            Box::new(|t| {
                t.blocks.pop();
            }),
            Box::new(|t| t.procedures[5].len = u32::MAX),
            Box::new(|t| t.procedures[5].len += 1),
            Box::new(|t| t.procedures[5].offset = u32::MAX - 2),
            Box::new(|t| t.procedures[5].block = u32::MAX),
            Box::new(|t| t.procedures.swap(3, 4)),
            Box::new(|t| {
                t.procedures.pop();
            }),
            Box::new(|t| t.procedures[0].code = "x".repeat(10_000)),
            Box::new(|t| t.entries.offset += 1),
            Box::new(|t| t.entries.raw = u32::MAX),
            Box::new(|t| t.entries.raw += 1),
            Box::new(|t| t.entries.sha256[0] ^= 1),
            Box::new(|t| t.content_hash.push('0')),
        ];
        for (i, change) in cases.into_iter().enumerate() {
            match forged(&path, &good, change) {
                Err(CatalogError::Damaged { .. }) => {}
                other => panic!("case {i}: {other:?}"),
            }
        }
    }

    #[test]
    fn blocks_end_where_the_codes_say_within_bounds() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("a");
        written(&catalog(1, ""), None, &path);
        let file = VersionFile::open(&path).unwrap();
        let (last, rest) = file.blocks.split_last().unwrap();
        for b in rest {
            assert!(b.raw as usize >= BLOCK_MIN, "{}", b.raw);
            assert!(u64::from(b.raw) <= BLOCK_RAW_MAX);
        }
        assert!(last.raw > 0);
    }
}
