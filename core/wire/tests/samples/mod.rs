//! Representative instances of every wire type for `tests/spec.rs`: each
//! optional field both given and left out, each nullable one both `null`
//! and a value, each enum value at least once (the test checks that these
//! lists do).

use hoso_wire::*;
use std::collections::BTreeMap;

pub const SHA_A: &str = "88a49d80171b7e5abc7e4da5c6b9c22aa6e3e137ecb78d4bc35349d80190759a";
pub const SHA_B: &str = "2247ea5b2311079fb23f172a5e4d109a606b11ab8eef20a7303f1d8f5a4d97fb";
pub const CODE: &str = "H40.22-261123-0001";
pub const TOKEN: &str = "llgG040aGGIJ_z6BCNrX5g";
const ACCOUNT_ID: &str = "02795340-c3e9-4097-8135-45211a222c18";
const UPLOAD_ID: &str = "119ec256-0b4c-43f6-b8ce-18dd074ebf3b";
const AT: &str = "2026-11-23T02:15:42Z";
const LATER: &str = "2026-11-23T07:45:00Z";

fn text(s: &str) -> String {
    s.to_string()
}

// ---------- errors and meta ----------

pub fn issue() -> FieldIssue {
    FieldIssue::new(
        "child.date_of_birth",
        "date_in_future",
        "Ngày sinh không được ở tương lai",
        "The date of birth cannot be in the future",
    )
}

pub fn errors() -> Vec<Error> {
    let plain = Error::new(ErrorCode::NotFound, "Không tìm thấy", "Not found");
    let mut full = Error::new(
        ErrorCode::ValidationFailed,
        "Dữ liệu chưa hợp lệ",
        "The data is not valid",
    );
    full.issues = vec![issue()];
    full.details = serde_json::json!({"offset": 1048576}).as_object().cloned();
    vec![plain, full]
}

pub fn health() -> Health {
    Health {
        status: HealthStatus::Ok,
        api_version: text(API_VERSION),
        now: text(AT),
    }
}

// ---------- catalog ----------

pub fn catalog_info() -> CatalogInfo {
    CatalogInfo {
        format: BundleFormat::HosoCatalogBundle,
        format_version: catalog::FORMAT_VERSION,
        version: 2,
        content_hash: text(SHA_A),
        procedure_count: 2641,
        created_at: 1_795_519_371,
        bundle_etag: text("\"cat-2-88a49d80171b7e5a\""),
        bundle_bytes: 2_276_980,
        delta_from: vec![1],
        key_set_version: 3,
    }
}

pub fn procedure_agencies() -> ProcedureAgencies {
    ProcedureAgencies {
        competent: vec![text("Ủy ban nhân dân cấp xã")],
        implementing: vec![text("Ủy ban nhân dân cấp xã")],
        authorized: vec![],
        coordinating: vec![],
    }
}

pub fn processing_times() -> Vec<ProcessingTime> {
    let mut out: Vec<ProcessingTime> = TimeUnit::ALL
        .iter()
        .map(|u| ProcessingTime {
            value: Some(7.0),
            unit: Some(*u),
            text: format!("7 {u}"),
        })
        .collect();
    out.push(ProcessingTime {
        value: None,
        unit: None,
        text: text("Theo quy định"),
    });
    out
}

pub fn foreign_amount() -> ForeignAmount {
    ForeignAmount {
        amount: 50.0,
        currency: text("USD"),
    }
}

pub fn fees() -> Vec<Fee> {
    vec![
        Fee {
            amount_vnd: Some(0),
            text: text("Miễn phí"),
            amount_foreign: None,
        },
        Fee {
            amount_vnd: None,
            text: text("50 USD"),
            amount_foreign: Some(foreign_amount()),
        },
    ]
}

pub fn channels() -> Vec<procedure::Channel> {
    ChannelKind::ALL
        .iter()
        .zip([Some(text("Nộp qua Cổng dịch vụ công")), None, None])
        .map(|(kind, note)| procedure::Channel {
            channel: *kind,
            processing_time: processing_times().remove(0),
            fees: fees(),
            note,
        })
        .collect()
}

