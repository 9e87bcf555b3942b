//! The drafting part of `hoso demo`: save a sample citizen profile, draft a
//! birth registration (1.001193) offline with the profile prefilled, make a
//! typical mistake and correct it, and validate — all sealed on disk under a
//! key file created for the scratch directory.

use crate::keyfile::KeyFile;
use crate::Failure;
use hoso_core::draft::{Drafts, ValidationReport};
use hoso_core::form::CheckMode;
use hoso_core::profile::Profiles;
use hoso_core::validate::{format_date, today_vn, Problem};
use serde::Serialize;
use std::path::Path;

/// A fictional family: the user (the father) and his wife.
const ME: &[(&str, &str)] = &[
    ("full_name", "Nguyễn Văn An"),
    ("sex", "nam"),
    ("date_of_birth", "15/03/1990"),
    ("id_number", "001090012345"),
    ("phone", "0912 345 678"),
    ("nationality", "Việt Nam"),
    ("ethnicity", "Kinh"),
    ("address.province", "ha noi"),
    ("address.commune", "Phường Ba Đình"),
    ("address.detail", "Số 5, phố Đội Cấn"),
];
const SPOUSE: &[(&str, &str)] = &[
    ("full_name", "Trần Thị Bình"),
    ("sex", "nữ"),
    ("date_of_birth", "02/09/1992"),
    ("id_number", "001192012345"),
    ("nationality", "Việt Nam"),
    ("ethnicity", "Kinh"),
    ("address.province", "Hà Nội"),
    ("address.commune", "Phường Ba Đình"),
    ("address.detail", "Số 5, phố Đội Cấn"),
];

/// What the drafting demo did, for `--json` and the text report.
#[derive(Serialize)]
pub struct DraftDemo {
    pub draft_id: String,
    pub procedure_code: String,
    pub prefilled: usize,
    /// The mistake made on purpose and what hoso said about it.
    pub mistake: Option<Problem>,
    pub partial: ValidationReport,
    pub complete: ValidationReport,
}

pub fn run(data_dir: &Path) -> Result<DraftDemo, Failure> {
    let keys = KeyFile::new(data_dir.join("key"));
    let profiles = Profiles::open(data_dir, &keys)?;
    for (field, value) in ME {
        profiles.set(None, field, value)?;
    }
    let (wife, _) = profiles.add_member("vợ")?;
    for (field, value) in SPOUSE {
        profiles.set(Some(&wife), field, value)?;
    }
    let drafts = Drafts::open(data_dir, &keys)?;
    let draft = drafts.create("1.001193", true)?;
    let id = draft.id.clone();
    let partial = drafts.validate(&id, CheckMode::Partial)?;
    let born = today_vn() - time::Duration::days(10);
    for (field, value) in [
        ("applicant.relationship", "cha"),
        ("child.full_name", "Nguyễn Minh Khang"),
        ("child.sex", "nam"),
        ("child.date_of_birth", format_date(born).as_str()),
        ("child.place_of_birth", "Bệnh viện Phụ sản Hà Nội"),
        ("child.hometown", "Hà Nội"),
        ("child.ethnicity", "Kinh"),
        ("child.nationality", "Việt Nam"),
        ("child.father_known", "có"),
    ] {
        drafts.set(&id, field, value)?;
    }
    // A typical slip: the mobile number in its pre-2018 11-digit form.
    let mistake = drafts.set(&id, "applicant.phone", "0168 123 4567")?.problem;
    drafts.set(&id, "applicant.phone", "038 123 4567")?;
    let complete = drafts.validate(&id, CheckMode::Complete)?;
    Ok(DraftDemo {
        draft_id: id,
        procedure_code: draft.procedure_code,
        prefilled: draft.prefilled.len(),
        mistake,
        partial,
        complete,
    })
}

pub fn print(demo: &DraftDemo) {
    println!("Bản nháp khai sinh ngoại tuyến / offline birth-registration draft");
    println!(
        "  {} ({}): {} trường điền sẵn từ hồ sơ cá nhân / fields prefilled from the profile",
        demo.draft_id, demo.procedure_code, demo.prefilled
    );
    println!(
        "  lúc mới tạo còn thiếu / missing when created: {} trường / fields",
        demo.partial.missing.len()
    );
    if let Some(p) = &demo.mistake {
        println!(
            "  số điện thoại cũ / an old phone number → [{}] {} / {}",
            p.code, p.message_vi, p.message_en
        );
    }
    let documents = demo
        .complete
        .missing
        .iter()
        .filter(|m| m.code == "document_missing")
        .count();
    println!(
        "  kiểm tra đầy đủ / complete check: thiếu / missing {} (giấy tờ / documents {documents}), sai / invalid {}, sẵn sàng / ready: {}",
        demo.complete.missing.len(),
        demo.complete.invalid.len(),
        demo.complete.ready
    );
    for m in &demo.complete.missing {
        println!("    - {}: {}", m.field, m.message_vi);
    }
    println!("  dữ liệu cá nhân được mã hóa AES-256-GCM trên đĩa / personal data sealed with AES-256-GCM on disk");
}
