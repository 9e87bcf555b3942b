//! The hand-made forms of the national essential online services (issue
//! #22): every one the catalog holds is hand-made, lints clean, and drafts
//! with the profile's prefill and come back whole after the store is
//! reopened, with nothing outside the form.

mod common;

use common::{FixedKey, SOURCE};
use hoso_core::catalog::bundle::Bundle;
use hoso_core::catalog::parse::parse_record;
use hoso_core::catalog::source::read_records;
use hoso_core::catalog::store::CatalogStore;
use hoso_core::draft::{Drafts, ValueSource};
use hoso_core::form::{builtin_codes, CheckMode};
use hoso_core::profile::Profiles;
use std::path::Path;

const KEY: FixedKey = FixedKey([9; 32]);

/// The 25 essential online services of Project 06 that the issue lists,
/// and the parts of the two linked groups (birth: 2.000986; death:
/// 1.000656 + 1.003197 + 2.000821).
const ESSENTIAL: [&str; 30] = [
    "1.012566", "1.014063", "1.014064", "1.004222", "1.004194", "1.003677", "2.001159", "1.001193",
    "1.000656", "1.000894", "1.001456", "1.001471", "1.012575", "1.013066", "1.013067", "3.000347",
    "3.000348", "2.001403", "2.001410", "1.001939", "1.008498", "1.008503", "1.008504", "1.008505",
    "1.013833", "3.000333", "3.000330", "2.000986", "1.003197", "2.000821",
];

#[test]
fn every_essential_service_drafts_from_its_hand_made_form_with_prefill() {
    let all: Vec<_> = read_records(Path::new(SOURCE))
        .expect("read the national data")
        .iter()
        .map(parse_record)
        .collect();
    let held: Vec<&str> = ESSENTIAL
        .into_iter()
        .filter(|code| all.iter().any(|p| p.code == *code))
        .collect();
    // The national catalog holds all of them today.
    assert_eq!(held.len(), ESSENTIAL.len());
    for code in &held {
        assert!(
            builtin_codes().contains(code),
            "{code} has no hand-made form"
        );
    }
    let procedures: Vec<_> = all
        .into_iter()
        .filter(|p| builtin_codes().contains(&p.code.as_str()))
        .collect();
    let dir = tempfile::tempdir().unwrap();
    CatalogStore::open(dir.path())
        .unwrap()
        .install(&Bundle::new(1, procedures))
        .unwrap();
    let profiles = Profiles::open(dir.path(), &KEY).unwrap();
    profiles.set(None, "full_name", "Nguyễn Văn An").unwrap();
    profiles.set(None, "sex", "nam").unwrap();
    profiles.set(None, "date_of_birth", "15/03/1990").unwrap();
    profiles.set(None, "id_number", "001090012345").unwrap();
    profiles.set(None, "phone", "0912 345 678").unwrap();
    profiles.set(None, "address.province", "ha noi").unwrap();
    profiles
        .set(None, "address.commune", "Phường Ba Đình")
        .unwrap();
    profiles
        .set(None, "address.detail", "Số 1 phố Điện Biên Phủ")
        .unwrap();
    let (wife, _) = profiles.add_member("vợ").unwrap();
    profiles
        .set(Some(&wife), "full_name", "Trần Thị Bình")
        .unwrap();
    profiles.set(Some(&wife), "sex", "nữ").unwrap();
    drop(profiles);

    let mut made = Vec::new();
    {
        let drafts = Drafts::open(dir.path(), &KEY).unwrap();
        for code in builtin_codes() {
            let d = drafts.create(code, true).unwrap();
            let schema = drafts.schema(&d).unwrap();
            assert!(schema.builtin && schema.version >= 1, "{code}");
            assert!(schema.lint().is_empty(), "{code}: {:?}", schema.lint());
            // The filer's block takes the user's own data.
            let mine: Vec<&String> = d
                .values
                .iter()
                .filter(|(path, _)| {
                    d.source_of(path)
                        == Some(ValueSource::Profile {
                            person: "me".into(),
                        })
                })
                .map(|(path, _)| path)
                .collect();
            assert!(
                mine.iter().any(|p| p.ends_with(".full_name")),
                "{code}: nothing of the profile prefilled ({mine:?})"
            );
            for path in &mine {
                if path.ends_with(".full_name") {
                    assert_eq!(d.values[*path], "Nguyễn Văn An", "{code}");
                }
            }
            // Every prefilled value is a field of the form, and it is far
            // from ready: the form asks more than the profile holds.
            let view = drafts.view(&d).unwrap();
            assert!(
                view.unknown_values.is_empty(),
                "{code}: {:?}",
                view.unknown_values
            );
            let report = drafts.validate(&d.id, CheckMode::Complete).unwrap();
            assert!(!report.ready, "{code}");
            assert!(report.invalid.is_empty(), "{code}: {:?}", report.invalid);
            made.push(d);
        }
    }
    // Reopened: every draft reads back exactly as it was saved.
    let drafts = Drafts::open(dir.path(), &KEY).unwrap();
    for d in &made {
        assert_eq!(&drafts.get(&d.id).unwrap(), d, "{}", d.procedure_code);
    }
    assert_eq!(drafts.list().unwrap().len(), builtin_codes().len());
}
