//! 第一书记 and 驻村工作队 over JSON: teams sent to villages with their cadres, rotation and
//! withdrawal, each month's days in the village and work log, leave decided by the level its
//! length calls for, inspections and the yearly grade; a resident cadre's own posting and
//! voluntary check-in.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use dangjian_service::cadres::resident::{
    CadreMonth, EndInput, InspectionInput, JoinInput, Leave, LeaveDecisionInput, LeaveInput,
    MonthInput, MyPosting, ResidentGradeInput, ResidentTeam, TeamInput, TeamList, TeamQuery,
};
use serde::Deserialize;

use crate::AppState;
use crate::error::ApiResult;
use crate::extract::{ApiJson, ApiPath, ApiQuery};
use crate::session::Auth;

/// The year a team's months are shown for.
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct YearQuery {
    /// Default this year.
    pub year: Option<i64>,
}

/// 驻村工作队 / Resident work teams
///
/// Below a level, 50 a page in the tree's order (a village's latest team first), filtered by
/// village or sending unit, in post or withdrawn, and leave waiting for a decision.
#[utoipa::path(
    get,
    path = "/resident-teams",
    operation_id = "listResidentTeams",
    tag = "cadres",
    params(TeamQuery),
    responses((status = 200, description = "The teams.", body = TeamList)),
)]
pub async fn teams(
    State(st): State<AppState>,
    auth: Auth,
    ApiQuery(q): ApiQuery<TeamQuery>,
) -> ApiResult<Json<TeamList>> {
    Ok(Json(st.app.resident_teams(&auth.actor, &q).await?))
}

/// 选派驻村工作队 / Send a team
///
/// To a village without a team in post (422 `team_in_post`): one first secretary and members,
/// 3–5 in all (422 `cadres` `first_secretary` / `team_size`), for 1–3 years (422 `ends_on`
/// `term`); a person posted elsewhere is refused (422 `duplicate`). The town or the district
/// (403). Audited as `resident.dispatch`.
#[utoipa::path(
    post,
    path = "/resident-teams",
    operation_id = "dispatchResidentTeam",
    tag = "cadres",
    request_body(content = TeamInput, description = "The village, the unit, the term and the cadres."),
    responses((status = 201, description = "The team.", body = ResidentTeam)),
)]
pub async fn dispatch(
    State(st): State<AppState>,
    auth: Auth,
    ApiJson(b): ApiJson<TeamInput>,
) -> ApiResult<(StatusCode, Json<ResidentTeam>)> {
    Ok((
        StatusCode::CREATED,
        Json(st.app.dispatch_team(&auth.actor, &b).await?),
    ))
}

/// 工作队详情 / A team
///
/// Its cadres with each month of the year in the village (the recorded days or the
/// check-ins, approved leave, whether the minimum is met, the work log), the absences found
/// and the best grade they allow; leave and inspections; what the caller may do.
#[utoipa::path(
    get,
    path = "/resident-teams/{id}",
    operation_id = "getResidentTeam",
    tag = "cadres",
    params(("id" = i64, Path, description = "The team."), YearQuery),
    responses((status = 200, description = "The team.", body = ResidentTeam)),
)]
pub async fn team(
    State(st): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<i64>,
    ApiQuery(q): ApiQuery<YearQuery>,
) -> ApiResult<Json<ResidentTeam>> {
    Ok(Json(st.app.resident_team(&auth.actor, id, q.year).await?))
}

/// 增派队员 / Add a cadre
///
/// Within the team's size (422 `cadres` `team_size`). Audited as `resident.join`.
#[utoipa::path(
    post,
    path = "/resident-teams/{id}/cadres",
    operation_id = "joinResidentTeam",
    tag = "cadres",
    params(("id" = i64, Path, description = "The team.")),
    request_body(content = JoinInput, description = "Who, in which role, from when."),
    responses((status = 200, description = "The team.", body = ResidentTeam)),
)]
pub async fn join(
    State(st): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<i64>,
    ApiJson(b): ApiJson<JoinInput>,
) -> ApiResult<Json<ResidentTeam>> {
    Ok(Json(st.app.join_team(&auth.actor, id, &b).await?))
}

