//! Drafts and the profile over a real catalog: prefill, set/clear with
//! normalisation, invalid values kept with their problem, duplicate, delete,
//! id prefixes, catalog updates explained, encryption at rest (no personal
//! data in any file under the data directory) and a wrong key refused.

mod common;

use common::{install_catalog, procedures, FixedKey};
use hoso_core::catalog::bundle::Bundle;
use hoso_core::catalog::store::CatalogStore;
use hoso_core::draft::{DraftError, Drafts, ValueSource};
use hoso_core::form::CheckMode;
use hoso_core::profile::{ProfileError, Profiles};
use hoso_core::validate::regions::Upgrade;
use hoso_core::vault::VaultError;
use std::path::Path;

const KEY: FixedKey = FixedKey([7; 32]);

fn setup() -> (tempfile::TempDir, Drafts) {
    let dir = tempfile::tempdir().unwrap();
    install_catalog(dir.path(), 1);
    let drafts = Drafts::open(dir.path(), &KEY).unwrap();
    (dir, drafts)
}

#[test]
fn set_normalises_and_keeps_malformed_values_with_their_problem() {
    let (_dir, drafts) = setup();
    let d = drafts.create("1.001022", false).unwrap();
    assert_eq!(d.revision, 1);
    let ok = drafts
        .set(&d.id, "applicant.phone", "+84 912 345 678")
        .unwrap();
    assert_eq!(ok.value, "0912345678");
    assert!(ok.problem.is_none() && ok.warning.is_none());
    let bad = drafts
        .set(&d.id, "applicant.date_of_birth", "31/02/1990")
        .unwrap();
    let problem = bad.problem.expect("impossible date flagged");
    assert!(!problem.message_vi.is_empty() && !problem.message_en.is_empty());
    // Saved as typed all the same: nothing the user entered is lost.
    let again = drafts.get(&d.id).unwrap();
    assert_eq!(again.values["applicant.date_of_birth"], "31/02/1990");
    assert_eq!(again.revision, 3);
    // A well-formed value that breaks a rule in context is flagged at once.
    let id = drafts
        .set(&d.id, "applicant.id_number", "001099012345")
        .unwrap();
    assert!(id.problem.is_none() && id.issues.is_empty());
    let dob = drafts
        .set(&d.id, "applicant.date_of_birth", "02/02/2100")
        .unwrap();
    assert!(dob.problem.is_none(), "{:?}", dob.problem);
    assert!(
        dob.issues
            .iter()
            .any(|i| i.field == "applicant.date_of_birth"),
        "{:?}",
        dob.issues
    );
    drafts.clear(&d.id, "applicant.id_number").unwrap();
    drafts
        .set(&d.id, "applicant.date_of_birth", "31/02/1990")
        .unwrap();
    // Unknown fields are refused and nothing changes.
    assert!(matches!(
        drafts.set(&d.id, "applicant.shoe_size", "42"),
        Err(DraftError::Form(_))
    ));
    assert_eq!(drafts.get(&d.id).unwrap().revision, 7);
    // Clearing, including by setting an empty value.
    drafts.clear(&d.id, "applicant.phone").unwrap();
    drafts.set(&d.id, "applicant.date_of_birth", " ").unwrap();
    let cleared = drafts.get(&d.id).unwrap();
    assert!(!cleared.values.contains_key("applicant.phone"));
    assert!(!cleared.values.contains_key("applicant.date_of_birth"));
}

