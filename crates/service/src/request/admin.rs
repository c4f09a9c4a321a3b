//! 群众诉求, the district's settings and the dashboards: categories with their time limits
//! and usual department, the departments requests are sent to, and per level the requests by
//! state, on-time rates and median times.

use std::collections::HashMap;

use dangjian_domain::error::text_or_number;
use dangjian_domain::request::{self as domain, RequestState};
use dangjian_domain::{FieldError, path};
use dangjian_store::org;
use dangjian_store::request::{self as store, CategoryData, DepartmentData};
use dangjian_store::rollup::Orgs;
use dangjian_store::{StoreError, rollup};
use serde::{Deserialize, Serialize};

use crate::audit::Entry;
use crate::orgs::Org;
use crate::request::OPEN_STATES;
use crate::request::RequestCategory;
use crate::request::RequestDepartment;
use crate::{Actor, App, ServiceError, ServiceResult, now_ms, today};

/// A category as a form or a script sends it; `active` is true unless said otherwise.
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct CategoryInput {
    pub name: String,
    /// 1–2160.
    #[serde(deserialize_with = "text_or_number")]
    pub accept_hours: String,
    /// 1–2160.
    #[serde(deserialize_with = "text_or_number")]
    pub resolve_hours: String,
    pub department_id: Option<i64>,
    /// Integer; empty is 0.
    #[serde(deserialize_with = "text_or_number")]
    pub sort: String,
    pub active: bool,
}

impl Default for CategoryInput {
    fn default() -> Self {
        Self {
            name: String::new(),
            accept_hours: String::new(),
            resolve_hours: String::new(),
            department_id: None,
            sort: String::new(),
            active: true,
        }
    }
}

/// An omitted `active` is false.
#[derive(Debug, Clone, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct DepartmentInput {
    pub name: String,
    pub contact: String,
    /// An open org whose staff work on what is sent here.
    pub org_id: Option<i64>,
    pub active: bool,
}

impl Default for DepartmentInput {
    fn default() -> Self {
        Self {
            name: String::new(),
            contact: String::new(),
            org_id: None,
            active: true,
        }
    }
}

fn name(field: &'static str, value: &str, max: usize) -> Result<String, FieldError> {
    let v = value.trim();
    if v.is_empty() || v.chars().count() > max {
        return Err(FieldError::new(
            field,
            "required",
            format!("请填写名称（不超过 {max} 字）"),
        ));
    }
    Ok(v.to_string())
}

fn hours(field: &'static str, value: &str) -> Result<i64, FieldError> {
    value
        .trim()
        .parse::<i64>()
        .ok()
        .filter(|h| (1..=24 * 90).contains(h))
        .ok_or_else(|| FieldError::new(field, "invalid_hours", "时限应为 1–2160 小时"))
}

fn duplicate(e: StoreError) -> ServiceError {
    match e {
        StoreError::Duplicate(_) => ServiceError::field("name", "duplicate", "已有同名项目"),
        other => other.into(),
    }
}

impl App {
    pub async fn request_categories(&self, actor: &Actor) -> ServiceResult<Vec<RequestCategory>> {
        actor.read_root()?;
        let mut conn = self.db.conn().await?;
        Ok(crate::model::all(
            store::categories(&mut conn, false).await?,
        ))
    }

    pub async fn request_departments(
        &self,
        actor: &Actor,
    ) -> ServiceResult<Vec<RequestDepartment>> {
        actor.read_root()?;
        let mut conn = self.db.conn().await?;
        Ok(crate::model::all(store::departments(&mut conn).await?))
    }

