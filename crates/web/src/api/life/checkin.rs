//! 自助签到 over JSON: the host opens a window with a code, members check in with it.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use dangjian_service::life::Checkin;
use dangjian_service::life::checkin::{CheckinDetail, CheckinInput};
use serde::{Deserialize, Serialize};

use crate::AppState;
use crate::error::ApiResult;
use crate::extract::{ApiJson, ApiPath};
use crate::session::Auth;

/// Body of POST /checkins. `kind` and `topic` count as empty strings when absent; `null` in
/// them is 400 `malformed_body`. Checked in this order, first problem only (422): `kind`,
/// `topic`, `minutes`.
#[derive(Deserialize, utoipa::ToSchema)]
pub struct CheckinOpen {
    /// The branch (kind `branch` or `joint_branch`) holding the meeting. Missing or out of
    /// scope: 404; not a branch: 422 `not_a_branch` on `org_id`.
    org_id: i64,
    #[serde(flatten)]
    input: CheckinInput,
}

/// 发起签到 / Open a self check-in window
///
/// Opens a self check-in 自助签到 for a branch meeting starting now (audited as `checkin.open`): a
/// random six-digit `code`, valid from now for `minutes` (default 120). The host shows the code
/// (the page also as a QR code), and members of the branch check in with POST /checkin while
/// the window is open. Afterwards, record the meeting with POST /meetings and `checkin_id`:
/// without an `attendance` list, those who checked in are recorded present and the rest absent,
/// and the window closes. Roles: district_admin, town_admin, village_admin, branch_secretary
/// inside their scope (members and others: 403). The branch missing or out of scope: 404; not a
/// branch or joint branch: 422 `not_a_branch`.
#[utoipa::path(
    post,
    path = "/checkins",
    operation_id = "openCheckin",
    tag = "life",
    request_body(content = CheckinOpen, description = "The branch and the meeting."),
    responses((status = 201, description = "Opened.", body = Checkin)),
)]
pub async fn open(
    State(st): State<AppState>,
    auth: Auth,
    ApiJson(b): ApiJson<CheckinOpen>,
) -> ApiResult<(StatusCode, Json<Checkin>)> {
    let row = st.app.open_checkin(&auth.actor, b.org_id, &b.input).await?;
    Ok((StatusCode::CREATED, Json(row)))
}

/// 签到情况 / A check-in window with who checked in
///
/// A check-in window with `open` and the members who checked in, in the order they did (the
/// host's screen polls it). It carries the code, so only those who may record the branch's
/// meetings read it (district, town and village admins, branch secretaries, inside their
/// scope); a `member` user gets 403, so that the code cannot be read from afar. Missing or out
/// of scope: 404.
#[utoipa::path(
    get,
    path = "/checkins/{id}",
    operation_id = "getCheckin",
    tag = "life",
    params(("id" = i64, Path, description = "Check-in window id.")),
    responses((status = 200, description = "The window.", body = CheckinDetail)),
)]
pub async fn get(
    State(st): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<CheckinDetail>> {
    Ok(Json(st.app.checkin_detail(&auth.actor, id).await?))
}

/// Body of POST /checkin.
#[derive(Deserialize, utoipa::ToSchema)]
pub struct CodeBody {
    /// The six digits shown at the meeting. Spaces are ignored and full-width digits (０–９, from
    /// phone keyboards) accepted. Anything else, or a code that is not open for the member's
    /// branch: 422 `wrong_code`.
    code: String,
}

/// 党员签到 / Check in with a code
///
/// A member checks themselves in with the six-digit code shown at the meeting (audited as
/// `checkin.member`). The account must be linked to a member record (`member_id` in GET /me, as
/// `member` users are), else 403. The code must be that of a window open now for the member's
/// own branch: a wrong, expired or closed code, or another branch's, all give 422 `wrong_code`
/// on `code`. Checking in again is harmless and answers `already: true`.
#[utoipa::path(
    post,
    path = "/checkin",
    operation_id = "checkIn",
    tag = "life",
    request_body(content = CodeBody, description = "The code."),
    responses((status = 200, description = "Checked in (or had already).", body = CheckinAnswer)),
)]
pub async fn check_in(
    State(st): State<AppState>,
    auth: Auth,
    ApiJson(b): ApiJson<CodeBody>,
) -> ApiResult<Json<CheckinAnswer>> {
    let (c, new) = st.app.check_in(&auth.actor, &b.code).await?;
    Ok(Json(CheckinAnswer {
        checkin_id: c.id,
        org_name: c.org_name,
        topic: c.topic,
        already: !new,
    }))
}

/// Where the member checked in.
#[derive(Serialize, utoipa::ToSchema)]
pub struct CheckinAnswer {
    checkin_id: i64,
    /// The branch holding the meeting.
    org_name: String,
    topic: String,
    /// The member had checked in before: nothing new was recorded.
    already: bool,
}
