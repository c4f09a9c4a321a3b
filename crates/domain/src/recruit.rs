//! 发展党员 (DOMAIN.md §4): five stages, 25 steps, each with its earliest and latest date
//! counted from an earlier step. The steps and their limits are data, so that a deployment
//! can follow its province's variant (Chongqing's 红岩先锋 splits them into 30).

use serde::Serialize;
use time::{Date, Duration};

use crate::date::add_months;
use crate::labelled_enum;

labelled_enum!(
    Stage {
        Applicant = "applicant" / "入党申请人",
        Activist = "activist" / "入党积极分子",
        Candidate = "candidate" / "发展对象",
        Probationary = "probationary" / "预备党员",
        Full = "full" / "正式党员",
    }
);

/// A span counted from an earlier step's date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Span {
    Days(i64),
    Months(i32),
}

impl Span {
    pub fn after(self, d: Date) -> Date {
        match self {
            Span::Days(n) => d + Duration::days(n),
            Span::Months(n) => add_months(d, n),
        }
    }

    pub fn label(self) -> String {
        match self {
            Span::Days(n) => format!("{n} 天"),
            Span::Months(n) if n % 12 == 0 => format!("{} 年", n / 12),
            Span::Months(n) => format!("{n} 个月"),
        }
    }
}

/// What a step needs besides its date.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub enum Needs {
    Nothing,
    /// Two sponsors (入党介绍人) who are full members.
    Sponsors,
    /// Centralized training: at least this many class hours.
    TrainingHours(i64),
}

#[derive(Debug, Clone, Serialize)]
pub struct StepRule {
    pub no: u8,
    pub stage: Stage,
    pub label: &'static str,
    /// The document the step leaves behind (申请书, 谈话记录, …).
    pub document: &'static str,
    /// Not before this span after step `.0`.
    pub earliest: Option<(u8, Span)>,
    /// Not after this span after step `.0`.
    pub latest: Option<(u8, Span)>,
    pub needs: Needs,
}

/// The step whose date starts probation (支部大会讨论接收).
pub const ADMISSION_STEP: u8 = 15;
/// The committee's approval that makes the person a 预备党员 of the registry.
pub const APPROVAL_STEP: u8 = 17;
/// The branch meeting that discusses full membership.
pub const CONFIRM_MEETING_STEP: u8 = 23;
/// The committee's approval of full membership.
pub const CONFIRM_STEP: u8 = 24;
pub const LAST_STEP: u8 = 25;

/// Limits that are not tied to one step.
#[derive(Debug, Clone)]
pub struct RecruitRules {
    pub min_age: i32,
    pub probation: Span,
    /// An extension of probation: once, within these months.
    pub extension_months: (i32, i32),
    /// How far ahead a coming deadline is announced.
    pub warn_days: i64,
    pub steps: Vec<StepRule>,
}

