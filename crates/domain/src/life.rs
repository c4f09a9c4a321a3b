//! 组织生活: meeting kinds, the rules that say how often each is required, the periods they
//! are due in, and a branch's compliance (DHIS2-style expected / held / held on time).
//!
//! Every requirement is "due" in the last month of its period: a monthly one in its month, a
//! quarterly one in the quarter's last month, a yearly one in December. Tallies are kept per
//! due month, so a month, a quarter or a year is a sum of months.

use serde::Serialize;
use time::{Date, Month};

crate::labelled_enum!(
    /// The kinds of meetings of organizational life (DOMAIN.md §2).
    MeetingKind {
        GeneralMeeting = "general_meeting" / "支部党员大会",
        CommitteeMeeting = "committee_meeting" / "支委会",
        GroupMeeting = "group_meeting" / "党小组会",
        PartyLecture = "party_lecture" / "党课",
        ThemeDay = "theme_day" / "主题党日",
        LifeMeeting = "life_meeting" / "组织生活会",
        AnnualReviewMeeting = "annual_review_meeting" / "民主评议党员大会",
        StudySession = "study_session" / "党史学习",
    }
);

crate::labelled_enum!(
    /// How long a requirement's period is.
    PeriodType {
        Month = "month" / "每月",
        Quarter = "quarter" / "每季度",
        Year = "year" / "每年",
    }
);

impl MeetingKind {
    /// Meetings that decide and therefore need a quorum (more than half).
    pub fn needs_quorum(self) -> bool {
        matches!(
            self,
            MeetingKind::GeneralMeeting | MeetingKind::CommitteeMeeting
        )
    }
}

/// How often one kind of meeting is required of one kind of organization, from a date on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rule {
    pub org_kind: String,
    pub meeting_kind: MeetingKind,
    pub period: PeriodType,
    /// Meetings required per period; 0 switches the requirement off.
    pub times: u32,
    /// A fixed day of the month (the theme day on the 10th); held on another day is late.
    pub fixed_day: Option<u8>,
    pub effective_from: Date,
}

/// The defaults of DOMAIN.md §2 for branches and joint branches, in force from 2000.
pub fn default_rules() -> Vec<Rule> {
    let from = Date::from_calendar_date(2000, Month::January, 1).unwrap_or(Date::MIN);
    let mut rules = Vec::new();
    for org_kind in ["branch", "joint_branch"] {
        for (kind, period, times, fixed_day) in [
            (MeetingKind::GeneralMeeting, PeriodType::Quarter, 1, None),
            (MeetingKind::CommitteeMeeting, PeriodType::Month, 1, None),
            (MeetingKind::PartyLecture, PeriodType::Quarter, 1, None),
            (MeetingKind::ThemeDay, PeriodType::Month, 1, Some(10)),
            (MeetingKind::LifeMeeting, PeriodType::Year, 1, None),
        ] {
            rules.push(Rule {
                org_kind: org_kind.into(),
                meeting_kind: kind,
                period,
                times,
                fixed_day,
                effective_from: from,
            });
        }
    }
    rules
}

/// A period of a requirement: first and last day.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Period {
    pub start: Date,
    pub end: Date,
}

fn last_day(year: i32, month: Month) -> Date {
    let days = time::util::days_in_month(month, year);
    Date::from_calendar_date(year, month, days).unwrap_or(Date::MIN)
}

fn first_day(year: i32, month: Month) -> Date {
    Date::from_calendar_date(year, month, 1).unwrap_or(Date::MIN)
}

/// The quarters' names, first to fourth.
pub const QUARTERS: [&str; 4] = ["第一季度", "第二季度", "第三季度", "第四季度"];

impl Period {
    /// The period of the given type that contains `d`.
    pub fn containing(kind: PeriodType, d: Date) -> Period {
        let y = d.year();
        let m = d.month() as u8;
        let (first, last) = match kind {
            PeriodType::Month => (m, m),
            PeriodType::Quarter => {
                let q0 = (m - 1) / 3 * 3 + 1;
                (q0, q0 + 2)
            }
            PeriodType::Year => (1, 12),
        };
        let month = |n: u8| Month::try_from(n).unwrap_or(Month::January);
        Period {
            start: first_day(y, month(first)),
            end: last_day(y, month(last)),
        }
    }

    /// "2026年12月", "2026年第四季度" or "2026年": what a reminder calls the period.
    pub fn label(&self) -> String {
        let (first, last) = (self.start.month() as u8, self.end.month() as u8);
        let year = self.end.year();
        match last.saturating_sub(first) {
            0 => format!("{year}年{last}月"),
            2 => format!("{year}年{}", QUARTERS[usize::from((last - 1) / 3)]),
            _ => format!("{year}年"),
        }
    }

