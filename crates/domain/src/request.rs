//! 群众诉求 (呼 → 来 → 动): a resident's request, the community that answers it, and the
//! member or department that acts. The life of a request is a small state machine; every
//! transition is checked here, by who may take it, before anything is stored.

use crate::error::{Errors, text_or_number};
use crate::labelled_enum;
use crate::masses::{CARD_CODE_ALPHABET, text};
use crate::{FieldError, phone};

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
        matches!(
            self,
            RequestAction::Reject | RequestAction::Resolve | RequestAction::Reopen
        )
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

/// The timeline's words for an entry: an action, or the two entries that are not actions
/// (the resident's submission and the system's escalation).
pub fn event_label(action: &str) -> &'static str {
    match action {
        "submit" => "提交诉求",
        "escalate" => "超时督办",
        a => RequestAction::parse(a).map_or("", RequestAction::label),
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

/// The limits of the public side and of the job, kept as data.
#[derive(Debug, Clone)]
pub struct RequestRules {
    /// Requests one phone number may submit in a day, and one address.
    pub max_per_phone_per_day: i64,
    pub max_per_address_per_day: i64,
    /// Submissions from one network address in an hour (a script trying many phones).
    pub max_per_ip_per_hour: u32,
    /// Wrong code-and-phone pairs one network address may try in a quarter of an hour.
    pub max_track_misses: u32,
    pub description_chars: usize,
    pub address_chars: usize,
    pub reply_chars: usize,
    pub photo_bytes: usize,
    /// How long a challenge stays good.
    pub challenge_minutes: i64,
    /// Days after which a resolved request the resident did not answer, or a rejected one,
    /// is closed by the job.
    pub auto_close_days: i64,
    /// Levels above the community an overdue request may climb (street, district).
    pub max_escalation: i64,
}

impl Default for RequestRules {
    fn default() -> Self {
        Self {
            max_per_phone_per_day: 3,
            max_per_address_per_day: 5,
            max_per_ip_per_hour: 30,
            max_track_misses: 20,
            description_chars: 500,
            address_chars: 100,
            reply_chars: 1000,
            photo_bytes: 2 * 1024 * 1024,
            challenge_minutes: 30,
            auto_close_days: 7,
            max_escalation: 2,
        }
    }
}

/// A resident's request as the public form sends it.
#[derive(Debug, Clone, Default, serde::Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct SubmissionInput {
    #[serde(deserialize_with = "text_or_number")]
    pub category_id: String,
    #[serde(deserialize_with = "text_or_number")]
    pub community_id: String,
    #[serde(deserialize_with = "text_or_number")]
    pub grid_id: String,
    pub address: String,
    pub description: String,
    pub phone: String,
}

/// A checked request, before the category, community and grid are looked up.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Submission {
    pub category_id: i64,
    pub community_id: i64,
    pub grid_id: Option<i64>,
    pub address: String,
    pub description: String,
    pub phone: String,
}

fn chosen_id(field: &'static str, value: &str, missing: &str) -> Result<i64, FieldError> {
    value
        .trim()
        .parse::<i64>()
        .ok()
        .filter(|id| *id > 0)
        .ok_or_else(|| FieldError::new(field, "required", missing))
}

impl SubmissionInput {
    pub fn validate(&self, rules: &RequestRules) -> Result<Submission, Vec<FieldError>> {
        let mut errs = Errors::default();
        let category_id = errs.take(chosen_id(
            "category_id",
            &self.category_id,
            "请选择诉求类别",
        ));
        let community_id = errs.take(chosen_id(
            "community_id",
            &self.community_id,
            "请选择所在村（社区）",
        ));
        let grid_id = if self.grid_id.trim().is_empty() {
            Some(None)
        } else {
            errs.take(chosen_id("grid_id", &self.grid_id, "网格选择有误").map(Some))
        };
        let address = errs.take(text("address", "地点", &self.address, rules.address_chars));
        let description = errs.take(text(
            "description",
            "诉求内容",
            &self.description,
            rules.description_chars,
        ));
        if let Some(d) = &description
            && d.chars().count() < 5
        {
            errs.push(FieldError::new(
                "description",
                "too_short",
                "请把诉求写清楚（至少 5 个字）",
            ));
        }
        let phone = errs.take(phone::parse_mobile(&self.phone));
        errs.into_result()?;
        match (
            category_id,
            community_id,
            grid_id,
            address,
            description,
            phone,
        ) {
            (
                Some(category_id),
                Some(community_id),
                Some(grid_id),
                Some(address),
                Some(description),
                Some(phone),
            ) => Ok(Submission {
                category_id,
                community_id,
                grid_id,
                address,
                description,
                phone,
            }),
            _ => Err(vec![FieldError::new(
                "description",
                "invalid",
                "诉求信息不完整",
            )]),
        }
    }
}

/// An address as compared for the rate limit: spaces and case do not make a new place.
pub fn address_key(address: &str) -> String {
    address
        .chars()
        .filter(|c| !c.is_whitespace())
        .flat_map(char::to_lowercase)
        .collect()
}

/// Letters of a tracking code: those of the card code, so that it can be read out.
pub const TRACKING_CODE_LEN: usize = 10;

/// The stored form of a tracking code as a resident types it (any case, spaces or dashes),
/// or None when it cannot be one.
pub fn normalize_tracking_code(input: &str) -> Option<String> {
    let code: String = input
        .chars()
        .filter(|c| !matches!(c, ' ' | '-'))
        .flat_map(char::to_lowercase)
        .collect();
    (code.len() == TRACKING_CODE_LEN && code.bytes().all(|b| CARD_CODE_ALPHABET.contains(&b)))
        .then_some(code)
}

