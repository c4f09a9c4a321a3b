use axum::Json;
use axum::extract::State;
use dangjian_service::auth::SessionKind;
use serde::Deserialize;
use serde_json::{Value, json};

use super::UserJson;
use crate::AppState;
use crate::error::ApiResult;
use crate::extract::ApiJson;
use crate::session::{Auth, Caller};

#[derive(Deserialize)]
pub struct LoginBody {
    username: String,
    password: String,
}

/// Exchanges a username and password for a bearer token with the same lifetimes as a session.
pub async fn login(
    State(st): State<AppState>,
    caller: Caller,
    ApiJson(b): ApiJson<LoginBody>,
) -> ApiResult<Json<Value>> {
    let out = st
        .app
        .login(&b.username, &b.password, &caller.ip, SessionKind::Api)
        .await?;
    Ok(Json(
        json!({ "token": out.token, "user": UserJson::from(&out.actor) }),
    ))
}

pub async fn me(auth: Auth) -> Json<UserJson> {
    Json(UserJson::from(&auth.actor))
}
