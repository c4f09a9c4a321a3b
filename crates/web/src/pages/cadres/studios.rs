//! 人才导师工作室 pages. The mentor studios below a level, 50 a page, with the level's totals
//! and the form that names a studio; one studio with its master and cycle, the year's
//! apprentices and high-skill graduates against the district's minimums and the best grade
//! they allow, its apprentices with the form that finishes each one's apprenticeship, the form
//! that takes on another, and its yearly assessments with the district's grade form (不合格
//! closes the studio, asked for again before it is sent). The list exports as xlsx. What the
//! caller may do comes from the read models' flags (`may_keep`, `may_assess`); the pages never
//! decide it.

use askama::Template;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use dangjian_domain::FieldError;
use dangjian_domain::cadres::talent::StudioGrade;
use dangjian_report::{Cell, Table};
use dangjian_service::ServiceError;
use dangjian_service::cadres::talent::{
    ApprenticeInput, FinishInput, Studio, StudioDetail, StudioGradeInput, StudioInput, StudioList,
    StudioQuery,
};
use serde::Deserialize;

use super::residents::{MemberPick, chosen};
use super::{
    NAV, PersonFields, PersonForm, Tab, flag, org_choices, stray, tabs, this_year, today_text,
    typed, url,
};
use crate::AppState;
use crate::error::PageResult;
use crate::export::book;
use crate::extract::{PageForm, PagePath, PageQuery};
use crate::pages::YearQuery;
use crate::pages::request::public::PickGroup;
use crate::pages::{FormErrors, FormOutcome, parse_id, render_with};
use crate::session::Auth;
use crate::view::{Choice, Layout, Pager};

/// The longest studio name the service takes (checked here too, since the form's `name` is
/// the master's).
const STUDIO_NAME_MOST: usize = 50;

fn headers(names: &[&str]) -> Vec<String> {
    names.iter().map(|s| (*s).to_string()).collect()
}

/// A studio's state as a line reads it, with the tag's class: 运行中 or 已撤销.
fn studio_state(s: &Studio) -> (&'static str, &'static str) {
    if s.closed_on.is_some() {
        ("已撤销", "")
    } else {
        ("运行中", "ok")
    }
}

/// An open studio past its cycle's end (命名周期已届满).
fn cycle_over(s: &Studio, today: &str) -> bool {
    s.closed_on.is_none() && s.cycle_ends_on.as_str() < today
}

fn grade_label(code: &str) -> &'static str {
    StudioGrade::parse(code).map_or("", StudioGrade::label)
}

// ---------------------------------------------------------------------------------------
// The list.

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ListQuery {
    org: String,
    open: String,
    q: String,
    page: String,
}

impl ListQuery {
    /// The state filter: `open` (not closed), `closed`, or all.
    fn open(&self) -> Option<bool> {
        match self.open.trim() {
            "open" | "1" | "true" => Some(true),
            "closed" | "0" | "false" => Some(false),
            _ => None,
        }
    }

    fn service(&self) -> StudioQuery {
        StudioQuery {
            org: parse_id(&self.org),
            open: self.open(),
            q: typed(&self.q),
            page: parse_id(&self.page),
        }
    }
}

/// A studio's line.
pub struct StudioRow {
    id: i64,
    org_id: i64,
    org_name: String,
    name: String,
    master: String,
    field: String,
    host_unit: String,
    opened_on: String,
    cycle_ends_on: String,
    apprentices_now: i64,
    apprentices_total: i64,
    graduates_total: i64,
    state: &'static str,
    state_class: &'static str,
    cycle_over: bool,
    closed_on: String,
}

fn studio_row(s: &Studio, today: &str) -> StudioRow {
    let (state, state_class) = studio_state(s);
    StudioRow {
        id: s.id,
        org_id: s.org_id,
        org_name: s.org_name.clone(),
        name: s.name.clone(),
        master: s.master.clone(),
        field: s.field.clone(),
        host_unit: s.host_unit.clone(),
        opened_on: s.opened_on.clone(),
        cycle_ends_on: s.cycle_ends_on.clone(),
        apprentices_now: s.apprentices_now,
        apprentices_total: s.apprentices_total,
        graduates_total: s.graduates_total,
        state,
        state_class,
        cycle_over: cycle_over(s, today),
        closed_on: s.closed_on.clone().unwrap_or_default(),
    }
}

