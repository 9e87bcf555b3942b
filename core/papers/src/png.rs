//! A page as a PNG (grey, for sending by chat): glyph outlines from the
//! embedded font (`skrifa`) filled with anti-aliasing by
//! `ab_glyph_rasterizer`, rectangles snapped to pixels, the QR code drawn
//! with a whole number of pixels per module so it scans crisply; encoded by
//! `image`.

use crate::error::PaperError;
use crate::font::Fonts;
use crate::scene::{Item, Page, QrMatrix, Run, QR_QUIET};
use ab_glyph_rasterizer::{point, Point, Rasterizer};
use image::codecs::png::{CompressionType, FilterType, PngEncoder};
use image::{ExtendedColorType, GrayImage, ImageEncoder, Luma};
use skrifa::instance::{LocationRef, Size};
use skrifa::outline::{DrawSettings, OutlinePen};
use skrifa::GlyphId;

/// The tallest picture drawn (a sheet within the input bounds is far
/// shorter); a guard against a layout gone wrong, not a limit met in use.
const HEIGHT_MAX: u32 = 16_000;

/// `page` drawn `width` pixels wide.
pub(crate) fn write(fonts: &Fonts, page: &Page, width: u32) -> Result<Vec<u8>, PaperError> {
    let scale = width as f32 / page.width;
    let height = (page.height * scale).round();
    if !(1.0..=HEIGHT_MAX as f32).contains(&height) {
        return Err(PaperError::Render(format!("PNG height {height}")));
    }
    let mut canvas = GrayImage::from_pixel(width, height as u32, Luma([255]));
    for item in &page.items {
        match item {
            Item::Text(run) => text(&mut canvas, fonts, run, scale),
            Item::Rect { x, y, w, h, gray } => {
                rect(&mut canvas, (*x, *y, *w, *h), scale, *gray);
            }
            Item::Qr { x, y, side, code } => qr(&mut canvas, code, (*x, *y, *side), scale),
        }
    }
    let mut out = Vec::new();
    PngEncoder::new_with_quality(&mut out, CompressionType::Default, FilterType::Adaptive)
        .write_image(
            canvas.as_raw(),
            canvas.width(),
            canvas.height(),
            ExtendedColorType::L8,
        )
        .map_err(|e| PaperError::Render(format!("PNG: {e}")))?;
    Ok(out)
}

/// Blends `gray` over a pixel at `coverage` (0–1); outside the canvas,
/// nothing.
fn blend(canvas: &mut GrayImage, x: i64, y: i64, gray: u8, coverage: f32) {
    let (Ok(x), Ok(y)) = (u32::try_from(x), u32::try_from(y)) else {
        return;
    };
    if let Some(pixel) = canvas.get_pixel_mut_checked(x, y) {
        let a = coverage.clamp(0.0, 1.0);
        let old = f32::from(pixel.0[0]);
        pixel.0[0] = (old + (f32::from(gray) - old) * a).round() as u8;
    }
}

/// A filled rectangle in points, its edges snapped to pixels (at least one
/// pixel across, so hairlines show).
fn rect(canvas: &mut GrayImage, (x, y, w, h): (f32, f32, f32, f32), scale: f32, gray: u8) {
    let x0 = (x * scale).round() as i64;
    let y0 = (y * scale).round() as i64;
    let x1 = ((x + w) * scale).round().max(x0 as f32 + 1.0) as i64;
    let y1 = ((y + h) * scale).round().max(y0 as f32 + 1.0) as i64;
    let (cw, ch) = (i64::from(canvas.width()), i64::from(canvas.height()));
    for py in y0.max(0)..y1.min(ch) {
        for px in x0.max(0)..x1.min(cw) {
            blend(canvas, px, py, gray, 1.0);
        }
    }
}

/// The code in whole pixels per module, centred in its square.
fn qr(canvas: &mut GrayImage, code: &QrMatrix, (x, y, side): (f32, f32, f32), scale: f32) {
    let total = code.total() as f32;
    let module = ((side * scale) / total).floor().max(1.0);
    let inset = ((side * scale - module * total) / 2.0).max(0.0);
    let ox = (x * scale + inset).round() + module * QR_QUIET as f32;
    let oy = (y * scale + inset).round() + module * QR_QUIET as f32;
    for (row, col, len) in code.dark_runs() {
        let left = ox + col as f32 * module;
        let top = oy + row as f32 * module;
        rect(canvas, (left, top, len as f32 * module, module), 1.0, 0);
    }
}

