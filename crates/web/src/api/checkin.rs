use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use dangjian_service::life::Checkin;
use dangjian_service::life::checkin::{CheckinDetail, CheckinInput};
use serde::Deserialize;
use serde_json::{Value, json};

use crate::AppState;
use crate::error::ApiResult;
use crate::extract::{ApiJson, ApiPath};
use crate::session::Auth;

#[derive(Deserialize)]
pub struct OpenBody {
    org_id: i64,
    #[serde(flatten)]
    input: CheckinInput,
}

pub async fn open(
    State(st): State<AppState>,
    auth: Auth,
    ApiJson(b): ApiJson<OpenBody>,
) -> ApiResult<(StatusCode, Json<Checkin>)> {
    let row = st.app.open_checkin(&auth.actor, b.org_id, &b.input).await?;
    Ok((StatusCode::CREATED, Json(row)))
}

pub async fn get(
    State(st): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<CheckinDetail>> {
    Ok(Json(st.app.checkin_detail(&auth.actor, id).await?))
}

#[derive(Deserialize)]
pub struct CodeBody {
    code: String,
}

pub async fn check_in(
    State(st): State<AppState>,
    auth: Auth,
    ApiJson(b): ApiJson<CodeBody>,
) -> ApiResult<Json<Value>> {
    let (c, new) = st.app.check_in(&auth.actor, &b.code).await?;
    Ok(Json(json!({
        "checkin_id": c.id,
        "org_name": c.org_name,
        "topic": c.topic,
        "already": !new,
    })))
}
