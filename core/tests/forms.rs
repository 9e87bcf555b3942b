//! Form schemas over the real catalog: every builtin JSON parses and is
//! sane, every one of the 2,642 procedures gets a valid schema, and
//! `check()` behaves on drafts of the builtin forms (partial vs complete,
//! under-age marriage, ID/birth-year mismatch, hidden fields, repeat-group
//! bounds, unknown paths, documents).

use hoso_core::catalog::parse::parse_record;
use hoso_core::catalog::source::read_records;
use hoso_core::catalog::Procedure;
use hoso_core::form::{
    builtin_codes, builtin_source, check, normalize, prefill_paths, prefill_targets, schema_for,
    BuiltinForm, CheckMode, CheckReport, FieldKind, FormError, FormSchema, Requirement, Who,
    PERSON_FIELDS,
};
use hoso_core::validate::{self, Date, Sex};
use std::collections::{BTreeMap, HashSet};
use std::path::Path;
use std::sync::OnceLock;
use time::macros::date;

const DATA: &str = concat!(
    env!("CARGO_MANIFEST_DIR"),
    "/../../shared/data/tthc-national-2642.jsonl.gz"
);

const TODAY: Date = date!(2025 - 11 - 20);

fn catalog() -> &'static Vec<Procedure> {
    static CATALOG: OnceLock<Vec<Procedure>> = OnceLock::new();
    CATALOG.get_or_init(|| {
        read_records(Path::new(DATA))
            .expect("the shared crawl is readable")
            .iter()
            .map(parse_record)
            .collect()
    })
}

fn procedure(code: &str) -> &'static Procedure {
    catalog()
        .iter()
        .find(|p| p.code == code)
        .expect("procedure in the crawl")
}

fn values(pairs: &[(&str, &str)]) -> BTreeMap<String, String> {
    pairs
        .iter()
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .collect()
}

fn codes(issues: &[hoso_core::form::FieldIssue]) -> Vec<(String, String)> {
    issues
        .iter()
        .map(|i| (i.field.clone(), i.code.clone()))
        .collect()
}

/// Every required document slot of `schema` with one file.
fn all_documents(schema: &FormSchema) -> BTreeMap<String, u32> {
    schema
        .slots
        .iter()
        .filter(|s| s.requirement == Requirement::Required)
        .map(|s| (s.id.clone(), 1))
        .collect()
}

/// A valid 12-digit ID for a person: province 001 (Hà Nội), century/sex
/// digit, two-digit birth year, then six digits.
fn id_for(sex: Sex, year: i32, tail: &str) -> String {
    let century = match (year >= 2000, sex) {
        (false, Sex::Male) => 0,
        (false, Sex::Female) => 1,
        (true, Sex::Male) => 2,
        (true, Sex::Female) => 3,
    };
    format!("001{century}{:02}{tail}", year % 100)
}

// ---------------------------------------------------------------- builtins

#[test]
fn every_builtin_json_parses_and_lints_clean() {
    // Every file of core/data/forms is compiled in.
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/data/forms");
    let mut files: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    files.sort();
    let mut compiled: Vec<String> = builtin_codes()
        .iter()
        .map(|c| format!("{c}.json"))
        .collect();
    compiled.sort();
    assert_eq!(files, compiled);
    for code in builtin_codes() {
        let json = builtin_source(code).expect("embedded");
        let form = BuiltinForm::from_json(json).unwrap_or_else(|e| panic!("{code}: {e}"));
        assert_eq!(&form.procedure_code, code);
        let schema = schema_for(procedure(code));
        assert!(schema.builtin, "{code}");
        assert_eq!(schema.groups, form.groups);
        let problems = schema.lint();
        assert!(problems.is_empty(), "{code}: {problems:#?}");
    }
}

/// Hand-made forms whose every document is conditional: the page lists its
/// documents case by case (permanent residence, temporary absence, the tax
/// registration changes, a land register change, a seal re-registered after
/// a loss, a reorganisation or wear), or needs only the declaration
/// (marriage).
const MANY_CASES: [&str; 9] = [
    "1.004222", "1.000894", "1.003677", "1.008498", "1.008503", "1.008504", "1.008505", "1.013833",
    "2.001410",
];

/// Hand-made forms whose catalog page yields no document slot.
const NO_DOCUMENT_ROWS: [&str; 3] = ["2.001159", "1.001939", "2.000821"];

