//! 三评, 一公开: members are evaluated by the households they serve, by the members of their
//! branch and by their branch, on a short form of scored questions; the results are published
//! per branch and community. Who may evaluate whom is decided here, from facts the caller
//! looked up, so that evaluations cannot be stuffed.

use time::Date;

use crate::error::Errors;
use crate::{FieldError, date, labelled_enum};

labelled_enum!(
    /// Who evaluates.
    Rater {
        Household = "household" / "群众评",
        Peer = "peer" / "党员互评",
        Organization = "organization" / "组织评",
    }
);

labelled_enum!(
    /// The answers to each question, best first; a score of 5 down to 1.
    Answer {
        VerySatisfied = "5" / "很满意",
        Satisfied = "4" / "满意",
        Fair = "3" / "基本满意",
        Unsatisfied = "2" / "不太满意",
        VeryUnsatisfied = "1" / "不满意",
    }
);

impl Answer {
    pub fn score(self) -> i64 {
        match self {
            Answer::VerySatisfied => 5,
            Answer::Satisfied => 4,
            Answer::Fair => 3,
            Answer::Unsatisfied => 2,
            Answer::VeryUnsatisfied => 1,
        }
    }
}

labelled_enum!(
    /// A member's grade band from their weighted average.
    Band {
        Excellent = "excellent" / "优秀",
        Good = "good" / "良好",
        Fair = "fair" / "一般",
        Poor = "poor" / "较差",
    }
);

/// The thresholds and weights of an evaluation, kept as data.
#[derive(Debug, Clone)]
pub struct EvaluationRules {
    /// Lowest weighted average (in hundredths of a point) for each band, best first; below
    /// the last is 较差.
    pub band_floors: [(Band, i64); 3],
    /// Weights of the three raters' averages, in percent; a rater without responses is
    /// left out and the others count in proportion.
    pub weights: [(Rater, i64); 3],
    /// Households' average below which (in hundredths) a member is flagged to the branch,
    /// once at least `flag_min_responses` households answered.
    pub flag_below: i64,
    pub flag_min_responses: i64,
    pub comment_chars: usize,
    pub max_questions: usize,
}

impl Default for EvaluationRules {
    fn default() -> Self {
        Self {
            band_floors: [(Band::Excellent, 450), (Band::Good, 350), (Band::Fair, 250)],
            weights: [
                (Rater::Household, 50),
                (Rater::Peer, 25),
                (Rater::Organization, 25),
            ],
            flag_below: 300,
            flag_min_responses: 3,
            comment_chars: 300,
            max_questions: 10,
        }
    }
}

/// The questions a new period starts with.
pub const DEFAULT_QUESTIONS: &[&str] = &[
    "亮身份、亮职责、亮承诺情况",
    "联系服务群众情况",
    "为群众办实事解难题情况",
    "遵纪守法、带头作用情况",
];

/// A period as a form sends it.
#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct PeriodInput {
    pub name: String,
    pub starts_on: String,
    pub ends_on: String,
    /// One question per line; empty for the default questions.
    pub questions: String,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Period {
    pub name: String,
    pub starts_on: Date,
    pub ends_on: Date,
    pub questions: Vec<String>,
}

impl PeriodInput {
    pub fn validate(&self, rules: &EvaluationRules) -> Result<Period, Vec<FieldError>> {
        let mut errs = Errors::default();
        let name = self.name.trim();
        if name.is_empty() || name.chars().count() > 50 {
            errs.push(FieldError::new(
                "name",
                "required",
                "请填写评价名称（不超过 50 字）",
            ));
        }
        let starts = date::parse(&self.starts_on);
        let ends = date::parse(&self.ends_on);
        if starts.is_none() {
            errs.push(FieldError::new(
                "starts_on",
                "invalid_date",
                "请填写开始日期",
            ));
        }
        if ends.is_none() {
            errs.push(FieldError::new("ends_on", "invalid_date", "请填写结束日期"));
        }
        if let (Some(s), Some(e)) = (starts, ends)
            && e < s
        {
            errs.push(FieldError::new(
                "ends_on",
                "before_start",
                "结束日期不能早于开始日期",
            ));
        }
        let mut questions: Vec<String> = self
            .questions
            .lines()
            .map(str::trim)
            .filter(|q| !q.is_empty())
            .map(str::to_string)
            .collect();
        if questions.is_empty() {
            questions = DEFAULT_QUESTIONS.iter().map(|q| q.to_string()).collect();
        }
        if questions.len() > rules.max_questions || questions.iter().any(|q| q.chars().count() > 60)
        {
            errs.push(FieldError::new(
                "questions",
                "too_many",
                format!("最多 {} 个问题，每个不超过 60 字", rules.max_questions),
            ));
        }
        errs.into_result()?;
        match (starts, ends) {
            (Some(starts_on), Some(ends_on)) => Ok(Period {
                name: name.to_string(),
                starts_on,
                ends_on,
                questions,
            }),
            _ => Err(vec![FieldError::new(
                "starts_on",
                "invalid_date",
                "请填写日期",
            )]),
        }
    }
}

