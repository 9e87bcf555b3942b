//! One catalog version as one file, read: the header and table checked on
//! open, each block read, checked against its SHA-256 and decompressed on
//! demand, the whole file walked in order (for a delta) or verified. The
//! format is `layout`'s; the file is on disk, so it is read as hostile:
//! every length is checked against the file's size and the format's caps
//! with checked arithmetic, and whatever fails is `CatalogError::Damaged`,
//! never a panic.

use super::error::CatalogError;
use super::layout::*;
use crate::catalog::bundle::BundleInfo;
use crate::catalog::data::{self, DataItem};
use crate::catalog::entry::FINGERPRINT;
use crate::catalog::{Procedure, SearchEntry};
use crate::limits;
use std::fs::File;
use std::io::{Read, Seek, SeekFrom};
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// An opened, checked catalog file: its identity and table in memory, its
/// blocks read on demand.
pub(crate) struct VersionFile {
    path: PathBuf,
    file: Mutex<File>,
    info: BundleInfo,
    pub(super) blocks: Vec<BlockRef>,
    /// Sorted by code.
    procedures: Vec<ProcRef>,
    /// Indexes into `procedures` in the bundle's order.
    order: Vec<u32>,
    entries: EntriesRef,
    /// Sorted by name.
    data: Vec<DataRef>,
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
        if !(format == FORMAT || format == FORMAT_PLAIN) || header[12..16] != [0; 4] {
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
        let (table, rest) = if format == FORMAT_PLAIN {
            postcard::take_from_bytes::<TablePlain>(&table).map(|(t, rest)| (Table::from(t), rest))
        } else {
            postcard::take_from_bytes::<Table>(&table)
        }
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
            data: table.data,
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
        self.walk(&mut |stored| match stored {
            Stored::Block { .. } => Ok(()),
            Stored::Procedure { json, .. } => {
                hash.update(json);
                hash.update(b"\n");
                visit(json)
            }
        })?;
        let actual = data::content_hash_with(
            crate::hex::encode(hash.finish().as_ref()),
            self.data.iter().map(|d| (d.name.as_str(), d.sha256)),
        );
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
        self.for_each_json(&mut |_| Ok(()))?;
        self.data_items().map(|_| ())
    }

    /// The data the catalog carries, each item checked against its
    /// SHA-256, sorted by name.
    pub(crate) fn data_items(&self) -> Result<Vec<DataItem>, CatalogError> {
        self.data.iter().map(|d| self.read_data(d)).collect()
    }

    /// The SHA-256 the table gives for the data item `name`, if the catalog
    /// carries one (nothing is read).
    pub(crate) fn data_digest(&self, name: &str) -> Option<[u8; 32]> {
        self.data.iter().find(|d| d.name == name).map(|d| d.sha256)
    }

    /// The data item named `name`, checked, if the catalog carries one.
    pub(crate) fn data_item(&self, name: &str) -> Result<Option<DataItem>, CatalogError> {
        self.data
            .iter()
            .find(|d| d.name == name)
            .map(|d| self.read_data(d))
            .transpose()
    }

    fn read_data(&self, d: &DataRef) -> Result<DataItem, CatalogError> {
        let damaged = |reason: &str| {
            CatalogError::damaged_file(&self.path, format!("data {}", d.name), reason)
        };
        let bytes = self.read_at(d.offset, d.len, || damaged("cut short"))?;
        if sha256(&bytes) != d.sha256 {
            return Err(damaged("checksum mismatch"));
        }
        Ok(DataItem::new(&d.name, bytes))
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
        self.data_items().map(|_| ())
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
    pub(super) fn compressed_block(&self, i: u32) -> Result<Vec<u8>, CatalogError> {
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
    if table.data.len() > data::DATA_ITEMS_MAX {
        return Err(format!("{} data items", table.data.len()));
    }
    let data_total = table
        .data
        .iter()
        .try_fold(0u64, |sum, d| sum.checked_add(u64::from(d.len)));
    if data_total.is_none_or(|t| t > limits::CATALOG_DATA_TOTAL_BYTES) {
        return Err("data larger than its bound in all".into());
    }
    for (i, d) in table.data.iter().enumerate() {
        if d.offset != end
            || u64::from(d.len) > limits::CATALOG_DATA_ITEM_BYTES
            || data::check_name(&d.name).is_err()
            || i > 0 && table.data[i - 1].name >= d.name
        {
            return Err(format!("data item {i} out of place, order or bounds"));
        }
        end = end
            .checked_add(u64::from(d.len))
            .ok_or("data past the end")?;
    }
    if end != table_at {
        return Err("blocks, entries and data do not reach the table".into());
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
    use super::super::writer::{write, Written};
    use super::*;
    use crate::catalog::bundle::Bundle;
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

    #[test]
    fn data_items_are_kept_checked_and_covered_by_the_content_hash() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("with-data.hcat");
        let bundle = catalog(1, "")
            .with_data(vec![
                DataItem::new("notes/b", &b"second"[..]),
                DataItem::new("notes/a", &b"first"[..]),
            ])
            .unwrap();
        written(&bundle, None, &path);
        let file = VersionFile::open(&path).unwrap();
        file.verify().unwrap();
        assert_eq!(file.info().content_hash, bundle.info.content_hash);
        assert_eq!(file.data_items().unwrap(), bundle.data);
        assert_eq!(
            file.data_item("notes/b").unwrap().unwrap().bytes.as_ref(),
            b"second"
        );
        assert_eq!(file.data_item("missing").unwrap(), None);

        // A flipped byte in an item is damage, found when it is read.
        let mut bytes = std::fs::read(&path).unwrap();
        let at = bytes.windows(6).position(|w| w == b"second").unwrap();
        bytes[at] = b'S';
        std::fs::write(&path, &bytes).unwrap();
        let file = VersionFile::open(&path).unwrap();
        assert!(matches!(
            file.data_item("notes/b"),
            Err(CatalogError::Damaged { .. })
        ));
        assert!(file.verify().is_err());
    }

    #[test]
    fn a_file_of_the_format_before_data_still_reads() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("plain.hcat");
        let bundle = catalog(1, "");
        written(&bundle, None, &path);
        let good = std::fs::read(&path).unwrap();
        let table_at = u64::from_le_bytes(good[16..24].try_into().unwrap()) as usize;
        let table: Table = postcard::from_bytes(&good[table_at..]).unwrap();
        let plain = postcard::to_stdvec(&TablePlain {
            version: table.version,
            content_hash: table.content_hash,
            created_at: table.created_at,
            blocks: table.blocks,
            procedures: table.procedures,
            entries: table.entries,
        })
        .unwrap();
        let mut bytes = good[..table_at].to_vec();
        bytes[8..12].copy_from_slice(&FORMAT_PLAIN.to_le_bytes());
        bytes[24..32].copy_from_slice(&(plain.len() as u64).to_le_bytes());
        bytes[32..64].copy_from_slice(&sha256(&plain));
        bytes.extend_from_slice(&plain);
        std::fs::write(&path, &bytes).unwrap();
        let file = VersionFile::open(&path).unwrap();
        file.verify().unwrap();
        assert_eq!(file.info(), &bundle.info);
        assert!(file.data_items().unwrap().is_empty());
        assert_eq!(file.procedures().unwrap(), bundle.procedures);
    }
}
