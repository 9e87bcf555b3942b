//! Rendering time of the papers: the handover sheet (PDF on A5 and A4, PNG)
//! and the consent form (PDF, one and two pages), each made once as a
//! warm-up and then `HOSO_BENCH_RUNS` times (default 20); prints the best
//! and median time and the size of each. `HOSO_PAPERS_OUT=DIR` also writes
//! one of each into DIR to look at (`pdftotext`, an image viewer).
//!
//! Run: `cargo bench -p hoso-papers --bench render`.

use hoso_papers::{
    consent_form_pdf, handover_pdf, handover_png, ConsentForm, HandoverSheet, PageSize, PaperError,
    Person, Procedure, Team,
};
use std::time::{Duration, Instant};

const RECEIPT: &str = "HS1:060S9E5LEAEC5W58469%6%960E2+Q6 $5KF6TF6%96QF63W5646.86Z96646%96IA7XZ0+Q6 $5KE6000H20TK0W3Q0V5000000000F30Y5BMXQKD3WHC2CW2EG/TRU5TZ$VZW46K9J2V:Y3BZ2R/81:CPTSX IV7GO$3YNNFIUWSPAVBKH8RB4V*LM4D9QOH85XWG1QKL:POY0Q2BTJ8+J4I302NL90";

const LONG_PROCEDURE: &str = "Liên thông thủ tục hành chính về đăng ký khai sinh, đăng ký \
    thường trú, cấp thẻ bảo hiểm y tế cho trẻ em dưới 6 tuổi, kèm theo việc xác định lại \
    thông tin về nơi cư trú của người mẹ hoặc người cha trong trường hợp cha mẹ không cùng \
    nơi cư trú, thực hiện trên Cổng Dịch vụ công quốc gia và Cổng dịch vụ công cấp tỉnh";

fn consent(procedures: &[(&str, &str)]) -> ConsentForm {
    ConsentForm {
        volunteer: Person {
            name: "Nguyễn Thị Hồng Nhung".into(),
            phone: "0912 345 678".into(),
        },
        team: Team {
            name: "Tổ công nghệ số cộng đồng thôn Đồng Tâm".into(),
            commune: "Xã Yên Thường".into(),
            province: "Thành phố Hà Nội".into(),
        },
        reference: "DY-2026-000123".into(),
        procedures: procedures
            .iter()
            .map(|(code, name)| Procedure {
                code: code.to_string(),
                name: name.to_string(),
            })
            .collect(),
        data_kept: vec![
            "Họ tên, ngày sinh, số định danh cá nhân".into(),
            "Số điện thoại, địa chỉ thường trú".into(),
            "Ảnh chụp giấy tờ đính kèm hồ sơ".into(),
        ],
        retention_days: 30,
        date: "06/12/2026".into(),
    }
}

fn sheet() -> HandoverSheet {
    HandoverSheet {
        dossier_code: "H40.22-261206-0001".into(),
        procedure_name: LONG_PROCEDURE.into(),
        agency: "Ủy ban nhân dân xã Yên Thường".into(),
        submitted_on: "06/12/2026".into(),
        appointment_on: Some("11/12/2026".into()),
        fee: Some(10_000),
        bring: vec![
            "Giấy chứng sinh bản chính".into(),
            "Căn cước của cha hoặc mẹ".into(),
        ],
        receipt_qr: RECEIPT.into(),
        lookup_url: "https://hoso.example.vn/tra-cuu/H40.22-261206-0001".into(),
        helped_by: "Nguyễn Thị Hồng Nhung, Tổ công nghệ số cộng đồng thôn Đồng Tâm".into(),
        fee_payment: None,
    }
}

fn time(
    name: &str,
    file: &str,
    runs: usize,
    make: impl Fn() -> Result<Vec<u8>, PaperError>,
) -> Result<(), PaperError> {
    let bytes = make()?;
    if let Ok(dir) = std::env::var("HOSO_PAPERS_OUT") {
        let path = std::path::Path::new(&dir).join(file);
        if let Err(e) = std::fs::create_dir_all(&dir).and_then(|()| std::fs::write(&path, &bytes)) {
            eprintln!("{}: {e}", path.display());
        }
    }
    let mut times: Vec<Duration> = (0..runs)
        .map(|_| {
            let start = Instant::now();
            let made = make();
            let took = start.elapsed();
            std::hint::black_box(made).map(|_| took)
        })
        .collect::<Result<_, _>>()?;
    times.sort();
    println!(
        "| {name} | {:.1} ms | {:.1} ms | {} KB |",
        times[0].as_secs_f64() * 1e3,
        times[times.len() / 2].as_secs_f64() * 1e3,
        bytes.len().div_ceil(1024)
    );
    Ok(())
}

fn main() -> Result<(), PaperError> {
    let runs = std::env::var("HOSO_BENCH_RUNS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(20usize)
        .max(1);
    let one = consent(&[("1.001193", "Đăng ký khai sinh")]);
    let two = consent(&[
        ("1.001193", "Đăng ký khai sinh"),
        ("1.004222", LONG_PROCEDURE),
    ]);
    println!("| paper | best | median | size |\n| --- | --- | --- | --- |");
    time("handover sheet, PDF A5", "handover-a5.pdf", runs, || {
        handover_pdf(&sheet(), PageSize::A5)
    })?;
    time("handover sheet, PDF A4", "handover-a4.pdf", runs, || {
        handover_pdf(&sheet(), PageSize::A4)
    })?;
    time("handover sheet, PNG", "handover.png", runs, || {
        handover_png(&sheet())
    })?;
    time("consent form, 1 page", "consent-1.pdf", runs, || {
        consent_form_pdf(&one)
    })?;
    time("consent form, 2 pages", "consent-2.pdf", runs, || {
        consent_form_pdf(&two)
    })?;
    Ok(())
}
