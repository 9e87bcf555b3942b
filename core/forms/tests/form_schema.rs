//! The published form file schema (`docs/forms.schema.json`) and the form
//! reader agree: every form file of `core/data/forms` validates against the
//! schema, every field kind and condition the reader knows is in it, and
//! the variants either refuses (an unknown key, no version, an unknown
//! kind, a malformed condition) the other refuses too.

use hoso_forms::form::{builtin_codes, builtin_source, BuiltinForm};
use serde_json::{json, Value};

fn validator() -> jsonschema::Validator {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../docs/forms.schema.json");
    let schema: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    jsonschema::draft202012::new(&schema).expect("docs/forms.schema.json is a schema")
}

/// Whether the schema and the reader each accept `form`.
fn verdicts(v: &jsonschema::Validator, form: &Value) -> (bool, bool) {
    (
        v.is_valid(form),
        BuiltinForm::from_json(&form.to_string()).is_ok(),
    )
}

fn built_in(code: &str) -> Value {
    serde_json::from_str(builtin_source(code).unwrap()).unwrap()
}

#[test]
fn every_form_file_validates_against_the_published_schema() {
    let v = validator();
    for code in builtin_codes() {
        let form = built_in(code);
        let problems: Vec<String> = v.iter_errors(&form).map(|e| e.to_string()).collect();
        assert!(problems.is_empty(), "{code}: {problems:#?}");
    }
}

#[test]
fn every_kind_and_condition_is_in_the_schema() {
    let v = validator();
    let kinds = [
        json!({"type": "text", "max_chars": 20}),
        json!({"type": "number", "min": 0, "max": 10.5}),
        json!({"type": "date", "not_future": true, "min_age": 18, "max_age": 120}),
        json!({"type": "choice", "options": [{"value": "a", "label_vi": "A", "label_en": "A"}]}),
        json!({"type": "boolean"}),
        json!({"type": "id_number", "birth_field": "dob", "sex_field": "sex"}),
        json!({"type": "phone"}),
        json!({"type": "email"}),
        json!({"type": "address"}),
        json!({"type": "person_name"}),
        json!({"type": "sex"}),
    ];
    let conditions = [
        json!({"type": "equals", "field": "a", "value": "x"}),
        json!({"type": "not_equals", "field": "a", "value": "x"}),
        json!({"type": "is_set", "field": "a"}),
        json!({"type": "all", "conditions": [{"type": "is_set", "field": "a"}]}),
        json!({"type": "any", "conditions": []}),
    ];
    for (kind, condition) in kinds.iter().zip(conditions.iter().cycle()) {
        let form = json!({
            "version": 1, "procedure_code": "1.000001", "title_vi": "T", "title_en": "T",
            "groups": [{"id": "g", "label_vi": "G", "label_en": "G",
                        "fields": [{"id": "f", "label_vi": "F", "label_en": "F",
                                    "kind": kind, "visible_when": condition}]}]
        });
        assert_eq!(verdicts(&v, &form), (true, true), "{kind} {condition}");
    }
}

/// A change made to a form file.
type Change = fn(&mut Value);

#[test]
fn renamed_fields_are_in_the_schema() {
    let v = validator();
    let mut form = built_in("1.001193");
    form["version"] = json!(2);
    form["renamed"] = json!([{"from": "applicant.ten", "to": "applicant.full_name", "version": 2}]);
    assert_eq!(verdicts(&v, &form), (true, true));
    form["renamed"][0]["since"] = json!(1);
    assert_eq!(verdicts(&v, &form), (false, false));
}

#[test]
fn what_the_reader_refuses_the_schema_refuses() {
    let v = validator();
    let base = built_in("1.001193");
    let variants: [(&str, Change); 7] = [
        ("an unknown top key", |f| f["surprise"] = json!(1)),
        ("no version", |f| {
            f.as_object_mut().unwrap().remove("version");
        }),
        ("an unknown group key", |f| {
            f["groups"][0]["colour"] = json!("red")
        }),
        ("an unknown field key", |f| {
            f["groups"][0]["fields"][0]["hint"] = json!("x")
        }),
        ("an unknown kind", |f| {
            f["groups"][0]["fields"][0]["kind"] = json!({"type": "colour"})
        }),
        ("a kind with a stray key", |f| {
            f["groups"][0]["fields"][0]["kind"] = json!({"type": "phone", "max_chars": 3})
        }),
        ("a malformed condition", |f| {
            f["groups"][0]["fields"][0]["visible_when"] = json!({"type": "equals", "field": "a"})
        }),
    ];
    for (what, change) in variants {
        let mut form = base.clone();
        change(&mut form);
        assert_eq!(verdicts(&v, &form), (false, false), "{what}");
    }
}
