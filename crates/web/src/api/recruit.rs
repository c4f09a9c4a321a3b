use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use dangjian_service::recruit::{Pipeline, RecruitDetail, RecruitInput, StepInput};
use serde::Deserialize;

use crate::AppState;
use crate::error::ApiResult;
use crate::extract::{ApiJson, ApiPath, ApiQuery};
use crate::session::Auth;

#[derive(Deserialize)]
pub struct OrgQuery {
    org: i64,
}

pub async fn pipeline(
    State(st): State<AppState>,
    auth: Auth,
    ApiQuery(q): ApiQuery<OrgQuery>,
) -> ApiResult<Json<Pipeline>> {
    Ok(Json(st.app.pipeline(&auth.actor, q.org).await?))
}

pub async fn pipeline_xlsx(
    State(st): State<AppState>,
    auth: Auth,
    ApiQuery(q): ApiQuery<OrgQuery>,
) -> ApiResult<Response> {
    let p = st.app.export_pipeline(&auth.actor, q.org).await?;
    Ok(crate::export::pipeline(&p)?)
}

pub async fn create(
    State(st): State<AppState>,
    auth: Auth,
    ApiJson(b): ApiJson<RecruitInput>,
) -> ApiResult<(StatusCode, Json<RecruitDetail>)> {
    let r = st.app.add_recruit(&auth.actor, &b).await?;
    Ok((StatusCode::CREATED, Json(r)))
}

pub async fn get(
    State(st): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<RecruitDetail>> {
    Ok(Json(st.app.recruit_detail(&auth.actor, id).await?))
}

pub async fn step(
    State(st): State<AppState>,
    auth: Auth,
    ApiPath((id, no)): ApiPath<(i64, u8)>,
    ApiJson(b): ApiJson<StepInput>,
) -> ApiResult<Json<RecruitDetail>> {
    Ok(Json(st.app.record_step(&auth.actor, id, no, &b).await?))
}

#[derive(Deserialize)]
pub struct ExtensionBody {
    months: i32,
    reason: String,
}

pub async fn extend(
    State(st): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<i64>,
    ApiJson(b): ApiJson<ExtensionBody>,
) -> ApiResult<Json<RecruitDetail>> {
    Ok(Json(
        st.app
            .extend_probation(&auth.actor, id, b.months, &b.reason)
            .await?,
    ))
}

#[derive(Deserialize)]
pub struct CancelBody {
    reason: String,
}

pub async fn cancel(
    State(st): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<i64>,
    ApiJson(b): ApiJson<CancelBody>,
) -> ApiResult<Json<RecruitDetail>> {
    Ok(Json(
        st.app.cancel_recruit(&auth.actor, id, &b.reason).await?,
    ))
}

#[derive(Deserialize)]
pub struct PlanBody {
    org_id: i64,
    year: i32,
    quota: i64,
}

pub async fn plan(
    State(st): State<AppState>,
    auth: Auth,
    ApiJson(b): ApiJson<PlanBody>,
) -> ApiResult<StatusCode> {
    st.app
        .set_dev_plan(&auth.actor, b.org_id, b.year, b.quota)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}
