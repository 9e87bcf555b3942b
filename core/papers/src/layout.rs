//! Text set into lines and lines onto pages: spans of different styles in
//! one paragraph, word wrapping (a word wider than the line, a long code or
//! link, is broken after a slash or hyphen or else between characters,
//! never before a combining mark), alignment, numbered and bulleted items,
//! page breaks (or one page that grows, for the PNG), and blocks placed
//! whole (columns side by side, boxed text).

use crate::font::{Face, Fonts, Glyph};
use crate::scene::{Item, Page, Run, RunGlyph};

/// Line height, as a multiple of the largest size on the line.
const LEADING: f32 = 1.32;
/// The baseline's depth below the line's top, in em.
const ASCENT: f32 = 1.0;

/// How a span is drawn.
#[derive(Debug, Clone, Copy, PartialEq)]
pub(crate) struct Style {
    pub(crate) size: f32,
    pub(crate) face: Face,
    /// 0 black … 255 white.
    pub(crate) gray: u8,
}

impl Style {
    pub(crate) const fn new(size: f32, face: Face, gray: u8) -> Self {
        Style { size, face, gray }
    }

    /// The height of one line of this style.
    pub(crate) fn line_height(self) -> f32 {
        self.size * LEADING
    }
}

/// Text in one style.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Span<'a> {
    pub(crate) text: &'a str,
    pub(crate) style: Style,
}

pub(crate) fn span(text: &str, style: Style) -> Span<'_> {
    Span { text, style }
}

/// Where a line sits between its column's edges.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Align {
    Left,
    Center,
}

/// A character of a paragraph, measured.
struct Piece {
    glyph: Glyph,
    span: usize,
    width: f32,
    space: bool,
}

/// Pieces `start..end` of a paragraph, spaces at both ends trimmed.
struct Line {
    start: usize,
    end: usize,
    width: f32,
    size: f32,
}

fn pieces(fonts: &Fonts, spans: &[Span]) -> Vec<Piece> {
    let mut out = Vec::new();
    for (i, s) in spans.iter().enumerate() {
        for c in s.text.chars() {
            let glyph = fonts.glyph(s.style.face, c);
            out.push(Piece {
                width: glyph.advance * s.style.size,
                glyph,
                span: i,
                space: c == ' ',
            });
        }
    }
    out
}

fn skip_spaces(p: &[Piece], mut i: usize) -> usize {
    while p.get(i).is_some_and(|x| x.space) {
        i += 1;
    }
    i
}

/// Greedy line breaking at the last space that fits; in a word wider than
/// `max` (a long code or link), after its last slash, else its last
/// hyphen, else between characters. Every line holds at least one
/// character, so this ends.
fn break_lines(p: &[Piece], spans: &[Span], max: f32) -> Vec<Line> {
    let mut lines = Vec::new();
    let mut start = skip_spaces(p, 0);
    while start < p.len() {
        let mut width = 0.0;
        let mut end = start;
        let mut space_break = None;
        let mut slash_break = None;
        let mut hyphen_break = None;
        while let Some(piece) = p.get(end) {
            if piece.space {
                space_break = Some((end, end + 1));
            } else if end > start && piece.width > 0.0 && width + piece.width > max {
                // A combining mark (no advance) never starts a line.
                break;
            } else if piece.glyph.ch == '/' {
                slash_break = Some((end + 1, end + 1));
            } else if piece.glyph.ch == '-' {
                hyphen_break = Some((end + 1, end + 1));
            }
            width += piece.width;
            end += 1;
        }
        let (mut line_end, next) = if end >= p.len() {
            (p.len(), p.len())
        } else {
            [space_break, slash_break, hyphen_break]
                .into_iter()
                .flatten()
                .find(|&(at, _)| at > start)
                .unwrap_or((end, end))
        };
        while line_end > start && p.get(line_end - 1).is_some_and(|x| x.space) {
            line_end -= 1;
        }
        let line = p.get(start..line_end).unwrap_or_default();
        let size = line
            .iter()
            .filter_map(|x| spans.get(x.span))
            .map(|s| s.style.size)
            .fold(0.0, f32::max);
        lines.push(Line {
            start,
            end: line_end,
            width: line.iter().map(|x| x.width).sum(),
            size,
        });
        start = skip_spaces(p, next);
    }
    lines
}

/// The runs of one line, its pieces grouped by span.
fn runs(p: &[Piece], spans: &[Span], line: &Line, x: f32, baseline: f32) -> Vec<Item> {
    let mut items = Vec::new();
    let mut pen = x;
    let pieces = p.get(line.start..line.end).unwrap_or_default();
    for group in pieces.chunk_by(|a, b| a.span == b.span) {
        let Some(style) = group
            .first()
            .and_then(|f| spans.get(f.span))
            .map(|s| s.style)
        else {
            continue;
        };
        let mut run = Run {
            x: pen,
            baseline,
            size: style.size,
            face: style.face,
            gray: style.gray,
            text: String::new(),
            glyphs: Vec::with_capacity(group.len()),
        };
        for piece in group {
            let from = run.text.len();
            run.text.push(piece.glyph.ch);
            run.glyphs.push(RunGlyph {
                id: piece.glyph.id,
                advance: piece.glyph.advance,
                text: from..run.text.len(),
            });
            pen += piece.width;
        }
        items.push(Item::Text(run));
    }
    items
}

