//! One unit's page: its facts, the instructors, leaders and liaisons assigned to it with the
//! forms that assign, end and record their visits, its latest visits, and the problems it
//! raised with the form that puts one on the ledger. Which forms show comes from the read
//! model's flags (`may_keep`, `assignable_roles`, `may_end`, `may_visit`,
//! `may_log_problem`); the page never decides it.

use askama::Template;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use dangjian_domain::FieldError;
use dangjian_domain::date;
use dangjian_domain::enterprises::helpers::HelperRole;
use dangjian_service::assessment::contact::ProblemInput;
use dangjian_service::enterprises::helpers::{
    EndHelperInput, EnterpriseDetail, HelperInput, HelperView, VisitInput,
};
use dangjian_service::today;
use serde::Deserialize;

use super::NAV;
use crate::AppState;
use crate::error::PageResult;
use crate::extract::{PageForm, PagePath};
use crate::pages::cadres::residents::{MemberPick, chosen};
use crate::pages::{FormErrors, FormOutcome, parse_id, render_with};
use crate::session::Auth;
use crate::view::{Choice, Layout};

/// An assignment as typed.
#[derive(Deserialize, Default, Clone)]
#[serde(default)]
pub struct AssignForm {
    member_id: String,
    role: String,
    start_on: String,
    end_on: String,
}

/// A visit as typed (on one helper's line).
#[derive(Deserialize, Default, Clone)]
#[serde(default)]
pub struct VisitForm {
    visited_on: String,
    days: String,
    content: String,
}

#[derive(Deserialize, Default, Clone)]
#[serde(default)]
pub struct EndForm {
    end_on: String,
}

/// A problem the unit raised, as typed.
#[derive(Deserialize, Default, Clone)]
#[serde(default)]
pub struct ProblemForm {
    content: String,
    unit: String,
    standard: String,
    measures: String,
    deadline: String,
    joint: String,
}

/// The form refused, typed as it was, with its refusals.
enum Refused {
    Assign(AssignForm),
    Visit(i64, VisitForm),
    End(i64),
    Problem(ProblemForm),
}

pub struct HelperLine {
    id: i64,
    role: &'static str,
    member_name: String,
    start_on: String,
    end_on: String,
    visits: i64,
    last_visit: String,
    in_force: bool,
    may_end: bool,
    may_visit: bool,
}

fn helper_line(h: &HelperView) -> HelperLine {
    HelperLine {
        id: h.helper.id,
        role: h.helper.role_label(),
        member_name: h.helper.member_name.clone(),
        start_on: h.helper.start_on.clone(),
        end_on: h.helper.end_on.clone().unwrap_or_default(),
        visits: h.helper.visits,
        last_visit: h.helper.last_visit.clone().unwrap_or_default(),
        in_force: h.in_force,
        may_end: h.may_end,
        may_visit: h.may_visit,
    }
}

#[derive(Template)]
#[template(path = "enterprise.html")]
struct UnitPage {
    l: Layout,
    d: EnterpriseDetail,
    helpers: Vec<HelperLine>,
    roles: Vec<Choice>,
    pick: MemberPick,
    assign: AssignForm,
    visit: (i64, VisitForm),
    ended: i64,
    problem: ProblemForm,
    errors: FormErrors,
    today: String,
}

async fn unit_page(
    st: &AppState,
    auth: &Auth,
    id: i64,
    refused: Option<Refused>,
    errors: Vec<FieldError>,
) -> PageResult<Response> {
    let a = &auth.actor;
    let d = st.app.enterprise_detail(a, id).await?;
    let (mut assign, mut visit, mut ended, mut problem) = (
        AssignForm::default(),
        (0, VisitForm::default()),
        0,
        ProblemForm::default(),
    );
    match refused {
        Some(Refused::Assign(f)) => assign = f,
        Some(Refused::Visit(h, f)) => visit = (h, f),
        Some(Refused::End(h)) => ended = h,
        Some(Refused::Problem(f)) => problem = f,
        None => {}
    }
    let roles: Vec<Choice> = d
        .assignable_roles
        .iter()
        .filter_map(|code| HelperRole::parse(code))
        .map(|r| Choice {
            value: r.as_str().into(),
            label: r.label().into(),
            selected: HelperRole::parse(&assign.role) == Some(r),
        })
        .collect();
    let pick = MemberPick {
        field: "member_id".into(),
        target: "helper-picks".into(),
        chosen: chosen(st, auth, &assign.member_id).await,
    };
    let page = UnitPage {
        l: Layout::new(a, &auth.csrf, "单位详情", NAV).about(d.unit.name.clone()),
        helpers: d.helpers.iter().map(helper_line).collect(),
        roles,
        pick,
        assign,
        visit,
        ended,
        problem,
        errors: FormErrors(errors),
        today: date::format(today()),
        d,
    };
    Ok(render_with(page.errors.status(), &page))
}

