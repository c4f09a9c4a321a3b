//! 书记抓基层党建述职评议考核: from November to the year's end each level rates the secretaries
//! of the level below. The votes of each meeting are entered as counted; the level above sets
//! the grade, seeing the votes beside it.

use serde::{Deserialize, Serialize};
use time::{Date, Month};

use crate::FieldError;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Grade {
    Good,
    FairlyGood,
    Average,
    Poor,
}

impl Grade {
    pub const ALL: [Grade; 4] = [Grade::Good, Grade::FairlyGood, Grade::Average, Grade::Poor];

    pub fn as_str(self) -> &'static str {
        match self {
            Grade::Good => "good",
            Grade::FairlyGood => "fairly_good",
            Grade::Average => "average",
            Grade::Poor => "poor",
        }
    }

    /// The code or the Chinese label.
    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL
            .into_iter()
            .find(|g| g.as_str() == s || g.label() == s)
    }

    pub fn label(self) -> &'static str {
        match self {
            Grade::Good => "好",
            Grade::FairlyGood => "较好",
            Grade::Average => "一般",
            Grade::Poor => "差",
        }
    }
}

/// One meeting's count.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct Votes {
    pub present: i64,
    pub good: i64,
    pub fairly_good: i64,
    pub average: i64,
    pub poor: i64,
}

impl Votes {
    /// Counts that can have been cast: none negative, no more than were present.
    pub fn check(&self) -> Result<(), FieldError> {
        let cast = [self.good, self.fairly_good, self.average, self.poor];
        if self.present <= 0 || cast.iter().any(|n| *n < 0) {
            return Err(FieldError::new(
                "present",
                "out_of_range",
                "到会人数应大于 0，票数不能为负",
            ));
        }
        let total: i64 = cast.iter().sum();
        if total > self.present {
            return Err(FieldError::new(
                "poor",
                "too_many_votes",
                format!("票数合计 {total} 超过到会人数 {}", self.present),
            ));
        }
        Ok(())
    }

    /// 好 and 较好 together, in tenths of a percent of those present.
    pub fn approval_permille(&self) -> i64 {
        if self.present <= 0 {
            return 0;
        }
        (self.good + self.fairly_good) * 1000 / self.present
    }
}

/// The months the ratings are held in (default November and December).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct RatingWindow {
    pub from_month: u8,
    pub to_month: u8,
}

impl Default for RatingWindow {
    fn default() -> Self {
        RatingWindow {
            from_month: 11,
            to_month: 12,
        }
    }
}

impl RatingWindow {
    pub fn contains(&self, day: Date) -> bool {
        let m = u8::from(day.month());
        self.from_month <= m && m <= self.to_month
    }

    /// The first day ratings of `year` may be entered.
    pub fn opens(&self, year: i32) -> Option<Date> {
        let month = Month::try_from(self.from_month).ok()?;
        Date::from_calendar_date(year, month, 1).ok()
    }

    /// Whether the meeting that rated `year` may have been held on `day`: from the year's
    /// window on, and before the next year's opens (a late round is entered in January).
    pub fn meeting_fits(&self, year: i32, day: Date) -> bool {
        self.opens(year).is_some_and(|from| from <= day)
            && self.opens(year + 1).is_some_and(|next| day < next)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    #[test]
    fn votes_that_cannot_have_been_cast_are_refused() {
        let v = Votes {
            present: 30,
            good: 20,
            fairly_good: 6,
            average: 3,
            poor: 1,
        };
        assert_eq!(v.check(), Ok(()));
        assert_eq!(v.approval_permille(), 866);
        let over = Votes { poor: 2, ..v };
        assert_eq!(over.check().expect_err("31 of 30").code, "too_many_votes");
        assert_eq!(
            Votes { present: 0, ..v }.check().expect_err("none").field,
            "present"
        );
        assert_eq!(
            Votes { good: -1, ..v }.check().expect_err("neg").field,
            "present"
        );
        assert_eq!(Grade::FairlyGood.label(), "较好");
    }

    #[test]
    fn ratings_open_in_november() {
        let w = RatingWindow::default();
        assert!(!w.contains(date!(2026 - 10 - 31)));
        assert!(w.contains(date!(2026 - 11 - 01)));
        assert!(w.contains(date!(2026 - 12 - 31)));
        assert_eq!(w.opens(2026), Some(date!(2026 - 11 - 01)));
        assert!(!w.meeting_fits(2026, date!(2026 - 10 - 31)));
        assert!(w.meeting_fits(2026, date!(2026 - 11 - 01)));
        assert!(w.meeting_fits(2026, date!(2027 - 01 - 15)), "a late round");
        assert!(
            !w.meeting_fits(2026, date!(2027 - 11 - 01)),
            "next year's round"
        );
    }
}