#[test]
fn builtin_fields_and_slots_are_sane() {
    for code in builtin_codes() {
        let p = procedure(code);
        let schema = schema_for(p);
        assert!(!schema.title_en.is_empty() && !schema.title_vi.is_empty());
        // Person blocks use the standard ids, so prefill can map them.
        let (first, rules) = prefill_targets(&schema)[0];
        assert!(!rules.is_empty(), "{code}");
        assert!(first.field("full_name").is_some(), "{code}");
        for (group, _) in prefill_targets(&schema) {
            for (attr, path) in prefill_paths(group) {
                let root = attr.split('.').next().unwrap();
                assert!(PERSON_FIELDS.contains(&root));
                assert!(schema.resolve(&path).is_ok(), "{code}: {path}");
            }
        }
        // Every field is labelled in both languages, with Vietnamese diacritics.
        let has_diacritics = schema
            .groups
            .iter()
            .flat_map(|g| &g.fields)
            .filter(|f| !f.label_vi.is_ascii())
            .count();
        assert!(has_diacritics * 2 > schema.groups.iter().map(|g| g.fields.len()).sum::<usize>());
        // Slots come from the catalog rows, with at least one required
        // document — but for pages that list none: a guest's stay notice
        // needs no paper (its only row is a note), and the pages of
        // household health insurance and survivor benefits hold their
        // procedure steps where the document table belongs (docs/forms.md).
        if NO_DOCUMENT_ROWS.contains(code) {
            assert!(
                schema.slots.is_empty(),
                "{code}: the catalog now lists documents"
            );
            continue;
        }
        assert!(!schema.slots.is_empty(), "{code}");
        for slot in &schema.slots {
            let row: usize = slot.id.trim_start_matches("doc").parse().unwrap();
            assert_eq!(p.documents[row - 1].name.trim(), slot.name);
        }
        // (Permanent residence lists every document under one residence
        // case; marriage needs only the declaration, paper or electronic.)
        assert!(
            MANY_CASES.contains(code)
                || schema
                    .slots
                    .iter()
                    .any(|s| s.requirement == Requirement::Required),
            "{code}: {:#?}",
            schema.slots
        );
    }
}

#[test]
fn builtin_slots_match_the_real_requirements() {
    let required = |code: &str| -> Vec<String> {
        schema_for(procedure(code))
            .slots
            .into_iter()
            .filter(|s| s.requirement == Requirement::Required)
            .map(|s| s.name)
            .collect()
    };
    // Marriage: the declaration depends on the channel; identity papers are
    // shown only in person.
    assert!(required("1.000894").is_empty());
    // Birth registration: only the birth certificate is always needed.
    let birth = required("1.001193");
    assert_eq!(birth.len(), 1, "{birth:#?}");
    assert!(birth[0].starts_with("Giấy chứng sinh"));
    // Permanent residence: every document belongs to one residence case.
    let residence = schema_for(procedure("1.004222"));
    assert!(residence
        .slots
        .iter()
        .all(|s| matches!(s.requirement, Requirement::Conditional { .. })));
    // ID card reissue: the DC02 request form.
    let reissue = required("1.014064");
    assert_eq!(reissue.len(), 1);
    assert!(reissue[0].contains("DC02"));
    // Criminal record: the ID copy; the declaration depends on the channel,
    // the authorization letter on a representative.
    let record = required("3.000333");
    assert!(record.iter().any(|n| n.starts_with("Bản sao Thẻ Căn cước")));
    assert!(!record.iter().any(|n| n.starts_with("Văn bản ủy quyền")));
    // Household business: the application.
    let business = required("1.001612");
    assert_eq!(business, ["Giấy đề nghị đăng ký hộ kinh doanh;"]);
}

// ------------------------------------------------------- whole catalog

