//! Organization tree pages: browsing, search, new organizations and their dated changes.

pub mod committee;

use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use dangjian_domain::org::{OrgKind, OrgOwner};
use dangjian_service::ServiceError;
use dangjian_service::orgs::committee::Committee;
use dangjian_service::orgs::to_do::ToDo;
use dangjian_service::orgs::{OrgChange, OrgInput};
use serde::Deserialize;

use super::{FormErrors, FormOutcome, parse_id, render, render_with};
use crate::AppState;
use crate::error::PageResult;
use crate::extract::{PageForm, PagePath, PageQuery};
use crate::session::Auth;
use crate::view::{ChildView, Choice, Layout, OrgView, choices};

pub struct EventView {
    on: String,
    what: &'static str,
    old: String,
    new: String,
}

#[derive(Template)]
#[template(path = "org.html")]
struct OrgPage {
    l: Layout,
    org: OrgView,
    trail: Vec<OrgView>,
    children: Vec<ChildView>,
    events: Vec<EventView>,
    members: i64,
    can_edit: bool,
    /// A branch's committee (other orgs have none here).
    committee: Option<Committee>,
    /// The org whose to-do list the page loads after it (not for a plain member).
    to_do_of: Option<i64>,
}

#[derive(Template)]
#[template(path = "to_do_items.html")]
struct ToDoFragment {
    t: ToDo,
}

/// 待办 of an org, as the fragment its page loads once shown (it reads several modules).
pub async fn to_do(
    State(st): State<AppState>,
    auth: Auth,
    PagePath(id): PagePath<i64>,
) -> PageResult<Response> {
    let t = st.app.to_do(&auth.actor, id).await?;
    Ok(render(&ToDoFragment { t }))
}

pub async fn home(State(st): State<AppState>, auth: Auth) -> PageResult<Response> {
    let o = st.app.home_org(&auth.actor).await?;
    Ok(Redirect::to(&format!("/orgs/{}", o.id)).into_response())
}

pub async fn page(
    State(st): State<AppState>,
    auth: Auth,
    PagePath(id): PagePath<i64>,
) -> PageResult<Response> {
    let a = &auth.actor;
    let o = st.app.org(a, id).await?;
    let trail = st.app.org_trail(a, &o).await?;
    let children = st.app.org_children(a, id).await?;
    let events = st.app.org_events(a, id).await?;
    let members = st.app.member_total(a, id).await?;
    let committee = if OrgKind::parse(&o.kind).is_some_and(OrgKind::holds_members) {
        Some(st.app.committee(a, id).await?)
    } else {
        None
    };
    let to_do_of = (!a.member_home()).then_some(id);
    let events = events
        .into_iter()
        .map(|e| EventView {
            what: match e.kind.as_str() {
                "created" => "成立",
                "renamed" => "更名",
                "moved" => "隶属关系调整",
                "closed" => "撤销",
                "secretary" => "书记变更",
                _ => "变更",
            },
            on: e.effective_on,
            old: e.old_value.unwrap_or_default(),
            new: e.new_value.unwrap_or_default(),
        })
        .collect();
    let page = OrgPage {
        l: Layout::new(a, &auth.csrf, o.name.clone(), "orgs"),
        can_edit: dangjian_service::orgs::policy::can_edit(a, &o.path),
        org: OrgView::from(&o),
        trail: trail.iter().map(OrgView::from).collect(),
        children: children.iter().map(ChildView::from).collect(),
        events,
        members,
        committee,
        to_do_of,
    };
    Ok(render(&page))
}