/// 撤回工作队 / Withdraw a team
///
/// Every posting ends on the day. Audited as `resident.withdraw`.
#[utoipa::path(
    post,
    path = "/resident-teams/{id}/withdraw",
    operation_id = "withdrawResidentTeam",
    tag = "cadres",
    params(("id" = i64, Path, description = "The team.")),
    request_body(content = EndInput, description = "The day."),
    responses((status = 200, description = "The team.", body = ResidentTeam)),
)]
pub async fn withdraw(
    State(st): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<i64>,
    ApiJson(b): ApiJson<EndInput>,
) -> ApiResult<Json<ResidentTeam>> {
    Ok(Json(st.app.withdraw_team(&auth.actor, id, &b).await?))
}

/// 督查 / Record an inspection
///
/// The cadres of the team not found in the village that day (422 `absent` `not_in_team`);
/// an absence is excused when approved leave covers the day. The town or the district.
/// Audited as `resident.inspect`.
#[utoipa::path(
    post,
    path = "/resident-teams/{id}/inspections",
    operation_id = "inspectResidentTeam",
    tag = "cadres",
    params(("id" = i64, Path, description = "The team.")),
    request_body(content = InspectionInput, description = "The day, who was absent, a note."),
    responses((status = 200, description = "The team.", body = ResidentTeam)),
)]
pub async fn inspect(
    State(st): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<i64>,
    ApiJson(b): ApiJson<InspectionInput>,
) -> ApiResult<Json<ResidentTeam>> {
    Ok(Json(st.app.inspect_team(&auth.actor, id, &b).await?))
}

/// 轮换 / Rotate a cadre
///
/// Another person takes the cadre's role from the day. Audited as `resident.rotate`.
#[utoipa::path(
    post,
    path = "/resident-cadres/{id}/rotate",
    operation_id = "rotateResidentCadre",
    tag = "cadres",
    params(("id" = i64, Path, description = "The cadre.")),
    request_body(content = JoinInput, description = "Who comes, from when (the role is the leaver's)."),
    responses((status = 200, description = "The team.", body = ResidentTeam)),
)]
pub async fn rotate(
    State(st): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<i64>,
    ApiJson(b): ApiJson<JoinInput>,
) -> ApiResult<Json<ResidentTeam>> {
    Ok(Json(st.app.rotate_cadre(&auth.actor, id, &b).await?))
}

/// 离队 / End a posting
///
/// Without replacement, while the team keeps its size and its first secretary (422 `cadres`).
/// Audited as `resident.leave_team`.
#[utoipa::path(
    post,
    path = "/resident-cadres/{id}/end",
    operation_id = "endResidentCadre",
    tag = "cadres",
    params(("id" = i64, Path, description = "The cadre.")),
    request_body(content = EndInput, description = "The day."),
    responses((status = 200, description = "The team.", body = ResidentTeam)),
)]
pub async fn leave_team(
    State(st): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<i64>,
    ApiJson(b): ApiJson<EndInput>,
) -> ApiResult<Json<ResidentTeam>> {
    Ok(Json(st.app.leave_team(&auth.actor, id, &b).await?))
}

/// 在村天数与工作纪实 / Record a month
///
/// The days in the village (none: the check-ins count), at most the month's days (422
/// `days`), and the work log. The village, the town, the district or the team's first
/// secretary; the cadre writes their own log (a figure from them: 422 `leader_records`).
/// Audited as `resident.month`.
#[utoipa::path(
    put,
    path = "/resident-cadres/{id}/months/{month}",
    operation_id = "recordResidentMonth",
    tag = "cadres",
    params(("id" = i64, Path, description = "The cadre."), ("month" = String, Path, description = "YYYY-MM")),
    request_body(content = MonthInput, description = "Days and log."),
    responses((status = 200, description = "The month as counted.", body = CadreMonth)),
)]
pub async fn month(
    State(st): State<AppState>,
    auth: Auth,
    ApiPath((id, month)): ApiPath<(i64, String)>,
    ApiJson(b): ApiJson<MonthInput>,
) -> ApiResult<Json<CadreMonth>> {
    Ok(Json(
        st.app.record_month(&auth.actor, id, &month, &b).await?,
    ))
}

