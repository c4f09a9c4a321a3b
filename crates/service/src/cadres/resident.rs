//! First secretaries and resident work teams (第一书记, 驻村工作队): the town or the district
//! sends a team to a village for a term and rotates its cadres; each month's days in the
//! village come from the cadre's own voluntary check-ins or from the monthly record kept with
//! the work log; leave is approved by the level its length calls for; inspections record who
//! was absent, and the yearly grade may not be better than the unexcused absences allow.
//! Whether an absence is excused is read from the approved leave covering its day.

use std::collections::HashMap;

use dangjian_domain::cadres::resident::{
    LeaveLevel, ResidentGrade, ResidentRules, TeamRole, check_days, days_in_month, leave_days_in,
};
use dangjian_domain::date;
use dangjian_store::StoreError;
use dangjian_store::cadres::resident::{
    self as store, CadreRow, LeaveRow, MonthRow, NewLeave, TeamFilter, TeamRow,
};
use dangjian_store::{Conn, person};
use serde::{Deserialize, Serialize};

use super::person::{PersonChoice, age_on, resolve};
use super::policy;
use crate::audit::Entry;
use crate::model::{page_number, read_model};
use crate::model::{placed, required_text};
use crate::{Actor, App, ServiceError, ServiceResult, today};

pub const TEAMS_PER_PAGE: i64 = 50;
const TEXT_CHARS: usize = 100;
const LOG_CHARS: usize = 2_000;

read_model! {
    /// A resident work team.
    pub struct TeamLine from TeamRow {
        pub id: i64,
        pub org_id: i64,
        /// The village, named with its town below the reader's scope.
        pub org_name: String,
        pub sending_unit: String,
        pub started_on: String,
        /// The end of the term.
        pub ends_on: String,
        /// Set when the team was withdrawn.
        pub ended_on: Option<String>,
        pub first_secretary: Option<String>,
        /// Cadres in post.
        pub size: i64,
        /// Leave requests waiting for a decision.
        pub pending_leaves: i64,
    }
}

/// A page of teams below a level.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct TeamList {
    pub org_id: i64,
    pub org_name: String,
    pub items: Vec<TeamLine>,
    pub total: i64,
    pub page: i64,
    pub per_page: i64,
    /// Whether the caller sends teams to the villages below the level.
    pub may_dispatch: bool,
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct TeamQuery {
    /// The level (default: the caller's scope).
    pub org: Option<i64>,
    /// Part of the village's or the sending unit's name.
    pub q: Option<String>,
    /// `true`: in the villages now; `false`: withdrawn; default all.
    pub active: Option<bool>,
    /// Only teams with leave waiting for a decision.
    pub pending: Option<bool>,
    pub page: Option<i64>,
}

read_model! {
    /// A cadre of a team.
    pub struct ResidentCadre from CadreRow {
        pub id: i64,
        pub team_id: i64,
        pub person_id: i64,
        pub member_id: Option<i64>,
        pub name: String,
        pub gender: String,
        pub birth_date: String,
        pub education: String,
        pub id_masked: String,
        /// `first_secretary` | `member`.
        pub role: String,
        /// The cadre's own unit.
        pub unit: String,
        pub started_on: String,
        /// Set when rotated out or withdrawn.
        pub ended_on: Option<String>,
    }
}

impl ResidentCadre {
    pub fn role_label(&self) -> &'static str {
        TeamRole::parse(&self.role).map_or("", TeamRole::label)
    }

    /// Leads the team (the page lists them first and marks them).
    pub fn is_first_secretary(&self) -> bool {
        self.role == TeamRole::FirstSecretary.as_str()
    }

    pub fn age(&self) -> i32 {
        age_on(&self.birth_date, today())
    }
}

/// A cadre's month in the village.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct CadreMonth {
    /// `YYYY-MM`.
    pub month: String,
    /// Days in the village: the recorded figure, else the check-ins.
    pub days: i64,
    /// Whether `days` is the monthly record (else it counts check-ins).
    pub recorded: bool,
    pub checked_in: i64,
    /// Approved leave days inside the month.
    pub leave_days: i64,
    /// `days` and leave reach the minimum.
    pub met: bool,
    pub log: String,
}

/// A cadre with their year: months, absences found and the grade they allow.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct CadreYear {
    pub cadre: ResidentCadre,
    /// Each month of the year the cadre was in post, up to this month.
    pub months: Vec<CadreMonth>,
    /// Absences found by inspection this year with no approved leave covering the day.
    pub unexcused_absences: i64,
    /// The best grade those absences allow (`excellent` …).
    pub best_grade: String,
    /// The grade given for the year, if any.
    pub grade: Option<String>,
}

read_model! {
    /// A leave request.
    pub struct Leave from LeaveRow {
        pub id: i64,
        pub cadre_id: i64,
        pub from_on: String,
        pub to_on: String,
        pub days: i64,
        pub reason: String,
        /// `requested` | `approved` | `refused`.
        pub status: String,
        /// Who decides it: `town` (short leave) | `district`.
        pub level: String,
    }
}

impl Leave {
    pub fn level_label(&self) -> &'static str {
        LeaveLevel::parse(&self.level).map_or("", LeaveLevel::label)
    }

    pub fn status_label(&self) -> &'static str {
        match self.status.as_str() {
            "approved" => "已批准",
            "refused" => "未批准",
            _ => "待审批",
        }
    }
}

/// A cadre found absent by an inspection.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Absence {
    pub cadre_id: i64,
    pub name: String,
    /// An approved leave covered the day.
    pub excused: bool,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Inspection {
    pub id: i64,
    pub inspected_on: String,
    pub note: String,
    pub absent: Vec<Absence>,
}

