//! Volunteer service over JSON: activities with sign-ups and confirmed hours, the
//! person-times and hours of a level, a member's own record and the stars' hours.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use dangjian_domain::volunteers::VolunteerRules;
use dangjian_service::volunteers::activities::{
    Activity, ActivityDetail, ActivityInput, ActivityList, ActivityQuery, ConfirmInput, Signup,
    SignupInput,
};
use dangjian_service::volunteers::record::{
    RecordQuery, SummaryQuery, VolunteerRecord, VolunteerSummary,
};

use crate::AppState;
use crate::error::ApiResult;
use crate::extract::{ApiJson, ApiPath, ApiQuery};
use crate::session::Auth;

/// 志愿活动 / Activities
///
/// Staff: the activities organized below a level (default their own), latest first, 50 a
/// page, by category, state and dates. A member: those of their branch and the levels above.
#[utoipa::path(
    get,
    path = "/volunteers/activities",
    operation_id = "listVolunteerActivities",
    tag = "volunteers",
    params(ActivityQuery),
    responses((status = 200, description = "The activities.", body = ActivityList)),
)]
pub async fn activities(
    State(st): State<AppState>,
    auth: Auth,
    ApiQuery(q): ApiQuery<ActivityQuery>,
) -> ApiResult<Json<ActivityList>> {
    Ok(Json(st.app.volunteer_activities(&auth.actor, &q).await?))
}

/// 发布志愿活动 / Publish an activity
///
/// By an organization the caller edits (403 otherwise): title, category, date, start
/// `HH:MM`, length in minutes (15 to 1,440), place and an optional limit. Audited as
/// `volunteer.activity`.
#[utoipa::path(
    post,
    path = "/volunteers/activities",
    operation_id = "createVolunteerActivity",
    tag = "volunteers",
    request_body(content = ActivityInput, description = "The activity."),
    responses((status = 201, description = "The activity.", body = Activity)),
)]
pub async fn create_activity(
    State(st): State<AppState>,
    auth: Auth,
    ApiJson(b): ApiJson<ActivityInput>,
) -> ApiResult<(StatusCode, Json<Activity>)> {
    Ok((
        StatusCode::CREATED,
        Json(st.app.create_volunteer_activity(&auth.actor, &b).await?),
    ))
}

/// 活动详情 / An activity
///
/// With every sign-up for its organizers (residents' phones masked) and what the caller may
/// do; a member sees whether they signed up.
#[utoipa::path(
    get,
    path = "/volunteers/activities/{id}",
    operation_id = "getVolunteerActivity",
    tag = "volunteers",
    params(("id" = i64, Path, description = "The activity.")),
    responses((status = 200, description = "The activity.", body = ActivityDetail)),
)]
pub async fn activity(
    State(st): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<ActivityDetail>> {
    Ok(Json(st.app.volunteer_activity(&auth.actor, id).await?))
}

/// 报名 / Sign up
///
/// A member signs themselves up (an empty body); an organizer signs up a member
/// (`member_id`) or a resident (`name` and `phone`, kept encrypted). Once per volunteer and
/// activity (422 `duplicate`), while it is open and has places (422 `activity`). Audited as
/// `volunteer.signup`.
#[utoipa::path(
    post,
    path = "/volunteers/activities/{id}/signups",
    operation_id = "signUpVolunteer",
    tag = "volunteers",
    params(("id" = i64, Path, description = "The activity.")),
    request_body(content = SignupInput, description = "Who signs up."),
    responses((status = 201, description = "The sign-up.", body = Signup)),
)]
pub async fn sign_up(
    State(st): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<i64>,
    ApiJson(b): ApiJson<SignupInput>,
) -> ApiResult<(StatusCode, Json<Signup>)> {
    Ok((
        StatusCode::CREATED,
        Json(st.app.sign_up_volunteer(&auth.actor, id, &b).await?),
    ))
}

