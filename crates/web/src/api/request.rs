//! 群众诉求 over JSON, in two groups: the staff side (logged in, scoped) and the public side
//! under /public (no account: submit, track, answer, and the published list).

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use dangjian_domain::request::SubmissionInput;
use dangjian_service::request::RequestCategory;
use dangjian_service::request::RequestDepartment;
use dangjian_service::request::admin::{CategoryInput, DepartmentInput, RequestDashboard};
use dangjian_service::request::public::{
    Challenge, PublicOptions, PublishedPage, Submitted, TrackedRequest,
};
use dangjian_service::request::{ActionInput, RequestPage, RequestQuery, RequestView};
use serde::{Deserialize, Serialize};

use super::body::{Created, Items};
use crate::AppState;
use crate::error::ApiResult;
use crate::extract::{ApiJson, ApiPath, ApiQuery};
use crate::session::{Auth, Caller};

/// 群众诉求 / Requests of a subtree
///
/// 50 a page, newest first. `view` empty: requests to the villages and communities under `org`
/// (default: the caller's home); `departments`: requests sent to departments whose org lies
/// under `org`; `mine`: requests assigned to the caller as a member (403 for an account without
/// a member record). `state`: a state code, `open` (still being worked on) or `overdue`
/// (deadline passed); anything else 422 `invalid_choice`.
#[utoipa::path(
    get,
    path = "/requests",
    operation_id = "listRequests",
    tag = "requests",
    params(RequestQuery),
    responses((status = 200, description = "A page of requests.", body = RequestPage)),
)]
pub async fn list(
    State(st): State<AppState>,
    auth: Auth,
    ApiQuery(q): ApiQuery<RequestQuery>,
) -> ApiResult<Json<RequestPage>> {
    Ok(Json(st.app.requests(&auth.actor, &q).await?))
}

/// 诉求 / One request
///
/// With its timeline and the actions the caller may take now. Visible to staff of its
/// community's subtree, of the department it was sent to, and to the member it was assigned to;
/// 404 otherwise. The phone is masked; the photo (`has_photo`) is shown by the page
/// `/requests/{id}/photo` only.
#[utoipa::path(
    get,
    path = "/requests/{id}",
    operation_id = "getRequest",
    tag = "requests",
    params(("id" = i64, Path, description = "Request id.")),
    responses((status = 200, description = "The request.", body = RequestView)),
)]
pub async fn get(
    State(st): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<RequestView>> {
    Ok(Json(st.app.request_view(&auth.actor, id).await?))
}

/// 办理诉求 / Take an action
///
/// One move of the state machine (see `actions` of GET /requests/{id}). 422 on `action`:
/// `invalid_choice` (unknown), `not_now` (the state does not allow it), `conflict` (someone
/// moved the request meanwhile); `note` `required` for reject and resolve (at most 1000
/// characters); `member_id` `required` / `unknown_member` for assign; `department_id`
/// `required` / `unknown` for dispatch (default: the category's usual department). 403 when the
/// state allows the action but the caller may not take it. Audited as `request.<action>`.
#[utoipa::path(
    post,
    path = "/requests/{id}/actions",
    operation_id = "actOnRequest",
    tag = "requests",
    params(("id" = i64, Path, description = "Request id.")),
    request_body(content = ActionInput),
    responses((status = 200, description = "The request after the move.", body = RequestView)),
)]
pub async fn act(
    State(st): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<i64>,
    ApiJson(b): ApiJson<ActionInput>,
) -> ApiResult<Json<RequestView>> {
    st.app.act_on_request(&auth.actor, id, &b).await?;
    Ok(Json(st.app.request_view(&auth.actor, id).await?))
}

#[derive(Deserialize, utoipa::ToSchema)]
pub struct ReasonBody {
    #[serde(default)]
    reason: String,
}

/// 查看诉求人电话 / The resident's phone in full
///
/// For those who handle the request (its community's editors, the department's, the assigned
/// member); 403 for others who see it. `reason` of 4–200 characters, otherwise 422
/// `reason_required`. Audited as `request.unmask` with the reason.
#[utoipa::path(
    post,
    path = "/requests/{id}/phone",
    operation_id = "unmaskRequestPhone",
    tag = "requests",
    params(("id" = i64, Path, description = "Request id.")),
    request_body(content = ReasonBody),
    responses((status = 200, description = "The number.", body = Phone)),
)]
pub async fn phone(
    State(st): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<i64>,
    ApiJson(b): ApiJson<ReasonBody>,
) -> ApiResult<Json<Phone>> {
    let phone = st.app.request_phone(&auth.actor, id, &b.reason).await?;
    Ok(Json(Phone { phone }))
}

