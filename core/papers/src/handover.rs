//! The handover sheet (phiếu bàn giao) the resident keeps: plain
//! Vietnamese in short sentences, the dossier code large, the dates, the
//! fee, a fee still to pay with its VietQR for a banking app, what to
//! bring, the receipt's QR code to follow the dossier without an
//! account, who helped, and a warning never to give away VNeID codes. Laid
//! out on an A5 page; A4 prints the same page scaled up; the PNG is the A5
//! page that grows when its content does not fit.

use crate::check;
use crate::error::{Field, PaperError};
use crate::font::{Face, Fonts};
use crate::layout::{span, Align, Block, Flow, Span, Style};
use crate::limits::{
    BRING_MAX, CODE_CHARS, DATE_CHARS, LINE_CHARS, LOOKUP_URL_CHARS, NAME_CHARS,
    PROCEDURE_NAME_CHARS,
};
use crate::model::{mm, FeePayment, HandoverSheet, PageSize};
use crate::numbers;
use crate::qr;
use crate::scene::{Item, Page, QrMatrix, QR_QUIET};

const MARGIN: f32 = 28.0;
const TITLE: Style = Style::new(13.0, Face::Bold, 0);
const NOTE: Style = Style::new(9.5, Face::Regular, 70);
const CODE: Style = Style::new(22.0, Face::Bold, 0);
const LABEL: Style = Style::new(11.0, Face::Bold, 0);
const VALUE: Style = Style::new(11.0, Face::Regular, 0);
const SMALL: Style = Style::new(9.5, Face::Regular, 0);
const SMALL_BOLD: Style = Style::new(10.5, Face::Bold, 0);
const WARNING: Style = Style::new(10.0, Face::Bold, 0);
/// The QR code's square, quiet zone included (about 47 mm).
const QR_SIDE: f32 = 132.0;

/// The sheet's text as printed, checked.
pub(crate) struct Sheet {
    code: String,
    procedure: String,
    agency: String,
    submitted: String,
    appointment: Option<String>,
    fee: String,
    bring: Vec<String>,
    qr: QrMatrix,
    url: String,
    helped_by: String,
    fee_payment: Option<FeeToPay>,
}

/// A fee still to pay, checked.
struct FeeToPay {
    amount: String,
    payee: String,
    reference: String,
    until: String,
    qr: QrMatrix,
}

fn fee_to_pay(fee: &FeePayment) -> Result<FeeToPay, PaperError> {
    Ok(FeeToPay {
        amount: numbers::fee(Some(fee.amount_vnd)),
        payee: check::required(Field::FeePayee, &fee.payee, LINE_CHARS)?,
        reference: check::required(Field::FeeReference, &fee.reference, CODE_CHARS)?,
        until: check::required(Field::FeeUntil, &fee.until, DATE_CHARS)?,
        qr: qr::matrix(check::payment_qr(&fee.vietqr)?)?,
    })
}

pub(crate) fn check(sheet: &HandoverSheet) -> Result<Sheet, PaperError> {
    let appointment = match &sheet.appointment_on {
        Some(date) => {
            Some(check::optional(Field::AppointmentOn, date, DATE_CHARS)?).filter(|d| !d.is_empty())
        }
        None => None,
    };
    let bring = check::list(Field::Bring, &sheet.bring, BRING_MAX, |line| {
        check::optional(Field::Bring, line, LINE_CHARS)
    })?
    .into_iter()
    .filter(|line| !line.is_empty())
    .collect();
    Ok(Sheet {
        code: check::required(Field::DossierCode, &sheet.dossier_code, CODE_CHARS)?,
        procedure: check::required(
            Field::ProcedureName,
            &sheet.procedure_name,
            PROCEDURE_NAME_CHARS,
        )?,
        agency: check::required(Field::Agency, &sheet.agency, NAME_CHARS)?,
        submitted: check::required(Field::SubmittedOn, &sheet.submitted_on, DATE_CHARS)?,
        appointment,
        fee: numbers::fee(sheet.fee),
        bring,
        qr: qr::matrix(check::receipt_qr(&sheet.receipt_qr)?)?,
        url: check::required(Field::LookupUrl, &sheet.lookup_url, LOOKUP_URL_CHARS)?,
        helped_by: check::required(Field::HelpedBy, &sheet.helped_by, LINE_CHARS)?,
        fee_payment: sheet.fee_payment.as_ref().map(fee_to_pay).transpose()?,
    })
}

