//! Task forces (党员突击队): a temporary branch opened under a parent for a mission, with a
//! leader (seconded from the start), members seconded for spans inside the team's, meetings
//! with who attended, the deeds done for it and the applications made during it (火线入党);
//! closing it ends the secondments still running. Members keep their home branch.

use dangjian_domain::task_forces::{Mission, TeamSpan};
use dangjian_domain::{date, path};
use dangjian_store::StoreError;
use dangjian_store::task_forces::{self as store, TeamFilter, TeamWrite};
use dangjian_store::{Conn, member};
use serde::{Deserialize, Serialize};

use super::policy;
use crate::audit::Entry;
use crate::model::{
    all, choice, day, day_or, optional, page_number, placed, read_model, required_text, window,
};
use crate::{Actor, App, ServiceError, ServiceResult, today};

pub const TEAMS_PER_PAGE: i64 = 50;

read_model! {
    /// A team with its parent, named with its parents below the reader.
    pub struct TaskForce from store::TeamRow {
        pub id: i64,
        pub org_id: i64,
        pub org_name: String,
        pub name: String,
        /// `epidemic` | `flood` | `project` | `other`.
        pub mission: String,
        pub leader_id: i64,
        pub leader_name: String,
        pub started_on: String,
        /// Its planned end.
        pub ends_on: String,
        pub closed_on: Option<String>,
        pub members: i64,
        pub meetings: i64,
        pub deeds: i64,
        /// Applications made during the mission (火线入党).
        pub recruits: i64,
    }
}

impl TaskForce {
    pub fn mission_label(&self) -> &'static str {
        Mission::parse(&self.mission).map_or("", Mission::label)
    }
}

read_model! {
    /// A member seconded to a team, with their home branch.
    pub struct TaskForceMember from store::SecondmentRow {
        pub id: i64,
        pub member_id: i64,
        pub member_name: String,
        pub org_name: String,
        pub from_on: String,
        pub to_on: String,
    }
}

read_model! {
    pub struct TaskForceMeeting from store::MeetingRow {
        pub id: i64,
        pub held_on: String,
        pub topic: String,
        pub attended: i64,
    }
}

read_model! {
    pub struct TaskForceDeed from store::TeamDeedRow {
        pub id: i64,
        pub member_name: String,
        pub done_on: String,
        pub kind: String,
        pub description: String,
        pub minutes: i64,
    }
}

read_model! {
    /// An application in the recruitment pipeline made during the mission.
    pub struct TaskForceRecruit from store::TeamRecruitRow {
        pub id: i64,
        pub name: String,
        pub stage: String,
        pub state: String,
        pub applied_on: String,
    }
}