pub fn catalog_documents() -> Vec<CatalogDocument> {
    vec![
        CatalogDocument {
            group: text("Giấy tờ phải nộp"),
            name: text("Tờ khai đăng ký khai sinh"),
            form: Some(text("Tờ khai đăng ký khai sinh.docx")),
            originals: 1,
            copies: 0,
        },
        CatalogDocument {
            group: String::new(),
            name: text("Giấy chứng sinh"),
            form: None,
            originals: 1,
            copies: 1,
        },
    ]
}

pub fn legal_document() -> LegalDocument {
    LegalDocument {
        number: text("60/2014/QH13"),
        title: text("Luật 60/2014/QH13"),
    }
}

pub fn procedure_results() -> Vec<ProcedureResult> {
    vec![
        ProcedureResult {
            name: text("Giấy khai sinh"),
            code: Some(text("KQ.G15.000031")),
        },
        ProcedureResult {
            name: text("Bản sao Giấy khai sinh"),
            code: None,
        },
    ]
}

pub fn procedures() -> Vec<Procedure> {
    let plain = Procedure {
        code: text("1.001193"),
        name: text("Thủ tục đăng ký khai sinh"),
        decision_number: text("163/QĐ-BTP"),
        kind: text("TTHC được giao luật quy định chi tiết"),
        field: text("Hộ tịch"),
        source_url: text("https://dichvucong.gov.vn/thu-tuc-hanh-chinh/019d2bfd"),
        ministry: text("bo-tu-phap"),
        levels: Level::ALL.to_vec(),
        target_groups: vec![text("Công dân Việt Nam")],
        agencies: procedure_agencies(),
        receiving_address: String::new(),
        channels: channels(),
        documents: catalog_documents(),
        steps: vec![text("Nộp hồ sơ")],
        legal_basis: vec![legal_document()],
        results: procedure_results(),
        conditions: vec![],
        related: vec![],
        online: true,
        raw: BTreeMap::new(),
    };
    let mut with_raw = plain.clone();
    with_raw.code = text("1.000656");
    with_raw
        .raw
        .insert(text("cach_thuc_thuc_hien"), text("Trực tiếp"));
    vec![plain, with_raw]
}

pub fn bundle() -> CatalogBundle {
    CatalogBundle {
        format: BundleFormat::HosoCatalogBundle,
        format_version: catalog::FORMAT_VERSION_WITH_DATA,
        version: 1,
        content_hash: text(SHA_A),
        procedure_count: 2,
        created_at: 1_795_432_971,
        procedures: procedures(),
        data: catalog_data(),
    }
}

/// A bundle with data and one without.
pub fn bundles() -> Vec<CatalogBundle> {
    let with = bundle();
    let without = CatalogBundle {
        format_version: catalog::FORMAT_VERSION,
        data: vec![],
        ..with.clone()
    };
    vec![with, without]
}

pub fn catalog_data() -> Vec<CatalogData> {
    vec![CatalogData {
        name: text("units"),
        sha256: text(SHA_B),
        base64: text("H4sIAAAAAAAAA8vITM3JBwCGphA2BQAAAA=="),
    }]
}

pub fn deltas() -> Vec<CatalogDelta> {
    let mut procedures = procedures();
    let changed = procedures.pop().into_iter().collect();
    let full = CatalogDelta {
        format: DeltaFormat::HosoCatalogDelta,
        format_version: catalog::FORMAT_VERSION_WITH_DATA,
        from_version: 1,
        from_content_hash: text(SHA_B),
        to_version: 2,
        content_hash: text(SHA_A),
        procedure_count: 2641,
        created_at: 1_795_519_371,
        added: procedures,
        changed,
        removed: vec![text("1.000001")],
        data: catalog_data(),
        data_removed: vec![text("notes")],
    };
    let empty = CatalogDelta {
        from_version: 2,
        from_content_hash: text(SHA_A),
        added: vec![],
        changed: vec![],
        removed: vec![],
        format_version: catalog::FORMAT_VERSION,
        data: vec![],
        data_removed: vec![],
        ..full.clone()
    };
    vec![full, empty]
}

pub fn agency_ref() -> AgencyRef {
    AgencyRef {
        code: text("H40.22"),
        name: text("Ủy ban nhân dân phường Trường Vinh"),
    }
}

