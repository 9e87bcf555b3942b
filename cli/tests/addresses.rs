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