/// A tracking code as shown: upper case in two groups, `ABCDE-FGHJK`.
pub fn display_tracking_code(code: &str) -> String {
    let upper = code.to_uppercase();
    match upper.split_at_checked(TRACKING_CODE_LEN / 2) {
        Some((a, b)) => format!("{a}-{b}"),
        None => upper,
    }
}

/// Upper bounds, in hours, of the buckets that time to answer and to resolve are counted
/// in: medians per level come from these counts, not from every request.
pub const DURATION_BUCKETS_HOURS: &[i64] = &[1, 2, 4, 8, 12, 24, 48, 72, 120, 168, 336, 720];

/// The bucket of a duration: the first whose bound is not below it; one past the bounds
/// for longer ones.
pub fn duration_bucket(ms: i64) -> usize {
    DURATION_BUCKETS_HOURS
        .iter()
        .position(|h| ms <= h * HOUR_MS)
        .unwrap_or(DURATION_BUCKETS_HOURS.len())
}

/// The median in hours from bucket counts, spread evenly inside its bucket; for the last,
/// unbounded bucket, its lower bound. None without any duration.
pub fn median_hours(counts: &[i64]) -> Option<f64> {
    let total: i64 = counts.iter().sum();
    if total <= 0 {
        return None;
    }
    let half = total as f64 / 2.0;
    let mut below = 0.0;
    for (i, &n) in counts.iter().enumerate() {
        let n = n as f64;
        if n > 0.0 && below + n >= half {
            let lo = if i == 0 {
                0
            } else {
                DURATION_BUCKETS_HOURS[i - 1]
            } as f64;
            let Some(&hi) = DURATION_BUCKETS_HOURS.get(i) else {
                return Some(lo);
            };
            return Some(lo + (hi as f64 - lo) * (half - below) / n);
        }
        below += n;
    }
    None
}

/// A share in tenths of a percent.
pub fn permille(part: i64, whole: i64) -> Option<i64> {
    (whole > 0).then(|| (part * 1000 + whole / 2) / whole)
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
    #[test]
    fn a_submission_is_checked_field_by_field() {
        let rules = RequestRules::default();
        let good = SubmissionInput {
            category_id: "3".into(),
            community_id: "12".into(),
            grid_id: String::new(),
            address: " 白涛街道 3 号 ".into(),
            description: "路灯坏了一个月".into(),
            phone: "138 0000 1111".into(),
        };
        let s = good.validate(&rules).expect("valid");
        assert_eq!(s.grid_id, None);
        assert_eq!(s.address, "白涛街道 3 号");
        assert_eq!(s.phone, "13800001111");
        let bad = SubmissionInput {
            category_id: "x".into(),
            community_id: String::new(),
            grid_id: "-1".into(),
            address: "地".repeat(101),
            description: "灯坏".into(),
            phone: "12345".into(),
        };
        let errs = bad.validate(&rules).expect_err("invalid");
        let fields: Vec<&str> = errs.iter().map(|e| e.field).collect();
        for f in [
            "category_id",
            "community_id",
            "grid_id",
            "address",
            "description",
            "phone",
        ] {
            assert!(fields.contains(&f), "{f} in {fields:?}");
        }
    }

    #[test]
    fn tracking_codes_are_read_in_any_case_and_grouping() {
        assert_eq!(
            normalize_tracking_code("ABCDE-FGHJK").as_deref(),
            Some("abcdefghjk")
        );
        assert_eq!(
            normalize_tracking_code(" abcde fghjk ").as_deref(),
            Some("abcdefghjk")
        );
        assert_eq!(
            normalize_tracking_code("abcde-fghj0"),
            None,
            "0 is not a letter of codes"
        );
        assert_eq!(normalize_tracking_code("abcde"), None);
        assert_eq!(display_tracking_code("abcdefghjk"), "ABCDE-FGHJK");
        assert_eq!(address_key(" 白涛 街道3号 A "), "白涛街道3号a");
    }

    #[test]
    fn durations_fall_in_buckets_and_give_a_median() {
        assert_eq!(duration_bucket(0), 0);
        assert_eq!(duration_bucket(HOUR_MS), 0);
        assert_eq!(duration_bucket(HOUR_MS + 1), 1);
        assert_eq!(
            duration_bucket(30 * 24 * HOUR_MS + 1),
            DURATION_BUCKETS_HOURS.len()
        );
        assert_eq!(median_hours(&[]), None);
        assert_eq!(median_hours(&[0, 0]), None);
        // Two durations in the first hour: the median lies at its middle.
        assert_eq!(median_hours(&[2]), Some(0.5));
        // Ten durations in (12, 24]: the median is 18 hours.
        let mut c = vec![0; DURATION_BUCKETS_HOURS.len() + 1];
        c[5] = 10;
        assert_eq!(median_hours(&c), Some(18.0));
        // Everything past the last bound: its lower bound.
        let mut c = vec![0; DURATION_BUCKETS_HOURS.len() + 1];
        c[DURATION_BUCKETS_HOURS.len()] = 3;
        assert_eq!(median_hours(&c), Some(720.0));
        assert_eq!(permille(1, 3), Some(333));
        assert_eq!(permille(0, 0), None);
    }
}
