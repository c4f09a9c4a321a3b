//! The people through whom party work reaches a unit: instructors and leaders who look after
//! enterprises, assigned by the district, and factory liaisons, assigned by the town too;
//! their visits; a unit's page with them and the problems it raised; and a level's month of
//! instructors or quarter of leaders, measured against the district's rules.

use dangjian_domain::date;
use dangjian_domain::enterprises::helpers::{
    HelperRole, check_visit_days, month_bounds, quarter_bounds, term_end,
};
use dangjian_store::enterprises::helpers::{self as store, HelperWrite, Period};
use dangjian_store::member;
use serde::{Deserialize, Serialize};
use time::Date;

use super::policy;
use super::register::Enterprise;
use crate::assessment::contact::{ProblemQuery, ProblemView};
use crate::audit::Entry;
use crate::model::{all, choice, day_or, page_number, read_model, required_text, window};
use crate::{Actor, App, ServiceError, ServiceResult, today};

pub const HELPERS_PER_PAGE: i64 = 50;

/// Visits a unit's page shows, newest first.
const RECENT_VISITS: i64 = 50;

read_model! {
    /// An assignment of a member to a unit.
    pub struct Helper from store::HelperRow {
        pub id: i64,
        pub enterprise_id: i64,
        pub enterprise_name: String,
        pub member_id: i64,
        pub member_name: String,
        /// `instructor` | `leader` | `liaison`.
        pub role: String,
        pub start_on: String,
        /// The last day: an instructor's term end, or the day it was ended.
        pub end_on: Option<String>,
        pub visits: i64,
        pub last_visit: Option<String>,
    }
}

impl Helper {
    pub fn role_label(&self) -> &'static str {
        HelperRole::parse(&self.role).map_or("", HelperRole::label)
    }
}

read_model! {
    /// A visit to a unit.
    pub struct EnterpriseVisit from store::VisitRow {
        pub id: i64,
        pub helper_id: i64,
        pub member_name: String,
        pub role: String,
        pub visited_on: String,
        /// Days on site.
        pub days: i64,
        pub content: String,
    }
}

impl EnterpriseVisit {
    pub fn role_label(&self) -> &'static str {
        HelperRole::parse(&self.role).map_or("", HelperRole::label)
    }
}

/// An assignment with what the caller may do with it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct HelperView {
    #[serde(flatten)]
    pub helper: Helper,
    /// In force today.
    pub in_force: bool,
    pub may_end: bool,
    /// The caller records this helper's visits (the town or the district keeping the unit).
    pub may_visit: bool,
}

/// A unit's page: the unit, its helpers, its latest visits and the problems it raised.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct EnterpriseDetail {
    pub unit: Enterprise,
    pub helpers: Vec<HelperView>,
    pub visits: Vec<EnterpriseVisit>,
    pub problems: Vec<ProblemView>,
    pub problems_total: i64,
    /// Edit the unit and assign liaisons.
    pub may_keep: bool,
    /// The helper roles the reader may assign here (codes of `HelperRole`): liaisons for the
    /// town keeping the unit, instructors and leaders too for the district.
    pub assignable_roles: Vec<String>,
    /// Log a problem the unit raised onto the ledger.
    pub may_log_problem: bool,
}

#[derive(Debug, Clone, Default, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(default)]
pub struct HelperInput {
    /// A member the caller sees.
    pub member_id: Option<i64>,
    /// 党建指导员 / 包企业领导 / 驻厂员 (code or label).
    pub role: String,
    /// First day (default today).
    pub start_on: String,
    /// Last day: an instructor's default is the end of the district's term; others stay
    /// open until ended.
    pub end_on: String,
}

#[derive(Debug, Clone, Default, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(default)]
pub struct EndHelperInput {
    /// Its last day (default today).
    pub end_on: String,
}

#[derive(Debug, Clone, Default, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(default)]
pub struct VisitInput {
    /// The day it began (default today).
    pub visited_on: String,
    /// Days on site, within its month (default 1).
    pub days: Option<i64>,
    /// What was done.
    pub content: String,
}

