//! Talents over JSON: talent records and the "百千万" programme's targets against what the
//! records count, promotions with the work recognised, and mentor studios with their
//! apprentices and yearly assessment.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use dangjian_service::cadres::talent::{
    ApprenticeInput, FinishInput, Programme, ProgrammeQuery, ProgrammeTargetInput, Promotion,
    PromotionInput, PromotionList, PromotionQuery, StudioDetail, StudioGradeInput, StudioInput,
    StudioList, StudioQuery, Talent, TalentInput, TalentList, TalentQuery,
};

use super::residents::YearQuery;
use crate::AppState;
use crate::error::ApiResult;
use crate::extract::{ApiJson, ApiPath, ApiQuery};
use crate::session::Auth;

/// 人才 / Talents
///
/// Below a level, 50 a page, latest recognised first, filtered by category, "百千万" line,
/// origin (introduced or cultivated), year and the start of a name.
#[utoipa::path(
    get,
    path = "/talents",
    operation_id = "listTalents",
    tag = "cadres",
    params(TalentQuery),
    responses((status = 200, description = "The talents.", body = TalentList)),
)]
pub async fn talents(
    State(st): State<AppState>,
    auth: Auth,
    ApiQuery(q): ApiQuery<TalentQuery>,
) -> ApiResult<Json<TalentList>> {
    Ok(Json(st.app.talents(&auth.actor, &q).await?))
}

/// 登记人才 / Record a talent
///
/// A member or a person by ID number, kept by an organization the caller manages (town or
/// district, 403); one record per person and category (422 `category` `duplicate`). Audited
/// as `talent.add`.
#[utoipa::path(
    post,
    path = "/talents",
    operation_id = "addTalent",
    tag = "cadres",
    request_body(content = TalentInput, description = "Who, which category and line, where from, field and employer."),
    responses((status = 201, description = "The record.", body = Talent)),
)]
pub async fn add_talent(
    State(st): State<AppState>,
    auth: Auth,
    ApiJson(b): ApiJson<TalentInput>,
) -> ApiResult<(StatusCode, Json<Talent>)> {
    Ok((
        StatusCode::CREATED,
        Json(st.app.add_talent(&auth.actor, &b).await?),
    ))
}

/// 人才详情 / A talent
///
/// A record the caller reads (else 404).
#[utoipa::path(
    get,
    path = "/talents/{id}",
    operation_id = "getTalent",
    tag = "cadres",
    params(("id" = i64, Path, description = "The talent.")),
    responses((status = 200, description = "The record.", body = Talent)),
)]
pub async fn talent(
    State(st): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<Talent>> {
    Ok(Json(st.app.talent(&auth.actor, id).await?))
}

/// "百千万"人才计划 / The programme
///
/// A cycle's targets by line against the talents counted from the records (each year of the
/// cycle), for the level and each child; high-end talents introduced and new high-skill talents
/// by year.
#[utoipa::path(
    get,
    path = "/talent-programme",
    operation_id = "getTalentProgramme",
    tag = "cadres",
    params(ProgrammeQuery),
    responses((status = 200, description = "The programme.", body = Programme)),
)]
pub async fn programme(
    State(st): State<AppState>,
    auth: Auth,
    ApiQuery(q): ApiQuery<ProgrammeQuery>,
) -> ApiResult<Json<Programme>> {
    Ok(Json(st.app.talent_programme(&auth.actor, &q).await?))
}

/// 设定计划目标 / Set a target
///
/// An organization's target for a line and cycle (the district; 403), 0–10,000 or null to
/// clear; the cycle's first year (422 `cycle_start`). Audited as `talent.target`.
#[utoipa::path(
    put,
    path = "/talent-programme/targets",
    operation_id = "setTalentTarget",
    tag = "cadres",
    request_body(content = ProgrammeTargetInput, description = "Organization, line, cycle, target."),
    responses((status = 200, description = "The programme of the organization's parent.", body = Programme)),
)]
pub async fn set_target(
    State(st): State<AppState>,
    auth: Auth,
    ApiJson(b): ApiJson<ProgrammeTargetInput>,
) -> ApiResult<Json<Programme>> {
    Ok(Json(st.app.set_programme_target(&auth.actor, &b).await?))
}

/// 提拔使用 / Promotions
///
/// Below a level, 50 a page, latest first, with the counts by year and the work recognised.
#[utoipa::path(
    get,
    path = "/promotions",
    operation_id = "listPromotions",
    tag = "cadres",
    params(PromotionQuery),
    responses((status = 200, description = "The promotions.", body = PromotionList)),
)]
pub async fn promotions(
    State(st): State<AppState>,
    auth: Auth,
    ApiQuery(q): ApiQuery<PromotionQuery>,
) -> ApiResult<Json<PromotionList>> {
    Ok(Json(st.app.promotions(&auth.actor, &q).await?))
}

