//! Citizen ID numbers (GB 11643-1999): address code, birth date, sequence, ISO 7064 MOD 11-2 check.

use serde::{Deserialize, Serialize};
use time::{Date, Month};

use crate::FieldError;

const WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
const CHECK_CHARS: [char; 11] = ['1', '0', 'X', '9', '8', '7', '6', '5', '4', '3', '2'];

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Hash)]
#[serde(rename_all = "snake_case")]
pub enum Gender {
    Male,
    Female,
}

impl Gender {
    pub const ALL: [Gender; 2] = [Gender::Male, Gender::Female];

    pub fn as_str(self) -> &'static str {
        match self {
            Gender::Male => "male",
            Gender::Female => "female",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Gender::Male => "男",
            Gender::Female => "女",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        match s.trim() {
            "male" | "男" => Some(Gender::Male),
            "female" | "女" => Some(Gender::Female),
            _ => None,
        }
    }
}

/// A checked 18-character citizen ID number, upper-case `X` as the check character.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct IdNumber {
    text: String,
    birth_date: Date,
    gender: Gender,
}

/// The check character for the first 17 digits.
pub fn check_char(first17: &[u8; 17]) -> char {
    let sum: u32 = first17
        .iter()
        .zip(WEIGHTS)
        .map(|(d, w)| u32::from(d - b'0') * w)
        .sum();
    CHECK_CHARS[(sum % 11) as usize]
}

fn err(code: &'static str, message: &str) -> FieldError {
    FieldError::new("id_number", code, message)
}

impl IdNumber {
    /// Parses and checks an ID number as a person typed it: surrounding spaces are ignored,
    /// full-width digits and a lower-case `x` are accepted.
    pub fn parse(input: &str, today: Date) -> Result<Self, FieldError> {
        let text: String = input
            .trim()
            .chars()
            .map(|c| match c {
                '０'..='９' => char::from(b'0' + (c as u32 - '０' as u32) as u8),
                'x' | 'ｘ' | 'Ｘ' => 'X',
                other => other,
            })
            .collect();
        if text.is_empty() {
            return Err(err("required", "请填写身份证号码"));
        }
        let bytes = text.as_bytes();
        if bytes.len() != 18 {
            return Err(err("invalid_length", "身份证号码应为 18 位"));
        }
        let mut first17 = [0u8; 17];
        for (slot, &b) in first17.iter_mut().zip(&bytes[..17]) {
            if !b.is_ascii_digit() {
                return Err(err("invalid_character", "身份证号码前 17 位只能是数字"));
            }
            *slot = b;
        }
        let last = bytes[17] as char;
        if !(last.is_ascii_digit() || last == 'X') {
            return Err(err("invalid_character", "身份证号码最后一位只能是数字或 X"));
        }
        if check_char(&first17) != last {
            return Err(err("bad_check_digit", "身份证号码校验位不正确，请核对"));
        }
        let num = |r: std::ops::Range<usize>| -> u32 {
            first17[r]
                .iter()
                .fold(0, |acc, d| acc * 10 + u32::from(d - b'0'))
        };
        let birth_date = Month::try_from(num(10..12) as u8)
            .ok()
            .and_then(|m| Date::from_calendar_date(num(6..10) as i32, m, num(12..14) as u8).ok())
            .ok_or_else(|| err("bad_birth_date", "身份证号码中的出生日期无效"))?;
        if birth_date > today || birth_date.year() < 1900 {
            return Err(err("bad_birth_date", "身份证号码中的出生日期无效"));
        }
        let gender = if num(16..17) % 2 == 1 {
            Gender::Male
        } else {
            Gender::Female
        };
        Ok(Self {
            text,
            birth_date,
            gender,
        })
    }

    /// Builds a valid number from its parts; used by the demo generator.
    pub fn compose(area: &str, birth_date: Date, sequence: u16) -> Option<Self> {
        if area.len() != 6 || !area.bytes().all(|b| b.is_ascii_digit()) || sequence > 999 {
            return None;
        }
        let body = format!(
            "{area}{:04}{:02}{:02}{sequence:03}",
            birth_date.year(),
            birth_date.month() as u8,
            birth_date.day()
        );
        let first17: [u8; 17] = body.as_bytes().try_into().ok()?;
        let text = format!("{body}{}", check_char(&first17));
        let gender = if sequence % 2 == 1 {
            Gender::Male
        } else {
            Gender::Female
        };
        Some(Self {
            text,
            birth_date,
            gender,
        })
    }

