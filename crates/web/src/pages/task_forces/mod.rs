//! 突击队 pages: the teams below a level with those open now and started this year, filters
//! and the form that opens one; a team with its members (who keep their home branch), its
//! meetings, deeds and applications made during the mission, and the forms that second a
//! member, record a meeting or a deed, link an application and close the team; the list as
//! xlsx. What the caller may do comes from the read models (`may_keep`).

use askama::Template;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use dangjian_domain::FieldError;
use dangjian_domain::masses::{DeedInput, DeedKind};
use dangjian_domain::task_forces::Mission;
use dangjian_report::{Cell, Table};
use dangjian_service::ServiceError;
use dangjian_service::masses::NewDeedInput;
use dangjian_service::task_forces::teams::{
    CloseTaskForceInput, LinkRecruitInput, SecondmentInput, TaskForceDetail, TaskForceInput,
    TaskForceList, TaskForceMeetingInput, TaskForceQuery, TaskForceSummary,
};
use dangjian_service::today;
use serde::Deserialize;

use super::cadres::residents::{MemberPick, chosen};
use super::cadres::{flag, org_choices, typed, url};
use crate::AppState;
use crate::error::PageResult;
use crate::export::book;
use crate::extract::{PageForm, PagePath, PageQuery};
use crate::pages::request::public::PickGroup;
use crate::pages::{FormErrors, FormOutcome, parse_id, render, render_with};
use crate::session::Auth;
use crate::view::{Choice, Layout, Pager, choices};

const NAV: &str = "task_forces";

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ListQuery {
    org: String,
    open: String,
    year: String,
    mission: String,
    page: String,
}

impl ListQuery {
    fn service(&self) -> TaskForceQuery {
        TaskForceQuery {
            org: parse_id(&self.org),
            open: flag(&self.open).then_some(true),
            year: parse_id(&self.year),
            mission: typed(&self.mission),
            page: parse_id(&self.page),
        }
    }
}

#[derive(Deserialize, Default, Clone)]
#[serde(default)]
pub struct TeamForm {
    org: String,
    org_id: String,
    name: String,
    mission: String,
    member_id: String,
    started_on: String,
    ends_on: String,
}

#[derive(Template)]
#[template(path = "task_forces.html")]
struct ListPage {
    l: Layout,
    v: TaskForceList,
    pager: Pager,
    missions: Vec<Choice>,
    open: bool,
    year: String,
    export_href: String,
    form: Option<(TeamForm, Vec<PickGroup>, Vec<Choice>, MemberPick)>,
    errors: FormErrors,
}

fn mission_choices(current: &str) -> Vec<Choice> {
    choices(
        Mission::ALL,
        Mission::as_str,
        Mission::label,
        Mission::parse(current).map_or("", Mission::as_str),
    )
}

async fn list_page(
    st: &AppState,
    auth: &Auth,
    q: &ListQuery,
    refused: Option<TeamForm>,
    errors: Vec<FieldError>,
) -> PageResult<Response> {
    let a = &auth.actor;
    let sq = q.service();
    let v = st.app.task_forces(a, &sq).await?;
    let form = if v.may_keep {
        let f = refused.unwrap_or_default();
        let places = org_choices(st, auth, v.org_id, &v.org_name, parse_id(&f.org_id)).await?;
        let missions = mission_choices(&f.mission);
        let pick = MemberPick {
            field: "member_id".into(),
            target: "leader-picks".into(),
            chosen: chosen(st, auth, &f.member_id).await,
        };
        Some((f, places, missions, pick))
    } else {
        None
    };
    let filters = [
        ("org", v.org_id.to_string()),
        (
            "open",
            if sq.open == Some(true) { "1" } else { "" }.to_string(),
        ),
        ("year", sq.year.map(|y| y.to_string()).unwrap_or_default()),
        ("mission", sq.mission.clone().unwrap_or_default()),
    ];
    let page = ListPage {
        l: Layout::new(a, &auth.csrf, "党员突击队", NAV).about(v.org_name.clone()),
        pager: Pager::new(&filters, v.page, v.per_page.max(1), v.total),
        missions: mission_choices(sq.mission.as_deref().unwrap_or("")),
        open: sq.open == Some(true),
        year: sq.year.map(|y| y.to_string()).unwrap_or_default(),
        export_href: url("/task-forces/export.xlsx", &filters, ""),
        form,
        errors: FormErrors(errors),
        v,
    };
    Ok(render_with(page.errors.status(), &page))
}

pub async fn list(
    State(st): State<AppState>,
    auth: Auth,
    PageQuery(q): PageQuery<ListQuery>,
) -> PageResult<Response> {
    list_page(&st, &auth, &q, None, Vec::new()).await
}