/// A helper's figures of a period below a level.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct HelperPeriod {
    pub member_id: i64,
    pub member_name: String,
    /// Units they looked after in the period.
    pub units: i64,
    pub visits: i64,
    /// Days on site.
    pub days: i64,
    /// The district's minimum is reached (days for instructors, visits for leaders).
    pub met: bool,
}

/// Instructors' month, leaders' quarter or liaisons' month below a level.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct HelperReport {
    pub org_id: i64,
    pub org_name: String,
    /// `instructor` | `leader` | `liaison`.
    pub role: String,
    /// The period counted: the month, or a leader's quarter.
    pub from: String,
    pub to: String,
    /// What a helper needs in it (days for instructors, visits for leaders; none for
    /// liaisons).
    pub least: Option<i64>,
    pub in_post: i64,
    pub met: i64,
    pub items: Vec<HelperPeriod>,
    pub total: i64,
    pub page: i64,
    pub per_page: i64,
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct HelperReportQuery {
    pub org: Option<i64>,
    /// `instructor` (default) | `leader` | `liaison`.
    pub role: Option<String>,
    /// A day of the period (default today): its month, or its quarter for leaders.
    pub on: Option<String>,
    pub page: Option<i64>,
}

/// The period a role is measured over around `on`, and the minimum it should reach.
fn period_of(
    role: HelperRole,
    on: Date,
    rules: &dangjian_domain::enterprises::EnterpriseRules,
) -> ((Date, Date), Option<i64>) {
    match role {
        HelperRole::Instructor => (month_bounds(on), Some(rules.instructor_min_days)),
        HelperRole::Leader => (quarter_bounds(on), Some(rules.leader_visits_per_quarter)),
        HelperRole::Liaison => (month_bounds(on), None),
    }
}

impl App {
    /// A unit with its helpers, latest visits and the problems it raised.
    pub async fn enterprise_detail(
        &self,
        actor: &Actor,
        id: i64,
    ) -> ServiceResult<EnterpriseDetail> {
        let unit = self.enterprise(actor, id).await?;
        let place = self.org(actor, unit.org_id).await?;
        let mut conn = self.db.conn().await?;
        let day = date::format(today());
        let helpers = store::of_enterprise(&mut conn, id)
            .await?
            .into_iter()
            .map(|h| {
                let role = HelperRole::parse(&h.role);
                let in_force = h.start_on <= day && h.end_on.as_ref().is_none_or(|e| *e >= day);
                let assigns = role.is_some_and(|r| policy::may_assign(actor, &place.path, r));
                HelperView {
                    in_force,
                    may_end: in_force && assigns,
                    may_visit: in_force && policy::may_keep(actor, &place.path),
                    helper: h.into(),
                }
            })
            .collect();
        let visits = all(store::visits_of(&mut conn, id, RECENT_VISITS).await?);
        drop(conn);
        let problems = self
            .problems(
                actor,
                &ProblemQuery {
                    org: Some(unit.org_id),
                    enterprise: Some(id),
                    ..ProblemQuery::default()
                },
            )
            .await?;
        Ok(EnterpriseDetail {
            may_keep: policy::may_keep(actor, &place.path),
            assignable_roles: HelperRole::ALL
                .iter()
                .filter(|r| policy::may_assign(actor, &place.path, **r))
                .map(|r| r.as_str().to_string())
                .collect(),
            may_log_problem: crate::assessment::policy::may_handle_problem(actor, &place.path),
            unit,
            helpers,
            visits,
            problems_total: problems.total,
            problems: problems.items,
        })
    }