/// A resident's phone in full.
#[derive(Serialize, utoipa::ToSchema)]
pub struct Phone {
    phone: String,
}

#[derive(Deserialize, utoipa::ToSchema)]
pub struct RedactionBody {
    redacted: bool,
}

/// 隐藏答复 / Keep the reply off the published list
///
/// Editors of the request's community only (403 for other roles, 404 outside). `true` hides the
/// reply on GET /public/requests (`reply` null), `false` shows it again. Audited as
/// `request.redact` / `request.unredact`.
#[utoipa::path(
    put,
    path = "/requests/{id}/redaction",
    operation_id = "redactRequest",
    tag = "requests",
    params(("id" = i64, Path, description = "Request id.")),
    request_body(content = RedactionBody),
    responses((status = 204, description = "Done.")),
)]
pub async fn redaction(
    State(st): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<i64>,
    ApiJson(b): ApiJson<RedactionBody>,
) -> ApiResult<StatusCode> {
    st.app.redact_request(&auth.actor, id, b.redacted).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize, Default, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(default)]
pub struct DashboardQuery {
    org: Option<i64>,
    year: Option<i32>,
}

/// 诉求统计 / Requests dashboard
///
/// For `org` (default: the caller's home) and each open child: requests of `year` (default this
/// year), answered and resolved on time (per mille), median hours; `open` and `overdue` are as
/// of now. Read from the counters.
#[utoipa::path(
    get,
    path = "/requests/dashboard",
    operation_id = "requestDashboard",
    tag = "requests",
    params(DashboardQuery),
    responses((status = 200, description = "The dashboard.", body = RequestDashboard)),
)]
pub async fn dashboard(
    State(st): State<AppState>,
    auth: Auth,
    ApiQuery(q): ApiQuery<DashboardQuery>,
) -> ApiResult<Json<RequestDashboard>> {
    Ok(Json(
        st.app.request_dashboard(&auth.actor, q.org, q.year).await?,
    ))
}

/// 诉求类别 / Categories
///
/// All categories, inactive ones too, by `sort`.
#[utoipa::path(
    get,
    path = "/request-categories",
    operation_id = "listRequestCategories",
    tag = "requests",
    responses((status = 200, description = "The categories.", body = Items<RequestCategory>)),
)]
pub async fn categories(
    State(st): State<AppState>,
    auth: Auth,
) -> ApiResult<Json<Items<RequestCategory>>> {
    let items = st.app.request_categories(&auth.actor).await?;
    Ok(Json(Items { items }))
}

/// 新增诉求类别 / Add a category
///
/// Writes: district admin only (403 otherwise). 422 `required` (name, at most 30 characters),
/// `invalid_hours` (1–2160), `invalid_number` (sort), `unknown` (department_id), `duplicate`
/// (name). Audited as `request.category`.
#[utoipa::path(
    post,
    path = "/request-categories",
    operation_id = "createRequestCategory",
    tag = "requests",
    request_body(content = CategoryInput),
    responses((status = 201, description = "Created.", body = Created)),
)]
pub async fn create_category(
    State(st): State<AppState>,
    auth: Auth,
    ApiJson(b): ApiJson<CategoryInput>,
) -> ApiResult<(StatusCode, Json<Created>)> {
    let id = st.app.save_category(&auth.actor, None, &b).await?;
    Ok((StatusCode::CREATED, Json(Created { id })))
}

/// 修改诉求类别 / Change a category
///
/// The whole category, as for POST. New limits apply to requests submitted from now on. Writes:
/// district admin only (403 otherwise). 422 `required` (name, at most 30 characters),
/// `invalid_hours` (1–2160), `invalid_number` (sort), `unknown` (department_id), `duplicate`
/// (name). Audited as `request.category`.
#[utoipa::path(
    put,
    path = "/request-categories/{id}",
    operation_id = "updateRequestCategory",
    tag = "requests",
    params(("id" = i64, Path, description = "Category id.")),
    request_body(content = CategoryInput),
    responses((status = 204, description = "Changed.")),
)]
pub async fn update_category(
    State(st): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<i64>,
    ApiJson(b): ApiJson<CategoryInput>,
) -> ApiResult<StatusCode> {
    st.app.save_category(&auth.actor, Some(id), &b).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// 承办部门 / Departments
///
/// All departments requests may be sent to, inactive ones too.
#[utoipa::path(
    get,
    path = "/request-departments",
    operation_id = "listRequestDepartments",
    tag = "requests",
    responses((status = 200, description = "The departments.", body = Items<RequestDepartment>)),
)]
pub async fn departments(
    State(st): State<AppState>,
    auth: Auth,
) -> ApiResult<Json<Items<RequestDepartment>>> {
    let items = st.app.request_departments(&auth.actor).await?;
    Ok(Json(Items { items }))
}