pub fn agencies() -> Vec<Agency> {
    vec![
        Agency {
            code: text("BTP"),
            name: text("Bộ Tư pháp"),
            level: Level::Ministry,
            province: None,
            commune: None,
        },
        Agency {
            code: text("H40"),
            name: text("Ủy ban nhân dân tỉnh Nghệ An"),
            level: Level::Province,
            province: Some(text("Nghệ An")),
            commune: None,
        },
        Agency {
            code: text("H40.22"),
            name: text("Ủy ban nhân dân phường Trường Vinh"),
            level: Level::Commune,
            province: Some(text("Nghệ An")),
            commune: Some(text("Phường Trường Vinh")),
        },
    ]
}

// ---------- keys ----------

pub fn public_keys() -> Vec<PublicKey> {
    let retired = PublicKey {
        kid: text("portal-2026-05"),
        kty: KeyType::Okp,
        crv: Curve::Ed25519,
        alg: Algorithm::EdDsa,
        use_: KeyUse::Sig,
        x: text("fFaID-o26kVzm3ccnJAg9jxNlhAERfiFLIvbYyWJWfw"),
        not_before: text("2026-05-01T00:00:00Z"),
        not_after: text("2026-11-01T00:00:00Z"),
        revoked: true,
        revoked_at: Some(text("2026-11-23T04:00:00Z")),
    };
    let current = PublicKey {
        kid: text("portal-2026-11"),
        x: text("IgNKtLdKhv5eNH9j1n8i9YzrH5Vjw0LFdT5MZex5H24"),
        not_before: text("2026-11-01T00:00:00Z"),
        not_after: text("2027-11-01T00:00:00Z"),
        revoked: false,
        revoked_at: None,
        ..retired.clone()
    };
    vec![retired, current]
}

pub fn key_set() -> KeySet {
    KeySet {
        key_set_version: 4,
        keys: public_keys(),
    }
}

// ---------- accounts ----------

pub fn volunteer_profile() -> VolunteerProfile {
    VolunteerProfile {
        team: text("Tổ công nghệ số cộng đồng phường Trường Vinh"),
        province: text("Nghệ An"),
        commune: text("Phường Trường Vinh"),
    }
}

pub fn registrations() -> Vec<Registration> {
    let email = Some(text("nguyenvanan@example.vn"));
    vec![
        Registration::citizen(
            "0912345678",
            "khai-sinh-2026!",
            "Nguyễn Văn An",
            email.clone(),
        ),
        Registration::citizen("+84 912 345 679", "khai-sinh-2026!", "Lê Thị Hoa", None),
        Registration::volunteer(
            "0389123456",
            "to-cong-nghe-so#7",
            "Hồ Thị Lan",
            None,
            volunteer_profile(),
        ),
        Registration::volunteer(
            "0389123457",
            "to-cong-nghe-so#8",
            "Y-Moan Niê",
            email,
            volunteer_profile(),
        ),
    ]
}

pub fn registrations_of(kind: AccountKind) -> Vec<Registration> {
    registrations()
        .into_iter()
        .filter(|r| r.kind == kind)
        .collect()
}

/// One of each approval state (and both roles).
pub fn approvals() -> Vec<VolunteerApproval> {
    vec![
        VolunteerApproval::pending("2026-10-02T01:30:00Z"),
        VolunteerApproval::approved(VolunteerRole::Member, "2026-10-05T02:00:00Z"),
        VolunteerApproval::approved(VolunteerRole::Leader, "2026-10-05T02:00:00Z"),
        VolunteerApproval::revoked("Đã chuyển công tác khỏi phường", "2026-12-01T08:00:00Z"),
    ]
}

pub fn accounts() -> Vec<Account> {
    let citizen = Account {
        id: text(ACCOUNT_ID),
        kind: AccountKind::Citizen,
        phone: text("0912345678"),
        full_name: text("Nguyễn Văn An"),
        email: Some(text("nguyenvanan@example.vn")),
        volunteer: None,
        approval: None,
        created_at: text("2026-11-20T13:05:11Z"),
    };
    let volunteers = approvals().into_iter().map(|approval| Account {
        id: text("d63624d9-3e45-4db9-a812-3de559d2375a"),
        kind: AccountKind::Volunteer,
        phone: text("0389123456"),
        full_name: text("Hồ Thị Lan"),
        email: None,
        volunteer: Some(volunteer_profile()),
        approval: Some(approval),
        created_at: text("2026-10-02T01:30:00Z"),
    });
    std::iter::once(citizen).chain(volunteers).collect()
}

