//! The one font every PDF embeds: Noto Sans CJK SC Regular, subset to Latin, punctuation and
//! the CJK unified ideographs (`scripts/make-font`), compiled into the binary so that nothing
//! is fetched at build or run time. Each PDF embeds only the glyphs it uses.

use std::collections::HashMap;
use std::sync::LazyLock;

use skrifa::instance::{LocationRef, Size};
use skrifa::raw::TableProvider;
use skrifa::{FontRef, GlyphId, MetadataProvider};

static BYTES: &[u8] = include_bytes!("../../assets/NotoSansSC-Regular-subset.otf");

pub(super) struct Face {
    pub font: krilla::text::Font,
    /// Each character's glyph and advance in ems.
    glyphs: HashMap<char, (u32, f32)>,
    /// The empty box, for a character the font lacks.
    missing: (u32, f32),
}

/// Read once; the bytes are the binary's own, so a failure is a build that cannot work.
pub(super) static FACE: LazyLock<Face> = LazyLock::new(|| {
    let font = krilla::text::Font::new(BYTES.into(), 0).expect("the embedded font loads");
    let r = FontRef::new(BYTES).expect("the embedded font parses");
    let upem = f32::from(r.head().map_or(1000, |h| h.units_per_em()));
    let metrics = r.glyph_metrics(Size::unscaled(), LocationRef::default());
    let em = |gid: GlyphId| metrics.advance_width(gid).unwrap_or(upem) / upem;
    let glyphs = r
        .charmap()
        .mappings()
        .filter_map(|(cp, gid)| Some((char::from_u32(cp)?, (gid.to_u32(), em(gid)))))
        .collect();
    Face {
        font,
        glyphs,
        missing: (0, em(GlyphId::NOTDEF)),
    }
});

impl Face {
    pub fn glyph(&self, ch: char) -> (u32, f32) {
        self.glyphs.get(&ch).copied().unwrap_or(self.missing)
    }

    pub fn advance(&self, ch: char) -> f32 {
        self.glyph(ch).1
    }
}

/// Whether every character of a text has a glyph in the embedded font (one that has none
/// prints as an empty box).
pub fn printable(text: &str) -> bool {
    text.chars()
        .all(|c| c.is_whitespace() || FACE.glyph(c).0 != 0)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_font_has_chinese_latin_and_full_width_punctuation() {
        for ch in ['党', '堃', '喆', 'A', '7', '，', '。', '“', '（', '《'] {
            assert_ne!(FACE.glyph(ch).0, 0, "{ch}");
        }
        assert!(
            (FACE.advance('党') - 1.0).abs() < 0.01,
            "ideographs are one em"
        );
        assert!(FACE.advance('a') < 0.7, "Latin is narrower");
        assert!(printable("党费收缴 +12.00 元，-3 个百分点 — 持平"));
        assert!(!printable("−"), "U+2212 is not in the subset");
    }
}
