//! 群众诉求, staff pages: the list of a subtree's requests (or those sent to the actor's
//! departments, or assigned to the actor), a request with its timeline and the moves the
//! actor may make, the dashboard per level, and the district's categories and departments.

pub(super) mod public;

use askama::Template;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use dangjian_domain::request::{RequestAction, RequestState};
use dangjian_service::request::Request;
use dangjian_service::request::RequestCategory;
use dangjian_service::request::RequestDepartment;
use dangjian_service::request::admin::{CategoryInput, DepartmentInput, RequestLine};
use dangjian_service::request::{ActionInput, RequestQuery, RequestView};
use serde::Deserialize;

use super::{FormErrors, FormOutcome, parse_id, render, render_with};
use crate::AppState;
use crate::error::PageResult;
use crate::extract::{PageForm, PagePath, PageQuery};
use crate::session::Auth;
use crate::view::{Layout, Pager, format_instant};
use public::{EventLine, Pick, event_lines, picks};

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ListQuery {
    org: String,
    view: String,
    state: String,
    category_id: String,
    page: String,
}

fn request_query(q: &ListQuery) -> RequestQuery {
    RequestQuery {
        org: parse_id(&q.org),
        view: q.view.trim().to_string(),
        state: q.state.trim().to_string(),
        category_id: parse_id(&q.category_id),
        page: parse_id(&q.page),
    }
}

/// A request as a line of a table.
pub struct Line {
    r: Request,
    code: String,
    state: &'static str,
    submitted: String,
    due: String,
    overdue: bool,
    handler: String,
    /// What it is about: the start of the resident's description.
    about: String,
}

/// Characters of a description a list shows.
const ABOUT_CHARS: usize = 30;

fn line(r: Request, now: i64) -> Line {
    let mut about: String = r.description.chars().take(ABOUT_CHARS).collect();
    if r.description.chars().count() > ABOUT_CHARS {
        about.push('…');
    }
    Line {
        about,
        code: dangjian_domain::request::display_tracking_code(&r.code),
        state: RequestState::parse(&r.times.state).map_or("", RequestState::label),
        submitted: format_instant(r.submitted_at),
        due: r.times.due_at.map(format_instant).unwrap_or_default(),
        overdue: r.times.due_at.is_some_and(|d| d < now),
        handler: r
            .assignee_name
            .clone()
            .or_else(|| r.department_name.clone())
            .unwrap_or_default(),
        r,
    }
}

pub struct StateChoice {
    value: &'static str,
    label: &'static str,
    selected: bool,
}

#[derive(Template)]
#[template(path = "requests.html")]
struct ListPage {
    l: Layout,
    org_id: i64,
    org_name: String,
    view: String,
    states: Vec<StateChoice>,
    categories: Vec<Pick>,
    items: Vec<Line>,
    total: i64,
    pager: Pager,
    export_query: String,
    is_member: bool,
    settings: bool,
}

pub async fn list(
    State(st): State<AppState>,
    auth: Auth,
    PageQuery(q): PageQuery<ListQuery>,
) -> PageResult<Response> {
    let a = &auth.actor;
    let query = request_query(&q);
    let p = st.app.requests(a, &query).await?;
    let categories = st.app.request_categories(a).await?;
    let mut states = vec![
        StateChoice {
            value: "open",
            label: "办理中（全部未办结）",
            selected: query.state == "open",
        },
        StateChoice {
            value: "overdue",
            label: "已超时",
            selected: query.state == "overdue",
        },
    ];
    states.extend(RequestState::ALL.iter().map(|s| StateChoice {
        value: s.as_str(),
        label: s.label(),
        selected: query.state == s.as_str(),
    }));
    let base = [
        ("org", p.org_id.to_string()),
        ("view", p.view.clone()),
        ("state", query.state.clone()),
        (
            "category_id",
            query.category_id.map(|c| c.to_string()).unwrap_or_default(),
        ),
    ];
    let export_query = {
        let mut s = form_urlencoded::Serializer::new(String::new());
        for (k, v) in base.iter().filter(|(_, v)| !v.is_empty()) {
            s.append_pair(k, v);
        }
        s.finish()
    };
    let now = p.now;
    Ok(render(&ListPage {
        l: Layout::new(a, &auth.csrf, "群众诉求", "masses"),
        pager: Pager::new(&base, p.page, dangjian_service::masses::PAGE, p.total),
        org_id: p.org_id,
        org_name: p.org_name,
        view: p.view,
        states,
        categories: picks(
            categories.into_iter().map(|c| (c.id, c.name)),
            query.category_id,
        ),
        items: p.items.into_iter().map(|r| line(r, now)).collect(),
        total: p.total,
        export_query,
        is_member: a.member_id.is_some(),
        settings: dangjian_service::request::policy::can_change_settings(a),
    }))
}

