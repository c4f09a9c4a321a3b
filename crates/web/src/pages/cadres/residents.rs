//! 驻村工作队 pages. The resident work teams below a level, 50 a page, with the form that sends
//! one to a village (a first secretary and up to four members); one team with its cadres,
//! each cadre's months of a year in the village (days, leave, the minimum met, the work log),
//! leave with its decisions, inspections, and the forms its flags allow: add, rotate and
//! release cadres, withdraw the team, record an inspection (the town or the district), record
//! a month and ask leave (the village too), grade the year (the district). The list exports
//! as xlsx. What the caller may do comes from the team's flags (`may_manage`, `may_record`,
//! `may_grade`, `decides`); the pages never decide it.

use askama::Template;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use dangjian_domain::FieldError;
use dangjian_domain::bands::Education;
use dangjian_domain::cadres::resident::{ResidentGrade, TeamRole};
use dangjian_domain::id_number::Gender;
use dangjian_report::{Cell, Table};
use dangjian_service::ServiceError;
use dangjian_service::cadres::resident::{
    CadreInput, CadreYear, EndInput, InspectionInput, JoinInput, LeaveDecisionInput, LeaveInput,
    MonthInput, ResidentGradeInput, ResidentTeam, TeamInput, TeamLine, TeamList, TeamQuery,
};
use dangjian_service::members::MemberQuery;
use serde::Deserialize;

use super::{NAV, PersonFields, PersonForm, Tab, flag, tabs, this_year, today_text, typed, url};
use crate::AppState;
use crate::error::PageResult;
use crate::export::book;
use crate::extract::{PageForm, PagePath, PageQuery};
use crate::pages::YearQuery;
use crate::pages::{FormErrors, FormOutcome, parse_id, render, render_with};
use crate::session::Auth;
use crate::view::{Choice, Layout, Pager, choices};

/// The cadre rows of the dispatch form: the first secretary and up to four members.
const ROWS: usize = 5;

/// A team's state as a line reads it, with the tag's class: 在驻, 已期满 (in post past the
/// term's end) or 已撤回.
fn team_state(t: &TeamLine, today: &str) -> (&'static str, &'static str) {
    if t.ended_on.is_some() {
        ("已撤回", "")
    } else if t.ends_on.as_str() < today {
        ("已期满", "warn")
    } else {
        ("在驻", "ok")
    }
}

fn gender_label(code: &str) -> &'static str {
    Gender::parse(code).map_or("", Gender::label)
}

fn education_label(code: &str) -> &'static str {
    Education::parse(code).map_or("", Education::label)
}

fn grade_label(code: &str) -> &'static str {
    ResidentGrade::parse(code).map_or("", ResidentGrade::label)
}

/// What a person field is called, to name it beside a refusal shown away from the field.
fn field_label(field: &str) -> &'static str {
    match field {
        "member_id" => "党员",
        "name" => "姓名",
        "id_number" => "身份证号",
        "phone" => "手机号",
        "education" => "学历",
        "ethnicity" => "民族",
        "unit" => "所在单位",
        "role" => "角色",
        "person" => "人员",
        _ => "",
    }
}

/// A refusal with the field it names in front: "身份证号：…".
fn named(e: &FieldError) -> String {
    match field_label(e.field) {
        "" => e.message.clone(),
        label => format!("{label}：{}", e.message),
    }
}

// ---------------------------------------------------------------------------------------
// The member picker: members of the caller's scope found by name, as radio buttons.

/// A member already chosen in a form shown again.
pub struct Chosen {
    pub(in crate::pages) id: i64,
    pub(in crate::pages) name: String,
}

/// The member picker of a form: the field the radio buttons fill, the element the search
/// answer goes into, and the member chosen before a refusal.
pub struct MemberPick {
    pub(in crate::pages) field: String,
    pub(in crate::pages) target: String,
    pub(in crate::pages) chosen: Option<Chosen>,
}

/// The chosen member's name, to show the choice again (a number only if it cannot be read).
pub(in crate::pages) async fn chosen(
    st: &AppState,
    auth: &Auth,
    member_id: &str,
) -> Option<Chosen> {
    let id = parse_id(member_id)?;
    let name = match st.app.member(&auth.actor, id).await {
        Ok(m) => m.name,
        Err(_) => format!("党员（编号 {id}）"),
    };
    Some(Chosen { id, name })
}

