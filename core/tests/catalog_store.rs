//! The local catalog store over the real data: import, versions, atomic
//! switch, reopening, and bad input that must leave the old catalog usable.

use hoso_core::catalog::bundle::Bundle;
use hoso_core::catalog::parse::parse_record;
use hoso_core::catalog::source::read_records;
use hoso_core::catalog::store::{CatalogError, CatalogStore, Installed};
use hoso_core::catalog::{self, ChannelKind};
use hoso_core::search::{IndexOrigin, Rebuilt, SearchIndex, SearchQuery};
use std::io::Write;
use std::path::{Path, PathBuf};

const SOURCE: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../shared/data/tthc-national-2642.jsonl.gz"
);

fn imported() -> (tempfile::TempDir, CatalogStore) {
    let dir = tempfile::tempdir().unwrap();
    let store = CatalogStore::open(dir.path()).unwrap();
    catalog::import(&store, Path::new(SOURCE), None).unwrap();
    (dir, store)
}

fn first_hit(store: &CatalogStore, q: &str) -> String {
    SearchIndex::open(store)
        .unwrap()
        .search(&SearchQuery::new(q))[0]
        .code
        .clone()
}

#[track_caller]
fn assert_still_usable(store: &CatalogStore, version: u64) {
    let info = store.current().unwrap().unwrap();
    assert_eq!(info.version, version);
    assert_eq!(info.procedure_count, 2642);
    assert_eq!(first_hit(store, "dang ky thuong tru"), "1.004222");
    assert_eq!(
        store.procedure("1.004222").unwrap().name,
        "Đăng ký thường trú"
    );
}

#[test]
fn import_stores_every_procedure_and_shows_the_example() {
    let (_dir, store) = imported();
    let info = store.current().unwrap().unwrap();
    assert_eq!((info.version, info.procedure_count), (1, 2642));
    assert_eq!(info.content_hash.len(), 64);
    let p = store.procedure("1.004222").unwrap();
    let online = p
        .channels
        .iter()
        .find(|c| c.channel == ChannelKind::Online)
        .unwrap();
    assert_eq!(online.fees[0].amount_vnd, Some(10_000));
    assert!(p
        .results
        .iter()
        .any(|r| r.code.as_deref() == Some("KQ.G01.000064")));
    assert_eq!(store.procedures().unwrap().len(), 2642);
    assert!(matches!(
        store.procedure("9.999999"),
        Err(CatalogError::NotFound(_))
    ));
}

#[test]
fn empty_store_says_there_is_no_catalog() {
    let dir = tempfile::tempdir().unwrap();
    let store = CatalogStore::open(dir.path()).unwrap();
    assert!(store.current().unwrap().is_none());
    assert!(matches!(
        SearchIndex::open(&store),
        Err(CatalogError::NoCatalog)
    ));
    assert!(matches!(
        store.procedure("1.004222"),
        Err(CatalogError::NoCatalog)
    ));
}

#[test]
fn reimporting_the_same_data_changes_nothing() {
    let (_dir, store) = imported();
    let again = catalog::import(&store, Path::new(SOURCE), None).unwrap();
    assert_eq!(again.installed, Installed::Unchanged { version: 1 });
    assert_still_usable(&store, 1);
}

#[test]
fn a_new_version_switches_atomically_and_keeps_one_for_rollback() {
    let (dir, store) = imported();
    let mut procedures = store.procedures().unwrap();
    procedures.retain(|p| p.code != "1.004222");
    for v in 2..=4 {
        let mut ps = procedures.clone();
        ps[0].name = format!("renamed in version {v}");
        let bundle = Bundle::new(v, ps);
        assert_eq!(
            store.install(&bundle).unwrap(),
            Installed::Switched {
                from: Some(v - 1),
                to: v
            }
        );
    }
    let info = store.current().unwrap().unwrap();
    assert_eq!((info.version, info.procedure_count), (4, 2641));
    assert!(matches!(
        store.procedure("1.004222"),
        Err(CatalogError::NotFound(_))
    ));

    // Reopen from disk in a fresh process-equivalent: the switch persisted.
    drop(store);
    let reopened = CatalogStore::open(dir.path()).unwrap();
    assert_eq!(reopened.current().unwrap().unwrap().version, 4);
}

