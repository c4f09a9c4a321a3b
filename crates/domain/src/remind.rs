//! When the system reminds whom: before the theme day, before a period ends with a required
//! meeting missing, and the town when a branch has fallen behind two months running. Each
//! reminder has a key that names it once, so a job may run any number of times.

use time::{Date, Duration};

use crate::life::Period;

/// Lead times and thresholds; defaults 3 days, 5 days and 2 months.
#[derive(Debug, Clone, Copy)]
pub struct ReminderPolicy {
    pub theme_day_lead_days: i64,
    pub period_end_lead_days: i64,
    pub behind_months: usize,
}

impl Default for ReminderPolicy {
    fn default() -> Self {
        ReminderPolicy {
            theme_day_lead_days: 3,
            period_end_lead_days: 5,
            behind_months: 2,
        }
    }
}

impl ReminderPolicy {
    /// Within the lead days before a fixed meeting day of this month (the day itself excluded).
    pub fn before_fixed_day(&self, today: Date, day: u8) -> bool {
        let d = i64::from(today.day());
        let fixed = i64::from(day);
        d < fixed && fixed - d <= self.theme_day_lead_days
    }

    /// Within the lead days before a period's last day (that day included).
    pub fn period_ending(&self, today: Date, period: &Period) -> bool {
        today <= period.end && today >= period.end - Duration::days(self.period_end_lead_days)
    }
}

/// Who among an org's accounts a kind of reminder is meant for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Audience {
    /// Every account of the org, members too: when the branch meets.
    Everyone,
    /// Those who run the org: the reminder names colleagues (arrears, a poor evaluation,
    /// a recruit's step) or the work of other orgs.
    Staff,
}

/// The kinds of reminder a member's own account reads.
pub const FOR_EVERYONE: [&str; 2] = ["fixed_day", "period_end"];

/// Unknown kinds are for staff: a new kind must be opened to members on purpose.
pub fn audience(kind: &str) -> Audience {
    if FOR_EVERYONE.contains(&kind) {
        Audience::Everyone
    } else {
        Audience::Staff
    }
}

/// The key that makes a reminder unique: what, for whom, for which period.
pub fn key(kind: &str, org_id: i64, what: &str, month: &str) -> String {
    format!("{kind}:{org_id}:{what}:{month}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::life::PeriodType;
    use time::macros::date;

    #[test]
    fn only_meeting_days_reach_every_member() {
        assert_eq!(audience("fixed_day"), Audience::Everyone);
        assert_eq!(audience("period_end"), Audience::Everyone);
        for staff in [
            "lapse",
            "evaluation_poor",
            "recruit",
            "behind",
            "request_overdue",
            "rectify_overdue",
            "problem_overdue",
            "visits_short",
            "secretary_item_overdue",
            "term_ending",
            "new_kind",
        ] {
            assert_eq!(audience(staff), Audience::Staff, "{staff}");
        }
    }

    #[test]
    fn theme_day_lead() {
        let p = ReminderPolicy::default();
        assert!(!p.before_fixed_day(date!(2026 - 05 - 06), 10));
        assert!(p.before_fixed_day(date!(2026 - 05 - 07), 10));
        assert!(p.before_fixed_day(date!(2026 - 05 - 09), 10));
        assert!(
            !p.before_fixed_day(date!(2026 - 05 - 10), 10),
            "on the day itself it is too late to remind"
        );
        assert!(!p.before_fixed_day(date!(2026 - 05 - 11), 10));
    }

    #[test]
    fn period_end_lead_at_quarter_end() {
        let p = ReminderPolicy::default();
        let q1 = Period::containing(PeriodType::Quarter, date!(2026 - 02 - 01));
        assert!(!p.period_ending(date!(2026 - 03 - 25), &q1));
        assert!(p.period_ending(date!(2026 - 03 - 26), &q1));
        assert!(p.period_ending(date!(2026 - 03 - 31), &q1));
        assert!(!p.period_ending(date!(2026 - 04 - 01), &q1));
    }

    #[test]
    fn keys_name_one_reminder() {
        assert_eq!(
            key("theme_day", 7, "theme_day", "2026-05"),
            "theme_day:7:theme_day:2026-05"
        );
        assert_ne!(
            key("period_end", 7, "general_meeting", "2026-03"),
            key("period_end", 7, "general_meeting", "2026-06")
        );
    }
}
