use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use dangjian_service::life::review::{EntryInput, GradeInput, ReviewDetail};
use dangjian_service::today;
use serde::Deserialize;
use serde_json::{Value, json};

use crate::AppState;
use crate::error::{ApiError, ApiResult, Problem};
use crate::extract::{ApiJson, ApiPath, ApiQuery};
use crate::session::Auth;

#[derive(Deserialize)]
pub struct OpenBody {
    org_id: i64,
    year: i64,
}

pub async fn open(
    State(st): State<AppState>,
    auth: Auth,
    ApiJson(b): ApiJson<OpenBody>,
) -> ApiResult<(StatusCode, Json<ReviewDetail>)> {
    Ok((
        StatusCode::CREATED,
        Json(st.app.open_review(&auth.actor, b.org_id, b.year).await?),
    ))
}

pub async fn get(
    State(st): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<ReviewDetail>> {
    Ok(Json(st.app.review(&auth.actor, id).await?))
}

#[derive(Deserialize)]
pub struct FindQuery {
    org: i64,
    year: Option<i64>,
}

pub async fn find(
    State(st): State<AppState>,
    auth: Auth,
    ApiQuery(q): ApiQuery<FindQuery>,
) -> ApiResult<Json<ReviewDetail>> {
    let year = q.year.unwrap_or_else(|| i64::from(today().year()));
    st.app
        .review_of(&auth.actor, q.org, year)
        .await?
        .map(Json)
        .ok_or_else(|| {
            ApiError(Problem::new(
                StatusCode::NOT_FOUND,
                "not_found",
                "该支部本年度尚未开展民主评议",
            ))
        })
}

pub async fn entry(
    State(st): State<AppState>,
    auth: Auth,
    ApiPath((id, member)): ApiPath<(i64, i64)>,
    ApiJson(b): ApiJson<EntryInput>,
) -> ApiResult<Json<ReviewDetail>> {
    Ok(Json(
        st.app
            .update_review_entry(&auth.actor, id, member, &b)
            .await?,
    ))
}

#[derive(Deserialize)]
pub struct DecisionBody {
    grades: Vec<GradeInput>,
}

pub async fn decide(
    State(st): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<i64>,
    ApiJson(b): ApiJson<DecisionBody>,
) -> ApiResult<Json<ReviewDetail>> {
    Ok(Json(
        st.app.decide_review(&auth.actor, id, &b.grades).await?,
    ))
}

#[derive(Deserialize)]
pub struct SummaryQuery {
    org: Option<i64>,
    year: Option<i64>,
}

pub async fn summary(
    State(st): State<AppState>,
    auth: Auth,
    ApiQuery(q): ApiQuery<SummaryQuery>,
) -> ApiResult<Json<Value>> {
    let org = match q.org {
        Some(o) => o,
        None => st.app.home_org(&auth.actor).await?.id,
    };
    let year = q.year.unwrap_or_else(|| i64::from(today().year()));
    Ok(Json(
        json!({ "year": year, "items": st.app.review_grade_counts(&auth.actor, org, year).await? }),
    ))
}