/// A studio as typed into the form that names one; the master is the form's person.
#[derive(Deserialize, Default, Clone)]
#[serde(default)]
pub struct OpenForm {
    /// The level to go back to.
    org: String,
    org_id: String,
    studio_name: String,
    field: String,
    host_unit: String,
    opened_on: String,
    #[serde(flatten)]
    who: PersonForm,
}

impl OpenForm {
    /// The studio's name, refused under its own field: the service names it `name`, as the
    /// master's name is.
    fn studio_name(&self) -> Result<String, FieldError> {
        let n = self.studio_name.trim();
        if n.is_empty() {
            Err(FieldError::new(
                "studio_name",
                "required",
                "请填写工作室名称",
            ))
        } else if n.chars().count() > STUDIO_NAME_MOST {
            Err(FieldError::new(
                "studio_name",
                "too_long",
                format!("工作室名称不能超过 {STUDIO_NAME_MOST} 字"),
            ))
        } else {
            Ok(n.to_string())
        }
    }

    fn input(&self, org_id: i64, name: String) -> StudioInput {
        StudioInput {
            org_id,
            name,
            master: self.who.choice(),
            field: self.field.trim().to_string(),
            host_unit: self.host_unit.trim().to_string(),
            opened_on: self.opened_on.trim().to_string(),
        }
    }
}

/// The fields of the studio form that show their refusals beside them.
const OPEN_FIELDS: [&str; 5] = ["org_id", "studio_name", "field", "host_unit", "opened_on"];

#[derive(Template)]
#[template(path = "cadres_studios.html")]
struct StudiosPage {
    l: Layout,
    tabs: Vec<Tab>,
    org_id: i64,
    org_name: String,
    rows: Vec<StudioRow>,
    total: i64,
    pager: Pager,
    open_count: i64,
    apprentices_now: i64,
    apprentices_ever: i64,
    q: String,
    states: Vec<Choice>,
    filtered: bool,
    export_href: String,
    may_keep: bool,
    communities: Vec<PickGroup>,
    add: OpenForm,
    person: PersonFields,
    pick: MemberPick,
    /// The studios' rules as the form explains them.
    rules_text: String,
    errors: FormErrors,
    stray: Vec<String>,
    today: String,
}

fn state_choices(current: Option<bool>) -> Vec<Choice> {
    [
        ("open", "运行中", Some(true)),
        ("closed", "已撤销", Some(false)),
    ]
    .into_iter()
    .map(|(v, l, on)| Choice {
        value: v.into(),
        label: l.into(),
        selected: current == on,
    })
    .collect()
}

async fn list_page(
    st: &AppState,
    auth: &Auth,
    q: &ListQuery,
    refused: Option<OpenForm>,
    errors: Vec<FieldError>,
) -> PageResult<Response> {
    let a = &auth.actor;
    let sq = q.service();
    let v = st.app.studios(a, &sq).await?;
    let today = today_text();
    let refused_form = refused.is_some();
    let mut add = refused.unwrap_or_default();
    if add.opened_on.trim().is_empty() {
        add.opened_on.clone_from(&today);
    }
    let (communities, rules_text) = if v.may_keep {
        let r = st.app.cadre_rules().await?.talents;
        (
            org_choices(st, auth, v.org_id, &v.org_name, parse_id(&add.org_id)).await?,
            format!(
                "工作室命名周期 {} 年，每年应带徒不少于 {} 人、培养高技能人才不少于 {} 人；一名导师同时只领办一个工作室，工作室年度考核不合格即撤销，导师 {} 年内不得再申报。",
                r.studio_cycle_years,
                r.studio_min_apprentices,
                r.studio_min_graduates,
                r.studio_barred_years
            ),
        )
    } else {
        (Vec::new(), String::new())
    };
    let filters = [
        ("org", v.org_id.to_string()),
        (
            "open",
            match sq.open {
                Some(true) => "open",
                Some(false) => "closed",
                None => "",
            }
            .to_string(),
        ),
        ("q", sq.q.clone().unwrap_or_default()),
    ];
    let pick = MemberPick {
        field: "member_id".into(),
        target: "studio-picks".into(),
        chosen: if refused_form {
            chosen(st, auth, &add.who.member_id).await
        } else {
            None
        },
    };
    let stray = stray(&errors, &OPEN_FIELDS);
    let errors = FormErrors(errors);
    let page = StudiosPage {
        l: Layout::new(a, &auth.csrf, "人才导师工作室", NAV).about(v.org_name.clone()),
        tabs: tabs(Some(v.org_id), "studios"),
        org_id: v.org_id,
        org_name: v.org_name.clone(),
        rows: v.items.iter().map(|s| studio_row(s, &today)).collect(),
        total: v.total,
        pager: Pager::new(&filters, v.page, v.per_page.max(1), v.total),
        open_count: v.open,
        apprentices_now: v.apprentices_now,
        apprentices_ever: v.apprentices_ever,
        q: sq.q.clone().unwrap_or_default(),
        states: state_choices(sq.open),
        filtered: sq.open.is_some() || sq.q.is_some(),
        export_href: url("/cadres/studios/export.xlsx", &filters, ""),
        may_keep: v.may_keep,
        communities,
        person: PersonFields::new(add.who.clone()),
        pick,
        add,
        rules_text,
        errors,
        stray,
        today,
    };
    Ok(render_with(page.errors.status(), &page))
}

