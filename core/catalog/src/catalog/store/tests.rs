//! The catalog store on small synthetic catalogs: round trips, a crash at
//! each step of an install, damaged files, the old layout, collection.

use super::*;
use crate::catalog::delta::Delta;
use crate::catalog::parse::parse_record;
use crate::catalog::source::SourceRecord;
use hoso_store::error::Classified;

/// `n` procedures, each with about `pad` bytes of text, so that a catalog
/// spans several blocks.
fn procedures(n: usize, tag: &str, pad: usize) -> Vec<Procedure> {
    (0..n)
        .map(|i| {
            let mut p = parse_record(&SourceRecord {
                ma_thu_tuc: format!("1.{i:06}"),
                ten_thu_tuc: format!("Thủ tục {tag} số {i}"),
                cap_thuc_hien: "Cấp xã".into(),
                linh_vuc: "Hộ tịch".into(),
                ..Default::default()
            });
            // Text that compresses like real pages do, not to nothing.
            let mut state = (i as u64 + 1).wrapping_mul(0x9e37_79b9_7f4a_7c15);
            let words = [
                "giấy", "khai", "sinh", "đăng", "ký", "hộ", "tịch", "cấp", "xã",
            ];
            let mut text = String::new();
            while text.len() < pad {
                state ^= state << 13;
                state ^= state >> 7;
                state ^= state << 17;
                text.push_str(words[(state % words.len() as u64) as usize]);
                text.push(' ');
            }
            p.raw.insert("ghi_chu".into(), text);
            p
        })
        .collect()
}

fn bundle(version: u64, tag: &str) -> Bundle {
    Bundle::new(version, procedures(300, tag, 1500))
}

fn catalog_files(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir.join(files::DIR))
        .map(|entries| {
            entries
                .flatten()
                .map(|e| e.file_name().to_string_lossy().into_owned())
                .collect()
        })
        .unwrap_or_default();
    names.sort();
    names
}

fn hcat(dir: &Path, version: u64) -> PathBuf {
    dir.join(files::DIR)
        .join(files::name(version, files::CATALOG_EXT))
}

#[track_caller]
fn assert_holds(store: &CatalogStore, expected: &Bundle) {
    let info = store.current().unwrap().unwrap();
    assert_eq!(info, expected.info);
    for p in &expected.procedures {
        assert_eq!(&store.procedure(&p.code).unwrap(), p);
    }
    let back = store.bundle().unwrap();
    assert_eq!(back, *expected);
    assert_eq!(
        crate::catalog::data::content_hash_of(
            crate::catalog::bundle::content_hash(&back.procedures),
            &back.data
        ),
        info.content_hash
    );
}

#[test]
fn a_catalog_reads_back_as_installed_across_blocks() {
    let dir = tempfile::tempdir().unwrap();
    let store = CatalogStore::open(dir.path()).unwrap();
    let b = bundle(1, "A");
    assert_eq!(
        store.install(&b).unwrap(),
        Installed::Switched { from: None, to: 1 }
    );
    let file = VersionFile::open(&hcat(dir.path(), 1)).unwrap();
    assert!(file_blocks(&file) > 2, "the catalog spans several blocks");
    assert_holds(&store, &b);
    assert_eq!(store.procedures().unwrap(), b.procedures);
    let entries: Vec<SearchEntry> = b.procedures.iter().map(SearchEntry::from).collect();
    assert_eq!(store.search_entries().unwrap(), entries);
    assert!(matches!(
        store.procedure("9.999999"),
        Err(CatalogError::NotFound(_))
    ));
    // Reopened: read from the file, not from what install kept open.
    drop(store);
    let store = CatalogStore::open(dir.path()).unwrap();
    assert_holds(&store, &b);
}

fn file_blocks(file: &VersionFile) -> usize {
    let blocks: std::collections::BTreeSet<u32> = ["1.000000", "1.000150", "1.000299"]
        .iter()
        .map(|code| file.block_of(code).unwrap())
        .collect();
    blocks.len()
}