/// The answers of one response, one per question, as scores.
pub fn parse_answers(given: &[String], questions: usize) -> Result<Vec<i64>, FieldError> {
    if given.len() != questions {
        return Err(FieldError::new(
            "answers",
            "incomplete",
            format!("请回答全部 {questions} 个问题"),
        ));
    }
    given
        .iter()
        .map(|a| {
            Answer::parse(a.trim())
                .map(Answer::score)
                .ok_or_else(|| FieldError::new("answers", "invalid_choice", "请为每个问题选择一项"))
        })
        .collect()
}

/// What the caller found out about the evaluator and the member on the period's dates.
#[derive(Debug, Clone, Copy, Default)]
pub struct Facts {
    /// The evaluator is the member being evaluated.
    pub is_self: bool,
    /// (Household) the member was responsible for the household at some time in the period,
    /// or did a confirmed deed for it then.
    pub served_household: bool,
    /// (Peer) the evaluator is a member of the same branch.
    pub same_branch: bool,
    /// (Organization) the evaluator edits the member's branch.
    pub edits_branch: bool,
    /// The period is open on the day of the response.
    pub period_open: bool,
}

/// Whether a response of `rater` may be taken, or why not.
pub fn eligible(rater: Rater, f: Facts) -> Result<(), FieldError> {
    let refuse = |code: &'static str, msg: &str| Err(FieldError::new("rater", code, msg));
    if !f.period_open {
        return refuse("closed", "评价期未开始或已结束");
    }
    if f.is_self {
        return refuse("self", "不能评价自己");
    }
    match rater {
        Rater::Household if !f.served_household => refuse(
            "no_pairing",
            "该户在评价期内没有由这名党员联系服务的记录，不能评价",
        ),
        Rater::Peer if !f.same_branch => refuse("not_peer", "只能评价本支部的党员"),
        Rater::Organization if !f.edits_branch => {
            refuse("not_organization", "只有所在党组织可以进行组织评价")
        }
        _ => Ok(()),
    }
}

/// An average of scores in hundredths of a point, or None without scores.
pub fn average_x100(sum: i64, count: i64) -> Option<i64> {
    (count > 0).then(|| (sum * 100 + count / 2) / count)
}

/// The weighted average of the raters' averages (hundredths), over the raters that have one.
pub fn weighted(rules: &EvaluationRules, averages: &[(Rater, Option<i64>)]) -> Option<i64> {
    let mut sum = 0;
    let mut weight = 0;
    for (rater, avg) in averages {
        let Some(avg) = avg else { continue };
        let w = rules
            .weights
            .iter()
            .find(|(r, _)| r == rater)
            .map_or(0, |(_, w)| *w);
        sum += avg * w;
        weight += w;
    }
    (weight > 0).then(|| (sum + weight / 2) / weight)
}

pub fn band(rules: &EvaluationRules, average_x100: i64) -> Band {
    rules
        .band_floors
        .iter()
        .find(|(_, floor)| average_x100 >= *floor)
        .map_or(Band::Poor, |(b, _)| *b)
}

/// Whether households rated the member poorly enough to tell the branch: their average (in
/// hundredths) from `responses` households.
pub fn poorly_rated(rules: &EvaluationRules, average_x100: Option<i64>, responses: i64) -> bool {
    responses >= rules.flag_min_responses && average_x100.is_some_and(|a| a < rules.flag_below)
}

