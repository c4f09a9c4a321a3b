//! 发展党员 over JSON: the board of every level, one person's steps, extension and
//! cancellation of probation, yearly plans.

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

#[derive(Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub struct OrgQuery {
    org: i64,
}

/// 发展党员看板 / The pipeline of a subtree
///
/// Active people of the subtree by stage (applicant, activist, candidate, probationary, full),
/// each with the next step, its latest date and `due` (open, soon within 7 days, overdue); the
/// counts per stage of each child org (and the org's own, 本级) with totals; this year's plan
/// (`quota`) and how many were approved as 预备党员 (step 17) this year; `overdue` and `soon`
/// counts. Roles that edit members only (a `member` user gets 403): applicants are not members
/// yet.
#[utoipa::path(
    get,
    path = "/recruits",
    operation_id = "getPipeline",
    tag = "recruitment",
    params(OrgQuery),
    responses((status = 200, description = "OK", body = Pipeline)),
)]
pub async fn pipeline(
    State(st): State<AppState>,
    auth: Auth,
    ApiQuery(q): ApiQuery<OrgQuery>,
) -> ApiResult<Json<Pipeline>> {
    Ok(Json(st.app.pipeline(&auth.actor, q.org).await?))
}

/// 导出发展名单 / The pipeline as xlsx
///
/// One row per active person with stage, last step, next step and its latest date. Audited as
/// `export`. Roles that edit members only (a `member` user gets 403): applicants are not
/// members yet.
#[utoipa::path(
    get,
    path = "/recruits.xlsx",
    operation_id = "exportPipeline",
    tag = "recruitment",
    params(OrgQuery),
    responses((status = 200, description = "xlsx", content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", body = super::body::FileBody)),
)]
pub async fn pipeline_xlsx(
    State(st): State<AppState>,
    auth: Auth,
    ApiQuery(q): ApiQuery<OrgQuery>,
) -> ApiResult<Response> {
    let p = st.app.export_pipeline(&auth.actor, q.org).await?;
    Ok(crate::export::pipeline(&p)?)
}

/// 新增入党申请人 / Register an applicant
///
/// Registers a person with step 1 (the application, on `applied_on`). Refused with 422: under
/// 18 on the day of application (`under_age`), a bad ID number, an ID already in the pipeline
/// (`duplicate`) or of a member (`already_member`), a non-branch or closed org
/// (`not_a_branch`). Editors of the branch only. Audited as `recruit.create`.
#[utoipa::path(
    post,
    path = "/recruits",
    operation_id = "addRecruit",
    tag = "recruitment",
    request_body(content = RecruitInput),
    responses((status = 201, description = "OK", body = RecruitDetail)),
)]
pub async fn create(
    State(st): State<AppState>,
    auth: Auth,
    ApiJson(b): ApiJson<RecruitInput>,
) -> ApiResult<(StatusCode, Json<RecruitDetail>)> {
    let r = st.app.add_recruit(&auth.actor, &b).await?;
    Ok((StatusCode::CREATED, Json(r)))
}

