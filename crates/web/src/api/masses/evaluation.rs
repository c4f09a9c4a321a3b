//! 三评, 一公开 over JSON: periods, responses, results per branch or community, publication,
//! and the published results under /public.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use dangjian_domain::evaluation::PeriodInput;
use dangjian_service::masses::EvaluationPeriod;
use dangjian_service::masses::evaluation::{PublishedResults, ResponseInput, Results};
use serde::{Deserialize, Serialize};

use crate::AppState;
use crate::api::body::Created;
use crate::error::ApiResult;
use crate::extract::{ApiJson, ApiPath, ApiQuery};
use crate::session::Auth;

#[derive(Serialize, utoipa::ToSchema)]
pub struct Periods {
    items: Vec<EvaluationPeriod>,
}

/// 三评 / Evaluation periods
///
/// The periods that concern the caller's subtree: opened for an org inside it or for one of the
/// orgs above it (a branch sees its town's and the district's periods). Latest `starts_on`
/// first, not paged.
#[utoipa::path(
    get,
    path = "/evaluations",
    operation_id = "listEvaluations",
    tag = "evaluations",
    responses((status = 200, description = "The periods.", body = Periods)),
)]
pub async fn list(State(st): State<AppState>, auth: Auth) -> ApiResult<Json<Periods>> {
    let items = st.app.evaluation_periods(&auth.actor).await?;
    Ok(Json(Periods { items }))
}

/// Body of POST /evaluations.
#[derive(Deserialize, utoipa::ToSchema)]
pub struct NewPeriod {
    /// The org whose subtree is evaluated (a town, or the district); unknown or out of scope:
    /// 404.
    org_id: i64,
    #[serde(flatten)]
    period: PeriodInput,
}

/// 组织三评 / Open a period
///
/// A period of evaluation for the subtree of `org_id`. Town (镇街) and district admins only (403
/// for other roles); an `org_id` that is unknown or out of scope answers 404. 422: `required`
/// on `name` (1–50 characters), `invalid_date` on `starts_on` / `ends_on`, `before_start` on
/// `ends_on`, `too_many` on `questions` (at most 10, each at most 60 characters). Responses are
/// taken from `starts_on` through `ends_on`, both included (dates in UTC+8). Audited as
/// `evaluation.period`.
#[utoipa::path(
    post,
    path = "/evaluations",
    operation_id = "createEvaluation",
    tag = "evaluations",
    request_body(content = NewPeriod),
    responses((status = 201, description = "Opened.", body = Created)),
)]
pub async fn create(
    State(st): State<AppState>,
    auth: Auth,
    ApiJson(b): ApiJson<NewPeriod>,
) -> ApiResult<(StatusCode, Json<Created>)> {
    let id = st
        .app
        .create_evaluation_period(&auth.actor, b.org_id, &b.period)
        .await?;
    Ok((StatusCode::CREATED, Json(Created { id })))
}

#[derive(Deserialize, Default, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(default)]
pub struct OrgQuery {
    /// The org to read; default the caller's home org.
    org: Option<i64>,
}

/// 三评结果 / Results of a branch or community
///
/// `org` (default: the caller's home org, i.e. the scope org, or a member's own branch) must be
/// in the caller's scope and the period must concern the caller's subtree; 404 otherwise, like
/// an unknown id. For a branch (`branch`, `joint_branch`) or an open village or community org:
/// `questions` with the count of each answer and the average, and `members`, every member under
/// the org with each rater's count and average, the weighted average (households 50 %, peers 25
/// %, the organization 25 %; a rater without responses is left out and the others count in
/// proportion), the `band` and `flagged`. For any other org (a town, the district): `children`
/// lists the open orgs directly below it, where results are read, and `questions` and `members`
/// are empty. Averages are in hundredths of a point (`435` = 4.35). Comments are never
/// answered.
#[utoipa::path(
    get,
    path = "/evaluations/{id}/results",
    operation_id = "evaluationResults",
    tag = "evaluations",
    params(("id" = i64, Path, description = "Evaluation period id."), OrgQuery),
    responses((status = 200, description = "The results.", body = Results)),
)]
pub async fn results(
    State(st): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<i64>,
    ApiQuery(q): ApiQuery<OrgQuery>,
) -> ApiResult<Json<Results>> {
    Ok(Json(
        st.app.evaluation_results(&auth.actor, id, q.org).await?,
    ))
}

