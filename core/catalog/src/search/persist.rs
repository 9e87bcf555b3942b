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
    if &header[..8] != MAGIC || header[8..12] != FORMAT.to_le_bytes() || header[12..16] != [0; 4] {
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
    // In one call (twice as fast as streaming); the capacity is the
    // declared length, within `RAW_MAX`, and zstd writes no more than it.
    let raw = zstd::bulk::decompress(&payload, raw_len as usize).map_err(|_| Rebuilt::Damaged)?;
    drop(payload);
    if raw.len() as u64 != raw_len {
        return Err(Rebuilt::Damaged);
    }
    let (index, rest) = postcard::take_from_bytes::<Index>(&raw).map_err(|_| Rebuilt::Damaged)?;
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::catalog::bundle::Bundle;
    use crate::catalog::parse::parse_record;
    use crate::catalog::source::SourceRecord;
    use crate::catalog::store::CatalogStore;
    use crate::search::{IndexOrigin, SearchIndex, SearchQuery};

    fn bundle(version: u64, extra: &str) -> Bundle {
        let names = [
            "Đăng ký khai sinh",
            "Đăng ký kết hôn",
            "Cấp lại thẻ căn cước",
            "Đăng ký thường trú",
        ];
        let procedures = names
            .iter()
            .enumerate()
            .map(|(i, name)| {
                parse_record(&SourceRecord {
                    ma_thu_tuc: format!("1.00{i}"),
                    ten_thu_tuc: format!("{name}{extra}"),
                    cap_thuc_hien: "Cấp xã".into(),
                    ..Default::default()
                })
            })
            .collect();
        Bundle::new(version, procedures)
    }

    fn first(index: &SearchIndex, q: &str) -> String {
        index.search(&SearchQuery::new(q))[0].code.clone()
    }

    fn installed() -> (tempfile::TempDir, CatalogStore) {
        let dir = tempfile::tempdir().unwrap();
        let store = CatalogStore::open(dir.path()).unwrap();
        store.install(&bundle(1, "")).unwrap();
        (dir, store)
    }

    fn saved_path(store: &CatalogStore) -> std::path::PathBuf {
        store.derived_path(store.current_version().unwrap().unwrap(), EXT)
    }

    #[test]
    fn built_once_then_read() {
        let (_dir, store) = installed();
        let built = SearchIndex::open(&store).unwrap();
        assert_eq!(built.origin(), IndexOrigin::Built(Rebuilt::Missing));
        let read = SearchIndex::open(&store).unwrap();
        assert_eq!(read.origin(), IndexOrigin::Saved);
        assert_eq!(first(&read, "dang ky ket hon"), "1.001");
        assert_eq!(read.len(), built.len());
        for q in ["khai sinh", "can cuoc", "thuong tru", "1.00"] {
            assert_eq!(
                read.search(&SearchQuery::new(q)),
                built.search(&SearchQuery::new(q))
            );
        }
    }

    fn header_flipped(at: usize) -> Rebuilt {
        let (_dir, store) = installed();
        SearchIndex::open(&store).unwrap();
        let path = saved_path(&store);
        let mut bytes = std::fs::read(&path).unwrap();
        bytes[at] ^= 0x01;
        std::fs::write(&path, &bytes).unwrap();
        let again = SearchIndex::open(&store).unwrap();
        assert_eq!(first(&again, "khai sinh"), "1.000");
        // Saved again: the next open reads it.
        assert_eq!(
            SearchIndex::open(&store).unwrap().origin(),
            IndexOrigin::Saved
        );
        match again.origin() {
            IndexOrigin::Built(why) => why,
            other => panic!("read a changed index: {other:?}"),
        }
    }

    #[test]
    fn another_engine_or_catalog_or_damage_rebuilds() {
        assert_eq!(header_flipped(20), Rebuilt::OtherEngine);
        assert_eq!(header_flipped(40), Rebuilt::OtherCatalog);
        assert_eq!(header_flipped(3), Rebuilt::Damaged);
        assert_eq!(header_flipped(70), Rebuilt::Damaged);
        assert_eq!(header_flipped(HEADER_LEN + 10), Rebuilt::Damaged);
    }

    #[test]
    fn an_index_saved_for_another_version_is_not_used() {
        let (_dir, store) = installed();
        SearchIndex::open(&store).unwrap();
        let old = std::fs::read(saved_path(&store)).unwrap();
        store.install(&bundle(2, " (mới)")).unwrap();
        std::fs::write(saved_path(&store), &old).unwrap();
        let index = SearchIndex::open(&store).unwrap();
        assert_eq!(index.origin(), IndexOrigin::Built(Rebuilt::OtherCatalog));
        assert!(index.search(&SearchQuery::new("khai sinh"))[0]
            .name
            .ends_with("(mới)"));
    }

    #[test]
    fn a_cut_or_garbled_index_is_rebuilt_never_a_panic() {
        let (_dir, store) = installed();
        SearchIndex::open(&store).unwrap();
        let path = saved_path(&store);
        let good = std::fs::read(&path).unwrap();
        let info = store.current().unwrap().unwrap();
        for at in 0..good.len() {
            std::fs::write(&path, &good[..at]).unwrap();
            assert!(load(&path, &info).is_err());
            let mut bytes = good.clone();
            bytes[at] ^= 0x5a;
            std::fs::write(&path, &bytes).unwrap();
            let _ = load(&path, &info);
        }
        std::fs::write(&path, &good).unwrap();
        assert!(load(&path, &info).is_ok());
    }

    /// A payload that passes its checksum but whose index points out of
    /// bounds (as a hostile writer could make) is refused by the checks.
    #[test]
    fn an_index_with_ids_out_of_bounds_is_refused() {
        let (_dir, store) = installed();
        SearchIndex::open(&store).unwrap();
        let path = saved_path(&store);
        let info = store.current().unwrap().unwrap();
        // Fewer documents than the postings name.
        let mut cut = load(&path, &info).unwrap();
        cut.docs.truncate(1);
        let raw = postcard::to_stdvec(&cut).unwrap();
        let payload = zstd::bulk::compress(&raw, LEVEL).unwrap();
        let mut bytes = std::fs::read(&path).unwrap()[..HEADER_LEN].to_vec();
        bytes[64..72].copy_from_slice(&(payload.len() as u64).to_le_bytes());
        bytes[72..80].copy_from_slice(&(raw.len() as u64).to_le_bytes());
        bytes[80..112].copy_from_slice(&sha256(&payload));
        bytes.extend_from_slice(&payload);
        std::fs::write(&path, &bytes).unwrap();
        assert_eq!(load(&path, &info).err(), Some(Rebuilt::Damaged));
        let again = SearchIndex::open(&store).unwrap();
        assert_eq!(again.origin(), IndexOrigin::Built(Rebuilt::Damaged));
        assert_eq!(again.len(), 4);
    }
}
