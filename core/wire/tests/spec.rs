//! Holds the wire types to `docs/portal-api.yaml`, the source of truth:
//!
//! 1. every type's representative instances (optional fields present and
//!    absent, `null` and not, every enum value) validate against the schema
//!    the type stands for (draft 2020-12, `$ref`s resolved in the document,
//!    formats asserted);
//! 2. every example in the spec — of a schema, a parameter, a request or
//!    response body, and each of `components/examples` through the bodies
//!    naming it — reads into the type for its schema and writes back
//!    unchanged (so no field is dropped or renamed on the way);
//! 3. every schema of `components/schemas` has a wire type (or is allowed
//!    without one, with the reason).

mod samples;

use hoso_wire::*;
use jsonschema::{Registry, Validator};
use serde::de::DeserializeOwned;
use serde::Serialize;
use serde_json::{json, Value};
use std::collections::{BTreeMap, BTreeSet};
use std::sync::OnceLock;

/// The spec's base URI inside the validator's registry.
const BASE: &str = "urn:hoso:portal-api";

/// Schemas of `components/schemas` without a wire type, and why. Empty:
/// every schema has one.
const WITHOUT_WIRE_TYPE: &[(&str, &str)] = &[];

/// Named examples (`components/examples`) no body refers to, with the
/// schema they are of: test vectors other code reads from the spec.
const UNREFERENCED_EXAMPLES: &[(&str, &str)] = &[
    // The real receipt the fuzz seeds and core's receipt tests verify.
    ("ReceiptH4022", "#/components/schemas/Receipt"),
];

fn spec() -> &'static Value {
    static SPEC: OnceLock<Value> = OnceLock::new();
    SPEC.get_or_init(|| {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../docs/portal-api.yaml");
        let text = std::fs::read_to_string(path).expect("docs/portal-api.yaml is readable");
        serde_yaml_ng::from_str(&text).expect("docs/portal-api.yaml is YAML")
    })
}

fn registry() -> &'static Registry<'static> {
    static REGISTRY: OnceLock<Registry<'static>> = OnceLock::new();
    REGISTRY.get_or_init(|| {
        Registry::new()
            .draft(jsonschema::Draft::Draft202012)
            .add(BASE, spec())
            .and_then(|r| r.prepare())
            .expect("the spec is a schema resource")
    })
}

/// A validator for the schema at `pointer` in the spec.
fn validator(pointer: &str) -> Validator {
    jsonschema::draft202012::options()
        .should_validate_formats(true)
        .with_registry(registry())
        .build(&json!({ "$ref": format!("{BASE}#{pointer}") }))
        .unwrap_or_else(|e| panic!("schema at {pointer}: {e}"))
}

/// Problems `instance` has against `v`, one line each.
fn problems(v: &Validator, instance: &Value) -> Vec<String> {
    v.iter_errors(instance)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect()
}

/// One wire type and the schema it stands for.
struct Shape {
    /// A name in `components/schemas`, or a JSON pointer into the spec for
    /// a schema written inline.
    at: &'static str,
    /// Representative instances, written as JSON.
    samples: fn() -> Vec<Value>,
    /// Reads JSON into the type and writes it back.
    read: fn(&Value) -> Result<Value, String>,
}

impl Shape {
    fn pointer(&self) -> String {
        if self.at.starts_with('/') {
            self.at.to_string()
        } else {
            format!("/components/schemas/{}", self.at)
        }
    }
}

fn read<T: Serialize + DeserializeOwned>(value: &Value) -> Result<Value, String> {
    let typed: T = serde_json::from_value(value.clone()).map_err(|e| format!("reads: {e}"))?;
    serde_json::to_value(&typed).map_err(|e| format!("writes: {e}"))
}

fn values<T: Serialize>(items: Vec<T>) -> Vec<Value> {
    items
        .iter()
        .map(|i| serde_json::to_value(i).expect("a sample serialises"))
        .collect()
}

macro_rules! shape {
    ($at:expr, $ty:ty, $samples:expr) => {
        Shape {
            at: $at,
            samples: || values::<$ty>($samples),
            read: read::<$ty>,
        }
    };
}