/// 评价党员 / Record a response
///
/// One form about one member from one rater, while the period is open. `household` 群众评: a
/// household's paper form, entered by staff who edit members where the household is registered
/// (the community's staff or above); `household_id` 422 `required`, or `unknown` for a
/// household that does not exist or lies outside the caller's editing scope; the member must
/// have been responsible for the household, or done a confirmed deed for it, during the period
/// (`no_pairing`). `peer` 党员互评: from the caller's own member account (403 for an account
/// without a member record), about a member of the same branch (`not_peer`). `organization`
/// 组织评: by staff who edit the member's branch (`not_organization`). Other 422 codes:
/// `invalid_choice` on `rater`; `unknown_member` on `member_id` (unknown, departed, or outside
/// the period's subtree); `incomplete` (not one answer per question) and `invalid_choice` on
/// `answers`; `too_long` on `comment`; `closed` (before `starts_on` or after `ends_on`) and
/// `self` (about oneself) on `rater`; `duplicate` on `member_id` (each household, peer and
/// branch answers once per member and period). When at least 3 households have answered about a
/// member and their average is below 3.00, a reminder of kind `evaluation_poor` goes to the
/// member's branch, once per period and member. Audited as `evaluation.response`.
#[utoipa::path(
    post,
    path = "/evaluations/{id}/responses",
    operation_id = "respondToEvaluation",
    tag = "evaluations",
    params(("id" = i64, Path, description = "Evaluation period id.")),
    request_body(content = ResponseInput),
    responses((status = 201, description = "Recorded; no body.")),
)]
pub async fn respond(
    State(st): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<i64>,
    ApiJson(b): ApiJson<ResponseInput>,
) -> ApiResult<StatusCode> {
    st.app.evaluate(&auth.actor, id, &b).await?;
    Ok(StatusCode::CREATED)
}

#[derive(Deserialize, utoipa::ToSchema)]
pub struct PublishBody {
    org_id: i64,
}

/// 结果公开 / Publish results (一公开)
///
/// Opens the results of `org_id` to everyone: GET /public/evaluations/{id}/{org} and the page
/// `/e/{id}/{org}`. `org_id` must be a branch or an open village or community org inside the
/// period's subtree (422 `not_a_result_level`); a village's or community's publication also
/// opens the branches under it. Village, town and district admins within their scope (403 for
/// other roles; an `org_id` out of scope 404). The same org twice: 422 `published`. There is no
/// unpublishing. Audited as `evaluation.publish`.
#[utoipa::path(
    post,
    path = "/evaluations/{id}/publications",
    operation_id = "publishEvaluation",
    tag = "evaluations",
    params(("id" = i64, Path, description = "Evaluation period id.")),
    request_body(content = PublishBody),
    responses((status = 204, description = "Published.")),
)]
pub async fn publish(
    State(st): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<i64>,
    ApiJson(b): ApiJson<PublishBody>,
) -> ApiResult<StatusCode> {
    st.app.publish_evaluation(&auth.actor, id, b.org_id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// 三评公开 / Published results
///
/// No login. The results of a branch or a village or community once it, or an org above it,
/// published them: per question the count of each answer and the average; per member the name,
/// the branch and the band, nothing else (no ids, no scores per rater, no comments). A period
/// or org that is unknown, unpublished, outside the period's subtree, or not a branch, village
/// or community answers 404, all alike. The page `/e/{id}/{org}` shows the same to browsers.
#[utoipa::path(
    get,
    path = "/public/evaluations/{id}/{org}",
    operation_id = "publishedEvaluation",
    tag = "public",
    params(("id" = i64, Path, description = "Evaluation period id."), ("org" = i64, Path, description = "A branch, village or community org.")),
    responses((status = 200, description = "The published results.", body = PublishedResults)),
)]
pub async fn public(
    State(st): State<AppState>,
    ApiPath((id, org)): ApiPath<(i64, i64)>,
) -> ApiResult<Json<PublishedResults>> {
    let r = st.app.public_evaluation(id, org).await?;
    Ok(Json(r.published()))
}