    /// Adds a category (`id` None) or changes one.
    pub async fn save_category(
        &self,
        actor: &Actor,
        id: Option<i64>,
        input: &CategoryInput,
    ) -> ServiceResult<i64> {
        super::policy::check_settings(actor)?;
        let mut errs = dangjian_domain::error::Errors::default();
        let n = errs.take(name("name", &input.name, 30));
        let accept = errs.take(hours("accept_hours", &input.accept_hours));
        let resolve = errs.take(hours("resolve_hours", &input.resolve_hours));
        let sort = if input.sort.trim().is_empty() {
            Some(0)
        } else {
            errs.take(
                input
                    .sort
                    .trim()
                    .parse::<i64>()
                    .map_err(|_| FieldError::new("sort", "invalid_number", "排序应为整数")),
            )
        };
        errs.into_result().map_err(ServiceError::Invalid)?;
        let (Some(n), Some(accept), Some(resolve), Some(sort)) = (n, accept, resolve, sort) else {
            return Err(ServiceError::field("name", "invalid", "类别信息不完整"));
        };
        let mut conn = self.db.conn().await?;
        if let Some(d) = input.department_id
            && store::department(&mut conn, d).await?.is_none()
        {
            return Err(ServiceError::field(
                "department_id",
                "unknown",
                "承办部门不存在",
            ));
        }
        drop(conn);
        let data = CategoryData {
            name: &n,
            accept_hours: accept,
            resolve_hours: resolve,
            department_id: input.department_id,
            sort,
            active: input.active,
        };
        let mut tx = self.begin_audited().await?;
        let id = match id {
            Some(id) => {
                if !store::update_category(tx.conn(), id, &data)
                    .await
                    .map_err(duplicate)?
                {
                    return Err(ServiceError::NotFound);
                }
                id
            }
            None => store::insert_category(tx.conn(), &data)
                .await
                .map_err(duplicate)?,
        };
        tx.commit(
            actor,
            Entry::ok("request.category", "request_category", id)
                .detail(format!("{n} 受理 {accept} 小时 办结 {resolve} 小时")),
        )
        .await?;
        Ok(id)
    }

    pub async fn save_department(
        &self,
        actor: &Actor,
        id: Option<i64>,
        input: &DepartmentInput,
    ) -> ServiceResult<i64> {
        super::policy::check_settings(actor)?;
        let n = name("name", &input.name, 50).map_err(|e| ServiceError::Invalid(vec![e]))?;
        let contact = input.contact.trim();
        if contact.chars().count() > 100 {
            return Err(ServiceError::field(
                "contact",
                "too_long",
                "联系方式不能超过 100 字",
            ));
        }
        let mut conn = self.db.conn().await?;
        if let Some(o) = input.org_id
            && org::get(&mut conn, o)
                .await?
                .is_none_or(|o| o.closed_on.is_some())
        {
            return Err(ServiceError::field(
                "org_id",
                "unknown",
                "所选组织不存在或已撤销",
            ));
        }
        drop(conn);
        let data = DepartmentData {
            name: &n,
            contact,
            org_id: input.org_id,
            active: input.active,
        };
        let mut tx = self.begin_audited().await?;
        let id = match id {
            Some(id) => {
                if !store::update_department(tx.conn(), id, &data)
                    .await
                    .map_err(duplicate)?
                {
                    return Err(ServiceError::NotFound);
                }
                id
            }
            None => store::insert_department(tx.conn(), &data)
                .await
                .map_err(duplicate)?,
        };
        tx.commit(
            actor,
            Entry::ok("request.department", "request_department", id).detail(n),
        )
        .await?;
        Ok(id)
    }
}

/// One line of the dashboard: an org's requests of the year, and those still open now.
#[derive(Debug, Clone, Default, Serialize, utoipa::ToSchema)]
pub struct RequestLine {
    pub org_id: i64,
    pub name: String,
    /// Submitted in the year.
    pub total: i64,
    /// Still being worked on, now (all years).
    pub open: i64,
    /// Open past their deadline, now.
    pub overdue: i64,
    pub answered: i64,
    pub answered_on_time_permille: Option<i64>,
    pub resolved: i64,
    pub resolved_on_time_permille: Option<i64>,
    pub median_answer_hours: Option<f64>,
    pub median_resolve_hours: Option<f64>,
}

#[derive(Debug, Serialize, utoipa::ToSchema)]
pub struct RequestDashboard {
    pub org: Org,
    pub year: i32,
    /// Requests of the subtree by state now (all years).
    pub by_state: Vec<(RequestState, i64)>,
    pub total: RequestLine,
    /// Open children.
    pub children: Vec<RequestLine>,
    /// Requests submitted in each month of the year (`YYYY-MM`, n), January first.
    pub by_month: Vec<(String, i64)>,
    /// Requests submitted in the year by category, most first.
    pub by_category: Vec<(String, i64)>,
    /// Residents who answered: confirmed solved (群众已确认), or not (群众不满意), now.
    pub satisfied: i64,
    pub unsatisfied: i64,
    /// satisfied ÷ (satisfied + unsatisfied), in ‰; none before anyone answered.
    pub satisfaction_permille: Option<i64>,
}