pub async fn open(
    State(st): State<AppState>,
    auth: Auth,
    PageForm(f): PageForm<TeamForm>,
) -> PageResult<Response> {
    let input = TaskForceInput {
        org_id: parse_id(&f.org_id).unwrap_or_default(),
        name: f.name.clone(),
        mission: f.mission.clone(),
        leader_id: parse_id(&f.member_id),
        started_on: f.started_on.clone(),
        ends_on: f.ends_on.clone(),
    };
    match st
        .app
        .open_task_force(&auth.actor, &input)
        .await
        .or_form()?
    {
        Ok(d) => Ok(Redirect::to(&format!("/task-forces/{}", d.team.id)).into_response()),
        Err(errs) => {
            let q = ListQuery {
                org: f.org.clone(),
                ..ListQuery::default()
            };
            list_page(
                &st,
                &auth,
                &q,
                Some(f),
                errs.into_iter()
                    .map(|mut e| {
                        if e.field == "leader_id" {
                            e.field = "member_id";
                        }
                        e
                    })
                    .collect(),
            )
            .await
        }
    }
}

/// The forms of a team's page, typed as they were when refused.
#[derive(Deserialize, Default, Clone)]
#[serde(default)]
pub struct TeamForms {
    member_id: String,
    from_on: String,
    to_on: String,
    held_on: String,
    topic: String,
    done_on: String,
    kind: String,
    description: String,
    hours: String,
    deed_member: String,
    recruit_id: String,
    closed_on: String,
}

#[derive(Template)]
#[template(path = "task_force.html")]
struct DetailPage {
    l: Layout,
    d: TaskForceDetail,
    f: TeamForms,
    pick: MemberPick,
    kinds: Vec<Choice>,
    errors: FormErrors,
    today: String,
}

async fn detail_page(
    st: &AppState,
    auth: &Auth,
    id: i64,
    f: TeamForms,
    errors: Vec<FieldError>,
) -> PageResult<Response> {
    let a = &auth.actor;
    let d = st.app.task_force(a, id).await?;
    let page = DetailPage {
        l: Layout::new(a, &auth.csrf, "突击队", NAV).about(d.team.name.clone()),
        pick: MemberPick {
            field: "member_id".into(),
            target: "second-picks".into(),
            chosen: chosen(st, auth, &f.member_id).await,
        },
        kinds: choices(
            DeedKind::ALL,
            DeedKind::as_str,
            DeedKind::label,
            DeedKind::parse(&f.kind).map_or("", DeedKind::as_str),
        ),
        today: dangjian_domain::date::format(today()),
        f,
        errors: FormErrors(errors),
        d,
    };
    Ok(render_with(page.errors.status(), &page))
}

pub async fn page(
    State(st): State<AppState>,
    auth: Auth,
    PagePath(id): PagePath<i64>,
) -> PageResult<Response> {
    detail_page(&st, &auth, id, TeamForms::default(), Vec::new()).await
}

/// Back to the team at `anchor`, or the page again with the refusals.
async fn after(
    st: &AppState,
    auth: &Auth,
    id: i64,
    f: TeamForms,
    anchor: &str,
    outcome: Result<TaskForceDetail, Vec<FieldError>>,
) -> PageResult<Response> {
    match outcome {
        Ok(_) => Ok(Redirect::to(&format!("/task-forces/{id}#{anchor}")).into_response()),
        Err(errs) => detail_page(st, auth, id, f, errs).await,
    }
}

pub async fn second(
    State(st): State<AppState>,
    auth: Auth,
    PagePath(id): PagePath<i64>,
    PageForm(f): PageForm<TeamForms>,
) -> PageResult<Response> {
    let input = SecondmentInput {
        member_id: parse_id(&f.member_id),
        from_on: f.from_on.clone(),
        to_on: f.to_on.clone(),
    };
    let outcome = st
        .app
        .second_to_task_force(&auth.actor, id, &input)
        .await
        .or_form()?;
    after(&st, &auth, id, f, "members", outcome).await
}

/// The meeting form: `attended` once per member ticked.
pub async fn meeting(
    State(st): State<AppState>,
    auth: Auth,
    PagePath(id): PagePath<i64>,
    PageForm(pairs): PageForm<Vec<(String, String)>>,
) -> PageResult<Response> {
    let get = |k: &str| {
        pairs
            .iter()
            .find(|(n, _)| n == k)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    };
    let f = TeamForms {
        held_on: get("held_on"),
        topic: get("topic"),
        ..TeamForms::default()
    };
    let attended = pairs
        .iter()
        .filter(|(k, _)| k == "attended")
        .filter_map(|(_, v)| parse_id(v))
        .collect();
    let input = TaskForceMeetingInput {
        held_on: f.held_on.clone(),
        topic: f.topic.clone(),
        attended,
    };
    let outcome = st
        .app
        .record_task_force_meeting(&auth.actor, id, &input)
        .await
        .or_form()?;
    after(&st, &auth, id, f, "meetings", outcome).await
}

