//! 领导干部联系点 pages: a level's points with the visits of the year against those expected,
//! the district's form for a new point, one point with its visits and its problems and the
//! form of a visit (with one problem found, or none); and the district's working-day
//! calendar the problem ledger's clock counts on.

use askama::Template;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use dangjian_domain::{FieldError, date};
use dangjian_service::assessment::contact::{
    CalendarDay, ContactPoint, PointDetail, PointInput, ProblemInput,
};
use dangjian_service::assessment::policy;
use dangjian_service::today;
use serde::Deserialize;
use time::Weekday;

use super::problem::{ProblemLine, problem_line, ticked};
use super::red_flag::award_choices;
use super::{NAV, Tab, past_years, tabs, years_around};
use crate::AppState;
use crate::error::PageResult;
use crate::extract::{PageForm, PagePath, PageQuery};
use crate::pages::YearQuery;
use crate::pages::request::public::PickGroup;
use crate::pages::{FormErrors, FormOutcome, parse_id, render_with};
use crate::session::Auth;
use crate::view::{Choice, Layout};

fn this_year() -> i64 {
    i64::from(today().year())
}

/// The visits a point still lacks in a year, and the reminder saying so (empty when none are
/// lacking or the point has ended).
fn reminder(p: &ContactPoint, year: i64) -> (i64, String) {
    let short = (p.expected_visits - p.visits).max(0);
    if short == 0 || p.ended_on.is_some() {
        return (0, String::new());
    }
    let text = if year == this_year() {
        format!("提醒：本年度还需走访 {short} 次")
    } else {
        format!("{year} 年度少走访 {short} 次")
    };
    (short, text)
}

/// A point's line of the list.
pub struct PointLine {
    id: i64,
    leader_name: String,
    leader_title: String,
    org_name: String,
    started_on: String,
    ended_on: String,
    visits: String,
    short: i64,
    reminder: String,
    last_visit: String,
}

fn point_line(p: &ContactPoint, year: i64) -> PointLine {
    let (short, reminder) = reminder(p, year);
    PointLine {
        id: p.id,
        leader_name: p.leader_name.clone(),
        leader_title: p.leader_title.clone(),
        org_name: p.org_name.clone(),
        started_on: p.started_on.clone(),
        ended_on: p.ended_on.clone().unwrap_or_default(),
        visits: format!("{} / {}", p.visits, p.expected_visits),
        short,
        reminder,
        last_visit: p.last_visit.clone().unwrap_or_default(),
    }
}

// ---------------------------------------------------------------------------------------
// A level's points.

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct LevelQuery {
    org: String,
    year: String,
}

/// The form of a new point, as typed.
#[derive(Deserialize, Default)]
#[serde(default)]
pub struct PointForm {
    /// The level to go back to.
    org: String,
    leader_name: String,
    leader_title: String,
    org_id: String,
    started_on: String,
}

#[derive(Template)]
#[template(path = "contact_points.html")]
struct PointsPage {
    l: Layout,
    tabs: Vec<Tab>,
    org_id: i64,
    org_name: String,
    year: i64,
    years: Vec<i64>,
    lines: Vec<PointLine>,
    leaders: usize,
    short: usize,
    district: bool,
    /// The organizations a point may be set at, by town (named `communities` for the shared
    /// picker's options).
    communities: Vec<PickGroup>,
    typed: PointForm,
    errors: FormErrors,
}