/// Every wire type, by the schema it stands for.
fn shapes() -> Vec<Shape> {
    use samples as s;
    vec![
        // Scalars.
        shape!(
            "Sha256Hex",
            Sha256Hex,
            vec![s::SHA_A.into(), s::SHA_B.into()]
        ),
        shape!("ProcedureCode", ProcedureCode, vec!["1.001193".into()]),
        shape!("CatalogDataName", CatalogDataName, vec!["units".into()]),
        shape!("CatalogData", CatalogData, s::catalog_data()),
        shape!(
            "AgencyCode",
            AgencyCode,
            vec!["H40.22".into(), "BTP".into()]
        ),
        shape!(
            "DossierCode",
            DossierCode,
            vec![s::CODE.into(), "H40-261123-10000".into()]
        ),
        shape!("CatalogVersion", CatalogVersion, vec![0, 1, 2]),
        shape!(
            "KeyId",
            KeyId,
            vec!["portal-2026-11".into(), "portal-2026-11.2".into()]
        ),
        shape!("LookupToken", LookupToken, vec![s::TOKEN.into()]),
        shape!("Cursor", Cursor, vec!["f_00000000000000a7".into()]),
        shape!(
            "Phone",
            Phone,
            vec!["0912345678".into(), "+84 912 345 678".into()]
        ),
        shape!(
            "PersonName",
            PersonName,
            vec!["Nguyễn Văn An".into(), "Ksor H'Hen".into()]
        ),
        shape!("Password", Password, vec!["khai-sinh-2026!".into()]),
        shape!("MediaType", MediaType, MediaType::ALL.to_vec()),
        shape!("ChannelKind", ChannelKind, ChannelKind::ALL.to_vec()),
        shape!("StatusCode", StatusCode, status::ALL.to_vec()),
        // Errors.
        shape!("ErrorCode", ErrorCode, ErrorCode::ALL.to_vec()),
        shape!("Error", Error, s::errors()),
        shape!("FieldIssue", FieldIssue, vec![s::issue()]),
        // Meta.
        shape!("Health", Health, vec![s::health()]),
        shape!(
            "/components/schemas/Health/properties/status",
            HealthStatus,
            HealthStatus::ALL.to_vec()
        ),
        shape!(
            "/components/schemas/Health/properties/api_version",
            String,
            vec![API_VERSION.into()]
        ),
        // Catalog.
        shape!("CatalogInfo", CatalogInfo, vec![s::catalog_info()]),
        shape!(
            "/components/schemas/CatalogInfo/properties/format",
            BundleFormat,
            BundleFormat::ALL.to_vec()
        ),
        shape!("CatalogBundle", CatalogBundle, s::bundles()),
        shape!(
            "/components/schemas/CatalogBundle/properties/format",
            BundleFormat,
            BundleFormat::ALL.to_vec()
        ),
        shape!("CatalogDelta", CatalogDelta, s::deltas()),
        shape!(
            "/components/schemas/CatalogDelta/properties/format",
            DeltaFormat,
            DeltaFormat::ALL.to_vec()
        ),
        shape!("Procedure", Procedure, s::procedures()),
        shape!("Level", Level, Level::ALL.to_vec()),
        shape!(
            "ProcedureAgencies",
            ProcedureAgencies,
            vec![s::procedure_agencies()]
        ),
        shape!("Channel", procedure::Channel, s::channels()),
        shape!("ProcessingTime", ProcessingTime, s::processing_times()),
        shape!(
            "/components/schemas/ProcessingTime/properties/unit",
            TimeUnit,
            TimeUnit::ALL.to_vec()
        ),
        shape!("Fee", Fee, s::fees()),
        shape!("ForeignAmount", ForeignAmount, vec![s::foreign_amount()]),
        shape!("CatalogDocument", CatalogDocument, s::catalog_documents()),
        shape!("LegalDocument", LegalDocument, vec![s::legal_document()]),
        shape!("ProcedureResult", ProcedureResult, s::procedure_results()),
        shape!("Agency", Agency, s::agencies()),
        shape!(
            "AgencyList",
            AgencyList,
            vec![
                AgencyList {
                    agencies: s::agencies()
                },
                AgencyList { agencies: vec![] }
            ]
        ),
        shape!("AgencyRef", AgencyRef, vec![s::agency_ref()]),
        // Keys.
        shape!("KeySet", KeySet, vec![s::key_set()]),
        shape!("PublicKey", PublicKey, s::public_keys()),
        shape!(
            "/components/schemas/PublicKey/properties/kty",
            KeyType,
            KeyType::ALL.to_vec()
        ),
        shape!(
            "/components/schemas/PublicKey/properties/crv",
            Curve,
            Curve::ALL.to_vec()
        ),
        shape!(
            "/components/schemas/PublicKey/properties/alg",
            Algorithm,
            Algorithm::ALL.to_vec()
        ),
        shape!(
            "/components/schemas/PublicKey/properties/use",
            KeyUse,
            KeyUse::ALL.to_vec()
        ),
        // Accounts.
        shape!("AccountKind", AccountKind, AccountKind::ALL.to_vec()),
        shape!(
            "VolunteerProfile",
            VolunteerProfile,
            vec![s::volunteer_profile()]
        ),
        shape!("Registration", Registration, s::registrations()),
        // `Registration`'s two branches are `Registration` with that `kind`.
        shape!(
            "CitizenRegistration",
            Registration,
            s::registrations_of(AccountKind::Citizen)
        ),
        shape!(
            "VolunteerRegistration",
            Registration,
            s::registrations_of(AccountKind::Volunteer)
        ),
        shape!("ApprovalState", ApprovalState, ApprovalState::ALL.to_vec()),
        shape!("VolunteerRole", VolunteerRole, VolunteerRole::ALL.to_vec()),
        shape!("VolunteerApproval", VolunteerApproval, s::approvals()),
        shape!("Account", Account, s::accounts()),
        shape!("LoginRequest", LoginRequest, vec![s::login()]),
        shape!("RefreshRequest", RefreshRequest, vec![s::refresh()]),
        shape!("TokenPair", TokenPair, vec![s::token_pair()]),
        shape!(
            "/components/schemas/TokenPair/properties/token_type",
            TokenType,
            TokenType::ALL.to_vec()
        ),
        // Uploads.
        shape!("UploadCreate", UploadCreate, s::upload_creates()),
        shape!("UploadState", UploadState, UploadState::ALL.to_vec()),
        shape!("Upload", Upload, s::uploads()),
        // Dossiers.
        shape!(
            "FormValues",
            FormValues,
            vec![s::form_values(), FormValues::new()]
        ),
        shape!("AttachmentRef", AttachmentRef, s::attachments()),
        shape!(
            "DocumentMap",
            DocumentMap,
            vec![s::documents(), DocumentMap::new()]
        ),
        shape!("Consent", Consent, s::consents()),
        shape!(
            "/components/schemas/Consent/properties/method",
            ConsentMethod,
            ConsentMethod::ALL.to_vec()
        ),
        shape!("FiledFor", FiledFor, s::filed_fors()),
        shape!("DossierSubmission", DossierSubmission, s::submissions()),
        shape!("DossierFee", DossierFee, vec![s::dossier_fee()]),
        shape!("FiledBy", FiledBy, s::filed_bys()),
        shape!("HistoryActor", HistoryActor, HistoryActor::ALL.to_vec()),
        shape!("HistoryEntry", HistoryEntry, s::history()),
        shape!(
            "SupplementRequest",
            SupplementRequest,
            vec![s::supplement_request()]
        ),
        shape!("FeeRequest", FeeRequest, vec![s::fee_request()]),
        shape!("ReceiptPayload", ReceiptPayload, vec![s::receipt().payload]),
        shape!("Receipt", Receipt, vec![s::receipt()]),
        shape!(
            "/components/schemas/Receipt/properties/alg",
            Algorithm,
            Algorithm::ALL.to_vec()
        ),
        shape!("Dossier", Dossier, s::dossiers()),
        shape!("DossierLink", DossierLink, vec![s::dossier_link()]),
        // Payments.
        shape!("PaymentKind", PaymentKind, PaymentKind::ALL.to_vec()),
        shape!("PaymentStatus", PaymentStatus, PaymentStatus::ALL.to_vec()),
        shape!(
            "CollectingAccount",
            CollectingAccount,
            vec![s::collecting_account()]
        ),
        shape!(
            "PaymentReceiptPayload",
            PaymentReceiptPayload,
            vec![s::payment_receipt().payload]
        ),
        shape!("PaymentReceipt", PaymentReceipt, vec![s::payment_receipt()]),
        shape!("PaymentRequest", PaymentRequest, s::payment_requests()),
        shape!(
            "PaymentNotification",
            PaymentNotification,
            s::payment_notifications()
        ),
        shape!(
            "NotificationOutcome",
            NotificationOutcome,
            NotificationOutcome::ALL.to_vec()
        ),
        shape!(
            "PaymentNotificationResult",
            PaymentNotificationResult,
            s::notification_results()
        ),
        shape!(
            "SimulatedPayment",
            SimulatedPayment,
            s::simulated_payments()
        ),
        shape!("LinkedFiling", LinkedFiling, s::linked_filings()),
        shape!(
            "SupplementResponse",
            SupplementResponse,
            s::supplement_responses()
        ),
        shape!(
            "WithdrawalRequest",
            WithdrawalRequest,
            vec![s::withdrawal()]
        ),
        shape!("DossierState", DossierState, s::dossier_states()),
        shape!("FeedEntry", FeedEntry, s::feed_entries()),
        shape!("FeedPage", FeedPage, s::feed_pages()),
        shape!(
            "PublicHistoryEntry",
            PublicHistoryEntry,
            s::public_history()
        ),
        shape!(
            "PublicDossierStatus",
            PublicDossierStatus,
            s::public_statuses()
        ),
        shape!(
            "PublicPayment",
            PublicPayment,
            s::public_statuses()[1].payments.clone()
        ),
        // Admin.
        shape!("StatusChange", StatusChange, s::status_changes()),
        shape!(
            "/components/schemas/StatusChange/properties/supplement_request",
            SupplementAsk,
            vec![s::supplement_ask()]
        ),
        shape!(
            "/components/schemas/StatusChange/properties/fee_request",
            FeeAsk,
            vec![s::fee_ask()]
        ),
        shape!("Clock", Clock, s::clocks()),
        shape!(
            "ClockAdvance",
            ClockAdvance,
            vec![ClockAdvance::seconds(3600), ClockAdvance::working_days(2)]
        ),
        shape!("ClockAdvanced", ClockAdvanced, vec![s::clock_advanced()]),
        shape!("AdminStats", AdminStats, s::admin_stats()),
        shape!(
            "AdminDossierSummary",
            AdminDossierSummary,
            s::admin_summaries()
        ),
        shape!("AdminDossierPage", AdminDossierPage, s::admin_pages()),
        shape!(
            "ApproveVolunteer",
            ApproveVolunteer,
            s::approve_volunteers()
        ),
        shape!(
            "RevokeVolunteer",
            RevokeVolunteer,
            vec![s::revoke_volunteer()]
        ),
        shape!(
            "AdminVolunteerPage",
            AdminVolunteerPage,
            s::admin_volunteer_pages()
        ),
        // Team.
        shape!("TeamFiler", TeamFiler, vec![s::team_filer()]),
        shape!("TeamDossier", TeamDossier, s::team_dossiers()),
        shape!("TeamDossierPage", TeamDossierPage, s::team_pages()),
    ]
}

