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
use serde_json::{Value, json};

use crate::AppState;
use crate::error::ApiResult;
use crate::extract::{ApiJson, ApiPath, ApiQuery};
use crate::session::{Auth, Caller};

pub async fn list(
    State(st): State<AppState>,
    auth: Auth,
    ApiQuery(q): ApiQuery<RequestQuery>,
) -> ApiResult<Json<RequestPage>> {
    Ok(Json(st.app.requests(&auth.actor, &q).await?))
}

pub async fn get(
    State(st): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<RequestView>> {
    Ok(Json(st.app.request_view(&auth.actor, id).await?))
}

pub async fn act(
    State(st): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<i64>,
    ApiJson(b): ApiJson<ActionInput>,
) -> ApiResult<Json<RequestView>> {
    st.app.act_on_request(&auth.actor, id, &b).await?;
    Ok(Json(st.app.request_view(&auth.actor, id).await?))
}

#[derive(Deserialize)]
pub struct ReasonBody {
    #[serde(default)]
    reason: String,
}

pub async fn phone(
    State(st): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<i64>,
    ApiJson(b): ApiJson<ReasonBody>,
) -> ApiResult<Json<Value>> {
    let phone = st.app.request_phone(&auth.actor, id, &b.reason).await?;
    Ok(Json(json!({ "phone": phone })))
}

#[derive(Deserialize)]
pub struct RedactionBody {
    redacted: bool,
}

pub async fn redaction(
    State(st): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<i64>,
    ApiJson(b): ApiJson<RedactionBody>,
) -> ApiResult<StatusCode> {
    st.app.redact_request(&auth.actor, id, b.redacted).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct DashboardQuery {
    org: Option<i64>,
    year: Option<i32>,
}

pub async fn dashboard(
    State(st): State<AppState>,
    auth: Auth,
    ApiQuery(q): ApiQuery<DashboardQuery>,
) -> ApiResult<Json<RequestDashboard>> {
    Ok(Json(
        st.app.request_dashboard(&auth.actor, q.org, q.year).await?,
    ))
}

#[derive(Serialize)]
pub struct Items<T> {
    items: Vec<T>,
}

pub async fn categories(
    State(st): State<AppState>,
    auth: Auth,
) -> ApiResult<Json<Items<RequestCategory>>> {
    let items = st.app.request_categories(&auth.actor).await?;
    Ok(Json(Items { items }))
}

pub async fn create_category(
    State(st): State<AppState>,
    auth: Auth,
    ApiJson(b): ApiJson<CategoryInput>,
) -> ApiResult<(StatusCode, Json<Value>)> {
    let id = st.app.save_category(&auth.actor, None, &b).await?;
    Ok((StatusCode::CREATED, Json(json!({ "id": id }))))
}

pub async fn update_category(
    State(st): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<i64>,
    ApiJson(b): ApiJson<CategoryInput>,
) -> ApiResult<StatusCode> {
    st.app.save_category(&auth.actor, Some(id), &b).await?;
    Ok(StatusCode::NO_CONTENT)
}

pub async fn departments(
    State(st): State<AppState>,
    auth: Auth,
) -> ApiResult<Json<Items<RequestDepartment>>> {
    let items = st.app.request_departments(&auth.actor).await?;
    Ok(Json(Items { items }))
}

pub async fn create_department(
    State(st): State<AppState>,
    auth: Auth,
    ApiJson(b): ApiJson<DepartmentInput>,
) -> ApiResult<(StatusCode, Json<Value>)> {
    let id = st.app.save_department(&auth.actor, None, &b).await?;
    Ok((StatusCode::CREATED, Json(json!({ "id": id }))))
}

pub async fn update_department(
    State(st): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<i64>,
    ApiJson(b): ApiJson<DepartmentInput>,
) -> ApiResult<StatusCode> {
    st.app.save_department(&auth.actor, Some(id), &b).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Serialize)]
pub struct PublicForm {
    #[serde(flatten)]
    options: PublicOptions,
    challenge: Challenge,
}

/// What the public form needs: categories, communities and a fresh challenge.
pub async fn public_form(State(st): State<AppState>) -> ApiResult<Json<PublicForm>> {
    Ok(Json(PublicForm {
        options: st.app.public_options().await?,
        challenge: st.app.request_challenge(),
    }))
}

#[derive(Deserialize)]
pub struct GridsQuery {
    community_id: i64,
}

pub async fn public_grids(
    State(st): State<AppState>,
    ApiQuery(q): ApiQuery<GridsQuery>,
) -> ApiResult<Json<Value>> {
    let items: Vec<Value> = st
        .app
        .public_grids(q.community_id)
        .await?
        .into_iter()
        .map(|(id, name)| json!({ "id": id, "name": name }))
        .collect();
    Ok(Json(json!({ "items": items })))
}

#[derive(Deserialize)]
pub struct SubmitBody {
    #[serde(flatten)]
    input: SubmissionInput,
    #[serde(default)]
    challenge: String,
    #[serde(default)]
    answer: String,
}

/// A request without a photo (photos come through the page's form).
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

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct TrackBody {
    code: String,
    phone: String,
    action: String,
    note: String,
}

/// Tracking takes the phone in the body, so that it stays out of URLs and logs.
pub async fn track(
    State(st): State<AppState>,
    caller: Caller,
    ApiJson(b): ApiJson<TrackBody>,
) -> ApiResult<Json<TrackedRequest>> {
    Ok(Json(
        st.app.track_request(&b.code, &b.phone, &caller.ip).await?,
    ))
}

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

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct PublishedQuery {
    community_id: Option<i64>,
    page: Option<i64>,
}

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