/// A level's line and its children's, from the counters.
#[derive(Debug)]
pub struct RequestLines {
    pub org: Org,
    pub year: i32,
    pub by_state: Vec<(RequestState, i64)>,
    pub total: RequestLine,
    pub children: Vec<RequestLine>,
    pub satisfied: i64,
    pub unsatisfied: i64,
    pub satisfaction_permille: Option<i64>,
}

/// The counts of a year, without the duration buckets.
const COUNT_METRICS: &[&str] = &[
    rollup::REQUEST_COUNT,
    rollup::REQUEST_ANSWERED,
    rollup::REQUEST_ANSWERED_ON_TIME,
    rollup::REQUEST_RESOLVED,
    rollup::REQUEST_RESOLVED_ON_TIME,
];

const YEAR_METRICS: &[&str] = &[
    rollup::REQUEST_COUNT,
    rollup::REQUEST_ANSWERED,
    rollup::REQUEST_ANSWERED_ON_TIME,
    rollup::REQUEST_ANSWER_HOURS,
    rollup::REQUEST_RESOLVED,
    rollup::REQUEST_RESOLVED_ON_TIME,
    rollup::REQUEST_RESOLVE_HOURS,
];

/// A line from an org's counters of the year, and its state counters: (metric, key, n).
fn line(org: &Org, counters: &[(String, String, i64)], overdue: i64) -> RequestLine {
    let buckets = domain::DURATION_BUCKETS_HOURS.len() + 1;
    let mut sums: HashMap<&str, i64> = HashMap::new();
    let mut answer_h = vec![0; buckets];
    let mut resolve_h = vec![0; buckets];
    let mut open = 0;
    for (metric, key, n) in counters {
        if metric == rollup::REQUEST_STATE {
            if OPEN_STATES.iter().any(|s| s.as_str() == key) {
                open += n;
            }
            continue;
        }
        let bucket = || key.parse::<usize>().ok().filter(|b| *b < buckets);
        match metric.as_str() {
            rollup::REQUEST_ANSWER_HOURS => {
                if let Some(b) = bucket() {
                    answer_h[b] += n;
                }
            }
            rollup::REQUEST_RESOLVE_HOURS => {
                if let Some(b) = bucket() {
                    resolve_h[b] += n;
                }
            }
            m => {
                if let Some(known) = YEAR_METRICS.iter().find(|k| **k == m) {
                    *sums.entry(known).or_default() += n;
                }
            }
        }
    }
    let get = |m: &str| sums.get(m).copied().unwrap_or(0);
    RequestLine {
        org_id: org.id,
        name: org.name.clone(),
        total: get(rollup::REQUEST_COUNT),
        open,
        overdue,
        answered: get(rollup::REQUEST_ANSWERED),
        answered_on_time_permille: domain::permille(
            get(rollup::REQUEST_ANSWERED_ON_TIME),
            get(rollup::REQUEST_ANSWERED),
        ),
        resolved: get(rollup::REQUEST_RESOLVED),
        resolved_on_time_permille: domain::permille(
            get(rollup::REQUEST_RESOLVED_ON_TIME),
            get(rollup::REQUEST_RESOLVED),
        ),
        median_answer_hours: domain::median_hours(&answer_h),
        median_resolve_hours: domain::median_hours(&resolve_h),
    }
}

/// The instants (ms) a year begins and ends in China Standard Time.
fn year_ms(year: i32) -> (i64, i64) {
    let start = |y: i32| {
        time::Date::from_calendar_date(y, time::Month::January, 1)
            .map(|d| {
                d.midnight()
                    .assume_offset(
                        time::UtcOffset::from_hms(8, 0, 0).unwrap_or(time::UtcOffset::UTC),
                    )
                    .unix_timestamp()
                    * 1000
            })
            .unwrap_or(0)
    };
    (start(year), start(year + 1))
}

