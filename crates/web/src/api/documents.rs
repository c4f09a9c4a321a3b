//! Documents made in the background over JSON: start one, follow it, download it.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use dangjian_service::book::BookQuery;
use dangjian_service::document::DocumentJob;

use crate::AppState;
use crate::error::ApiResult;
use crate::extract::{ApiJson, ApiPath};
use crate::session::Auth;

/// 记录本合订 / Start every branch's record book under a level as one file
///
/// Every branch (and joint branch) under `org` that is open, each book on its own pages as
/// `GET /life/record-book.pdf` makes it, one file. Answers 202 with the job at once; follow it
/// with `GET /documents/{id}` (`done` of `total` branches) and download it from
/// `GET /documents/{id}/file` when `state` is `done`. Staff who list the level's particulars
/// (403); a level without branches: 422 `org` `no_branches`; a year outside 2000–2100: 422
/// `year`. Audited as an export when started.
#[utoipa::path(
    post,
    path = "/documents/record-books",
    operation_id = "startRecordBooks",
    tag = "life",
    request_body(content = BookQuery),
    responses((status = 202, description = "The job, running.", body = DocumentJob)),
)]
pub async fn start_record_books(
    State(st): State<AppState>,
    auth: Auth,
    ApiJson(q): ApiJson<BookQuery>,
) -> ApiResult<Response> {
    let job = st.app.start_record_books(&auth.actor, &q).await?;
    Ok((StatusCode::ACCEPTED, Json(job)).into_response())
}

/// 生成进度 / A document job
///
/// The caller's own job: `running` with `done` of `total` parts made, `done` with its
/// `file_name`, `failed` with a `message`, or `expired` (files are kept for 7 days). Another
/// user's job answers 404.
#[utoipa::path(
    get,
    path = "/documents/{id}",
    operation_id = "getDocumentJob",
    tag = "life",
    params(("id" = i64, Path, description = "Id of the job.")),
    responses((status = 200, description = "The job.", body = DocumentJob)),
)]
pub async fn job(
    State(st): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<DocumentJob>> {
    Ok(Json(st.app.document_job(&auth.actor, id).await?))
}

/// 下载文件 / A made document
///
/// The file of the caller's own job once it is `done`; 404 before, after it expired, and for
/// another user's job.
#[utoipa::path(
    get,
    path = "/documents/{id}/file",
    operation_id = "getDocumentFile",
    tag = "life",
    params(("id" = i64, Path, description = "Id of the job.")),
    responses((status = 200, description = "The file.", content_type = "application/pdf", body = super::body::FileBody)),
)]
pub async fn file(
    State(st): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Response> {
    let (name, bytes) = st.app.document_file(&auth.actor, id).await?;
    Ok(crate::pages::download(
        &name,
        "application/pdf",
        false,
        bytes,
    ))
}
