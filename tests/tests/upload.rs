//! Resumable uploads from a draft's encrypted store to a real hoso-portal:
//! chunked with checksums and progress, skipped when the account already
//! holds the file, and resumed after connections cut mid-transfer (the
//! portal's fault injection) re-sending at most one chunk per cut.

mod common;

use hoso_core::client::upload::{upload, FileToUpload, Transfer, UploadError};
use hoso_core::client::PortalClient;
use hoso_core::draft::Drafts;

fn attach(device: &std::path::Path, bytes: &[u8]) -> (Drafts, FileToUpload) {
    let drafts = Drafts::open(device, &common::FixedKey([7; 32])).unwrap();
    let draft = drafts.create("1.001193", false).unwrap();
    let path = device.join("giay-chung-sinh.pdf");
    std::fs::write(&path, bytes).unwrap();
    let a = drafts
        .attach(&draft.id, "doc05", &path, &mut |_| true)
        .unwrap();
    std::fs::remove_file(&path).unwrap();
    let file = FileToUpload {
        sha256: a.sha256.clone(),
        size: a.size,
        media_type: "application/pdf".into(),
    };
    (drafts, file)
}

#[tokio::test]
async fn chunks_progress_and_already_held() {
    let tp = common::portal(common::config()).await;
    let device = common::device();
    let bytes = common::pdf(3 * 1024 * 1024 + 123, "a");
    let (drafts, file) = attach(device.path(), &bytes);
    let client = PortalClient::new(&tp.base).unwrap();
    common::citizen(&client, "0912345678").await;

    let mut seen = Vec::new();
    let mut transfer = Transfer {
        chunk: 512 * 1024,
        bytes_sent: 0,
    };
    let done = upload(
        &client,
        &file,
        &blobs(&drafts),
        &mut transfer,
        &mut |d, t| seen.push((d, t)),
    )
    .await
    .unwrap();
    assert!(!done.already_held);
    assert_eq!(transfer.bytes_sent, file.size);
    assert_eq!(seen.first(), Some(&(0, file.size)));
    assert_eq!(seen.last(), Some(&(file.size, file.size)));
    assert!(seen.windows(2).all(|w| w[0].0 <= w[1].0));
    assert_eq!(seen.len(), 1 + 7, "one report per stored chunk");

    // The same file again: the portal already holds it for this account.
    let mut again_transfer = Transfer::default();
    let again = upload(
        &client,
        &file,
        &blobs(&drafts),
        &mut again_transfer,
        &mut |_, _| {},
    )
    .await
    .unwrap();
    assert!(again.already_held);
    assert_eq!(again_transfer.bytes_sent, 0);
}

#[tokio::test]
async fn cut_connections_resume_from_the_servers_offset() {
    let mut config = common::config();
    config.faults.reset_rate = 0.3;
    config.faults.seed = 11;
    let tp = common::portal(config).await;
    let device = common::device();
    let bytes = common::pdf(8 * 1024 * 1024, "b");
    let (drafts, file) = attach(device.path(), &bytes);
    let client = PortalClient::new(&tp.base).unwrap();
    // Log in (retrying through the injected resets).
    common::citizen_through_faults(&client, "0912345678", 50).await;

    let chunk = 256 * 1024;
    let mut transfer = Transfer {
        chunk,
        bytes_sent: 0,
    };
    let mut cuts = 0u64;
    loop {
        match upload(
            &client,
            &file,
            &blobs(&drafts),
            &mut transfer,
            &mut |_, _| {},
        )
        .await
        {
            Ok(done) => {
                assert!(!done.already_held);
                break;
            }
            Err(UploadError::Portal(e)) if e.is_transient() => {
                cuts += 1;
                assert!(cuts < 500, "no progress: {e}");
            }
            Err(e) => panic!("{e}"),
        }
    }
    assert!(
        cuts >= 3,
        "the fault injection cut the transfer ({cuts} cuts)"
    );
    // Each cut cost at most the chunk in flight.
    assert!(
        transfer.bytes_sent <= file.size + cuts * chunk,
        "sent {} for {} bytes with {cuts} cuts",
        transfer.bytes_sent,
        file.size
    );
    // The portal holds the whole file, verified against its hash: declaring
    // it again answers `complete` (retrying through injected resets).
    let mut again = Transfer::default();
    let held = loop {
        match upload(&client, &file, &blobs(&drafts), &mut again, &mut |_, _| {}).await {
            Ok(done) => break done,
            Err(UploadError::Portal(e)) if e.is_transient() => continue,
            Err(e) => panic!("{e}"),
        }
    };
    assert!(held.already_held);
    assert_eq!(again.bytes_sent, 0);
}

/// The drafts' blob store as an upload's source (what the engine reads).
struct Blobs<'a>(&'a Drafts);

impl hoso_core::client::upload::ChunkSource for Blobs<'_> {
    fn read(&self, sha256: &str, offset: u64, len: u64) -> Result<Vec<u8>, String> {
        self.0
            .read_attachment_range(sha256, offset, len)
            .map_err(|e| e.to_string())
    }
}

fn blobs(drafts: &Drafts) -> Blobs<'_> {
    Blobs(drafts)
}
