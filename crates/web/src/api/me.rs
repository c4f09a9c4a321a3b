//! 我的 over JSON: a member's own figures and the names of their branch.

use axum::Json;
use axum::extract::State;
use dangjian_service::me::MyDay;
use dangjian_service::members::Colleague;

use super::body::Items;
use crate::AppState;
use crate::error::ApiResult;
use crate::session::Auth;

/// 我的 / The caller's own day
///
/// For an account linked to a member record: this year's meetings and attendance, study,
/// dues, the households the member serves and their deeds, the requests assigned to them,
/// their memberships and transfers, their latest reminders. Accounts without a member record:
/// 403.
#[utoipa::path(
    get,
    path = "/me/day",
    operation_id = "getMyDay",
    tag = "members",
    responses((status = 200, description = "The member's own figures.", body = MyDay)),
)]
pub async fn get(State(st): State<AppState>, auth: Auth) -> ApiResult<Json<MyDay>> {
    Ok(Json(st.app.my_day(&auth.actor).await?))
}

/// 本支部同志 / The caller's branch
///
/// The members of the caller's own branch as a colleague sees them: names, groups and
/// published cards, by name. No birth dates, phones, ID numbers, dues or grades. Accounts
/// without a member record: 403.
#[utoipa::path(
    get,
    path = "/me/colleagues",
    operation_id = "listColleagues",
    tag = "members",
    responses((status = 200, description = "The branch's members by name.", body = Items<Colleague>)),
)]
pub async fn colleagues(
    State(st): State<AppState>,
    auth: Auth,
) -> ApiResult<Json<Items<Colleague>>> {
    Ok(Json(Items {
        items: st.app.colleagues(&auth.actor).await?,
    }))
}
