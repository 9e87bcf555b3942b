//! Receipts end to end against a real hoso-portal on loopback: the portal
//! issues a receipt on submission → it is drawn as a PNG → read back from
//! the picture on another device → verified offline against the key set a
//! catalog update brought → looked up online without an account, followed,
//! and shown offline with when it was checked. Then tampering: every flipped
//! byte, a swapped dossier code and foreign keys are rejected with the right
//! verdict, and revocation reaches the device through a key refresh.

mod common;

use hoso_core::catalog::store::CatalogStore;
use hoso_core::client::{Method, PortalClient};
use hoso_core::receipt::format::SignedReceipt;
use hoso_core::receipt::image;
use hoso_core::receipt::online::{look_up, refresh_followed, refresh_keys, LookupError};
use hoso_core::receipt::{verify, verify_text, Receipts, Verdict};
use hoso_core::sync::catalog::{update, UpdateMethod, UpdateOptions};
use ring::signature::{Ed25519KeyPair, KeyPair};

/// The receipt the portal issued for `code`, as the filing device keeps it.
fn receipt_of(filed: &common::Filed) -> SignedReceipt {
    let tracked = filed.local.filed.get(&filed.code).unwrap().unwrap();
    SignedReceipt::from_wire(tracked.receipt.as_ref().unwrap()).unwrap()
}

/// Another device (a neighbour's phone) that took the catalog update.
async fn neighbour(base: &str) -> (tempfile::TempDir, Receipts) {
    let device = common::device();
    let receipts = Receipts::open(device.path(), &common::FixedKey([77; 32])).unwrap();
    let catalog = CatalogStore::open(device.path()).unwrap();
    let client = PortalClient::new(base).unwrap();
    let done = update(&client, &catalog, &receipts, &UpdateOptions::default())
        .await
        .unwrap();
    assert_eq!(done.catalog, None, "the device already had this catalog");
    assert_eq!(
        (done.method, done.downloaded_bytes),
        (UpdateMethod::Unchanged, 0)
    );
    assert!(done.keys.changed && !done.keys.added.is_empty());
    (device, receipts)
}

#[tokio::test]
async fn portal_receipt_png_offline_verification_and_public_lookup() {
    let filed = common::filed(31).await;
    let receipt = receipt_of(&filed);
    assert_eq!(receipt.payload.dossier_code, filed.code);
    let text = receipt.qr_text().unwrap();
    assert!(receipt.to_bytes().unwrap().len() <= 200);
    assert!(image::shape(&text).unwrap().version <= 10);

    // Printed, photographed, read back on another device.
    let png = image::png(&text, 4).unwrap();
    let read = image::read(&png).unwrap();
    assert_eq!(read, vec![text.clone()]);
    let (device, receipts) = neighbour(&filed.tp.base).await;
    let request = receipts.request(&read[0]).unwrap();
    assert!(request.verified, "{:?}", request.verdict);
    assert_eq!(request.dossier_code, filed.code);
    assert_eq!(request.receipt.as_ref().unwrap().agency_code, "H40.22");

    // Online, with no account: a fresh client that never logged in.
    let public = PortalClient::new(&filed.tp.base).unwrap();
    let t0 = common::now();
    let followed = look_up(&public, &receipts, &request, t0).await.unwrap();
    let status = followed.status.clone().unwrap();
    assert_eq!(status.code, filed.code);
    assert_eq!(status.status, 1);
    assert_eq!(followed.checked_at, Some(t0));
    assert!(followed.verified);

    // The officer moves it; a refresh sees the change, then offline the
    // cached status is shown with its time.
    common::set_status(
        &filed.tp,
        &filed.code,
        serde_json::json!({"status": 2, "note": "Đã tiếp nhận"}),
    )
    .await;
    let refreshed = refresh_followed(&public, &receipts, t0 + 60).await.unwrap();
    assert_eq!(refreshed.len(), 1);
    assert!(refreshed[0].changed && refreshed[0].error.is_none());
    let again = Receipts::open(device.path(), &common::FixedKey([77; 32])).unwrap();
    let cached = again.followed(&filed.code).unwrap().unwrap();
    assert_eq!(cached.status.as_ref().unwrap().status, 2);
    assert_eq!(cached.checked_at, Some(t0 + 60));
    assert_eq!(cached.status.as_ref().unwrap().history.len(), 2);
    // No name, ID number, phone or note in the public answer, byte for byte.
    let raw = public
        .send(public.request(
            Method::GET,
            &format!(
                "/v1/lookup/{}?token={}",
                filed.code,
                hoso_core::receipt::json::token_text(&receipt.payload.lookup_token)
            ),
        ))
        .await
        .unwrap()
        .body;
    let raw = String::from_utf8(raw).unwrap();
    assert!(raw.contains(&filed.code));
    let values: serde_json::Value = serde_json::from_str(common::VALUES).unwrap();
    for (field, value) in values.as_object().unwrap() {
        let value = value.as_str().unwrap();
        if field.contains("name") || field.contains("id_number") || field.contains("phone") {
            assert!(!raw.contains(value), "{field} in the public answer");
        }
    }
    assert!(!raw.contains("Đã tiếp nhận") && !raw.contains("0912345678"));

    // A bare code is unverified and cannot be looked up publicly.
    let bare = receipts.request(&filed.code).unwrap();
    assert!(!bare.verified && !bare.has_token);
    assert!(matches!(
        look_up(&public, &receipts, &bare, t0).await,
        Err(LookupError::NeedsToken)
    ));
}