impl Default for RecruitRules {
    fn default() -> Self {
        use Needs::Nothing;
        use Span::{Days, Months};
        use Stage::{Activist, Applicant, Candidate, Probationary};
        let s = |no, stage, label, document, earliest, latest, needs| StepRule {
            no,
            stage,
            label,
            document,
            earliest,
            latest,
            needs,
        };
        RecruitRules {
            min_age: 18,
            probation: Months(12),
            extension_months: (6, 12),
            warn_days: 7,
            steps: vec![
                s(
                    1,
                    Applicant,
                    "递交入党申请书",
                    "入党申请书",
                    None,
                    None,
                    Nothing,
                ),
                s(
                    2,
                    Applicant,
                    "党组织派人谈话",
                    "谈话记录",
                    Some((1, Days(0))),
                    Some((1, Months(1))),
                    Nothing,
                ),
                s(
                    3,
                    Activist,
                    "推荐和确定入党积极分子",
                    "支委会会议记录",
                    Some((2, Days(0))),
                    None,
                    Nothing,
                ),
                s(
                    4,
                    Activist,
                    "报上级党委备案",
                    "备案表",
                    Some((3, Days(0))),
                    Some((3, Months(1))),
                    Nothing,
                ),
                s(
                    5,
                    Activist,
                    "指定培养联系人",
                    "培养联系人名单",
                    Some((3, Days(0))),
                    Some((3, Months(1))),
                    Nothing,
                ),
                s(
                    6,
                    Activist,
                    "培养教育考察",
                    "思想汇报与考察记录",
                    Some((5, Days(0))),
                    None,
                    Nothing,
                ),
                s(
                    7,
                    Candidate,
                    "确定发展对象",
                    "支委会会议记录",
                    Some((3, Months(12))),
                    None,
                    Nothing,
                ),
                s(
                    8,
                    Candidate,
                    "报上级党委备案",
                    "备案表",
                    Some((7, Days(0))),
                    Some((7, Months(1))),
                    Nothing,
                ),
                s(
                    9,
                    Candidate,
                    "确定入党介绍人",
                    "介绍人名单",
                    Some((7, Days(0))),
                    None,
                    Needs::Sponsors,
                ),
                s(
                    10,
                    Candidate,
                    "进行政治审查",
                    "政审材料",
                    Some((7, Days(0))),
                    None,
                    Nothing,
                ),
                s(
                    11,
                    Candidate,
                    "开展集中培训",
                    "培训结业证书",
                    Some((7, Days(0))),
                    None,
                    Needs::TrainingHours(24),
                ),
                s(
                    12,
                    Candidate,
                    "支部委员会审查",
                    "支委会会议记录",
                    Some((11, Days(0))),
                    None,
                    Nothing,
                ),
                s(
                    13,
                    Candidate,
                    "上级党委预审",
                    "预审意见",
                    Some((12, Days(0))),
                    None,
                    Nothing,
                ),
                s(
                    14,
                    Candidate,
                    "填写入党志愿书",
                    "入党志愿书",
                    Some((13, Days(0))),
                    None,
                    Nothing,
                ),
                s(
                    15,
                    Candidate,
                    "支部大会讨论接收",
                    "支部大会决议",
                    Some((14, Days(0))),
                    Some((13, Months(1))),
                    Nothing,
                ),
                s(
                    16,
                    Candidate,
                    "上级党委派人谈话",
                    "谈话记录",
                    Some((15, Days(0))),
                    Some((15, Months(3))),
                    Nothing,
                ),
                s(
                    17,
                    Probationary,
                    "上级党委审批",
                    "审批意见",
                    Some((15, Days(0))),
                    Some((15, Months(3))),
                    Nothing,
                ),
                s(
                    18,
                    Probationary,
                    "再上级党委组织部门备案",
                    "备案表",
                    Some((17, Days(0))),
                    Some((17, Months(1))),
                    Nothing,
                ),
                s(
                    19,
                    Probationary,
                    "编入党支部和党小组",
                    "支部记录",
                    Some((17, Days(0))),
                    Some((17, Months(1))),
                    Nothing,
                ),
                s(
                    20,
                    Probationary,
                    "入党宣誓",
                    "宣誓记录",
                    Some((17, Days(0))),
                    Some((17, Months(3))),
                    Nothing,
                ),
                s(
                    21,
                    Probationary,
                    "继续教育考察",
                    "考察记录",
                    Some((20, Days(0))),
                    None,
                    Nothing,
                ),
                s(
                    22,
                    Probationary,
                    "提出转正申请",
                    "转正申请书",
                    Some((15, Months(11))),
                    // Due when probation ends, so that its end is announced.
                    Some((15, Months(12))),
                    Nothing,
                ),
                s(
                    23,
                    Probationary,
                    "支部大会讨论转正",
                    "支部大会决议",
                    Some((15, Months(12))),
                    Some((15, Months(15))),
                    Nothing,
                ),
                s(
                    24,
                    Probationary,
                    "上级党委审批转正",
                    "审批意见",
                    Some((23, Days(0))),
                    Some((15, Months(15))),
                    Nothing,
                ),
                s(
                    25,
                    Stage::Full,
                    "材料归档",
                    "党员档案",
                    Some((24, Days(0))),
                    Some((24, Months(3))),
                    Nothing,
                ),
            ],
        }
    }
}

/// How a step's date relates to its window.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Window {
    pub earliest: Option<Date>,
    pub latest: Option<Date>,
}

/// Why a step may not be recorded on a date.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StepRefusal {
    OutOfOrder { expected: u8 },
    TooEarly { earliest: Date },
    Future,
    BeforePrevious { previous: Date },
}

impl RecruitRules {
    pub fn step(&self, no: u8) -> Option<&StepRule> {
        self.steps.iter().find(|s| s.no == no)
    }

    /// The window of step `no` given the dates of the steps done (`done(n)`), and the
    /// months probation was extended (they push the confirmation steps back).
    pub fn window(&self, no: u8, done: &dyn Fn(u8) -> Option<Date>, extension: i32) -> Window {
        let Some(rule) = self.step(no) else {
            return Window {
                earliest: None,
                latest: None,
            };
        };
        // An extension moves what is counted from the admission (the end of probation), not
        // what is counted from the confirmation steps themselves, which moved already.
        let shift = |from: u8, d: Date| {
            if no >= 22 && from <= ADMISSION_STEP && extension > 0 {
                add_months(d, extension)
            } else {
                d
            }
        };
        let at = |x: Option<(u8, Span)>| {
            x.and_then(|(from, span)| done(from).map(|d| shift(from, span.after(d))))
        };
        Window {
            earliest: at(rule.earliest),
            latest: at(rule.latest),
        }
    }

