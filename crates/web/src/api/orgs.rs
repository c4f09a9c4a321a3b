//! The organization tree over JSON, and the statistics overview of a subtree.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use dangjian_service::orgs::Org;
use dangjian_service::orgs::committee::{AppointInput, Committee, CommitteePost, RelieveInput};
use dangjian_service::orgs::to_do::ToDo;
use dangjian_service::orgs::{ChildSummary, OrgChange, OrgInput};
use dangjian_service::stats::Overview;
use serde::{Deserialize, Serialize};

use crate::AppState;
use crate::error::{ApiError, ApiResult, Problem};
use crate::extract::{ApiJson, ApiPath, ApiQuery};
use crate::session::Auth;

/// 组织详情 / Get an organization
///
/// One organization of the caller's scope; anything else (missing or out of scope) answers 404.
#[utoipa::path(
    get,
    path = "/orgs/{id}",
    operation_id = "getOrg",
    tag = "orgs",
    params(("id" = i64, Path, description = "Organization id.")),
    responses((status = 200, description = "The organization.", body = Org)),
)]
pub async fn get(
    State(st): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<Org>> {
    Ok(Json(st.app.org(&auth.actor, id).await?))
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ListQuery {
    /// List the children of this organization.
    parent: Option<i64>,
    /// Search text, trimmed, first 60 characters used; `%`, `_` and `\` are ignored.
    q: Option<String>,
}

/// 下级组织或搜索组织 / Children of an organization, or search organizations
///
/// With `parent`: the children of that organization with their subtree counts (`OrgList` with `ChildSummary` items;
/// 404 if the parent is out of scope). Otherwise with `q`: organizations inside the caller's
/// scope whose name or code contains `q` (`OrgList` with `Org` items, closed ones and groups included; an
/// empty `q` finds nothing). `parent` wins when both are given; neither: 400
/// `missing_parameter`.
#[utoipa::path(
    get,
    path = "/orgs",
    operation_id = "listOrgs",
    tag = "orgs",
    params(ListQuery),
    responses((status = 200, description = "The children for `parent`, the orgs found for `q`.", body = OrgList)),
)]
pub async fn list(
    State(st): State<AppState>,
    auth: Auth,
    ApiQuery(q): ApiQuery<ListQuery>,
) -> ApiResult<Json<OrgList>> {
    match (q.parent, q.q) {
        (Some(parent), _) => {
            let items = st.app.org_children(&auth.actor, parent).await?;
            Ok(Json(OrgList::Children { items }))
        }
        (None, Some(text)) => {
            let items = st.app.org_search(&auth.actor, &text, 100).await?;
            Ok(Json(OrgList::Found { items }))
        }
        (None, None) => Err(ApiError(Problem::new(
            StatusCode::BAD_REQUEST,
            "missing_parameter",
            "请提供 parent 或 q 参数",
        ))),
    }
}

/// The children of an org with their counts (`kind: children`), or the orgs a search found,
/// at most 100 (`kind: found`). The kind tells the two apart when the list is empty.
#[derive(Serialize, utoipa::ToSchema)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum OrgList {
    Children { items: Vec<ChildSummary> },
    Found { items: Vec<Org> },
}

/// Body of POST /orgs: the parent plus the OrgInput fields (flattened).
#[derive(Deserialize, utoipa::ToSchema)]
pub struct OrgCreate {
    parent_id: i64,
    #[serde(flatten)]
    org: OrgInput,
}

/// 新建组织 / Create an organization
///
/// Creates an organization (or group) under `parent_id`; the creation is recorded as a dated
/// event and audited. Roles: district_admin, town_admin, village_admin inside their scope (else
/// 403). A parent out of scope: 404.
#[utoipa::path(
    post,
    path = "/orgs",
    operation_id = "createOrg",
    tag = "orgs",
    request_body(content = OrgCreate, description = "The new organization."),
    responses((status = 201, description = "Created.", body = Org)),
)]
pub async fn create(
    State(st): State<AppState>,
    auth: Auth,
    ApiJson(b): ApiJson<OrgCreate>,
) -> ApiResult<(StatusCode, Json<Org>)> {
    let row = st.app.create_org(&auth.actor, b.parent_id, &b.org).await?;
    Ok((StatusCode::CREATED, Json(row)))
}