/// 登记提拔 / Record a promotion
///
/// The work recognised from the district's list (422 `recognised_work`). Audited as
/// `talent.promotion`.
#[utoipa::path(
    post,
    path = "/promotions",
    operation_id = "addPromotion",
    tag = "cadres",
    request_body(content = PromotionInput, description = "Who, when, from which post to which, for what work."),
    responses((status = 201, description = "The promotion.", body = Promotion)),
)]
pub async fn add_promotion(
    State(st): State<AppState>,
    auth: Auth,
    ApiJson(b): ApiJson<PromotionInput>,
) -> ApiResult<(StatusCode, Json<Promotion>)> {
    Ok((
        StatusCode::CREATED,
        Json(st.app.add_promotion(&auth.actor, &b).await?),
    ))
}

/// 人才导师工作室 / Mentor studios
///
/// Below a level, 50 a page, with apprentices now and in all; the level's totals.
#[utoipa::path(
    get,
    path = "/studios",
    operation_id = "listStudios",
    tag = "cadres",
    params(StudioQuery),
    responses((status = 200, description = "The studios.", body = StudioList)),
)]
pub async fn studios(
    State(st): State<AppState>,
    auth: Auth,
    ApiQuery(q): ApiQuery<StudioQuery>,
) -> ApiResult<Json<StudioList>> {
    Ok(Json(st.app.studios(&auth.actor, &q).await?))
}

/// 命名工作室 / Name a studio
///
/// For a cycle (3 years, data). A master with a studio open (422 `duplicate`) or whose studio
/// failed within the barred years (422 `barred`) is refused. Audited as `studio.open`.
#[utoipa::path(
    post,
    path = "/studios",
    operation_id = "openStudio",
    tag = "cadres",
    request_body(content = StudioInput, description = "Name, master, field, host unit, day."),
    responses((status = 201, description = "The studio.", body = StudioDetail)),
)]
pub async fn open_studio(
    State(st): State<AppState>,
    auth: Auth,
    ApiJson(b): ApiJson<StudioInput>,
) -> ApiResult<(StatusCode, Json<StudioDetail>)> {
    Ok((
        StatusCode::CREATED,
        Json(st.app.open_studio(&auth.actor, &b).await?),
    ))
}

/// 工作室详情 / A studio
///
/// Apprentices, assessments, and the year's apprentices and graduates against the minimums
/// with the best grade they allow.
#[utoipa::path(
    get,
    path = "/studios/{id}",
    operation_id = "getStudio",
    tag = "cadres",
    params(("id" = i64, Path, description = "The studio."), YearQuery),
    responses((status = 200, description = "The studio.", body = StudioDetail)),
)]
pub async fn studio(
    State(st): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<i64>,
    ApiQuery(q): ApiQuery<YearQuery>,
) -> ApiResult<Json<StudioDetail>> {
    Ok(Json(st.app.studio(&auth.actor, id, q.year).await?))
}

/// 招收学徒 / Take an apprentice
///
/// One studio at a time (422 `duplicate`), not before the studio was named. Audited as
/// `studio.apprentice`.
#[utoipa::path(
    post,
    path = "/studios/{id}/apprentices",
    operation_id = "addApprentice",
    tag = "cadres",
    params(("id" = i64, Path, description = "The studio.")),
    request_body(content = ApprenticeInput, description = "Who and since when."),
    responses((status = 200, description = "The studio.", body = StudioDetail)),
)]
pub async fn add_apprentice(
    State(st): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<i64>,
    ApiJson(b): ApiJson<ApprenticeInput>,
) -> ApiResult<Json<StudioDetail>> {
    Ok(Json(st.app.add_apprentice(&auth.actor, id, &b).await?))
}

/// 学徒出师 / Finish an apprenticeship
///
/// As a high-skill graduate or not; once (422 `finished`). Audited as `studio.finish`.
#[utoipa::path(
    post,
    path = "/apprentices/{id}/finish",
    operation_id = "finishApprentice",
    tag = "cadres",
    params(("id" = i64, Path, description = "The apprentice.")),
    request_body(content = FinishInput, description = "The day and whether graduated."),
    responses((status = 200, description = "The studio.", body = StudioDetail)),
)]
pub async fn finish_apprentice(
    State(st): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<i64>,
    ApiJson(b): ApiJson<FinishInput>,
) -> ApiResult<Json<StudioDetail>> {
    Ok(Json(st.app.finish_apprentice(&auth.actor, id, &b).await?))
}

/// 工作室年度考核 / Assess a studio
///
/// By the district; no better than the year's records allow (422 `grade` `records`), 优秀
/// within the district's share (20%; 422 `excellent_share`); 不合格 closes the studio. Audited
/// as `studio.assess`.
#[utoipa::path(
    post,
    path = "/studios/{id}/assessment",
    operation_id = "assessStudio",
    tag = "cadres",
    params(("id" = i64, Path, description = "The studio.")),
    request_body(content = StudioGradeInput, description = "Year and grade."),
    responses((status = 200, description = "The studio.", body = StudioDetail)),
)]
pub async fn assess_studio(
    State(st): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<i64>,
    ApiJson(b): ApiJson<StudioGradeInput>,
) -> ApiResult<Json<StudioDetail>> {
    Ok(Json(st.app.assess_studio(&auth.actor, id, &b).await?))
}
