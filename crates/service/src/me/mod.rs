//! 我的: a member's own day, on their phone. Everything here is the member's own (their
//! meetings and attendance, study, dues, card, the households they serve and their deeds,
//! the requests sent to them, their memberships, their reminders), read through the same use
//! cases and policies as the pages that show each of them; nothing of the branch's
//! statistics or of colleagues' particulars.

use dangjian_domain::date;
use dangjian_domain::life::{MeetingKind, Period, rule_in_force};
use dangjian_store::org::OrgRow;
use dangjian_store::{Conn, life, org};
use serde::Serialize;

use crate::dues::MemberDues;
use crate::masses::{DeedQuery, Household};
use crate::members::Member;
use crate::remind::Notification;
use crate::request::{Request, RequestQuery};
use crate::transfer::{Membership, Transfer};
use crate::{Actor, App, ServiceError, ServiceResult, today};

/// Meetings listed on the home page; the rest are on the branch's 组织生活 page.
const MEETINGS_SHOWN: i64 = 8;

/// A meeting the member was expected at, and how they attended it.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct MyMeeting {
    pub meeting_id: i64,
    pub kind: String,
    pub kind_label: &'static str,
    pub held_on: String,
    pub topic: String,
    /// `present`, `excused` or `absent`.
    pub status: String,
}

/// A meeting the member's branch must hold in the current period, and whether it has.
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct DueMeeting {
    pub kind: String,
    pub kind_label: &'static str,
    /// How often: 每月, 每季度, 每年.
    pub period_label: &'static str,
    /// The fixed day of the month, when the rule has one (主题党日 on the 10th).
    pub fixed_day: Option<u8>,
    /// `YYYY-MM-DD`: the last day it was held in the current period; none if not yet.
    pub held_on: Option<String>,
}

/// A member's own page (`GET /api/v1/me/day`, `/me`).
#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct MyDay {
    pub member: Member,
    /// The branch with its parents below the district: "白涛街道 / 音观社区 / 第二党支部".
    pub branch_trail: String,
    pub year: i32,
    /// What the branch must hold in the current month, quarter and year, and whether it has.
    pub due: Vec<DueMeeting>,
    /// This year's meetings the member was expected at, newest first (the last few).
    pub meetings: Vec<MyMeeting>,
    /// This year: meetings expected at, and attended.
    pub expected: i64,
    pub attended: i64,
    /// This year: study sessions attended and their minutes.
    pub study_sessions: i64,
    pub study_minutes: i64,
    pub dues: MemberDues,
    pub households: Vec<Household>,
    /// Deeds recorded this year.
    pub deeds: i64,
    /// Residents' requests assigned to the member and still open.
    pub requests: Vec<Request>,
    pub memberships: Vec<Membership>,
    /// Transfers of the member, open ones first.
    pub transfers: Vec<Transfer>,
    /// The latest reminders of the account.
    pub notifications: Vec<Notification>,
}

/// What a branch must hold in the current month, quarter and year, and whether it has.
pub(crate) async fn due_meetings(
    conn: &mut Conn,
    branch: &OrgRow,
) -> ServiceResult<Vec<DueMeeting>> {
    let rules = crate::life::load_rules(conn).await?;
    // Every period asked about (this month, quarter, year) lies in this year.
    let year_start = format!("{:04}-01-01", today().year());
    let held = life::held_from(conn, branch.id, &year_start).await?;
    let mut due = Vec::new();
    for &kind in MeetingKind::ALL {
        let Some(rule) = rule_in_force(&rules, &branch.kind, kind, today()).filter(|r| r.times > 0)
        else {
            continue;
        };
        let p = Period::containing(rule.period, today());
        let (from, to) = (date::format(p.start), date::format(p.end));
        due.push(DueMeeting {
            kind: kind.as_str().into(),
            kind_label: kind.label(),
            period_label: rule.period.label(),
            fixed_day: rule.fixed_day,
            held_on: held
                .iter()
                .filter(|(k, on)| k == kind.as_str() && *on >= from && *on <= to)
                .map(|(_, on)| on.clone())
                .max(),
        });
    }
    Ok(due)
}

impl App {
    /// The signed-in member's own figures. Accounts without a member record have none.
    pub async fn my_day(&self, actor: &Actor) -> ServiceResult<MyDay> {
        let me = actor
            .member_id
            .ok_or(ServiceError::Forbidden("该账号未关联党员档案"))?;
        let member = self.member(actor, me).await?;
        let year = today().year();
        let span = (format!("{year:04}-01-01"), format!("{year:04}-12-31"));
        let span = (span.0.as_str(), span.1.as_str());
        let mut conn = self.db.conn().await?;
        let branch_trail = org::ancestors(&mut conn, &member.org_path)
            .await?
            .into_iter()
            .skip(1)
            .map(|o| o.name)
            .collect::<Vec<_>>()
            .join(" / ");
        let branch = org::get(&mut conn, member.org_id)
            .await?
            .ok_or(ServiceError::NotFound)?;
        let due = due_meetings(&mut conn, &branch).await?;
        let meetings = life::member_meetings(&mut conn, me, span, MEETINGS_SHOWN)
            .await?
            .into_iter()
            .map(|r| MyMeeting {
                kind_label: MeetingKind::parse(&r.kind).map_or("会议", MeetingKind::label),
                meeting_id: r.meeting_id,
                kind: r.kind,
                held_on: r.held_on,
                topic: r.topic,
                status: r.status,
            })
            .collect();
        let (expected, attended) = life::member_attendance(&mut conn, me, span).await?;
        let (study_sessions, study_minutes) =
            life::member_study_minutes(&mut conn, me, span.0, span.1).await?;
        drop(conn);
        let deeds = self
            .deeds(
                actor,
                &DeedQuery {
                    member: Some(me),
                    from: Some(span.0.to_string()),
                    ..Default::default()
                },
            )
            .await?
            .total;
        let requests = self
            .requests(
                actor,
                &RequestQuery {
                    view: "mine".into(),
                    state: "open".into(),
                    ..Default::default()
                },
            )
            .await?
            .items;
        let history = self.member_history(actor, me).await?;
        let mut notifications = self.notifications(actor).await?;
        notifications.truncate(5);
        Ok(MyDay {
            dues: self.member_dues(actor, me).await?,
            households: self.my_households(actor).await?,
            member,
            branch_trail,
            year,
            due,
            meetings,
            expected,
            attended,
            study_sessions,
            study_minutes,
            deeds,
            requests,
            memberships: history.memberships,
            transfers: history.transfers,
            notifications,
        })
    }
}
