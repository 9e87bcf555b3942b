//! Writing a catalog file (`layout`) procedure by procedure: blocks closed
//! where the codes say, compressed on a worker thread, or copied compressed
//! from the version before when their bytes are the same.

use super::layout::*;
use super::version_file::VersionFile;
use crate::catalog::bundle::{Bundle, BundleInfo};
use crate::catalog::data::{self, DataItem};
use crate::catalog::entry::FINGERPRINT;
use crate::catalog::SearchEntry;
use std::fs::File;
use std::io::{Seek, SeekFrom, Write};

/// What `write` or a [`Writer`] wrote.
pub(crate) struct Written {
    /// The content hash of the procedures and data written, for the
    /// caller to compare with the one declared.
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
    writer.finish(&bundle.info, &entries, &bundle.data)
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
    /// procedure, in the same order), the `data` the catalog carries
    /// (sorted by name), the table naming the version `info` (its content
    /// hash as declared) and the header.
    pub(crate) fn finish(
        mut self,
        info: &BundleInfo,
        entries: &[SearchEntry],
        data: &[DataItem],
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
        let too_large = || std::io::Error::other("catalog file too large");
        let mut offset = self
            .offset
            .checked_add(compressed.len() as u64)
            .ok_or_else(too_large)?;
        let mut data_refs = Vec::with_capacity(data.len());
        for item in data {
            self.out.write_all(&item.bytes)?;
            data_refs.push(DataRef {
                name: item.name.clone(),
                offset,
                len: u32_of(item.bytes.len())?,
                sha256: item.sha256(),
            });
            offset = offset
                .checked_add(item.bytes.len() as u64)
                .ok_or_else(too_large)?;
        }
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
            data: data_refs,
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
            content_hash: data::content_hash_of(
                crate::hex::encode(self.hash.finish().as_ref()),
                data,
            ),
            procedures: count,
            blocks: table_blocks,
            reused: self.reused,
            fresh: self.fresh,
        })
    }
}