#[test]
fn bundle_order_is_kept_for_the_hash_and_code_order_for_procedures() {
    let dir = tempfile::tempdir().unwrap();
    let store = CatalogStore::open(dir.path()).unwrap();
    // A bundle whose procedures are not in code order (as a portal may
    // send): its hash is over that order.
    let mut ps = procedures(40, "B", 200);
    ps.reverse();
    let b = Bundle {
        info: BundleInfo {
            version: 1,
            content_hash: crate::catalog::bundle::content_hash(&ps),
            procedure_count: ps.len(),
            created_at: 0,
        },
        data: Vec::new(),
        procedures: ps.clone(),
    };
    store.install(&b).unwrap();
    assert_eq!(store.bundle().unwrap(), b);
    let mut sorted = ps;
    sorted.sort_by(|a, b| a.code.cmp(&b.code));
    assert_eq!(store.procedures().unwrap(), sorted);
}

#[test]
fn a_bundle_that_does_not_hash_to_its_hash_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let store = CatalogStore::open(dir.path()).unwrap();
    let mut b = bundle(1, "A");
    b.procedures[3].name.push_str(" (sửa)");
    let e = store.install(&b).unwrap_err();
    assert_eq!(e.code(), "bad_bundle", "{e}");
    assert!(store.current().unwrap().is_none());
    assert!(catalog_files(dir.path()).is_empty());
}

/// Installs `old`, then dies at `step` of `change` (which makes `new`
/// current when it completes), and opens the directory again: the catalog
/// is `old` or, once switched, `new`, and only their files are left.
fn crashed_at(
    step: Step,
    old: &Bundle,
    new: &Bundle,
    change: impl Fn(&CatalogStore, Option<Step>),
) -> (tempfile::TempDir, CatalogStore) {
    let dir = tempfile::tempdir().unwrap();
    {
        let store = CatalogStore::open(dir.path()).unwrap();
        store.install(old).unwrap();
        change(&store, Some(step));
        // The process dies here: nothing else runs.
    }
    let store = CatalogStore::open(dir.path()).unwrap();
    let files = catalog_files(dir.path());
    if step == Step::Switched {
        assert_holds(&store, new);
        assert_eq!(store.read_version(PREVIOUS).unwrap(), Some(1));
        assert_eq!(files, [files::name(1, "hcat"), files::name(2, "hcat")]);
    } else {
        assert_holds(&store, old);
        // The unfinished change's files are collected on open.
        assert_eq!(files, [files::name(1, "hcat")], "{step:?}");
    }
    (dir, store)
}

#[test]
fn a_crash_at_any_step_of_an_install_leaves_the_old_catalog_or_the_new() {
    let (old, new) = (bundle(1, "A"), bundle(2, "B"));
    for step in [Step::Written, Step::Renamed, Step::Switched] {
        let (_dir, store) = crashed_at(step, &old, &new, |store, stop| {
            store.install_until(&new, stop).unwrap();
        });
        // And the next install goes through.
        let next = bundle(3, "C");
        store.install(&next).unwrap();
        assert_holds(&store, &next);
    }
}

#[test]
fn an_install_that_cannot_place_its_file_leaves_the_old_catalog() {
    let dir = tempfile::tempdir().unwrap();
    let store = CatalogStore::open(dir.path()).unwrap();
    let old = bundle(1, "A");
    store.install(&old).unwrap();
    // The directory cannot take the new file: the install fails whole.
    let target = hcat(dir.path(), 2);
    std::fs::create_dir(&target).unwrap();
    let e = store.install(&bundle(2, "B")).unwrap_err();
    assert_eq!(e.kind(), hoso_store::error::ErrorKind::Storage, "{e}");
    std::fs::remove_dir(&target).unwrap();
    assert_holds(&store, &old);
    assert_eq!(catalog_files(dir.path()), [files::name(1, "hcat")]);
}