/// 发展对象 / One person with the 25 steps
///
/// Each step with its earliest and latest date computed from the steps done (and any extension
/// of probation), the record of the steps done (date, document, sponsors, hours, late), the
/// next step and its `due`, and the end of probation once admitted.
#[utoipa::path(
    get,
    path = "/recruits/{id}",
    operation_id = "getRecruit",
    tag = "recruitment",
    params(("id" = i64, Path, description = "Id of the person in recruitment.")),
    responses((status = 200, description = "OK", body = RecruitDetail)),
)]
pub async fn get(
    State(st): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<RecruitDetail>> {
    Ok(Json(st.app.recruit_detail(&auth.actor, id).await?))
}

/// 登记步骤 / Record the next step
///
/// Only the next step, on a date not in the future, not before the previous step and not before
/// its earliest date (`out_of_order`, `future`, `before_previous`, `too_early` with the rule in
/// the message: e.g. step 7 needs a year after step 3). A step after its latest date is
/// recorded and marked `late`. Step 9 needs two distinct full members as `sponsors`
/// (`sponsors`); step 11 needs `hours` ≥ 24 (`too_few_hours`). Step 17 (上级党委审批) registers the
/// person as a 预备党员 with the join date of step 15; step 24 makes them a full member from the
/// end of probation; step 25 completes the process. Audited as `recruit.step`.
#[utoipa::path(
    post,
    path = "/recruits/{id}/steps/{no}",
    operation_id = "recordStep",
    tag = "recruitment",
    params(("id" = i64, Path, description = "Id of the person in recruitment."), ("no" = i64, Path, description = "Step number, 1 to 25.")),
    request_body(content = StepInput),
    responses((status = 200, description = "OK", body = RecruitDetail)),
)]
pub async fn step(
    State(st): State<AppState>,
    auth: Auth,
    ApiPath((id, no)): ApiPath<(i64, u8)>,
    ApiJson(b): ApiJson<StepInput>,
) -> ApiResult<Json<RecruitDetail>> {
    Ok(Json(st.app.record_step(&auth.actor, id, no, &b).await?))
}

#[derive(Deserialize, utoipa::ToSchema)]
pub struct ExtensionBody {
    months: i32,
    reason: String,
}

/// 延长预备期 / Extend probation
///
/// Once, by 6 to 12 months, during probation before the branch meets on confirmation
/// (`extension`, `not_on_probation`); the confirmation steps move back by as much.
#[utoipa::path(
    post,
    path = "/recruits/{id}/extension",
    operation_id = "extendProbation",
    tag = "recruitment",
    params(("id" = i64, Path, description = "Id of the person in recruitment.")),
    request_body(content = ExtensionBody),
    responses((status = 200, description = "OK", body = RecruitDetail)),
)]
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

#[derive(Deserialize, utoipa::ToSchema)]
pub struct CancelBody {
    reason: String,
}

/// 终止发展 / Withdraw, or cancel probation
///
/// Ends the process with a reason (≥ 4 characters); a 预备党员 leaves the registry (their history
/// stays). Audited as `recruit.cancel`.
#[utoipa::path(
    post,
    path = "/recruits/{id}/cancel",
    operation_id = "cancelRecruit",
    tag = "recruitment",
    params(("id" = i64, Path, description = "Id of the person in recruitment.")),
    request_body(content = CancelBody),
    responses((status = 200, description = "OK", body = RecruitDetail)),
)]
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

#[derive(Deserialize, utoipa::ToSchema)]
pub struct PlanBody {
    org_id: i64,
    year: i32,
    quota: i64,
}

/// 发展计划 / Set a yearly quota
///
/// The quota of an org for a year (last, this or next; 0–10,000), set from above the org: a
/// user whose scope is the org itself gets 403 (the district admin excepted).
#[utoipa::path(
    put,
    path = "/plans",
    operation_id = "setDevPlan",
    tag = "recruitment",
    request_body(content = PlanBody),
    responses((status = 204, description = "Set.")),
)]
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

/// 发展党员纪实表 / A person's recruitment file (PDF)
///
/// The person's particulars (the ID number masked) and the 25 steps, each with its window,
/// the day it was done (marked 逾期 when late), its document, sponsors or class hours, and its
/// note. Whoever reads the person; audited as an export.
#[utoipa::path(
    get,
    path = "/recruits/{id}/file.pdf",
    operation_id = "recruitFile",
    tag = "recruitment",
    params(("id" = i64, Path, description = "Id of the person in recruitment.")),
    responses((status = 200, description = "The file, as a download named `发展党员纪实表-<name>-<id>.pdf`.", content_type = "application/pdf", body = super::body::FileBody)),
)]
pub async fn file(
    State(st): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Response> {
    let f = st.app.recruit_file(&auth.actor, id).await?;
    Ok(crate::documents::recruit_file(&f).await?)
}
