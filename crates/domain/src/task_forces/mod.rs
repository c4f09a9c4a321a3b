//! Commando teams (党员突击队): temporary branches (临时党支部) opened for a mission under a
//! parent organization, with seconded members whose spans lie inside the team's.

use time::Date;

use crate::FieldError;
use crate::date;

crate::labelled_enum! {
    /// What a team was opened for.
    Mission {
        Epidemic = "epidemic" / "疫情防控",
        Flood = "flood" / "防汛抢险",
        Project = "project" / "重点项目",
        Other = "other" / "其他",
    }
}

/// A team's span: from its start to its closing, or to its planned end while open.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct TeamSpan {
    pub started_on: Date,
    pub ends_on: Date,
    pub closed_on: Option<Date>,
}

impl TeamSpan {
    /// The last day members may serve in it.
    pub fn last_day(&self) -> Date {
        self.closed_on.unwrap_or(self.ends_on)
    }

    /// A secondment from `from` to `to` (default the team's last day), inside the team's span.
    pub fn check_secondment(
        &self,
        from: Date,
        to: Option<Date>,
    ) -> Result<(Date, Date), FieldError> {
        if self.closed_on.is_some() {
            return Err(FieldError::new(
                "team",
                "closed",
                "突击队已撤销，不能再抽调队员",
            ));
        }
        if from < self.started_on || from > self.last_day() {
            return Err(FieldError::new(
                "from_on",
                "outside_team",
                format!(
                    "抽调开始日期应在突击队组建期内（{} 至 {}）",
                    date::format(self.started_on),
                    date::format(self.last_day())
                ),
            ));
        }
        let to = to.unwrap_or(self.last_day());
        if to > self.last_day() {
            return Err(FieldError::new(
                "to_on",
                "beyond_team",
                format!(
                    "抽调结束日期不能晚于突击队结束日期 {}",
                    date::format(self.last_day())
                ),
            ));
        }
        if to < from {
            return Err(FieldError::new(
                "to_on",
                "before_start",
                "抽调结束日期不能早于开始日期",
            ));
        }
        Ok((from, to))
    }

    /// A day of the team's life (its meetings, its applications).
    pub fn contains(&self, on: Date) -> bool {
        on >= self.started_on && on <= self.last_day()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use time::macros::date;

    fn span() -> TeamSpan {
        TeamSpan {
            started_on: date!(2020 - 01 - 25),
            ends_on: date!(2020 - 03 - 31),
            closed_on: None,
        }
    }

    #[test]
    fn a_secondment_stays_inside_the_team() {
        let s = span();
        assert_eq!(
            s.check_secondment(date!(2020 - 02 - 01), None),
            Ok((date!(2020 - 02 - 01), date!(2020 - 03 - 31)))
        );
        let e = s
            .check_secondment(date!(2020 - 02 - 01), Some(date!(2020 - 04 - 01)))
            .expect_err("beyond");
        assert_eq!((e.field, e.code), ("to_on", "beyond_team"));
        let e = s
            .check_secondment(date!(2020 - 01 - 24), None)
            .expect_err("before");
        assert_eq!(e.field, "from_on");
        let e = s
            .check_secondment(date!(2020 - 02 - 10), Some(date!(2020 - 02 - 09)))
            .expect_err("reversed");
        assert_eq!(e.code, "before_start");
    }

    #[test]
    fn a_closed_team_takes_no_one_and_ends_on_its_closing() {
        let s = TeamSpan {
            closed_on: Some(date!(2020 - 03 - 01)),
            ..span()
        };
        assert_eq!(s.last_day(), date!(2020 - 03 - 01));
        assert!(s.check_secondment(date!(2020 - 02 - 01), None).is_err());
        assert!(s.contains(date!(2020 - 03 - 01)));
        assert!(!s.contains(date!(2020 - 03 - 02)));
    }
}
