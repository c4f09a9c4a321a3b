//! A problem ledger's clock (问题清单): accepted or refused within 2 working days of being
//! logged, a reply within 5 of acceptance, the reporter's feedback within 5 of the reply, by
//! default; and 办结率, closed on time and late against those due.

use serde::{Deserialize, Serialize};
use time::Date;

use super::workday::Calendar;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct ProblemClock {
    pub accept_days: u32,
    pub reply_days: u32,
    pub feedback_days: u32,
}

impl Default for ProblemClock {
    fn default() -> Self {
        ProblemClock {
            accept_days: 2,
            reply_days: 5,
            feedback_days: 5,
        }
    }
}

/// The step a problem waits on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Step {
    Accept,
    Reply,
    Feedback,
}

impl ProblemClock {
    /// The last working day for `step`, counted from the day the step before it ended.
    pub fn due(&self, calendar: &Calendar, step: Step, from: Date) -> Date {
        let days = match step {
            Step::Accept => self.accept_days,
            Step::Reply => self.reply_days,
            Step::Feedback => self.feedback_days,
        };
        calendar.add_working_days(from, days)
    }
}

/// Problems due in a period and how they ended.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct ClosingRate {
    pub due: i64,
    pub on_time: i64,
    pub late: i64,
}

impl ClosingRate {
    /// 按时办结率 in tenths of a percent; none when nothing was due.
    pub fn on_time_permille(&self) -> Option<i64> {
        (self.due > 0).then(|| self.on_time * 1000 / self.due)
    }

    /// 办结率 (on time and late) in tenths of a percent.
    pub fn closed_permille(&self) -> Option<i64> {
        (self.due > 0).then(|| (self.on_time + self.late) * 1000 / self.due)
    }
}

crate::labelled_enum!(
    /// Where a problem stands on the ledger.
    ProblemState {
        Logged = "logged" / "待受理",
        Accepted = "accepted" / "办理中",
        Refused = "refused" / "不予受理",
        Replied = "replied" / "已答复、待反馈",
        Closed = "closed" / "已办结",
    }
);

crate::labelled_enum!(
    /// A move on the ledger: accept or refuse, reply, close with the reporter's feedback.
    ProblemAction {
        Accept = "accept" / "受理",
        Refuse = "refuse" / "不予受理",
        Reply = "reply" / "答复",
        Close = "close" / "反馈办结",
    }
);

crate::labelled_enum!(
    /// Where a problem came from.
    ProblemSource {
        Contact = "contact" / "联系点走访",
        Request = "request" / "群众诉求",
        Enterprise = "enterprise" / "企业反映",
        Other = "other" / "其他",
    }
);

impl ProblemAction {
    /// The state after the move, or `None` when it cannot be made now.
    pub fn next(self, from: ProblemState) -> Option<ProblemState> {
        use ProblemState::*;
        match (self, from) {
            (ProblemAction::Accept, Logged) => Some(Accepted),
            (ProblemAction::Refuse, Logged) => Some(Refused),
            (ProblemAction::Reply, Accepted) => Some(Replied),
            (ProblemAction::Close, Replied) => Some(Closed),
            _ => None,
        }
    }

    /// The text the move must carry: the reason, the reply, the feedback.
    pub fn text_label(self) -> Option<&'static str> {
        match self {
            ProblemAction::Accept => None,
            ProblemAction::Refuse => Some("不予受理的理由"),
            ProblemAction::Reply => Some("答复内容"),
            ProblemAction::Close => Some("反映人的反馈意见"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::assessment::workday::NOTICE_2026;
    use time::macros::date;

    #[test]
    fn each_step_runs_on_working_days() {
        let cal = Calendar::default().with(&NOTICE_2026);
        let clock = ProblemClock::default();
        // Logged on Thursday 30 April: 劳动节 runs to 5 May, Saturday 9 May is worked.
        assert_eq!(
            clock.due(&cal, Step::Accept, date!(2026 - 04 - 30)),
            date!(2026 - 05 - 07)
        );
        // Friday 8, the worked Saturday 9, Monday 11 to Wednesday 13.
        assert_eq!(
            clock.due(&cal, Step::Reply, date!(2026 - 05 - 07)),
            date!(2026 - 05 - 13)
        );
        assert_eq!(
            clock.due(&cal, Step::Feedback, date!(2026 - 05 - 13)),
            date!(2026 - 05 - 20)
        );
    }

    #[test]
    fn closing_rates() {
        let r = ClosingRate {
            due: 8,
            on_time: 6,
            late: 1,
        };
        assert_eq!(r.on_time_permille(), Some(750));
        assert_eq!(r.closed_permille(), Some(875));
        assert_eq!(ClosingRate::default().on_time_permille(), None);
    }

    #[test]
    fn a_problem_is_accepted_replied_and_closed_never_closed_unanswered() {
        use ProblemState::*;
        assert_eq!(ProblemAction::Accept.next(Logged), Some(Accepted));
        assert_eq!(ProblemAction::Refuse.next(Logged), Some(Refused));
        assert_eq!(ProblemAction::Reply.next(Accepted), Some(Replied));
        assert_eq!(ProblemAction::Close.next(Replied), Some(Closed));
        assert_eq!(
            ProblemAction::Close.next(Accepted),
            None,
            "no 办结 without a reply"
        );
        assert_eq!(ProblemAction::Reply.next(Logged), None);
        assert_eq!(ProblemAction::Accept.next(Refused), None);
        assert!(ProblemAction::Reply.text_label().is_some());
    }
}
