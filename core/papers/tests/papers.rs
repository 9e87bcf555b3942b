//! The papers end to end through the public API: the PDFs' text read back
//! (pdf-extract) with its Vietnamese diacritics, page sizes and counts, the
//! PNG decoded (image) with its QR code read back (rqrr), and hostile input
//! refused with typed errors or wrapped, never a panic.

use hoso_papers::limits::{
    BRING_MAX, CODE_CHARS, PAYMENT_QR_CHARS, PROCEDURES_MAX, PROCEDURE_NAME_CHARS, RECEIPT_QR_CHARS,
};
use hoso_papers::{
    consent_form_pdf, handover_pdf, handover_png, ConsentForm, FeePayment, Field, HandoverSheet,
    PageSize, PaperError, Person, Procedure, Team, HANDOVER_PNG_WIDTH,
};
use hoso_store::error::{Classified, ErrorKind, MESSAGE_SEPARATOR};

/// The spec's example receipt (docs/qr-receipt.md).
const RECEIPT: &str = "HS1:060S9E5LEAEC5W58469%6%960E2+Q6 $5KF6TF6%96QF63W5646.86Z96646%96IA7XZ0+Q6 $5KE6000H20TK0W3Q0V5000000000F30Y5BMXQKD3WHC2CW2EG/TRU5TZ$VZW46K9J2V:Y3BZ2R/81:CPTSX IV7GO$3YNNFIUWSPAVBKH8RB4V*LM4D9QOH85XWG1QKL:POY0Q2BTJ8+J4I302NL90";

const LONG_PROCEDURE: &str = "Liên thông thủ tục hành chính về đăng ký khai sinh, đăng ký \
    thường trú, cấp thẻ bảo hiểm y tế cho trẻ em dưới 6 tuổi, kèm theo việc xác định lại \
    thông tin về nơi cư trú của người mẹ hoặc người cha trong trường hợp cha mẹ không cùng \
    nơi cư trú, thực hiện trên Cổng Dịch vụ công quốc gia và Cổng dịch vụ công cấp tỉnh";