#[test]
fn every_procedure_gets_a_valid_schema() {
    let procedures = catalog();
    assert_eq!(procedures.len(), 2642);
    let mut builtins = 0;
    for p in procedures {
        let schema = schema_for(p);
        assert_eq!(schema.procedure_code, p.code);
        let problems = schema.lint();
        assert!(problems.is_empty(), "{}: {problems:#?}", p.code);
        builtins += usize::from(schema.builtin);
        // Slot ids are unique, stable (derived twice the same) and name a row.
        assert_eq!(schema_for(p).slots, schema.slots);
        for slot in &schema.slots {
            let row: usize = slot.id.trim_start_matches("doc").parse().unwrap();
            assert!(row >= 1 && row <= p.documents.len());
            if let Requirement::Conditional { when_vi } = &slot.requirement {
                assert!(!when_vi.trim().is_empty() && when_vi.chars().count() <= 220);
            }
        }
        // The schema serializes (for `hoso form show --json`) and reads back.
        let json = serde_json::to_string(&schema).unwrap();
        let back: FormSchema = serde_json::from_str(&json).unwrap();
        assert_eq!(back, schema);
        // An empty draft is never ready when something is required.
        let report = check(
            &schema,
            &BTreeMap::new(),
            &BTreeMap::new(),
            CheckMode::Complete,
            TODAY,
        );
        assert!(!report.ready);
    }
    assert_eq!(builtins, builtin_codes().len());
}

#[test]
fn generic_schema_shape_and_slot_heuristics() {
    let mut counts = BTreeMap::<&str, usize>::new();
    let mut slots = 0;
    let mut rows = 0;
    for p in catalog() {
        let schema = schema_for(p);
        rows += p.documents.len();
        slots += schema.slots.len();
        for s in &schema.slots {
            let kind = match s.requirement {
                Requirement::Required => "required",
                Requirement::Optional => "optional",
                Requirement::Conditional { .. } => "conditional",
            };
            *counts.entry(kind).or_default() += 1;
        }
        if !schema.builtin {
            assert_eq!(schema.groups.len(), 1);
            let applicant = &schema.groups[0];
            assert_eq!(applicant.id, "applicant");
            assert_eq!(applicant.prefill[0].who, Who::Self_);
            assert!(matches!(
                applicant.field("id_number").unwrap().kind,
                FieldKind::IdNumber { .. }
            ));
        }
    }
    eprintln!("rows {rows}, slots {slots}, {counts:?}");
    // Notes and headings are dropped, most rows stay; all three kinds occur.
    assert!(slots * 10 > rows * 8, "{slots} of {rows}");
    assert!(counts["required"] > 4000);
    assert!(counts["optional"] > 500);
    assert!(counts["conditional"] > 4000);
}

// ------------------------------------------------------------ check()

fn birth_values() -> BTreeMap<String, String> {
    let mother_id = id_for(Sex::Female, 1995, "123456");
    let father_id = id_for(Sex::Male, 1993, "654321");
    values(&[
        ("applicant.full_name", "Trần Thị Mai"),
        ("applicant.date_of_birth", "12/03/1995"),
        ("applicant.sex", "nữ"),
        ("applicant.id_number", &mother_id),
        ("applicant.phone", "0912 345 678"),
        ("applicant.address.province", "Hà Nội"),
        ("applicant.address.commune", "Phường Ba Đình"),
        ("applicant.address.detail", "Số 5, ngõ 10 phố Đội Cấn"),
        ("applicant.relationship", "Mẹ"),
        ("child.full_name", "Nguyễn Minh An"),
        ("child.sex", "nam"),
        ("child.date_of_birth", "01/11/2025"),
        ("child.place_of_birth", "Bệnh viện Phụ sản Hà Nội"),
        ("child.hometown", "Nam Định"),
        ("child.ethnicity", "Kinh"),
        ("child.nationality", "Việt Nam"),
        ("child.father_known", "có"),
        ("mother.full_name", "Trần Thị Mai"),
        ("mother.date_of_birth", "12/03/1995"),
        ("mother.id_number", &mother_id),
        ("mother.ethnicity", "Kinh"),
        ("mother.nationality", "Việt Nam"),
        ("mother.address.province", "Hà Nội"),
        ("mother.address.commune", "Phường Ba Đình"),
        ("mother.address.detail", "Số 5, ngõ 10 phố Đội Cấn"),
        ("father.full_name", "Nguyễn Văn Bình"),
        ("father.date_of_birth", "20/07/1993"),
        ("father.id_number", &father_id),
        ("father.ethnicity", "Kinh"),
        ("father.nationality", "Việt Nam"),
        ("father.address.province", "Hà Nội"),
        ("father.address.commune", "Phường Ba Đình"),
        ("father.address.detail", "Số 5, ngõ 10 phố Đội Cấn"),
    ])
}

