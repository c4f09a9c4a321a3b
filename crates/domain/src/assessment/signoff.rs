//! Sign-off (验收销号) of a weak organization's rectification: the acceptance score must reach
//! the pass mark, and a democratic vote in which more than half of those present are
//! dissatisfied fails it whatever the score. No sign-off while an item of the plan is open.

use serde::{Deserialize, Serialize};

use crate::FieldError;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct SignOffRules {
    /// The lowest acceptance score that passes (default 70 of 100).
    pub pass_score: i64,
    /// Years the organization is followed after sign-off (default 1).
    pub follow_years: i32,
}

impl Default for SignOffRules {
    fn default() -> Self {
        SignOffRules {
            pass_score: 70,
            follow_years: 1,
        }
    }
}

/// The democratic vote at acceptance: how many were present and how each voted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Vote {
    pub present: i64,
    pub satisfied: i64,
    pub basically_satisfied: i64,
    pub dissatisfied: i64,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    Passed,
    /// Why not, in Chinese: the organization gets a new deadline.
    Failed(String),
}

impl SignOffRules {
    /// The verdict of an acceptance, once the input is sound.
    pub fn verdict(
        &self,
        score: i64,
        vote: &Vote,
        open_items: usize,
    ) -> Result<Verdict, FieldError> {
        if open_items > 0 {
            return Err(FieldError::new(
                "items",
                "open_items",
                format!("整改清单还有 {open_items} 项未完成，不能验收销号"),
            ));
        }
        if !(0..=100).contains(&score) {
            return Err(FieldError::new(
                "score",
                "out_of_range",
                "验收得分应在 0 到 100 之间",
            ));
        }
        let counts = [vote.satisfied, vote.basically_satisfied, vote.dissatisfied];
        if vote.present <= 0 || counts.iter().any(|n| *n < 0) {
            return Err(FieldError::new(
                "present",
                "out_of_range",
                "到会人数应大于 0，票数不能为负",
            ));
        }
        let cast: i64 = counts.iter().sum();
        if cast > vote.present {
            return Err(FieldError::new(
                "dissatisfied",
                "too_many_votes",
                format!("票数合计 {cast} 超过到会人数 {}", vote.present),
            ));
        }
        if vote.dissatisfied * 2 > vote.present {
            return Ok(Verdict::Failed(format!(
                "民主测评不满意 {} 票，超过到会人数 {} 的一半",
                vote.dissatisfied, vote.present
            )));
        }
        if score < self.pass_score {
            return Ok(Verdict::Failed(format!(
                "验收得分 {score} 低于 {} 分",
                self.pass_score
            )));
        }
        Ok(Verdict::Passed)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn vote(present: i64, s: i64, b: i64, d: i64) -> Vote {
        Vote {
            present,
            satisfied: s,
            basically_satisfied: b,
            dissatisfied: d,
        }
    }

    #[test]
    fn the_sign_off_rule() {
        let r = SignOffRules::default();
        assert_eq!(r.verdict(70, &vote(15, 10, 3, 2), 0), Ok(Verdict::Passed));
        assert!(matches!(
            r.verdict(69, &vote(15, 10, 3, 2), 0),
            Ok(Verdict::Failed(m)) if m.contains("70")
        ));
        // Exactly half dissatisfied is not more than half.
        assert_eq!(r.verdict(95, &vote(14, 7, 0, 7), 0), Ok(Verdict::Passed));
        assert!(matches!(
            r.verdict(95, &vote(15, 7, 0, 8), 0),
            Ok(Verdict::Failed(m)) if m.contains("不满意 8 票")
        ));
    }

    #[test]
    fn unsound_acceptances_are_refused_naming_the_field() {
        let r = SignOffRules::default();
        let field = |res: Result<Verdict, FieldError>| res.expect_err("refused").field;
        assert_eq!(field(r.verdict(80, &vote(15, 15, 0, 0), 2)), "items");
        assert_eq!(field(r.verdict(101, &vote(15, 15, 0, 0), 0)), "score");
        assert_eq!(field(r.verdict(80, &vote(15, 10, 5, 1), 0)), "dissatisfied");
        assert_eq!(field(r.verdict(80, &vote(0, 0, 0, 0), 0)), "present");
        assert_eq!(field(r.verdict(80, &vote(15, -1, 0, 0), 0)), "present");
    }
}