/// A mobile number in a block the numbering plan reserves for mobile but
/// in a prefix not (yet) allocated is saved normalised with a warning, in a
/// draft and in the profile; a landline is still a problem (draft: saved as
/// typed) or a refusal (profile: nothing saved).
#[test]
fn unallocated_mobile_prefixes_are_saved_with_a_warning() {
    let (dir, drafts) = setup();
    let d = drafts.create("1.001022", false).unwrap();
    let doubtful = drafts
        .set(&d.id, "applicant.phone", "+84 53 123 4567")
        .unwrap();
    assert_eq!(doubtful.value, "0531234567");
    assert!(doubtful.problem.is_none());
    let warning = doubtful.warning.expect("unallocated prefix flagged");
    assert_eq!(warning.code, "phone_prefix_unallocated");
    assert!(warning.message_vi.contains("053"), "{}", warning.message_vi);
    assert_eq!(
        drafts.get(&d.id).unwrap().values["applicant.phone"],
        "0531234567"
    );
    // Accepted by the draft's check too: the number can be filed.
    let report = drafts.validate(&d.id, CheckMode::Partial).unwrap();
    assert!(
        !report.invalid.iter().any(|i| i.field == "applicant.phone"),
        "{:?}",
        report.invalid
    );
    // Newly allocated prefixes the old hand list refused.
    let now_ok = drafts.set(&d.id, "applicant.phone", "0311234567").unwrap();
    assert!(now_ok.problem.is_none() && now_ok.warning.is_none());
    let landline = drafts
        .set(&d.id, "applicant.phone", "024 3825 1234")
        .unwrap();
    assert_eq!(landline.problem.map(|p| p.code), Some("phone_landline"));
    assert!(landline.warning.is_none());

    let profiles = Profiles::open(dir.path(), &KEY).unwrap();
    let change = profiles.set(None, "phone", "0524 123 456").unwrap();
    assert_eq!(change.profile.me["phone"], "0524123456");
    let warning = change.warning.expect("unallocated prefix flagged");
    assert_eq!(warning.code, "phone_prefix_unallocated");
    assert!(
        warning.message_en.starts_with("0524 "),
        "{}",
        warning.message_en
    );
    let fixed = profiles.set(None, "phone", "0522 123 456").unwrap();
    assert!(fixed.warning.is_none());
    let err = profiles.set(None, "phone", "0241234567").unwrap_err();
    assert_eq!(err.code(), "phone_landline");
    assert_eq!(profiles.get().unwrap().me["phone"], "0522123456");
}

#[test]
fn a_value_too_long_to_file_is_refused_and_nothing_changes() {
    let (dir, drafts) = setup();
    let d = drafts.create("1.001022", false).unwrap();
    drafts
        .set(&d.id, "applicant.full_name", "Trần Thị Hoa")
        .unwrap();
    let pasted = "a".repeat(1 << 20);
    let e = drafts
        .set(&d.id, "applicant.full_name", &pasted)
        .unwrap_err();
    assert!(matches!(e, DraftError::ValueTooLong { .. }), "{e}");
    assert_eq!(e.code(), "value_too_long");
    let kept = drafts.get(&d.id).unwrap();
    assert_eq!(kept.values["applicant.full_name"], "Trần Thị Hoa");
    let at_limit = "a".repeat(hoso_core::limits::FORM_VALUE_CHARS);
    assert!(drafts.set(&d.id, "applicant.full_name", &at_limit).is_ok());

    let profiles = Profiles::open(dir.path(), &KEY).unwrap();
    let e = profiles.set(None, "address.detail", &pasted).unwrap_err();
    assert!(matches!(e, ProfileError::Invalid { .. }), "{e}");
    assert_eq!(e.code(), "value_too_long");
}

#[test]
fn profile_prefills_new_drafts_and_marks_the_source() {
    let (dir, drafts) = setup();
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
    let (wife, _) = profiles.add_member("vợ").unwrap();
    profiles
        .set(Some(&wife), "full_name", "Trần Thị Bình")
        .unwrap();
    profiles.set(Some(&wife), "sex", "nữ").unwrap();
    profiles
        .set(Some(&wife), "date_of_birth", "02/09/1992")
        .unwrap();

    // An ID number that contradicts the date of birth and sex is saved
    // with a warning, so either can then be corrected.
    let change = profiles
        .set(Some(&wife), "id_number", "001090012345")
        .unwrap();
    let warning = change.warning.expect("inconsistency reported");
    assert!(warning.code.starts_with("id_"), "{}", warning.code);
    let fixed = profiles
        .set(Some(&wife), "id_number", "001192012345")
        .unwrap();
    assert!(fixed.warning.is_none());
    // A malformed value is refused and nothing is saved.
    let err = profiles.set(Some(&wife), "phone", "12345").unwrap_err();
    assert!(matches!(err, ProfileError::Invalid { .. }), "{err}");

    let d = drafts.create("1.001193", true).unwrap();
    assert_eq!(d.values.get("father.full_name").unwrap(), "Nguyễn Văn An");
    assert_eq!(d.values.get("mother.full_name").unwrap(), "Trần Thị Bình");
    assert_eq!(
        d.source_of("father.full_name"),
        Some(ValueSource::Profile {
            person: "me".into()
        })
    );
    assert_eq!(
        d.source_of("mother.full_name"),
        Some(ValueSource::Profile {
            person: wife.clone()
        })
    );
    // The user changes a prefilled value: it is theirs now.
    drafts
        .set(&d.id, "father.full_name", "Nguyễn Văn Anh")
        .unwrap();
    let d = drafts.get(&d.id).unwrap();
    assert_eq!(d.source_of("father.full_name"), Some(ValueSource::User));
    // Opting out of prefill.
    let plain = drafts.create("1.001193", false).unwrap();
    assert!(plain.values.is_empty());
}