async fn points_page(
    st: &AppState,
    auth: &Auth,
    (org, year): (Option<i64>, i64),
    mut typed: PointForm,
    errors: FormErrors,
) -> PageResult<Response> {
    let a = &auth.actor;
    let o = match org {
        Some(id) => st.app.org(a, id).await?,
        None => st.app.home_org(a).await?,
    };
    let points = st.app.contact_points(a, Some(o.id), year).await?;
    let district = policy::is_district(a);
    let communities = if district {
        let chosen: Vec<i64> = parse_id(&typed.org_id).into_iter().collect();
        award_choices(st, auth, &chosen).await?
    } else {
        Vec::new()
    };
    if typed.started_on.is_empty() {
        typed.started_on = date::format(today());
    }
    let lines: Vec<PointLine> = points.iter().map(|p| point_line(p, year)).collect();
    let mut leaders: Vec<&str> = points.iter().map(|p| p.leader_name.as_str()).collect();
    leaders.sort_unstable();
    leaders.dedup();
    let status = errors.status();
    Ok(render_with(
        status,
        &PointsPage {
            l: Layout::new(a, &auth.csrf, "领导干部联系点", NAV)
                .about(o.name.clone())
                .period(format!("{year}年度")),
            tabs: tabs(Some(o.id), "contact_points"),
            org_id: o.id,
            org_name: o.name,
            year,
            years: past_years(year),
            short: lines.iter().filter(|x| x.short > 0).count(),
            leaders: leaders.len(),
            lines,
            district,
            communities,
            typed,
            errors,
        },
    ))
}

/// A level's contact points: `?org=&year=` (default: the reader's level, this year).
pub async fn list(
    State(st): State<AppState>,
    auth: Auth,
    PageQuery(q): PageQuery<LevelQuery>,
) -> PageResult<Response> {
    let year = parse_id(&q.year).unwrap_or_else(this_year);
    points_page(
        &st,
        &auth,
        (parse_id(&q.org), year),
        PointForm::default(),
        FormErrors::default(),
    )
    .await
}

/// The district sets a leader's contact point.
pub async fn create(
    State(st): State<AppState>,
    auth: Auth,
    PageForm(f): PageForm<PointForm>,
) -> PageResult<Response> {
    let outcome = match parse_id(&f.org_id) {
        Some(org_id) => {
            let input = PointInput {
                leader_name: f.leader_name.clone(),
                leader_title: f.leader_title.clone(),
                org_id,
                started_on: f.started_on.trim().to_string(),
            };
            st.app
                .create_contact_point(&auth.actor, &input)
                .await
                .or_form()?
        }
        None => Err(vec![FieldError::new(
            "org_id",
            "required",
            "请选择联系的基层党组织".to_string(),
        )]),
    };
    match outcome {
        Ok(p) => Ok(Redirect::to(&format!("/contact-points/{}", p.id)).into_response()),
        Err(errs) => {
            let org = parse_id(&f.org);
            points_page(&st, &auth, (org, this_year()), f, FormErrors(errs)).await
        }
    }
}

/// A level's points with their visits of a year, as xlsx: `?org=&year=`.
pub async fn export(
    State(st): State<AppState>,
    auth: Auth,
    PageQuery(q): PageQuery<LevelQuery>,
) -> PageResult<Response> {
    let a = &auth.actor;
    let o = match parse_id(&q.org) {
        Some(id) => st.app.org(a, id).await?,
        None => st.app.home_org(a).await?,
    };
    let year = parse_id(&q.year).unwrap_or_else(this_year);
    let points = st.app.contact_points(a, Some(o.id), year).await?;
    st.app
        .audit_export(a, "领导干部联系点", o.id, points.len(), None)
        .await?;
    let reminders: Vec<String> = points.iter().map(|p| reminder(p, year).1).collect();
    Ok(crate::export::contact_points(
        &o.name, year, &points, &reminders,
    )?)
}

// ---------------------------------------------------------------------------------------
// One point.

pub struct VisitLine {
    visited_on: String,
    content: String,
    by_name: String,
}

/// The visit form as typed: the visit, and one problem found (all of it empty for none).
#[derive(Deserialize, Default)]
#[serde(default)]
pub struct VisitForm {
    visited_on: String,
    content: String,
    p_content: String,
    p_unit: String,
    p_standard: String,
    p_measures: String,
    p_deadline: String,
    p_joint: String,
}