/// The studios below a level: `?org=&open=&q=&page=`.
pub async fn list(
    State(st): State<AppState>,
    auth: Auth,
    PageQuery(q): PageQuery<ListQuery>,
) -> PageResult<Response> {
    list_page(&st, &auth, &q, None, Vec::new()).await
}

/// Names a studio; on to its page.
pub async fn open(
    State(st): State<AppState>,
    auth: Auth,
    PageForm(f): PageForm<OpenForm>,
) -> PageResult<Response> {
    let outcome = match (parse_id(&f.org_id), f.studio_name()) {
        (None, _) => Err(vec![FieldError::new(
            "org_id",
            "required",
            "请选择所属单位",
        )]),
        (_, Err(e)) => Err(vec![e]),
        (Some(org_id), Ok(name)) => st
            .app
            .open_studio(&auth.actor, &f.input(org_id, name))
            .await
            .or_form()?,
    };
    match outcome {
        Ok(d) => Ok(Redirect::to(&format!("/cadres/studios/{}", d.studio.id)).into_response()),
        Err(errs) => {
            let errs = master_errors(errs, parse_id(&f.who.member_id).is_some());
            let q = ListQuery {
                org: f.org.clone(),
                ..ListQuery::default()
            };
            list_page(&st, &auth, &q, Some(f), errs).await
        }
    }
}

/// The refusals of the master (a studio open, barred after a failed one) name `id_number`
/// whoever the master is: beside the member chosen when the master was chosen as a member.
fn master_errors(errs: Vec<FieldError>, by_member: bool) -> Vec<FieldError> {
    errs.into_iter()
        .map(|mut e| {
            if by_member && e.field == "id_number" {
                e.field = "member_id";
            }
            e
        })
        .collect()
}

fn studios_book(v: &StudioList) -> Result<Response, ServiceError> {
    let today = today_text();
    let t = Table {
        sheet: "人才导师工作室".into(),
        title: format!(
            "{} 人才导师工作室（共 {} 个；运行中 {} 个，在学学徒 {} 名，累计培养 {} 名）",
            v.org_name, v.total, v.open, v.apprentices_now, v.apprentices_ever
        ),
        headers: headers(&[
            "工作室",
            "导师",
            "专业领域",
            "依托单位",
            "所属单位",
            "命名日期",
            "周期届满",
            "在学学徒",
            "累计学徒",
            "高技能出师",
            "状态",
            "撤销日期",
            "撤销原因",
        ]),
        rows: v
            .items
            .iter()
            .map(|s| {
                vec![
                    Cell::Text(s.name.clone()),
                    Cell::Text(s.master.clone()),
                    Cell::Text(s.field.clone()),
                    Cell::Text(s.host_unit.clone()),
                    Cell::Text(s.org_name.clone()),
                    Cell::Text(s.opened_on.clone()),
                    Cell::Text(s.cycle_ends_on.clone()),
                    Cell::Int(s.apprentices_now),
                    Cell::Int(s.apprentices_total),
                    Cell::Int(s.graduates_total),
                    Cell::Text(
                        if cycle_over(s, &today) {
                            "运行中（周期已届满）"
                        } else {
                            studio_state(s).0
                        }
                        .into(),
                    ),
                    Cell::Text(s.closed_on.clone().unwrap_or_default()),
                    Cell::Text(s.closed_reason.clone().unwrap_or_default()),
                ]
            })
            .collect(),
    };
    book(&[t], &format!("人才导师工作室-{}.xlsx", v.org_name))
}