#[test]
fn addresses_are_kept_by_official_name_and_code() {
    // Issue #21: the profile and drafts store a province and commune that
    // name a unit together by their official names and the commune's code.
    let (dir, drafts) = setup();
    let profiles = Profiles::open(dir.path(), &KEY).unwrap();
    profiles.set(None, "address.province", "ha noi").unwrap();
    // A former ward: saved as typed, with a warning naming what it is now.
    let change = profiles
        .set(None, "address.commune", "Phường Phúc Xá")
        .unwrap();
    let warning = change.warning.expect("former ward reported");
    assert_eq!(warning.code, "commune_former");
    assert!(
        warning.message_vi.contains("Phường Hồng Hà"),
        "{}",
        warning.message_vi
    );
    assert!(!change.profile.me.contains_key("address.code"));
    // The unit it is part of now, typed loosely.
    let change = profiles.set(None, "address.commune", "P. Hong Ha").unwrap();
    assert!(change.warning.is_none());
    assert_eq!(change.profile.me["address.commune"], "Phường Hồng Hà");
    assert_eq!(change.profile.me["address.province"], "Thành phố Hà Nội");
    let code = change.profile.me["address.code"].clone();
    assert_eq!(code.len(), 5);
    // Drafts take the code with the names.
    let d = drafts.create("1.001193", true).unwrap();
    assert_eq!(d.values["applicant.address.code"], code);
    // The code belongs to the form's address: not shown as a stray value.
    let view = drafts.view(&d).unwrap();
    assert!(view.unknown_values.is_empty(), "{:?}", view.unknown_values);
    // Moving to another province's ward in the draft: official name and
    // the new code; the old code never stays beside other names.
    drafts
        .set(&d.id, "applicant.address.province", "tp hcm")
        .unwrap();
    let d = drafts.get(&d.id).unwrap();
    assert!(!d.values.contains_key("applicant.address.code"));
    let set = drafts
        .set(&d.id, "applicant.address.commune", "phường bến thành")
        .unwrap();
    assert!(set.problem.is_none() && set.issues.is_empty(), "{set:?}");
    assert_eq!(set.value, "Phường Bến Thành");
    let d = drafts.get(&d.id).unwrap();
    let ben_thanh = d.values["applicant.address.code"].clone();
    assert_ne!(ben_thanh, code);
    // A ward of another province is an issue on the commune, with no code.
    drafts
        .set(&d.id, "applicant.address.province", "Hà Nội")
        .unwrap();
    let report = drafts.validate(&d.id, CheckMode::Partial).unwrap();
    let issue = report
        .invalid
        .iter()
        .find(|i| i.field == "applicant.address.commune")
        .expect("misplaced ward reported");
    assert_eq!(issue.code, "commune_other_province");
    let d = drafts.get(&d.id).unwrap();
    assert!(!d.values.contains_key("applicant.address.code"));
    // Clearing the commune clears nothing else but the code.
    drafts
        .set(&d.id, "applicant.address.province", "HCM")
        .unwrap();
    assert!(drafts
        .get(&d.id)
        .unwrap()
        .values
        .contains_key("applicant.address.code"));
    drafts.clear(&d.id, "applicant.address.commune").unwrap();
    let d = drafts.get(&d.id).unwrap();
    assert!(!d.values.contains_key("applicant.address.code"));
    assert!(d.values.contains_key("applicant.address.province"));
}