    /// `YYYY-MM` of the period's last month: where its requirement is due.
    pub fn due_month(&self) -> String {
        format!("{:04}-{:02}", self.end.year(), self.end.month() as u8)
    }
}

/// `YYYY-MM` of a date.
pub fn month_key(d: Date) -> String {
    format!("{:04}-{:02}", d.year(), d.month() as u8)
}

/// The rule in force for an org kind and meeting kind on a day: the latest one effective by then.
pub fn rule_in_force<'a>(
    rules: &'a [Rule],
    org_kind: &str,
    kind: MeetingKind,
    on: Date,
) -> Option<&'a Rule> {
    rules
        .iter()
        .filter(|r| r.org_kind == org_kind && r.meeting_kind == kind && r.effective_from <= on)
        .max_by_key(|r| r.effective_from)
}

/// The first day of a `YYYY-MM` month.
pub fn month_start(month: &str) -> Option<Date> {
    let (y, m) = month.split_once('-')?;
    let m = Month::try_from(m.parse::<u8>().ok()?).ok()?;
    Date::from_calendar_date(y.parse().ok()?, m, 1).ok()
}

/// The months `from..=to` (both `YYYY-MM`).
pub fn months(from: &str, to: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut d = match month_start(from) {
        Some(d) => d,
        None => return out,
    };
    while month_key(d).as_str() <= to && out.len() < 1200 {
        out.push(month_key(d));
        d = Period::containing(PeriodType::Month, d)
            .end
            .next_day()
            .unwrap_or(Date::MAX);
    }
    out
}

/// The requirements of an org kind that fall due in `month`: each kind with its period and the
/// rule in force at the period's start.
pub fn due_in<'a>(
    rules: &'a [Rule],
    org_kind: &str,
    month: &str,
) -> Vec<(MeetingKind, Period, &'a Rule)> {
    let Some(first) = month_start(month) else {
        return Vec::new();
    };
    MeetingKind::ALL
        .iter()
        .filter_map(|&kind| {
            let current = rule_in_force(rules, org_kind, kind, first)?;
            let period = Period::containing(current.period, first);
            if period.due_month() != month {
                return None;
            }
            let at_start = rule_in_force(rules, org_kind, kind, period.start)
                .filter(|r| r.period == current.period);
            let rule = at_start.unwrap_or(current);
            (rule.times > 0).then_some((kind, period, rule))
        })
        .collect()
}

/// The period a meeting fulfils when recorded for the day `for_day`, and its due month.
pub fn period_for<'a>(
    rules: &'a [Rule],
    org_kind: &str,
    kind: MeetingKind,
    for_day: Date,
) -> (Period, Option<&'a Rule>) {
    let rule = rule_in_force(rules, org_kind, kind, for_day);
    let period = Period::containing(rule.map_or(PeriodType::Month, |r| r.period), for_day);
    (period, rule)
}

/// A branch as compliance sees it.
#[derive(Debug, Clone)]
pub struct BranchLife {
    pub org_kind: String,
    pub opened_on: Date,
    pub closed_on: Option<Date>,
}

impl BranchLife {
    /// A requirement applies only to a branch that existed for the whole period: one opened or
    /// closed part-way through owes nothing for that period.
    pub fn open_throughout(&self, p: &Period) -> bool {
        self.opened_on <= p.start && self.closed_on.is_none_or(|c| c >= p.end)
    }
}

/// One branch's standing for one meeting kind in one due month.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, utoipa::ToSchema)]
pub struct Tally {
    /// Meetings required 应开.
    pub required: i64,
    /// Held meetings that count, at most `required`.
    pub met: i64,
    /// Of those, held within their period (and on the fixed day, if any).
    pub on_time: i64,
    /// 1 when fewer were held than required.
    pub behind: i64,
}

impl Tally {
    pub fn add(&mut self, o: &Tally) {
        self.required += o.required;
        self.met += o.met;
        self.on_time += o.on_time;
        self.behind += o.behind;
    }

    /// Held ÷ required, or None when nothing was required.
    pub fn rate(&self) -> Option<f64> {
        (self.required > 0).then(|| self.met as f64 / self.required as f64)
    }

    pub fn on_time_rate(&self) -> Option<f64> {
        (self.required > 0).then(|| self.on_time as f64 / self.required as f64)
    }
}

/// The standing of a branch for one kind and one period, given how many meetings were held
/// for it and how many of those on time.
pub fn tally(
    branch: &BranchLife,
    rule: Option<&Rule>,
    period: &Period,
    held: i64,
    held_on_time: i64,
) -> Tally {
    let required = match rule {
        Some(r) if branch.open_throughout(period) => i64::from(r.times),
        _ => 0,
    };
    let met = held.min(required);
    Tally {
        required,
        met,
        on_time: held_on_time.min(required),
        behind: i64::from(met < required),
    }
}