/// The value at `pointer`, following `$ref`s within the spec.
fn resolve<'a>(spec: &'a Value, pointer: &str) -> Option<&'a Value> {
    let mut node = spec.pointer(pointer)?;
    while let Some(target) = node.get("$ref").and_then(Value::as_str) {
        node = spec.pointer(target.strip_prefix('#')?)?;
    }
    Some(node)
}

/// May a property with this schema be `null`?
fn nullable(schema: &Value) -> bool {
    let by_type = match schema.get("type") {
        Some(Value::Array(types)) => types.iter().any(|t| t == "null"),
        _ => false,
    };
    let by_one_of = schema
        .get("oneOf")
        .and_then(Value::as_array)
        .is_some_and(|alts| alts.iter().any(|a| a.get("type") == Some(&json!("null"))));
    by_type || by_one_of
}

/// What `samples` leave untried of `schema`: a property never present, an
/// optional one never absent, a nullable one never `null` or never a value,
/// an enum value never used.
fn untried(schema: &Value, samples: &[Value]) -> Vec<String> {
    let mut out = Vec::new();
    if let Some(values) = schema.get("enum").and_then(Value::as_array) {
        for v in values.iter().filter(|v| !v.is_null()) {
            if !samples.contains(v) {
                out.push(format!("enum value {v} never used"));
            }
        }
    }
    let Some(properties) = schema.get("properties").and_then(Value::as_object) else {
        return out;
    };
    let required: BTreeSet<&str> = schema
        .get("required")
        .and_then(Value::as_array)
        .map(|r| r.iter().filter_map(Value::as_str).collect())
        .unwrap_or_default();
    for (name, property) in properties {
        let got: Vec<Option<&Value>> = samples.iter().map(|s| s.get(name)).collect();
        if !got.iter().any(|g| g.is_some_and(|v| !v.is_null())) {
            out.push(format!("`{name}` never given a value"));
        }
        if !required.contains(name.as_str()) && !got.iter().any(Option::is_none) {
            out.push(format!("optional `{name}` never left out"));
        }
        if nullable(property) && !got.iter().any(|g| g.is_some_and(Value::is_null)) {
            out.push(format!("nullable `{name}` never null"));
        }
    }
    out
}