/// 新增承办部门 / Add a department
///
/// Writes: district admin only (403 otherwise). 422 `required` (name, at most 50 characters),
/// `too_long` (contact, 100), `unknown` (org_id: missing or closed), `duplicate` (name).
/// Audited as `request.department`.
#[utoipa::path(
    post,
    path = "/request-departments",
    operation_id = "createRequestDepartment",
    tag = "requests",
    request_body(content = DepartmentInput),
    responses((status = 201, description = "Created.", body = Created)),
)]
pub async fn create_department(
    State(st): State<AppState>,
    auth: Auth,
    ApiJson(b): ApiJson<DepartmentInput>,
) -> ApiResult<(StatusCode, Json<Created>)> {
    let id = st.app.save_department(&auth.actor, None, &b).await?;
    Ok((StatusCode::CREATED, Json(Created { id })))
}

/// 修改承办部门 / Change a department
///
/// The whole department, as for POST. Writes: district admin only (403 otherwise). 422
/// `required` (name, at most 50 characters), `too_long` (contact, 100), `unknown` (org_id:
/// missing or closed), `duplicate` (name). Audited as `request.department`.
#[utoipa::path(
    put,
    path = "/request-departments/{id}",
    operation_id = "updateRequestDepartment",
    tag = "requests",
    params(("id" = i64, Path, description = "Department id.")),
    request_body(content = DepartmentInput),
    responses((status = 204, description = "Changed.")),
)]
pub async fn update_department(
    State(st): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<i64>,
    ApiJson(b): ApiJson<DepartmentInput>,
) -> ApiResult<StatusCode> {
    st.app.save_department(&auth.actor, Some(id), &b).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct PublicForm {
    #[serde(flatten)]
    options: PublicOptions,
    /// A sum to work out; the token is signed and good for 30 minutes.
    challenge: Challenge,
}

/// 诉求表单 / What the public form needs
///
/// No login. Active categories, every open village and community (labelled `镇街 · 村社区`), and a
/// fresh challenge to send back with POST /public/requests.
#[utoipa::path(
    get,
    path = "/public/request-form",
    operation_id = "publicRequestForm",
    tag = "public",
    responses((status = 200, description = "The options.", body = PublicForm)),
)]
pub async fn public_form(State(st): State<AppState>) -> ApiResult<Json<PublicForm>> {
    Ok(Json(PublicForm {
        options: st.app.public_options().await?,
        challenge: st.app.request_challenge(),
    }))
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct GridsQuery {
    community_id: i64,
}

/// 网格 / Grids of a community
///
/// No login. Ids and names only; an unknown community has none.
#[utoipa::path(
    get,
    path = "/public/grids",
    operation_id = "publicGrids",
    tag = "public",
    params(GridsQuery),
    responses((status = 200, description = "The grids.", body = Items<GridName>)),
)]
pub async fn public_grids(
    State(st): State<AppState>,
    ApiQuery(q): ApiQuery<GridsQuery>,
) -> ApiResult<Json<Items<GridName>>> {
    let items = st
        .app
        .public_grids(q.community_id)
        .await?
        .into_iter()
        .map(|(id, name)| GridName { id, name })
        .collect();
    Ok(Json(Items { items }))
}

/// A grid as residents pick it.
#[derive(Serialize, utoipa::ToSchema)]
pub struct GridName {
    id: i64,
    name: String,
}

/// All strings, as the form sends them (a JSON number answers 400).
#[derive(Deserialize, utoipa::ToSchema)]
pub struct SubmitBody {
    #[serde(flatten)]
    input: SubmissionInput,
    /// `challenge.token` of GET /public/request-form.
    #[serde(default)]
    challenge: String,
    /// The sum.
    #[serde(default)]
    answer: String,
}

