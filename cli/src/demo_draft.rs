//! The drafting part of `hoso demo`: save a sample citizen profile, draft a
//! birth registration (1.001193) offline with the profile prefilled, make a
//! typical mistake and correct it, validate, attach the birth certificate
//! (a generated PDF) and validate again — all sealed on disk under a key
//! file created for the scratch directory.

use crate::keyfile::KeyFile;
use crate::Failure;
use hoso_core::draft::{AttachmentRef, Drafts, ValidationReport};
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
    /// Before any document is attached.
    pub complete: ValidationReport,
    /// The birth certificate (a generated PDF) as attached.
    pub attached: AttachmentRef,
    /// The proof of residence (a generated PDF) as attached.
    pub also_attached: AttachmentRef,
    /// After attaching them.
    pub ready: ValidationReport,
}

/// The birth registration's slot for proof of residence (Giấy tờ chứng
/// minh thông tin về cư trú).
const RESIDENCE_SLOT: &str = "doc07";

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
    // The birth certificate, as a phone would scan it to PDF.
    let scan = data_dir.join("giay-chung-sinh.pdf");
    std::fs::write(&scan, sample_pdf("Giay chung sinh - Nguyen Minh Khang"))?;
    let slot = complete
        .missing
        .iter()
        .find_map(|m| m.field.strip_prefix("documents."))
        .unwrap_or("doc05")
        .to_string();
    let attached = drafts.attach(&id, &slot, &scan, &mut |_| true)?;
    std::fs::remove_file(&scan)?;
    // And the proof of residence, which the ward asks for when it cannot
    // look the family's residence up itself.
    let residence = data_dir.join("xac-nhan-cu-tru.pdf");
    std::fs::write(
        &residence,
        sample_pdf("Xac nhan thong tin ve cu tru - Nguyen Van An"),
    )?;
    let also_attached = drafts.attach(&id, RESIDENCE_SLOT, &residence, &mut |_| true)?;
    std::fs::remove_file(&residence)?;
    let ready = drafts.validate(&id, CheckMode::Complete)?;
    Ok(DraftDemo {
        draft_id: id,
        procedure_code: draft.procedure_code,
        prefilled: draft.prefilled.len(),
        mistake,
        partial,
        complete,
        attached,
        also_attached,
        ready,
    })
}

/// A minimal one-page PDF showing `text`.
fn sample_pdf(text: &str) -> Vec<u8> {
    let stream = format!("BT /F1 18 Tf 72 720 Td ({text}) Tj ET");
    let objects = [
        "<< /Type /Catalog /Pages 2 0 R >>".to_string(),
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>".to_string(),
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>".to_string(),
        format!("<< /Length {} >>\nstream\n{stream}\nendstream", stream.len()),
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>".to_string(),
    ];
    let mut pdf = b"%PDF-1.4\n".to_vec();
    let mut offsets = Vec::new();
    for (i, body) in objects.iter().enumerate() {
        offsets.push(pdf.len());
        pdf.extend_from_slice(format!("{} 0 obj\n{body}\nendobj\n", i + 1).as_bytes());
    }
    let xref = pdf.len();
    pdf.extend_from_slice(
        format!("xref\n0 {}\n0000000000 65535 f \n", objects.len() + 1).as_bytes(),
    );
    for o in offsets {
        pdf.extend_from_slice(format!("{o:010} 00000 n \n").as_bytes());
    }
    pdf.extend_from_slice(
        format!(
            "trailer\n<< /Size {} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n",
            objects.len() + 1
        )
        .as_bytes(),
    );
    pdf
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
    println!(
        "  đính kèm giấy chứng sinh / attached the birth certificate: sha256 {}… ({} byte, {})",
        &demo.attached.sha256[..16],
        demo.attached.size,
        demo.attached.media_type
    );
    println!(
        "  đính kèm giấy xác nhận cư trú / attached the proof of residence: sha256 {}… ({} byte, {})",
        &demo.also_attached.sha256[..16],
        demo.also_attached.size,
        demo.also_attached.media_type
    );
    println!(
        "  sẵn sàng nộp / ready to submit: {} (thiếu / missing {}, sai / invalid {})",
        demo.ready.ready,
        demo.ready.missing.len(),
        demo.ready.invalid.len()
    );
    println!("  dữ liệu cá nhân được mã hóa AES-256-GCM trên đĩa / personal data sealed with AES-256-GCM on disk");
}
