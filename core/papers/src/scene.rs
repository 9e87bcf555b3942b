//! A paper once laid out: pages of positioned text runs, filled rectangles
//! and QR codes, in points from the page's top-left corner. The PDF and the
//! PNG writers draw exactly this, so both show the same lines.

use crate::font::Face;
use std::ops::Range;

/// One page.
#[derive(Debug, Clone)]
pub(crate) struct Page {
    pub(crate) width: f32,
    pub(crate) height: f32,
    pub(crate) items: Vec<Item>,
}

/// Something drawn on a page.
#[derive(Debug, Clone)]
pub(crate) enum Item {
    Text(Run),
    /// A filled rectangle; `gray` 0 is black, 255 white.
    Rect {
        x: f32,
        y: f32,
        w: f32,
        h: f32,
        gray: u8,
    },
    /// A QR code in a `side`-point square, quiet zone included.
    Qr {
        x: f32,
        y: f32,
        side: f32,
        code: QrMatrix,
    },
}

impl Item {
    /// The item `dy` lower.
    pub(crate) fn moved(mut self, dy: f32) -> Item {
        match &mut self {
            Item::Text(run) => run.baseline += dy,
            Item::Rect { y, .. } | Item::Qr { y, .. } => *y += dy,
        }
        self
    }
}

/// Glyphs of one face, size and colour on one baseline.
#[derive(Debug, Clone)]
pub(crate) struct Run {
    pub(crate) x: f32,
    pub(crate) baseline: f32,
    pub(crate) size: f32,
    pub(crate) face: Face,
    pub(crate) gray: u8,
    /// The text the glyphs stand for (what a PDF reader extracts).
    pub(crate) text: String,
    pub(crate) glyphs: Vec<RunGlyph>,
}

/// A glyph of a run.
#[derive(Debug, Clone)]
pub(crate) struct RunGlyph {
    pub(crate) id: u16,
    /// Advance in em.
    pub(crate) advance: f32,
    /// The bytes of the run's text it stands for.
    pub(crate) text: Range<usize>,
}

/// A QR code's modules, row by row, without the quiet zone.
#[derive(Debug, Clone)]
pub(crate) struct QrMatrix {
    pub(crate) width: usize,
    pub(crate) dark: Vec<bool>,
}

/// Light modules around the code, on each side.
pub(crate) const QR_QUIET: usize = 4;

impl QrMatrix {
    /// Modules per side, quiet zone included.
    pub(crate) fn total(&self) -> usize {
        self.width + 2 * QR_QUIET
    }

    /// Horizontal runs of dark modules: (row, first column, length), in
    /// modules from the code's corner (quiet zone excluded).
    pub(crate) fn dark_runs(&self) -> Vec<(usize, usize, usize)> {
        let mut runs = Vec::new();
        for (row, line) in self.dark.chunks(self.width.max(1)).enumerate() {
            let mut col = 0;
            while col < line.len() {
                if line[col] {
                    let start = col;
                    while col < line.len() && line[col] {
                        col += 1;
                    }
                    runs.push((row, start, col - start));
                } else {
                    col += 1;
                }
            }
        }
        runs
    }
}
