//! The search index saved beside its catalog version
//! (`DIR/catalog/<version:020>.idx`), so a cold start reads it instead of
//! building it. It is a derived cache: saved with the fingerprint of the
//! search engine that built it (`build.rs`: every file that shapes an index)
//! and the identity of the catalog it was built from, checksummed, bounded
//! and checked on read, and rebuilt whenever it is missing, damaged, built by
//! another engine or for another catalog. Never trusted blindly.
//!
//! Layout (integers little-endian):
//!
//! ```text
//! 0   magic "HOSOIDX\0"
//! 8   format version (u32) = 1, then 4 zero bytes
//! 16  engine fingerprint (16 bytes)
//! 32  catalog key: SHA-256 of the catalog's version and content hash
//! 64  payload length (u64), decompressed length (u64)
//! 80  SHA-256 of the payload
//! 112 payload: the index (postcard), zstd-compressed
//! ```

use super::index::Index;
use crate::catalog::bundle::BundleInfo;
use crate::catalog::store::files;
use crate::limits;
use std::io::Read;
use std::path::Path;

/// The extension of a saved index beside its catalog file.
pub(super) const EXT: &str = "idx";

const MAGIC: &[u8; 8] = b"HOSOIDX\0";
/// Bump when the layout above changes (the fingerprint covers the index's
/// own fields).
const FORMAT: u32 = 1;
const HEADER_LEN: usize = 112;
const LEVEL: i32 = 3;

/// The fingerprint of this build's search engine (hex, from `build.rs`).
const ENGINE_HEX: &str = env!("HOSO_SEARCH_FINGERPRINT");

/// The index of the largest catalog (50,000 procedures) is about 40 MB.
const RAW_MAX: u64 = 256 * 1024 * 1024;
const PAYLOAD_MAX: u64 = RAW_MAX;

const WHAT: limits::What = limits::What {
    vi: "chỉ mục tìm kiếm đã lưu",
    en: "the saved search index",
};

/// Why a saved index was not used.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Rebuilt {
    /// None was saved for this catalog version.
    Missing,
    /// It was built by another version of the search engine.
    OtherEngine,
    /// It was built for another catalog content.
    OtherCatalog,
    /// It failed its checks (or could not be read).
    Damaged,
}

fn engine() -> [u8; 16] {
    let mut out = [0u8; 16];
    for (i, byte) in out.iter_mut().enumerate() {
        *byte = ENGINE_HEX
            .get(2 * i..2 * i + 2)
            .and_then(|h| u8::from_str_radix(h, 16).ok())
            .unwrap_or(0);
    }
    out
}

fn catalog_key(info: &BundleInfo) -> [u8; 32] {
    let mut ctx = ring::digest::Context::new(&ring::digest::SHA256);
    ctx.update(&info.version.to_le_bytes());
    ctx.update(info.content_hash.as_bytes());
    let mut out = [0u8; 32];
    out.copy_from_slice(ctx.finish().as_ref());
    out
}

fn sha256(bytes: &[u8]) -> [u8; 32] {
    let mut out = [0u8; 32];
    out.copy_from_slice(ring::digest::digest(&ring::digest::SHA256, bytes).as_ref());
    out
}

/// Reads the index saved at `path` for the catalog `info`.
pub(super) fn load(path: &Path, info: &BundleInfo) -> Result<Index, Rebuilt> {
    let mut file = match limits::open_regular(path, WHAT) {
        Ok(file) => file,
        Err(limits::LimitError::Io { source, .. })
            if source.kind() == std::io::ErrorKind::NotFound =>
        {
            return Err(Rebuilt::Missing)
        }
        Err(_) => return Err(Rebuilt::Damaged),
    };
    let mut header = [0u8; HEADER_LEN];
    file.read_exact(&mut header).map_err(|_| Rebuilt::Damaged)?;
    if &header[..8] != MAGIC
        || header[8..12] != FORMAT.to_le_bytes()
        || header[12..16] != [0; 4]
    {
        return Err(Rebuilt::Damaged);
    }
    if header[16..32] != engine() {
        return Err(Rebuilt::OtherEngine);
    }
    if header[32..64] != catalog_key(info) {
        return Err(Rebuilt::OtherCatalog);
    }
    let payload_len = u64_at(&header, 64);
    let raw_len = u64_at(&header, 72);
    if payload_len > PAYLOAD_MAX || raw_len > RAW_MAX {
        return Err(Rebuilt::Damaged);
    }
    let mut payload = Vec::new();
    limits::read_bounded_into(&mut file, payload_len, WHAT, &mut payload)
        .map_err(|_| Rebuilt::Damaged)?;
    if payload.len() as u64 != payload_len || sha256(&payload) != header[80..112] {
        return Err(Rebuilt::Damaged);
    }
    let decoder = zstd::stream::read::Decoder::with_buffer(payload.as_slice())
        .map_err(|_| Rebuilt::Damaged)?;
    let mut raw = Vec::new();
    limits::read_bounded_into(decoder, raw_len, WHAT, &mut raw).map_err(|_| Rebuilt::Damaged)?;
    drop(payload);
    if raw.len() as u64 != raw_len {
        return Err(Rebuilt::Damaged);
    }
    let (index, rest) =
        postcard::take_from_bytes::<Index>(&raw).map_err(|_| Rebuilt::Damaged)?;
    if !rest.is_empty() {
        return Err(Rebuilt::Damaged);
    }
    index.check().map_err(|_| Rebuilt::Damaged)?;
    Ok(index)
}

fn u64_at(header: &[u8; HEADER_LEN], at: usize) -> u64 {
    let mut bytes = [0u8; 8];
    bytes.copy_from_slice(&header[at..at + 8]);
    u64::from_le_bytes(bytes)
}

/// Saves `index`, built for the catalog `info`, at `path` (whole or not at
/// all).
pub(super) fn save(path: &Path, info: &BundleInfo, index: &Index) -> std::io::Result<()> {
    let raw = postcard::to_stdvec(index).map_err(std::io::Error::other)?;
    let payload = zstd::bulk::compress(&raw, LEVEL)?;
    let mut bytes = Vec::with_capacity(HEADER_LEN + payload.len());
    bytes.extend_from_slice(MAGIC);
    bytes.extend_from_slice(&FORMAT.to_le_bytes());
    bytes.extend_from_slice(&[0; 4]);
    bytes.extend_from_slice(&engine());
    bytes.extend_from_slice(&catalog_key(info));
    bytes.extend_from_slice(&(payload.len() as u64).to_le_bytes());
    bytes.extend_from_slice(&(raw.len() as u64).to_le_bytes());
    bytes.extend_from_slice(&sha256(&payload));
    drop(raw);
    bytes.extend_from_slice(&payload);
    // Not while an install collects the directory.
    let _changing = files::lock_changes();
    if let Some(dir) = path.parent() {
        std::fs::create_dir_all(dir)?;
    }
    files::write_whole(path, &bytes)
}
