//! First secretaries and resident work teams (第一书记, 驻村工作队): a team's make-up and term,
//! days in the village each month, who approves leave, and the yearly grade that unexcused
//! absences found by inspection allow (DOMAIN.md §9; thresholds in [`ResidentRules`]).

use serde::{Deserialize, Serialize};
use time::{Date, Month};

use crate::FieldError;
use crate::date::add_months;

crate::labelled_enum!(
    /// A resident cadre's place in the team.
    TeamRole {
        FirstSecretary = "first_secretary" / "第一书记",
        Member = "member" / "工作队员",
    }
);

crate::labelled_enum!(
    /// The yearly grade of a resident cadre.
    ResidentGrade {
        Excellent = "excellent" / "优秀",
        Competent = "competent" / "称职",
        Basic = "basic" / "基本称职",
        Incompetent = "incompetent" / "不称职",
    }
);

crate::labelled_enum!(
    /// Who approves a leave of this length.
    LeaveLevel {
        Town = "town" / "镇街",
        District = "district" / "区委组织部",
    }
);

/// The district's thresholds for resident cadres, kept as data.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct ResidentRules {
    /// Days a month a resident cadre should be in the village (approved leave counts).
    pub min_days: i64,
    /// The longest leave the town approves; longer leave goes to the district.
    pub town_leave_days: i64,
    /// A team's size with its first secretary: at least, at most.
    pub team_min: i64,
    pub team_max: i64,
    /// A dispatch's term in years: at least, at most.
    pub term_min_years: i32,
    pub term_max_years: i32,
    /// Unexcused absences in a year from which 优秀 is no longer given, from which the best
    /// grade is 基本称职, and from which it is 不称职.
    pub absences_no_excellent: i64,
    pub absences_basic: i64,
    pub absences_incompetent: i64,
}

impl Default for ResidentRules {
    fn default() -> Self {
        ResidentRules {
            min_days: 20,
            town_leave_days: 3,
            team_min: 3,
            team_max: 5,
            term_min_years: 1,
            term_max_years: 3,
            absences_no_excellent: 1,
            absences_basic: 2,
            absences_incompetent: 3,
        }
    }
}

