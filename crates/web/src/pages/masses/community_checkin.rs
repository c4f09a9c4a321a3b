//! 双报到 pages: a community's list of members who reported to it, with their service this
//! year and the yearly rating; a member registers and logs service from 联系群众.

use askama::Template;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use dangjian_domain::masses::{CheckinRating, DeedInput};
use dangjian_service::ServiceError;
use dangjian_service::masses::CommunityCheckin;
use dangjian_service::masses::community_checkin::{RatingInput, rating_label};
use dangjian_service::orgs::Org;
use serde::Deserialize;

use crate::AppState;
use crate::error::PageResult;
use crate::extract::{PageForm, PagePath, PageQuery};
use crate::pages::{FormErrors, FormOutcome, parse_id, render_with};
use crate::session::Auth;
use crate::view::{Choice, Layout, Pager, choices};

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ListQuery {
    org: String,
    year: String,
    page: String,
}

pub struct Line {
    r: CommunityCheckin,
    hours: String,
    rating: &'static str,
}

#[derive(Template)]
#[template(path = "reports.html")]
struct ListPage {
    l: Layout,
    org: Org,
    year: i32,
    items: Vec<Line>,
    total: i64,
    pager: Pager,
    can_rate: bool,
    ratings: Vec<Choice>,
    errors: FormErrors,
}

async fn list_page(
    st: &AppState,
    auth: &Auth,
    q: &ListQuery,
    errors: FormErrors,
) -> PageResult<Response> {
    let a = &auth.actor;
    let p = st
        .app
        .community_checkins(
            a,
            parse_id(&q.org),
            q.year.trim().parse().ok(),
            parse_id(&q.page),
        )
        .await?;
    let base = [("org", p.org.id.to_string()), ("year", p.year.to_string())];
    let status = errors.status();
    Ok(render_with(
        status,
        &ListPage {
            l: Layout::new(a, &auth.csrf, "在职党员报到", "masses"),
            can_rate: dangjian_service::masses::policy::can_edit(a, &p.org.path),
            items: p
                .items
                .into_iter()
                .map(|r| Line {
                    hours: dangjian_domain::masses::hours_text(r.minutes),
                    rating: r.rating.as_deref().map_or("", rating_label),
                    r,
                })
                .collect(),
            pager: Pager::new(&base, p.page, dangjian_service::masses::PAGE, p.total),
            total: p.total,
            year: p.year,
            org: p.org,
            ratings: choices(
                CheckinRating::ALL,
                CheckinRating::as_str,
                CheckinRating::label,
                "",
            ),
            errors,
        },
    ))
}

pub async fn list(
    State(st): State<AppState>,
    auth: Auth,
    PageQuery(q): PageQuery<ListQuery>,
) -> PageResult<Response> {
    list_page(&st, &auth, &q, FormErrors::default()).await
}

pub async fn export(
    State(st): State<AppState>,
    auth: Auth,
    PageQuery(q): PageQuery<ListQuery>,
) -> PageResult<Response> {
    let (org, year, rows) = st
        .app
        .export_community_checkins(&auth.actor, parse_id(&q.org), q.year.trim().parse().ok())
        .await?;
    Ok(crate::export::community_checkins(&org.name, year, &rows)?)
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct RegisterForm {
    member_id: String,
    community_id: String,
}

/// A member registers (or moves) from 联系群众; the answer goes back there.
pub async fn register(
    State(st): State<AppState>,
    auth: Auth,
    PageForm(f): PageForm<RegisterForm>,
) -> PageResult<Response> {
    let member = parse_id(&f.member_id)
        .or(auth.actor.member_id)
        .ok_or(ServiceError::NotFound)?;
    let community = parse_id(&f.community_id).unwrap_or_default();
    match st
        .app
        .register_community_checkin(&auth.actor, member, community)
        .await
        .or_form()?
    {
        Ok(_) => Ok(Redirect::to("/masses").into_response()),
        Err(errs) => crate::pages::masses::overview_with(&st, &auth, errs).await,
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ServiceForm {
    done_on: String,
    kind: String,
    hours: String,
    description: String,
}

pub async fn service(
    State(st): State<AppState>,
    auth: Auth,
    PagePath(id): PagePath<i64>,
    PageForm(f): PageForm<ServiceForm>,
) -> PageResult<Response> {
    let input = DeedInput {
        done_on: f.done_on,
        kind: f.kind,
        description: f.description,
        hours: f.hours,
    };
    match st
        .app
        .log_community_service(&auth.actor, id, &input)
        .await
        .or_form()?
    {
        Ok(_) => Ok(Redirect::to("/masses").into_response()),
        Err(errs) => crate::pages::masses::overview_with(&st, &auth, errs).await,
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct RateForm {
    year: String,
    rating: String,
    comment: String,
}

pub async fn rate(
    State(st): State<AppState>,
    auth: Auth,
    PagePath(id): PagePath<i64>,
    PageForm(f): PageForm<RateForm>,
) -> PageResult<Response> {
    let year = f.year.trim().parse().ok();
    let input = RatingInput {
        year,
        rating: f.rating,
        comment: f.comment,
    };
    match st
        .app
        .rate_community_checkin(&auth.actor, id, &input)
        .await
        .or_form()?
    {
        Ok(()) => Ok(Redirect::to(&format!(
            "/reports?year={}",
            year.map_or_else(String::new, |y: i32| y.to_string())
        ))
        .into_response()),
        Err(errs) => {
            let q = ListQuery {
                year: f.year,
                ..Default::default()
            };
            list_page(&st, &auth, &q, FormErrors(errs)).await
        }
    }
}

pub async fn end(
    State(st): State<AppState>,
    auth: Auth,
    PagePath(id): PagePath<i64>,
) -> PageResult<Response> {
    st.app.end_community_checkin(&auth.actor, id).await?;
    let to = if auth.actor.member_id.is_some() {
        "/masses"
    } else {
        "/reports"
    };
    Ok(Redirect::to(to).into_response())
}
