//! Excel rosters over JSON: the template, uploads checked before they are written, commit or
//! discard, the error report, and the masked or audited export.

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

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct OrgQuery {
    org: i64,
    /// `members` (default): a roster of members (sheet 党员名册). `orgs`: a roster of organizations
    /// to set up under `org` (sheet 组织名册; town and district admins only). `committees`: the
    /// villages' two committees after an election (sheet 两委成员名册; town and district admins).
    /// `enterprises`: non-public units to register (sheet 非公企业和社会组织名册; town and
    /// district admins).
    #[serde(default)]
    kind: RosterKind,
}

#[derive(Deserialize, Default, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(default)]
pub struct KindQuery {
    /// `members` (default): a roster of members (sheet 党员名册). `orgs`: a roster of organizations
    /// to set up under `org` (sheet 组织名册; town and district admins only). `committees`: the
    /// villages' two committees after an election (sheet 两委成员名册; town and district admins).
    /// `enterprises`: non-public units to register (sheet 非公企业和社会组织名册; town and
    /// district admins).
    kind: RosterKind,
}

/// 导入模板 / The roster template
///
/// Sheet 党员名册 with the 13 column headers (or, with `kind=orgs`, sheet 组织名册 with its 7),
/// text-formatted cells, and a sheet 填写说明.
#[utoipa::path(
    get,
    path = "/imports/template.xlsx",
    operation_id = "importTemplate",
    tag = "imports",
    params(KindQuery),
    responses((status = 200, description = "xlsx", content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", body = super::body::FileBody)),
)]
pub async fn template(
    State(st): State<AppState>,
    _auth: Auth,
    ApiQuery(q): ApiQuery<KindQuery>,
) -> ApiResult<Response> {
    Ok(crate::export::template(q.kind, &st.app)?)
}

/// 上传名册 / Upload a roster to check
///
/// multipart/form-data, field `file` (≤ 20 MiB, ≤ 100,000 rows), into the subtree of `org`
/// (editors only). A roster of members: every row is checked (ID check digit, phone, dates
/// typed any usual way or as Excel serials, branch code in scope and open, duplicates within
/// the file and against the registry, formulas). A roster of organizations (`kind=orgs`): name,
/// code (unique in the file and the district), parent code (an org in the subtree of `org`,
/// open, or another row of the file; empty: `org` itself), kind allowed under that parent,
/// owner, secretary, founding date; rows under a refused row are refused, loops are named. A
/// committee roster (`kind=committees`): village code below `org` with no election under way,
/// committee, a post of it, person (ID check digit; a party post needs a full member of the
/// village; a registered ID must keep its name), age cap, vote day; a single post twice, a
/// person twice on one committee or two vote days of a committee in the file are named. Each
/// village gets a finished election; the committees it lists end their old posts that day.
/// A register roster (`kind=enterprises`): each row checked as the register's form checks it
/// (place code below `org`, credit code, kind, industry, size, staff, setup and party
/// organization code), a credit code or an own organization twice in the file and a joint
/// organization past its maximum with the file's rows are named.
/// Nothing is written until the job is committed; orgs are then set up parents first, in one
/// transaction. Answers 201 with the job and its first 200 refused rows. A file that is not an
/// xlsx, lacks the sheet, has a merged or different header, or holds no rows answers 422
/// `bad_file`/`empty`.
#[utoipa::path(
    post,
    path = "/imports",
    operation_id = "uploadRoster",
    tag = "imports",
    params(OrgQuery),
    request_body(content = super::body::Upload, content_type = "multipart/form-data"),
    responses((status = 201, description = "The job.", body = JobView)),
)]
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

/// 导入任务 / A job with its errors and progress
///
/// The uploader's own jobs only (404 otherwise). `state`: checked, importing, done, failed,
/// discarded; `progress` while importing.
#[utoipa::path(
    get,
    path = "/imports/{id}",
    operation_id = "getImport",
    tag = "imports",
    params(("id" = i64, Path, description = "Import id.")),
    responses((status = 200, description = "The job.", body = JobView)),
)]
pub async fn get(
    State(st): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<JobView>> {
    Ok(Json(
        st.app.import_job(&auth.actor, id, PREVIEW_ERRORS).await?,
    ))
}

/// 导入有效记录 / Import the valid rows
///
/// Checks the kept file again against the registry as it is now, then writes every valid row in
/// one transaction (a crash writes nothing), in the background; poll `GET /imports/{id}`. A job
/// not in `checked` answers 422 `not_checked`. Audited as `member.import`.
#[utoipa::path(
    post,
    path = "/imports/{id}/commit",
    operation_id = "commitImport",
    tag = "imports",
    params(("id" = i64, Path, description = "Import id.")),
    responses((status = 202, description = "Started.")),
)]
pub async fn commit(
    State(st): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<StatusCode> {
    st.app.commit_import(&auth.actor, id).await?;
    Ok(StatusCode::ACCEPTED)
}

/// 放弃导入 / Import nothing
///
/// Drops the kept file; nothing is written.
#[utoipa::path(
    post,
    path = "/imports/{id}/discard",
    operation_id = "discardImport",
    tag = "imports",
    params(("id" = i64, Path, description = "Import id.")),
    responses((status = 204, description = "Discarded.")),
)]
pub async fn discard(
    State(st): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<StatusCode> {
    st.app.discard_import(&auth.actor, id).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// 错误报告 / The refused rows as xlsx
///
/// Sheet 错误报告: 行号, the 13 columns as read, and 错误 listing each problem with its column.
#[utoipa::path(
    get,
    path = "/imports/{id}/errors.xlsx",
    operation_id = "importErrors",
    tag = "imports",
    params(("id" = i64, Path, description = "Import id.")),
    responses((status = 200, description = "xlsx", content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", body = super::body::FileBody)),
)]
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

/// 导出名册 / The member list as a roster
///
/// The members `GET /members` would list with the same filters (all pages, at most 200,000), in
/// the import template's layout so that it reads back in. ID numbers and phones are masked
/// unless `reason` (4–200 visible characters) is given by an editor of the subtree (else 403);
/// every export is audited as `export`, with the reason when unmasked. Unmasked exports answer
/// only an API token (`Authorization: Bearer`): with a browser's session cookie a link on
/// another site could fetch them, so a browser asks by POST from the page, with its CSRF
/// token (403 `token_required`).
#[utoipa::path(
    get,
    path = "/members/export.xlsx",
    operation_id = "exportMembers",
    tag = "imports",
    params(MemberQuery),
    responses((status = 200, description = "xlsx", content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", body = super::body::FileBody)),
)]
pub async fn export(
    State(st): State<AppState>,
    auth: Auth,
    ApiQuery(q): ApiQuery<MemberQuery>,
    ApiQuery(r): ApiQuery<Reason>,
) -> ApiResult<Response> {
    if r.reason.is_some() && !auth.by_bearer {
        return Err(crate::error::ApiError(crate::error::Problem::new(
            axum::http::StatusCode::FORBIDDEN,
            "token_required",
            "导出完整身份证号须使用 API 令牌，或在页面上填写事由后导出",
        )));
    }
    let (root, rows) = st
        .app
        .export_members(&auth.actor, &q, r.reason.as_deref())
        .await?;
    Ok(crate::export::roster(&st.app, &root.name, rows).await?)
}