/// A team with its cadres' year, leave and inspections, and what the caller may do.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ResidentTeam {
    pub team: TeamLine,
    pub year: i64,
    /// Cadres in post first, then those rotated out.
    pub cadres: Vec<CadreYear>,
    pub leaves: Vec<Leave>,
    pub inspections: Vec<Inspection>,
    pub rules: ResidentRules,
    /// Rotate, add, withdraw, inspect: the town or the district.
    pub may_manage: bool,
    /// Record months and ask leave for the cadres: the village, the town, the district.
    pub may_record: bool,
    /// Give the yearly grades: the district.
    pub may_grade: bool,
    /// Leave levels the caller decides (`town`, `district`).
    pub decides: Vec<String>,
}

/// A cadre sent with a team.
#[derive(Debug, Clone, Default, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(default)]
pub struct CadreInput {
    #[serde(flatten)]
    pub who: PersonChoice,
    /// 第一书记 / 工作队员 (code or label).
    pub role: String,
    /// The cadre's own unit (default: the team's sending unit).
    pub unit: String,
}

#[derive(Debug, Clone, Default, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(default)]
pub struct TeamInput {
    /// The village: 422 `not_a_village`.
    pub org_id: i64,
    pub sending_unit: String,
    /// 选派日期 (default today).
    pub started_on: String,
    /// The end of the term: 1–3 years after the start (data).
    pub ends_on: String,
    /// One first secretary and the members: 3–5 in all (data).
    pub cadres: Vec<CadreInput>,
}