impl VisitForm {
    /// The problem block, if anything of it was filled in.
    fn problem(&self) -> Option<ProblemInput> {
        let any = [
            &self.p_content,
            &self.p_unit,
            &self.p_standard,
            &self.p_measures,
            &self.p_deadline,
        ]
        .iter()
        .any(|v| !v.trim().is_empty())
            || ticked(&self.p_joint);
        any.then(|| ProblemInput {
            content: self.p_content.clone(),
            unit: self.p_unit.clone(),
            standard: self.p_standard.clone(),
            measures: self.p_measures.clone(),
            deadline: self.p_deadline.trim().to_string(),
            joint: ticked(&self.p_joint),
            ..ProblemInput::default()
        })
    }
}

/// The service names a problem's fields as the ledger's form does; on the visit form they sit
/// beside the visit's own under `p_`. Both have a `content`: the problem's says so.
fn visit_field(mut e: FieldError, with_problem: bool) -> FieldError {
    let problem_field = match e.field {
        "unit" => Some("p_unit"),
        "standard" => Some("p_standard"),
        "measures" => Some("p_measures"),
        "deadline" => Some("p_deadline"),
        "content" if with_problem && e.message.contains("问题") => Some("p_content"),
        _ => None,
    };
    if let Some(f) = problem_field {
        e.field = f;
    }
    e
}

#[derive(Template)]
#[template(path = "contact_point.html")]
struct PointPage {
    l: Layout,
    tabs: Vec<Tab>,
    d: PointDetail,
    line: PointLine,
    visits: Vec<VisitLine>,
    problems: Vec<ProblemLine>,
    open_problems: usize,
    typed: VisitForm,
    today: String,
    errors: FormErrors,
}

async fn point_page(
    st: &AppState,
    auth: &Auth,
    id: i64,
    mut typed: VisitForm,
    errors: FormErrors,
) -> PageResult<Response> {
    let a = &auth.actor;
    let d = st.app.contact_point(a, id).await?;
    let today = date::format(today());
    if typed.visited_on.is_empty() {
        typed.visited_on.clone_from(&today);
    }
    let problems: Vec<ProblemLine> = d.problems.iter().map(problem_line).collect();
    let status = errors.status();
    Ok(render_with(
        status,
        &PointPage {
            l: Layout::new(
                a,
                &auth.csrf,
                format!("{} 联系点", d.point.leader_name),
                NAV,
            )
            .about(d.point.org_name.clone())
            .period(format!("{}年度", this_year())),
            tabs: tabs(None, "contact_points"),
            line: point_line(&d.point, this_year()),
            visits: d
                .visits
                .iter()
                .map(|v| VisitLine {
                    visited_on: v.visited_on.clone(),
                    content: v.content.clone(),
                    by_name: v.by_name.clone(),
                })
                .collect(),
            open_problems: problems.iter().filter(|p| !p.step.is_empty()).count(),
            problems,
            typed,
            today,
            errors,
            d,
        },
    ))
}

/// A contact point with its visits and problems.
pub async fn point(
    State(st): State<AppState>,
    auth: Auth,
    PagePath(id): PagePath<i64>,
) -> PageResult<Response> {
    point_page(&st, &auth, id, VisitForm::default(), FormErrors::default()).await
}

/// A visit, with the problem it found (if the problem block was filled in) logged on the
/// ledger with it.
pub async fn visit(
    State(st): State<AppState>,
    auth: Auth,
    PagePath(id): PagePath<i64>,
    PageForm(f): PageForm<VisitForm>,
) -> PageResult<Response> {
    let problems: Vec<ProblemInput> = f.problem().into_iter().collect();
    match st
        .app
        .log_visit(&auth.actor, id, f.visited_on.trim(), &f.content, &problems)
        .await
        .or_form()?
    {
        Ok(d) => {
            Ok(Redirect::to(&format!("/contact-points/{}#visits", d.point.id)).into_response())
        }
        Err(errs) => {
            let with_problem = !problems.is_empty();
            let errs = errs
                .into_iter()
                .map(|e| visit_field(e, with_problem))
                .collect();
            point_page(&st, &auth, id, f, FormErrors(errs)).await
        }
    }
}