/// Whether a meeting held on `held_on` for `period` was on time under `rule`.
pub fn on_time(rule: Option<&Rule>, period: &Period, held_on: Date) -> bool {
    let in_period = held_on >= period.start && held_on <= period.end;
    let on_day = rule
        .and_then(|r| r.fixed_day)
        .is_none_or(|d| held_on.day() == d);
    in_period && on_day
}

/// Red / yellow / green for a compliance rate.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Light {
    Green,
    Yellow,
    Red,
    None,
}

/// Thresholds of the traffic lights; configurable, defaults 95 % and 80 %.
#[derive(Debug, Clone, Copy)]
pub struct Lights {
    pub green_from: f64,
    pub yellow_from: f64,
}

impl Default for Lights {
    fn default() -> Self {
        Lights {
            green_from: 0.95,
            yellow_from: 0.8,
        }
    }
}

impl Lights {
    pub fn of(&self, rate: Option<f64>) -> Light {
        match rate {
            None => Light::None,
            Some(r) if r >= self.green_from => Light::Green,
            Some(r) if r >= self.yellow_from => Light::Yellow,
            Some(_) => Light::Red,
        }
    }
}

/// Quorum: more than half of those with a vote were present.
pub fn has_quorum(present_voters: i64, voters: i64) -> bool {
    voters > 0 && present_voters * 2 > voters
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn periods_are_named_as_people_say_them() {
        let on = date!(2026 - 12 - 06);
        let name = |kind| Period::containing(kind, on).label();
        assert_eq!(name(PeriodType::Month), "2026年12月");
        assert_eq!(name(PeriodType::Quarter), "2026年第四季度");
        assert_eq!(name(PeriodType::Year), "2026年");
        let q1 = Period::containing(PeriodType::Quarter, date!(2026 - 02 - 01));
        assert_eq!(q1.label(), "2026年第一季度");
    }

    fn branch(opened: Date, closed: Option<Date>) -> BranchLife {
        BranchLife {
            org_kind: "branch".into(),
            opened_on: opened,
            closed_on: closed,
        }
    }

    #[test]
    fn periods_and_due_months() {
        let q = Period::containing(PeriodType::Quarter, date!(2026 - 02 - 14));
        assert_eq!(
            (q.start, q.end),
            (date!(2026 - 01 - 01), date!(2026 - 03 - 31))
        );
        assert_eq!(q.due_month(), "2026-03");
        let q4 = Period::containing(PeriodType::Quarter, date!(2026 - 12 - 31));
        assert_eq!(
            (q4.start, q4.end),
            (date!(2026 - 10 - 01), date!(2026 - 12 - 31))
        );
        let feb = Period::containing(PeriodType::Month, date!(2024 - 02 - 10));
        assert_eq!(feb.end, date!(2024 - 02 - 29));
        assert_eq!(
            Period::containing(PeriodType::Year, date!(2026 - 07 - 01)).due_month(),
            "2026-12"
        );
    }

    #[test]
    fn late_meeting_counts_but_not_on_time() {
        let rules = default_rules();
        let rule = rule_in_force(
            &rules,
            "branch",
            MeetingKind::GeneralMeeting,
            date!(2026 - 01 - 01),
        );
        let q1 = Period::containing(PeriodType::Quarter, date!(2026 - 01 - 01));
        assert!(on_time(rule, &q1, date!(2026 - 03 - 31)));
        assert!(
            !on_time(rule, &q1, date!(2026 - 04 - 01)),
            "held in April for Q1 is late"
        );
        let t = tally(&branch(date!(2010 - 01 - 01), None), rule, &q1, 1, 0);
        assert_eq!(
            t,
            Tally {
                required: 1,
                met: 1,
                on_time: 0,
                behind: 0
            }
        );
    }

    #[test]
    fn theme_day_is_on_the_tenth() {
        let rules = default_rules();
        let rule = rule_in_force(
            &rules,
            "branch",
            MeetingKind::ThemeDay,
            date!(2026 - 05 - 01),
        );
        let may = Period::containing(PeriodType::Month, date!(2026 - 05 - 01));
        assert!(on_time(rule, &may, date!(2026 - 05 - 10)));
        assert!(!on_time(rule, &may, date!(2026 - 05 - 11)));
    }

    #[test]
    fn branch_opened_or_closed_mid_period_owes_nothing() {
        let rules = default_rules();
        let q2 = Period::containing(PeriodType::Quarter, date!(2026 - 05 - 01));
        let rule = rule_in_force(&rules, "branch", MeetingKind::GeneralMeeting, q2.start);
        assert_eq!(
            tally(&branch(date!(2026 - 05 - 01), None), rule, &q2, 0, 0).required,
            0
        );
        assert_eq!(
            tally(
                &branch(date!(2020 - 01 - 01), Some(date!(2026 - 06 - 15))),
                rule,
                &q2,
                0,
                0
            )
            .required,
            0
        );
        assert_eq!(
            tally(
                &branch(date!(2026 - 04 - 01), Some(date!(2026 - 06 - 30))),
                rule,
                &q2,
                0,
                0
            )
            .required,
            1
        );
        let t = tally(&branch(date!(2020 - 01 - 01), None), rule, &q2, 0, 0);
        assert_eq!(
            t,
            Tally {
                required: 1,
                met: 0,
                on_time: 0,
                behind: 1
            }
        );
    }

    #[test]
    fn a_rule_changed_mid_year_applies_from_its_date_only() {
        let mut rules = default_rules();
        rules.push(Rule {
            org_kind: "branch".into(),
            meeting_kind: MeetingKind::PartyLecture,
            period: PeriodType::Year,
            times: 2,
            fixed_day: None,
            effective_from: date!(2026 - 07 - 01),
        });
        let before = rule_in_force(
            &rules,
            "branch",
            MeetingKind::PartyLecture,
            date!(2026 - 04 - 01),
        )
        .unwrap();
        assert_eq!(before.period, PeriodType::Quarter);
        let after = rule_in_force(
            &rules,
            "branch",
            MeetingKind::PartyLecture,
            date!(2026 - 07 - 01),
        )
        .unwrap();
        assert_eq!((after.period, after.times), (PeriodType::Year, 2));
        assert!(
            rule_in_force(
                &rules,
                "town_committee",
                MeetingKind::PartyLecture,
                date!(2026 - 07 - 01)
            )
            .is_none()
        );
    }

    #[test]
    fn extra_meetings_do_not_make_up_for_missing_ones() {
        let rules = default_rules();
        let jan = Period::containing(PeriodType::Month, date!(2026 - 01 - 01));
        let rule = rule_in_force(&rules, "branch", MeetingKind::CommitteeMeeting, jan.start);
        let t = tally(&branch(date!(2010 - 01 - 01), None), rule, &jan, 3, 3);
        assert_eq!((t.met, t.on_time), (1, 1));
    }

    #[test]
    fn requirements_fall_due_in_the_last_month_of_their_period() {
        let rules = default_rules();
        let kinds = |m: &str| -> Vec<MeetingKind> {
            due_in(&rules, "branch", m)
                .iter()
                .map(|(k, _, _)| *k)
                .collect()
        };
        assert_eq!(
            kinds("2026-02"),
            vec![MeetingKind::CommitteeMeeting, MeetingKind::ThemeDay]
        );
        assert_eq!(
            kinds("2026-03"),
            vec![
                MeetingKind::GeneralMeeting,
                MeetingKind::CommitteeMeeting,
                MeetingKind::PartyLecture,
                MeetingKind::ThemeDay
            ]
        );
        assert!(kinds("2026-12").contains(&MeetingKind::LifeMeeting));
        assert!(due_in(&rules, "town_committee", "2026-03").is_empty());
        assert_eq!(
            months("2025-11", "2026-02"),
            vec!["2025-11", "2025-12", "2026-01", "2026-02"]
        );
    }

    #[test]
    fn a_rule_switched_off_requires_nothing() {
        let mut rules = default_rules();
        rules.push(Rule {
            org_kind: "branch".into(),
            meeting_kind: MeetingKind::CommitteeMeeting,
            period: PeriodType::Month,
            times: 0,
            fixed_day: None,
            effective_from: date!(2026 - 06 - 01),
        });
        let has_committee = |m: &str| {
            due_in(&rules, "branch", m)
                .iter()
                .any(|(k, _, _)| *k == MeetingKind::CommitteeMeeting)
        };
        assert!(has_committee("2026-05"));
        assert!(!has_committee("2026-06"));
    }

    #[test]
    fn lights_and_quorum() {
        let l = Lights::default();
        assert_eq!(l.of(Some(1.0)), Light::Green);
        assert_eq!(l.of(Some(0.9)), Light::Yellow);
        assert_eq!(l.of(Some(0.5)), Light::Red);
        assert_eq!(l.of(None), Light::None);
        assert!(has_quorum(6, 10));
        assert!(!has_quorum(5, 10), "exactly half is not more than half");
        assert!(!has_quorum(0, 0));
    }
}
