//! 群众诉求 (呼 → 来 → 动): a resident's request, the community that answers it, and the
//! member or department that acts. The life of a request is a small state machine; every
//! transition is checked here, by who may take it, before anything is stored.

use crate::labelled_enum;

labelled_enum!(
    /// Where a request stands.
    RequestState {
        Submitted = "submitted" / "待受理",
        Accepted = "accepted" / "已受理",
        Rejected = "rejected" / "不予受理",
        Assigned = "assigned" / "已派党员",
        Dispatched = "dispatched" / "已转部门",
        InProgress = "in_progress" / "办理中",
        Resolved = "resolved" / "已办结",
        Reopened = "reopened" / "群众不满意",
        Confirmed = "confirmed" / "群众已确认",
        Closed = "closed" / "已关闭",
    }
);

labelled_enum!(
    /// What someone does to a request.
    RequestAction {
        Accept = "accept" / "受理",
        Reject = "reject" / "不予受理",
        Assign = "assign" / "派给党员",
        Dispatch = "dispatch" / "转交部门",
        Start = "start" / "开始办理",
        Resolve = "resolve" / "办结答复",
        Confirm = "confirm" / "确认解决",
        Reopen = "reopen" / "未解决",
        Close = "close" / "关闭",
    }
);

/// Who takes an action: the resident who submitted (with code and phone), or staff.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Side {
    Resident,
    Staff,
}

impl RequestAction {
    /// The side that may take this action.
    pub fn side(self) -> Side {
        match self {
            RequestAction::Confirm | RequestAction::Reopen => Side::Resident,
            _ => Side::Staff,
        }
    }

    /// Whether the action needs a text (a reason, a reply).
    pub fn needs_text(self) -> bool {
        matches!(self, RequestAction::Reject | RequestAction::Resolve)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TransitionError {
    /// The action does not apply in this state.
    NotNow,
    /// The action belongs to the other side.
    WrongSide,
}

impl TransitionError {
    pub fn message(self) -> &'static str {
        match self {
            TransitionError::NotNow => "诉求当前状态下不能进行此操作",
            TransitionError::WrongSide => "无权进行此操作",
        }
    }
}

/// The state after `action`, if `side` may take it in `state`.
pub fn next(
    state: RequestState,
    action: RequestAction,
    side: Side,
) -> Result<RequestState, TransitionError> {
    use RequestAction as A;
    use RequestState as S;
    if action.side() != side {
        return Err(TransitionError::WrongSide);
    }
    let to = match (state, action) {
        (S::Submitted, A::Accept) => S::Accepted,
        (S::Submitted, A::Reject) => S::Rejected,
        (S::Accepted | S::Reopened, A::Assign) => S::Assigned,
        (S::Accepted | S::Reopened, A::Dispatch) => S::Dispatched,
        // A member or department that was sent the request may pass it on.
        (S::Assigned, A::Dispatch) => S::Dispatched,
        (S::Dispatched, A::Assign) => S::Assigned,
        (S::Assigned | S::Dispatched, A::Start) => S::InProgress,
        (S::Assigned | S::Dispatched | S::InProgress, A::Resolve) => S::Resolved,
        (S::Resolved, A::Confirm) => S::Confirmed,
        (S::Resolved, A::Reopen) => S::Reopened,
        (S::Confirmed | S::Rejected | S::Resolved, A::Close) => S::Closed,
        _ => return Err(TransitionError::NotNow),
    };
    Ok(to)
}

impl RequestState {
    /// Whether the request is over: nothing more happens to it.
    pub fn is_final(self) -> bool {
        matches!(self, RequestState::Closed)
    }

    /// Whether the community still has to accept it.
    pub fn awaits_acceptance(self) -> bool {
        self == RequestState::Submitted
    }

    /// Whether someone still has to resolve it.
    pub fn awaits_resolution(self) -> bool {
        matches!(
            self,
            RequestState::Accepted
                | RequestState::Reopened
                | RequestState::Assigned
                | RequestState::Dispatched
                | RequestState::InProgress
        )
    }
}

/// Time limits of one category, in hours.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Sla {
    pub accept_hours: i64,
    pub resolve_hours: i64,
}

impl Default for Sla {
    fn default() -> Self {
        Sla {
            accept_hours: 24,
            resolve_hours: 24 * 7,
        }
    }
}

const HOUR_MS: i64 = 60 * 60 * 1000;