/// 提交诉求 / Submit a request
///
/// No login. Without a photo (photos only through the page form `/r`). 422, first failing
/// field: `required`, `too_short` (description under 5 characters), `too_long` (address 100,
/// description 500), `invalid_phone`, `challenge` on `answer` (wrong or expired), `unknown`
/// (category_id, community_id), `not_in_community` (grid_id). Rate limits: 3 a day per phone, 5
/// a day per address, 30 an hour per network address; all answer the same 422 `too_many` on
/// `phone`, so nothing tells whether a phone is known. Audited as `request.submit`.
#[utoipa::path(
    post,
    path = "/public/requests",
    operation_id = "submitRequest",
    tag = "public",
    request_body(content = SubmitBody),
    responses((status = 201, description = "Submitted: keep the code to track it.", body = Submitted)),
)]
pub async fn submit(
    State(st): State<AppState>,
    caller: Caller,
    ApiJson(b): ApiJson<SubmitBody>,
) -> ApiResult<(StatusCode, Json<Submitted>)> {
    let s = st
        .app
        .submit_request(&b.input, (&b.challenge, &b.answer), None, &caller.ip)
        .await?;
    Ok((StatusCode::CREATED, Json(s)))
}

#[derive(Deserialize, Default, utoipa::ToSchema)]
#[serde(default)]
pub struct TrackBody {
    code: String,
    phone: String,
    action: String,
    note: String,
}

/// 查询诉求 / Track a request
///
/// No login. The code and the phone it was submitted with, in the body (not the URL). A wrong
/// code and a wrong phone answer alike: 422 `not_found` on `code`. Each try counts against the
/// network address, successes are forgiven; after 20 wrong ones in 15 minutes every try answers
/// 422 `too_many_attempts` on `code`. The code is read in any case, with or without spaces and
/// dash.
#[utoipa::path(
    post,
    path = "/public/requests/track",
    operation_id = "trackRequest",
    tag = "public",
    request_body(content = TrackBody),
    responses((status = 200, description = "The request as its resident sees it.", body = TrackedRequest)),
)]
pub async fn track(
    State(st): State<AppState>,
    caller: Caller,
    ApiJson(b): ApiJson<TrackBody>,
) -> ApiResult<Json<TrackedRequest>> {
    Ok(Json(
        st.app.track_request(&b.code, &b.phone, &caller.ip).await?,
    ))
}

/// 评价办理结果 / Confirm or reopen
///
/// No login. On a resolved request (`can_answer`): `confirm`, or `reopen` with a `note` saying
/// what is not fixed (422 `required` on `note`; at most 1000 characters). 422 `invalid_choice`
/// on `action` for anything else, `not_now` when the request is not resolved. A wrong code and
/// a wrong phone answer alike: 422 `not_found` on `code`. Each try counts against the network
/// address, successes are forgiven; after 20 wrong ones in 15 minutes every try answers 422
/// `too_many_attempts` on `code`. The code is read in any case, with or without spaces and
/// dash. Audited as `request.confirm` / `request.reopen`.
#[utoipa::path(
    post,
    path = "/public/requests/answer",
    operation_id = "answerRequest",
    tag = "public",
    request_body(content = TrackBody),
    responses((status = 200, description = "The request after the answer.", body = TrackedRequest)),
)]
pub async fn answer(
    State(st): State<AppState>,
    caller: Caller,
    ApiJson(b): ApiJson<TrackBody>,
) -> ApiResult<Json<TrackedRequest>> {
    Ok(Json(
        st.app
            .resident_answer(&b.code, &b.phone, &b.action, &b.note, &caller.ip)
            .await?,
    ))
}

#[derive(Deserialize, Default, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(default)]
pub struct PublishedQuery {
    community_id: Option<i64>,
    page: Option<i64>,
}

/// 诉求公开 / Answered requests
///
/// No login. Requests answered (resolved, confirmed, or closed after that), newest first, 50 a
/// page, of one village or community or of all; nothing that names or reaches a resident. An
/// unknown `community_id` (or one that is not a village or community) answers 404.
#[utoipa::path(
    get,
    path = "/public/requests",
    operation_id = "publishedRequests",
    tag = "public",
    params(PublishedQuery),
    responses((status = 200, description = "A page.", body = PublishedPage)),
)]
pub async fn published(
    State(st): State<AppState>,
    ApiQuery(q): ApiQuery<PublishedQuery>,
) -> ApiResult<Json<PublishedPage>> {
    Ok(Json(
        st.app
            .published_requests(q.community_id, q.page.unwrap_or(1))
            .await?,
    ))
}