/// The names a picker may fill: `member_id`, or a row's of the dispatch form (`c0_member_id`).
fn pick_field(s: &str) -> &str {
    let ok = s == "member_id"
        || s.strip_prefix('c')
            .and_then(|r| r.strip_suffix("_member_id"))
            .and_then(|n| n.parse::<usize>().ok())
            .is_some_and(|n| n < ROWS);
    if ok { s } else { "member_id" }
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct PickQuery {
    org: String,
    q: String,
    field: String,
}

pub struct PickLine {
    id: i64,
    label: String,
}

#[derive(Template)]
#[template(path = "cadres_member_picks.html")]
struct PicksPartial {
    field: String,
    items: Vec<PickLine>,
    searched: bool,
}

/// Members by the start of their name or their ID number, within the caller's scope (or
/// `?org=`), for the pickers of the team forms: `?q=&field=`.
pub async fn member_picks(
    State(st): State<AppState>,
    auth: Auth,
    PageQuery(q): PageQuery<PickQuery>,
) -> PageResult<Response> {
    let text = typed(&q.q);
    let query = MemberQuery {
        org: parse_id(&q.org),
        q: text.clone(),
        per_page: Some(if text.is_some() { 20 } else { 1 }),
        ..MemberQuery::default()
    };
    let found = st.app.members(&auth.actor, &query).await?;
    let items = if text.is_some() {
        found
            .items
            .iter()
            .map(|m| {
                let place = found
                    .places
                    .iter()
                    .find(|p| p.org_id == m.org_id)
                    .map_or(m.org_name.as_str(), |p| p.place.as_str());
                PickLine {
                    id: m.id,
                    label: format!("{}（{}）· {place}", m.name, m.id_masked),
                }
            })
            .collect()
    } else {
        Vec::new()
    };
    Ok(render(&PicksPartial {
        field: pick_field(&q.field).to_string(),
        items,
        searched: text.is_some(),
    }))
}

// ---------------------------------------------------------------------------------------
// The list.

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ListQuery {
    org: String,
    q: String,
    active: String,
    pending: String,
    page: String,
}

impl ListQuery {
    /// The state filter: `active` (in the villages now), `ended` (withdrawn), or all.
    fn active(&self) -> Option<bool> {
        match self.active.trim() {
            "active" | "1" | "true" => Some(true),
            "ended" | "0" | "false" => Some(false),
            _ => None,
        }
    }

    fn service(&self) -> TeamQuery {
        TeamQuery {
            org: parse_id(&self.org),
            q: typed(&self.q),
            active: self.active(),
            pending: flag(&self.pending).then_some(true),
            page: parse_id(&self.page),
        }
    }
}

/// A team's line.
pub struct TeamRow {
    id: i64,
    org_name: String,
    sending_unit: String,
    first_secretary: String,
    size: i64,
    started_on: String,
    ends_on: String,
    state: &'static str,
    state_class: &'static str,
    ended_on: String,
    pending_leaves: i64,
}

fn team_row(t: &TeamLine, today: &str) -> TeamRow {
    let (state, state_class) = team_state(t, today);
    TeamRow {
        id: t.id,
        org_name: t.org_name.clone(),
        sending_unit: t.sending_unit.clone(),
        first_secretary: t.first_secretary.clone().unwrap_or_default(),
        size: t.size,
        started_on: t.started_on.clone(),
        ends_on: t.ends_on.clone(),
        state,
        state_class,
        ended_on: t.ended_on.clone().unwrap_or_default(),
        pending_leaves: t.pending_leaves,
    }
}

/// A cadre of the dispatch form as typed: a member, or a person by name and ID number; and
/// their own unit.
#[derive(Default, Clone, Debug, PartialEq, Eq)]
pub struct CadreRowForm {
    member_id: String,
    name: String,
    id_number: String,
    education: String,
    ethnicity: String,
    unit: String,
}

impl CadreRowForm {
    /// Nothing that names a person: the row is left out.
    fn blank(&self) -> bool {
        self.member_id.trim().is_empty()
            && self.name.trim().is_empty()
            && self.id_number.trim().is_empty()
    }

    fn person(&self) -> PersonForm {
        PersonForm {
            member_id: self.member_id.clone(),
            name: self.name.clone(),
            id_number: self.id_number.clone(),
            phone: String::new(),
            education: self.education.clone(),
            ethnicity: self.ethnicity.clone(),
        }
    }

    fn input(&self, role: TeamRole) -> CadreInput {
        CadreInput {
            who: self.person().choice(),
            role: role.as_str().into(),
            unit: self.unit.trim().to_string(),
        }
    }
}

/// The role of a dispatch row: the first row is the first secretary's.
fn row_role(i: usize) -> TeamRole {
    if i == 0 {
        TeamRole::FirstSecretary
    } else {
        TeamRole::Member
    }
}

/// The dispatch form as typed.
#[derive(Default, Clone, Debug)]
pub struct DispatchForm {
    /// The level to go back to.
    org: String,
    org_id: String,
    sending_unit: String,
    started_on: String,
    ends_on: String,
    rows: Vec<CadreRowForm>,
}

impl DispatchForm {
    /// The fields of the form, each cadre row's under its prefix (`c0_name`, `c1_unit` …).
    fn read(fields: &[(String, String)]) -> Self {
        let mut f = DispatchForm {
            rows: vec![CadreRowForm::default(); ROWS],
            ..DispatchForm::default()
        };
        for (k, v) in fields {
            match k.as_str() {
                "org" => f.org.clone_from(v),
                "org_id" => f.org_id.clone_from(v),
                "sending_unit" => f.sending_unit.clone_from(v),
                "started_on" => f.started_on = v.trim().to_string(),
                "ends_on" => f.ends_on = v.trim().to_string(),
                _ => {
                    let Some((i, name)) = k
                        .strip_prefix('c')
                        .and_then(|r| r.split_once('_'))
                        .and_then(|(n, name)| Some((n.parse::<usize>().ok()?, name)))
                    else {
                        continue;
                    };
                    let Some(row) = f.rows.get_mut(i) else {
                        continue;
                    };
                    let slot = match name {
                        "member_id" => &mut row.member_id,
                        "name" => &mut row.name,
                        "id_number" => &mut row.id_number,
                        "education" => &mut row.education,
                        "ethnicity" => &mut row.ethnicity,
                        "unit" => &mut row.unit,
                        _ => continue,
                    };
                    v.clone_into(slot);
                }
            }
        }
        f
    }

    /// The team to send, the blank rows left out.
    fn input(&self, org_id: i64) -> TeamInput {
        TeamInput {
            org_id,
            sending_unit: self.sending_unit.trim().to_string(),
            started_on: self.started_on.clone(),
            ends_on: self.ends_on.clone(),
            cadres: self
                .rows
                .iter()
                .enumerate()
                .filter(|(_, r)| !r.blank())
                .map(|(i, r)| r.input(row_role(i)))
                .collect(),
        }
    }
}

/// A cadre row of the dispatch form with its options and refusals.
pub struct RowView {
    index: usize,
    title: &'static str,
    first: bool,
    person: PersonFields,
    unit: String,
    pick: MemberPick,
    errs: FormErrors,
}

#[derive(Template)]
#[template(path = "cadres_residents.html")]
struct TeamsPage {
    l: Layout,
    tabs: Vec<Tab>,
    org_id: i64,
    org_name: String,
    rows: Vec<TeamRow>,
    total: i64,
    pager: Pager,
    q: String,
    actives: Vec<Choice>,
    pending: bool,
    filtered: bool,
    export_href: String,
    may_dispatch: bool,
    communities: Vec<crate::pages::request::public::PickGroup>,
    /// Villages below the level (more than a picker offers at a city's level).
    villages_below: i64,
    dispatch: DispatchForm,
    cadre_rows: Vec<RowView>,
    /// The team's make-up and term as the rules have them.
    rules_text: String,
    errors: FormErrors,
    /// Refusals of the cadres as a whole or of a person not shown beside a row.
    cadre_errs: Vec<String>,
    /// The dispatch was refused (its refusals are beside the fields they name).
    refused: bool,
    today: String,
}

fn active_choices(current: Option<bool>) -> Vec<Choice> {
    [
        ("active", "在驻", Some(true)),
        ("ended", "已撤回", Some(false)),
    ]
    .into_iter()
    .map(|(v, l, on)| Choice {
        value: v.into(),
        label: l.into(),
        selected: current == on,
    })
    .collect()
}

/// The refusals of a dispatch: those of the team's own fields stay (shown beside them); those
/// of a person are put beside the row the same check refuses when a row's typed person is
/// refused by it; the rest are listed above the rows with the field they name.
fn sort_refusals(
    st: &AppState,
    f: &DispatchForm,
    errors: Vec<FieldError>,
) -> (Vec<FieldError>, Vec<Vec<FieldError>>, Vec<String>) {
    const TEAM_FIELDS: [&str; 4] = ["org_id", "sending_unit", "started_on", "ends_on"];
    let mut rows: Vec<Vec<FieldError>> = vec![Vec::new(); ROWS];
    let mut team = Vec::new();
    let mut cadres = Vec::new();
    // A typed person the registry's own checks refuse: its row, and what it is refused for.
    let refused_row = f.rows.iter().enumerate().find_map(|(i, r)| {
        if r.blank() || parse_id(&r.member_id).is_some() {
            return None;
        }
        r.person()
            .choice()
            .person
            .validate(dangjian_service::today(), &st.app.config.member_rules)
            .err()
            .map(|errs| (i, errs))
    });
    for e in errors {
        if TEAM_FIELDS.contains(&e.field) {
            team.push(e);
        } else if let Some((i, row_errs)) = &refused_row
            && row_errs.contains(&e)
        {
            rows[*i].push(e);
        } else {
            cadres.push(named(&e));
        }
    }
    (team, rows, cadres)
}

async fn list_page(
    st: &AppState,
    auth: &Auth,
    q: &ListQuery,
    refused: Option<DispatchForm>,
    errors: Vec<FieldError>,
) -> PageResult<Response> {
    let a = &auth.actor;
    let sq = q.service();
    let v = st.app.resident_teams(a, &sq).await?;
    let today = today_text();
    let mut dispatch = refused.unwrap_or_default();
    dispatch.rows.resize(ROWS, CadreRowForm::default());
    if dispatch.started_on.is_empty() {
        dispatch.started_on.clone_from(&today);
    }
    let (team_errs, mut row_errs, cadre_errs) = sort_refusals(st, &dispatch, errors);
    let ((communities, villages_below), rules_text) = if v.may_dispatch {
        let r = st.app.cadre_rules().await?.residents;
        (
            super::reserves::village_choices(st, auth, v.org_id, parse_id(&dispatch.org_id))
                .await?,
            format!(
                "每个工作队 {}–{} 人（含第一书记 1 名），选派期限 {}–{} 年；一人同时只在一个工作队。",
                r.team_min, r.team_max, r.term_min_years, r.term_max_years
            ),
        )
    } else {
        ((Vec::new(), 0), String::new())
    };
    let refused =
        !(team_errs.is_empty() && cadre_errs.is_empty() && row_errs.iter().all(Vec::is_empty));
    let mut cadre_rows = Vec::with_capacity(ROWS);
    for (i, r) in dispatch.rows.iter().enumerate() {
        // The members chosen are shown again only on a refused form (a fresh one has none).
        let chosen = if refused {
            chosen(st, auth, &r.member_id).await
        } else {
            None
        };
        cadre_rows.push(RowView {
            index: i,
            title: if i == 0 {
                "第一书记"
            } else {
                "工作队员"
            },
            first: i == 0,
            person: PersonFields::new(r.person()),
            unit: r.unit.clone(),
            pick: MemberPick {
                field: format!("c{i}_member_id"),
                target: format!("dispatch-picks-{i}"),
                chosen,
            },
            errs: FormErrors(std::mem::take(&mut row_errs[i])),
        });
    }
    let filters = [
        ("org", v.org_id.to_string()),
        ("q", sq.q.clone().unwrap_or_default()),
        (
            "active",
            match sq.active {
                Some(true) => "active",
                Some(false) => "ended",
                None => "",
            }
            .to_string(),
        ),
        (
            "pending",
            if sq.pending == Some(true) { "1" } else { "" }.to_string(),
        ),
    ];
    let errors = FormErrors(team_errs);
    let status = if refused {
        axum::http::StatusCode::UNPROCESSABLE_ENTITY
    } else {
        axum::http::StatusCode::OK
    };
    let page = TeamsPage {
        l: Layout::new(a, &auth.csrf, "驻村工作队", NAV).about(v.org_name.clone()),
        tabs: tabs(Some(v.org_id), "residents"),
        org_id: v.org_id,
        org_name: v.org_name.clone(),
        rows: v.items.iter().map(|t| team_row(t, &today)).collect(),
        total: v.total,
        pager: Pager::new(&filters, v.page, v.per_page.max(1), v.total),
        q: sq.q.clone().unwrap_or_default(),
        actives: active_choices(sq.active),
        pending: sq.pending == Some(true),
        filtered: sq.q.is_some() || sq.active.is_some() || sq.pending.is_some(),
        export_href: url("/cadres/residents/export.xlsx", &filters, ""),
        may_dispatch: v.may_dispatch,
        communities,
        villages_below,
        dispatch,
        cadre_rows,
        rules_text,
        errors,
        cadre_errs,
        refused,
        today,
    };
    Ok(render_with(status, &page))
}

/// The resident work teams below a level: `?org=&q=&active=&pending=&page=`.
pub async fn list(
    State(st): State<AppState>,
    auth: Auth,
    PageQuery(q): PageQuery<ListQuery>,
) -> PageResult<Response> {
    list_page(&st, &auth, &q, None, Vec::new()).await
}

/// Sends a team to a village; on to its page.
pub async fn dispatch(
    State(st): State<AppState>,
    auth: Auth,
    PageForm(fields): PageForm<Vec<(String, String)>>,
) -> PageResult<Response> {
    let f = DispatchForm::read(&fields);
    let outcome = match parse_id(&f.org_id) {
        Some(org_id) => st
            .app
            .dispatch_team(&auth.actor, &f.input(org_id))
            .await
            .or_form()?,
        None => Err(vec![FieldError::new(
            "org_id",
            "required",
            "请选择派驻的村(社区)",
        )]),
    };
    match outcome {
        Ok(t) => Ok(Redirect::to(&format!("/cadres/residents/{}", t.team.id)).into_response()),
        Err(errs) => {
            let q = ListQuery {
                org: f.org.clone(),
                ..ListQuery::default()
            };
            list_page(&st, &auth, &q, Some(f), errs).await
        }
    }
}

fn headers(names: &[&str]) -> Vec<String> {
    names.iter().map(|s| (*s).to_string()).collect()
}

fn teams_book(v: &TeamList) -> Result<Response, ServiceError> {
    let today = today_text();
    let t = Table {
        sheet: "驻村工作队".into(),
        title: format!("{} 驻村工作队（共 {} 支）", v.org_name, v.total),
        headers: headers(&[
            "村(社区)",
            "派出单位",
            "第一书记",
            "人数",
            "选派日期",
            "期满",
            "状态",
            "撤回日期",
            "待审批请假",
        ]),
        rows: v
            .items
            .iter()
            .map(|t| {
                vec![
                    Cell::Text(t.org_name.clone()),
                    Cell::Text(t.sending_unit.clone()),
                    Cell::Text(t.first_secretary.clone().unwrap_or_default()),
                    Cell::Int(t.size),
                    Cell::Text(t.started_on.clone()),
                    Cell::Text(t.ends_on.clone()),
                    Cell::Text(team_state(t, &today).0.into()),
                    Cell::Text(t.ended_on.clone().unwrap_or_default()),
                    Cell::Int(t.pending_leaves),
                ]
            })
            .collect(),
    };
    book(&[t], &format!("驻村工作队-{}.xlsx", v.org_name))
}

/// The teams of a level as xlsx: `?org=&q=&active=&pending=`.
pub async fn export(
    State(st): State<AppState>,
    auth: Auth,
    PageQuery(q): PageQuery<ListQuery>,
) -> PageResult<Response> {
    let a = &auth.actor;
    let v = st.app.export_resident_teams(a, &q.service()).await?;
    st.app
        .audit_export(a, "驻村工作队", v.org_id, v.items.len(), None)
        .await?;
    Ok(teams_book(&v)?)
}

// ---------------------------------------------------------------------------------------
// One team.

/// A cadre who joins the team or takes another's place, as typed.
#[derive(Deserialize, Default, Clone)]
#[serde(default)]
pub struct JoinForm {
    /// The team and the year shown, to come back to.
    team: String,
    year: String,
    role: String,
    unit: String,
    on: String,
    #[serde(flatten)]
    who: PersonForm,
}

impl JoinForm {
    fn input(&self, role: &str) -> JoinInput {
        JoinInput {
            cadre: CadreInput {
                who: self.who.choice(),
                role: role.to_string(),
                unit: self.unit.trim().to_string(),
            },
            on: self.on.trim().to_string(),
        }
    }
}

/// A day (a cadre leaves, the team is withdrawn), as typed.
#[derive(Deserialize, Default, Clone)]
#[serde(default)]
pub struct DayForm {
    team: String,
    year: String,
    on: String,
}

#[derive(Deserialize, Default, Clone)]
#[serde(default)]
pub struct MonthForm {
    team: String,
    year: String,
    month: String,
    days: String,
    log: String,
}

#[derive(Deserialize, Default, Clone)]
#[serde(default)]
pub struct LeaveForm {
    team: String,
    year: String,
    from_on: String,
    to_on: String,
    reason: String,
}

#[derive(Deserialize, Default, Clone)]
#[serde(default)]
pub struct GradeForm {
    team: String,
    year: String,
    grade_year: String,
    grade: String,
}

#[derive(Deserialize, Default, Clone)]
#[serde(default)]
pub struct DecisionForm {
    team: String,
    year: String,
    approve: String,
}

/// The inspection as typed: the day, the cadres ticked absent, a note.
#[derive(Default, Clone)]
pub struct InspectForm {
    year: String,
    inspected_on: String,
    absent: Vec<i64>,
    note: String,
}

impl InspectForm {
    fn read(fields: &[(String, String)]) -> Self {
        let mut f = InspectForm::default();
        for (k, v) in fields {
            match k.as_str() {
                "year" => f.year.clone_from(v),
                "inspected_on" => f.inspected_on = v.trim().to_string(),
                "absent" => f.absent.extend(parse_id(v)),
                "note" => f.note.clone_from(v),
                _ => {}
            }
        }
        f
    }
}

/// A form of the team's page refused, to show again where it was.
enum Refused {
    None,
    Join(JoinForm),
    Withdraw(DayForm),
    Inspect(InspectForm),
    /// The forms of the cadre with this id.
    Rotate(i64, JoinForm),
    End(i64, DayForm),
    Month(i64, MonthForm),
    Leave(i64, LeaveForm),
    Grade(i64, GradeForm),
    /// A leave decision: shown above the leave.
    Decision,
}

/// A month of a cadre's year as the grid shows it; `shown` false outside their posting or
/// ahead of today.
pub struct MonthCell {
    label: String,
    shown: bool,
    /// This month, still under way: not yet short of the minimum.
    current: bool,
    days: i64,
    recorded: bool,
    checked_in: i64,
    leave_days: i64,
    met: bool,
}

pub struct LogLine {
    month: String,
    log: String,
}

/// A cadre with their year and the forms the team's flags allow on them.
pub struct CadreView {
    id: i64,
    role: &'static str,
    first: bool,
    name: String,
    member_id: i64,
    gender: &'static str,
    age: i32,
    education: &'static str,
    unit: String,
    started_on: String,
    ended_on: String,
    in_post: bool,
    months: Vec<MonthCell>,
    logs: Vec<LogLine>,
    unexcused: i64,
    best_grade: &'static str,
    grade: &'static str,
    /// The forms' panel opens when one of its forms was refused.
    open: bool,
    rotate: JoinForm,
    rotate_person: PersonFields,
    rotate_pick: MemberPick,
    rotate_errs: FormErrors,
    end_on: String,
    end_errs: FormErrors,
    month: MonthForm,
    month_min: String,
    month_max: String,
    month_errs: FormErrors,
    leave: LeaveForm,
    leave_errs: FormErrors,
    grade_years: Vec<Choice>,
    grades: Vec<Choice>,
    grade_errs: FormErrors,
}

pub struct LeaveRow {
    id: i64,
    name: String,
    from_on: String,
    to_on: String,
    days: i64,
    reason: String,
    level: &'static str,
    status: String,
    status_label: &'static str,
    /// The caller decides leave of this level, and it waits for a decision.
    decidable: bool,
}

pub struct AbsentView {
    name: String,
    excused: bool,
}

pub struct InspectionView {
    inspected_on: String,
    note: String,
    absent: Vec<AbsentView>,
}

/// A cadre in post, as a box of the inspection form.
pub struct AbsentBox {
    id: i64,
    label: String,
    checked: bool,
}

#[derive(Template)]
#[template(path = "cadres_resident.html")]
struct TeamPage {
    l: Layout,
    tabs: Vec<Tab>,
    t: TeamLine,
    state: &'static str,
    state_class: &'static str,
    active: bool,
    year: i64,
    years: Vec<Choice>,
    min_days: i64,
    cadres: Vec<CadreView>,
    in_post: usize,
    leaves: Vec<LeaveRow>,
    inspections: Vec<InspectionView>,
    may_manage: bool,
    may_record: bool,
    may_grade: bool,
    join: JoinForm,
    join_roles: Vec<Choice>,
    join_person: PersonFields,
    join_pick: MemberPick,
    join_errs: FormErrors,
    withdraw_on: String,
    withdraw_errs: FormErrors,
    inspect: InspectForm,
    absent_boxes: Vec<AbsentBox>,
    inspect_errs: FormErrors,
    grade_rule: String,
    /// Leave up to these days is the town's to decide.
    town_leave_days: i64,
    /// Some leave waits for the caller's decision.
    may_decide: bool,
    /// Refusals whose form is not on the page.
    errors: FormErrors,
    today: String,
}

/// The years a team's page may show: from the year it was sent to this year.
fn year_choices(started_on: &str, shown: i64) -> Vec<Choice> {
    let now = this_year();
    let from = started_on
        .get(..4)
        .and_then(|y| y.parse::<i64>().ok())
        .unwrap_or(now)
        .min(now);
    (from..=now)
        .rev()
        .map(|y| Choice {
            value: y.to_string(),
            label: format!("{y} 年"),
            selected: y == shown,
        })
        .collect()
}

/// The twelve months of `year` with the cadre's figures where they were in post.
fn month_cells(c: &CadreYear, year: i64, this_month: &str) -> Vec<MonthCell> {
    (1..=12)
        .map(|m| {
            let key = format!("{year:04}-{m:02}");
            let label = format!("{m}月");
            let current = key == this_month;
            match c.months.iter().find(|x| x.month == key) {
                Some(x) => MonthCell {
                    label,
                    shown: true,
                    current,
                    days: x.days,
                    recorded: x.recorded,
                    checked_in: x.checked_in,
                    leave_days: x.leave_days,
                    met: x.met,
                },
                None => MonthCell {
                    label,
                    shown: false,
                    current,
                    days: 0,
                    recorded: false,
                    checked_in: 0,
                    leave_days: 0,
                    met: false,
                },
            }
        })
        .collect()
}

/// The month the record form starts on: this month, or the last of the posting; with the
/// figures already recorded for it in the year shown.
fn month_default(c: &CadreYear, this_month: &str) -> MonthForm {
    let last = c
        .cadre
        .ended_on
        .as_deref()
        .and_then(|e| e.get(..7))
        .filter(|e| *e < this_month)
        .unwrap_or(this_month)
        .to_string();
    let (days, log) = c
        .months
        .iter()
        .find(|m| m.month == last)
        .map(|m| {
            (
                if m.recorded {
                    m.days.to_string()
                } else {
                    String::new()
                },
                m.log.clone(),
            )
        })
        .unwrap_or_default();
    MonthForm {
        month: last,
        days,
        log,
        ..MonthForm::default()
    }
}

/// The years a cadre's grade may be for: from their first year in post to this year.
fn grade_years(started_on: &str, current: &str, shown: i64) -> Vec<Choice> {
    let chosen = parse_id(current).unwrap_or(shown);
    year_choices(started_on, chosen)
        .into_iter()
        .map(|mut c| {
            c.label = format!("{} 年度", c.value);
            c
        })
        .collect()
}

fn role_choices(current: &str) -> Vec<Choice> {
    let code = TeamRole::parse(current.trim()).map_or("member", TeamRole::as_str);
    choices(TeamRole::ALL, TeamRole::as_str, TeamRole::label, code)
}

async fn team_page(
    st: &AppState,
    auth: &Auth,
    id: i64,
    year: Option<i64>,
    refused: Refused,
    errors: Vec<FieldError>,
) -> PageResult<Response> {
    let a = &auth.actor;
    let d: ResidentTeam = st.app.resident_team(a, id, year).await?;
    let today = today_text();
    let this_month = today.get(..7).unwrap_or_default().to_string();
    let errors = FormErrors(errors);
    let status = errors.status();
    let active = d.team.ended_on.is_none();
    let (state, state_class) = team_state(&d.team, &today);
    let in_post = |cid: i64| {
        d.cadres
            .iter()
            .any(|c| c.cadre.id == cid && c.cadre.ended_on.is_none())
    };
    let known = |cid: i64| d.cadres.iter().any(|c| c.cadre.id == cid);
    // Each refusal goes back to its form when the form is still on the page (the flags allow
    // it, the team is in post, the cadre too), else above everything.
    let mut top = FormErrors::default();
    let mut join = None;
    let mut withdraw = None;
    let mut inspect = None;
    let mut cadre_refused: Option<(i64, Refused)> = None;
    let mut cadre_errs = FormErrors::default();
    let manage_here = d.may_manage && active;
    match refused {
        Refused::None => {}
        Refused::Join(f) if manage_here => join = Some((f, errors)),
        Refused::Withdraw(f) if manage_here => withdraw = Some((f, errors)),
        Refused::Inspect(f) if manage_here => inspect = Some((f, errors)),
        Refused::Rotate(cid, f) if manage_here && in_post(cid) => {
            cadre_refused = Some((cid, Refused::Rotate(cid, f)));
            cadre_errs = errors;
        }
        Refused::End(cid, f) if manage_here && in_post(cid) => {
            cadre_refused = Some((cid, Refused::End(cid, f)));
            cadre_errs = errors;
        }
        Refused::Month(cid, f) if d.may_record && known(cid) => {
            cadre_refused = Some((cid, Refused::Month(cid, f)));
            cadre_errs = errors;
        }
        Refused::Leave(cid, f) if d.may_record && in_post(cid) => {
            cadre_refused = Some((cid, Refused::Leave(cid, f)));
            cadre_errs = errors;
        }
        Refused::Grade(cid, f) if d.may_grade && known(cid) => {
            cadre_refused = Some((cid, Refused::Grade(cid, f)));
            cadre_errs = errors;
        }
        Refused::Join(_)
        | Refused::Withdraw(_)
        | Refused::Inspect(_)
        | Refused::Rotate(..)
        | Refused::End(..)
        | Refused::Month(..)
        | Refused::Leave(..)
        | Refused::Grade(..)
        | Refused::Decision => top = errors,
    }
    let mut cadres = Vec::with_capacity(d.cadres.len());
    for c in &d.cadres {
        let x = &c.cadre;
        let mut v = CadreView {
            id: x.id,
            role: x.role_label(),
            first: x.is_first_secretary(),
            name: x.name.clone(),
            member_id: x.member_id.unwrap_or(0),
            gender: gender_label(&x.gender),
            age: x.age(),
            education: education_label(&x.education),
            unit: x.unit.clone(),
            started_on: x.started_on.clone(),
            ended_on: x.ended_on.clone().unwrap_or_default(),
            in_post: x.ended_on.is_none(),
            months: month_cells(c, d.year, &this_month),
            logs: c
                .months
                .iter()
                .filter(|m| !m.log.trim().is_empty())
                .map(|m| LogLine {
                    month: m.month.clone(),
                    log: m.log.clone(),
                })
                .collect(),
            unexcused: c.unexcused_absences,
            best_grade: grade_label(&c.best_grade),
            grade: c.grade.as_deref().map_or("", grade_label),
            open: false,
            rotate: JoinForm {
                on: today.clone(),
                ..JoinForm::default()
            },
            rotate_person: PersonFields::new(PersonForm::default()),
            rotate_pick: MemberPick {
                field: "member_id".into(),
                target: format!("rotate-picks-{}", x.id),
                chosen: None,
            },
            rotate_errs: FormErrors::default(),
            end_on: today.clone(),
            end_errs: FormErrors::default(),
            month: month_default(c, &this_month),
            month_min: x.started_on.get(..7).unwrap_or_default().to_string(),
            month_max: x
                .ended_on
                .as_deref()
                .and_then(|e| e.get(..7))
                .filter(|e| *e < this_month.as_str())
                .unwrap_or(&this_month)
                .to_string(),
            month_errs: FormErrors::default(),
            leave: LeaveForm::default(),
            leave_errs: FormErrors::default(),
            grade_years: grade_years(&x.started_on, "", d.year),
            grades: choices(
                ResidentGrade::ALL,
                ResidentGrade::as_str,
                ResidentGrade::label,
                c.grade.as_deref().unwrap_or(""),
            ),
            grade_errs: FormErrors::default(),
        };
        if let Some((cid, r)) = cadre_refused.as_ref()
            && *cid == x.id
        {
            v.open = true;
            let errs = FormErrors(std::mem::take(&mut cadre_errs.0));
            match r {
                Refused::Rotate(_, f) => {
                    v.rotate = f.clone();
                    v.rotate_person = PersonFields::new(f.who.clone());
                    v.rotate_pick.chosen = chosen(st, auth, &f.who.member_id).await;
                    v.rotate_errs = errs;
                }
                Refused::End(_, f) => {
                    v.end_on.clone_from(&f.on);
                    v.end_errs = errs;
                }
                Refused::Month(_, f) => {
                    v.month = f.clone();
                    v.month_errs = errs;
                }
                Refused::Leave(_, f) => {
                    v.leave = f.clone();
                    v.leave_errs = errs;
                }
                Refused::Grade(_, f) => {
                    v.grade_years = grade_years(&x.started_on, &f.grade_year, d.year);
                    let code =
                        ResidentGrade::parse(f.grade.trim()).map_or("", ResidentGrade::as_str);
                    v.grades = choices(
                        ResidentGrade::ALL,
                        ResidentGrade::as_str,
                        ResidentGrade::label,
                        code,
                    );
                    v.grade_errs = errs;
                }
                _ => {}
            }
        }
        cadres.push(v);
    }
    let names = |cid: i64| {
        d.cadres
            .iter()
            .find(|c| c.cadre.id == cid)
            .map(|c| c.cadre.name.clone())
            .unwrap_or_default()
    };
    let leaves: Vec<LeaveRow> = d
        .leaves
        .iter()
        .map(|l| LeaveRow {
            id: l.id,
            name: names(l.cadre_id),
            from_on: l.from_on.clone(),
            to_on: l.to_on.clone(),
            days: l.days,
            reason: l.reason.clone(),
            level: l.level_label(),
            status: l.status.clone(),
            status_label: l.status_label(),
            decidable: l.status == "requested" && d.decides.contains(&l.level),
        })
        .collect();
    let may_decide = leaves.iter().any(|l| l.decidable);
    let inspections = d
        .inspections
        .iter()
        .map(|i| InspectionView {
            inspected_on: i.inspected_on.clone(),
            note: i.note.clone(),
            absent: i
                .absent
                .iter()
                .map(|x| AbsentView {
                    name: x.name.clone(),
                    excused: x.excused,
                })
                .collect(),
        })
        .collect();
    let (join, join_errs) = join.unwrap_or_default();
    let join_chosen = chosen(st, auth, &join.who.member_id).await;
    let (withdraw, withdraw_errs) = withdraw.unwrap_or_default();
    let (mut inspect, inspect_errs) = inspect.unwrap_or_default();
    if inspect.inspected_on.is_empty() {
        inspect.inspected_on.clone_from(&today);
    }
    let absent_boxes = d
        .cadres
        .iter()
        .filter(|c| c.cadre.ended_on.is_none())
        .map(|c| AbsentBox {
            id: c.cadre.id,
            label: format!("{} · {}", c.cadre.role_label(), c.cadre.name),
            checked: inspect.absent.contains(&c.cadre.id),
        })
        .collect();
    let r = &d.rules;
    let grade_rule = format!(
        "按本年度督查发现的无故缺勤次数：{} 次起不评优秀，{} 次起最高基本称职，{} 次起为不称职；经批准请假期间的缺勤不计。",
        r.absences_no_excellent, r.absences_basic, r.absences_incompetent
    );
    let t = d.team.clone();
    let page = TeamPage {
        l: Layout::new(a, &auth.csrf, format!("驻村工作队 · {}", t.org_name), NAV)
            .about(t.org_name.clone())
            .period(format!("{} 年", d.year)),
        tabs: tabs(Some(t.org_id), "residents"),
        state,
        state_class,
        active,
        year: d.year,
        years: year_choices(&t.started_on, d.year),
        min_days: d.rules.min_days,
        in_post: cadres.iter().filter(|c| c.in_post).count(),
        cadres,
        leaves,
        inspections,
        may_manage: d.may_manage,
        may_record: d.may_record,
        may_grade: d.may_grade,
        join_roles: role_choices(&join.role),
        join_person: PersonFields::new(join.who.clone()),
        join_pick: MemberPick {
            field: "member_id".into(),
            target: "join-picks".into(),
            chosen: join_chosen,
        },
        join: JoinForm {
            on: if join.on.is_empty() {
                today.clone()
            } else {
                join.on.clone()
            },
            ..join
        },
        join_errs,
        withdraw_on: if withdraw.on.is_empty() {
            today.clone()
        } else {
            withdraw.on
        },
        withdraw_errs,
        inspect,
        absent_boxes,
        inspect_errs,
        grade_rule,
        town_leave_days: d.rules.town_leave_days,
        may_decide,
        errors: top,
        today,
        t,
    };
    Ok(render_with(status, &page))
}

/// A team with its cadres' year: `?year=`.
pub async fn page(
    State(st): State<AppState>,
    auth: Auth,
    PagePath(id): PagePath<i64>,
    PageQuery(q): PageQuery<YearQuery>,
) -> PageResult<Response> {
    team_page(&st, &auth, id, parse_id(&q.year), Refused::None, Vec::new()).await
}

/// Back to a team's page, at the year shown and the part of it the form was in.
fn back_to(team: i64, year: Option<i64>, anchor: &str) -> Response {
    let year = year.map(|y| y.to_string()).unwrap_or_default();
    Redirect::to(&url(
        &format!("/cadres/residents/{team}"),
        &[("year", year)],
        anchor,
    ))
    .into_response()
}

/// A cadre's or a leave's form refused: shown again on the team the form names, or the
/// refusal as the error page when it names none.
async fn refused_on(
    st: &AppState,
    auth: &Auth,
    team: &str,
    year: &str,
    refused: Refused,
    errs: Vec<FieldError>,
) -> PageResult<Response> {
    match parse_id(team) {
        Some(t) => team_page(st, auth, t, parse_id(year), refused, errs).await,
        None => Err(ServiceError::Invalid(errs).into()),
    }
}

/// Adds a cadre to a team in post.
pub async fn join(
    State(st): State<AppState>,
    auth: Auth,
    PagePath(id): PagePath<i64>,
    PageForm(f): PageForm<JoinForm>,
) -> PageResult<Response> {
    match st
        .app
        .join_team(&auth.actor, id, &f.input(f.role.trim()))
        .await
        .or_form()?
    {
        Ok(_) => Ok(back_to(id, parse_id(&f.year), "cadres")),
        Err(errs) => {
            let year = parse_id(&f.year);
            team_page(&st, &auth, id, year, Refused::Join(f), errs).await
        }
    }
}

/// Withdraws a team: every posting ends on the day.
pub async fn withdraw(
    State(st): State<AppState>,
    auth: Auth,
    PagePath(id): PagePath<i64>,
    PageForm(f): PageForm<DayForm>,
) -> PageResult<Response> {
    let input = EndInput {
        on: f.on.trim().to_string(),
    };
    match st
        .app
        .withdraw_team(&auth.actor, id, &input)
        .await
        .or_form()?
    {
        Ok(_) => Ok(back_to(id, parse_id(&f.year), "")),
        Err(errs) => {
            let year = parse_id(&f.year);
            team_page(&st, &auth, id, year, Refused::Withdraw(f), errs).await
        }
    }
}

/// Records an inspection and the cadres not found in the village.
pub async fn inspect(
    State(st): State<AppState>,
    auth: Auth,
    PagePath(id): PagePath<i64>,
    PageForm(fields): PageForm<Vec<(String, String)>>,
) -> PageResult<Response> {
    let f = InspectForm::read(&fields);
    let input = InspectionInput {
        inspected_on: f.inspected_on.clone(),
        absent: f.absent.clone(),
        note: f.note.clone(),
    };
    match st
        .app
        .inspect_team(&auth.actor, id, &input)
        .await
        .or_form()?
    {
        Ok(_) => Ok(back_to(id, parse_id(&f.year), "inspections")),
        Err(errs) => {
            let year = parse_id(&f.year);
            team_page(&st, &auth, id, year, Refused::Inspect(f), errs).await
        }
    }
}

/// Another person takes a cadre's place from a day (轮换).
pub async fn rotate(
    State(st): State<AppState>,
    auth: Auth,
    PagePath(id): PagePath<i64>,
    PageForm(f): PageForm<JoinForm>,
) -> PageResult<Response> {
    match st
        .app
        .rotate_cadre(&auth.actor, id, &f.input(""))
        .await
        .or_form()?
    {
        Ok(t) => Ok(back_to(t.team.id, parse_id(&f.year), "cadres")),
        Err(errs) => {
            let (team, year) = (f.team.clone(), f.year.clone());
            refused_on(&st, &auth, &team, &year, Refused::Rotate(id, f), errs).await
        }
    }
}

/// Ends a cadre's posting without replacement (离队).
pub async fn end(
    State(st): State<AppState>,
    auth: Auth,
    PagePath(id): PagePath<i64>,
    PageForm(f): PageForm<DayForm>,
) -> PageResult<Response> {
    let input = EndInput {
        on: f.on.trim().to_string(),
    };
    match st.app.leave_team(&auth.actor, id, &input).await.or_form()? {
        Ok(t) => Ok(back_to(t.team.id, parse_id(&f.year), "cadres")),
        Err(errs) => {
            let (team, year) = (f.team.clone(), f.year.clone());
            refused_on(&st, &auth, &team, &year, Refused::End(id, f), errs).await
        }
    }
}

/// The days typed in the month form: none when empty, a refusal when not a number.
fn typed_days(s: &str) -> Result<Option<i64>, FieldError> {
    let t = s.trim();
    if t.is_empty() {
        return Ok(None);
    }
    t.parse::<i64>()
        .map(Some)
        .map_err(|_| FieldError::new("days", "invalid", "在村天数应为整数；不填则按签到天数计"))
}

/// Records a cadre's days in the village for a month and the work log.
pub async fn month(
    State(st): State<AppState>,
    auth: Auth,
    PagePath(id): PagePath<i64>,
    PageForm(f): PageForm<MonthForm>,
) -> PageResult<Response> {
    let outcome = match typed_days(&f.days) {
        Ok(days) => {
            let input = MonthInput {
                days,
                log: f.log.clone(),
            };
            st.app
                .record_month(&auth.actor, id, f.month.trim(), &input)
                .await
                .or_form()?
        }
        Err(e) => Err(vec![e]),
    };
    match outcome {
        Ok(m) => match parse_id(&f.team) {
            Some(team) => {
                let year = m.month.get(..4).and_then(parse_id);
                Ok(back_to(team, year, &format!("cadre-{id}")))
            }
            None => Ok(Redirect::to("/cadres/residents").into_response()),
        },
        Err(errs) => {
            let (team, year) = (f.team.clone(), f.year.clone());
            refused_on(&st, &auth, &team, &year, Refused::Month(id, f), errs).await
        }
    }
}

/// Asks leave for a cadre.
pub async fn request_leave(
    State(st): State<AppState>,
    auth: Auth,
    PagePath(id): PagePath<i64>,
    PageForm(f): PageForm<LeaveForm>,
) -> PageResult<Response> {
    let input = LeaveInput {
        from_on: f.from_on.trim().to_string(),
        to_on: f.to_on.trim().to_string(),
        reason: f.reason.clone(),
    };
    match st
        .app
        .request_leave(&auth.actor, id, &input)
        .await
        .or_form()?
    {
        Ok(_) => match parse_id(&f.team) {
            Some(team) => Ok(back_to(team, parse_id(&f.year), "leaves")),
            None => Ok(Redirect::to("/cadres/residents").into_response()),
        },
        Err(errs) => {
            let (team, year) = (f.team.clone(), f.year.clone());
            refused_on(&st, &auth, &team, &year, Refused::Leave(id, f), errs).await
        }
    }
}

/// Approves or refuses leave.
pub async fn decide_leave(
    State(st): State<AppState>,
    auth: Auth,
    PagePath(id): PagePath<i64>,
    PageForm(f): PageForm<DecisionForm>,
) -> PageResult<Response> {
    let input = LeaveDecisionInput {
        approve: flag(&f.approve),
    };
    match st
        .app
        .decide_leave(&auth.actor, id, &input)
        .await
        .or_form()?
    {
        Ok(_) => match parse_id(&f.team) {
            Some(team) => Ok(back_to(team, parse_id(&f.year), "leaves")),
            None => Ok(Redirect::to("/cadres/residents?pending=1").into_response()),
        },
        Err(errs) => refused_on(&st, &auth, &f.team, &f.year, Refused::Decision, errs).await,
    }
}

/// Gives a cadre's yearly grade.
pub async fn grade(
    State(st): State<AppState>,
    auth: Auth,
    PagePath(id): PagePath<i64>,
    PageForm(f): PageForm<GradeForm>,
) -> PageResult<Response> {
    let outcome = match parse_id(&f.grade_year) {
        Some(year) => {
            let input = ResidentGradeInput {
                year,
                grade: f.grade.trim().to_string(),
            };
            st.app
                .grade_cadre(&auth.actor, id, &input)
                .await
                .or_form()?
        }
        None => Err(vec![FieldError::new("year", "required", "请选择考核年度")]),
    };
    match outcome {
        Ok(t) => Ok(back_to(t.team.id, Some(t.year), &format!("cadre-{id}"))),
        Err(errs) => {
            let (team, year) = (f.team.clone(), f.year.clone());
            refused_on(&st, &auth, &team, &year, Refused::Grade(id, f), errs).await
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(s: &str) -> Vec<(String, String)> {
        serde_urlencoded::from_str(s).unwrap_or_default()
    }

    #[test]
    fn dispatch_rows_read_by_prefix_and_blank_ones_are_left_out() {
        let f = DispatchForm::read(&pairs(
            "_csrf=x&org=3&org_id=17&sending_unit=%E5%8C%BA%E5%86%9C%E4%B8%9A%E5%86%9C%E6%9D%91%E5%A7%94\
             &started_on=+2026-03-01+&ends_on=2028-03-01\
             &c0_member_id=42&c0_unit=&q=%E5%BC%A0\
             &c1_name=%E6%9D%8E%E5%9B%9B&c1_id_number=110101199003071234&c1_education=bachelor&c1_ethnicity=%E6%B1%89%E6%97%8F&c1_unit=%E5%8C%BA%E8%B4%A2%E6%94%BF%E5%B1%80\
             &c2_member_id=&c2_name=&c2_id_number=&c2_education=college&c2_ethnicity=%E6%B1%89%E6%97%8F\
             &c3_name=%E7%8E%8B%E4%BA%94&c3_id_number=110101198507010011\
             &c9_name=nobody&cx_name=nobody",
        ));
        assert_eq!(f.org_id, "17");
        assert_eq!(f.started_on, "2026-03-01");
        assert_eq!(f.rows.len(), ROWS);
        assert!(
            f.rows[2].blank(),
            "education and ethnicity alone name nobody"
        );
        assert!(f.rows[4].blank());
        let t = f.input(17);
        assert_eq!(t.org_id, 17);
        assert_eq!(t.sending_unit, "区农业农村委");
        let roles: Vec<&str> = t.cadres.iter().map(|c| c.role.as_str()).collect();
        assert_eq!(roles, ["first_secretary", "member", "member"]);
        assert_eq!(t.cadres[0].who.member_id, Some(42));
        assert_eq!(t.cadres[0].unit, "", "the team's unit is the default");
        assert_eq!(t.cadres[1].who.member_id, None);
        assert_eq!(t.cadres[1].who.person.name, "李四");
        assert_eq!(t.cadres[1].who.person.education, "bachelor");
        assert_eq!(t.cadres[1].unit, "区财政局");
        assert_eq!(t.cadres[2].who.person.name, "王五");
    }

    #[test]
    fn a_first_row_left_blank_sends_members_only() {
        let f = DispatchForm::read(&pairs("c1_member_id=5&c2_member_id=6"));
        let roles: Vec<String> = f.input(1).cadres.into_iter().map(|c| c.role).collect();
        assert_eq!(roles, ["member", "member"]);
    }

    #[test]
    fn pickers_fill_only_the_fields_of_the_forms() {
        assert_eq!(pick_field("member_id"), "member_id");
        assert_eq!(pick_field("c0_member_id"), "c0_member_id");
        assert_eq!(pick_field("c4_member_id"), "c4_member_id");
        assert_eq!(pick_field("c5_member_id"), "member_id");
        assert_eq!(pick_field("\"><script>"), "member_id");
        assert_eq!(pick_field(""), "member_id");
    }

    #[test]
    fn filters_and_days_read_as_typed() {
        let q = |a: &str| ListQuery {
            active: a.into(),
            ..ListQuery::default()
        };
        assert_eq!(q("active").active(), Some(true));
        assert_eq!(q("ended").active(), Some(false));
        assert_eq!(q("").active(), None);
        assert_eq!(q("whatever").active(), None);
        assert_eq!(typed_days(""), Ok(None));
        assert_eq!(typed_days(" 22 "), Ok(Some(22)));
        assert_eq!(typed_days("二十").map_err(|e| e.field), Err("days"));
        let m = InspectForm::read(&pairs(
            "inspected_on=2026-05-02&absent=3&absent=x&absent=9&note=%E6%9A%97%E8%AE%BF",
        ));
        assert_eq!(m.absent, [3, 9]);
        assert_eq!(m.note, "暗访");
    }

    #[test]
    fn a_team_past_its_term_is_flagged_until_withdrawn() {
        let mut t = TeamLine {
            id: 1,
            org_id: 2,
            org_name: "白涛街道 / 音观社区".into(),
            sending_unit: "区农业农村委".into(),
            started_on: "2024-03-01".into(),
            ends_on: "2026-03-01".into(),
            ended_on: None,
            first_secretary: Some("张三".into()),
            size: 3,
            pending_leaves: 0,
        };
        assert_eq!(team_state(&t, "2026-02-28"), ("在驻", "ok"));
        assert_eq!(team_state(&t, "2026-03-02"), ("已期满", "warn"));
        t.ended_on = Some("2026-03-05".into());
        assert_eq!(team_state(&t, "2026-03-06").0, "已撤回");
    }
}
