//! The resumable-upload acceptance test: a 200 MiB attachment whose upload
//! is cut 5 times, mid-request, by a TCP proxy between hoso-core's client
//! and a real hoso-portal on loopback, re-sends no more than 5 chunks in
//! total beyond its size, and the portal ends up holding the whole file,
//! verified against its SHA-256.
//!
//! The file is never stored: its bytes are generated on demand from their
//! offset (deterministic pseudo-random words behind a PDF header), so the
//! test's own cost is one pass to hash it and one to send it.

mod common;

use hoso_core::client::upload::{
    upload, ChunkSource, FileToUpload, Transfer, UploadError, DEFAULT_CHUNK,
};
use hoso_core::client::PortalClient;
use hoso_tests::wire::Proxy;

const SIZE: u64 = 200 << 20;
const CUTS: u64 = 5;
/// What sniffs as a PDF; the rest of the file is noise.
const HEADER: &[u8] = b"%PDF-1.7\n%\xE2\xE3\xCF\xD3\n";

/// `size` bytes: [`HEADER`], then the little-endian bytes of
/// splitmix64(word index) for every 8-byte word.
struct Generated {
    size: u64,
    sha256: String,
}

fn splitmix64(index: u64) -> u64 {
    let mut z = index.wrapping_add(1).wrapping_mul(0x9E37_79B9_7F4A_7C15);
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// Fills `out` with the content at `offset`.
fn fill(offset: u64, out: &mut [u8]) {
    let mut pos = offset;
    let mut i = 0;
    while i < out.len() {
        let word = splitmix64(pos / 8).to_le_bytes();
        let start = (pos % 8) as usize;
        let take = (8 - start).min(out.len() - i);
        out[i..i + take].copy_from_slice(&word[start..start + take]);
        i += take;
        pos += take as u64;
    }
    let header = HEADER.len() as u64;
    if offset < header {
        let n = ((header - offset) as usize).min(out.len());
        out[..n].copy_from_slice(&HEADER[offset as usize..offset as usize + n]);
    }
}

impl Generated {
    /// The file and its SHA-256, hashed in 1 MiB pieces.
    fn new(size: u64) -> Generated {
        let mut ctx = ring::digest::Context::new(&ring::digest::SHA256);
        let mut buf = vec![0u8; 1 << 20];
        let mut offset = 0;
        while offset < size {
            let n = (buf.len() as u64).min(size - offset) as usize;
            fill(offset, &mut buf[..n]);
            ctx.update(&buf[..n]);
            offset += n as u64;
        }
        let sha256 = hoso_core::hex::encode(ctx.finish().as_ref());
        Generated { size, sha256 }
    }
}

impl ChunkSource for Generated {
    fn read(&self, sha256: &str, offset: u64, len: u64) -> Result<Vec<u8>, String> {
        if sha256 != self.sha256 || offset.saturating_add(len) > self.size {
            return Err(format!("no such range: {sha256} {offset}+{len}"));
        }
        let mut out = vec![0u8; len as usize];
        fill(offset, &mut out);
        Ok(out)
    }
}

#[test]
fn generated_bytes_do_not_depend_on_how_they_are_read() {
    let mut whole = vec![0u8; 100];
    fill(0, &mut whole);
    assert!(whole.starts_with(HEADER));
    for (offset, len) in [(0, 3), (5, 17), (16, 1), (17, 40), (63, 37)] {
        let mut part = vec![0u8; len];
        fill(offset as u64, &mut part);
        assert_eq!(part, whole[offset..offset + len], "{offset}+{len}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_200_mib_upload_cut_5_times_resends_at_most_5_chunks() {
    let tp = common::portal(common::config()).await;
    let source = Generated::new(SIZE);
    let file = FileToUpload {
        sha256: source.sha256.clone(),
        size: SIZE,
        media_type: "application/pdf".into(),
    };
    // Cuts spread over the transfer, none on a chunk boundary: after about
    // 1/6, 2/6 … 5/6 of the file has gone up (the count also holds the
    // requests' headers, the log-in and the chunks re-sent).
    let thresholds = (1..=CUTS).map(|k| k * SIZE / 6 + k * 77_777).collect();
    let target = tp.base.trim_start_matches("http://").parse().unwrap();
    let proxy = Proxy::cutting(target, thresholds).await.unwrap();
    let client = PortalClient::new(&proxy.url()).unwrap();
    common::citizen(&client, "0912345678").await;
    let before = proxy.snapshot();

    let mut transfer = Transfer::default();
    assert_eq!(transfer.chunk, DEFAULT_CHUNK);
    let mut failures = Vec::new();
    let mut resumed_at = Vec::new();
    loop {
        let mut first = None;
        let result = upload(&client, &file, &source, &mut transfer, &mut |done, _| {
            first.get_or_insert(done);
        })
        .await;
        resumed_at.push(first);
        match result {
            Ok(done) => {
                assert!(!done.already_held);
                break;
            }
            Err(UploadError::Portal(e)) if e.is_transient() => {
                failures.push(e.to_string());
                assert!(failures.len() < 100, "no progress: {failures:?}");
            }
            Err(e) => panic!("{e}"),
        }
    }
    let wire = proxy.snapshot().since(&before);

    // Exactly 5 cuts, each one a transient failure for the client.
    assert_eq!(wire.cuts, CUTS);
    assert_eq!(proxy.cuts_pending(), 0);
    assert!(failures.len() as u64 >= CUTS, "{failures:?}");
    // Every call after a cut resumed from where the portal had got to,
    // never from the start: offsets only grow, and by the last call the
    // wire count was past 5/6 of the file, of which at most 5 chunks were
    // lost and some headers.
    // (A call whose declaration was cut never learnt an offset.)
    let resumed: Vec<u64> = resumed_at.iter().flatten().copied().collect();
    assert_eq!(resumed[0], 0);
    assert!(resumed.windows(2).all(|w| w[0] <= w[1]), "{resumed:?}");
    let last = resumed[resumed.len() - 1];
    assert!(
        last >= CUTS * SIZE / 6 - CUTS * DEFAULT_CHUNK - (256 << 10),
        "{resumed:?}"
    );
    // The acceptance bound, by the client's own account of content sent…
    assert!(
        transfer.bytes_sent <= SIZE + CUTS * DEFAULT_CHUNK,
        "sent {} for {SIZE} with {CUTS} cuts; resumed at {resumed:?} after {failures:?}",
        transfer.bytes_sent
    );
    assert!(transfer.bytes_sent > SIZE, "the cuts cost something");
    // …and by the wire's: everything that went up, headers of some 200
    // requests included, stays within the same bound plus 256 KiB.
    assert!(
        wire.up <= SIZE + CUTS * DEFAULT_CHUNK + (256 << 10),
        "{} bytes went up",
        wire.up
    );

    // The portal holds the whole file, verified against its hash: declaring
    // it again answers that it is held, and nothing is sent.
    let mut again = Transfer::default();
    let held = upload(&client, &file, &source, &mut again, &mut |_, _| {})
        .await
        .unwrap();
    assert!(held.already_held);
    assert_eq!(again.bytes_sent, 0);
    let stats = common::admin_stats(&tp).await;
    assert_eq!(stats["blobs"], 1);
    assert_eq!(stats["blob_bytes"], SIZE);
    assert_eq!(stats["uploads_in_progress"], 0);
}