    /// Whether step `no` may be recorded on `on`, the steps before it being done as `done`
    /// says. A step after its latest date is allowed (the record shows it late); one before
    /// its earliest is not, nor one out of order or in the future.
    pub fn check_step(
        &self,
        no: u8,
        on: Date,
        today: Date,
        done: &dyn Fn(u8) -> Option<Date>,
        extension: i32,
    ) -> Result<Window, StepRefusal> {
        let expected = (1..=LAST_STEP)
            .find(|n| done(*n).is_none())
            .unwrap_or(LAST_STEP + 1);
        if no != expected {
            return Err(StepRefusal::OutOfOrder { expected });
        }
        if on > today {
            return Err(StepRefusal::Future);
        }
        if let Some(previous) = no.checked_sub(1).and_then(done)
            && on < previous
        {
            return Err(StepRefusal::BeforePrevious { previous });
        }
        let w = self.window(no, done, extension);
        if let Some(earliest) = w.earliest
            && on < earliest
        {
            return Err(StepRefusal::TooEarly { earliest });
        }
        Ok(w)
    }

    /// The day probation ends: a year after the branch meeting, plus any extension.
    pub fn probation_end(&self, admitted: Date, extension: i32) -> Date {
        add_months(self.probation.after(admitted), extension)
    }

    pub fn check_extension(&self, months: i32, already: i32) -> Result<(), &'static str> {
        if already > 0 {
            return Err("预备期只能延长一次");
        }
        let (lo, hi) = self.extension_months;
        if months < lo || months > hi {
            return Err("预备期延长应为 6 至 12 个月");
        }
        Ok(())
    }
}

/// Where a deadline stands on `today`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Due {
    Open,
    Soon,
    Overdue,
}

pub fn due(latest: Option<Date>, today: Date, warn_days: i64) -> Due {
    match latest {
        Some(l) if today > l => Due::Overdue,
        Some(l) if today + Duration::days(warn_days) >= l => Due::Soon,
        _ => Due::Open,
    }
}

#[cfg(test)]
mod tests {
    use std::collections::HashMap;

    use super::*;
    use time::macros::date;