pub async fn export(
    State(st): State<AppState>,
    auth: Auth,
    PageQuery(q): PageQuery<ListQuery>,
) -> PageResult<Response> {
    let (root, rows) = st
        .app
        .export_requests(&auth.actor, &request_query(&q))
        .await?;
    Ok(crate::export::requests(&root.name, &rows)?)
}

pub struct ActionChoice {
    value: &'static str,
    label: &'static str,
}

#[derive(Template)]
#[template(path = "request.html")]
struct RequestPage {
    l: Layout,
    x: Line,
    v: RequestView,
    events: Vec<EventLine>,
    simple: Vec<ActionChoice>,
    departments: Vec<Pick>,
    can_assign: bool,
    can_dispatch: bool,
    can_reject: bool,
    can_resolve: bool,
    phone: Option<String>,
    errors: FormErrors,
}

async fn request_page(
    st: &AppState,
    auth: &Auth,
    id: i64,
    phone: Option<String>,
    errors: FormErrors,
) -> PageResult<Response> {
    let v = st.app.request_view(&auth.actor, id).await?;
    let has = |a: RequestAction| v.actions.contains(&a);
    let simple = v
        .actions
        .iter()
        .filter(|a| {
            matches!(
                a,
                RequestAction::Accept | RequestAction::Start | RequestAction::Close
            )
        })
        .map(|a| ActionChoice {
            value: a.as_str(),
            label: a.label(),
        })
        .collect();
    let status = errors.status();
    Ok(render_with(
        status,
        &RequestPage {
            l: Layout::new(&auth.actor, &auth.csrf, "诉求详情", "masses"),
            can_assign: has(RequestAction::Assign),
            can_dispatch: has(RequestAction::Dispatch),
            can_reject: has(RequestAction::Reject),
            can_resolve: has(RequestAction::Resolve),
            simple,
            departments: picks(
                v.departments.iter().map(|d| (d.id, d.name.clone())),
                v.request.routed_department_id,
            ),
            events: event_lines(&v.events),
            x: line(v.request.clone(), v.now),
            v,
            phone,
            errors,
        },
    ))
}

