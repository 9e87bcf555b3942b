//! The two embedded faces, Noto Sans Regular and Bold (SIL OFL 1.1, subset
//! to Latin and Vietnamese by `fonts/generate`): their bytes, the glyph for
//! each character with U+FFFD (�) drawn for any character the font lacks,
//! and advance widths. No shaping: Vietnamese is printed from precomposed
//! letters (text is NFC), so one character is one glyph.

use crate::error::PaperError;
use skrifa::charmap::Charmap;
use skrifa::instance::{LocationRef, Size};
use skrifa::metrics::GlyphMetrics;
use skrifa::outline::OutlineGlyphCollection;
use skrifa::{FontRef, GlyphId, MetadataProvider};

const REGULAR: &[u8] = include_bytes!("../fonts/NotoSans-Regular.subset.ttf");
const BOLD: &[u8] = include_bytes!("../fonts/NotoSans-Bold.subset.ttf");

/// What is drawn for a character the font lacks.
pub(crate) const REPLACEMENT: char = '\u{FFFD}';

/// Regular or bold.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum Face {
    Regular,
    Bold,
}

impl Face {
    /// The font file.
    pub(crate) fn bytes(self) -> &'static [u8] {
        match self {
            Face::Regular => REGULAR,
            Face::Bold => BOLD,
        }
    }
}

/// One character as drawn.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Glyph {
    pub(crate) id: u16,
    /// Advance width in em.
    pub(crate) advance: f32,
    /// The character it stands for: the one given, or U+FFFD.
    pub(crate) ch: char,
}

struct Loaded {
    font: FontRef<'static>,
    charmap: Charmap<'static>,
    metrics: GlyphMetrics<'static>,
    per_em: f32,
    replacement: GlyphId,
}

impl Loaded {
    fn new(face: Face) -> Result<Self, PaperError> {
        let broken = || PaperError::Render(format!("font {face:?}"));
        let font = FontRef::new(face.bytes()).map_err(|_| broken())?;
        let charmap = font.charmap();
        let replacement = charmap.map(REPLACEMENT).ok_or_else(broken)?;
        let per_em = f32::from(
            font.metrics(Size::unscaled(), LocationRef::default())
                .units_per_em,
        );
        if per_em <= 0.0 {
            return Err(broken());
        }
        Ok(Loaded {
            metrics: font.glyph_metrics(Size::unscaled(), LocationRef::default()),
            font,
            charmap,
            per_em,
            replacement,
        })
    }
}

/// Both faces, read once per paper (reading is a few table lookups).
pub(crate) struct Fonts {
    regular: Loaded,
    bold: Loaded,
}

impl Fonts {
    pub(crate) fn load() -> Result<Self, PaperError> {
        Ok(Fonts {
            regular: Loaded::new(Face::Regular)?,
            bold: Loaded::new(Face::Bold)?,
        })
    }

    fn face(&self, face: Face) -> &Loaded {
        match face {
            Face::Regular => &self.regular,
            Face::Bold => &self.bold,
        }
    }

    /// The glyph `c` is drawn with: its own, or U+FFFD's.
    pub(crate) fn glyph(&self, face: Face, c: char) -> Glyph {
        let f = self.face(face);
        let (id, ch) = match f.charmap.map(c) {
            // Glyph 0 is .notdef, an empty box: U+FFFD says more.
            Some(id) if id.to_u32() != 0 => (id, c),
            _ => (f.replacement, REPLACEMENT),
        };
        let units = f.metrics.advance_width(id).unwrap_or(0.0);
        Glyph {
            // The subset has a few hundred glyphs; ids always fit.
            id: u16::try_from(id.to_u32()).unwrap_or(0),
            advance: units / f.per_em,
            ch,
        }
    }

    /// The outlines, for the PNG.
    pub(crate) fn outlines(&self, face: Face) -> OutlineGlyphCollection<'static> {
        self.face(face).font.outline_glyphs()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_vietnamese_letter_has_its_own_glyph() {
        let fonts = Fonts::load().unwrap();
        let letters = "aàáảãạăằắẳẵặâầấẩẫậbcdđeèéẻẽẹêềếểễệghiìíỉĩịklmnoòóỏõọôồốổỗộơờớởỡợ\
                       pqrstuùúủũụưừứửữựvxyỳýỷỹỵ₫–—“”‘’…•";
        for face in [Face::Regular, Face::Bold] {
            for c in letters.chars().chain(letters.to_uppercase().chars()) {
                let g = fonts.glyph(face, c);
                assert_eq!(g.ch, c, "{c} in {face:?}");
                assert!(g.advance > 0.0, "{c}");
            }
        }
    }

    #[test]
    fn characters_outside_the_font_are_drawn_as_u_fffd() {
        let fonts = Fonts::load().unwrap();
        for c in ['中', '😀', 'ж', '\u{10FFFF}', '\u{E000}'] {
            let g = fonts.glyph(Face::Regular, c);
            assert_eq!(g.ch, REPLACEMENT);
            assert_eq!(g, fonts.glyph(Face::Regular, REPLACEMENT));
        }
    }
}
