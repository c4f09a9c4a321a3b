//! The cloud centre's reports over JSON and as files: 党内统计年报 and 党建工作报告.

use axum::Json;
use axum::extract::State;
use axum::response::Response;
use dangjian_service::stats::annual::{AnnualQuery, PartyStatistics};
use dangjian_service::stats::work_report::{WorkReport, WorkReportQuery};

use crate::AppState;
use crate::error::ApiResult;
use crate::extract::ApiQuery;
use crate::session::Auth;

/// 党内统计年报 / A level's annual party statistics
///
/// The annual tables of a level's members (in all, by status, gender, ethnic group, age in
/// the year, education, category, party age in the year, period of joining; joined and
/// confirmed in the year) and of its grassroots organizations (by kind and by owner), then
/// the main figures of each child with members. Read from the counters the registry keeps,
/// as of today. A member figure carries `list`, the member search that lists whom it counts,
/// for those who may list the level's members. A year outside 2000–2100: 422 `year`.
#[utoipa::path(
    get,
    path = "/stats/annual",
    operation_id = "getPartyStatistics",
    tag = "stats",
    params(AnnualQuery),
    responses((status = 200, description = "The tables.", body = PartyStatistics)),
)]
pub async fn annual(
    State(st): State<AppState>,
    auth: Auth,
    ApiQuery(q): ApiQuery<AnnualQuery>,
) -> ApiResult<Json<PartyStatistics>> {
    Ok(Json(st.app.party_statistics(&auth.actor, &q).await?))
}

/// 党内统计年报（Excel） / The annual statistics as a workbook
///
/// The same figures as `GET /stats/annual`: a sheet of the tables and a sheet by child.
/// Audited as an export.
#[utoipa::path(
    get,
    path = "/stats/annual.xlsx",
    operation_id = "partyStatisticsXlsx",
    tag = "stats",
    params(AnnualQuery),
    responses((status = 200, description = "The workbook, named `党内统计年报-<organization>-<year>.xlsx`.", content_type = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", body = super::body::FileBody)),
)]
pub async fn annual_xlsx(
    State(st): State<AppState>,
    auth: Auth,
    ApiQuery(q): ApiQuery<AnnualQuery>,
) -> ApiResult<Response> {
    let s = st.app.export_party_statistics(&auth.actor, &q).await?;
    Ok(crate::export::party_statistics(&s)?)
}

/// 党内统计年报（PDF） / The annual statistics as printed
///
/// The same figures as `GET /stats/annual`, each member figure with its share of the whole,
/// the table by child and a bar of each child's members. Audited as an export.
#[utoipa::path(
    get,
    path = "/stats/annual.pdf",
    operation_id = "partyStatisticsPdf",
    tag = "stats",
    params(AnnualQuery),
    responses((status = 200, description = "The document, named `党内统计年报-<organization>-<year>.pdf`.", content_type = "application/pdf", body = super::body::FileBody)),
)]
pub async fn annual_pdf(
    State(st): State<AppState>,
    auth: Auth,
    ApiQuery(q): ApiQuery<AnnualQuery>,
) -> ApiResult<Response> {
    let s = st.app.export_party_statistics(&auth.actor, &q).await?;
    Ok(crate::documents::party_statistics(&s).await?)
}

/// 党建工作月报 / 季报 / 年报 / A level's work report for a period
///
/// The period's figures set against the period before, module by module (组织生活: 三会一课
/// and 主题党日 落实率, meetings required and held, attendance, study; 党员队伍: applications,
/// admissions, confirmations; 党费; deeds, volunteer service and residents' requests), each with
/// where it is kept; each child's figures; the branches that missed meetings; and the lists
/// that need action now with their pages. `kind` says how a figure reads: a count, 分, or
/// tenths of a percent. A malformed period: 422 `period` `invalid_period`.
#[utoipa::path(
    get,
    path = "/stats/report",
    operation_id = "getWorkReport",
    tag = "stats",
    params(WorkReportQuery),
    responses((status = 200, description = "The report.", body = WorkReport)),
)]
pub async fn report(
    State(st): State<AppState>,
    auth: Auth,
    ApiQuery(q): ApiQuery<WorkReportQuery>,
) -> ApiResult<Json<WorkReport>> {
    Ok(Json(st.app.work_report(&auth.actor, &q).await?))
}

/// 党建工作报告（PDF） / The work report as printed
///
/// The same figures as `GET /stats/report`, with a bar of each child's 三会一课 rate. Audited
/// as an export.
#[utoipa::path(
    get,
    path = "/stats/report.pdf",
    operation_id = "workReportPdf",
    tag = "stats",
    params(WorkReportQuery),
    responses((status = 200, description = "The document, named `党建工作<月报|季报|年报>-<organization>-<period>.pdf`.", content_type = "application/pdf", body = super::body::FileBody)),
)]
pub async fn report_pdf(
    State(st): State<AppState>,
    auth: Auth,
    ApiQuery(q): ApiQuery<WorkReportQuery>,
) -> ApiResult<Response> {
    let r = st.app.export_work_report(&auth.actor, &q).await?;
    Ok(crate::documents::work_report(&r).await?)
}
