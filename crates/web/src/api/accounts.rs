//! 账号 over JSON: the account managers' accounts, one's own account and the security
//! administrator's policy.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use dangjian_domain::security::SecurityPolicy;
use dangjian_service::accounts::{
    AccountDetail, AccountFilter, AccountPage, IssuedPassword, MyAccount, NewAccount,
};
use serde::Deserialize;

use crate::AppState;
use crate::error::ApiResult;
use crate::extract::{ApiJson, ApiPath, ApiQuery};
use crate::session::Auth;

#[derive(Deserialize, Default, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(default)]
pub struct ListQuery {
    /// The start of a username or display name.
    q: Option<String>,
    /// A role code (`town_admin`, …).
    role: Option<String>,
    page: Option<i64>,
}

/// 账号列表 / Accounts in scope
///
/// The accounts whose scope lies in the caller's subtree, 50 a page, ordered by place and
/// username, each with `actions.manage` (whether the caller may change it). Roles:
/// district_admin, town_admin, village_admin (else 403); an unknown `role`: 422.
#[utoipa::path(
    get,
    path = "/accounts",
    operation_id = "listAccounts",
    tag = "accounts",
    params(ListQuery),
    responses((status = 200, description = "OK", body = AccountPage)),
)]
pub async fn list(
    State(st): State<AppState>,
    auth: Auth,
    ApiQuery(q): ApiQuery<ListQuery>,
) -> ApiResult<Json<AccountPage>> {
    let f = AccountFilter {
        q: q.q,
        role: q.role,
        page: q.page,
    };
    Ok(Json(st.app.accounts(&auth.actor, &f).await?))
}

#[derive(Deserialize, utoipa::ToSchema)]
pub struct AccountCreate {
    /// 3–32 lowercase letters, digits or `._-`, unique.
    username: String,
    display_name: String,
    /// A line role at or below the caller's own (never `security_admin` or `auditor`).
    role: String,
    /// The organization (id or code) whose subtree the account acts in, inside the caller's.
    scope: String,
    /// For a `member` account: the member record, inside the scope.
    member_id: Option<i64>,
}

/// 开设账号 / Create an account
///
/// Creates the account with a random temporary password, answered this once; its owner must
/// replace it at the first login (until then the account gets no API token). Audited as
/// `user.create`. Refused with 422: a username taken (`duplicate`) or malformed, a role above
/// the caller's or a duty (`role_above_own`), a scope outside the caller's (`unknown_org`, the
/// same answer as a missing one), a member account without its member.
#[utoipa::path(
    post,
    path = "/accounts",
    operation_id = "createAccount",
    tag = "accounts",
    request_body(content = AccountCreate, description = "The new account."),
    responses((status = 201, description = "Created.", body = IssuedPassword)),
)]
pub async fn create(
    State(st): State<AppState>,
    auth: Auth,
    ApiJson(b): ApiJson<AccountCreate>,
) -> ApiResult<(StatusCode, Json<IssuedPassword>)> {
    let new = NewAccount {
        username: b.username,
        display_name: b.display_name,
        role: b.role,
        scope: b.scope,
        member_id: b.member_id,
    };
    let out = st.app.create_account(&auth.actor, &new).await?;
    Ok((StatusCode::CREATED, Json(out)))
}

