//! Non-public enterprises and social organizations over JSON: the register, the two
//! coverages of a level and its children, the instructors, leaders and liaisons with their
//! visits, and the district's rules of the work.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use dangjian_domain::enterprises::EnterpriseRules;
use dangjian_service::enterprises::helpers::{
    EndHelperInput, EnterpriseDetail, EnterpriseVisit, Helper, HelperInput, HelperReport,
    HelperReportQuery, VisitInput,
};
use dangjian_service::enterprises::register::{
    CoverageQuery, CoverageReport, Enterprise, EnterpriseInput, EnterpriseList, EnterpriseQuery,
};

use crate::AppState;
use crate::error::ApiResult;
use crate::extract::{ApiJson, ApiPath, ApiQuery};
use crate::session::Auth;

/// 非公企业和社会组织 / The register
///
/// Below a level, 50 a page by organization and name, filtered by kind, how the party
/// organization is set up, whether operating, the uncovered only (operating, with neither
/// an organization nor party work reaching them), and the start of a name or a whole credit
/// code. Staff only (members 403); out of scope 404.
#[utoipa::path(
    get,
    path = "/enterprises",
    operation_id = "listEnterprises",
    tag = "enterprises",
    params(EnterpriseQuery),
    responses((status = 200, description = "The units.", body = EnterpriseList)),
)]
pub async fn enterprises(
    State(st): State<AppState>,
    auth: Auth,
    ApiQuery(q): ApiQuery<EnterpriseQuery>,
) -> ApiResult<Json<EnterpriseList>> {
    Ok(Json(st.app.enterprises(&auth.actor, &q).await?))
}

/// 登记单位 / Register a unit
///
/// Under an organization the caller keeps (a town or the district, 403). The credit code is
/// checked (GB 32100 check character) and registered once (422 `credit_code`); an own
/// organization is a grassroots organization of the unit's owner kind that is no other
/// unit's own; a joint one covers at most the district's maximum (422 `party_org_id`).
/// Audited as `enterprise.add`.
#[utoipa::path(
    post,
    path = "/enterprises",
    operation_id = "addEnterprise",
    tag = "enterprises",
    request_body(content = EnterpriseInput, description = "The unit."),
    responses((status = 201, description = "The unit.", body = Enterprise)),
)]
pub async fn add_enterprise(
    State(st): State<AppState>,
    auth: Auth,
    ApiJson(b): ApiJson<EnterpriseInput>,
) -> ApiResult<(StatusCode, Json<Enterprise>)> {
    Ok((
        StatusCode::CREATED,
        Json(st.app.add_enterprise(&auth.actor, &b).await?),
    ))
}

/// 单位详情 / A unit
///
/// A unit the caller reads (else 404).
#[utoipa::path(
    get,
    path = "/enterprises/{id}",
    operation_id = "getEnterprise",
    tag = "enterprises",
    params(("id" = i64, Path, description = "The unit.")),
    responses((status = 200, description = "The unit.", body = Enterprise)),
)]
pub async fn enterprise(
    State(st): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<Enterprise>> {
    Ok(Json(st.app.enterprise(&auth.actor, id).await?))
}

/// 修改单位 / Change a unit
///
/// Every field again, checked as when registering. Audited as `enterprise.edit`.
#[utoipa::path(
    put,
    path = "/enterprises/{id}",
    operation_id = "putEnterprise",
    tag = "enterprises",
    params(("id" = i64, Path, description = "The unit.")),
    request_body(content = EnterpriseInput, description = "The unit."),
    responses((status = 200, description = "The unit.", body = Enterprise)),
)]
pub async fn edit_enterprise(
    State(st): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<i64>,
    ApiJson(b): ApiJson<EnterpriseInput>,
) -> ApiResult<Json<Enterprise>> {
    Ok(Json(st.app.edit_enterprise(&auth.actor, id, &b).await?))
}

/// 两个覆盖 / The two coverages
///
/// Of a level and of each child with units, for non-public enterprises, social
/// organizations and both: organizational coverage ((own + joint) ÷ operating), 单独组建率
/// (own ÷ operating) and work coverage, with the uncovered counted.
#[utoipa::path(
    get,
    path = "/enterprises/coverage",
    operation_id = "enterpriseCoverage",
    tag = "enterprises",
    params(CoverageQuery),
    responses((status = 200, description = "The coverages.", body = CoverageReport)),
)]
pub async fn coverage(
    State(st): State<AppState>,
    auth: Auth,
    ApiQuery(q): ApiQuery<CoverageQuery>,
) -> ApiResult<Json<CoverageReport>> {
    Ok(Json(st.app.enterprise_coverage(&auth.actor, &q).await?))
}

/// 非公党建规则 / The rules of non-public party work
///
/// A joint organization's maximum of units, instructors' units, term and days on site,
/// leaders' visits a quarter, the industries. Staff read them (members 403).
#[utoipa::path(
    get,
    path = "/enterprises/rules",
    operation_id = "getEnterpriseRules",
    tag = "enterprises",
    responses((status = 200, description = "The rules.", body = EnterpriseRules)),
)]
pub async fn rules(State(st): State<AppState>, auth: Auth) -> ApiResult<Json<EnterpriseRules>> {
    Ok(Json(st.app.read_enterprise_rules(&auth.actor).await?))
}

