use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use dangjian_service::dues::Payment;
use dangjian_service::dues::ReductionRecord;
use dangjian_service::dues::{ArrearsLine, LapseLine, Ledger, MemberDues, PayInput};
use serde::Deserialize;

use crate::AppState;
use crate::error::ApiResult;
use crate::extract::{ApiJson, ApiPath, ApiQuery};
use crate::session::Auth;

pub async fn member(
    State(st): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<MemberDues>> {
    Ok(Json(st.app.member_dues(&auth.actor, id).await?))
}

#[derive(Deserialize)]
pub struct BaseBody {
    from_month: String,
    /// 元, as text or a number.
    base: serde_json::Value,
}

pub async fn set_base(
    State(st): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<i64>,
    ApiJson(b): ApiJson<BaseBody>,
) -> ApiResult<Json<MemberDues>> {
    let base = match b.base {
        serde_json::Value::String(s) => s,
        other => other.to_string(),
    };
    Ok(Json(
        st.app
            .set_dues_base(&auth.actor, id, &b.from_month, &base)
            .await?,
    ))
}

pub async fn pay(
    State(st): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<i64>,
    ApiJson(b): ApiJson<PayInput>,
) -> ApiResult<(StatusCode, Json<Vec<Payment>>)> {
    let rows = st.app.pay_dues(&auth.actor, id, &b).await?;
    Ok((StatusCode::CREATED, Json(rows)))
}

#[derive(Deserialize)]
pub struct OrgQuery {
    org: i64,
    month: Option<String>,
}

pub async fn ledger(
    State(st): State<AppState>,
    auth: Auth,
    ApiQuery(q): ApiQuery<OrgQuery>,
) -> ApiResult<Json<Ledger>> {
    Ok(Json(
        st.app
            .dues_ledger(&auth.actor, q.org, q.month.as_deref())
            .await?,
    ))
}

#[derive(Deserialize)]
pub struct BatchBody {
    org_id: i64,
    month: String,
    member_ids: Vec<i64>,
    #[serde(flatten)]
    how: PayInput,
}

pub async fn pay_batch(
    State(st): State<AppState>,
    auth: Auth,
    ApiJson(b): ApiJson<BatchBody>,
) -> ApiResult<(StatusCode, Json<serde_json::Value>)> {
    let n = st
        .app
        .pay_dues_batch(&auth.actor, b.org_id, &b.month, &b.member_ids, &b.how)
        .await?;
    Ok((
        StatusCode::CREATED,
        Json(serde_json::json!({ "recorded": n })),
    ))
}

pub async fn arrears(
    State(st): State<AppState>,
    auth: Auth,
    ApiQuery(q): ApiQuery<OrgQuery>,
) -> ApiResult<Json<Vec<ArrearsLine>>> {
    Ok(Json(st.app.dues_arrears(&auth.actor, q.org).await?))
}

pub async fn lapses(
    State(st): State<AppState>,
    auth: Auth,
    ApiQuery(q): ApiQuery<OrgQuery>,
) -> ApiResult<Json<Vec<LapseLine>>> {
    Ok(Json(st.app.dues_lapses(&auth.actor, q.org).await?))
}

pub async fn reductions(
    State(st): State<AppState>,
    auth: Auth,
    ApiQuery(q): ApiQuery<OrgQuery>,
) -> ApiResult<Json<Vec<dangjian_service::dues::Reduction>>> {
    Ok(Json(st.app.dues_reductions(&auth.actor, q.org).await?))
}

#[derive(Deserialize)]
pub struct ReductionBody {
    from_month: String,
    to_month: String,
    /// 元 a month; "0" is an exemption.
    monthly: String,
    reason: String,
}

pub async fn propose(
    State(st): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<i64>,
    ApiJson(b): ApiJson<ReductionBody>,
) -> ApiResult<(StatusCode, Json<ReductionRecord>)> {
    let r = st
        .app
        .propose_reduction(
            &auth.actor,
            id,
            &b.from_month,
            &b.to_month,
            &b.monthly,
            &b.reason,
        )
        .await?;
    Ok((StatusCode::CREATED, Json(r)))
}

#[derive(Deserialize)]
pub struct DecisionBody {
    approve: bool,
    #[serde(default)]
    note: String,
}

pub async fn decide(
    State(st): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<i64>,
    ApiJson(b): ApiJson<DecisionBody>,
) -> ApiResult<Json<ReductionRecord>> {
    Ok(Json(
        st.app
            .decide_reduction(&auth.actor, id, b.approve, &b.note)
            .await?,
    ))
}
