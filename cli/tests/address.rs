//! `hoso address search`: the address picker from a terminal or a script —
//! one query, or one a line from stdin answered with one JSON object a
//! line; the province scope; bad input answered clearly.

use serde_json::Value;

mod common;

use common::hoso;

#[test]
fn search_answers_ranked_units_as_json() {
    let dir = tempfile::tempdir().unwrap();
    let out = hoso(
        dir.path(),
        &[
            "address", "search", "--json", "--limit", "3", "P.", "Ben", "Thanh",
        ],
    );
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["query"], "P. Ben Thanh");
    let first = &v["results"][0];
    assert_eq!(first["code"], "26743");
    assert_eq!(first["name"], "Phường Bến Thành");
    assert_eq!(first["type"], "ward");
    assert_eq!(first["province"]["code"], "79");
    assert_eq!(first["province"]["name"], "Thành phố Hồ Chí Minh");
    assert!(v["results"].as_array().unwrap().len() <= 3);

    // A pre-2025 name: the unit it became, and where it came from.
    let out = hoso(dir.path(), &["address", "search", "--json", "ben nghe"]);
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["results"][0]["code"], "26740");
    assert_eq!(v["results"][0]["former"]["name"], "Phường Bến Nghé");

    // Text output names the unit and its province.
    let out = hoso(dir.path(), &["address", "search", "ben nghe"]);
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("Phường Sài Gòn"), "{text}");
    assert!(text.contains("Phường Bến Nghé"), "{text}");
}

#[test]
fn province_scope_narrows_and_an_unknown_one_is_a_usage_error() {
    let dir = tempfile::tempdir().unwrap();
    for (province, code) in [("48", "20242"), ("40", "17419")] {
        let out = hoso(
            dir.path(),
            &[
                "address",
                "search",
                "--json",
                "--province",
                province,
                "hai chau",
            ],
        );
        let v: Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(v["results"][0]["code"], code);
        assert!(v["results"]
            .as_array()
            .unwrap()
            .iter()
            .all(|r| r["province"]["code"] == province));
    }
    let out = hoso(
        dir.path(),
        &[
            "address",
            "search",
            "--json",
            "--province",
            "99",
            "hai chau",
        ],
    );
    assert_eq!(out.status.code(), Some(2));
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["error"]["code"], "usage");
}

#[test]
fn dash_reads_one_query_a_line_and_answers_one_object_a_line() {
    let dir = tempfile::tempdir().unwrap();
    let queries = "tp hcm\nha noi\n\n\u{1F600}\u{0}\nxa tan dinh\n";
    let out = common::hoso_stdin(
        dir.path(),
        &["address", "search", "--json", "--limit", "2", "-"],
        queries,
    );
    let lines: Vec<Value> = out
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect();
    assert_eq!(lines.len(), 5);
    assert_eq!(lines[0]["query"], "tp hcm");
    assert_eq!(lines[0]["results"][0]["code"], "79");
    assert_eq!(lines[1]["results"][0]["code"], "01");
    assert_eq!(lines[2]["results"].as_array().unwrap().len(), 0);
    assert_eq!(lines[3]["results"].as_array().unwrap().len(), 0);
    assert!(lines[4]["results"].as_array().unwrap().len() <= 2);
}

#[test]
fn hostile_text_is_answered_not_crashed_on() {
    let dir = tempfile::tempdir().unwrap();
    let long = "x".repeat(100_000);
    for q in ["?!.,", long.as_str(), "\u{202e}\u{200b}", "--limit"] {
        let out = hoso(dir.path(), &["address", "search", "--json", "--", q]);
        assert!(out.status.success(), "{q:.20}");
        let v: Value = serde_json::from_slice(&out.stdout).unwrap();
        assert_eq!(v["results"].as_array().unwrap().len(), 0, "{q:.20}");
    }
}