pub fn login() -> LoginRequest {
    LoginRequest {
        phone: text("0912345678"),
        password: text("khai-sinh-2026!"),
    }
}

pub fn refresh() -> RefreshRequest {
    RefreshRequest {
        refresh_token: text("rt_9yQ2m4Kc7TnB0aZrW1xVs8LpGh3eUoJd5fNqYb6Ci"),
    }
}

pub fn token_pair() -> TokenPair {
    TokenPair {
        token_type: TokenType::Bearer,
        access_token: text("at_Q3v8Zk1mN0pR5sT7uW9xY2aB4cD6eF8gH1jK3lM5nP7q"),
        expires_in: 900,
        expires_at: text("2026-11-23T02:25:05Z"),
        refresh_token: text("rt_4Lw8Hq2Zm6Tx0Ck5Vb9Ns3Rd7Gf1Jp8Ye2Ua6Io4Km"),
        refresh_expires_at: text("2026-12-23T02:10:05Z"),
        account: accounts().remove(0),
    }
}

// ---------- uploads ----------

pub fn upload_creates() -> Vec<UploadCreate> {
    MediaType::ALL
        .iter()
        .map(|m| UploadCreate::new(SHA_A, 1_843_217, *m))
        .collect()
}

pub fn uploads() -> Vec<Upload> {
    let in_progress = Upload {
        id: Some(text(UPLOAD_ID)),
        url: Some(format!("/v1/uploads/{UPLOAD_ID}")),
        sha256: text(SHA_A),
        size: 2_147_483_648,
        media_type: MediaType::Pdf,
        offset: 1_048_576,
        state: UploadState::InProgress,
        expires_at: Some(text("2026-11-24T02:11:40Z")),
    };
    let held = Upload {
        id: None,
        url: None,
        size: 1_843_217,
        media_type: MediaType::Jpeg,
        offset: 1_843_217,
        state: UploadState::Complete,
        expires_at: None,
        ..in_progress.clone()
    };
    vec![in_progress, held]
}

// ---------- dossiers ----------

pub fn form_values() -> FormValues {
    [
        ("child.full_name", "Nguyễn Minh Khang"),
        ("members[0].full_name", "Trần Thị Bình"),
        ("applicant.address.province", "Nghệ An"),
    ]
    .into_iter()
    .map(|(k, v)| (text(k), text(v)))
    .collect()
}

pub fn attachments() -> Vec<AttachmentRef> {
    MediaType::ALL
        .iter()
        .map(|m| AttachmentRef::new(SHA_A, 1_843_217, *m, "giay-chung-sinh"))
        .collect()
}

pub fn documents() -> DocumentMap {
    let mut map = DocumentMap::new();
    map.insert(text("doc05"), attachments()[..1].to_vec());
    map.insert(
        text("doc107"),
        vec![AttachmentRef::new(
            SHA_B,
            655_360,
            MediaType::Pdf,
            "giay-xac-nhan-cu-tru.pdf",
        )],
    );
    map
}

pub fn consents() -> Vec<Consent> {
    vec![
        Consent {
            method: ConsentMethod::SignedForm,
            reference: text("UQ-TV-2026-0142"),
            given_at: text("2026-11-23T01:40:00Z"),
            document: Some(AttachmentRef::new(
                SHA_B,
                402_113,
                MediaType::Jpeg,
                "giay-dong-y.jpg",
            )),
        },
        Consent {
            method: ConsentMethod::Vneid,
            reference: text("VNEID-8841"),
            given_at: text("2026-11-23T01:40:00Z"),
            document: None,
        },
        Consent {
            method: ConsentMethod::WitnessedVerbal,
            reference: text("Lò Văn Tú, tổ trưởng khối 5"),
            given_at: text("2026-11-23T01:40:00Z"),
            document: None,
        },
    ]
}

pub fn filed_fors() -> Vec<FiledFor> {
    consents()
        .into_iter()
        .zip([Some(text("0868123456")), None, None])
        .map(|(consent, phone)| FiledFor {
            full_name: text("Lô Thị Hương"),
            phone,
            consent,
        })
        .collect()
}

