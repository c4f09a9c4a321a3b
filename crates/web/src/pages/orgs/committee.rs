//! 支部委员会 pages: the committee of a branch, appointing to a post and relieving of it.

use askama::Template;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use dangjian_domain::FieldError;
use dangjian_domain::committee::Post;
use dangjian_service::ServiceError;
use dangjian_service::orgs::committee::{AppointInput, Committee, RelieveInput};
use serde::Deserialize;

use super::super::{FormErrors, FormOutcome, parse_id, render_with};
use crate::AppState;
use crate::error::PageResult;
use crate::extract::{PageForm, PagePath};
use crate::session::Auth;
use crate::view::{Choice, Layout, OrgView, choices};

#[derive(Template)]
#[template(path = "committee.html")]
struct CommitteePage {
    l: Layout,
    org: OrgView,
    c: Committee,
    posts: Vec<Choice>,
    input: AppointForm,
    today: String,
    errors: FormErrors,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct AppointForm {
    member_id: String,
    post: String,
    started_on: String,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct RelieveForm {
    org: String,
    ended_on: String,
    confirm: String,
}

async fn show(
    st: &AppState,
    auth: &Auth,
    org_id: i64,
    input: AppointForm,
    errors: Vec<FieldError>,
) -> PageResult<Response> {
    let a = &auth.actor;
    let o = st.app.org(a, org_id).await?;
    let c = st.app.committee(a, org_id).await?;
    let errors = FormErrors(errors);
    let page = CommitteePage {
        l: Layout::new(a, &auth.csrf, format!("{} 支部委员会", o.name), "orgs"),
        org: OrgView::from(&o),
        posts: choices(Post::ALL, Post::as_str, Post::label, &input.post),
        c,
        input,
        today: dangjian_domain::date::format(dangjian_service::today()),
        errors,
    };
    Ok(render_with(page.errors.status(), &page))
}

pub async fn page(
    State(st): State<AppState>,
    auth: Auth,
    PagePath(id): PagePath<i64>,
) -> PageResult<Response> {
    show(&st, &auth, id, AppointForm::default(), Vec::new()).await
}

pub async fn appoint(
    State(st): State<AppState>,
    auth: Auth,
    PagePath(id): PagePath<i64>,
    PageForm(f): PageForm<AppointForm>,
) -> PageResult<Response> {
    let input = AppointInput {
        member_id: parse_id(&f.member_id),
        post: f.post.clone(),
        started_on: f.started_on.clone(),
    };
    match st.app.appoint(&auth.actor, id, &input).await.or_form()? {
        Ok(_) => Ok(Redirect::to(&format!("/orgs/{id}/committee")).into_response()),
        Err(errs) => show(&st, &auth, id, f, errs).await,
    }
}

pub async fn relieve(
    State(st): State<AppState>,
    auth: Auth,
    PagePath(id): PagePath<i64>,
    PageForm(f): PageForm<RelieveForm>,
) -> PageResult<Response> {
    let result = if f.confirm != "yes" {
        Err(ServiceError::field(
            "ended_on",
            "confirm_required",
            "请勾选确认后再免去职务",
        ))
    } else {
        let input = RelieveInput {
            ended_on: f.ended_on.clone(),
        };
        st.app.relieve(&auth.actor, id, &input).await
    };
    let org = parse_id(&f.org).ok_or(ServiceError::NotFound)?;
    match result.or_form()? {
        Ok(_) => Ok(Redirect::to(&format!("/orgs/{org}/committee")).into_response()),
        Err(errs) => show(&st, &auth, org, AppointForm::default(), errs).await,
    }
}