#[test]
fn an_older_bundle_is_refused() {
    let (_dir, store) = imported();
    let mut ps = store.procedures().unwrap();
    ps[0].name.push_str(" (đổi)");
    store.install(&Bundle::new(5, ps.clone())).unwrap();
    ps[0].name.push_str(" (cũ)");
    let err = store.install(&Bundle::new(3, ps)).unwrap_err();
    assert!(
        matches!(
            err,
            CatalogError::Stale {
                offered: 3,
                current: 5
            }
        ),
        "{err}"
    );
    assert_eq!(store.current().unwrap().unwrap().version, 5);
}

fn write(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
    let path = dir.join(name);
    std::fs::File::create(&path)
        .unwrap()
        .write_all(bytes)
        .unwrap();
    path
}

#[test]
fn a_truncated_source_file_is_refused_and_the_old_catalog_stays() {
    let (dir, store) = imported();
    let full = std::fs::read(SOURCE).unwrap();
    let cut = write(dir.path(), "cut.jsonl.gz", &full[..full.len() / 3]);
    let err = catalog::import(&store, &cut, None).unwrap_err();
    assert!(matches!(err, CatalogError::Source(_)), "{err}");
    let msg = err.to_string();
    assert!(
        msg.contains("truncated") && msg.contains("cắt cụt"),
        "{msg}"
    );
    assert_still_usable(&store, 1);

    // An uncompressed file cut mid-record.
    let plain = b"{\"ma_thu_tuc\":\"1.1\",\"ten_thu_tuc\":\"A\"}\n{\"ma_thu_tuc\":\"1.2\",\"ten_th";
    let cut = write(dir.path(), "cut.jsonl", plain);
    assert!(matches!(
        catalog::import(&store, &cut, None),
        Err(CatalogError::Source(_))
    ));
    let missing = dir.path().join("no-such-file.jsonl.gz");
    assert!(catalog::import(&store, &missing, None).is_err());
    assert_still_usable(&store, 1);
}

#[test]
fn a_corrupt_bundle_is_refused_and_the_old_catalog_stays() {
    let (dir, store) = imported();
    let bundle_path = dir.path().join("catalog.bundle");
    let mut ps = store.procedures().unwrap();
    ps[0].name.push_str(" (mới)");
    Bundle::new(2, ps).write_to(&bundle_path).unwrap();
    let good = std::fs::read(&bundle_path).unwrap();

    let truncated = write(dir.path(), "truncated.bundle", &good[..good.len() - 100]);
    let err = catalog::import(&store, &truncated, None).unwrap_err();
    assert!(matches!(err, CatalogError::Bundle(_)), "{err}");
    assert_still_usable(&store, 1);

    let mut flipped = good.clone();
    let mid = flipped.len() / 2;
    flipped[mid] ^= 0x40;
    let flipped = write(dir.path(), "flipped.bundle", &flipped);
    assert!(catalog::import(&store, &flipped, None).is_err());
    assert_still_usable(&store, 1);

    // The intact bundle installs.
    let report = catalog::import(&store, &bundle_path, None).unwrap();
    assert_eq!(
        report.installed,
        Installed::Switched {
            from: Some(1),
            to: 2
        }
    );
}

#[test]
fn import_writes_the_bundle_the_portal_serves() {
    let dir = tempfile::tempdir().unwrap();
    let store = CatalogStore::open(&dir.path().join("data")).unwrap();
    let out = dir.path().join("catalog-v1.bundle");
    let report = catalog::import(&store, Path::new(SOURCE), Some(&out)).unwrap();
    let bundle = Bundle::read_from(&out).unwrap();
    assert_eq!(bundle.info.content_hash, report.content_hash);
    assert_eq!(bundle.procedures.len(), 2642);

    // The bundle imports into another device's store as the same catalog.
    let other = CatalogStore::open(&dir.path().join("phone")).unwrap();
    let again = catalog::import(&other, &out, None).unwrap();
    assert_eq!(again.content_hash, report.content_hash);
    assert_eq!(first_hit(&other, "dang ky khai sinh"), "1.001193");
}