pub fn submissions() -> Vec<DossierSubmission> {
    let citizen = DossierSubmission {
        procedure_code: text("1.001193"),
        catalog_version: 1,
        agency_code: text("H40.22"),
        channel: ChannelKind::Online,
        form_values: form_values(),
        documents: documents(),
        filed_for: None,
    };
    let volunteer = DossierSubmission {
        channel: ChannelKind::InPerson,
        filed_for: filed_fors().into_iter().next(),
        ..citizen.clone()
    };
    vec![citizen, volunteer]
}

pub fn dossier_fee() -> DossierFee {
    DossierFee {
        amount_vnd: 8_000,
        text: text("8.000 đồng/bản sao"),
    }
}

pub fn filed_bys() -> Vec<FiledBy> {
    AccountKind::ALL
        .iter()
        .map(|kind| FiledBy {
            account_id: text(ACCOUNT_ID),
            kind: *kind,
        })
        .collect()
}

pub fn history() -> Vec<HistoryEntry> {
    let actors = HistoryActor::ALL.iter().cycle();
    status::ALL
        .iter()
        .zip(actors)
        .enumerate()
        .map(|(i, (status, actor))| HistoryEntry {
            seq: u32::try_from(i + 1).expect("small"),
            at: text(AT),
            status: *status,
            agency: agency_ref(),
            note: if i == 0 {
                String::new()
            } else {
                status::status_name(*status).into()
            },
            actor: *actor,
        })
        .collect()
}

pub fn supplement_request() -> SupplementRequest {
    SupplementRequest {
        requested_at: text(LATER),
        due_date: text("2026-11-30"),
        note: text("Đề nghị bổ sung giấy tờ chứng minh nơi cư trú"),
        slots: vec![text("doc07")],
    }
}

pub fn fee_request() -> FeeRequest {
    FeeRequest {
        requested_at: text(LATER),
        amount_vnd: 8_000,
        due_date: text("2026-11-27"),
        note: text("Đề nghị nộp phí cấp bản sao Giấy khai sinh"),
    }
}

/// The spec's real receipt (`ReceiptH4022`).
pub fn receipt() -> Receipt {
    Receipt {
        payload: ReceiptPayload {
            version: receipt::RECEIPT_VERSION,
            kid: text("portal-2026-11"),
            dossier_code: text(CODE),
            procedure_code: text("1.001193"),
            agency_code: text("H40.22"),
            issued_at: text(AT),
            appointment_date: text("2026-11-24"),
            fee_vnd: 0,
            lookup_token: text(TOKEN),
        },
        alg: Algorithm::EdDsa,
        signature: text("ZPvbJWdKu_WkHeEWBEbyZqnirpTXf-oeVLoc8IfKzVyAQlkhrq0XZ5_CcykGhFGix82SBhJXd0K8IyMAmaoqCQ"),
        qr: text("HS1:060S9E5LEAEC5W58469%6%960E2+Q6 $5KF6TF6%96QF63W5646.86Z96646%96IA7XZ0+Q6 $5KE6000H20TK0W3Q0V5000000000F30Y5BMXQKD3WHC2CW2EG/TRU5TZ$VZW46K9J2V:Y3BZ2R/81:CPTSX IV7GO$3YNNFIUWSPAVBKH8RB4V*LM4D9QOH85XWG1QKL:POY0Q2BTJ8+J4I302NL90"),
    }
}

pub fn dossiers() -> Vec<Dossier> {
    let submitted = Dossier {
        code: text(CODE),
        procedure_code: text("1.001193"),
        procedure_name: text("Thủ tục đăng ký khai sinh"),
        catalog_version: 1,
        agency: agency_ref(),
        channel: ChannelKind::Online,
        status: status::REGISTERED,
        submitted_at: text(AT),
        updated_at: text(AT),
        appointment_date: text("2026-11-24"),
        fee: dossier_fee(),
        filed_by: filed_bys().remove(0),
        filed_for: None,
        documents: documents(),
        history: history()[..1].to_vec(),
        supplement_request: None,
        fee_request: None,
        receipt: receipt(),
        linked: None,
        payments: Vec::new(),
    };
    let supplement = Dossier {
        status: status::SUPPLEMENT_REQUESTED,
        updated_at: text(LATER),
        filed_by: filed_bys().remove(1),
        filed_for: filed_fors().into_iter().next(),
        history: history()[..5].to_vec(),
        supplement_request: Some(supplement_request()),
        ..submitted.clone()
    };
    let fee = Dossier {
        status: status::FEE_REQUESTED,
        history: history()[..6].to_vec(),
        fee_request: Some(fee_request()),
        payments: payment_requests(),
        ..submitted.clone()
    };
    let part = Dossier {
        procedure_code: text("1.004222"),
        procedure_name: text("Đăng ký thường trú"),
        linked: Some(dossier_link()),
        ..submitted.clone()
    };
    vec![submitted, supplement, fee, part]
}

