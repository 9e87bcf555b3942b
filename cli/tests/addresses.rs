//! `hoso profile upgrade-addresses` and `hoso draft upgrade-addresses`
//! (issue #21): what was saved before addresses were checked against the
//! unit table is brought up to today's units, and each address reported.

mod common;
use common::{ok_json, SOURCE};

#[test]
fn profile_and_draft_addresses_upgrade_in_place() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path();
    ok_json(data, &["profile", "set", "address.province", "ha noi"]);
    let saved = ok_json(
        data,
        &["profile", "set", "address.commune", "Phường Phúc Xá"],
    );
    assert_eq!(saved["warning"]["code"], "commune_former");
    let up = ok_json(data, &["profile", "upgrade-addresses"]);
    let me = &up["addresses"][0];
    assert_eq!(me["outcome"], "converted");
    assert_eq!(me["place"]["commune_name"], "Phường Hồng Hà");
    assert_eq!(
        me["former"],
        "Phường Phúc Xá, Quận Ba Đình, Thành phố Hà Nội"
    );
    assert_eq!(up["profile"]["me"]["address.commune"], "Phường Hồng Hà");
    let again = ok_json(data, &["profile", "upgrade-addresses"]);
    assert_eq!(again["addresses"][0]["outcome"], "unchanged");

    ok_json(data, &["catalog", "import", SOURCE]);
    let draft = ok_json(data, &["draft", "new", "1.001193", "--no-prefill"]);
    let id = draft["draft"]["id"].as_str().unwrap().to_string();
    ok_json(
        data,
        &["draft", "set", &id, "mother.address.province", "Hà Nội"],
    );
    ok_json(
        data,
        &[
            "draft",
            "set",
            &id,
            "mother.address.commune",
            "Thị trấn Đông Anh",
        ],
    );
    let up = ok_json(data, &["draft", "upgrade-addresses", &id]);
    let mother = &up["addresses"][0];
    assert_eq!(mother["field"], "mother.address");
    assert_eq!(mother["outcome"], "converted");
    let code = mother["place"]["commune_code"].as_str().unwrap();
    assert_eq!(code.len(), 5);
}

#[test]
fn address_check_and_convert_answer_one_json_line_per_input() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path();
    let ok = ok_json(data, &["address", "check", "ha noi", "P. Ba Dinh"]);
    assert_eq!(ok["valid"], true);
    assert_eq!(ok["commune"]["code"], "00004");
    assert_eq!(ok["province"]["name"], "Thành phố Hà Nội");
    let bad = ok_json(data, &["address", "check", "Hà Nội", "Phường Bến Thành"]);
    assert_eq!(bad["valid"], false);
    assert_eq!(bad["problems"][0]["code"], "commune_other_province");
    assert_eq!(bad["suggestions"][0]["province"]["code"], "79");
    let c = ok_json(
        data,
        &[
            "address",
            "convert",
            "12 Nguyễn Huệ, P. Bến Nghé, Q.1, TP.HCM",
        ],
    );
    assert_eq!(c["commune"]["name"], "Phường Sài Gòn");
    assert_eq!(c["detail"], "12 Nguyễn Huệ");
    assert_eq!(c["from_former"], true);

    // `-`: one answer a line, in order.
    let out = common::hoso_stdin(
        data,
        &["--json", "address", "convert", "-"],
        "Phường Phúc Xá, Quận Ba Đình, Hà Nội\nSố 5, Hà Nội\n",
    );
    let lines: Vec<serde_json::Value> = out
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 2);
    assert_eq!(lines[0]["commune"]["name"], "Phường Hồng Hà");
    assert!(lines[1]["problem"]["code"].is_string());
    let out = common::hoso_stdin(
        data,
        &["--json", "address", "check", "-"],
        "Hà Nội\tPhường Ba Đình\nHà Nội\tPhường Phúc Xá\n",
    );
    let valid: Vec<bool> = out
        .lines()
        .map(|l| {
            serde_json::from_str::<serde_json::Value>(l).unwrap()["valid"]
                .as_bool()
                .unwrap()
        })
        .collect();
    assert_eq!(valid, [true, false]);
}