/// 确认服务时长 / Confirm hours
///
/// From the activity's day on, its organizers confirm each sign-up's minutes (0: absent),
/// never more than the activity lasted (422 `minutes` `longer_than_activity`, nothing
/// stored); a correction replaces what was confirmed. Audited as `volunteer.confirm`.
#[utoipa::path(
    post,
    path = "/volunteers/activities/{id}/confirm",
    operation_id = "confirmVolunteerHours",
    tag = "volunteers",
    params(("id" = i64, Path, description = "The activity.")),
    request_body(content = ConfirmInput, description = "Minutes per sign-up."),
    responses((status = 200, description = "The activity.", body = ActivityDetail)),
)]
pub async fn confirm(
    State(st): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<i64>,
    ApiJson(b): ApiJson<ConfirmInput>,
) -> ApiResult<Json<ActivityDetail>> {
    Ok(Json(
        st.app.confirm_volunteer_hours(&auth.actor, id, &b).await?,
    ))
}

/// 取消活动 / Cancel an activity
///
/// An open activity nobody was credited for. Audited as `volunteer.cancel`.
#[utoipa::path(
    post,
    path = "/volunteers/activities/{id}/cancel",
    operation_id = "cancelVolunteerActivity",
    tag = "volunteers",
    params(("id" = i64, Path, description = "The activity.")),
    responses((status = 200, description = "The activity.", body = ActivityDetail)),
)]
pub async fn cancel(
    State(st): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<ActivityDetail>> {
    Ok(Json(
        st.app.cancel_volunteer_activity(&auth.actor, id).await?,
    ))
}

/// 志愿服务统计 / Person-times and hours
///
/// Confirmed service of a level in a year and in all years, and of each child in the year,
/// read from the counters (staff).
#[utoipa::path(
    get,
    path = "/volunteers/summary",
    operation_id = "volunteerSummary",
    tag = "volunteers",
    params(SummaryQuery),
    responses((status = 200, description = "The figures.", body = VolunteerSummary)),
)]
pub async fn summary(
    State(st): State<AppState>,
    auth: Auth,
    ApiQuery(q): ApiQuery<SummaryQuery>,
) -> ApiResult<Json<VolunteerSummary>> {
    Ok(Json(st.app.volunteer_summary(&auth.actor, &q).await?))
}

/// 星级时长 / The stars' hours
#[utoipa::path(
    get,
    path = "/volunteers/rules",
    operation_id = "getVolunteerRules",
    tag = "volunteers",
    responses((status = 200, description = "The rules.", body = VolunteerRules)),
)]
pub async fn rules(State(st): State<AppState>, _auth: Auth) -> ApiResult<Json<VolunteerRules>> {
    Ok(Json(st.app.volunteer_rules().await?))
}

/// 修改星级时长 / Change the stars' hours
///
/// District organization department only (403); rising positive hours (422 `star_hours`).
/// Audited as `volunteer.rules`.
#[utoipa::path(
    put,
    path = "/volunteers/rules",
    operation_id = "putVolunteerRules",
    tag = "volunteers",
    request_body(content = VolunteerRules, description = "The rules."),
    responses((status = 200, description = "The rules.", body = VolunteerRules)),
)]
pub async fn put_rules(
    State(st): State<AppState>,
    auth: Auth,
    ApiJson(b): ApiJson<VolunteerRules>,
) -> ApiResult<Json<VolunteerRules>> {
    Ok(Json(st.app.set_volunteer_rules(&auth.actor, &b).await?))
}

/// 我的志愿服务 / My volunteer record
///
/// The calling member's confirmed hours, stars, hours to the next star and activities.
#[utoipa::path(
    get,
    path = "/me/volunteer",
    operation_id = "myVolunteerRecord",
    tag = "volunteers",
    params(RecordQuery),
    responses((status = 200, description = "The record.", body = VolunteerRecord)),
)]
pub async fn mine(
    State(st): State<AppState>,
    auth: Auth,
    ApiQuery(q): ApiQuery<RecordQuery>,
) -> ApiResult<Json<VolunteerRecord>> {
    Ok(Json(st.app.my_volunteer_record(&auth.actor, &q).await?))
}