#[test]
fn birth_registration_partial_then_complete() {
    let schema = schema_for(procedure("1.001193"));
    let full = birth_values();
    // Partial: half the values → missing fields, nothing invalid.
    let half: BTreeMap<String, String> = full
        .iter()
        .filter(|(k, _)| k.starts_with("applicant.") || k.starts_with("child."))
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    let r = check(&schema, &half, &BTreeMap::new(), CheckMode::Partial, TODAY);
    assert!(!r.ready);
    assert_eq!(r.mode, CheckMode::Partial);
    assert!(r.invalid.is_empty(), "{:#?}", r.invalid);
    assert!(r
        .missing
        .iter()
        .any(|i| i.field == "mother.full_name" && i.code == "required"));
    assert!(r
        .missing
        .iter()
        .any(|i| i.field == "father.address.commune"));
    assert!(r
        .missing
        .iter()
        .all(|i| !i.message_vi.is_empty() && !i.message_en.is_empty()));

    // Complete values: ready except the birth certificate.
    let r = check(&schema, &full, &BTreeMap::new(), CheckMode::Complete, TODAY);
    assert!(r.invalid.is_empty(), "{:#?}", r.invalid);
    assert_eq!(codes(&r.missing).len(), 1, "{:#?}", r.missing);
    assert_eq!(r.missing[0].code, "document_missing");
    assert!(r.missing[0].field.starts_with("documents.doc"));
    assert!(!r.ready);

    let docs = all_documents(&schema);
    let r = check(&schema, &full, &docs, CheckMode::Complete, TODAY);
    assert!(r.ready, "{r:#?}");
    assert!(check(&schema, &full, &docs, CheckMode::Partial, TODAY).ready);
}

#[test]
fn an_address_names_a_real_unit_of_its_province() {
    // The birth registration form (issue #21): the mother's commune is
    // checked against her province with the unit table.
    let schema = schema_for(procedure("1.001193"));
    let docs = all_documents(&schema);
    let issue_for = |commune: &str| {
        let mut v = birth_values();
        v.insert("mother.address.commune".into(), commune.into());
        let r = check(&schema, &v, &docs, CheckMode::Complete, TODAY);
        let mut found: Vec<_> = r
            .invalid
            .into_iter()
            .map(|i| (i.field, i.code, i.message_vi))
            .collect();
        assert!(found.len() <= 1, "{found:#?}");
        found.pop()
    };
    assert_eq!(
        issue_for("p. ba dinh"),
        None,
        "typed loosely, still Ba Đình"
    );
    for (commune, code, says) in [
        // Another province's ward.
        (
            "Phường Bến Thành",
            "commune_other_province",
            "Thành phố Hồ Chí Minh",
        ),
        // A former ward: what it is part of now.
        ("Phường Phúc Xá", "commune_former", "Phường Hồng Hà"),
        // A typo.
        ("Phường Hoàn Kím", "commune_unknown", "Phường Hoàn Kiếm"),
        // Made up.
        ("Phường Không Có", "commune_unknown", "Không có"),
    ] {
        let (field, got, message) = issue_for(commune).unwrap_or_else(|| panic!("{commune}"));
        assert_eq!(field, "mother.address.commune");
        assert_eq!(got, code, "{commune}");
        assert!(message.contains(says), "{commune}: {message}");
    }
}

#[test]
fn the_permanent_residence_form_checks_its_addresses_too() {
    // Issue #21: the new permanent address of 1.004222 (CT01) is a real
    // unit of its province; a former ward answers what it became.
    let schema = schema_for(procedure("1.004222"));
    let invalid = |commune: &str| {
        let v = values(&[
            ("residence.address.province", "Hà Nội"),
            ("residence.address.commune", commune),
            ("residence.address.detail", "Số 5 ngõ 10"),
        ]);
        codes(&check(&schema, &v, &BTreeMap::new(), CheckMode::Partial, TODAY).invalid)
    };
    assert_eq!(invalid("p. ba dinh"), []);
    let commune = "residence.address.commune".to_string();
    assert_eq!(
        invalid("Phường Bến Thành"),
        [(commune.clone(), "commune_other_province".to_string())]
    );
    assert_eq!(
        invalid("Phường Phúc Xá"),
        [(commune, "commune_former".to_string())]
    );
}