fn dir_size(path: &Path) -> u64 {
    std::fs::read_dir(path)
        .unwrap()
        .flatten()
        .map(|e| {
            let m = e.metadata().unwrap();
            if m.is_dir() {
                dir_size(&e.path())
            } else {
                m.len()
            }
        })
        .sum()
}

#[test]
fn the_national_catalog_reads_back_whole_from_a_few_megabytes() {
    let (dir, store) = imported();
    let source = read_records(Path::new(SOURCE)).unwrap();
    let parsed = Bundle::new(1, source.iter().map(parse_record).collect());
    for p in &parsed.procedures {
        assert_eq!(&store.procedure(&p.code).unwrap(), p, "{}", p.code);
    }
    let bundle = store.bundle().unwrap();
    assert_eq!(bundle.procedures, parsed.procedures);
    assert_eq!(
        catalog::bundle::content_hash(&bundle.procedures),
        store.current().unwrap().unwrap().content_hash
    );
    // The whole data directory, with the saved search index.
    first_hit(&store, "khai sinh");
    let size = dir_size(dir.path());
    assert!(size < 6_000_000, "{size} bytes");
}

#[test]
fn search_reads_the_saved_index_from_the_second_open_on() {
    let (dir, store) = imported();
    let built = SearchIndex::open(&store).unwrap();
    assert!(matches!(built.origin(), IndexOrigin::Built(_)));
    drop(store);
    // A fresh start of the app.
    let store = CatalogStore::open(dir.path()).unwrap();
    let read = SearchIndex::open(&store).unwrap();
    assert_eq!(read.origin(), IndexOrigin::Saved);
    for q in [
        "dang ky khai sinh",
        "cccd",
        "1.0042",
        "so do",
        "giay phep lai xe",
    ] {
        assert_eq!(
            read.search(&SearchQuery::new(q)),
            built.search(&SearchQuery::new(q)),
            "{q}"
        );
    }
    // A new version brings its own index; the old catalog is kept for
    // rollback (its index, derived, is not), nothing older.
    let mut ps = store.procedures().unwrap();
    ps[0].name.push_str(" (mới)");
    store.install(&Bundle::new(2, ps)).unwrap();
    let next = SearchIndex::open(&store).unwrap();
    assert_eq!(next.origin(), IndexOrigin::Built(Rebuilt::Missing));
    assert_eq!(
        SearchIndex::open(&store).unwrap().origin(),
        IndexOrigin::Saved
    );
    let mut files: Vec<String> = std::fs::read_dir(dir.path().join("catalog"))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    files.sort();
    assert_eq!(
        files,
        [
            "00000000000000000001.hcat",
            "00000000000000000002.hcat",
            "00000000000000000002.idx"
        ]
    );
}

/// A data directory as hoso kept the catalog before catalog files: one
/// JSON value per procedure in the store's `catalog` tree.
fn old_layout(dir: &Path, bundle: &Bundle) {
    use hoso_store::storage::{Changes, Store};
    let store = Store::open(dir).unwrap();
    let prefix = format!("v/{:020}/", bundle.info.version);
    let mut c = Changes::default();
    c.put(
        "catalog",
        format!("{prefix}info"),
        serde_json::to_vec(&bundle.info).unwrap(),
    );
    for p in &bundle.procedures {
        c.put(
            "catalog",
            format!("{prefix}p/{}", p.code),
            serde_json::to_vec(p).unwrap(),
        );
    }
    c.put("catalog", "current", bundle.info.version.to_be_bytes());
    store.commit(&c).unwrap();
}

#[test]
fn a_data_directory_of_the_old_layout_keeps_its_catalog() {
    let dir = tempfile::tempdir().unwrap();
    let source = read_records(Path::new(SOURCE)).unwrap();
    let bundle = Bundle::new(3, source.iter().map(parse_record).collect());
    old_layout(dir.path(), &bundle);
    let store = CatalogStore::open(dir.path()).unwrap();
    assert!(dir
        .path()
        .join("catalog/00000000000000000003.hcat")
        .is_file());
    assert_eq!(store.current().unwrap().unwrap(), bundle.info);
    assert_eq!(store.bundle().unwrap(), bundle);
    assert_still_usable(&store, 3);
}