#[test]
fn addresses_saved_before_the_unit_table_are_upgraded_in_place() {
    // Values as hoso kept them before issue #21: a former ward, a township,
    // a name that is no unit at all.
    let (dir, drafts) = setup();
    let profiles = Profiles::open(dir.path(), &KEY).unwrap();
    profiles.set(None, "address.province", "Hà Nội").unwrap();
    profiles
        .set(None, "address.commune", "Phường Phúc Xá")
        .unwrap();
    let (child, _) = profiles.add_member("con").unwrap();
    profiles
        .set(Some(&child), "address.province", "Hà Nội")
        .unwrap();
    profiles
        .set(Some(&child), "address.commune", "Phường Không Có Thật")
        .unwrap();
    let (profile, report) = profiles.upgrade_addresses().unwrap();
    assert_eq!(report.len(), 2);
    let me = &report[0];
    assert_eq!(me.person, "me");
    assert!(matches!(me.upgrade, Upgrade::Converted { .. }), "{me:?}");
    assert_eq!(profile.me["address.commune"], "Phường Hồng Hà");
    assert_eq!(profile.me["address.code"].len(), 5);
    assert!(matches!(report[1].upgrade, Upgrade::Unresolved { .. }));
    let kid = profile.person(Some(&child)).unwrap();
    assert_eq!(
        kid["address.commune"], "Phường Không Có Thật",
        "left as typed"
    );
    // Again: nothing left to change.
    let (_, again) = profiles.upgrade_addresses().unwrap();
    assert!(matches!(again[0].upgrade, Upgrade::Unchanged { .. }));

    let d = drafts.create("1.001193", false).unwrap();
    drafts
        .set(&d.id, "mother.address.province", "ha noi")
        .unwrap();
    drafts
        .set(&d.id, "mother.address.commune", "Thị trấn Đông Anh")
        .unwrap();
    drafts
        .set(&d.id, "father.address.province", "Hà Nội")
        .unwrap();
    drafts
        .set(&d.id, "father.address.commune", "Phường Ba Đình")
        .unwrap();
    let (draft, report) = drafts.upgrade_addresses(&d.id).unwrap();
    let fields: Vec<&str> = report.iter().map(|r| r.field.as_str()).collect();
    assert_eq!(fields, ["father.address", "mother.address"]);
    assert!(
        matches!(report[0].upgrade, Upgrade::Unchanged { .. }),
        "{:?}",
        report[0]
    );
    let Upgrade::Converted { place, former, .. } = &report[1].upgrade else {
        panic!("{:?}", report[1])
    };
    assert!(former.as_deref().unwrap().starts_with("Thị trấn Đông Anh"));
    assert_eq!(draft.values["mother.address.commune"], place.commune_name);
    assert_eq!(draft.values["mother.address.code"], place.commune_code);
    let checked = drafts.validate(&d.id, CheckMode::Partial).unwrap();
    assert!(
        !checked
            .invalid
            .iter()
            .any(|i| i.field.starts_with("mother.address")),
        "{:?}",
        checked.invalid
    );
}

#[test]
fn list_duplicate_delete_and_id_prefixes() {
    let (_dir, drafts) = setup();
    let a = drafts.create("1.001022", false).unwrap();
    drafts
        .set(&a.id, "applicant.full_name", "Lê Văn C")
        .unwrap();
    let b = drafts.duplicate(&a.id[..6]).unwrap();
    assert_ne!(a.id, b.id);
    assert_eq!(b.values.get("applicant.full_name").unwrap(), "Lê Văn C");
    assert_eq!(drafts.list().unwrap().len(), 2);
    assert_eq!(drafts.delete(&b.id).unwrap(), b.id);
    assert!(matches!(drafts.get(&b.id), Err(DraftError::NotFound(_))));
    assert_eq!(drafts.list().unwrap().len(), 1);
    assert!(matches!(drafts.get("zzzz"), Err(DraftError::NotFound(_))));
    assert!(matches!(drafts.get("../x"), Err(DraftError::NotFound(_))));
}

