use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use dangjian_service::orgs::Org;
use dangjian_service::orgs::{ChildSummary, OrgChange, OrgInput};
use dangjian_service::stats::Overview;
use serde::Deserialize;
use serde_json::{Value, json};

use crate::AppState;
use crate::error::{ApiError, ApiResult, Problem};
use crate::extract::{ApiJson, ApiPath, ApiQuery};
use crate::session::Auth;

pub async fn get(
    State(st): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<Org>> {
    Ok(Json(st.app.org(&auth.actor, id).await?))
}

#[derive(Deserialize)]
pub struct ListQuery {
    parent: Option<i64>,
    q: Option<String>,
}

/// Children of `parent` with their counts, or a search by `q`; one of the two is required.
pub async fn list(
    State(st): State<AppState>,
    auth: Auth,
    ApiQuery(q): ApiQuery<ListQuery>,
) -> ApiResult<Json<Value>> {
    match (q.parent, q.q) {
        (Some(parent), _) => {
            let items: Vec<ChildSummary> = st.app.org_children(&auth.actor, parent).await?;
            Ok(Json(json!({ "items": items })))
        }
        (None, Some(text)) => {
            let items = st.app.org_search(&auth.actor, &text, 100).await?;
            Ok(Json(json!({ "items": items })))
        }
        (None, None) => Err(ApiError(Problem::new(
            StatusCode::BAD_REQUEST,
            "missing_parameter",
            "请提供 parent 或 q 参数",
        ))),
    }
}

#[derive(Deserialize)]
pub struct CreateBody {
    parent_id: i64,
    #[serde(flatten)]
    org: OrgInput,
}

pub async fn create(
    State(st): State<AppState>,
    auth: Auth,
    ApiJson(b): ApiJson<CreateBody>,
) -> ApiResult<(StatusCode, Json<Org>)> {
    let row = st.app.create_org(&auth.actor, b.parent_id, &b.org).await?;
    Ok((StatusCode::CREATED, Json(row)))
}

pub async fn update(
    State(st): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<i64>,
    ApiJson(b): ApiJson<OrgChange>,
) -> ApiResult<Json<Org>> {
    Ok(Json(st.app.change_org(&auth.actor, id, &b).await?))
}

#[derive(Deserialize)]
pub struct OverviewQuery {
    org: Option<i64>,
}

pub async fn overview(
    State(st): State<AppState>,
    auth: Auth,
    ApiQuery(q): ApiQuery<OverviewQuery>,
) -> ApiResult<Json<Overview>> {
    Ok(Json(st.app.overview(&auth.actor, q.org).await?))
}
