//! The people through whom party work reaches a unit: party-building instructors assigned by
//! the district for a term, leaders who look after enterprises (包企业) and factory liaisons
//! (驻厂员); the terms of their assignments and what a month or a quarter of visits meets.

use time::{Date, Duration, Month};

use super::EnterpriseRules;
use crate::FieldError;
use crate::date;

crate::labelled_enum! {
    /// Who a helper is to the unit.
    HelperRole {
        Instructor = "instructor" / "党建指导员",
        Leader = "leader" / "包企业领导",
        Liaison = "liaison" / "驻厂员",
    }
}

impl HelperRole {
    /// Instructors and liaisons carry party work into the unit (work coverage); a leader
    /// looks after it from outside.
    pub fn reaches_work(self) -> bool {
        matches!(self, HelperRole::Instructor | HelperRole::Liaison)
    }

    /// Instructors and leaders are assigned by the district; liaisons by the town too.
    pub fn district_only(self) -> bool {
        matches!(self, HelperRole::Instructor | HelperRole::Leader)
    }
}

/// The last day of an instructor's term begun on `start`: the day before its anniversary
/// `years` later.
pub fn term_end(start: Date, years: i64) -> Date {
    let months = i32::try_from(years.clamp(0, 100) * 12).unwrap_or(0);
    date::add_months(start, months) - Duration::days(1)
}

/// The first and last day of the quarter `on` falls in.
pub fn quarter_bounds(on: Date) -> (Date, Date) {
    let first = (u8::from(on.month()) - 1) / 3 * 3 + 1;
    let from = Date::from_calendar_date(
        on.year(),
        Month::try_from(first).unwrap_or(Month::January),
        1,
    )
    .unwrap_or(on);
    (from, date::add_months(from, 3) - Duration::days(1))
}

/// The first and last day of the month `on` falls in.
pub fn month_bounds(on: Date) -> (Date, Date) {
    let from = on.replace_day(1).unwrap_or(on);
    (from, date::add_months(from, 1) - Duration::days(1))
}

impl EnterpriseRules {
    /// An instructor's days on site in a month reach the minimum.
    pub fn instructor_month_met(&self, days: i64) -> bool {
        days >= self.instructor_min_days
    }

    /// A leader's visits in a quarter reach the minimum.
    pub fn leader_quarter_met(&self, visits: i64) -> bool {
        visits >= self.leader_visits_per_quarter
    }

    /// An instructor already looking after `units` units may take one more.
    pub fn check_instructor_units(&self, units: i64) -> Result<(), FieldError> {
        if units >= self.instructor_units {
            return Err(FieldError::new(
                "member_id",
                "instructor_full",
                format!(
                    "该指导员已联系 {units} 个单位，每名指导员最多联系 {} 个",
                    self.instructor_units
                ),
            ));
        }
        Ok(())
    }
}

/// Days on site of one visit: at least one, and no more than the days left in its month
/// from the day it began.
pub fn check_visit_days(visited_on: Date, days: i64) -> Result<(), FieldError> {
    let (_, last) = month_bounds(visited_on);
    let most = i64::from(last.day() - visited_on.day()) + 1;
    if !(1..=most).contains(&days) {
        return Err(FieldError::new(
            "days",
            "out_of_range",
            format!("驻企天数应为 1–{most} 天（不跨月，跨月请分两次记录）"),
        ));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn a_term_ends_the_day_before_its_anniversary() {
        assert_eq!(term_end(date!(2026 - 03 - 01), 2), date!(2028 - 02 - 29));
        assert_eq!(term_end(date!(2025 - 07 - 15), 2), date!(2027 - 07 - 14));
    }

    #[test]
    fn quarters_and_months_are_bounded() {
        assert_eq!(
            quarter_bounds(date!(2026 - 05 - 20)),
            (date!(2026 - 04 - 01), date!(2026 - 06 - 30))
        );
        assert_eq!(
            quarter_bounds(date!(2026 - 12 - 31)),
            (date!(2026 - 10 - 01), date!(2026 - 12 - 31))
        );
        assert_eq!(
            month_bounds(date!(2028 - 02 - 10)),
            (date!(2028 - 02 - 01), date!(2028 - 02 - 29))
        );
    }

    #[test]
    fn rules_decide_what_a_month_and_a_quarter_meet() {
        let r = EnterpriseRules::default();
        assert!(r.instructor_month_met(10));
        assert!(!r.instructor_month_met(9));
        assert!(r.leader_quarter_met(1));
        assert!(!r.leader_quarter_met(0));
        assert!(r.check_instructor_units(2).is_ok());
        let e = r.check_instructor_units(3).expect_err("full");
        assert_eq!((e.field, e.code), ("member_id", "instructor_full"));
    }

    #[test]
    fn a_visit_stays_in_its_month() {
        assert!(check_visit_days(date!(2026 - 04 - 21), 10).is_ok());
        assert!(check_visit_days(date!(2026 - 04 - 22), 10).is_err());
        assert!(check_visit_days(date!(2026 - 04 - 01), 0).is_err());
        assert!(check_visit_days(date!(2026 - 04 - 30), 1).is_ok());
    }

    #[test]
    fn instructors_and_liaisons_reach_work_and_the_district_assigns_two() {
        assert!(HelperRole::Instructor.reaches_work());
        assert!(!HelperRole::Leader.reaches_work());
        assert!(HelperRole::Leader.district_only());
        assert!(!HelperRole::Liaison.district_only());
        assert_eq!(HelperRole::parse("驻厂员"), Some(HelperRole::Liaison));
    }
}