/// The last day of a point whose leader moved on.
#[derive(Deserialize, Default)]
#[serde(default)]
pub struct EndForm {
    ended_on: String,
}

pub async fn end(
    State(st): State<AppState>,
    auth: Auth,
    PagePath(id): PagePath<i64>,
    PageForm(f): PageForm<EndForm>,
) -> PageResult<Response> {
    match st
        .app
        .end_contact_point(&auth.actor, id, f.ended_on.trim())
        .await
        .or_form()?
    {
        Ok(d) => Ok(Redirect::to(&format!("/contact-points/{}", d.point.id)).into_response()),
        Err(errs) => point_page(&st, &auth, id, VisitForm::default(), FormErrors(errs)).await,
    }
}

// ---------------------------------------------------------------------------------------
// The working-day calendar.

fn weekday_label(d: &str) -> &'static str {
    match date::parse(d).map(time::Date::weekday) {
        Some(Weekday::Monday) => "星期一",
        Some(Weekday::Tuesday) => "星期二",
        Some(Weekday::Wednesday) => "星期三",
        Some(Weekday::Thursday) => "星期四",
        Some(Weekday::Friday) => "星期五",
        Some(Weekday::Saturday) => "星期六",
        Some(Weekday::Sunday) => "星期日",
        None => "",
    }
}

/// The kinds of day the district sets, with their labels.
const DAY_KINDS: [(&str, &str); 3] = [
    ("holiday", "放假"),
    ("workday", "调休上班"),
    ("normal", "恢复按星期"),
];

fn kind_label(kind: &str) -> &'static str {
    DAY_KINDS
        .iter()
        .find(|(k, _)| *k == kind)
        .map_or("", |(_, l)| l)
}

pub struct DayLine {
    day: String,
    weekday: &'static str,
    kind: String,
    kind_label: &'static str,
    note: String,
}

/// The day form as typed.
#[derive(Deserialize, Default)]
#[serde(default)]
pub struct DayForm {
    day: String,
    kind: String,
    note: String,
    /// The year shown, to go back to.
    year: String,
}

#[derive(Template)]
#[template(path = "calendar.html")]
struct CalendarPage {
    l: Layout,
    tabs: Vec<Tab>,
    year: i64,
    years: Vec<i64>,
    days: Vec<DayLine>,
    holidays: usize,
    worked: usize,
    district: bool,
    kinds: Vec<Choice>,
    typed: DayForm,
    errors: FormErrors,
}

async fn calendar_page(
    st: &AppState,
    auth: &Auth,
    year: i64,
    typed: DayForm,
    errors: FormErrors,
) -> PageResult<Response> {
    let a = &auth.actor;
    let y = i32::try_from(year).unwrap_or(i32::MAX);
    let days: Vec<CalendarDay> = st.app.calendar_days(a, y).await?;
    let kind = if typed.kind.is_empty() {
        "holiday"
    } else {
        typed.kind.as_str()
    };
    let kinds = DAY_KINDS
        .iter()
        .map(|(k, l)| Choice {
            value: (*k).into(),
            label: (*l).into(),
            selected: *k == kind,
        })
        .collect();
    let status = errors.status();
    Ok(render_with(
        status,
        &CalendarPage {
            l: Layout::new(a, &auth.csrf, "工作日历", NAV).period(format!("{year}年")),
            tabs: tabs(None, "calendar"),
            year,
            years: years_around(year),
            holidays: days.iter().filter(|d| d.kind == "holiday").count(),
            worked: days.iter().filter(|d| d.kind == "workday").count(),
            days: days
                .iter()
                .map(|d| DayLine {
                    weekday: weekday_label(&d.day),
                    kind_label: kind_label(&d.kind),
                    day: d.day.clone(),
                    kind: d.kind.clone(),
                    note: d.note.clone(),
                })
                .collect(),
            district: policy::is_district(a),
            kinds,
            typed,
            errors,
        },
    ))
}

