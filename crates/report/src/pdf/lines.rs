//! Breaking text into lines by character, as Chinese is set: any two characters may part,
//! except that a closing mark never starts a line and an opening mark never ends one (禁则),
//! and a run of Latin letters and digits stays whole.

/// Marks that may not start a line: they close or follow what comes before.
const NO_START: &str = "，。、；：？！）】》」』〉〕〗”’…—·%‰℃,.;:?!)]}>";
/// Marks that may not end a line: they open what comes after.
const NO_END: &str = "（【《「『〈〔〖“‘([{<";

fn no_start(ch: char) -> bool {
    NO_START.contains(ch)
}

fn no_end(ch: char) -> bool {
    NO_END.contains(ch)
}

/// Pieces that are never parted: a run of ASCII letters and digits (with `.` `-` `/` `:`
/// inside), a space, or one character.
fn tokens(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let mut start = None;
    for (i, ch) in text.char_indices() {
        let word = ch.is_ascii_alphanumeric()
            || (start.is_some() && matches!(ch, '.' | '-' | '/' | ':' | '_'));
        match (word, start) {
            (true, None) => start = Some(i),
            (true, Some(_)) => {}
            (false, Some(s)) => {
                out.push(&text[s..i]);
                start = None;
                out.push(&text[i..i + ch.len_utf8()]);
            }
            (false, None) => out.push(&text[i..i + ch.len_utf8()]),
        }
    }
    if let Some(s) = start {
        out.push(&text[s..]);
    }
    out
}

/// Lines of `text` no wider than `width` (in the units of `advance`, which gives each
/// character's width), a new line at each `\n`. A piece wider than a line on its own is cut
/// where it must be.
pub fn break_lines(text: &str, width: f32, advance: impl Fn(char) -> f32) -> Vec<String> {
    let w = |t: &str| t.chars().map(&advance).sum::<f32>();
    let mut out = Vec::new();
    for para in text.split('\n') {
        let mut line: Vec<String> = Vec::new();
        let mut used = 0.0f32;
        for tok in tokens(para) {
            if line.is_empty() && tok == " " {
                continue;
            }
            let tw = w(tok);
            if used + tw <= width {
                line.push(tok.to_string());
                used += tw;
                continue;
            }
            if line.is_empty() {
                // One piece wider than the line: cut it by character, and go on after it.
                let mut part = String::new();
                let mut pw = 0.0;
                for ch in tok.chars() {
                    if pw + advance(ch) > width && !part.is_empty() {
                        out.push(std::mem::take(&mut part));
                        pw = 0.0;
                    }
                    part.push(ch);
                    pw += advance(ch);
                }
                used = pw;
                line.push(part);
                continue;
            }
            // `tok` starts the next line. A closing mark may not: the last piece goes down
            // with it. An opening mark may not end this line: it goes down too.
            let mut carry: Vec<String> = Vec::new();
            if tok.chars().next().is_some_and(no_start) && line.len() > 1 {
                carry.extend(line.pop());
            }
            while line.len() > 1
                && line
                    .last()
                    .and_then(|t| t.chars().last())
                    .is_some_and(no_end)
            {
                carry.extend(line.pop());
            }
            carry.reverse();
            out.push(line.concat().trim_end().to_string());
            line = carry;
            line.push(tok.to_string());
            used = line.iter().map(|t| w(t)).sum();
        }
        out.push(line.concat().trim_end().to_string());
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every character one unit wide, Latin half.
    fn unit(ch: char) -> f32 {
        if ch.is_ascii() { 0.5 } else { 1.0 }
    }

    #[test]
    fn chinese_breaks_anywhere_within_the_width() {
        let lines = break_lines("中国共产党党员必须履行义务", 5.0, unit);
        assert_eq!(lines, ["中国共产党", "党员必须履", "行义务"]);
    }

    #[test]
    fn a_closing_mark_never_starts_a_line() {
        let lines = break_lines("学习党章党规，遵守纪律。", 6.0, unit);
        assert_eq!(lines, ["学习党章党", "规，遵守纪", "律。"]);
        for l in &lines {
            assert!(!l.starts_with(no_start), "{lines:?}");
        }
    }

    #[test]
    fn an_opening_mark_never_ends_a_line() {
        let lines = break_lines("会议学习《中国共产党章程》", 5.0, unit);
        assert_eq!(lines[0], "会议学习");
        assert!(lines[1].starts_with('《'), "{lines:?}");
    }

    #[test]
    fn latin_runs_stay_whole_and_new_lines_are_kept() {
        let lines = break_lines("编号ABC-2026-01号\n第二段", 7.0, unit);
        assert_eq!(lines, ["编号", "ABC-2026-01号", "第二段"]);
    }

    #[test]
    fn a_piece_wider_than_the_line_is_cut() {
        let lines = break_lines("ABCDEFGHIJ党", 2.0, unit);
        assert_eq!(lines, ["ABCD", "EFGH", "IJ党"]);
    }
}