    /// Assigns a member to a unit as its instructor, leader or liaison.
    pub async fn assign_helper(
        &self,
        actor: &Actor,
        enterprise_id: i64,
        input: &HelperInput,
    ) -> ServiceResult<Helper> {
        let unit = self.enterprise(actor, enterprise_id).await?;
        let place = self.org(actor, unit.org_id).await?;
        let role = choice(
            "role",
            HelperRole::parse,
            &input.role,
            "请选择党建指导员、包企业领导或驻厂员",
        )?;
        policy::check_assign(actor, &place.path, role)?;
        let rules = self.enterprise_rules().await?;
        let start = day_or("start_on", "开始日期", &input.start_on, today())?;
        let end = match input.end_on.trim() {
            "" if role == HelperRole::Instructor => {
                Some(term_end(start, rules.instructor_term_years))
            }
            "" => None,
            t => Some(day_or("end_on", "结束日期", t, start)?),
        };
        if end.is_some_and(|e| e < start) {
            return Err(ServiceError::field(
                "end_on",
                "before_start",
                "结束日期不能早于开始日期",
            ));
        }
        let member_id = input
            .member_id
            .ok_or_else(|| ServiceError::field("member_id", "required", "请选择党员"))?;
        let mut tx = self.begin_audited().await?;
        let m = member::get(tx.conn(), member_id)
            .await?
            .filter(|m| actor.check_visible(&m.org_path).is_ok())
            .ok_or_else(|| ServiceError::field("member_id", "not_found", "找不到该党员"))?;
        let day = date::format(start);
        let units = store::units_of(tx.conn(), m.id, role.as_str(), &day).await?;
        if units.contains(&enterprise_id) {
            return Err(ServiceError::field(
                "member_id",
                "duplicate",
                format!("{}已是本单位的{}", m.name, role.label()),
            ));
        }
        if role == HelperRole::Instructor {
            rules
                .check_instructor_units(units.len() as i64)
                .map_err(|e| ServiceError::Invalid(vec![e]))?;
        }
        let end_text = end.map(date::format);
        let id = store::insert(
            tx.conn(),
            &HelperWrite {
                enterprise_id,
                member_id: m.id,
                role: role.as_str(),
                start_on: &day,
                end_on: end_text.as_deref(),
                by: actor.user_id,
            },
        )
        .await?;
        tx.commit(
            actor,
            Entry::ok("enterprise.helper", "enterprise_helper", id).detail(format!(
                "{} {} {}",
                unit.name,
                role.label(),
                m.name
            )),
        )
        .await?;
        self.helper(actor, id).await
    }

    /// One assignment the caller reads (through its unit).
    async fn helper(&self, actor: &Actor, id: i64) -> ServiceResult<Helper> {
        policy::check_staff(actor)?;
        let mut conn = self.db.conn().await?;
        store::helper(&mut conn, id)
            .await?
            .filter(|h| actor.check_visible(&h.org_path).is_ok())
            .map(Helper::from)
            .ok_or(ServiceError::NotFound)
    }

    /// Ends an assignment on a day (default today).
    pub async fn end_helper(
        &self,
        actor: &Actor,
        id: i64,
        input: &EndHelperInput,
    ) -> ServiceResult<Helper> {
        let mut tx = self.begin_audited().await?;
        let h = store::helper(tx.conn(), id)
            .await?
            .filter(|h| actor.check_visible(&h.org_path).is_ok())
            .ok_or(ServiceError::NotFound)?;
        let role = HelperRole::parse(&h.role).ok_or(ServiceError::NotFound)?;
        policy::check_assign(actor, &h.org_path, role)?;
        let on = day_or("end_on", "结束日期", &input.end_on, today())?;
        let text = date::format(on);
        if text < h.start_on {
            return Err(ServiceError::field(
                "end_on",
                "before_start",
                format!("结束日期不能早于开始日期 {}", h.start_on),
            ));
        }
        if !store::end(tx.conn(), id, &text).await? {
            return Err(ServiceError::field(
                "end_on",
                "already_ended",
                "该任务已在此日期前结束",
            ));
        }
        tx.commit(
            actor,
            Entry::ok("enterprise.helper_end", "enterprise_helper", id).detail(format!(
                "{} {} {} 至 {text}",
                h.enterprise_name,
                role.label(),
                h.member_name
            )),
        )
        .await?;
        self.helper(actor, id).await
    }