/// Re-signs `payload` with a key that is not the portal's.
fn forged(receipt: &SignedReceipt, kid: &str) -> SignedReceipt {
    let rng = ring::rand::SystemRandom::new();
    let pkcs8 = Ed25519KeyPair::generate_pkcs8(&rng).unwrap();
    let pair = Ed25519KeyPair::from_pkcs8(pkcs8.as_ref()).unwrap();
    assert_eq!(pair.public_key().as_ref().len(), 32);
    let mut payload = receipt.payload.clone();
    payload.kid = kid.to_string();
    let mut signature = [0u8; 64];
    signature.copy_from_slice(pair.sign(&payload.signed_message().unwrap()).as_ref());
    SignedReceipt { payload, signature }
}

#[tokio::test]
async fn tampering_swaps_and_foreign_keys_are_rejected() {
    let filed = common::filed(32).await;
    let receipt = receipt_of(&filed);
    let (_device, receipts) = neighbour(&filed.tp.base).await;
    let keys = receipts.key_set().unwrap();
    assert!(verify(&receipt, &keys).is_valid());

    // Any flipped byte of the payload: never valid.
    let bytes = receipt.to_bytes().unwrap();
    let mut seen = std::collections::BTreeSet::new();
    for i in 0..bytes.len() {
        for bit in [0x01u8, 0x20, 0x80] {
            let mut bad = bytes.clone();
            bad[i] ^= bit;
            let text = format!("HS1:{}", base45_encode(&bad));
            let (_, verdict) = verify_text(&text, &keys);
            assert!(!verdict.is_valid(), "byte {i} ^ {bit:#x} verified");
            seen.insert(verdict.code());
        }
    }
    assert!(
        seen.contains("bad_signature") && seen.contains("malformed"),
        "{seen:?}"
    );
    // A flipped character of the QR text, too.
    let text = receipt.qr_text().unwrap();
    for i in 4..text.len() {
        let mut chars: Vec<u8> = text.clone().into_bytes();
        chars[i] = if chars[i] == b'0' { b'1' } else { b'0' };
        let (_, verdict) = verify_text(std::str::from_utf8(&chars).unwrap(), &keys);
        assert!(!verdict.is_valid(), "character {i} changed and verified");
    }

    // Another dossier's code on this receipt's signature.
    let mut swapped = receipt.clone();
    swapped.payload.dossier_code = format!("{}9", &filed.code[..filed.code.len() - 1]);
    assert_eq!(verify(&swapped, &keys).code(), "bad_signature");
    // …and the lookup token does not open another dossier either.
    let public = PortalClient::new(&filed.tp.base).unwrap();
    let request = receipts.request(&swapped.qr_text().unwrap()).unwrap();
    assert!(!request.verified);
    assert!(matches!(
        look_up(&public, &receipts, &request, common::now()).await,
        Err(LookupError::NotFound(_))
    ));
    assert!(
        receipts.followed_all().unwrap().is_empty(),
        "nothing followed"
    );

    // A foreign key, under the portal's kid and under its own.
    assert_eq!(
        verify(&forged(&receipt, &receipt.payload.kid), &keys),
        Verdict::BadSignature {
            kid: receipt.payload.kid.clone()
        }
    );
    assert_eq!(
        verify(&forged(&receipt, "attacker-1"), &keys),
        Verdict::UnknownKey {
            kid: "attacker-1".into()
        }
    );

    // Rotation keeps the old receipt valid; revocation, once the device
    // refreshes its keys, makes it "revoked".
    let rotated = common::admin(&filed.tp, Method::POST, "/v1/admin/keys", None).await;
    assert_ne!(rotated["kid"], receipt.payload.kid.as_str());
    let installed = refresh_keys(&public, &receipts).await.unwrap();
    assert_eq!(
        installed.added,
        vec![rotated["kid"].as_str().unwrap().to_string()]
    );
    assert!(verify(&receipt, &receipts.key_set().unwrap()).is_valid());
    common::admin(
        &filed.tp,
        Method::POST,
        &format!("/v1/admin/keys/{}/revoke", receipt.payload.kid),
        None,
    )
    .await;
    let installed = refresh_keys(&public, &receipts).await.unwrap();
    assert_eq!(installed.revoked, vec![receipt.payload.kid.clone()]);
    assert_eq!(
        verify(&receipt, &receipts.key_set().unwrap()),
        Verdict::RevokedKey {
            kid: receipt.payload.kid.clone()
        }
    );
    // An unchanged set is a 304 and changes nothing.
    let unchanged = refresh_keys(&public, &receipts).await.unwrap();
    assert!(!unchanged.changed);
}

