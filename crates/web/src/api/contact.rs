//! Contact points, their visits and the problem ledger over JSON, with 办结率 and the
//! working-day calendar the ledger's clock counts on.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use dangjian_service::assessment::contact::{
    CalendarDay, ClosingRates, ContactPoint, PointDetail, PointInput, ProblemInput, ProblemPage,
    ProblemQuery, ProblemView,
};
use dangjian_service::today;
use serde::Deserialize;

use crate::AppState;
use crate::error::ApiResult;
use crate::extract::{ApiJson, ApiPath, ApiQuery};
use crate::session::Auth;

fn this_year() -> i64 {
    i64::from(today().year())
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct YearQuery {
    /// Default: this year.
    year: Option<i64>,
}

/// 工作日历 / The working-day calendar
///
/// The days of a year that are not as their weekday says: holidays and weekend days worked
/// (调休上班), from the State Council's notice shipped with the platform (2026) and the days the
/// district entered (a later year's notice, corrections).
#[utoipa::path(
    get,
    path = "/calendar",
    operation_id = "getCalendar",
    tag = "assessment",
    params(YearQuery),
    responses((status = 200, description = "The days.", body = Vec<CalendarDay>)),
)]
pub async fn calendar(
    State(st): State<AppState>,
    auth: Auth,
    ApiQuery(q): ApiQuery<YearQuery>,
) -> ApiResult<Json<Vec<CalendarDay>>> {
    let year = i32::try_from(q.year.unwrap_or_else(this_year)).unwrap_or(i32::MAX);
    Ok(Json(st.app.calendar_days(&auth.actor, year).await?))
}

/// Body of PUT /calendar.
#[derive(Deserialize, utoipa::ToSchema)]
pub struct CalendarBody {
    /// 1–400 days: `holiday`, `workday` (a weekend day only: else 422 `not_weekend`) or
    /// `normal` (back to what its weekday says).
    days: Vec<CalendarDay>,
}

/// 设置工作日历 / Set calendar days
///
/// Enters a year's notice or corrects days. District organization department only (403).
/// Audited as `calendar.set`.
#[utoipa::path(
    put,
    path = "/calendar",
    operation_id = "putCalendar",
    tag = "assessment",
    request_body(content = CalendarBody, description = "The days."),
    responses((status = 204, description = "Set.")),
)]
pub async fn put_calendar(
    State(st): State<AppState>,
    auth: Auth,
    ApiJson(b): ApiJson<CalendarBody>,
) -> ApiResult<StatusCode> {
    st.app.set_calendar_days(&auth.actor, &b.days).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct LevelQuery {
    /// Default: the caller's scope (404 out of scope).
    org: Option<i64>,
    /// Default: this year.
    year: Option<i64>,
}

/// 联系点 / Contact points
///
/// The leaders' contact points inside a level with their visits of the year against the 4
/// expected and the last visit.
#[utoipa::path(
    get,
    path = "/contact-points",
    operation_id = "listContactPoints",
    tag = "assessment",
    params(LevelQuery),
    responses((status = 200, description = "The points.", body = Vec<ContactPoint>)),
)]
pub async fn points(
    State(st): State<AppState>,
    auth: Auth,
    ApiQuery(q): ApiQuery<LevelQuery>,
) -> ApiResult<Json<Vec<ContactPoint>>> {
    Ok(Json(
        st.app
            .contact_points(&auth.actor, q.org, q.year.unwrap_or_else(this_year))
            .await?,
    ))
}

/// 建立联系点 / Create a contact point
///
/// A leader's contact point at an organization; a leader holds at most two (422 `too_many` on
/// `leader_name`). District organization department only (403). Audited as `contact.point`.
#[utoipa::path(
    post,
    path = "/contact-points",
    operation_id = "createContactPoint",
    tag = "assessment",
    request_body(content = PointInput, description = "The leader and the organization."),
    responses((status = 201, description = "The point.", body = ContactPoint)),
)]
pub async fn create_point(
    State(st): State<AppState>,
    auth: Auth,
    ApiJson(b): ApiJson<PointInput>,
) -> ApiResult<(StatusCode, Json<ContactPoint>)> {
    Ok((
        StatusCode::CREATED,
        Json(st.app.create_contact_point(&auth.actor, &b).await?),
    ))
}