fn line_x(line: &Line, x: f32, width: f32, align: Align) -> f32 {
    match align {
        Align::Left => x,
        Align::Center => x + ((width - line.width) / 2.0).max(0.0),
    }
}

/// A paper being laid out, from the top of its first page down.
pub(crate) struct Flow<'f> {
    fonts: &'f Fonts,
    width: f32,
    height: f32,
    margin: f32,
    /// Where text stops on a page (room kept for a footer).
    bottom: f32,
    paginate: bool,
    done: Vec<Page>,
    page: Page,
    y: f32,
}

impl<'f> Flow<'f> {
    /// Pages of `size` with `margin` on every side and `footer` more at the
    /// bottom. Without `paginate`, one page that grows as long as its
    /// content (at least `size`).
    pub(crate) fn new(
        fonts: &'f Fonts,
        (width, height): (f32, f32),
        margin: f32,
        footer: f32,
        paginate: bool,
    ) -> Self {
        Flow {
            fonts,
            width,
            height,
            margin,
            bottom: height - margin - footer,
            paginate,
            done: Vec::new(),
            page: Page {
                width,
                height,
                items: Vec::new(),
            },
            y: margin,
        }
    }

    pub(crate) fn fonts(&self) -> &'f Fonts {
        self.fonts
    }

    /// The left edge of the text.
    pub(crate) fn left(&self) -> f32 {
        self.margin
    }

    /// The width of the text.
    pub(crate) fn measure(&self) -> f32 {
        self.width - 2.0 * self.margin
    }

    pub(crate) fn y(&self) -> f32 {
        self.y
    }

    fn new_page(&mut self) {
        let page = std::mem::replace(
            &mut self.page,
            Page {
                width: self.width,
                height: self.height,
                items: Vec::new(),
            },
        );
        self.done.push(page);
        self.y = self.margin;
    }

    /// Starts a new page unless `height` more fits on this one (or this
    /// one is still empty).
    pub(crate) fn keep(&mut self, height: f32) {
        if self.paginate && self.y + height > self.bottom && !self.page.items.is_empty() {
            self.new_page();
        }
    }

    /// Moves down.
    pub(crate) fn gap(&mut self, height: f32) {
        self.y += height;
    }

    pub(crate) fn push(&mut self, item: Item) {
        self.page.items.push(item);
    }

    /// A paragraph across the text's width, less `indent` on the left.
    pub(crate) fn text(&mut self, spans: &[Span], indent: f32, align: Align) {
        let x = self.left() + indent;
        let width = self.measure() - indent;
        let p = pieces(self.fonts, spans);
        for line in break_lines(&p, spans, width) {
            self.line(&p, spans, &line, line_x(&line, x, width, align));
        }
    }

    /// A paragraph after `marker` (a bullet or a number) at `indent`, its
    /// lines indented past the marker.
    pub(crate) fn item(&mut self, marker: Span, spans: &[Span], indent: f32) {
        let hang = marker.style.size * 1.4;
        let x = self.left() + indent + hang;
        let width = self.measure() - indent - hang;
        let left = self.left() + indent;
        let p = pieces(self.fonts, spans);
        let mut marker = Some(marker);
        for line in break_lines(&p, spans, width) {
            self.keep(line.size * LEADING);
            // The marker first, so the text reads in order.
            if let Some(marker) = marker.take() {
                let m = pieces(self.fonts, &[marker]);
                let whole = Line {
                    start: 0,
                    end: m.len(),
                    width: 0.0,
                    size: marker.style.size,
                };
                let baseline = self.y + line.size * ASCENT;
                let items = runs(&m, &[marker], &whole, left, baseline);
                self.page.items.extend(items);
            }
            self.line(&p, spans, &line, x);
        }
    }

    /// Places one line (on a new page if it does not fit).
    fn line(&mut self, p: &[Piece], spans: &[Span], line: &Line, x: f32) {
        let height = line.size * LEADING;
        self.keep(height);
        let items = runs(p, spans, line, x, self.y + line.size * ASCENT);
        self.page.items.extend(items);
        self.y += height;
    }

    /// A block at the current position (on a new page unless it fits).
    pub(crate) fn place(&mut self, block: Block) {
        self.keep(block.height);
        let (dy, height) = (self.y, block.height);
        self.page
            .items
            .extend(block.into_items().into_iter().map(|item| item.moved(dy)));
        self.y += height;
    }

    /// The pages. Without pagination, the one page as tall as its content
    /// and the bottom margin.
    pub(crate) fn finish(mut self) -> Vec<Page> {
        if !self.paginate {
            self.page.height = self.height.max(self.y + self.margin);
        }
        self.done.push(self.page);
        self.done
    }
}

