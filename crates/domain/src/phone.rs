//! Mainland mobile numbers: `1[3-9]` and nine more digits, optionally written with `+86`.

use crate::FieldError;

/// Returns the 11-digit form of a mobile number, or a Chinese error.
pub fn parse_mobile(input: &str) -> Result<String, FieldError> {
    let compact: String = input
        .trim()
        .chars()
        .filter(|c| !matches!(c, ' ' | '-'))
        .collect();
    if compact.is_empty() {
        return Err(FieldError::new("phone", "required", "请填写手机号码"));
    }
    let digits = compact
        .strip_prefix("+86")
        .or_else(|| compact.strip_prefix("0086"))
        .unwrap_or(&compact);
    let b = digits.as_bytes();
    let ok = b.len() == 11
        && b.iter().all(u8::is_ascii_digit)
        && b[0] == b'1'
        && (b'3'..=b'9').contains(&b[1]);
    if ok {
        Ok(digits.to_string())
    } else {
        Err(FieldError::new(
            "phone",
            "invalid_phone",
            "手机号码应为 11 位，以 13–19 开头",
        ))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn accepts_common_forms() {
        assert_eq!(parse_mobile("13800138000").unwrap(), "13800138000");
        assert_eq!(parse_mobile("+86 138-0013-8000").unwrap(), "13800138000");
        assert_eq!(parse_mobile("008619912345678").unwrap(), "19912345678");
    }

    #[test]
    fn rejects_others() {
        for bad in [
            "12800138000",
            "1380013800",
            "138001380001",
            "023-72222222",
            "1380013800a",
        ] {
            assert_eq!(
                parse_mobile(bad).unwrap_err().code,
                "invalid_phone",
                "{bad}"
            );
        }
        assert_eq!(parse_mobile(" ").unwrap_err().code, "required");
    }
}
