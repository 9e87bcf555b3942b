//! The consent form (tờ đồng ý), Vietnamese with English under it, on A4:
//! who files (volunteer, team), for what (the procedures, through the
//! National Public Service Portal), the personal data kept and for how
//! long, the resident's rights with a boxed warning that nobody may ask for
//! their VNeID password or OTP, blanks to sign, and the form number on every
//! page so the signed scan can be matched.

use crate::check;
use crate::error::{Field, PaperError};
use crate::font::{Face, Fonts};
use crate::layout::{span, Align, Block, Flow, Style};
use crate::limits::{
    CODE_CHARS, DATA_KEPT_MAX, DATE_CHARS, LINE_CHARS, NAME_CHARS, PHONE_CHARS, PROCEDURES_MAX,
    PROCEDURE_NAME_CHARS, RETENTION_DAYS_MAX,
};
use crate::model::{ConsentForm, PageSize};
use crate::numbers::grouped;
use crate::scene::{Item, Page};

const MARGIN: f32 = 42.0;
/// Room kept at the bottom of each page for the form number.
const FOOTER: f32 = 16.0;
const TITLE: Style = Style::new(15.0, Face::Bold, 0);
const SUBTITLE: Style = Style::new(10.0, Face::Regular, 80);
const HEADING: Style = Style::new(11.0, Face::Bold, 0);
const VI: Style = Style::new(10.0, Face::Regular, 0);
const VI_BOLD: Style = Style::new(10.0, Face::Bold, 0);
const EN: Style = Style::new(8.8, Face::Regular, 90);
const EN_BOLD: Style = Style::new(8.8, Face::Bold, 90);
const WARNING: Style = Style::new(10.5, Face::Bold, 0);
const WARNING_EN: Style = Style::new(9.0, Face::Bold, 60);
const SMALL: Style = Style::new(8.0, Face::Regular, 90);

/// The form's text as printed, checked.
pub(crate) struct Form {
    volunteer: String,
    phone: String,
    team: String,
    commune: String,
    province: String,
    reference: String,
    date: String,
    procedures: Vec<(String, String)>,
    data_kept: Vec<String>,
    retention_days: u32,
}

pub(crate) fn check(form: &ConsentForm) -> Result<Form, PaperError> {
    if form.procedures.is_empty() {
        return Err(PaperError::Missing(Field::Procedures));
    }
    if form.data_kept.is_empty() {
        return Err(PaperError::Missing(Field::DataKept));
    }
    if !(1..=RETENTION_DAYS_MAX).contains(&form.retention_days) {
        return Err(PaperError::Retention(form.retention_days));
    }
    let procedures = check::list(Field::Procedures, &form.procedures, PROCEDURES_MAX, |p| {
        Ok((
            check::required(Field::ProcedureCode, &p.code, CODE_CHARS)?,
            check::required(Field::ProcedureName, &p.name, PROCEDURE_NAME_CHARS)?,
        ))
    })?;
    let data_kept = check::list(Field::DataKept, &form.data_kept, DATA_KEPT_MAX, |d| {
        check::required(Field::DataKept, d, LINE_CHARS)
    })?;
    Ok(Form {
        volunteer: check::required(Field::VolunteerName, &form.volunteer.name, NAME_CHARS)?,
        phone: check::required(Field::VolunteerPhone, &form.volunteer.phone, PHONE_CHARS)?,
        team: check::required(Field::TeamName, &form.team.name, NAME_CHARS)?,
        commune: check::required(Field::Commune, &form.team.commune, NAME_CHARS)?,
        province: check::required(Field::Province, &form.team.province, NAME_CHARS)?,
        reference: check::required(Field::Reference, &form.reference, CODE_CHARS)?,
        date: check::required(Field::Date, &form.date, DATE_CHARS)?,
        procedures,
        data_kept,
        retention_days: form.retention_days,
    })
}