/// The studios of a level as xlsx: `?org=&open=&q=`.
pub async fn export(
    State(st): State<AppState>,
    auth: Auth,
    PageQuery(q): PageQuery<ListQuery>,
) -> PageResult<Response> {
    let a = &auth.actor;
    let v = st.app.export_studios(a, &q.service()).await?;
    st.app
        .audit_export(a, "人才导师工作室", v.org_id, v.items.len(), None)
        .await?;
    Ok(studios_book(&v)?)
}

// ---------------------------------------------------------------------------------------
// One studio.

/// An apprentice taken on, as typed.
#[derive(Deserialize, Default, Clone)]
#[serde(default)]
pub struct ApprenticeForm {
    /// The year shown, to come back to.
    year: String,
    started_on: String,
    #[serde(flatten)]
    who: PersonForm,
}

/// An apprenticeship finished, as typed.
#[derive(Deserialize, Default, Clone)]
#[serde(default)]
pub struct FinishForm {
    /// The studio and the year shown, to come back to.
    studio: String,
    year: String,
    on: String,
    graduated: String,
}

/// A year's grade, as typed: the grade chosen, or 不合格 by its own button.
#[derive(Deserialize, Default, Clone)]
#[serde(default)]
pub struct GradeForm {
    /// The year shown, to come back to.
    year: String,
    grade_year: String,
    grade: String,
    failed: String,
}

impl GradeForm {
    /// The grade sent: 不合格 when its button was pressed, else the one chosen.
    fn grade(&self) -> String {
        if flag(&self.failed) {
            StudioGrade::Failed.as_str().to_string()
        } else {
            self.grade.trim().to_string()
        }
    }
}

/// A form of the studio's page refused, to show again where it was.
enum Refused {
    None,
    Apprentice(ApprenticeForm),
    /// The finish form of the apprentice with this id.
    Finish(i64, FinishForm),
    Assess(GradeForm),
}

/// An apprentice's line, with the finish form while in training.
pub struct ApprenticeRow {
    id: i64,
    name: String,
    started_on: String,
    finished_on: String,
    in_training: bool,
    graduated: bool,
    finish_on: String,
    finish_graduated: bool,
    finish_errs: FormErrors,
}

pub struct AssessmentRow {
    year: i64,
    apprentices: i64,
    graduates: i64,
    grade: &'static str,
    failed: bool,
}

#[derive(Template)]
#[template(path = "cadres_studio.html")]
struct StudioPage {
    l: Layout,
    tabs: Vec<Tab>,
    s: Studio,
    state: &'static str,
    state_class: &'static str,
    cycle_over: bool,
    closed_on: String,
    closed_reason: String,
    year: i64,
    years: Vec<Choice>,
    year_apprentices: i64,
    year_graduates: i64,
    min_apprentices: i64,
    min_graduates: i64,
    short_apprentices: i64,
    short_graduates: i64,
    best_grade: &'static str,
    /// The year's grade, if given.
    year_grade: &'static str,
    excellent_percent: i64,
    barred_years: i32,
    /// Apprentices in training now, each with the finish form.
    training: Vec<ApprenticeRow>,
    /// Apprentices who finished in the year shown, and those of them graduated.
    finished: Vec<ApprenticeRow>,
    finished_graduates: usize,
    /// Apprentices taken on in all.
    apprentices_all: usize,
    assessments: Vec<AssessmentRow>,
    may_keep: bool,
    may_assess: bool,
    add: ApprenticeForm,
    person: PersonFields,
    pick: MemberPick,
    add_errs: FormErrors,
    add_stray: Vec<String>,
    grade_years: Vec<Choice>,
    grades: Vec<Choice>,
    grade_errs: FormErrors,
    grade_stray: Vec<String>,
    /// Refusals whose form is not on the page.
    errors: FormErrors,
    today: String,
}

/// The years a studio's page may show or grade: from the year it was named to this year,
/// latest first.
fn year_choices(opened_on: &str, chosen: i64) -> Vec<Choice> {
    let now = this_year();
    let from = opened_on
        .get(..4)
        .and_then(|y| y.parse::<i64>().ok())
        .unwrap_or(now)
        .min(now);
    (from..=now)
        .rev()
        .map(|y| Choice {
            value: y.to_string(),
            label: format!("{y} 年度"),
            selected: y == chosen,
        })
        .collect()
}