/// 修改非公党建规则 / Change the rules
///
/// District organization department only (403); a value out of range: 422 naming the field.
/// Audited as `enterprise.rules`.
#[utoipa::path(
    put,
    path = "/enterprises/rules",
    operation_id = "putEnterpriseRules",
    tag = "enterprises",
    request_body(content = EnterpriseRules, description = "Every rule."),
    responses((status = 200, description = "The rules as stored.", body = EnterpriseRules)),
)]
pub async fn put_rules(
    State(st): State<AppState>,
    auth: Auth,
    ApiJson(b): ApiJson<EnterpriseRules>,
) -> ApiResult<Json<EnterpriseRules>> {
    Ok(Json(st.app.set_enterprise_rules(&auth.actor, &b).await?))
}

/// 单位页 / A unit's page
///
/// The unit with every assignment of an instructor, a leader or a liaison (with what the
/// caller may do with each), its latest 50 visits and the problems it raised on the ledger.
#[utoipa::path(
    get,
    path = "/enterprises/{id}/detail",
    operation_id = "enterpriseDetail",
    tag = "enterprises",
    params(("id" = i64, Path, description = "The unit.")),
    responses((status = 200, description = "The unit's page.", body = EnterpriseDetail)),
)]
pub async fn detail(
    State(st): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<i64>,
) -> ApiResult<Json<EnterpriseDetail>> {
    Ok(Json(st.app.enterprise_detail(&auth.actor, id).await?))
}

/// 选派人员 / Assign a helper
///
/// A member the caller sees as the unit's party-building instructor or leader who looks
/// after it (the district, 403) or factory liaison (the town keeping it too). An instructor's
/// term defaults to the district's; one looking after the district's maximum of units takes
/// no more (422 `member_id` `instructor_full`); the same member twice in one role: 422
/// `duplicate`. Audited as `enterprise.helper`.
#[utoipa::path(
    post,
    path = "/enterprises/{id}/helpers",
    operation_id = "assignEnterpriseHelper",
    tag = "enterprises",
    params(("id" = i64, Path, description = "The unit.")),
    request_body(content = HelperInput, description = "The assignment."),
    responses((status = 201, description = "The assignment.", body = Helper)),
)]
pub async fn assign_helper(
    State(st): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<i64>,
    ApiJson(b): ApiJson<HelperInput>,
) -> ApiResult<(StatusCode, Json<Helper>)> {
    Ok((
        StatusCode::CREATED,
        Json(st.app.assign_helper(&auth.actor, id, &b).await?),
    ))
}

/// 结束选派 / End an assignment
///
/// On a day (default today), not before it began; whoever may assign the role. Audited as
/// `enterprise.helper_end`.
#[utoipa::path(
    post,
    path = "/enterprise-helpers/{id}/end",
    operation_id = "endEnterpriseHelper",
    tag = "enterprises",
    params(("id" = i64, Path, description = "The assignment.")),
    request_body(content = EndHelperInput, description = "Its last day."),
    responses((status = 200, description = "The assignment.", body = Helper)),
)]
pub async fn end_helper(
    State(st): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<i64>,
    ApiJson(b): ApiJson<EndHelperInput>,
) -> ApiResult<Json<Helper>> {
    Ok(Json(st.app.end_helper(&auth.actor, id, &b).await?))
}

/// 记录走访 / Record a visit
///
/// A helper's visit to their unit within the assignment and not after today, with the days
/// on site inside its month (422 `days`); recorded by the town or the district keeping the
/// unit. Audited as `enterprise.visit`.
#[utoipa::path(
    post,
    path = "/enterprise-helpers/{id}/visits",
    operation_id = "logEnterpriseVisit",
    tag = "enterprises",
    params(("id" = i64, Path, description = "The assignment.")),
    request_body(content = VisitInput, description = "The visit."),
    responses((status = 201, description = "The visit.", body = EnterpriseVisit)),
)]
pub async fn log_visit(
    State(st): State<AppState>,
    auth: Auth,
    ApiPath(id): ApiPath<i64>,
    ApiJson(b): ApiJson<VisitInput>,
) -> ApiResult<(StatusCode, Json<EnterpriseVisit>)> {
    Ok((
        StatusCode::CREATED,
        Json(st.app.log_enterprise_visit(&auth.actor, id, &b).await?),
    ))
}

/// 指导员、包企业领导、驻厂员 / Helpers' month or quarter
///
/// The helpers of one role with a unit below a level during the month around `on` (a
/// leader's quarter), with their units, visits and days on site, and how many reach the
/// district's minimum (instructors' days, leaders' visits).
#[utoipa::path(
    get,
    path = "/enterprises/helpers",
    operation_id = "enterpriseHelpers",
    tag = "enterprises",
    params(HelperReportQuery),
    responses((status = 200, description = "The helpers' period.", body = HelperReport)),
)]
pub async fn helpers(
    State(st): State<AppState>,
    auth: Auth,
    ApiQuery(q): ApiQuery<HelperReportQuery>,
) -> ApiResult<Json<HelperReport>> {
    Ok(Json(st.app.helper_report(&auth.actor, &q).await?))
}
