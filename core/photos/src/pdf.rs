//! Pages as a PDF (pdf-writer): one A4 page per photo, turned to it,
//! holding its JPEG as it is (DCTDecode, nothing re-compressed), fitted
//! and centred. No document information, no XMP, no dates: the PDF says
//! nothing but the pictures.

use crate::page::Page;
use pdf_writer::{Content, Filter, Finish, Name, Pdf, Rect, Ref};

/// A4 in points.
const A4_PT: (f32, f32) = (595.276, 841.89);

/// The pages as one PDF.
pub(crate) fn write(pages: &[Page]) -> Vec<u8> {
    let catalog = Ref::new(1);
    let tree = Ref::new(2);
    let ids = |i: usize| {
        let base = 3 + 3 * i32::try_from(i).unwrap_or(i32::MAX / 4);
        (Ref::new(base), Ref::new(base + 1), Ref::new(base + 2))
    };
    let mut pdf = Pdf::new();
    pdf.catalog(catalog).pages(tree);
    pdf.pages(tree)
        .kids((0..pages.len()).map(|i| ids(i).0))
        .count(i32::try_from(pages.len()).unwrap_or(i32::MAX));
    let image_name = Name(b"Im0");
    for (i, page) in pages.iter().enumerate() {
        let (page_id, content_id, image_id) = ids(i);
        let (pw, ph) = if page.width > page.height {
            (A4_PT.1, A4_PT.0)
        } else {
            A4_PT
        };
        let (iw, ih) = (page.width as f32, page.height as f32);
        let scale = (pw / iw).min(ph / ih);
        let (dw, dh) = (iw * scale, ih * scale);
        let mut p = pdf.page(page_id);
        p.media_box(Rect::new(0.0, 0.0, pw, ph));
        p.parent(tree);
        p.contents(content_id);
        p.resources().x_objects().pair(image_name, image_id);
        p.finish();

        let mut image = pdf.image_xobject(image_id, &page.jpeg);
        image.filter(Filter::DctDecode);
        image.width(i32::try_from(page.width).unwrap_or(i32::MAX));
        image.height(i32::try_from(page.height).unwrap_or(i32::MAX));
        if page.gray {
            image.color_space().device_gray();
        } else {
            image.color_space().device_rgb();
        }
        image.bits_per_component(8);
        image.finish();

        let mut content = Content::new();
        content.save_state();
        content.transform([dw, 0.0, 0.0, dh, (pw - dw) / 2.0, (ph - dh) / 2.0]);
        content.x_object(image_name);
        content.restore_state();
        pdf.stream(content_id, &content.finish());
    }
    pdf.finish()
}
