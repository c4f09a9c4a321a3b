use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use dangjian_service::import::{JobView, PREVIEW_ERRORS, RosterKind};
use dangjian_service::members::MemberQuery;
use serde::Deserialize;

use crate::AppState;
use crate::error::ApiResult;
use crate::extract::{ApiPath, ApiQuery, ApiUpload, IMPORT_MIB};
use crate::session::Auth;

#[derive(Deserialize)]
pub struct OrgQuery {
    org: i64,
    #[serde(default)]
    kind: RosterKind,
}

#[derive(Deserialize, Default)]
#[serde(default)]
pub struct KindQuery {
    kind: RosterKind,
}

pub async fn template(
    State(st): State<AppState>,
    _auth: Auth,
    ApiQuery(q): ApiQuery<KindQuery>,
) -> ApiResult<Response> {
    Ok(crate::export::template(q.kind, &st.app)?)
}

pub async fn upload(
    State(st): State<AppState>,
    auth: Auth,
    ApiQuery(q): ApiQuery<OrgQuery>,
    ApiUpload(file): ApiUpload<IMPORT_MIB>,
) -> ApiResult<(StatusCode, Json<JobView>)> {
    let job = st
        .app
        .stage_import(&auth.actor, q.org, q.kind, &file.name, file.body)
        .await?;
    let view = st
        .app
        .import_job(&auth.actor, job.id, PREVIEW_ERRORS)
        .await?;
    Ok((StatusCode::CREATED, Json(view)))
}

pub async fn get(
    State(st): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<JobView>> {
    Ok(Json(
        st.app.import_job(&auth.actor, id, PREVIEW_ERRORS).await?,
    ))
}

pub async fn commit(
    State(st): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<StatusCode> {
    st.app.commit_import(&auth.actor, id).await?;
    Ok(StatusCode::ACCEPTED)
}

pub async fn discard(
    State(st): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<StatusCode> {
    st.app.discard_import(&auth.actor, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

pub async fn errors(
    State(st): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Response> {
    let v = st.app.import_job(&auth.actor, id, usize::MAX).await?;
    Ok(crate::export::import_errors(&v)?)
}

/// With a reason, the export carries full ID numbers and phones (editors only; audited).
#[derive(Deserialize, Default)]
#[serde(default)]
pub struct Reason {
    reason: Option<String>,
}

pub async fn export(
    State(st): State<AppState>,
    auth: Auth,
    ApiQuery(q): ApiQuery<MemberQuery>,
    ApiQuery(r): ApiQuery<Reason>,
) -> ApiResult<Response> {
    let (root, rows) = st
        .app
        .export_members(&auth.actor, &q, r.reason.as_deref())
        .await?;
    Ok(crate::export::roster(&st.app, &root.name, rows).await?)
}