/// 联系点详情 / A contact point
///
/// The point with its visits, newest first, and its problems with their clocks.
#[utoipa::path(
    get,
    path = "/contact-points/{id}",
    operation_id = "getContactPoint",
    tag = "assessment",
    params(("id" = i64, Path, description = "The point.")),
    responses((status = 200, description = "The point.", body = PointDetail)),
)]
pub async fn point(
    State(st): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<PointDetail>> {
    Ok(Json(st.app.contact_point(&auth.actor, id).await?))
}

/// Body of POST /contact-points/{id}/visits.
#[derive(Deserialize, utoipa::ToSchema)]
pub struct VisitBody {
    /// YYYY-MM-DD, not in the future.
    visited_on: String,
    content: String,
    /// Problems found, logged on the ledger with the visit (all or none).
    #[serde(default)]
    problems: Vec<ProblemInput>,
}

/// 记录走访 / Log a visit
///
/// A visit with what was done and the problems found, each with the five facts; a problem
/// refused refuses the visit, nothing stored. The organization's staff and the levels above
/// (403). Audited as `contact.visit`.
#[utoipa::path(
    post,
    path = "/contact-points/{id}/visits",
    operation_id = "logVisit",
    tag = "assessment",
    params(("id" = i64, Path, description = "The point.")),
    request_body(content = VisitBody, description = "The visit."),
    responses((status = 200, description = "The point after the visit.", body = PointDetail)),
)]
pub async fn visit(
    State(st): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<i64>,
    ApiJson(b): ApiJson<VisitBody>,
) -> ApiResult<Json<PointDetail>> {
    Ok(Json(
        st.app
            .log_visit(&auth.actor, id, &b.visited_on, &b.content, &b.problems)
            .await?,
    ))
}

/// Body of POST /contact-points/{id}/end.
#[derive(Deserialize, utoipa::ToSchema)]
pub struct EndPointBody {
    /// YYYY-MM-DD, not in the future nor before the point began.
    ended_on: String,
}

/// 结束联系点 / End a contact point
///
/// When its leader moves on: the point stops taking visits after that day and no longer counts
/// against the leader's two; its visits and problems stay. District only (403); an ended point
/// again: 422 `ended` on `ended_on`. Audited as `contact.end`.
#[utoipa::path(
    post,
    path = "/contact-points/{id}/end",
    operation_id = "endContactPoint",
    tag = "assessment",
    params(("id" = i64, Path, description = "The point.")),
    request_body(content = EndPointBody, description = "The last day."),
    responses((status = 200, description = "The point, ended.", body = PointDetail)),
)]
pub async fn end_point(
    State(st): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<i64>,
    ApiJson(b): ApiJson<EndPointBody>,
) -> ApiResult<Json<PointDetail>> {
    Ok(Json(
        st.app
            .end_contact_point(&auth.actor, id, &b.ended_on)
            .await?,
    ))
}

/// 问题台账 / The problem ledger
///
/// The problems of a level, newest first, 50 a page, filtered by state, point, year logged
/// or those for the joint meeting; each with its clock, whether the step it waits on is
/// overdue, and the moves open to the caller.
#[utoipa::path(
    get,
    path = "/problems",
    operation_id = "listProblems",
    tag = "assessment",
    params(ProblemQuery),
    responses((status = 200, description = "A page.", body = ProblemPage)),
)]
pub async fn problems(
    State(st): State<AppState>,
    auth: Auth,
    ApiQuery(q): ApiQuery<ProblemQuery>,
) -> ApiResult<Json<ProblemPage>> {
    Ok(Json(st.app.problems(&auth.actor, &q).await?))
}