/// Opens the store on `dir` after `damage` and reads what it can.
fn damaged(damage: impl Fn(&mut Vec<u8>, &Path)) -> (tempfile::TempDir, Bundle) {
    let dir = tempfile::tempdir().unwrap();
    let b = bundle(1, "A");
    CatalogStore::open(dir.path()).unwrap().install(&b).unwrap();
    let path = hcat(dir.path(), 1);
    let mut bytes = std::fs::read(&path).unwrap();
    damage(&mut bytes, &path);
    std::fs::write(&path, &bytes).unwrap();
    (dir, b)
}

#[track_caller]
fn assert_damaged<T: std::fmt::Debug>(result: Result<T, CatalogError>) {
    match result {
        Err(e @ CatalogError::Damaged { .. }) => {
            assert_eq!(e.code(), "catalog_damaged");
            assert_eq!(e.kind(), hoso_store::error::ErrorKind::Damaged);
        }
        other => panic!("expected Damaged, got {other:?}"),
    }
}

#[test]
fn a_flipped_byte_in_a_block_damages_that_block_only() {
    let (dir, b) = damaged(|bytes, _| bytes[64 + 40] ^= 0x10);
    let store = CatalogStore::open(dir.path()).unwrap();
    // The table is intact: the catalog's identity reads.
    assert_eq!(store.current().unwrap().unwrap(), b.info);
    assert_damaged(store.procedure(&b.procedures[0].code));
    let last = b.procedures.last().unwrap();
    assert_eq!(&store.procedure(&last.code).unwrap(), last);
    assert_damaged(store.bundle());
    assert_damaged(store.procedures());
}

#[test]
fn a_flipped_byte_in_the_table_or_header_or_a_cut_damages_the_catalog() {
    type Damage = Box<dyn Fn(&mut Vec<u8>, &Path)>;
    let cases: Vec<Damage> = vec![
        Box::new(|bytes, _| {
            let n = bytes.len();
            bytes[n - 10] ^= 0x01;
        }),
        Box::new(|bytes, _| bytes[2] ^= 0x01),
        Box::new(|bytes, _| bytes[20] ^= 0x01),
        Box::new(|bytes, _| {
            let n = bytes.len();
            bytes.truncate(n - 1000);
        }),
        Box::new(|bytes, _| bytes.truncate(30)),
        Box::new(|bytes, _| bytes.clear()),
    ];
    for damage in cases {
        let (dir, b) = damaged(damage);
        let store = CatalogStore::open(dir.path()).unwrap();
        assert_damaged(store.current());
        assert_damaged(store.procedure(&b.procedures[0].code));
        assert_damaged(store.bundle());
        assert_damaged(store.search_entries());
    }
}

#[test]
fn a_missing_file_is_damage_not_an_empty_catalog() {
    let (dir, b) = damaged(|_, _| {});
    std::fs::remove_file(hcat(dir.path(), 1)).unwrap();
    let store = CatalogStore::open(dir.path()).unwrap();
    assert_damaged(store.procedure(&b.procedures[0].code));
    // A new version installs over it.
    let next = bundle(2, "B");
    store.install(&next).unwrap();
    assert_holds(&store, &next);
}

#[test]
fn damaged_search_entries_are_derived_again() {
    let (dir, b) = damaged(|bytes, path| {
        let file = VersionFile::open(path).unwrap();
        bytes[file.entries_offset() as usize + 5] ^= 0x20;
    });
    let store = CatalogStore::open(dir.path()).unwrap();
    let entries: Vec<SearchEntry> = b.procedures.iter().map(SearchEntry::from).collect();
    assert_eq!(store.search_entries().unwrap(), entries);
    assert_holds(&store, &b);
}