    fn done_map(m: &HashMap<u8, Date>) -> impl Fn(u8) -> Option<Date> + '_ {
        move |n| m.get(&n).copied()
    }

    /// Dates for steps 1..=n, one day apart from `start`, respecting the year of training.
    fn through(n: u8, start: Date) -> HashMap<u8, Date> {
        let mut m = HashMap::new();
        let mut d = start;
        for no in 1..=n {
            if no == 7 {
                d = add_months(m[&3], 12);
            }
            if no == 23 {
                d = add_months(m[&15], 12);
            }
            m.insert(no, d);
            d += Duration::days(1);
        }
        m
    }

    #[test]
    fn there_are_twenty_five_steps_in_five_stages() {
        let r = RecruitRules::default();
        assert_eq!(r.steps.len(), 25);
        assert!(
            r.steps
                .iter()
                .enumerate()
                .all(|(i, s)| usize::from(s.no) == i + 1)
        );
        for st in Stage::ALL {
            assert!(r.steps.iter().any(|s| s.stage == *st), "{st:?}");
        }
        // A person is a 预备党员 only once the committee approved them.
        assert_eq!(r.step(16).map(|s| s.stage), Some(Stage::Candidate));
        assert_eq!(
            r.step(APPROVAL_STEP).map(|s| s.stage),
            Some(Stage::Probationary)
        );
    }

    #[test]
    fn the_talk_is_due_within_a_month_of_the_application() {
        let r = RecruitRules::default();
        let m = through(1, date!(2026 - 01 - 31));
        let w = r.window(2, &done_map(&m), 0);
        assert_eq!(w.latest, Some(date!(2026 - 02 - 28)));
        assert_eq!(due(w.latest, date!(2026 - 02 - 22), 7), Due::Soon);
        assert_eq!(due(w.latest, date!(2026 - 03 - 01), 7), Due::Overdue);
        assert_eq!(due(w.latest, date!(2026 - 02 - 01), 7), Due::Open);
    }

    #[test]
    fn a_candidate_needs_a_year_as_activist() {
        let r = RecruitRules::default();
        let mut m = through(6, date!(2025 - 03 - 01));
        let activist = m[&3];
        let today = date!(2027 - 01 - 01);
        let early = add_months(activist, 12) - Duration::days(1);
        assert_eq!(
            r.check_step(7, early, today, &done_map(&m), 0),
            Err(StepRefusal::TooEarly {
                earliest: add_months(activist, 12)
            })
        );
        assert!(
            r.check_step(7, add_months(activist, 12), today, &done_map(&m), 0)
                .is_ok()
        );
        m.remove(&6);
        assert_eq!(
            r.check_step(7, today, today, &done_map(&m), 0),
            Err(StepRefusal::OutOfOrder { expected: 6 })
        );
    }

    #[test]
    fn steps_keep_their_order_and_stay_in_the_past() {
        let r = RecruitRules::default();
        let m = through(1, date!(2026 - 01 - 10));
        let today = date!(2026 - 01 - 20);
        assert_eq!(
            r.check_step(2, date!(2026 - 01 - 21), today, &done_map(&m), 0),
            Err(StepRefusal::Future)
        );
        assert_eq!(
            r.check_step(2, date!(2026 - 01 - 09), today, &done_map(&m), 0),
            Err(StepRefusal::BeforePrevious {
                previous: date!(2026 - 01 - 10)
            })
        );
        assert_eq!(
            r.check_step(3, today, today, &done_map(&m), 0),
            Err(StepRefusal::OutOfOrder { expected: 2 })
        );
    }

    #[test]
    fn the_branch_meeting_is_due_a_month_after_the_pre_review_and_approval_three_after_it() {
        let r = RecruitRules::default();
        let m = through(15, date!(2024 - 01 - 01));
        let w15 = r.window(15, &done_map(&m), 0);
        assert_eq!(w15.latest, Some(add_months(m[&13], 1)));
        let w17 = r.window(17, &done_map(&m), 0);
        assert_eq!(w17.latest, Some(add_months(m[&15], 3)));
    }

    #[test]
    fn probation_lasts_a_year_and_extends_once_by_six_to_twelve_months() {
        let r = RecruitRules::default();
        let admitted = date!(2025 - 07 - 01);
        assert_eq!(r.probation_end(admitted, 0), date!(2026 - 07 - 01));
        assert_eq!(r.probation_end(admitted, 6), date!(2027 - 01 - 01));
        let m = through(22, date!(2024 - 01 - 01));
        let on_time = r.window(CONFIRM_MEETING_STEP, &done_map(&m), 0);
        let extended = r.window(CONFIRM_MEETING_STEP, &done_map(&m), 6);
        assert_eq!(
            extended.earliest,
            on_time.earliest.map(|d| add_months(d, 6))
        );
        // The approval of full membership stays possible after an extension.
        let mut m = through(22, date!(2024 - 01 - 01));
        m.insert(23, add_months(m[&15], 18));
        let w24 = r.window(CONFIRM_STEP, &done_map(&m), 6);
        assert_eq!(w24.earliest, Some(m[&23]));
        assert_eq!(w24.latest, Some(add_months(m[&15], 21)));
        assert_eq!(r.check_extension(6, 0), Ok(()));
        assert_eq!(r.check_extension(12, 0), Ok(()));
        assert!(r.check_extension(5, 0).is_err());
        assert!(r.check_extension(13, 0).is_err());
        assert!(r.check_extension(6, 6).is_err(), "only once");
    }

    #[test]
    fn the_end_of_probation_is_announced_through_the_application_for_full_membership() {
        let r = RecruitRules::default();
        let m = through(21, date!(2024 - 01 - 01));
        let end = r.probation_end(m[&15], 0);
        assert_eq!(r.window(22, &done_map(&m), 0).latest, Some(end));
        assert_eq!(
            r.window(22, &done_map(&m), 6).latest,
            Some(add_months(end, 6))
        );
        assert_eq!(
            due(Some(end), end - Duration::days(3), r.warn_days),
            Due::Soon
        );
    }

    #[test]
    fn confirmation_is_due_within_three_months_of_the_end_of_probation() {
        let r = RecruitRules::default();
        let m = through(23, date!(2024 - 01 - 01));
        let w = r.window(CONFIRM_STEP, &done_map(&m), 0);
        assert_eq!(w.latest, Some(add_months(r.probation_end(m[&15], 0), 3)));
    }

    #[test]
    fn sponsors_and_training_are_required_where_the_rules_say() {
        let r = RecruitRules::default();
        assert_eq!(r.step(9).map(|s| s.needs), Some(Needs::Sponsors));
        assert_eq!(r.step(11).map(|s| s.needs), Some(Needs::TrainingHours(24)));
    }
}
