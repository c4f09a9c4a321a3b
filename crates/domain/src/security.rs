//! The security policy the security administrator (安全管理员) keeps as data: password rules,
//! session lifetimes and login throttling. Its bounds keep a careless change from opening the
//! door (no 4-character passwords, no week-long sessions).

use serde::{Deserialize, Serialize};

use crate::error::{Errors, FieldError};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct SecurityPolicy {
    pub min_password_chars: u32,
    /// A new password may not be any of the account's last this many (the current included).
    pub password_history: u32,
    pub session_idle_minutes: u32,
    pub session_max_hours: u32,
    /// Failed logins to one account from one address before each try has to wait.
    pub free_failed_logins: u32,
    /// Years a household registered from now is kept before the job anonymises it.
    pub household_retention_years: u32,
}

impl Default for SecurityPolicy {
    fn default() -> Self {
        Self {
            min_password_chars: 12,
            password_history: 5,
            session_idle_minutes: 30,
            session_max_hours: 12,
            free_failed_logins: 5,
            household_retention_years: 5,
        }
    }
}

/// Each setting's field name, label and allowed range, for the form and its checks.
pub const BOUNDS: [(&str, &str, u32, u32); 6] = [
    ("min_password_chars", "密码最短长度（字符）", 8, 64),
    ("password_history", "不得重复使用最近几次的密码", 0, 24),
    ("session_idle_minutes", "无操作自动退出（分钟）", 5, 240),
    ("session_max_hours", "登录最长有效（小时）", 1, 24),
    ("free_failed_logins", "连续输错几次后开始延时", 3, 20),
    (
        "household_retention_years",
        "群众户信息保存年限（新登记的户）",
        1,
        30,
    ),
];

impl SecurityPolicy {
    pub fn get(&self, field: &str) -> Option<u32> {
        Some(match field {
            "min_password_chars" => self.min_password_chars,
            "password_history" => self.password_history,
            "session_idle_minutes" => self.session_idle_minutes,
            "session_max_hours" => self.session_max_hours,
            "free_failed_logins" => self.free_failed_logins,
            "household_retention_years" => self.household_retention_years,
            _ => return None,
        })
    }

    /// Every value outside its bounds, named by field.
    pub fn validate(&self) -> Result<(), Vec<FieldError>> {
        let mut errors = Errors::default();
        for (field, label, lo, hi) in BOUNDS {
            let v = self.get(field).unwrap_or_default();
            if !(lo..=hi).contains(&v) {
                errors.push(FieldError::new(
                    field,
                    "out_of_range",
                    format!("{label}应在 {lo}–{hi} 之间"),
                ));
            }
        }
        errors.into_result()
    }

    pub fn session_idle_ms(&self) -> i64 {
        i64::from(self.session_idle_minutes) * 60_000
    }

    pub fn session_max_ms(&self) -> i64 {
        i64::from(self.session_max_hours) * 3_600_000
    }

    /// The length rule; reuse is checked against the stored hashes by the service.
    pub fn check_password(&self, password: &str) -> Result<(), FieldError> {
        let n = password.chars().count();
        if n < self.min_password_chars as usize {
            return Err(FieldError::new(
                "password",
                "too_short",
                format!("密码至少 {} 个字符", self.min_password_chars),
            ));
        }
        if n > 256 {
            return Err(FieldError::new(
                "password",
                "too_long",
                "密码不能超过 256 个字符",
            ));
        }
        if password
            .chars()
            .all(|c| c == password.chars().next().unwrap_or(c))
        {
            return Err(FieldError::new(
                "password",
                "too_simple",
                "密码不能由同一个字符重复组成",
            ));
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_defaults_are_inside_their_bounds() {
        let p = SecurityPolicy::default();
        assert_eq!(p.validate(), Ok(()));
        assert_eq!(p.min_password_chars, 12);
        assert_eq!(p.password_history, 5);
        for (field, ..) in BOUNDS {
            assert!(p.get(field).is_some(), "{field}");
        }
    }

    #[test]
    fn values_outside_bounds_are_named() {
        let p = SecurityPolicy {
            min_password_chars: 4,
            session_max_hours: 240,
            ..Default::default()
        };
        let errors = p.validate().expect_err("refused");
        let fields: Vec<_> = errors.iter().map(|e| e.field).collect();
        assert_eq!(fields, ["min_password_chars", "session_max_hours"]);
        assert!(errors[0].message.contains("8–64"));
    }

    #[test]
    fn passwords_follow_the_length_rule() {
        let p = SecurityPolicy::default();
        assert_eq!(
            p.check_password("短密码").map_err(|e| e.code),
            Err("too_short")
        );
        assert_eq!(
            p.check_password("aaaaaaaaaaaaaaaa").map_err(|e| e.code),
            Err("too_simple")
        );
        assert!(
            p.check_password("党建云平台密码二〇二六").is_err(),
            "11 characters"
        );
        assert!(
            p.check_password("党建云平台密码二〇二六年").is_ok(),
            "12 characters"
        );
        assert_eq!(
            p.check_password(&"x1".repeat(200)).map_err(|e| e.code),
            Err("too_long")
        );
    }

    #[test]
    fn an_old_stored_policy_takes_defaults_for_new_settings() {
        let p: SecurityPolicy =
            serde_json::from_str(r#"{"min_password_chars": 14}"#).expect("json");
        assert_eq!(p.min_password_chars, 14);
        assert_eq!(p.password_history, 5);
    }
}