fn consent() -> ConsentForm {
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
        procedures: vec![
            Procedure {
                code: "1.001193".into(),
                name: "Đăng ký khai sinh".into(),
            },
            Procedure {
                code: "1.004222".into(),
                name: LONG_PROCEDURE.into(),
            },
        ],
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
        procedure_name: "Đăng ký khai sinh".into(),
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

/// NAPAS's published dynamic transfer to an account (QR Switching
/// specification v1.5.2, §6.3): 180,000 đồng.
const VIETQR: &str = "00020101021238570010A00000072701270006970403011300110123456780208QRIBFTTA530370454061800005802VN62340107NPS68690819thanh toan don hang63042E2E";

fn fee_payment() -> FeePayment {
    FeePayment {
        amount_vnd: 180_000,
        payee: "KHO BAC NHA NUOC, BIDV 3711000000001".into(),
        reference: "HSH4022261206000101".into(),
        until: "09/12/2026".into(),
        vietqr: VIETQR.into(),
    }
}

#[test]
fn a_fee_to_pay_is_printed_with_its_vietqr_beside_the_receipt_qr() {
    let with_fee = HandoverSheet {
        fee_payment: Some(fee_payment()),
        ..sheet()
    };
    let pdf = handover_pdf(&with_fee, PageSize::A5).unwrap();
    let text = text_of(&pdf);
    assert!(holds(&text, "Phí cần nộp: 180.000 đồng"), "{text}");
    assert!(holds(&text, "HSH4022261206000101"), "{text}");
    assert!(holds(&text, "Hạn nộp: 09/12/2026"), "{text}");
    let (_, _, mut texts) = qr_texts(&handover_png(&with_fee).unwrap());
    texts.sort();
    assert_eq!(texts, [VIETQR, RECEIPT]);
    // Only a VietQR is printed as a fee's code.
    for (vietqr, error) in [
        (RECEIPT.to_string(), PaperError::NotAPaymentQr),
        (
            "https://pay.example/".to_string(),
            PaperError::NotAPaymentQr,
        ),
        (format!("{VIETQR}\n"), PaperError::NotAPaymentQr),
        (String::new(), PaperError::Missing(Field::FeeQr)),
        (
            format!("000201{}", "1".repeat(600)),
            PaperError::TooLong {
                field: Field::FeeQr,
                max: PAYMENT_QR_CHARS,
            },
        ),
    ] {
        let bad = HandoverSheet {
            fee_payment: Some(FeePayment {
                vietqr,
                ..fee_payment()
            }),
            ..sheet()
        };
        assert_eq!(handover_pdf(&bad, PageSize::A5), Err(error.clone()));
        assert_eq!(handover_png(&bad), Err(error));
    }
}

/// The PDF's text, whitespace runs (line breaks included) as one space.
fn text_of(pdf: &[u8]) -> String {
    let text = pdf_extract::extract_text_from_mem(pdf).expect("the PDF's text reads back");
    text.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Whether `text` holds `expected`, compared without whitespace:
/// pdf-extract joins a wrapped line to the next without a space when they
/// start at the same x (poppler's pdftotext keeps the break).
fn holds(text: &str, expected: &str) -> bool {
    let squeeze = |s: &str| s.split_whitespace().collect::<String>();
    squeeze(text).contains(&squeeze(expected))
}

/// Each page's size in points (its MediaBox).
fn page_sizes(pdf: &[u8]) -> Vec<(f32, f32)> {
    let doc = pdf_extract::Document::load_mem(pdf).expect("the PDF parses");
    doc.get_pages()
        .values()
        .map(|&id| {
            let page = doc.get_dictionary(id).expect("a page");
            let media = page
                .get(b"MediaBox")
                .and_then(|b| b.as_array())
                .expect("a MediaBox");
            let n = |i: usize| media[i].as_float().expect("a number");
            (n(2) - n(0), n(3) - n(1))
        })
        .collect()
}

fn close(a: (f32, f32), b: (f32, f32)) -> bool {
    (a.0 - b.0).abs() < 0.5 && (a.1 - b.1).abs() < 0.5
}

#[test]
fn consent_form_text_reads_back_with_its_diacritics() {
    let pdf = consent_form_pdf(&consent()).unwrap();
    assert!(pdf.starts_with(b"%PDF-"));
    let text = text_of(&pdf);
    for expected in [
        "TỜ ĐỒNG Ý",
        "Nguyễn Thị Hồng Nhung",
        "0912 345 678",
        "Tổ công nghệ số cộng đồng thôn Đồng Tâm",
        "Xã Yên Thường, Thành phố Hà Nội",
        "Cổng Dịch vụ công quốc gia",
        "1.001193 – Đăng ký khai sinh",
        "Số điện thoại, địa chỉ thường trú",
        "Dữ liệu được lưu đến 30 ngày sau khi hồ sơ cuối cùng của tôi kết thúc",
        "rút lại sự đồng ý này bất cứ lúc nào",
        "mật khẩu VNeID",
        "mã OTP",
        "VNeID password or one-time code",
        "Tôi đã đọc, hiểu và đồng ý với nội dung trên.",
        "Họ và tên người đồng ý / Resident's full name",
        "Số định danh cá nhân / Personal ID number",
        "Ngày ký / Date signed",
        "TÌNH NGUYỆN VIÊN / Volunteer",
        "DY-2026-000123",
    ] {
        assert!(holds(&text, expected), "{expected:?} not in {text}");
    }
    // The 300-character name is wrapped over lines, every letter kept.
    assert!(holds(&text, LONG_PROCEDURE), "{text}");
    for size in page_sizes(&pdf) {
        assert!(close(size, (595.28, 841.89)), "{size:?}");
    }
    // A form with one short procedure is one A4 page, signatures included.
    let mut short = consent();
    short.procedures.truncate(1);
    let pdf = consent_form_pdf(&short).unwrap();
    assert_eq!(page_sizes(&pdf).len(), 1);
    assert!(holds(&text_of(&pdf), "Trang / Page 1/1"));
}

#[test]
fn consent_form_runs_onto_more_pages_each_with_its_number() {
    let mut form = consent();
    form.procedures = (0..PROCEDURES_MAX)
        .map(|i| Procedure {
            code: format!("1.{:06}", i),
            name: LONG_PROCEDURE.into(),
        })
        .collect();
    let pdf = consent_form_pdf(&form).unwrap();
    let sizes = page_sizes(&pdf);
    assert!(sizes.len() >= 3, "{} pages", sizes.len());
    let pages = pdf_extract::extract_text_from_mem_by_pages(&pdf).unwrap();
    assert_eq!(pages.len(), sizes.len());
    for (i, page) in pages.iter().enumerate() {
        let page = page.split_whitespace().collect::<Vec<_>>().join(" ");
        assert!(
            page.contains("Form number DY-2026-000123"),
            "page {}",
            i + 1
        );
        assert!(
            page.contains(&format!("{}/{}", i + 1, pages.len())),
            "{page}"
        );
    }
    let text = text_of(&pdf);
    assert!(holds(&text, &format!("1.{:06}", PROCEDURES_MAX - 1)));
    assert!(holds(&text, "mật khẩu VNeID"));
}

#[test]
fn handover_pdf_text_reads_back_in_a5_and_a4() {
    let mut seen = Vec::new();
    for (size, points) in [
        (PageSize::A5, (419.53, 595.28)),
        (PageSize::A4, (595.28, 841.89)),
    ] {
        let pdf = handover_pdf(&sheet(), size).unwrap();
        let sizes = page_sizes(&pdf);
        assert_eq!(sizes.len(), 1, "{size:?}: one page");
        assert!(close(sizes[0], points), "{size:?}: {:?}", sizes[0]);
        let text = text_of(&pdf);
        for expected in [
            "PHIẾU BÀN GIAO HỒ SƠ",
            "H40.22-261206-0001",
            "Thủ tục: Đăng ký khai sinh",
            "Nơi nhận hồ sơ: Ủy ban nhân dân xã Yên Thường",
            "Ngày nộp: 06/12/2026",
            "Ngày hẹn trả kết quả: 11/12/2026",
            "Phí, lệ phí: 10.000 đồng",
            "Giấy chứng sinh bản chính",
            "Căn cước của cha hoặc mẹ",
            "Quét mã QR này để theo dõi hồ sơ",
            "Không cần tài khoản",
            "Nguyễn Thị Hồng Nhung",
            "mật khẩu VNeID",
        ] {
            assert!(
                holds(&text, expected),
                "{size:?}: {expected:?} not in {text}"
            );
        }
        // The link, broken between characters where it wraps.
        assert!(holds(
            &text,
            "https://hoso.example.vn/tra-cuu/H40.22-261206-0001"
        ));
        seen.push(text);
    }
    assert_eq!(seen[0], seen[1], "A4 is the A5 sheet scaled");
}

#[test]
fn handover_fee_and_appointment_variants() {
    let mut free = sheet();
    free.fee = Some(0);
    free.appointment_on = None;
    let text = text_of(&handover_pdf(&free, PageSize::A5).unwrap());
    assert!(holds(&text, "Phí, lệ phí: không mất phí"), "{text}");
    assert!(!text.contains("Ngày hẹn"), "{text}");
    let mut unknown = sheet();
    unknown.fee = None;
    unknown.bring.clear();
    let text = text_of(&handover_pdf(&unknown, PageSize::A5).unwrap());
    assert!(holds(&text, "Phí, lệ phí: chưa rõ"), "{text}");
    assert!(!text.contains("mang theo"), "{text}");
}

/// Every QR text in a PNG.
fn qr_texts(png: &[u8]) -> (u32, u32, Vec<String>) {
    let picture = image::load_from_memory_with_format(png, image::ImageFormat::Png)
        .expect("the PNG decodes")
        .into_luma8();
    let (w, h) = picture.dimensions();
    let mut prepared =
        rqrr::PreparedImage::prepare_from_greyscale(w as usize, h as usize, |x, y| {
            picture.get_pixel(x as u32, y as u32).0[0]
        });
    let texts = prepared
        .detect_grids()
        .into_iter()
        .filter_map(|grid| grid.decode().ok().map(|(_, text)| text))
        .collect();
    (w, h, texts)
}

#[test]
fn handover_png_has_the_a5_shape_and_its_qr_scans_back() {
    let png = handover_png(&sheet()).unwrap();
    let (w, h, texts) = qr_texts(&png);
    assert_eq!((w, h), (HANDOVER_PNG_WIDTH, 1_532));
    assert_eq!(texts, [RECEIPT]);
}

#[test]
fn a_long_handover_sheet_grows_the_png_and_paginates_the_pdf() {
    let mut long = sheet();
    long.procedure_name = "Thủ tục rất dài ".repeat(PROCEDURE_NAME_CHARS / 16);
    long.bring = vec![
        "Bản sao có chứng thực giấy tờ chứng minh nơi cư trú ".repeat(5);
        BRING_MAX
    ];
    let (w, h, texts) = qr_texts(&handover_png(&long).unwrap());
    assert_eq!(w, HANDOVER_PNG_WIDTH);
    assert!(h > 1_532, "{h}");
    assert_eq!(texts, [RECEIPT]);
    let pdf = handover_pdf(&long, PageSize::A5).unwrap();
    assert!(page_sizes(&pdf).len() > 1);
    assert!(text_of(&pdf).contains("mật khẩu VNeID"));
}

#[test]
fn hostile_text_is_cleaned_replaced_or_refused_never_a_panic() {
    // Controls, bidi overrides and zero-width characters are dropped;
    // characters the font lacks print as U+FFFD; decomposed Vietnamese
    // prints composed.
    let mut odd = sheet();
    odd.dossier_code = "H40\u{202E}.22-\u{200B}2612\u{0}06".into();
    odd.procedure_name = "Đa\u{306}ng ky\u{301} 出生 😀 khai sinh\n\tlần hai".into();
    odd.helped_by = "\u{7}Nhung\r\n".into();
    odd.bring = vec![String::new(), " ".into()];
    let text = text_of(&handover_pdf(&odd, PageSize::A5).unwrap());
    assert!(holds(&text, "H40.22-261206"), "{text}");
    assert!(
        holds(
            &text,
            "Thủ tục: Đăng ký \u{FFFD}\u{FFFD} \u{FFFD} khai sinh lần hai"
        ),
        "{text}"
    );
    assert!(holds(&text, "Người giúp nộp: Nhung"), "{text}");
    assert!(
        !text.contains("mang theo"),
        "blank lines to bring are left out: {text}"
    );
    handover_png(&odd).unwrap();

    // Past a bound: a typed error naming the field.
    let huge = "ạ".repeat(10_000);
    let cases: Vec<(HandoverSheet, PaperError)> = vec![
        (
            HandoverSheet {
                dossier_code: huge.clone(),
                ..sheet()
            },
            PaperError::TooLong {
                field: Field::DossierCode,
                max: CODE_CHARS,
            },
        ),
        (
            HandoverSheet {
                procedure_name: huge.clone(),
                ..sheet()
            },
            PaperError::TooLong {
                field: Field::ProcedureName,
                max: PROCEDURE_NAME_CHARS,
            },
        ),
        (
            HandoverSheet {
                bring: vec!["x".into(); BRING_MAX + 1],
                ..sheet()
            },
            PaperError::TooMany {
                field: Field::Bring,
                max: BRING_MAX,
            },
        ),
        (
            HandoverSheet {
                dossier_code: "\u{200B} \u{0}".into(),
                ..sheet()
            },
            PaperError::Missing(Field::DossierCode),
        ),
        (
            HandoverSheet {
                receipt_qr: "https://evil.example/".into(),
                ..sheet()
            },
            PaperError::NotAReceipt,
        ),
        (
            HandoverSheet {
                receipt_qr: format!("HS1:{}", "A".repeat(RECEIPT_QR_CHARS)),
                ..sheet()
            },
            PaperError::TooLong {
                field: Field::ReceiptQr,
                max: RECEIPT_QR_CHARS,
            },
        ),
    ];
    for (input, expected) in cases {
        assert_eq!(handover_pdf(&input, PageSize::A4).unwrap_err(), expected);
        assert_eq!(handover_png(&input).unwrap_err(), expected);
    }

    let consent_cases: Vec<(ConsentForm, PaperError)> = vec![
        (
            ConsentForm {
                procedures: vec![],
                ..consent()
            },
            PaperError::Missing(Field::Procedures),
        ),
        (
            ConsentForm {
                procedures: vec![
                    Procedure {
                        code: "1".into(),
                        name: "x".into()
                    };
                    PROCEDURES_MAX + 1
                ],
                ..consent()
            },
            PaperError::TooMany {
                field: Field::Procedures,
                max: PROCEDURES_MAX,
            },
        ),
        (
            ConsentForm {
                retention_days: 0,
                ..consent()
            },
            PaperError::Retention(0),
        ),
        (
            ConsentForm {
                retention_days: u32::MAX,
                ..consent()
            },
            PaperError::Retention(u32::MAX),
        ),
        (
            ConsentForm {
                reference: huge.clone(),
                ..consent()
            },
            PaperError::TooLong {
                field: Field::Reference,
                max: CODE_CHARS,
            },
        ),
        (
            ConsentForm {
                volunteer: Person {
                    name: String::new(),
                    phone: "1".into(),
                },
                ..consent()
            },
            PaperError::Missing(Field::VolunteerName),
        ),
        (
            ConsentForm::default(),
            PaperError::Missing(Field::Procedures),
        ),
    ];
    for (input, expected) in consent_cases {
        assert_eq!(consent_form_pdf(&input).unwrap_err(), expected);
    }
    assert_eq!(
        handover_png(&HandoverSheet::default()).unwrap_err(),
        PaperError::Missing(Field::DossierCode)
    );
}

#[test]
fn every_error_is_classified_with_both_messages() {
    let errors = [
        PaperError::Missing(Field::Agency),
        PaperError::TooLong {
            field: Field::LookupUrl,
            max: 300,
        },
        PaperError::TooMany {
            field: Field::DataKept,
            max: 30,
        },
        PaperError::Retention(0),
        PaperError::NotAReceipt,
        PaperError::QrTooLong,
        PaperError::Render("x".into()),
    ];
    for e in errors {
        let (vi, en) = e.messages();
        assert!(!vi.is_empty() && !en.is_empty() && vi != en, "{e}");
        assert_eq!(e.to_string().matches(MESSAGE_SEPARATOR).count(), 1, "{e}");
        assert!(e.error_code().starts_with("paper_"));
        assert_eq!(e.error_code(), e.code());
    }
    assert_eq!(PaperError::NotAReceipt.kind(), ErrorKind::Receipt);
    assert_eq!(PaperError::Retention(0).kind(), ErrorKind::InvalidInput);
    assert_eq!(
        PaperError::TooLong { field: Field::Agency, max: 1 }.to_string(),
        "cơ quan tiếp nhận quá dài (tối đa 1 ký tự) / too long: the receiving agency (at most 1 characters)"
    );
}

#[test]
fn the_same_paper_gives_the_same_bytes() {
    assert_eq!(
        consent_form_pdf(&consent()).unwrap(),
        consent_form_pdf(&consent()).unwrap()
    );
    assert_eq!(
        handover_pdf(&sheet(), PageSize::A5).unwrap(),
        handover_pdf(&sheet(), PageSize::A5).unwrap()
    );
    assert_eq!(
        handover_png(&sheet()).unwrap(),
        handover_png(&sheet()).unwrap()
    );
}

/// Random text (a fixed seed: the same every run) mixing Vietnamese,
/// ASCII, controls, combining marks, bidi and zero-width characters, other
/// scripts, emoji and unassigned code points.
struct Noise(u64);

impl Noise {
    fn next(&mut self) -> u64 {
        // xorshift64*
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn text(&mut self, max: usize) -> String {
        let pools: [&[char]; 6] = [
            &['a', 'Đ', 'ư', 'ở', 'ậ', ' ', '-', '/', '.', '1'],
            &['\u{0}', '\n', '\t', '\u{7f}', '\u{85}', '\u{2028}'],
            &['\u{300}', '\u{301}', '\u{323}', '\u{309}', '\u{20dd}'],
            &['\u{202e}', '\u{200b}', '\u{feff}', '\u{2066}', '\u{ad}'],
            &['中', 'ж', 'ا', '😀', '\u{10ffff}', '\u{e000}', '\u{fffd}'],
            &['W', 'M', '@', '₫', '…', '“', '•'],
        ];
        let len = (self.next() % (max as u64 + 1)) as usize;
        (0..len)
            .map(|_| {
                let pool = pools[(self.next() % pools.len() as u64) as usize];
                pool[(self.next() % pool.len() as u64) as usize]
            })
            .collect()
    }
}

#[test]
fn random_text_within_the_bounds_makes_papers_or_typed_errors() {
    let mut noise = Noise(0x9E37_79B9_7F4A_7C15);
    let mut made = 0;
    for _ in 0..12 {
        let sheet = HandoverSheet {
            dossier_code: noise.text(CODE_CHARS),
            procedure_name: noise.text(PROCEDURE_NAME_CHARS),
            agency: noise.text(200),
            submitted_on: noise.text(40),
            appointment_on: Some(noise.text(40)),
            fee: Some(noise.next()),
            bring: (0..noise.next() % 6).map(|_| noise.text(300)).collect(),
            receipt_qr: RECEIPT.into(),
            lookup_url: noise.text(300),
            helped_by: noise.text(300),
            fee_payment: None,
        };
        for made_one in [
            handover_pdf(&sheet, PageSize::A5),
            handover_pdf(&sheet, PageSize::A4),
            handover_png(&sheet),
        ] {
            match made_one {
                Ok(bytes) => {
                    assert!(!bytes.is_empty());
                    made += 1;
                }
                Err(e) => assert_eq!(e.kind(), ErrorKind::InvalidInput, "{e}"),
            }
        }
        let form = ConsentForm {
            volunteer: Person {
                name: noise.text(200),
                phone: noise.text(32),
            },
            team: Team {
                name: noise.text(200),
                commune: noise.text(200),
                province: noise.text(200),
            },
            reference: noise.text(CODE_CHARS),
            procedures: (0..1 + noise.next() % 8)
                .map(|_| Procedure {
                    code: noise.text(CODE_CHARS),
                    name: noise.text(PROCEDURE_NAME_CHARS),
                })
                .collect(),
            data_kept: (0..1 + noise.next() % 5).map(|_| noise.text(300)).collect(),
            retention_days: (noise.next() % 4_000) as u32,
            date: noise.text(40),
        };
        match consent_form_pdf(&form) {
            Ok(pdf) => {
                assert!(pdf_extract::extract_text_from_mem(&pdf).is_ok());
                made += 1;
            }
            Err(e) => assert_eq!(e.kind(), ErrorKind::InvalidInput, "{e}"),
        }
    }
    // Most of the noise is printed, not refused (an empty field or a
    // retention out of range is).
    assert!(made >= 24, "{made} of 48 made");
}
