//! Secretaries' annual ratings and service-centre projects over JSON.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use dangjian_service::assessment::people::{
    ProjectInput, ProjectList, SecretaryRatingInput, SecretaryRatings, ServiceProject,
};
use dangjian_service::today;
use serde::Deserialize;

use crate::AppState;
use crate::error::ApiResult;
use crate::extract::{ApiJson, ApiPath, ApiQuery};
use crate::session::Auth;

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct RatingsQuery {
    /// The level rating (default: the caller's scope; 404 out of scope).
    org: Option<i64>,
    /// Default: this year.
    year: Option<i64>,
}

/// 书记述职评议 / A level's ratings of the secretaries below it
///
/// The organizations directly below a level, each with its secretary on record, the year's
/// rating (report, the meeting's votes, grade, approval of 好 and 较好), and the rectification
/// ledger that follows; the window (November–December) and whether the caller rates.
#[utoipa::path(
    get,
    path = "/secretary-ratings",
    operation_id = "secretaryRatings",
    tag = "assessment",
    params(RatingsQuery),
    responses((status = 200, description = "The ratings.", body = SecretaryRatings)),
)]
pub async fn ratings(
    State(st): State<AppState>,
    auth: Auth,
    ApiQuery(q): ApiQuery<RatingsQuery>,
) -> ApiResult<Json<SecretaryRatings>> {
    let year = q.year.unwrap_or_else(|| i64::from(today().year()));
    Ok(Json(
        st.app.secretary_ratings(&auth.actor, q.org, year).await?,
    ))
}

/// Body of POST /secretary-ratings.
#[derive(Deserialize, utoipa::ToSchema)]
pub struct RateBody {
    /// The organization whose secretary is rated.
    org_id: i64,
    #[serde(flatten)]
    input: SecretaryRatingInput,
}

/// 录入述职评议结果 / Rate a secretary
///
/// The report's points, the meeting's date (not in the future) and votes (more than present:
/// 422 `too_many_votes` on `poor`), and the grade; entering again corrects the year's rating.
/// Only the level directly above, from its own account (403). Audited as `secretary.rate`.
#[utoipa::path(
    post,
    path = "/secretary-ratings",
    operation_id = "rateSecretary",
    tag = "assessment",
    request_body(content = RateBody, description = "The rating."),
    responses((status = 200, description = "The level's ratings.", body = SecretaryRatings)),
)]
pub async fn rate(
    State(st): State<AppState>,
    auth: Auth,
    ApiJson(b): ApiJson<RateBody>,
) -> ApiResult<Json<SecretaryRatings>> {
    Ok(Json(
        st.app
            .rate_secretary(&auth.actor, b.org_id, &b.input)
            .await?,
    ))
}

/// Body of POST /secretary-ratings/{id}/items.
#[derive(Deserialize, utoipa::ToSchema)]
pub struct ItemBody {
    content: String,
    /// Not before the rating's meeting (422 `before_start`).
    deadline: String,
}

/// 整改台账 / Add a rectification item
///
/// An item the rating asks the secretary to put right, with its deadline, followed up by the
/// level above. Audited as `secretary.item`.
#[utoipa::path(
    post,
    path = "/secretary-ratings/{id}/items",
    operation_id = "addRatingItem",
    tag = "assessment",
    params(("id" = i64, Path, description = "The rating.")),
    request_body(content = ItemBody, description = "The item."),
    responses((status = 200, description = "The level's ratings.", body = SecretaryRatings)),
)]
pub async fn add_item(
    State(st): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<i64>,
    ApiJson(b): ApiJson<ItemBody>,
) -> ApiResult<Json<SecretaryRatings>> {
    Ok(Json(
        st.app
            .add_rating_item(&auth.actor, id, &b.content, &b.deadline)
            .await?,
    ))
}

