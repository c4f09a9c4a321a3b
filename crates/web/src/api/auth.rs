//! Signing in for scripts (a bearer token) and the account a token acts as.

use axum::Json;
use axum::extract::State;
use dangjian_service::auth::SessionKind;
use serde::{Deserialize, Serialize};

use super::UserJson;
use crate::AppState;
use crate::error::ApiResult;
use crate::extract::ApiJson;
use crate::session::{Auth, Caller};

#[derive(Deserialize, utoipa::ToSchema)]
pub struct LoginBody {
    /// Trimmed; blank or longer than 64 bytes fails like a wrong password.
    username: String,
    /// Empty or longer than 1024 bytes fails like a wrong password.
    password: String,
    /// For an account with two-factor login: the 6-digit code of its authenticator, or one
    /// of its recovery codes.
    #[serde(default)]
    otp: Option<String>,
}

/// 登录获取令牌 / Log in and obtain a bearer token
///
/// Exchanges a username and password for a bearer token (an API session with the same lifetimes
/// as a browser session). Every attempt is audited. An unknown account, a wrong password and a
/// try that must wait (past the free failures of one account from one address) all answer 422
/// `bad_credentials` on `password`; a disabled account (right password): 422 `disabled` on
/// `username`; a password set by an administrator and not yet changed on the web: 422
/// `password_change_required`. With two-factor login (required of every administrative
/// role): no `otp` answers 422 `second_factor_required`, a wrong or used one
/// `bad_second_factor`, and an administrative account not yet enrolled (enrolment is on the
/// web, 我的账号 → 两步验证) `second_factor_enrolment_required`; no token is given before.
#[utoipa::path(
    post,
    path = "/auth/login",
    operation_id = "login",
    tag = "auth",
    request_body(content = LoginBody, description = "Credentials."),
    responses((status = 200, description = "Logged in.", body = LoginAnswer)),
    security(()),
)]
pub async fn login(
    State(st): State<AppState>,
    caller: Caller,
    ApiJson(b): ApiJson<LoginBody>,
) -> ApiResult<Json<LoginAnswer>> {
    let out = st
        .app
        .login(
            &b.username,
            &b.password,
            b.otp.as_deref(),
            &caller.ip,
            SessionKind::Api,
        )
        .await?;
    Ok(Json(LoginAnswer {
        user: UserJson::from(&out.actor),
        token: out.token,
    }))
}

/// A bearer token and the account it acts as.
#[derive(Serialize, utoipa::ToSchema)]
pub struct LoginAnswer {
    /// 64 hex characters, sent as `Authorization: Bearer <token>`.
    token: String,
    user: UserJson,
}

/// 当前用户 / The current user
///
/// The user behind the token or session cookie, with role and scope. Works for every role,
/// auditors included.
#[utoipa::path(
    get,
    path = "/me",
    operation_id = "getMe",
    tag = "auth",
    responses((status = 200, description = "The current user.", body = UserJson)),
)]
pub async fn me(auth: Auth) -> Json<UserJson> {
    Json(UserJson::from(&auth.actor))
}