#[test]
fn no_flipped_or_cut_byte_anywhere_makes_a_read_panic() {
    let dir = tempfile::tempdir().unwrap();
    let b = Bundle::new(1, procedures(60, "A", 2000));
    CatalogStore::open(dir.path()).unwrap().install(&b).unwrap();
    let path = hcat(dir.path(), 1);
    let good = std::fs::read(&path).unwrap();
    let table_at = u64::from_le_bytes(good[16..24].try_into().unwrap()) as usize;
    // Every byte of the header and the table, a sample of the blocks and
    // the entries; each flipped by a changing amount, and the file cut there.
    let positions = (0..64)
        .chain((64..table_at).step_by(331))
        .chain((table_at..good.len()).step_by(7));
    for (n, at) in positions.enumerate() {
        let mut bytes = good.clone();
        bytes[at] ^= [0x01u8, 0x80, 0xff, 0x10][n % 4];
        std::fs::write(&path, &bytes).unwrap();
        if let Ok(file) = VersionFile::open(&path) {
            let _ = file.procedure(&b.procedures[7].code);
            let _ = file.verify();
            let _ = file.search_entries();
        }
        std::fs::write(&path, &good[..at]).unwrap();
        let _ = VersionFile::open(&path).map(|f| f.verify());
    }
    std::fs::write(&path, &good).unwrap();
    VersionFile::open(&path).unwrap().verify().unwrap();
}

#[test]
fn the_previous_version_is_kept_and_older_ones_collected() {
    let dir = tempfile::tempdir().unwrap();
    let store = CatalogStore::open(dir.path()).unwrap();
    for v in 1..=6 {
        let b = bundle(v, &format!("v{v}"));
        let from = (v > 1).then(|| v - 1);
        assert_eq!(
            store.install(&b).unwrap(),
            Installed::Switched { from, to: v }
        );
        // A derived file beside each version is collected with it.
        std::fs::write(store.derived_path(v, "idx"), b"derived").unwrap();
        let files = catalog_files(dir.path());
        assert!(files.len() <= 3, "{files:?}");
        assert!(files.contains(&files::name(v, "hcat")));
        if let Some(from) = from {
            assert!(files.contains(&files::name(from, "hcat")), "{files:?}");
            // The previous version's file still reads whole.
            VersionFile::open(&hcat(dir.path(), from))
                .unwrap()
                .verify()
                .unwrap();
        }
        assert_holds(&store, &b);
    }
    // The previous version's derived file goes with the switch.
    assert_eq!(
        catalog_files(dir.path()),
        [
            files::name(5, "hcat"),
            files::name(6, "hcat"),
            files::name(6, "idx")
        ]
    );
}

#[test]
fn stray_files_are_collected_on_open_and_others_left_alone() {
    let dir = tempfile::tempdir().unwrap();
    let b = bundle(1, "A");
    CatalogStore::open(dir.path()).unwrap().install(&b).unwrap();
    let catalog = dir.path().join(files::DIR);
    for name in [
        ".00000000000000000002.hcat.tmp-1-1".to_string(),
        files::name(2, "hcat"),
        files::name(7, "idx"),
        "notes.txt".to_string(),
    ] {
        std::fs::write(catalog.join(name), b"junk").unwrap();
    }
    let store = CatalogStore::open(dir.path()).unwrap();
    assert_eq!(
        catalog_files(dir.path()),
        [files::name(1, "hcat"), "notes.txt".to_string()]
    );
    assert_holds(&store, &b);
}

/// A data directory as hoso kept it before catalog files: `versions` in
/// the old layout, `current` pointing at the last.
fn old_layout(dir: &Path, versions: &[&Bundle]) {
    let store = Store::open(dir).unwrap();
    for b in versions {
        legacy::write(&store, b);
    }
    let mut c = Changes::default();
    let last = versions.last().unwrap().info.version;
    c.put(TREE, CURRENT, last.to_be_bytes());
    store.commit(&c).unwrap();
}

#[test]
fn the_old_layout_is_converted_on_open() {
    let dir = tempfile::tempdir().unwrap();
    let (v1, v2) = (bundle(1, "A"), bundle(2, "B"));
    old_layout(dir.path(), &[&v1, &v2]);
    let store = CatalogStore::open(dir.path()).unwrap();
    assert_eq!(
        catalog_files(dir.path()),
        [files::name(1, "hcat"), files::name(2, "hcat")]
    );
    assert!(legacy::versions(&store.store).unwrap().is_empty());
    assert!(store.store.keys(TREE, b"v/").unwrap().is_empty());
    assert_eq!(store.read_version(PREVIOUS).unwrap(), Some(1));
    assert_holds(&store, &v2);
    // The next install keeps 2 for rollback and collects 1.
    let v3 = bundle(3, "C");
    store.install(&v3).unwrap();
    assert_eq!(
        catalog_files(dir.path()),
        [files::name(2, "hcat"), files::name(3, "hcat")]
    );
}