/// 整改销号 / Mark an item done
///
/// Marks a rectification item done today, once (422 `done`). Audited as
/// `secretary.item_done`.
#[utoipa::path(
    post,
    path = "/secretary-rating-items/{id}/done",
    operation_id = "finishRatingItem",
    tag = "assessment",
    params(("id" = i64, Path, description = "The item.")),
    responses((status = 200, description = "The level's ratings.", body = SecretaryRatings)),
)]
pub async fn finish_item(
    State(st): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<SecretaryRatings>> {
    Ok(Json(st.app.finish_rating_item(&auth.actor, id).await?))
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct ProjectsQuery {
    /// Default: the caller's scope (404 out of scope).
    org: Option<i64>,
    /// 1-based, 50 a page (newest planned first).
    page: Option<i64>,
}

/// 阵地建设项目 / Service-centre projects
///
/// The 党群服务中心 projects inside a level with their budget, stage, dates and files, 50 a
/// page, and the level's totals over all pages (projects, completed, budget).
#[utoipa::path(
    get,
    path = "/service-projects",
    operation_id = "listServiceProjects",
    tag = "assessment",
    params(ProjectsQuery),
    responses((status = 200, description = "The projects.", body = ProjectList)),
)]
pub async fn projects(
    State(st): State<AppState>,
    auth: Auth,
    ApiQuery(q): ApiQuery<ProjectsQuery>,
) -> ApiResult<Json<ProjectList>> {
    Ok(Json(
        st.app.service_projects(&auth.actor, q.org, q.page).await?,
    ))
}

/// 登记项目 / Register a project
///
/// A planned project of an organization: name, budget in yuan (422 `invalid_amount`), the
/// planned start. The town or the district (403). Audited as `project.create`.
#[utoipa::path(
    post,
    path = "/service-projects",
    operation_id = "createServiceProject",
    tag = "assessment",
    request_body(content = ProjectInput, description = "The project."),
    responses((status = 201, description = "The project.", body = ServiceProject)),
)]
pub async fn create_project(
    State(st): State<AppState>,
    auth: Auth,
    ApiJson(b): ApiJson<ProjectInput>,
) -> ApiResult<(StatusCode, Json<ServiceProject>)> {
    Ok((
        StatusCode::CREATED,
        Json(st.app.create_service_project(&auth.actor, &b).await?),
    ))
}

/// Body of POST /service-projects/{id}/advance.
#[derive(Deserialize, utoipa::ToSchema)]
pub struct AdvanceBody {
    /// The day it started building or was completed (not in the future).
    on: String,
}

/// 推进项目 / Move a project on
///
/// Planned → building (started on) → completed (completed on, not before the start). A
/// completed project: 422 `completed`. Audited as `project.advance`.
#[utoipa::path(
    post,
    path = "/service-projects/{id}/advance",
    operation_id = "advanceServiceProject",
    tag = "assessment",
    params(("id" = i64, Path, description = "The project.")),
    request_body(content = AdvanceBody, description = "The day."),
    responses((status = 200, description = "The project.", body = ServiceProject)),
)]
pub async fn advance(
    State(st): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<i64>,
    ApiJson(b): ApiJson<AdvanceBody>,
) -> ApiResult<Json<ServiceProject>> {
    Ok(Json(
        st.app
            .advance_service_project(&auth.actor, id, &b.on)
            .await?,
    ))
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct SummaryQuery {
    /// Default: the caller's scope (404 out of scope).
    pub(super) org: Option<i64>,
}

/// 组织建设概况 / A level's assessment figures
///
/// For 云中心: last year's published stars by count of stars, the weak list (listed, signed
/// off) and red flags of last year, contact points with this year's visits against those
/// expected, this year's problems with their 办结率, and service-centre projects.
#[utoipa::path(
    get,
    path = "/assessment/summary",
    operation_id = "assessmentSummary",
    tag = "assessment",
    params(SummaryQuery),
    responses((status = 200, description = "The figures.", body = dangjian_service::assessment::summary::AssessmentSummary)),
)]
pub async fn summary(
    State(st): State<AppState>,
    auth: Auth,
    ApiQuery(q): ApiQuery<SummaryQuery>,
) -> ApiResult<Json<dangjian_service::assessment::summary::AssessmentSummary>> {
    Ok(Json(st.app.assessment_summary(&auth.actor, q.org).await?))
}
