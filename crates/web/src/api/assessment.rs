//! 星级评定 over JSON: the district's schemes, a level's board, one organization's sheet and
//! its moves, publication, objections and their answers.

use axum::Json;
use axum::extract::State;
use axum::response::Response;
use dangjian_service::assessment::stars::BoardQuery;
use dangjian_service::assessment::{SchemeInput, StarBoard, StarInput, StarScheme, StarSheet};
use dangjian_service::today;
use serde::{Deserialize, Serialize};

use crate::AppState;
use crate::error::ApiResult;
use crate::extract::{ApiJson, ApiPath, ApiQuery};
use crate::session::Auth;

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct YearQuery {
    /// The rating year 评定年度. Default: the current year (China Standard Time).
    year: Option<i64>,
}

fn year_of(q: Option<i64>) -> i64 {
    q.unwrap_or_else(|| i64::from(today().year()))
}

/// 星级评定方案 / The schemes
///
/// Every scheme the district keeps, newest year and version first: indicators, items with
/// their points and rules (manual, computed from a named source of records, or a deduction
/// per unit), tiers, the organizations' own scoring window and the days of publication. Any
/// user who reads the registry.
#[utoipa::path(
    get,
    path = "/star-schemes",
    operation_id = "listStarSchemes",
    tag = "assessment",
    responses((status = 200, description = "The schemes.", body = Vec<StarScheme>)),
)]
pub async fn schemes(State(st): State<AppState>, auth: Auth) -> ApiResult<Json<Vec<StarScheme>>> {
    Ok(Json(st.app.star_schemes(&auth.actor).await?))
}

/// Body of POST /star-schemes.
#[derive(Deserialize, utoipa::ToSchema)]
pub struct SchemeBody {
    /// The year the scheme rates, from 2000 to next year (422 `invalid_year`).
    year: i64,
    /// A new version even when the current one can still change. A current version that is
    /// fixed (someone scored against it) is refused with 422 `fixed` unless this is true.
    #[serde(default)]
    new_version: bool,
    #[serde(flatten)]
    input: SchemeInput,
}

/// 制定或修改方案 / Write a year's scheme
///
/// The first version of a year's scheme (absent fields take the defaults: the scheme of 110
/// points over 8 indicators, scoring from 1 December for 10 days, 5 days of publication), a
/// change of the current version while nobody has scored against it, or with `new_version`
/// a new version that ratings started afterwards are scored against. An unsound scheme is
/// refused naming the field (`indicators`, `items`, `tiers`; also `self_opens_on`,
/// `self_days`, `publish_days`). District organization department only (403). Audited as
/// `star.scheme`.
#[utoipa::path(
    post,
    path = "/star-schemes",
    operation_id = "saveStarScheme",
    tag = "assessment",
    request_body(content = SchemeBody, description = "The year, and the scheme's fields to set."),
    responses((status = 200, description = "The scheme as stored.", body = StarScheme)),
)]
pub async fn save_scheme(
    State(st): State<AppState>,
    auth: Auth,
    ApiJson(b): ApiJson<SchemeBody>,
) -> ApiResult<Json<StarScheme>> {
    Ok(Json(
        st.app
            .save_star_scheme(&auth.actor, b.year, &b.input, b.new_version)
            .await?,
    ))
}

/// 星级评定一览 / A level's ratings
///
/// The grassroots organizations (党委, 党总支, 党支部, 联合支部) inside `org` (default: the
/// caller's scope; out of scope: 404) with their rating of the year, 50 a page in tree order,
/// filtered by `state` (`none` for those not started); counts by state, confirmed and
/// published ratings by stars with the scheme's expected share (guidance, never a cap),
/// unanswered objections, and last year's stars of each.
#[utoipa::path(
    get,
    path = "/stars",
    operation_id = "starBoard",
    tag = "assessment",
    params(BoardQuery),
    responses((status = 200, description = "The board.", body = StarBoard)),
)]
pub async fn board(
    State(st): State<AppState>,
    auth: Auth,
    ApiQuery(q): ApiQuery<BoardQuery>,
) -> ApiResult<Json<StarBoard>> {
    Ok(Json(st.app.star_board(&auth.actor, &q).await?))
}

/// 导出星级评定 / A level's ratings as xlsx
///
/// Every grassroots organization inside `org` with its score of every item; those that have
/// not submitted with what their records give now (computed for the whole level in one
/// pass), each computed item with its figure. Audited as an export; a member account: 403.
#[utoipa::path(
    get,
    path = "/stars.xlsx",
    operation_id = "exportStars",
    tag = "assessment",
    params(BoardQuery),
    responses((status = 200, description = "xlsx", content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", body = super::body::FileBody)),
)]
pub async fn export(
    State(st): State<AppState>,
    auth: Auth,
    ApiQuery(q): ApiQuery<BoardQuery>,
) -> ApiResult<Response> {
    let org = match q.org {
        Some(id) => id,
        None => auth.actor.scope_org_id,
    };
    let e = st
        .app
        .export_stars(&auth.actor, org, year_of(q.year))
        .await?;
    Ok(crate::export::stars(&e)?)
}

