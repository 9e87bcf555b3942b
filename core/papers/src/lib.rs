//! hoso-papers: the printable papers of assisted filing
//! (docs/assisted-filing.md, "Printable papers"), rendered from plain data
//! the caller fills in:
//!
//! - the **consent form** (tờ đồng ý) a resident signs before a volunteer
//!   files for them: Vietnamese and English, A4 PDF, paginated;
//! - the **handover sheet** (phiếu bàn giao) the resident keeps: plain
//!   Vietnamese, PDF on A5 (or A4, the same page scaled up) and a PNG 1,080
//!   pixels wide to send by chat, with the receipt's QR code.
//!
//! Text is set in the embedded Noto Sans (SIL OFL 1.1, `fonts/`), laid out
//! once (`layout`, into a `scene`) and drawn by the PDF writer (krilla, the
//! font embedded and subset) and the PNG writer alike. Every input is
//! bounded ([`limits`]) and checked before layout; nothing here panics on
//! any input, and a paper is either made whole or refused with a
//! [`PaperError`]. Characters the font lacks print as U+FFFD (�);
//! control and invisible format characters are dropped.
//!
//! Nothing of hoso is used but the error classification (`hoso-store`).

mod check;
mod consent;
mod error;
mod font;
mod handover;
mod layout;
pub mod limits;
mod model;
mod numbers;
pub use numbers::grouped;
mod pdf;
mod png;
mod qr;
mod scene;

pub use error::{Field, PaperError};
pub use model::{ConsentForm, FeePayment, HandoverSheet, PageSize, Person, Procedure, Team};

/// The handover PNG's width in pixels (its height is the A5 page's,
/// 1,532 pixels, unless the content needs more).
pub const HANDOVER_PNG_WIDTH: u32 = 1_080;

/// The consent form as an A4 PDF.
pub fn consent_form_pdf(form: &ConsentForm) -> Result<Vec<u8>, PaperError> {
    let form = consent::check(form)?;
    let fonts = font::Fonts::load()?;
    let pages = consent::layout(&fonts, &form);
    pdf::write(
        &pages,
        PageSize::A4.points(),
        1.0,
        "Tờ đồng ý / Consent form",
    )
}

/// The handover sheet as a PDF on `size` paper (A4 prints the A5 sheet
/// scaled up, for larger type).
pub fn handover_pdf(sheet: &HandoverSheet, size: PageSize) -> Result<Vec<u8>, PaperError> {
    let sheet = handover::check(sheet)?;
    let fonts = font::Fonts::load()?;
    let pages = handover::layout(&fonts, &sheet, true);
    let (a5, paper) = (PageSize::A5.points(), size.points());
    let scale = (paper.0 / a5.0).min(paper.1 / a5.1);
    pdf::write(&pages, paper, scale, "Phiếu bàn giao hồ sơ")
}

/// The handover sheet as a PNG [`HANDOVER_PNG_WIDTH`] pixels wide.
pub fn handover_png(sheet: &HandoverSheet) -> Result<Vec<u8>, PaperError> {
    let sheet = handover::check(sheet)?;
    let fonts = font::Fonts::load()?;
    let pages = handover::layout(&fonts, &sheet, false);
    let Some(page) = pages.first() else {
        return Err(PaperError::Render("PNG: no page".into()));
    };
    png::write(&fonts, page, HANDOVER_PNG_WIDTH)
}