/// The grades the grade form chooses from: 优秀 and 合格 (不合格 has its own button).
fn grade_choices(current: &str) -> Vec<Choice> {
    let code = StudioGrade::parse(current).map_or("", StudioGrade::as_str);
    [StudioGrade::Excellent, StudioGrade::Qualified]
        .into_iter()
        .map(|g| Choice {
            value: g.as_str().into(),
            label: g.label().into(),
            selected: g.as_str() == code,
        })
        .collect()
}

async fn studio_page(
    st: &AppState,
    auth: &Auth,
    id: i64,
    year: Option<i64>,
    refused: Refused,
    errors: Vec<FieldError>,
) -> PageResult<Response> {
    let a = &auth.actor;
    let d: StudioDetail = st.app.studio(a, id, year).await?;
    let today = today_text();
    let errors = FormErrors(errors);
    let status = errors.status();
    let in_training = |aid: i64| {
        d.apprentices
            .iter()
            .any(|x| x.id == aid && x.finished_on.is_none())
    };
    // Each refusal goes back to its form when the form is still on the page, else above
    // everything.
    let mut top = FormErrors::default();
    let mut add = None;
    let mut finish: Option<(i64, FinishForm, FormErrors)> = None;
    let mut grade = None;
    match refused {
        Refused::None => {}
        Refused::Apprentice(f) if d.may_keep => add = Some((f, errors)),
        Refused::Finish(aid, f) if d.may_keep && in_training(aid) => {
            finish = Some((aid, f, errors));
        }
        Refused::Assess(f) if d.may_assess => grade = Some((f, errors)),
        Refused::Apprentice(_) | Refused::Finish(..) | Refused::Assess(_) => top = errors,
    }
    let apprentices: Vec<ApprenticeRow> = d
        .apprentices
        .iter()
        .map(|x| {
            let mut r = ApprenticeRow {
                id: x.id,
                name: x.name.clone(),
                started_on: x.started_on.clone(),
                finished_on: x.finished_on.clone().unwrap_or_default(),
                in_training: x.finished_on.is_none(),
                graduated: x.graduated,
                finish_on: today.clone(),
                finish_graduated: false,
                finish_errs: FormErrors::default(),
            };
            if let Some((aid, f, errs)) = finish.as_mut()
                && *aid == x.id
            {
                r.finish_on = f.on.trim().to_string();
                r.finish_graduated = flag(&f.graduated);
                r.finish_errs = FormErrors(std::mem::take(&mut errs.0));
            }
            r
        })
        .collect();
    let year_prefix = format!("{}-", d.year);
    let (training, finished): (Vec<ApprenticeRow>, Vec<ApprenticeRow>) =
        apprentices.into_iter().partition(|r| r.in_training);
    let finished: Vec<ApprenticeRow> = finished
        .into_iter()
        .filter(|r| r.finished_on.starts_with(&year_prefix))
        .collect();
    let (mut add, add_errs) = add.unwrap_or_default();
    let add_refused = !add_errs.is_empty();
    if add.started_on.trim().is_empty() {
        add.started_on.clone_from(&today);
    }
    let pick = MemberPick {
        field: "member_id".into(),
        target: "apprentice-picks".into(),
        chosen: if add_refused {
            chosen(st, auth, &add.who.member_id).await
        } else {
            None
        },
    };
    let add_stray = stray(&add_errs.0, &["started_on"]);
    let (grade, grade_errs) = grade.unwrap_or_default();
    let grade_year = parse_id(&grade.grade_year).unwrap_or(d.year);
    let grade_stray = stray(&grade_errs.0, &["year", "grade"]);
    let s = d.studio.clone();
    let (state, state_class) = studio_state(&s);
    let page = StudioPage {
        l: Layout::new(a, &auth.csrf, format!("人才导师工作室 · {}", s.name), NAV)
            .about(s.org_name.clone())
            .period(format!("{} 年度", d.year)),
        tabs: tabs(Some(s.org_id), "studios"),
        state,
        state_class,
        cycle_over: cycle_over(&s, &today),
        closed_on: s.closed_on.clone().unwrap_or_default(),
        closed_reason: s.closed_reason.clone().unwrap_or_default(),
        year: d.year,
        years: year_choices(&s.opened_on, d.year),
        year_apprentices: d.year_apprentices,
        year_graduates: d.year_graduates,
        min_apprentices: d.rules.studio_min_apprentices,
        min_graduates: d.rules.studio_min_graduates,
        short_apprentices: d.short_apprentices,
        short_graduates: d.short_graduates,
        best_grade: grade_label(&d.best_grade),
        year_grade: d
            .assessments
            .iter()
            .find(|x| x.year == d.year)
            .map_or("", |x| grade_label(&x.grade)),
        excellent_percent: d.rules.studio_excellent_percent,
        barred_years: d.rules.studio_barred_years,
        finished_graduates: finished.iter().filter(|r| r.graduated).count(),
        apprentices_all: d.apprentices.len(),
        training,
        finished,
        assessments: d
            .assessments
            .iter()
            .map(|x| AssessmentRow {
                year: x.year,
                apprentices: x.apprentices,
                graduates: x.graduates,
                grade: grade_label(&x.grade),
                failed: x.grade == StudioGrade::Failed.as_str(),
            })
            .collect(),
        may_keep: d.may_keep,
        may_assess: d.may_assess,
        person: PersonFields::new(add.who.clone()),
        pick,
        add,
        add_errs,
        add_stray,
        grade_years: year_choices(&s.opened_on, grade_year),
        grades: grade_choices(&grade.grade),
        grade_errs,
        grade_stray,
        errors: top,
        today,
        s,
    };
    Ok(render_with(status, &page))
}