pub(crate) fn layout(fonts: &Fonts, form: &Form) -> Vec<Page> {
    let mut flow = Flow::new(fonts, PageSize::A4.points(), MARGIN, FOOTER, true);
    flow.text(&[span("TỜ ĐỒNG Ý", TITLE)], 0.0, Align::Center);
    flow.text(
        &[span(
            "Nhờ tình nguyện viên nộp hồ sơ dịch vụ công trực tuyến thay tôi",
            VI_BOLD,
        )],
        0.0,
        Align::Center,
    );
    flow.text(
        &[span(
            "Consent form: a volunteer files public-service dossiers online on my behalf",
            SUBTITLE,
        )],
        0.0,
        Align::Center,
    );
    flow.gap(6.0);
    flow.text(
        &[
            span("Số phiếu / Form number: ", VI),
            span(&form.reference, VI_BOLD),
            span("     Ngày lập / Date: ", VI),
            span(&form.date, VI_BOLD),
        ],
        0.0,
        Align::Left,
    );

    heading(&mut flow, "1. Người giúp nộp hồ sơ", "Who files for me");
    let place = format!("{}, {}", form.commune, form.province);
    let rows: [(&str, &str, &str); 4] = [
        ("Tình nguyện viên", "Volunteer", &form.volunteer),
        ("Điện thoại", "Phone", &form.phone),
        (
            "Tổ công nghệ số cộng đồng",
            "Community digital-tech team",
            &form.team,
        ),
        ("Địa bàn", "Commune, province", &place),
    ];
    for (vi, en, value) in rows {
        flow.text(
            &[
                span(vi, VI),
                span(" / ", VI),
                span(en, EN),
                span(": ", VI),
                span(value, VI_BOLD),
            ],
            0.0,
            Align::Left,
        );
    }

    heading(&mut flow, "2. Mục đích", "Purpose");
    both(
        &mut flow,
        "Tôi đồng ý để tình nguyện viên trên thay mặt tôi nộp hồ sơ các thủ tục hành chính \
         dưới đây qua Cổng Dịch vụ công quốc gia, và theo dõi kết quả giúp tôi.",
        "I agree that the volunteer above files the administrative procedures below on my \
         behalf through the National Public Service Portal, and follows their results for me.",
    );

    heading(&mut flow, "3. Các thủ tục", "Procedures covered");
    for (i, (code, name)) in form.procedures.iter().enumerate() {
        let number = format!("{}.", i + 1);
        flow.item(
            span(&number, VI),
            &[span(code, VI_BOLD), span(" – ", VI), span(name, VI)],
            6.0,
        );
    }

    heading(
        &mut flow,
        "4. Dữ liệu cá nhân được lưu",
        "Personal data kept",
    );
    both(
        &mut flow,
        "Chỉ để nộp và theo dõi các hồ sơ trên, tình nguyện viên lưu các dữ liệu sau của tôi, \
         mã hóa trên thiết bị và tách riêng với dữ liệu của người khác:",
        "Only to file and follow these dossiers, the volunteer keeps the following data of \
         mine, encrypted on the device and apart from anyone else's:",
    );
    for line in &form.data_kept {
        flow.item(span("•", VI), &[span(line, VI)], 6.0);
    }

    heading(&mut flow, "5. Thời gian lưu", "Retention");
    both(
        &mut flow,
        &format!(
            "Dữ liệu được lưu đến {} ngày sau khi hồ sơ cuối cùng của tôi kết thúc, \
             rồi tự động bị xóa.",
            grouped(u64::from(form.retention_days), '.')
        ),
        &format!(
            "The data is kept until {} days after my last dossier ends, then erased \
             automatically.",
            grouped(u64::from(form.retention_days), ',')
        ),
    );

    heading(&mut flow, "6. Quyền của tôi", "My rights");
    both(
        &mut flow,
        "Tôi có thể rút lại sự đồng ý này bất cứ lúc nào, chỉ cần báo cho tình nguyện viên \
         hoặc tổ. Khi đó dữ liệu của tôi bị xóa; hồ sơ đã nộp vẫn do cơ quan tiếp nhận \
         giải quyết.",
        "I may withdraw this consent at any time by telling the volunteer or the team. My \
         data is then erased; dossiers already filed stay with the receiving agency.",
    );
    flow.gap(6.0);
    flow.place(warning(&flow));

    flow.gap(10.0);
    flow.place(signatures(&flow, &form.volunteer));
    let mut pages = flow.finish();
    footers(fonts, &mut pages, &form.reference);
    pages
}

/// A section heading in both languages, kept with the lines after it.
fn heading(flow: &mut Flow, vi: &str, en: &str) {
    flow.gap(6.0);
    flow.keep(HEADING.line_height() + 2.0 * VI.line_height() + EN.line_height());
    flow.text(
        &[span(vi, HEADING), span(" / ", HEADING), span(en, EN_BOLD)],
        0.0,
        Align::Left,
    );
    flow.gap(2.0);
}

/// A paragraph in Vietnamese, then in English.
fn both(flow: &mut Flow, vi: &str, en: &str) {
    flow.text(&[span(vi, VI)], 0.0, Align::Left);
    flow.text(&[span(en, EN)], 0.0, Align::Left);
}

/// The warning about VNeID passwords and OTPs, boxed with a thick border.
fn warning<'f>(flow: &Flow<'f>) -> Block<'f> {
    let mut block = Block::new(flow.fonts());
    let (x, width, pad, border) = (flow.left(), flow.measure(), 7.0, 2.0);
    let inner = width - 2.0 * pad;
    let mut y = pad;
    y = block.text(
        &[span(
            "CẢNH GIÁC LỪA ĐẢO: Tình nguyện viên không bao giờ hỏi mật khẩu VNeID hay mã OTP \
             (mã xác thực một lần) của tôi. Không đưa các mã này cho bất kỳ ai, kể cả người \
             xưng là cán bộ: kẻ lừa đảo xin chúng để chiếm tài khoản.",
            WARNING,
        )],
        (x + pad, y),
        inner,
        Align::Left,
    );
    y = block.text(
        &[span(
            "BEWARE OF SCAMS: the volunteer never asks for my VNeID password or one-time code \
             (OTP). Give them to no one, even someone claiming to be an official: scammers ask \
             for them to take over accounts.",
            WARNING_EN,
        )],
        (x + pad, y + 2.0),
        inner,
        Align::Left,
    ) + pad;
    block.insert_first(Item::Rect {
        x,
        y: 0.0,
        w: width,
        h: y,
        gray: 235,
    });
    frame(&mut block, (x, 0.0, width, y), border);
    block
}

