//! 三评, 一公开 over JSON: periods, responses, results per branch or community, publication,
//! and the published results under /public.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use dangjian_domain::evaluation::PeriodInput;
use dangjian_service::masses::EvaluationPeriod;
use dangjian_service::masses::evaluation::{ResponseInput, Results};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use crate::AppState;
use crate::error::ApiResult;
use crate::extract::{ApiJson, ApiPath, ApiQuery};
use crate::session::Auth;

#[derive(Serialize)]
pub struct Periods {
    items: Vec<EvaluationPeriod>,
}

pub async fn list(State(st): State<AppState>, auth: Auth) -> ApiResult<Json<Periods>> {
    let items = st.app.evaluation_periods(&auth.actor).await?;
    Ok(Json(Periods { items }))
}

#[derive(Deserialize)]
pub struct NewPeriod {
    org_id: i64,
    #[serde(flatten)]
    period: PeriodInput,
}

pub async fn create(
    State(st): State<AppState>,
    auth: Auth,
    ApiJson(b): ApiJson<NewPeriod>,
) -> ApiResult<(StatusCode, Json<Value>)> {
    let id = st
        .app
        .create_evaluation_period(&auth.actor, b.org_id, &b.period)
        .await?;
    Ok((StatusCode::CREATED, Json(json!({ "id": id }))))
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct OrgQuery {
    org: Option<i64>,
}

pub async fn results(
    State(st): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<i64>,
    ApiQuery(q): ApiQuery<OrgQuery>,
) -> ApiResult<Json<Results>> {
    Ok(Json(
        st.app.evaluation_results(&auth.actor, id, q.org).await?,
    ))
}

pub async fn respond(
    State(st): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<i64>,
    ApiJson(b): ApiJson<ResponseInput>,
) -> ApiResult<StatusCode> {
    st.app.evaluate(&auth.actor, id, &b).await?;
    Ok(StatusCode::CREATED)
}

#[derive(Deserialize)]
pub struct PublishBody {
    org_id: i64,
}

pub async fn publish(
    State(st): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<i64>,
    ApiJson(b): ApiJson<PublishBody>,
) -> ApiResult<StatusCode> {
    st.app.publish_evaluation(&auth.actor, id, b.org_id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Published results, for anyone; unpublished ones answer 404 like unknown ones.
pub async fn public(
    State(st): State<AppState>,
    ApiPath((id, org)): ApiPath<(i64, i64)>,
) -> ApiResult<Json<Value>> {
    let r = st.app.public_evaluation(id, org).await?;
    // Nothing but the aggregates and each member's band: no comments, no scores per rater.
    let members: Vec<Value> = r
        .members
        .iter()
        .map(|m| json!({ "name": m.name, "branch_name": m.branch_name, "band": m.band }))
        .collect();
    Ok(Json(json!({
        "period": { "id": r.period.id, "name": r.period.name, "starts_on": r.period.starts_on, "ends_on": r.period.ends_on },
        "org": { "id": r.org.id, "name": r.org.name },
        "questions": r.questions,
        "members": members,
    })))
}
