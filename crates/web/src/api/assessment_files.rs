//! Files kept with the work of 组织建设 over JSON: a secretary's report and its materials,
//! a service-centre project's photos, a rectification's evidence. Uploads and downloads work as
//! for a meeting's files (`POST /meetings/{id}/files`).

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use dangjian_service::assessment::files::{AssessmentFile, Owner};

use crate::AppState;
use crate::error::ApiResult;
use crate::extract::{ApiPath, ApiUpload};
use crate::session::Auth;

async fn attach(
    st: &AppState,
    auth: &Auth,
    owner: Owner,
    u: crate::extract::Upload,
) -> ApiResult<(StatusCode, Json<AssessmentFile>)> {
    let f = st
        .app
        .attach_assessment_file(&auth.actor, owner, &u.name, &u.body)
        .await?;
    Ok((StatusCode::CREATED, Json(f)))
}

async fn download(
    st: &AppState,
    auth: &Auth,
    owner: Owner,
    file_id: i64,
) -> ApiResult<axum::response::Response> {
    let (f, body) = st.app.assessment_file(&auth.actor, owner, file_id).await?;
    Ok(crate::pages::download(
        &f.name,
        &f.mime,
        f.mime.starts_with("image/"),
        body,
    ))
}

async fn delete(st: &AppState, auth: &Auth, owner: Owner, file_id: i64) -> ApiResult<StatusCode> {
    st.app
        .delete_assessment_file(&auth.actor, owner, file_id)
        .await?;
    Ok(StatusCode::NO_CONTENT)
}

/// 上传述职报告及材料 / Attach a file to a secretary's rating
///
/// Keeps a file with a secretary's rating: the report and its materials (audited as `assessment.file`). Send `multipart/form-data` with one
/// field `file`; a cookie session sends its CSRF token in the `X-CSRF-Token` header. Allowed:
/// jpg or jpeg, png, pdf, docx, xlsx, recognised by the content as well as the extension; at
/// most **5 MB** a file and **20 MB** in all for one owner; the request at most **6 MiB** (413).
/// Who: the rated organization itself and the levels above it (district_admin, town_admin, village_admin, branch_secretary inside their scope); else 403. Owner missing or out of scope: 404. Refusals on `file`: `required`,
/// `empty`, `too_large`, `owner_full`, `forbidden_type`,
/// `content_mismatch`.
#[utoipa::path(
    post,
    path = "/secretary-ratings/{id}/files",
    operation_id = "attachSecretaryRatingFile",
    tag = "assessment",
    params(("id" = i64, Path, description = "The secretary rating's id.")),
    request_body(content = super::body::Upload, content_type = "multipart/form-data", description = "The file."),
    responses((status = 201, description = "Attached.", body = AssessmentFile)),
)]
pub async fn attach_report(
    State(st): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<i64>,
    ApiUpload(u): ApiUpload,
) -> ApiResult<(StatusCode, Json<AssessmentFile>)> {
    attach(&st, &auth, Owner::Report(id), u).await
}

/// 下载述职报告及材料 / Download a file of a secretary's rating
///
/// The file's bytes with its content type: images shown (`inline`), documents saved
/// (`attachment`). Whoever reads the owner's organization reads its files; owner or file
/// missing or out of scope: 404.
#[utoipa::path(
    get,
    path = "/secretary-ratings/{id}/files/{file_id}",
    operation_id = "getSecretaryRatingFile",
    tag = "assessment",
    params(("id" = i64, Path, description = "The secretary rating's id."), ("file_id" = i64, Path, description = "A file of that secretary rating (404 otherwise).")),
    responses((status = 200, description = "The file.", content((super::body::FileBody = "image/jpeg"), (super::body::FileBody = "image/png"), (super::body::FileBody = "application/pdf"), (super::body::FileBody = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"), (super::body::FileBody = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")))),
)]
pub async fn get_report(
    State(st): State<AppState>,
    auth: Auth,
    ApiPath((id, file_id)): ApiPath<(i64, i64)>,
) -> ApiResult<axum::response::Response> {
    download(&st, &auth, Owner::Report(id), file_id).await
}