impl ResidentRules {
    /// Checks values a district could mistype.
    pub fn validate(&self) -> Vec<FieldError> {
        let mut errs = Vec::new();
        let mut check = |ok: bool, field: &'static str, message: &str| {
            if !ok {
                errs.push(FieldError::new(field, "out_of_range", message));
            }
        };
        check(
            (1..=31).contains(&self.min_days),
            "residents.min_days",
            "每月在村天数应为 1–31 天",
        );
        check(
            (0..=31).contains(&self.town_leave_days),
            "residents.town_leave_days",
            "镇街审批的请假天数应为 0–31 天",
        );
        check(
            2 <= self.team_min && self.team_min <= self.team_max && self.team_max <= 20,
            "residents.team_min",
            "工作队人数应为 2–20 人，下限不大于上限",
        );
        check(
            1 <= self.term_min_years
                && self.term_min_years <= self.term_max_years
                && self.term_max_years <= 10,
            "residents.term_min_years",
            "选派期限应为 1–10 年，下限不大于上限",
        );
        check(
            1 <= self.absences_no_excellent
                && self.absences_no_excellent <= self.absences_basic
                && self.absences_basic <= self.absences_incompetent,
            "residents.absences_no_excellent",
            "缺勤次数门槛应依次不减且至少为 1",
        );
        errs
    }

    /// Who approves a leave of `days` days.
    pub fn leave_level(&self, days: i64) -> LeaveLevel {
        if days <= self.town_leave_days {
            LeaveLevel::Town
        } else {
            LeaveLevel::District
        }
    }

    /// A team of `size` cadres of whom `first_secretaries` are first secretaries.
    pub fn check_team(&self, first_secretaries: usize, size: usize) -> Result<(), FieldError> {
        if first_secretaries != 1 {
            return Err(FieldError::new(
                "cadres",
                "first_secretary",
                "工作队应有且只有一名第一书记",
            ));
        }
        let size = size as i64;
        if size < self.team_min || size > self.team_max {
            return Err(FieldError::new(
                "cadres",
                "team_size",
                format!(
                    "工作队应为 {}–{} 人（含第一书记），现为 {size} 人",
                    self.team_min, self.team_max
                ),
            ));
        }
        Ok(())
    }

    /// A dispatch from `start` to `end`: after the start, within the term's bounds.
    pub fn check_term(&self, start: Date, end: Date) -> Result<(), FieldError> {
        if end <= start {
            return Err(FieldError::new(
                "ends_on",
                "before_start",
                "选派期满日期应晚于开始日期",
            ));
        }
        let shortest = add_months(start, self.term_min_years * 12);
        let longest = add_months(start, self.term_max_years * 12);
        if end < shortest || end > longest {
            return Err(FieldError::new(
                "ends_on",
                "term",
                format!(
                    "选派期限应为 {}–{} 年",
                    self.term_min_years, self.term_max_years
                ),
            ));
        }
        Ok(())
    }

    /// The best grade a year with `absences` unexcused absences allows.
    pub fn best_grade(&self, absences: i64) -> ResidentGrade {
        if absences >= self.absences_incompetent {
            ResidentGrade::Incompetent
        } else if absences >= self.absences_basic {
            ResidentGrade::Basic
        } else if absences >= self.absences_no_excellent {
            ResidentGrade::Competent
        } else {
            ResidentGrade::Excellent
        }
    }

    /// A grade given for a year with `absences` unexcused absences: none better than they allow.
    pub fn check_grade(&self, grade: ResidentGrade, absences: i64) -> Result<(), FieldError> {
        let best = self.best_grade(absences);
        if grade < best {
            return Err(FieldError::new(
                "grade",
                "absences",
                format!(
                    "本年度督查发现无故缺勤 {absences} 次，等次最高为“{}”",
                    best.label()
                ),
            ));
        }
        Ok(())
    }

    /// Whether a month's days in the village, with its approved leave, reach the minimum.
    pub fn month_met(&self, days: i64, leave_days: i64) -> bool {
        days + leave_days >= self.min_days
    }
}

/// The days of a month (`YYYY-MM`), or `None` for no such month.
pub fn days_in_month(month: &str) -> Option<i64> {
    let (y, m) = parse_month(month)?;
    Some(i64::from(time::util::days_in_month(m, y)))
}

/// The month `YYYY-MM` as a year and a month.
pub fn parse_month(month: &str) -> Option<(i32, Month)> {
    let (y, m) = month.split_once('-')?;
    let digits = |t: &str| t.bytes().all(|b| b.is_ascii_digit());
    if y.len() != 4 || m.len() != 2 || !digits(y) || !digits(m) {
        return None;
    }
    let m = Month::try_from(m.parse::<u8>().ok()?).ok()?;
    Some((y.parse().ok()?, m))
}

/// A month's days in the village as recorded: not negative, not more than the month has.
pub fn check_days(month: &str, days: i64) -> Result<(), FieldError> {
    let Some(most) = days_in_month(month) else {
        return Err(FieldError::new(
            "month",
            "invalid",
            "月份格式应为 YYYY-MM，如 2021-06",
        ));
    };
    if !(0..=most).contains(&days) {
        return Err(FieldError::new(
            "days",
            "out_of_range",
            format!("{month} 共 {most} 天，在村天数应为 0–{most}"),
        ));
    }
    Ok(())
}

