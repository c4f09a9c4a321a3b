//! 民主评议党员: the yearly review of each member, decided by the branch general meeting.

use serde::{Deserialize, Serialize};

use crate::FieldError;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Grade {
    Excellent,
    Qualified,
    BasicallyQualified,
    Unqualified,
}

impl Grade {
    pub const ALL: [Grade; 4] = [
        Grade::Excellent,
        Grade::Qualified,
        Grade::BasicallyQualified,
        Grade::Unqualified,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Grade::Excellent => "excellent",
            Grade::Qualified => "qualified",
            Grade::BasicallyQualified => "basically_qualified",
            Grade::Unqualified => "unqualified",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Grade::Excellent => "优秀",
            Grade::Qualified => "合格",
            Grade::BasicallyQualified => "基本合格",
            Grade::Unqualified => "不合格",
        }
    }

    pub fn parse(s: &str) -> Option<Grade> {
        let s = s.trim();
        Self::ALL
            .into_iter()
            .find(|g| g.as_str() == s || g.label() == s)
    }
}

/// The share of a branch that may be graded 优秀: one third by default.
#[derive(Debug, Clone, Copy)]
pub struct ExcellentCap {
    pub numerator: i64,
    pub denominator: i64,
}

impl Default for ExcellentCap {
    fn default() -> Self {
        ExcellentCap {
            numerator: 1,
            denominator: 3,
        }
    }
}

impl ExcellentCap {
    /// The most members of a branch of `members` that may be graded 优秀.
    pub fn max(&self, members: i64) -> i64 {
        members * self.numerator / self.denominator
    }

    pub fn check(&self, excellent: i64, members: i64) -> Result<(), FieldError> {
        let max = self.max(members);
        if excellent <= max {
            Ok(())
        } else {
            Err(FieldError::new(
                "grades",
                "excellent_cap",
                format!(
                    "评为“优秀”的不能超过本支部党员的三分之一：本支部 {members} 人，最多 {max} 人，现为 {excellent} 人"
                ),
            ))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn one_third_cap_edges() {
        let cap = ExcellentCap::default();
        assert_eq!(cap.max(9), 3);
        assert_eq!(cap.max(10), 3);
        assert_eq!(cap.max(2), 0);
        assert!(cap.check(3, 9).is_ok());
        let e = cap.check(4, 9).unwrap_err();
        assert_eq!(e.code, "excellent_cap");
        assert!(e.message.contains("三分之一") && e.message.contains("最多 3 人"));
        assert!(cap.check(4, 12).is_ok());
        assert!(cap.check(1, 2).is_err());
    }

    #[test]
    fn grades_round_trip() {
        for g in Grade::ALL {
            assert_eq!(Grade::parse(g.as_str()), Some(g));
            assert_eq!(Grade::parse(g.label()), Some(g));
        }
        assert_eq!(Grade::parse("良好"), None);
    }
}