/// A studio with its year: `?year=`.
pub async fn page(
    State(st): State<AppState>,
    auth: Auth,
    PagePath(id): PagePath<i64>,
    PageQuery(q): PageQuery<YearQuery>,
) -> PageResult<Response> {
    studio_page(&st, &auth, id, parse_id(&q.year), Refused::None, Vec::new()).await
}

/// Back to a studio's page, at the year shown and the part of it the form was in.
fn back_to(studio: i64, year: Option<i64>, anchor: &str) -> Response {
    let year = year.map(|y| y.to_string()).unwrap_or_default();
    Redirect::to(&url(
        &format!("/cadres/studios/{studio}"),
        &[("year", year)],
        anchor,
    ))
    .into_response()
}

/// Takes on an apprentice.
pub async fn add_apprentice(
    State(st): State<AppState>,
    auth: Auth,
    PagePath(id): PagePath<i64>,
    PageForm(f): PageForm<ApprenticeForm>,
) -> PageResult<Response> {
    let input = ApprenticeInput {
        who: f.who.choice(),
        started_on: f.started_on.trim().to_string(),
    };
    match st
        .app
        .add_apprentice(&auth.actor, id, &input)
        .await
        .or_form()?
    {
        Ok(_) => Ok(back_to(id, parse_id(&f.year), "apprentices")),
        Err(errs) => {
            let errs = master_errors(errs, parse_id(&f.who.member_id).is_some());
            let year = parse_id(&f.year);
            studio_page(&st, &auth, id, year, Refused::Apprentice(f), errs).await
        }
    }
}

/// Finishes an apprenticeship, as a high-skill graduate or not.
pub async fn finish(
    State(st): State<AppState>,
    auth: Auth,
    PagePath(id): PagePath<i64>,
    PageForm(f): PageForm<FinishForm>,
) -> PageResult<Response> {
    let input = FinishInput {
        on: f.on.trim().to_string(),
        graduated: flag(&f.graduated),
    };
    match st
        .app
        .finish_apprentice(&auth.actor, id, &input)
        .await
        .or_form()?
    {
        // To the year it finished in, where its line now is.
        Ok(d) => Ok(back_to(
            d.studio.id,
            f.on.trim()
                .get(..4)
                .and_then(parse_id)
                .or(parse_id(&f.year)),
            &format!("apprentice-{id}"),
        )),
        Err(errs) => match parse_id(&f.studio) {
            Some(studio) => {
                let year = parse_id(&f.year);
                studio_page(&st, &auth, studio, year, Refused::Finish(id, f), errs).await
            }
            None => Err(ServiceError::Invalid(errs).into()),
        },
    }
}