    pub fn as_str(&self) -> &str {
        &self.text
    }

    pub fn birth_date(&self) -> Date {
        self.birth_date
    }

    pub fn gender(&self) -> Gender {
        self.gender
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use time::macros::date;

    const TODAY: Date = date!(2026 - 11 - 26);

    #[test]
    fn domain_example_checks() {
        let id = IdNumber::parse("500102198503170013", TODAY).unwrap();
        assert_eq!(id.birth_date(), date!(1985 - 03 - 17));
        assert_eq!(id.gender(), Gender::Male);
    }

    #[test]
    fn wrong_check_digit_is_named() {
        let e = IdNumber::parse("500102198503170012", TODAY).unwrap_err();
        assert_eq!(e.code, "bad_check_digit");
        assert!(e.message.contains("校验"));
    }

    #[test]
    fn typing_variants_are_normalised() {
        let x = IdNumber::compose("110105", date!(1949 - 10 - 01), 2).unwrap();
        let typed = format!(" {} ", x.as_str().to_lowercase());
        assert_eq!(IdNumber::parse(&typed, TODAY).unwrap().as_str(), x.as_str());
        let full_width: String = "５００１０２１９８５０３１７００１３".into();
        assert!(IdNumber::parse(&full_width, TODAY).is_ok());
    }

    #[test]
    fn impossible_or_future_birth_dates_fail() {
        // 1985-02-30 with a correct check digit still fails on the date.
        let body = b"50010219850230001";
        let text = format!("{}{}", std::str::from_utf8(body).unwrap(), check_char(body));
        assert_eq!(
            IdNumber::parse(&text, TODAY).unwrap_err().code,
            "bad_birth_date"
        );
        let future = IdNumber::compose("500102", date!(2030 - 01 - 01), 11).unwrap();
        assert_eq!(
            IdNumber::parse(future.as_str(), TODAY).unwrap_err().code,
            "bad_birth_date"
        );
    }

    #[test]
    fn length_and_characters() {
        assert_eq!(
            IdNumber::parse("50010219850317001", TODAY)
                .unwrap_err()
                .code,
            "invalid_length"
        );
        assert_eq!(
            IdNumber::parse("5001021985031700A3", TODAY)
                .unwrap_err()
                .code,
            "invalid_character"
        );
        assert_eq!(IdNumber::parse("", TODAY).unwrap_err().code, "required");
    }

    proptest! {
        #[test]
        fn composed_numbers_round_trip(days in 0i32..40_000, seq in 0u16..1000) {
            let birth = date!(1910 - 01 - 01) + time::Duration::days(days.into());
            prop_assume!(birth <= TODAY);
            let id = IdNumber::compose("500102", birth, seq).unwrap();
            let back = IdNumber::parse(id.as_str(), TODAY).unwrap();
            prop_assert_eq!(back.birth_date(), birth);
            prop_assert_eq!(back.gender() == Gender::Male, seq % 2 == 1);
        }

        #[test]
        fn any_single_digit_change_is_caught(days in 0i32..30_000, seq in 0u16..1000, pos in 0usize..17, delta in 1u8..10) {
            let birth = date!(1930 - 01 - 01) + time::Duration::days(days.into());
            let id = IdNumber::compose("500102", birth, seq).unwrap();
            let mut bytes = id.as_str().as_bytes().to_vec();
            bytes[pos] = b'0' + (bytes[pos] - b'0' + delta) % 10;
            let changed = String::from_utf8(bytes).unwrap();
            prop_assert!(IdNumber::parse(&changed, TODAY).is_err());
        }

        #[test]
        fn parse_never_panics(s in "\\PC{0,30}") {
            let _ = IdNumber::parse(&s, TODAY);
        }
    }
}