/// base45 (RFC 9285), so the test re-encodes tampered bytes independently
/// of the crate under test.
fn base45_encode(bytes: &[u8]) -> String {
    const ALPHABET: &[u8; 45] = b"0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:";
    let mut out = String::new();
    for chunk in bytes.chunks(2) {
        let mut n = chunk.iter().fold(0u32, |acc, b| acc * 256 + u32::from(*b));
        let digits = if chunk.len() == 2 { 3 } else { 2 };
        for _ in 0..digits {
            out.push(ALPHABET[(n % 45) as usize] as char);
            n /= 45;
        }
    }
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_background_loop_follows_receipts_without_an_account() {
    let filed = common::filed(33).await;
    let text = receipt_of(&filed).qr_text().unwrap();
    let (device, receipts) = neighbour(&filed.tp.base).await;
    let public = std::sync::Arc::new(PortalClient::new(&filed.tp.base).unwrap());
    let request = receipts.request(&text).unwrap();
    look_up(&public, &receipts, &request, common::now())
        .await
        .unwrap();
    let local = std::sync::Arc::new(
        hoso_core::sync::Local::open(device.path(), &common::FixedKey([77; 32])).unwrap(),
    );
    let background = std::sync::Arc::new(hoso_core::sync::background::Background::default());
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    let task = {
        let (background, public, local) = (background.clone(), public.clone(), local.clone());
        tokio::spawn(async move {
            background
                .run(&public, local.as_ref(), &move |e| {
                    let _ = tx.send(e);
                })
                .await
        })
    };
    common::set_status(
        &filed.tp,
        &filed.code,
        serde_json::json!({"status": 2, "note": "Đã tiếp nhận"}),
    )
    .await;
    background.nudge();
    let change = loop {
        match rx.recv().await.unwrap() {
            hoso_core::sync::background::LoopEvent::StatusChanged(c) => break c,
            _ => continue,
        }
    };
    assert_eq!(change.code, filed.code);
    assert_eq!(change.status, 2);
    background.stop();
    task.await.unwrap();
    let cached = receipts.followed(&filed.code).unwrap().unwrap();
    assert_eq!(cached.status.unwrap().status, 2);
}