#[test]
fn the_old_layout_stays_readable_until_it_can_be_converted() {
    let dir = tempfile::tempdir().unwrap();
    let (v1, v2) = (bundle(1, "A"), bundle(2, "B"));
    old_layout(dir.path(), &[&v1, &v2]);
    // Something in the way of the catalog directory: no file can be made.
    let blocker = dir.path().join(files::DIR);
    std::fs::write(&blocker, b"in the way").unwrap();
    {
        let store = CatalogStore::open(dir.path()).unwrap();
        assert_holds(&store, &v2);
        assert_eq!(store.procedures().unwrap(), v2.procedures);
        assert_eq!(
            store.search_entries().unwrap(),
            v2.procedures
                .iter()
                .map(SearchEntry::from)
                .collect::<Vec<_>>()
        );
        assert_eq!(legacy::versions(&store.store).unwrap(), [1, 2]);
    }
    std::fs::remove_file(&blocker).unwrap();
    let store = CatalogStore::open(dir.path()).unwrap();
    assert!(legacy::versions(&store.store).unwrap().is_empty());
    assert_holds(&store, &v2);
}

#[test]
fn an_install_over_the_old_layout_keeps_it_for_rollback() {
    let dir = tempfile::tempdir().unwrap();
    let v1 = bundle(1, "A");
    old_layout(dir.path(), &[&v1]);
    let blocker = dir.path().join(files::DIR);
    std::fs::write(&blocker, b"in the way").unwrap();
    let store = CatalogStore::open(dir.path()).unwrap();
    std::fs::remove_file(&blocker).unwrap();
    // Still the old layout; an install goes to a file and keeps version 1.
    let v2 = bundle(2, "B");
    assert_eq!(
        store.install(&v2).unwrap(),
        Installed::Switched {
            from: Some(1),
            to: 2
        }
    );
    assert_holds(&store, &v2);
    assert_eq!(store.read_version(PREVIOUS).unwrap(), Some(1));
    assert_eq!(legacy::versions(&store.store).unwrap(), [1]);
    let v3 = bundle(3, "C");
    store.install(&v3).unwrap();
    assert!(legacy::versions(&store.store).unwrap().is_empty());
}

/// Version 2 of [`bundle`]`(1, "A")`: three procedures changed, two
/// removed, two added (one before the first code, one after the last); the
/// delta between them as the portal makes it.
fn next_with_delta() -> (Bundle, Bundle, Delta) {
    let old = bundle(1, "A");
    let mut ps = old.procedures.clone();
    for i in [5, 150, 151] {
        ps[i].name.push_str(" (sửa đổi)");
        ps[i].steps.push("Nộp lệ phí trực tuyến.".into());
    }
    ps.retain(|p| p.code != "1.000040" && p.code != "1.000200");
    let mut added = procedures(2, "mới", 900);
    added[0].code = "0.000001".into();
    added[1].code = "9.000001".into();
    ps.extend(added);
    let new = Bundle::new(2, ps);
    let delta = delta_between(&old, &new);
    assert_eq!(
        (delta.added.len(), delta.changed.len(), delta.removed.len()),
        (2, 3, 2)
    );
    (old, new, delta)
}

/// The delta from `old` (version 1) to `new`, as the portal makes it.
fn delta_between(old: &Bundle, new: &Bundle) -> Delta {
    let changes = crate::catalog::delta::changes(&old.procedures, &new.procedures);
    Delta {
        from_version: 1,
        from_content_hash: old.info.content_hash.clone(),
        to: new.info.clone(),
        added: changes.added.into_iter().cloned().collect(),
        changed: changes.changed.into_iter().cloned().collect(),
        removed: changes.removed,
        data: Vec::new(),
        data_removed: Vec::new(),
    }
}