/// 请假 / Ask leave
///
/// By the cadre's own account or by the village, town or district; the level that decides it
/// follows from its length (`town` up to 3 days by default, else `district`). Overlapping
/// leave is refused (422 `overlap`). Audited as `resident.leave`.
#[utoipa::path(
    post,
    path = "/resident-cadres/{id}/leaves",
    operation_id = "requestResidentLeave",
    tag = "cadres",
    params(("id" = i64, Path, description = "The cadre.")),
    request_body(content = LeaveInput, description = "From, to, why."),
    responses((status = 201, description = "The request.", body = Leave)),
)]
pub async fn request_leave(
    State(st): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<i64>,
    ApiJson(b): ApiJson<LeaveInput>,
) -> ApiResult<(StatusCode, Json<Leave>)> {
    Ok((
        StatusCode::CREATED,
        Json(st.app.request_leave(&auth.actor, id, &b).await?),
    ))
}

/// 审批请假 / Decide leave
///
/// The town decides short leave, the district any: another level is refused (422 `level`
/// `wrong_level`); once (422 `decided`). Audited as `resident.leave_decision`.
#[utoipa::path(
    post,
    path = "/resident-leaves/{id}/decision",
    operation_id = "decideResidentLeave",
    tag = "cadres",
    params(("id" = i64, Path, description = "The leave.")),
    request_body(content = LeaveDecisionInput, description = "Approve or refuse."),
    responses((status = 200, description = "The leave.", body = Leave)),
)]
pub async fn decide_leave(
    State(st): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<i64>,
    ApiJson(b): ApiJson<LeaveDecisionInput>,
) -> ApiResult<Json<Leave>> {
    Ok(Json(st.app.decide_leave(&auth.actor, id, &b).await?))
}

/// 年度考核 / Grade a year
///
/// By the district; no better than the year's unexcused absences allow (one: no 优秀; two:
/// at best 基本称职; three: 不称职; 422 `grade` `absences`). Audited as `resident.grade`.
#[utoipa::path(
    post,
    path = "/resident-cadres/{id}/grade",
    operation_id = "gradeResidentCadre",
    tag = "cadres",
    params(("id" = i64, Path, description = "The cadre.")),
    request_body(content = ResidentGradeInput, description = "Year and grade."),
    responses((status = 200, description = "The team, in that year.", body = ResidentTeam)),
)]
pub async fn grade(
    State(st): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<i64>,
    ApiJson(b): ApiJson<ResidentGradeInput>,
) -> ApiResult<Json<ResidentTeam>> {
    Ok(Json(st.app.grade_cadre(&auth.actor, id, &b).await?))
}

/// 我的驻村 / My posting
///
/// The caller's posting as a resident cadre with this month so far, or null.
#[utoipa::path(
    get,
    path = "/me/residency",
    operation_id = "getMyResidency",
    tag = "cadres",
    responses((status = 200, description = "The posting, or null.", body = Option<MyPosting>)),
)]
pub async fn mine(State(st): State<AppState>, auth: Auth) -> ApiResult<Json<Option<MyPosting>>> {
    Ok(Json(st.app.my_posting(&auth.actor).await?))
}

/// 今日在村 / Check in today
///
/// Voluntary, for a resident cadre in post only (403 for anyone else), once a day (a second
/// changes nothing). No location, no photo. Audited as `resident.check_in`.
#[utoipa::path(
    post,
    path = "/me/residency/check-in",
    operation_id = "residencyCheckIn",
    tag = "cadres",
    responses((status = 200, description = "The posting.", body = MyPosting)),
)]
pub async fn check_in(State(st): State<AppState>, auth: Auth) -> ApiResult<Json<MyPosting>> {
    Ok(Json(st.app.resident_check_in(&auth.actor).await?))
}
