//! Drafting end to end from the command line, as a volunteer on a laptop
//! would: import the catalog, save a profile, then for each of the six
//! procedures with hand-written forms (and a generic one) create a draft,
//! fill every field the form asks for through `hoso draft set`, and validate
//! it until the only thing missing is the documents. Also: show/list/
//! duplicate/delete, typed JSON errors, and a wrong key.

use serde_json::Value;
use std::process::Command;

mod common;

use common::{hoso, ok_json, SOURCE};

fn imported() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    ok_json(dir.path(), &["catalog", "import", SOURCE]);
    dir
}

/// Is this group about a woman (its prefill rules all say female)?
fn female_group(group: &Value) -> bool {
    let rules = group["prefill"].as_array().cloned().unwrap_or_default();
    !rules.is_empty() && rules.iter().all(|r| r["sex"] == "female")
}

/// A valid value for every field of `group`, as `(path, value)` pairs.
fn fill_group(group: &Value, prefix: &str) -> Vec<(String, String)> {
    let female = female_group(group);
    let gid = group["id"].as_str().unwrap();
    let child = gid.contains("child") || gid == "tre_em";
    // Children are born this year; adults in 1990.
    let (year, date) = if child {
        (2026, "01/10/2026")
    } else {
        (1990, "15/03/1990")
    };
    let century_digit = (year - 1900) / 100 * 2 + i32::from(female);
    let id_number = format!("001{century_digit}{:02}012345", year % 100);
    let mut out = Vec::new();
    for field in group["fields"].as_array().unwrap() {
        let fid = field["id"].as_str().unwrap();
        let path = format!("{prefix}.{fid}");
        let kind = &field["kind"];
        let value = match kind["type"].as_str().unwrap() {
            "text" if fid.contains("ethnic") => "Kinh".to_string(),
            "text" if fid.contains("national") => "Việt Nam".to_string(),
            "text" => "Nội dung kê khai".to_string(),
            "number" => {
                let min = kind["min"].as_f64().unwrap_or(0.0);
                format!("{}", (min + 1.0).max(1.0))
            }
            "date" => {
                let min_age = kind["min_age"].as_u64().unwrap_or(0);
                assert!(min_age <= 30, "{path}: min_age {min_age}");
                date.to_string()
            }
            "choice" => kind["options"][0]["value"].as_str().unwrap().to_string(),
            "boolean" => "có".to_string(),
            "id_number" => id_number.clone(),
            "phone" => "0912 345 678".to_string(),
            "email" => "nguoidan@example.vn".to_string(),
            "person_name" if female => "Trần Thị Bình".to_string(),
            "person_name" => "Nguyễn Văn An".to_string(),
            "sex" if female => "nữ".to_string(),
            "sex" => "nam".to_string(),
            "address" => {
                out.push((format!("{path}.province"), "Hà Nội".to_string()));
                out.push((format!("{path}.commune"), "Phường Ba Đình".to_string()));
                out.push((format!("{path}.detail"), "Số 1 phố Tràng Tiền".to_string()));
                continue;
            }
            other => panic!("{path}: unexpected field type {other}"),
        };
        out.push((path, value));
    }
    out
}