#[test]
fn data_goes_through_a_delta_in_place_as_through_its_bundle() {
    use crate::catalog::data::DataItem;
    let (old, new, mut delta) = next_with_delta();
    let b2 = DataItem::new("notes/b", &b"b2"[..]);
    let c = DataItem::new("notes/c", &b"c1"[..]);
    let old = old
        .with_data(vec![
            DataItem::new("notes/a", &b"a1"[..]),
            DataItem::new("notes/b", &b"b1"[..]),
        ])
        .unwrap();
    let new = new.with_data(vec![b2.clone(), c.clone()]).unwrap();
    delta.from_content_hash = old.info.content_hash.clone();
    delta.to = new.info.clone();
    delta.data = vec![b2, c];
    delta.data_removed = vec!["notes/a".into()];

    let (by_delta, store) = holding(&old);
    assert_eq!(store.data_items().unwrap(), old.data);
    store.apply_delta(delta.clone()).unwrap();
    assert_holds(&store, &new);
    let (by_bundle, other) = holding(&old);
    other.install(&delta.apply(old).unwrap()).unwrap();
    let (a, b) = (hcat(by_delta.path(), 2), hcat(by_bundle.path(), 2));
    assert_eq!(std::fs::read(&a).unwrap(), std::fs::read(&b).unwrap());
    drop(store);
    let reopened = CatalogStore::open(by_delta.path()).unwrap();
    assert_eq!(reopened.data_items().unwrap(), new.data);
}

/// A data directory holding `old`, and its store.
fn holding(old: &Bundle) -> (tempfile::TempDir, CatalogStore) {
    let dir = tempfile::tempdir().unwrap();
    let store = CatalogStore::open(dir.path()).unwrap();
    store.install(old).unwrap();
    (dir, store)
}

#[test]
fn a_delta_applied_in_place_makes_the_file_installing_its_bundle_makes() {
    let (old, new, delta) = next_with_delta();
    let (by_delta, store) = holding(&old);
    assert_eq!(
        store.apply_delta(delta.clone()).unwrap(),
        Installed::Switched {
            from: Some(1),
            to: 2
        }
    );
    assert_holds(&store, &new);
    let entries: Vec<SearchEntry> = new.procedures.iter().map(SearchEntry::from).collect();
    assert_eq!(store.search_entries().unwrap(), entries);
    assert_eq!(store.read_version(PREVIOUS).unwrap(), Some(1));

    let (by_bundle, other) = holding(&old);
    let made = delta.apply(other.bundle().unwrap()).unwrap();
    assert_eq!(made, new);
    other.install(&made).unwrap();
    // Byte for byte: the same blocks, entries and table.
    let (a, b) = (hcat(by_delta.path(), 2), hcat(by_bundle.path(), 2));
    assert_eq!(std::fs::read(&a).unwrap(), std::fs::read(&b).unwrap());
    assert_eq!(
        catalog_files(by_delta.path()),
        [files::name(1, "hcat"), files::name(2, "hcat")]
    );
    // Reopened, from the file.
    drop(store);
    assert_holds(&CatalogStore::open(by_delta.path()).unwrap(), &new);
}

#[test]
fn a_file_rewritten_from_its_stored_bytes_is_the_same_file_every_block_copied() {
    let (old, _, _) = next_with_delta();
    let (dir, _store) = holding(&old);
    let path = hcat(dir.path(), 1);
    let before = VersionFile::open(&path).unwrap();
    let entries = before.search_entries().unwrap().unwrap();
    let copy = dir.path().join("copy");
    let mut out = std::fs::File::create(&copy).unwrap();
    let mut writer = writer::Writer::new(&mut out, Some(&before)).unwrap();
    before
        .walk(&mut |stored| -> Result<(), CatalogError> {
            match stored {
                version_file::Stored::Block { index, compressed } => {
                    writer.holding(index, compressed)
                }
                version_file::Stored::Procedure { code, json, from } => {
                    writer.push(code, json, Some(from)).unwrap()
                }
            }
            Ok(())
        })
        .unwrap();
    let written = writer.finish(before.info(), &entries, &[]).unwrap();
    assert!(written.blocks > 2);
    assert_eq!((written.reused, written.fresh.len()), (written.blocks, 0));
    assert_eq!(written.content_hash, old.info.content_hash);
    drop(out);
    assert_eq!(std::fs::read(&copy).unwrap(), std::fs::read(&path).unwrap());
}