/// 登记问题 / Log a problem
///
/// A problem outside a visit, from a resident's request (`request_id`), an enterprise or
/// elsewhere, with the five facts (content, unit, standard, measures, deadline not before
/// today: 422 `before_start`). Audited as `problem.log`.
#[utoipa::path(
    post,
    path = "/problems",
    operation_id = "logProblem",
    tag = "assessment",
    request_body(content = ProblemInput, description = "The problem."),
    responses((status = 201, description = "The problem with its number and clock.", body = ProblemView)),
)]
pub async fn log(
    State(st): State<AppState>,
    auth: Auth,
    ApiJson(b): ApiJson<ProblemInput>,
) -> ApiResult<(StatusCode, Json<ProblemView>)> {
    Ok((
        StatusCode::CREATED,
        Json(st.app.log_problem(&auth.actor, &b).await?),
    ))
}

/// 问题详情 / A problem
#[utoipa::path(
    get,
    path = "/problems/{id}",
    operation_id = "getProblem",
    tag = "assessment",
    params(("id" = i64, Path, description = "The problem.")),
    responses((status = 200, description = "The problem.", body = ProblemView)),
)]
pub async fn problem(
    State(st): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<ProblemView>> {
    Ok(Json(st.app.problem(&auth.actor, id).await?))
}

/// Body of POST /problems/{id}/actions.
#[derive(Deserialize, utoipa::ToSchema)]
pub struct ActionBody {
    /// accept, refuse, reply, close.
    action: String,
    /// The reason (refuse), the reply (reply), the reporter's feedback (close).
    #[serde(default)]
    note: String,
}

/// 办理问题 / Move a problem
///
/// Accept (the reply is then due in 5 working days), refuse with the reason, reply (the
/// feedback is then due in 5 working days), close with the reporter's feedback. Closing
/// before a reply: 422 `not_now`. Audited as `problem.act`.
#[utoipa::path(
    post,
    path = "/problems/{id}/actions",
    operation_id = "actOnProblem",
    tag = "assessment",
    params(("id" = i64, Path, description = "The problem.")),
    request_body(content = ActionBody, description = "The move."),
    responses((status = 200, description = "The problem after the move.", body = ProblemView)),
)]
pub async fn act(
    State(st): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<i64>,
    ApiJson(b): ApiJson<ActionBody>,
) -> ApiResult<Json<ProblemView>> {
    Ok(Json(
        st.app
            .act_on_problem(&auth.actor, id, &b.action, &b.note)
            .await?,
    ))
}

/// 办结率 / Closing rates
///
/// For the problems logged in a year inside a level: due (past their deadline, or closed),
/// closed on time and late, in all, per leader, per responsible unit and per child.
#[utoipa::path(
    get,
    path = "/problems/rates",
    operation_id = "problemRates",
    tag = "assessment",
    params(LevelQuery),
    responses((status = 200, description = "The rates.", body = ClosingRates)),
)]
pub async fn rates(
    State(st): State<AppState>,
    auth: Auth,
    ApiQuery(q): ApiQuery<LevelQuery>,
) -> ApiResult<Json<ClosingRates>> {
    Ok(Json(
        st.app
            .closing_rates(&auth.actor, q.org, q.year.unwrap_or_else(this_year))
            .await?,
    ))
}

/// 问题台账（打印） / The problem ledger of a level (PDF)
///
/// Every problem the filters select (as `GET /problems`, all pages), each with its number,
/// source and leader, organization, content, responsible unit, standard and measures,
/// deadline, state and each step's day (登记, 受理, 答复 with the reply, 办结 with the feedback,
/// or 不予受理 with the reason), and whether its step is overdue; counts by state above.
/// Audited as an export; over the export cap: 422.
#[utoipa::path(
    get,
    path = "/problems/ledger.pdf",
    operation_id = "problemLedger",
    tag = "assessment",
    params(ProblemQuery),
    responses((status = 200, description = "The ledger, as a download named `问题台账-<organization>.pdf`.", content_type = "application/pdf", body = super::body::FileBody)),
)]
pub async fn ledger(
    State(st): State<AppState>,
    auth: Auth,
    ApiQuery(q): ApiQuery<ProblemQuery>,
) -> ApiResult<axum::response::Response> {
    let b = st.app.problem_book(&auth.actor, &q).await?;
    Ok(crate::documents::problem_ledger(&b, &q).await?)
}