/// The sheet on A5 pages (`paginate`), or on one A5-wide page as tall as
/// it needs.
pub(crate) fn layout(fonts: &Fonts, sheet: &Sheet, paginate: bool) -> Vec<Page> {
    let mut flow = Flow::new(fonts, PageSize::A5.points(), MARGIN, 0.0, paginate);
    flow.text(&[span("PHIẾU BÀN GIAO HỒ SƠ", TITLE)], 0.0, Align::Left);
    flow.text(
        &[span(
            "Ông/bà giữ phiếu này để theo dõi và nhận kết quả.",
            NOTE,
        )],
        0.0,
        Align::Left,
    );
    flow.gap(4.0);
    rule(&mut flow);
    flow.gap(8.0);

    flow.keep(NOTE.line_height() + CODE.line_height());
    flow.text(&[span("Mã hồ sơ", NOTE)], 0.0, Align::Left);
    flow.text(&[span(&sheet.code, CODE)], 0.0, Align::Left);
    flow.gap(6.0);

    let mut rows = vec![
        value("Thủ tục:", &sheet.procedure, VALUE),
        value("Nơi nhận hồ sơ:", &sheet.agency, VALUE),
        value("Ngày nộp:", &sheet.submitted, VALUE),
    ];
    if let Some(date) = &sheet.appointment {
        rows.push(value("Ngày hẹn trả kết quả:", date, LABEL));
    }
    rows.push(value("Phí, lệ phí:", &sheet.fee, VALUE));
    for row in &rows {
        flow.text(row, 0.0, Align::Left);
        flow.gap(2.0);
    }

    if !sheet.bring.is_empty() {
        flow.gap(6.0);
        flow.keep(2.0 * LABEL.line_height());
        flow.text(
            &[span("Khi đi nhận kết quả, nhớ mang theo:", LABEL)],
            0.0,
            Align::Left,
        );
        for line in &sheet.bring {
            flow.item(span("•", VALUE), &[span(line, VALUE)], 4.0);
        }
    }

    if let Some(fee) = &sheet.fee_payment {
        flow.gap(10.0);
        flow.keep(LABEL.line_height() + QR_SIDE);
        flow.text(&value("Phí cần nộp:", &fee.amount, LABEL), 0.0, Align::Left);
        flow.gap(4.0);
        let lines: [&[Span]; 5] = [
            &[span("Quét mã này bằng ứng dụng ngân hàng", SMALL_BOLD)],
            &[span("để nộp phí. Giữ nguyên nội dung:", SMALL_BOLD)],
            &[span(&fee.reference, SMALL)],
            &[span("Người nhận: ", NOTE), span(&fee.payee, SMALL)],
            &[span("Hạn nộp: ", NOTE), span(&fee.until, SMALL)],
        ];
        flow.place(qr_block(&flow, &fee.qr, &lines));
    }

    flow.gap(12.0);
    let lines: [&[Span]; 4] = [
        &[span("Quét mã QR này để theo dõi hồ sơ.", SMALL_BOLD)],
        &[span("Không cần tài khoản.", SMALL_BOLD)],
        &[span("Hoặc mở đường dẫn:", NOTE)],
        &[span(&sheet.url, SMALL)],
    ];
    flow.place(qr_block(&flow, &sheet.qr, &lines));
    flow.gap(10.0);
    flow.text(
        &value("Người giúp nộp:", &sheet.helped_by, VALUE),
        0.0,
        Align::Left,
    );
    flow.gap(8.0);
    flow.place(warning(&flow));
    flow.finish()
}

/// "Label: value", the label bold.
fn value<'a>(label: &'a str, text: &'a str, style: Style) -> [Span<'a>; 3] {
    [span(label, LABEL), span(" ", VALUE), span(text, style)]
}

/// A hairline across the text.
fn rule(flow: &mut Flow) {
    let (x, y, w) = (flow.left(), flow.y(), flow.measure());
    flow.push(Item::Rect {
        x,
        y,
        w,
        h: 0.8,
        gray: 0,
    });
    flow.gap(0.8);
}

/// A QR code with what it is for beside it (`lines`, a small gap before
/// the third).
fn qr_block<'f>(flow: &Flow<'f>, code: &QrMatrix, lines: &[&[Span]]) -> Block<'f> {
    let mut block = Block::new(flow.fonts());
    let left = flow.left();
    // The quiet zone reaches into the margin: the modules line up with the
    // text.
    let quiet = QR_SIDE / code.total() as f32 * QR_QUIET as f32;
    block.push(Item::Qr {
        x: left - quiet,
        y: 0.0,
        side: QR_SIDE,
        code: code.clone(),
    });
    block.grow(QR_SIDE);
    let x = left - quiet + QR_SIDE + 6.0;
    let width = flow.left() + flow.measure() - x;
    let mut y = mm(4.0);
    for (i, line) in lines.iter().enumerate() {
        if i == 2 {
            y += 6.0;
        }
        y = block.text(line, (x, y), width, Align::Left);
    }
    block
}

/// Never give the VNeID password or OTP to anyone, in a grey box.
fn warning<'f>(flow: &Flow<'f>) -> Block<'f> {
    let mut block = Block::new(flow.fonts());
    let (x, width, pad) = (flow.left(), flow.measure(), 7.0);
    let text = [span(
        "Không ai được hỏi mật khẩu VNeID hay mã OTP của ông/bà, \
         kể cả người giúp nộp. Không đưa các mã này cho ai.",
        WARNING,
    )];
    let bottom = block.text(&text, (x + pad, pad), width - 2.0 * pad, Align::Left) + pad;
    block.insert_first(Item::Rect {
        x,
        y: 0.0,
        w: width,
        h: bottom,
        gray: 228,
    });
    block.grow(bottom);
    block
}