pub fn dossier_link() -> DossierLink {
    DossierLink {
        group_id: text("5f0c2a52-3d4b-4e8f-9a71-0c6d2b1e8f43"),
        group_procedure_code: text("2.000986"),
        part: text("residence"),
    }
}

pub fn linked_filings() -> Vec<LinkedFiling> {
    let parts: Vec<Dossier> = ["birth", "residence", "health_insurance"]
        .into_iter()
        .map(|part| Dossier {
            linked: Some(DossierLink {
                part: text(part),
                ..dossier_link()
            }),
            ..dossiers().remove(0)
        })
        .collect();
    vec![LinkedFiling {
        group_id: dossier_link().group_id,
        procedure_code: text("2.000986"),
        procedure_name: text(
            "Liên thông thủ tục hành chính về đăng ký khai sinh, đăng ký thường trú, cấp thẻ bảo hiểm y tế cho trẻ em dưới 6 tuổi",
        ),
        submitted_at: text(AT),
        parts,
    }]
}

pub fn supplement_responses() -> Vec<SupplementResponse> {
    vec![
        SupplementResponse {
            documents: documents(),
            form_values: Some(form_values()),
            note: Some(text("Gửi bổ sung giấy xác nhận thông tin về cư trú")),
        },
        SupplementResponse {
            documents: documents(),
            form_values: None,
            note: None,
        },
    ]
}

pub fn withdrawal() -> WithdrawalRequest {
    WithdrawalRequest {
        reason: text("Gia đình chuyển về quê nội"),
    }
}

// ---------- feed and lookup ----------

pub fn dossier_states() -> Vec<DossierState> {
    dossiers()
        .into_iter()
        .map(|d| DossierState {
            code: d.code,
            procedure_code: d.procedure_code,
            status: d.status,
            updated_at: d.updated_at,
            appointment_date: d.appointment_date,
            supplement_request: d.supplement_request,
            fee_request: d.fee_request,
            linked: d.linked,
            payments: d.payments,
        })
        .collect()
}

pub fn feed_entries() -> Vec<FeedEntry> {
    dossier_states()
        .into_iter()
        .zip(history())
        .map(|(dossier, entry)| FeedEntry {
            dossier_code: dossier.code.clone(),
            entry,
            dossier,
        })
        .collect()
}

pub fn feed_pages() -> Vec<FeedPage> {
    vec![
        FeedPage {
            entries: feed_entries(),
            next_cursor: text("f_00000000000000a9"),
            has_more: true,
        },
        FeedPage {
            entries: vec![],
            next_cursor: text("f_00000000000000a9"),
            has_more: false,
        },
    ]
}

pub fn public_history() -> Vec<PublicHistoryEntry> {
    history()
        .into_iter()
        .map(|h| PublicHistoryEntry {
            at: h.at,
            status: h.status,
            agency: h.agency,
        })
        .collect()
}

pub fn public_statuses() -> Vec<PublicDossierStatus> {
    let paid = PublicDossierStatus {
        payments: payment_requests()
            .into_iter()
            .map(|p| PublicPayment {
                kind: p.kind,
                amount_vnd: p.amount_vnd,
                status: p.status,
            })
            .collect(),
        ..public_status()
    };
    vec![public_status(), paid]
}

pub fn public_status() -> PublicDossierStatus {
    PublicDossierStatus {
        code: text(CODE),
        procedure_code: text("1.001193"),
        procedure_name: text("Thủ tục đăng ký khai sinh"),
        agency: agency_ref(),
        status: status::PROCESSING,
        submitted_at: text(AT),
        appointment_date: text("2026-11-24"),
        updated_at: text(LATER),
        history: public_history(),
        payments: Vec::new(),
    }
}

// ---------- payments ----------

pub fn collecting_account() -> CollectingAccount {
    CollectingAccount {
        bin: text("970418"),
        account_number: text("3711000000001"),
        account_name: text("KHO BAC NHA NUOC NGHE AN"),
    }
}