/// 组织的星级评定表 / One organization's sheet
///
/// One grassroots organization's rating for a year (out of scope: 404; not a grassroots
/// organization: 422 `not_rated`; no scheme for the year: 422 `no_scheme`): every item with
/// its points, rule, the figure a computed item rests on ("三会一课：应开 24 次，按时开 22
/// 次") and its score at each stage with the reasons given; the total and stars; the stage
/// the caller scores now and the moves open to them; its stars by year with their trend;
/// objections. Before the organization saved anything, `rating` is null and the sheet is the
/// preview its records give.
#[utoipa::path(
    get,
    path = "/stars/{org_id}",
    operation_id = "getStarSheet",
    tag = "assessment",
    params(("org_id" = i64, Path, description = "The organization."), YearQuery),
    responses((status = 200, description = "The sheet.", body = StarSheet)),
)]
pub async fn sheet(
    State(st): State<AppState>,
    auth: Auth,
    ApiPath(org_id): ApiPath<i64>,
    ApiQuery(q): ApiQuery<YearQuery>,
) -> ApiResult<Json<StarSheet>> {
    Ok(Json(
        st.app
            .star_sheet(&auth.actor, org_id, year_of(q.year))
            .await?,
    ))
}

/// 评分与流转 / Score and move a rating
///
/// Writes the scores of the current stage and makes one move: `save` (scores only), `submit`
/// (the organization, in its window: 422 `window_closed` outside it; every manual and
/// deduction item scored: 422 `incomplete`), `review` or `return` with a `reason` (the town),
/// `confirm` (the district). A score above the item's points or below zero: 422
/// `out_of_range` on `score`; negative units: `units`; a score differing from the computed
/// figure or from the stage before without a reason: 422 `reason_required` on `reason`;
/// an unknown item: `unknown_item` on `scores`. Someone else moved it meanwhile: 422
/// `conflict`. A stage not the caller's: 403. Nothing is stored on any refusal. Audited as
/// `star.<action>`.
#[utoipa::path(
    post,
    path = "/stars/{org_id}",
    operation_id = "actOnStars",
    tag = "assessment",
    params(("org_id" = i64, Path, description = "The organization."), YearQuery),
    request_body(content = StarInput, description = "The move and the scores of the current stage."),
    responses((status = 200, description = "The sheet after the move.", body = StarSheet)),
)]
pub async fn act(
    State(st): State<AppState>,
    auth: Auth,
    ApiPath(org_id): ApiPath<i64>,
    ApiQuery(q): ApiQuery<YearQuery>,
    ApiJson(b): ApiJson<StarInput>,
) -> ApiResult<Json<StarSheet>> {
    Ok(Json(
        st.app
            .act_on_stars(&auth.actor, org_id, year_of(q.year), &b)
            .await?,
    ))
}

/// Body of POST /stars/publish.
#[derive(Deserialize, utoipa::ToSchema)]
pub struct StarPublishBody {
    /// The level whose confirmed ratings are published (out of scope: 404).
    org_id: i64,
    year: Option<i64>,
}

#[derive(Serialize, utoipa::ToSchema)]
pub struct Published {
    /// Ratings published now.
    published: i64,
}

/// 公示评定结果 / Publish confirmed ratings
///
/// Publishes every confirmed rating of the year inside the level; objections are taken for
/// the scheme's days of publication. None confirmed: 422 `nothing_to_publish`. District
/// organization department only (403). Audited as `star.publish`.
#[utoipa::path(
    post,
    path = "/stars/publish",
    operation_id = "publishStars",
    tag = "assessment",
    request_body(content = StarPublishBody, description = "The level and the year."),
    responses((status = 200, description = "How many were published.", body = Published)),
)]
pub async fn publish(
    State(st): State<AppState>,
    auth: Auth,
    ApiJson(b): ApiJson<StarPublishBody>,
) -> ApiResult<Json<Published>> {
    let published = st
        .app
        .publish_stars(&auth.actor, b.org_id, year_of(b.year))
        .await?;
    Ok(Json(Published { published }))
}

/// Body of an objection.
#[derive(Deserialize, utoipa::ToSchema)]
pub struct ObjectionBody {
    /// 1–1000 characters (422 `required`, `too_long`).
    content: String,
}

/// Body of an answer to an objection.
#[derive(Deserialize, utoipa::ToSchema)]
pub struct AnswerBody {
    /// 1–1000 characters (422 `required`, `too_long`).
    answer: String,
}

/// 提出异议 / Object to a published rating
///
/// Records an objection to a rating while it is published (else 422 `not_in_publication` on
/// `content`), by any user who reads the organization. Audited as `star.object`.
#[utoipa::path(
    post,
    path = "/star-ratings/{id}/objections",
    operation_id = "objectToStars",
    tag = "assessment",
    params(("id" = i64, Path, description = "The rating.")),
    request_body(content = ObjectionBody, description = "The objection."),
    responses((status = 200, description = "The sheet with the objection.", body = StarSheet)),
)]
pub async fn object(
    State(st): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<i64>,
    ApiJson(b): ApiJson<ObjectionBody>,
) -> ApiResult<Json<StarSheet>> {
    Ok(Json(
        st.app.object_to_stars(&auth.actor, id, &b.content).await?,
    ))
}

/// 答复异议 / Answer an objection
///
/// The district's answer, once (422 `answered`). District organization department only (403).
/// Audited as `star.answer`.
#[utoipa::path(
    post,
    path = "/star-objections/{id}/answer",
    operation_id = "answerStarObjection",
    tag = "assessment",
    params(("id" = i64, Path, description = "The objection.")),
    request_body(content = AnswerBody, description = "The answer."),
    responses((status = 200, description = "The sheet with the answer.", body = StarSheet)),
)]
pub async fn answer(
    State(st): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<i64>,
    ApiJson(b): ApiJson<AnswerBody>,
) -> ApiResult<Json<StarSheet>> {
    Ok(Json(
        st.app
            .answer_star_objection(&auth.actor, id, &b.answer)
            .await?,
    ))
}