    /// Records a visit of a helper to their unit: the town or the district keeping it.
    pub async fn log_enterprise_visit(
        &self,
        actor: &Actor,
        helper_id: i64,
        input: &VisitInput,
    ) -> ServiceResult<EnterpriseVisit> {
        let mut tx = self.begin_audited().await?;
        let h = store::helper(tx.conn(), helper_id)
            .await?
            .filter(|h| actor.check_visible(&h.org_path).is_ok())
            .ok_or(ServiceError::NotFound)?;
        policy::check_keep(actor, &h.org_path)?;
        let on = day_or("visited_on", "走访日期", &input.visited_on, today())?;
        if on > today() {
            return Err(ServiceError::field(
                "visited_on",
                "future_date",
                "走访日期不能晚于今天",
            ));
        }
        let text = date::format(on);
        if text < h.start_on || h.end_on.as_ref().is_some_and(|e| text > *e) {
            let until = h.end_on.clone().unwrap_or_else(|| "今".into());
            return Err(ServiceError::field(
                "visited_on",
                "out_of_term",
                format!("走访日期应在任务期内（{} 至 {until}）", h.start_on),
            ));
        }
        let days = input.days.unwrap_or(1);
        check_visit_days(on, days).map_err(|e| ServiceError::Invalid(vec![e]))?;
        let content = required_text("content", "走访内容", &input.content, 500)?;
        let id = store::insert_visit(tx.conn(), h.id, &text, days, &content, actor.user_id).await?;
        tx.commit(
            actor,
            Entry::ok("enterprise.visit", "enterprise_visit", id).detail(format!(
                "{} {} {text} {days} 天",
                h.enterprise_name, h.member_name
            )),
        )
        .await?;
        Ok(EnterpriseVisit {
            id,
            helper_id: h.id,
            member_name: h.member_name,
            role: h.role,
            visited_on: text,
            days,
            content,
        })
    }

    /// The helpers of one role below a level over the period around a day, with the
    /// district's minimum.
    pub async fn helper_report(
        &self,
        actor: &Actor,
        q: &HelperReportQuery,
    ) -> ServiceResult<HelperReport> {
        self.helper_report_page(actor, q, Some(page_number(q.page)))
            .await
    }

    pub async fn export_helper_report(
        &self,
        actor: &Actor,
        q: &HelperReportQuery,
    ) -> ServiceResult<HelperReport> {
        self.helper_report_page(actor, q, None).await
    }

    async fn helper_report_page(
        &self,
        actor: &Actor,
        q: &HelperReportQuery,
        page: Option<i64>,
    ) -> ServiceResult<HelperReport> {
        let o = self.register_level(actor, q.org).await?;
        let role = match q.role.as_deref().map(str::trim).filter(|r| !r.is_empty()) {
            None => HelperRole::Instructor,
            Some(r) => choice(
                "role",
                HelperRole::parse,
                r,
                "角色应为党建指导员、包企业领导或驻厂员",
            )?,
        };
        let on = day_or("on", "日期", q.on.as_deref().unwrap_or(""), today())?;
        let rules = self.enterprise_rules().await?;
        let ((from, to), least) = period_of(role, on, &rules);
        let (from, to) = (date::format(from), date::format(to));
        let period = Period {
            root_path: &o.path,
            role: role.as_str(),
            from: &from,
            to: &to,
        };
        let mut conn = self.db.conn().await?;
        let by_days = role != HelperRole::Leader;
        let (in_post, met) =
            store::period_summary(&mut conn, &period, by_days, least.unwrap_or(0)).await?;
        // Every helper in post is one line of the list.
        let total = in_post;
        if page.is_none() {
            crate::export::check_size(total, "名人员")?;
        }
        let (limit, offset) = window(page, HELPERS_PER_PAGE);
        let rows = store::periods(&mut conn, &period, limit, offset).await?;
        let items = rows
            .into_iter()
            .map(|r| HelperPeriod {
                met: least.is_some_and(|l| if by_days { r.days >= l } else { r.visits >= l }),
                member_id: r.member_id,
                member_name: r.member_name,
                units: r.units,
                visits: r.visits,
                days: r.days,
            })
            .collect();
        Ok(HelperReport {
            org_id: o.id,
            org_name: o.name,
            role: role.as_str().into(),
            from,
            to,
            least,
            in_post,
            met: if least.is_some() { met } else { 0 },
            items,
            total,
            page: page.unwrap_or(1),
            per_page: page.map_or(total, |_| HELPERS_PER_PAGE),
        })
    }
}