/// Items placed freely (columns side by side, a box around text), from
/// y = 0 down, then put on a page whole by [`Flow::place`]; x is from the
/// page's left edge.
pub(crate) struct Block<'f> {
    fonts: &'f Fonts,
    items: Vec<Item>,
    /// The lowest point drawn.
    pub(crate) height: f32,
}

impl<'f> Block<'f> {
    pub(crate) fn new(fonts: &'f Fonts) -> Self {
        Block {
            fonts,
            items: Vec::new(),
            height: 0.0,
        }
    }

    /// A paragraph in the column `x..x + width` from `y` down; where it ends.
    pub(crate) fn text(
        &mut self,
        spans: &[Span],
        (x, y): (f32, f32),
        width: f32,
        align: Align,
    ) -> f32 {
        let p = pieces(self.fonts, spans);
        let mut top = y;
        for line in break_lines(&p, spans, width) {
            let baseline = top + line.size * ASCENT;
            let items = runs(&p, spans, &line, line_x(&line, x, width, align), baseline);
            self.items.extend(items);
            top += line.size * LEADING;
        }
        self.grow(top);
        top
    }

    pub(crate) fn push(&mut self, item: Item) {
        self.items.push(item);
    }

    /// The width of `spans` on one line.
    pub(crate) fn width(&self, spans: &[Span]) -> f32 {
        pieces(self.fonts, spans).iter().map(|p| p.width).sum()
    }

    /// Makes the block at least `bottom` tall.
    pub(crate) fn grow(&mut self, bottom: f32) {
        self.height = self.height.max(bottom);
    }

    /// Draws `item` under everything placed so far (a box's fill).
    pub(crate) fn insert_first(&mut self, item: Item) {
        self.items.insert(0, item);
    }

    pub(crate) fn into_items(self) -> Vec<Item> {
        self.items
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const BODY: Style = Style::new(10.0, Face::Regular, 0);

    fn lines(text: &str, width: f32) -> Vec<String> {
        let fonts = Fonts::load().unwrap();
        let spans = [span(text, BODY)];
        let p = pieces(&fonts, &spans);
        break_lines(&p, &spans, width)
            .iter()
            .map(|l| p[l.start..l.end].iter().map(|x| x.glyph.ch).collect())
            .collect()
    }

    #[test]
    fn wraps_at_spaces_and_inside_overlong_words() {
        let text =
            "Đăng ký khai sinh, đăng ký thường trú, cấp thẻ bảo hiểm y tế cho trẻ em dưới 6 tuổi";
        let got = lines(text, 120.0);
        assert!(got.len() > 2, "{got:?}");
        assert_eq!(got.join(" "), text);
        assert!(got.iter().all(|l| !l.starts_with(' ') && !l.ends_with(' ')));
        // A link without spaces is broken after a slash, nothing lost; a
        // word without one, between characters.
        let url = "https://dichvucong.gov.vn/tra-cuu/".repeat(3);
        let got = lines(&url, 100.0);
        assert!(got.len() > 2, "{got:?}");
        assert!(
            got[..got.len() - 1].iter().all(|l| l.ends_with('/')),
            "{got:?}"
        );
        assert_eq!(got.concat(), url);
        let word = "Xãhội".repeat(20);
        let got = lines(&word, 50.0);
        assert!(got.len() > 5);
        assert_eq!(got.concat(), word);
        // Nothing, or only spaces: no line.
        assert!(lines("", 100.0).is_empty());
        assert!(lines("   ", 100.0).is_empty());
        // A column narrower than one letter still takes one per line.
        assert_eq!(lines("abc", 0.5), ["a", "b", "c"]);
    }

    #[test]
    fn a_combining_mark_stays_with_its_letter() {
        // "q" has no precomposed form with a dot below: the mark stays.
        let got = lines("q\u{323}q\u{323}q\u{323}q\u{323}", 6.0);
        assert!(got.iter().all(|l| l.starts_with('q')), "{got:?}");
    }

    #[test]
    fn pages_break_and_a_single_page_grows() {
        let fonts = Fonts::load().unwrap();
        let text = "một hai ba bốn năm sáu bảy tám chín mười ".repeat(200);
        let mut paged = Flow::new(&fonts, (300.0, 300.0), 20.0, 10.0, true);
        paged.text(&[span(&text, BODY)], 0.0, Align::Left);
        let pages = paged.finish();
        assert!(pages.len() > 3);
        for page in &pages {
            assert_eq!(page.height, 300.0);
            for item in &page.items {
                if let Item::Text(run) = item {
                    assert!(run.baseline < 300.0 - 20.0 - 10.0 + 1.0);
                }
            }
        }
        let mut tall = Flow::new(&fonts, (300.0, 300.0), 20.0, 10.0, false);
        tall.text(&[span(&text, BODY)], 0.0, Align::Left);
        let pages = tall.finish();
        assert_eq!(pages.len(), 1);
        assert!(pages[0].height > 1000.0);
    }
}