/// The outline of one glyph in pixels, as segments.
#[derive(Default)]
struct Outline {
    origin: (f32, f32),
    start: Point,
    last: Point,
    segments: Vec<Segment>,
}

enum Segment {
    Line(Point, Point),
    Quad(Point, Point, Point),
    Cubic(Point, Point, Point, Point),
}

impl Outline {
    /// Font coordinates (y up, from the pen position) to canvas pixels.
    fn at(&self, x: f32, y: f32) -> Point {
        point(self.origin.0 + x, self.origin.1 - y)
    }
}

impl OutlinePen for Outline {
    fn move_to(&mut self, x: f32, y: f32) {
        self.close();
        self.start = self.at(x, y);
        self.last = self.start;
    }

    fn line_to(&mut self, x: f32, y: f32) {
        let p = self.at(x, y);
        self.segments.push(Segment::Line(self.last, p));
        self.last = p;
    }

    fn quad_to(&mut self, cx0: f32, cy0: f32, x: f32, y: f32) {
        let (c, p) = (self.at(cx0, cy0), self.at(x, y));
        self.segments.push(Segment::Quad(self.last, c, p));
        self.last = p;
    }

    fn curve_to(&mut self, cx0: f32, cy0: f32, cx1: f32, cy1: f32, x: f32, y: f32) {
        let (c0, c1, p) = (self.at(cx0, cy0), self.at(cx1, cy1), self.at(x, y));
        self.segments.push(Segment::Cubic(self.last, c0, c1, p));
        self.last = p;
    }

    fn close(&mut self) {
        if self.last != self.start {
            self.segments.push(Segment::Line(self.last, self.start));
            self.last = self.start;
        }
    }
}

fn text(canvas: &mut GrayImage, fonts: &Fonts, run: &Run, scale: f32) {
    let outlines = fonts.outlines(run.face);
    let px = run.size * scale;
    let settings = || DrawSettings::unhinted(Size::new(px), LocationRef::default());
    let mut pen_x = run.x * scale;
    let baseline = run.baseline * scale;
    for glyph in &run.glyphs {
        if let Some(outline_glyph) = outlines.get(GlyphId::new(u32::from(glyph.id))) {
            let mut outline = Outline {
                origin: (pen_x, baseline),
                ..Outline::default()
            };
            if outline_glyph.draw(settings(), &mut outline).is_ok() {
                outline.close();
                fill(canvas, &outline.segments, run.gray);
            }
        }
        pen_x += glyph.advance * px;
    }
}

/// Rasterises segments within their bounding box and blends them in.
fn fill(canvas: &mut GrayImage, segments: &[Segment], gray: u8) {
    let (mut x0, mut y0, mut x1, mut y1) = (f32::MAX, f32::MAX, f32::MIN, f32::MIN);
    let mut grow = |p: &Point| {
        x0 = x0.min(p.x);
        y0 = y0.min(p.y);
        x1 = x1.max(p.x);
        y1 = y1.max(p.y);
    };
    // Curves stay within their control points.
    for s in segments {
        match s {
            Segment::Line(a, b) => [a, b].into_iter().for_each(&mut grow),
            Segment::Quad(a, b, c) => [a, b, c].into_iter().for_each(&mut grow),
            Segment::Cubic(a, b, c, d) => [a, b, c, d].into_iter().for_each(&mut grow),
        }
    }
    if !(x0.is_finite() && y0.is_finite() && x1.is_finite() && y1.is_finite()) {
        return;
    }
    let (left, top) = (x0.floor(), y0.floor());
    let (w, h) = (
        (x1.ceil() - left) as usize + 1,
        (y1.ceil() - top) as usize + 1,
    );
    // A glyph is at most a few hundred pixels across; anything larger is
    // not one.
    if w > 4_096 || h > 4_096 {
        return;
    }
    let shift = |p: &Point| point(p.x - left, p.y - top);
    let mut raster = Rasterizer::new(w, h);
    for s in segments {
        match s {
            Segment::Line(a, b) => raster.draw_line(shift(a), shift(b)),
            Segment::Quad(a, b, c) => raster.draw_quad(shift(a), shift(b), shift(c)),
            Segment::Cubic(a, b, c, d) => {
                raster.draw_cubic(shift(a), shift(b), shift(c), shift(d));
            }
        }
    }
    raster.for_each_pixel_2d(|x, y, coverage| {
        if coverage > 0.0 {
            blend(
                canvas,
                left as i64 + i64::from(x),
                top as i64 + i64::from(y),
                gray,
                coverage,
            );
        }
    });
}