/// When the request becomes overdue, for its state: acceptance counts from submission,
/// resolution from acceptance (or from the reopening).
pub fn due_at(
    state: RequestState,
    sla: Sla,
    submitted_at: i64,
    accepted_at: Option<i64>,
) -> Option<i64> {
    if state.awaits_acceptance() {
        Some(submitted_at + sla.accept_hours * HOUR_MS)
    } else if state.awaits_resolution() {
        accepted_at.map(|a| a + sla.resolve_hours * HOUR_MS)
    } else {
        None
    }
}

/// How many levels above the community an overdue request has climbed: one level when it
/// falls due, one more for each further span of its limit, never above `max_levels`.
pub fn escalation_level(now: i64, due: i64, span_hours: i64, max_levels: i64) -> i64 {
    if now < due {
        return 0;
    }
    let span = (span_hours * HOUR_MS).max(HOUR_MS);
    (1 + (now - due) / span).min(max_levels)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The whole table: every state and action, on the side that may take it.
    const ALLOWED: &[(RequestState, RequestAction, RequestState)] = {
        use RequestAction as A;
        use RequestState as S;
        &[
            (S::Submitted, A::Accept, S::Accepted),
            (S::Submitted, A::Reject, S::Rejected),
            (S::Accepted, A::Assign, S::Assigned),
            (S::Accepted, A::Dispatch, S::Dispatched),
            (S::Reopened, A::Assign, S::Assigned),
            (S::Reopened, A::Dispatch, S::Dispatched),
            (S::Assigned, A::Dispatch, S::Dispatched),
            (S::Dispatched, A::Assign, S::Assigned),
            (S::Assigned, A::Start, S::InProgress),
            (S::Dispatched, A::Start, S::InProgress),
            (S::Assigned, A::Resolve, S::Resolved),
            (S::Dispatched, A::Resolve, S::Resolved),
            (S::InProgress, A::Resolve, S::Resolved),
            (S::Resolved, A::Confirm, S::Confirmed),
            (S::Resolved, A::Reopen, S::Reopened),
            (S::Confirmed, A::Close, S::Closed),
            (S::Rejected, A::Close, S::Closed),
            (S::Resolved, A::Close, S::Closed),
        ]
    };

    #[test]
    fn every_transition_is_allowed_or_refused_as_the_table_says() {
        for &state in RequestState::ALL {
            for &action in RequestAction::ALL {
                let expected = ALLOWED
                    .iter()
                    .find(|(s, a, _)| *s == state && *a == action)
                    .map(|(_, _, to)| *to);
                let got = next(state, action, action.side());
                match expected {
                    Some(to) => assert_eq!(got, Ok(to), "{state:?} {action:?}"),
                    None => assert_eq!(got, Err(TransitionError::NotNow), "{state:?} {action:?}"),
                }
                let other = match action.side() {
                    Side::Resident => Side::Staff,
                    Side::Staff => Side::Resident,
                };
                assert_eq!(
                    next(state, action, other),
                    Err(TransitionError::WrongSide),
                    "{state:?} {action:?} by the other side"
                );
            }
        }
    }

    #[test]
    fn a_closed_request_takes_nothing() {
        for &action in RequestAction::ALL {
            assert!(next(RequestState::Closed, action, action.side()).is_err());
        }
        assert!(RequestState::Closed.is_final());
    }

    #[test]
    fn the_limits_count_from_submission_then_from_acceptance() {
        let sla = Sla {
            accept_hours: 24,
            resolve_hours: 72,
        };
        assert_eq!(
            due_at(RequestState::Submitted, sla, 0, None),
            Some(24 * HOUR_MS)
        );
        assert_eq!(
            due_at(RequestState::InProgress, sla, 0, Some(10 * HOUR_MS)),
            Some(82 * HOUR_MS)
        );
        assert_eq!(due_at(RequestState::Resolved, sla, 0, Some(0)), None);
        assert_eq!(due_at(RequestState::Rejected, sla, 0, None), None);
    }

    #[test]
    fn overdue_requests_climb_one_level_per_span() {
        let due = 100 * HOUR_MS;
        assert_eq!(escalation_level(due - 1, due, 24, 3), 0);
        assert_eq!(escalation_level(due, due, 24, 3), 1);
        assert_eq!(escalation_level(due + 24 * HOUR_MS - 1, due, 24, 3), 1);
        assert_eq!(escalation_level(due + 24 * HOUR_MS, due, 24, 3), 2);
        assert_eq!(
            escalation_level(due + 1000 * HOUR_MS, due, 24, 3),
            3,
            "capped"
        );
        assert_eq!(
            escalation_level(due + 1, due, 0, 3),
            1,
            "a zero span counts as an hour"
        );
    }
}