/// The days of a leave from `from` to `to` (both included) that fall in `month`.
pub fn leave_days_in(from: Date, to: Date, month: &str) -> i64 {
    let Some((y, m)) = parse_month(month) else {
        return 0;
    };
    let (Ok(first), Ok(last)) = (
        Date::from_calendar_date(y, m, 1),
        Date::from_calendar_date(y, m, time::util::days_in_month(m, y)),
    ) else {
        return 0;
    };
    let (a, b) = (from.max(first), to.min(last));
    if b < a { 0 } else { (b - a).whole_days() + 1 }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn a_team_is_one_first_secretary_and_two_to_four_members() {
        let r = ResidentRules::default();
        assert!(r.check_team(1, 3).is_ok());
        assert!(r.check_team(1, 5).is_ok());
        assert_eq!(r.check_team(1, 6).unwrap_err().code, "team_size");
        assert_eq!(r.check_team(1, 2).unwrap_err().code, "team_size");
        assert_eq!(r.check_team(0, 3).unwrap_err().code, "first_secretary");
        assert_eq!(r.check_team(2, 4).unwrap_err().code, "first_secretary");
    }

    #[test]
    fn terms_run_one_to_three_years() {
        let r = ResidentRules::default();
        let start = date!(2021 - 03 - 01);
        assert!(r.check_term(start, date!(2023 - 03 - 01)).is_ok());
        assert!(r.check_term(start, date!(2024 - 03 - 01)).is_ok());
        assert_eq!(
            r.check_term(start, date!(2020 - 03 - 01)).unwrap_err().code,
            "before_start"
        );
        assert_eq!(
            r.check_term(start, date!(2021 - 09 - 01)).unwrap_err().code,
            "term"
        );
        assert_eq!(
            r.check_term(start, date!(2024 - 03 - 02)).unwrap_err().code,
            "term"
        );
    }

    #[test]
    fn days_cannot_exceed_the_month() {
        assert_eq!(days_in_month("2021-02"), Some(28));
        assert_eq!(days_in_month("2024-02"), Some(29));
        assert_eq!(days_in_month("2021-13"), None);
        assert_eq!(days_in_month("2021-+6"), None);
        assert!(check_days("2021-02", 28).is_ok());
        assert_eq!(check_days("2021-02", 29).unwrap_err().field, "days");
        assert_eq!(check_days("2021-04", -1).unwrap_err().field, "days");
        assert_eq!(check_days("21-4", 3).unwrap_err().field, "month");
    }

    #[test]
    fn the_town_approves_short_leave_and_the_district_longer() {
        let r = ResidentRules::default();
        assert_eq!(r.leave_level(1), LeaveLevel::Town);
        assert_eq!(r.leave_level(3), LeaveLevel::Town);
        assert_eq!(r.leave_level(4), LeaveLevel::District);
    }

    #[test]
    fn approved_leave_counts_toward_the_month() {
        let r = ResidentRules::default();
        assert!(r.month_met(20, 0));
        assert!(r.month_met(18, 2));
        assert!(!r.month_met(19, 0));
        // A leave across a month's end counts its days in each month.
        let (from, to) = (date!(2021 - 05 - 30), date!(2021 - 06 - 02));
        assert_eq!(leave_days_in(from, to, "2021-05"), 2);
        assert_eq!(leave_days_in(from, to, "2021-06"), 2);
        assert_eq!(leave_days_in(from, to, "2021-07"), 0);
    }

    #[test]
    fn absences_cap_the_grade() {
        let r = ResidentRules::default();
        assert_eq!(r.best_grade(0), ResidentGrade::Excellent);
        assert_eq!(r.best_grade(1), ResidentGrade::Competent);
        assert_eq!(r.best_grade(2), ResidentGrade::Basic);
        assert_eq!(r.best_grade(3), ResidentGrade::Incompetent);
        assert_eq!(r.best_grade(7), ResidentGrade::Incompetent);
        assert!(r.check_grade(ResidentGrade::Excellent, 0).is_ok());
        assert!(r.check_grade(ResidentGrade::Basic, 1).is_ok());
        let e = r.check_grade(ResidentGrade::Excellent, 1).unwrap_err();
        assert_eq!((e.field, e.code), ("grade", "absences"));
        assert!(r.check_grade(ResidentGrade::Competent, 2).is_err());
    }

    #[test]
    fn mistyped_rules_are_named() {
        assert!(ResidentRules::default().validate().is_empty());
        let bad = ResidentRules {
            team_min: 6,
            min_days: 40,
            ..ResidentRules::default()
        };
        let fields: Vec<&str> = bad.validate().iter().map(|e| e.field).collect();
        assert_eq!(fields, ["residents.min_days", "residents.team_min"]);
    }
}