#[derive(Template)]
#[template(path = "org_search.html")]
struct SearchPage {
    l: Layout,
    q: String,
    results: Vec<OrgView>,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct SearchQuery {
    q: String,
}

pub async fn search(
    State(st): State<AppState>,
    auth: Auth,
    PageQuery(q): PageQuery<SearchQuery>,
) -> PageResult<Response> {
    let results = st.app.org_search(&auth.actor, &q.q, 100).await?;
    Ok(render(&SearchPage {
        l: Layout::new(&auth.actor, &auth.csrf, "查找组织", "orgs"),
        q: q.q,
        results: results.iter().map(OrgView::from).collect(),
    }))
}

#[derive(Template)]
#[template(path = "org_form.html")]
struct OrgForm {
    l: Layout,
    org: OrgView,
    creating: bool,
    input: OrgInput,
    kinds: Vec<Choice>,
    owners: Vec<Choice>,
    parent_code: String,
    errors: FormErrors,
}

fn kind_choices(parent: &str, current: &str) -> Vec<Choice> {
    let parent = OrgKind::parse(parent);
    let allowed: Vec<OrgKind> = OrgKind::ALL
        .into_iter()
        .filter(|k| parent.is_some_and(|p| p.may_contain(*k)))
        .collect();
    choices(&allowed, OrgKind::as_str, OrgKind::label, current)
}

pub async fn new_form(
    State(st): State<AppState>,
    auth: Auth,
    PagePath(id): PagePath<i64>,
) -> PageResult<Response> {
    let o = st.app.org_to_edit(&auth.actor, id).await?;
    Ok(render(&OrgForm {
        l: Layout::new(&auth.actor, &auth.csrf, "新建组织", "orgs"),
        kinds: kind_choices(&o.kind, ""),
        owners: choices(&OrgOwner::ALL, OrgOwner::as_str, OrgOwner::label, &o.owner),
        org: OrgView::from(&o),
        creating: true,
        input: OrgInput::default(),
        parent_code: String::new(),
        errors: FormErrors::default(),
    }))
}

pub async fn create(
    State(st): State<AppState>,
    auth: Auth,
    PagePath(id): PagePath<i64>,
    PageForm(input): PageForm<OrgInput>,
) -> PageResult<Response> {
    match st.app.create_org(&auth.actor, id, &input).await.or_form()? {
        Ok(o) => Ok(Redirect::to(&format!("/orgs/{}", o.id)).into_response()),
        Err(errs) => {
            let o = st.app.org(&auth.actor, id).await?;
            Ok(render_with(
                StatusCode::UNPROCESSABLE_ENTITY,
                &OrgForm {
                    l: Layout::new(&auth.actor, &auth.csrf, "新建组织", "orgs"),
                    kinds: kind_choices(&o.kind, &input.kind),
                    owners: choices(
                        &OrgOwner::ALL,
                        OrgOwner::as_str,
                        OrgOwner::label,
                        &input.owner,
                    ),
                    org: OrgView::from(&o),
                    creating: true,
                    input,
                    parent_code: String::new(),
                    errors: FormErrors(errs),
                },
            ))
        }
    }
}

pub async fn edit_form(
    State(st): State<AppState>,
    auth: Auth,
    PagePath(id): PagePath<i64>,
) -> PageResult<Response> {
    let o = st.app.org_to_edit(&auth.actor, id).await?;
    let input = OrgInput {
        name: o.name.clone(),
        secretary: o.secretary.clone().unwrap_or_default(),
        ..Default::default()
    };
    Ok(render(&OrgForm {
        l: Layout::new(&auth.actor, &auth.csrf, "编辑组织", "orgs"),
        kinds: Vec::new(),
        owners: Vec::new(),
        org: OrgView::from(&o),
        creating: false,
        input,
        parent_code: String::new(),
        errors: FormErrors::default(),
    }))
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct EditForm {
    name: String,
    secretary: String,
    parent_code: String,
    effective_on: String,
}

pub async fn update(
    State(st): State<AppState>,
    auth: Auth,
    PagePath(id): PagePath<i64>,
    PageForm(f): PageForm<EditForm>,
) -> PageResult<Response> {
    let a = &auth.actor;
    let parent_id = if f.parent_code.trim().is_empty() {
        Ok(None)
    } else {
        match st.app.org_by_code(a, &f.parent_code).await {
            Ok(p) => Ok(Some(p.id)),
            Err(ServiceError::NotFound) => Err(ServiceError::field(
                "parent_id",
                "unknown_org",
                "找不到该代码的组织，或不在您的管辖范围内",
            )),
            Err(e) => Err(e),
        }
    };
    let change = parent_id.map(|parent_id| OrgChange {
        name: Some(f.name.clone()),
        secretary: Some(f.secretary.clone()),
        parent_id,
        closed_on: None,
        effective_on: Some(f.effective_on.clone()),
    });
    match change.or_form()? {
        Ok(change) => match st.app.change_org(a, id, &change).await.or_form()? {
            Ok(o) => Ok(Redirect::to(&format!("/orgs/{}", o.id)).into_response()),
            Err(errs) => edit_again(&st, &auth, id, f, errs).await,
        },
        Err(errs) => edit_again(&st, &auth, id, f, errs).await,
    }
}

async fn edit_again(
    st: &AppState,
    auth: &Auth,
    id: i64,
    f: EditForm,
    errs: Vec<dangjian_domain::FieldError>,
) -> PageResult<Response> {
    let o = st.app.org(&auth.actor, id).await?;
    Ok(render_with(
        StatusCode::UNPROCESSABLE_ENTITY,
        &OrgForm {
            l: Layout::new(&auth.actor, &auth.csrf, "编辑组织", "orgs"),
            kinds: Vec::new(),
            owners: Vec::new(),
            org: OrgView::from(&o),
            creating: false,
            input: OrgInput {
                name: f.name,
                secretary: f.secretary,
                opened_on: f.effective_on,
                ..Default::default()
            },
            parent_code: f.parent_code,
            errors: FormErrors(errs),
        },
    ))
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct CloseForm {
    closed_on: String,
    confirm: String,
}

pub async fn close(
    State(st): State<AppState>,
    auth: Auth,
    PagePath(id): PagePath<i64>,
    PageForm(f): PageForm<CloseForm>,
) -> PageResult<Response> {
    let result = if f.confirm != "yes" {
        Err(ServiceError::field(
            "closed_on",
            "confirm_required",
            "请勾选确认后再撤销",
        ))
    } else {
        let change = OrgChange {
            closed_on: Some(f.closed_on.clone()),
            effective_on: Some(f.closed_on.clone()),
            ..Default::default()
        };
        st.app.change_org(&auth.actor, id, &change).await
    };
    match result.or_form()? {
        Ok(o) => Ok(Redirect::to(&format!("/orgs/{}", o.id)).into_response()),
        Err(errs) => {
            let o = st.app.org(&auth.actor, id).await?;
            let ef = EditForm {
                name: o.name.clone(),
                secretary: o.secretary.clone().unwrap_or_default(),
                ..Default::default()
            };
            edit_again(&st, &auth, id, ef, errs).await
        }
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ListForm {
    org: String,
    kind: String,
    owner: String,
    page: String,
}

#[derive(Template)]
#[template(path = "org_list.html")]
struct ListPage {
    l: Layout,
    root: OrgView,
    /// The filter in words: 党支部, 村.
    what: String,
    items: Vec<OrgView>,
    total: i64,
    pager: crate::view::Pager,
}

/// Open organizations of a subtree by kind and owner: what a figure of the statistics counts.
pub async fn list(
    State(st): State<AppState>,
    auth: Auth,
    PageQuery(f): PageQuery<ListForm>,
) -> PageResult<Response> {
    let a = &auth.actor;
    let q = dangjian_service::orgs::list::OrgListQuery {
        org: parse_id(&f.org),
        kind: Some(f.kind.clone()),
        owner: Some(f.owner.clone()),
        page: parse_id(&f.page),
    };
    let p = st.app.org_list(a, &q).await?;
    let root = &p.org;
    let what = [
        OrgKind::parse(&f.kind).map(OrgKind::label),
        OrgOwner::parse(&f.owner).map(OrgOwner::label),
    ]
    .into_iter()
    .flatten()
    .collect::<Vec<_>>()
    .join("，");
    let base = [
        ("org", root.id.to_string()),
        ("kind", f.kind.clone()),
        ("owner", f.owner.clone()),
    ];
    Ok(render(&ListPage {
        l: Layout::new(a, &auth.csrf, "党组织名单", "orgs").about(st.app.org_title(a, root).await?),
        root: OrgView::from(root),
        what,
        items: p.items.iter().map(OrgView::from).collect(),
        total: p.total,
        pager: crate::view::Pager::new(&base, p.page, p.per_page, p.total),
    }))
}
