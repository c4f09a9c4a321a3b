//! Text as people send it, made safe to keep and to show. Every text field that reaches the
//! platform is normalised to NFC (so that a name typed two ways is one name, and sorts and
//! matches as one) and refused when it holds characters that change what a reader sees
//! without being seen themselves: control characters other than line breaks and tabs,
//! bidirectional overrides and isolates (a name that reads backwards), zero-width characters
//! (two names that look alike but differ), and the replacement character that invalid UTF-8
//! leaves behind.

use std::borrow::Cow;

use unicode_normalization::{IsNormalized, UnicodeNormalization, is_nfc_quick};

use crate::FieldError;

/// A character that hides or reorders text, or marks bytes that were not text. The
/// zero-width joiner is judged by `screen`, which lets it join emoji.
pub fn is_hidden(c: char) -> bool {
    (c.is_control() && !matches!(c, '\n' | '\r' | '\t'))
        || matches!(
            c,
            '\u{061C}'
                | '\u{200B}'..='\u{200F}'
                | '\u{2028}'..='\u{202E}'
                | '\u{2060}'..='\u{2064}'
                | '\u{2066}'..='\u{2069}'
                | '\u{FEFF}'
                | '\u{FFFD}'
                | '\u{E0000}'..='\u{E007F}'
        )
}

/// A zero-width joiner is allowed where it joins emoji (🙋‍♂️: after a symbol, not a letter),
/// never between letters, where it makes two names that look alike differ.
fn hides(prev: Option<char>, c: char) -> bool {
    if c == '\u{200D}' {
        return prev.is_none_or(char::is_alphanumeric);
    }
    is_hidden(c)
}

/// The text in NFC, or `None` when it holds a hidden character (see [`is_hidden`]).
pub fn screen(s: &str) -> Option<Cow<'_, str>> {
    let mut prev = None;
    for c in s.chars() {
        if hides(prev, c) {
            return None;
        }
        prev = Some(c);
    }
    Some(match is_nfc_quick(s.chars()) {
        IsNormalized::Yes => Cow::Borrowed(s),
        _ => Cow::Owned(s.nfc().collect()),
    })
}

/// What a refused field is told, in the words of the form.
pub fn hidden_message(label: &str) -> String {
    format!("{label}含有不可见的控制字符、方向控制符或零宽字符，请删除后重新填写")
}

/// A reason given for seeing or exporting personal data, as the audit log keeps it: 4 to 200
/// characters once trimmed, none of them hidden; `message` says what it is for.
pub fn reason(s: &str, message: &str) -> Result<String, FieldError> {
    let r = screen(s.trim())
        .filter(|r| !r.contains(['\n', '\r', '\t']))
        .ok_or_else(|| FieldError::new("reason", "invalid_character", hidden_message("事由")))?;
    if (4..=200).contains(&r.chars().count()) {
        Ok(r.into_owned())
    } else {
        Err(FieldError::new("reason", "reason_required", message))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plain_text_passes_unchanged_and_line_breaks_are_kept() {
        assert!(matches!(screen("张三"), Some(Cow::Borrowed("张三"))));
        assert_eq!(
            screen("第一行\n第二行\t完").as_deref(),
            Some("第一行\n第二行\t完")
        );
    }

    #[test]
    fn emoji_joined_by_zero_width_joiners_pass_but_joined_letters_do_not() {
        assert!(screen("谢谢🙋\u{200D}\u{2642}\u{FE0F}").is_some());
        assert!(screen("张\u{200D}三").is_none());
        assert!(screen("\u{200D}张三").is_none());
        assert!(screen("事由\u{2028}第二行").is_none(), "a line separator");
        assert!(screen("标签\u{E0041}").is_none(), "tag characters");
    }

    #[test]
    fn text_is_normalised_to_nfc() {
        // "é" as e + combining acute becomes the one character.
        assert_eq!(screen("Jose\u{301}").as_deref(), Some("Jos\u{e9}"));
    }

    #[test]
    fn a_reason_is_four_to_two_hundred_visible_characters() {
        let why = "请填写事由（4–200 字）";
        assert_eq!(
            reason("  核对档案信息  ", why).ok().as_deref(),
            Some("核对档案信息")
        );
        assert_eq!(
            reason("核对", why).map_err(|e| e.code),
            Err("reason_required")
        );
        assert_eq!(
            reason(&"字".repeat(201), why).map_err(|e| e.code),
            Err("reason_required")
        );
        assert_eq!(
            reason("\u{0}\u{0}\u{0}\u{0}\u{0}", why).map_err(|e| e.code),
            Err("invalid_character"),
            "NUL bytes are no reason"
        );
        assert_eq!(
            reason("核对\n档案", why).map_err(|e| e.code),
            Err("invalid_character")
        );
    }

    #[test]
    fn characters_that_hide_or_reorder_text_are_refused() {
        for bad in [
            "abc\u{202E}fed",     // right-to-left override
            "张\u{200B}三",       // zero-width space
            "张\u{200D}三",       // zero-width joiner
            "\u{FEFF}张三",       // byte order mark
            "事由\u{0}\u{0}",     // NUL
            "a\u{2066}b\u{2069}", // isolates
            "\u{FFFD}\u{FFFD}",   // what invalid UTF-8 decodes to
            "\u{7}bell",
        ] {
            assert!(screen(bad).is_none(), "{bad:?}");
        }
    }
}