pub fn payment_receipt() -> PaymentReceipt {
    PaymentReceipt {
        payload: PaymentReceiptPayload {
            version: payment::PAYMENT_RECEIPT_VERSION,
            kid: text("portal-2026-11"),
            number: text("BL-2026-000001"),
            dossier_code: text(CODE),
            agency_code: text("H40.22"),
            reference: text("HSH4022261123000101"),
            amount_vnd: 8_000,
            paid_at: text(LATER),
            transaction_id: text("FT26327123456789"),
            collected_by: text("KHO BAC NHA NUOC NGHE AN"),
        },
        alg: Algorithm::EdDsa,
        signature: text("ZPvbJWdKu_WkHeEWBEbyZqnirpTXf-oeVLoc8IfKzVyAQlkhrq0XZ5_CcykGhFGix82SBhJXd0K8IyMAmaoqCQ"),
    }
}

pub fn payment_requests() -> Vec<PaymentRequest> {
    let pending = PaymentRequest {
        kind: PaymentKind::FeeRequest,
        amount_vnd: 8_000,
        paid_vnd: 0,
        status: PaymentStatus::Pending,
        account: collecting_account(),
        reference: text("HSH4022261123000102"),
        requested_at: text(AT),
        expires_at: text("2026-11-27T16:59:59Z"),
        refund_due_vnd: 0,
        receipt: None,
    };
    let paid = PaymentRequest {
        kind: PaymentKind::Filing,
        paid_vnd: 10_000,
        status: PaymentStatus::Paid,
        reference: text("HSH4022261123000101"),
        refund_due_vnd: 2_000,
        receipt: Some(payment_receipt()),
        ..pending.clone()
    };
    let partly = PaymentRequest {
        paid_vnd: 5_000,
        status: PaymentStatus::PartlyPaid,
        ..pending.clone()
    };
    let expired = PaymentRequest {
        status: PaymentStatus::Expired,
        ..pending.clone()
    };
    vec![paid, pending, partly, expired]
}

pub fn payment_notifications() -> Vec<PaymentNotification> {
    vec![PaymentNotification {
        transaction_id: text("FT26327123456789"),
        reference: text("HSH4022261123000101 chuyen tien"),
        amount_vnd: 10_000,
        paid_at: text(LATER),
        bin: text("970418"),
        account_number: text("3711000000001"),
    }]
}

pub fn notification_results() -> Vec<PaymentNotificationResult> {
    vec![
        PaymentNotificationResult {
            transaction_id: text("FT26327123456789"),
            outcome: NotificationOutcome::Overpaid,
            dossier_code: Some(text(CODE)),
            request: payment_requests().into_iter().next(),
        },
        PaymentNotificationResult {
            transaction_id: text("FT26327000000000"),
            outcome: NotificationOutcome::Unmatched,
            dossier_code: None,
            request: None,
        },
    ]
}

pub fn simulated_payments() -> Vec<SimulatedPayment> {
    vec![
        SimulatedPayment {
            reference: text("HSH4022261123000101"),
            amount_vnd: 8_000,
            transaction_id: Some(text("SIM-1")),
        },
        SimulatedPayment {
            reference: text("HSH4022261123000101"),
            amount_vnd: 8_000,
            transaction_id: None,
        },
    ]
}

// ---------- admin ----------

pub fn supplement_ask() -> SupplementAsk {
    SupplementAsk {
        slots: vec![text("doc07")],
        due_date: text("2026-11-30"),
    }
}

pub fn fee_ask() -> FeeAsk {
    FeeAsk {
        amount_vnd: 8_000,
        due_date: text("2026-11-27"),
    }
}

pub fn status_changes() -> Vec<StatusChange> {
    let done = StatusChange {
        status: status::PROCESSED,
        note: text("Đã ký Giấy khai sinh"),
        agency_code: None,
        supplement_request: None,
        fee_request: None,
    };
    vec![
        StatusChange {
            status: status::SUPPLEMENT_REQUESTED,
            note: text("Đề nghị bổ sung giấy tờ"),
            supplement_request: Some(supplement_ask()),
            ..done.clone()
        },
        StatusChange {
            status: status::FEE_REQUESTED,
            note: text("Đề nghị nộp phí"),
            agency_code: Some(text("H40")),
            fee_request: Some(fee_ask()),
            ..done.clone()
        },
        done,
    ]
}

