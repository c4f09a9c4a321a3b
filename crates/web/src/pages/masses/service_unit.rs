//! 党员联系集团 / 队 / 分队 / 小组: the service structure of a street or community, and each
//! unit's members.

use askama::Template;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use dangjian_domain::masses::ServiceTier;
use dangjian_service::masses::ServiceUnit;
use dangjian_service::masses::service_unit::{UnitInput, UnitView};
use dangjian_service::members::MemberQuery;
use dangjian_service::orgs::Org;
use serde::Deserialize;

use crate::AppState;
use crate::error::PageResult;
use crate::extract::{PageForm, PagePath, PageQuery};
use crate::pages::{FormErrors, FormOutcome, parse_id, render_with};
use crate::session::Auth;
use crate::view::{Layout, Pager};

fn tier_label(code: &str) -> &'static str {
    ServiceTier::parse(code).map_or("", ServiceTier::label)
}

/// A unit in the structure's list, indented by its tier.
pub struct Line {
    u: ServiceUnit,
    tier: &'static str,
    indent: usize,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct OrgQuery {
    org: String,
    page: String,
}

/// Units per page of the structure (a district holds thousands).
const PER_PAGE: usize = 100;

#[derive(Template)]
#[template(path = "service_units.html")]
struct ListPage {
    l: Layout,
    org: Org,
    /// This page's units, in the structure's order.
    lines: Vec<Line>,
    total: usize,
    pager: Pager,
    can_edit: bool,
    /// Units a new one may go under: all but the lowest tier.
    parents: Vec<(i64, String)>,
    /// The grids of the org, for an estate's squad.
    grids: Vec<(i64, String)>,
    name: String,
    errors: FormErrors,
}

async fn list_page(
    st: &AppState,
    auth: &Auth,
    (org, page): (Option<i64>, i64),
    name: &str,
    errors: FormErrors,
) -> PageResult<Response> {
    let a = &auth.actor;
    let (org, units) = st.app.service_units(a, org).await?;
    let lines: Vec<Line> = units
        .into_iter()
        .map(|u| Line {
            tier: tier_label(&u.tier),
            indent: ServiceTier::parse(&u.tier)
                .and_then(|t| ServiceTier::ALL.iter().position(|x| *x == t))
                .unwrap_or(0),
            u,
        })
        .collect();
    let parents = lines
        .iter()
        .filter(|x| x.u.tier != ServiceTier::Cell.as_str())
        .map(|x| (x.u.id, format!("{} · {}", x.u.org_name, x.u.name)))
        .collect();
    let grids = st.app.public_grids(org.id).await?;
    let total = lines.len();
    let pager = Pager::new(
        &[("org", org.id.to_string())],
        page,
        PER_PAGE as i64,
        total as i64,
    );
    let lines: Vec<Line> = lines
        .into_iter()
        .skip(usize::try_from(pager.page - 1).unwrap_or(0) * PER_PAGE)
        .take(PER_PAGE)
        .collect();
    let status = errors.status();
    Ok(render_with(
        status,
        &ListPage {
            l: Layout::new(a, &auth.csrf, "党员联系服务体系", "masses"),
            can_edit: dangjian_service::masses::policy::can_edit(a, &org.path),
            lines,
            total,
            pager,
            parents,
            grids,
            name: name.to_string(),
            org,
            errors,
        },
    ))
}

pub async fn list(
    State(st): State<AppState>,
    auth: Auth,
    PageQuery(q): PageQuery<OrgQuery>,
) -> PageResult<Response> {
    let page = parse_id(&q.page).unwrap_or(1).max(1);
    list_page(
        &st,
        &auth,
        (parse_id(&q.org), page),
        "",
        FormErrors::default(),
    )
    .await
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct UnitForm {
    org_id: String,
    parent_id: String,
    name: String,
    grid_id: String,
}

pub async fn create(
    State(st): State<AppState>,
    auth: Auth,
    PageForm(f): PageForm<UnitForm>,
) -> PageResult<Response> {
    let org = parse_id(&f.org_id);
    let input = UnitInput {
        org_id: org.unwrap_or_default(),
        parent_id: parse_id(&f.parent_id),
        name: f.name.clone(),
        grid_id: parse_id(&f.grid_id),
    };
    match st
        .app
        .create_service_unit(&auth.actor, &input)
        .await
        .or_form()?
    {
        Ok(u) => Ok(Redirect::to(&format!("/service-units/{}", u.id)).into_response()),
        Err(errs) => list_page(&st, &auth, (org, 1), &f.name, FormErrors(errs)).await,
    }
}

#[derive(Template)]
#[template(path = "service_unit.html")]
struct UnitPage {
    l: Layout,
    v: UnitView,
    tier: &'static str,
    below: Option<&'static str>,
    candidates: Vec<(i64, String)>,
    errors: FormErrors,
}

async fn unit_page(
    st: &AppState,
    auth: &Auth,
    id: i64,
    errors: FormErrors,
) -> PageResult<Response> {
    let a = &auth.actor;
    let v = st.app.service_unit(a, id).await?;
    let candidates = if v.can_edit {
        let q = MemberQuery {
            org: Some(v.unit.org_id),
            per_page: Some(100),
            ..Default::default()
        };
        st.app
            .members(a, &q)
            .await?
            .items
            .into_iter()
            .filter(|m| !v.members.iter().any(|x| x.member_id == m.id))
            .map(|m| (m.id, format!("{}（{}）", m.name, m.org_name)))
            .collect()
    } else {
        Vec::new()
    };
    let tier = ServiceTier::parse(&v.unit.tier);
    let status = errors.status();
    Ok(render_with(
        status,
        &UnitPage {
            l: Layout::new(a, &auth.csrf, "党员联系服务体系", "masses"),
            tier: tier.map_or("", ServiceTier::label),
            below: tier.and_then(ServiceTier::below).map(ServiceTier::label),
            candidates,
            v,
            errors,
        },
    ))
}

pub async fn unit(
    State(st): State<AppState>,
    auth: Auth,
    PagePath(id): PagePath<i64>,
) -> PageResult<Response> {
    unit_page(&st, &auth, id, FormErrors::default()).await
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct MemberForm {
    member_id: String,
    leader: String,
}

pub async fn add_member(
    State(st): State<AppState>,
    auth: Auth,
    PagePath(id): PagePath<i64>,
    PageForm(f): PageForm<MemberForm>,
) -> PageResult<Response> {
    let member = parse_id(&f.member_id).unwrap_or_default();
    match st
        .app
        .add_unit_member(&auth.actor, id, member, f.leader == "1")
        .await
        .or_form()?
    {
        Ok(()) => Ok(Redirect::to(&format!("/service-units/{id}")).into_response()),
        Err(errs) => unit_page(&st, &auth, id, FormErrors(errs)).await,
    }
}

pub async fn remove_member(
    State(st): State<AppState>,
    auth: Auth,
    PagePath((id, member)): PagePath<(i64, i64)>,
) -> PageResult<Response> {
    st.app.remove_unit_member(&auth.actor, id, member).await?;
    Ok(Redirect::to(&format!("/service-units/{id}")).into_response())
}