/// 删除述职报告及材料 / Delete a file of a secretary's rating
///
/// Audited as `assessment.file_delete`. Who: as for uploading (403). Owner or file missing or
/// out of scope: 404.
#[utoipa::path(
    delete,
    path = "/secretary-ratings/{id}/files/{file_id}",
    operation_id = "deleteSecretaryRatingFile",
    tag = "assessment",
    params(("id" = i64, Path, description = "The secretary rating's id."), ("file_id" = i64, Path, description = "A file of that secretary rating (404 otherwise).")),
    responses((status = 204, description = "Deleted.")),
)]
pub async fn delete_report(
    State(st): State<AppState>,
    auth: Auth,
    ApiPath((id, file_id)): ApiPath<(i64, i64)>,
) -> ApiResult<StatusCode> {
    delete(&st, &auth, Owner::Report(id), file_id).await
}

/// 上传项目照片及材料 / Attach a file to a service-centre project
///
/// Keeps a file with a service-centre project: its photos and documents (audited as `assessment.file`). Send `multipart/form-data` with one
/// field `file`; a cookie session sends its CSRF token in the `X-CSRF-Token` header. Allowed:
/// jpg or jpeg, png, pdf, docx, xlsx, recognised by the content as well as the extension; at
/// most **5 MB** a file and **20 MB** in all for one owner; the request at most **6 MiB** (413).
/// Who: district_admin and town_admin inside their scope; else 403. Owner missing or out of scope: 404. Refusals on `file`: `required`,
/// `empty`, `too_large`, `owner_full`, `forbidden_type`,
/// `content_mismatch`.
#[utoipa::path(
    post,
    path = "/service-projects/{id}/files",
    operation_id = "attachServiceProjectFile",
    tag = "assessment",
    params(("id" = i64, Path, description = "The project's id.")),
    request_body(content = super::body::Upload, content_type = "multipart/form-data", description = "The file."),
    responses((status = 201, description = "Attached.", body = AssessmentFile)),
)]
pub async fn attach_project(
    State(st): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<i64>,
    ApiUpload(u): ApiUpload,
) -> ApiResult<(StatusCode, Json<AssessmentFile>)> {
    attach(&st, &auth, Owner::Project(id), u).await
}

/// 下载项目照片及材料 / Download a file of a service-centre project
///
/// The file's bytes with its content type: images shown (`inline`), documents saved
/// (`attachment`). Whoever reads the owner's organization reads its files; owner or file
/// missing or out of scope: 404.
#[utoipa::path(
    get,
    path = "/service-projects/{id}/files/{file_id}",
    operation_id = "getServiceProjectFile",
    tag = "assessment",
    params(("id" = i64, Path, description = "The project's id."), ("file_id" = i64, Path, description = "A file of that project (404 otherwise).")),
    responses((status = 200, description = "The file.", content((super::body::FileBody = "image/jpeg"), (super::body::FileBody = "image/png"), (super::body::FileBody = "application/pdf"), (super::body::FileBody = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"), (super::body::FileBody = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")))),
)]
pub async fn get_project(
    State(st): State<AppState>,
    auth: Auth,
    ApiPath((id, file_id)): ApiPath<(i64, i64)>,
) -> ApiResult<axum::response::Response> {
    download(&st, &auth, Owner::Project(id), file_id).await
}