#[test]
fn partial_and_complete_validation() {
    let (_dir, drafts) = setup();
    let d = drafts.create("1.001022", false).unwrap();
    let partial = drafts.validate(&d.id, CheckMode::Partial).unwrap();
    assert!(!partial.ready);
    assert!(partial
        .missing
        .iter()
        .any(|i| i.field == "applicant.full_name" && i.code == "required"));
    drafts.set(&d.id, "applicant.id_number", "12345").unwrap();
    let complete = drafts.validate(&d.id, CheckMode::Complete).unwrap();
    assert!(!complete.ready);
    assert!(complete
        .invalid
        .iter()
        .any(|i| i.field == "applicant.id_number"));
    assert!(complete.requirement_changes.is_empty());
}

/// The slot of the birth certificate ("Giấy chứng sinh") in a draft's form.
fn birth_certificate_slot(drafts: &Drafts, draft: &hoso_core::draft::Draft) -> String {
    drafts
        .schema(draft)
        .unwrap()
        .slots
        .iter()
        .find(|s| s.name.starts_with("Giấy chứng sinh"))
        .unwrap()
        .id
        .clone()
}

#[test]
fn catalog_update_is_explained_and_can_be_adopted() {
    let (dir, drafts) = setup();
    let d = drafts.create("1.001193", false).unwrap();
    let scan = dir.path().join("giay-chung-sinh.pdf");
    std::fs::write(&scan, b"%PDF-1.4\nbirth certificate scan\n%%EOF\n").unwrap();
    let birth_slot = birth_certificate_slot(&drafts, &d);
    drafts
        .attach(&d.id, &birth_slot, &scan, &mut |_| true)
        .unwrap();
    // Version 2 of the catalog drops the first document of 1.001193 and
    // asks for a new one.
    let mut procs = procedures().to_vec();
    let p = procs.iter_mut().find(|p| p.code == "1.001193").unwrap();
    let dropped = p.documents.remove(0).name;
    let mut added = p.documents[0].clone();
    added.name = "Giấy xác nhận mới theo quy định 2026".into();
    p.documents.push(added);
    CatalogStore::open(dir.path())
        .unwrap()
        .install(&Bundle::new(2, procs))
        .unwrap();
    let report = drafts.validate(&d.id, CheckMode::Partial).unwrap();
    assert_eq!(report.draft_catalog_version, 1);
    assert_eq!(report.current_catalog_version, 2);
    let changes: Vec<_> = report
        .requirement_changes
        .iter()
        .map(|c| (c.code, c.document.clone()))
        .collect();
    assert!(
        changes.contains(&("document_removed", dropped)),
        "{changes:?}"
    );
    assert!(
        changes.contains(&(
            "document_added",
            "Giấy xác nhận mới theo quy định 2026".to_string()
        )),
        "{changes:?}"
    );
    let upgraded = drafts.accept_catalog_update(&d.id).unwrap();
    let after = drafts.validate(&d.id, CheckMode::Partial).unwrap();
    assert!(after.requirement_changes.is_empty());
    // The attached birth certificate followed its document to its new slot.
    let new_slot = birth_certificate_slot(&drafts, &upgraded);
    assert_ne!(new_slot, birth_slot);
    assert_eq!(upgraded.documents[&new_slot].len(), 1);
    assert!(!after
        .missing
        .iter()
        .any(|m| m.field == format!("documents.{new_slot}")));
}

/// The birth registration form as version 2 (#22 item 4): the applicant's
/// full name renamed `ho_ten`, the applicant's email removed, the child's
/// place of birth now a date (a value typed for the text no longer fits).
fn birth_form_v2() -> hoso_core::catalog::data::DataItem {
    let mut form: serde_json::Value =
        serde_json::from_str(hoso_core::form::builtin_source("1.001193").unwrap()).unwrap();
    form["version"] = 2.into();
    let fields = |form: &serde_json::Value, g: usize| -> Vec<serde_json::Value> {
        form["groups"][g]["fields"].as_array().unwrap().clone()
    };
    let mut applicant = fields(&form, 0);
    applicant.retain(|f| f["id"] != "email");
    for f in applicant.iter_mut().filter(|f| f["id"] == "full_name") {
        f["id"] = "ho_ten".into();
    }
    form["groups"][0]["fields"] = applicant.into();
    let mut child = fields(&form, 1);
    for f in child.iter_mut().filter(|f| f["id"] == "place_of_birth") {
        f["kind"] = serde_json::json!({"type": "date"});
    }
    form["groups"][1]["fields"] = child.into();
    form["renamed"] = serde_json::json!([{"from": "applicant.full_name", "to": "applicant.ho_ten", "version": 2}]);
    hoso_core::catalog::data::DataItem::new(
        &hoso_core::form::form_item_name("1.001193"),
        serde_json::to_vec(&form).unwrap(),
    )
}

