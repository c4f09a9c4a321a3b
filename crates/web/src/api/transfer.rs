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

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct ListQuery {
    state: Option<String>,
    page: Option<i64>,
    q: String,
}

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

pub async fn get(
    State(st): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<Transfer>> {
    Ok(Json(st.app.transfer(&auth.actor, id).await?))
}

pub async fn request(
    State(st): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<i64>,
    ApiJson(b): ApiJson<TransferInput>,
) -> ApiResult<(StatusCode, Json<Transfer>)> {
    let t = st.app.request_transfer(&auth.actor, id, &b).await?;
    Ok((StatusCode::CREATED, Json(t)))
}

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

#[derive(Deserialize)]
pub struct InBody {
    org_id: i64,
    group_id: Option<i64>,
    outside_org: String,
    letter_no: String,
    #[serde(flatten)]
    member: MemberInput,
}

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

pub async fn history(
    State(st): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<MemberHistory>> {
    Ok(Json(st.app.member_history(&auth.actor, id).await?))
}

pub async fn targets(
    State(st): State<AppState>,
    auth: Auth,
    ApiQuery(q): ApiQuery<ListQuery>,
) -> ApiResult<Json<Vec<Target>>> {
    Ok(Json(st.app.transfer_targets(&auth.actor, &q.q).await?))
}