/// 账号详情 / One account
///
/// The account with its open sessions (where and when, by handle). Outside the caller's
/// subtree or missing: 404.
#[utoipa::path(
    get,
    path = "/accounts/{id}",
    operation_id = "getAccount",
    tag = "accounts",
    params(("id" = i64, Path, description = "Account id.")),
    responses((status = 200, description = "OK", body = AccountDetail)),
)]
pub async fn get(
    State(st): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<AccountDetail>> {
    Ok(Json(st.app.account(&auth.actor, id).await?))
}

/// 停用账号 / Disable an account
///
/// Ends its sessions at once (audited as `user.disable`). Oneself, an account above the
/// caller's level or a duty's: 403; outside the subtree: 404.
#[utoipa::path(
    post,
    path = "/accounts/{id}/disable",
    operation_id = "disableAccount",
    tag = "accounts",
    params(("id" = i64, Path, description = "Account id.")),
    responses((status = 204, description = "Disabled.")),
)]
pub async fn disable(
    State(st): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<StatusCode> {
    st.app.set_account_disabled(&auth.actor, id, true).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// 启用账号 / Enable an account
///
/// Audited as `user.enable`; the same rules as disabling.
#[utoipa::path(
    post,
    path = "/accounts/{id}/enable",
    operation_id = "enableAccount",
    tag = "accounts",
    params(("id" = i64, Path, description = "Account id.")),
    responses((status = 204, description = "Enabled.")),
)]
pub async fn enable(
    State(st): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<StatusCode> {
    st.app.set_account_disabled(&auth.actor, id, false).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// 解除登录延时 / Clear an account's login waits
///
/// Clears the waits its failed logins earned, from every address, and their count (audited as
/// `user.unlock`).
#[utoipa::path(
    post,
    path = "/accounts/{id}/unlock",
    operation_id = "unlockAccount",
    tag = "accounts",
    params(("id" = i64, Path, description = "Account id.")),
    responses((status = 204, description = "Cleared.")),
)]
pub async fn unlock(
    State(st): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<StatusCode> {
    st.app.unlock_account(&auth.actor, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// 重置密码 / Reset an account's password
///
/// A random temporary password, answered this once, to be replaced at the next login; the
/// account's sessions end (audited as `user.reset`).
#[utoipa::path(
    post,
    path = "/accounts/{id}/reset",
    operation_id = "resetAccountPassword",
    tag = "accounts",
    params(("id" = i64, Path, description = "Account id.")),
    responses((status = 200, description = "Reset.", body = IssuedPassword)),
)]
pub async fn reset(
    State(st): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<IssuedPassword>> {
    Ok(Json(st.app.reset_account_password(&auth.actor, id).await?))
}

/// 结束登录 / End one of an account's sessions
///
/// By the handle the account's page lists (audited as `session.end`). No such session of
/// that account: 404.
#[utoipa::path(
    delete,
    path = "/accounts/{id}/sessions/{handle}",
    operation_id = "endAccountSession",
    tag = "accounts",
    params(
        ("id" = i64, Path, description = "Account id."),
        ("handle" = String, Path, description = "The session's handle (16 hex characters)."),
    ),
    responses((status = 204, description = "Ended.")),
)]
pub async fn end_session(
    State(st): State<AppState>,
    auth: Auth,
    ApiPath((id, handle)): ApiPath<(i64, String)>,
) -> ApiResult<StatusCode> {
    st.app.end_account_session(&auth.actor, id, &handle).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// 我的账号 / One's own account
///
/// The login before this session (time and address), and the account's open sessions.
#[utoipa::path(
    get,
    path = "/account",
    operation_id = "getMyAccount",
    tag = "accounts",
    responses((status = 200, description = "OK", body = MyAccount)),
)]
pub async fn own(State(st): State<AppState>, auth: Auth) -> ApiResult<Json<MyAccount>> {
    Ok(Json(st.app.my_account(&auth.actor).await?))
}

/// 安全策略 / The security policy
///
/// Password rules, session lifetimes and login throttling. Role: security_admin (else 403).
#[utoipa::path(
    get,
    path = "/security-policy",
    operation_id = "getSecurityPolicy",
    tag = "accounts",
    responses((status = 200, description = "OK", body = SecurityPolicy)),
)]
pub async fn policy(State(st): State<AppState>, auth: Auth) -> ApiResult<Json<SecurityPolicy>> {
    Ok(Json(st.app.read_security_policy(&auth.actor)?))
}

/// 设置安全策略 / Set the security policy
///
/// Replaces the whole policy; each value has bounds (422 naming the field, e.g.
/// `min_password_chars` 8–64). Audited as `security.policy` with each change, from and to.
/// Role: security_admin (else 403).
#[utoipa::path(
    put,
    path = "/security-policy",
    operation_id = "putSecurityPolicy",
    tag = "accounts",
    request_body(content = SecurityPolicy, description = "The policy."),
    responses((status = 200, description = "The policy in force.", body = SecurityPolicy)),
)]
pub async fn put_policy(
    State(st): State<AppState>,
    auth: Auth,
    ApiJson(b): ApiJson<SecurityPolicy>,
) -> ApiResult<Json<SecurityPolicy>> {
    st.app.set_security_policy(&auth.actor, b).await?;
    Ok(Json(st.app.read_security_policy(&auth.actor)?))
}