#[test]
fn a_draft_follows_its_form_to_a_new_version_and_loses_nothing() {
    let (dir, drafts) = setup();
    let d = drafts.create("1.001193", false).unwrap();
    assert_eq!(d.form_version, 1);
    let values = [
        ("applicant.full_name", "Trần Thị Mai"),
        ("applicant.email", "mai@example.vn"),
        ("child.place_of_birth", "Bệnh viện Phụ sản Hà Nội"),
        ("child.full_name", "Trần Minh Khôi"),
        ("applicant.phone", "0912345678"),
    ];
    for (path, value) in values {
        drafts.set(&d.id, path, value).unwrap();
    }
    let before = drafts.get(&d.id).unwrap();
    CatalogStore::open(dir.path())
        .unwrap()
        .install(
            &Bundle::new(2, procedures().to_vec())
                .with_data(vec![birth_form_v2()])
                .unwrap(),
        )
        .unwrap();

    // Before the update is accepted: exactly the three fields, reported.
    let report = drafts.validate(&d.id, CheckMode::Partial).unwrap();
    assert_eq!(
        (report.draft_form_version, report.current_form_version),
        (1, 2)
    );
    let mut changes: Vec<_> = report
        .form_changes
        .iter()
        .map(|c| (c.code, c.field.as_str(), c.to.as_deref()))
        .collect();
    changes.sort();
    assert_eq!(
        changes,
        [
            ("field_removed", "applicant.email", None),
            (
                "field_renamed",
                "applicant.full_name",
                Some("applicant.ho_ten")
            ),
            ("field_retyped", "child.place_of_birth", None),
        ]
    );
    assert!(report.form_changes.iter().all(|c| !c.message_vi.is_empty()
        && !c.message_en.is_empty()
        && !c.message_en.contains("Trần")));
    assert_eq!(
        drafts.get(&d.id).unwrap(),
        before,
        "validating changes nothing"
    );

    // Not queued while its values still need moving: what is sent is what
    // the check saw.
    let refused = hoso_core::outbox::Outbox::new(&drafts)
        .freeze(
            &drafts,
            &d.id,
            Some("H40.22"),
            hoso_core::catalog::ChannelKind::Online,
        )
        .map(|_| ())
        .unwrap_err();
    assert_eq!(refused.code(), "draft_form_changed", "{refused}");

    // Accepted: the renamed value moved, nothing else changed or went.
    let upgraded = drafts.accept_catalog_update(&d.id).unwrap();
    assert_eq!(upgraded.form_version, 2);
    assert_eq!(upgraded.values["applicant.ho_ten"], "Trần Thị Mai");
    assert!(!upgraded.values.contains_key("applicant.full_name"));
    for (path, value) in values.iter().filter(|(p, _)| *p != "applicant.full_name") {
        assert_eq!(upgraded.values[*path], *value, "{path}");
    }
    let view = drafts.view(&upgraded).unwrap();
    assert!(view
        .unknown_values
        .iter()
        .any(|(path, value)| path == "applicant.email" && value == "mai@example.vn"));
    let after = drafts.validate(&d.id, CheckMode::Partial).unwrap();
    assert!(after.form_changes.is_empty());
    assert!(after
        .invalid
        .iter()
        .any(|i| i.field == "child.place_of_birth"));
    // Sealed as before: none of the values is on disk in the clear.
    let mut files = Vec::new();
    files_under(dir.path(), &mut files);
    for file in files {
        let bytes = std::fs::read(&file).unwrap();
        for (_, value) in values {
            assert!(
                !bytes.windows(value.len()).any(|w| w == value.as_bytes()),
                "{} holds a draft value in the clear",
                file.display()
            );
        }
    }
}

