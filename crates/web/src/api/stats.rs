//! 党内统计年报 over JSON, and as the workbook and the printed PDF.

use axum::Json;
use axum::extract::State;
use axum::response::Response;
use dangjian_service::stats::annual::{AnnualQuery, PartyStatistics};

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
