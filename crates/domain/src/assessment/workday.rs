//! Working days as the State Council's yearly notice sets them: weekends are rest days unless
//! a Saturday or Sunday is made a working day (调休上班), and holidays are rest days whatever
//! the weekday. The calendar is data, kept per year by the district; a problem ledger's clock
//! (accept within 2 working days, reply within 5) counts on it.

use std::collections::BTreeSet;

use time::{Date, Duration, Weekday};

/// Rest days and working weekend days, for the years the district has entered.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Calendar {
    pub holidays: BTreeSet<Date>,
    /// Saturdays and Sundays worked in exchange for a longer holiday.
    pub working_weekends: BTreeSet<Date>,
}

impl Calendar {
    pub fn is_working_day(&self, d: Date) -> bool {
        if self.holidays.contains(&d) {
            return false;
        }
        let weekend = matches!(d.weekday(), Weekday::Saturday | Weekday::Sunday);
        !weekend || self.working_weekends.contains(&d)
    }

    /// The day `n` working days after `from` (not counting `from` itself): a problem accepted
    /// on a Friday with 2 days to reply is due on Tuesday. `n = 0` is `from`.
    pub fn add_working_days(&self, from: Date, n: u32) -> Date {
        let mut d = from;
        let mut left = n;
        while left > 0 {
            d += Duration::days(1);
            if self.is_working_day(d) {
                left -= 1;
            }
        }
        d
    }

    /// Working days after `from` up to and including `to` (0 when `to` is not after `from`):
    /// how late a reply is, in the days the rule counts.
    pub fn working_days_between(&self, from: Date, to: Date) -> u32 {
        let mut n = 0;
        let mut d = from;
        while d < to {
            d += Duration::days(1);
            if self.is_working_day(d) {
                n += 1;
            }
        }
        n
    }

    /// Adds a year's notice: its holidays and its working weekends.
    pub fn with(mut self, year: &YearNotice) -> Self {
        self.holidays.extend(year.holidays());
        self.working_weekends.extend(year.working_weekends());
        self
    }
}

/// One year's notice as published: holiday spans and working weekend days, month and day.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct YearNotice {
    pub year: i32,
    /// (month, first day, last day) of each holiday span.
    pub spans: &'static [(u8, u8, u8)],
    /// (month, day) of each weekend day worked.
    pub worked: &'static [(u8, u8)],
}

impl YearNotice {
    fn date(&self, month: u8, day: u8) -> Option<Date> {
        let month = time::Month::try_from(month).ok()?;
        Date::from_calendar_date(self.year, month, day).ok()
    }

    pub fn holidays(&self) -> Vec<Date> {
        self.spans
            .iter()
            .flat_map(|&(m, first, last)| (first..=last).filter_map(move |d| self.date(m, d)))
            .collect()
    }

    pub fn working_weekends(&self) -> Vec<Date> {
        self.worked
            .iter()
            .filter_map(|&(m, d)| self.date(m, d))
            .collect()
    }
}

/// 国务院办公厅关于2026年部分节假日安排的通知. The next year's is entered by the district when
/// the notice is published (usually in November).
pub const NOTICE_2026: YearNotice = YearNotice {
    year: 2026,
    spans: &[
        (1, 1, 3),   // 元旦
        (2, 15, 23), // 春节
        (4, 4, 6),   // 清明节
        (5, 1, 5),   // 劳动节
        (6, 19, 21), // 端午节
        (9, 25, 27), // 中秋节
        (10, 1, 7),  // 国庆节
    ],
    worked: &[(1, 4), (2, 14), (2, 28), (5, 9), (9, 20), (10, 10)],
};

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    fn cal() -> Calendar {
        Calendar::default().with(&NOTICE_2026)
    }

    #[test]
    fn the_2026_notice() {
        let c = cal();
        assert_eq!(c.holidays.len(), 3 + 9 + 3 + 5 + 3 + 3 + 7);
        assert!(
            c.working_weekends
                .iter()
                .all(|d| matches!(d.weekday(), Weekday::Saturday | Weekday::Sunday)),
            "every day worked in exchange is a weekend day"
        );
        assert!(!c.is_working_day(date!(2026 - 10 - 05)), "a Monday in 国庆");
        assert!(c.is_working_day(date!(2026 - 10 - 10)), "a Saturday worked");
        assert!(
            !c.is_working_day(date!(2026 - 10 - 11)),
            "an ordinary Sunday"
        );
        assert!(c.is_working_day(date!(2026 - 10 - 12)));
    }

    #[test]
    fn counting_across_weekends_holidays_and_worked_weekends() {
        let c = cal();
        // Accepted on a Friday, 2 working days: Tuesday.
        assert_eq!(
            c.add_working_days(date!(2026 - 03 - 06), 2),
            date!(2026 - 03 - 10)
        );
        // Logged the day before 国庆 (Wednesday 30 September): the 7 days off pass, and the
        // worked Saturday 10 October counts. Thursday 8, Friday 9, Saturday 10.
        assert_eq!(
            c.add_working_days(date!(2026 - 09 - 30), 3),
            date!(2026 - 10 - 10)
        );
        // Before 春节: Friday 13 February, the worked Saturday 14, then nine days off.
        assert_eq!(
            c.add_working_days(date!(2026 - 02 - 13), 2),
            date!(2026 - 02 - 24)
        );
        assert_eq!(
            c.add_working_days(date!(2026 - 02 - 13), 0),
            date!(2026 - 02 - 13)
        );
        assert_eq!(
            c.working_days_between(date!(2026 - 09 - 30), date!(2026 - 10 - 10)),
            3
        );
        assert_eq!(
            c.working_days_between(date!(2026 - 10 - 10), date!(2026 - 09 - 30)),
            0
        );
        // Without the notice, the same span is plain weekdays.
        assert_eq!(
            Calendar::default().add_working_days(date!(2026 - 09 - 30), 3),
            date!(2026 - 10 - 05)
        );
    }

    #[test]
    fn adding_then_counting_agree() {
        let c = cal();
        let mut d = date!(2026 - 01 - 01);
        while d < date!(2026 - 12 - 20) {
            for n in [1, 2, 5] {
                assert_eq!(
                    c.working_days_between(d, c.add_working_days(d, n)),
                    n,
                    "{d}"
                );
            }
            d += Duration::days(3);
        }
    }
}