#[test]
fn a_delta_applied_in_place_copies_the_blocks_it_does_not_touch() {
    let (old, _, delta) = next_with_delta();
    let (dir, store) = holding(&old);
    store.apply_delta(delta).unwrap();
    let old_file = VersionFile::open(&hcat(dir.path(), 1)).unwrap();
    let before = old_file.block_checksums();
    let after = VersionFile::open(&hcat(dir.path(), 2))
        .unwrap()
        .block_checksums();
    let copied = after.iter().filter(|c| before.contains(c)).count();
    // The blocks of the codes touched (those added go to the first and
    // the last); the others are copied as they are.
    let touched: std::collections::BTreeSet<u32> = [
        "1.000000", "1.000005", "1.000040", "1.000150", "1.000151", "1.000200", "1.000299",
    ]
    .iter()
    .map(|code| old_file.block_of(code).unwrap())
    .collect();
    assert!(before.len() > touched.len(), "{} blocks", before.len());
    assert_eq!(copied, before.len() - touched.len());
}

#[test]
fn each_delta_rule_refused_in_place_leaves_the_old_catalog() {
    let (old, _, good) = next_with_delta();
    type Spoil = Box<dyn Fn(&mut Delta)>;
    let cases: Vec<(&str, Spoil)> = vec![
        ("delta_base_mismatch", Box::new(|d| d.from_version = 7)),
        (
            "delta_base_mismatch",
            Box::new(|d| d.from_content_hash = "00".repeat(32)),
        ),
        (
            "delta_hash_mismatch",
            Box::new(|d| d.changed[1].name.push_str(" (giả mạo)")),
        ),
        (
            "delta_hash_mismatch",
            Box::new(|d| d.to.content_hash = "ab".repeat(32)),
        ),
        (
            "delta_count_mismatch",
            Box::new(|d| d.to.procedure_count += 1),
        ),
        (
            "delta_changed_not_held",
            Box::new(|d| d.changed[0].code = "1.999999".into()),
        ),
        (
            "delta_added_already_held",
            Box::new(|d| d.added[1].code = "1.000100".into()),
        ),
        (
            "delta_removed_not_held",
            Box::new(|d| d.removed.push("5.5".into())),
        ),
        (
            "delta_duplicate",
            Box::new(|d| d.added.push(d.added[0].clone())),
        ),
        (
            "delta_duplicate",
            Box::new(|d| d.removed.push(d.changed[0].code.clone())),
        ),
        ("stale_bundle", Box::new(|d| d.to.version = 1)),
        ("version_jump", Box::new(|d| d.to.version = u64::MAX)),
    ];
    for (code, spoil) in cases {
        let (dir, store) = holding(&old);
        let mut delta = good.clone();
        spoil(&mut delta);
        let e = store.apply_delta(delta).unwrap_err();
        assert_eq!(e.code(), code, "{e}");
        if code.starts_with("delta_") {
            assert!(matches!(e, CatalogError::Delta(_)), "{e}");
            assert_eq!(e.kind(), hoso_store::error::ErrorKind::InvalidInput);
        }
        assert_holds(&store, &old);
        assert_eq!(
            catalog_files(dir.path()),
            [files::name(1, "hcat")],
            "{code}"
        );
        drop(store);
        assert_holds(&CatalogStore::open(dir.path()).unwrap(), &old);
    }
}

