//! 组织关系转接 (DOMAIN.md §6): the kinds of transfer, their states, and which step may follow
//! which. The introduction letter (介绍信) is valid for a number of days from its issue.

use time::{Date, Duration};

use crate::labelled_enum;

labelled_enum!(
    TransferKind {
        /// Both sides inside the district: the receiving branch accepts in the system.
        Internal = "internal" / "区内转接",
        /// To an organization outside the district: the receipt (回执) comes back by letter.
        Out = "out" / "转出区外",
        /// From outside: the letter arrived and the member is registered on receipt.
        In = "in" / "区外转入",
        /// 流出: the member works or lives elsewhere for a while and stays in the home branch.
        FlowOut = "flow_out" / "外出流动",
    }
);

labelled_enum!(
    TransferState {
        Requested = "requested" / "待审批",
        Approved = "approved" / "已开具介绍信",
        Received = "received" / "已接收",
        Rejected = "rejected" / "已退回",
        Expired = "expired" / "介绍信已过期",
        Cancelled = "cancelled" / "已撤回",
    }
);

labelled_enum!(
    TransferAction {
        /// The sending side approves and issues the letter.
        Approve = "approve" / "审批并开具介绍信",
        /// The receiving side accepts (or, for a transfer out, the receipt came back).
        Receive = "receive" / "接收",
        /// Either side sends it back with a reason.
        Reject = "reject" / "退回",
        /// The requester withdraws a request not yet approved.
        Cancel = "cancel" / "撤回",
        /// The letter's validity ran out before the member arrived.
        Expire = "expire" / "过期",
    }
);

/// Where a transfer may go from `state` on `action`; None when the step is not allowed.
pub fn next(state: TransferState, action: TransferAction) -> Option<TransferState> {
    use TransferAction as A;
    use TransferState as S;
    match (state, action) {
        (S::Requested, A::Approve) => Some(S::Approved),
        (S::Requested, A::Reject) | (S::Approved, A::Reject) => Some(S::Rejected),
        (S::Requested, A::Cancel) => Some(S::Cancelled),
        (S::Approved, A::Receive) => Some(S::Received),
        (S::Approved, A::Expire) => Some(S::Expired),
        _ => None,
    }
}

impl TransferState {
    /// No further step is possible.
    pub fn is_final(self) -> bool {
        TransferAction::ALL.iter().all(|a| next(self, *a).is_none())
    }
}

/// Limits of the transfer rules; defaults from DOMAIN.md §6.
#[derive(Debug, Clone, Copy)]
pub struct TransferRules {
    /// How long an introduction letter stays valid (≤ 3 months).
    pub letter_valid_days: i64,
}

impl Default for TransferRules {
    fn default() -> Self {
        Self {
            letter_valid_days: 90,
        }
    }
}

impl TransferRules {
    /// The last day a letter issued on `issued` may be presented.
    pub fn valid_until(&self, issued: Date) -> Date {
        issued + Duration::days(self.letter_valid_days)
    }

    pub fn is_expired(&self, valid_until: Date, today: Date) -> bool {
        today > valid_until
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use TransferAction as A;
    use TransferState as S;

    #[test]
    fn every_allowed_and_forbidden_step() {
        let allowed = [
            (S::Requested, A::Approve, S::Approved),
            (S::Requested, A::Reject, S::Rejected),
            (S::Requested, A::Cancel, S::Cancelled),
            (S::Approved, A::Receive, S::Received),
            (S::Approved, A::Reject, S::Rejected),
            (S::Approved, A::Expire, S::Expired),
        ];
        for s in S::ALL {
            for a in A::ALL {
                let expected = allowed
                    .iter()
                    .find(|(from, act, _)| from == s && act == a)
                    .map(|(_, _, to)| *to);
                assert_eq!(next(*s, *a), expected, "{s:?} + {a:?}");
            }
        }
    }

    #[test]
    fn finished_transfers_are_final() {
        for s in [S::Received, S::Rejected, S::Expired, S::Cancelled] {
            assert!(s.is_final(), "{s:?}");
        }
        assert!(!S::Requested.is_final());
        assert!(!S::Approved.is_final());
    }

    #[test]
    fn a_letter_is_valid_for_ninety_days_including_the_last() {
        let r = TransferRules::default();
        let issued = Date::from_calendar_date(2026, time::Month::January, 10).expect("date");
        let last = r.valid_until(issued);
        assert_eq!(
            last,
            Date::from_calendar_date(2026, time::Month::April, 10).expect("date")
        );
        assert!(!r.is_expired(last, last));
        assert!(r.is_expired(last, last.next_day().expect("next")));
    }
}
