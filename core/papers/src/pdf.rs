//! Pages as a PDF (krilla): each run's glyphs drawn in the embedded font,
//! which krilla subsets to the glyphs used and maps back to their text (so
//! the PDF's text can be searched and copied), rectangles and QR modules as
//! filled paths. The pages are drawn at `scale` inside pages of the given
//! size, centred across. No dates or random ids: the same paper gives the
//! same bytes.

use crate::error::PaperError;
use crate::font::Face;
use crate::scene::{Item, Page, Run, QR_QUIET};
use krilla::color::rgb;
use krilla::geom::{PathBuilder, Point, Rect, Transform};
use krilla::metadata::Metadata;
use krilla::num::NormalizedF32;
use krilla::page::PageSettings;
use krilla::paint::Fill;
use krilla::surface::Surface;
use krilla::text::{Font, GlyphId, KrillaGlyph};
use krilla::Document;

/// The document: `pages` drawn at `scale` on pages of `size` points.
pub(crate) fn write(
    pages: &[Page],
    size: (f32, f32),
    scale: f32,
    title: &str,
) -> Result<Vec<u8>, PaperError> {
    let font = |face: Face| {
        Font::new(face.bytes().into(), 0).ok_or_else(|| PaperError::Render("PDF font".into()))
    };
    let (regular, bold) = (font(Face::Regular)?, font(Face::Bold)?);
    let settings = PageSettings::from_wh(size.0, size.1)
        .ok_or_else(|| PaperError::Render("PDF page size".into()))?;
    let mut document = Document::new();
    document.set_metadata(
        Metadata::new()
            .title(title.to_string())
            .language("vi".to_string())
            .creator("hoso".to_string()),
    );
    for page in pages {
        let mut pdf_page = document.start_page_with(settings.clone());
        let mut surface = pdf_page.surface();
        let across = (size.0 - page.width * scale) / 2.0;
        surface.push_transform(&Transform::from_row(scale, 0.0, 0.0, scale, across, 0.0));
        for item in &page.items {
            match item {
                Item::Text(run) => {
                    let font = match run.face {
                        Face::Regular => regular.clone(),
                        Face::Bold => bold.clone(),
                    };
                    text(&mut surface, run, font);
                }
                Item::Rect { x, y, w, h, gray } => {
                    fill(&mut surface, *gray, &[(*x, *y, *w, *h)]);
                }
                Item::Qr { x, y, side, code } => {
                    let module = side / code.total() as f32;
                    let (ox, oy) = (x + module * QR_QUIET as f32, y + module * QR_QUIET as f32);
                    let squares: Vec<_> = code
                        .dark_runs()
                        .into_iter()
                        .map(|(row, col, len)| {
                            (
                                ox + col as f32 * module,
                                oy + row as f32 * module,
                                len as f32 * module,
                                module,
                            )
                        })
                        .collect();
                    fill(&mut surface, 0, &squares);
                }
            }
        }
        surface.pop();
        surface.finish();
        pdf_page.finish();
    }
    document
        .finish()
        .map_err(|e| PaperError::Render(format!("PDF: {e:?}")))
}

fn gray_fill(gray: u8) -> Fill {
    Fill {
        paint: rgb::Color::new(gray, gray, gray).into(),
        opacity: NormalizedF32::ONE,
        rule: Default::default(),
    }
}

fn text(surface: &mut Surface, run: &Run, font: Font) {
    let glyphs: Vec<KrillaGlyph> = run
        .glyphs
        .iter()
        .map(|g| {
            KrillaGlyph::new(
                GlyphId::new(u32::from(g.id)),
                g.advance,
                0.0,
                0.0,
                0.0,
                g.text.clone(),
                None,
            )
        })
        .collect();
    surface.set_fill(Some(gray_fill(run.gray)));
    surface.draw_glyphs(
        Point::from_xy(run.x, run.baseline),
        &glyphs,
        font,
        &run.text,
        run.size,
        false,
    );
}

/// Rectangles (x, y, width, height) filled as one path; empty or
/// degenerate ones are left out.
fn fill(surface: &mut Surface, gray: u8, rects: &[(f32, f32, f32, f32)]) {
    let mut builder = PathBuilder::new();
    for &(x, y, w, h) in rects {
        if let Some(rect) = Rect::from_xywh(x, y, w, h) {
            builder.push_rect(rect);
        }
    }
    if let Some(path) = builder.finish() {
        surface.set_fill(Some(gray_fill(gray)));
        surface.draw_path(&path);
    }
}
