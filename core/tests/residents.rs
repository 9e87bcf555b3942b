//! Residents a volunteer files for (issue #19, ADR 0012): each in a sealed
//! directory of its own under its own key, one active at a time, and wiped
//! by crypto-erasure (a copy of the data taken before the wipe cannot open
//! the wiped resident with what the host holds after).

mod common;

use common::{install_catalog, FixedKey};
use hoso_core::profile::Profiles;
use hoso_core::residents::{NewConsent, ResidentError, Residents};
use hoso_core::vault::MemorySecrets;
use hoso_core::wire::ConsentMethod;
use std::path::Path;
use std::sync::Arc;

const KEY: FixedKey = FixedKey([7; 32]);

/// Consent given aloud before a witness, for the birth registration.
fn verbal() -> NewConsent {
    NewConsent {
        method: ConsentMethod::WitnessedVerbal,
        reference: "Trưởng thôn Lê Văn Ba".into(),
        covers: vec!["1.001022".into()],
        retention_days: 30,
        scan: None,
    }
}

fn files_contain(dir: &Path, needle: &[u8]) -> bool {
    std::fs::read_dir(dir).unwrap().flatten().any(|e| {
        let p = e.path();
        if p.is_dir() {
            files_contain(&p, needle)
        } else {
            std::fs::read(&p).is_ok_and(|b| b.windows(needle.len()).any(|w| w == needle))
        }
    })
}

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap().flatten() {
        let target = to.join(entry.file_name());
        if entry.path().is_dir() {
            copy_dir(&entry.path(), &target);
        } else if entry.file_name() != "store.lock" {
            std::fs::copy(entry.path(), &target).unwrap();
        }
    }
}

#[test]
fn each_resident_sees_only_their_own_data() {
    let dir = tempfile::tempdir().unwrap();
    install_catalog(dir.path(), 1);
    let secrets = Arc::new(MemorySecrets::default());
    let residents = Residents::open(dir.path(), &KEY, secrets.clone()).unwrap();
    let an = residents.create("Ông An, tổ 3", &verbal(), 1).unwrap();
    let binh = residents.create("Bà Bình, tổ 5", &verbal(), 2).unwrap();
    assert!(matches!(
        residents.create("   ", &verbal(), 3),
        Err(ResidentError::EmptyLabel)
    ));
    assert_eq!(residents.list().unwrap().len(), 2);
    assert!(matches!(residents.active(), Err(ResidentError::NoneActive)));

    let local = residents.use_resident(&an.id).unwrap();
    let draft = local.drafts.create("1.001022", false).unwrap();
    local
        .drafts
        .set(&draft.id, "applicant.full_name", "Nguyễn Văn An")
        .unwrap();
    Profiles::with_vault(local.drafts.vault().clone())
        .set(None, "full_name", "Nguyễn Văn An")
        .unwrap();
    drop(local);

    let local = residents.use_resident(&binh.id).unwrap();
    assert_eq!(residents.active().unwrap().0, binh.id);
    assert!(local.drafts.list().unwrap().is_empty(), "another's drafts");
    assert!(local.drafts.get(&draft.id).is_err());
    let profile = Profiles::with_vault(local.drafts.vault().clone());
    assert!(profile.get().unwrap().me.is_empty(), "another's profile");
    drop(local);

    // Reopened (a new process), the first resident's data is there.
    drop(residents);
    let residents = Residents::open(dir.path(), &KEY, secrets).unwrap();
    let (id, local) = residents.resume().unwrap().expect("the resident in use");
    assert_eq!(id, binh.id);
    drop(local);
    let local = residents.use_resident(&an.id).unwrap();
    assert_eq!(local.drafts.list().unwrap().len(), 1);
    drop(local);
    residents.lock().unwrap();
    assert!(residents.resume().unwrap().is_none());
    assert!(matches!(residents.active(), Err(ResidentError::NoneActive)));
    // Sealed: neither the names nor the labels are in any file.
    assert!(!files_contain(dir.path(), "Nguyễn Văn An".as_bytes()));
    assert!(!files_contain(dir.path(), "Bà Bình".as_bytes()));
}

