//! Leaders' contact points and their problem ledgers: a district leader (区管领导干部) holds
//! one or two organizations, visits are logged and the expected visits of the year reminded;
//! each problem gets its own number and the five facts, and runs a clock in working days on
//! the district's calendar (accepted or refused within 2, a reply within 5, the reporter's
//! feedback within 5, by default). 办结率 is read per leader, per responsible unit and per
//! level, on time and late apart.

use dangjian_domain::assessment::problem::{
    ClosingRate, ProblemAction, ProblemClock, ProblemSource, ProblemState, Step,
};
use dangjian_domain::assessment::workday::{Calendar, NOTICE_2026};
use dangjian_domain::{date, path};
use dangjian_store::assessment::contact::{self as store, NewProblem, ProblemFilter};
use dangjian_store::{StoreError, org};
use serde::{Deserialize, Serialize};
use time::Date;

use super::input::{day, text};
use super::policy;
use crate::audit::Entry;
use crate::model::{all, read_model};
use crate::orgs::places;
use crate::{Actor, App, ServiceError, ServiceResult, today};

const TEXT_CHARS: usize = 1000;
const PER_PAGE: i64 = 50;
/// Points one leader holds at most.
const POINTS_PER_LEADER: i64 = 2;
/// Visits expected at a point in a year, by default (reminded when short).
pub const EXPECTED_VISITS: i64 = 4;

/// A contact point with its visits of the year against those expected.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ContactPoint {
    pub id: i64,
    pub leader_name: String,
    pub leader_title: String,
    pub org_id: i64,
    pub org_name: String,
    pub started_on: String,
    pub ended_on: Option<String>,
    pub visits: i64,
    pub expected_visits: i64,
    pub last_visit: Option<String>,
}

// Public only so that the service converts rows anywhere; outside it no row can be had.
#[allow(exported_private_dependencies)]
impl From<store::PointRow> for ContactPoint {
    fn from(r: store::PointRow) -> Self {
        ContactPoint {
            id: r.id,
            leader_name: r.leader_name,
            leader_title: r.leader_title,
            org_id: r.org_id,
            org_name: r.org_name,
            started_on: r.started_on,
            ended_on: r.ended_on,
            visits: r.visits,
            expected_visits: EXPECTED_VISITS,
            last_visit: r.last_visit,
        }
    }
}

read_model! {
    /// A visit to a contact point.
    pub struct ContactVisit from store::VisitRow {
        pub id: i64,
        pub point_id: i64,
        pub visited_on: String,
        pub content: String,
        pub by_name: String,
    }
}

read_model! {
    /// A problem of the ledger with its five facts and its clock.
    pub struct Problem from store::ProblemRow {
        pub id: i64,
        /// The ledger number, `WT2026-00001`.
        pub no: String,
        pub point_id: Option<i64>,
        pub leader_name: Option<String>,
        pub org_id: i64,
        pub org_path: String,
        pub org_name: String,
        /// contact, request, enterprise, other.
        pub source: String,
        pub request_id: Option<i64>,
        /// The non-public unit that raised it.
        pub enterprise_id: Option<i64>,
        pub enterprise_name: Option<String>,
        pub content: String,
        /// The responsible unit.
        pub unit: String,
        /// The standard of done.
        pub standard: String,
        pub measures: String,
        pub deadline: String,
        /// Needs several departments: for the joint meeting.
        pub joint: bool,
        /// logged, accepted, refused, replied, closed.
        pub state: String,
        pub logged_on: String,
        pub accept_due: String,
        pub accepted_on: Option<String>,
        pub reply_due: Option<String>,
        pub replied_on: Option<String>,
        pub reply: String,
        pub feedback_due: Option<String>,
        pub closed_on: Option<String>,
        pub feedback: String,
        pub refused_reason: String,
    }
}

/// A problem with what the actor may do with it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ProblemView {
    #[serde(flatten)]
    pub problem: Problem,
    pub state_label: String,
    /// The step it waits on is past its due day.
    pub overdue: bool,
    /// accept, refuse, reply, close.
    pub actions: Vec<String>,
}