/// A rectangle's outline, `weight` thick, inside it.
fn frame(block: &mut Block, (x, y, w, h): (f32, f32, f32, f32), weight: f32) {
    for (rx, ry, rw, rh) in [
        (x, y, w, weight),
        (x, y + h - weight, w, weight),
        (x, y, weight, h),
        (x + w - weight, y, weight, h),
    ] {
        block.push(Item::Rect {
            x: rx,
            y: ry,
            w: rw,
            h: rh,
            gray: 0,
        });
    }
    block.grow(y + h);
}

/// "I have read and agree", the resident's name, ID number and the date
/// to fill in, then the two signatures side by side, the volunteer's name
/// printed under theirs.
fn signatures<'f>(flow: &Flow<'f>, volunteer: &str) -> Block<'f> {
    let mut block = Block::new(flow.fonts());
    let (left, width) = (flow.left(), flow.measure());
    let mut y = block.text(
        &[
            span("Tôi đã đọc, hiểu và đồng ý với nội dung trên. / ", VI_BOLD),
            span("I have read, understood and agree to the above.", EN),
        ],
        (left, 0.0),
        width,
        Align::Left,
    );
    y = blank(
        &mut block,
        (left, y + 8.0),
        width,
        "Họ và tên người đồng ý",
        "Resident's full name",
    );
    y = id_number(&mut block, (left, y + 8.0), width);
    y = blank(&mut block, (left, y + 8.0), width, "Ngày ký", "Date signed");

    let gutter = 24.0;
    let column = (width - gutter) / 2.0;
    let top = y + 10.0;
    for (x, vi, en, name) in [
        (left, "NGƯỜI ĐỒNG Ý", "Resident", None),
        (
            left + column + gutter,
            "TÌNH NGUYỆN VIÊN",
            "Volunteer",
            Some(volunteer),
        ),
    ] {
        let mut y = block.text(
            &[span(vi, VI_BOLD), span(" / ", VI_BOLD), span(en, EN_BOLD)],
            (x, top),
            column,
            Align::Center,
        );
        y = block.text(
            &[
                span("(ký, ghi rõ họ tên / ", SMALL),
                span("sign, name in full)", SMALL),
            ],
            (x, y),
            column,
            Align::Center,
        ) + 36.0;
        block.grow(y);
        if let Some(name) = name {
            block.text(&[span(name, VI_BOLD)], (x, y), column, Align::Center);
        }
    }
    block
}

/// "Personal ID number" and twelve boxes for its digits, after the label
/// when they fit there; their bottom.
fn id_number(block: &mut Block, (x, y): (f32, f32), width: f32) -> f32 {
    let spans = [
        span("Số định danh cá nhân / ", VI),
        span("Personal ID number", EN),
    ];
    let used = block.width(&spans) + 6.0;
    let side = 15.0;
    let bottom = block.text(&spans, (x, y), width, Align::Left);
    let (from, top) = if used + 12.0 * side <= width {
        (x + used, y - 2.0)
    } else {
        (x, bottom + 2.0)
    };
    for i in 0..12 {
        frame(block, (from + side * i as f32, top, side, side), 0.6);
    }
    bottom.max(top + side)
}

/// A label and a line to write on after it, on one line (the line under
/// the label when the label fills the column); where it ends.
fn blank(block: &mut Block, (x, y): (f32, f32), width: f32, vi: &str, en: &str) -> f32 {
    let label = format!("{vi} / ");
    let spans = [span(&label, VI), span(en, EN)];
    let used = block.width(&spans);
    let bottom = block.text(&spans, (x, y), width, Align::Left);
    let (from, baseline) = if used + 40.0 <= width {
        (x + used + 4.0, y + VI.size * 1.15)
    } else {
        (x, bottom + 14.0)
    };
    line(block, from, baseline, x + width - from).max(bottom)
}

/// A line to write on; its bottom.
fn line(block: &mut Block, x: f32, y: f32, width: f32) -> f32 {
    block.push(Item::Rect {
        x,
        y,
        w: width,
        h: 0.6,
        gray: 0,
    });
    block.grow(y + 0.6);
    y + 0.6
}

/// "Số phiếu / Form number R · Trang / Page i/n" at the foot of each page.
fn footers(fonts: &Fonts, pages: &mut [Page], reference: &str) {
    let count = pages.len();
    for (i, page) in pages.iter_mut().enumerate() {
        let text = format!(
            "Số phiếu / Form number {reference} · Trang / Page {}/{count}",
            i + 1
        );
        let mut block = Block::new(fonts);
        let y = page.height - MARGIN - 8.0;
        block.text(
            &[span(&text, SMALL)],
            (MARGIN, y),
            page.width - 2.0 * MARGIN,
            Align::Center,
        );
        page.items.extend(block.into_items());
    }
}