pub fn clocks() -> Vec<Clock> {
    vec![
        Clock {
            now: text(AT),
            offset_seconds: 0,
            speed: 1.0,
            simulation: true,
            seed: Some(20_261_123),
        },
        Clock {
            now: text("2026-11-25T02:15:42Z"),
            offset_seconds: 172_800,
            speed: 60.0,
            simulation: false,
            seed: None,
        },
    ]
}

pub fn clock_advanced() -> ClockAdvanced {
    ClockAdvanced {
        clock: clocks().remove(0),
        transitions: 4,
    }
}

pub fn admin_stats() -> Vec<AdminStats> {
    let empty = AdminStats {
        accounts: 0,
        dossiers: 0,
        dossiers_by_status: BTreeMap::new(),
        blobs: 0,
        blob_bytes: 0,
        uploads_in_progress: 0,
        idempotency_keys: 0,
    };
    let busy = AdminStats {
        accounts: 1,
        dossiers: 201,
        dossiers_by_status: [(text("1"), 200), (text("10"), 1)].into_iter().collect(),
        blobs: 600,
        blob_bytes: 188_743_680,
        uploads_in_progress: 2,
        idempotency_keys: 201,
    };
    vec![empty, busy]
}

pub fn admin_summaries() -> Vec<AdminDossierSummary> {
    [Some(true), Some(false), None]
        .into_iter()
        .zip(AccountKind::ALL.iter().cycle())
        .map(|(verified, kind)| AdminDossierSummary {
            code: text(CODE),
            account_id: text(ACCOUNT_ID),
            filed_by_kind: *kind,
            procedure_code: text("1.001193"),
            status: status::PROCESSING,
            submitted_at: text(AT),
            idempotency_key: text("8e03978e-40d5-43e8-bc93-6894a57f9324"),
            document_count: 1,
            documents_verified: verified,
        })
        .collect()
}

pub fn admin_pages() -> Vec<AdminDossierPage> {
    vec![
        AdminDossierPage {
            dossiers: admin_summaries(),
            next_cursor: text("a_0000000000000065"),
            has_more: false,
        },
        AdminDossierPage {
            dossiers: vec![],
            next_cursor: text("a_0000000000000000"),
            has_more: true,
        },
    ]
}

pub fn approve_volunteers() -> Vec<ApproveVolunteer> {
    VolunteerRole::ALL
        .iter()
        .map(|role| ApproveVolunteer { role: *role })
        .collect()
}

pub fn revoke_volunteer() -> RevokeVolunteer {
    RevokeVolunteer {
        reason: text("Đã chuyển công tác khỏi phường"),
    }
}

pub fn admin_volunteer_pages() -> Vec<AdminVolunteerPage> {
    let volunteers: Vec<Account> = accounts()
        .into_iter()
        .filter(|a| a.kind == AccountKind::Volunteer)
        .collect();
    vec![
        AdminVolunteerPage {
            volunteers,
            next_cursor: text("v_0000000000000004"),
            has_more: false,
        },
        AdminVolunteerPage {
            volunteers: vec![],
            next_cursor: text("v_0000000000000000"),
            has_more: true,
        },
    ]
}

// ---------- team ----------

pub fn team_filer() -> TeamFiler {
    TeamFiler {
        account_id: text("d63624d9-3e45-4db9-a812-3de559d2375a"),
        full_name: text("Hồ Thị Lan"),
    }
}

pub fn team_dossiers() -> Vec<TeamDossier> {
    vec![TeamDossier {
        code: text(CODE),
        procedure_code: text("1.001193"),
        procedure_name: text("Thủ tục đăng ký khai sinh"),
        agency: agency_ref(),
        status: status::PROCESSING,
        submitted_at: text(AT),
        updated_at: text("2026-11-23T03:30:00Z"),
        appointment_date: text("2026-11-24"),
        filed_by: team_filer(),
    }]
}

pub fn team_pages() -> Vec<TeamDossierPage> {
    vec![
        TeamDossierPage {
            team: volunteer_profile(),
            dossiers: team_dossiers(),
            next_cursor: text("t_0000000000000001"),
            has_more: false,
        },
        TeamDossierPage {
            team: volunteer_profile(),
            dossiers: vec![],
            next_cursor: text("t_0000000000000000"),
            has_more: true,
        },
    ]
}
