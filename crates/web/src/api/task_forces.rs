//! Task forces (党员突击队) over JSON: teams under a parent with their secondments, meetings,
//! deeds and applications made during the mission; a member's teams.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use dangjian_service::task_forces::teams::{
    CloseTaskForceInput, LinkRecruitInput, MemberTaskForce, SecondmentInput, TaskForceDetail,
    TaskForceInput, TaskForceList, TaskForceMeetingInput, TaskForceQuery,
};

use crate::AppState;
use crate::error::ApiResult;
use crate::extract::{ApiJson, ApiPath, ApiQuery};
use crate::session::Auth;

/// 突击队 / Task forces
///
/// Below a level (default the caller's), latest first, 50 a page: open only, started in a
/// year, by mission; with the teams open now and started in the year. Staff only.
#[utoipa::path(
    get,
    path = "/task-forces",
    operation_id = "listTaskForces",
    tag = "task-forces",
    params(TaskForceQuery),
    responses((status = 200, description = "The teams.", body = TaskForceList)),
)]
pub async fn task_forces(
    State(st): State<AppState>,
    auth: Auth,
    ApiQuery(q): ApiQuery<TaskForceQuery>,
) -> ApiResult<Json<TaskForceList>> {
    Ok(Json(st.app.task_forces(&auth.actor, &q).await?))
}

/// 组建突击队 / Open a team
///
/// Under an organization the caller edits (403), for a mission, with a leader below it
/// (`leader_id` `not_found`), seconded from the start to the planned end. Audited as
/// `task_force.open`.
#[utoipa::path(
    post,
    path = "/task-forces",
    operation_id = "openTaskForce",
    tag = "task-forces",
    request_body(content = TaskForceInput, description = "The team."),
    responses((status = 201, description = "The team.", body = TaskForceDetail)),
)]
pub async fn open(
    State(st): State<AppState>,
    auth: Auth,
    ApiJson(b): ApiJson<TaskForceInput>,
) -> ApiResult<(StatusCode, Json<TaskForceDetail>)> {
    Ok((
        StatusCode::CREATED,
        Json(st.app.open_task_force(&auth.actor, &b).await?),
    ))
}

/// 突击队详情 / A team
#[utoipa::path(
    get,
    path = "/task-forces/{id}",
    operation_id = "getTaskForce",
    tag = "task-forces",
    params(("id" = i64, Path, description = "The team.")),
    responses((status = 200, description = "The team.", body = TaskForceDetail)),
)]
pub async fn task_force(
    State(st): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<TaskForceDetail>> {
    Ok(Json(st.app.task_force(&auth.actor, id).await?))
}

/// 抽调队员 / Second a member
///
/// A member below the parent (`member_id` `not_found`, `duplicate`), for a span inside the
/// team's (`from_on` `outside_team`; `to_on` `beyond_team`, `before_start`); they keep their
/// home branch. Audited as `task_force.second`.
#[utoipa::path(
    post,
    path = "/task-forces/{id}/members",
    operation_id = "secondToTaskForce",
    tag = "task-forces",
    params(("id" = i64, Path, description = "The team.")),
    request_body(content = SecondmentInput, description = "The secondment."),
    responses((status = 200, description = "The team.", body = TaskForceDetail)),
)]
pub async fn second(
    State(st): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<i64>,
    ApiJson(b): ApiJson<SecondmentInput>,
) -> ApiResult<Json<TaskForceDetail>> {
    Ok(Json(
        st.app.second_to_task_force(&auth.actor, id, &b).await?,
    ))
}

/// 记录会议 / Record a meeting
///
/// On a day of the team's life, not after today (`held_on` `outside_team`), with the members
/// seconded that day who attended (`attended` `not_seconded`). Audited as
/// `task_force.meeting`.
#[utoipa::path(
    post,
    path = "/task-forces/{id}/meetings",
    operation_id = "recordTaskForceMeeting",
    tag = "task-forces",
    params(("id" = i64, Path, description = "The team.")),
    request_body(content = TaskForceMeetingInput, description = "The meeting."),
    responses((status = 200, description = "The team.", body = TaskForceDetail)),
)]
pub async fn meeting(
    State(st): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<i64>,
    ApiJson(b): ApiJson<TaskForceMeetingInput>,
) -> ApiResult<Json<TaskForceDetail>> {
    Ok(Json(
        st.app
            .record_task_force_meeting(&auth.actor, id, &b)
            .await?,
    ))
}

/// 关联火线入党申请 / Link an application
///
/// An application below the parent made during the mission (`recruit_id` `not_found`,
/// `outside_team`, `linked`). Audited as `task_force.recruit`.
#[utoipa::path(
    post,
    path = "/task-forces/{id}/recruits",
    operation_id = "linkTaskForceRecruit",
    tag = "task-forces",
    params(("id" = i64, Path, description = "The team.")),
    request_body(content = LinkRecruitInput, description = "The application."),
    responses((status = 200, description = "The team.", body = TaskForceDetail)),
)]
pub async fn link_recruit(
    State(st): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<i64>,
    ApiJson(b): ApiJson<LinkRecruitInput>,
) -> ApiResult<Json<TaskForceDetail>> {
    Ok(Json(
        st.app.link_task_force_recruit(&auth.actor, id, &b).await?,
    ))
}

/// 撤销突击队 / Close a team
///
/// On a day from its start to today (`closed_on` `out_of_range`, `closed`); the secondments
/// running past it end on it. Audited as `task_force.close`.
#[utoipa::path(
    post,
    path = "/task-forces/{id}/close",
    operation_id = "closeTaskForce",
    tag = "task-forces",
    params(("id" = i64, Path, description = "The team.")),
    request_body(content = CloseTaskForceInput, description = "Its closing day."),
    responses((status = 200, description = "The team.", body = TaskForceDetail)),
)]
pub async fn close(
    State(st): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<i64>,
    ApiJson(b): ApiJson<CloseTaskForceInput>,
) -> ApiResult<Json<TaskForceDetail>> {
    Ok(Json(st.app.close_task_force(&auth.actor, id, &b).await?))
}

/// 党员参加的突击队 / A member's teams
///
/// The member themselves, or staff who see them.
#[utoipa::path(
    get,
    path = "/members/{id}/task-forces",
    operation_id = "memberTaskForces",
    tag = "task-forces",
    params(("id" = i64, Path, description = "The member.")),
    responses((status = 200, description = "The teams.", body = Vec<MemberTaskForce>)),
)]
pub async fn member_teams(
    State(st): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<Vec<MemberTaskForce>>> {
    Ok(Json(st.app.member_task_forces(&auth.actor, id).await?))
}