/// 删除项目照片及材料 / Delete a file of a service-centre project
///
/// Audited as `assessment.file_delete`. Who: as for uploading (403). Owner or file missing or
/// out of scope: 404.
#[utoipa::path(
    delete,
    path = "/service-projects/{id}/files/{file_id}",
    operation_id = "deleteServiceProjectFile",
    tag = "assessment",
    params(("id" = i64, Path, description = "The project's id."), ("file_id" = i64, Path, description = "A file of that project (404 otherwise).")),
    responses((status = 204, description = "Deleted.")),
)]
pub async fn delete_project(
    State(st): State<AppState>,
    auth: Auth,
    ApiPath((id, file_id)): ApiPath<(i64, i64)>,
) -> ApiResult<StatusCode> {
    delete(&st, &auth, Owner::Project(id), file_id).await
}

/// 上传整改佐证材料 / Attach a file to a weak-list listing
///
/// Keeps a file with a weak-list listing: the evidence of its rectification, while it is listed (422 `not_listed` on `file` after sign-off) (audited as `assessment.file`). Send `multipart/form-data` with one
/// field `file`; a cookie session sends its CSRF token in the `X-CSRF-Token` header. Allowed:
/// jpg or jpeg, png, pdf, docx, xlsx, recognised by the content as well as the extension; at
/// most **5 MB** a file and **20 MB** in all for one owner; the request at most **6 MiB** (413).
/// Who: the listed organization itself and the levels above it (district_admin, town_admin, village_admin, branch_secretary inside their scope); else 403. Owner missing or out of scope: 404. Refusals on `file`: `required`,
/// `empty`, `too_large`, `owner_full`, `forbidden_type`,
/// `content_mismatch`.
#[utoipa::path(
    post,
    path = "/weak-listings/{id}/files",
    operation_id = "attachListingFile",
    tag = "assessment",
    params(("id" = i64, Path, description = "The listing's id.")),
    request_body(content = super::body::Upload, content_type = "multipart/form-data", description = "The file."),
    responses((status = 201, description = "Attached.", body = AssessmentFile)),
)]
pub async fn attach_listing(
    State(st): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<i64>,
    ApiUpload(u): ApiUpload,
) -> ApiResult<(StatusCode, Json<AssessmentFile>)> {
    attach(&st, &auth, Owner::Listing(id), u).await
}

/// 下载整改佐证材料 / Download a file of a weak-list listing
///
/// The file's bytes with its content type: images shown (`inline`), documents saved
/// (`attachment`). Whoever reads the owner's organization reads its files; owner or file
/// missing or out of scope: 404.
#[utoipa::path(
    get,
    path = "/weak-listings/{id}/files/{file_id}",
    operation_id = "getListingFile",
    tag = "assessment",
    params(("id" = i64, Path, description = "The listing's id."), ("file_id" = i64, Path, description = "A file of that listing (404 otherwise).")),
    responses((status = 200, description = "The file.", content((super::body::FileBody = "image/jpeg"), (super::body::FileBody = "image/png"), (super::body::FileBody = "application/pdf"), (super::body::FileBody = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"), (super::body::FileBody = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")))),
)]
pub async fn get_listing(
    State(st): State<AppState>,
    auth: Auth,
    ApiPath((id, file_id)): ApiPath<(i64, i64)>,
) -> ApiResult<axum::response::Response> {
    download(&st, &auth, Owner::Listing(id), file_id).await
}

/// 删除整改佐证材料 / Delete a file of a weak-list listing
///
/// Audited as `assessment.file_delete`. Who: as for uploading (403). Owner or file missing or
/// out of scope: 404.
#[utoipa::path(
    delete,
    path = "/weak-listings/{id}/files/{file_id}",
    operation_id = "deleteListingFile",
    tag = "assessment",
    params(("id" = i64, Path, description = "The listing's id."), ("file_id" = i64, Path, description = "A file of that listing (404 otherwise).")),
    responses((status = 204, description = "Deleted.")),
)]
pub async fn delete_listing(
    State(st): State<AppState>,
    auth: Auth,
    ApiPath((id, file_id)): ApiPath<(i64, i64)>,
) -> ApiResult<StatusCode> {
    delete(&st, &auth, Owner::Listing(id), file_id).await
}