#[test]
fn hidden_father_is_not_required_and_not_checked() {
    let schema = schema_for(procedure("1.001193"));
    let mut v: BTreeMap<String, String> = birth_values()
        .into_iter()
        .filter(|(k, _)| !k.starts_with("father."))
        .collect();
    v.insert("child.father_known".into(), "không".into());
    // A stale, malformed father value is ignored while the father is hidden.
    v.insert("father.id_number".into(), "12ab".into());
    let r = check(
        &schema,
        &v,
        &all_documents(&schema),
        CheckMode::Complete,
        TODAY,
    );
    assert!(r.ready, "{r:#?}");
    // … and counts again once the father is known.
    v.insert("child.father_known".into(), "có".into());
    let r = check(
        &schema,
        &v,
        &all_documents(&schema),
        CheckMode::Complete,
        TODAY,
    );
    assert!(r.missing.iter().any(|i| i.field == "father.full_name"));
    assert!(r.invalid.iter().any(|i| i.field == "father.id_number"));
}

#[test]
fn id_number_must_match_birth_year_and_sex() {
    let schema = schema_for(procedure("1.001193"));
    let docs = all_documents(&schema);
    let mut v = birth_values();
    // Born 1995 but the ID says 1985.
    v.insert(
        "applicant.id_number".into(),
        id_for(Sex::Female, 1985, "123456"),
    );
    let r = check(&schema, &v, &docs, CheckMode::Complete, TODAY);
    assert!(!r.ready);
    assert_eq!(
        codes(&r.invalid),
        [(
            "applicant.id_number".to_string(),
            "id_birth_year_mismatch".to_string()
        )]
    );
    // The mother group has no sex field: its sex comes from its prefill rules.
    let mut v = birth_values();
    v.insert("mother.id_number".into(), id_for(Sex::Male, 1995, "123456"));
    let r = check(&schema, &v, &docs, CheckMode::Complete, TODAY);
    assert_eq!(
        codes(&r.invalid),
        [(
            "mother.id_number".to_string(),
            "id_sex_mismatch".to_string()
        )]
    );
}

#[test]
fn dates_of_birth_cannot_be_in_the_future() {
    let schema = schema_for(procedure("1.001193"));
    let mut v = birth_values();
    v.insert("child.date_of_birth".into(), "01/01/2026".into());
    let r = check(
        &schema,
        &v,
        &all_documents(&schema),
        CheckMode::Complete,
        TODAY,
    );
    assert_eq!(
        codes(&r.invalid),
        [(
            "child.date_of_birth".to_string(),
            "date_in_future".to_string()
        )]
    );
    v.insert("child.date_of_birth".into(), "31/02/2025".into());
    let r = check(
        &schema,
        &v,
        &all_documents(&schema),
        CheckMode::Complete,
        TODAY,
    );
    assert_eq!(r.invalid.len(), 1);
    assert_eq!(r.invalid[0].field, "child.date_of_birth");
}

fn marriage_values(husband_dob: &str, husband_year: i32) -> BTreeMap<String, String> {
    let husband_id = id_for(Sex::Male, husband_year, "111222");
    let wife_id = id_for(Sex::Female, 2000, "333444");
    let mut v = values(&[
        ("husband.full_name", "Lê Văn Cường"),
        ("husband.date_of_birth", husband_dob),
        ("husband.id_number", &husband_id),
        ("husband.ethnicity", "Kinh"),
        ("husband.nationality", "Việt Nam"),
        ("husband.phone", "0987654321"),
        ("husband.marital_status", "chưa kết hôn lần nào"),
        ("wife.full_name", "Phạm Thị Dung"),
        ("wife.date_of_birth", "05/05/2000"),
        ("wife.id_number", &wife_id),
        ("wife.ethnicity", "Kinh"),
        ("wife.nationality", "Việt Nam"),
        ("wife.phone", "0987654322"),
        ("wife.marital_status", "Never married"),
        ("registration.submitted_by", "both"),
    ]);
    for g in ["husband", "wife"] {
        v.insert(format!("{g}.address.province"), "Đà Nẵng".into());
        v.insert(format!("{g}.address.commune"), "Phường Hải Châu".into());
        v.insert(format!("{g}.address.detail"), "12 Bạch Đằng".into());
    }
    v
}

