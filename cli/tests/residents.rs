//! `hoso resident …` (issue #19): a volunteer adds residents, chooses the
//! one in use, and `draft` and `profile` act on that resident's sealed
//! space only; a wiped resident is gone, and so is every file of theirs.

mod common;

use common::{key_dir, ok_json};

#[test]
fn drafts_and_profiles_follow_the_resident_in_use() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("volunteer");
    let source = dir.path().join("tiny.jsonl");
    std::fs::write(
        &source,
        "{\"ma_thu_tuc\":\"1.000001\",\"ten_thu_tuc\":\"Đăng ký khai sinh\",\"cap_thuc_hien\":\"Cấp xã\"}\n",
    )
    .unwrap();
    ok_json(&data, &["catalog", "import", source.to_str().unwrap()]);

    // Consent first: without it, or signed with no scan, nothing is added.
    let out = common::hoso(&data, &["resident", "new", "Ông An, tổ 3", "--json"]);
    assert_eq!(out.status.code(), Some(2), "the consent is required");
    let signed = [
        "--consent",
        "signed_form",
        "--reference",
        "TCNS-0042",
        "--covers",
        "1.000001",
    ];
    let mut args = vec!["resident", "new", "Ông An, tổ 3", "--json"];
    args.extend(signed);
    let out = common::hoso(&data, &args);
    let failure: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        failure["error"]["code"], "consent_document_missing",
        "{failure}"
    );
    assert!(ok_json(&data, &["resident", "list"])["residents"]
        .as_array()
        .unwrap()
        .is_empty());
    let scan = dir.path().join("to-dong-y.pdf");
    std::fs::write(&scan, b"%PDF-1.4 signed consent").unwrap();
    let mut args = vec!["resident", "new", "Ông An, tổ 3"];
    args.extend(signed);
    args.extend(["--scan", scan.to_str().unwrap()]);
    let an = ok_json(&data, &args);
    let an = an["resident"]["id"].as_str().unwrap().to_string();
    let binh = ok_json(
        &data,
        &[
            "resident",
            "new",
            "Bà Bình, tổ 5",
            "--consent",
            "witnessed_verbal",
            "--reference",
            "Trưởng thôn Lê Văn Ba",
            "--covers",
            "1.000001",
        ],
    );
    let binh = binh["resident"]["id"].as_str().unwrap().to_string();
    let list = ok_json(&data, &["resident", "list"]);
    assert_eq!(list["residents"].as_array().unwrap().len(), 2);
    assert!(list["active"].is_null());

    // The volunteer's own draft, then one for each resident.
    ok_json(&data, &["draft", "new", "1.000001", "--no-prefill"]);
    ok_json(&data, &["resident", "use", &an]);
    let shown = ok_json(&data, &["resident", "show"]);
    assert_eq!(shown["consent"]["method"], "signed_form", "{shown}");
    assert_eq!(shown["consent"]["retention_days"], 30);
    let draft = ok_json(&data, &["draft", "new", "1.000001", "--no-prefill"]);
    let id = draft["draft"]["id"].as_str().unwrap().to_string();
    ok_json(&data, &["profile", "set", "full_name", "Nguyễn Văn An"]);
    assert_eq!(
        ok_json(&data, &["draft", "list"]).as_array().unwrap().len(),
        1
    );

    ok_json(&data, &["resident", "use", &binh]);
    assert!(ok_json(&data, &["draft", "list"])
        .as_array()
        .unwrap()
        .is_empty());
    let profile = ok_json(&data, &["profile", "show"]);
    assert!(
        profile["profile"]["me"]
            .as_object()
            .is_none_or(|m| m.is_empty()),
        "{profile}"
    );
    let out = common::hoso(&data, &["draft", "show", &id, "--json"]);
    assert!(!out.status.success(), "another resident's draft opened");

    // Wiped: gone from the list, its directory and key file gone.
    ok_json(&data, &["resident", "wipe", &an]);
    let list = ok_json(&data, &["resident", "list"]);
    assert_eq!(list["residents"].as_array().unwrap().len(), 1);
    assert!(!data.join("residents").join(&an).exists());
    let out = common::hoso(&data, &["resident", "use", &an, "--json"]);
    assert!(!out.status.success());

    // Locked: the volunteer's own space again.
    ok_json(&data, &["resident", "lock"]);
    assert_eq!(
        ok_json(&data, &["draft", "list"]).as_array().unwrap().len(),
        1
    );
    // The keyring key lives with the key, outside the data directory, and
    // the one from before the wipe is gone: the key and one keyring key.
    let keys: Vec<_> = std::fs::read_dir(key_dir(&data))
        .unwrap()
        .flatten()
        .map(|e| e.file_name())
        .collect();
    assert_eq!(keys.len(), 2, "{keys:?}");
}