fn files_under(dir: &Path, out: &mut Vec<std::path::PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            files_under(&path, out);
        } else {
            out.push(path);
        }
    }
}

#[test]
fn personal_data_never_reaches_disk_in_plaintext() {
    use unicode_normalization::UnicodeNormalization;
    let (dir, drafts) = setup();
    let id_number = "079301234567";
    let name = "Phạm Thị Hồng Nhung";
    let phone = "0987654321";
    let member_id = "001092012345";
    let member_name = "Lê Quang Vũ";
    let typo = "Ngõ 7 ngách 3 Quỳnh Mai (sai)";
    let profiles = Profiles::open(dir.path(), &KEY).unwrap();
    profiles.set(None, "full_name", name).unwrap();
    profiles.set(None, "phone", phone).unwrap();
    let (m, _) = profiles.add_member("chồng").unwrap();
    profiles.set(Some(&m), "full_name", member_name).unwrap();
    profiles.set(Some(&m), "id_number", member_id).unwrap();
    let d = drafts.create("1.001193", true).unwrap();
    drafts.set(&d.id, "applicant.id_number", id_number).unwrap();
    drafts.set(&d.id, "applicant.full_name", name).unwrap();
    drafts.set(&d.id, "applicant.phone", phone).unwrap();
    // A malformed value is kept as typed: sealed like the rest.
    drafts.set(&d.id, "child.date_of_birth", typo).unwrap();
    drafts.duplicate(&d.id).unwrap();
    let mut files = Vec::new();
    files_under(dir.path(), &mut files);
    let mut needles: Vec<Vec<u8>> = Vec::new();
    for text in [id_number, name, phone, member_id, member_name, typo] {
        needles.push(text.as_bytes().to_vec());
        // Other spellings a leak could take: decomposed, folded.
        needles.push(text.nfd().collect::<String>().into_bytes());
        needles.push(hoso_core::text::fold(text).into_bytes());
    }
    // The phone number as the normalised and the international form.
    needles.push(b"+84987654321".to_vec());
    let mut bytes_seen = 0;
    for file in &files {
        let bytes = std::fs::read(file).unwrap();
        bytes_seen += bytes.len();
        for needle in &needles {
            assert!(
                !bytes.windows(needle.len()).any(|w| w == needle.as_slice()),
                "{} holds personal data in plaintext ({})",
                file.display(),
                String::from_utf8_lossy(needle)
            );
        }
    }
    assert!(bytes_seen > 0, "the store wrote nothing");
    // The catalog (public data) is there in the clear, so the search above
    // really looked at the store's contents.
    let catalog_seen = files.iter().any(|f| {
        let bytes = std::fs::read(f).unwrap();
        bytes.windows(8).any(|w| w == b"1.001193")
    });
    assert!(catalog_seen);
}

#[test]
fn a_wrong_key_is_a_clear_error_never_garbage() {
    let (dir, drafts) = setup();
    let d = drafts.create("1.001022", false).unwrap();
    drafts
        .set(&d.id, "applicant.full_name", "Đỗ Văn D")
        .unwrap();
    let wrong = FixedKey([8; 32]);
    let err = match Drafts::open(dir.path(), &wrong) {
        Err(e) => e,
        Ok(_) => panic!("a wrong key was accepted"),
    };
    assert!(matches!(err, DraftError::Vault(VaultError::WrongKey)));
    assert_eq!(err.code(), "wrong_key");
    let msg = err.to_string();
    assert!(
        msg.contains("sai khóa") && msg.contains("wrong encryption key"),
        "{msg}"
    );
    assert!(matches!(
        Profiles::open(dir.path(), &wrong),
        Err(ProfileError::Vault(VaultError::WrongKey))
    ));
    // Nothing was lost: the right key still reads the draft.
    let again = Drafts::open(dir.path(), &KEY).unwrap();
    assert_eq!(
        again.get(&d.id).unwrap().values["applicant.full_name"],
        "Đỗ Văn D"
    );
}