#[test]
fn marriage_rejects_an_under_age_husband() {
    let schema = schema_for(procedure("1.000894"));
    let docs = all_documents(&schema);
    let ok = marriage_values("10/10/1998", 1998);
    let r = check(&schema, &ok, &docs, CheckMode::Complete, TODAY);
    assert!(r.ready, "{r:#?}");
    // 19 years old: old enough for a woman, not for a man (Luật HN&GĐ 2014, art. 8).
    let young = marriage_values("10/10/2006", 2006);
    let r = check(&schema, &young, &docs, CheckMode::Complete, TODAY);
    assert!(!r.ready);
    assert_eq!(
        codes(&r.invalid),
        [("husband.date_of_birth".to_string(), "under_age".to_string())]
    );
    assert!(r.invalid[0].message_vi.contains("20"));
}

#[test]
fn repeat_group_bounds_and_entries() {
    // Household business founded by a family: 1..20 members, each ≥ 18.
    let schema = schema_for(procedure("1.001612"));
    let owner_id = id_for(Sex::Male, 1980, "000111");
    let base = values(&[
        ("owner.full_name", "Hoàng Văn Em"),
        ("owner.date_of_birth", "01/01/1980"),
        ("owner.sex", "male"),
        ("owner.id_number", &owner_id),
        ("owner.ethnicity", "Kinh"),
        ("owner.nationality", "Việt Nam"),
        ("owner.phone", "0901234567"),
        ("owner.address.province", "Cần Thơ"),
        ("owner.address.commune", "Phường Ninh Kiều"),
        ("owner.address.detail", "45 Hai Bà Trưng"),
        ("business.name", "Hộ kinh doanh Em Bakery"),
        ("business.address.province", "Cần Thơ"),
        ("business.address.commune", "Phường Ninh Kiều"),
        ("business.address.detail", "45 Hai Bà Trưng"),
        ("business.lines_of_business", "Sản xuất bánh mì"),
        ("business.capital_vnd", "50000000"),
        ("business.family_founded", "không"),
    ]);
    let docs = all_documents(&schema);
    let r = check(&schema, &base, &docs, CheckMode::Complete, TODAY);
    assert!(r.ready, "{r:#?}");

    // Family-founded without members: too few entries.
    let mut v = base.clone();
    v.insert("business.family_founded".into(), "có".into());
    let r = check(&schema, &v, &docs, CheckMode::Complete, TODAY);
    assert_eq!(
        codes(&r.missing),
        [("members".to_string(), "too_few_entries".to_string())]
    );

    // Two members at sparse indices; one incomplete.
    let wife_id = id_for(Sex::Female, 1982, "000222");
    v.insert("members[0].full_name".into(), "Lý Thị Hoa".into());
    v.insert("members[0].date_of_birth".into(), "02/02/1982".into());
    v.insert("members[0].sex".into(), "nữ".into());
    v.insert("members[0].id_number".into(), wife_id);
    v.insert("members[7].full_name".into(), "Hoàng Văn Phúc".into());
    let r = check(&schema, &v, &docs, CheckMode::Complete, TODAY);
    let missing: Vec<_> = r.missing.iter().map(|i| i.field.as_str()).collect();
    assert_eq!(
        missing,
        [
            "members[7].date_of_birth",
            "members[7].sex",
            "members[7].id_number"
        ]
    );
    assert!(
        r.missing[0].message_vi.contains("8"),
        "{}",
        r.missing[0].message_vi
    );

    // Beyond the 20-entry maximum.
    v.insert("members[20].full_name".into(), "Người thứ 21".into());
    let r = check(&schema, &v, &docs, CheckMode::Complete, TODAY);
    assert!(r
        .invalid
        .iter()
        .any(|i| i.field == "members[20].full_name" && i.code == "too_many_entries"));
}

#[test]
fn unknown_paths_and_documents_after_a_catalog_update() {
    let schema = schema_for(procedure("1.001193"));
    let mut v = birth_values();
    v.insert("child.nickname".into(), "Bin".into());
    v.insert("grandparents.full_name".into(), "Ông Ba".into());
    v.insert("child.full_name.first".into(), "An".into());
    let mut docs = all_documents(&schema);
    docs.insert("doc99".into(), 2);
    let r = check(&schema, &v, &docs, CheckMode::Complete, TODAY);
    assert!(!r.ready);
    assert!(r.missing.is_empty());
    let invalid = codes(&r.invalid);
    for path in [
        "child.nickname",
        "grandparents.full_name",
        "child.full_name.first",
    ] {
        assert!(
            invalid.contains(&(path.to_string(), "unknown_field".to_string())),
            "{invalid:?}"
        );
    }
    assert!(invalid.contains(&(
        "documents.doc99".to_string(),
        "unknown_document".to_string()
    )));
}