#[test]
fn a_wiped_resident_cannot_be_opened_even_from_an_earlier_copy() {
    let dir = tempfile::tempdir().unwrap();
    let live = dir.path().join("device");
    install_catalog(&live, 1);
    let secrets = Arc::new(MemorySecrets::default());
    let residents = Residents::open(&live, &KEY, secrets.clone()).unwrap();
    let an = residents.create("Ông An", &verbal(), 1).unwrap();
    let binh = residents.create("Bà Bình", &verbal(), 2).unwrap();
    for r in [&an, &binh] {
        let local = residents.use_resident(&r.id).unwrap();
        local.drafts.create("1.001022", false).unwrap();
    }
    residents.lock().unwrap();
    drop(residents);
    let before = dir.path().join("copy-before-wipe");
    copy_dir(&live, &before);

    let residents = Residents::open(&live, &KEY, secrets.clone()).unwrap();
    residents.use_resident(&an.id).unwrap();
    residents.wipe(&an.id).unwrap();
    assert!(matches!(residents.active(), Err(ResidentError::NoneActive)));
    assert!(!live.join("residents").join(&an.id).exists());
    assert_eq!(residents.list().unwrap(), vec![binh.clone()]);
    assert!(matches!(
        residents.use_resident(&an.id),
        Err(ResidentError::NotFound(_))
    ));
    // The other resident was rewrapped and still opens.
    let local = residents.use_resident(&binh.id).unwrap();
    assert_eq!(local.drafts.list().unwrap().len(), 1);
    drop(local);
    drop(residents);

    // The copy still lists the wiped resident and holds their files, but
    // with the device key and what the host holds now, they cannot open.
    let copy = Residents::open(&before, &KEY, secrets.clone()).unwrap();
    assert_eq!(copy.list().unwrap().len(), 2);
    let Err(e) = copy.use_resident(&an.id) else {
        panic!("a wiped resident opened from a copy");
    };
    assert_eq!(
        hoso_core::error::Classified::error_code(&e),
        "keyring_key_missing",
        "{e}"
    );
    drop(copy);
    // Opening the copy took nothing from the device: the other resident
    // still opens there.
    let residents = Residents::open(&live, &KEY, secrets).unwrap();
    let local = residents.use_resident(&binh.id).unwrap();
    assert_eq!(local.drafts.list().unwrap().len(), 1);
}

#[test]
fn consent_comes_first_and_is_kept_in_the_residents_own_space() {
    let dir = tempfile::tempdir().unwrap();
    install_catalog(dir.path(), 1);
    let residents = Residents::open(dir.path(), &KEY, Arc::new(MemorySecrets::default())).unwrap();
    let signed = NewConsent {
        method: ConsentMethod::SignedForm,
        reference: "TCNS-2026-0042".into(),
        scan: None,
        ..verbal()
    };
    for (bad, code) in [
        (signed.clone(), "consent_document_missing"),
        (
            NewConsent {
                reference: " ".into(),
                ..verbal()
            },
            "consent_reference",
        ),
        (
            NewConsent {
                reference: "x".repeat(65),
                ..verbal()
            },
            "consent_reference",
        ),
        (
            NewConsent {
                covers: vec![" ".into()],
                ..verbal()
            },
            "consent_no_procedure",
        ),
        (
            NewConsent {
                retention_days: 0,
                ..verbal()
            },
            "consent_retention",
        ),
    ] {
        let Err(e) = residents.create("Ông An", &bad, 1) else {
            panic!("{bad:?} was taken");
        };
        assert_eq!(hoso_core::error::Classified::error_code(&e), code, "{e}");
    }
    // Nothing of a refused resident was saved.
    assert!(residents.list().unwrap().is_empty());
    assert!(!dir.path().join("residents").exists());

    let scan = b"%PDF-1.4 to dong y da ky".to_vec();
    let an = residents
        .create(
            "Ông An",
            &NewConsent {
                scan: Some(scan),
                ..signed
            },
            7,
        )
        .unwrap();
    residents.use_resident(&an.id).unwrap();
    let consent = residents.consent().unwrap();
    assert_eq!(consent.method, ConsentMethod::SignedForm);
    assert_eq!(consent.given_at, 7);
    assert_eq!(consent.covers, vec!["1.001022".to_string()]);
    assert_eq!(consent.scan_sha256.as_deref().map(str::len), Some(64));
    assert!(!files_contain(dir.path(), b"TCNS-2026-0042"));
    assert!(!files_contain(dir.path(), b"to dong y da ky"));
}
