//! The unified social credit code (统一社会信用代码, GB 32100-2015) of an enterprise or a
//! social organization: 18 characters drawn from 31 (the digits and the capitals without
//! I, O, S, V and Z), the last a check character over the first 17.

use crate::FieldError;

const ALPHABET: &[u8; 31] = b"0123456789ABCDEFGHJKLMNPQRTUWXY";
const WEIGHTS: [usize; 17] = [
    1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28,
];

/// A checked code, upper-case, half-width.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CreditCode(String);

fn err(code: &'static str, message: impl Into<String>) -> FieldError {
    FieldError::new("credit_code", code, message)
}

/// The check character of the first 17 characters, or `None` when one is not in the
/// alphabet.
pub fn check_character(first17: &[u8]) -> Option<char> {
    let mut sum = 0;
    for (b, w) in first17.iter().zip(WEIGHTS) {
        sum += ALPHABET.iter().position(|a| a == b)? * w;
    }
    let r = (31 - sum % 31) % 31;
    Some(char::from(ALPHABET[r]))
}

impl CreditCode {
    /// Parses a code as a person typed it: spaces around and inside are ignored, full-width
    /// characters and lower case are accepted.
    pub fn parse(input: &str) -> Result<Self, FieldError> {
        let text: String = input
            .chars()
            .filter(|c| !c.is_whitespace())
            .map(|c| match c {
                '０'..='９' | 'Ａ'..='Ｚ' | 'ａ'..='ｚ' => {
                    char::from_u32(c as u32 - 0xFEE0).unwrap_or(c)
                }
                other => other,
            })
            .map(|c| c.to_ascii_uppercase())
            .collect();
        if text.is_empty() {
            return Err(err("required", "请填写统一社会信用代码"));
        }
        let n = text.chars().count();
        if n != 18 {
            return Err(err(
                "invalid_length",
                format!("统一社会信用代码应为 18 位，现为 {n} 位"),
            ));
        }
        if let Some((i, c)) = text
            .chars()
            .enumerate()
            .find(|(_, c)| !c.is_ascii() || !ALPHABET.contains(&(*c as u8)))
        {
            return Err(err(
                "invalid_character",
                format!(
                    "统一社会信用代码第 {} 位“{c}”无效（不使用 I、O、S、V、Z）",
                    i + 1
                ),
            ));
        }
        let bytes = text.as_bytes();
        if check_character(&bytes[..17]) != Some(char::from(bytes[17])) {
            return Err(err(
                "bad_check_character",
                "统一社会信用代码校验位不正确，请核对",
            ));
        }
        Ok(Self(text))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The 6-digit administrative division it was registered in (Fuling: 500102).
    pub fn division(&self) -> &str {
        &self.0[2..8]
    }

    /// Builds a valid code from its first 17 characters; the demo's generator.
    pub fn compose(first17: &str) -> Option<Self> {
        let c = check_character(first17.as_bytes())?;
        (first17.len() == 17).then(|| Self(format!("{first17}{c}")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn real_codes_pass() {
        for code in ["914403001922038216", "91110000600037341L"] {
            assert_eq!(CreditCode::parse(code).map(|c| c.0), Ok(code.to_string()));
        }
    }

    #[test]
    fn typing_slips_are_forgiven() {
        let c = CreditCode::parse(" ９１１１０００ 0600037341ｌ ")
            .expect("full-width, spaces, lower case");
        assert_eq!(c.as_str(), "91110000600037341L");
        assert_eq!(c.division(), "110000");
    }

    #[test]
    fn a_wrong_check_character_is_named() {
        let e = CreditCode::parse("91110000600037341M").expect_err("wrong check");
        assert_eq!((e.field, e.code), ("credit_code", "bad_check_character"));
        // Every other last character is refused too.
        let wrong = ALPHABET
            .iter()
            .filter(|b| **b != b'L')
            .filter(|b| {
                let mut s = b"91110000600037341".to_vec();
                s.push(**b);
                CreditCode::parse(&String::from_utf8_lossy(&s)).is_ok()
            })
            .count();
        assert_eq!(wrong, 0);
    }

    #[test]
    fn length_and_alphabet_are_checked() {
        assert_eq!(
            CreditCode::parse("9111000060003734").map_err(|e| e.code),
            Err("invalid_length")
        );
        let e = CreditCode::parse("9111000060003734IL").expect_err("I is not used");
        assert_eq!(e.code, "invalid_character");
        assert!(e.message.contains("第 17 位"), "{}", e.message);
        assert_eq!(CreditCode::parse("  ").map_err(|e| e.code), Err("required"));
    }

    #[test]
    fn composed_codes_parse() {
        let c = CreditCode::compose("91500102MA5U3X2K2").expect("compose");
        assert_eq!(c.as_str(), "91500102MA5U3X2K2W");
        assert_eq!(CreditCode::parse(c.as_str()), Ok(c));
        assert_eq!(CreditCode::compose("short"), None);
    }
}