/// An average in hundredths as text: `435` → `4.35`.
pub fn score_text(x100: i64) -> String {
    format!("{}.{:02}", x100 / 100, x100 % 100)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn open() -> Facts {
        Facts {
            period_open: true,
            ..Facts::default()
        }
    }

    #[test]
    fn each_rater_needs_its_own_tie_to_the_member() {
        assert_eq!(
            eligible(Rater::Household, open()).map_err(|e| e.code),
            Err("no_pairing")
        );
        assert!(
            eligible(
                Rater::Household,
                Facts {
                    served_household: true,
                    ..open()
                }
            )
            .is_ok()
        );
        assert_eq!(
            eligible(Rater::Peer, open()).map_err(|e| e.code),
            Err("not_peer")
        );
        assert!(
            eligible(
                Rater::Peer,
                Facts {
                    same_branch: true,
                    ..open()
                }
            )
            .is_ok()
        );
        assert_eq!(
            eligible(Rater::Organization, open()).map_err(|e| e.code),
            Err("not_organization")
        );
        assert!(
            eligible(
                Rater::Organization,
                Facts {
                    edits_branch: true,
                    ..open()
                }
            )
            .is_ok()
        );
    }

    #[test]
    fn nobody_rates_themselves_or_outside_the_period() {
        let all = Facts {
            served_household: true,
            same_branch: true,
            edits_branch: true,
            period_open: true,
            is_self: false,
        };
        for &r in Rater::ALL {
            assert!(eligible(r, all).is_ok());
            assert_eq!(
                eligible(
                    r,
                    Facts {
                        is_self: true,
                        ..all
                    }
                )
                .map_err(|e| e.code),
                Err("self")
            );
            assert_eq!(
                eligible(
                    r,
                    Facts {
                        period_open: false,
                        ..all
                    }
                )
                .map_err(|e| e.code),
                Err("closed")
            );
        }
    }

    #[test]
    fn answers_cover_every_question_with_a_known_choice() {
        let a = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(parse_answers(&a(&["5", "3", "1"]), 3), Ok(vec![5, 3, 1]));
        assert_eq!(
            parse_answers(&a(&["5", "3"]), 3).map_err(|e| e.code),
            Err("incomplete")
        );
        assert_eq!(
            parse_answers(&a(&["5", "6", "1"]), 3).map_err(|e| e.code),
            Err("invalid_choice")
        );
    }

    #[test]
    fn averages_are_weighted_over_the_raters_present_and_banded() {
        let rules = EvaluationRules::default();
        assert_eq!(average_x100(9, 2), Some(450));
        assert_eq!(average_x100(0, 0), None);
        // Households 4.0 (50%), peers 5.0 (25%), no organization: 4.33.
        let w = weighted(
            &rules,
            &[
                (Rater::Household, Some(400)),
                (Rater::Peer, Some(500)),
                (Rater::Organization, None),
            ],
        );
        assert_eq!(w, Some(433));
        assert_eq!(weighted(&rules, &[(Rater::Peer, None)]), None);
        assert_eq!(band(&rules, 450), Band::Excellent);
        assert_eq!(band(&rules, 449), Band::Good);
        assert_eq!(band(&rules, 250), Band::Fair);
        assert_eq!(band(&rules, 249), Band::Poor);
        assert_eq!(score_text(433), "4.33");
    }

    #[test]
    fn a_member_is_flagged_only_on_enough_poor_household_answers() {
        let rules = EvaluationRules::default();
        assert!(
            !poorly_rated(&rules, Some(200), 2),
            "two households are too few"
        );
        assert!(
            poorly_rated(&rules, Some(200), 3),
            "2.0 from three households"
        );
        assert!(!poorly_rated(&rules, Some(300), 3), "3.0 is not below 3.0");
        assert!(!poorly_rated(&rules, None, 5));
    }

    #[test]
    fn a_period_has_dates_in_order_and_default_questions() {
        let rules = EvaluationRules::default();
        let p = PeriodInput {
            name: "2026年度三评".into(),
            starts_on: "2026-12-01".into(),
            ends_on: "2026-12-31".into(),
            questions: String::new(),
        }
        .validate(&rules)
        .expect("valid");
        assert_eq!(p.questions.len(), DEFAULT_QUESTIONS.len());
        let bad = PeriodInput {
            name: String::new(),
            starts_on: "2026-12-31".into(),
            ends_on: "2026-12-01".into(),
            questions: "a\n".repeat(11),
        }
        .validate(&rules)
        .expect_err("invalid");
        let codes: Vec<&str> = bad.iter().map(|e| e.code).collect();
        assert_eq!(codes, ["required", "before_start", "too_many"]);
    }
}