/// A contact point's page: the point, its visits and its problems.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct PointDetail {
    pub point: ContactPoint,
    pub visits: Vec<ContactVisit>,
    pub problems: Vec<ProblemView>,
    pub may_record: bool,
    /// The actor may end the point (the district, while it is open).
    pub may_end: bool,
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct PointInput {
    pub leader_name: String,
    pub leader_title: String,
    pub org_id: i64,
    pub started_on: String,
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct ProblemInput {
    /// The organization it concerns; default: the contact point's.
    pub org_id: Option<i64>,
    pub point_id: Option<i64>,
    /// contact, request, enterprise, other (default: contact with a point, enterprise with a
    /// unit, other without).
    pub source: String,
    pub request_id: Option<i64>,
    /// The non-public unit that raised it (then the organization defaults to the unit's).
    pub enterprise_id: Option<i64>,
    pub content: String,
    pub unit: String,
    pub standard: String,
    pub measures: String,
    pub deadline: String,
    pub joint: bool,
}

#[derive(Debug, Clone, Default, Deserialize, Serialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(default)]
pub struct ProblemQuery {
    pub org: Option<i64>,
    pub point: Option<i64>,
    /// Only the problems one non-public unit raised.
    pub enterprise: Option<i64>,
    pub state: String,
    pub year: Option<i64>,
    /// Only problems for the joint meeting.
    pub joint: bool,
    pub page: Option<i64>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ProblemPage {
    pub items: Vec<ProblemView>,
    pub total: i64,
    pub page: i64,
    pub per_page: i64,
}

/// The ledger of a level as printed.
#[derive(Debug)]
pub struct ProblemBook {
    pub org_title: String,
    pub items: Vec<ProblemView>,
}

/// 办结率 of a group: the leader, the unit or the child level.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct RateLine {
    pub name: String,
    pub rate: ClosingRate,
    /// 按时办结率 in tenths of a percent; null when nothing was due.
    pub on_time_permille: Option<i64>,
    pub closed_permille: Option<i64>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ClosingRates {
    pub org_id: i64,
    pub org_name: String,
    pub year: i64,
    pub total: RateLine,
    pub by_leader: Vec<RateLine>,
    pub by_unit: Vec<RateLine>,
    pub by_child: Vec<RateLine>,
}

/// A day the district set on the calendar.
#[derive(Debug, Clone, Serialize, Deserialize, utoipa::ToSchema)]
pub struct CalendarDay {
    /// YYYY-MM-DD.
    pub day: String,
    /// holiday, workday (a weekend day worked), normal (as its weekday says).
    pub kind: String,
    #[serde(default)]
    pub note: String,
}

fn rate_line(name: String, (due, on_time, late): (i64, i64, i64)) -> RateLine {
    let rate = ClosingRate { due, on_time, late };
    RateLine {
        name,
        on_time_permille: rate.on_time_permille(),
        closed_permille: rate.closed_permille(),
        rate,
    }
}

/// An organization's name as the reader knows it: with its parents below the reader's root
/// (`orgs::places`), the bare name where that says nothing (the reader's own level).
fn by_place(names: &std::collections::HashMap<String, String>, path: &str, name: &mut String) {
    if let Some(place) = names.get(path).filter(|n| !n.is_empty()) {
        name.clone_from(place);
    }
}

/// Problems as the reader sees them, each organization named with its parents below the
/// reader's root ("花堡社区 / 第二党支部").
async fn views(
    conn: &mut dangjian_store::Conn,
    actor: &Actor,
    rows: Vec<store::ProblemRow>,
) -> ServiceResult<Vec<ProblemView>> {
    let paths: Vec<&str> = rows.iter().map(|r| r.org_path.as_str()).collect();
    let names = places(conn, actor.read_root()?, &paths).await?;
    let on = date::format(today());
    Ok(rows
        .into_iter()
        .map(|mut r| {
            by_place(&names, &r.org_path, &mut r.org_name);
            view(actor, r.into(), &on)
        })
        .collect())
}

fn view(actor: &Actor, p: Problem, on: &str) -> ProblemView {
    let state = ProblemState::parse(&p.state);
    let waiting = match state {
        Some(ProblemState::Logged) => Some(p.accept_due.as_str()),
        Some(ProblemState::Accepted) => p.reply_due.as_deref(),
        Some(ProblemState::Replied) => p.feedback_due.as_deref(),
        _ => None,
    };
    let actions = match state {
        Some(s) if policy::may_handle_problem(actor, &p.org_path) => ProblemAction::ALL
            .iter()
            .filter(|a| a.next(s).is_some())
            .map(|a| a.as_str().to_string())
            .collect(),
        _ => Vec::new(),
    };
    ProblemView {
        state_label: state.map_or("", ProblemState::label).to_string(),
        overdue: waiting.is_some_and(|d| d < on),
        actions,
        problem: p,
    }
}

impl App {
    /// The working-day calendar: the State Council's notice shipped with the platform, then
    /// the district's entries (later years, corrections).
    pub(crate) async fn work_calendar(&self) -> ServiceResult<Calendar> {
        let mut conn = self.db.conn().await?;
        let mut c = Calendar::default().with(&NOTICE_2026);
        for (d, kind, _) in store::calendar(&mut conn).await? {
            let Some(d) = date::parse(&d) else { continue };
            c.holidays.remove(&d);
            c.working_weekends.remove(&d);
            match kind.as_str() {
                "holiday" => {
                    c.holidays.insert(d);
                }
                "workday" => {
                    c.working_weekends.insert(d);
                }
                _ => {}
            }
        }
        Ok(c)
    }

    /// The days of a year that are not as their weekday says, shipped and entered.
    pub async fn calendar_days(&self, actor: &Actor, year: i32) -> ServiceResult<Vec<CalendarDay>> {
        actor.read_root()?;
        let c = self.work_calendar().await?;
        let mut conn = self.db.conn().await?;
        let notes: std::collections::HashMap<String, String> = store::calendar(&mut conn)
            .await?
            .into_iter()
            .map(|(d, _, n)| (d, n))
            .collect();
        let mut days: Vec<CalendarDay> = c
            .holidays
            .iter()
            .map(|d| (d, "holiday"))
            .chain(c.working_weekends.iter().map(|d| (d, "workday")))
            .filter(|(d, _)| d.year() == year)
            .map(|(d, kind)| {
                let day = date::format(*d);
                CalendarDay {
                    note: notes.get(&day).cloned().unwrap_or_default(),
                    day,
                    kind: kind.into(),
                }
            })
            .collect();
        days.sort_by(|a, b| a.day.cmp(&b.day));
        Ok(days)
    }

    /// Sets days of the calendar (a new year's notice, a correction). District only.
    pub async fn set_calendar_days(
        &self,
        actor: &Actor,
        days: &[CalendarDay],
    ) -> ServiceResult<()> {
        policy::check_district(actor)?;
        if days.is_empty() || days.len() > 400 {
            return Err(ServiceError::field(
                "days",
                "out_of_range",
                "一次设置 1–400 天",
            ));
        }
        let mut checked = Vec::with_capacity(days.len());
        for d in days {
            let on = day(&d.day, "day", "日期")?;
            if !matches!(d.kind.as_str(), "holiday" | "workday" | "normal") {
                return Err(ServiceError::field(
                    "kind",
                    "invalid_choice",
                    "类型应为 holiday（放假）、workday（调休上班）或 normal（按星期）",
                ));
            }
            let weekend = matches!(
                on.weekday(),
                time::Weekday::Saturday | time::Weekday::Sunday
            );
            if d.kind == "workday" && !weekend {
                return Err(ServiceError::field(
                    "kind",
                    "not_weekend",
                    format!("{} 不是周末，无需设为调休上班", d.day),
                ));
            }
            if d.note.chars().count() > 50 {
                return Err(ServiceError::field(
                    "note",
                    "too_long",
                    "说明不能超过 50 字",
                ));
            }
            checked.push((date::format(on), d.kind.clone(), d.note.trim().to_string()));
        }
        let mut tx = self.begin_audited().await?;
        for (d, kind, note) in &checked {
            store::set_day(tx.conn(), d, kind, note, actor.user_id).await?;
        }
        tx.commit(
            actor,
            Entry::ok("calendar.set", "work_calendar", &checked[0].0)
                .detail(format!("{} 天", checked.len())),
        )
        .await?;
        Ok(())
    }

    /// Contact points inside a level with their visits of the year.
    pub async fn contact_points(
        &self,
        actor: &Actor,
        org_id: Option<i64>,
        year: i64,
    ) -> ServiceResult<Vec<ContactPoint>> {
        let o = match org_id {
            Some(id) => self.org(actor, id).await?,
            None => self.home_org(actor).await?,
        };
        let mut conn = self.db.conn().await?;
        let rows = store::points(&mut conn, &o.path, year).await?;
        let paths: Vec<&str> = rows.iter().map(|r| r.org_path.as_str()).collect();
        let names = places(&mut conn, actor.read_root()?, &paths).await?;
        Ok(rows
            .into_iter()
            .map(|mut r| {
                by_place(&names, &r.org_path, &mut r.org_name);
                ContactPoint::from(r)
            })
            .collect())
    }

    /// A leader's new contact point; a leader holds at most two. District only.
    pub async fn create_contact_point(
        &self,
        actor: &Actor,
        input: &PointInput,
    ) -> ServiceResult<ContactPoint> {
        policy::check_district(actor)?;
        let leader = text(&input.leader_name, "leader_name", "领导干部姓名", 20)?;
        let title = text(&input.leader_title, "leader_title", "职务", 50)?;
        let o = self.org(actor, input.org_id).await?;
        let started = day(&input.started_on, "started_on", "建立日期")?;
        let mut conn = self.db.conn().await?;
        if store::held_by(&mut conn, &leader).await? >= POINTS_PER_LEADER {
            return Err(ServiceError::field(
                "leader_name",
                "too_many",
                format!("{leader} 已有 {POINTS_PER_LEADER} 个联系点"),
            ));
        }
        drop(conn);
        let mut tx = self.begin_audited().await?;
        let id = store::insert_point(
            tx.conn(),
            (&leader, &title),
            (o.id, &o.path),
            &date::format(started),
            actor.user_id,
        )
        .await?;
        tx.commit(
            actor,
            Entry::ok("contact.point", "contact_point", id)
                .detail(format!("{leader} 联系 {}", o.name)),
        )
        .await?;
        let mut conn = self.db.conn().await?;
        store::point(&mut conn, id, i64::from(today().year()))
            .await?
            .map(ContactPoint::from)
            .ok_or(ServiceError::NotFound)
    }

    /// Ends a point when its leader moves on; its visits and problems stay on record.
    /// District only.
    pub async fn end_contact_point(
        &self,
        actor: &Actor,
        id: i64,
        ended_on: &str,
    ) -> ServiceResult<PointDetail> {
        let p = self
            .point_in_scope(actor, id, i64::from(today().year()))
            .await?;
        policy::check_district(actor)?;
        let on = day(ended_on, "ended_on", "结束日期")?;
        if on > today() {
            return Err(ServiceError::field(
                "ended_on",
                "future",
                "结束日期不能晚于今天",
            ));
        }
        let on = date::format(on);
        if on < p.started_on {
            return Err(ServiceError::field(
                "ended_on",
                "before_start",
                format!("结束日期不能早于建立日期 {}", p.started_on),
            ));
        }
        let mut tx = self.begin_audited().await?;
        if !store::end_point(tx.conn(), id, &on).await? {
            return Err(ServiceError::field("ended_on", "ended", "该联系点已经结束"));
        }
        tx.commit(
            actor,
            Entry::ok("contact.end", "contact_point", id)
                .detail(format!("{} 联系 {}，{on} 结束", p.leader_name, p.org_name)),
        )
        .await?;
        self.contact_point(actor, id).await
    }

    async fn point_in_scope(
        &self,
        actor: &Actor,
        id: i64,
        year: i64,
    ) -> ServiceResult<store::PointRow> {
        let mut conn = self.db.conn().await?;
        let p = store::point(&mut conn, id, year)
            .await?
            .ok_or(ServiceError::NotFound)?;
        actor.check_visible(&p.org_path)?;
        Ok(p)
    }

    /// A contact point with its visits and problems.
    pub async fn contact_point(&self, actor: &Actor, id: i64) -> ServiceResult<PointDetail> {
        let p = self
            .point_in_scope(actor, id, i64::from(today().year()))
            .await?;
        let mut conn = self.db.conn().await?;
        let visits = all(store::visits(&mut conn, p.id).await?);
        let filter = ProblemFilter {
            root_path: &p.org_path,
            point_id: Some(p.id),
            enterprise_id: None,
            state: None,
            year: None,
            joint_only: false,
        };
        let (rows, _) = store::problems(&mut conn, &filter, (500, 0)).await?;
        let problems = views(&mut conn, actor, rows).await?;
        Ok(PointDetail {
            may_record: p.ended_on.is_none() && policy::may_handle_problem(actor, &p.org_path),
            may_end: p.ended_on.is_none() && policy::is_district(actor),
            visits,
            problems,
            point: p.into(),
        })
    }

    /// A visit, with the problems it found logged on the ledger in the same transaction.
    pub async fn log_visit(
        &self,
        actor: &Actor,
        point_id: i64,
        visited_on: &str,
        content: &str,
        problems: &[ProblemInput],
    ) -> ServiceResult<PointDetail> {
        let p = self
            .point_in_scope(actor, point_id, i64::from(today().year()))
            .await?;
        policy::check_handle_problem(actor, &p.org_path)?;
        let on = day(visited_on, "visited_on", "走访日期")?;
        if on > today() {
            return Err(ServiceError::field(
                "visited_on",
                "future",
                "走访日期不能晚于今天",
            ));
        }
        if let Some(ended) = p.ended_on.as_deref()
            && date::format(on).as_str() > ended
        {
            return Err(ServiceError::field(
                "visited_on",
                "ended",
                format!("该联系点已于 {ended} 结束，不能再记录之后的走访"),
            ));
        }
        let content = text(content, "content", "走访内容", TEXT_CHARS)?;
        let calendar = self.work_calendar().await?;
        let mut checked = Vec::with_capacity(problems.len());
        for input in problems {
            let mut input = input.clone();
            input.point_id = Some(p.id);
            input.org_id = Some(input.org_id.unwrap_or(p.org_id));
            checked.push(self.check_problem(actor, &input, on).await?);
        }
        let mut tx = self.begin_audited().await?;
        let vid = store::insert_visit(
            tx.conn(),
            p.id,
            &date::format(on),
            &content,
            &actor.display_name,
        )
        .await?;
        for c in &checked {
            self.insert_problem(tx.conn(), actor, c, &calendar).await?;
        }
        tx.commit(
            actor,
            Entry::ok("contact.visit", "contact_visit", vid).detail(format!(
                "{} 走访 {}，发现问题 {} 个",
                p.leader_name,
                p.org_name,
                checked.len()
            )),
        )
        .await?;
        self.contact_point(actor, p.id).await
    }

    async fn check_problem(
        &self,
        actor: &Actor,
        input: &ProblemInput,
        logged_on: Date,
    ) -> ServiceResult<CheckedProblem> {
        let unit = match input.enterprise_id {
            Some(id) => Some(self.enterprise(actor, id).await.map_err(|_| {
                ServiceError::field("enterprise_id", "not_found", "找不到该非公企业或社会组织")
            })?),
            None => None,
        };
        let org_id = input
            .org_id
            .or(unit.as_ref().map(|u| u.org_id))
            .ok_or_else(|| ServiceError::field("org_id", "required", "请选择问题所在的组织"))?;
        let o = self.org(actor, org_id).await?;
        policy::check_handle_problem(actor, &o.path)?;
        let source = match input.source.trim() {
            "" if input.point_id.is_some() => ProblemSource::Contact,
            "" if unit.is_some() => ProblemSource::Enterprise,
            "" => ProblemSource::Other,
            s => ProblemSource::parse(s).ok_or_else(|| {
                ServiceError::field(
                    "source",
                    "invalid_choice",
                    "来源应为 联系点走访、群众诉求、企业反映 或 其他",
                )
            })?,
        };
        if source == ProblemSource::Request && input.request_id.is_none() {
            return Err(ServiceError::field(
                "request_id",
                "required",
                "来自群众诉求的问题请填写诉求编号",
            ));
        }
        if let Some(rid) = input.request_id {
            // A forged or foreign request id reads as missing, like any object out of scope.
            let mut conn = self.db.conn().await?;
            let known = dangjian_store::request::get(&mut conn, rid)
                .await?
                .is_some_and(|r| actor.check_visible(&r.community_path).is_ok());
            if !known {
                return Err(ServiceError::field(
                    "request_id",
                    "not_found",
                    "找不到这条群众诉求，请核对诉求编号",
                ));
            }
        }
        let deadline = day(&input.deadline, "deadline", "办结时限")?;
        if deadline < logged_on {
            return Err(ServiceError::field(
                "deadline",
                "before_start",
                format!("办结时限不能早于登记日期 {}", date::format(logged_on)),
            ));
        }
        Ok(CheckedProblem {
            org: (o.id, o.path),
            point_id: input.point_id,
            source,
            request_id: input.request_id,
            enterprise_id: unit.map(|u| u.id),
            facts: [
                text(&input.content, "content", "问题内容", TEXT_CHARS)?,
                text(&input.unit, "unit", "责任单位", 50)?,
                text(&input.standard, "standard", "办结标准", TEXT_CHARS)?,
                text(&input.measures, "measures", "整改措施", TEXT_CHARS)?,
                date::format(deadline),
            ],
            joint: input.joint,
            logged_on,
        })
    }

    async fn insert_problem(
        &self,
        conn: &mut dangjian_store::Conn,
        actor: &Actor,
        c: &CheckedProblem,
        calendar: &Calendar,
    ) -> ServiceResult<i64> {
        let clock = ProblemClock::default();
        let accept_due = date::format(clock.due(calendar, Step::Accept, c.logged_on));
        let no = store::next_no(conn, i64::from(c.logged_on.year())).await?;
        let [content, unit, standard, measures, deadline] = &c.facts;
        store::insert_problem(
            conn,
            &NewProblem {
                no: &no,
                point_id: c.point_id,
                org: (c.org.0, &c.org.1),
                source: c.source.as_str(),
                request_id: c.request_id,
                enterprise_id: c.enterprise_id,
                facts: [content, unit, standard, measures, deadline],
                joint: c.joint,
                logged_on: &date::format(c.logged_on),
                accept_due: &accept_due,
                by: actor.user_id,
            },
        )
        .await
        .map_err(|e| match e {
            StoreError::Duplicate(_) => {
                ServiceError::field("content", "conflict", "问题编号冲突，请重试")
            }
            other => other.into(),
        })
    }

    /// A problem logged outside a visit (from a request, an enterprise, elsewhere).
    pub async fn log_problem(
        &self,
        actor: &Actor,
        input: &ProblemInput,
    ) -> ServiceResult<ProblemView> {
        if let Some(p) = input.point_id {
            self.point_in_scope(actor, p, i64::from(today().year()))
                .await?;
        }
        let c = self.check_problem(actor, input, today()).await?;
        let calendar = self.work_calendar().await?;
        let mut tx = self.begin_audited().await?;
        let id = self.insert_problem(tx.conn(), actor, &c, &calendar).await?;
        tx.commit(actor, Entry::ok("problem.log", "problem", id))
            .await?;
        self.problem(actor, id).await
    }

    pub async fn problem(&self, actor: &Actor, id: i64) -> ServiceResult<ProblemView> {
        let mut conn = self.db.conn().await?;
        let p = store::problem(&mut conn, id)
            .await?
            .ok_or(ServiceError::NotFound)?;
        actor.check_visible(&p.org_path)?;
        views(&mut conn, actor, vec![p])
            .await?
            .pop()
            .ok_or(ServiceError::NotFound)
    }

    /// One move of a problem: accept, refuse (with the reason), reply (with the reply), close
    /// (with the reporter's feedback). Each step's due day is counted in working days.
    pub async fn act_on_problem(
        &self,
        actor: &Actor,
        id: i64,
        action: &str,
        note: &str,
    ) -> ServiceResult<ProblemView> {
        let action = ProblemAction::parse(action.trim()).ok_or_else(|| {
            ServiceError::field(
                "action",
                "invalid_choice",
                "操作应为 accept、refuse、reply 或 close",
            )
        })?;
        let mut conn = self.db.conn().await?;
        let p = store::problem(&mut conn, id)
            .await?
            .ok_or(ServiceError::NotFound)?;
        actor.check_visible(&p.org_path)?;
        policy::check_handle_problem(actor, &p.org_path)?;
        drop(conn);
        let from = ProblemState::parse(&p.state)
            .ok_or_else(|| ServiceError::Internal(format!("问题 {} 状态未知", p.no)))?;
        let to = action.next(from).ok_or_else(|| {
            ServiceError::field(
                "action",
                "not_now",
                match action {
                    ProblemAction::Close => "问题尚未答复，不能办结".to_string(),
                    _ => format!("问题当前{}，不能{}", from.label(), action.label()),
                },
            )
        })?;
        let note = match action.text_label() {
            Some(what) => text(note, "note", what, TEXT_CHARS)?,
            None => String::new(),
        };
        let calendar = self.work_calendar().await?;
        let clock = ProblemClock::default();
        let on = today();
        let day_text = date::format(on);
        let sets: Vec<(&'static str, String)> = match action {
            ProblemAction::Accept => vec![
                ("accepted_on", day_text.clone()),
                (
                    "reply_due",
                    date::format(clock.due(&calendar, Step::Reply, on)),
                ),
            ],
            ProblemAction::Refuse => vec![
                ("refused_reason", note.clone()),
                ("closed_on", day_text.clone()),
            ],
            ProblemAction::Reply => vec![
                ("replied_on", day_text.clone()),
                ("reply", note.clone()),
                (
                    "feedback_due",
                    date::format(clock.due(&calendar, Step::Feedback, on)),
                ),
            ],
            ProblemAction::Close => {
                vec![("closed_on", day_text.clone()), ("feedback", note.clone())]
            }
        };
        let mut tx = self.begin_audited().await?;
        if !store::move_problem(tx.conn(), p.id, (from.as_str(), to.as_str()), &sets).await? {
            return Err(ServiceError::field(
                "action",
                "conflict",
                "该问题刚被他人处理，请刷新后查看",
            ));
        }
        tx.commit(
            actor,
            Entry::ok("problem.act", "problem", p.id).detail(format!(
                "{} {}",
                p.no,
                action.label()
            )),
        )
        .await?;
        self.problem(actor, p.id).await
    }

    /// A level's ledger, newest first, paged.
    pub async fn problems(&self, actor: &Actor, q: &ProblemQuery) -> ServiceResult<ProblemPage> {
        self.problem_list(actor, q, false).await
    }

    /// Every problem the ledger's filters select, for its export (refused over the cap).
    pub async fn export_problems(
        &self,
        actor: &Actor,
        q: &ProblemQuery,
    ) -> ServiceResult<ProblemPage> {
        self.problem_list(actor, q, true).await
    }

    /// 问题台账 as printed: every problem the filters select, with the level named with its
    /// parents. Audited as an export.
    pub async fn problem_book(
        &self,
        actor: &Actor,
        q: &ProblemQuery,
    ) -> ServiceResult<ProblemBook> {
        let o = self.list_root(actor, q.org).await?;
        let q = ProblemQuery {
            org: Some(o.id),
            ..q.clone()
        };
        let items = self.problem_list(actor, &q, true).await?.items;
        self.audit_export(actor, "问题台账（PDF）", o.id, items.len(), None)
            .await?;
        Ok(ProblemBook {
            org_title: self.org_title(actor, &o).await?,
            items,
        })
    }

    async fn problem_list(
        &self,
        actor: &Actor,
        q: &ProblemQuery,
        whole: bool,
    ) -> ServiceResult<ProblemPage> {
        let o = match q.org {
            Some(id) => self.org(actor, id).await?,
            None => self.home_org(actor).await?,
        };
        let state = match q.state.trim() {
            "" => None,
            s => Some(
                ProblemState::parse(s)
                    .ok_or_else(|| ServiceError::field("state", "invalid_choice", "状态不正确"))?
                    .as_str(),
            ),
        };
        let page = crate::model::page_number(q.page);
        let mut conn = self.db.conn().await?;
        let filter = ProblemFilter {
            root_path: &o.path,
            point_id: q.point,
            enterprise_id: q.enterprise,
            state,
            year: q.year,
            joint_only: q.joint,
        };
        let window = if whole {
            (crate::export::MAX_EXPORT, 0)
        } else {
            (PER_PAGE, (page - 1) * PER_PAGE)
        };
        let (rows, total) = store::problems(&mut conn, &filter, window).await?;
        if whole {
            crate::export::check_size(total, "个问题")?;
        }
        Ok(ProblemPage {
            items: views(&mut conn, actor, rows).await?,
            total,
            page: if whole { 1 } else { page },
            per_page: if whole { total } else { PER_PAGE },
        })
    }

    /// 办结率 of a level for the problems logged in a year: in all, per leader, per
    /// responsible unit and per child.
    pub async fn closing_rates(
        &self,
        actor: &Actor,
        org_id: Option<i64>,
        year: i64,
    ) -> ServiceResult<ClosingRates> {
        let o = match org_id {
            Some(id) => self.org(actor, id).await?,
            None => self.home_org(actor).await?,
        };
        let on = date::format(today());
        let mut conn = self.db.conn().await?;
        let lines = |rows: Vec<(String, i64, i64, i64)>| -> Vec<RateLine> {
            let mut v: Vec<RateLine> = rows
                .into_iter()
                .map(|(g, due, t, l)| {
                    rate_line(
                        if g.is_empty() {
                            "（未经联系点）".into()
                        } else {
                            g
                        },
                        (due, t, l),
                    )
                })
                .collect();
            v.sort_by(|a, b| a.name.cmp(&b.name));
            v
        };
        let by_leader = lines(store::closing(&mut conn, &o.path, year, &on, "leader").await?);
        let by_unit = lines(store::closing(&mut conn, &o.path, year, &on, "unit").await?);
        let by_path = store::closing(&mut conn, &o.path, year, &on, "org").await?;
        let children = org::children(&mut conn, o.id).await?;
        let mut total = (0, 0, 0);
        let mut by_child: Vec<RateLine> = Vec::new();
        for c in &children {
            let mut sum = (0, 0, 0);
            for (p, due, t, l) in &by_path {
                if path::contains(&c.path, p) {
                    sum = (sum.0 + due, sum.1 + t, sum.2 + l);
                }
            }
            if sum.0 > 0 {
                by_child.push(rate_line(c.name.clone(), sum));
            }
        }
        for (_, due, t, l) in &by_path {
            total = (total.0 + due, total.1 + t, total.2 + l);
        }
        Ok(ClosingRates {
            org_id: o.id,
            org_name: o.name.clone(),
            year,
            total: rate_line(o.name, total),
            by_leader,
            by_unit,
            by_child,
        })
    }
}

/// A problem checked and ready to store.
struct CheckedProblem {
    org: (i64, String),
    point_id: Option<i64>,
    source: ProblemSource,
    request_id: Option<i64>,
    enterprise_id: Option<i64>,
    facts: [String; 5],
    joint: bool,
    logged_on: Date,
}
