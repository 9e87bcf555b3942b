//! Forms delivered with the catalog (issue #22, item 1; ADR 0023), end to
//! end with the `hoso` binary and a real hoso-portal on loopback: the
//! operator packs a corrected birth registration form (version 2) into the
//! catalog (`catalog import --forms DIR`), a device takes it with `catalog
//! update`, and from then on its drafts and `form show` use it; a form
//! changed inside a bundle after it was made fails the bundle's content
//! hash, and one that would not lint is refused by the import and by the
//! portal, the device keeping the form it has.

mod common;

use common::{gunzip, gzip, hoso, import, json, ok_json, publish, publish_and_take_delta, source};
use serde_json::Value;
use std::path::Path;

/// The built-in birth registration form as version 2: a new title and one
/// optional field more.
fn form_v2(dir: &Path) -> std::path::PathBuf {
    let built_in = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../core/data/forms/1.001193.json"
    ))
    .unwrap();
    let mut form: Value = serde_json::from_str(&built_in).unwrap();
    assert_eq!(form["version"], 1);
    form["version"] = 2.into();
    form["title_vi"] = "Đăng ký khai sinh (mẫu 2026)".into();
    form["groups"][0]["fields"]
        .as_array_mut()
        .unwrap()
        .push(serde_json::json!({
            "id": "zalo", "label_vi": "Số Zalo", "label_en": "Zalo number",
            "kind": {"type": "phone"}, "required": false
        }));
    let forms = dir.join("forms");
    std::fs::create_dir_all(&forms).unwrap();
    let path = forms.join("1.001193.json");
    std::fs::write(&path, serde_json::to_vec_pretty(&form).unwrap()).unwrap();
    forms
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_corrected_form_comes_with_the_catalog() {
    let dir = tempfile::tempdir().unwrap();
    let (operator, device) = (dir.path().join("operator"), dir.path().join("device"));
    let first = source(dir.path(), "first.jsonl", false);
    let v1 = dir.path().join("v1.bundle");
    import(&operator, &first, &[], &v1).await;
    let (base, _task) = common::portal(dir.path(), &v1).await;
    let update = ["catalog", "update", "--url", base.as_str()];
    json(&device, &update).await;
    let shown = json(&device, &["form", "show", "1.001193"]).await;
    assert_eq!(
        (&shown["version"], &shown["builtin"]),
        (&1.into(), &true.into())
    );

    // The operator packs version 2; the device takes it as a delta.
    let forms = form_v2(dir.path());
    let v2 = dir.path().join("v2.bundle");
    let version = import(
        &operator,
        &first,
        &["--forms", forms.to_str().unwrap()],
        &v2,
    )
    .await;
    assert_eq!(version, 2);
    publish_and_take_delta(&base, &v2, &device, 2).await;
    let shown = json(&device, &["form", "show", "1.001193"]).await;
    assert_eq!(shown["version"], 2, "{shown}");
    assert_eq!(shown["title_vi"], "Đăng ký khai sinh (mẫu 2026)");
    let d = device.clone();
    tokio::task::spawn_blocking(move || {
        let created = ok_json(&d, &["draft", "new", "1.001193", "--no-prefill"]);
        let id = created["draft"]["id"].as_str().unwrap().to_string();
        let set = ok_json(&d, &["draft", "set", &id, "applicant.zalo", "0912345678"]);
        assert!(set["problem"].is_null(), "{set}");
        // Other procedures keep their built-in forms.
        let other = ok_json(&d, &["form", "show", "1.000894"]);
        assert_eq!(other["version"], 1);
    })
    .await
    .unwrap();

    // A form changed inside the bundle after it was made: the content hash
    // no longer holds, and the portal refuses the bundle.
    let mut bundle: Value = serde_json::from_slice(&gunzip(&std::fs::read(&v2).unwrap())).unwrap();
    bundle["version"] = 3.into();
    let carried = bundle["data"]
        .as_array_mut()
        .unwrap()
        .iter_mut()
        .find(|item| item["name"] == "forms/1.001193.json")
        .unwrap();
    carried["base64"] = "eyJ2ZXJzaW9uIjogOX0=".into();
    let (status, body) = publish(&base, gzip(bundle.to_string().as_bytes())).await;
    assert_eq!(status, 422, "{body}");
    assert_eq!(body["code"], "bundle_invalid");

    // A form that would not lint: refused when packed.
    let broken = dir.path().join("broken");
    std::fs::create_dir_all(&broken).unwrap();
    let mut form: Value =
        serde_json::from_slice(&std::fs::read(forms.join("1.001193.json")).unwrap()).unwrap();
    form["version"] = 3.into();
    let group = form["groups"][0].clone();
    form["groups"].as_array_mut().unwrap().push(group);
    std::fs::write(broken.join("1.001193.json"), form.to_string()).unwrap();
    let out = hoso(
        &operator,
        &[
            "catalog",
            "import",
            first.to_str().unwrap(),
            "--forms",
            broken.to_str().unwrap(),
            "--json",
        ],
    );
    assert!(!out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("bad_form") && text.contains("defined twice"),
        "{text}"
    );

    // Nothing changed for the device.
    assert_eq!(json(&device, &update).await["method"], "unchanged");
    assert_eq!(
        json(&device, &["form", "show", "1.001193"]).await["version"],
        2
    );
}

#[test]
fn form_lint_passes_the_forms_in_the_repository_and_names_what_fails() {
    let dir = tempfile::tempdir().unwrap();
    let forms = concat!(env!("CARGO_MANIFEST_DIR"), "/../core/data/forms");
    let mut files: Vec<String> = std::fs::read_dir(forms)
        .unwrap()
        .map(|e| e.unwrap().path().to_string_lossy().into_owned())
        .filter(|p| p.ends_with(".json"))
        .collect();
    files.sort();
    let mut args = vec!["form", "lint"];
    args.extend(files.iter().map(String::as_str));
    let report = ok_json(dir.path(), &args);
    assert_eq!(report.as_array().unwrap().len(), files.len());
    assert!(report.as_array().unwrap().iter().all(|r| r["ok"] == true));

    let wrong = dir.path().join("1.000894.json");
    std::fs::write(&wrong, builtin("1.001193")).unwrap();
    let out = hoso(
        dir.path(),
        &["form", "lint", wrong.to_str().unwrap(), "--json"],
    );
    assert!(!out.status.success());
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(
        text.contains("bad_form") && text.contains("1.001193"),
        "{text}"
    );
}

fn builtin(code: &str) -> String {
    std::fs::read_to_string(format!(
        "{}/../core/data/forms/{code}.json",
        env!("CARGO_MANIFEST_DIR")
    ))
    .unwrap()
}
