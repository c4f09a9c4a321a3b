//! An election (换届) of a village's two committees: candidates, the county's joint vetting
//! (县级联审), the vote, and the result that sets the posts for the next term.

use std::collections::HashSet;

use time::Date;

use super::committee::Seat;
use super::rules::CadreRules;
use crate::FieldError;
use crate::date::{self, years_between};

crate::labelled_enum!(
    /// The joint vetting's result for a candidate.
    Vetting {
        Pending = "pending" / "待联审",
        Passed = "passed" / "通过",
        Refused = "refused" / "不通过",
    }
);

crate::labelled_enum!(
    /// Where an election stands, read from its records.
    Stage {
        Preparing = "preparing" / "筹备",
        Vetting = "vetting" / "县级联审",
        Voting = "voting" / "选举",
        Finished = "finished" / "已完成",
    }
);

/// The stage follows from the records: no candidates yet, some awaiting vetting, all vetted,
/// or the result recorded.
pub fn stage(candidates: i64, pending: i64, finished: bool) -> Stage {
    if finished {
        Stage::Finished
    } else if candidates == 0 {
        Stage::Preparing
    } else if pending > 0 {
        Stage::Vetting
    } else {
        Stage::Voting
    }
}

/// The day a term that began on `from` ends.
pub fn term_end(from: Date, rules: &CadreRules) -> Date {
    date::years_before(from, -rules.term_years)
}

/// Checks a candidate's age against the post's cap on the day the election started.
pub fn check_age(seat: Seat, birth: Date, on: Date, rules: &CadreRules) -> Result<(), FieldError> {
    let cap = rules.max_age(seat.is_head());
    let age = years_between(birth, on);
    if age > cap {
        return Err(FieldError::new(
            "post",
            "too_old",
            format!(
                "{}人选年龄一般不超过 {cap} 岁（此人 {age} 岁）",
                seat.label()
            ),
        ));
    }
    Ok(())
}

/// A refusal names its reason from the district's list; a pass carries none.
pub fn check_vetting(
    result: Vetting,
    reason: Option<&str>,
    rules: &CadreRules,
) -> Result<Option<String>, FieldError> {
    match (result, reason.map(str::trim).filter(|r| !r.is_empty())) {
        (Vetting::Pending, _) => Err(FieldError::new(
            "result",
            "required",
            "请选择联审结果（通过或不通过）",
        )),
        (Vetting::Passed, _) => Ok(None),
        (Vetting::Refused, None) => Err(FieldError::new(
            "reason",
            "required",
            "联审不通过须选择原因",
        )),
        (Vetting::Refused, Some(r)) if rules.vetting_reasons.iter().any(|x| x == r) => {
            Ok(Some(r.to_string()))
        }
        (Vetting::Refused, Some(_)) => Err(FieldError::new(
            "reason",
            "invalid_choice",
            "联审不通过原因不在区委组织部规定的清单内",
        )),
    }
}

/// A candidate as the result sees them.
#[derive(Debug, Clone)]
pub struct Candidate {
    pub id: i64,
    pub name: String,
    pub seat: Seat,
    pub vetting: Vetting,
}

/// Checks the elected: candidates of this election, each passed by the vetting, no single
/// post filled twice, at least one elected.
pub fn check_result(candidates: &[Candidate], elected: &[i64]) -> Result<(), FieldError> {
    if elected.is_empty() {
        return Err(FieldError::new("elected", "required", "请选择当选人员"));
    }
    let mut seats = HashSet::new();
    for id in elected {
        let Some(c) = candidates.iter().find(|c| c.id == *id) else {
            return Err(FieldError::new(
                "elected",
                "not_candidate",
                "当选人员须是本次换届的候选人",
            ));
        };
        if c.vetting != Vetting::Passed {
            return Err(FieldError::new(
                "elected",
                "not_vetted",
                format!(
                    "{}{}县级联审，不能当选",
                    c.name,
                    if c.vetting == Vetting::Refused {
                        "未通过"
                    } else {
                        "尚未完成"
                    }
                ),
            ));
        }
        if c.seat.is_single() && !seats.insert(c.seat) {
            return Err(FieldError::new(
                "elected",
                "post_twice",
                format!("{}只能一人当选", c.seat.label()),
            ));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cadres::committee::ResidentsPost;
    use crate::committee::Post;
    use time::macros::date;

    fn cand(id: i64, seat: Seat, vetting: Vetting) -> Candidate {
        Candidate {
            id,
            name: format!("候选人{id}"),
            seat,
            vetting,
        }
    }

    #[test]
    fn the_stage_follows_the_records() {
        assert_eq!(stage(0, 0, false), Stage::Preparing);
        assert_eq!(stage(4, 1, false), Stage::Vetting);
        assert_eq!(stage(4, 0, false), Stage::Voting);
        assert_eq!(stage(4, 0, true), Stage::Finished);
    }

    #[test]
    fn a_term_ends_five_years_on() {
        let r = CadreRules::default();
        assert_eq!(term_end(date!(2021 - 03 - 20), &r), date!(2026 - 03 - 20));
    }

    #[test]
    fn heads_are_capped_younger_than_members() {
        let r = CadreRules::default();
        let birth = date!(1960 - 01 - 01);
        let on = date!(2021 - 03 - 01);
        let e = check_age(Seat::Party(Post::Secretary), birth, on, &r).unwrap_err();
        assert_eq!((e.field, e.code), ("post", "too_old"));
        assert!(check_age(Seat::Residents(ResidentsPost::Member), birth, on, &r).is_ok());
    }

    #[test]
    fn a_refusal_needs_a_reason_from_the_list() {
        let r = CadreRules::default();
        assert_eq!(check_vetting(Vetting::Passed, Some("x"), &r), Ok(None));
        assert_eq!(
            check_vetting(Vetting::Refused, None, &r).unwrap_err().field,
            "reason"
        );
        assert_eq!(
            check_vetting(Vetting::Refused, Some("看着不顺眼"), &r)
                .unwrap_err()
                .code,
            "invalid_choice"
        );
        let ok = check_vetting(Vetting::Refused, Some("受过刑事处罚"), &r).unwrap();
        assert_eq!(ok.as_deref(), Some("受过刑事处罚"));
    }

    #[test]
    fn the_refused_cannot_be_elected_nor_a_single_post_twice() {
        let cs = [
            cand(1, Seat::Party(Post::Secretary), Vetting::Passed),
            cand(2, Seat::Party(Post::Secretary), Vetting::Passed),
            cand(3, Seat::Residents(ResidentsPost::Member), Vetting::Refused),
            cand(4, Seat::Residents(ResidentsPost::Member), Vetting::Passed),
            cand(5, Seat::Residents(ResidentsPost::Member), Vetting::Passed),
        ];
        assert!(check_result(&cs, &[1, 4, 5]).is_ok());
        assert_eq!(check_result(&cs, &[1, 3]).unwrap_err().code, "not_vetted");
        assert_eq!(check_result(&cs, &[1, 2]).unwrap_err().code, "post_twice");
        assert_eq!(check_result(&cs, &[9]).unwrap_err().code, "not_candidate");
        assert_eq!(check_result(&cs, &[]).unwrap_err().code, "required");
    }
}