read_model! {
    /// A team a member served in, as their own page lists it.
    pub struct MemberTaskForce from store::MemberTeamRow {
        pub team_id: i64,
        pub name: String,
        pub mission: String,
        pub from_on: String,
        pub to_on: String,
        /// Meetings of the team they attended.
        pub attended: i64,
        pub deeds: i64,
    }
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct TaskForceList {
    pub org_id: i64,
    pub org_name: String,
    pub items: Vec<TaskForce>,
    pub total: i64,
    pub page: i64,
    pub per_page: i64,
    /// Teams open now below the level, and those started in the year asked (or this one).
    pub open: i64,
    pub started_in_year: i64,
    pub year: i64,
    pub may_keep: bool,
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct TaskForceQuery {
    pub org: Option<i64>,
    /// Only the teams still open.
    pub open: Option<bool>,
    /// Only those started in the year.
    pub year: Option<i64>,
    pub mission: Option<String>,
    pub page: Option<i64>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct TaskForceDetail {
    pub team: TaskForce,
    pub members: Vec<TaskForceMember>,
    pub meetings: Vec<TaskForceMeeting>,
    /// The latest 100 deeds done for it.
    pub deeds: Vec<TaskForceDeed>,
    pub recruits: Vec<TaskForceRecruit>,
    /// Applications below the parent made during the mission and not linked yet (keepers).
    pub candidates: Vec<TaskForceRecruit>,
    /// Second members, record meetings, link applications, close: the team is open and the
    /// caller keeps it.
    pub may_keep: bool,
}

#[derive(Debug, Clone, Default, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(default)]
pub struct TaskForceInput {
    /// The parent: an organization the caller edits.
    pub org_id: i64,
    pub name: String,
    /// 疫情防控 / 防汛抢险 / 重点项目 / 其他 (code or label).
    pub mission: String,
    /// A member below the parent; seconded from the start.
    pub leader_id: Option<i64>,
    pub started_on: String,
    /// The planned end.
    pub ends_on: String,
}

#[derive(Debug, Clone, Default, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(default)]
pub struct SecondmentInput {
    /// A member below the parent.
    pub member_id: Option<i64>,
    /// Default today (or the team's start, if later).
    pub from_on: String,
    /// Default the team's end; never after it.
    pub to_on: String,
}

#[derive(Debug, Clone, Default, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(default)]
pub struct TaskForceMeetingInput {
    pub held_on: String,
    pub topic: String,
    /// Members seconded on that day who attended.
    pub attended: Vec<i64>,
}

#[derive(Debug, Clone, Default, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(default)]
pub struct CloseTaskForceInput {
    /// Default today.
    pub closed_on: String,
}

#[derive(Debug, Clone, Default, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(default)]
pub struct LinkRecruitInput {
    pub recruit_id: i64,
}

fn span_of(t: &store::TeamRow) -> ServiceResult<TeamSpan> {
    let read = |s: &str| {
        date::parse(s).ok_or_else(|| ServiceError::Internal(format!("突击队日期无法读取：{s}")))
    };
    Ok(TeamSpan {
        started_on: read(&t.started_on)?,
        ends_on: read(&t.ends_on)?,
        closed_on: t.closed_on.as_deref().map(read).transpose()?,
    })
}

/// A deed recorded for a team: a team the caller reads, the member in it on the day.
pub(crate) async fn check_deed(
    conn: &mut Conn,
    actor: &Actor,
    team_id: i64,
    member_id: i64,
    done_on: &str,
) -> ServiceResult<()> {
    let missing = || ServiceError::field("task_force_id", "not_found", "找不到该突击队");
    store::team(conn, team_id)
        .await?
        .filter(|t| policy::check_read(actor, &t.org_path).is_ok())
        .ok_or_else(missing)?;
    let served = store::secondments(conn, team_id).await?.iter().any(|s| {
        s.member_id == member_id && s.from_on.as_str() <= done_on && s.to_on.as_str() >= done_on
    });
    if !served {
        return Err(ServiceError::field(
            "task_force_id",
            "not_seconded",
            "该党员当天不在这支突击队",
        ));
    }
    Ok(())
}

impl App {
    pub async fn task_forces(
        &self,
        actor: &Actor,
        q: &TaskForceQuery,
    ) -> ServiceResult<TaskForceList> {
        self.task_force_list(actor, q, Some(page_number(q.page)))
            .await
    }

    pub async fn export_task_forces(
        &self,
        actor: &Actor,
        q: &TaskForceQuery,
    ) -> ServiceResult<TaskForceList> {
        self.task_force_list(actor, q, None).await
    }

    async fn task_force_list(
        &self,
        actor: &Actor,
        q: &TaskForceQuery,
        page: Option<i64>,
    ) -> ServiceResult<TaskForceList> {
        let o = match q.org {
            Some(id) => self.org(actor, id).await?,
            None => self.home_org(actor).await?,
        };
        policy::check_read(actor, &o.path)?;
        let year = q.year.unwrap_or_else(|| i64::from(today().year()));
        let f = TeamFilter {
            root_path: o.path.clone(),
            open: q.open.unwrap_or(false),
            year: q.year,
            mission: optional(
                "mission",
                Mission::parse,
                q.mission.as_deref(),
                "任务类别不正确",
            )?
            .map(|m| m.as_str().to_string()),
        };
        let mut conn = self.db.conn().await?;
        let (limit, offset) = window(page, TEAMS_PER_PAGE);
        let (total, rows) = store::teams(&mut conn, &f, limit, offset).await?;
        if page.is_none() {
            crate::export::check_size(total, "支突击队")?;
        }
        let (open, started_in_year) = store::counts(&mut conn, &o.path, year).await?;
        let items = placed(&mut conn, actor, rows).await?;
        Ok(TaskForceList {
            org_id: o.id,
            may_keep: policy::may_keep(actor, &o.path),
            org_name: o.name,
            items,
            total,
            page: page.unwrap_or(1),
            per_page: page.map_or(total, |_| TEAMS_PER_PAGE),
            open,
            started_in_year,
            year,
        })
    }

    async fn task_force_row(
        &self,
        conn: &mut Conn,
        actor: &Actor,
        id: i64,
    ) -> ServiceResult<store::TeamRow> {
        store::team(conn, id)
            .await?
            .filter(|t| policy::check_read(actor, &t.org_path).is_ok())
            .ok_or(ServiceError::NotFound)
    }

    pub async fn task_force(&self, actor: &Actor, id: i64) -> ServiceResult<TaskForceDetail> {
        let mut conn = self.db.conn().await?;
        let t = self.task_force_row(&mut conn, actor, id).await?;
        let keeps = t.closed_on.is_none() && policy::may_keep(actor, &t.org_path);
        let members = all(store::secondments(&mut conn, id).await?);
        let meetings = all(store::meetings(&mut conn, id).await?);
        let deeds = all(store::deeds(&mut conn, id, 100).await?);
        let recruits = all(store::recruits(&mut conn, id).await?);
        let candidates = if keeps {
            let last = t.closed_on.clone().unwrap_or_else(|| t.ends_on.clone());
            all(store::unlinked_recruits(&mut conn, &t.org_path, &t.started_on, &last).await?)
        } else {
            Vec::new()
        };
        let mut items: Vec<TaskForce> = placed(&mut conn, actor, vec![t]).await?;
        Ok(TaskForceDetail {
            team: items.pop().ok_or(ServiceError::NotFound)?,
            members,
            meetings,
            deeds,
            recruits,
            candidates,
            may_keep: keeps,
        })
    }

    /// A member below `within` the caller sees, or the refusal naming `field`.
    async fn member_below(
        &self,
        conn: &mut Conn,
        actor: &Actor,
        field: &'static str,
        member_id: Option<i64>,
        within: &str,
    ) -> ServiceResult<dangjian_store::member::MemberRow> {
        let id = member_id.ok_or_else(|| ServiceError::field(field, "required", "请选择党员"))?;
        member::get(conn, id)
            .await?
            .filter(|m| {
                actor.check_visible(&m.org_path).is_ok() && path::contains(within, &m.org_path)
            })
            .ok_or_else(|| {
                ServiceError::field(
                    field,
                    "not_found",
                    "找不到该党员，或其不在组建突击队的组织内",
                )
            })
    }

    pub async fn open_task_force(
        &self,
        actor: &Actor,
        input: &TaskForceInput,
    ) -> ServiceResult<TaskForceDetail> {
        let o = self.org(actor, input.org_id).await.map_err(|_| {
            ServiceError::field(
                "org_id",
                "not_found",
                "找不到组建组织，请从本级及下级中选择",
            )
        })?;
        policy::check_keep(actor, &o.path)?;
        let name = required_text("name", "突击队名称", &input.name, 60)?;
        let mission = choice("mission", Mission::parse, &input.mission, "请选择任务类别")?;
        let start = day("started_on", "组建日期", &input.started_on)?;
        let end = day("ends_on", "计划结束日期", &input.ends_on)?;
        if end < start {
            return Err(ServiceError::field(
                "ends_on",
                "before_start",
                "计划结束日期不能早于组建日期",
            ));
        }
        if start > today() {
            return Err(ServiceError::field(
                "started_on",
                "future_date",
                "组建日期不能晚于今天",
            ));
        }
        let mut tx = self.begin_audited().await?;
        let leader = self
            .member_below(tx.conn(), actor, "leader_id", input.leader_id, &o.path)
            .await?;
        let (s, e) = (date::format(start), date::format(end));
        let id = store::insert_team(
            tx.conn(),
            &TeamWrite {
                org: (o.id, &o.path),
                name: &name,
                mission: mission.as_str(),
                leader_id: leader.id,
                started_on: &s,
                ends_on: &e,
                by: actor.user_id,
            },
        )
        .await?;
        store::insert_secondment(tx.conn(), id, leader.id, &s, &e).await?;
        tx.commit(
            actor,
            Entry::ok("task_force.open", "task_force", id)
                .detail(format!("{} {name} 队长 {}", o.name, leader.name)),
        )
        .await?;
        self.task_force(actor, id).await
    }

    pub async fn second_to_task_force(
        &self,
        actor: &Actor,
        id: i64,
        input: &SecondmentInput,
    ) -> ServiceResult<TaskForceDetail> {
        let mut tx = self.begin_audited().await?;
        let t = self.task_force_row(tx.conn(), actor, id).await?;
        policy::check_keep(actor, &t.org_path)?;
        let span = span_of(&t)?;
        let from = day_or(
            "from_on",
            "抽调开始日期",
            &input.from_on,
            today().max(span.started_on),
        )?;
        let to = match input.to_on.trim() {
            "" => None,
            s => Some(day("to_on", "抽调结束日期", s)?),
        };
        let (from, to) = span
            .check_secondment(from, to)
            .map_err(|e| ServiceError::Invalid(vec![e]))?;
        let m = self
            .member_below(tx.conn(), actor, "member_id", input.member_id, &t.org_path)
            .await?;
        store::insert_secondment(tx.conn(), id, m.id, &date::format(from), &date::format(to))
            .await
            .map_err(|e| match e {
                StoreError::Duplicate(_) => {
                    ServiceError::field("member_id", "duplicate", format!("{}已在本突击队", m.name))
                }
                other => other.into(),
            })?;
        tx.commit(
            actor,
            Entry::ok("task_force.second", "task_force", id)
                .detail(format!("{} {}", t.name, m.name)),
        )
        .await?;
        self.task_force(actor, id).await
    }

    pub async fn record_task_force_meeting(
        &self,
        actor: &Actor,
        id: i64,
        input: &TaskForceMeetingInput,
    ) -> ServiceResult<TaskForceDetail> {
        let mut tx = self.begin_audited().await?;
        let t = self.task_force_row(tx.conn(), actor, id).await?;
        policy::check_keep(actor, &t.org_path)?;
        let span = span_of(&t)?;
        let on = day("held_on", "会议日期", &input.held_on)?;
        if !span.contains(on) || on > today() {
            return Err(ServiceError::field(
                "held_on",
                "outside_team",
                "会议日期应在突击队组建期内，且不晚于今天",
            ));
        }
        let topic = required_text("topic", "会议内容", &input.topic, 200)?;
        let held = date::format(on);
        let seconded = store::secondments(tx.conn(), id).await?;
        let mut attended = input.attended.clone();
        attended.sort_unstable();
        attended.dedup();
        for m in &attended {
            let ok = seconded
                .iter()
                .any(|s| s.member_id == *m && s.from_on <= held && s.to_on >= held);
            if !ok {
                return Err(ServiceError::field(
                    "attended",
                    "not_seconded",
                    "参会人员应为会议当天在队的队员",
                ));
            }
        }
        let mid =
            store::insert_meeting(tx.conn(), id, &held, &topic, &attended, actor.user_id).await?;
        tx.commit(
            actor,
            Entry::ok("task_force.meeting", "task_force_meeting", mid).detail(format!(
                "{} {held} {} 人参会",
                t.name,
                attended.len()
            )),
        )
        .await?;
        self.task_force(actor, id).await
    }

    /// Closes a team; the secondments running past that day end on it.
    pub async fn close_task_force(
        &self,
        actor: &Actor,
        id: i64,
        input: &CloseTaskForceInput,
    ) -> ServiceResult<TaskForceDetail> {
        let mut tx = self.begin_audited().await?;
        let t = self.task_force_row(tx.conn(), actor, id).await?;
        policy::check_keep(actor, &t.org_path)?;
        let on = day_or("closed_on", "撤销日期", &input.closed_on, today())?;
        let text = date::format(on);
        if text < t.started_on || on > today() {
            return Err(ServiceError::field(
                "closed_on",
                "out_of_range",
                format!("撤销日期应在组建日期 {} 至今天之间", t.started_on),
            ));
        }
        if !store::close(tx.conn(), id, &text).await? {
            return Err(ServiceError::field("closed_on", "closed", "突击队已撤销"));
        }
        tx.commit(
            actor,
            Entry::ok("task_force.close", "task_force", id).detail(format!("{} {text}", t.name)),
        )
        .await?;
        self.task_force(actor, id).await
    }

    /// Links an application made during the mission (火线入党) to the team.
    pub async fn link_task_force_recruit(
        &self,
        actor: &Actor,
        id: i64,
        input: &LinkRecruitInput,
    ) -> ServiceResult<TaskForceDetail> {
        let mut tx = self.begin_audited().await?;
        let t = self.task_force_row(tx.conn(), actor, id).await?;
        policy::check_keep(actor, &t.org_path)?;
        let span = span_of(&t)?;
        let missing = || ServiceError::field("recruit_id", "not_found", "找不到该入党申请人");
        let (_, applied, linked) = store::application(tx.conn(), input.recruit_id)
            .await?
            .filter(|(p, _, _)| path::contains(&t.org_path, p) && actor.check_visible(p).is_ok())
            .ok_or_else(missing)?;
        if linked.is_some() {
            return Err(ServiceError::field(
                "recruit_id",
                "linked",
                "该申请人已关联突击队",
            ));
        }
        if !date::parse(&applied).is_some_and(|d| span.contains(d)) {
            return Err(ServiceError::field(
                "recruit_id",
                "outside_team",
                format!("入党申请日期 {applied} 不在突击队组建期内"),
            ));
        }
        store::link_recruit(tx.conn(), input.recruit_id, id).await?;
        tx.commit(
            actor,
            Entry::ok("task_force.recruit", "task_force", id)
                .detail(format!("{} 火线入党申请 #{}", t.name, input.recruit_id)),
        )
        .await?;
        self.task_force(actor, id).await
    }

    /// The teams a member served in: the member, or staff who see them.
    pub async fn member_task_forces(
        &self,
        actor: &Actor,
        member_id: i64,
    ) -> ServiceResult<Vec<MemberTaskForce>> {
        let mut conn = self.db.conn().await?;
        if actor.member_id != Some(member_id) {
            let m = member::get(&mut conn, member_id)
                .await?
                .ok_or(ServiceError::NotFound)?;
            actor.check_visible(&m.org_path)?;
        }
        Ok(all(store::of_member(&mut conn, member_id).await?))
    }
}

/// Teams open now below a level, and those started this year.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct TaskForceSummary {
    pub org_id: i64,
    pub open: i64,
    pub year: i64,
    pub started_in_year: i64,
}

impl App {
    pub async fn task_force_summary(
        &self,
        actor: &Actor,
        org: Option<i64>,
    ) -> ServiceResult<TaskForceSummary> {
        let o = match org {
            Some(id) => self.org(actor, id).await?,
            None => self.home_org(actor).await?,
        };
        policy::check_read(actor, &o.path)?;
        let year = i64::from(today().year());
        let mut conn = self.db.conn().await?;
        let (open, started_in_year) = store::counts(&mut conn, &o.path, year).await?;
        Ok(TaskForceSummary {
            org_id: o.id,
            open,
            year,
            started_in_year,
        })
    }
}