pub async fn page(
    State(st): State<AppState>,
    auth: Auth,
    PagePath(id): PagePath<i64>,
) -> PageResult<Response> {
    request_page(&st, &auth, id, None, FormErrors::default()).await
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ActionForm {
    action: String,
    note: String,
    member_id: String,
    department_id: String,
}

pub async fn act(
    State(st): State<AppState>,
    auth: Auth,
    PagePath(id): PagePath<i64>,
    PageForm(f): PageForm<ActionForm>,
) -> PageResult<Response> {
    let input = ActionInput {
        action: f.action,
        note: f.note,
        member_id: parse_id(&f.member_id),
        department_id: parse_id(&f.department_id),
    };
    match st
        .app
        .act_on_request(&auth.actor, id, &input)
        .await
        .or_form()?
    {
        Ok(()) => Ok(Redirect::to(&format!("/requests/{id}")).into_response()),
        Err(errs) => request_page(&st, &auth, id, None, FormErrors(errs)).await,
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ReasonForm {
    reason: String,
}

pub async fn unmask(
    State(st): State<AppState>,
    auth: Auth,
    PagePath(id): PagePath<i64>,
    PageForm(f): PageForm<ReasonForm>,
) -> PageResult<Response> {
    match st
        .app
        .request_phone(&auth.actor, id, &f.reason)
        .await
        .or_form()?
    {
        Ok(p) => request_page(&st, &auth, id, Some(p), FormErrors::default()).await,
        Err(errs) => request_page(&st, &auth, id, None, FormErrors(errs)).await,
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct RedactForm {
    redacted: String,
}

pub async fn redact(
    State(st): State<AppState>,
    auth: Auth,
    PagePath(id): PagePath<i64>,
    PageForm(f): PageForm<RedactForm>,
) -> PageResult<Response> {
    st.app
        .redact_request(&auth.actor, id, f.redacted == "1")
        .await?;
    Ok(Redirect::to(&format!("/requests/{id}")).into_response())
}

pub async fn photo(
    State(st): State<AppState>,
    auth: Auth,
    PagePath(id): PagePath<i64>,
) -> PageResult<Response> {
    let (mime, body) = st.app.request_photo(&auth.actor, id).await?;
    Ok(super::download("photo", &mime, true, body))
}

/// Members of the request's community by the start of their name, to assign it to.
pub async fn assignees(
    State(st): State<AppState>,
    auth: Auth,
    PagePath(id): PagePath<i64>,
    PageQuery(q): PageQuery<super::masses::SearchQuery>,
) -> PageResult<Response> {
    let items = st.app.request_assignees(&auth.actor, id, &q.q).await?;
    Ok(render(&super::masses::MemberChoices { items }))
}

pub struct DashLine {
    d: RequestLine,
    answered_rate: String,
    resolved_rate: String,
    answer_median: String,
    resolve_median: String,
}

fn rate(p: Option<i64>) -> String {
    p.map_or_else(|| "—".into(), |p| format!("{}.{}%", p / 10, p % 10))
}

fn hours(h: Option<f64>) -> String {
    h.map_or_else(|| "—".into(), |h| format!("{h:.1}"))
}

fn dash_line(d: RequestLine) -> DashLine {
    DashLine {
        answered_rate: rate(d.answered_on_time_permille),
        resolved_rate: rate(d.resolved_on_time_permille),
        answer_median: hours(d.median_answer_hours),
        resolve_median: hours(d.median_resolve_hours),
        d,
    }
}

#[derive(Template)]
#[template(path = "request_dashboard.html")]
struct DashboardPage {
    l: Layout,
    org_id: i64,
    org_name: String,
    parent_id: Option<i64>,
    year: i32,
    years: Vec<i32>,
    by_state: Vec<(&'static str, i64)>,
    total: DashLine,
    children: Vec<DashLine>,
    /// Charts: states now, submissions by month, by category (ECharts series).
    state_chart: String,
    month_chart: String,
    category_chart: String,
    satisfaction: String,
    satisfied: i64,
    unsatisfied: i64,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct DashboardQuery {
    org: String,
    year: String,
}

pub async fn dashboard(
    State(st): State<AppState>,
    auth: Auth,
    PageQuery(q): PageQuery<DashboardQuery>,
) -> PageResult<Response> {
    let a = &auth.actor;
    let d = st
        .app
        .request_dashboard(a, parse_id(&q.org), q.year.trim().parse().ok())
        .await?;
    let series = |items: Vec<(String, i64, Option<String>)>| {
        serde_json::Value::from(
            items
                .into_iter()
                .map(|(name, value, link)| serde_json::json!({"name": name, "value": value, "link": link}))
                .collect::<Vec<_>>(),
        )
        .to_string()
    };
    let org_id = d.org.id;
    let state_chart = series(
        d.by_state
            .iter()
            .filter(|(_, n)| *n > 0)
            .map(|(s, n)| {
                (
                    s.label().to_string(),
                    *n,
                    Some(format!("/requests?org={org_id}&state={}", s.as_str())),
                )
            })
            .collect(),
    );
    let month_chart = series(
        d.by_month
            .iter()
            .map(|(m, n)| (m.clone(), *n, None))
            .collect(),
    );
    let category_chart = series(
        d.by_category
            .iter()
            .map(|(c, n)| (c.clone(), *n, None))
            .collect(),
    );
    let this_year = dangjian_service::today().year();
    Ok(render(&DashboardPage {
        l: Layout::new(a, &auth.csrf, "诉求办理统计", "masses")
            .about(st.app.org_title(a, &d.org).await?)
            .period(format!("{}年", d.year)),
        // Up one level only within the actor's own subtree.
        parent_id: d
            .org
            .parent_id
            .filter(|_| d.org.id != a.scope_org_id && d.org.path != a.scope_path),
        org_id,
        org_name: d.org.name.clone(),
        year: d.year,
        years: (this_year - 4..=this_year).rev().collect(),
        by_state: d.by_state.iter().map(|(s, n)| (s.label(), *n)).collect(),
        state_chart,
        month_chart,
        category_chart,
        satisfaction: rate(d.satisfaction_permille),
        satisfied: d.satisfied,
        unsatisfied: d.unsatisfied,
        total: dash_line(d.total),
        children: d.children.into_iter().map(dash_line).collect(),
    }))
}

#[derive(Template)]
#[template(path = "request_settings.html")]
struct SettingsPage {
    l: Layout,
    categories: Vec<CategoryLine>,
    departments: Vec<RequestDepartment>,
    errors: FormErrors,
}

/// A category with the department select of its row.
pub struct CategoryLine {
    c: RequestCategory,
    departments: Vec<Pick>,
}

async fn settings_page(st: &AppState, auth: &Auth, errors: FormErrors) -> PageResult<Response> {
    let a = &auth.actor;
    let status = errors.status();
    let departments = st.app.request_departments(a).await?;
    let categories = st
        .app
        .request_categories(a)
        .await?
        .into_iter()
        .map(|c| CategoryLine {
            departments: picks(
                departments.iter().map(|d| (d.id, d.name.clone())),
                c.department_id,
            ),
            c,
        })
        .collect();
    Ok(render_with(
        status,
        &SettingsPage {
            l: Layout::new(a, &auth.csrf, "诉求类别与承办部门", "masses"),
            categories,
            departments,
            errors,
        },
    ))
}

pub async fn settings(State(st): State<AppState>, auth: Auth) -> PageResult<Response> {
    settings_page(&st, &auth, FormErrors::default()).await
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct CategoryForm {
    id: String,
    name: String,
    accept_hours: String,
    resolve_hours: String,
    department_id: String,
    sort: String,
    active: String,
}

pub async fn save_category(
    State(st): State<AppState>,
    auth: Auth,
    PageForm(f): PageForm<CategoryForm>,
) -> PageResult<Response> {
    let input = CategoryInput {
        name: f.name,
        accept_hours: f.accept_hours,
        resolve_hours: f.resolve_hours,
        department_id: parse_id(&f.department_id),
        sort: f.sort,
        active: f.active == "1",
    };
    match st
        .app
        .save_category(&auth.actor, parse_id(&f.id), &input)
        .await
        .or_form()?
    {
        Ok(_) => Ok(Redirect::to("/requests/settings").into_response()),
        Err(errs) => settings_page(&st, &auth, FormErrors(errs)).await,
    }
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct DepartmentForm {
    id: String,
    name: String,
    contact: String,
    org_id: String,
    active: String,
}

pub async fn save_department(
    State(st): State<AppState>,
    auth: Auth,
    PageForm(f): PageForm<DepartmentForm>,
) -> PageResult<Response> {
    let input = DepartmentInput {
        name: f.name,
        contact: f.contact,
        org_id: parse_id(&f.org_id),
        active: f.active == "1",
    };
    match st
        .app
        .save_department(&auth.actor, parse_id(&f.id), &input)
        .await
        .or_form()?
    {
        Ok(_) => Ok(Redirect::to("/requests/settings").into_response()),
        Err(errs) => settings_page(&st, &auth, FormErrors(errs)).await,
    }
}
