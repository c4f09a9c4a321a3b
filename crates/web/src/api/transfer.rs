//! 组织关系转接 over JSON: requests, each side's steps, letters from outside the district,
//! and a member's history of organizations.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use dangjian_domain::member::MemberInput;
use dangjian_domain::transfer::TransferAction;
use dangjian_service::members::Placement;
use dangjian_service::transfer::Transfer;
use dangjian_service::transfer::{MemberHistory, StepInput, Target, TransferInput, TransferPage};
use serde::Deserialize;

use crate::AppState;
use crate::error::{ApiError, ApiResult, Problem};
use crate::extract::{ApiJson, ApiPath, ApiQuery};
use crate::session::Auth;

#[derive(Deserialize, Default, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(default)]
pub struct ListQuery {
    state: Option<String>,
    page: Option<i64>,
    q: String,
}

/// 转接列表 / Transfers either side of which is in scope
///
/// Newest first, 50 a page; `state` filters.
#[utoipa::path(
    get,
    path = "/transfers",
    operation_id = "listTransfers",
    tag = "transfers",
    params(ListQuery),
    responses((status = 200, description = "OK", body = TransferPage)),
)]
pub async fn list(
    State(st): State<AppState>,
    auth: Auth,
    ApiQuery(q): ApiQuery<ListQuery>,
) -> ApiResult<Json<TransferPage>> {
    Ok(Json(
        st.app
            .transfers(&auth.actor, q.state.as_deref(), q.page.unwrap_or(1))
            .await?,
    ))
}

/// 转接详情 / One transfer
///
/// Visible to both sides. Missing or out of scope: 404.
#[utoipa::path(
    get,
    path = "/transfers/{id}",
    operation_id = "getTransfer",
    tag = "transfers",
    params(("id" = i64, Path, description = "Transfer id.")),
    responses((status = 200, description = "OK", body = Transfer)),
)]
pub async fn get(
    State(st): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<Transfer>> {
    Ok(Json(st.app.transfer(&auth.actor, id).await?))
}

/// 发起转接 / Start a transfer
///
/// The sending side (editors of the member's branch) starts a transfer: `internal` to an open
/// branch of the district (`to_org_id`), `out` to an organization outside (`outside_org`), or
/// `flow_out` for a flowing member (流出, who stays counted in the home branch). Refused with
/// 422: a closed target (`closed`), not a branch (`not_a_branch`), unknown (`unknown_org`), the
/// same branch (`same_org`), a member with an open transfer (`open_transfer`), a missing
/// reason. The transfer carries `dues_paid_to`. Audited as `transfer.request`.
#[utoipa::path(
    post,
    path = "/members/{id}/transfers",
    operation_id = "requestTransfer",
    tag = "transfers",
    params(("id" = i64, Path, description = "Member id.")),
    request_body(content = TransferInput),
    responses((status = 201, description = "OK", body = Transfer)),
)]
pub async fn request(
    State(st): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<i64>,
    ApiJson(b): ApiJson<TransferInput>,
) -> ApiResult<(StatusCode, Json<Transfer>)> {
    let t = st.app.request_transfer(&auth.actor, id, &b).await?;
    Ok((StatusCode::CREATED, Json(t)))
}

/// 转接步骤 / Approve, receive, reject or cancel
///
/// requested → approved (the sending side issues the letter: `letter_no` or a generated number;
/// valid 90 days) → received (an internal transfer: the receiving side, and the member moves;
/// out of the district: the sending side records the receipt and the member leaves the
/// registry; flowing: the member is marked flowing). `reject` needs a `note` (the sending side
/// on a request, the receiving side on an approved internal transfer); `cancel` withdraws a
/// request. A letter past its validity is `expired` and can no longer be received. A step out
/// of turn answers 422 `not_allowed`; the wrong side gets 404 or 403. Audited as
/// `transfer.<action>`.
#[utoipa::path(
    post,
    path = "/transfers/{id}/{action}",
    operation_id = "stepTransfer",
    tag = "transfers",
    params(("id" = i64, Path, description = "Transfer id."), ("action" = String, Path, description = "The step: `approve`, `receive`, `reject` or `cancel`.")),
    request_body(content = StepInput),
    responses((status = 200, description = "OK", body = Transfer)),
)]
pub async fn step(
    State(st): State<AppState>,
    auth: Auth,
    ApiPath((id, action)): ApiPath<(i64, String)>,
    ApiJson(b): ApiJson<StepInput>,
) -> ApiResult<Json<Transfer>> {
    let action = TransferAction::parse(&action)
        .filter(|a| *a != TransferAction::Expire)
        .ok_or_else(|| {
            ApiError(Problem::new(
                StatusCode::NOT_FOUND,
                "not_found",
                "没有这个操作：可用 approve、receive、reject、cancel",
            ))
        })?;
    Ok(Json(
        st.app.transfer_step(&auth.actor, id, action, &b).await?,
    ))
}

#[derive(Deserialize, utoipa::ToSchema)]
pub struct InBody {
    org_id: i64,
    group_id: Option<i64>,
    outside_org: String,
    letter_no: String,
    #[serde(flatten)]
    member: MemberInput,
}

/// 区外转入 / Register a member arriving by letter
///
/// Creates the member (all member rules apply) and a received transfer of kind `in` with the
/// letter's number, in one transaction: a refused member writes nothing. The history shows the
/// outside organization from the join date until today.
#[utoipa::path(
    post,
    path = "/transfers/in",
    operation_id = "receiveTransferIn",
    tag = "transfers",
    request_body(content = InBody),
    responses((status = 201, description = "OK", body = Transfer)),
)]
pub async fn receive_in(
    State(st): State<AppState>,
    auth: Auth,
    ApiJson(b): ApiJson<InBody>,
) -> ApiResult<(StatusCode, Json<Transfer>)> {
    let at = Placement {
        org_id: b.org_id,
        group_id: b.group_id,
    };
    let t = st
        .app
        .receive_from_outside(&auth.actor, at, &b.member, &b.outside_org, &b.letter_no)
        .await?;
    Ok((StatusCode::CREATED, Json(t)))
}

/// 组织关系历史 / A member's organizations
///
/// Every organization the member belonged to with its dates (`to_date` null for the current
/// one; `org_id` null outside the district), and the member's transfers.
#[utoipa::path(
    get,
    path = "/members/{id}/history",
    operation_id = "getMemberHistory",
    tag = "transfers",
    params(("id" = i64, Path, description = "Member id.")),
    responses((status = 200, description = "OK", body = MemberHistory)),
)]
pub async fn history(
    State(st): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<MemberHistory>> {
    Ok(Json(st.app.member_history(&auth.actor, id).await?))
}

/// 接收党支部 / Branches a member may be sent to
///
/// Open branches anywhere in the district whose name or code contains `q` (at least 2
/// characters), at most 20: names and codes only. Editors only (403).
#[utoipa::path(
    get,
    path = "/transfers/targets",
    operation_id = "transferTargets",
    tag = "transfers",
    params(ListQuery),
    responses((status = 200, description = "OK", body = Vec<Target>)),
)]
pub async fn targets(
    State(st): State<AppState>,
    auth: Auth,
    ApiQuery(q): ApiQuery<ListQuery>,
) -> ApiResult<Json<Vec<Target>>> {
    Ok(Json(st.app.transfer_targets(&auth.actor, &q.q).await?))
}