/// Gives a studio's yearly grade (the district); 不合格 closes it.
pub async fn assess(
    State(st): State<AppState>,
    auth: Auth,
    PagePath(id): PagePath<i64>,
    PageForm(f): PageForm<GradeForm>,
) -> PageResult<Response> {
    let outcome = match parse_id(&f.grade_year) {
        Some(year) => {
            let input = StudioGradeInput {
                year,
                grade: f.grade(),
            };
            st.app
                .assess_studio(&auth.actor, id, &input)
                .await
                .or_form()?
        }
        None => Err(vec![FieldError::new("year", "required", "请选择考核年度")]),
    };
    match outcome {
        Ok(d) => Ok(back_to(d.studio.id, Some(d.year), "assessments")),
        Err(errs) => {
            let year = parse_id(&f.year);
            studio_page(&st, &auth, id, year, Refused::Assess(f), errs).await
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn studio(cycle_ends_on: &str, closed_on: Option<&str>) -> Studio {
        Studio {
            id: 1,
            org_id: 2,
            org_name: "白涛街道".into(),
            name: "王师傅焊接工作室".into(),
            master_person_id: 3,
            master: "王五".into(),
            field: "焊接".into(),
            host_unit: "涪陵页岩气公司".into(),
            opened_on: "2024-03-01".into(),
            cycle_ends_on: cycle_ends_on.into(),
            closed_on: closed_on.map(Into::into),
            closed_reason: closed_on.map(|_| "年度考核不合格".into()),
            apprentices_now: 4,
            apprentices_total: 12,
            graduates_total: 3,
        }
    }

    #[test]
    fn a_studio_past_its_cycle_is_flagged_until_closed() {
        let open = studio("2026-03-01", None);
        assert_eq!(studio_state(&open), ("运行中", "ok"));
        assert!(!cycle_over(&open, "2026-02-28"));
        assert!(cycle_over(&open, "2026-05-01"));
        let closed = studio("2026-03-01", Some("2026-01-05"));
        assert_eq!(studio_state(&closed).0, "已撤销");
        assert!(!cycle_over(&closed, "2026-05-01"));
    }

    #[test]
    fn filters_and_forms_read_as_typed() {
        let q = |o: &str| ListQuery {
            open: o.into(),
            ..ListQuery::default()
        };
        assert_eq!(q("open").open(), Some(true));
        assert_eq!(q("closed").open(), Some(false));
        assert_eq!(q("").open(), None);
        let f: OpenForm = serde_urlencoded::from_str(
            "org=3&org_id=9&studio_name=+%E7%8E%8B%E5%B8%88%E5%82%85%E5%B7%A5%E4%BD%9C%E5%AE%A4+\
             &field=%E7%84%8A%E6%8E%A5&host_unit=x&opened_on=2026-03-01\
             &name=%E7%8E%8B%E4%BA%94&id_number=110101198507010011&education=college",
        )
        .unwrap_or_default();
        let name = f.studio_name().unwrap_or_default();
        assert_eq!(name, "王师傅工作室");
        let i = f.input(9, name);
        assert_eq!(i.name, "王师傅工作室");
        assert_eq!(
            i.master.person.name, "王五",
            "the form's name is the master's"
        );
        assert_eq!(i.opened_on, "2026-03-01");
        let blank = OpenForm::default().studio_name();
        assert_eq!(blank.map_err(|e| e.field), Err("studio_name"));
        let long = OpenForm {
            studio_name: "工".repeat(STUDIO_NAME_MOST + 1),
            ..OpenForm::default()
        };
        assert_eq!(long.studio_name().map_err(|e| e.code), Err("too_long"));
    }

    #[test]
    fn a_masters_refusal_is_shown_where_the_master_was_chosen() {
        let e = || vec![FieldError::new("id_number", "barred", "x")];
        assert_eq!(master_errors(e(), true)[0].field, "member_id");
        assert_eq!(master_errors(e(), false)[0].field, "id_number");
    }

    #[test]
    fn failing_has_its_own_button() {
        let g = |grade: &str, failed: &str| GradeForm {
            grade: grade.into(),
            failed: failed.into(),
            ..GradeForm::default()
        };
        assert_eq!(g("excellent", "").grade(), "excellent");
        assert_eq!(g("", "1").grade(), "failed");
        assert_eq!(g("qualified", "1").grade(), "failed");
        let c = grade_choices("合格");
        let labels: Vec<&str> = c.iter().map(|c| c.label.as_str()).collect();
        assert_eq!(labels, ["优秀", "合格"]);
        assert!(c[1].selected);
        let now = this_year();
        let y = year_choices(&format!("{}-05-01", now - 2), now - 1);
        assert_eq!(y.len(), 3);
        assert!(y[1].selected);
    }
}