/// A cadre who joins a team, or takes another's place.
#[derive(Debug, Clone, Default, Deserialize, Serialize, utoipa::ToSchema)]
#[serde(default)]
pub struct JoinInput {
    #[serde(flatten)]
    pub cadre: CadreInput,
    /// From this day (default today).
    pub on: String,
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct EndInput {
    /// The day (default today).
    pub on: String,
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct MonthInput {
    /// Days in the village; none keeps the figure on record (with none recorded, the
    /// check-ins count); at most the month's days.
    pub days: Option<i64>,
    /// The month's work log (at most 2,000 characters); empty keeps the log on record.
    pub log: String,
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct LeaveInput {
    pub from_on: String,
    pub to_on: String,
    pub reason: String,
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct LeaveDecisionInput {
    pub approve: bool,
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct InspectionInput {
    /// 督查日期 (default today).
    pub inspected_on: String,
    /// The cadres of the team not found in the village.
    pub absent: Vec<i64>,
    pub note: String,
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(default)]
pub struct ResidentGradeInput {
    pub year: i64,
    /// 优秀 / 称职 / 基本称职 / 不称职 (code or label).
    pub grade: String,
}

/// The caller's own posting, for their check-in.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct MyPosting {
    pub cadre: ResidentCadre,
    pub team_id: i64,
    pub village: String,
    /// This month so far.
    pub month: CadreMonth,
    pub checked_in_today: bool,
    pub leaves: Vec<Leave>,
}

/// Figures of the 云中心 panel: cadres in post and last month's days.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ResidentSummary {
    pub teams: i64,
    pub cadres: i64,
    /// The month counted (`YYYY-MM`), the one before this.
    pub month: String,
    /// Cadres in post that month, and those whose days and leave reach the minimum.
    pub counted: i64,
    pub met: i64,
}

/// A date typed in a form (empty: today), any day (a term's end lies ahead).
fn any_day(field: &'static str, label: &str, value: &str) -> ServiceResult<time::Date> {
    let v = value.trim();
    if v.is_empty() {
        return Ok(today());
    }
    date::parse(v).ok_or_else(|| {
        ServiceError::field(field, "invalid_date", format!("{label}格式应为 YYYY-MM-DD"))
    })
}

/// A past or present day (empty: today).
fn past_day(field: &'static str, label: &str, value: &str) -> ServiceResult<String> {
    crate::orgs::committee::day(field, label, value)
}

fn role(value: &str) -> ServiceResult<TeamRole> {
    TeamRole::parse(value)
        .ok_or_else(|| ServiceError::field("role", "invalid_choice", "请选择第一书记或工作队员"))
}

/// A person registered elsewhere cannot be sent by a level that does not keep them.
fn person_refusal(e: ServiceError) -> ServiceError {
    match e {
        ServiceError::Invalid(mut errs) => {
            for f in &mut errs {
                if f.code == "not_here" {
                    f.message =
                        "该身份证号已登记为党员，但不在您的管理范围内；请从党员中选择或核对".into();
                }
            }
            ServiceError::Invalid(errs)
        }
        other => other,
    }
}

fn posted_twice(field: &'static str) -> impl Fn(StoreError) -> ServiceError {
    move |e| match e {
        StoreError::Duplicate(_) => ServiceError::field(
            field,
            "duplicate",
            "此人已在驻村（一人同时只在一个工作队），或本队已有第一书记",
        ),
        other => other.into(),
    }
}

/// The month a day lies in (`YYYY-MM`).
fn month_of(day: &str) -> &str {
    day.get(..7).unwrap_or(day)
}

impl App {
    /// Teams below a level, in the tree's order.
    pub async fn resident_teams(&self, actor: &Actor, q: &TeamQuery) -> ServiceResult<TeamList> {
        self.team_list(actor, q, Some(page_number(q.page))).await
    }

    /// Every team of the list, for its export.
    pub async fn export_resident_teams(
        &self,
        actor: &Actor,
        q: &TeamQuery,
    ) -> ServiceResult<TeamList> {
        self.team_list(actor, q, None).await
    }

    async fn team_list(
        &self,
        actor: &Actor,
        q: &TeamQuery,
        page: Option<i64>,
    ) -> ServiceResult<TeamList> {
        let o = self.cadre_level(actor, q.org).await?;
        let f = TeamFilter {
            root_path: o.path.clone(),
            q: q.q.clone().map(|s| s.trim().to_string()),
            active: q.active,
            pending: q.pending.unwrap_or(false),
        };
        let mut conn = self.db.conn().await?;
        let (limit, offset) = crate::model::window(page, TEAMS_PER_PAGE);
        let (total, rows) = store::teams(&mut conn, &f, limit, offset).await?;
        if page.is_none() {
            crate::export::check_size(total, "个驻村工作队")?;
        }
        let items = placed(&mut conn, actor, rows).await?;
        Ok(TeamList {
            org_id: o.id,
            org_name: o.name.clone(),
            items,
            total,
            page: page.unwrap_or(1),
            per_page: page.map_or(total, |_| TEAMS_PER_PAGE),
            may_dispatch: policy::may_manage(actor, &o.path),
        })
    }

    /// A team the caller reads, or 404.
    async fn team_row(&self, conn: &mut Conn, actor: &Actor, id: i64) -> ServiceResult<TeamRow> {
        policy::check_staff(actor)?;
        let t = store::team(conn, id).await?.ok_or(ServiceError::NotFound)?;
        if actor.check_visible(&t.org_path).is_err() {
            return Err(ServiceError::NotFound);
        }
        Ok(t)
    }

    /// A team with its cadres' months of `year` (default this year), leave, inspections.
    pub async fn resident_team(
        &self,
        actor: &Actor,
        id: i64,
        year: Option<i64>,
    ) -> ServiceResult<ResidentTeam> {
        let rules = self.cadre_rules().await?.residents;
        let mut conn = self.db.conn().await?;
        let t = self.team_row(&mut conn, actor, id).await?;
        let this_year = i64::from(today().year());
        let year = year.unwrap_or(this_year).clamp(2000, this_year);
        let cadres = store::cadres(&mut conn, id).await?;
        let ids: Vec<i64> = cadres.iter().map(|c| c.id).collect();
        let months = store::months(
            &mut conn,
            &ids,
            &format!("{year:04}-01"),
            &format!("{year:04}-12"),
        )
        .await?;
        let leaves = store::leaves(&mut conn, &ids).await?;
        let inspections = store::inspections(&mut conn, id).await?;
        let grades = store::grades(&mut conn, &ids).await?;
        let names: HashMap<i64, String> = cadres.iter().map(|c| (c.id, c.name.clone())).collect();
        let excused = |cadre: i64, day: &str| {
            leaves.iter().any(|l| {
                l.cadre_id == cadre
                    && l.status == "approved"
                    && l.from_on.as_str() <= day
                    && day <= l.to_on.as_str()
            })
        };
        let inspections: Vec<Inspection> = inspections
            .into_iter()
            .map(|(i, absent)| Inspection {
                absent: absent
                    .into_iter()
                    .map(|c| Absence {
                        cadre_id: c,
                        name: names.get(&c).cloned().unwrap_or_default(),
                        excused: excused(c, &i.inspected_on),
                    })
                    .collect(),
                id: i.id,
                inspected_on: i.inspected_on,
                note: i.note,
            })
            .collect();
        let cadres = cadres
            .into_iter()
            .map(|c| {
                let unexcused = inspections
                    .iter()
                    .filter(|i| i.inspected_on.starts_with(&format!("{year:04}-")))
                    .flat_map(|i| &i.absent)
                    .filter(|a| a.cadre_id == c.id && !a.excused)
                    .count() as i64;
                CadreYear {
                    months: year_months(&rules, &c, year, &months, &leaves),
                    unexcused_absences: unexcused,
                    best_grade: rules.best_grade(unexcused).as_str().into(),
                    grade: grades
                        .iter()
                        .find(|g| g.cadre_id == c.id && g.year == year)
                        .map(|g| g.grade.clone()),
                    cadre: c.into(),
                }
            })
            .collect();
        let path = t.org_path.clone();
        let mut decides = Vec::new();
        for level in [LeaveLevel::Town, LeaveLevel::District] {
            if policy::may_decide_leave(actor, &path, level) {
                decides.push(level.as_str().to_string());
            }
        }
        Ok(ResidentTeam {
            team: placed::<_, TeamLine>(&mut conn, actor, vec![t])
                .await?
                .remove(0),
            year,
            cadres,
            leaves: leaves.into_iter().map(Leave::from).collect(),
            inspections,
            rules,
            may_manage: policy::may_manage(actor, &path),
            may_record: policy::may_keep_reserve(actor, &path),
            may_grade: policy::is_district(actor),
            decides,
        })
    }

    /// Sends a team to a village: one first secretary and the members, for a term.
    pub async fn dispatch_team(
        &self,
        actor: &Actor,
        input: &TeamInput,
    ) -> ServiceResult<ResidentTeam> {
        let o = self.village(actor, input.org_id).await?;
        policy::check_dispatch(actor, &o.path)?;
        let rules = self.cadre_rules().await?.residents;
        let unit = required_text("sending_unit", "派出单位", &input.sending_unit, TEXT_CHARS)?;
        let start = any_day("started_on", "选派日期", &input.started_on)?;
        if start > today() {
            return Err(ServiceError::field(
                "started_on",
                "future",
                "选派日期不能晚于今天",
            ));
        }
        let end = date::parse(input.ends_on.trim()).ok_or_else(|| {
            ServiceError::field(
                "ends_on",
                "invalid_date",
                "请填写选派期满日期（YYYY-MM-DD）",
            )
        })?;
        rules
            .check_term(start, end)
            .map_err(|e| ServiceError::Invalid(vec![e]))?;
        let roles = input
            .cadres
            .iter()
            .map(|c| role(&c.role))
            .collect::<ServiceResult<Vec<_>>>()?;
        let firsts = roles
            .iter()
            .filter(|r| **r == TeamRole::FirstSecretary)
            .count();
        rules
            .check_team(firsts, roles.len())
            .map_err(|e| ServiceError::Invalid(vec![e]))?;
        let started = date::format(start);
        let mut tx = self.begin_audited().await?;
        if store::active_team_of(tx.conn(), o.id).await?.is_some() {
            return Err(ServiceError::field(
                "org_id",
                "team_in_post",
                "该村(社区)已有在驻工作队：请轮换队员或先撤回",
            ));
        }
        let id = store::insert_team(
            tx.conn(),
            o.id,
            &unit,
            &started,
            &date::format(end),
            actor.user_id,
        )
        .await
        .map_err(|e| match e {
            StoreError::Duplicate(_) => ServiceError::field(
                "org_id",
                "team_in_post",
                "该村(社区)已有在驻工作队：请轮换队员或先撤回",
            ),
            other => other.into(),
        })?;
        let mut names = Vec::new();
        for (c, r) in input.cadres.iter().zip(&roles) {
            let p = resolve(self, tx.conn(), actor, &c.who, actor.read_root()?)
                .await
                .map_err(person_refusal)?;
            let own = c.unit.trim();
            let own = if own.is_empty() { unit.as_str() } else { own };
            let own = required_text("unit", "所在单位", own, TEXT_CHARS)?;
            store::insert_cadre(tx.conn(), id, p.id, r.as_str(), &own, &started)
                .await
                .map_err(posted_twice("cadres"))?;
            names.push(p.name);
        }
        tx.commit(
            actor,
            Entry::ok("resident.dispatch", "resident_team", id).detail(format!(
                "{unit} → {}：{}",
                o.name,
                names.join("、")
            )),
        )
        .await?;
        self.resident_team(actor, id, None).await
    }

    /// The team of a cadre the caller manages, with the cadre.
    async fn managed_cadre(
        &self,
        conn: &mut Conn,
        actor: &Actor,
        cadre_id: i64,
    ) -> ServiceResult<(TeamRow, CadreRow)> {
        policy::check_staff(actor)?;
        let c = store::cadre(conn, cadre_id)
            .await?
            .ok_or(ServiceError::NotFound)?;
        let t = self.team_row(conn, actor, c.team_id).await?;
        Ok((t, c))
    }

    /// Adds a member to a team in post (within the team's size).
    pub async fn join_team(
        &self,
        actor: &Actor,
        team_id: i64,
        input: &JoinInput,
    ) -> ServiceResult<ResidentTeam> {
        let rules = self.cadre_rules().await?.residents;
        let mut tx = self.begin_audited().await?;
        let t = self.team_row(tx.conn(), actor, team_id).await?;
        policy::check_dispatch(actor, &t.org_path)?;
        active(&t)?;
        let r = role(&input.cadre.role)?;
        let current = store::cadres(tx.conn(), team_id).await?;
        let in_post: Vec<&CadreRow> = current.iter().filter(|c| c.ended_on.is_none()).collect();
        let firsts = in_post
            .iter()
            .filter(|c| c.role == TeamRole::FirstSecretary.as_str())
            .count()
            + usize::from(r == TeamRole::FirstSecretary);
        rules
            .check_team(firsts, in_post.len() + 1)
            .map_err(|e| ServiceError::Invalid(vec![e]))?;
        let on = past_day("on", "到岗日期", &input.on)?;
        if on < t.started_on {
            return Err(ServiceError::field(
                "on",
                "before_start",
                "到岗日期不能早于工作队选派日期",
            ));
        }
        let p = resolve(self, tx.conn(), actor, &input.cadre.who, actor.read_root()?)
            .await
            .map_err(person_refusal)?;
        let own = input.cadre.unit.trim();
        let own = required_text(
            "unit",
            "所在单位",
            if own.is_empty() { &t.sending_unit } else { own },
            TEXT_CHARS,
        )?;
        let id = store::insert_cadre(tx.conn(), team_id, p.id, r.as_str(), &own, &on)
            .await
            .map_err(posted_twice("id_number"))?;
        tx.commit(
            actor,
            Entry::ok("resident.join", "resident_cadre", id)
                .detail(format!("{} → {}", p.name, t.org_name)),
        )
        .await?;
        self.resident_team(actor, team_id, None).await
    }

    /// Replaces a cadre with another in the same role from a day (轮换).
    pub async fn rotate_cadre(
        &self,
        actor: &Actor,
        cadre_id: i64,
        input: &JoinInput,
    ) -> ServiceResult<ResidentTeam> {
        let mut tx = self.begin_audited().await?;
        let (t, c) = self.managed_cadre(tx.conn(), actor, cadre_id).await?;
        policy::check_dispatch(actor, &t.org_path)?;
        active(&t)?;
        let on = past_day("on", "轮换日期", &input.on)?;
        if c.ended_on.is_some() {
            return Err(ServiceError::field("cadre", "ended", "此人已离队"));
        }
        if on < c.started_on {
            return Err(ServiceError::field(
                "on",
                "before_start",
                "轮换日期不能早于被轮换人员的到岗日期",
            ));
        }
        let p = resolve(self, tx.conn(), actor, &input.cadre.who, actor.read_root()?)
            .await
            .map_err(person_refusal)?;
        store::end_cadre(tx.conn(), c.id, &on).await?;
        let own = input.cadre.unit.trim();
        let own = required_text(
            "unit",
            "所在单位",
            if own.is_empty() { &t.sending_unit } else { own },
            TEXT_CHARS,
        )?;
        let id = store::insert_cadre(tx.conn(), t.id, p.id, &c.role, &own, &on)
            .await
            .map_err(posted_twice("id_number"))?;
        tx.commit(
            actor,
            Entry::ok("resident.rotate", "resident_cadre", id)
                .detail(format!("{} → {}（{}）", c.name, p.name, t.org_name)),
        )
        .await?;
        self.resident_team(actor, t.id, None).await
    }

    /// Ends a member's posting without replacement, while the team keeps its size.
    pub async fn leave_team(
        &self,
        actor: &Actor,
        cadre_id: i64,
        input: &EndInput,
    ) -> ServiceResult<ResidentTeam> {
        let rules = self.cadre_rules().await?.residents;
        let mut tx = self.begin_audited().await?;
        let (t, c) = self.managed_cadre(tx.conn(), actor, cadre_id).await?;
        policy::check_dispatch(actor, &t.org_path)?;
        active(&t)?;
        let on = past_day("on", "离队日期", &input.on)?;
        if on < c.started_on {
            return Err(ServiceError::field(
                "on",
                "before_start",
                "离队日期不能早于到岗日期",
            ));
        }
        let current = store::cadres(tx.conn(), t.id).await?;
        let rest: Vec<&CadreRow> = current
            .iter()
            .filter(|x| x.ended_on.is_none() && x.id != c.id)
            .collect();
        let firsts = rest
            .iter()
            .filter(|x| x.role == TeamRole::FirstSecretary.as_str())
            .count();
        rules
            .check_team(firsts, rest.len())
            .map_err(|e| ServiceError::Invalid(vec![e]))?;
        if !store::end_cadre(tx.conn(), c.id, &on).await? {
            return Err(ServiceError::field("cadre", "ended", "此人已离队"));
        }
        tx.commit(
            actor,
            Entry::ok("resident.leave_team", "resident_cadre", c.id)
                .detail(format!("{}（{}）", c.name, t.org_name)),
        )
        .await?;
        self.resident_team(actor, t.id, None).await
    }

    /// Withdraws a team (its term is over, or it is recalled): every posting ends.
    pub async fn withdraw_team(
        &self,
        actor: &Actor,
        team_id: i64,
        input: &EndInput,
    ) -> ServiceResult<ResidentTeam> {
        let mut tx = self.begin_audited().await?;
        let t = self.team_row(tx.conn(), actor, team_id).await?;
        policy::check_dispatch(actor, &t.org_path)?;
        let on = past_day("on", "撤回日期", &input.on)?;
        if on < t.started_on {
            return Err(ServiceError::field(
                "on",
                "before_start",
                "撤回日期不能早于选派日期",
            ));
        }
        let latest = store::cadres(tx.conn(), t.id)
            .await?
            .into_iter()
            .filter(|c| c.ended_on.is_none())
            .map(|c| c.started_on)
            .max();
        if latest.is_some_and(|l| on < l) {
            return Err(ServiceError::field(
                "on",
                "before_start",
                "撤回日期不能早于队员的到岗日期",
            ));
        }
        if !store::end_team(tx.conn(), t.id, &on).await? {
            return Err(ServiceError::field("team", "ended", "工作队已撤回"));
        }
        tx.commit(
            actor,
            Entry::ok("resident.withdraw", "resident_team", t.id).detail(t.org_name.clone()),
        )
        .await?;
        self.resident_team(actor, t.id, None).await
    }

    /// Records a cadre's month: the days in the village (or none, to count the check-ins) and
    /// the work log. The village, the town, the district; or the team's first secretary and,
    /// for their own log, the cadre, by their own accounts.
    pub async fn record_month(
        &self,
        actor: &Actor,
        cadre_id: i64,
        month: &str,
        input: &MonthInput,
    ) -> ServiceResult<CadreMonth> {
        let rules = self.cadre_rules().await?.residents;
        let mut tx = self.begin_audited().await?;
        let c = store::cadre(tx.conn(), cadre_id)
            .await?
            .ok_or(ServiceError::NotFound)?;
        let t = store::team(tx.conn(), c.team_id)
            .await?
            .ok_or(ServiceError::NotFound)?;
        let mine = own_posting(tx.conn(), actor).await?;
        let leader = mine
            .as_ref()
            .is_some_and(|m| m.team_id == c.team_id && m.role == TeamRole::FirstSecretary.as_str());
        let own = mine.as_ref().is_some_and(|m| m.id == c.id);
        let staff = policy::check_read(actor, &t.org_path).is_ok()
            && policy::may_keep_reserve(actor, &t.org_path);
        if !(staff || leader || own) {
            if policy::check_read(actor, &t.org_path).is_err() {
                return Err(ServiceError::NotFound);
            }
            return Err(ServiceError::Forbidden(
                "在村天数由村(社区)、镇街、区委组织部或第一书记记录",
            ));
        }
        // Nobody certifies their own days: a first secretary's are recorded by the village.
        if input.days.is_some() && !(staff || (leader && !own)) {
            return Err(ServiceError::field(
                "days",
                "leader_records",
                "在村天数由第一书记或村(社区)记录；本人可每日签到",
            ));
        }
        let m = month.trim();
        check_days(m, input.days.unwrap_or(0)).map_err(|e| ServiceError::Invalid(vec![e]))?;
        let now = date::format(today());
        if m > month_of(&now) {
            return Err(ServiceError::field(
                "month",
                "future",
                "不能记录尚未到来的月份",
            ));
        }
        if m < month_of(&c.started_on) || c.ended_on.as_deref().is_some_and(|e| m > month_of(e)) {
            return Err(ServiceError::field(
                "month",
                "not_in_post",
                "该月份不在此人驻村期间",
            ));
        }
        let log = input.log.trim();
        if log.chars().count() > LOG_CHARS {
            return Err(ServiceError::field(
                "log",
                "too_long",
                format!("工作纪实不能超过 {LOG_CHARS} 字"),
            ));
        }
        store::record_month(tx.conn(), c.id, m, input.days, log, actor.user_id).await?;
        let rows = store::months(tx.conn(), &[c.id], m, m).await?;
        let leaves = store::leaves(tx.conn(), &[c.id]).await?;
        tx.commit(
            actor,
            Entry::ok("resident.month", "resident_cadre", c.id).detail(format!(
                "{} {m} {}",
                c.name,
                input
                    .days
                    .map_or_else(|| "按签到".to_string(), |d| format!("{d}天"))
            )),
        )
        .await?;
        Ok(month_figure(&rules, m, rows.first(), &leaves, c.id))
    }

    /// The caller's own posting, if they are a resident cadre now.
    pub async fn my_posting(&self, actor: &Actor) -> ServiceResult<Option<MyPosting>> {
        let rules = self.cadre_rules().await?.residents;
        let mut conn = self.db.conn().await?;
        let Some(c) = own_posting(&mut conn, actor).await? else {
            return Ok(None);
        };
        let t = store::team(&mut conn, c.team_id)
            .await?
            .ok_or(ServiceError::NotFound)?;
        let now = date::format(today());
        let m = month_of(&now).to_string();
        let rows = store::months(&mut conn, &[c.id], &m, &m).await?;
        let leaves = store::leaves(&mut conn, &[c.id]).await?;
        let checked_in_today = store::checked_in(&mut conn, c.id, &now).await?;
        Ok(Some(MyPosting {
            month: month_figure(&rules, &m, rows.first(), &leaves, c.id),
            team_id: t.id,
            village: t.org_name,
            checked_in_today,
            leaves: leaves.into_iter().map(Leave::from).collect(),
            cadre: c.into(),
        }))
    }

    /// The caller's check-in for today: voluntary, only for a resident cadre, only for
    /// themselves; a second one the same day changes nothing.
    pub async fn resident_check_in(&self, actor: &Actor) -> ServiceResult<MyPosting> {
        let mut tx = self.begin_audited().await?;
        let c = own_posting(tx.conn(), actor)
            .await?
            .ok_or(ServiceError::Forbidden(
                "只有在驻村期间的第一书记和工作队员可以签到",
            ))?;
        let now = date::format(today());
        if store::check_in(tx.conn(), c.id, &now).await? {
            tx.commit(
                actor,
                Entry::ok("resident.check_in", "resident_cadre", c.id).detail(now),
            )
            .await?;
        }
        self.my_posting(actor).await?.ok_or(ServiceError::NotFound)
    }

    /// Asks leave for a cadre: the cadre by their own account, or the village, town, district.
    pub async fn request_leave(
        &self,
        actor: &Actor,
        cadre_id: i64,
        input: &LeaveInput,
    ) -> ServiceResult<Leave> {
        let rules = self.cadre_rules().await?.residents;
        let mut tx = self.begin_audited().await?;
        let c = store::cadre(tx.conn(), cadre_id)
            .await?
            .ok_or(ServiceError::NotFound)?;
        let t = store::team(tx.conn(), c.team_id)
            .await?
            .ok_or(ServiceError::NotFound)?;
        let own = own_posting(tx.conn(), actor)
            .await?
            .is_some_and(|m| m.id == c.id);
        if !own {
            if policy::check_read(actor, &t.org_path).is_err() {
                return Err(ServiceError::NotFound);
            }
            if !policy::may_keep_reserve(actor, &t.org_path) {
                return Err(ServiceError::Forbidden(
                    "请假由本人或村(社区)、镇街、区委组织部登记",
                ));
            }
        }
        if c.ended_on.is_some() {
            return Err(ServiceError::field("cadre", "ended", "此人已离队"));
        }
        let from = any_day("from_on", "请假开始日期", &input.from_on)?;
        let to = any_day("to_on", "请假结束日期", &input.to_on)?;
        if to < from {
            return Err(ServiceError::field(
                "to_on",
                "before_start",
                "请假结束日期不能早于开始日期",
            ));
        }
        let days = (to - from).whole_days() + 1;
        if days > 366 {
            return Err(ServiceError::field("to_on", "too_long", "请假不能超过一年"));
        }
        let reason = required_text("reason", "请假事由", &input.reason, 200)?;
        let (from, to) = (date::format(from), date::format(to));
        if from < c.started_on {
            return Err(ServiceError::field(
                "from_on",
                "not_in_post",
                "请假开始日期不能早于到岗日期",
            ));
        }
        if store::overlapping_leave(tx.conn(), c.id, &from, &to)
            .await?
            .is_some()
        {
            return Err(ServiceError::field(
                "from_on",
                "overlap",
                "该时段已有请假申请",
            ));
        }
        // An absence found by inspection is not excused by leave asked for afterwards.
        for year in from[..4].parse::<i64>().unwrap_or(0)..=to[..4].parse::<i64>().unwrap_or(0) {
            let found = store::absence_days(tx.conn(), c.id, year).await?;
            if found.iter().any(|d| from <= *d && *d <= to) {
                return Err(ServiceError::field(
                    "from_on",
                    "absence_found",
                    "该时段督查已发现缺勤，不能补请假",
                ));
            }
        }
        // Leave touching other leave is one absence: its level follows the whole run, so
        // splitting a long leave does not keep it from the district.
        let others = store::leaves(tx.conn(), &[c.id]).await?;
        let level = rules.leave_level(run_days(&others, &from, &to));
        let id = store::insert_leave(
            tx.conn(),
            &NewLeave {
                cadre_id: c.id,
                from_on: &from,
                to_on: &to,
                days,
                reason: &reason,
                level: level.as_str(),
                requested_by: actor.user_id,
            },
        )
        .await?;
        tx.commit(
            actor,
            Entry::ok("resident.leave", "resident_leave", id)
                .detail(format!("{} {from}–{to} {days}天", c.name)),
        )
        .await?;
        let mut conn = self.db.conn().await?;
        store::leave(&mut conn, id)
            .await?
            .map(Leave::from)
            .ok_or(ServiceError::NotFound)
    }

    /// Approves or refuses leave: the town up to its days, the district any.
    pub async fn decide_leave(
        &self,
        actor: &Actor,
        leave_id: i64,
        input: &LeaveDecisionInput,
    ) -> ServiceResult<Leave> {
        policy::check_staff(actor)?;
        let mut tx = self.begin_audited().await?;
        let l = store::leave(tx.conn(), leave_id)
            .await?
            .ok_or(ServiceError::NotFound)?;
        let (t, c) = self.managed_cadre(tx.conn(), actor, l.cadre_id).await?;
        let level = LeaveLevel::parse(&l.level)
            .ok_or_else(|| ServiceError::Internal(format!("leave level {}", l.level)))?;
        if !policy::may_decide_leave(actor, &t.org_path, level) {
            return Err(ServiceError::field(
                "level",
                "wrong_level",
                format!("请假 {} 天，应由{}审批", l.days, level.label()),
            ));
        }
        let status = if input.approve { "approved" } else { "refused" };
        if !store::decide_leave(tx.conn(), l.id, status, actor.user_id).await? {
            return Err(ServiceError::field("leave", "decided", "该请假已审批"));
        }
        tx.commit(
            actor,
            Entry::ok("resident.leave_decision", "resident_leave", l.id).detail(format!(
                "{} {}–{} {}",
                c.name,
                l.from_on,
                l.to_on,
                if input.approve { "批准" } else { "不批准" }
            )),
        )
        .await?;
        let mut conn = self.db.conn().await?;
        store::leave(&mut conn, l.id)
            .await?
            .map(Leave::from)
            .ok_or(ServiceError::NotFound)
    }

    /// Records an inspection of a team and the cadres not found in the village.
    pub async fn inspect_team(
        &self,
        actor: &Actor,
        team_id: i64,
        input: &InspectionInput,
    ) -> ServiceResult<ResidentTeam> {
        let rules = self.cadre_rules().await?.residents;
        let mut tx = self.begin_audited().await?;
        let t = self.team_row(tx.conn(), actor, team_id).await?;
        policy::check_dispatch(actor, &t.org_path)?;
        let on = past_day("inspected_on", "督查日期", &input.inspected_on)?;
        if on < t.started_on {
            return Err(ServiceError::field(
                "inspected_on",
                "before_start",
                "督查日期不能早于选派日期",
            ));
        }
        let cadres = store::cadres(tx.conn(), t.id).await?;
        let mut absent = input.absent.clone();
        absent.sort_unstable();
        absent.dedup();
        for id in &absent {
            let in_post = cadres.iter().any(|c| {
                c.id == *id
                    && c.started_on <= on
                    && c.ended_on.as_deref().is_none_or(|e| e >= on.as_str())
            });
            if !in_post {
                return Err(ServiceError::field(
                    "absent",
                    "not_in_team",
                    "缺勤人员应为督查当日在岗的本队队员",
                ));
            }
        }
        let note = input.note.trim();
        if note.chars().count() > 500 {
            return Err(ServiceError::field(
                "note",
                "too_long",
                "督查情况不能超过 500 字",
            ));
        }
        let id =
            store::insert_inspection(tx.conn(), t.id, &on, note, &absent, actor.user_id).await?;
        // A grade already given for the year that the absences found no longer allow comes
        // down to the best they allow.
        let year = date::parse(&on).map_or(0, |d| i64::from(d.year()));
        let mut lowered = String::new();
        for g in store::grades(tx.conn(), &absent).await? {
            let Some(given) = ResidentGrade::parse(&g.grade) else {
                continue;
            };
            let best = rules.best_grade(unexcused(tx.conn(), g.cadre_id, year).await?);
            if g.year == year && given < best {
                store::set_grade(tx.conn(), g.cadre_id, year, best.as_str(), actor.user_id).await?;
                let name = cadres
                    .iter()
                    .find(|c| c.id == g.cadre_id)
                    .map_or("", |c| c.name.as_str());
                lowered.push_str(&format!(
                    "；{name} {year} 年度等次由{}调为{}",
                    given.label(),
                    best.label()
                ));
            }
        }
        tx.commit(
            actor,
            Entry::ok("resident.inspect", "resident_inspection", id).detail(format!(
                "{} {on} 缺勤 {} 人{lowered}",
                t.org_name,
                absent.len()
            )),
        )
        .await?;
        self.resident_team(actor, t.id, None).await
    }

    /// Gives a cadre's yearly grade (the district): none better than the year's unexcused
    /// absences allow.
    pub async fn grade_cadre(
        &self,
        actor: &Actor,
        cadre_id: i64,
        input: &ResidentGradeInput,
    ) -> ServiceResult<ResidentTeam> {
        let rules = self.cadre_rules().await?.residents;
        let mut tx = self.begin_audited().await?;
        let (t, c) = self.managed_cadre(tx.conn(), actor, cadre_id).await?;
        policy::check_district(actor)?;
        let grade = ResidentGrade::parse(&input.grade).ok_or_else(|| {
            ServiceError::field(
                "grade",
                "invalid_choice",
                "请选择优秀、称职、基本称职或不称职",
            )
        })?;
        let start_year = c
            .started_on
            .get(..4)
            .and_then(|y| y.parse::<i64>().ok())
            .unwrap_or(0);
        if input.year < start_year || input.year > i64::from(today().year()) {
            return Err(ServiceError::field(
                "year",
                "out_of_range",
                "考核年度应在驻村当年至今年之间",
            ));
        }
        let unexcused = unexcused(tx.conn(), c.id, input.year).await?;
        rules
            .check_grade(grade, unexcused)
            .map_err(|e| ServiceError::Invalid(vec![e]))?;
        store::set_grade(tx.conn(), c.id, input.year, grade.as_str(), actor.user_id).await?;
        tx.commit(
            actor,
            Entry::ok("resident.grade", "resident_cadre", c.id).detail(format!(
                "{} {} {}",
                c.name,
                input.year,
                grade.label()
            )),
        )
        .await?;
        self.resident_team(actor, t.id, Some(input.year)).await
    }
}

/// A cadre's absences found by inspection in `year` on days without approved leave.
async fn unexcused(conn: &mut Conn, cadre_id: i64, year: i64) -> ServiceResult<i64> {
    let absences = store::absence_days(conn, cadre_id, year).await?;
    let leaves = store::leaves(conn, &[cadre_id]).await?;
    Ok(absences
        .iter()
        .filter(|d| {
            !leaves.iter().any(|l| {
                l.status == "approved"
                    && l.from_on.as_str() <= d.as_str()
                    && d.as_str() <= l.to_on.as_str()
            })
        })
        .count() as i64)
}

/// The panel of the 云中心: teams and cadres in post below a level, and last month's days.
pub(super) async fn resident_summary(
    conn: &mut Conn,
    root_path: &str,
    rules: &ResidentRules,
) -> ServiceResult<ResidentSummary> {
    let (teams, _) = store::teams(
        conn,
        &TeamFilter {
            root_path: root_path.to_string(),
            active: Some(true),
            ..TeamFilter::default()
        },
        0,
        0,
    )
    .await?;
    let last = date::format(dangjian_domain::date::add_months(today(), -1));
    let month = month_of(&last).to_string();
    let f = store::month_counts(conn, root_path, &month, rules.min_days).await?;
    let cadres = store::in_post(conn, root_path).await?;
    // Those short of the minimum without leave may reach it with their leave days.
    let mut on_leave: HashMap<i64, (MonthRow, Vec<LeaveRow>)> = HashMap::new();
    for (row, leave) in f.on_leave {
        on_leave
            .entry(row.cadre_id)
            .or_insert_with(|| (row, Vec::new()))
            .1
            .push(leave);
    }
    let met = f.met_without_leave
        + on_leave
            .iter()
            .filter(|(id, (row, leaves))| month_figure(rules, &month, Some(row), leaves, **id).met)
            .count() as i64;
    let counted = f.counted;
    Ok(ResidentSummary {
        teams,
        cadres,
        month,
        counted,
        met,
    })
}

/// The caller's posting now, through their member record's person.
async fn own_posting(conn: &mut Conn, actor: &Actor) -> ServiceResult<Option<CadreRow>> {
    let Some(member) = actor.member_id else {
        return Ok(None);
    };
    let Some(person) = person::of_member(conn, member).await? else {
        return Ok(None);
    };
    Ok(store::posting_of(conn, person).await?)
}

/// The days from the first to the last of a leave from `from` to `to` and every leave not
/// refused that overlaps or touches it, or touches those in turn: one unbroken absence.
fn run_days(others: &[LeaveRow], from: &str, to: &str) -> i64 {
    let (Some(mut a), Some(mut b)) = (date::parse(from), date::parse(to)) else {
        return 0;
    };
    let spans: Vec<(time::Date, time::Date)> = others
        .iter()
        .filter(|l| l.status != "refused")
        .filter_map(|l| Some((date::parse(&l.from_on)?, date::parse(&l.to_on)?)))
        .collect();
    let day = time::Duration::days(1);
    let mut used = vec![false; spans.len()];
    let mut grew = true;
    while grew {
        grew = false;
        for (i, (f, t)) in spans.iter().enumerate() {
            if !used[i] && *f <= b + day && a <= *t + day {
                used[i] = true;
                grew = true;
                a = a.min(*f);
                b = b.max(*t);
            }
        }
    }
    (b - a).whole_days() + 1
}

fn active(t: &TeamRow) -> ServiceResult<()> {
    if t.ended_on.is_some() {
        return Err(ServiceError::field("team", "ended", "工作队已撤回"));
    }
    Ok(())
}

/// A cadre's month from its stored row (if any) and their leave.
fn month_figure(
    rules: &ResidentRules,
    month: &str,
    row: Option<&MonthRow>,
    leaves: &[LeaveRow],
    cadre_id: i64,
) -> CadreMonth {
    let leave_days = leaves
        .iter()
        .filter(|l| l.cadre_id == cadre_id && l.status == "approved")
        .filter_map(|l| {
            Some(leave_days_in(
                date::parse(&l.from_on)?,
                date::parse(&l.to_on)?,
                month,
            ))
        })
        .sum();
    let checked_in = row.map_or(0, |r| r.checked_in);
    let recorded = row.and_then(|r| r.recorded);
    let days = recorded.unwrap_or(checked_in);
    CadreMonth {
        month: month.to_string(),
        days,
        recorded: recorded.is_some(),
        checked_in,
        leave_days,
        met: rules.month_met(days, leave_days),
        log: row.map(|r| r.log.clone()).unwrap_or_default(),
    }
}

/// Each month of `year` the cadre was in post, up to this month.
fn year_months(
    rules: &ResidentRules,
    c: &CadreRow,
    year: i64,
    rows: &[MonthRow],
    leaves: &[LeaveRow],
) -> Vec<CadreMonth> {
    let now = date::format(today());
    (1..=12)
        .map(|m| format!("{year:04}-{m:02}"))
        .filter(|m| days_in_month(m).is_some())
        .filter(|m| m.as_str() <= month_of(&now))
        .filter(|m| m.as_str() >= month_of(&c.started_on))
        .filter(|m| {
            c.ended_on
                .as_deref()
                .is_none_or(|e| m.as_str() <= month_of(e))
        })
        .map(|m| {
            let row = rows.iter().find(|r| r.cadre_id == c.id && r.month == m);
            month_figure(rules, &m, row, leaves, c.id)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn row(recorded: Option<i64>, checked_in: i64) -> MonthRow {
        MonthRow {
            cadre_id: 1,
            month: "2021-06".into(),
            recorded,
            checked_in,
            log: String::new(),
        }
    }

    fn leave(from: &str, to: &str, status: &str) -> LeaveRow {
        LeaveRow {
            id: 1,
            cadre_id: 1,
            from_on: from.into(),
            to_on: to.into(),
            days: 0,
            reason: String::new(),
            status: status.into(),
            level: "town".into(),
        }
    }

    #[test]
    fn split_leave_is_counted_as_one_run() {
        let others = [
            leave("2021-06-01", "2021-06-03", "requested"),
            leave("2021-06-04", "2021-06-06", "approved"),
            leave("2021-06-20", "2021-06-21", "approved"),
            leave("2021-06-10", "2021-06-12", "refused"),
        ];
        assert_eq!(run_days(&others, "2021-06-07", "2021-06-08"), 8);
        assert_eq!(run_days(&others, "2021-06-15", "2021-06-16"), 2);
        assert_eq!(run_days(&[], "2021-06-15", "2021-06-15"), 1);
    }

    #[test]
    fn the_record_wins_over_check_ins_and_approved_leave_counts() {
        let r = ResidentRules::default();
        let m = month_figure(&r, "2021-06", Some(&row(Some(21), 3)), &[], 1);
        assert_eq!((m.days, m.recorded, m.met), (21, true, true));
        let m = month_figure(&r, "2021-06", Some(&row(None, 18)), &[], 1);
        assert_eq!((m.days, m.recorded, m.met), (18, false, false));
        let leaves = [
            leave("2021-05-30", "2021-06-02", "approved"),
            leave("2021-06-10", "2021-06-20", "refused"),
        ];
        let m = month_figure(&r, "2021-06", Some(&row(None, 18)), &leaves, 1);
        assert_eq!((m.leave_days, m.met), (2, true));
        assert_eq!(month_figure(&r, "2021-06", None, &[], 1).days, 0);
    }
}
