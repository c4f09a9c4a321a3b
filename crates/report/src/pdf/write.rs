//! Laid-out pages written as PDF: text as glyphs of the embedded font (a subset, with the
//! characters they stand for, so that it can be selected and searched), rules and boxes as
//! paths.

use krilla::Document;
use krilla::color::rgb;
use krilla::geom::{PathBuilder, Point, Rect};
use krilla::page::PageSettings;
use krilla::paint::{Fill, Stroke};
use krilla::surface::Surface;
use krilla::text::{GlyphId, KrillaGlyph};

use super::font::FACE;
use super::layout::{Doc, Mark};

fn text(s: &mut Surface, x: f32, y: f32, size: f32, text: &str) {
    let glyphs: Vec<KrillaGlyph> = text
        .char_indices()
        .map(|(i, ch)| {
            let (gid, advance) = FACE.glyph(ch);
            KrillaGlyph::new(
                GlyphId::new(gid),
                advance,
                0.0,
                0.0,
                0.0,
                i..i + ch.len_utf8(),
                None,
            )
        })
        .collect();
    s.set_stroke(None);
    s.set_fill(Some(Fill::default()));
    s.draw_glyphs(
        Point::from_xy(x, y),
        &glyphs,
        FACE.font.clone(),
        text,
        size,
        false,
    );
}

fn line(s: &mut Surface, (x1, y1): (f32, f32), (x2, y2): (f32, f32)) {
    let mut pb = PathBuilder::new();
    pb.move_to(x1, y1);
    pb.line_to(x2, y2);
    if let Some(path) = pb.finish() {
        s.set_fill(None);
        s.set_stroke(Some(Stroke {
            width: 0.5,
            ..Default::default()
        }));
        s.draw_path(&path);
    }
}

fn fill(s: &mut Surface, r: Option<Rect>, grey: u8) {
    let mut pb = PathBuilder::new();
    if let Some(r) = r {
        pb.push_rect(r);
    }
    if let Some(path) = pb.finish() {
        s.set_stroke(None);
        s.set_fill(Some(Fill {
            paint: rgb::Color::new(grey, grey, grey).into(),
            ..Default::default()
        }));
        s.draw_path(&path);
    }
}

/// The document as PDF bytes.
pub fn pdf(doc: &Doc) -> Result<Vec<u8>, String> {
    let mut out = Document::new();
    for marks in doc.finished_pages() {
        let size = PageSettings::from_wh(doc.size.0, doc.size.1).ok_or("A4")?;
        let mut page = out.start_page_with(size);
        let mut s = page.surface();
        for m in &marks {
            match m {
                Mark::Text {
                    x,
                    y,
                    size,
                    text: t,
                } => text(&mut s, *x, *y, *size, t),
                Mark::Line { x1, y1, x2, y2 } => line(&mut s, (*x1, *y1), (*x2, *y2)),
                Mark::Fill { x, y, w, h, grey } => {
                    fill(&mut s, Rect::from_xywh(*x, *y, w.max(0.1), *h), *grey)
                }
            }
        }
        s.finish();
        page.finish();
    }
    out.finish().map_err(|e| format!("PDF: {e:?}"))
}

#[cfg(test)]
mod tests {
    use super::super::layout::Column;
    use super::*;

    #[test]
    fn a_document_is_a_pdf_with_its_font_embedded() {
        let mut d = Doc::new("第三党支部", "三会一课记录本", "2026-12-08");
        d.heading("三会一课记录本", 22.0);
        d.paragraph("会议学习《中国共产党章程》。");
        d.table(
            &[
                Column {
                    title: "项目",
                    share: 1.0,
                },
                Column {
                    title: "内容",
                    share: 4.0,
                },
            ],
            &[vec!["日期".into(), "2026-12-10".into()]],
        );
        d.bars(&[("发展对象".into(), 3)]);
        let bytes = pdf(&d).expect("pdf");
        assert!(bytes.starts_with(b"%PDF-"));
        let text = String::from_utf8_lossy(&bytes);
        assert!(text.contains("/FontFile3"), "the font is embedded");
        assert!(text.contains("/ToUnicode"), "its text can be selected");
        assert!(text.contains("/Count 1"), "one page");
        assert!(
            bytes.len() < 200_000,
            "a subset, not the whole font: {}",
            bytes.len()
        );
    }
}
