//! The catalog file's format, written by `writer` and read by
//! `version_file`. One catalog version as one file (`<version:020>.hcat`): its procedures as
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
//! 8   format version (u32) = 2, then 4 zero bytes
//! 16  table offset (u64), table length (u64)
//! 32  SHA-256 of the table
//! 64  block 0, block 1, … (each one zstd frame)
//! …   the search entries (postcard, one zstd frame)
//! …   the data the catalog carries (ADR 0023), each item's bytes as they are
//! …   the table (postcard): version, content hash, created at, blocks
//!     (offset, compressed length, raw length, SHA-256 of the compressed
//!     and of the raw bytes), procedures sorted by code (code, block, offset, length), the
//!     entries' place and the fingerprint of the code that derived them,
//!     the data items sorted by name (name, offset, length, SHA-256)
//! ```
//!
//! Format 1, from before catalogs carried data, has no data items and no
//! `data` in its table; it is read as a catalog without data.
//!
//! The search entries are derived data kept to build the search index
//! without parsing every procedure; they are used only by a build with the
//! same fingerprint (`entry::FINGERPRINT`), else derived again.
//!
//! The file is on disk, so it is read as hostile: every length is checked
//! against the file's size and the caps below with checked arithmetic, the
//! table and each block are checked against their SHA-256 before they are
//! used, and whatever fails is `CatalogError::Damaged`, never a panic.

use crate::limits;
use serde::{Deserialize, Serialize};

pub(super) const MAGIC: &[u8; 8] = b"HOSOCAT\0";
/// The file format this build writes; it reads this one and
/// [`FORMAT_PLAIN`].
pub(super) const FORMAT: u32 = 2;
/// The format before data items.
pub(super) const FORMAT_PLAIN: u32 = 1;
pub(super) const HEADER_LEN: u64 = 64;

/// Blocks hold about 128 KiB of JSON (measured on the national catalog:
/// at level 9 it keeps in 2.2 MB, and one block decompresses in about a
/// tenth of a millisecond; see ADR 0016). Where a block ends depends on the
/// procedure codes, not on the sizes before them: once it holds
/// `BLOCK_MIN`, it closes after a procedure whose code hashes to a multiple
/// of `BLOCK_CUT`, and at the latest once it holds `BLOCK_MAX`. A procedure
/// that changes between versions thus changes its own block, and the others
/// stay byte for byte the same (a delta can copy them).
pub(super) const BLOCK_MIN: usize = 64 * 1024;
pub(super) const BLOCK_CUT: u64 = 8;
pub(super) const BLOCK_MAX: usize = 256 * 1024;
pub(super) const LEVEL: i32 = 9;

/// The largest raw block: just under the maximum, plus the largest procedure.
pub(super) const BLOCK_RAW_MAX: u64 = BLOCK_MAX as u64 + limits::CATALOG_PROCEDURE_BYTES;
/// zstd's worst case for that (incompressible data grows by a few bytes per
/// 128 KiB), with room to spare.
pub(super) const BLOCK_COMPRESSED_MAX: u64 = BLOCK_RAW_MAX + BLOCK_RAW_MAX / 64 + 4096;
/// The table of the largest catalog (50,000 procedures, 25,000 blocks) is
/// about 2 MB.
pub(super) const TABLE_BYTES_MAX: u64 = 16 * 1024 * 1024;
/// Procedure codes are short (`1.004222`); anything longer is not one.
pub(super) const CODE_BYTES_MAX: usize = 256;
/// The national catalog's entries are 1.4 MB; 50,000 procedures' about 30.
pub(super) const ENTRIES_RAW_MAX: u64 = 128 * 1024 * 1024;
pub(super) const ENTRIES_LEVEL: i32 = 3;

#[derive(Serialize, Deserialize)]
pub(super) struct Table {
    pub(super) version: u64,
    pub(super) content_hash: String,
    pub(super) created_at: u64,
    pub(super) blocks: Vec<BlockRef>,
    /// Sorted by code; the bundle's order is (block, offset).
    pub(super) procedures: Vec<ProcRef>,
    pub(super) entries: EntriesRef,
    /// Sorted by name, each name once.
    pub(super) data: Vec<DataRef>,
}

/// A format 1 table: a [`Table`] without data.
#[derive(Deserialize)]
#[cfg_attr(test, derive(Serialize))]
pub(super) struct TablePlain {
    pub(super) version: u64,
    pub(super) content_hash: String,
    pub(super) created_at: u64,
    pub(super) blocks: Vec<BlockRef>,
    pub(super) procedures: Vec<ProcRef>,
    pub(super) entries: EntriesRef,
}

impl From<TablePlain> for Table {
    fn from(t: TablePlain) -> Table {
        Table {
            version: t.version,
            content_hash: t.content_hash,
            created_at: t.created_at,
            blocks: t.blocks,
            procedures: t.procedures,
            entries: t.entries,
            data: Vec::new(),
        }
    }
}

/// Where one data item is.
#[derive(Serialize, Deserialize, Clone)]
pub(super) struct DataRef {
    pub(super) name: String,
    pub(super) offset: u64,
    pub(super) len: u32,
    pub(super) sha256: [u8; 32],
}

/// Where the search entries are, and what derived them.
#[derive(Serialize, Deserialize, Clone)]
pub(super) struct EntriesRef {
    pub(super) offset: u64,
    pub(super) compressed: u32,
    pub(super) raw: u32,
    pub(super) sha256: [u8; 32],
    pub(super) fingerprint: String,
}

#[derive(Serialize, Deserialize, Clone)]
pub(super) struct BlockRef {
    pub(super) offset: u64,
    pub(super) compressed: u32,
    pub(super) raw: u32,
    /// Of the compressed bytes (checked on every read).
    pub(super) sha256: [u8; 32],
    /// Of the raw bytes: the same procedures in another version's file
    /// have the same, so its compressed bytes can be reused.
    pub(super) raw_sha256: [u8; 32],
}

#[derive(Serialize, Deserialize)]
pub(super) struct ProcRef {
    pub(super) code: String,
    pub(super) block: u32,
    pub(super) offset: u32,
    pub(super) len: u32,
}

/// Whether a block may end after the procedure `code` (FNV-1a: stable
/// across builds and platforms).
pub(super) fn cut_after(code: &str) -> bool {
    let hash = code.bytes().fold(0xcbf2_9ce4_8422_2325_u64, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x0000_0100_0000_01b3)
    });
    // The high bits: FNV mixes them best.
    (hash >> 40) % BLOCK_CUT == 0
}

pub(super) fn u32_of(n: usize) -> std::io::Result<u32> {
    u32::try_from(n).map_err(|_| std::io::Error::other("catalog file part too large"))
}

pub(super) use crate::catalog::data::sha256;