/// A deed done for the team by one of its members.
pub async fn deed(
    State(st): State<AppState>,
    auth: Auth,
    PagePath(id): PagePath<i64>,
    PageForm(f): PageForm<TeamForms>,
) -> PageResult<Response> {
    let Some(member) = parse_id(&f.deed_member) else {
        let e = vec![FieldError::new("deed_member", "required", "请选择队员")];
        return detail_page(&st, &auth, id, f, e).await;
    };
    let input = NewDeedInput {
        deed: DeedInput {
            done_on: f.done_on.clone(),
            kind: f.kind.clone(),
            description: f.description.clone(),
            hours: f.hours.clone(),
        },
        household_id: None,
        task_force_id: Some(id),
    };
    match st
        .app
        .record_deed(&auth.actor, member, &input)
        .await
        .or_form()?
    {
        Ok(_) => Ok(Redirect::to(&format!("/task-forces/{id}#deeds")).into_response()),
        Err(errs) => detail_page(&st, &auth, id, f, errs).await,
    }
}

pub async fn link_recruit(
    State(st): State<AppState>,
    auth: Auth,
    PagePath(id): PagePath<i64>,
    PageForm(f): PageForm<TeamForms>,
) -> PageResult<Response> {
    let input = LinkRecruitInput {
        recruit_id: parse_id(&f.recruit_id).unwrap_or_default(),
    };
    let outcome = st
        .app
        .link_task_force_recruit(&auth.actor, id, &input)
        .await
        .or_form()?;
    after(&st, &auth, id, f, "recruits", outcome).await
}

pub async fn close(
    State(st): State<AppState>,
    auth: Auth,
    PagePath(id): PagePath<i64>,
    PageForm(f): PageForm<TeamForms>,
) -> PageResult<Response> {
    let input = CloseTaskForceInput {
        closed_on: f.closed_on.clone(),
    };
    let outcome = st
        .app
        .close_task_force(&auth.actor, id, &input)
        .await
        .or_form()?;
    after(&st, &auth, id, f, "team-facts", outcome).await
}

fn teams_book(v: &TaskForceList) -> Result<Response, ServiceError> {
    let headers = [
        "突击队",
        "任务",
        "组建组织",
        "队长",
        "组建日期",
        "计划结束",
        "撤销日期",
        "队员",
        "会议",
        "事迹",
        "火线入党申请",
    ]
    .map(String::from)
    .to_vec();
    let t = Table {
        sheet: "党员突击队".into(),
        title: format!("{} 党员突击队（共 {} 支）", v.org_name, v.total),
        headers,
        rows: v
            .items
            .iter()
            .map(|t| {
                vec![
                    Cell::Text(t.name.clone()),
                    Cell::Text(t.mission_label().into()),
                    Cell::Text(t.org_name.clone()),
                    Cell::Text(t.leader_name.clone()),
                    Cell::Text(t.started_on.clone()),
                    Cell::Text(t.ends_on.clone()),
                    Cell::Text(t.closed_on.clone().unwrap_or_default()),
                    Cell::Int(t.members),
                    Cell::Int(t.meetings),
                    Cell::Int(t.deeds),
                    Cell::Int(t.recruits),
                ]
            })
            .collect(),
    };
    book(&[t], &format!("党员突击队-{}.xlsx", v.org_name))
}

pub async fn export(
    State(st): State<AppState>,
    auth: Auth,
    PageQuery(q): PageQuery<ListQuery>,
) -> PageResult<Response> {
    let a = &auth.actor;
    let v = st.app.export_task_forces(a, &q.service()).await?;
    st.app
        .audit_export(a, "党员突击队", v.org_id, v.items.len(), None)
        .await?;
    Ok(teams_book(&v)?)
}

#[derive(Template)]
#[template(path = "task_force_panel.html")]
struct Panel {
    t: TaskForceSummary,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct PanelQuery {
    org: Option<i64>,
}

/// The 党员突击队 panel of 云中心, loaded after the page.
pub async fn panel(
    State(st): State<AppState>,
    auth: Auth,
    PageQuery(q): PageQuery<PanelQuery>,
) -> PageResult<Response> {
    let t = st.app.task_force_summary(&auth.actor, q.org).await?;
    Ok(render(&Panel { t }))
}