#[test]
fn a_crash_at_any_step_of_a_delta_leaves_the_old_catalog_or_the_new() {
    let (old, new, delta) = next_with_delta();
    for step in [Step::Written, Step::Renamed, Step::Switched] {
        let (_dir, store) = crashed_at(step, &old, &new, |store, stop| {
            store.apply_delta_until(delta.clone(), stop).unwrap();
        });
        if step != Step::Switched {
            // And the delta applies after the restart.
            store.apply_delta(delta.clone()).unwrap();
            assert_holds(&store, &new);
        }
    }
}

#[test]
fn a_delta_over_stale_or_damaged_search_entries_derives_them() {
    let (old, new, delta) = next_with_delta();
    let (dir, store) = holding(&old);
    drop(store);
    let path = hcat(dir.path(), 1);
    let mut bytes = std::fs::read(&path).unwrap();
    let at = VersionFile::open(&path).unwrap().entries_offset() as usize;
    bytes[at + 5] ^= 0x20;
    std::fs::write(&path, &bytes).unwrap();
    let store = CatalogStore::open(dir.path()).unwrap();
    store.apply_delta(delta).unwrap();
    assert_holds(&store, &new);
    let entries: Vec<SearchEntry> = new.procedures.iter().map(SearchEntry::from).collect();
    assert_eq!(store.search_entries().unwrap(), entries);
    let file = VersionFile::open(&hcat(dir.path(), 2)).unwrap();
    assert_eq!(file.search_entries().unwrap(), Some(entries));
}

#[test]
fn a_delta_over_a_damaged_block_is_refused_as_damage() {
    let (old, _, delta) = next_with_delta();
    let (dir, store) = holding(&old);
    drop(store);
    let path = hcat(dir.path(), 1);
    let mut bytes = std::fs::read(&path).unwrap();
    bytes[64 + 40] ^= 0x10;
    std::fs::write(&path, &bytes).unwrap();
    let store = CatalogStore::open(dir.path()).unwrap();
    assert_damaged(store.apply_delta(delta));
    assert_eq!(store.current_version().unwrap(), Some(1));
    assert_eq!(catalog_files(dir.path()), [files::name(1, "hcat")]);
}

#[test]
fn a_delta_over_a_catalog_out_of_code_order_is_merged_as_procedures() {
    let (_, new, _) = next_with_delta();
    let (sorted, _, _) = next_with_delta();
    let mut ps = sorted.procedures.clone();
    ps.reverse();
    let old = Bundle {
        info: BundleInfo {
            content_hash: crate::catalog::bundle::content_hash(&ps),
            ..sorted.info.clone()
        },
        procedures: ps,
        data: Vec::new(),
    };
    let (_dir, store) = holding(&old);
    let delta = delta_between(&old, &new);
    store.apply_delta(delta).unwrap();
    assert_holds(&store, &new);
}

#[test]
fn the_read_back_after_a_delta_catches_a_torn_or_wrong_file() {
    let (old, new, delta) = next_with_delta();
    let (dir, store) = holding(&old);
    store.apply_delta(delta).unwrap();
    drop(store);
    let path = hcat(dir.path(), 2);
    let good = std::fs::read(&path).unwrap();
    let file = VersionFile::open(&path).unwrap();
    let blocks = file.block_checksums().len() as u32;
    let all: Vec<u32> = (0..blocks).collect();
    file.verify_stored(&new.info, &all).unwrap();
    file.verify_stored(&new.info, &[]).unwrap();
    let mut other = new.info.clone();
    other.created_at += 1;
    assert_damaged(file.verify_stored(&other, &[]));
    let entries = file.entries_offset() as usize;
    // A flipped byte in the first block, in the middle of the blocks, in
    // the entries; the file cut short.
    for at in [64 + 10, (64 + entries) / 2, entries + 3] {
        let mut bytes = good.clone();
        bytes[at] ^= 0x04;
        std::fs::write(&path, &bytes).unwrap();
        let torn = VersionFile::open(&path).unwrap();
        assert_damaged(torn.verify_stored(&new.info, &[]));
    }
    std::fs::write(&path, &good[..good.len() - 100]).unwrap();
    assert_damaged(VersionFile::open(&path).and_then(|f| f.verify_stored(&new.info, &[])));
}