/// 调整组织（更名、换书记、迁移、撤销）/ Change an organization (rename, secretary, move, close)
///
/// Applies the given changes as dated events (audited) and answers the organization as it now
/// is. Out of scope: 404; a role that may not edit organizations: 403.
#[utoipa::path(
    patch,
    path = "/orgs/{id}",
    operation_id = "updateOrg",
    tag = "orgs",
    params(("id" = i64, Path, description = "Organization id.")),
    request_body(content = OrgChange, description = "The changes."),
    responses((status = 200, description = "The changed organization.", body = Org)),
)]
pub async fn update(
    State(st): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<i64>,
    ApiJson(b): ApiJson<OrgChange>,
) -> ApiResult<Json<Org>> {
    Ok(Json(st.app.change_org(&auth.actor, id, &b).await?))
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct OverviewQuery {
    /// The organization (404 if out of scope). Default: the caller's scope root (a `member`
    /// user: their own branch).
    org: Option<i64>,
}

/// 统计概览 / Statistics overview
///
/// Counts and breakdowns of a subtree, with its children's counts.
#[utoipa::path(
    get,
    path = "/stats/overview",
    operation_id = "getOverview",
    tag = "stats",
    params(OverviewQuery),
    responses((status = 200, description = "The overview.", body = Overview)),
)]
pub async fn overview(
    State(st): State<AppState>,
    auth: Auth,
    ApiQuery(q): ApiQuery<OverviewQuery>,
) -> ApiResult<Json<Overview>> {
    Ok(Json(st.app.overview(&auth.actor, q.org).await?))
}

/// 支部委员会 / A branch's committee
///
/// The posts of the branch's committee held now (书记 first) and before, the posts its size
/// calls for that are vacant, and — for whoever may appoint — the full members who hold no
/// post. A village's party organization of any kind keeps one too (两委's party side); any
/// other organization that is not a branch: 422 `not_a_branch`; out of scope: 404.
#[utoipa::path(
    get,
    path = "/orgs/{id}/committee",
    operation_id = "getCommittee",
    tag = "orgs",
    params(("id" = i64, Path, description = "Branch id.")),
    responses((status = 200, description = "The committee.", body = Committee)),
)]
pub async fn committee(
    State(st): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<Committee>> {
    Ok(Json(st.app.committee(&auth.actor, id).await?))
}

/// 任命支部委员 / Appoint to a committee post
///
/// A full member of the branch to a vacant post (audited); appointing the 书记 also names the
/// branch's secretary. Roles that edit members inside their scope (else 403).
#[utoipa::path(
    post,
    path = "/orgs/{id}/committee",
    operation_id = "appointCommitteePost",
    tag = "orgs",
    params(("id" = i64, Path, description = "Branch id.")),
    request_body(content = AppointInput, description = "Who, which post, from when."),
    responses((status = 201, description = "Appointed.", body = CommitteePost)),
)]
pub async fn appoint(
    State(st): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<i64>,
    ApiJson(b): ApiJson<AppointInput>,
) -> ApiResult<(StatusCode, Json<CommitteePost>)> {
    let p = st.app.appoint(&auth.actor, id, &b).await?;
    Ok((StatusCode::CREATED, Json(p)))
}

/// 免去支部委员职务 / Relieve a committee post
///
/// Ends the post on the day given (audited); the history keeps it. Already ended: 422 `ended`.
#[utoipa::path(
    post,
    path = "/committee-posts/{id}/relieve",
    operation_id = "relieveCommitteePost",
    tag = "orgs",
    params(("id" = i64, Path, description = "Committee post id.")),
    request_body(content = RelieveInput, description = "The day the post ends."),
    responses((status = 200, description = "Relieved.", body = CommitteePost)),
)]
pub async fn relieve(
    State(st): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<i64>,
    ApiJson(b): ApiJson<RelieveInput>,
) -> ApiResult<Json<CommitteePost>> {
    Ok(Json(st.app.relieve(&auth.actor, id, &b).await?))
}

/// 待办 / What needs action now
///
/// What needs action in the organization's subtree, each with its count and the page that
/// lists it: for a branch the meetings of this period not yet held, above it the branches
/// behind this year; at every level members in arrears, recruitment steps overdue or due
/// soon, open residents' requests, households without a member, evaluations under way. Only
/// the figures the caller's role reads are given. A plain member: 403 (their own are on
/// `/me/day`).
#[utoipa::path(
    get,
    path = "/orgs/{id}/to-do",
    operation_id = "getToDo",
    tag = "orgs",
    params(("id" = i64, Path, description = "Organization id.")),
    responses((status = 200, description = "What needs action.", body = ToDo)),
)]
pub async fn to_do(
    State(st): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<ToDo>> {
    Ok(Json(st.app.to_do(&auth.actor, id).await?))
}

/// 党组织名单 / Organizations by kind and owner
///
/// Open organizations inside `org` (itself included) of one `kind` (default: every grassroots
/// kind) and one `owner`, by path, 50 a page: the list a figure of `GET /stats/annual`'s
/// organization tables opens (`orgs`), holding as many as it counts.
#[utoipa::path(
    get,
    path = "/orgs/list",
    operation_id = "listOrgsByKind",
    tag = "orgs",
    params(dangjian_service::orgs::list::OrgListQuery),
    responses((status = 200, description = "A page of organizations.", body = dangjian_service::orgs::list::OrgListPage)),
)]
pub async fn by_kind(
    State(st): State<AppState>,
    auth: Auth,
    ApiQuery(q): ApiQuery<dangjian_service::orgs::list::OrgListQuery>,
) -> ApiResult<Json<dangjian_service::orgs::list::OrgListPage>> {
    Ok(Json(st.app.org_list(&auth.actor, &q).await?))
}