/// A unit's page.
pub async fn page(
    State(st): State<AppState>,
    auth: Auth,
    PagePath(id): PagePath<i64>,
) -> PageResult<Response> {
    unit_page(&st, &auth, id, None, Vec::new()).await
}

fn back(id: i64, anchor: &str) -> Response {
    Redirect::to(&format!("/enterprises/{id}#{anchor}")).into_response()
}

/// Assigns a helper; back to the unit's helpers.
pub async fn assign(
    State(st): State<AppState>,
    auth: Auth,
    PagePath(id): PagePath<i64>,
    PageForm(f): PageForm<AssignForm>,
) -> PageResult<Response> {
    let input = HelperInput {
        member_id: parse_id(&f.member_id),
        role: f.role.clone(),
        start_on: f.start_on.clone(),
        end_on: f.end_on.clone(),
    };
    match st
        .app
        .assign_helper(&auth.actor, id, &input)
        .await
        .or_form()?
    {
        Ok(h) => Ok(back(id, &format!("helper-{}", h.id))),
        Err(errs) => unit_page(&st, &auth, id, Some(Refused::Assign(f)), errs).await,
    }
}

#[derive(Deserialize)]
pub struct HelperPath {
    id: i64,
    helper: i64,
}

/// Ends an assignment; back to its line.
pub async fn end(
    State(st): State<AppState>,
    auth: Auth,
    PagePath(p): PagePath<HelperPath>,
    PageForm(f): PageForm<EndForm>,
) -> PageResult<Response> {
    let input = EndHelperInput { end_on: f.end_on };
    match st
        .app
        .end_helper(&auth.actor, p.helper, &input)
        .await
        .or_form()?
    {
        Ok(h) => Ok(back(h.enterprise_id, &format!("helper-{}", h.id))),
        Err(errs) => unit_page(&st, &auth, p.id, Some(Refused::End(p.helper)), errs).await,
    }
}

/// Records a helper's visit; back to the visits.
pub async fn visit(
    State(st): State<AppState>,
    auth: Auth,
    PagePath(p): PagePath<HelperPath>,
    PageForm(f): PageForm<VisitForm>,
) -> PageResult<Response> {
    let days = match f.days.trim() {
        "" => Ok(None),
        t => t
            .parse::<i64>()
            .map(Some)
            .map_err(|_| vec![FieldError::new("days", "invalid", "驻企天数应为整数")]),
    };
    let outcome = match days {
        Err(errs) => Err(errs),
        Ok(days) => {
            let input = VisitInput {
                visited_on: f.visited_on.clone(),
                days,
                content: f.content.clone(),
            };
            st.app
                .log_enterprise_visit(&auth.actor, p.helper, &input)
                .await
                .or_form()?
        }
    };
    match outcome {
        Ok(_) => Ok(back(p.id, "visits")),
        Err(errs) => unit_page(&st, &auth, p.id, Some(Refused::Visit(p.helper, f)), errs).await,
    }
}

/// Puts a problem the unit raised on the ledger; on to the problem.
pub async fn log_problem(
    State(st): State<AppState>,
    auth: Auth,
    PagePath(id): PagePath<i64>,
    PageForm(f): PageForm<ProblemForm>,
) -> PageResult<Response> {
    let input = ProblemInput {
        org_id: None,
        point_id: None,
        source: String::new(),
        request_id: None,
        enterprise_id: Some(id),
        content: f.content.clone(),
        unit: f.unit.clone(),
        standard: f.standard.clone(),
        measures: f.measures.clone(),
        deadline: f.deadline.trim().to_string(),
        joint: f.joint.trim() == "true",
    };
    match st.app.log_problem(&auth.actor, &input).await.or_form()? {
        Ok(v) => Ok(Redirect::to(&format!("/problems/{}", v.problem.id)).into_response()),
        Err(errs) => unit_page(&st, &auth, id, Some(Refused::Problem(f)), errs).await,
    }
}
