//! Self check-in: the host opens a window with a short code (shown as digits and as a QR
//! code); members of the branch check in from their phones while it is open; the meeting
//! recorded afterwards takes its attendance from who checked in.

use dangjian_domain::life::MeetingKind;
use dangjian_domain::{FieldError, path};
use dangjian_store::life::checkin::{self as store, CheckinWrite};
use rand::Rng;
use serde::{Deserialize, Serialize};

use crate::audit::Entry;
use crate::life::Checkin;
use crate::{Actor, App, ServiceError, ServiceResult, now_ms};

/// Wrong codes a member may enter in a quarter of an hour: a phone user mistypes a few
/// times, a script guessing one of a million codes is stopped.
const MAX_MISSES: u32 = 10;
const MISS_WINDOW_MS: i64 = 15 * 60_000;

/// Wrong codes by member.
pub(crate) type Misses = crate::limit::Window<i64>;

pub(crate) fn misses() -> Misses {
    Misses::new(MAX_MISSES, MISS_WINDOW_MS)
}

/// How long a window may stay open, in minutes.
const MINUTES: std::ops::RangeInclusive<i64> = 10..=480;
const DEFAULT_MINUTES: i64 = 120;

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct CheckinInput {
    pub kind: String,
    pub topic: String,
    /// How long the code stays valid from now (default two hours).
    pub minutes: Option<i64>,
}

/// A check-in window: all Checkin fields (flattened) plus `open` and `checked_in`.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct CheckinDetail {
    #[serde(flatten)]
    pub checkin: Checkin,
    pub open: bool,
    pub checked_in: Vec<CheckedIn>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct CheckedIn {
    pub member_id: i64,
    pub name: String,
    pub at: i64,
}

/// Six digits, the form members type; full-width digits and spaces from phone keyboards
/// are accepted.
pub fn normalize_code(code: &str) -> Option<String> {
    let digits: String = code
        .chars()
        .filter(|c| !c.is_whitespace())
        .map(|c| match c {
            '０'..='９' => char::from_u32(c as u32 - '０' as u32 + '0' as u32).unwrap_or(c),
            _ => c,
        })
        .collect();
    (digits.len() == 6 && digits.chars().all(|c| c.is_ascii_digit())).then_some(digits)
}

impl App {
    /// Opens a check-in window for a branch's meeting starting now.
    pub async fn open_checkin(
        &self,
        actor: &Actor,
        org_id: i64,
        input: &CheckinInput,
    ) -> ServiceResult<Checkin> {
        let o = self.branch_to_record(actor, org_id).await?;
        let kind = MeetingKind::parse(&input.kind)
            .ok_or_else(|| ServiceError::field("kind", "invalid_choice", "请选择会议类型"))?;
        let topic = input.topic.trim();
        if topic.is_empty() || topic.chars().count() > 200 {
            return Err(ServiceError::field(
                "topic",
                "required",
                "请填写会议主题（200 字以内）",
            ));
        }
        let minutes = input.minutes.unwrap_or(DEFAULT_MINUTES);
        if !MINUTES.contains(&minutes) {
            return Err(ServiceError::field(
                "minutes",
                "out_of_range",
                "签到时长应在 10 到 480 分钟之间",
            ));
        }
        let now = now_ms();
        let mut tx = self.begin_audited().await?;
        let mut code = None;
        for _ in 0..50 {
            let c = format!("{:06}", rand::rng().random_range(0..1_000_000));
            if !store::code_in_use(tx.conn(), &c, now).await? {
                code = Some(c);
                break;
            }
        }
        let code = code.ok_or_else(|| ServiceError::Internal("no free check-in code".into()))?;
        let id = store::insert(
            tx.conn(),
            &CheckinWrite {
                org_id: o.id,
                kind: kind.as_str(),
                topic,
                code: &code,
                opens_at: now,
                closes_at: now + minutes * 60_000,
                created_by: actor.user_id,
            },
        )
        .await?;
        let row = store::get(tx.conn(), id)
            .await?
            .ok_or(ServiceError::NotFound)?;
        tx.commit(
            actor,
            Entry::ok("checkin.open", "checkin", id).detail(format!(
                "{} {} {minutes} 分钟",
                o.name,
                kind.label()
            )),
        )
        .await?;
        Ok(row.into())
    }

    /// A window with who has checked in, for the host's screen.
    pub async fn checkin_detail(&self, actor: &Actor, id: i64) -> ServiceResult<CheckinDetail> {
        let mut conn = self.db.conn().await?;
        let c = store::get(&mut conn, id)
            .await?
            .ok_or(ServiceError::NotFound)?;
        // The code is on this view: only those who may record the meeting see it, or a
        // member could read it from afar and check in without coming.
        super::policy::check_record(actor, &c.org_path)?;
        let checked_in = store::members(&mut conn, id)
            .await?
            .into_iter()
            .map(|(member_id, name, at)| CheckedIn {
                member_id,
                name,
                at,
            })
            .collect();
        let now = now_ms();
        Ok(CheckinDetail {
            open: c.opens_at <= now && now < c.closes_at,
            checkin: c.into(),
            checked_in,
        })
    }

    /// A member checks in with the code shown at the meeting. Returns the window and whether
    /// this was a new check-in (false when they had checked in already).
    pub async fn check_in(&self, actor: &Actor, code: &str) -> ServiceResult<(Checkin, bool)> {
        let (Some(member_id), Some(branch)) = (actor.member_id, actor.member_org_path.as_deref())
        else {
            return Err(ServiceError::Forbidden("只有关联了党员档案的账号才能签到"));
        };
        let wrong = || {
            ServiceError::Invalid(vec![FieldError::new(
                "code",
                "wrong_code",
                "签到码错误或已过期，请核对会场显示的 6 位数字",
            )])
        };
        let now = now_ms();
        if !self.checkin_misses.try_attempt(member_id, now) {
            return Err(ServiceError::field(
                "code",
                "too_many_attempts",
                "签到码输错次数过多，请 15 分钟后再试，或请主持人代为登记",
            ));
        }
        let Some(code) = normalize_code(code) else {
            return Err(wrong());
        };
        let mut tx = self.begin_audited().await?;
        let open = store::open_with_code(tx.conn(), &code, now).await?;
        let Some(c) = open
            .into_iter()
            .find(|c| path::contains(&c.org_path, branch))
        else {
            return Err(wrong());
        };
        self.checkin_misses.forgive(&member_id);
        let new = store::add_member(tx.conn(), c.id, member_id).await?;
        if !new {
            return Ok((c.into(), false));
        }
        tx.commit(
            actor,
            Entry::ok("checkin.member", "checkin", c.id).detail(format!("党员 #{member_id}")),
        )
        .await?;
        Ok((c.into(), true))
    }
}

#[cfg(test)]
mod tests {
    use super::normalize_code;

    #[test]
    fn codes_from_phone_keyboards() {
        assert_eq!(normalize_code(" 012 345 ").as_deref(), Some("012345"));
        assert_eq!(normalize_code("０１２３４５").as_deref(), Some("012345"));
        assert_eq!(normalize_code("12345"), None);
        assert_eq!(normalize_code("1234567"), None);
        assert_eq!(normalize_code("12a456"), None);
    }
}