#[test]
fn hand_made_and_generic_procedures_draft_end_to_end_from_the_cli() {
    let dir = imported();
    let data = dir.path();
    let builtin = ok_json(data, &["form", "builtin"]);
    let codes: Vec<&str> = builtin
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c.as_str().unwrap())
        .collect();
    // Every essential online service the catalog holds (issue #22), the
    // parts of both linked groups, and the household business.
    for code in [
        "1.012566", "1.014063", "1.014064", "1.004222", "1.004194", "1.003677", "2.001159",
        "1.001193", "1.000656", "1.000894", "1.001456", "1.001471", "1.012575", "1.013066",
        "1.013067", "3.000347", "3.000348", "2.001403", "2.001410", "1.001939", "1.008498",
        "1.008503", "1.008504", "1.008505", "1.013833", "3.000333", "3.000330", "2.000986",
        "1.003197", "2.000821", "1.001612",
    ] {
        assert!(codes.contains(&code), "{code} has no hand-written form");
        let form = ok_json(data, &["form", "show", code]);
        assert_eq!(form["builtin"], true, "{code}");
        assert_eq!(form["procedure_code"], code);
        assert!(form["version"].as_u64().unwrap() >= 1, "{code}");
    }
    for code in [
        "1.001193", "1.000894", "1.004222", "1.014064", "3.000333", "1.001612", "1.000656",
        "2.000986", "1.001022",
    ] {
        let schema = ok_json(data, &["form", "show", code]);
        assert_eq!(schema["builtin"], code != "1.001022", "{code}");
        let created = ok_json(data, &["draft", "new", code, "--no-prefill"]);
        let id = created["draft"]["id"].as_str().unwrap().to_string();
        let partial = ok_json(data, &["draft", "validate", &id, "--partial"]);
        assert_eq!(partial["ready"], false);
        assert!(!partial["missing"].as_array().unwrap().is_empty());

        for group in schema["groups"].as_array().unwrap() {
            let gid = group["id"].as_str().unwrap();
            let entries = match group.get("repeat") {
                Some(r) if !r.is_null() => r["min"].as_u64().unwrap_or(0).max(1),
                _ => 0,
            };
            let prefixes: Vec<String> = if entries == 0 {
                vec![gid.to_string()]
            } else {
                (0..entries).map(|i| format!("{gid}[{i}]")).collect()
            };
            for prefix in prefixes {
                for (path, value) in fill_group(group, &prefix) {
                    let set = ok_json(data, &["draft", "set", &id, &path, &value]);
                    assert!(
                        set["problem"].is_null(),
                        "{code} {path}={value}: {}",
                        set["problem"]
                    );
                }
            }
        }
        let report = ok_json(data, &["draft", "validate", &id]);
        assert!(
            report["invalid"].as_array().unwrap().is_empty(),
            "{code}: {}",
            report["invalid"]
        );
        let missing = report["missing"].as_array().unwrap();
        assert!(
            missing.iter().all(|m| m["code"] == "document_missing"),
            "{code}: only documents may be missing: {}",
            report["missing"]
        );
        let required_slots = schema["slots"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|s| s["requirement"]["type"] == "required")
            .count();
        assert_eq!(missing.len(), required_slots, "{code}");
        for m in missing {
            assert!(!m["message_vi"].as_str().unwrap().is_empty());
            assert!(!m["message_en"].as_str().unwrap().is_empty());
        }
        assert_eq!(report["ready"], required_slots == 0);
    }
    let list = ok_json(data, &["draft", "list"]);
    assert_eq!(list.as_array().unwrap().len(), 9);
}