/// The working-day calendar of a year: `?year=` (default: this year).
pub async fn calendar(
    State(st): State<AppState>,
    auth: Auth,
    PageQuery(q): PageQuery<YearQuery>,
) -> PageResult<Response> {
    let year = parse_id(&q.year).unwrap_or_else(this_year);
    calendar_page(&st, &auth, year, DayForm::default(), FormErrors::default()).await
}

/// The district sets one day: a holiday, a weekend day worked, or back to its weekday.
pub async fn set_day(
    State(st): State<AppState>,
    auth: Auth,
    PageForm(f): PageForm<DayForm>,
) -> PageResult<Response> {
    let day = CalendarDay {
        day: f.day.trim().to_string(),
        kind: f.kind.trim().to_string(),
        note: f.note.clone(),
    };
    match st
        .app
        .set_calendar_days(&auth.actor, std::slice::from_ref(&day))
        .await
        .or_form()?
    {
        Ok(()) => {
            let year = date::parse(&day.day).map_or_else(this_year, |d| i64::from(d.year()));
            Ok(Redirect::to(&format!("/calendar?year={year}#day-{}", day.day)).into_response())
        }
        Err(errs) => {
            let year = parse_id(&f.year).unwrap_or_else(this_year);
            calendar_page(&st, &auth, year, f, FormErrors(errs)).await
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn point(visits: i64, ended: bool) -> ContactPoint {
        ContactPoint {
            id: 1,
            leader_name: "王建国".into(),
            leader_title: "区委常委".into(),
            org_id: 7,
            org_name: "白涛村党委".into(),
            started_on: "2021-06-01".into(),
            ended_on: ended.then(|| "2025-12-31".into()),
            visits,
            expected_visits: 4,
            last_visit: None,
        }
    }

    #[test]
    fn a_point_short_of_visits_is_reminded() {
        let y = this_year();
        assert_eq!(
            reminder(&point(2, false), y),
            (2, "提醒：本年度还需走访 2 次".into())
        );
        assert_eq!(reminder(&point(4, false), y).0, 0);
        assert_eq!(reminder(&point(5, false), y).0, 0);
        assert_eq!(
            reminder(&point(1, true), y).0,
            0,
            "an ended point is not reminded"
        );
        assert_eq!(
            reminder(&point(3, false), y - 1).1,
            format!("{} 年度少走访 1 次", y - 1)
        );
        assert_eq!(point_line(&point(2, false), y).visits, "2 / 4");
    }

    #[test]
    fn a_visits_problem_fields_sit_under_p() {
        let e = |field, message: &str| FieldError::new(field, "required", message.to_string());
        assert_eq!(
            visit_field(e("deadline", "请填写办结时限"), true).field,
            "p_deadline"
        );
        assert_eq!(
            visit_field(e("content", "请填写问题内容"), true).field,
            "p_content"
        );
        assert_eq!(
            visit_field(e("content", "请填写走访内容"), true).field,
            "content"
        );
        assert_eq!(
            visit_field(e("visited_on", "请填写走访日期"), true).field,
            "visited_on"
        );
        let none = VisitForm {
            visited_on: "2026-05-06".into(),
            content: "走访".into(),
            ..VisitForm::default()
        };
        assert!(none.problem().is_none(), "an empty block logs no problem");
        let one = VisitForm {
            p_content: "路灯损坏".into(),
            p_joint: "true".into(),
            ..none
        };
        let p = one.problem().expect("a problem");
        assert!(p.joint && p.point_id.is_none() && p.org_id.is_none());
        assert_eq!(weekday_label("2026-10-10"), "星期六");
        assert_eq!(kind_label("workday"), "调休上班");
    }
}
