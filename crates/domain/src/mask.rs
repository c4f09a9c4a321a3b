//! Masked display of personal identifiers: enough to recognise, not enough to misuse.

/// Keeps the first `head` and last `tail` characters and stars the rest.
fn mask(text: &str, head: usize, tail: usize) -> String {
    let chars: Vec<char> = text.chars().collect();
    if chars.len() <= head + tail {
        return "*".repeat(chars.len());
    }
    let mut out: String = chars[..head].iter().collect();
    out.push_str(&"*".repeat(chars.len() - head - tail));
    out.extend(&chars[chars.len() - tail..]);
    out
}

/// `500102198503170013` → `5001**********0013`.
pub fn id_number(text: &str) -> String {
    mask(text, 4, 4)
}

/// `13800138000` → `138****8000`.
pub fn phone(text: &str) -> String {
    mask(text, 3, 4)
}

#[cfg(test)]
mod tests {
    #[test]
    fn masks_like_the_spec() {
        assert_eq!(super::id_number("500102198503170013"), "5001**********0013");
        assert_eq!(super::phone("13800138000"), "138****8000");
        assert_eq!(super::phone("123"), "***");
    }
}