#[test]
fn profile_prefill_show_duplicate_delete_and_errors() {
    let dir = imported();
    let data = dir.path();
    ok_json(data, &["profile", "set", "full_name", "Nguyễn Văn An"]);
    ok_json(data, &["profile", "set", "sex", "nam"]);
    ok_json(data, &["profile", "set", "date_of_birth", "15/3/1990"]);
    let p = ok_json(data, &["profile", "set", "id_number", "001 090 012 345"]);
    assert_eq!(p["profile"]["me"]["id_number"], "001090012345");
    assert_eq!(p["profile"]["me"]["date_of_birth"], "15/03/1990");
    assert!(p["warning"].is_null());

    // `-` reads the value from stdin (kept out of argv and shell history).
    let mut child = Command::new(env!("CARGO_BIN_EXE_hoso"))
        .arg("--data-dir")
        .arg(data)
        .args(["profile", "set", "phone", "-", "--json"])
        .env_remove("HOSO_KEY_FILE")
        .env("HOSO_KEY_DIR", common::key_dir(data))
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    {
        use std::io::Write;
        let mut stdin = child.stdin.take().unwrap();
        stdin.write_all("+84 912 345 678\n".as_bytes()).unwrap();
    }
    let out = child.wait_with_output().unwrap();
    assert!(out.status.success());
    let p: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(p["profile"]["me"]["phone"], "0912345678");

    // A malformed profile value is refused with a typed, bilingual error.
    let out = hoso(data, &["profile", "set", "phone", "0123", "--json"]);
    assert_eq!(out.status.code(), Some(1));
    let err: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(err["error"]["code"].as_str().unwrap().starts_with("phone"));
    assert!(err["error"]["message"].as_str().unwrap().contains(" / "));
    // A number in a mobile block whose prefix is not allocated is saved,
    // normalised, with a warning (never refused).
    let p = ok_json(data, &["profile", "set", "phone", "053 123 4567"]);
    assert_eq!(p["profile"]["me"]["phone"], "0531234567");
    assert_eq!(p["warning"]["code"], "phone_prefix_unallocated");
    let p = ok_json(data, &["profile", "set", "phone", "0912345678"]);
    assert!(p["warning"].is_null());

    let created = ok_json(data, &["draft", "new", "1.001193"]);
    let id = created["draft"]["id"].as_str().unwrap().to_string();
    let father_name = created["groups"]
        .as_array()
        .unwrap()
        .iter()
        .find(|g| g["id"] == "father")
        .and_then(|g| {
            g["entries"][0]["fields"]
                .as_array()
                .unwrap()
                .iter()
                .find(|f| f["path"] == "father.full_name")
                .cloned()
        })
        .expect("father.full_name shown");
    assert_eq!(father_name["value"], "Nguyễn Văn An");
    assert_eq!(father_name["source"]["kind"], "profile");

    let set = ok_json(
        data,
        &["draft", "set", &id, "applicant.phone", "+84 53 123 4567"],
    );
    assert_eq!(set["value"], "0531234567");
    assert!(set["problem"].is_null());
    assert_eq!(set["warning"]["code"], "phone_prefix_unallocated");
    let set = ok_json(
        data,
        &["draft", "set", &id, "applicant.phone", "0912345678"],
    );
    assert!(set["warning"].is_null());

    let shown = ok_json(data, &["draft", "show", &id[..5]]);
    assert_eq!(shown["draft"]["id"], id.as_str());
    let copy = ok_json(data, &["draft", "duplicate", &id]);
    let copy_id = copy["draft"]["id"].as_str().unwrap().to_string();
    assert_ne!(copy_id, id);
    ok_json(data, &["draft", "delete", &copy_id]);
    let out = hoso(data, &["draft", "show", &copy_id, "--json"]);
    assert_eq!(out.status.code(), Some(1));
    let err: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(err["error"]["code"], "draft_not_found");

    let out = hoso(data, &["draft", "new", "9.999999", "--json"]);
    let err: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(err["error"]["code"], "procedure_not_found");

    // A value typed where the field path belongs is refused without being
    // echoed back.
    let out = hoso(
        data,
        &[
            "draft",
            "set",
            &id,
            "079301234567",
            "child.full_name",
            "--json",
        ],
    );
    let err: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(err["error"]["code"], "malformed_path");
    assert!(!err["error"]["message"]
        .as_str()
        .unwrap()
        .contains("079301234567"));

    // Another key file: a clear error, and the data is intact afterwards.
    let other_key = data.join("other.key");
    let out = Command::new(env!("CARGO_BIN_EXE_hoso"))
        .arg("--data-dir")
        .arg(data)
        .arg("--key-file")
        .arg(&other_key)
        .args(["draft", "list", "--json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(err["error"]["code"], "wrong_key");
    assert_eq!(
        ok_json(data, &["draft", "list"]).as_array().unwrap().len(),
        1
    );
}