#[test]
fn visible_when_examples_in_the_builtins() {
    // ID card reissue: the loss details only when the card was lost; the
    // representative only for a child under 14.
    let schema = schema_for(procedure("1.014064"));
    let id = id_for(Sex::Female, 1990, "777888");
    let base = values(&[
        ("applicant.full_name", "Đỗ Thị Giang"),
        ("applicant.date_of_birth", "09/09/1990"),
        ("applicant.sex", "F"),
        ("applicant.id_number", &id),
        ("applicant.phone", "0356789012"),
        ("applicant.address.province", "Hải Phòng"),
        ("applicant.address.commune", "Phường Hồng Bàng"),
        ("applicant.address.detail", "3 Điện Biên Phủ"),
        ("request.reason", "Bị hư hỏng không sử dụng được"),
        ("request.for_minor", "không"),
        ("request.delivery", "office"),
    ]);
    let docs = all_documents(&schema);
    let r = check(&schema, &base, &docs, CheckMode::Complete, TODAY);
    assert!(r.ready, "{r:#?}");
    let mut v = base.clone();
    v.insert("request.reason".into(), "nationality_restored".into());
    v.insert("request.delivery".into(), "post".into());
    v.insert("request.for_minor".into(), "yes".into());
    let r = check(&schema, &v, &docs, CheckMode::Complete, TODAY);
    let missing: Vec<_> = r.missing.iter().map(|i| i.field.as_str()).collect();
    assert_eq!(
        missing,
        [
            "request.nationality_decision",
            "request.delivery_address.province",
            "request.delivery_address.commune",
            "request.delivery_address.detail",
            "representative.full_name",
            "representative.id_number",
            "representative.relationship",
            "representative.phone",
        ]
    );
    assert!(schema
        .resolve_visible("request.loss_details", &v)
        .is_err_and(|e| matches!(e, FormError::Hidden { .. })));
    v.insert("request.reason".into(), "lost".into());
    assert!(schema.resolve_visible("request.loss_details", &v).is_ok());

    // Criminal record: the management-ban question only for certificate No. 1.
    let schema = schema_for(procedure("3.000333"));
    let ban = |t: &str| {
        let v = values(&[("request.certificate_type", t)]);
        schema.resolve_visible("request.management_ban", &v).is_ok()
    };
    assert!(ban("Phiếu lý lịch tư pháp số 1"));
    assert!(!ban("2"));
}

#[test]
fn normalize_through_resolved_fields() {
    let schema = schema_for(procedure("1.004222"));
    let n = |path: &str, raw: &str| normalize(&schema.resolve(path).unwrap(), raw);
    assert_eq!(
        n("applicant.date_of_birth", "5-6-1990").unwrap(),
        "05/06/1990"
    );
    assert_eq!(
        n("applicant.phone", "+84 912 345 678").unwrap(),
        "0912345678"
    );
    assert_eq!(n("applicant.sex", "Nữ").unwrap(), "female");
    assert_eq!(
        n("residence.basis", "cho o hop phap do thue, muon, o nho").unwrap(),
        "rented"
    );
    assert_eq!(n("residence.floor_area_m2", "45.5").unwrap(), "45.5");
    assert_eq!(
        n("members[3].full_name", "  Nguyễn   Văn An ").unwrap(),
        "Nguyễn Văn An"
    );
    assert_eq!(
        n("residence.basis", "lâu đài").unwrap_err().code,
        "choice_unknown"
    );
    assert!(n("applicant.id_number", "12345").is_err());
    assert!(matches!(
        schema.resolve("members[20].full_name"),
        Err(FormError::BadIndex { .. })
    ));
    let _ = validate::today_vn();
}

#[test]
fn reports_serialize_for_the_cli() {
    let schema = schema_for(procedure("1.001193"));
    let report: CheckReport = check(
        &schema,
        &values(&[("child.sex", "unknown")]),
        &BTreeMap::new(),
        CheckMode::Partial,
        TODAY,
    );
    let json = serde_json::to_value(&report).unwrap();
    assert_eq!(json["ready"], false);
    assert_eq!(json["mode"], "partial");
    assert_eq!(json["invalid"][0]["field"], "child.sex");
    let ids: HashSet<&str> = schema.slots.iter().map(|s| s.id.as_str()).collect();
    assert_eq!(ids.len(), schema.slots.len());
}