impl App {
    /// Requests of an org's subtree and of each child, from the rollup, for a year.
    pub async fn request_dashboard(
        &self,
        actor: &Actor,
        org_id: Option<i64>,
        year: Option<i32>,
    ) -> ServiceResult<RequestDashboard> {
        let RequestLines {
            org,
            year,
            by_state,
            total,
            children,
            satisfied,
            unsatisfied,
            satisfaction_permille,
        } = self.request_lines(actor, org_id, year).await?;
        let year_keys = (format!("{year}-01"), format!("{year}-12~"));
        let year_range = (year_keys.0.as_str(), year_keys.1.as_str());
        let (monthly, by_category) = {
            let mut conn = self.db.conn().await?;
            (
                rollup::for_orgs(
                    &mut conn,
                    Orgs::One(org.id),
                    &[rollup::REQUEST_COUNT],
                    year_range,
                    0,
                )
                .await?,
                store::by_category(&mut conn, &org.path, year_ms(year)).await?,
            )
        };
        let by_month = (1..=12)
            .map(|m| {
                let month = format!("{year}-{m:02}");
                let n = monthly
                    .iter()
                    .filter(|(_, _, k, _)| *k == month)
                    .map(|(_, _, _, n)| n)
                    .sum();
                (month, n)
            })
            .collect();
        Ok(RequestDashboard {
            org,
            year,
            by_state,
            total,
            children,
            by_month,
            by_category,
            satisfied,
            unsatisfied,
            satisfaction_permille,
        })
    }

    /// The dashboard's lines without its breakdowns by month and category: the counters
    /// alone, for a screen that refreshes every minute.
    pub async fn request_lines(
        &self,
        actor: &Actor,
        org_id: Option<i64>,
        year: Option<i32>,
    ) -> ServiceResult<RequestLines> {
        let org = self.list_root(actor, org_id).await?;
        let year = year.unwrap_or_else(|| today().year());
        let now = now_ms();
        let mut conn = self.db.conn().await?;
        let children: Vec<Org> = crate::model::all(org::children(&mut conn, org.id).await?);
        // The year's counters summed over its months (keys `YYYY-MM` and `YYYY-MM:NN` leave
        // an empty key and the bucket), and the state counters as they are. The duration
        // buckets, for medians, are read for the org itself only: a town may have thousands
        // of children, and each level shows its own medians on its own line.
        let year_keys = (format!("{year}-01"), format!("{year}-12~"));
        let year_range = (year_keys.0.as_str(), year_keys.1.as_str());
        let skip = "YYYY-MM:".len();
        let mut counters =
            rollup::for_orgs(&mut conn, Orgs::One(org.id), YEAR_METRICS, year_range, skip).await?;
        counters.extend(
            rollup::for_orgs(
                &mut conn,
                Orgs::ChildrenOf(org.id),
                COUNT_METRICS,
                year_range,
                skip,
            )
            .await?,
        );
        for orgs in [Orgs::One(org.id), Orgs::ChildrenOf(org.id)] {
            counters.extend(
                rollup::for_orgs(&mut conn, orgs, &[rollup::REQUEST_STATE], ("", "~"), 0).await?,
            );
        }
        let overdue = store::overdue_by_community(&mut conn, &org.path, now).await?;
        drop(conn);
        let mut by_org: HashMap<i64, Vec<(String, String, i64)>> = HashMap::new();
        for (id, m, k, n) in counters {
            by_org.entry(id).or_default().push((m, k, n));
        }
        let depth = path::ids(&org.path).len();
        let mut overdue_by: HashMap<i64, i64> = HashMap::new();
        for (p, n) in &overdue {
            if let Some(child) = path::ids(p).get(depth) {
                *overdue_by.entry(*child).or_default() += n;
            }
        }
        let empty = Vec::new();
        let own = by_org.get(&org.id).unwrap_or(&empty);
        let by_state: Vec<(RequestState, i64)> = RequestState::ALL
            .iter()
            .map(|s| {
                let n = own
                    .iter()
                    .filter(|(m, k, _)| m == rollup::REQUEST_STATE && k == s.as_str())
                    .map(|(_, _, n)| n)
                    .sum();
                (*s, n)
            })
            .collect();
        let total = line(&org, own, overdue.iter().map(|(_, n)| n).sum());
        let children = children
            .iter()
            .filter(|c| c.closed_on.is_none())
            .map(|c| {
                line(
                    c,
                    by_org.get(&c.id).unwrap_or(&empty),
                    overdue_by.get(&c.id).copied().unwrap_or(0),
                )
            })
            .collect();
        let state_n = |s: RequestState| {
            by_state
                .iter()
                .find(|(x, _)| *x == s)
                .map_or(0, |(_, n)| *n)
        };
        let (satisfied, unsatisfied) = (
            state_n(RequestState::Confirmed),
            state_n(RequestState::Reopened),
        );
        Ok(RequestLines {
            org,
            year,
            by_state,
            total,
            children,
            satisfied,
            unsatisfied,
            satisfaction_permille: domain::permille(satisfied, satisfied + unsatisfied),
        })
    }
}