#[test]
fn every_schema_has_a_wire_type() {
    let names: Vec<&str> = spec()["components"]["schemas"]
        .as_object()
        .expect("components/schemas")
        .keys()
        .map(String::as_str)
        .collect();
    let shapes = shapes();
    let typed: BTreeSet<String> = shapes.iter().map(Shape::pointer).collect();
    let missing: Vec<&str> = names
        .iter()
        .copied()
        .filter(|n| !typed.contains(&format!("/components/schemas/{n}")))
        .filter(|n| !WITHOUT_WIRE_TYPE.iter().any(|(allowed, _)| allowed == n))
        .collect();
    assert!(
        missing.is_empty(),
        "schemas without a wire type: {missing:?}"
    );
    for (name, reason) in WITHOUT_WIRE_TYPE {
        assert!(
            names.contains(name),
            "{name} is allowed without a type ({reason}) but is not in the spec"
        );
    }
    let stale: Vec<String> = typed
        .into_iter()
        .filter(|p| spec().pointer(p).is_none())
        .collect();
    assert!(
        stale.is_empty(),
        "wire types for schemas the spec lacks: {stale:?}"
    );
    assert!(names.len() >= 77, "the spec lists {} schemas", names.len());
}

#[test]
fn samples_validate_and_try_every_field_and_value() {
    let mut failures = Vec::new();
    for shape in shapes() {
        let pointer = shape.pointer();
        let v = validator(&pointer);
        let samples = (shape.samples)();
        assert!(!samples.is_empty(), "{pointer}: no samples");
        for sample in &samples {
            for p in problems(&v, sample) {
                failures.push(format!("{pointer}: {p}\n    in {sample}"));
            }
            match (shape.read)(sample) {
                Ok(back) if &back == sample => {}
                Ok(back) => failures.push(format!("{pointer}: {sample}\n    came back as {back}")),
                Err(e) => failures.push(format!("{pointer}: {e}\n    in {sample}")),
            }
        }
        let schema = resolve(spec(), &pointer).expect("a schema");
        for gap in untried(schema, &samples) {
            failures.push(format!("{pointer}: {gap}"));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

/// An example found in the spec: where, its value, and the schema it is of.
struct Example {
    at: String,
    value: Value,
    schema: String,
}

/// Escapes a key for a JSON pointer.
fn escape(key: &str) -> String {
    key.replace('~', "~0").replace('/', "~1")
}

/// The examples of a media type object (`content/application/json`) or a
/// parameter, with named `components/examples` resolved (and noted in
/// `used`).
fn examples_of(
    node: &Value,
    at: &str,
    schema: &str,
    used: &mut BTreeSet<String>,
    out: &mut Vec<Example>,
) {
    if let Some(value) = node.get("example") {
        out.push(Example {
            at: format!("{at}/example"),
            value: value.clone(),
            schema: schema.to_string(),
        });
    }
    for (name, example) in node
        .get("examples")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
    {
        let example = match example.get("$ref").and_then(Value::as_str) {
            Some(target) => {
                used.insert(target.to_string());
                resolve(spec(), target.trim_start_matches('#')).expect("a named example")
            }
            None => example,
        };
        out.push(Example {
            at: format!("{at}/examples/{}", escape(name)),
            value: example.get("value").cloned().expect("an example value"),
            schema: schema.to_string(),
        });
    }
}

/// Every example of a body (`content`) or a parameter whose schema is a
/// component schema, below `node`.
fn collect(node: &Value, at: &str, used: &mut BTreeSet<String>, out: &mut Vec<Example>) {
    match node {
        Value::Object(map) => {
            if let Some(content) = map.get("content").and_then(Value::as_object) {
                for (media, body) in content {
                    let here = format!("{at}/content/{}", escape(media));
                    match body.pointer("/schema/$ref").and_then(Value::as_str) {
                        Some(schema) => examples_of(body, &here, schema, used, out),
                        None => assert!(
                            body.get("example").is_none() && body.get("examples").is_none(),
                            "{here}: an example of an inline schema"
                        ),
                    }
                }
            }
            if map.contains_key("in") {
                if let Some(schema) = node.pointer("/schema/$ref").and_then(Value::as_str) {
                    examples_of(node, at, schema, used, out);
                }
            }
            for (key, child) in map {
                if key != "content" && key != "examples" {
                    collect(child, &format!("{at}/{}", escape(key)), used, out);
                }
            }
        }
        Value::Array(items) => {
            for (i, child) in items.iter().enumerate() {
                collect(child, &format!("{at}/{i}"), used, out);
            }
        }
        _ => {}
    }
}

/// Every `example`/`examples` inside `components/schemas`, by the schema
/// that holds it.
fn schema_examples(node: &Value, at: &str, out: &mut Vec<Example>) {
    match node {
        Value::Object(map) => {
            if let Some(v) = map.get("example") {
                out.push(Example {
                    at: format!("{at}/example"),
                    value: v.clone(),
                    schema: format!("#{at}"),
                });
            }
            for v in map
                .get("examples")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
            {
                out.push(Example {
                    at: format!("{at}/examples"),
                    value: v.clone(),
                    schema: format!("#{at}"),
                });
            }
            for (key, child) in map {
                if key != "examples" && key != "example" {
                    schema_examples(child, &format!("{at}/{}", escape(key)), out);
                }
            }
        }
        Value::Array(items) => {
            for (i, child) in items.iter().enumerate() {
                schema_examples(child, &format!("{at}/{i}"), out);
            }
        }
        _ => {}
    }
}

#[test]
fn every_example_reads_into_its_type_and_back() {
    let spec = spec();
    let mut used = BTreeSet::new();
    let mut examples = Vec::new();
    collect(&spec["paths"], "/paths", &mut used, &mut examples);
    collect(
        &spec["components"]["responses"],
        "/components/responses",
        &mut used,
        &mut examples,
    );
    collect(
        &spec["components"]["parameters"],
        "/components/parameters",
        &mut used,
        &mut examples,
    );
    schema_examples(
        &spec["components"]["schemas"],
        "/components/schemas",
        &mut examples,
    );
    for (name, schema) in UNREFERENCED_EXAMPLES {
        let at = format!("#/components/examples/{name}");
        assert!(
            !used.contains(&at),
            "{name} is referenced: drop it from UNREFERENCED_EXAMPLES"
        );
        used.insert(at.clone());
        examples.push(Example {
            value: resolve(spec, &format!("{}/value", &at[1..]))
                .cloned()
                .expect("its value"),
            at,
            schema: (*schema).to_string(),
        });
    }
    assert!(
        examples.len() > 80,
        "only {} examples found",
        examples.len()
    );

    let shapes: BTreeMap<String, Shape> = shapes().into_iter().map(|s| (s.pointer(), s)).collect();
    let mut validators: BTreeMap<String, Validator> = BTreeMap::new();
    let mut failures = Vec::new();
    for ex in &examples {
        let pointer = ex.schema.trim_start_matches('#').to_string();
        let Some(shape) = shapes.get(&pointer) else {
            failures.push(format!("{}: no wire type for {pointer}", ex.at));
            continue;
        };
        let v = validators
            .entry(pointer.clone())
            .or_insert_with(|| validator(&pointer));
        for p in problems(v, &ex.value) {
            failures.push(format!("{}: not a valid {pointer}: {p}", ex.at));
        }
        match (shape.read)(&ex.value) {
            Ok(back) if back == ex.value => {}
            Ok(back) => failures.push(format!("{}: came back as {back}", ex.at)),
            Err(e) => failures.push(format!("{}: {e}", ex.at)),
        }
    }
    let named: BTreeSet<String> = spec["components"]["examples"]
        .as_object()
        .expect("components/examples")
        .keys()
        .map(|k| format!("#/components/examples/{}", escape(k)))
        .collect();
    let unused: Vec<&String> = named.difference(&used).collect();
    assert!(
        unused.is_empty(),
        "examples no body names (so never read): {unused:?}"
    );
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn api_version_is_the_spec_version() {
    assert_eq!(spec()["info"]["version"], API_VERSION);
}
